//! Parsing a one-choice text-delta chunk makes no heap allocation, measured with a counting
//! global allocator.
//!
//! Measured: 0 allocations for each of the chunks below, including content with escapes
//! (kept raw), one unknown field per object (kept inline in `Extra`) and `from_slice`.
//! Anything nested deeper than one level inside a raw value (`"logprobs":{"content":[…]}`)
//! costs serde_json one allocation for its nesting stack; such chunks are not the hot path.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use chatwire::types::{ChatCompletionChunk, FinishReason};

/// Counts the allocations made by the current thread, so that tests running in parallel do
/// not disturb each other.
struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: every call is forwarded unchanged to the system allocator, which upholds the
// `GlobalAlloc` contract; the only addition is a thread-local counter, whose `const`
// initializer and `Cell` (no destructor) mean that touching it never allocates or recurses
// into the allocator.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.with(|count| count.set(count.get() + 1));
        // SAFETY: the caller's guarantees for `layout` are passed on unchanged.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.with(|count| count.set(count.get() + 1));
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.with(|count| count.set(count.get() + 1));
        // SAFETY: `ptr` was allocated by this allocator (that is, by `System`) with
        // `layout`, as the caller guarantees.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by this allocator (that is, by `System`) with
        // `layout`, as the caller guarantees.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// The number of allocations `f` makes on this thread.
fn allocations<T>(f: impl FnOnce() -> T) -> (usize, T) {
    let before = ALLOCATIONS.with(Cell::get);
    let value = f();
    let after = ALLOCATIONS.with(Cell::get);
    (after - before, value)
}

/// DashScope's documented streaming chunk (the seed's curl sample shape).
const DASHSCOPE: &str = r#"{"choices":[{"delta":{"content":" a large-scale"},"finish_reason":null,"index":0,"logprobs":null}],"object":"chat.completion.chunk","usage":null,"created":1715931028,"system_fingerprint":null,"model":"qwen-plus","id":"chatcmpl-3bb05cf5cd819fbca5f0b8d67a025022"}"#;

/// OpenAI's shape, with a role-less delta and a service tier and fingerprint.
const OPENAI: &str = r#"{"id":"chatcmpl-A1b2C3","object":"chat.completion.chunk","created":1727346162,"model":"gpt-4o-2024-08-06","service_tier":"default","system_fingerprint":"fp_5050236cbd","choices":[{"index":0,"delta":{"content":"Hello"},"logprobs":null,"finish_reason":null}],"usage":null}"#;

/// Content with escapes, one unknown field on the chunk (`obfuscation`) and one on the
/// choice (vLLM's `token_ids`).
const ESCAPED_WITH_EXTRAS: &str = r#"{"id":"chatcmpl-9","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"line\n\"quoted\" \u4f60\u597d"},"logprobs":null,"finish_reason":null,"token_ids":null}],"obfuscation":"Xy7"}"#;

/// A finish chunk with a reason.
const FINISH: &str = r#"{"id":"chatcmpl-9","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]}"#;

#[test]
fn text_delta_chunks_parse_without_allocating() {
    for data in [DASHSCOPE, OPENAI, ESCAPED_WITH_EXTRAS, FINISH] {
        // Measured cold: even the first parse allocates nothing.
        let (count, chunk) = allocations(|| ChatCompletionChunk::from_json(data));
        let chunk = chunk.expect("valid chunk");
        assert_eq!(count, 0, "allocations parsing {data}");
        assert_eq!(chunk.choices().len(), 1);

        let (count, chunk) = allocations(|| ChatCompletionChunk::from_slice(data.as_bytes()));
        assert!(chunk.is_ok());
        assert_eq!(count, 0, "allocations parsing bytes of {data}");
    }
}

#[test]
fn reading_the_delta_does_not_allocate_either() {
    let chunk = ChatCompletionChunk::from_json(ESCAPED_WITH_EXTRAS).expect("valid chunk");
    let mut out = String::with_capacity(64);
    let (count, ()) = allocations(|| {
        let choice = &chunk.choices()[0];
        choice.text().expect("text").unescape_into(&mut out);
    });
    assert_eq!(count, 0);
    assert_eq!(out, "line\n\"quoted\" 你好");

    let finish = ChatCompletionChunk::from_json(FINISH).expect("valid chunk");
    let (count, stopped) =
        allocations(|| finish.choices()[0].finish_reason.value() == Some(&FinishReason::Stop));
    assert!(stopped);
    assert_eq!(count, 0);
}

#[test]
fn the_counter_sees_allocations() {
    // The measurement itself must be able to fail: a chunk with two choices moves them to
    // the heap, a nested raw value needs serde_json's nesting stack.
    let two =
        r#"{"choices":[{"index":0,"delta":{"content":"a"}},{"index":1,"delta":{"content":"b"}}]}"#;
    let (count, chunk) = allocations(|| ChatCompletionChunk::from_json(two));
    assert!(chunk.is_ok());
    assert!(count >= 1, "{count}");
    let (count, vec) = allocations(|| vec![1u8]);
    assert_eq!((count, vec.len()), (1, 1));
}
