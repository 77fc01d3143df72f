//! The SSE encoder -> decoder round trip on structured input (`arbitrary`): events with any
//! data, type, id and retry, JSON values (compact and pretty-printed with any line break),
//! comments and `[DONE]`.
//!
//! Asserts: what the encoder accepts decodes to exactly what was encoded (line breaks in data
//! as LF, the id sticky), whole and split at arbitrary points; what it rejects (a type or id
//! with a line break, an id with NUL) is the documented error and writes nothing; writing into
//! a fixed-size buffer gives the same bytes when there is room and `BufferFull` with the
//! buffer untouched when there is not.
#![no_main]

use arbitrary::Arbitrary;
use chatwire::sse::{EncodeErrorKind, Encoder, Event, OwnedEvent};
use libfuzzer_sys::fuzz_target;
use serde_json::value::RawValue;
use serde_json::Value;

use chatwire_fuzz::support::Got;
use chatwire_fuzz::{cuts, pieces, sse};

/// JSON nesting is cut off here (serde_json refuses to parse past 128 levels).
const MAX_DEPTH: usize = 32;

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    units: Vec<Unit<'a>>,
    seed: u64,
    cuts: u8,
}

#[derive(Arbitrary, Debug)]
enum Unit<'a> {
    Event {
        data: &'a str,
        event_type: &'a str,
        id: Option<&'a str>,
        retry: Option<u64>,
        /// The room of a fixed-size buffer to write the event into as well.
        room: u16,
    },
    Json(Json),
    /// Pretty-printed JSON whose line breaks are `"\n"`, `"\r"` or `"\r\n"`.
    PrettyJson(Json, u8),
    Comment(&'a str),
    Done,
}

#[derive(Arbitrary, Debug)]
enum Json {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Str(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

impl Json {
    fn value(&self, depth: usize) -> Value {
        if depth > MAX_DEPTH {
            return Value::Null;
        }
        match self {
            Json::Null => Value::Null,
            Json::Bool(b) => Value::Bool(*b),
            Json::Int(n) => Value::from(*n),
            Json::UInt(n) => Value::from(*n),
            Json::Str(s) => Value::from(s.as_str()),
            Json::Array(items) => items.iter().map(|item| item.value(depth + 1)).collect(),
            Json::Object(fields) => Value::Object(
                fields
                    .iter()
                    .map(|(key, item)| (key.clone(), item.value(depth + 1)))
                    .collect(),
            ),
        }
    }
}

/// What decoding gives back for each unit: an event, or comment lines.
enum Expect {
    Event(OwnedEvent),
    /// A JSON value, and the id in effect.
    Json(Value, Option<String>),
    Comments(Vec<String>),
}

fuzz_target!(|input: Input<'_>| {
    let mut encoder = Encoder::new();
    let mut wire = Vec::new();
    let mut expected = Vec::new();
    let mut sticky_id: Option<String> = None;
    for unit in &input.units {
        let before = wire.len();
        match unit {
            Unit::Event {
                data,
                event_type,
                id,
                retry,
                room,
            } => {
                let event = Event::new(data)
                    .with_event_type(event_type)
                    .with_id(*id)
                    .with_retry(*retry);
                let type_bad = event_type.contains(['\r', '\n']);
                let id_bad = id.is_some_and(|id| id.contains(['\r', '\n', '\0']));
                match encoder.write_event(&mut wire, &event) {
                    Ok(()) => {
                        assert!(!type_bad && !id_bad, "{event:?} was accepted");
                        check_fixed_buffer(&mut encoder, &event, &wire[before..], *room);
                        if let Some(id) = id {
                            sticky_id = (!id.is_empty()).then(|| (*id).to_owned());
                        }
                        let data = data.replace("\r\n", "\n").replace('\r', "\n");
                        let decoded = Event::new(&data)
                            .with_event_type(event_type)
                            .with_id(sticky_id.as_deref())
                            .with_retry(*retry);
                        expected.push(Expect::Event(decoded.into_owned()));
                    }
                    Err(err) => {
                        let want = if type_bad {
                            EncodeErrorKind::InvalidEventType
                        } else {
                            EncodeErrorKind::InvalidId
                        };
                        assert!(type_bad || id_bad, "{event:?} was rejected: {err}");
                        assert_eq!(err.kind(), want);
                        assert_eq!(wire.len(), before, "a rejected event wrote bytes");
                    }
                }
            }
            Unit::Json(json) => {
                let value = json.value(0);
                encoder
                    .write_json(&mut wire, &value)
                    .expect("a JSON value serializes");
                expected.push(Expect::Json(value, sticky_id.clone()));
            }
            Unit::PrettyJson(json, line_break) => {
                let value = json.value(0);
                let pretty = serde_json::to_string_pretty(&value).expect("serializes");
                let line_break = ["\n", "\r", "\r\n"][usize::from(*line_break % 3)];
                let raw = RawValue::from_string(pretty.replace('\n', line_break))
                    .expect("pretty JSON with other line breaks is still JSON");
                encoder
                    .write_json(&mut wire, &raw)
                    .expect("raw JSON serializes");
                expected.push(Expect::Json(value, sticky_id.clone()));
            }
            Unit::Comment(text) => {
                encoder
                    .write_comment(&mut wire, text)
                    .expect("comments always encode");
                let lines = text.replace("\r\n", "\n").replace('\r', "\n");
                expected.push(Expect::Comments(
                    lines.split('\n').map(str::to_owned).collect(),
                ));
            }
            Unit::Done => {
                encoder
                    .write_done(&mut wire)
                    .expect("[DONE] always encodes");
                let done = Event::new("[DONE]").with_id(sticky_id.as_deref());
                expected.push(Expect::Event(done.into_owned()));
            }
        }
    }

    let cut = cuts(wire.len(), input.seed, input.cuts);
    let outcome = sse::run(Default::default(), &pieces(&wire, &cut), true);
    assert!(matches!(outcome.end, chatwire_fuzz::support::End::Clean));
    let mut got = outcome.items.into_iter();
    for expect in expected {
        match expect {
            Expect::Event(event) => assert_eq!(got.next(), Some(Got::Event(event))),
            Expect::Json(value, id) => match got.next() {
                Some(Got::Event(event)) => {
                    assert_eq!(event.id(), id.as_deref());
                    assert!(event.as_event().is_message() && event.retry().is_none());
                    let decoded: Value =
                        serde_json::from_str(event.data()).expect("the data is the JSON");
                    assert_eq!(decoded, value);
                }
                other => panic!("expected a JSON event, got {other:?}"),
            },
            Expect::Comments(lines) => {
                for line in lines {
                    assert_eq!(got.next(), Some(Got::Comment(line)));
                }
            }
        }
    }
    assert_eq!(got.next(), None, "more items decoded than encoded");
});

/// Writing `event` into a fixed buffer of `room` bytes gives `encoded` when it fits, and
/// `BufferFull` with the buffer untouched when it does not.
fn check_fixed_buffer(encoder: &mut Encoder, event: &Event<'_>, encoded: &[u8], room: u16) {
    let room = usize::from(room);
    let mut storage = vec![0xAA; room];
    let mut window: &mut [u8] = &mut storage;
    match encoder.write_event(&mut window, event) {
        Ok(()) => {
            assert!(encoded.len() <= room);
            let left = window.len();
            assert_eq!(&storage[..room - left], encoded);
        }
        Err(err) => {
            assert_eq!(err.kind(), EncodeErrorKind::BufferFull);
            assert!(
                encoded.len() > room,
                "{} bytes fit in {room}",
                encoded.len()
            );
            assert_eq!(window.len(), room);
            assert!(
                storage.iter().all(|&b| b == 0xAA),
                "a full buffer was written to"
            );
        }
    }
}
