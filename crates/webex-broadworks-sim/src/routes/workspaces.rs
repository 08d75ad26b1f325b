//! Workspace operations: provision, update, remove.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use webex_broadworks_api::types;

use super::extract::Id;
use crate::app::App;
use crate::body::JsonBody;
use crate::error::ApiError;
use crate::state::{NewWorkspace, WorkspaceChanges};
use crate::views;

/// Checks the spec's bounds on a workspace id (1 to 256 characters).
fn workspace_id(id: String) -> Result<String, ApiError> {
    types::WorkspaceId::try_from(id.as_str())
        .map(String::from)
        .map_err(|reason| {
            ApiError::invalid_field("workspaceId", format!("'workspaceId' is invalid: {reason}"))
        })
}

pub(crate) async fn provision(
    State(app): State<Arc<App>>,
    JsonBody(body): JsonBody<types::ProvisionWorkspaceRequest>,
) -> Result<Json<types::Workspace>, ApiError> {
    let new = NewWorkspace {
        provisioning_id: body.provisioning_id,
        user_id: body.user_id,
        sp_enterprise_id: body.sp_enterprise_id,
        display_name: body.display_name,
        primary_phone_number: body.primary_phone_number,
        extension: body.extension,
    };
    let mut store = app.store();
    let record = store.provision_workspace(new, app.clock.now())?;
    Ok(Json(views::workspace(record)))
}

pub(crate) async fn update(
    State(app): State<Arc<App>>,
    Id(id): Id,
    JsonBody(body): JsonBody<types::UpdateWorkspaceRequest>,
) -> Result<Json<types::Workspace>, ApiError> {
    let id = workspace_id(id)?;
    let changes = WorkspaceChanges {
        user_id: body.user_id,
        primary_phone_number: body.primary_phone_number,
        extension: body.extension,
    };
    let mut store = app.store();
    let record = store.update_workspace(&id, changes, app.clock.now())?;
    Ok(Json(views::workspace(record)))
}

pub(crate) async fn remove(
    State(app): State<Arc<App>>,
    Id(id): Id,
) -> Result<StatusCode, ApiError> {
    let id = workspace_id(id)?;
    app.store().remove_workspace(&id)?;
    Ok(StatusCode::NO_CONTENT)
}
