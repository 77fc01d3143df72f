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


def main():
    for name, stream in sse_streams():
        data = stream.encode("utf-8")
        write("sse_decoder", name, sse_header(flags=2, seed=len(data), cuts=5) + data)
        # Structured targets read the same bytes through `arbitrary`: text of the right shape.
        if name in ("doc_stream", "tool_calls", "thinking", "fields"):
            write("sse_roundtrip", name, data)
    doc = sse(DOC_STREAM[:2]).encode()
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
