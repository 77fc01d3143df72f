# The seed's "LangChain OpenAI SDK / Streaming" example; only base_url changed (the key comes
# from DASHSCOPE_API_KEY, as in the seed).
from langchain_openai import ChatOpenAI
import os

def get_response():
    llm = ChatOpenAI(
        api_key=os.getenv("DASHSCOPE_API_KEY"),  # Replace with api_key="sk-xxx" if you have not set an environment variable.
        base_url=os.environ["CHATWIRE_BASE_URL"],  # base_url of the mock server.
        model="qwen-plus",  # Replace the model name as needed. Model list: https://www.alibabacloud.com/help/en/model-studio/getting-started/models
        stream_usage=True
        )
    messages = [
        {"role":"system","content":"You are a helpful assistant."},
        {"role":"user","content":"Who are you?"},
    ]
    response = llm.stream(messages)
    for chunk in response:
        print(chunk.model_dump_json())

if __name__ == "__main__":
    get_response()
