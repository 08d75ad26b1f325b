//! Enterprise operations: list, and directory synchronisation (get, update, trigger, one user).

use super::list_of;
use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use webex_broadworks_api::types;

use super::extract::{Id, Params};
use crate::app::{App, RequestTracking};
use crate::body::JsonBody;
use crate::error::ApiError;
use crate::faults::FaultDecision;
use crate::operation::Operation;
use crate::pagination::{CURSOR_PARAM, ENTERPRISE_PAGES, PageRequest, next_link};
use crate::views;

pub(crate) async fn list(
    State(app): State<Arc<App>>,
    Extension(decision): Extension<FaultDecision>,
    params: Params,
) -> Result<Response, ApiError> {
    let page = PageRequest::parse(
        params.get("max"),
        params.get(CURSOR_PARAM),
        ENTERPRISE_PAGES,
    )
    .map_err(|message| ApiError::invalid_field("max", message))?;
    let (items, next) = {
        let mut store = app.store();
        let records = store.list_enterprises(
            params.get("spEnterpriseId"),
            params.get("startsWith"),
            app.clock.now(),
        );
        let (records, next) = page.take(records);
        let items: Vec<types::Enterprise> = records.into_iter().map(views::enterprise).collect();
        (items, next)
    };
    let mut response = Json(list_of::<_, types::EnterpriseList>(
        types::EnterpriseList::builder().items(items),
    ))
    .into_response();
    if let Some(cursor) = next {
        let url = format!(
            "{}{}",
            app.base_url,
            Operation::ListEnterprises.path_template()
        );
        let link = next_link(&url, &params.0, page.size, &cursor, decision.broken_link);
        if let Ok(value) = HeaderValue::from_str(&link) {
            response.headers_mut().insert(header::LINK, value);
        }
    }
    Ok(response)
}

pub(crate) async fn get_directory_sync(
    State(app): State<Arc<App>>,
    Id(id): Id,
) -> Result<Json<types::DirectorySync>, ApiError> {
    let mut store = app.store();
    let record = store.enterprise(&id, app.clock.now())?;
    Ok(Json(views::directory_sync(record)))
}

pub(crate) async fn update_directory_sync(
    State(app): State<Arc<App>>,
    Id(id): Id,
    JsonBody(body): JsonBody<types::UpdateDirectorySyncRequest>,
) -> Result<Json<types::DirectorySync>, ApiError> {
    let mut store = app.store();
    let record = store.enterprise(&id, app.clock.now())?;
    record.enable_dir_sync = body.enable_dir_sync;
    Ok(Json(views::directory_sync_summary(record)))
}

pub(crate) async fn trigger_directory_sync(
    State(app): State<Arc<App>>,
    Extension(tracking): Extension<RequestTracking>,
    Id(id): Id,
    JsonBody(_body): JsonBody<types::TriggerDirectorySyncRequest>,
) -> Result<Json<types::DirectorySync>, ApiError> {
    let now = app.clock.now();
    let mut store = app.store();
    let duration = store.settings.timing.directory_sync;
    let record = store.enterprise(&id, now)?;
    // The sync is known by the client's tracking id when it sent one.
    let tracking_id = tracking.client_tracking_id.unwrap_or(tracking.tracking_id);
    record.trigger_sync(now, duration, tracking_id)?;
    Ok(Json(views::directory_sync_summary(record)))
}

pub(crate) async fn trigger_user_directory_sync(
    State(app): State<Arc<App>>,
    Id(id): Id,
    JsonBody(body): JsonBody<types::TriggerUserDirectorySyncRequest>,
) -> Result<Json<types::UserDirectorySyncResult>, ApiError> {
    let mut store = app.store();
    let record = store.enterprise(&id, app.clock.now())?;
    let (user, operation) = record.sync_user(&body.user_id)?;
    Ok(Json(views::user_sync_result(&user, operation)))
}
