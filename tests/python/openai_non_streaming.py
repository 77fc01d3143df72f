# The seed's "OpenAI SDK / Non-streaming" example; only base_url changed (the key comes from
# DASHSCOPE_API_KEY, as in the seed).
from openai import OpenAI
import os

def get_response():
    client = OpenAI(
        api_key=os.getenv("DASHSCOPE_API_KEY"),  # Replace with api_key="sk-xxx" if you have not set an environment variable.
        # base_url of the mock server.
        base_url=os.environ["CHATWIRE_BASE_URL"],
    )
    completion = client.chat.completions.create(
        model="qwen-plus",  # Replace the model name as needed. Model list: https://www.alibabacloud.com/help/en/model-studio/getting-started/models
        messages=[{'role': 'system', 'content': 'You are a helpful assistant.'},
                  {'role': 'user', 'content': 'Who are you?'}]
        )
    print(completion.model_dump_json())

if __name__ == '__main__':
    get_response()
