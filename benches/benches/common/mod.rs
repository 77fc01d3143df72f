//! Shared by the bench binaries: the criterion configuration, the ways a corpus is fed, and
//! the peers' drivers. Each driver returns what it found so the bench can assert it inside the
//! timed loop.

#![allow(dead_code)] // Each bench binary uses a different part of this module.

use std::convert::Infallible;
use std::time::Duration;

use bytes::Bytes;
use chatwire::sse::{Config, Decoder};
use chatwire_benches::corpus::Corpus;
use criterion::Criterion;
use futures_util::StreamExt as _;

/// Modest settings: the machine has 2 cores shared with other work, and a 50 MB corpus takes
/// tens of milliseconds per pass, so few samples are enough. Flat sampling is set per group.
pub fn criterion() -> Criterion {
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .without_plots()
}

/// A corpus cut into the pieces one feed delivers, as `Bytes` sharing one allocation (what
/// an HTTP client hands over).
pub struct Feed {
    /// Short name for the benchmark id: `whole`, `event`, `response`, `frag`, ...
    pub name: &'static str,
    /// The pieces, in order; together they are the corpus.
    pub pieces: Vec<Bytes>,
}

impl Feed {
    /// Cuts `all` into pieces of the given lengths.
    pub fn from_lengths(
        name: &'static str,
        all: &Bytes,
        lengths: impl Iterator<Item = usize>,
    ) -> Self {
        let mut at = 0;
        let pieces: Vec<Bytes> = lengths
            .map(|len| {
                let piece = all.slice(at..at + len);
                at += len;
                piece
            })
            .collect();
        assert_eq!(at, all.len(), "pieces must cover the corpus");
        Self { name, pieces }
    }

    /// Total length of the pieces.
    pub fn len(&self) -> usize {
        self.pieces.iter().map(Bytes::len).sum()
    }
}

/// The four feeds of issue 9: whole, one piece per event, one piece per response, and random
/// 1..=4096-byte pieces (`frag`).
pub fn standard_feeds(corpus: &Corpus) -> Vec<Feed> {
    let all = Bytes::from(corpus.bytes.clone());
    let lens = |pieces: Vec<&[u8]>| pieces.into_iter().map(<[u8]>::len).collect::<Vec<_>>();
    vec![
        Feed::from_lengths("whole", &all, std::iter::once(all.len())),
        Feed::from_lengths("event", &all, lens(corpus.event_pieces()).into_iter()),
        Feed::from_lengths("response", &all, lens(corpus.response_pieces()).into_iter()),
        Feed::from_lengths(
            "frag",
            &all,
            lens(corpus.random_pieces(4096, 0xF7A6)).into_iter(),
        ),
    ]
}

/// The frag feed alone (random 1..=4096-byte pieces).
pub fn frag_feed(corpus: &Corpus) -> Feed {
    let all = Bytes::from(corpus.bytes.clone());
    let lens: Vec<usize> = corpus
        .random_pieces(4096, 0xF7A6)
        .iter()
        .map(|p| p.len())
        .collect();
    Feed::from_lengths("frag", &all, lens.into_iter())
}

/// What a framing pass found: events and the total length of their data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Framed {
    pub events: usize,
    pub data_bytes: usize,
}

/// chatwire: `sse::Decoder`, fed piece by piece, drained after each piece.
pub fn chatwire_frame(pieces: &[Bytes], config: Config) -> Framed {
    let mut decoder = Decoder::with_config(config);
    let mut out = Framed::default();
    for piece in pieces {
        decoder.feed(piece);
        loop {
            match decoder.next_event() {
                Ok(Some(event)) => {
                    out.events += 1;
                    out.data_bytes += event.data().len();
                }
                Ok(None) => break,
                Err(error) => panic!("chatwire decoder failed: {error}"),
            }
        }
    }
    assert!(decoder.finish().is_clean(), "stream must end cleanly");
    out
}

/// eventsource-stream (what async-openai uses), driven synchronously over a stream of the
/// pieces.
pub fn eventsource_frame(pieces: &[Bytes]) -> Framed {
    futures_executor::block_on(async {
        let source =
            futures_util::stream::iter(pieces.iter().cloned().map(Ok::<Bytes, Infallible>));
        let mut events = eventsource_stream::EventStream::new(source);
        let mut out = Framed::default();
        while let Some(event) = events.next().await {
            let event = event.expect("eventsource-stream failed");
            out.events += 1;
            out.data_bytes += event.data.len();
        }
        out
    })
}

/// The ceiling: a bare `memchr` count of `\n` over the same pieces.
pub fn memchr_newlines(pieces: &[Bytes]) -> usize {
    pieces
        .iter()
        .map(|p| memchr::memchr_iter(b'\n', p).count())
        .sum()
}

/// The reference newline count, for asserting the ceiling's result.
pub fn newlines(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'\n').count()
}
