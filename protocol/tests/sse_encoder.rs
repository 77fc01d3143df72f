//! The encoder: exact wire output, rejected fields, and the round trip decode(encode(x)) == x.

mod support;

use bytes::BytesMut;
use chatwire::sse::{Config, EncodeErrorKind, Encoder, Event, OwnedEvent};
use proptest::prelude::*;
use proptest::sample::Index;

use support::{decode_split, Got};

fn encode(event: &Event<'_>) -> Vec<u8> {
    let mut out = Vec::new();
    Encoder::new().write_event(&mut out, event).unwrap();
    out
}

#[test]
fn writes_the_documented_wire_format() {
    assert_eq!(encode(&Event::new("x")), b"data: x\n\n");
    assert_eq!(encode(&Event::new("")), b"data: \n\n");
    assert_eq!(
        encode(
            &Event::new("a\nb")
                .with_event_type("update")
                .with_id(Some("7"))
                .with_retry(Some(2500))
        ),
        b"event: update\nid: 7\nretry: 2500\ndata: a\ndata: b\n\n"
    );
    // The default type is not written.
    assert_eq!(
        encode(&Event::new("x").with_event_type("message")),
        b"data: x\n\n"
    );
    // An empty id is written: it clears the last event id.
    assert_eq!(
        encode(&Event::new("x").with_id(Some(""))),
        b"id: \ndata: x\n\n"
    );
}

#[test]
fn line_breaks_in_data_cannot_inject_lines() {
    assert_eq!(
        encode(&Event::new("a\rid: evil\r\nevent: evil\n\nb")),
        b"data: a\ndata: id: evil\ndata: event: evil\ndata: \ndata: b\n\n"
    );
    assert_eq!(encode(&Event::new("\r")), b"data: \ndata: \n\n");
}

#[test]
fn event_types_and_ids_with_line_breaks_or_nul_are_rejected() {
    let mut encoder = Encoder::new();
    let mut out = b"kept".to_vec();
    for event_type in ["a\nb", "a\r", "\r\n"] {
        let err = encoder
            .write_event(&mut out, &Event::new("x").with_event_type(event_type))
            .unwrap_err();
        assert_eq!(err.kind(), EncodeErrorKind::InvalidEventType);
    }
    for id in ["1\n", "\r2", "3\x004"] {
        let err = encoder
            .write_event(&mut out, &Event::new("x").with_id(Some(id)))
            .unwrap_err();
        assert_eq!(err.kind(), EncodeErrorKind::InvalidId);
        assert!(!err.to_string().is_empty());
    }
    assert_eq!(out, b"kept");
}

#[test]
fn json_done_and_comments() {
    let mut encoder = Encoder::new();
    let mut out = BytesMut::new();
    encoder
        .write_json(
            &mut out,
            &serde_json::json!({"text": "line\nbreak", "n": [1, 2]}),
        )
        .unwrap();
    encoder.write_done(&mut out).unwrap();
    encoder.write_comment(&mut out, " ping").unwrap();
    encoder.write_comment(&mut out, "a\r\nb").unwrap();
    assert_eq!(
        &out[..],
        b"data: {\"n\":[1,2],\"text\":\"line\\nbreak\"}\n\ndata: [DONE]\n\n: ping\n\n:a\n:b\n\n"
    );
}

#[test]
fn json_that_fails_to_serialize_writes_nothing() {
    use std::collections::BTreeMap;
    use std::error::Error as _;

    // JSON object keys must be strings.
    let mut map = BTreeMap::new();
    map.insert(vec![1u8], 1u8);
    let mut out = b"kept".to_vec();
    let err = Encoder::new().write_json(&mut out, &map).unwrap_err();
    assert_eq!(err.kind(), EncodeErrorKind::Json);
    assert!(err.source().is_some());
    assert!(err.to_string().contains("JSON"), "{err}");
    assert_eq!(out, b"kept");
}

#[test]
fn raw_json_with_line_breaks_is_split_into_data_lines() {
    let raw = serde_json::value::RawValue::from_string("{\n  \"a\": 1\r\n}".to_owned()).unwrap();
    let mut out = Vec::new();
    Encoder::new().write_json(&mut out, &raw).unwrap();
    assert_eq!(out, b"data: {\ndata:   \"a\": 1\ndata: }\n\n");
    let decoded = decode_split(Config::new(), &out, &[], false);
    let Got::Event(event) = &decoded.items[0] else {
        panic!("{decoded:?}")
    };
    let value: serde_json::Value = serde_json::from_str(event.data()).unwrap();
    assert_eq!(value, serde_json::json!({"a": 1}));
}

/// What an encoded event looks like after decoding, given the id in effect before it.
fn expected(event: &OwnedEvent, sticky_id: &mut Option<String>) -> OwnedEvent {
    if let Some(id) = event.id() {
        *sticky_id = (!id.is_empty()).then(|| id.to_owned());
    }
    let data = event.data().replace("\r\n", "\n").replace('\r', "\n");
    Event::new(&data)
        .with_event_type(event.event_type())
        .with_id(sticky_id.as_deref())
        .with_retry(event.retry())
        .into_owned()
}

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => "[a-zA-Z0-9 :]{0,6}",
            1 => Just("\n".to_owned()),
            1 => Just("\r".to_owned()),
            1 => Just("\r\n".to_owned()),
            1 => Just("\0".to_owned()),
            1 => Just("é你🎉".to_owned()),
            1 => Just("\u{feff}".to_owned()),
            1 => any::<char>().prop_map(String::from),
        ],
        0..6,
    )
    .prop_map(|pieces| pieces.concat())
}

/// A field value without line breaks (and without NUL, for ids).
fn field() -> impl Strategy<Value = String> {
    text().prop_map(|t| t.replace(['\r', '\n', '\0'], ""))
}

fn event() -> impl Strategy<Value = OwnedEvent> {
    (
        text(),
        field(),
        prop::option::of(field()),
        prop::option::of(any::<u64>()),
    )
        .prop_map(|(data, event_type, id, retry)| {
            Event::new(&data)
                .with_event_type(&event_type)
                .with_id(id.as_deref())
                .with_retry(retry)
                .into_owned()
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn decode_of_encode_is_identity(
        events in prop::collection::vec((event(), prop::option::of(field())), 0..8),
        cuts in prop::collection::vec(any::<Index>(), 0..6),
    ) {
        let mut encoder = Encoder::new();
        let mut wire = Vec::new();
        let mut want = Vec::new();
        let mut sticky_id = None;
        for (event, comment) in &events {
            if let Some(comment) = comment {
                encoder.write_comment(&mut wire, comment).unwrap();
                want.push(Got::Comment(comment.clone()));
            }
            encoder.write_event(&mut wire, &event.as_event()).unwrap();
            want.push(Got::Event(expected(event, &mut sticky_id)));
        }
        let cuts: Vec<usize> = cuts.iter().map(|i| i.index(wire.len() + 1)).collect();
        let got = decode_split(Config::new(), &wire, &cuts, true);
        prop_assert_eq!(got.items, want);
        prop_assert!(got.end == support::End::Clean);
        prop_assert_eq!(got.last_event_id, sticky_id);
    }

    #[test]
    fn json_round_trips(value in arbitrary_json(), cut in any::<Index>()) {
        let mut wire = Vec::new();
        Encoder::new().write_json(&mut wire, &value).unwrap();
        let cut = cut.index(wire.len() + 1);
        let got = decode_split(Config::new(), &wire, &[cut], false);
        prop_assert_eq!(got.items.len(), 1);
        let Got::Event(event) = &got.items[0] else { panic!("{got:?}") };
        let decoded: serde_json::Value = serde_json::from_str(event.data()).unwrap();
        prop_assert_eq!(decoded, value);
    }
}

fn arbitrary_json() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value;
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        text().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(field(), inner, 0..4)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}
