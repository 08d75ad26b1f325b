//! Billing report operations: list, create, get, delete.

use super::list_of;
use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::{Extension, Json};
use webex_broadworks_api::types;

use super::extract::{Id, Params};
use crate::app::{App, Caller};
use crate::body::JsonBody;
use crate::error::ApiError;
use crate::state::{BillingPeriod, BillingSort, parse_period};
use crate::views;

pub(crate) async fn list(
    State(app): State<Arc<App>>,
    params: Params,
) -> Result<Json<types::BillingReportList>, ApiError> {
    let period = |name: &str| -> Result<Option<BillingPeriod>, ApiError> {
        params
            .get(name)
            .map(|raw| parse_period(name, raw))
            .transpose()
    };
    let before = period("before")?;
    let after = period("after")?;
    let sort = match params.get("sortBy") {
        None => BillingSort::BillingPeriod,
        Some(raw) => BillingSort::parse(raw).ok_or_else(|| {
            ApiError::invalid_field(
                "sortBy",
                format!("'{raw}' is not one of id, status, billingPeriod."),
            )
        })?,
    };
    let mut store = app.store();
    let items: Vec<types::BillingReportSummary> = store
        .list_billing_reports(before, after, sort, app.clock.now())
        .into_iter()
        .map(views::billing_summary)
        .collect();
    Ok(Json(list_of::<_, types::BillingReportList>(
        types::BillingReportList::builder().items(items),
    )))
}

pub(crate) async fn create(
    State(app): State<Arc<App>>,
    Extension(caller): Extension<Caller>,
    JsonBody(body): JsonBody<types::CreateBillingReportRequest>,
) -> Result<Json<types::BillingReportId>, ApiError> {
    let period = parse_period("billingPeriod", body.billing_period.as_str())?;
    let created_by = app
        .admin_person_ids
        .get(caller.token.0)
        .cloned()
        .unwrap_or_default();
    let mut store = app.store();
    let record = store.create_billing_report(period, created_by, app.clock.now());
    Ok(Json(types::BillingReportId {
        id: Some(record.id.clone()),
        ..Default::default()
    }))
}

pub(crate) async fn get(
    State(app): State<Arc<App>>,
    Id(id): Id,
) -> Result<Json<types::BillingReport>, ApiError> {
    let mut store = app.store();
    let record = store.billing_report(&id, app.clock.now())?;
    Ok(Json(views::billing_report(record)))
}

pub(crate) async fn delete(
    State(app): State<Arc<App>>,
    Id(id): Id,
) -> Result<StatusCode, ApiError> {
    app.store().delete_billing_report(&id)?;
    Ok(StatusCode::NO_CONTENT)
}
