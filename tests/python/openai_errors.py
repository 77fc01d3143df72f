# The OpenAI SDK's exceptions for the mock's error answers: one line per case,
# "<status> <exception type> <error code> <param> <request_id matches header>".
import os

import openai
from openai import OpenAI

BASE_URL = os.environ["CHATWIRE_BASE_URL"]
MESSAGES = [{"role": "system", "content": "You are a helpful assistant."},
            {"role": "user", "content": "Who are you?"}]


def report(call):
    try:
        call()
    except openai.APIStatusError as e:
        error = e.body if isinstance(e.body, dict) else {}
        request_id = e.response.json().get("request_id")
        same = request_id is not None and request_id == e.response.headers.get("x-request-id")
        print(e.status_code, type(e).__name__, error.get("code"), error.get("param"), same)
    else:
        print("no error")


good = OpenAI(api_key=os.getenv("DASHSCOPE_API_KEY"), base_url=BASE_URL, max_retries=0)
# The test starts the mock with one accepted key; any other is rejected.
bad = OpenAI(api_key="sk-wrong-key", base_url=BASE_URL, max_retries=0)

report(lambda: bad.chat.completions.create(model="qwen-plus", messages=MESSAGES))
report(lambda: good.chat.completions.create(model="qwen-max", messages=MESSAGES, n=2))
report(lambda: good.chat.completions.create(model="qwen-plus", messages=MESSAGES, extra_body={"enable_thinking": True}))
report(lambda: good.chat.completions.create(model="no-such-model", messages=MESSAGES))
