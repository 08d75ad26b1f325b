//! One module per command group; each turns parsed arguments into API calls and output.

pub mod billing;
pub mod bulk;
pub mod enterprises;
pub mod sim;
pub mod subscribers;
pub mod workspaces;

use crate::cli::{Cli, Command, OutputFormat};
use crate::exit::CliError;
use crate::token::Token;
use crate::validation::Problems;

/// What every command gets from the global flags.
#[derive(Clone, Debug)]
pub struct Context {
    /// The API's base URL.
    pub base_url: String,
    /// The access token, if one was given.
    pub token: Option<Token>,
    /// How results are printed.
    pub output: OutputFormat,
}

impl Context {
    /// The client of the API; a usage error without a token.
    pub fn client(&self) -> Result<webex_broadworks::Client, CliError> {
        let token = self.token.clone().ok_or_else(|| {
            CliError::Usage(
                "no access token: set WEBEX_TOKEN (or pass --token) to a partner administrator's token"
                    .into(),
            )
        })?;
        crate::connect::client(&self.base_url, &token)
    }
}

/// Runs the parsed command line.
pub async fn dispatch(cli: Cli) -> Result<(), CliError> {
    let context = Context {
        base_url: cli.base_url,
        token: cli.token,
        output: cli.output,
    };
    match cli.command {
        Command::Subscribers(command) => subscribers::run(&context, command).await,
        Command::Workspaces(command) => workspaces::run(&context, command).await,
        Command::Enterprises(command) => enterprises::run(&context, command).await,
        Command::Billing(command) => billing::run(&context, command).await,
        Command::Bulk(command) => bulk::run(&context, command).await,
        Command::Demo(args) => crate::demo::run(&context, args).await,
        Command::Sim(args) => sim::run(&context, args).await,
    }
}

/// The fields a command line gave, by their wire names; flags left out are absent.
#[derive(Debug, Default)]
pub struct Fields(Vec<(&'static str, String)>);

impl<const N: usize> From<[(&'static str, Option<String>); N]> for Fields {
    fn from(fields: [(&'static str, Option<String>); N]) -> Self {
        Fields(
            fields
                .into_iter()
                .filter_map(|(name, value)| value.map(|value| (name, value)))
                .collect(),
        )
    }
}

impl Fields {
    /// The value given for `name`.
    pub fn get(&self, name: &str) -> Option<String> {
        self.0
            .iter()
            .find(|(field, _)| *field == name)
            .map(|(_, value)| value.clone())
    }

    /// Whether no field was given.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The value of a required flag, or a problem naming it.
pub fn required(problems: &mut Problems, flag: &str, value: Option<String>) -> String {
    match value {
        Some(value) if !value.trim().is_empty() => value,
        _ => {
            problems.field(flag, "is required");
            String::new()
        }
    }
}
