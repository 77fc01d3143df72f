//! The tool calls of one choice, merged from their pieces, and the legacy `function_call`.

use crate::types::{
    FunctionCall, FunctionCallDelta, JsonStr, Maybe, ToolCall, ToolCallDelta, ToolType,
};

use super::error::{AccumulateError, AccumulateErrorKind};
use super::limits::Budget;

/// The tool calls of one choice, in the order they started.
///
/// Which call a piece continues:
///
/// - a piece with an `index` continues the current call of that index, unless both carry a
///   non-empty id and the ids differ: then it starts a new call that becomes the current one
///   for the index (Copilot reuses index 0 for every call);
/// - a piece without an `index` (Mistral, Gemini) continues the call that was started or
///   continued last, unless the ids differ as above, or the piece has no id but a non-empty
///   name while that call already has one (a second whole call); otherwise it starts a call;
/// - a piece with nothing to continue starts a call.
///
/// Ids, types and names are set once, from the first non-empty value, and never
/// concatenated (DashScope sends `"id":""` and repeats `type` on continuations, DeepSeek
/// repeats the id, Mistral sends `"name":""`); arguments are appended.
#[derive(Debug, Clone, Default)]
pub(super) struct ToolCalls {
    calls: Vec<CallState>,
    /// The current call of each wire index: `(index, position in calls)`.
    by_index: Vec<(u32, usize)>,
    /// The call started or continued last.
    last: Option<usize>,
}

#[derive(Debug, Clone, Default)]
struct CallState {
    /// `None` until a piece has an `id`; `Some("")` when only empty ids were sent.
    id: Option<String>,
    kind: Option<ToolType<'static>>,
    /// As `id`.
    name: Option<String>,
    arguments: String,
}

impl ToolCalls {
    /// `true` when no call has started.
    pub(super) fn is_empty(&self) -> bool {
        self.calls.is_empty()
    }

    /// Applies one piece.
    pub(super) fn apply(
        &mut self,
        piece: &ToolCallDelta<'_>,
        budget: &mut Budget,
        max_calls: usize,
        choice: u32,
    ) -> Result<(), AccumulateError> {
        let id = piece.id.value().filter(|id| !id.is_empty());
        let name = piece.name().filter(|name| !name.is_empty());
        let pos = match piece.index() {
            Some(index) => {
                let current = self
                    .by_index
                    .iter()
                    .find(|(i, _)| *i == index)
                    .map(|&(_, pos)| pos);
                match current {
                    Some(pos) if !self.calls[pos].other_id(id) => pos,
                    _ => self.start(Some(index), max_calls, choice)?,
                }
            }
            None => match self.last {
                Some(pos) if self.calls[pos].continued_by(id, name) => pos,
                _ => self.start(None, max_calls, choice)?,
            },
        };
        self.last = Some(pos);
        let call = &mut self.calls[pos];
        if let Maybe::Value(id) = &piece.id {
            set_once(&mut call.id, id, budget, choice)?;
        }
        if call.kind.is_none() {
            if let Some(kind) = piece.kind.value().filter(|kind| !kind.eq_str("")) {
                call.kind = Some(kind.clone().into_owned());
            }
        }
        if let Some(function) = piece.function.value() {
            if let Maybe::Value(name) = &function.name {
                set_once(&mut call.name, name, budget, choice)?;
            }
            if let Some(arguments) = function.arguments.value() {
                budget.append(&mut call.arguments, arguments, Some(choice))?;
            }
        }
        Ok(())
    }

    /// The calls, for a response message.
    pub(super) fn to_calls(&self) -> Vec<ToolCall<'static>> {
        self.calls.iter().map(CallState::to_call).collect()
    }

    /// Starts a call, the current one for `index` when given.
    fn start(
        &mut self,
        index: Option<u32>,
        max_calls: usize,
        choice: u32,
    ) -> Result<usize, AccumulateError> {
        if self.calls.len() >= max_calls {
            return Err(AccumulateError::new(
                AccumulateErrorKind::TooManyToolCalls,
                Some(choice),
                max_calls,
            ));
        }
        let pos = self.calls.len();
        self.calls.push(CallState::default());
        if let Some(index) = index {
            match self.by_index.iter_mut().find(|(i, _)| *i == index) {
                Some(slot) => slot.1 = pos,
                None => self.by_index.push((index, pos)),
            }
        }
        Ok(pos)
    }
}

impl CallState {
    /// `true` when this call has a non-empty id and `id` is another non-empty one.
    fn other_id(&self, id: Option<&JsonStr<'_>>) -> bool {
        match (self.id.as_deref(), id) {
            (Some(mine), Some(theirs)) if !mine.is_empty() => !theirs.eq_str(mine),
            _ => false,
        }
    }

    /// Whether a piece without an index, with this (non-empty) id and name, continues this
    /// call.
    fn continued_by(&self, id: Option<&JsonStr<'_>>, name: Option<&JsonStr<'_>>) -> bool {
        if self.other_id(id) {
            return false;
        }
        let same_id = match (self.id.as_deref(), id) {
            (Some(mine), Some(theirs)) => theirs.eq_str(mine),
            _ => false,
        };
        let has_name = self.name.as_deref().is_some_and(|n| !n.is_empty());
        same_id || name.is_none() || !has_name
    }

    fn to_call(&self) -> ToolCall<'static> {
        ToolCall {
            id: Maybe::from_option(self.id.clone().map(JsonStr::from)),
            kind: Maybe::Value(self.kind.clone().unwrap_or(ToolType::Function)),
            function: Maybe::Value(FunctionCall {
                name: Maybe::from_option(self.name.clone().map(JsonStr::from)),
                arguments: Maybe::Value(JsonStr::from(self.arguments.clone())),
                ..FunctionCall::default()
            }),
            ..ToolCall::default()
        }
    }
}

/// A legacy `function_call`, merged from its pieces: the name set once, arguments appended.
#[derive(Debug, Clone, Default)]
pub(super) struct LegacyCall {
    name: Option<String>,
    arguments: String,
}

impl LegacyCall {
    /// Applies one piece.
    pub(super) fn apply(
        &mut self,
        piece: &FunctionCallDelta<'_>,
        budget: &mut Budget,
        choice: u32,
    ) -> Result<(), AccumulateError> {
        if let Maybe::Value(name) = &piece.name {
            set_once(&mut self.name, name, budget, choice)?;
        }
        if let Some(arguments) = piece.arguments.value() {
            budget.append(&mut self.arguments, arguments, Some(choice))?;
        }
        Ok(())
    }

    /// The call, for a response message.
    pub(super) fn to_call(&self) -> FunctionCall<'static> {
        FunctionCall {
            name: Maybe::from_option(self.name.clone().map(JsonStr::from)),
            arguments: Maybe::Value(JsonStr::from(self.arguments.clone())),
            ..FunctionCall::default()
        }
    }
}

/// Sets `slot` from `value` unless it already holds a non-empty string: the first non-empty
/// value wins, an empty one only fills a slot that was never set.
fn set_once(
    slot: &mut Option<String>,
    value: &JsonStr<'_>,
    budget: &mut Budget,
    choice: u32,
) -> Result<(), AccumulateError> {
    match slot {
        Some(current) if !current.is_empty() => Ok(()),
        Some(_) if value.is_empty() => Ok(()),
        _ => {
            let mut text = String::new();
            budget.append(&mut text, value, Some(choice))?;
            *slot = Some(text);
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accumulate::DEFAULT_MAX_BYTES;

    fn merged(pieces: &[&str]) -> Vec<String> {
        let mut calls = ToolCalls::default();
        let mut budget = Budget::new(DEFAULT_MAX_BYTES);
        for text in pieces {
            let piece: ToolCallDelta<'_> = serde_json::from_str(text).unwrap();
            calls.apply(&piece, &mut budget, 8, 0).unwrap();
        }
        calls
            .to_calls()
            .iter()
            .map(|call| serde_json::to_string(call).unwrap())
            .collect()
    }

    #[test]
    fn ids_and_names_are_set_once() {
        let calls = merged(&[
            r#"{"index":0,"id":"call_1","type":"function","function":{"name":"f","arguments":""}}"#,
            r#"{"index":0,"id":"","type":"function","function":{"name":"","arguments":"{\"a\""}}"#,
            r#"{"index":0,"id":"call_1","function":{"arguments":":1}"}}"#,
        ]);
        assert_eq!(
            calls,
            [
                r#"{"id":"call_1","type":"function","function":{"name":"f","arguments":"{\"a\":1}"}}"#
            ]
        );
    }

    #[test]
    fn an_empty_id_fills_a_call_that_has_none() {
        let calls = merged(&[r#"{"id":"","function":{"name":"now","arguments":"{}"}}"#]);
        assert_eq!(
            calls,
            [r#"{"id":"","type":"function","function":{"name":"now","arguments":"{}"}}"#]
        );
    }

    #[test]
    fn pieces_without_index_split_on_a_new_name_or_id() {
        let calls = merged(&[
            r#"{"function":{"name":"a","arguments":"{}"}}"#,
            r#"{"function":{"name":"b","arguments":"{"}}"#,
            r#"{"function":{"arguments":"}"}}"#,
            r#"{"id":"x","function":{"name":"c"}}"#,
            r#"{"id":"x","function":{"name":"c","arguments":"[]"}}"#,
            r#"{"id":"y","function":{"arguments":"1"}}"#,
        ]);
        assert_eq!(calls.len(), 4, "{calls:?}");
        assert!(calls[1].contains(r#""name":"b","arguments":"{}""#));
        assert!(calls[2].contains(r#""id":"x""#) && calls[2].contains(r#""arguments":"[]""#));
        assert!(calls[3].contains(r#""id":"y""#));
    }

    #[test]
    fn a_new_id_on_a_reused_index_is_a_new_call() {
        let calls = merged(&[
            r#"{"index":0,"id":"t1","function":{"name":"edit"}}"#,
            r#"{"index":0,"function":{"arguments":"{1}"}}"#,
            r#"{"index":0,"id":"t2","function":{"name":"edit"}}"#,
            r#"{"index":0,"function":{"arguments":"{2}"}}"#,
        ]);
        assert_eq!(calls.len(), 2);
        assert!(calls[0].contains(r#""id":"t1""#) && calls[0].contains("{1}"));
        assert!(calls[1].contains(r#""id":"t2""#) && calls[1].contains("{2}"));
    }

    #[test]
    fn the_call_limit_is_enforced() {
        let mut calls = ToolCalls::default();
        let mut budget = Budget::new(DEFAULT_MAX_BYTES);
        for i in 0..3u32 {
            let piece = ToolCallDelta::start(i, format!("c{i}"), "f");
            let result = calls.apply(&piece, &mut budget, 2, 5);
            if i < 2 {
                result.unwrap();
            } else {
                let err = result.unwrap_err();
                assert_eq!(err.kind(), AccumulateErrorKind::TooManyToolCalls);
                assert_eq!((err.choice(), err.limit()), (Some(5), 2));
            }
        }
        assert_eq!(calls.to_calls().len(), 2);
    }
}
