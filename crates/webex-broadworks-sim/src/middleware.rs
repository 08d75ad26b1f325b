//! The layers every request passes through.
//!
//! - [`tracking`] (all routes): gives the request its `trackingid`, writes WebexError
//!   bodies, sets the `trackingid` header, and cuts bodies short for the truncation fault.
//! - [`gateway`] (Webex routes): counts and logs the request, then authenticates it, applies
//!   the rate limit, checks the scope and injects faults, in that order, before the handler;
//!   faults that show after the request is applied change the handler's answer.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures::StreamExt;

use crate::app::{App, Caller, RequestTracking};
use crate::error::ApiError;
use crate::faults::Fault;
use crate::monitor::RequestRecord;
use crate::operation::Operation;
use crate::server::ConnectionControl;
use crate::views;

/// Where the Webex operations are served, below the simulator's root.
pub(crate) const API_PREFIX: &str = "/v1";

/// The response header that carries the request's tracking id.
const TRACKING_HEADER: &str = "trackingid";

/// Marks a response whose body must be cut short.
#[derive(Clone, Copy, Debug)]
struct TruncateBody;

pub(crate) async fn tracking(
    State(app): State<Arc<App>>,
    mut request: Request,
    next: Next,
) -> Response {
    let client_tracking_id = request
        .headers()
        .get("TrackingID")
        .and_then(|value| value.to_str().ok())
        .map(str::to_string);
    let tracking_id = app.new_tracking_id();
    let connection = request.extensions().get::<ConnectionControl>().cloned();
    request.extensions_mut().insert(RequestTracking {
        tracking_id: tracking_id.clone(),
        client_tracking_id,
    });

    let mut response = next.run(request).await;

    if let Some(error) = response.extensions_mut().remove::<ApiError>() {
        let body = serde_json::to_vec(&views::webex_error(&error, &tracking_id))
            .expect("a WebexError always serialises");
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        *response.body_mut() = Body::from(body);
    }
    if let Ok(value) = HeaderValue::from_str(&tracking_id) {
        response.headers_mut().insert(TRACKING_HEADER, value);
    }
    // The router would advertise HEAD beside GET; the API serves no HEAD, so it is not said.
    if let Some(allow) = response.headers().get(header::ALLOW).cloned() {
        let methods = allow_without_head(allow.to_str().unwrap_or_default());
        if let Ok(value) = HeaderValue::from_str(&methods) {
            response.headers_mut().insert(header::ALLOW, value);
        }
    }
    if response.extensions().get::<TruncateBody>().is_some() {
        return truncate(response, connection).await;
    }
    response
}

/// Sends the status, the headers (with the full `Content-Length`) and half the body, then
/// fails the body so that the connection closes.
async fn truncate(response: Response, connection: Option<ConnectionControl>) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    if bytes.len() < 2 {
        // Nothing to cut: the response is lost instead.
        return close_without_response(connection).await;
    }
    parts
        .headers
        .insert(header::CONTENT_LENGTH, HeaderValue::from(bytes.len()));
    let head = bytes.slice(..bytes.len() / 2);
    let stream = futures::stream::once(async move { Ok::<Bytes, std::io::Error>(head) }).chain(
        futures::stream::once(async {
            // Let the first half reach the socket before the failure ends the connection.
            tokio::task::yield_now().await;
            Err(std::io::Error::new(
                std::io::ErrorKind::ConnectionAborted,
                "response truncated",
            ))
        }),
    );
    Response::from_parts(parts, Body::from_stream(stream))
}

/// An `Allow` list without HEAD.
fn allow_without_head(allow: &str) -> String {
    allow
        .split(',')
        .map(str::trim)
        .filter(|method| !method.eq_ignore_ascii_case("HEAD") && !method.is_empty())
        .collect::<Vec<_>>()
        .join(",")
}

/// Closes the request's connection with nothing more sent, and never returns.
async fn close_without_response(connection: Option<ConnectionControl>) -> Response {
    if let Some(connection) = connection {
        connection.close_now();
    }
    std::future::pending().await
}

pub(crate) async fn gateway(
    State(app): State<Arc<App>>,
    mut request: Request,
    next: Next,
) -> Response {
    let operation = request
        .extensions()
        .get::<MatchedPath>()
        .and_then(|matched| matched.as_str().strip_prefix(API_PREFIX))
        .and_then(|template| Operation::from_route(request.method(), template));
    let Some(operation) = operation else {
        // A method the router took for another (HEAD for GET): say which the route has.
        let allowed: Vec<String> = request
            .extensions()
            .get::<MatchedPath>()
            .and_then(|matched| matched.as_str().strip_prefix(API_PREFIX))
            .map(|template| {
                Operation::ALL
                    .iter()
                    .filter(|op| op.path_template() == template)
                    .map(|op| op.method().to_string())
                    .collect()
            })
            .unwrap_or_default();
        let mut response = ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            format!(
                "{} is not allowed on {}.",
                request.method(),
                request.uri().path()
            ),
        )
        .into_response();
        if let Ok(value) = HeaderValue::from_str(&allowed.join(",")) {
            response.headers_mut().insert(header::ALLOW, value);
        }
        return response;
    };
    let tracking = request
        .extensions()
        .get::<RequestTracking>()
        .cloned()
        .expect("the tracking layer runs first");
    let connection = request.extensions().get::<ConnectionControl>().cloned();
    let now = app.clock.now();
    let seq = app.monitor().arrive(operation);
    let mut record = RequestRecord {
        seq,
        at: now,
        operation,
        path: request.uri().path_and_query().map_or_else(
            || request.uri().path().to_string(),
            |pq| pq.as_str().to_string(),
        ),
        client_tracking_id: tracking.client_tracking_id,
        tracking_id: tracking.tracking_id,
        token: None,
        status: None,
        fault: None,
        delay_ms: 0,
        bare_error: false,
        broken_link: None,
    };

    // Drawn before admission so that a refusal, too, may be answered bare.
    let decision = app.faults().decide(operation);
    let caller = match admit(&app, &request, operation, &mut record) {
        Ok(caller) => caller,
        Err(error) => {
            record.status = Some(error.status.as_u16());
            let response = bare_if(decision.bare_error, error.into_response(), &mut record);
            finish(&app, record);
            return response;
        }
    };

    record.fault = decision.fault;
    record.delay_ms = u64::try_from(decision.delay.as_millis()).unwrap_or(u64::MAX);
    let delay_after_applying = decision.apply_first && decision.fault.is_none_or(Fault::is_applied);
    if !decision.delay.is_zero() && !delay_after_applying {
        tokio::time::sleep(decision.delay).await;
    }
    if decision.fault == Some(Fault::DroppedConnection) {
        finish(&app, record);
        return close_without_response(connection).await;
    }
    if let Some(response) = decision.fault.and_then(unapplied_fault_response) {
        record.status = Some(response.status().as_u16());
        let response = bare_if(decision.bare_error, response, &mut record);
        finish(&app, record);
        return response;
    }

    request.extensions_mut().insert(caller);
    request.extensions_mut().insert(decision);
    let response = next.run(request).await;
    if decision.apply_first && !decision.delay.is_zero() {
        // Applied already: a client that gives up now leaves it applied, unanswered.
        tokio::time::sleep(decision.delay).await;
    }
    let response = match decision.fault {
        Some(Fault::LostResponse) => {
            finish(&app, record);
            return close_without_response(connection).await;
        }
        Some(Fault::TruncatedBody) => {
            let mut response = response;
            response.extensions_mut().insert(TruncateBody);
            response
        }
        Some(Fault::AppliedServerError { status }) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::GATEWAY_TIMEOUT);
            ApiError::new(
                status,
                format!("The service answered {status} while waiting for the request to finish."),
            )
            .into_response()
        }
        Some(Fault::CorruptBody) if response.status().is_success() => corrupt(response).await,
        _ => response,
    };
    record.status = Some(response.status().as_u16());
    if response.headers().contains_key(header::LINK) {
        record.broken_link = decision.broken_link;
    }
    let response = bare_if(decision.bare_error, response, &mut record);
    finish(&app, record);
    response
}

/// An error answer without its body and `Retry-After` when `bare`; any other answer as it is.
fn bare_if(bare: bool, mut response: Response, record: &mut RequestRecord) -> Response {
    let status = response.status();
    if bare && (status.is_client_error() || status.is_server_error()) {
        record.bare_error = true;
        response.extensions_mut().remove::<ApiError>();
        response.headers_mut().remove(header::RETRY_AFTER);
        response.headers_mut().remove(header::CONTENT_TYPE);
        *response.body_mut() = Body::empty();
    }
    response
}

/// The same status and headers with a body that is no longer the JSON it was: the opening
/// brace of the object is gone.
async fn corrupt(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let corrupt = if bytes.len() > 1 {
        bytes.slice(1..)
    } else {
        Bytes::from_static(b"\x00")
    };
    parts
        .headers
        .insert(header::CONTENT_LENGTH, HeaderValue::from(corrupt.len()));
    Response::from_parts(parts, Body::from(corrupt))
}

/// Logs a finished request and keeps it in the request log.
fn finish(app: &App, record: RequestRecord) {
    tracing::debug!(
        seq = record.seq,
        operation = %record.operation,
        path = %record.path,
        status = ?record.status,
        fault = ?record.fault,
        tracking_id = %record.tracking_id,
        "request"
    );
    app.monitor().record(record);
}

/// Authentication (401), rate limit (429), then scope (403).
fn admit(
    app: &App,
    request: &Request,
    operation: Operation,
    record: &mut RequestRecord,
) -> Result<Caller, ApiError> {
    let authorization = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok());
    let Some((token, scopes)) = app.tokens.authenticate(authorization) else {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "The request requires a valid access token set in the Authorization request header.",
        ));
    };
    record.token = Some(token);
    if let Some(limiter) = &app.rate_limiter
        && let Err(retry_after) = limiter.acquire(token, tokio::time::Instant::now())
    {
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "Too many requests; retry after the delay given.",
        )
        .with_retry_after(retry_after));
    }
    let scope = operation.required_scope();
    if !scopes.contains(scope) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            format!("The access token lacks the scope {scope} that {operation} needs."),
        ));
    }
    Ok(Caller { token })
}

/// The answer to a fault that stops the request before it is applied, if `fault` is one
/// that is answered at all.
fn unapplied_fault_response(fault: Fault) -> Option<Response> {
    let response = match fault {
        Fault::ServerError { status } => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            ApiError::new(
                status,
                format!("The service answered {status}; the request was not processed."),
            )
            .into_response()
        }
        Fault::Locked { retry_after_secs } => ApiError::new(
            StatusCode::LOCKED,
            "The resource is locked by another operation; retry after the delay given.",
        )
        .with_retry_after(retry_after_secs)
        .into_response(),
        Fault::HtmlBody => (
            StatusCode::BAD_GATEWAY,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            "<html><head><title>502 Bad Gateway</title></head>\
             <body><center><h1>502 Bad Gateway</h1></center></body></html>\n",
        )
            .into_response(),
        Fault::DroppedConnection
        | Fault::TruncatedBody
        | Fault::LostResponse
        | Fault::AppliedServerError { .. }
        | Fault::CorruptBody => return None,
    };
    Some(response)
}
