//! The `horserace` binary: parses the command line and hands it to the library.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    horserace::cli::run(horserace::cli::Cli::parse())
}
