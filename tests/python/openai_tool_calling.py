# The seed's "Tool calling example"; only base_url changed (the key comes from
# DASHSCOPE_API_KEY, as in the seed) and the query fixed instead of read with input().
from openai import OpenAI
from datetime import datetime
import json
import os

client = OpenAI(
    # Replace with api_key="sk-xxx" if you have not set an environment variable.
    api_key=os.getenv("DASHSCOPE_API_KEY"),
    # base_url of the mock server.
    base_url=os.environ["CHATWIRE_BASE_URL"],
)

# Define tools. The model selects a tool based on its name and description.
tools = [
    # Tool 1: Get the current time.
    {
        "type": "function",
        "function": {
            "name": "get_current_time",
            "description": "Useful for when you want to know the current time.",
            # No input parameters required, so parameters is an empty dictionary.
            "parameters": {}
        }
    },
    # Tool 2: Get weather for a specified city.
    {
        "type": "function",
        "function": {
            "name": "get_current_weather",
            "description": "Useful for querying the weather in a specific city.",
            "parameters": {
                "type": "object",
                "properties": {
                    "location": {
                        "type": "string",
                        "description": "A city or county, such as Beijing, Hangzhou, or Yuhang District."
                    }
                }
            },
            "required": [
                "location"
            ]
        }
    }
]

# Simulated weather tool. Returns a sample result like "It is rainy in Beijing today."
def get_current_weather(location):
    return f"It is rainy in {location} today. "

# Time tool. Returns a result like "Current time: 2024-04-15 17:15:18."
def get_current_time():
    current_datetime = datetime.now()
    formatted_time = current_datetime.strftime('%Y-%m-%d %H:%M:%S')
    return f"Current time: {formatted_time}."

# Send a request and return the model response.
def get_response(messages):
    completion = client.chat.completions.create(
        model="qwen-plus",  # Replace the model name as needed. Model list: https://www.alibabacloud.com/help/en/model-studio/getting-started/models
        messages=messages,
        tools=tools
        )
    return completion.model_dump()

def call_with_messages():
    print('\n')
    messages = [
            {
                "content": "How is the weather in Singapore? What time is it now?",  # fixed instead of input('Please enter your query:')
                "role": "user"
            }
    ]
    print("-"*60)
    # First round of model calling.
    i = 1
    first_response = get_response(messages)
    assistant_output = first_response['choices'][0]['message']
    print(f"\nModel output in round {i}: {first_response}\n")
    if  assistant_output['content'] is None:
        assistant_output['content'] = ""
    messages.append(assistant_output)
    # If no tool call is needed, return the answer directly.
    if assistant_output['tool_calls'] == None:
        print(f"No tool call is needed. I can answer directly: {assistant_output['content']}")
        return
    # If a tool call is needed, loop until the model stops calling tools.
    while assistant_output['tool_calls'] != None:
        if assistant_output['tool_calls'][0]['function']['name'] == 'get_current_weather':
            tool_info = {"name": "get_current_weather", "role":"tool"}
            location = json.loads(assistant_output['tool_calls'][0]['function']['arguments'])['location']
            tool_info['content'] = get_current_weather(location)
        elif assistant_output['tool_calls'][0]['function']['name'] == 'get_current_time':
            tool_info = {"name": "get_current_time", "role":"tool"}
            tool_info['content'] = get_current_time()
        print(f"Tool output: {tool_info['content']}\n")
        print("-"*60)
        messages.append(tool_info)
        assistant_output = get_response(messages)['choices'][0]['message']
        if  assistant_output['content'] is None:
            assistant_output['content'] = ""
        messages.append(assistant_output)
        i += 1
        print(f"Model output in round {i}: {assistant_output}\n")
    print(f"Final answer: {assistant_output['content']}")

if __name__ == '__main__':
    call_with_messages()
