//! [`IntoOwned`]: the conversion of a borrowing value into one that owns its data.

use alloc::boxed::Box;
use alloc::vec::Vec;

use crate::types::{Extra, JsonStr, List, Maybe, RawJson};

/// Converts a value that borrows from its input into a `'static` one.
///
/// Every chatwire wire type has an inherent `into_owned()` that does the same; the trait lets
/// generic code (containers, a stream decoder that keeps values) do it for any of them.
///
/// # Example
///
/// ```
/// use chatwire::types::{IntoOwned, JsonStr, Maybe};
///
/// fn keep<T: IntoOwned>(value: T) -> T::Owned {
///     value.into_owned()
/// }
///
/// let text = String::from(r#""a\nb""#);
/// let parsed: Maybe<JsonStr<'_>> = serde_json::from_str(&text).unwrap();
/// let kept: Maybe<JsonStr<'static>> = keep(parsed);
/// drop(text);
/// assert_eq!(kept.value().unwrap(), "a\nb");
/// ```
pub trait IntoOwned {
    /// The owning type (the same type with a `'static` lifetime).
    type Owned: 'static;

    /// Converts into the owning type, copying borrowed text.
    fn into_owned(self) -> Self::Owned;
}

macro_rules! owned_as_is {
    ($($t:ty),*) => {
        $(
            impl IntoOwned for $t {
                type Owned = $t;

                fn into_owned(self) -> $t {
                    self
                }
            }
        )*
    };
}

owned_as_is!(bool, u8, u16, u32, u64, i32, i64, f32, f64);

impl IntoOwned for JsonStr<'_> {
    type Owned = JsonStr<'static>;

    fn into_owned(self) -> JsonStr<'static> {
        JsonStr::into_owned(self)
    }
}

impl IntoOwned for RawJson<'_> {
    type Owned = RawJson<'static>;

    fn into_owned(self) -> RawJson<'static> {
        RawJson::into_owned(self)
    }
}

impl IntoOwned for Extra<'_> {
    type Owned = Extra<'static>;

    fn into_owned(self) -> Extra<'static> {
        Extra::into_owned(self)
    }
}

impl<T: IntoOwned> IntoOwned for Maybe<T> {
    type Owned = Maybe<T::Owned>;

    fn into_owned(self) -> Self::Owned {
        self.map(T::into_owned)
    }
}

impl<T: IntoOwned> IntoOwned for Box<T> {
    type Owned = Box<T::Owned>;

    fn into_owned(self) -> Self::Owned {
        Box::new((*self).into_owned())
    }
}

impl<T: IntoOwned> IntoOwned for Option<T> {
    type Owned = Option<T::Owned>;

    fn into_owned(self) -> Self::Owned {
        self.map(T::into_owned)
    }
}

impl<T: IntoOwned> IntoOwned for Vec<T> {
    type Owned = Vec<T::Owned>;

    fn into_owned(self) -> Self::Owned {
        self.into_iter().map(T::into_owned).collect()
    }
}

impl<T: IntoOwned> IntoOwned for List<T> {
    type Owned = List<T::Owned>;

    fn into_owned(self) -> Self::Owned {
        self.map(T::into_owned)
    }
}
