//! [`Cursor`]: the byte-level scanner under the chunk fast path. Every method either consumes
//! exactly what serde_json would accept at that point and returns `Some`, or returns `None`
//! ("not handled here"), after which the caller gives the whole text to the serde path.

use super::fields::{Key, Table};

/// How deeply a value kept raw (an unknown field, `logprobs`) may nest before the fast path
/// leaves it to serde_json, which enforces its own recursion limit of 128. Kept well below it
/// so that the fast path never accepts what serde_json refuses.
const MAX_RAW_DEPTH: usize = 32;

/// A position in JSON text.
pub(super) struct Cursor<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Cursor<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        Cursor { text, pos: 0 }
    }

    /// A cursor at byte `pos` of `text`.
    pub(super) fn at(text: &'a str, pos: usize) -> Self {
        Cursor { text, pos }
    }

    /// The byte position.
    pub(super) fn pos(&self) -> usize {
        self.pos
    }

    /// `true` once only JSON whitespace is left.
    pub(super) fn at_end(&mut self) -> bool {
        self.ws();
        self.pos == self.text.len()
    }

    /// Skips JSON whitespace (space, tab, LF, CR: exactly serde_json's set).
    #[inline]
    pub(super) fn ws(&mut self) {
        let bytes = self.text.as_bytes();
        while let Some(&b) = bytes.get(self.pos) {
            if !matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
                break;
            }
            self.pos += 1;
        }
    }

    /// The next byte after whitespace, not consumed.
    #[inline]
    pub(super) fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.text.as_bytes().get(self.pos).copied()
    }

    /// Consumes `byte` (after whitespace).
    #[inline]
    pub(super) fn eat(&mut self, byte: u8) -> Option<()> {
        if self.peek()? == byte {
            self.pos += 1;
            Some(())
        } else {
            None
        }
    }

    /// Consumes a `null` when one comes next: `Some(true)`; `Some(false)` when another value
    /// comes next.
    #[inline]
    pub(super) fn null(&mut self) -> Option<bool> {
        if self.peek()? != b'n' {
            return Some(false);
        }
        self.literal("null")?;
        Some(true)
    }

    fn literal(&mut self, word: &str) -> Option<()> {
        let end = self.pos + word.len();
        if self.text.as_bytes().get(self.pos..end)? == word.as_bytes() {
            self.pos = end;
            Some(())
        } else {
            None
        }
    }

    /// Reads the members of an object whose `{` comes next: calls `member` with each key
    /// (after its `:`), which must consume the value.
    pub(super) fn object(
        &mut self,
        mut member: impl FnMut(&mut Self, &'a str) -> Option<()>,
    ) -> Option<()> {
        self.eat(b'{')?;
        if self.peek()? == b'}' {
            self.pos += 1;
            return Some(());
        }
        loop {
            let key = self.key()?;
            self.eat(b':')?;
            member(self, key)?;
            match self.peek()? {
                b',' => self.pos += 1,
                b'}' => {
                    self.pos += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// [`object`](Self::object) for an object whose reader knows the keys in `table`: calls
    /// `member` with each key (a known field, or another key) after its `:`.
    #[inline]
    pub(super) fn fields<F: Copy, const N: usize>(
        &mut self,
        table: &Table<F, N>,
        mut member: impl FnMut(&mut Self, Key<'a, F>) -> Option<()>,
    ) -> Option<()> {
        self.eat(b'{')?;
        if self.peek()? == b'}' {
            self.pos += 1;
            return Some(());
        }
        loop {
            // `member` is called in each arm, so that a known field reaches it as a constant
            // (a `Key` passed through one call site goes through memory).
            self.ws();
            let rest = self.text.as_bytes().get(self.pos..)?;
            match table.match_quoted(rest) {
                Some(Some((field, len))) => {
                    self.pos += len;
                    self.eat(b':')?;
                    member(self, Key::Field(field))?;
                }
                Some(None) => {
                    let key = self.key()?;
                    self.eat(b':')?;
                    member(self, Key::Other(key))?;
                }
                None => {
                    let key = self.key()?;
                    self.eat(b':')?;
                    member(self, table.lookup(key))?;
                }
            }
            match self.peek()? {
                b',' => self.pos += 1,
                b'}' => {
                    self.pos += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// Reads the elements of an array whose `[` comes next: calls `element` for each, which
    /// must consume it.
    pub(super) fn array(&mut self, mut element: impl FnMut(&mut Self) -> Option<()>) -> Option<()> {
        self.eat(b'[')?;
        if self.peek()? == b']' {
            self.pos += 1;
            return Some(());
        }
        loop {
            element(self)?;
            match self.peek()? {
                b',' => self.pos += 1,
                b']' => {
                    self.pos += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// An object key without escapes (a key with escapes is decoded by serde, so the fast
    /// path leaves it alone; so is a key with a control character, which is malformed).
    ///
    /// Keys are short, so a plain byte loop beats the word-at-a-time scan of [`string`].
    ///
    /// [`string`]: Self::string
    #[inline]
    fn key(&mut self) -> Option<&'a str> {
        self.eat(b'"')?;
        let bytes = self.text.as_bytes();
        let start = self.pos;
        let mut at = start;
        loop {
            match *bytes.get(at)? {
                b'"' => break,
                b'\\' | 0..=0x1f => return None,
                _ => at += 1,
            }
        }
        self.pos = at + 1;
        // Both ends sit next to an ASCII quote, so they are character boundaries.
        self.text.get(start..at)
    }

    /// A string whose `"` comes next: the text between the quotes, escapes intact, checked
    /// exactly as serde_json checks a string it does not decode (no control character, no
    /// raw `"`, escapes among `\" \\ \/ \b \f \n \r \t \uXXXX`; surrogates are not paired),
    /// and whether it holds an escape.
    #[inline]
    pub(super) fn string(&mut self) -> Option<(&'a str, bool)> {
        self.eat(b'"')?;
        let bytes = self.text.as_bytes();
        let start = self.pos;
        let mut at = start;
        let mut escaped = false;
        loop {
            at += plain_run(bytes.get(at..)?);
            match *bytes.get(at)? {
                b'"' => {
                    self.pos = at + 1;
                    return self.text.get(start..at).map(|raw| (raw, escaped));
                }
                b'\\' => {
                    escaped = true;
                    at += 1;
                    match *bytes.get(at)? {
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => at += 1,
                        b'u' => {
                            let hex = bytes.get(at + 1..at + 5)?;
                            if !hex.iter().all(u8::is_ascii_hexdigit) {
                                return None;
                            }
                            at += 5;
                        }
                        _ => return None,
                    }
                }
                // A control character.
                _ => return None,
            }
        }
    }

    /// A JSON integer in `0..=u64::MAX` written plainly (no sign, fraction or exponent),
    /// which is what the lenient integer fields accept; anything else is left to serde.
    pub(super) fn integer(&mut self) -> Option<u64> {
        self.ws();
        let bytes = self.text.as_bytes();
        let start = self.pos;
        let mut value: u64 = 0;
        let mut at = start;
        while let Some(&b) = bytes.get(at) {
            if !b.is_ascii_digit() {
                break;
            }
            value = value.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
            at += 1;
        }
        let digits = at - start;
        // A leading zero must stand alone; a fraction or exponent makes it no integer.
        if digits == 0
            || (digits > 1 && bytes[start] == b'0')
            || matches!(bytes.get(at), Some(b'.' | b'e' | b'E'))
        {
            return None;
        }
        self.pos = at;
        Some(value)
    }

    /// Any JSON value, validated and returned as its text (what serde_json hands over for a
    /// raw value).
    pub(super) fn raw_value(&mut self) -> Option<&'a str> {
        self.ws();
        let start = self.pos;
        self.skip_value(0)?;
        self.text.get(start..self.pos)
    }

    fn skip_value(&mut self, depth: usize) -> Option<()> {
        if depth > MAX_RAW_DEPTH {
            return None;
        }
        match self.peek()? {
            b'"' => self.string().map(drop),
            b'{' => self.object(|cursor, _| cursor.skip_value(depth + 1)),
            b'[' => self.array(|cursor| cursor.skip_value(depth + 1)),
            b'n' => self.literal("null"),
            b't' => self.literal("true"),
            b'f' => self.literal("false"),
            b'-' | b'0'..=b'9' => self.number(),
            _ => None,
        }
    }

    /// A number: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
    fn number(&mut self) -> Option<()> {
        let bytes = self.text.as_bytes();
        let mut at = self.pos;
        if bytes.get(at) == Some(&b'-') {
            at += 1;
        }
        match *bytes.get(at)? {
            b'0' => {
                at += 1;
                if bytes.get(at).is_some_and(u8::is_ascii_digit) {
                    return None;
                }
            }
            b'1'..=b'9' => at += digits(&bytes[at..]),
            _ => return None,
        }
        if bytes.get(at) == Some(&b'.') {
            at += 1;
            let n = digits(bytes.get(at..)?);
            if n == 0 {
                return None;
            }
            at += n;
        }
        if matches!(bytes.get(at), Some(b'e' | b'E')) {
            at += 1;
            if matches!(bytes.get(at), Some(b'+' | b'-')) {
                at += 1;
            }
            let n = digits(bytes.get(at..)?);
            if n == 0 {
                return None;
            }
            at += n;
        }
        self.pos = at;
        Some(())
    }
}

/// The number of leading ASCII digits.
fn digits(bytes: &[u8]) -> usize {
    bytes.iter().take_while(|b| b.is_ascii_digit()).count()
}

/// The length of the leading run of bytes that a JSON string may hold as they are (not `"`,
/// `\` or a control character), eight bytes at a time.
#[inline]
fn plain_run(bytes: &[u8]) -> usize {
    const ONES: u64 = u64::MAX / 255;
    const HIGH: u64 = ONES << 7;
    let mut at = 0;
    for chunk in bytes.chunks_exact(8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let w = u64::from_le_bytes(word);
        // A byte below 0x20, or equal to `"` or `\`, sets its high bit in `special`
        // (the classic "has zero byte" test on the byte and its XORs; a byte >= 0x80
        // is masked out by `!w`).
        let control = w.wrapping_sub(ONES * 0x20) & !w;
        let q = w ^ (ONES * u64::from(b'"'));
        let quote = q.wrapping_sub(ONES) & !q;
        let s = w ^ (ONES * u64::from(b'\\'));
        let slash = s.wrapping_sub(ONES) & !s;
        let special = (control | quote | slash) & HIGH;
        if special != 0 {
            return at + special.trailing_zeros() as usize / 8;
        }
        at += 8;
    }
    at + bytes[at..]
        .iter()
        .take_while(|&&b| b >= 0x20 && b != b'"' && b != b'\\')
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_run_stops_at_the_first_special_byte() {
        for (text, want) in [
            ("", 0),
            ("abc", 3),
            ("abcdefgh\"", 8),
            ("abcdefghij\\k", 10),
            ("ab\u{1}cdefghij", 2),
            ("你好世界😀\"", "你好世界😀".len()),
            ("abcdefg\"hijklmnop", 7),
            ("\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x1f", 8),
        ] {
            assert_eq!(plain_run(text.as_bytes()), want, "{text:?}");
        }
    }

    #[test]
    fn plain_run_agrees_with_a_byte_loop_at_every_position() {
        let text = "aé\"你\\b\u{1f}c 😀xyz\u{7f}~\"".repeat(3);
        let bytes = text.as_bytes();
        for start in 0..bytes.len() {
            let naive = bytes[start..]
                .iter()
                .take_while(|&&b| b >= 0x20 && b != b'"' && b != b'\\')
                .count();
            assert_eq!(plain_run(&bytes[start..]), naive, "at {start}");
        }
    }

    #[test]
    fn strings_are_checked_like_serde_json() {
        let ok = [
            r#""""#,
            r#""a\"b""#,
            r#""\u00e9\ud83d""#,
            r#""\/\b\f\n\r\t""#,
        ];
        for text in ok {
            let mut c = Cursor::new(text);
            let inner = &text[1..text.len() - 1];
            assert_eq!(c.string(), Some((inner, inner.contains('\\'))), "{text}");
            assert!(serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok());
        }
        let bad = [
            r#""a"#,
            r#""\x""#,
            r#""\u12g4""#,
            "\"a\u{1}\"",
            r#""\"#,
            r#""\u12""#,
        ];
        for text in bad {
            assert_eq!(Cursor::new(text).string(), None, "{text}");
            assert!(serde_json::from_str::<serde::de::IgnoredAny>(text).is_err());
        }
    }

    #[test]
    fn numbers_follow_the_json_grammar() {
        for (text, ok) in [
            ("0", true),
            ("-0", true),
            ("12.5e-3", true),
            ("1E+9", true),
            ("01", false),
            ("-", false),
            ("1.", false),
            ("1e", false),
            (".5", false),
            ("+1", false),
        ] {
            let mut c = Cursor::new(text);
            let accepted = c.raw_value().is_some() && c.at_end();
            assert_eq!(accepted, ok, "{text}");
            let serde = serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok();
            assert_eq!(serde, ok, "{text}");
        }
    }

    #[test]
    fn integers_are_plain_and_in_range() {
        assert_eq!(Cursor::new("0").integer(), Some(0));
        assert_eq!(Cursor::new(" 1715931028,").integer(), Some(1_715_931_028));
        assert_eq!(
            Cursor::new("18446744073709551615").integer(),
            Some(u64::MAX)
        );
        for bad in ["18446744073709551616", "01", "1.0", "1e3", "-1", "x", ""] {
            assert_eq!(Cursor::new(bad).integer(), None, "{bad}");
        }
    }

    #[test]
    fn deep_raw_values_are_left_to_serde() {
        let deep = format!(
            "{}{}",
            "[".repeat(MAX_RAW_DEPTH + 2),
            "]".repeat(MAX_RAW_DEPTH + 2)
        );
        assert_eq!(Cursor::new(&deep).raw_value(), None);
        let shallow = format!("{}{}", "[".repeat(4), "]".repeat(4));
        assert_eq!(Cursor::new(&shallow).raw_value(), Some(shallow.as_str()));
    }
}
