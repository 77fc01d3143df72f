//! A naive reference decoder: the whole input at once, line by line, the spec's steps written
//! out literally with owned strings. Slow and obviously correct; the real decoder must agree
//! with it on every input and every way of splitting it.
//!
//! Besides the WHATWG rules it implements the decoder's documented extras the same literal way:
//! the line and event-size limits, strict UTF-8, resynchronisation at the next blank line after
//! an error, and the end-of-input report.

use chatwire::sse::{Config, ErrorKind, Event, Utf8Mode};

use super::{End, Got, Outcome};

const BOM: &[u8] = b"\xEF\xBB\xBF";

pub fn decode(config: Config, input: &[u8], comments: bool) -> Outcome {
    // The spec: strip one leading BOM, then read line by line.
    let skipped = if input.starts_with(BOM) { BOM.len() } else { 0 };
    let text = &input[skipped..];

    // Split into terminated lines (LF, CR, CRLF) and an unterminated tail.
    let mut lines: Vec<(usize, usize)> = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < text.len() {
        match text[i] {
            b'\n' => {
                lines.push((start, i));
                i += 1;
                start = i;
            }
            b'\r' => {
                lines.push((start, i));
                i += if text.get(i + 1) == Some(&b'\n') {
                    2
                } else {
                    1
                };
                start = i;
            }
            _ => i += 1,
        }
    }
    let tail = &text[start..];
    let tail_offset = (skipped + start) as u64;

    let mut items = Vec::new();
    // The spec's buffers.
    let mut data = String::new();
    let mut event_type = String::new();
    let mut last_event_id = String::new();
    let mut retry = None;
    // The decoder's extras.
    let mut data_size = 0usize;
    let mut block_retry = None;
    let mut block_start: Option<u64> = None;
    let mut skipping = false;

    for (start, end) in lines {
        let raw = &text[start..end];
        let offset = (skipped + start) as u64;
        if skipping {
            if raw.is_empty() {
                skipping = false;
                block_start = None;
            }
            continue;
        }
        if raw.is_empty() {
            // Dispatch.
            if !data.is_empty() {
                if data.ends_with('\n') {
                    data.pop();
                }
                let event_type = if event_type.is_empty() {
                    "message"
                } else {
                    &event_type
                };
                let id = if last_event_id.is_empty() {
                    None
                } else {
                    Some(last_event_id.as_str())
                };
                let event = Event::new(&data)
                    .with_event_type(event_type)
                    .with_id(id)
                    .with_retry(block_retry);
                items.push(Got::Event(event.into_owned()));
            }
            data.clear();
            event_type.clear();
            data_size = 0;
            block_retry = None;
            block_start = None;
            continue;
        }

        // An error discards the event in progress and skips to the next blank line.
        macro_rules! fail {
            ($kind:expr, $at:expr) => {{
                items.push(Got::Error($kind, $at));
                data.clear();
                event_type.clear();
                data_size = 0;
                block_retry = None;
                block_start = block_start.or(Some(offset));
                skipping = true;
                continue;
            }};
        }
        if raw.len() > config.max_line_length() {
            fail!(ErrorKind::LineTooLong, offset);
        }
        if config.utf8_mode() == Utf8Mode::Strict {
            if let Err(err) = std::str::from_utf8(raw) {
                fail!(ErrorKind::InvalidUtf8, offset + err.valid_up_to() as u64);
            }
        }

        let line = String::from_utf8_lossy(raw);
        if let Some(comment) = line.strip_prefix(':') {
            if comments {
                items.push(Got::Comment(comment.to_owned()));
            }
            continue;
        }
        block_start.get_or_insert(offset);
        let (name, value) = match line.find(':') {
            Some(colon) => {
                let value = &line[colon + 1..];
                (&line[..colon], value.strip_prefix(' ').unwrap_or(value))
            }
            None => (&line[..], ""),
        };
        match name {
            "data" => {
                // The size limit counts input bytes of the value.
                let raw_value = match raw.iter().position(|&b| b == b':') {
                    Some(colon) => {
                        let value = &raw[colon + 1..];
                        value.strip_prefix(b" ").unwrap_or(value)
                    }
                    None => &[][..],
                };
                let size = if data.is_empty() {
                    raw_value.len()
                } else {
                    data_size + 1 + raw_value.len()
                };
                if size > config.max_event_size() {
                    fail!(ErrorKind::EventTooLarge, offset);
                }
                data_size = size;
                data.push_str(value);
                data.push('\n');
            }
            "event" => event_type = value.to_owned(),
            "id" if !value.contains('\0') => last_event_id = value.to_owned(),
            "retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                if let Ok(millis) = value.parse::<u64>() {
                    retry = Some(millis);
                    block_retry = Some(millis);
                }
            }
            _ => {}
        }
    }

    // The unterminated tail: never processed, but a line longer than the limit is an error as
    // soon as that many bytes of it exist (a stream that is only part of a BOM is not a line).
    let only_bom_prefix = skipped == 0 && start == 0 && BOM.starts_with(tail);
    if !skipping && tail.len() > config.max_line_length() && !only_bom_prefix {
        items.push(Got::Error(ErrorKind::LineTooLong, tail_offset));
        data.clear();
        block_start = block_start.or(Some(tail_offset));
    }
    let total = input.len() as u64;
    let discarded_from = block_start.or((!tail.is_empty()).then_some(tail_offset));
    let end = match discarded_from {
        None => End::Clean,
        Some(offset) => End::Discarded {
            offset,
            len: total - offset,
            has_data: !data.is_empty(),
            mid_line: !tail.is_empty(),
        },
    };
    Outcome {
        items,
        end,
        last_event_id: (!last_event_id.is_empty()).then_some(last_event_id),
        retry,
    }
}
