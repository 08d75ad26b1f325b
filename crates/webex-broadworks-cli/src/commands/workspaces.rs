//! `wxbw workspaces provision|update|remove`.

use webex_broadworks::types;
use webex_broadworks::{ProvisionWorkspace, UpdateWorkspace};

use crate::builders::{self, Naming};
use crate::cli::{ProvisionWorkspaceArgs, UpdateWorkspaceArgs, WorkspaceCommand};
use crate::context::Context;
use crate::exit::CliError;
use crate::field_table;
use crate::output::{self, Done};
use crate::validation::Problems;

/// Runs one workspace command.
pub async fn run(context: &Context, command: WorkspaceCommand) -> Result<(), CliError> {
    match command {
        WorkspaceCommand::Provision(args) => {
            let request = provision_request(args).map_err(CliError::Invalid)?;
            let client = context.client()?;
            let workspace = client.workspaces().provision(request).await?;
            output::print(context.output, &workspace)
        }
        WorkspaceCommand::Update(args) => {
            let (id, request) = update_request(args).map_err(CliError::Invalid)?;
            let client = context.client()?;
            let workspace = client.workspaces().update(&id, request).await?;
            output::print(context.output, &workspace)
        }
        WorkspaceCommand::Remove(args) => {
            let mut problems = Problems::new();
            let id = workspace_id(&mut problems, &args.workspace_id);
            problems.into_result().map_err(CliError::Invalid)?;
            let client = context.client()?;
            client.workspaces().remove(&id).await?;
            output::print(
                context.output,
                &Done {
                    id: args.workspace_id,
                    result: "removed",
                },
            )
        }
    }
}

fn workspace_id(problems: &mut Problems, id: &str) -> types::WorkspaceId {
    types::WorkspaceId::try_from(id).unwrap_or_else(|error| {
        problems.field(
            "WORKSPACE_ID",
            format!("must be 1 to 256 characters ({error})"),
        );
        types::WorkspaceId::try_from("-").expect("one character is a valid id")
    })
}

/// The workspace the flags describe, or every problem with them.
pub fn provision_request(args: ProvisionWorkspaceArgs) -> Result<ProvisionWorkspace, Problems> {
    let fields = args.fields.0;
    let mut problems = Problems::new();
    let request =
        builders::provision_workspace(|name| fields.get(name), Naming::Flags, &mut problems);
    request.ok_or(problems)
}

/// The update the flags describe, or every problem with them.
pub fn update_request(
    args: UpdateWorkspaceArgs,
) -> Result<(types::WorkspaceId, UpdateWorkspace), Problems> {
    let mut problems = Problems::new();
    let id = workspace_id(&mut problems, &args.workspace_id);
    let fields = args.fields.0;
    if fields.is_empty() {
        problems.field(
            "fields",
            format!(
                "nothing to change: give at least one of {}",
                field_table::flag_list(field_table::UPDATE_WORKSPACE)
            ),
        );
    }
    let request = builders::update_workspace(|name| fields.get(name), Naming::Flags, &mut problems);
    match request {
        Some(request) if problems.is_empty() => Ok((id, request)),
        _ => Err(problems),
    }
}
