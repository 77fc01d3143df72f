//! Differential tests: generated streams (random fields, line ends, BOM, comments, multi-byte
//! UTF-8, invalid bytes, NUL, limits, strict mode) split at random points decode exactly as the
//! naive reference decoder decodes them whole.

mod support;

use chatwire::sse::{Config, Utf8Mode};
use proptest::prelude::*;
use proptest::sample::Index;

use support::{decode_bytewise, decode_split, decode_whole, reference};

/// A piece of a field value or comment: text, multi-byte characters, and hostile bytes.
fn value_piece() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        10 => "[a-z0-9]{0,5}".prop_map(String::into_bytes),
        1 => Just(b" ".to_vec()),
        1 => Just(b":".to_vec()),
        1 => Just("é".as_bytes().to_vec()),
        1 => Just("你好".as_bytes().to_vec()),
        1 => Just("🎉".as_bytes().to_vec()),
        1 => Just(vec![0]),
        1 => Just(vec![0xFF]),
        1 => Just(vec![0xE4, 0xBD]),
        1 => Just(vec![0xC3]),
        1 => Just(vec![0x80]),
        1 => Just(b"\xEF\xBB\xBF".to_vec()),
    ]
}

fn value() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(value_piece(), 0..4).prop_map(|pieces| pieces.concat())
}

fn field_name() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        6 => Just(b"data".to_vec()),
        2 => Just(b"event".to_vec()),
        2 => Just(b"id".to_vec()),
        2 => Just(b"retry".to_vec()),
        1 => Just(b"Data".to_vec()),
        1 => Just(b"dat".to_vec()),
        1 => Just(b"foo".to_vec()),
        1 => Just(b" data".to_vec()),
        1 => Just(b"data\xFF".to_vec()),
    ]
}

fn retry_value() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        "[0-9]{1,4}".prop_map(String::into_bytes),
        Just(b"99999999999999999999".to_vec()),
        Just(b"18446744073709551615".to_vec()),
        Just(b"1x".to_vec()),
    ]
}

/// One line, without its line end.
fn line() -> impl Strategy<Value = Vec<u8>> {
    let separator = prop_oneof![
        Just(b": ".to_vec()),
        Just(b":".to_vec()),
        Just(b":  ".to_vec()),
        Just(Vec::new()),
    ];
    prop_oneof![
        8 => (field_name(), separator, value())
            .prop_map(|(name, sep, value)| [name, sep, value].concat()),
        1 => retry_value().prop_map(|value| [b"retry: ".to_vec(), value].concat()),
        2 => value().prop_map(|text| [b":".to_vec(), text].concat()),
        5 => Just(Vec::new()),
    ]
}

fn line_end() -> impl Strategy<Value = &'static [u8]> {
    prop_oneof![
        4 => Just(&b"\n"[..]),
        1 => Just(&b"\r"[..]),
        2 => Just(&b"\r\n"[..]),
    ]
}

/// A stream: an optional BOM, lines with random line ends, maybe an unterminated tail.
fn stream() -> impl Strategy<Value = Vec<u8>> {
    (
        any::<bool>(),
        prop::collection::vec((line(), line_end()), 0..32),
        prop::option::of(line()),
    )
        .prop_map(|(bom, lines, tail)| {
            let mut out = Vec::new();
            if bom {
                out.extend_from_slice(b"\xEF\xBB\xBF");
            }
            for (line, end) in lines {
                out.extend_from_slice(&line);
                out.extend_from_slice(end);
            }
            if let Some(tail) = tail {
                out.extend_from_slice(&tail);
            }
            out
        })
}

fn config() -> impl Strategy<Value = Config> {
    let line = prop_oneof![4 => Just(1usize << 20), 1 => 0usize..24];
    let event = prop_oneof![4 => Just(8usize << 20), 1 => 0usize..32];
    let mode = prop_oneof![3 => Just(Utf8Mode::Replace), 1 => Just(Utf8Mode::Strict)];
    (line, event, mode).prop_map(|(line, event, mode)| {
        Config::new()
            .with_max_line_length(line)
            .with_max_event_size(event)
            .with_utf8_mode(mode)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1500))]

    #[test]
    fn random_splits_decode_like_the_reference(
        config in config(),
        input in stream(),
        cuts in prop::collection::vec(any::<Index>(), 0..8),
        comments in any::<bool>(),
    ) {
        let cuts: Vec<usize> = cuts.iter().map(|i| i.index(input.len() + 1)).collect();
        let expected = reference::decode(config, &input, comments);
        prop_assert_eq!(decode_split(config, &input, &cuts, comments), expected);
    }

    #[test]
    fn byte_by_byte_decodes_like_the_reference(config in config(), input in stream()) {
        let expected = reference::decode(config, &input, true);
        prop_assert_eq!(decode_bytewise(config, &input, true), expected);
    }

    #[test]
    fn arbitrary_bytes_decode_like_the_reference(
        config in config(),
        input in prop::collection::vec(
            prop_oneof![
                4 => any::<u8>(),
                1 => Just(b'\n'),
                1 => Just(b'\r'),
                1 => Just(b':'),
                1 => Just(b' '),
            ],
            0..200,
        ),
        cuts in prop::collection::vec(any::<Index>(), 0..8),
    ) {
        let cuts: Vec<usize> = cuts.iter().map(|i| i.index(input.len() + 1)).collect();
        let expected = reference::decode(config, &input, true);
        prop_assert_eq!(decode_split(config, &input, &cuts, true), expected);
    }
}

/// The generator does produce the interesting shapes (a guard against a property passing
/// because its inputs are trivial).
#[test]
fn generated_streams_exercise_events_comments_and_errors() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;

    use support::Got;

    let mut runner = TestRunner::deterministic();
    let (mut events, mut comments, mut errors, mut multi_line) = (0, 0, 0, 0);
    for _ in 0..500 {
        let config = config().new_tree(&mut runner).unwrap().current();
        let input = stream().new_tree(&mut runner).unwrap().current();
        for got in decode_whole(config, &input, true).items {
            match got {
                Got::Event(event) => {
                    events += 1;
                    multi_line += usize::from(event.data().contains('\n'));
                }
                Got::Comment(_) => comments += 1,
                Got::Error(..) => errors += 1,
            }
        }
    }
    assert!(events > 300, "{events} events");
    assert!(multi_line > 50, "{multi_line} multi-line events");
    assert!(comments > 100, "{comments} comments");
    assert!(errors > 50, "{errors} errors");
}
