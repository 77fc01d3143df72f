//! SSE-layer conformance: every captured stream in the shared conformance folder decodes, whole
//! and split at many points, to the facts its EXPECTED.md entry states (dispatched events,
//! comment lines, event types, whether it ends with `[DONE]`, whether a trailing event is
//! discarded).

use std::collections::BTreeSet;
use std::fs;

use chatwire::sse::{Decoder, Finish, Item};

/// The facts EXPECTED.md states about one stream.
#[derive(Debug)]
struct Facts {
    events: usize,
    comments: usize,
    event_types: BTreeSet<String>,
    ends_with_done: bool,
    /// `Some((data buffer non-empty, unterminated line))` when a trailing event is discarded.
    trailing: Option<(bool, bool)>,
}

/// What decoding produced.
#[derive(Debug, PartialEq, Eq)]
struct Decoded {
    events: Vec<(String, String, Option<String>)>,
    comments: Vec<String>,
    end: Finish,
}

/// Parses the `### streams/<name>` sections of EXPECTED.md.
fn parse_expected(text: &str) -> Vec<(String, Facts)> {
    let mut out = Vec::new();
    for section in text.split("\n### ").skip(1) {
        let Some(name) = section
            .lines()
            .next()
            .and_then(|h| h.strip_prefix("streams/"))
        else {
            continue;
        };
        let number_after = |label: &str| -> usize {
            let start = section
                .find(label)
                .unwrap_or_else(|| panic!("{name}: no {label:?}"))
                + label.len();
            section[start..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect::<String>()
                .parse()
                .unwrap()
        };
        let types_start = section.find("(event types: ").unwrap() + "(event types: ".len();
        let types_end = types_start + section[types_start..].find(')').unwrap();
        let event_types = section[types_start..types_end]
            .split(", ")
            .map(str::to_owned)
            .collect();
        let done_start = section.find("ends with [DONE]: ").unwrap() + "ends with [DONE]: ".len();
        let trailing = section
            .lines()
            .find(|line| line.contains("trailing unterminated event at EOF"))
            .map(|line| {
                let has_data = !line.contains(r#""data_buf": """#);
                let mid_line = !line.contains(r#""unterminated_line": null"#);
                (has_data, mid_line)
            });
        out.push((
            name.trim().to_owned(),
            Facts {
                events: number_after("dispatched events: "),
                comments: number_after("comment lines: "),
                event_types,
                ends_with_done: section[done_start..].starts_with("yes"),
                trailing,
            },
        ));
    }
    out
}

fn decode(input: &[u8], cuts: &[usize]) -> Decoded {
    let mut decoder = Decoder::new();
    let mut events = Vec::new();
    let mut comments = Vec::new();
    let mut start = 0;
    for &end in cuts.iter().chain([&input.len()]) {
        decoder.feed(&input[start..end]);
        start = end;
        loop {
            match decoder.next_item() {
                Ok(None) => break,
                Ok(Some(Item::Event(event))) => events.push((
                    event.event_type().to_owned(),
                    event.data().to_owned(),
                    event.id().map(str::to_owned),
                )),
                Ok(Some(Item::Comment(text))) => comments.push(text.to_owned()),
                Ok(Some(other)) => panic!("unexpected item {other:?}"),
                Err(err) => panic!("decoding error: {err}"),
            }
        }
    }
    Decoded {
        events,
        comments,
        end: decoder.finish(),
    }
}

/// Cut points: every `step` bytes.
fn every(step: usize, len: usize) -> Vec<usize> {
    (step..len).step_by(step).collect()
}

#[test]
fn captured_streams_decode_to_the_expected_facts() {
    let Some(dir) = chatwire_tests::conformance_dir("conformance_sse") else {
        return;
    };
    let expected = fs::read_to_string(dir.join("EXPECTED.md")).expect("EXPECTED.md is readable");
    let sections = parse_expected(&expected);
    assert!(!sections.is_empty(), "EXPECTED.md has no streams/ sections");

    let mut checked = 0;
    for (name, facts) in &sections {
        let path = dir.join("streams").join(name);
        let input = fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let whole = decode(&input, &[]);

        assert_eq!(
            whole.events.len(),
            facts.events,
            "{name}: dispatched events"
        );
        assert_eq!(
            whole.comments.len(),
            facts.comments,
            "{name}: comment lines"
        );
        let types: BTreeSet<String> = whole.events.iter().map(|e| e.0.clone()).collect();
        assert_eq!(types, facts.event_types, "{name}: event types");
        let last_is_done = whole.events.last().is_some_and(|e| e.1 == "[DONE]");
        assert_eq!(
            last_is_done, facts.ends_with_done,
            "{name}: ends with [DONE]"
        );
        match (facts.trailing, whole.end) {
            (Some((has_data, mid_line)), Finish::Discarded(discarded)) => {
                assert_eq!(discarded.has_data(), has_data, "{name}: trailing data");
                assert_eq!(discarded.ends_mid_line(), mid_line, "{name}: trailing line");
            }
            (Some(_), Finish::Clean) => panic!("{name}: a trailing event should be reported"),
            (None, Finish::Clean) => {}
            (None, Finish::Discarded(discarded)) => {
                // Lines without data after the last blank line (a non-SSE tail): reported,
                // but nothing that would have been an event.
                assert!(!discarded.has_data(), "{name}: {discarded:?}");
                assert!(!discarded.ends_mid_line(), "{name}: {discarded:?}");
            }
        }

        let len = input.len();
        let mut splits: Vec<Vec<usize>> = vec![
            every(1, len),
            every(7, len),
            every(1460, len),
            every(4096, len),
        ];
        splits.extend((1..16).map(|i| vec![len * i / 16]));
        for cuts in &splits {
            assert_eq!(
                decode(&input, cuts),
                whole,
                "{name}: split at {:?}…",
                cuts.first()
            );
        }
        checked += 1;
    }
    println!("conformance_sse: {checked} captured streams checked");
}
