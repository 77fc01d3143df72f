//! [`decode_completion`]: a whole stream into a completion, in one call.

use crate::accumulate::Accumulator;
use crate::types::{ChatCompletion, ErrorEnvelope};

use super::decoder::ChunkDecoder;
use super::end::StreamEnd;
use super::error::StreamError;

/// What [`decode_completion`] read from a whole stream.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Collected {
    /// The accumulated completion.
    pub completion: ChatCompletion<'static>,
    /// The errors the server reported in the stream, in order (an `{"error":{…}}` event, an
    /// `event: error` event, the `error` beside a chunk's choices).
    pub errors: Vec<ErrorEnvelope<'static>>,
    /// How the stream ended.
    pub end: StreamEnd,
}

impl Collected {
    /// `true` when the stream ended cleanly with `[DONE]` and reported no error.
    pub fn is_complete(&self) -> bool {
        self.end.is_clean() && self.errors.is_empty()
    }
}

/// Decodes a whole chat-completion stream (the body of a streamed response) and accumulates
/// it into a completion, with the default limits.
///
/// Server-reported errors and the way the stream ended are part of the result, not failures:
/// a stream cut before `[DONE]` still gives the completion received so far.
///
/// # Errors
///
/// The first [`StreamError`]: malformed or invalid data, data after `[DONE]`, an SSE limit or
/// an accumulator limit. This function is strict; to go on after such errors, drive a
/// [`ChunkDecoder`] and an [`Accumulator`] yourself.
///
/// # Example
///
/// ```
/// use chatwire::stream::decode_completion;
///
/// let body = b"data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"4\"},\"finish_reason\":\"stop\"}]}\n\n\
///              data: {\"id\":\"c1\",\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":1,\"total_tokens\":10}}\n\n\
///              data: [DONE]\n\n";
/// let collected = decode_completion(body)?;
/// assert!(collected.is_complete());
/// let message = collected.completion.choices()[0].message.value().unwrap();
/// assert_eq!(message.content_text().unwrap(), "4");
/// # Ok::<(), chatwire::stream::StreamError>(())
/// ```
pub fn decode_completion(input: &[u8]) -> Result<Collected, StreamError> {
    let mut decoder = ChunkDecoder::new();
    let mut acc = Accumulator::new();
    decoder.feed(input);
    decoder.drain_into(&mut acc)?;
    let end = decoder.finish();
    let errors = acc.errors().to_vec();
    Ok(Collected {
        completion: acc.into_completion(),
        errors,
        end,
    })
}
