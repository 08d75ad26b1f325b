//! The connection to the API: the ergonomic client for single commands, and for the bulk
//! engine the generated client with the token and a `TrackingID` on every request,
//! next-page links, and its errors classified (was the request perhaps applied?).

use std::fmt;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue};
use serde::de::DeserializeOwned;
use webex_broadworks_api::types::WebexError;
use webex_broadworks_api::{Client, DecorateFuture, RequestDecorator, RequestHooks};
use webex_broadworks_api::{Error, ResponseValue};

use crate::exit::CliError;
use crate::token::Token;

/// The Webex API's base URL.
pub const DEFAULT_BASE_URL: &str = "https://webexapis.com/v1";

/// One place that talks to the API.
#[derive(Clone, Debug)]
pub struct Connection {
    base_url: reqwest::Url,
    webex: webex_broadworks::Client,
    client: Client,
    http: reqwest::Client,
    auth: Arc<Auth>,
}

impl Connection {
    /// Checks `base_url` (https, or http on a loopback host) and builds the clients.
    pub fn new(base_url: &str, token: Token) -> Result<Self, CliError> {
        let url = parse_base_url(base_url)?;
        // rustls with the well-known roots, as the ergonomic client sets it up.
        let http = webex_broadworks::http_client_builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(60))
            .build()
            .map_err(|error| CliError::local("cannot set up HTTP", error))?;
        let webex = webex_broadworks::Client::builder()
            .with_token(token.expose())
            .with_base_url(url.as_str().trim_end_matches('/'))
            .with_http_client(http.clone())
            .with_tracking_prefix("WXBW")
            .with_user_agent(concat!("wxbw/", env!("CARGO_PKG_VERSION")))
            .with_wait_policy(wait_policy(Duration::from_secs(600)))
            .build()
            .map_err(|error| CliError::Usage(error.to_string()))?;
        let auth = Arc::new(Auth::new(&token));
        let client = Client::new_with_client(
            url.as_str().trim_end_matches('/'),
            http.clone(),
            RequestHooks::with_decorator(SharedAuth(auth.clone())),
        );
        Ok(Connection {
            base_url: url,
            webex,
            client,
            http,
            auth,
        })
    }

    /// The ergonomic client: validation, retries, reconciliation, waits, pages.
    pub fn webex(&self) -> &webex_broadworks::Client {
        &self.webex
    }

    /// The generated client, with the token and tracking ids added to every request; the
    /// bulk engine's, which runs its own shared pause and list-based waiting.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Fetches a next-page link from an earlier list response. Only links to the same
    /// origin as the base URL are followed, so the token never goes elsewhere.
    pub async fn next_page<T: DeserializeOwned>(
        &self,
        url: &str,
    ) -> Result<ResponseValue<T>, ApiFailure> {
        let next = reqwest::Url::parse(url).map_err(|_| {
            ApiFailure::local(format!(
                "the server sent a next-page link that is not a URL: {url}"
            ))
        })?;
        if next.origin() != self.base_url.origin() {
            return Err(ApiFailure::local(format!(
                "the server sent a next-page link to another host ({}); it was not followed",
                next.origin().ascii_serialization()
            )));
        }
        let mut request = self
            .http
            .get(next)
            .header(reqwest::header::ACCEPT, "application/json")
            .build()
            .map_err(ApiFailure::transport)?;
        self.auth.apply(request.headers_mut());
        let response = self
            .http
            .execute(request)
            .await
            .map_err(ApiFailure::transport)?;
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.map_err(ApiFailure::transport)?;
        if status.is_success() {
            let value = serde_json::from_slice(&bytes)
                .map_err(|_| ApiFailure::undecodable(Some(status.as_u16()), &headers))?;
            Ok(ResponseValue::new(value, status, headers))
        } else {
            let body = serde_json::from_slice::<WebexError>(&bytes).unwrap_or_default();
            Err(ApiFailure::from_body(status.as_u16(), &headers, body))
        }
    }
}

/// How `--wait` polls: soon after the start (Webex's provisioning takes seconds), then less
/// often, for at most `max_wait`.
pub fn wait_policy(max_wait: Duration) -> webex_broadworks::WaitPolicy {
    webex_broadworks::WaitPolicy::default()
        .with_delays(
            Duration::from_millis(100),
            Duration::from_millis(250),
            Duration::from_secs(5),
        )
        .with_max_wait(max_wait)
        .with_max_polls(u32::MAX)
}

fn parse_base_url(base_url: &str) -> Result<reqwest::Url, CliError> {
    let url = reqwest::Url::parse(base_url)
        .map_err(|error| CliError::Usage(format!("--base-url {base_url} is not a URL: {error}")))?;
    let loopback = match url.host_str() {
        Some("localhost") => true,
        Some(host) => host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback()),
        None => false,
    };
    match url.scheme() {
        "https" => Ok(url),
        "http" if loopback => Ok(url),
        _ => Err(CliError::Usage(format!(
            "--base-url {base_url} must use https (plain http is allowed only on a loopback host)"
        ))),
    }
}

/// The headers every request carries: the token, and a `TrackingID` that Webex support can
/// find (`WXBW_<session>_<n>`).
struct Auth {
    authorization: HeaderValue,
    session: String,
    sequence: AtomicU64,
}

impl Auth {
    fn new(token: &Token) -> Self {
        let mut authorization = HeaderValue::from_str(&format!("Bearer {}", token.expose()))
            .unwrap_or_else(|_| HeaderValue::from_static("Bearer "));
        authorization.set_sensitive(true);
        Auth {
            authorization,
            session: session_id(),
            sequence: AtomicU64::new(0),
        }
    }

    fn apply(&self, headers: &mut HeaderMap) {
        headers.insert(AUTHORIZATION, self.authorization.clone());
        let sequence = self.sequence.fetch_add(1, Ordering::Relaxed);
        let tracking_id = format!("WXBW_{}_{sequence}", self.session);
        if let Ok(value) = HeaderValue::from_str(&tracking_id) {
            headers.insert("TrackingID", value);
        }
        with_trace(|trace| {
            *trace = RequestTrace {
                sent_tracking_id: Some(tracking_id),
                ..RequestTrace::default()
            }
        });
    }
}

tokio::task_local! {
    static TRACE: Arc<Mutex<RequestTrace>>;
}

/// What was seen of the last request of a [`traced`] call: the `TrackingID` it was sent
/// with, and the head of its response if one arrived.
#[derive(Clone, Debug, Default)]
struct RequestTrace {
    sent_tracking_id: Option<String>,
    status: Option<u16>,
    tracking_id: Option<String>,
}

fn with_trace(f: impl FnOnce(&mut RequestTrace)) {
    let _ = TRACE.try_with(|trace| f(&mut trace.lock().unwrap_or_else(PoisonError::into_inner)));
}

/// Runs one call to the API; a failure without a tracking id of its own (no answer, or one
/// that could not be read) gets the `TrackingID` its request was sent with, and the status
/// of the answer when one arrived, so that every failure can be found by Webex support.
pub async fn traced<T>(call: impl Future<Output = Result<T, ApiFailure>>) -> Result<T, ApiFailure> {
    let trace = Arc::new(Mutex::new(RequestTrace::default()));
    let result = TRACE.scope(trace.clone(), call).await;
    result.map_err(|mut failure| {
        let trace = trace.lock().unwrap_or_else(PoisonError::into_inner);
        if failure.tracking_id.is_none() {
            failure.tracking_id = trace
                .tracking_id
                .clone()
                .or_else(|| trace.sent_tracking_id.clone());
        }
        if failure.kind == FailureKind::Undecodable(None) {
            failure.kind = FailureKind::Undecodable(trace.status);
        }
        failure
    })
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Auth")
            .field("session", &self.session)
            .finish_non_exhaustive()
    }
}

struct SharedAuth(Arc<Auth>);

impl RequestDecorator for SharedAuth {
    fn decorate<'a>(
        &'a self,
        request: &'a mut reqwest::Request,
        _operation_id: &'static str,
    ) -> DecorateFuture<'a> {
        self.0.apply(request.headers_mut());
        Box::pin(async { Ok(()) })
    }

    fn observe(&self, response: &reqwest::Response, _operation_id: &'static str) {
        let status = response.status().as_u16();
        let tracking_id = tracking_id(response.headers());
        with_trace(|trace| {
            trace.status = Some(status);
            trace.tracking_id = tracking_id;
        });
    }
}

fn session_id() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| elapsed.as_nanos())
        .unwrap_or_default();
    format!(
        "{:x}",
        (nanos as u64) ^ (u64::from(std::process::id()) << 32)
    )
}

/// The `rel="next"` URL of a `Link` header, if any.
pub fn next_link(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(reqwest::header::LINK)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .find_map(|link| {
            let (target, params) = link.split_once(';')?;
            let is_next = params.split(';').any(|param| {
                let param = param.trim().replace(' ', "");
                param == "rel=\"next\"" || param == "rel=next"
            });
            let target = target.trim();
            is_next.then(|| {
                target
                    .trim_start_matches('<')
                    .trim_end_matches('>')
                    .to_string()
            })
        })
}

/// The generated client's answer as the engine's, with a success status the description
/// does not declare decoded all the same: Webex sometimes answers 201 where 200 is
/// described, and a provisioning it accepted must not be recorded as failed.
pub async fn accept_undeclared<T: DeserializeOwned>(
    result: Result<ResponseValue<T>, Error<WebexError>>,
) -> Result<ResponseValue<T>, ApiFailure> {
    match result {
        Err(Error::UnexpectedResponse(response)) if response.status().is_success() => {
            let (status, headers) = (response.status(), response.headers().clone());
            let body = response.bytes().await.map_err(ApiFailure::transport)?;
            let json: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
                b"null"
            } else {
                &body
            };
            serde_json::from_slice(json)
                .map(|value| ResponseValue::new(value, status, headers.clone()))
                .map_err(|_| ApiFailure::undecodable(Some(status.as_u16()), &headers))
        }
        other => other.map_err(ApiFailure::from_error),
    }
}

/// The `trackingid` a response carries.
pub fn tracking_id(headers: &HeaderMap) -> Option<String> {
    headers
        .get("trackingid")
        .and_then(|value| value.to_str().ok())
        .map(str::to_string)
}

/// What kind of failure an [`ApiFailure`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailureKind {
    /// The server answered with this HTTP status.
    Status(u16),
    /// The request did not get an answer: the connection failed or was dropped.
    Transport {
        /// The connection could not be opened, so the request was certainly not sent.
        before_sending: bool,
    },
    /// The server answered with a body that could not be read.
    Undecodable(Option<u16>),
    /// Refused before sending (a next link to another host, ...).
    Local,
}

/// One problem the API reported in a WebexError body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FailureDetail {
    /// The Webex `errorCode`.
    pub code: Option<i64>,
    /// What is wrong.
    pub description: Option<String>,
    /// The request field at fault.
    pub field: Option<String>,
}

/// A request that failed, with what Webex said about it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct ApiFailure {
    /// What kind of failure.
    pub kind: FailureKind,
    /// Webex's message, or a description of the transport failure.
    pub message: String,
    /// Each problem Webex listed.
    pub details: Vec<FailureDetail>,
    /// The tracking id of the request, from the body or the `trackingid` header.
    pub tracking_id: Option<String>,
    /// How long the server asked to wait (429, 423, 503).
    pub retry_after: Option<Duration>,
}

impl ApiFailure {
    /// From the generated client's error.
    pub fn from_error(error: Error<WebexError>) -> Self {
        match error {
            Error::ErrorResponse(response) => {
                let status = response.status().as_u16();
                let headers = response.headers().clone();
                ApiFailure::from_body(status, &headers, response.into_inner())
            }
            Error::CommunicationError(error) | Error::ResponseBodyError(error) => {
                ApiFailure::transport(error)
            }
            Error::InvalidUpgrade(error) => ApiFailure::transport(error),
            Error::InvalidResponsePayload(..) => ApiFailure::undecodable(None, &HeaderMap::new()),
            Error::UnexpectedResponse(response) => {
                let status = response.status().as_u16();
                ApiFailure {
                    kind: FailureKind::Status(status),
                    message: format!("unexpected HTTP {status}"),
                    details: Vec::new(),
                    tracking_id: tracking_id(response.headers()),
                    retry_after: retry_after(response.headers()),
                }
            }
            Error::InvalidRequest(message) | Error::Custom(message) => ApiFailure::local(message),
        }
    }

    fn from_body(status: u16, headers: &HeaderMap, body: WebexError) -> Self {
        ApiFailure {
            kind: FailureKind::Status(status),
            message: body
                .message
                .unwrap_or_else(|| format!("HTTP {status} without a message")),
            details: body
                .errors
                .into_iter()
                .map(|detail| FailureDetail {
                    code: detail.error_code.map(|code| code.0),
                    description: detail.description,
                    field: detail.field_name,
                })
                .collect(),
            tracking_id: body.tracking_id.or_else(|| tracking_id(headers)),
            retry_after: retry_after(headers),
        }
    }

    fn transport(error: reqwest::Error) -> Self {
        let reason = if error.is_timeout() {
            "the request timed out"
        } else if error.is_connect() {
            "could not connect"
        } else {
            "the connection failed before an answer arrived"
        };
        ApiFailure {
            kind: FailureKind::Transport {
                before_sending: error.is_connect(),
            },
            message: format!("{reason} ({})", error.without_url()),
            details: Vec::new(),
            tracking_id: None,
            retry_after: None,
        }
    }

    fn undecodable(status: Option<u16>, headers: &HeaderMap) -> Self {
        ApiFailure {
            kind: FailureKind::Undecodable(status),
            message: "the server's answer could not be read".to_string(),
            details: Vec::new(),
            tracking_id: tracking_id(headers),
            retry_after: None,
        }
    }

    fn local(message: impl Into<String>) -> Self {
        ApiFailure {
            kind: FailureKind::Local,
            message: message.into(),
            details: Vec::new(),
            tracking_id: None,
            retry_after: None,
        }
    }

    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<u16> {
        match self.kind {
            FailureKind::Status(status) => Some(status),
            FailureKind::Undecodable(status) => status,
            _ => None,
        }
    }

    /// The server said the request was not processed and should be sent again later.
    pub fn is_rate_limited(&self) -> bool {
        matches!(self.status(), Some(429 | 423))
    }

    /// The request may or may not have been applied: no answer, a 5xx, or an answer that
    /// could not be read. A provisioning must then be looked up, not sent again.
    pub fn outcome_unknown(&self) -> bool {
        match self.kind {
            FailureKind::Transport { before_sending } => !before_sending,
            FailureKind::Undecodable(_) => true,
            FailureKind::Status(status) => status >= 500,
            FailureKind::Local => false,
        }
    }

    /// Whether an idempotent request is worth sending again.
    pub fn is_transient(&self) -> bool {
        match self.kind {
            FailureKind::Transport { .. } | FailureKind::Undecodable(_) => true,
            FailureKind::Status(status) => matches!(status, 423 | 429 | 500..=504),
            FailureKind::Local => false,
        }
    }

    /// The Webex error code of the first detail, if any.
    pub fn first_code(&self) -> Option<i64> {
        self.details.iter().find_map(|detail| detail.code)
    }

    /// One line: the message and each detail, without the tracking id.
    pub fn summary(&self) -> String {
        let mut text = self.message.clone();
        for detail in &self.details {
            let mut parts = Vec::new();
            if let Some(code) = detail.code {
                parts.push(format!("errorCode {code}"));
            }
            if let Some(field) = &detail.field {
                parts.push(format!("field {field}"));
            }
            if let Some(description) = &detail.description
                && description != &self.message
            {
                parts.push(description.clone());
            }
            if !parts.is_empty() {
                text.push_str(&format!(" [{}]", parts.join(": ")));
            }
        }
        text
    }
}

impl fmt::Display for ApiFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            FailureKind::Status(status) => write!(f, "Webex answered HTTP {status}: ")?,
            FailureKind::Transport { .. } => f.write_str("no answer from the API: ")?,
            FailureKind::Undecodable(Some(status)) => write!(f, "HTTP {status}: ")?,
            FailureKind::Undecodable(None) | FailureKind::Local => {}
        }
        f.write_str(&self.summary())?;
        if let Some(tracking_id) = &self.tracking_id {
            write!(f, " (trackingId {tracking_id})")?;
        }
        Ok(())
    }
}

/// `Retry-After` in whole seconds, as Webex sends it.
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    headers
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse::<u64>().ok())
        .map(Duration::from_secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    type Subscriber = webex_broadworks_api::types::Subscriber;

    /// A status the description does not declare, as the generated client reports it.
    fn unexpected(status: u16, body: &'static str) -> Error<WebexError> {
        let response = http::Response::builder()
            .status(status)
            .header("trackingid", "ROUTER_1")
            .body(body)
            .unwrap();
        Error::UnexpectedResponse(reqwest::Response::from(response))
    }

    #[tokio::test]
    async fn an_undeclared_success_is_decoded_and_other_statuses_fail() {
        let body = r#"{"id": "S1", "status": "provisioning"}"#;
        let created = accept_undeclared::<Subscriber>(Err(unexpected(201, body)))
            .await
            .unwrap();
        assert_eq!(created.status().as_u16(), 201);
        assert_eq!(created.into_inner().id.as_deref(), Some("S1"));

        let garbled = accept_undeclared::<Subscriber>(Err(unexpected(201, "<html>")))
            .await
            .unwrap_err();
        assert_eq!(garbled.kind, FailureKind::Undecodable(Some(201)));
        assert_eq!(garbled.tracking_id.as_deref(), Some("ROUTER_1"));

        let teapot = accept_undeclared::<Subscriber>(Err(unexpected(418, "")))
            .await
            .unwrap_err();
        assert_eq!(teapot.kind, FailureKind::Status(418));
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn next_link_finds_rel_next_among_several() {
        let map = headers(&[(
            "link",
            "<http://h/v1/a?cursor=1>; rel=\"first\", <http://h/v1/a?cursor=2&max=100>; rel=\"next\"",
        )]);
        assert_eq!(
            next_link(&map).as_deref(),
            Some("http://h/v1/a?cursor=2&max=100")
        );
        assert_eq!(next_link(&HeaderMap::new()), None);
    }

    #[test]
    fn base_url_must_be_https_unless_loopback() {
        assert!(parse_base_url("https://webexapis.com/v1").is_ok());
        assert!(parse_base_url("http://127.0.0.1:8080/v1").is_ok());
        assert!(parse_base_url("http://localhost:8080/v1").is_ok());
        assert!(matches!(
            parse_base_url("http://webexapis.com/v1"),
            Err(CliError::Usage(_))
        ));
        assert!(matches!(
            parse_base_url("not a url"),
            Err(CliError::Usage(_))
        ));
    }

    #[test]
    fn failures_say_whether_a_provisioning_may_have_been_applied() {
        let status = |code| ApiFailure {
            kind: FailureKind::Status(code),
            message: String::new(),
            details: Vec::new(),
            tracking_id: None,
            retry_after: None,
        };
        assert!(status(502).outcome_unknown());
        assert!(!status(400).outcome_unknown());
        assert!(!status(429).outcome_unknown());
        assert!(status(429).is_rate_limited());
        let dropped = ApiFailure {
            kind: FailureKind::Transport {
                before_sending: false,
            },
            ..status(0)
        };
        assert!(dropped.outcome_unknown());
        let refused = ApiFailure {
            kind: FailureKind::Transport {
                before_sending: true,
            },
            ..status(0)
        };
        assert!(!refused.outcome_unknown());
    }

    #[test]
    fn display_shows_status_details_and_tracking_id() {
        let failure = ApiFailure::from_body(
            400,
            &headers(&[("trackingid", "header-id")]),
            WebexError {
                message: Some("Missing mandatory field".into()),
                errors: vec![webex_broadworks_api::types::WebexErrorDetail {
                    description: Some("firstName is required".into()),
                    error_code: Some(1001.into()),
                    field_name: Some("firstName".into()),
                }],
                tracking_id: None,
            },
        );
        assert_eq!(
            failure.to_string(),
            "Webex answered HTTP 400: Missing mandatory field [errorCode 1001: field firstName: \
             firstName is required] (trackingId header-id)"
        );
    }
}
