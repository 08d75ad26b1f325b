//! The admin view below `/_sim`, outside the Webex paths: request counts and log, state
//! dump, reset, seeding, end-user actions, and the downloads billing reports link to.
//!
//! It needs no token and is never rate limited or faulted.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use webex_broadworks_api::wire::{BillingReportStatus, SubscriberStatus};

use crate::app::App;
use crate::error::ApiError;
use crate::fixture::{self, Fixture};
use crate::monitor::RequestRecord;
use crate::operation::Operation;

pub(crate) fn router() -> Router<Arc<App>> {
    Router::new()
        .route("/requests", get(request_log))
        .route("/requests/counts", get(request_counts))
        .route("/state", get(state))
        .route("/reset", post(reset))
        .route("/seed", post(seed))
        .route("/subscribers/{id}/resume", post(resume))
        .route("/downloads/{file}", get(download))
}

/// Requests per operation, every operation listed.
pub(crate) fn counts_by_operation(app: &App) -> BTreeMap<Operation, u64> {
    let mut counts: BTreeMap<Operation, u64> = Operation::ALL.iter().map(|op| (*op, 0)).collect();
    counts.extend(app.monitor().counts());
    counts
}

async fn request_counts(State(app): State<Arc<App>>) -> Json<BTreeMap<Operation, u64>> {
    Json(counts_by_operation(&app))
}

async fn request_log(State(app): State<Arc<App>>) -> Json<Vec<RequestRecord>> {
    Json(app.monitor().log())
}

async fn state(State(app): State<Arc<App>>) -> Json<Fixture> {
    let mut store = app.store();
    store.settle_all(app.clock.now());
    Json(fixture::dump(&store))
}

async fn reset(State(app): State<Arc<App>>) -> StatusCode {
    app.reset();
    StatusCode::NO_CONTENT
}

async fn seed(State(app): State<Arc<App>>, body: Bytes) -> Result<StatusCode, ApiError> {
    let text = std::str::from_utf8(&body)
        .map_err(|_| ApiError::bad_request("The fixture must be UTF-8 text."))?;
    let fixture = Fixture::from_json_str(text)
        .or_else(|_| Fixture::from_yaml_str(text))
        .map_err(|error| ApiError::bad_request(format!("{error}: {}", error_chain(&error))))?;
    let mut store = app.store();
    fixture
        .apply(&mut store, app.clock.now())
        .map_err(|error| ApiError::bad_request(error.to_string()))?;
    Ok(StatusCode::NO_CONTENT)
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut parts = Vec::new();
    let mut source = error.source();
    while let Some(cause) = source {
        parts.push(cause.to_string());
        source = cause.source();
    }
    parts.join(": ")
}

/// The end user did what a `pending_*` status waits for.
async fn resume(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let now = app.clock.now();
    let mut store = app.store();
    let delay = store.settings.timing.provisioning;
    store.subscriber(&id, now)?.resume(now, delay)?;
    Ok(StatusCode::NO_CONTENT)
}

/// The CSV of a completed billing report: one line per provisioned subscriber.
async fn download(
    State(app): State<Arc<App>>,
    Path(file): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let id = file.strip_suffix(".csv").unwrap_or(&file);
    let now = app.clock.now();
    let mut store = app.store();
    let report = store.billing_report(id, now)?;
    if report.status != BillingReportStatus::Completed {
        return Err(ApiError::not_found(format!(
            "Billing report '{id}' has no download."
        )));
    }
    let period = report.period.to_string();
    let mut csv = String::from("billingPeriod,userId,spEnterpriseId,package\n");
    store.settle_all(now);
    for subscriber in store
        .subscribers
        .values()
        .filter(|s| s.status == SubscriberStatus::Provisioned)
    {
        let fields = &subscriber.fields;
        csv.push_str(&format!(
            "{period},{},{},{}\n",
            csv_field(&fields.user_id),
            csv_field(&fields.sp_enterprise_id),
            fields.package
        ));
    }
    Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], csv))
}

fn csv_field(value: &str) -> String {
    if value.contains([',', '"', '\n']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_string()
    }
}
