//! The top-level fields of a completion, gathered from its chunks.

use alloc::borrow::ToOwned;
use alloc::string::String;

use crate::types::{ChatCompletionChunk, Extra, JsonStr, Maybe, ServiceTier, Usage};

use super::error::AccumulateError;
use super::limits::Budget;

/// Top-level fields that are noise per chunk rather than facts about the completion, so not
/// kept: `obfuscation` is random padding OpenAI adds to each chunk.
const DROPPED: &[&str] = &["obfuscation"];

/// The top-level fields: id, model, creation time, fingerprint and tier from the first chunk
/// that has them (non-empty: Azure's prompt-filter chunk has `"id":""` and `"created":0`),
/// the last usage, and unknown fields (the last value of each).
#[derive(Debug, Clone, Default)]
pub(super) struct Meta {
    id: Sticky,
    model: Sticky,
    system_fingerprint: Sticky,
    created: Option<u64>,
    service_tier: Maybe<ServiceTier<'static>>,
    usage: Option<Usage<'static>>,
    extra: Extra<'static>,
}

/// A string field taken from the first chunk where it is non-empty; failing that, an empty
/// string when one was sent, else `null` when one was sent, else absent (`service_tier`
/// follows the same rule).
#[derive(Debug, Clone, Default)]
enum Sticky {
    #[default]
    Absent,
    Null,
    Value(String),
}

impl Sticky {
    fn offer(
        &mut self,
        field: &Maybe<JsonStr<'_>>,
        budget: &mut Budget,
    ) -> Result<(), AccumulateError> {
        match (&*self, field) {
            (Sticky::Value(current), _) if !current.is_empty() => {}
            (Sticky::Value(_), Maybe::Value(text)) if text.is_empty() => {}
            (_, Maybe::Value(text)) => {
                let mut value = String::new();
                budget.append(&mut value, text, None)?;
                *self = Sticky::Value(value);
            }
            (Sticky::Absent, Maybe::Null) => *self = Sticky::Null,
            _ => {}
        }
        Ok(())
    }

    fn to_field(&self) -> Maybe<JsonStr<'static>> {
        match self {
            Sticky::Absent => Maybe::Absent,
            Sticky::Null => Maybe::Null,
            Sticky::Value(text) => Maybe::Value(JsonStr::from(text.clone())),
        }
    }

    fn into_field(self) -> Maybe<JsonStr<'static>> {
        match self {
            Sticky::Absent => Maybe::Absent,
            Sticky::Null => Maybe::Null,
            Sticky::Value(text) => Maybe::Value(JsonStr::from(text)),
        }
    }
}

/// The top-level fields of a completion, owned.
pub(super) struct MetaFields {
    pub(super) id: Maybe<JsonStr<'static>>,
    pub(super) model: Maybe<JsonStr<'static>>,
    pub(super) system_fingerprint: Maybe<JsonStr<'static>>,
    pub(super) created: Maybe<u64>,
    pub(super) service_tier: Maybe<ServiceTier<'static>>,
    pub(super) usage: Maybe<Usage<'static>>,
    pub(super) extra: Extra<'static>,
}

impl Meta {
    /// Takes what a chunk says at the top level.
    pub(super) fn apply(
        &mut self,
        chunk: &ChatCompletionChunk<'_>,
        budget: &mut Budget,
    ) -> Result<(), AccumulateError> {
        self.id.offer(&chunk.id, budget)?;
        self.model.offer(&chunk.model, budget)?;
        self.system_fingerprint
            .offer(&chunk.system_fingerprint, budget)?;
        if let Some(&created) = chunk.created.value() {
            if self.created.is_none_or(|current| current == 0) {
                self.created = Some(created);
            }
        }
        match (&self.service_tier, &chunk.service_tier) {
            (Maybe::Value(current), _) if !current.eq_str("") => {}
            (Maybe::Value(_), Maybe::Value(tier)) if tier.eq_str("") => {}
            (_, Maybe::Value(tier)) => self.service_tier = Maybe::Value(tier.clone().into_owned()),
            (Maybe::Absent, Maybe::Null) => self.service_tier = Maybe::Null,
            _ => {}
        }
        if let Some(usage) = chunk.usage.value() {
            if self.usage.as_ref() != Some(usage) {
                self.usage = Some(usage.clone().into_owned());
            }
        }
        for (key, value) in chunk.extra.iter() {
            if DROPPED.contains(&key) || self.extra.get(key) == Some(value) {
                continue;
            }
            // A replaced value gives its bytes back: the budget counts what is held.
            let old = self
                .extra
                .get(key)
                .map_or(0, |old| key.len() + old.get().len());
            budget.charge(key.len() + value.get().len(), None)?;
            budget.release(old);
            self.extra
                .insert(key.to_owned(), value.clone().into_owned());
        }
        Ok(())
    }

    /// The fields, copied.
    pub(super) fn to_fields(&self) -> MetaFields {
        MetaFields {
            id: self.id.to_field(),
            model: self.model.to_field(),
            system_fingerprint: self.system_fingerprint.to_field(),
            created: Maybe::from_option(self.created),
            service_tier: self.service_tier.clone(),
            usage: Maybe::from_option(self.usage.clone()),
            extra: self.extra.clone(),
        }
        .without_shadowed_extra()
    }

    /// The fields, moved.
    pub(super) fn into_fields(self) -> MetaFields {
        MetaFields {
            id: self.id.into_field(),
            model: self.model.into_field(),
            system_fingerprint: self.system_fingerprint.into_field(),
            created: Maybe::from_option(self.created),
            service_tier: self.service_tier,
            usage: Maybe::from_option(self.usage),
            extra: self.extra,
        }
        .without_shadowed_extra()
    }
}

impl MetaFields {
    /// Drops the unknown fields named like a field the completion writes itself, so that
    /// its JSON has each key once and reads back equal.
    ///
    /// Such a field comes from a chunk whose typed field did not fit (`"created":
    /// 1714.31028` is kept raw under `created`, see the lenient fields of
    /// [`ChatCompletionChunk`]): it is kept only while no chunk has given the typed value.
    fn without_shadowed_extra(mut self) -> Self {
        let set = |key: &str| match key {
            // Written by every completion.
            "object" | "choices" => true,
            "id" => !self.id.is_absent(),
            "model" => !self.model.is_absent(),
            "system_fingerprint" => !self.system_fingerprint.is_absent(),
            "created" => !self.created.is_absent(),
            "service_tier" => !self.service_tier.is_absent(),
            "usage" => !self.usage.is_absent(),
            _ => false,
        };
        if self.extra.iter().any(|(key, _)| set(key)) {
            self.extra.retain(|key, _| !set(key));
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accumulate::DEFAULT_MAX_BYTES;

    fn meta(chunks: &[&str]) -> MetaFields {
        let mut meta = Meta::default();
        let mut budget = Budget::new(DEFAULT_MAX_BYTES);
        for text in chunks {
            let chunk = ChatCompletionChunk::from_json(text).unwrap();
            meta.apply(&chunk, &mut budget).unwrap();
        }
        meta.into_fields()
    }

    #[test]
    fn the_first_non_empty_value_wins() {
        let fields = meta(&[
            r#"{"id":"","model":"","created":0,"system_fingerprint":null,"choices":[]}"#,
            r#"{"id":"a","model":"m","created":5,"system_fingerprint":"fp","choices":[]}"#,
            r#"{"id":"b","model":"n","created":6,"system_fingerprint":"fq","choices":[]}"#,
        ]);
        assert_eq!(fields.id, Maybe::Value(JsonStr::new("a")));
        assert_eq!(fields.model, Maybe::Value(JsonStr::new("m")));
        assert_eq!(fields.created, Maybe::Value(5));
        assert_eq!(fields.system_fingerprint, Maybe::Value(JsonStr::new("fp")));
    }

    #[test]
    fn empty_null_and_absent_are_kept_apart() {
        let fields = meta(&[
            r#"{"id":"","created":0,"system_fingerprint":null,"choices":[]}"#,
            r#"{"id":"","created":0,"choices":[]}"#,
        ]);
        assert_eq!(fields.id, Maybe::Value(JsonStr::empty()));
        assert_eq!(fields.created, Maybe::Value(0));
        assert!(fields.system_fingerprint.is_null());
        assert!(fields.model.is_absent());
        assert!(fields.usage.is_absent());
    }

    #[test]
    fn the_last_usage_and_extra_values_win_and_obfuscation_is_dropped() {
        let fields = meta(&[
            r#"{"usage":{"total_tokens":1},"citations":["a"],"obfuscation":"x1","choices":[]}"#,
            r#"{"usage":null,"citations":["a","b"],"obfuscation":"x2","choices":[]}"#,
            r#"{"usage":{"total_tokens":3},"x_groq":{"id":"q"},"choices":[]}"#,
        ]);
        assert_eq!(fields.usage.value().unwrap().total_tokens, Maybe::Value(3));
        assert_eq!(fields.extra.get("citations").unwrap().get(), r#"["a","b"]"#);
        assert_eq!(fields.extra.get("x_groq").unwrap().get(), r#"{"id":"q"}"#);
        assert!(fields.extra.get("obfuscation").is_none());
        assert_eq!(fields.extra.len(), 2);
    }

    #[test]
    fn a_raw_value_kept_under_a_typed_name_gives_way_to_the_typed_value() {
        // `created` that does not fit a `u64` is kept raw in the chunk's `extra`.
        let fields = meta(&[
            r#"{"created":1714.5,"choices":[]}"#,
            r#"{"created":7,"choices":[]}"#,
        ]);
        assert_eq!(fields.created, Maybe::Value(7));
        assert!(fields.extra.get("created").is_none());
        let fields = meta(&[
            r#"{"created":7,"choices":[]}"#,
            r#"{"created":1714.5,"choices":[]}"#,
        ]);
        assert_eq!(fields.created, Maybe::Value(7));
        assert!(fields.extra.get("created").is_none());
        // With no typed value, the raw one is all there is, and stays.
        let fields = meta(&[r#"{"created":1714.5,"x":1,"choices":[]}"#]);
        assert!(fields.created.is_absent());
        assert_eq!(fields.extra.get("created").unwrap().get(), "1714.5");
        assert_eq!(fields.extra.len(), 2);
    }

    #[test]
    fn replaced_values_give_their_bytes_back() {
        let mut meta = Meta::default();
        let mut budget = Budget::new(DEFAULT_MAX_BYTES);
        for n in 0..100 {
            let text = format!(r#"{{"x_trace":{{"n":"{n:03}"}},"choices":[]}}"#);
            let chunk = ChatCompletionChunk::from_json(&text).unwrap();
            meta.apply(&chunk, &mut budget).unwrap();
        }
        assert_eq!(budget.used(), "x_trace".len() + r#"{"n":"099"}"#.len());
    }
}
