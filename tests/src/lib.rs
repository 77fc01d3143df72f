//! Test support for the chatwire workspace.
//!
//! The conformance captures live outside the project, in `../shared/conformance` beside the
//! checkout. A check that needs them calls [`conformance_dir`], which answers
//! `Err(Skip)` where the folder is absent; the conformance targets run under
//! [`harness::run`], which reports such a check as skipped, never as passed.

pub mod harness;

use std::path::{Path, PathBuf};

pub use harness::{CheckResult, Skip};

/// The shared conformance folder, or [`Skip`] (after printing a `SKIPPED:` line naming
/// `test`) when it is absent.
///
/// The folder is looked up at `$CHATWIRE_CONFORMANCE_DIR` when set, else at
/// `../shared/conformance` beside the workspace root.
///
/// # Errors
///
/// [`Skip`] when the folder (its `EXPECTED.md`) is not there.
pub fn conformance_dir(test: &str) -> Result<PathBuf, Skip> {
    let dir = std::env::var_os("CHATWIRE_CONFORMANCE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("../shared/conformance"));
    if dir.join("EXPECTED.md").is_file() {
        Ok(dir)
    } else {
        let reason = format!(
            "conformance captures not found at {} (set CHATWIRE_CONFORMANCE_DIR)",
            dir.display()
        );
        println!("SKIPPED: {test}: {reason}");
        Err(Skip(reason))
    }
}

/// The workspace root (the folder holding the root `Cargo.toml`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")))
}

/// The files of `dir` with the extension `ext`, sorted by name.
///
/// # Panics
///
/// Panics when `dir` cannot be read: a conformance folder that exists but cannot be listed
/// is a broken checkout, not a skip.
pub fn files_with_extension(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|e| e == ext))
        .collect();
    files.sort();
    files
}

/// The section of `EXPECTED.md` about `name` (for example `streams/openai-gpt4o-basic-usage.sse`):
/// the lines after its `### name` heading, up to the next heading.
pub fn expected_section<'e>(expected: &'e str, name: &str) -> Option<&'e str> {
    let heading = format!("### {name}\n");
    let start = expected.find(&heading)? + heading.len();
    let rest = &expected[start..];
    let end = rest.find("\n##").map_or(rest.len(), |i| i + 1);
    Some(&rest[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expected_section_stops_at_the_next_heading() {
        let doc = "# T\n\n### a.sse\n- x: 1\n\n### b.sse\n- y: 2\n## errors/\n";
        assert_eq!(expected_section(doc, "a.sse"), Some("- x: 1\n\n"));
        assert_eq!(expected_section(doc, "b.sse"), Some("- y: 2\n"));
        assert_eq!(expected_section(doc, "c.sse"), None);
    }

    #[test]
    fn workspace_root_holds_the_workspace_manifest() {
        let manifest = std::fs::read_to_string(workspace_root().join("Cargo.toml")).unwrap();
        assert!(manifest.contains("[workspace]"));
    }
}
