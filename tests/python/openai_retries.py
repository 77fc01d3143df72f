# The OpenAI SDK's retries against the mock's 429 and 503 scenarios, and the message of an
# error sent inside a 200 stream. One line per case:
# "<case> <exception type> <status or -> <message>".
import os

import openai
from openai import OpenAI

BASE_URL = os.environ["CHATWIRE_BASE_URL"]
MESSAGES = [{"role": "system", "content": "You are a helpful assistant."},
            {"role": "user", "content": "Who are you?"}]

client = OpenAI(api_key=os.getenv("DASHSCOPE_API_KEY"), base_url=BASE_URL, max_retries=2)


def report(case, call):
    try:
        call()
    except openai.APIStatusError as e:
        print(case, type(e).__name__, e.status_code, e.message)
    except openai.APIError as e:
        print(case, type(e).__name__, "-", e.message)
    else:
        print(case, "no error")


for scenario in ["429-limit-requests", "503-overloaded"]:
    report(scenario, lambda: client.chat.completions.create(
        model="qwen-plus", messages=MESSAGES, extra_headers={"x-mock-scenario": scenario}))


def stream():
    chunks = client.chat.completions.create(
        model="qwen-plus", messages=MESSAGES, stream=True,
        extra_headers={"x-mock-scenario": "stream-error-after-2"})
    for _ in chunks:
        pass


report("stream-error-after-2", stream)
