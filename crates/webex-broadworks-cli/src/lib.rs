#![doc = include_str!("../README.md")]
//!
//! The binary is a thin `main` over [`main_entry`]; the modules are public so that
//! benchmarks and tests can drive the bulk engine directly.

// The argument structs' doc comments are the command line's help, shown verbatim by clap:
// `[required]` and a URL there are text for operators, not links.
#![allow(rustdoc::broken_intra_doc_links, rustdoc::bare_urls)]

pub mod builders;
pub mod bulk;
pub mod cli;
pub mod commands;
pub mod config;
pub mod connect;
pub mod context;
pub mod demo;
pub mod exit;
pub mod field_table;
pub mod output;
pub mod settings;
pub mod sim;
pub mod token;
pub mod validation;
pub mod wait;
pub mod world;

use std::process::ExitCode;

use crate::cli::{Cli, Command};
use crate::context::Context;
use crate::exit::{CliError, Exit};

/// Parses the command line, runs the command and returns the documented exit code.
pub fn main_entry() -> ExitCode {
    let cli = match Cli::parse_from_args(std::env::args_os()) {
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
    let format = cli.output;
    match runtime.block_on(dispatch(cli)) {
        Ok(()) | Err(CliError::StdoutClosed) => Exit::Success.into(),
        Err(error) => {
            if format.is_json() {
                eprintln!("{}", error.to_json());
            } else {
                eprintln!("wxbw: {error}");
            }
            error.exit().into()
        }
    }
}

/// Runs the parsed command line.
pub async fn dispatch(cli: Cli) -> Result<(), CliError> {
    let given = settings::Given {
        base_url: cli.base_url,
        token: cli.token,
        token_file: cli.token_file,
        profile: cli.profile,
    };
    let output = cli.output;
    output::set_view(output::View {
        width: output::detect_width(),
        wide: cli.wide,
    });
    // The config file is read only by the commands that use it.
    let context = |given: settings::Given| -> Result<Context, CliError> {
        let settings = settings::resolve(given, connect::DEFAULT_BASE_URL)?;
        Ok(Context {
            base_url: settings.base_url,
            token: settings.token,
            output,
        })
    };
    let given_token = || match &given.token {
        Some(token) => settings::TokenSource::Given(token.clone()),
        None => settings::TokenSource::Missing,
    };
    let local = Context {
        base_url: connect::DEFAULT_BASE_URL.to_string(),
        token: given_token(),
        output,
    };
    match cli.command {
        Command::Api(command) => commands::run(&context(given)?, command).await,
        Command::Config => config::show(given, output),
        Command::Demo(args) => demo::run(&local, args).await,
        Command::Sim(args) => sim::run(&local, args).await,
        Command::Completions(args) => {
            let mut script = Vec::new();
            clap_complete::generate(args.shell, &mut cli::command(), "wxbw", &mut script);
            output::line(String::from_utf8_lossy(&script).trim_end())
        }
        Command::Man => {
            let mut page = Vec::new();
            clap_mangen::Man::new(cli::command())
                .render(&mut page)
                .map_err(|error| CliError::local("cannot render the manual page", error))?;
            output::line(String::from_utf8_lossy(&page).trim_end())
        }
    }
}
