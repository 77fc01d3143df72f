//! The README's `chatwire` example is the doctest in this crate's `src/lib.rs`, so it
//! compiles and runs; this test keeps the two texts the same.

use std::path::Path;

/// The first code block after `heading` in `text`, without its fences.
fn block_after<'a>(text: &'a str, heading: &str, fence: &str, end: &str) -> Option<&'a str> {
    let after = &text[text.find(heading)? + heading.len()..];
    let start = after.find(fence)? + fence.len();
    let len = after[start..].find(end)?;
    Some(&after[start..start + len])
}

#[test]
fn the_readme_example_is_the_doctest() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(dir.join("../README.md")).unwrap();
    let lib = std::fs::read_to_string(dir.join("src/lib.rs")).unwrap();

    let shown = block_after(&readme, "\n## chatwire\n", "```rust\n", "```\n")
        .expect("the README's chatwire section has a Rust example");
    let tested = block_after(&lib, "# The README's example", "//! ```\n", "//! ```\n")
        .expect("src/lib.rs has the README's example as a doctest");
    let tested: String = tested
        .lines()
        .map(|line| line.strip_prefix("//!").unwrap_or(line))
        .map(|line| line.strip_prefix(' ').unwrap_or(line))
        .filter(|line| !line.starts_with("# "))
        .map(|line| format!("{line}\n"))
        .collect();
    assert_eq!(shown, tested);
    assert!(shown.lines().count() >= 5, "an example, not an empty block");
}
