//! Deterministic generation: a stable hash, a seeded random source, the ids the server hands
//! out, a word-level tokenizer for usage counts and a generator of plausible reply text.
//!
//! Nothing here reads the clock or the process state: the same inputs give the same outputs on
//! every machine and every run, which is what makes "same request, same bytes" hold.

/// FNV-1a over `bytes`, folded into `state` (64-bit).
///
/// Stable across Rust versions and platforms, unlike `std`'s `DefaultHasher`.
pub(crate) fn fnv1a(state: u64, bytes: &[u8]) -> u64 {
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut hash = state;
    for &byte in bytes {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(PRIME);
    }
    hash
}

/// The FNV-1a offset basis, the starting state of [`fnv1a`].
pub(crate) const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// Hashes a sequence of byte strings, each length-prefixed so that `["ab","c"]` and
/// `["a","bc"]` differ, and finishes with a mixing step.
pub(crate) fn hash_parts(parts: &[&[u8]]) -> u64 {
    let mut hash = FNV_OFFSET;
    for part in parts {
        hash = fnv1a(hash, &(part.len() as u64).to_le_bytes());
        hash = fnv1a(hash, part);
    }
    mix(hash)
}

/// The splitmix64 finaliser: spreads every input bit over the whole output.
pub(crate) fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A small seeded random source (splitmix64). Not for cryptography; for reproducible text.
#[derive(Debug, Clone)]
pub(crate) struct Rng(u64);

impl Rng {
    /// A source whose whole sequence is fixed by `seed`.
    pub(crate) fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        mix(self.0)
    }

    /// A number in `0..bound` (`bound` must be non-zero; 0 gives 0).
    pub(crate) fn below(&mut self, bound: usize) -> usize {
        if bound == 0 {
            return 0;
        }
        (self.next_u64() % bound as u64) as usize
    }

    /// A number in `low..=high`.
    pub(crate) fn between(&mut self, low: usize, high: usize) -> usize {
        low + self.below(high.saturating_sub(low) + 1)
    }

    /// One element of a non-empty slice.
    pub(crate) fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items.get(self.below(items.len())).copied().unwrap_or("")
    }
}

/// A request id in DashScope's shape, a UUID-like `8-4-4-4-12` lowercase hex string, derived
/// from `key`.
pub(crate) fn request_id(key: u64) -> String {
    let hi = mix(key ^ 0x5851_f42d_4c95_7f2d);
    let lo = mix(key.rotate_left(17) ^ 0x1405_7b7e_f767_814f);
    let mut id = String::with_capacity(36);
    for (i, nibble) in (0..32).map(|i| hex_digit(hi, lo, i)).enumerate() {
        if matches!(i, 8 | 12 | 16 | 20) {
            id.push('-');
        }
        id.push(nibble);
    }
    id
}

/// Hex digit `i` (0 to 31, most significant first) of the 128-bit number `hi:lo`.
fn hex_digit(hi: u64, lo: u64, i: u32) -> char {
    let (word, at) = if i < 16 { (hi, i) } else { (lo, i - 16) };
    let nibble = (word >> (60 - 4 * at)) & 0xf;
    // Invariant: a nibble is below 16, always a hex digit.
    char::from_digit(nibble as u32, 16).unwrap_or('0')
}

/// A tool-call id in DashScope's shape: `call_` and 24 hex digits.
pub(crate) fn tool_call_id(key: u64) -> String {
    let hi = mix(key ^ 0x2545_f491_4f6c_dd1d);
    let lo = mix(hi ^ key.rotate_left(29));
    format!("call_{hi:016x}{:08x}", lo >> 32)
}

/// The earliest `created` the server derives (2023-11-14); a derived value falls in the
/// following three years, so it reads like a real timestamp.
const CREATED_BASE: u64 = 1_700_000_000;
const CREATED_SPAN: u64 = 3 * 365 * 24 * 3600;

/// A `created` timestamp derived from `key`.
pub(crate) fn created(key: u64) -> u64 {
    CREATED_BASE + mix(key ^ 0x6a09_e667_f3bc_c908) % CREATED_SPAN
}

/// Splits `text` into the mock's tokens.
///
/// The rule, chosen so that counts are stable, cheap and close to a real BPE on English:
/// a token is an optional single leading space followed by either a run of at most 7 ASCII
/// letters or digits (longer runs continue as further tokens without the space) or one other
/// character; any other whitespace character is a token of its own. The pieces concatenate
/// back to `text` exactly.
pub(crate) fn tokens(text: &str) -> Tokens<'_> {
    Tokens { rest: text }
}

/// The iterator returned by [`tokens`].
#[derive(Debug, Clone)]
pub(crate) struct Tokens<'a> {
    rest: &'a str,
}

/// The longest run of letters or digits that stays one token.
const MAX_WORD: usize = 7;

impl<'a> Iterator for Tokens<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let text = self.rest;
        let mut chars = text.char_indices();
        let (_, first) = chars.next()?;
        let mut start_of_body = 0;
        if first == ' ' {
            match text[1..].chars().next() {
                Some(c) if !c.is_whitespace() => start_of_body = 1,
                _ => {
                    self.rest = &text[1..];
                    return Some(&text[..1]);
                }
            }
        }
        let body = &text[start_of_body..];
        let mut end = start_of_body;
        let mut body_chars = body.char_indices();
        if let Some((_, c)) = body_chars.next() {
            end += c.len_utf8();
            if c.is_ascii_alphanumeric() {
                end += body_chars
                    .take(MAX_WORD - 1)
                    .take_while(|(_, c)| c.is_ascii_alphanumeric())
                    .count();
            }
        }
        self.rest = &text[end..];
        Some(&text[..end])
    }
}

/// The number of mock tokens in `text`.
pub(crate) fn count_tokens(text: &str) -> u64 {
    tokens(text).count() as u64
}

/// The text made of the first `limit` tokens of `text`, and whether anything was cut.
pub(crate) fn truncate_tokens(text: &str, limit: u64) -> (&str, bool) {
    let mut end = 0;
    for (taken, token) in tokens(text).enumerate() {
        if taken as u64 == limit {
            return (&text[..end], true);
        }
        end += token.len();
    }
    (text, false)
}

/// Tokens a message costs on top of its content (the chat template's start marker, role,
/// newline and end marker).
pub(crate) const PER_MESSAGE_TOKENS: u64 = 4;

/// Tokens the reply primer costs (start marker, `assistant`, newline).
pub(crate) const REPLY_PRIMER_TOKENS: u64 = 3;

/// Room for a piece of four short tokens.
const PIECE_CAPACITY: usize = 32;

/// Splits `text` into stream pieces of 1 to 4 tokens each, chosen by `rng`.
pub(crate) fn pieces(text: &str, rng: &mut Rng) -> Vec<String> {
    // A piece is 2.5 tokens on average, a token about 4 bytes.
    let mut out = Vec::with_capacity(text.len() / 8 + 1);
    let mut current = String::with_capacity(PIECE_CAPACITY);
    let mut want = rng.between(1, 4);
    let mut have = 0;
    for token in tokens(text) {
        current.push_str(token);
        have += 1;
        if have == want {
            out.push(std::mem::replace(
                &mut current,
                String::with_capacity(PIECE_CAPACITY),
            ));
            have = 0;
            want = rng.between(1, 4);
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

const OPENERS: &[&str] = &[
    "Here is a short answer.",
    "Thanks for the question.",
    "Sure, let me help with that.",
    "Good question.",
    "Happy to help.",
];

const SUBJECTS: &[&str] = &[
    "The mock server",
    "This reply",
    "A deterministic generator",
    "The offline test bench",
    "Every request",
];

const VERBS: &[&str] = &[
    "answers",
    "repeats",
    "produces",
    "returns",
    "keeps",
    "describes",
];

const OBJECTS: &[&str] = &[
    "the same bytes for the same request",
    "text that depends only on the conversation",
    "a stable number of tokens",
    "plain sentences for your client to parse",
    "usage counted by a simple tokenizer",
    "the documented wire format",
];

const CLOSERS: &[&str] = &[
    "Let me know if you need anything else.",
    "I hope this helps.",
    "Feel free to ask a follow-up question.",
];

/// A deterministic reply to `prompt`: an opener, a sentence that quotes the prompt's start,
/// one to three generated sentences and a closer.
pub(crate) fn reply_text(prompt: &str, rng: &mut Rng) -> String {
    // Room for the longest reply: a quoted prompt start and three sentences.
    let mut text = String::with_capacity(320 + prompt.len().min(160));
    text.push_str(rng.pick(OPENERS));
    let quoted: String = prompt
        .split_whitespace()
        .take(8)
        .collect::<Vec<_>>()
        .join(" ");
    if !quoted.is_empty() {
        text.push_str(" You wrote: \"");
        text.push_str(&quoted);
        text.push_str("\".");
    }
    for _ in 0..rng.between(1, 3) {
        text.push(' ');
        text.push_str(rng.pick(SUBJECTS));
        text.push(' ');
        text.push_str(rng.pick(VERBS));
        text.push(' ');
        text.push_str(rng.pick(OBJECTS));
        text.push('.');
    }
    text.push(' ');
    text.push_str(rng.pick(CLOSERS));
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_concatenate_back_to_the_text() {
        for text in [
            "",
            "I am a large language model from Alibaba Cloud. My name is Qwen.",
            "  two  spaces\nand\ttabs, ünïcödé — dashes!",
            "averyveryverylongwordindeed",
        ] {
            let joined: String = tokens(text).collect();
            assert_eq!(joined, text);
            assert!(tokens(text).all(|t| !t.is_empty()));
        }
    }

    #[test]
    fn the_seed_sample_counts() {
        // The seed's reply to "Who are you?" reports 16 completion tokens and 22 prompt tokens.
        assert_eq!(
            count_tokens("I am a large language model from Alibaba Cloud. My name is Qwen."),
            16
        );
        let content = count_tokens("You are a helpful assistant.") + count_tokens("Who are you?");
        assert_eq!(content + 2 * PER_MESSAGE_TOKENS + REPLY_PRIMER_TOKENS, 22);
    }

    #[test]
    fn long_words_split_every_seven_letters() {
        let parts: Vec<&str> = tokens(" assistant").collect();
        assert_eq!(parts, [" assista", "nt"]);
    }

    #[test]
    fn truncation_keeps_whole_tokens() {
        assert_eq!(truncate_tokens("I am a model.", 2), ("I am", true));
        assert_eq!(truncate_tokens("I am", 2), ("I am", false));
        assert_eq!(truncate_tokens("I am", 0), ("", true));
    }

    #[test]
    fn ids_are_stable_and_shaped() {
        let id = request_id(42);
        assert_eq!(id, request_id(42));
        assert_ne!(id, request_id(43));
        let groups: Vec<usize> = id.split('-').map(str::len).collect();
        assert_eq!(groups, [8, 4, 4, 4, 12]);
        // The digits are the two mixed halves of the key, in order.
        for key in [0, 1, 42, u64::MAX, 0x0123_4567_89ab_cdef] {
            let hi = mix(key ^ 0x5851_f42d_4c95_7f2d);
            let lo = mix(key.rotate_left(17) ^ 0x1405_7b7e_f767_814f);
            let hex = format!("{hi:016x}{lo:016x}");
            assert_eq!(request_id(key).replace('-', ""), hex);
        }
        let call = tool_call_id(7);
        assert!(call.starts_with("call_"));
        assert_eq!(call.len(), 5 + 24);
        let created = created(1);
        assert!((CREATED_BASE..CREATED_BASE + CREATED_SPAN).contains(&created));
    }

    #[test]
    fn generated_text_is_deterministic() {
        let a = reply_text("Tell me a joke", &mut Rng::new(9));
        let b = reply_text("Tell me a joke", &mut Rng::new(9));
        assert_eq!(a, b);
        assert!(a.contains("Tell me a joke"));
        let pieces = pieces(&a, &mut Rng::new(1));
        assert_eq!(pieces.concat(), a);
        assert!(pieces.len() > 3);
    }
}
