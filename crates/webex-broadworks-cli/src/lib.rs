#![doc = include_str!("../README.md")]
//!
//! The binary is a thin `main` over [`main_entry`]; the modules are public so that
//! benchmarks and tests can drive the bulk engine directly.

pub mod bulk;
pub mod cli;
pub mod commands;
pub mod connect;
pub mod demo;
pub mod exit;
pub mod output;
pub mod rules;
pub mod token;
pub mod validation;
pub mod wait;

use std::process::ExitCode;

use clap::Parser;

use crate::exit::Exit;

/// Parses the command line, runs the command and returns the documented exit code.
pub fn main_entry() -> ExitCode {
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return if error.use_stderr() {
                Exit::Usage.into()
            } else {
                Exit::Success.into()
            };
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("wxbw: cannot start the async runtime: {error}");
            return Exit::Failure.into();
        }
    };
    match runtime.block_on(commands::dispatch(cli)) {
        Ok(()) => Exit::Success.into(),
        Err(error) => {
            eprintln!("wxbw: {error}");
            error.exit().into()
        }
    }
}
