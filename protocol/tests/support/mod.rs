//! Shared by the `sse_*` tests: a driver that runs the real decoder over split input, and a
//! naive reference decoder to compare it with.
#![allow(dead_code)] // each test binary uses a different part

pub mod reference;

use chatwire::sse::{Config, Decoder, ErrorKind, Event, Finish, Item, OwnedEvent};

/// Something a decoder produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Got {
    Event(OwnedEvent),
    Comment(String),
    Error(ErrorKind, u64),
}

/// How a stream ended, comparable without the decoder's private constructors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    Clean,
    Discarded {
        offset: u64,
        len: u64,
        has_data: bool,
        mid_line: bool,
    },
}

impl From<Finish> for End {
    fn from(finish: Finish) -> Self {
        match finish {
            Finish::Clean => End::Clean,
            Finish::Discarded(d) => End::Discarded {
                offset: d.offset(),
                len: d.len(),
                has_data: d.has_data(),
                mid_line: d.ends_mid_line(),
            },
        }
    }
}

/// Everything observable about decoding one stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub items: Vec<Got>,
    pub end: End,
    pub last_event_id: Option<String>,
    pub retry: Option<u64>,
}

impl Outcome {
    /// The same outcome as `next_event` (no comments) would see it.
    pub fn without_comments(&self) -> Outcome {
        Outcome {
            items: self
                .items
                .iter()
                .filter(|got| !matches!(got, Got::Comment(_)))
                .cloned()
                .collect(),
            ..self.clone()
        }
    }
}

/// An expected event.
pub fn ev(data: &str) -> Event<'_> {
    Event::new(data)
}

/// Runs the real decoder over `input` cut at `cuts` (indices, any order, duplicates allowed),
/// draining with `next_item` (comments) or `next_event` after each piece.
pub fn decode_split(config: Config, input: &[u8], cuts: &[usize], comments: bool) -> Outcome {
    let mut cuts: Vec<usize> = cuts.iter().map(|&c| c.min(input.len())).collect();
    cuts.sort_unstable();
    let mut decoder = Decoder::with_config(config);
    let mut items = Vec::new();
    let mut start = 0;
    for end in cuts.into_iter().chain([input.len()]) {
        decoder.feed(&input[start..end]);
        start = end;
        drain(&mut decoder, comments, &mut items, input.len());
    }
    Outcome {
        items,
        last_event_id: decoder.last_event_id().map(str::to_owned),
        retry: decoder.retry(),
        end: decoder.finish().into(),
    }
}

/// Runs the real decoder over `input` fed whole.
pub fn decode_whole(config: Config, input: &[u8], comments: bool) -> Outcome {
    decode_split(config, input, &[], comments)
}

/// Runs the real decoder over `input` fed one byte at a time.
pub fn decode_bytewise(config: Config, input: &[u8], comments: bool) -> Outcome {
    let cuts: Vec<usize> = (1..input.len()).collect();
    decode_split(config, input, &cuts, comments)
}

/// Pulls items until `Ok(None)`, recording errors and going on after them.
pub fn drain(decoder: &mut Decoder, comments: bool, items: &mut Vec<Got>, input_len: usize) {
    let mut errors = 0;
    loop {
        let next = if comments {
            decoder.next_item()
        } else {
            decoder.next_event().map(|e| e.map(Item::Event))
        };
        match next {
            Ok(None) => return,
            Ok(Some(Item::Event(event))) => items.push(Got::Event(event.into_owned())),
            Ok(Some(Item::Comment(text))) => items.push(Got::Comment(text.to_owned())),
            Ok(Some(other)) => panic!("unexpected item {other:?}"),
            Err(err) => {
                assert!(err.is_recoverable());
                items.push(Got::Error(err.kind(), err.offset()));
                errors += 1;
                assert!(errors <= input_len + 1, "the decoder keeps failing: {err}");
            }
        }
    }
}

/// Checks that the decoder gives `expected` for `input` fed whole, byte by byte, at every split
/// point, and (for short inputs) at every pair of split points, with and without comments.
pub fn check_all_splits(config: Config, input: &[u8], expected: &Outcome) {
    let name = String::from_utf8_lossy(input);
    assert_eq!(
        &decode_whole(config, input, true),
        expected,
        "whole: {name:?}"
    );
    let no_comments = expected.without_comments();
    assert_eq!(
        decode_whole(config, input, false),
        no_comments,
        "whole, next_event: {name:?}"
    );
    assert_eq!(
        &decode_bytewise(config, input, true),
        expected,
        "byte by byte: {name:?}"
    );
    for cut in 0..=input.len() {
        assert_eq!(
            &decode_split(config, input, &[cut], true),
            expected,
            "split at {cut}: {name:?}"
        );
        assert_eq!(
            decode_split(config, input, &[cut], false),
            no_comments,
            "split at {cut}, next_event: {name:?}"
        );
    }
    if input.len() <= 48 {
        for first in 0..=input.len() {
            for second in first..=input.len() {
                assert_eq!(
                    &decode_split(config, input, &[first, second], true),
                    expected,
                    "split at {first} and {second}: {name:?}"
                );
            }
        }
    }
}
