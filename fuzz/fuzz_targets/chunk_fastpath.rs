//! The chunk fast path against the serde path on arbitrary bytes.
//!
//! Asserts: when `fastpath::try_parse_chunk` accepts a text, serde accepts it too and yields
//! an equal value (same `Debug`, same JSON when written back); the public entry points
//! (`ChatCompletionChunk::from_json` / `from_slice`, which try the fast path first) give the
//! serde path's verdict, value and error position on every input.
#![no_main]

use chatwire::fastpath;
use chatwire::types::ChatCompletionChunk;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let from_slice = ChatCompletionChunk::from_slice(data);
    let serde_slice = serde_json::from_slice::<ChatCompletionChunk<'_>>(data);
    match (&from_slice, &serde_slice) {
        (Ok(a), Ok(b)) => assert_eq!(a, b),
        (Err(a), Err(b)) => assert_eq!((a.line(), a.column()), (b.line(), b.column())),
        _ => panic!("from_slice and serde disagree: {from_slice:?} vs {serde_slice:?}"),
    }
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let serde = serde_json::from_str::<ChatCompletionChunk<'_>>(text);
    if let Some(fast) = fastpath::try_parse_chunk(text) {
        let Ok(serde) = &serde else {
            panic!("the fast path accepted what serde rejects: {serde:?}");
        };
        assert_eq!(&fast, serde);
        assert_eq!(format!("{fast:?}"), format!("{serde:?}"));
        assert_eq!(fast.to_json(), serde.to_json());
    }
    let public = ChatCompletionChunk::from_json(text);
    match (&public, &serde) {
        (Ok(a), Ok(b)) => assert_eq!(a, b),
        (Err(a), Err(b)) => assert_eq!((a.line(), a.column()), (b.line(), b.column())),
        _ => panic!("from_json and serde disagree: {public:?} vs {serde:?}"),
    }
});
