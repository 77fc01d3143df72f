//! Replay fixtures: a conversation the server recognises exactly and the reply it gives,
//! already cut into the pieces a stream sends.
//!
//! The built-in set holds the seed's own sample (`fixtures/who-are-you.json`); `--fixtures DIR`
//! adds every `*.json` file of a directory, each one fixture object or an array of them, tried
//! before the built-ins. A fixture file looks like:
//!
//! ```json
//! {
//!   "name": "seed: Who are you?",
//!   "model": "qwen-plus",
//!   "messages": [
//!     { "role": "system", "content": "You are a helpful assistant." },
//!     { "role": "user", "content": "Who are you?" }
//!   ],
//!   "pieces": ["I am a", " large language model from", " Alibaba", " Cloud.", " My name is Qwen."]
//! }
//! ```
//!
//! `model` is optional (any model matches without it); the usage is counted by the mock's
//! tokenizer.

use std::fmt;
use std::path::Path;

use serde::Deserialize;

use crate::wire::ChatInput;

/// The seed's sample, compiled in.
const BUILTIN: &[(&str, &str)] = &[(
    "who-are-you.json",
    include_str!("../fixtures/who-are-you.json"),
)];

/// One replay fixture.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Fixture {
    /// A label for logs and errors.
    #[serde(default)]
    pub(crate) name: String,
    /// The model it answers for; any when absent.
    #[serde(default)]
    pub(crate) model: Option<String>,
    /// The whole conversation it answers, compared exactly.
    pub(crate) messages: Vec<FixtureMessage>,
    /// The reply, in stream pieces.
    pub(crate) pieces: Vec<String>,
}

/// A message of a fixture's conversation.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FixtureMessage {
    pub(crate) role: String,
    pub(crate) content: String,
}

/// A file of a fixtures directory that could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FixtureError {
    pub(crate) file: String,
    pub(crate) reason: String,
}

impl fmt::Display for FixtureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "fixture {}: {}", self.file, self.reason)
    }
}

/// The fixtures of one server, in matching order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Fixtures {
    list: Vec<Fixture>,
}

impl Fixtures {
    /// The built-in fixtures.
    pub(crate) fn builtin() -> Self {
        let mut list = Vec::new();
        for (file, text) in BUILTIN {
            // Invariant: the built-in files are checked by the `builtins_parse` test.
            if let Ok(mut parsed) = parse(file, text) {
                list.append(&mut parsed);
            }
        }
        Fixtures { list }
    }

    /// The fixtures of `dir` followed by the built-ins.
    ///
    /// # Errors
    ///
    /// The first file that cannot be read or parsed, or a directory that cannot be listed.
    pub(crate) fn with_dir(dir: &Path) -> Result<Self, FixtureError> {
        let unreadable = |reason: String| FixtureError {
            file: dir.display().to_string(),
            reason,
        };
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .map_err(|e| unreadable(e.to_string()))?
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        files.sort();
        let mut list = Vec::new();
        for path in files {
            let name = path.display().to_string();
            let text = std::fs::read_to_string(&path).map_err(|e| FixtureError {
                file: name.clone(),
                reason: e.to_string(),
            })?;
            list.append(&mut parse(&name, &text)?);
        }
        list.extend(Self::builtin().list);
        Ok(Fixtures { list })
    }

    /// The first fixture whose conversation (and model, if it names one) is `input`'s.
    pub(crate) fn find(&self, input: &ChatInput) -> Option<&Fixture> {
        self.list.iter().find(|f| {
            f.model.as_ref().is_none_or(|m| *m == input.model)
                && f.messages.len() == input.messages.len()
                && f.messages.iter().zip(&input.messages).all(|(want, got)| {
                    want.role == got.role
                        && want.content == got.content
                        && got.tool_calls.is_empty()
                })
        })
    }

    /// How many fixtures there are.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.list.len()
    }
}

/// Parses one file: a fixture object or an array of them.
fn parse(file: &str, text: &str) -> Result<Vec<Fixture>, FixtureError> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(Fixture),
        Many(Vec<Fixture>),
    }
    let parsed: OneOrMany = serde_json::from_str(text).map_err(|e| FixtureError {
        file: file.to_owned(),
        reason: e.to_string(),
    })?;
    let list = match parsed {
        OneOrMany::One(f) => vec![f],
        OneOrMany::Many(list) => list,
    };
    if let Some(empty) = list
        .iter()
        .find(|f| f.pieces.is_empty() || f.messages.is_empty())
    {
        return Err(FixtureError {
            file: file.to_owned(),
            reason: format!(
                "fixture {:?} needs at least one message and one piece",
                empty.name
            ),
        });
    }
    Ok(list)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::InMessage;

    fn input(model: &str, messages: &[(&str, &str)]) -> ChatInput {
        ChatInput {
            model: model.into(),
            messages: messages
                .iter()
                .map(|(role, content)| InMessage {
                    role: (*role).into(),
                    content: (*content).into(),
                    ..InMessage::default()
                })
                .collect(),
            ..ChatInput::default()
        }
    }

    #[test]
    fn builtins_parse() {
        for (file, text) in BUILTIN {
            parse(file, text).unwrap();
        }
        assert_eq!(Fixtures::builtin().len(), BUILTIN.len());
    }

    #[test]
    fn the_seed_request_matches_exactly() {
        let fixtures = Fixtures::builtin();
        let seed = input(
            "qwen-plus",
            &[
                ("system", "You are a helpful assistant."),
                ("user", "Who are you?"),
            ],
        );
        let found = fixtures.find(&seed).unwrap();
        assert_eq!(
            found.pieces.concat(),
            "I am a large language model from Alibaba Cloud. My name is Qwen."
        );
        assert!(fixtures
            .find(&input("qwen-plus", &[("user", "Who are you?")]))
            .is_none());
    }

    #[test]
    fn a_directory_comes_first() {
        let dir = std::env::temp_dir().join(format!("chatwire-fixtures-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("a.json"),
            r#"[{"name":"mine","model":"qwen-max","messages":[{"role":"user","content":"ping"}],"pieces":["pong"]}]"#,
        )
        .unwrap();
        let fixtures = Fixtures::with_dir(&dir).unwrap();
        assert_eq!(fixtures.len(), 1 + BUILTIN.len());
        let found = fixtures
            .find(&input("qwen-max", &[("user", "ping")]))
            .unwrap();
        assert_eq!(found.pieces, ["pong"]);
        assert!(fixtures
            .find(&input("qwen-plus", &[("user", "ping")]))
            .is_none());
        std::fs::write(dir.join("b.json"), "{").unwrap();
        let err = Fixtures::with_dir(&dir).unwrap_err();
        assert!(err.file.ends_with("b.json"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
