//! Differential tests of the optional JSON back ends (`backend::sonic`, `backend::simd`)
//! against the serde_json path: on generated chunks of every shape, on mutated and truncated
//! variants of them, and on hand-written responses, requests and error envelopes, a back end
//! accepts exactly what serde_json accepts, and what it yields is equal to serde_json's value.
//!
//! "Equal": sonic-rs's value is `==` to serde_json's and writes the same JSON. simd-json
//! rewrites every raw value (its in-place unescaping leaves no raw text to borrow), so its
//! value is compared with what simd-json makes of serde_json's value written back out (both
//! then hold rewritten raw values), and the two written-out texts must be the same JSON value.
//!
//! The documented differences (see `chatwire::backend`) are checked for what they are: an
//! unpaired surrogate escape, and simd-json's "end of input" errors.
#![cfg(any(feature = "sonic-rs", feature = "simd-json"))]

mod chunk_gen;

use core::fmt::Debug;

use chatwire::types::{ChatCompletion, ChatCompletionChunk, ChatRequest, ErrorEnvelope, IntoOwned};
use chunk_gen::{chunk, mutate, mutation, stream_chunk};
use proptest::collection::vec;
use proptest::prelude::*;
use serde::{Deserialize, Serialize};

/// A chatwire type at every lifetime, compared through its owned form.
trait Family {
    type Owned: PartialEq + Debug + Serialize;
    type Of<'a>: Deserialize<'a> + Serialize + Debug + IntoOwned<Owned = Self::Owned>;
}

macro_rules! family {
    ($family:ident, $ty:ident) => {
        struct $family;

        impl Family for $family {
            type Owned = $ty<'static>;
            type Of<'a> = $ty<'a>;
        }
    };
}

family!(Chunk, ChatCompletionChunk);
family!(Completion, ChatCompletion);
family!(Request, ChatRequest);
family!(Envelope, ErrorEnvelope);

/// Checks one input against every enabled back end for the type `F`.
fn check<F: Family>(text: &str) -> Result<(), TestCaseError> {
    let serde = serde_json::from_str::<F::Of<'_>>(text);
    #[cfg(feature = "sonic-rs")]
    check_sonic::<F>(text, &serde)?;
    #[cfg(feature = "simd-json")]
    check_simd::<F>(text, &serde)?;
    Ok(())
}

fn verdicts_differ<T: Debug, U: Debug>(
    backend: &str,
    ours: &T,
    serde: &U,
    text: &str,
) -> TestCaseError {
    TestCaseError::fail(format!(
        "{backend} and serde_json differ: {ours:?} vs {serde:?}: {text:?}"
    ))
}

#[cfg(feature = "sonic-rs")]
fn check_sonic<F: Family>(
    text: &str,
    serde: &Result<F::Of<'_>, serde_json::Error>,
) -> Result<(), TestCaseError> {
    use chatwire::backend::sonic;

    let unpaired = has_unpaired_surrogate(text);
    for (via, sonic) in [
        ("sonic from_str", sonic::from_str::<F::Of<'_>>(text)),
        (
            "sonic from_slice",
            sonic::from_slice::<F::Of<'_>>(text.as_bytes()),
        ),
    ] {
        match (sonic, serde) {
            (Ok(sonic), Ok(serde)) => {
                prop_assert_eq!(
                    serde_json::to_string(&sonic).unwrap(),
                    serde_json::to_string(serde).unwrap(),
                    "{}: {:?}",
                    via,
                    text
                );
                let serde = serde_json::from_str::<F::Of<'_>>(text).unwrap();
                prop_assert_eq!(
                    sonic.into_owned(),
                    serde.into_owned(),
                    "{}: {:?}",
                    via,
                    text
                );
            }
            (Err(_), Err(_)) => {}
            // sonic-rs rejects a string with an unpaired surrogate escape, which chatwire's
            // serde path accepts (decoding it as U+FFFD): a documented difference.
            (Err(_), Ok(_)) if unpaired => {}
            (sonic, serde) => return Err(verdicts_differ(via, &sonic, serde, text)),
        }
    }
    Ok(())
}

#[cfg(feature = "simd-json")]
fn check_simd<F: Family>(
    text: &str,
    serde: &Result<F::Of<'_>, serde_json::Error>,
) -> Result<(), TestCaseError> {
    use chatwire::backend::simd;

    // simd-json rejects some unpaired surrogate escapes and decodes others (a high one not
    // followed by `\u`) as U+0000: a documented difference, not compared.
    if has_unpaired_surrogate(text) {
        return Ok(());
    }
    let mut buffer = text.as_bytes().to_vec();
    match (simd::from_slice::<F::Of<'_>>(&mut buffer), serde) {
        // simd-json 0.15 misreads a number with 20 or more significant digits (its mantissa
        // wraps around: `7.28414683750928000123` reads as 0.0899...): a documented defect,
        // so only the verdict is compared.
        (Ok(_), Ok(_)) if has_long_mantissa(text) => {}
        (Ok(simd), Ok(serde)) => {
            let written = serde_json::to_string(serde).unwrap();
            let ours = serde_json::to_string(&simd).unwrap();
            let mut again = written.clone().into_bytes();
            let rewritten = simd::from_slice::<F::Of<'_>>(&mut again)
                .map_err(|e| TestCaseError::fail(format!("{e}: {written}")))?;
            prop_assert_eq!(simd.into_owned(), rewritten.into_owned(), "{:?}", text);
            let ours = normalized(serde_json::from_str(&ours).unwrap());
            let theirs = normalized(serde_json::from_str(&written).unwrap());
            prop_assert_eq!(ours, theirs, "{:?}", text);
        }
        // simd-json reports most texts that end too early as syntax errors (a documented
        // difference); when it does say "end of input", so does serde_json.
        (Err(simd), Err(serde)) => {
            prop_assert!(!simd.is_eof() || serde.is_eof(), "{:?}", text);
        }
        // simd-json rejects a number beyond the range of `f64` (`9e999`) or an integer beyond
        // 64 bits, which serde_json keeps raw: a documented difference.
        (Err(simd), Ok(_)) if simd.message() == "InvalidNumber" && has_number_beyond_simd(text) => {
        }
        // simd-json 0.15 accepts an integer of 19 or more digits followed by other bytes
        // (`[1234567890123456789x]` reads as `[1234567890123456789]`): a documented defect.
        (Ok(_), Err(_)) if has_long_integer_with_trailing_bytes(text) => {}
        (simd, serde) => return Err(verdicts_differ("simd", &simd, serde, text)),
    }
    Ok(())
}

/// Whether a `\uXXXX` escape in `text` is half of a surrogate pair without its other half.
fn has_unpaired_surrogate(text: &str) -> bool {
    let bytes = text.as_bytes();
    let hex = |at: usize| {
        bytes
            .get(at..at + 4)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u16::from_str_radix(h, 16).ok())
    };
    let (mut i, mut pending_high) = (0, false);
    while i < bytes.len() {
        if bytes[i] != b'\\' {
            if pending_high {
                return true;
            }
            i += 1;
            continue;
        }
        match (bytes.get(i + 1), hex(i + 2)) {
            (Some(b'u'), Some(unit)) => {
                let low = (0xdc00..0xe000).contains(&unit);
                if low != pending_high {
                    return true;
                }
                pending_high = (0xd800..0xdc00).contains(&unit);
                i += 6;
            }
            _ if pending_high => return true,
            _ => i += 2,
        }
    }
    pending_high
}

/// Whether `text` has a number (or something number-like in a string) that simd-json does not
/// read: beyond the range of `f64`, or an integer beyond 64 bits.
#[cfg(feature = "simd-json")]
fn has_number_beyond_simd(text: &str) -> bool {
    text.split(|c: char| !(c.is_ascii_digit() || "eE+-.".contains(c)))
        .any(|token| {
            let integer =
                !token.is_empty() && token.bytes().all(|b| b.is_ascii_digit() || b == b'-');
            let too_big = integer && token.parse::<i64>().is_err() && token.parse::<u64>().is_err();
            too_big || token.parse::<f64>().is_ok_and(f64::is_infinite)
        })
}

/// Whether `text` has a number (or number-like text in a string) with 20 or more significant
/// digits.
#[cfg(feature = "simd-json")]
fn has_long_mantissa(text: &str) -> bool {
    text.split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .any(|token| {
            let digits = token.trim_start_matches(['0', '.']);
            digits.bytes().filter(u8::is_ascii_digit).count() >= 20
        })
}

/// Whether `text` has a run of 19 or more digits followed by a byte that cannot end a number.
#[cfg(feature = "simd-json")]
fn has_long_integer_with_trailing_bytes(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut run = 0;
    for &b in bytes {
        if b.is_ascii_digit() {
            run += 1;
            continue;
        }
        if run >= 19 && !b",]} \t\r\n.eE".contains(&b) {
            return true;
        }
        run = 0;
    }
    false
}

/// simd-json reads `-0` as the integer 0 (a documented difference): the float -0.0 of
/// serde_json's reading is counted as 0.
#[cfg(feature = "simd-json")]
fn normalized(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Number(n) if n.as_f64() == Some(0.0) => Value::from(0u64),
        Value::Array(items) => Value::Array(items.into_iter().map(normalized).collect()),
        Value::Object(map) => {
            Value::Object(map.into_iter().map(|(k, v)| (k, normalized(v))).collect())
        }
        other => other,
    }
}

proptest! {
    // 256 cases unless PROPTEST_CASES says otherwise (CI runs more).
    #![proptest_config(ProptestConfig::default())]

    #[test]
    fn generated_chunks_agree(text in chunk()) {
        check::<Chunk>(&text)?;
    }

    #[test]
    fn mutated_chunks_agree(text in chunk(), mutations in vec(mutation(), 1..4)) {
        check::<Chunk>(&mutate(&text, &mutations))?;
    }

    #[test]
    fn mutated_stream_chunks_agree(text in stream_chunk(), mutations in vec(mutation(), 1..3)) {
        check::<Chunk>(&mutate(&text, &mutations))?;
    }
}

/// Inputs at the edges: odd numbers, escapes, nesting, repeated keys, malformed text.
#[test]
fn chunk_edge_cases_agree() {
    let cases = [
        "{}",
        " {} ",
        "{} x",
        "[]",
        "",
        "null",
        r#"{"choices":[]}"#,
        r#"{"choices":[],}"#,
        r#"{"choices":[{},]}"#,
        r#"{"choices":[1]}"#,
        r#"{"choices":{}}"#,
        r#"{"id":"a","id":"b"}"#,
        r#"{"created":1,"created":1.5}"#,
        r#"{"created":1.5,"created":1}"#,
        r#"{"created":01}"#,
        r#"{"created":-0}"#,
        r#"{"created":1e2}"#,
        r#"{"created":18446744073709551616}"#,
        r#"{"created":1e400,"x":[-2e308]}"#,
        r#"{"x":[722841468375092800012-]}"#,
        r#"{"x":[1-]}"#,
        r#"{"choices":[{"index":4294967296}]}"#,
        r#"{"choices":[{"delta":{"content":"a\u00"}}]}"#,
        "{\"choices\":[{\"delta\":{\"content\":\"a\u{1}\"}}]}",
        r#"{"choices":[{"delta":{"content":"a\x"}}]}"#,
        r#"{"choices":[{"delta":{"content":"tab\there \"q\" \u4f60\ud83d\ude00"}}]}"#,
        r#"{"choices":[{"delta":{"content":[{"type":"text","text":"a\nb"},{"type":"x"}]}}]}"#,
        r#"{"choices":[{"delta":{"tool_calls":[{"index":0,"id":"c","type":"function","function":{"name":"f","arguments":"{\"a\": 1}"}}]}}]}"#,
        r#"{"choices":[{"logprobs":{"content":[{"token":"a","logprob":-0.1,"bytes":[97]}]}}]}"#,
        r#"{"choices":[{"logprobs":nul}]}"#,
        r#"{"ke\u0079":1}"#,
        r#"{"x":1,"x":2}"#,
        r#"{"x":{"b":1,"a":[1.0,-0.5e-3,1E+2,7228414683750928000123]}}"#,
        r#"{"usage":{"prompt_tokens":1,"prompt_tokens_details":{"cached_tokens":0}}}"#,
        r#"{"usage":{"prompt_tokens":"1"}}"#,
        r#"{"error":{"message":"m","code":502}}"#,
        r#"{"x":[[[[[[[[{"a":[1]}]]]]]]]]}"#,
        r#"{"x":tru}"#,
        r#"{"x" 1}"#,
        r#"{"x":1 "y":2}"#,
        r#"{"object":"chat.completion.chunk","service_tier":"flex"}"#,
        r#"{"choices":[{"finish_reason":"st\u006fp"}]}"#,
        r#"{"choices":[{"delta":{"content":"x"}}"#,
        r#"{"choices":[{"delta":{"content":"x"#,
        "{\"id\":\"\u{7f}\"}",
    ];
    for text in cases {
        check::<Chunk>(text).unwrap_or_else(|e| panic!("{text}: {e}"));
    }
}

/// Deeply nested raw values: simd-json's rewriting follows 128 levels inside the raw value.
/// (Not run against sonic-rs: in a debug build its raw-value skipping overflows a 2 MiB
/// test-thread stack at about 40 levels, `sonic_rs::LazyValue` alone included.)
#[cfg(feature = "simd-json")]
#[test]
fn deep_raw_values_agree() {
    let nested = |depth: usize| format!(r#"{{"x":{}1{}}}"#, "[".repeat(depth), "]".repeat(depth));
    for depth in [40, 120] {
        let text = nested(depth);
        let serde = serde_json::from_str::<ChatCompletionChunk<'_>>(&text);
        assert!(serde.is_ok(), "{depth}");
        check_simd::<Chunk>(&text, &serde).unwrap_or_else(|e| panic!("{depth}: {e}"));
    }
    // Deeper than 128 inside the raw value: serde_json (which skips a raw value without a
    // nesting limit) accepts, simd-json's rewriting refuses (documented).
    for depth in [200, 1000] {
        let text = nested(depth);
        let serde = serde_json::from_str::<ChatCompletionChunk<'_>>(&text);
        let mut buffer = text.clone().into_bytes();
        let simd = chatwire::backend::simd::from_slice::<ChatCompletionChunk<'_>>(&mut buffer);
        assert_eq!((serde.is_ok(), simd.is_ok()), (true, false), "{depth}");
    }
}

/// A text cut short is "end of input" (`is_eof`) for sonic-rs as for serde_json; simd-json
/// calls most of them syntax errors (a documented difference), but rejects every one.
#[test]
fn truncated_text_is_eof() {
    let text = r#"{"id":"chatcmpl-1","choices":[{"index":0,"delta":{"content":"Hi \"there\""},"finish_reason":null}],"created":1715931028,"usage":{"prompt_tokens":3}}"#;
    for end in 0..text.len() {
        let cut = &text[..end];
        let serde = serde_json::from_str::<ChatCompletionChunk<'_>>(cut).unwrap_err();
        assert!(serde.is_eof(), "{cut}");
        #[cfg(feature = "sonic-rs")]
        {
            let sonic = chatwire::backend::sonic::from_str::<ChatCompletionChunk<'_>>(cut);
            assert!(sonic.unwrap_err().is_eof(), "{cut}");
        }
        #[cfg(feature = "simd-json")]
        {
            let mut buffer = cut.as_bytes().to_vec();
            let simd = chatwire::backend::simd::from_slice::<ChatCompletionChunk<'_>>(&mut buffer);
            assert!(simd.is_err(), "{cut}");
        }
    }
}

#[test]
fn unpaired_surrogates_are_found() {
    for (text, unpaired) in [
        (r#""\ud83d\ude00""#, false),
        (r#""\u4f60\\u""#, false),
        (r#""\\ud800""#, false),
        (r#""\ud800""#, true),
        (r#""\ud800\n""#, true),
        (r#""\ud800\u0041""#, true),
        (r#""\udc00""#, true),
        (r#""\ud800"#, true),
    ] {
        assert_eq!(has_unpaired_surrogate(text), unpaired, "{text}");
    }
}

/// The inputs simd-json 0.15 may misread (20 or more significant digits) are recognised. It
/// misread `7.28414683750928000123` as 0.08991664876255487 in one position of one generated
/// chunk and read it right in others (its number parsing depends on where the digits sit and
/// on the SIMD code picked at run time), so its reading is not asserted here.
#[cfg(feature = "simd-json")]
#[test]
fn long_mantissas_are_recognised() {
    assert!(has_long_mantissa(r#"{"type":7.28414683750928000123}"#));
    assert!(has_long_mantissa("[0.000728414683750928000123]"));
    assert!(!has_long_mantissa("[7.284146837509280001]"));
    assert!(!has_long_mantissa("[0.00000000000000000000001]"));
}

/// simd-json 0.15's documented defect: a long integer followed by other bytes is accepted,
/// what follows the digits dropped. Shorter integers are rejected as they should be.
#[cfg(feature = "simd-json")]
#[test]
fn simd_accepts_long_integers_with_trailing_bytes() {
    use chatwire::backend::simd;
    use chatwire::types::RawJson;

    let mut long = br#"[1234567890123456789x]"#.to_vec();
    assert_eq!(
        simd::from_slice::<RawJson<'_>>(&mut long).unwrap().get(),
        "[1234567890123456789]"
    );
    assert!(has_long_integer_with_trailing_bytes(
        "[1234567890123456789x]"
    ));
    let mut short = br#"[123456789012345678x]"#.to_vec();
    assert!(simd::from_slice::<RawJson<'_>>(&mut short).is_err());
    assert!(!has_long_integer_with_trailing_bytes(
        "[123456789012345678x]"
    ));
    assert!(!has_long_integer_with_trailing_bytes(
        "[1234567890123456789]"
    ));
}

/// The documented handling of an unpaired surrogate: chatwire's serde path decodes it as
/// U+FFFD, sonic-rs rejects the text, simd-json rejects some and decodes others as U+0000.
#[test]
fn unpaired_surrogates_are_handled_as_documented() {
    use chatwire::types::JsonStr;

    let serde = serde_json::from_str::<JsonStr<'_>>(r#""\ud800x""#).unwrap();
    assert_eq!(serde.to_cow(), "\u{fffd}x");
    #[cfg(feature = "sonic-rs")]
    assert!(chatwire::backend::sonic::from_str::<JsonStr<'_>>(r#""\ud800x""#).is_err());
    #[cfg(feature = "simd-json")]
    {
        use chatwire::backend::simd;
        let mut lone_high = br#""\ud800x""#.to_vec();
        assert_eq!(
            simd::from_slice::<JsonStr<'_>>(&mut lone_high).unwrap(),
            "\0x"
        );
        let mut lone_low = br#""\udc00""#.to_vec();
        assert!(simd::from_slice::<JsonStr<'_>>(&mut lone_low).is_err());
    }
}

/// Invalid UTF-8 is rejected by every path.
#[test]
fn invalid_utf8_is_rejected() {
    for bytes in [
        &b"{\"id\":\"\xff\"}"[..],
        b"{\"id\":\"\xc3\"}",
        b"{\"\xed\xa0\x80\":1}",
        // Inside values kept raw: an unknown field, logprobs, a lenient field. (sonic-rs's
        // own `from_slice` does not check these: `backend::sonic::from_slice` does.)
        b"{\"x\":\"\xff\"}",
        b"{\"x\":{\"k\":[\"a\xc3\"]}}",
        b"{\"choices\":[{\"logprobs\":{\"content\":\"\xed\xa0\x80\"}}]}",
        b"{\"created\":\"\xff\"}",
    ] {
        assert!(serde_json::from_slice::<ChatCompletionChunk<'_>>(bytes).is_err());
        #[cfg(feature = "sonic-rs")]
        {
            let err =
                chatwire::backend::sonic::from_slice::<ChatCompletionChunk<'_>>(bytes).unwrap_err();
            assert_eq!(err.kind(), chatwire::types::ParseErrorKind::Syntax);
            let valid_up_to = std::str::from_utf8(bytes).unwrap_err().valid_up_to();
            assert_eq!(err.offset(), valid_up_to);
        }
        #[cfg(feature = "simd-json")]
        assert!(
            chatwire::backend::simd::from_slice::<ChatCompletionChunk<'_>>(&mut bytes.to_vec())
                .is_err()
        );
    }
}

/// Whole responses, requests and error envelopes, in the shapes the API documents.
#[test]
fn responses_requests_and_errors_agree() {
    let responses = [
        r#"{"id":"chatcmpl-1","object":"chat.completion","created":1715931028,"model":"qwen-plus","system_fingerprint":null,
           "choices":[{"index":0,"message":{"role":"assistant","content":"I am Qwen.\nAsk me \"anything\"."},"finish_reason":"stop","logprobs":null}],
           "usage":{"prompt_tokens":22,"completion_tokens":16,"total_tokens":38,"prompt_tokens_details":{"cached_tokens":0}}}"#,
        r#"{"id":"chatcmpl-2","object":"chat.completion","created":1715931029,"model":"qwen-max",
           "choices":[{"index":0,"message":{"role":"assistant","content":"","reasoning_content":"think\u2026",
             "tool_calls":[{"id":"call_1","type":"function","index":0,"function":{"name":"get_weather","arguments":"{\"location\": \"Singapore\"}"}}]},
             "finish_reason":"tool_calls"}],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3},"x_extra":{"n":[1,2.5,null]}}"#,
        r#"{"id":"chatcmpl-3","choices":[{"index":0,"message":{"role":"assistant","content":null},"finish_reason":"length"}],"created":1.5}"#,
        r#"{"id":"chatcmpl-4","choices":[{"index":0,"message":{"role":"assistant","content":"x"},"finish_reason":"stop"}"#,
    ];
    for text in responses {
        check::<Completion>(text).unwrap_or_else(|e| panic!("{text}: {e}"));
    }
    let requests = [
        r#"{"model":"qwen-plus","messages":[{"role":"system","content":"You are helpful."},{"role":"user","content":"Hi \ud83d\ude00"}],
           "stream":true,"stream_options":{"include_usage":true},"temperature":0.7,"top_p":0.8,"seed":7228414683750928000,"stop":["\n\n","END"],
           "tools":[{"type":"function","function":{"name":"get_time","description":"now","parameters":{"type":"object","properties":{}}}}],
           "tool_choice":"auto","enable_thinking":false}"#,
        r#"{"model":"qwen-vl-max","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://example.com/a.png"}},{"type":"text","text":"What is this?"}]}],"stop":"END"}"#,
        r#"{"model":"qwen-plus","messages":[{"role":"user","content":3}]}"#,
        r#"{"model":"qwen-plus","messages":[{"role":"user","content":"x"}],"max_tokens":-1}"#,
    ];
    for text in requests {
        check::<Request>(text).unwrap_or_else(|e| panic!("{text}: {e}"));
    }
    let errors = [
        r#"{"error":{"message":"Incorrect API key provided. ","type":"invalid_request_error","param":null,"code":"invalid_api_key"},"request_id":"b2e6c1a0"}"#,
        r#"{"error":{"message":"Range of input length should be [1, 30720]","code":"InvalidParameter"}}"#,
        r#"{"error":"plain"}"#,
    ];
    for text in errors {
        check::<Envelope>(text).unwrap_or_else(|e| panic!("{text}: {e}"));
    }
}

/// sonic-rs answers `RawJson` with its raw text, borrowed when it has no escape; the name of
/// the protocol it uses for that is private to sonic-rs, so this fails if it changes.
#[cfg(feature = "sonic-rs")]
#[test]
fn sonic_raw_values_are_borrowed_raw_text() {
    use chatwire::types::{Extra, RawJson};

    let text = r#"{"a": [1, 2.50, {"k": null}], "b": "x\ny", "c": 7228414683750928000123}"#;
    let extra: Extra<'_> = chatwire::backend::sonic::from_str(text).unwrap();
    let lazy: std::collections::BTreeMap<&str, sonic_rs::LazyValue<'_>> =
        sonic_rs::from_str(text).unwrap();
    assert_eq!(extra.len(), 3);
    for (key, raw) in extra.iter() {
        assert_eq!(raw.get(), lazy[key].as_raw_str(), "{key}");
    }
    assert_eq!(
        extra.get("a").map(RawJson::get),
        Some(r#"[1, 2.50, {"k": null}]"#)
    );
    let a = extra.get("a").unwrap().get();
    assert!(text.as_bytes().as_ptr_range().contains(&a.as_ptr()));
}

/// simd-json decodes strings in place: plain text borrowed from the buffer.
#[cfg(feature = "simd-json")]
#[test]
fn simd_strings_are_decoded_in_place() {
    let text =
        r#"{"choices":[{"delta":{"reasoning_content":"line\none \u4f60"}}],"x":{"k": [1, 2]}}"#;
    let mut buffer = text.as_bytes().to_vec();
    let range = buffer.as_ptr_range();
    let chunk: ChatCompletionChunk<'_> = chatwire::backend::simd::from_slice(&mut buffer).unwrap();
    let delta = chunk.choices()[0].delta.value().unwrap();
    let content = delta.reasoning_content.value().unwrap();
    assert!(!content.is_escaped());
    let plain = content.as_plain().unwrap();
    assert_eq!(plain, "line\none 你");
    assert!(range.contains(&plain.as_ptr()));
    assert_eq!(chunk.extra.get("x").unwrap().get(), r#"{"k":[1,2]}"#);
}
