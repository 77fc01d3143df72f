//! [`MessageContent`] and [`ContentPart`]: the content of a message, a string or an array of
//! typed parts.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer};
use serde::ser::{Serialize, Serializer};

use crate::types::macros::wire_object;
use crate::types::raw_json::Text;
use crate::types::reparse::Reparse;
use crate::types::{IntoOwned, JsonStr, Maybe, RawJson};

/// The `content` of a message: a string, or an array of typed parts.
///
/// Requests use parts for images (`text` and `image_url` parts); Mistral's reasoning models
/// answer with parts too (`thinking` parts holding text parts, then `text` parts), in whole
/// messages and in stream deltas. A string is kept raw with its escapes (a [`JsonStr`]), so
/// parsing it never allocates.
///
/// # Example
///
/// ```
/// use chatwire::types::{ContentPart, MessageContent};
///
/// let text: MessageContent<'_> = serde_json::from_str(r#""Hi\n""#).unwrap();
/// assert_eq!(text.as_text().unwrap(), "Hi\n");
///
/// let parts: MessageContent<'_> = serde_json::from_str(
///     r#"[{"type":"thinking","thinking":[{"type":"text","text":"2+2"}]},
///         {"type":"text","text":"4"}]"#,
/// )
/// .unwrap();
/// let (mut answer, mut thinking) = (String::new(), String::new());
/// parts.text_into(&mut answer);
/// parts.thinking_into(&mut thinking);
/// assert_eq!((answer.as_str(), thinking.as_str()), ("4", "2+2"));
/// assert!(matches!(parts.parts()[0], ContentPart::Thinking(_)));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum MessageContent<'a> {
    /// Plain text.
    Text(JsonStr<'a>),
    /// Typed parts.
    Parts(Vec<ContentPart<'a>>),
}

impl<'a> MessageContent<'a> {
    /// Text content.
    pub fn text(text: impl Into<JsonStr<'a>>) -> Self {
        MessageContent::Text(text.into())
    }

    /// The text, when the content is a string.
    pub fn as_text(&self) -> Option<&JsonStr<'a>> {
        match self {
            MessageContent::Text(text) => Some(text),
            MessageContent::Parts(_) => None,
        }
    }

    /// The parts (empty when the content is a string).
    pub fn parts(&self) -> &[ContentPart<'a>] {
        match self {
            MessageContent::Text(_) => &[],
            MessageContent::Parts(parts) => parts,
        }
    }

    /// Appends the text to `out`: the string, or the `text` parts in order (not the
    /// `thinking` parts).
    pub fn text_into(&self, out: &mut String) {
        match self {
            MessageContent::Text(text) => text.unescape_into(out),
            MessageContent::Parts(parts) => {
                for part in parts {
                    if let ContentPart::Text(part) = part {
                        if let Some(text) = part.text.value() {
                            text.unescape_into(out);
                        }
                    }
                }
            }
        }
    }

    /// Appends the text of the `thinking` parts to `out`, in order.
    pub fn thinking_into(&self, out: &mut String) {
        for part in self.parts() {
            if let ContentPart::Thinking(thinking) = part {
                for inner in thinking.thinking.value().map_or(&[][..], Vec::as_slice) {
                    if let ContentPart::Text(TextPart {
                        text: Maybe::Value(text),
                        ..
                    }) = inner
                    {
                        text.unescape_into(out);
                    }
                }
            }
        }
    }

    /// `true` for an empty string or an empty array.
    pub fn is_empty(&self) -> bool {
        match self {
            MessageContent::Text(text) => text.is_empty(),
            MessageContent::Parts(parts) => parts.is_empty(),
        }
    }

    /// Converts into a value that owns its text.
    pub fn into_owned(self) -> MessageContent<'static> {
        match self {
            MessageContent::Text(text) => MessageContent::Text(text.into_owned()),
            MessageContent::Parts(parts) => MessageContent::Parts(parts.into_owned()),
        }
    }
}

impl<'a> From<&'a str> for MessageContent<'a> {
    fn from(text: &'a str) -> Self {
        MessageContent::Text(JsonStr::new(text))
    }
}

impl<'a> From<JsonStr<'a>> for MessageContent<'a> {
    fn from(text: JsonStr<'a>) -> Self {
        MessageContent::Text(text)
    }
}

impl<'a> From<Vec<ContentPart<'a>>> for MessageContent<'a> {
    fn from(parts: Vec<ContentPart<'a>>) -> Self {
        MessageContent::Parts(parts)
    }
}

impl IntoOwned for MessageContent<'_> {
    type Owned = MessageContent<'static>;

    fn into_owned(self) -> MessageContent<'static> {
        MessageContent::into_owned(self)
    }
}

impl Serialize for MessageContent<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            MessageContent::Text(text) => text.serialize(serializer),
            MessageContent::Parts(parts) => parts.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for MessageContent<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Taken raw first (validated, not copied): a string becomes a `JsonStr` without
        // decoding its escapes, an array is parsed into parts.
        let raw = RawJson::deserialize(deserializer)?;
        match raw.first_byte() {
            b'"' => JsonStr::from_raw_json(raw)
                .map(MessageContent::Text)
                .ok_or_else(|| de::Error::custom("invalid string content")),
            b'[' => Vec::<ContentPart<'de>>::reparse(raw)
                .map(MessageContent::Parts)
                .map_err(de::Error::custom),
            _ => Err(de::Error::invalid_type(
                de::Unexpected::Other(raw.get()),
                &"a string or an array of content parts",
            )),
        }
    }
}

/// One part of an array [`MessageContent`].
///
/// A part whose `type` chatwire does not know (`input_audio`, `video_url`, `file`…), or a
/// known one whose fields do not have the expected types, is kept as [`ContentPart::Other`],
/// raw, so it survives a round trip.
///
/// # Example
///
/// ```
/// use chatwire::types::{ContentPart, MessageContent};
///
/// let content = MessageContent::Parts(vec![
///     ContentPart::text("What is in this picture?"),
///     ContentPart::image_url("https://example.com/cat.png"),
/// ]);
/// assert_eq!(
///     serde_json::to_string(&content).unwrap(),
///     r#"[{"type":"text","text":"What is in this picture?"},{"type":"image_url","image_url":{"url":"https://example.com/cat.png"}}]"#
/// );
/// let back: MessageContent<'_> =
///     serde_json::from_str(r#"[{"type":"input_audio","input_audio":{"data":"…"}}]"#).unwrap();
/// assert!(matches!(back.parts()[0], ContentPart::Other(_)));
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ContentPart<'a> {
    /// `{"type":"text","text":…}`.
    Text(TextPart<'a>),
    /// `{"type":"image_url","image_url":{"url":…,"detail":…}}`.
    ImageUrl(ImageUrlPart<'a>),
    /// `{"type":"thinking","thinking":[…]}` (Mistral reasoning models).
    Thinking(ThinkingPart<'a>),
    /// Any other part, kept raw.
    Other(RawJson<'a>),
}

impl<'a> ContentPart<'a> {
    /// A text part.
    pub fn text(text: impl Into<JsonStr<'a>>) -> Self {
        ContentPart::Text(TextPart {
            text: Maybe::Value(text.into()),
            ..TextPart::default()
        })
    }

    /// An image part with the image's URL (or `data:` URL).
    pub fn image_url(url: impl Into<JsonStr<'a>>) -> Self {
        ContentPart::ImageUrl(ImageUrlPart {
            image_url: Maybe::Value(ImageUrl {
                url: Maybe::Value(url.into()),
                ..ImageUrl::default()
            }),
            ..ImageUrlPart::default()
        })
    }

    /// Converts into a value that owns its text.
    pub fn into_owned(self) -> ContentPart<'static> {
        match self {
            ContentPart::Text(part) => ContentPart::Text(part.into_owned()),
            ContentPart::ImageUrl(part) => ContentPart::ImageUrl(part.into_owned()),
            ContentPart::Thinking(part) => ContentPart::Thinking(part.into_owned()),
            ContentPart::Other(raw) => ContentPart::Other(raw.into_owned()),
        }
    }
}

impl IntoOwned for ContentPart<'_> {
    type Owned = ContentPart<'static>;

    fn into_owned(self) -> ContentPart<'static> {
        ContentPart::into_owned(self)
    }
}

impl Serialize for ContentPart<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            ContentPart::Text(part) => part.serialize(serializer),
            ContentPart::ImageUrl(part) => part.serialize(serializer),
            ContentPart::Thinking(part) => part.serialize(serializer),
            ContentPart::Other(raw) => raw.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for ContentPart<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = RawJson::deserialize(deserializer)?;
        Ok(ContentPart::from_raw(raw))
    }
}

impl<'a> Reparse<'a> for ContentPart<'a> {
    fn reparse(raw: RawJson<'a>) -> Result<Self, serde_json::Error> {
        Ok(ContentPart::from_raw(raw))
    }
}

impl<'a> ContentPart<'a> {
    /// Reads the part's `type`, then parses the matching variant; anything that does not
    /// fit is kept raw.
    fn from_raw(raw: RawJson<'a>) -> Self {
        if !raw.is_object() {
            return ContentPart::Other(raw);
        }
        let typed = match serde_json::from_str::<PartTag>(raw.get()) {
            Ok(PartTag::Text) => TextPart::reparse(raw.clone()).map(ContentPart::Text),
            Ok(PartTag::ImageUrl) => ImageUrlPart::reparse(raw.clone()).map(ContentPart::ImageUrl),
            Ok(PartTag::Thinking) => ThinkingPart::reparse(raw.clone()).map(ContentPart::Thinking),
            Ok(PartTag::Other) | Err(_) => return ContentPart::Other(raw),
        };
        typed.unwrap_or(ContentPart::Other(raw))
    }
}

/// The `type` of a content part, read without keeping anything.
enum PartTag {
    Text,
    ImageUrl,
    Thinking,
    Other,
}

impl<'de> Deserialize<'de> for PartTag {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;

        impl<'de> de::Visitor<'de> for Visitor {
            type Value = PartTag;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a content part object")
            }

            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<PartTag, A::Error> {
                let mut tag = PartTag::Other;
                while let Some(Text(key)) = map.next_key::<Text<'de>>()? {
                    if key == "type" {
                        let kind = map.next_value::<Maybe<JsonStr<'de>>>()?;
                        tag = match kind.value() {
                            Some(kind) if kind.eq_str(TextPart::TAG) => PartTag::Text,
                            Some(kind) if kind.eq_str(ImageUrlPart::TAG) => PartTag::ImageUrl,
                            Some(kind) if kind.eq_str(ThinkingPart::TAG) => PartTag::Thinking,
                            _ => PartTag::Other,
                        };
                    } else {
                        map.next_value::<de::IgnoredAny>()?;
                    }
                }
                Ok(tag)
            }
        }

        deserializer.deserialize_map(Visitor)
    }
}

wire_object! {
    /// A text part: `{"type":"text","text":…}`.
    pub struct TextPart<'a> tag "text" {
        /// The text.
        text: Maybe<JsonStr<'a>>,
    }
}

wire_object! {
    /// An image part: `{"type":"image_url","image_url":{…}}`.
    pub struct ImageUrlPart<'a> tag "image_url" {
        /// The image.
        image_url: Maybe<ImageUrl<'a>>,
    }
}

wire_object! {
    /// Where an image is, and how closely to look at it.
    pub struct ImageUrl<'a> {
        /// An `https:` URL or a `data:image/…;base64,…` URL.
        url: Maybe<JsonStr<'a>>,
        /// `"auto"`, `"low"` or `"high"`.
        detail: Maybe<JsonStr<'a>>,
    }
}

wire_object! {
    /// Reasoning text sent as a part (Mistral): `{"type":"thinking","thinking":[parts]}`.
    pub struct ThinkingPart<'a> tag "thinking" {
        /// The reasoning, as parts (usually text parts).
        thinking: Maybe<Vec<ContentPart<'a>>>,
    }
}

impl TextPart<'_> {
    /// The `type` of this part.
    pub const TAG: &'static str = "text";
}

impl ImageUrlPart<'_> {
    /// The `type` of this part.
    pub const TAG: &'static str = "image_url";
}

impl ThinkingPart<'_> {
    /// The `type` of this part.
    pub const TAG: &'static str = "thinking";
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(text: &str) -> MessageContent<'_> {
        let content: MessageContent<'_> = serde_json::from_str(text).unwrap();
        let back = serde_json::to_string(&content).unwrap();
        let a: serde_json::Value = serde_json::from_str(text).unwrap();
        let b: serde_json::Value = serde_json::from_str(&back).unwrap();
        assert_eq!(a, b, "{text}");
        content
    }

    #[test]
    fn string_content_stays_raw() {
        let content = round_trip(r#""a\"b""#);
        let text = content.as_text().unwrap();
        assert!(text.is_escaped());
        assert_eq!(text, "a\"b");
    }

    #[test]
    fn known_and_unknown_parts_round_trip() {
        let content = round_trip(
            r#"[{"text":"first, type after","type":"text"},
                {"type":"image_url","image_url":{"url":"data:image/png;base64,AA==","detail":"low"},"x":1},
                {"type":"video","video":["a.jpg"]},
                {"type":"text","text":7},
                "bare string",
                {"type":"thinking","thinking":[{"type":"text","text":"hm"}],"closed":true}]"#,
        );
        let parts = content.parts();
        assert!(
            matches!(&parts[0], ContentPart::Text(p) if p.text.value().unwrap() == "first, type after")
        );
        let ContentPart::ImageUrl(image) = &parts[1] else {
            panic!("not an image part: {:?}", parts[1]);
        };
        let url = image.image_url.value().unwrap();
        assert_eq!(url.detail.value().unwrap(), "low");
        assert_eq!(image.extra.get("x").unwrap().get(), "1");
        assert!(matches!(&parts[2], ContentPart::Other(_)));
        assert!(
            matches!(&parts[3], ContentPart::Other(_)),
            "bad field types stay raw"
        );
        assert!(matches!(&parts[4], ContentPart::Other(_)));
        assert!(matches!(&parts[5], ContentPart::Thinking(_)));
        let mut thinking = String::new();
        content.thinking_into(&mut thinking);
        assert_eq!(thinking, "hm");
    }

    #[test]
    fn other_shapes_are_errors() {
        assert!(serde_json::from_str::<MessageContent<'_>>("3").is_err());
        assert!(serde_json::from_str::<MessageContent<'_>>("{}").is_err());
        assert!(serde_json::from_str::<MessageContent<'_>>("[1,").is_err());
    }

    #[test]
    fn owned_deserializers_work_too() {
        let value = serde_json::json!([{"type": "text", "text": "x\ny"}]);
        let content = MessageContent::deserialize(&value).unwrap();
        let mut out = String::new();
        content.text_into(&mut out);
        assert_eq!(out, "x\ny");
        let value = serde_json::json!("plain\t");
        let content = MessageContent::deserialize(value).unwrap();
        assert_eq!(content.as_text().unwrap(), "plain\t");
    }

    #[test]
    fn into_owned_outlives_the_input() {
        let owned = {
            let text = String::from(r#"[{"type":"text","text":"k\u00e9"}]"#);
            serde_json::from_str::<MessageContent<'_>>(&text)
                .unwrap()
                .into_owned()
        };
        let mut out = String::new();
        owned.text_into(&mut out);
        assert_eq!(out, "ké");
    }
}
