//! Table-driven cases for every rule of the WHATWG event-stream interpretation and for the
//! decoder's limits. Each case runs whole, byte by byte, at every split point (and every pair of
//! split points for short inputs), through `next_item` and `next_event`, and against the
//! reference decoder.

mod support;

use chatwire::sse::{Config, ErrorKind, Event, Utf8Mode};

use support::{check_all_splits, reference, End, Got, Outcome};

/// An event with the default type and no id or retry.
fn e(data: &str) -> Got {
    Got::Event(Event::new(data).into_owned())
}

/// Any event.
fn full(event: Event<'_>) -> Got {
    Got::Event(event.into_owned())
}

fn comment(text: &str) -> Got {
    Got::Comment(text.to_owned())
}

fn err(kind: ErrorKind, offset: u64) -> Got {
    Got::Error(kind, offset)
}

struct Expect(Outcome);

impl Expect {
    fn new(items: Vec<Got>) -> Self {
        Expect(Outcome {
            items,
            end: End::Clean,
            last_event_id: None,
            retry: None,
        })
    }

    fn id(mut self, id: &str) -> Self {
        self.0.last_event_id = Some(id.to_owned());
        self
    }

    fn retry(mut self, retry: u64) -> Self {
        self.0.retry = Some(retry);
        self
    }

    fn discarded(mut self, offset: u64, len: u64, has_data: bool, mid_line: bool) -> Self {
        self.0.end = End::Discarded {
            offset,
            len,
            has_data,
            mid_line,
        };
        self
    }
}

fn check_with(config: Config, input: &[u8], expect: Expect) {
    let expected = expect.0;
    assert_eq!(
        reference::decode(config, input, true),
        expected,
        "reference: {:?}",
        String::from_utf8_lossy(input)
    );
    assert_eq!(
        reference::decode(config, input, false),
        expected.without_comments(),
        "reference without comments"
    );
    check_all_splits(config, input, &expected);
}

fn check(input: &[u8], expect: Expect) {
    check_with(Config::new(), input, expect);
}

fn limits(line: usize, event: usize) -> Config {
    Config::new()
        .with_max_line_length(line)
        .with_max_event_size(event)
}

#[test]
fn a_blank_line_dispatches_an_event() {
    check(b"data: hello\n\n", Expect::new(vec![e("hello")]));
    check(
        b"data: one\n\ndata: two\n\n",
        Expect::new(vec![e("one"), e("two")]),
    );
}

#[test]
fn line_ends_lf_cr_crlf_and_mixed() {
    check(b"data: a\r\n\r\n", Expect::new(vec![e("a")]));
    check(b"data: a\r\r", Expect::new(vec![e("a")]));
    check(b"data: a\n\r\n", Expect::new(vec![e("a")]));
    check(b"data: a\r\n\r", Expect::new(vec![e("a")]));
    check(
        b"data: a\rdata: b\r\ndata: c\n\r\ndata: d\r\r",
        Expect::new(vec![e("a\nb\nc"), e("d")]),
    );
    // CR LF is one line end, LF CR is two.
    check(b"data: a\n\rdata: b\n\n", Expect::new(vec![e("a"), e("b")]));
    check(b"data: a\r\ndata: b\r\n\r\n", Expect::new(vec![e("a\nb")]));
}

#[test]
fn a_leading_bom_is_stripped_once() {
    check(b"\xEF\xBB\xBFdata: a\n\n", Expect::new(vec![e("a")]));
    // A second BOM is part of the first line: the field name is "\u{feff}data", unknown.
    check(
        b"\xEF\xBB\xBF\xEF\xBB\xBFdata: a\n\ndata: b\n\n",
        Expect::new(vec![e("b")]),
    );
    // A BOM elsewhere is data.
    check(
        b"data: \xEF\xBB\xBFa\n\n",
        Expect::new(vec![e("\u{feff}a")]),
    );
    // Only part of a BOM is not a BOM.
    check(b"\xEF\xBBdata: a\n\ndata: b\n\n", Expect::new(vec![e("b")]));
    check(b"\xEF\xBB\xBF", Expect::new(vec![]));
    check(
        b"\xEF\xBB",
        Expect::new(vec![]).discarded(0, 2, false, true),
    );
    check(b"\xEF\xBB\xBF\n\n", Expect::new(vec![]));
}

#[test]
fn comments_are_skipped_or_returned() {
    check(
        b": keep-alive\n\ndata: a\n: inside\ndata: b\n\n:\n\n",
        Expect::new(vec![
            comment(" keep-alive"),
            comment(" inside"),
            e("a\nb"),
            comment(""),
        ]),
    );
    check(b"::x: y\r\n", Expect::new(vec![comment(":x: y")]));
}

#[test]
fn a_line_without_colon_is_a_field_with_an_empty_value() {
    check(b"data\n\n", Expect::new(vec![e("")]));
    check(b"data\ndata\n\n", Expect::new(vec![e("\n")]));
    check(b"data:\n\n", Expect::new(vec![e("")]));
    check(b"data: \n\n", Expect::new(vec![e("")]));
    check(
        b"event\ndata: x\n\n",
        Expect::new(vec![full(Event::new("x"))]),
    );
}

#[test]
fn exactly_one_leading_space_is_stripped() {
    check(b"data:a\n\n", Expect::new(vec![e("a")]));
    check(b"data: a\n\n", Expect::new(vec![e("a")]));
    check(b"data:  a\n\n", Expect::new(vec![e(" a")]));
    check(b"data:\ta\n\n", Expect::new(vec![e("\ta")]));
    check(b"data: a \n\n", Expect::new(vec![e("a ")]));
    check(
        b"event:  spaced\ndata: x\n\n",
        Expect::new(vec![full(Event::new("x").with_event_type(" spaced"))]),
    );
    check(b"data: a:b: c\n\n", Expect::new(vec![e("a:b: c")]));
}

#[test]
fn unknown_and_misspelled_fields_are_ignored() {
    check(
        b"foo: bar\ndata: a\nData: no\n data: no\ndata : no\ndat: no\n\n",
        Expect::new(vec![e("a")]),
    );
    check(b"foo: bar\n\n", Expect::new(vec![]));
}

#[test]
fn an_event_without_data_is_not_dispatched() {
    check(b"event: x\n\n", Expect::new(vec![]));
    check(b"\n\n\n\r\n\r", Expect::new(vec![]));
    check(b"event: x\n\ndata: y\n\n", Expect::new(vec![e("y")]));
}

#[test]
fn data_lines_are_joined_with_lf() {
    check(
        b"data: a\ndata: b\ndata:\ndata: c\n\n",
        Expect::new(vec![e("a\nb\n\nc")]),
    );
    check(b"data\ndata\ndata\n\n", Expect::new(vec![e("\n\n")]));
}

#[test]
fn event_type_defaults_to_message_and_resets() {
    check(
        b"event: add\ndata: x\n\ndata: y\n\nevent:\ndata: z\n\n",
        Expect::new(vec![
            full(Event::new("x").with_event_type("add")),
            e("y"),
            e("z"),
        ]),
    );
    check(
        b"event: a\nevent: b\ndata: x\n\n",
        Expect::new(vec![full(Event::new("x").with_event_type("b"))]),
    );
    check(
        b"data: x\nevent: late\n\n",
        Expect::new(vec![full(Event::new("x").with_event_type("late"))]),
    );
}

#[test]
fn the_last_event_id_is_sticky() {
    check(
        b"id: 1\ndata: a\n\ndata: b\n\nid\ndata: c\n\n",
        Expect::new(vec![
            full(Event::new("a").with_id(Some("1"))),
            full(Event::new("b").with_id(Some("1"))),
            e("c"),
        ]),
    );
    // Set by a block without data, and by a line after the data.
    check(
        b"id: 7\n\ndata: a\n\ndata: b\nid: 8\n\n",
        Expect::new(vec![
            full(Event::new("a").with_id(Some("7"))),
            full(Event::new("b").with_id(Some("8"))),
        ])
        .id("8"),
    );
    check(b"id: only\n\n", Expect::new(vec![]).id("only"));
    check(
        b"id:  spaced\ndata: a\n\n",
        Expect::new(vec![full(Event::new("a").with_id(Some(" spaced")))]).id(" spaced"),
    );
}

#[test]
fn an_id_containing_nul_is_ignored() {
    check(
        b"id: 1\ndata: a\n\nid: 2\x003\ndata: b\n\n",
        Expect::new(vec![
            full(Event::new("a").with_id(Some("1"))),
            full(Event::new("b").with_id(Some("1"))),
        ])
        .id("1"),
    );
}

#[test]
fn retry_counts_only_ascii_digits() {
    check(
        b"retry: 1500\ndata: a\n\ndata: b\n\n",
        Expect::new(vec![full(Event::new("a").with_retry(Some(1500))), e("b")]).retry(1500),
    );
    check(
        b"retry: 15a\ndata: a\n\nretry: -1\ndata: b\n\nretry:\ndata: c\n\nretry:  5\ndata: d\n\n",
        Expect::new(vec![e("a"), e("b"), e("c"), e("d")]),
    );
    check(b"retry: 3000\n\n", Expect::new(vec![]).retry(3000));
    check(
        b"retry: 99999999999999999999\ndata: a\n\n",
        Expect::new(vec![e("a")]),
    );
}

#[test]
fn nul_bytes_are_data() {
    check(b"data: a\x00b\n\n", Expect::new(vec![e("a\0b")]));
    check(b"\x00: x\ndata: y\n\n", Expect::new(vec![e("y")]));
}

#[test]
fn multibyte_utf8_survives_any_split() {
    check(
        "data: héllo 你好 🎉\nevent: ünï\n\n".as_bytes(),
        Expect::new(vec![full(
            Event::new("héllo 你好 🎉").with_event_type("ünï"),
        )]),
    );
    check(": 注释\n\n".as_bytes(), Expect::new(vec![comment(" 注释")]));
}

#[test]
fn invalid_utf8_becomes_replacement_characters() {
    check(b"data: a\xFFb\n\n", Expect::new(vec![e("a\u{FFFD}b")]));
    // A truncated sequence is one replacement character, as in from_utf8_lossy.
    check(b"data: \xE4\xBD\n\n", Expect::new(vec![e("\u{FFFD}")]));
    check(
        b"data: \xE4\xBDx\xC3\n\n",
        Expect::new(vec![e("\u{FFFD}x\u{FFFD}")]),
    );
    check(
        b"event: \xFF\nid: \xC0\xAF\ndata: \xF0\x9F\x8E\n\n",
        Expect::new(vec![full(
            Event::new("\u{FFFD}")
                .with_event_type("\u{FFFD}")
                .with_id(Some("\u{FFFD}\u{FFFD}")),
        )])
        .id("\u{FFFD}\u{FFFD}"),
    );
    check(b":\xFF\n", Expect::new(vec![comment("\u{FFFD}")]));
    // Multi-line data with an invalid line.
    check(
        b"data: ok\ndata: \xFE\n\n",
        Expect::new(vec![e("ok\n\u{FFFD}")]),
    );
}

#[test]
fn strict_utf8_is_an_error_naming_the_offset() {
    let strict = Config::new().with_utf8_mode(Utf8Mode::Strict);
    check_with(
        strict,
        b"data: a\xFFb\n\ndata: ok\n\n",
        Expect::new(vec![err(ErrorKind::InvalidUtf8, 7), e("ok")]),
    );
    // The whole event is discarded, lines after the bad one included, up to the blank line.
    check_with(
        strict,
        b"data: 1\n: \xC3\ndata: 2\n\ndata: 3\n\n",
        Expect::new(vec![err(ErrorKind::InvalidUtf8, 10), e("3")]),
    );
    // Valid multi-byte text passes.
    check_with(strict, "data: ü\n\n".as_bytes(), Expect::new(vec![e("ü")]));
    // An unterminated invalid line at the end is discarded unchecked.
    check_with(
        strict,
        b"data: a\n\n\xFF",
        Expect::new(vec![e("a")]).discarded(9, 1, false, true),
    );
    // After a stripped BOM, offsets still count it.
    check_with(
        strict,
        b"\xEF\xBB\xBFdata: \xFF\n\n",
        Expect::new(vec![err(ErrorKind::InvalidUtf8, 9)]),
    );
}

#[test]
fn an_unfinished_event_is_discarded_and_reported() {
    check(
        b"data: a\n\ndata: [DONE]\n",
        Expect::new(vec![e("a")]).discarded(9, 13, true, false),
    );
    check(
        b"data: a\n\ndata: [DO",
        Expect::new(vec![e("a")]).discarded(9, 9, false, true),
    );
    check(
        b"data: a\n\nid: 5",
        Expect::new(vec![e("a")]).discarded(9, 5, false, true),
    );
    // Terminated unknown fields without a blank line: reported, without data.
    check(
        b"data: a\n\n{\n  \"code\": 503\n}\n",
        Expect::new(vec![e("a")]).discarded(9, 18, false, false),
    );
    // Comments after the last blank line belong to no event: a clean end.
    check(
        b"data: a\n\n: bye\n",
        Expect::new(vec![e("a"), comment(" bye")]),
    );
    // A pending CR at the end is a complete line end.
    check(b"data: a\r\r", Expect::new(vec![e("a")]));
    check(
        b"data: a\r",
        Expect::new(vec![]).discarded(0, 8, true, false),
    );
}

#[test]
fn a_line_too_long_is_an_error_and_the_decoder_resynchronises() {
    let config = limits(8, 1 << 20);
    check_with(
        config,
        b"data: 12\n\ndata: 123\ndata: lost\n\ndata: ok\n\n",
        Expect::new(vec![e("12"), err(ErrorKind::LineTooLong, 10), e("ok")]),
    );
    // Comments and unknown fields are lines too.
    check_with(
        config,
        b":123456789\n\nfoo: 12345\n\ndata: ok\n\n",
        Expect::new(vec![
            err(ErrorKind::LineTooLong, 0),
            err(ErrorKind::LineTooLong, 12),
            e("ok"),
        ]),
    );
    // Lines before the error already took effect; lines after it did not.
    check_with(
        config,
        b"id: 1\ndata: 123456789\nid: 2\n\ndata: ok\n\n",
        Expect::new(vec![
            err(ErrorKind::LineTooLong, 6),
            full(Event::new("ok").with_id(Some("1"))),
        ])
        .id("1"),
    );
    // A too-long line while skipping is not a second error.
    check_with(
        config,
        b"data: 123456789\ndata: 123456789\n\ndata: ok\n\n",
        Expect::new(vec![err(ErrorKind::LineTooLong, 0), e("ok")]),
    );
    // An unterminated too-long line at the end.
    check_with(
        config,
        b"data: ok\n\ndata: 123456789",
        Expect::new(vec![e("ok"), err(ErrorKind::LineTooLong, 10)]).discarded(10, 15, false, true),
    );
    // The limit excludes the line end: exactly the limit is fine, in every line-end style.
    check_with(
        config,
        b"data: 12\r\ndata: 34\r\r",
        Expect::new(vec![e("12\n34")]),
    );
    // The input ends while skipping: the discarded event is reported again.
    check_with(
        config,
        b"data: 123456789\ndata: x\n",
        Expect::new(vec![err(ErrorKind::LineTooLong, 0)]).discarded(0, 24, false, false),
    );
}

#[test]
fn an_event_too_large_is_an_error_and_the_decoder_resynchronises() {
    let config = limits(1 << 20, 5);
    check_with(
        config,
        b"data: 12\ndata: 34\ndata: 5\n\ndata: 12345\n\n",
        Expect::new(vec![err(ErrorKind::EventTooLarge, 18), e("12345")]),
    );
    // The joining LF counts: "12\n34" is 5 bytes.
    check_with(
        config,
        b"data: 12\ndata: 34\n\n",
        Expect::new(vec![e("12\n34")]),
    );
    check_with(
        config,
        b"data: 123456\n\ndata\ndata\ndata\n\n",
        Expect::new(vec![err(ErrorKind::EventTooLarge, 0), e("\n\n")]),
    );
    // Limits of zero still allow empty data.
    check_with(
        limits(1 << 20, 0),
        b"data\n\ndata: x\n\n",
        Expect::new(vec![e(""), err(ErrorKind::EventTooLarge, 6)]),
    );
}
