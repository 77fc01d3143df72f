//! Deterministic generated corpora: DashScope-style chat completion streams (and OpenAI-style
//! ones, for comparison), built the same on every run from a fixed seed. Nothing here is
//! committed as data; the bytes are made when a bench starts.

use std::fmt::Write as _;

/// A generated stream and the facts a correct decoder must find in it, so a bench can assert
/// its result inside the timed loop.
#[derive(Debug, Clone, Default)]
pub struct Corpus {
    /// The SSE bytes.
    pub bytes: Vec<u8>,
    /// Byte offset just past each dispatched event (one entry per event, `[DONE]` included).
    pub event_ends: Vec<usize>,
    /// Byte offset just past each response (after its `data: [DONE]` event).
    pub response_ends: Vec<usize>,
    /// Dispatched events, `[DONE]` events included.
    pub events: usize,
    /// `chat.completion.chunk` events.
    pub chunks: usize,
    /// Responses (each ends with `[DONE]`).
    pub responses: usize,
    /// Total decoded UTF-8 length of every `delta.content` and `delta.reasoning_content`.
    pub text_bytes: usize,
    /// Total decoded UTF-8 length of every tool-call `arguments` fragment.
    pub argument_bytes: usize,
}

impl Corpus {
    /// The corpus cut at every event boundary.
    pub fn event_pieces(&self) -> Vec<&[u8]> {
        cut(&self.bytes, &self.event_ends)
    }

    /// The corpus cut at every response boundary.
    pub fn response_pieces(&self) -> Vec<&[u8]> {
        cut(&self.bytes, &self.response_ends)
    }

    /// The corpus cut into pieces of random length in `1..=max` (deterministic for a seed).
    pub fn random_pieces(&self, max: usize, seed: u64) -> Vec<&[u8]> {
        let mut rng = Rng::new(seed);
        let mut pieces = Vec::new();
        let mut at = 0;
        while at < self.bytes.len() {
            let len = 1 + rng.below(max as u64) as usize;
            let end = (at + len).min(self.bytes.len());
            pieces.push(&self.bytes[at..end]);
            at = end;
        }
        pieces
    }

    /// The corpus cut into pieces of exactly `len` bytes (the last may be shorter).
    pub fn fixed_pieces(&self, len: usize) -> Vec<&[u8]> {
        self.bytes.chunks(len.max(1)).collect()
    }

    /// The same corpus with every line ending written as CRLF.
    pub fn with_crlf(&self) -> Corpus {
        let mut out = Corpus {
            events: self.events,
            chunks: self.chunks,
            responses: self.responses,
            text_bytes: self.text_bytes,
            argument_bytes: self.argument_bytes,
            ..Corpus::default()
        };
        let mut events = self.event_ends.iter().peekable();
        let mut responses = self.response_ends.iter().peekable();
        for (i, &b) in self.bytes.iter().enumerate() {
            if b == b'\n' {
                out.bytes.push(b'\r');
            }
            out.bytes.push(b);
            if events.peek() == Some(&&(i + 1)) {
                events.next();
                out.event_ends.push(out.bytes.len());
            }
            if responses.peek() == Some(&&(i + 1)) {
                responses.next();
                out.response_ends.push(out.bytes.len());
            }
        }
        out
    }
}

fn cut<'c>(bytes: &'c [u8], ends: &[usize]) -> Vec<&'c [u8]> {
    let mut start = 0;
    let mut pieces = Vec::with_capacity(ends.len() + 1);
    for &end in ends {
        pieces.push(&bytes[start..end]);
        start = end;
    }
    if start < bytes.len() {
        pieces.push(&bytes[start..]);
    }
    pieces
}

/// SplitMix64: a small, fast, deterministic generator (no dependency needed).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator started from `seed`.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
}

const WORDS: &[&str] = &[
    "the",
    "model",
    "stream",
    "token",
    "Alibaba",
    "Cloud",
    "Qwen",
    "large",
    "language",
    "is",
    "a",
    "of",
    "and",
    "to",
    "weather",
    "Singapore",
    "today",
    "rainy",
    "answer",
    "query",
];

/// Pieces of delta text: (JSON-escaped form as written on the wire, decoded UTF-8 length).
const PIECES: &[(&str, usize)] = &[
    (r"\n", 1),
    (r#"\""#, 1),
    (r"\\", 1),
    (r"\t", 1),
    ("你好", 6),
    ("世界", 6),
    (r"\u4f60\u597d", 6),
    ("😀", 4),
    (r"\ud83d\ude00", 4),
    ("é", 2),
    (r"\u00e9", 2),
];

/// What kind of deltas a generated stream carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Text deltas (`delta.content`), a third of responses opening with `reasoning_content`.
    Text,
    /// Tool-call deltas whose `arguments` are JSON fragments escaped inside a JSON string.
    ToolCalls,
    /// Text deltas in OpenAI's chunk layout: `id` first, `service_tier` and a
    /// `system_fingerprint`, the first delta with `refusal: null`, an empty finish delta, a
    /// usage chunk with token details, and an `obfuscation` string of random length and
    /// content on every chunk.
    OpenAiText,
}

/// Generates at least `target_bytes` of DashScope-style streams of the given shape.
pub fn generate(shape: Shape, target_bytes: usize, seed: u64) -> Corpus {
    let mut rng = Rng::new(seed);
    let mut corpus = Corpus::default();
    let mut response = 0u64;
    while corpus.bytes.len() < target_bytes {
        write_response(&mut corpus, &mut rng, shape, response);
        response += 1;
    }
    corpus
}

/// About 50 MB of text-delta streams (corpus (a) of BENCHMARKS.md).
pub fn text_corpus() -> Corpus {
    generate(Shape::Text, 50 << 20, 0x5EED_0001)
}

/// About 20 MB of streamed tool-call arguments (corpus (b)).
pub fn tool_call_corpus() -> Corpus {
    generate(Shape::ToolCalls, 20 << 20, 0x5EED_0002)
}

/// About 20 MB of OpenAI-style text-delta streams.
pub fn openai_text_corpus() -> Corpus {
    generate(Shape::OpenAiText, 20 << 20, 0x5EED_0003)
}

/// One event whose single `data:` line is `len` bytes long (adversarial shape).
pub fn long_line(len: usize) -> Corpus {
    let mut bytes = Vec::with_capacity(len + 16);
    bytes.extend_from_slice(b"data: ");
    bytes.resize(6 + len, b'x');
    bytes.extend_from_slice(b"\n\n");
    let end = bytes.len();
    Corpus {
        bytes,
        event_ends: vec![end],
        response_ends: vec![end],
        events: 1,
        ..Corpus::default()
    }
}

/// `count` tiny events (`data: N\n\n`) in one buffer (adversarial shape).
pub fn tiny_events(count: usize) -> Corpus {
    let mut corpus = Corpus::default();
    let mut line = String::new();
    for i in 0..count {
        line.clear();
        let _ = write!(line, "data: {}\n\n", i % 10);
        corpus.bytes.extend_from_slice(line.as_bytes());
        corpus.event_ends.push(corpus.bytes.len());
    }
    corpus.events = count;
    corpus.response_ends.push(corpus.bytes.len());
    corpus
}

fn write_response(corpus: &mut Corpus, rng: &mut Rng, shape: Shape, n: u64) {
    if shape == Shape::OpenAiText {
        return write_openai_response(corpus, rng, n);
    }
    let id = format!(
        "chatcmpl-{:032x}",
        u128::from(rng.next_u64()) << 64 | u128::from(n)
    );
    let created = 1_715_931_028 + n;
    let head = format!(
        r#""object":"chat.completion.chunk","usage":null,"created":{created},"system_fingerprint":null,"model":"qwen-plus","id":"{id}""#
    );
    let mut event = String::new();

    push_chunk(
        corpus,
        &mut event,
        r#"{"delta":{"content":"","role":"assistant"},"index":0,"logprobs":null,"finish_reason":null}"#,
        &head,
    );
    let deltas = 20 + rng.below(60);
    let finish = match shape {
        Shape::Text => {
            let reasoning = n % 3 == 0;
            for i in 0..deltas {
                let field = if reasoning && i < deltas / 3 {
                    "reasoning_content"
                } else {
                    "content"
                };
                let (text, len) = delta_text(rng);
                corpus.text_bytes += len;
                let choice = format!(
                    r#"{{"delta":{{"{field}":"{text}"}},"finish_reason":null,"index":0,"logprobs":null}}"#
                );
                push_chunk(corpus, &mut event, &choice, &head);
            }
            "stop"
        }
        Shape::OpenAiText => unreachable!("written by write_openai_response"),
        Shape::ToolCalls => {
            let calls = 1 + rng.below(2);
            for call in 0..calls {
                let call_id = format!("call_{:024x}", rng.next_u64());
                let args = arguments(rng);
                let mut fragments = split_fragments(&args, rng);
                let first = fragments.remove(0);
                corpus.argument_bytes += unescaped_len(&first);
                let choice = format!(
                    r#"{{"delta":{{"tool_calls":[{{"index":{call},"id":"{call_id}","type":"function","function":{{"name":"get_current_weather","arguments":"{first}"}}}}]}},"finish_reason":null,"index":0,"logprobs":null}}"#
                );
                push_chunk(corpus, &mut event, &choice, &head);
                for fragment in fragments {
                    corpus.argument_bytes += unescaped_len(&fragment);
                    let choice = format!(
                        r#"{{"delta":{{"tool_calls":[{{"index":{call},"id":"","type":"function","function":{{"arguments":"{fragment}"}}}}]}},"finish_reason":null,"index":0,"logprobs":null}}"#
                    );
                    push_chunk(corpus, &mut event, &choice, &head);
                }
            }
            "tool_calls"
        }
    };
    let finish_choice = format!(
        r#"{{"delta":{{"content":""}},"finish_reason":"{finish}","index":0,"logprobs":null}}"#
    );
    push_chunk(corpus, &mut event, &finish_choice, &head);
    let prompt = 10 + rng.below(100);
    let completion = deltas;
    event.clear();
    let _ = write!(
        event,
        r#"data: {{"choices":[],"object":"chat.completion.chunk","usage":{{"prompt_tokens":{prompt},"completion_tokens":{completion},"total_tokens":{}}},"created":{created},"system_fingerprint":null,"model":"qwen-plus","id":"{id}"}}"#,
        prompt + completion
    );
    event.push_str("\n\n");
    push_event(corpus, &event, true);
    push_event(corpus, "data: [DONE]\n\n", false);
    corpus.response_ends.push(corpus.bytes.len());
    corpus.responses += 1;
}

/// One response in OpenAI's layout (see [`Shape::OpenAiText`]).
fn write_openai_response(corpus: &mut Corpus, rng: &mut Rng, n: u64) {
    let id = format!("chatcmpl-{}", alphanumeric(rng, 29));
    let created = 1_727_346_162 + n;
    let head = format!(
        r#""id":"{id}","object":"chat.completion.chunk","created":{created},"model":"gpt-4o-2024-08-06","service_tier":"default","system_fingerprint":"fp_5050236cbd""#
    );
    let mut event = String::new();
    let mut chunk = |corpus: &mut Corpus, rng: &mut Rng, delta: &str, finish: &str| {
        let padding = padding(rng);
        event.clear();
        let _ = write!(
            event,
            r#"data: {{{head},"choices":[{{"index":0,"delta":{{{delta}}},"logprobs":null,"finish_reason":{finish}}}],"obfuscation":"{padding}"}}"#
        );
        event.push_str("\n\n");
        push_event(corpus, &event, true);
    };
    chunk(
        corpus,
        rng,
        r#""role":"assistant","content":"","refusal":null"#,
        "null",
    );
    let deltas = 20 + rng.below(60);
    for _ in 0..deltas {
        let (text, len) = delta_text(rng);
        corpus.text_bytes += len;
        chunk(corpus, rng, &format!(r#""content":"{text}""#), "null");
    }
    chunk(corpus, rng, "", r#""stop""#);
    let prompt = 10 + rng.below(100);
    let padding = padding(rng);
    event.clear();
    let _ = write!(
        event,
        r#"data: {{{head},"choices":[],"usage":{{"prompt_tokens":{prompt},"completion_tokens":{deltas},"total_tokens":{},"prompt_tokens_details":{{"cached_tokens":0,"audio_tokens":0}},"completion_tokens_details":{{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}}},"obfuscation":"{padding}"}}"#,
        prompt + deltas
    );
    event.push_str("\n\n");
    push_event(corpus, &event, true);
    push_event(corpus, "data: [DONE]\n\n", false);
    corpus.response_ends.push(corpus.bytes.len());
    corpus.responses += 1;
}

/// OpenAI's `obfuscation` value: 1 to 12 random letters and digits.
fn padding(rng: &mut Rng) -> String {
    let len = 1 + rng.below(12) as usize;
    alphanumeric(rng, len)
}

/// `len` random ASCII letters and digits.
fn alphanumeric(rng: &mut Rng, len: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    (0..len)
        .map(|_| char::from(ALPHABET[rng.below(ALPHABET.len() as u64) as usize]))
        .collect()
}

fn push_chunk(corpus: &mut Corpus, event: &mut String, choice: &str, head: &str) {
    event.clear();
    let _ = write!(event, "data: {{\"choices\":[{choice}],{head}}}\n\n");
    push_event(corpus, event, true);
}

fn push_event(corpus: &mut Corpus, event: &str, chunk: bool) {
    corpus.bytes.extend_from_slice(event.as_bytes());
    corpus.event_ends.push(corpus.bytes.len());
    corpus.events += 1;
    if chunk {
        corpus.chunks += 1;
    }
}

/// A delta's wire text and its decoded length.
fn delta_text(rng: &mut Rng) -> (String, usize) {
    let mut text = String::new();
    let mut len = 0;
    for _ in 0..1 + rng.below(4) {
        if rng.below(4) == 0 {
            let (piece, piece_len) = PIECES[rng.below(PIECES.len() as u64) as usize];
            text.push_str(piece);
            len += piece_len;
        } else {
            let word = WORDS[rng.below(WORDS.len() as u64) as usize];
            text.push(' ');
            text.push_str(word);
            len += 1 + word.len();
        }
    }
    (text, len)
}

/// Tool arguments: a JSON object, as text.
fn arguments(rng: &mut Rng) -> String {
    let mut args = String::from("{\"location\": \"");
    for i in 0..1 + rng.below(3) {
        if i > 0 {
            args.push(' ');
        }
        args.push_str(WORDS[rng.below(WORDS.len() as u64) as usize]);
    }
    args.push_str("\", \"unit\": \"celsius\", \"note\": \"line one\\nline \\\"two\\\"\"}");
    args
}

/// Splits `args` into fragments and escapes each as the inside of a JSON string.
fn split_fragments(args: &str, rng: &mut Rng) -> Vec<String> {
    let chars: Vec<char> = args.chars().collect();
    let mut out = Vec::new();
    let mut at = 0;
    while at < chars.len() {
        let len = 1 + rng.below(12) as usize;
        let end = (at + len).min(chars.len());
        let fragment: String = chars[at..end].iter().collect();
        out.push(escape(&fragment));
        at = end;
    }
    out
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

fn unescaped_len(escaped: &str) -> usize {
    let mut len = 0;
    let mut chars = escaped.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            chars.next();
            len += 1;
        } else {
            len += c.len_utf8();
        }
    }
    len
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generation_is_deterministic() {
        let a = generate(Shape::Text, 20_000, 7);
        let b = generate(Shape::Text, 20_000, 7);
        assert_eq!(a.bytes, b.bytes);
        assert_ne!(a.bytes, generate(Shape::Text, 20_000, 8).bytes);
    }

    #[test]
    fn pieces_reassemble_the_corpus() {
        let corpus = generate(Shape::ToolCalls, 30_000, 3);
        for pieces in [
            corpus.event_pieces(),
            corpus.response_pieces(),
            corpus.random_pieces(4096, 1),
            corpus.fixed_pieces(1460),
        ] {
            assert_eq!(pieces.concat(), corpus.bytes);
        }
        assert_eq!(corpus.event_pieces().len(), corpus.events);
        assert_eq!(corpus.response_pieces().len(), corpus.responses);
    }

    #[test]
    fn every_event_is_one_data_line_and_every_chunk_is_json() {
        let corpus = generate(Shape::Text, 50_000, 11);
        let mut text = 0;
        for piece in corpus.event_pieces() {
            let line = std::str::from_utf8(piece).unwrap();
            let data = line
                .strip_prefix("data: ")
                .unwrap()
                .strip_suffix("\n\n")
                .unwrap();
            if data == "[DONE]" {
                continue;
            }
            let value: serde_json::Value = serde_json::from_str(data).unwrap();
            for choice in value["choices"].as_array().unwrap() {
                for field in ["content", "reasoning_content"] {
                    if let Some(s) = choice["delta"][field].as_str() {
                        text += s.len();
                    }
                }
            }
        }
        assert_eq!(text, corpus.text_bytes);
    }

    #[test]
    fn tool_call_argument_lengths_are_counted_decoded() {
        let corpus = generate(Shape::ToolCalls, 20_000, 5);
        let mut args = 0;
        for piece in corpus.event_pieces() {
            let data = &piece[6..piece.len() - 2];
            if data == b"[DONE]" {
                continue;
            }
            let value: serde_json::Value = serde_json::from_slice(data).unwrap();
            for choice in value["choices"].as_array().unwrap() {
                if let Some(calls) = choice["delta"]["tool_calls"].as_array() {
                    for call in calls {
                        args += call["function"]["arguments"].as_str().unwrap().len();
                    }
                }
            }
        }
        assert_eq!(args, corpus.argument_bytes);
    }

    #[test]
    fn crlf_variant_keeps_boundaries() {
        let corpus = generate(Shape::Text, 10_000, 2);
        let crlf = corpus.with_crlf();
        assert_eq!(crlf.event_ends.len(), corpus.event_ends.len());
        assert_eq!(crlf.response_ends.len(), corpus.response_ends.len());
        assert!(crlf.event_pieces().iter().all(|p| p.ends_with(b"\r\n\r\n")));
        assert_eq!(
            crlf.bytes.iter().filter(|&&b| b == b'\r').count(),
            crlf.bytes.iter().filter(|&&b| b == b'\n').count()
        );
    }

    #[test]
    fn adversarial_shapes_have_the_promised_size() {
        assert_eq!(long_line(1 << 20).bytes.len(), (1 << 20) + 8);
        let tiny = tiny_events(1000);
        assert_eq!(tiny.event_pieces().len(), 1000);
    }
}
