//! A minimal test runner for checks that can be *skipped*, which libtest cannot express: a
//! check whose inputs are absent must be reported as skipped, never as passed.
//!
//! A test target using it sets `harness = false` in `Cargo.toml` and has
//! `fn main() -> ExitCode { run("suite", &[("check name", check_fn), …]) }`. Each check returns
//! `Ok(())` (passed), `Err(Skip(reason))` (skipped), or panics (failed). The runner prints a
//! line per check and closes with `suite: N passed, N failed, N skipped`; it exits non-zero
//! when any check failed.
//!
//! Arguments: a bare word filters checks by substring (as libtest does); `--list` lists them;
//! libtest's other flags (`--nocapture`, `--test-threads=N`, `-q`…) are accepted and ignored.

use std::panic::{self, AssertUnwindSafe};
use std::process::ExitCode;

/// Why a check did not run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skip(pub String);

/// What a check returns: `Ok(())` when it ran and passed, `Err(Skip)` when it could not run.
pub type CheckResult = Result<(), Skip>;

/// A named check.
pub type Check = (&'static str, fn() -> CheckResult);

/// Runs `checks`, prints one line each and the closing count, and returns the exit code.
pub fn run(suite: &str, checks: &[Check]) -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let filter = args
        .iter()
        .find(|a| !a.starts_with('-'))
        .map(String::as_str);
    let selected: Vec<&Check> = checks
        .iter()
        .filter(|(name, _)| filter.is_none_or(|f| name.contains(f)))
        .collect();
    if args.iter().any(|a| a == "--list") {
        for (name, _) in &selected {
            println!("{name}: test");
        }
        return ExitCode::SUCCESS;
    }

    println!("\nrunning {} checks ({suite})", selected.len());
    let (mut passed, mut failed, mut skipped) = (0, 0, 0);
    for (name, check) in selected {
        match panic::catch_unwind(AssertUnwindSafe(check)) {
            Ok(Ok(())) => {
                passed += 1;
                println!("test {name} ... ok");
            }
            Ok(Err(Skip(reason))) => {
                skipped += 1;
                println!("test {name} ... skipped: {reason}");
            }
            Err(_) => {
                failed += 1;
                println!("test {name} ... FAILED");
            }
        }
    }
    println!("{suite}: {passed} passed, {failed} failed, {skipped} skipped\n");
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_skip_carries_its_reason() {
        let skip: CheckResult = Err(Skip("no captures".into()));
        assert_eq!(skip, Err(Skip("no captures".to_owned())));
    }
}
