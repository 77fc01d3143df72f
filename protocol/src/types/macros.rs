//! The two declarative macros that write the wire types' serde impls: [`wire_object!`] for
//! JSON objects and [`open_enum!`] for open sets of strings.
//!
//! Hand-written rather than derived: `#[serde(flatten)]` (the derive's way to keep unknown
//! fields) buffers the whole object into serde's private `Content` tree, which allocates and
//! cannot hand out the raw slices that [`JsonStr`](crate::types::JsonStr) and
//! [`RawJson`](crate::types::RawJson) borrow.

/// Declares a JSON object type: a struct with public typed fields and an `extra` field for
/// the fields it does not know, plus its `Deserialize`, `Serialize`, `into_owned()` and
/// [`IntoOwned`](crate::types::IntoOwned) impls, and `Debug`, `Clone`, `PartialEq`,
/// `Default`.
///
/// ```text
/// wire_object! {
///     /// docs
///     pub struct Name<'a> [tag "text"] {
///         /// docs
///         field: Maybe<T>,                  // optional: absent fields are not written
///         other ("type"): Maybe<T>,         // wire name differs from the field name
///         count: Maybe<u64> => lenient,     // a value of another type goes to `extra`
///         error: ApiError<'a> => required,  // missing -> a deserialization error
///         delta: Maybe<Delta<'a>> => nested,            // an object filled in place
///         choices: Maybe<List<Choice<'a>>> => nested_list, // its first element in place
///     }
/// }
/// ```
///
/// Deserializing fills a default value in place ([`Fill`](crate::types::fill::Fill)), so
/// that `nested` values are built where they end up rather than moved there; it matches each
/// key (borrowed from the input when it has no escapes) against
/// the known names; a known key fills its typed field (a repeated key: the last one wins),
/// any other key is appended to `extra` raw. With `tag "x"`, a `"type"` key is skipped when
/// reading and `"type":"x"` is written first when serializing (the variant structs of
/// [`ContentPart`](crate::types::ContentPart)). Serializing writes the known fields in
/// declaration order, skipping absent ones, then the extra fields in their input order.
macro_rules! wire_object {
    // The wire name of a field.
    (@name $field:ident) => { stringify!($field) };
    (@name $field:ident $wire:literal) => { $wire };

    // Reads the value of a known key into its field of `$place`.
    (@read $map:ident, $place:ident, $fell_back:ident, $key:ident, $field:ident, $fty:ty) => {
        $place.$field = $map.next_value::<$fty>()?;
    };
    (@read $map:ident, $place:ident, $fell_back:ident, $key:ident, $field:ident, $fty:ty, required) => {
        $place.$field = $map.next_value::<$fty>()?;
    };
    (@read $map:ident, $place:ident, $fell_back:ident, $key:ident, $field:ident, $fty:ty, nested) => {
        $map.next_value_seed($crate::types::fill::MaybeFill(&mut $place.$field))?;
    };
    (@read $map:ident, $place:ident, $fell_back:ident, $key:ident, $field:ident, $fty:ty, nested_list) => {
        $map.next_value_seed($crate::types::fill::ListFill(&mut $place.$field))?;
    };
    (@read $map:ident, $place:ident, $fell_back:ident, $key:ident, $field:ident, $fty:ty, lenient) => {
        let raw = $map.next_value::<$crate::types::Maybe<$crate::types::RawJson<'a>>>()?;
        match <$fty as $crate::types::lenient::Lenient<'a>>::from_raw(raw) {
            ::core::result::Result::Ok(value) => $place.$field = value,
            ::core::result::Result::Err(raw) => {
                $place.$field = <$fty as ::core::default::Default>::default();
                $fell_back = true;
                $place.extra.push($key, raw);
            }
        }
    };

    // A flag telling whether a required field came.
    (@flag $field:ident) => {};
    (@flag $field:ident, required) => { let mut $field = false; };
    (@flag $field:ident, $mode:ident) => {};
    (@seen $field:ident) => {};
    (@seen $field:ident, required) => { $field = true; };
    (@seen $field:ident, $mode:ident) => {};

    // A required field that never came is an error.
    (@check $seen:ident, $wire:expr) => {};
    (@check $seen:ident, $wire:expr, nested) => {};
    (@check $seen:ident, $wire:expr, nested_list) => {};
    (@check $seen:ident, $wire:expr, lenient) => {};
    (@check $seen:ident, $wire:expr, required) => {
        if !$seen {
            return ::core::result::Result::Err(::serde::de::Error::missing_field($wire));
        }
    };

    // A lenient field that ended up typed drops the raw values an earlier repeat of its key
    // left in `extra` (the last value wins).
    (@dedup $place:ident, $field:ident, $wire:expr) => {};
    (@dedup $place:ident, $field:ident, $wire:expr, required) => {};
    (@dedup $place:ident, $field:ident, $wire:expr, nested) => {};
    (@dedup $place:ident, $field:ident, $wire:expr, nested_list) => {};
    (@dedup $place:ident, $field:ident, $wire:expr, lenient) => {
        if !$place.$field.is_absent() {
            $place.extra.retain(|key, _| key != $wire);
        }
    };

    // Whether a field is written when serializing.
    (@present $value:expr) => { !$value.is_absent() };
    (@present $value:expr, lenient) => { !$value.is_absent() };
    (@present $value:expr, nested) => { !$value.is_absent() };
    (@present $value:expr, nested_list) => { !$value.is_absent() };
    (@present $value:expr, required) => { true };

    (
        $(#[$meta:meta])*
        pub struct $name:ident<'a> $(tag $tag:literal)? {
            $(
                $(#[$fmeta:meta])*
                $field:ident $(($wire:literal))? : $fty:ty $(=> $mode:ident)?
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Default)]
        pub struct $name<'a> {
            $(
                $(#[$fmeta])*
                pub $field: $fty,
            )*
            /// The fields this type has no typed field for, kept raw and in input order so
            /// that they survive a round trip.
            pub extra: $crate::types::Extra<'a>,
        }

        impl<'a> $name<'a> {
            /// Converts into a value that owns all its text (`'static`).
            pub fn into_owned(self) -> $name<'static> {
                $name {
                    $($field: $crate::types::IntoOwned::into_owned(self.$field),)*
                    extra: self.extra.into_owned(),
                }
            }
        }

        impl<'a> $crate::types::IntoOwned for $name<'a> {
            type Owned = $name<'static>;

            fn into_owned(self) -> $name<'static> {
                $name::into_owned(self)
            }
        }

        impl<'a> $crate::types::reparse::Reparse<'a> for $name<'a> {
            fn reparse(
                raw: $crate::types::RawJson<'a>,
            ) -> ::core::result::Result<Self, ::serde_json::Error> {
                match raw.into_cow() {
                    ::alloc::borrow::Cow::Borrowed(text) => ::serde_json::from_str(text),
                    ::alloc::borrow::Cow::Owned(text) => {
                        ::serde_json::from_str::<$name<'_>>(&text).map($name::into_owned)
                    }
                }
            }
        }

        impl<'a> ::serde::Deserialize<'a> for $name<'a> {
            fn deserialize<D: ::serde::Deserializer<'a>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                let mut value = Self::default();
                <Self as $crate::types::fill::Fill<'a>>::fill(deserializer, &mut value)?;
                ::core::result::Result::Ok(value)
            }
        }

        impl<'a> $crate::types::fill::Fill<'a> for $name<'a> {
            fn fill<D: ::serde::Deserializer<'a>>(
                deserializer: D,
                place: &mut Self,
            ) -> ::core::result::Result<(), D::Error> {
                struct Visitor<'p, 'a>(&'p mut $name<'a>);

                impl<'p, 'a> ::serde::de::Visitor<'a> for Visitor<'p, 'a> {
                    type Value = ();

                    fn expecting(
                        &self,
                        f: &mut ::core::fmt::Formatter<'_>,
                    ) -> ::core::fmt::Result {
                        f.write_str(concat!("a JSON object (", stringify!($name), ")"))
                    }

                    #[allow(unused_mut, non_snake_case)]
                    fn visit_map<A: ::serde::de::MapAccess<'a>>(
                        self,
                        mut map: A,
                    ) -> ::core::result::Result<(), A::Error> {
                        let place = self.0;
                        // Whether each required field came (the flags take the fields' names).
                        $(
                            wire_object!(@flag $field $(, $mode)?);
                        )*
                        let mut fell_back = false;
                        while let ::core::option::Option::Some($crate::types::raw_json::Text(key)) =
                            map.next_key::<$crate::types::raw_json::Text<'a>>()?
                        {
                            match &*key {
                                $(
                                    "type" if !$tag.is_empty() => {
                                        map.next_value::<::serde::de::IgnoredAny>()?;
                                    }
                                )?
                                $(
                                    wire_object!(@name $field $($wire)?) => {
                                        wire_object!(
                                            @read map, place, fell_back, key, $field, $fty
                                            $(, $mode)?
                                        );
                                        wire_object!(@seen $field $(, $mode)?);
                                    }
                                )*
                                _ => place.extra.push(key, map.next_value()?),
                            }
                        }
                        if fell_back {
                            $(
                                wire_object!(
                                    @dedup place, $field, wire_object!(@name $field $($wire)?)
                                    $(, $mode)?
                                );
                            )*
                        }
                        $(
                            wire_object!(
                                @check $field, wire_object!(@name $field $($wire)?) $(, $mode)?
                            );
                        )*
                        ::core::result::Result::Ok(())
                    }
                }

                deserializer.deserialize_map(Visitor(place))
            }
        }

        impl ::serde::Serialize for $name<'_> {
            fn serialize<S: ::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                use ::serde::ser::SerializeMap;
                let mut len = self.extra.len();
                $( let _: &str = $tag; len += 1; )?
                $(
                    if wire_object!(@present self.$field $(, $mode)?) {
                        len += 1;
                    }
                )*
                let mut map = serializer.serialize_map(::core::option::Option::Some(len))?;
                $( map.serialize_entry("type", $tag)?; )?
                $(
                    if wire_object!(@present self.$field $(, $mode)?) {
                        map.serialize_entry(wire_object!(@name $field $($wire)?), &self.$field)?;
                    }
                )*
                self.extra.serialize_into(&mut map)?;
                map.end()
            }
        }
    };
}

/// Declares an open set of strings sent by servers: an enum with one variant per known
/// value and `Other(JsonStr)` for the rest, `#[non_exhaustive]`, with serde impls (the
/// string is borrowed from the input), `as_str()`, `Display`, `From<&str>` and
/// `into_owned()`. Equality compares the wire strings, so `Other("stop")` equals `Stop`.
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident<'a> {
            $(
                $(#[$vmeta:meta])*
                $variant:ident = $wire:literal
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone)]
        #[non_exhaustive]
        pub enum $name<'a> {
            $(
                $(#[$vmeta])*
                $variant,
            )*
            /// A value chatwire has no variant for, kept as sent.
            Other($crate::types::JsonStr<'a>),
        }

        impl<'a> $name<'a> {
            /// Every known value with its wire string.
            const KNOWN: &'static [(&'static str, $name<'static>)] =
                &[$(($wire, $name::$variant)),*];

            /// The known value matching `text`, or [`Other`](Self::Other).
            pub fn from_json_str(text: $crate::types::JsonStr<'a>) -> Self {
                for (wire, value) in Self::KNOWN {
                    if text.eq_str(wire) {
                        return value.clone();
                    }
                }
                $name::Other(text)
            }

            /// The wire string of a known value; `None` for [`Other`](Self::Other).
            pub fn known_str(&self) -> ::core::option::Option<&'static str> {
                match self {
                    $($name::$variant => ::core::option::Option::Some($wire),)*
                    $name::Other(_) => ::core::option::Option::None,
                }
            }

            /// The wire string (decoded; borrowed unless an `Other` value carries escapes).
            pub fn as_str(&self) -> ::alloc::borrow::Cow<'_, str> {
                match self {
                    $name::Other(text) => text.to_cow(),
                    known => ::alloc::borrow::Cow::Borrowed(known.known_str().unwrap_or_default()),
                }
            }

            /// Compares the wire string with `text` without allocating.
            pub fn eq_str(&self, text: &str) -> bool {
                match self {
                    $name::Other(other) => other.eq_str(text),
                    known => known.known_str() == ::core::option::Option::Some(text),
                }
            }

            /// Converts into a value that owns its text (`'static`).
            pub fn into_owned(self) -> $name<'static> {
                match self {
                    $($name::$variant => $name::$variant,)*
                    $name::Other(text) => $name::Other(text.into_owned()),
                }
            }
        }

        impl<'a> ::core::convert::From<&'a str> for $name<'a> {
            fn from(text: &'a str) -> Self {
                Self::from_json_str($crate::types::JsonStr::new(text))
            }
        }

        impl<'a> $crate::types::IntoOwned for $name<'a> {
            type Owned = $name<'static>;

            fn into_owned(self) -> $name<'static> {
                $name::into_owned(self)
            }
        }

        impl ::core::cmp::PartialEq for $name<'_> {
            fn eq(&self, other: &Self) -> bool {
                match (self, other) {
                    ($name::Other(a), $name::Other(b)) => a == b,
                    ($name::Other(text), known) | (known, $name::Other(text)) => {
                        known.known_str().is_some_and(|wire| text.eq_str(wire))
                    }
                    (a, b) => a.known_str() == b.known_str(),
                }
            }
        }

        impl ::core::cmp::Eq for $name<'_> {}

        impl ::core::fmt::Debug for $name<'_> {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                match self {
                    $name::Other(text) => f.debug_tuple("Other").field(text).finish(),
                    $($name::$variant => f.write_str(stringify!($variant)),)*
                }
            }
        }

        impl ::core::fmt::Display for $name<'_> {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                match self {
                    $name::Other(text) => ::core::fmt::Display::fmt(text, f),
                    known => f.write_str(known.known_str().unwrap_or_default()),
                }
            }
        }

        impl ::serde::Serialize for $name<'_> {
            fn serialize<S: ::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                match self {
                    $name::Other(text) => text.serialize(serializer),
                    known => serializer.serialize_str(known.known_str().unwrap_or_default()),
                }
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name<'de> {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                $crate::types::JsonStr::deserialize(deserializer).map(Self::from_json_str)
            }
        }
    };
}

/// Adds the parsing and printing entry points of a top-level type: `from_json`,
/// `from_slice`, `to_json` and `write_json`.
macro_rules! json_entry_points {
    ($name:ident, $what:literal) => {
        $crate::types::macros::json_entry_points!($name, $what, fill = |_, _| None);
    };
    // `fill` (`fn(&str, &mut Self) -> Option<()>`) is tried first, filling a default value
    // in place (the value is built in the caller's result, never moved); `None` falls back to
    // serde.
    ($name:ident, $what:literal, fill = $fill:expr) => {
        impl<'a> $name<'a> {
            #[doc = concat!("Parses ", $what, " from JSON text, borrowing from it.")]
            ///
            /// # Errors
            ///
            /// A [`ParseError`](crate::types::ParseError) with the position of the first
            /// problem when the text is not valid JSON or does not have the expected shape.
            pub fn from_json(
                text: &'a str,
            ) -> ::core::result::Result<Self, $crate::types::ParseError> {
                let fill: fn(&'a str, &mut Self) -> ::core::option::Option<()> = $fill;
                let mut out = ::core::result::Result::Ok(Self::default());
                if let ::core::result::Result::Ok(value) = &mut out {
                    if fill(text, value).is_none() {
                        out = $crate::types::parse_error::parse_str(text, stringify!($name));
                    }
                }
                out
            }

            #[doc = concat!("Parses ", $what, " from JSON bytes, borrowing from them.")]
            ///
            /// # Errors
            ///
            /// A [`ParseError`](crate::types::ParseError) when the bytes are not UTF-8 JSON
            /// of the expected shape.
            pub fn from_slice(
                bytes: &'a [u8],
            ) -> ::core::result::Result<Self, $crate::types::ParseError> {
                let fill: fn(&'a str, &mut Self) -> ::core::option::Option<()> = $fill;
                let mut out = ::core::result::Result::Ok(Self::default());
                if let ::core::result::Result::Ok(value) = &mut out {
                    let filled = ::simdutf8::basic::from_utf8(bytes)
                        .ok()
                        .and_then(|text| fill(text, value));
                    if filled.is_none() {
                        out = $crate::types::parse_error::parse_slice(bytes, stringify!($name));
                    }
                }
                out
            }

            /// Serializes to compact JSON text.
            pub fn to_json(&self) -> ::alloc::string::String {
                let mut out = ::alloc::vec::Vec::new();
                self.write_json(&mut out);
                // `write_json` writes JSON text, which is UTF-8.
                ::alloc::string::String::from_utf8(out).unwrap_or_default()
            }

            /// Appends compact JSON text to `out` (reuse the buffer to avoid allocating).
            pub fn write_json(&self, out: &mut ::alloc::vec::Vec<u8>) {
                $crate::types::parse_error::write_json(self, out)
            }
        }
    };
}

pub(crate) use {json_entry_points, open_enum, wire_object};
