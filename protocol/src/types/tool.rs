//! Tools: the functions a request offers ([`Tool`], [`FunctionDefinition`], [`ToolChoice`])
//! and the calls a model makes ([`ToolCall`], [`FunctionCall`]).

use serde::de::{self, Deserialize, Deserializer};
use serde::ser::{Serialize, Serializer};

use crate::types::macros::wire_object;
use crate::types::reparse::Reparse;
use crate::types::{IntoOwned, JsonStr, Maybe, RawJson, ToolType};

wire_object! {
    /// A tool the model may call (an element of the request's `tools`).
    ///
    /// # Example
    ///
    /// ```
    /// use chatwire::types::{FunctionDefinition, RawJson, Tool};
    ///
    /// let tool = Tool::function(
    ///     FunctionDefinition::new("get_current_weather")
    ///         .with_description("Weather in a city.")
    ///         .with_parameters(RawJson::from_json(r#"{"type":"object"}"#).unwrap()),
    /// );
    /// assert_eq!(
    ///     serde_json::to_string(&tool).unwrap(),
    ///     r#"{"type":"function","function":{"name":"get_current_weather","description":"Weather in a city.","parameters":{"type":"object"}}}"#
    /// );
    /// ```
    pub struct Tool<'a> {
        /// Always `"function"` today.
        kind ("type"): Maybe<ToolType<'a>>,
        /// The function.
        function: Maybe<FunctionDefinition<'a>>,
    }
}

wire_object! {
    /// A function offered to the model.
    pub struct FunctionDefinition<'a> {
        /// The name (letters, digits, `_` and `-`, at most 64 characters).
        name: Maybe<JsonStr<'a>>,
        /// What the function does, for the model.
        description: Maybe<JsonStr<'a>>,
        /// The JSON Schema of the arguments, kept raw.
        parameters: Maybe<RawJson<'a>>,
        /// Whether the arguments must follow the schema exactly (OpenAI).
        strict: Maybe<bool>,
    }
}

impl<'a> Tool<'a> {
    /// A `"function"` tool.
    pub fn function(function: FunctionDefinition<'a>) -> Self {
        Tool {
            kind: Maybe::Value(ToolType::Function),
            function: Maybe::Value(function),
            ..Tool::default()
        }
    }
}

impl<'a> FunctionDefinition<'a> {
    /// A function with a name.
    pub fn new(name: impl Into<JsonStr<'a>>) -> Self {
        FunctionDefinition {
            name: Maybe::Value(name.into()),
            ..FunctionDefinition::default()
        }
    }

    /// Sets the description.
    #[must_use]
    pub fn with_description(mut self, description: impl Into<JsonStr<'a>>) -> Self {
        self.description = Maybe::Value(description.into());
        self
    }

    /// Sets the JSON Schema of the arguments.
    #[must_use]
    pub fn with_parameters(mut self, parameters: RawJson<'a>) -> Self {
        self.parameters = Maybe::Value(parameters);
        self
    }
}

/// Whether and which tool the model must call (`"tool_choice"`).
///
/// # Example
///
/// ```
/// use chatwire::types::ToolChoice;
///
/// let choice: ToolChoice<'_> = serde_json::from_str(r#""required""#).unwrap();
/// assert_eq!(choice, ToolChoice::Required);
/// let choice: ToolChoice<'_> =
///     serde_json::from_str(r#"{"type":"function","function":{"name":"get_time"}}"#).unwrap();
/// assert_eq!(choice.function_name().unwrap(), "get_time");
/// assert_eq!(
///     serde_json::to_string(&ToolChoice::function("get_time")).unwrap(),
///     r#"{"type":"function","function":{"name":"get_time"}}"#
/// );
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ToolChoice<'a> {
    /// `"none"`: no tool call.
    None,
    /// `"auto"`: the model decides.
    Auto,
    /// `"required"`: at least one tool call.
    Required,
    /// `{"type":"function","function":{"name":…}}`: this function.
    Named(NamedToolChoice<'a>),
    /// Any other value (an unknown string, another shape), kept raw.
    Other(RawJson<'a>),
}

wire_object! {
    /// A tool choice naming one function.
    pub struct NamedToolChoice<'a> {
        /// `"function"`.
        kind ("type"): Maybe<ToolType<'a>>,
        /// The function.
        function: Maybe<FunctionName<'a>>,
    }
}

wire_object! {
    /// A function named by a [`NamedToolChoice`].
    pub struct FunctionName<'a> {
        /// The function's name.
        name: Maybe<JsonStr<'a>>,
    }
}

impl<'a> ToolChoice<'a> {
    /// A choice of the function named `name`.
    pub fn function(name: impl Into<JsonStr<'a>>) -> Self {
        ToolChoice::Named(NamedToolChoice {
            kind: Maybe::Value(ToolType::Function),
            function: Maybe::Value(FunctionName {
                name: Maybe::Value(name.into()),
                ..FunctionName::default()
            }),
            ..NamedToolChoice::default()
        })
    }

    /// The named function, for [`ToolChoice::Named`].
    pub fn function_name(&self) -> Option<&JsonStr<'a>> {
        match self {
            ToolChoice::Named(named) => named.function.value().and_then(|f| f.name.value()),
            _ => None,
        }
    }

    /// Converts into a value that owns its text.
    pub fn into_owned(self) -> ToolChoice<'static> {
        match self {
            ToolChoice::None => ToolChoice::None,
            ToolChoice::Auto => ToolChoice::Auto,
            ToolChoice::Required => ToolChoice::Required,
            ToolChoice::Named(named) => ToolChoice::Named(named.into_owned()),
            ToolChoice::Other(raw) => ToolChoice::Other(raw.into_owned()),
        }
    }
}

impl IntoOwned for ToolChoice<'_> {
    type Owned = ToolChoice<'static>;

    fn into_owned(self) -> ToolChoice<'static> {
        ToolChoice::into_owned(self)
    }
}

impl Serialize for ToolChoice<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            ToolChoice::None => serializer.serialize_str("none"),
            ToolChoice::Auto => serializer.serialize_str("auto"),
            ToolChoice::Required => serializer.serialize_str("required"),
            ToolChoice::Named(named) => named.serialize(serializer),
            ToolChoice::Other(raw) => raw.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for ToolChoice<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = RawJson::deserialize(deserializer)?;
        if raw.is_object() {
            return NamedToolChoice::reparse(raw)
                .map(ToolChoice::Named)
                .map_err(de::Error::custom);
        }
        let known = match JsonStr::from_raw_json(raw.clone()) {
            Some(text) if text.eq_str("none") => Some(ToolChoice::None),
            Some(text) if text.eq_str("auto") => Some(ToolChoice::Auto),
            Some(text) if text.eq_str("required") => Some(ToolChoice::Required),
            _ => None,
        };
        Ok(known.unwrap_or(ToolChoice::Other(raw)))
    }
}

wire_object! {
    /// A tool call made by the model (in a response message, or in an assistant message sent
    /// back in a request).
    ///
    /// # Example
    ///
    /// ```
    /// use chatwire::types::ToolCall;
    ///
    /// let call = ToolCall::function("call_1", "get_time", "{}");
    /// assert_eq!(
    ///     serde_json::to_string(&call).unwrap(),
    ///     r#"{"id":"call_1","type":"function","function":{"name":"get_time","arguments":"{}"}}"#
    /// );
    /// ```
    pub struct ToolCall<'a> {
        /// The call's id (Gemini sends `""`).
        id: Maybe<JsonStr<'a>>,
        /// `"function"`.
        kind ("type"): Maybe<ToolType<'a>>,
        /// The function and its arguments.
        function: Maybe<FunctionCall<'a>>,
    }
}

wire_object! {
    /// A function called by the model.
    pub struct FunctionCall<'a> {
        /// The function's name.
        name: Maybe<JsonStr<'a>>,
        /// The arguments: JSON text inside a string (escapes kept raw until asked for).
        arguments: Maybe<JsonStr<'a>>,
    }
}

impl<'a> ToolCall<'a> {
    /// A call of function `name` with `arguments` (JSON text).
    pub fn function(
        id: impl Into<JsonStr<'a>>,
        name: impl Into<JsonStr<'a>>,
        arguments: impl Into<JsonStr<'a>>,
    ) -> Self {
        ToolCall {
            id: Maybe::Value(id.into()),
            kind: Maybe::Value(ToolType::Function),
            function: Maybe::Value(FunctionCall::new(name, arguments)),
            ..ToolCall::default()
        }
    }

    /// The called function's name.
    pub fn name(&self) -> Option<&JsonStr<'a>> {
        self.function.value().and_then(|f| f.name.value())
    }

    /// The arguments (JSON text).
    pub fn arguments(&self) -> Option<&JsonStr<'a>> {
        self.function.value().and_then(|f| f.arguments.value())
    }
}

impl<'a> FunctionCall<'a> {
    /// A call of function `name` with `arguments` (JSON text).
    pub fn new(name: impl Into<JsonStr<'a>>, arguments: impl Into<JsonStr<'a>>) -> Self {
        FunctionCall {
            name: Maybe::Value(name.into()),
            arguments: Maybe::Value(arguments.into()),
            ..FunctionCall::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tool_choice_strings_and_others() {
        for (text, expected) in [
            (r#""none""#, ToolChoice::None),
            (r#""auto""#, ToolChoice::Auto),
            (r#""required""#, ToolChoice::Required),
        ] {
            let choice: ToolChoice<'_> = serde_json::from_str(text).unwrap();
            assert_eq!(choice, expected);
            assert_eq!(serde_json::to_string(&choice).unwrap(), text);
        }
        let other: ToolChoice<'_> = serde_json::from_str(r#""any""#).unwrap();
        assert_eq!(
            other,
            ToolChoice::Other(RawJson::from_json(r#""any""#).unwrap())
        );
        assert!(serde_json::from_str::<ToolChoice<'_>>(r#"{"function":3}"#).is_err());
    }

    #[test]
    fn parameters_stay_raw_and_unknown_fields_survive() {
        let text = r#"{"type":"function","function":{"name":"get_current_weather","description":"d","parameters":{"type":"object","properties":{"location":{"type":"string"}}},"required":["location"]}}"#;
        let tool: Tool<'_> = serde_json::from_str(text).unwrap();
        let function = tool.function.value().unwrap();
        assert_eq!(
            function.parameters.value().unwrap().get(),
            r#"{"type":"object","properties":{"location":{"type":"string"}}}"#
        );
        assert_eq!(
            function.extra.get("required").unwrap().get(),
            r#"["location"]"#
        );
        assert_eq!(serde_json::to_string(&tool).unwrap(), text);
    }

    #[test]
    fn tool_call_accessors() {
        let call: ToolCall<'_> = serde_json::from_str(
            r#"{"function":{"arguments":"{\"a\":1}","name":"f"},"id":"","type":"function"}"#,
        )
        .unwrap();
        assert_eq!(call.name().unwrap(), "f");
        assert_eq!(call.arguments().unwrap(), r#"{"a":1}"#);
        assert_eq!(call.id.value().unwrap(), "");
    }
}
