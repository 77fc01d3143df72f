//! [`Table`]: the keys an object reader knows, matched straight from the input.
//!
//! A key is usually recognised without being scanned: the sixteen bytes at the cursor are
//! loaded as one word and compared, under a mask, with the key written with its quotes
//! (`"delta"`), among the known keys that start with the same letter (one or two). Only an
//! unknown key, or one too close to the end of the text for a sixteen-byte load, is scanned
//! byte by byte ([`Cursor::key`](super::cursor::Cursor)).

/// A key of an object: one of the fields its reader knows, or another key (which goes to
/// `extra`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Key<'a, F> {
    /// A known field.
    Field(F),
    /// Any other key, as written (it has no escapes: a key with escapes is left to serde).
    Other(&'a str),
}

/// No entry: the end of a chain in [`Table`].
const NONE: u8 = u8::MAX;

/// The known keys of one object type, indexed by their first letter.
pub(super) struct Table<F: 'static, const N: usize> {
    entries: [Entry<F>; N],
    /// The first entry whose key starts with a byte (`NONE`: no key does).
    first: [u8; 256],
    /// The next entry whose key starts with the same byte.
    next: [u8; N],
}

/// One known key.
#[derive(Clone, Copy)]
struct Entry<F: 'static> {
    /// The key's name.
    name: &'static str,
    /// The first sixteen bytes of `"name"`, little-endian (zero past its end).
    word: u128,
    /// Which bytes of `word` count.
    mask: u128,
    /// The length of `"name"`, quotes included.
    len: usize,
    /// The name's bytes past the first sixteen of `"name"` (empty for a short name); the
    /// closing quote follows them.
    rest: &'static [u8],
    field: F,
}

impl<F: Copy, const N: usize> Table<F, N> {
    /// The table for these keys (at most 255).
    ///
    /// # Panics
    ///
    /// At compile time, when a name is empty or has a byte that a key needs escaped or
    /// that would not be compared as written (`"`, `\`, a control character).
    pub(super) const fn new(keys: [(&'static str, F); N]) -> Self {
        assert!(N < NONE as usize, "too many keys");
        let mut entries = [Entry {
            name: "",
            word: 0,
            mask: 0,
            len: 0,
            rest: &[],
            field: keys[0].1,
        }; N];
        let mut first = [NONE; 256];
        let mut next = [NONE; N];
        // Backwards, so that each chain lists its keys in declaration order.
        let mut i = N;
        while i > 0 {
            i -= 1;
            let (name, field) = keys[i];
            let bytes = name.as_bytes();
            assert!(!bytes.is_empty(), "an empty key");
            let len = bytes.len() + 2;
            let mut word: u128 = 0;
            let mut mask: u128 = 0;
            let mut at = 0;
            while at < len && at < 16 {
                let byte = if at == 0 || at == len - 1 {
                    b'"'
                } else {
                    let byte = bytes[at - 1];
                    assert!(byte >= 0x20 && byte != b'"' && byte != b'\\', "a key byte");
                    byte
                };
                word |= (byte as u128) << (8 * at);
                mask |= 0xff << (8 * at);
                at += 1;
            }
            let rest = if len > 16 { bytes.split_at(15).1 } else { &[] };
            entries[i] = Entry {
                name,
                word,
                mask,
                len,
                rest,
                field,
            };
            next[i] = first[bytes[0] as usize];
            first[bytes[0] as usize] = i as u8;
        }
        Table {
            entries,
            first,
            next,
        }
    }

    /// The known key that `"name"` starts `input` with, and its length with the quotes:
    /// `Some(None)` when no known key does, `None` when `input` is too short to tell this
    /// way.
    #[inline]
    pub(super) fn match_quoted(&self, input: &[u8]) -> Option<Option<(F, usize)>> {
        let window: [u8; 16] = input.get(..16)?.try_into().ok()?;
        let word = u128::from_le_bytes(window);
        let mut i = self.first[usize::from(window[1])];
        while let Some(entry) = self.entries.get(usize::from(i)) {
            if word & entry.mask == entry.word
                && (entry.rest.is_empty() || self.rest_matches(entry, input))
            {
                return Some(Some((entry.field, entry.len)));
            }
            i = self.next[usize::from(i)];
        }
        Some(None)
    }

    /// The tail of a long key: its remaining bytes, then the closing quote.
    fn rest_matches(&self, entry: &Entry<F>, input: &[u8]) -> bool {
        input.get(16..entry.len - 1) == Some(entry.rest) && input.get(entry.len - 1) == Some(&b'"')
    }

    /// The known field named `key`, if any (the slow way, for a key read byte by byte).
    pub(super) fn lookup<'a>(&self, key: &'a str) -> Key<'a, F> {
        self.entries
            .iter()
            .find(|entry| entry.name == key)
            .map_or(Key::Other(key), |entry| Key::Field(entry.field))
    }
}

/// Declares the fields an object reader knows: an enum, and its [`Table`] as `TABLE`.
macro_rules! fields {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $wire:literal),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub(super) enum $name {
            $($variant,)*
        }

        impl $name {
            pub(super) const TABLE: $crate::fastpath::fields::Table<$name, { [$($wire),*].len() }> =
                $crate::fastpath::fields::Table::new([$(($wire, $name::$variant)),*]);
        }
    };
}

pub(super) use fields;

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum F {
        Id,
        Index,
        Content,
        Long,
    }

    const TABLE: Table<F, 4> = Table::new([
        ("id", F::Id),
        ("index", F::Index),
        ("content", F::Content),
        ("system_fingerprint", F::Long),
    ]);

    fn padded(text: &str) -> Vec<u8> {
        let mut bytes = text.as_bytes().to_vec();
        bytes.resize(bytes.len().max(40), b' ');
        bytes
    }

    #[test]
    fn known_keys_match_with_their_quotes() {
        for (text, want) in [
            (r#""id":1"#, Some((F::Id, 4))),
            (r#""index":0"#, Some((F::Index, 7))),
            (r#""content":"x""#, Some((F::Content, 9))),
            (r#""system_fingerprint":null"#, Some((F::Long, 20))),
            // A longer or shorter key with the same start is another key.
            (r#""ids":1"#, None),
            (r#""i":1"#, None),
            (r#""indexes":0"#, None),
            (r#""system_fingerprints":null"#, None),
            (r#""system_fingerprinT":null"#, None),
            (r#""other":1"#, None),
            // An escaped key never matches here.
            (r#""\u0069d":1"#, None),
        ] {
            assert_eq!(TABLE.match_quoted(&padded(text)), Some(want), "{text}");
        }
    }

    #[test]
    fn short_input_is_left_to_the_byte_scan() {
        assert_eq!(TABLE.match_quoted(br#""id":1}"#), None);
    }

    #[test]
    fn lookup_finds_every_name() {
        assert_eq!(TABLE.lookup("id"), Key::Field(F::Id));
        assert_eq!(TABLE.lookup("system_fingerprint"), Key::Field(F::Long));
        assert_eq!(TABLE.lookup("ids"), Key::Other("ids"));
    }
}
