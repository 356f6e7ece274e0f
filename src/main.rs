//! survey-lens: stakeholder survey exports in, per-group breakdowns out.
//!
//! This file only parses the command line and hands over to one function per
//! subcommand in `cmd/`; everything else is in the library (`lib.rs`).

use std::io;
use std::process::ExitCode;

use clap::Parser;
use survey_lens::{cli, cmd};

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let done = |r: anyhow::Result<()>| r.map(|()| ExitCode::SUCCESS);
    let result = match cli.command {
        cli::Command::Report(args) => done(cmd::report::run(args)),
        cli::Command::Sample(args) => done(cmd::sample::run(args)),
        cli::Command::Inspect(args) => done(cmd::inspect::run(args)),
        cli::Command::Init(args) => done(cmd::init::run(args)),
        cli::Command::Template(args) => done(cmd::template::run(args)),
        cli::Command::Schema(args) => done(cmd::schema::run(args)),
        // compare alone can succeed with another code: 3 when asked to
        // fail on a worsening and something worsened.
        cli::Command::Compare(args) => cmd::compare::run(args),
        cli::Command::Trend(args) => done(cmd::trend::run(args)),
    };
    match result {
        Ok(code) => code,
        // A closed pipe (`survey-lens sample | head`) is the reader's choice, not an error.
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("Error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
            || c.downcast_ref::<csv::Error>().is_some_and(|ce| {
                matches!(ce.kind(), csv::ErrorKind::Io(io) if io.kind() == io::ErrorKind::BrokenPipe)
            })
    })
}
