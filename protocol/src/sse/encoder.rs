//! [`Encoder`]: writes events and comments as `text/event-stream` bytes.

use alloc::vec::Vec;

use bytes::BufMut;
use memchr::memchr2;
use serde::Serialize;

use crate::types::parse_error::append_json;

use super::error::{EncodeError, EncodeErrorKind};
use super::event::Event;

/// The bytes of the `[DONE]` sentinel event that ends an OpenAI-compatible stream.
pub const DONE_EVENT: &[u8] = b"data: [DONE]\n\n";

/// Writes server-sent events into a caller's buffer (`Vec<u8>`, `BytesMut`, or any other
/// [`BufMut`]).
///
/// Every method writes a whole unit or nothing: on error the buffer is unchanged.
///
/// # Wire format, and the round trip
///
/// An event is written as `event: <type>\n` (omitted for the default type `message`),
/// `id: <id>\n` (when the id is `Some`), `retry: <n>\n` (when set), one `data: <line>\n` per
/// line of the data, and a blank line. Lines end with LF.
///
/// The data is split into lines at every CR, LF and CRLF, exactly where a decoder would end a
/// line, so no data can inject a field or end the event early; the decoder joins the lines
/// with LF. Hence, for an event `x` decoded by a fresh [`Decoder`](super::Decoder),
/// `decode(encode(x)) == x` once `x`'s line breaks are written as LF (a CR or CRLF in the data
/// comes back as LF; nothing else changes: leading spaces, NUL, and empty lines survive).
/// The id is sticky on the decoder side (see [`Event::id`]); an id of `Some("")` writes an
/// empty `id` line, which clears it.
///
/// An event type or id containing CR or LF cannot be written without injecting a line, and an
/// id containing NUL would be ignored by every decoder: those are rejected with
/// [`EncodeErrorKind::InvalidEventType`] and [`EncodeErrorKind::InvalidId`].
///
/// # Example
///
/// ```
/// use chatwire::sse::{Encoder, Event};
///
/// let mut encoder = Encoder::new();
/// let mut out = Vec::new();
/// encoder.write_event(&mut out, &Event::new("a\r\nb").with_event_type("note").with_id(Some("1")))?;
/// encoder.write_json(&mut out, &serde_json::json!({"n": 1}))?;
/// encoder.write_comment(&mut out, " keep-alive")?;
/// encoder.write_done(&mut out)?;
/// assert_eq!(
///     out,
///     b"event: note\nid: 1\ndata: a\ndata: b\n\ndata: {\"n\":1}\n\n: keep-alive\n\ndata: [DONE]\n\n"
/// );
/// # Ok::<(), chatwire::sse::EncodeError>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Encoder {
    /// Reused buffer for serialized JSON.
    json: Vec<u8>,
}

impl Encoder {
    /// A new encoder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Writes `event`, followed by the blank line that dispatches it.
    ///
    /// # Errors
    ///
    /// [`EncodeErrorKind::InvalidEventType`] or [`EncodeErrorKind::InvalidId`] as described on
    /// [`Encoder`]; [`EncodeErrorKind::BufferFull`] when `buf` has less room than the event
    /// needs.
    pub fn write_event<B: BufMut + ?Sized>(
        &mut self,
        buf: &mut B,
        event: &Event<'_>,
    ) -> Result<(), EncodeError> {
        let event_type = (!event.is_message()).then_some(event.event_type());
        if event_type.is_some_and(|t| has_line_break(t.as_bytes())) {
            return Err(EncodeError::new(EncodeErrorKind::InvalidEventType));
        }
        if let Some(id) = event.id() {
            if has_line_break(id.as_bytes()) || id.as_bytes().contains(&0) {
                return Err(EncodeError::new(EncodeErrorKind::InvalidId));
            }
        }
        let mut digits = [0u8; 20];
        let retry = event.retry().map(|millis| format_u64(millis, &mut digits));

        let mut needed = lines_len(b"data: ", event.data().as_bytes()) + 1;
        if let Some(t) = event_type {
            needed += b"event: ".len() + t.len() + 1;
        }
        if let Some(id) = event.id() {
            needed += b"id: ".len() + id.len() + 1;
        }
        if let Some(retry) = retry {
            needed += b"retry: ".len() + retry.len() + 1;
        }
        ensure_room(buf, needed)?;

        if let Some(t) = event_type {
            put_line(buf, b"event: ", t.as_bytes());
        }
        if let Some(id) = event.id() {
            put_line(buf, b"id: ", id.as_bytes());
        }
        if let Some(retry) = retry {
            put_line(buf, b"retry: ", retry);
        }
        put_lines(buf, b"data: ", event.data().as_bytes());
        buf.put_u8(b'\n');
        Ok(())
    }

    /// Writes `value` as compact JSON in a `data` event: `data: <json>\n\n`.
    ///
    /// Compact JSON has no line breaks; should a value carry raw JSON text that does (a raw
    /// value with pretty-printed whitespace), the text is split into several `data` lines like
    /// any other data, and decodes to the same JSON.
    ///
    /// # Errors
    ///
    /// [`EncodeErrorKind::Json`] when `value` fails to serialize (the message and
    /// [`source`](core::error::Error::source) say why); [`EncodeErrorKind::BufferFull`] when
    /// `buf` has less room than the event needs.
    pub fn write_json<B: BufMut + ?Sized, T: Serialize + ?Sized>(
        &mut self,
        buf: &mut B,
        value: &T,
    ) -> Result<(), EncodeError> {
        self.json.clear();
        append_json(value, &mut self.json).map_err(EncodeError::json)?;
        ensure_room(buf, lines_len(b"data: ", &self.json) + 1)?;
        put_lines(buf, b"data: ", &self.json);
        buf.put_u8(b'\n');
        Ok(())
    }

    /// Writes the `[DONE]` sentinel event, `data: [DONE]\n\n`, which ends an
    /// OpenAI-compatible stream.
    ///
    /// # Errors
    ///
    /// [`EncodeErrorKind::BufferFull`] when `buf` has less than 14 bytes of room.
    pub fn write_done<B: BufMut + ?Sized>(&mut self, buf: &mut B) -> Result<(), EncodeError> {
        ensure_room(buf, DONE_EVENT.len())?;
        buf.put_slice(DONE_EVENT);
        Ok(())
    }

    /// Writes a comment, `:<text>\n`, followed by a blank line, the usual keep-alive shape
    /// (`write_comment(buf, " ping")` writes `: ping\n\n`). The text is written as it is after
    /// the colon, which is what [`Item::Comment`](super::Item::Comment) gives back; text with
    /// line breaks becomes several comment lines.
    ///
    /// # Errors
    ///
    /// [`EncodeErrorKind::BufferFull`] when `buf` has less room than the comment needs.
    pub fn write_comment<B: BufMut + ?Sized>(
        &mut self,
        buf: &mut B,
        text: &str,
    ) -> Result<(), EncodeError> {
        ensure_room(buf, lines_len(b":", text.as_bytes()) + 1)?;
        put_lines(buf, b":", text.as_bytes());
        buf.put_u8(b'\n');
        Ok(())
    }
}

fn has_line_break(bytes: &[u8]) -> bool {
    memchr2(b'\r', b'\n', bytes).is_some()
}

fn ensure_room<B: BufMut + ?Sized>(buf: &B, needed: usize) -> Result<(), EncodeError> {
    if buf.remaining_mut() < needed {
        return Err(EncodeError::new(EncodeErrorKind::BufferFull));
    }
    Ok(())
}

fn put_line<B: BufMut + ?Sized>(buf: &mut B, prefix: &[u8], value: &[u8]) {
    buf.put_slice(prefix);
    buf.put_slice(value);
    buf.put_u8(b'\n');
}

/// The bytes [`put_lines`] writes.
fn lines_len(prefix: &[u8], text: &[u8]) -> usize {
    Lines::new(text)
        .map(|line| prefix.len() + line.len() + 1)
        .sum()
}

/// Writes `prefix`, a line of `text`, and LF, for each line of `text` (split at CR, LF, CRLF).
fn put_lines<B: BufMut + ?Sized>(buf: &mut B, prefix: &[u8], text: &[u8]) {
    for line in Lines::new(text) {
        put_line(buf, prefix, line);
    }
}

/// The lines of a text split at CR, LF and CRLF, as a decoder splits them; always at least one.
struct Lines<'a> {
    rest: Option<&'a [u8]>,
}

impl<'a> Lines<'a> {
    fn new(text: &'a [u8]) -> Self {
        Self { rest: Some(text) }
    }
}

impl<'a> Iterator for Lines<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        let rest = self.rest?;
        let Some(end) = memchr2(b'\r', b'\n', rest) else {
            self.rest = None;
            return Some(rest);
        };
        let next = if rest[end] == b'\r' && rest.get(end + 1) == Some(&b'\n') {
            end + 2
        } else {
            end + 1
        };
        self.rest = Some(&rest[next..]);
        Some(&rest[..end])
    }
}

/// The decimal digits of `value`, written at the end of `digits`.
fn format_u64(mut value: u64, digits: &mut [u8; 20]) -> &[u8] {
    let mut start = digits.len();
    loop {
        start -= 1;
        // `value % 10` is below 10, so the cast is lossless.
        digits[start] = b'0' + (value % 10) as u8;
        value /= 10;
        if value == 0 {
            break;
        }
    }
    &digits[start..]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<&[u8]> {
        Lines::new(text.as_bytes()).collect()
    }

    #[test]
    fn splits_like_a_decoder() {
        assert_eq!(lines(""), [b""]);
        assert_eq!(lines("a"), [b"a"]);
        assert_eq!(lines("a\nb"), [&b"a"[..], b"b"]);
        assert_eq!(lines("a\r\nb\rc\n"), [&b"a"[..], b"b", b"c", b""]);
        assert_eq!(lines("\r\r\n\n"), [&b""[..], b"", b"", b""]);
    }

    #[test]
    fn formats_integers() {
        let mut digits = [0u8; 20];
        assert_eq!(format_u64(0, &mut digits), b"0");
        assert_eq!(format_u64(1500, &mut digits), b"1500");
        assert_eq!(
            format_u64(u64::MAX, &mut digits),
            u64::MAX.to_string().as_bytes()
        );
    }

    #[test]
    fn full_fixed_buffer_is_left_untouched() {
        let mut storage = [0u8; 8];
        let mut window: &mut [u8] = &mut storage;
        let err = Encoder::new()
            .write_event(&mut window, &Event::new("longer than eight"))
            .unwrap_err();
        assert_eq!(err.kind(), EncodeErrorKind::BufferFull);
        assert_eq!(window.len(), 8);
        assert_eq!(storage, [0u8; 8]);
    }

    #[test]
    fn exact_room_is_enough() {
        let mut storage = [0u8; 14];
        let mut window: &mut [u8] = &mut storage;
        Encoder::new().write_done(&mut window).unwrap();
        assert!(window.is_empty());
        assert_eq!(&storage, DONE_EVENT);
    }
}
