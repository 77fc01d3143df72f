//! `chatwire-mock`: serve the mock API (default), decode a captured stream (`decode`), or check
//! a request body (`validate`).

use std::process::ExitCode;

use clap::Parser;

mod cli;

fn main() -> ExitCode {
    cli::Cli::parse().run()
}
