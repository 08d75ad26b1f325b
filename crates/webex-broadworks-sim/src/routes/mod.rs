//! The HTTP routes: the Webex operations below `/v1`, the admin view below `/_sim`.

mod billing;
mod enterprises;
mod extract;
mod subscribers;
mod workspaces;

use std::sync::Arc;

use axum::Router;
use axum::middleware::from_fn_with_state;
use axum::routing::{get, post, put};

use crate::admin;
use crate::app::App;
use crate::error::ApiError;
use crate::middleware::{gateway, tracking};

/// The whole simulator: Webex routes behind the gateway, the admin view beside them.
pub(crate) fn router(app: Arc<App>) -> Router {
    let api = Router::new()
        .route(
            "/v1/broadworks/subscribers",
            get(subscribers::list).post(subscribers::provision),
        )
        .route(
            "/v1/broadworks/subscribers/validate",
            post(subscribers::precheck),
        )
        .route(
            "/v1/broadworks/subscribers/{subscriberId}",
            get(subscribers::get)
                .put(subscribers::update)
                .delete(subscribers::remove),
        )
        .route(
            "/v1/subscribers/{subscriberId}/emails/consentMove",
            post(subscribers::send_consent_move_email),
        )
        .route("/v1/broadworks/workspaces", post(workspaces::provision))
        .route(
            "/v1/broadworks/workspaces/{workspaceId}",
            put(workspaces::update).delete(workspaces::remove),
        )
        .route("/v1/broadworks/enterprises", get(enterprises::list))
        .route(
            "/v1/broadworks/enterprises/{id}/broadworksDirectorySync",
            get(enterprises::get_directory_sync)
                .put(enterprises::update_directory_sync)
                .post(enterprises::trigger_directory_sync),
        )
        .route(
            "/v1/broadworks/enterprises/{id}/broadworksDirectorySync/externalUser",
            post(enterprises::trigger_user_directory_sync),
        )
        .route(
            "/v1/broadworks/billing/reports",
            get(billing::list).post(billing::create),
        )
        .route(
            "/v1/broadworks/billing/reports/{id}",
            get(billing::get).delete(billing::delete),
        )
        .layer(from_fn_with_state(app.clone(), gateway));
    Router::new()
        .merge(api)
        .nest("/_sim", admin::router())
        .fallback(not_found)
        .layer(from_fn_with_state(app.clone(), tracking))
        .with_state(app)
}

async fn not_found() -> ApiError {
    ApiError::not_found("The requested resource could not be found.")
}

/// A list body from its generated builder, which sets every field the list has (`items`, and
/// whatever optional field the spec adds later), so a new field needs no change here. A
/// field the spec makes required, and nothing here sets, fails every listing at once with
/// its name.
fn list_of<B, T>(builder: B) -> T
where
    T: TryFrom<B, Error = webex_broadworks_api::types::error::ConversionError>,
{
    match T::try_from(builder) {
        Ok(list) => list,
        Err(missing) => panic!("a list body lacks a required field: {missing}"),
    }
}
