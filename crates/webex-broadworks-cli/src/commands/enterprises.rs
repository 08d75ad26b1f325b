//! `wxbw enterprises list` and `wxbw enterprises directory-sync get|update|trigger|sync-user`.

use futures::StreamExt;
use webex_broadworks::DirectorySyncState;
use webex_broadworks::types::DirectorySync;

use super::fields::required;
use crate::cli::{DirectorySyncCommand, EnterpriseCommand, ListEnterprisesArgs};
use crate::connect::wait_policy;
use crate::context::Context;
use crate::exit::CliError;
use crate::output::{self, EnterpriseRows};
use crate::validation::Problems;
use crate::wait::{self, Waited};

/// Runs one enterprise command.
pub async fn run(context: &Context, command: EnterpriseCommand) -> Result<(), CliError> {
    match command {
        EnterpriseCommand::List(args) => list(context, args).await,
        EnterpriseCommand::DirectorySync(command) => directory_sync(context, command).await,
    }
}

async fn list(context: &Context, args: ListEnterprisesArgs) -> Result<(), CliError> {
    let client = context.client()?;
    let mut list = client.enterprises().list();
    if let Some(value) = args.sp_enterprise_id {
        list = list.sp_enterprise_id(value);
    }
    if let Some(value) = args.starts_with {
        list = list.starts_with(value);
    }
    if let Some(value) = args.max {
        list = list.page_size(value);
    }
    let items = list.stream().take(args.limit.unwrap_or(usize::MAX)).boxed();
    output::list(context.output, items, EnterpriseRows).await
}

fn sync_state(sync: &DirectorySync) -> Option<DirectorySyncState> {
    sync.directory_sync_status
        .as_ref()
        .and_then(|status| status.sync_status.clone())
}

async fn directory_sync(context: &Context, command: DirectorySyncCommand) -> Result<(), CliError> {
    match command {
        DirectorySyncCommand::Get(args) => {
            let client = context.client()?;
            let sync = client
                .enterprises()
                .directory_sync(&args.enterprise_id)
                .await?;
            output::print(context.output, &sync)
        }
        DirectorySyncCommand::Update(args) => {
            let Some(enabled) = args.enable_dir_sync else {
                let mut problems = Problems::new();
                problems.field("--enable-dir-sync", "is required: true or false");
                return Err(CliError::Invalid(problems));
            };
            let client = context.client()?;
            let sync = client
                .enterprises()
                .set_directory_sync(&args.enterprise_id, enabled)
                .await?;
            output::print(context.output, &sync)
        }
        DirectorySyncCommand::Trigger(args) => {
            let client = context.client()?;
            let enterprises = client.enterprises();
            let started = enterprises
                .trigger_directory_sync(&args.enterprise_id)
                .await?;
            if !args.wait.wait {
                return output::print(context.output, &started);
            }
            let what = format!("directory sync of {}", args.enterprise_id);
            let changes = enterprises
                .wait_directory_sync(&args.enterprise_id)
                .with_policy(wait_policy(args.wait.wait_timeout))
                .changes();
            let waited = wait::follow(&what, changes, |sync: &DirectorySync| {
                sync_state(sync).map_or_else(|| "unknown".into(), |state| state.to_string())
            })
            .await?;
            let again = format!("wxbw enterprises directory-sync get {}", args.enterprise_id);
            match waited {
                Waited::Done(sync) => {
                    output::print(context.output, &sync)?;
                    if sync_state(&sync) == Some(DirectorySyncState::Failed) {
                        return Err(CliError::Outcome(format!("the {what} failed")));
                    }
                    Ok(())
                }
                Waited::TimedOut => Err(CliError::TimedOut(format!(
                    "the {what} is still running; look again with: {again}"
                ))),
                Waited::Interrupted => Err(CliError::Interrupted(format!(
                    "stopped waiting; the {what} goes on. Look again with: {again}"
                ))),
            }
        }
        DirectorySyncCommand::SyncUser(args) => {
            let mut problems = Problems::new();
            let user_id = required(&mut problems, "--user-id", args.user_id);
            problems.into_result().map_err(CliError::Invalid)?;
            let client = context.client()?;
            let result = client
                .enterprises()
                .sync_user(&args.enterprise_id, &user_id)
                .await?;
            output::print(context.output, &result)
        }
    }
}
