//! One module per command group; each turns parsed arguments into API calls and output.

pub mod billing;
pub mod bulk;
pub mod enterprises;
pub mod fields;
pub mod subscribers;
pub mod workspaces;

use crate::cli::ApiCommand;
use crate::context::Context;
use crate::exit::CliError;

/// Runs one of the API's commands.
pub async fn run(context: &Context, command: ApiCommand) -> Result<(), CliError> {
    match command {
        ApiCommand::Subscribers(command) => subscribers::run(context, command).await,
        ApiCommand::Workspaces(command) => workspaces::run(context, command).await,
        ApiCommand::Enterprises(command) => enterprises::run(context, command).await,
        ApiCommand::Billing(command) => billing::run(context, command).await,
        ApiCommand::Bulk(command) => bulk::run(context, command).await,
    }
}
