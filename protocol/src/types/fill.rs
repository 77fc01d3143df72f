//! [`Fill`]: deserializing an object into a value already in place, so that the large
//! nested values of a chunk (its first choice, that choice's delta, the first tool-call
//! piece) are built where they end up instead of being built apart and moved there, level
//! by level (moves that cost more than the parsing on the serde path).
//!
//! [`wire_object!`](super::macros::wire_object) implements [`Fill`] for every object type
//! (its `Deserialize` is a default value, filled); a field declared `=> nested` (a
//! `Maybe<T>`) or `=> nested_list` (a `Maybe<List<T>>`) is filled in place through
//! [`MaybeFill`] or [`ListFill`]. The values are the ones `Deserialize` would give, with
//! the same errors at the same places.

use core::fmt;

use serde::de::{self, DeserializeSeed, Deserializer};

use crate::types::{List, Maybe};

/// An object type that can be deserialized into a default value in place.
pub(crate) trait Fill<'de>: Default + de::Deserialize<'de> {
    /// Deserializes into `place`, which holds `Self::default()`: a field missing from the
    /// input keeps its default value, exactly as `Deserialize` would give.
    fn fill<D: Deserializer<'de>>(deserializer: D, place: &mut Self) -> Result<(), D::Error>;
}

/// Fills a `Maybe<T>` field: `null` makes it `Null`; an object makes it a default `T`
/// filled in place.
pub(crate) struct MaybeFill<'p, T>(pub(crate) &'p mut Maybe<T>);

impl<'de, T: Fill<'de>> DeserializeSeed<'de> for MaybeFill<'_, T> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_option(self)
    }
}

impl<'de, T: Fill<'de>> de::Visitor<'de> for MaybeFill<'_, T> {
    type Value = ();

    // As `Maybe<T>`'s own visitor says.
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("null or a value")
    }

    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        *self.0 = Maybe::Null;
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        *self.0 = Maybe::Null;
        Ok(())
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        // A repeated key starts afresh (the last one wins, as with `Deserialize`).
        *self.0 = Maybe::Value(T::default());
        match self.0 {
            Maybe::Value(value) => T::fill(deserializer, value),
            // Just set to a value.
            Maybe::Absent | Maybe::Null => Ok(()),
        }
    }
}

/// Fills a `Maybe<List<T>>` field: the first element (the one a [`List`] holds inline) is
/// filled in place; any further one is deserialized and pushed (rare: several choices, or
/// several tool-call pieces in one chunk).
pub(crate) struct ListFill<'p, T>(pub(crate) &'p mut Maybe<List<T>>);

impl<'de, T: Fill<'de>> DeserializeSeed<'de> for ListFill<'_, T> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_option(self)
    }
}

impl<'de, T: Fill<'de>> de::Visitor<'de> for ListFill<'_, T> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("null or a value")
    }

    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        *self.0 = Maybe::Null;
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        *self.0 = Maybe::Null;
        Ok(())
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        *self.0 = Maybe::Value(List::new());
        match self.0 {
            Maybe::Value(list) => deserializer.deserialize_seq(SeqFill(list)),
            // Just set to a value.
            Maybe::Absent | Maybe::Null => Ok(()),
        }
    }
}

/// The array under [`ListFill`], into an empty list.
struct SeqFill<'p, T>(&'p mut List<T>);

impl<'de, T: Fill<'de>> de::Visitor<'de> for SeqFill<'_, T> {
    type Value = ();

    // As `List<T>`'s own visitor says.
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array")
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let list = self.0;
        let Some(first) = list.push_default() else {
            return Ok(());
        };
        if seq.next_element_seed(ElementFill(first))?.is_none() {
            // An empty array: the slot made for the first element goes again.
            list.clear();
            return Ok(());
        }
        while let Some(value) = seq.next_element()? {
            list.push(value);
        }
        Ok(())
    }
}

/// One element of an array, filled into a default value.
struct ElementFill<'p, T>(&'p mut T);

impl<'de, T: Fill<'de>> DeserializeSeed<'de> for ElementFill<'_, T> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        T::fill(deserializer, self.0)
    }
}
