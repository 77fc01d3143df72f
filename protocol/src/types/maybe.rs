//! [`Maybe`]: an optional field that remembers whether it was absent or `null`.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer};
use serde::ser::{Serialize, Serializer};

/// An optional wire field: absent, explicitly `null`, or a value.
///
/// Servers disagree on how to say "nothing": DashScope sends `"usage":null` and
/// `"logprobs":null` on every chunk, OpenAI omits `logprobs` when it was not asked for, xAI
/// omits `finish_reason` until the last chunk. `Option` would fold both into `None` and a
/// round trip would change the JSON; `Maybe` keeps the difference, so a parsed value
/// serializes back to the same JSON value.
///
/// Every optional field of the chatwire wire types is a `Maybe`. Read it with
/// [`value`](Self::value) (an `Option<&T>`, `None` for both absent and `null`); build it with
/// `From<T>` (`Maybe::from(7)`, or `.into()`), [`Maybe::Null`] or [`Maybe::Absent`] (the
/// default, which serializes to nothing at all).
///
/// `null` is always read as [`Maybe::Null`]: a `Maybe<RawJson>` built as
/// `Maybe::Value(RawJson::null())` is written as `null` and read back as `Maybe::Null` (the
/// same JSON).
///
/// # Example
///
/// ```
/// use chatwire::types::{Maybe, Usage};
///
/// let usage = Usage::from_json(r#"{"prompt_tokens":3,"completion_tokens":null}"#).unwrap();
/// assert_eq!(usage.prompt_tokens.value(), Some(&3));
/// assert!(usage.completion_tokens.is_null());
/// assert!(usage.total_tokens.is_absent());
/// assert_eq!(usage.to_json(), r#"{"prompt_tokens":3,"completion_tokens":null}"#);
///
/// let built: Maybe<u64> = 7.into();
/// assert_eq!(built.into_value(), Some(7));
/// ```
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Maybe<T> {
    /// The field was not in the object (and is not written when serializing).
    #[default]
    Absent,
    /// The field was `null`.
    Null,
    /// The field had a value.
    Value(T),
}

impl<T> Maybe<T> {
    /// The value, if there is one (`None` for both absent and `null`).
    pub fn value(&self) -> Option<&T> {
        match self {
            Maybe::Value(value) => Some(value),
            Maybe::Absent | Maybe::Null => None,
        }
    }

    /// The value as mutable, if there is one.
    pub fn value_mut(&mut self) -> Option<&mut T> {
        match self {
            Maybe::Value(value) => Some(value),
            Maybe::Absent | Maybe::Null => None,
        }
    }

    /// Converts into the value, if there is one.
    pub fn into_value(self) -> Option<T> {
        match self {
            Maybe::Value(value) => Some(value),
            Maybe::Absent | Maybe::Null => None,
        }
    }

    /// `true` when the field was not present.
    pub fn is_absent(&self) -> bool {
        matches!(self, Maybe::Absent)
    }

    /// `true` when the field was `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Maybe::Null)
    }

    /// `true` when the field has a value.
    pub fn is_value(&self) -> bool {
        matches!(self, Maybe::Value(_))
    }

    /// Borrows the value, keeping absent and `null` apart.
    pub fn as_ref(&self) -> Maybe<&T> {
        match self {
            Maybe::Absent => Maybe::Absent,
            Maybe::Null => Maybe::Null,
            Maybe::Value(value) => Maybe::Value(value),
        }
    }

    /// Converts the value with `f`, keeping absent and `null` apart.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Maybe<U> {
        match self {
            Maybe::Absent => Maybe::Absent,
            Maybe::Null => Maybe::Null,
            Maybe::Value(value) => Maybe::Value(f(value)),
        }
    }

    /// `Absent` for `None`, a value for `Some` (the natural choice when building values to
    /// send: nothing is written for `None`).
    pub fn from_option(option: Option<T>) -> Self {
        match option {
            Some(value) => Maybe::Value(value),
            None => Maybe::Absent,
        }
    }

    /// The value, or `default` when absent or `null`.
    pub fn value_or(self, default: T) -> T {
        self.into_value().unwrap_or(default)
    }

    /// Sets the value and returns a mutable reference to it.
    pub fn insert(&mut self, value: T) -> &mut T {
        *self = Maybe::Value(value);
        match self {
            Maybe::Value(value) => value,
            // The line above has just stored a value.
            Maybe::Absent | Maybe::Null => unreachable!("a value was just stored"),
        }
    }

    /// The value, inserting the result of `f` first when there is none.
    pub fn get_or_insert_with(&mut self, f: impl FnOnce() -> T) -> &mut T {
        if !self.is_value() {
            *self = Maybe::Value(f());
        }
        match self {
            Maybe::Value(value) => value,
            // Ensured by the `if` above.
            Maybe::Absent | Maybe::Null => unreachable!("a value is present"),
        }
    }
}

impl<T: Copy> Maybe<&T> {
    /// Copies the borrowed value.
    pub fn copied(self) -> Maybe<T> {
        self.map(|value| *value)
    }
}

impl<T> From<T> for Maybe<T> {
    fn from(value: T) -> Self {
        Maybe::Value(value)
    }
}

impl<T: fmt::Debug> fmt::Debug for Maybe<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Maybe::Absent => f.write_str("Absent"),
            Maybe::Null => f.write_str("Null"),
            Maybe::Value(value) => value.fmt(f),
        }
    }
}

/// Writes `null` for both `Absent` and `Null`: the containing object skips absent fields
/// before they get here.
impl<T: Serialize> Serialize for Maybe<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Maybe::Value(value) => value.serialize(serializer),
            Maybe::Absent | Maybe::Null => serializer.serialize_none(),
        }
    }
}

/// Reads `null` as [`Maybe::Null`] and anything else as a value; a field that never appears
/// is never deserialized and stays [`Maybe::Absent`] (the default).
impl<'de, T: Deserialize<'de>> Deserialize<'de> for Maybe<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor<T>(std::marker::PhantomData<T>);

        impl<'de, T: Deserialize<'de>> de::Visitor<'de> for Visitor<T> {
            type Value = Maybe<T>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("null or a value")
            }

            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Maybe::Null)
            }

            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Maybe::Null)
            }

            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                T::deserialize(d).map(Maybe::Value)
            }
        }

        deserializer.deserialize_option(Visitor(std::marker::PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accessors_tell_the_three_states_apart() {
        let absent: Maybe<u8> = Maybe::Absent;
        let null: Maybe<u8> = Maybe::Null;
        let value = Maybe::from(3u8);
        assert!(absent.is_absent() && !absent.is_null() && !absent.is_value());
        assert!(null.is_null() && !null.is_absent() && !null.is_value());
        assert!(value.is_value() && value.value() == Some(&3));
        assert_eq!(absent.value(), None);
        assert_eq!(null.into_value(), None);
        assert_eq!(value.map(u16::from), Maybe::Value(3u16));
        assert_eq!(null.map(u16::from), Maybe::Null);
        assert_eq!(Maybe::from_option(None::<u8>), Maybe::Absent);
        assert_eq!(Maybe::<u8>::default(), Maybe::Absent);
        assert_eq!(null.value_or(9), 9);
        assert_eq!(value.as_ref().copied(), value);
    }

    #[test]
    fn insert_and_get_or_insert_with_store_values() {
        let mut m: Maybe<u8> = Maybe::Null;
        *m.get_or_insert_with(|| 1) += 1;
        assert_eq!(m, Maybe::Value(2));
        *m.get_or_insert_with(|| 7) += 1;
        assert_eq!(m, Maybe::Value(3));
        *m.insert(5) += 1;
        assert_eq!(m.into_value(), Some(6));
    }

    #[test]
    fn null_and_values_deserialize() {
        assert_eq!(
            serde_json::from_str::<Maybe<u8>>("null").unwrap(),
            Maybe::Null
        );
        assert_eq!(
            serde_json::from_str::<Maybe<u8>>("4").unwrap(),
            Maybe::Value(4)
        );
        assert!(serde_json::from_str::<Maybe<u8>>("\"4\"").is_err());
        assert_eq!(serde_json::to_string(&Maybe::<u8>::Null).unwrap(), "null");
        assert_eq!(serde_json::to_string(&Maybe::Value(4u8)).unwrap(), "4");
    }
}
