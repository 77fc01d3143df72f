#!/usr/bin/env python3
"""Writes the committed seed corpora, fuzz/seeds/<target>/<name>.

Run from anywhere: python3 fuzz/seeds/make.py. Every stream and JSON document below is either a
sample from the Model Studio compatible-mode document (the contract in the seed) or a fixture
written for these seeds in the shapes real servers send; nothing is copied from captures.
Targets that read a fixed-size header (see fuzz/src/lib.rs) get that header in front.
"""
import json
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))

ID = "chatcmpl-3bb05cf5cd819fbca5f0b8d67a025022"


def chunk(delta, finish=None, usage=None, choices=True, index=0, **extra):
    """A chat.completion.chunk in the document's shape."""
    body = {
        "choices": [{"delta": delta, "finish_reason": finish, "index": index, "logprobs": None}]
        if choices
        else [],
        "object": "chat.completion.chunk",
        "usage": usage,
        "created": 1715931028,
        "system_fingerprint": None,
        "model": "qwen-plus",
        "id": ID,
    }
    body.update(extra)
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False)


# The document's HTTP streaming sample, event by event.
DOC_STREAM = [
    chunk({"content": "", "role": "assistant"}),
    chunk({"content": "I am"}),
    chunk({"content": " a large-scale"}),
    chunk({"content": " language model"}),
    chunk({"content": " from Alibaba Cloud"}),
    chunk({"content": ", and my name is Qwen."}),
    chunk({"content": ""}, finish="stop"),
]

# Fixtures: a streamed tool call (DashScope repeats "type" and sends "id":"" on continuations),
# reasoning content, a usage-only chunk, an error chunk, escapes, CJK and emoji.
TOOL_STREAM = [
    chunk({"content": None, "role": "assistant", "tool_calls": [
        {"index": 0, "id": "call_0a1b", "type": "function",
         "function": {"name": "get_current_weather", "arguments": ""}}]}),
    chunk({"tool_calls": [{"index": 0, "id": "", "type": "function",
                           "function": {"arguments": "{\"location\": "}}]}),
    chunk({"tool_calls": [{"index": 0, "id": "", "type": "function",
                           "function": {"arguments": "\"Singapore\"}"}}]}),
    chunk({"tool_calls": [{"index": 1, "id": "call_9z", "type": "function",
                           "function": {"name": "get_current_time", "arguments": "{}"}}]}),
    chunk({}, finish="tool_calls"),
    chunk(None, choices=False,
          usage={"prompt_tokens": 22, "completion_tokens": 16, "total_tokens": 38,
                 "prompt_tokens_details": {"cached_tokens": 0}}),
]
THINKING_STREAM = [
    chunk({"reasoning_content": "The user asks \"who\".\nAnswer briefly.", "role": "assistant"}),
    chunk({"content": "你好，我是通义千问 🎉 \\u4f60"}),
    chunk({"content": "SURROGATES", "refusal": None}).replace("SURROGATES", "\\ud83c\\udf89"),
    chunk({"content": ""}, finish="length",
          usage={"prompt_tokens": 5, "completion_tokens": 7, "total_tokens": 12,
                 "completion_tokens_details": {"reasoning_tokens": 4}}),
]
ERROR_BODY = {"error": {"message": "Incorrect API key provided. ",
                        "type": "invalid_request_error", "param": None,
                        "code": "invalid_api_key"},
              "request_id": "8f1e2d3c-0000-4000-8000-000000000000"}


def sse(events, end="\n"):
    out = ""
    for event in events:
        out += f"data: {event}{end}{end}"
    return out


def sse_header(flags=0, max_line=0, max_event=0, repeat=0, seed=0, cuts=0):
    return struct.pack("<BHHHQB", flags, max_line, max_event, repeat, seed, cuts)


def write(target, name, data):
    folder = os.path.join(HERE, target)
    os.makedirs(folder, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def sse_streams():
    """Raw event streams, the bytes every SSE-level target starts from."""
    doc = sse(DOC_STREAM + ["[DONE]"])
    yield "doc_stream", doc
    yield "doc_stream_crlf", sse(DOC_STREAM + ["[DONE]"], "\r\n")
    yield "doc_stream_cr", sse(DOC_STREAM[:3], "\r")
    yield "tool_calls", sse(TOOL_STREAM + ["[DONE]"])
    yield "thinking", "\ufeff" + sse(THINKING_STREAM) + "data:[DONE]\n\n"
    yield "fields", (": keep-alive\n\nretry: 1500\nid: 7\nevent: ping\ndata\n\n"
                     "data: multi\ndata:  line\r\ndata\rid\nfoo: bar\n\n"
                     "event: error\ndata: " + json.dumps(ERROR_BODY) + "\n\n"
                     "id: a\x00b\ndata: nul\x00\n\nretry: 12x\ndata: tail")
    yield "error_in_stream", sse(DOC_STREAM[:2]) + "data: " + json.dumps(
        dict(json.loads(DOC_STREAM[2]), error={"message": "overloaded", "code": 503})) + "\n\n"
    yield "truncated", doc[: len(doc) // 2]


RESPONSE = {
    "choices": [{"message": {"role": "assistant",
                             "content": "I am a large language model from Alibaba Cloud. My name is Qwen."},
                 "finish_reason": "stop", "index": 0, "logprobs": None}],
    "object": "chat.completion",
    "usage": {"prompt_tokens": 11, "completion_tokens": 16, "total_tokens": 27},
    "created": 1715252778, "system_fingerprint": "", "model": "qwen-plus", "id": "chatcmpl-xxx",
}
TOOL_RESPONSE = {
    "id": "chatcmpl-t1", "object": "chat.completion", "created": 1715252779, "model": "qwen-plus",
    "choices": [{"index": 0, "finish_reason": "tool_calls", "message": {
        "role": "assistant", "content": "", "reasoning_content": "Need the weather.\n",
        "tool_calls": [{"id": "call_1", "type": "function", "index": 0, "function": {
            "name": "get_current_weather", "arguments": "{\"location\":\"\u4f60\"}"}}]}}],
    "usage": {"prompt_tokens": 200, "completion_tokens": 20, "total_tokens": 220,
              "prompt_tokens_details": {"cached_tokens": 128},
              "completion_tokens_details": {"reasoning_tokens": 5}},
    "service_tier": "on_demand", "search_info": {"search_results": []},
}
REQUEST = {"model": "qwen-plus", "messages": [
    {"role": "system", "content": "You are a helpful assistant."},
    {"role": "user", "content": "Who are you?"}]}
FULL_REQUEST = {
    "model": "qwen-plus",
    "messages": [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": [{"type": "text", "text": "What is this?"},
                                     {"type": "image_url", "image_url": {"url": "https://example.com/a.png"}}]},
        {"role": "assistant", "content": None, "tool_calls": [
            {"id": "call_1", "type": "function",
             "function": {"name": "get_current_time", "arguments": "{}"}}]},
        {"role": "tool", "tool_call_id": "call_1", "name": "get_current_time",
         "content": "Current time: 2024-04-15 17:15:18."},
        {"role": "assistant", "content": "It is", "partial": True},
    ],
    "temperature": 0.7, "top_p": 0.8, "top_k": 20, "presence_penalty": -2.0,
    "frequency_penalty": 2.0, "repetition_penalty": 1.05, "n": 1, "max_tokens": 1,
    "seed": 18446744073709551615, "stream": True, "stream_options": {"include_usage": True},
    "stop": [[1, 2], [3]], "tool_choice": {"type": "function", "function": {"name": "get_current_time"}},
    "parallel_tool_calls": False, "response_format": {"type": "json_object"},
    "logprobs": True, "top_logprobs": 5, "user": "u-1",
    "enable_thinking": True, "thinking_budget": 1024, "enable_search": False,
    "search_options": {"forced_search": True}, "vl_high_resolution_images": False,
    "tools": [{"type": "function", "function": {
        "name": "get_current_weather", "description": "Weather in a city.",
        "parameters": {"type": "object", "properties": {"location": {"type": "string"}},
                       "required": ["location"]}}}],
    "x_custom_extra_body": {"anything": [1, "two", None]},
}
INVALID_REQUEST = {
    "model": "", "temperature": 2, "top_p": 0, "presence_penalty": 2.5, "n": 5,
    "max_tokens": 0, "stop": ["a", 1], "stream_options": {"include_usage": True},
    "messages": [{"role": "user", "content": "Hi"}, {"role": "system", "content": "late"},
                 {"role": "robot", "content": "?"}],
    "tools": [{"type": "function", "function": {"name": "bad name!", "parameters": []}}],
}


def compact(value):
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def main():
    for name, text in [("doc_first", DOC_STREAM[0]), ("doc_finish", DOC_STREAM[-1]),
                       ("tool_start", TOOL_STREAM[0]), ("tool_args", TOOL_STREAM[1]),
                       ("usage_only", TOOL_STREAM[-1]), ("thinking", THINKING_STREAM[0]),
                       ("escapes", THINKING_STREAM[1]), ("surrogates", THINKING_STREAM[2]),
                       ("error_beside_choices",
                        compact(dict(json.loads(DOC_STREAM[2]), error={"message": "overloaded",
                                                                        "code": 503}))),
                       ("error_only", compact(ERROR_BODY)),
                       ("quirks", '{"choices":[{"delta":{"content":null,"tool_calls":[{"function":'
                                  '{"arguments":"{}"}}]},"finish_reason":"","index":"0"}],'
                                  '"created":1.5e9,"object":"chat.completion.chunk","x_groq":{"id":"q"}}')]:
        write("chunk_json", name, text)
        write("chunk_fastpath", name, text)
    # Templates (`@` marks the changing text, `#` a second changing string) and texts,
    # separated by 0xFF bytes.
    texts = [" a large-scale", "\\n\\\"q\\\"", "\\u4f60\\u597d", "你好 😀", "", "{\\\"a\\\": 1}"]
    for name, template in [
            ("content", chunk({"content": "@"})),
            ("first", chunk({"content": "@", "role": "assistant"})),
            ("reasoning", chunk({"reasoning_content": "@"})),
            ("tool_args", chunk({"tool_calls": [{"index": 0, "id": "", "type": "function",
                                                 "function": {"arguments": "@"}}]})),
            ("openai", '{"id":"chatcmpl-A1","object":"chat.completion.chunk","created":1,'
                       '"model":"gpt-4o","system_fingerprint":"fp_1","choices":[{"index":0,'
                       '"delta":{"content":"@"},"logprobs":null,"finish_reason":null}],'
                       '"obfuscation":"#"}')]:
        write("chunk_repeat", name, b"\xff".join(
            [template.encode()] + [text.encode() for text in texts]))
    write("response_json", "doc_response", json.dumps(RESPONSE, indent=4))
    write("response_json", "tool_response", compact(TOOL_RESPONSE))
    write("response_json", "error_envelope", json.dumps(ERROR_BODY, indent=4))
    write("response_json", "error_numeric_code",
          '{"error":{"code":429,"message":"Provider returned error","metadata":{"raw":"x"}}}')
    # The accumulator reads structured input; stream text gives it realistic strings.
    for name, stream in sse_streams():
        if name in ("doc_stream", "tool_calls", "thinking"):
            write("accumulate", name, stream)
    for target in ("request_json", "validate_request"):
        write(target, "doc_request", json.dumps(REQUEST, indent=4))
        write(target, "full_request", compact(FULL_REQUEST))
        write(target, "invalid_request", compact(INVALID_REQUEST))
        write(target, "stream_request", compact(dict(REQUEST, stream=True, stop="\n\n",
                                                     tool_choice="auto", n=4,
                                                     temperature=1.9999)))

    for name, stream in sse_streams():
        data = stream.encode("utf-8")
        write("sse_decoder", name, sse_header(flags=2, seed=len(data), cuts=5) + data)
        # Structured targets read the same bytes through `arbitrary`: text of the right shape.
        if name in ("doc_stream", "tool_calls", "thinking", "fields"):
            write("sse_roundtrip", name, data)
        write("stream_decoder", name, struct.pack("<BHHQB", 0, 0, 0, len(data), 3) + data)
    doc = sse(DOC_STREAM[:2]).encode()
    write("stream_decoder", "after_done", struct.pack("<BHHQB", 0, 0, 0, 1, 2)
          + sse(DOC_STREAM[:1] + ["[DONE]"] + DOC_STREAM[1:2] + ["  [DONE] "]).encode())
    write("stream_decoder", "not_chunks", struct.pack("<BHHQB", 4, 300, 600, 7, 4)
          + b"data: [1,2]\n\ndata: {\"choices\":5}\n\ndata: {\"candidates\":[]}\n\n"
          + b"event: error\ndata: overloaded\n\ndata: {\"choices\":[],\"error\":{\"code\":500}}\n\n"
          + b"data: {oops\n\nevent: ping\ndata: {}\n\ndata:   \n\n")
    # Small limits, strict UTF-8, repetition and byte-by-byte splits.
    write("sse_decoder", "small_limits", sse_header(flags=6, max_line=40, max_event=64,
                                                    seed=3, cuts=9) + doc)
    write("sse_decoder", "strict_invalid", sse_header(flags=5, max_line=64, max_event=64,
                                                      cuts=255)
          + b"data: ok\n\ndata: \xff\xfe\n\ndata: caf\xc3\n\ndata: \xe4\xbd\xa0\n\n")
    write("sse_decoder", "long_line_repeated", sse_header(flags=28, max_line=100, max_event=200,
                                                          repeat=5000, seed=9, cuts=20)
          + b"data: aaaaaaaa")
    write("sse_decoder", "many_lines_repeated", sse_header(flags=28, max_line=100,
                                                           max_event=300, repeat=2000, seed=1,
                                                           cuts=12)
          + b"data: x\r\n")


if __name__ == "__main__":
    main()
