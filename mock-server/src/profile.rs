//! [`Profile`]: which truth about the API the server plays — the seed's tables read literally,
//! the live DashScope service, or OpenAI's own conventions.

use std::fmt;
use std::str::FromStr;

/// Which contract the server follows where the seed document, the live DashScope service and
/// OpenAI disagree.
///
/// # Example
///
/// ```
/// use chatwire_mock::Profile;
///
/// assert_eq!(Profile::default(), Profile::DashScope);
/// assert_eq!("documented".parse::<Profile>().unwrap(), Profile::Documented);
/// assert_eq!(Profile::OpenAi.to_string(), "openai");
/// assert!("strict".parse::<Profile>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Profile {
    /// The seed's request table enforced literally: `tools` only on the qwen-turbo,
    /// qwen-plus and qwen-max families and never with `stream: true`; `n` > 1 only on
    /// qwen-plus; `presence_penalty` only on qwen1.5 and later; `top_p` in the open
    /// `(0, 1.0)`; `temperature` in `[0, 2)` but not 0; the last message a user message.
    Documented,
    /// The live service as observed (the default): streamed tool calls, tools and `n` > 1 on
    /// every model, thinking models, `request_id` on errors, `"id":""` on tool-call
    /// continuations.
    #[default]
    DashScope,
    /// OpenAI's conventions where they differ from DashScope's: a finish chunk with
    /// `"delta":{}`, no `request_id` in error envelopes, OpenAI's error messages and codes.
    OpenAi,
}

impl Profile {
    /// Every profile, in the order the README lists them.
    pub const ALL: [Profile; 3] = [Profile::Documented, Profile::DashScope, Profile::OpenAi];

    /// The name used on the command line: `documented`, `dashscope` or `openai`.
    pub fn name(self) -> &'static str {
        match self {
            Profile::Documented => "documented",
            Profile::DashScope => "dashscope",
            Profile::OpenAi => "openai",
        }
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Profile {
    type Err = ParseSettingError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Profile::ALL
            .into_iter()
            .find(|p| p.name().eq_ignore_ascii_case(text.trim()))
            .ok_or_else(|| ParseSettingError::new(SettingKind::Profile, text))
    }
}

/// A profile or region name that is not one of the known ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseSettingError {
    kind: SettingKind,
    given: String,
}

/// Which setting a [`ParseSettingError`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SettingKind {
    /// A [`Profile`] name.
    Profile,
    /// A [`Region`](crate::Region) name.
    Region,
}

impl ParseSettingError {
    pub(crate) fn new(kind: SettingKind, given: &str) -> Self {
        ParseSettingError {
            kind,
            given: given.to_owned(),
        }
    }

    /// Which setting could not be parsed.
    pub fn kind(&self) -> SettingKind {
        self.kind
    }
}

impl fmt::Display for ParseSettingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (what, known) = match self.kind {
            SettingKind::Profile => ("profile", "documented, dashscope, openai"),
            SettingKind::Region => ("region", "singapore, virginia, beijing"),
        };
        write!(
            f,
            "unknown {what} `{}` (expected one of: {known})",
            self.given
        )
    }
}

impl std::error::Error for ParseSettingError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for profile in Profile::ALL {
            assert_eq!(profile.name().parse::<Profile>(), Ok(profile));
        }
        assert_eq!(" OpenAI ".parse::<Profile>(), Ok(Profile::OpenAi));
        let err = "live".parse::<Profile>().unwrap_err();
        assert_eq!(err.kind(), SettingKind::Profile);
        assert!(err.to_string().contains("`live`"), "{err}");
    }
}
