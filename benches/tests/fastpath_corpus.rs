//! Every chunk of the generated corpora takes the chunk fast path and equals the serde path's
//! value, so the typed benches measure the fast path and not its fallback.

use chatwire::fastpath;
use chatwire::types::ChatCompletionChunk;
use chatwire_benches::corpus::{generate, Shape};

#[test]
fn every_corpus_chunk_takes_the_fast_path() {
    for shape in [Shape::Text, Shape::ToolCalls, Shape::OpenAiText] {
        let corpus = generate(shape, 300_000, 9);
        let mut chunks = 0;
        for event in corpus.event_pieces() {
            let data = std::str::from_utf8(&event[b"data: ".len()..event.len() - 2]).unwrap();
            if data == "[DONE]" {
                continue;
            }
            let fast = fastpath::try_parse_chunk(data)
                .unwrap_or_else(|| panic!("{shape:?}: the fast path declined {data}"));
            let serde: ChatCompletionChunk<'_> = serde_json::from_str(data).unwrap();
            assert_eq!(fast, serde, "{data}");
            chunks += 1;
        }
        assert_eq!(chunks, corpus.chunks, "{shape:?}");
    }
}
