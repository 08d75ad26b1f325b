//! Subscriber operations: list, provision, get, update, remove, precheck, consentMove.

use super::list_of;
use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use webex_broadworks_api::types;
use webex_broadworks_api::wire::{ErrorCode, Package, SubscriberStatus};

use super::extract::{Id, Params};
use crate::app::App;
use crate::body::JsonBody;
use crate::clock::parse_instant;
use crate::error::ApiError;
use crate::faults::FaultDecision;
use crate::operation::Operation;
use crate::pagination::{CURSOR_PARAM, PageRequest, SUBSCRIBER_PAGES, next_link};
use crate::state::{SubscriberChanges, SubscriberFields, SubscriberFilter};
use crate::views;

/// The info code of a successful precheck.
const PRECHECK_OK: i64 = 100;

fn known_package(package: Package) -> Result<Package, ApiError> {
    if package.is_known() {
        Ok(package)
    } else {
        Err(ApiError::invalid_field(
            "package",
            format!("'{package}' is not a package; use softphone, basic, standard or premium."),
        ))
    }
}

/// A field the description declares `format: email`: one `@`, something before it, and a
/// dotted domain after it, without spaces.
fn email(field: &str, value: Option<&str>) -> Result<(), ApiError> {
    let Some(value) = value else { return Ok(()) };
    let valid = match value.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !value.contains(char::is_whitespace)
        }
        None => false,
    };
    if valid {
        Ok(())
    } else {
        Err(ApiError::invalid_field(
            field,
            format!("'{field}' must be an e-mail address."),
        ))
    }
}

fn instant_param(
    params: &Params,
    name: &str,
) -> Result<Option<chrono::DateTime<chrono::Utc>>, ApiError> {
    params
        .get(name)
        .map(|raw| {
            parse_instant(raw).ok_or_else(|| {
                ApiError::invalid_field(
                    name,
                    format!("'{name}' must be epoch milliseconds or ISO-8601, not '{raw}'."),
                )
            })
        })
        .transpose()
}

fn filter_from(params: &Params) -> Result<SubscriberFilter, ApiError> {
    let text = |name: &str| params.get(name).map(str::to_string);
    let statuses = params
        .get("status")
        .map(|raw| {
            raw.split(',')
                .map(str::trim)
                .filter(|value| !value.is_empty())
                .map(|value| {
                    let status = SubscriberStatus::from(value);
                    if status.is_known() {
                        Ok(status)
                    } else {
                        Err(ApiError::invalid_field(
                            "status",
                            format!("'{value}' is not a subscriber status."),
                        ))
                    }
                })
                .collect::<Result<Vec<_>, _>>()
        })
        .transpose()?;
    let self_activated = params
        .get("selfActivated")
        .map(|raw| match raw {
            "true" => Ok(true),
            "false" => Ok(false),
            _ => Err(ApiError::invalid_field(
                "selfActivated",
                "'selfActivated' must be true or false.",
            )),
        })
        .transpose()?;
    Ok(SubscriberFilter {
        user_id: text("userId"),
        person_id: text("personId"),
        email: text("email"),
        provisioning_id: text("provisioningId"),
        sp_enterprise_id: text("spEnterpriseId"),
        last_status_change_after: instant_param(params, "lastStatusChange")?,
        statuses,
        created_after: instant_param(params, "after")?,
        self_activated,
    })
}

pub(crate) async fn list(
    State(app): State<Arc<App>>,
    Extension(decision): Extension<FaultDecision>,
    params: Params,
) -> Result<Response, ApiError> {
    let filter = filter_from(&params)?;
    let page = PageRequest::parse(
        params.get("max"),
        params.get(CURSOR_PARAM),
        SUBSCRIBER_PAGES,
    )
    .map_err(|message| ApiError::invalid_field("max", message))?;
    let (items, next) = {
        let mut store = app.store();
        // One more than the page: whether a next page follows.
        let listed = store.list_subscribers(&filter, page.after, page.size + 1, app.clock.now());
        let (records, next) = page.take(listed);
        let items: Vec<types::Subscriber> = records.into_iter().map(views::subscriber).collect();
        (items, next)
    };
    let mut response = Json(list_of::<_, types::SubscriberList>(
        types::SubscriberList::builder().items(items),
    ))
    .into_response();
    if let Some(cursor) = next {
        let url = format!(
            "{}{}",
            app.base_url,
            Operation::ListSubscribers.path_template()
        );
        let link = next_link(&url, &params.0, page.size, &cursor, decision.broken_link);
        if let Ok(value) = HeaderValue::from_str(&link) {
            response.headers_mut().insert(header::LINK, value);
        }
    }
    Ok(response)
}

pub(crate) async fn provision(
    State(app): State<Arc<App>>,
    Extension(decision): Extension<FaultDecision>,
    JsonBody(body): JsonBody<types::ProvisionSubscriberRequest>,
) -> Result<Json<types::Subscriber>, ApiError> {
    email("email", body.email.as_deref())?;
    let fields = SubscriberFields {
        package: known_package(body.package)?,
        user_id: body.user_id,
        sp_enterprise_id: body.sp_enterprise_id,
        provisioning_id: body.provisioning_id,
        first_name: body.first_name,
        last_name: body.last_name,
        email: body.email,
        primary_phone_number: body.primary_phone_number,
        mobile_phone_number: body.mobile_phone_number,
        extension: body.extension,
        language: body.language,
        timezone: body.timezone,
    };
    let mut store = app.store();
    let record = store.provision_subscriber(fields, app.clock.now(), decision.lateness)?;
    Ok(Json(views::subscriber(record)))
}

pub(crate) async fn get(
    State(app): State<Arc<App>>,
    Id(id): Id,
) -> Result<Json<types::Subscriber>, ApiError> {
    let mut store = app.store();
    let record = store.subscriber(&id, app.clock.now())?;
    Ok(Json(views::subscriber(record)))
}

pub(crate) async fn update(
    State(app): State<Arc<App>>,
    Extension(decision): Extension<FaultDecision>,
    Id(id): Id,
    JsonBody(body): JsonBody<types::UpdateSubscriberRequest>,
) -> Result<Json<types::Subscriber>, ApiError> {
    let changes = SubscriberChanges {
        user_id: body.user_id,
        first_name: body.first_name,
        last_name: body.last_name,
        primary_phone_number: body.primary_phone_number,
        mobile_phone_number: body.mobile_phone_number,
        extension: body.extension,
        timezone: body.timezone,
        package: body.package.map(known_package).transpose()?,
    };
    let mut store = app.store();
    let record = store.update_subscriber(&id, &changes, app.clock.now(), decision.lateness)?;
    Ok(Json(views::subscriber(record)))
}

pub(crate) async fn remove(
    State(app): State<Arc<App>>,
    Id(id): Id,
) -> Result<StatusCode, ApiError> {
    app.store().remove_subscriber(&id)?;
    Ok(StatusCode::NO_CONTENT)
}

pub(crate) async fn precheck(
    State(app): State<Arc<App>>,
    JsonBody(body): JsonBody<types::PrecheckSubscriberRequest>,
) -> Result<Json<types::PrecheckResponse>, ApiError> {
    email("email", Some(body.email.as_str()))?;
    if let Some(customer) = &body.customer_info {
        email(
            "customerInfo.primaryEmail",
            Some(customer.primary_email.as_str()),
        )?;
    }
    if let Some(package) = body.package {
        known_package(package)?;
    }
    app.store().precheck(
        body.user_id.as_deref(),
        body.provisioning_id.as_deref(),
        app.clock.now(),
    )?;
    Ok(Json(types::PrecheckResponse {
        message: Some("success".to_string()),
        info: vec![types::PrecheckInfo {
            info_code: Some(ErrorCode(PRECHECK_OK)),
            description: Some("Provisioning preCheck validation successful.".to_string()),
            ..Default::default()
        }],
        ..Default::default()
    }))
}

pub(crate) async fn send_consent_move_email(
    State(app): State<Arc<App>>,
    Id(id): Id,
) -> Result<StatusCode, ApiError> {
    let mut store = app.store();
    store
        .subscriber(&id, app.clock.now())?
        .send_consent_email()?;
    Ok(StatusCode::NO_CONTENT)
}
