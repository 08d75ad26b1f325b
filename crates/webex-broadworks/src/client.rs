//! The client, and how one request goes out: headers through the generated client's
//! decorator seam, a timeout, a tracing span, and its result turned into this crate's types.

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::pin::pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderName, HeaderValue, USER_AGENT};
use serde::de::DeserializeOwned;
use tracing::Instrument;
use url::Url;
use webex_broadworks_api::types::WebexError;
use webex_broadworks_api::{DecorateFuture, RequestDecorator, RequestHooks, ResponseValue};

use crate::auth::{Token, TokenError, TokenProvider};
use crate::backoff;
use crate::error::{
    ApiError, CredentialsError, Error, ErrorDetail, TimeoutError, TransportError,
    UndecodableResponse, excerpt,
};
use crate::operation::Operation;
use crate::repair::{Malformed, decode_repairing};
use crate::retry::{self, GaveUp, RetryBudget, RetryContext, RetryPolicy};
use crate::tracking::{Random, TrackingIds};
use crate::validate::{Rule, ValidationReport};
use crate::wait::policy::WaitPolicy;

/// The generated client's result for one request.
pub(crate) type Generated<T> = Result<ResponseValue<T>, webex_broadworks_api::Error<WebexError>>;

/// A client of the Webex for BroadWorks API. Cheap to clone; clones share the connection
/// pool, the retry budget and the randomness.
///
/// ```no_run
/// # async fn run() -> Result<(), webex_broadworks::Error> {
/// let client = webex_broadworks::Client::new("my-token")?;
/// let subscriber = client.subscribers().get("Y2lzY29...").await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
    /// Every request of this handle passes it first (a batch's shared pause); `None` for the
    /// clients callers build.
    gate: Option<Arc<dyn Gate>>,
    /// This handle's request timeout, where it differs from the configured one.
    timeout: Option<Option<Duration>>,
}

/// What a batch puts in front of each of its requests: one pause and pace for all of its
/// workers, and what the answers teach it (a 429 pauses everyone).
pub(crate) trait Gate: Send + Sync {
    /// Resolves when the next request may leave.
    fn ready(&self) -> futures::future::BoxFuture<'_, ()>;
    /// Sees the outcome of each request that left.
    fn answered(&self, failure: Option<&Error>);
}

struct Inner {
    api: webex_broadworks_api::Client,
    tokens: Arc<dyn TokenProvider>,
    base_url: Url,
    credentials_shown: String,
    request_timeout: Option<Duration>,
    retry: RetryPolicy,
    budget: RetryBudget,
    wait: WaitPolicy,
    random: Random,
    tracking: TrackingIds,
    /// The `Authorization` header of a fixed token, built once.
    fixed_authorization: Option<HeaderValue>,
    /// One permit per request that may be out at once.
    requests: tokio::sync::Semaphore,
    /// The `Authorization` header of the token the provider last gave, built once per token
    /// rather than per request.
    authorization: Mutex<Option<(Token, HeaderValue)>>,
}

pub(crate) struct Parts {
    pub(crate) base_url: Url,
    pub(crate) http: reqwest::Client,
    pub(crate) tokens: Arc<dyn TokenProvider>,
    /// The header of a token given to the builder itself, which never changes.
    pub(crate) fixed_authorization: Option<HeaderValue>,
    pub(crate) max_concurrent_requests: usize,
    pub(crate) credentials_shown: String,
    pub(crate) user_agent: HeaderValue,
    pub(crate) request_timeout: Option<Duration>,
    pub(crate) retry: RetryPolicy,
    pub(crate) wait: WaitPolicy,
    pub(crate) tracking_prefix: String,
    pub(crate) seed: Option<u64>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url.as_str())
            .field("credentials", &self.inner.credentials_shown)
            .field("request_timeout", &self.inner.request_timeout)
            .field("retry", &self.inner.retry)
            .field("wait", &self.inner.wait)
            .finish_non_exhaustive()
    }
}

impl Client {
    pub(crate) fn from_parts(parts: Parts) -> Client {
        let decorator = Decorator {
            user_agent: parts.user_agent,
        };
        let api = webex_broadworks_api::Client::new_with_client(
            parts.base_url.as_str().trim_end_matches('/'),
            parts.http,
            RequestHooks::with_decorator(decorator),
        );
        let random = Random::new(parts.seed);
        Client {
            inner: Arc::new(Inner {
                api,
                tokens: parts.tokens,
                budget: parts.retry.budget(),
                base_url: parts.base_url,
                credentials_shown: parts.credentials_shown,
                request_timeout: parts.request_timeout,
                retry: parts.retry,
                wait: parts.wait,
                tracking: TrackingIds::new(parts.tracking_prefix, random.clone()),
                fixed_authorization: parts.fixed_authorization,
                requests: tokio::sync::Semaphore::new(parts.max_concurrent_requests),
                authorization: Mutex::new(None),
                random,
            }),
            gate: None,
            timeout: None,
        }
    }

    /// The same client, with `gate` in front of every request; for a batch.
    pub(crate) fn gated(&self, gate: Arc<dyn Gate>) -> Client {
        Client {
            inner: self.inner.clone(),
            gate: Some(gate),
            timeout: self.timeout,
        }
    }

    /// A handle of this client whose requests each time out after `timeout` (`None`: never)
    /// instead of the configured request timeout; the connections, retry budget and
    /// everything else are shared. For the one call that is known to be slow, or must be
    /// quick.
    ///
    /// ```no_run
    /// use std::time::Duration;
    ///
    /// # async fn run(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
    /// let quick = client.with_request_timeout(Some(Duration::from_secs(2)));
    /// let page = quick.subscribers().list().first_page().await?;
    /// # let _ = page;
    /// # Ok(()) }
    /// ```
    pub fn with_request_timeout(&self, timeout: Option<Duration>) -> Client {
        Client {
            inner: self.inner.clone(),
            gate: self.gate.clone(),
            timeout: Some(timeout),
        }
    }

    /// The API root requests go to.
    pub fn base_url(&self) -> &str {
        self.inner.base_url.as_str()
    }

    /// The wait policy calls use unless told otherwise.
    pub fn wait_policy(&self) -> &WaitPolicy {
        &self.inner.wait
    }

    pub(crate) fn api(&self) -> &webex_broadworks_api::Client {
        &self.inner.api
    }

    /// A GET of `url` outside the API description (a billing report's CSV), through the same
    /// connections, timeout and `TrackingID`s; the token goes along only to the API's own
    /// origin, never to the signed storage URL a report may link to.
    pub(crate) async fn get_url(
        &self,
        operation: Operation,
        url: Url,
    ) -> Result<reqwest::Response, Error> {
        use webex_broadworks_api::ClientInfo;
        let tracking_id = self.inner.tracking.call().attempt(1);
        let same_origin = url.origin() == self.inner.base_url.origin();
        let mut request = self
            .inner
            .api
            .client()
            .get(url)
            .header(TRACKING_ID.clone(), tracking_id.as_str());
        if same_origin {
            request = request.header(AUTHORIZATION, self.authorization().await?);
        }
        let timeout = self.timeout.unwrap_or(self.inner.request_timeout);
        if let Some(limit) = timeout {
            request = request.timeout(limit);
        }
        let response = request
            .send()
            .await
            .map_err(|error| transport_error(operation, error, tracking_id.clone()))?;
        let status = response.status();
        if status.is_success() {
            return Ok(response);
        }
        let headers = response.headers().clone();
        let tracking_id = header_tracking_id(&headers).unwrap_or(tracking_id);
        let body = response.bytes().await.unwrap_or_default();
        let mut error = match serde_json::from_slice::<WebexError>(&body) {
            Ok(webex) => api_error(operation, status, &headers, webex, tracking_id),
            Err(_) => bare_api_error(operation, status, &headers, tracking_id),
        };
        self.explain_not_found(&mut error);
        Err(error)
    }

    pub(crate) fn random(&self) -> &Random {
        &self.inner.random
    }

    pub(crate) fn tracking(&self) -> &TrackingIds {
        &self.inner.tracking
    }

    pub(crate) fn base(&self) -> &Url {
        &self.inner.base_url
    }

    pub(crate) fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    pub(crate) fn retry_context(&self) -> RetryContext<'_> {
        RetryContext {
            policy: &self.inner.retry,
            budget: &self.inner.budget,
            random: &self.inner.random,
            tokens: self.inner.tokens.as_ref(),
        }
    }

    /// Runs one call of `operation`, retried as the policy allows. `make` builds the
    /// generated request; `url` replaces its URL (a next-page link).
    pub(crate) async fn call<T, F, Fut>(
        &self,
        operation: Operation,
        url: Option<Url>,
        make: F,
    ) -> Replied<T>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Generated<T>>,
        T: DeserializeOwned,
    {
        self.call_reporting(operation, url, make)
            .await
            .map_err(|gave_up| gave_up.error)
    }

    /// As [`call`](Self::call), saying on failure whether some attempt may have been acted
    /// on (a removal answered 404 after such an attempt has done what was asked).
    pub(crate) async fn call_reporting<T, F, Fut>(
        &self,
        operation: Operation,
        url: Option<Url>,
        make: F,
    ) -> Result<Box<Reply<T>>, GaveUp>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Generated<T>>,
        T: DeserializeOwned,
    {
        let tracking = self.inner.tracking.call();
        retry::run(self.retry_context(), operation, |attempt| {
            self.attempt(
                operation,
                attempt,
                tracking.attempt(attempt),
                url.as_ref(),
                &make,
            )
        })
        .await
    }

    /// A 404 from a base URL without the `/v1` every path of the API starts with is the base
    /// URL's fault, not the identifier's: the error says so.
    pub(crate) fn explain_not_found(&self, error: &mut Error) {
        if let Error::Api(api) = error
            && api.status == StatusCode::NOT_FOUND
            && !self
                .inner
                .base_url
                .path()
                .trim_end_matches('/')
                .ends_with("/v1")
        {
            api.unversioned_base = Some(
                self.inner
                    .base_url
                    .as_str()
                    .trim_end_matches('/')
                    .to_string(),
            );
        }
    }

    /// Sends one request: `make` builds the generated request, which is polled with the
    /// request's context set for the decorator, within the timeout, in the request's span.
    ///
    /// The generated future is made inside the one future that awaits it, so that it is
    /// stored once (a future that holds another holds all of its state), and boxed there.
    pub(crate) async fn attempt<T, F, Fut>(
        &self,
        operation: Operation,
        attempt: u32,
        tracking_id: String,
        url: Option<&Url>,
        make: &F,
    ) -> Replied<T>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Generated<T>>,
        T: DeserializeOwned,
    {
        let span = tracing::info_span!(
            "webex_broadworks.request",
            operation = operation.id(),
            method = operation.method(),
            attempt,
            tracking_id = %tracking_id,
            status = tracing::field::Empty,
        );
        if let Some(gate) = &self.gate {
            gate.ready().await;
        }
        // Asked before the request's time starts: a slow token refresh is not a request
        // that Webex may have acted on.
        let authorization = self.authorization().await?;
        // Held until the answer is read: at most so many requests of the client are out at
        // once, so that thousands of waits share a few connections instead of opening one
        // each. Never closed, so the acquisition cannot fail.
        let _permit = self.inner.requests.acquire().await.ok();
        let context = RequestContext {
            authorization,
            tracking_id: tracking_header(&tracking_id),
            url: url.cloned(),
            observed: RefCell::default(),
        };
        let timeout = self.timeout.unwrap_or(self.inner.request_timeout);
        let request = async move {
            // On the heap for the time of the request: every future that awaits this one
            // then holds a pointer rather than the generated request's state, which a wait
            // would otherwise carry while it sleeps between polls.
            let generated = Box::pin(make());
            let generated = match timeout {
                Some(limit) => match tokio::time::timeout(limit, generated).await {
                    Ok(generated) => generated,
                    Err(_) => {
                        return Err(Error::Timeout(Box::new(TimeoutError {
                            operation,
                            after: Some(limit),
                            tracking_id,
                            attempts: attempt,
                        })));
                    }
                },
                None => generated.await,
            };
            let observed = CONTEXT
                .try_with(|context| context.observed.take())
                .unwrap_or_default();
            match convert(operation, generated, tracking_id, observed) {
                Converted::Read(result) => result,
                // Boxed: only this rare path reads a body here, and reqwest's body future
                // would otherwise make every request's future (and every wait that holds
                // one) larger by its size.
                Converted::Undeclared(undeclared) => {
                    Box::pin(undeclared_status(operation, undeclared)).await
                }
            }
        };
        let mut sending = pin!(CONTEXT.scope(context, request).instrument(span));
        let mut result = sending.as_mut().await;
        let span = sending.span();
        if let Err(error) = &mut result {
            self.explain_not_found(error);
        }
        if let Some(gate) = &self.gate {
            gate.answered(result.as_ref().err());
        }
        match &result {
            Ok(reply) => {
                span.record("status", reply.status.as_u16());
            }
            Err(error) => {
                if let Some(status) = error.status() {
                    span.record("status", status.as_u16());
                }
                tracing::debug!(parent: span, error = %error, "request failed");
            }
        }
        result
    }
}

impl Client {
    /// The `Authorization` header for the next request: built once for a fixed token, else
    /// from the token provider (and built again only when it hands out another token).
    async fn authorization(&self) -> Result<HeaderValue, Error> {
        if let Some(fixed) = &self.inner.fixed_authorization {
            return Ok(fixed.clone());
        }
        let credentials = |source| Error::Credentials(Box::new(CredentialsError { source }));
        let token = self.inner.tokens.token().await.map_err(credentials)?;
        let cached = self
            .inner
            .authorization
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some((for_token, value)) = cached.as_ref()
            && for_token.expose_secret() == token.expose_secret()
        {
            return Ok(value.clone());
        }
        drop(cached);
        let value = authorization_header(&token).map_err(credentials)?;
        *self
            .inner
            .authorization
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some((token, value.clone()));
        Ok(value)
    }
}

/// `Bearer <token>`, marked sensitive so that no `Debug` of the request shows it.
pub(crate) fn authorization_header(token: &Token) -> Result<HeaderValue, TokenError> {
    let mut value =
        HeaderValue::from_str(&format!("Bearer {}", token.expose_secret())).map_err(|_| {
            TokenError::from(
                "the token has a line break or another character an HTTP header cannot carry",
            )
        })?;
    value.set_sensitive(true);
    Ok(value)
}

/// The `TrackingID` header. The client makes tracking ids of a validated prefix, a uuid and
/// a number, so the value is always a valid header; an empty one stands in all the same.
fn tracking_header(tracking_id: &str) -> HeaderValue {
    HeaderValue::from_str(tracking_id).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// A call's result: its reply, boxed (see [`Reply`]), or its error.
pub(crate) type Replied<T> = Result<Box<Reply<T>>, Error>;

/// A successful response. It is handed up boxed, `Box<Reply<T>>`: from the request's future
/// through the retry loop and the call it passes several futures, and a box moves as a
/// pointer where the decoded resource and its headers (hundreds of bytes) would be copied at
/// every level.
#[derive(Debug)]
pub(crate) struct Reply<T> {
    pub(crate) value: T,
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    /// Webex's `trackingid` header, else the `TrackingID` sent.
    pub(crate) tracking_id: String,
    /// The URL the request went to, kept when the answer has a `Link` (a next page is
    /// resolved against it).
    pub(crate) url: Option<Url>,
    /// Values of the answer that did not fit its type and were set aside (`repair`).
    pub(crate) malformed: Vec<Malformed>,
}

impl<T> Reply<T> {
    pub(crate) fn map<U>(self, f: impl FnOnce(T) -> U) -> Box<Reply<U>> {
        Box::new(Reply {
            value: f(self.value),
            status: self.status,
            headers: self.headers,
            tracking_id: self.tracking_id,
            url: self.url,
            malformed: self.malformed,
        })
    }

    pub(crate) fn retry_after(&self) -> Option<Duration> {
        backoff::retry_after(&self.headers)
    }
}

tokio::task_local! {
    static CONTEXT: RequestContext;
}

/// What the decorator needs to know about the request it decorates.
#[derive(Debug)]
struct RequestContext {
    authorization: HeaderValue,
    tracking_id: HeaderValue,
    url: Option<Url>,
    /// What the decorator saw of the response.
    observed: RefCell<Observed>,
}

/// The head of a response, as the decorator observed it: kept for a body that later fails
/// to decode (the generated error keeps only the body), and for a page whose next link is
/// resolved against the URL it was read from.
#[derive(Debug, Default)]
struct Observed {
    head: Option<ResponseHead>,
    /// The URL the request went to, kept when the answer links elsewhere.
    linked_from: Option<Url>,
}

/// The status and the headers of a response that outlive a body that fails to decode.
#[derive(Clone, Debug)]
struct ResponseHead {
    status: StatusCode,
    tracking_id: Option<HeaderValue>,
    /// The next link, for a page whose body is read by `repair`.
    link: Option<HeaderValue>,
}

static TRACKING_ID: HeaderName = HeaderName::from_static("trackingid");

/// Adds the token, the user agent and the `TrackingID` to every request, and points the
/// request at a next-page link when the call asks for it.
struct Decorator {
    user_agent: HeaderValue,
}

impl RequestDecorator for Decorator {
    fn decorate<'a>(
        &'a self,
        request: &'a mut reqwest::Request,
        _operation_id: &'static str,
    ) -> DecorateFuture<'a> {
        // The task-local is set while the generated future is polled, by `Client::attempt`,
        // the only caller of the generated client.
        let decorated = CONTEXT.try_with(|context| {
            let headers = request.headers_mut();
            headers.insert(AUTHORIZATION, context.authorization.clone());
            headers.insert(USER_AGENT, self.user_agent.clone());
            headers.insert(TRACKING_ID.clone(), context.tracking_id.clone());
            if let Some(url) = &context.url {
                *request.url_mut() = url.clone();
            }
        });
        // The future returned holds nothing when the request may go, so it is not allocated.
        match decorated {
            Ok(()) => Box::pin(async { Ok(()) }),
            Err(_) => Box::pin(async {
                Err("a request was sent outside the client's own calls".to_string())
            }),
        }
    }

    fn observe(&self, response: &reqwest::Response, _operation_id: &'static str) {
        let headers = response.headers();
        let link = headers.get(reqwest::header::LINK).cloned();
        let linked_from = link.as_ref().map(|_| response.url().clone());
        let head = ResponseHead {
            status: response.status(),
            tracking_id: headers.get(&TRACKING_ID).cloned(),
            link,
        };
        let _ = CONTEXT.try_with(|context| {
            *context.observed.borrow_mut() = Observed {
                head: Some(head),
                linked_from,
            };
        });
    }
}

fn header_tracking_id(headers: &HeaderMap) -> Option<String> {
    tracking_id_of(headers.get(&TRACKING_ID))
}

/// A `trackingid` header's value, unless it is missing, empty or not text.
fn tracking_id_of(value: Option<&HeaderValue>) -> Option<String> {
    value
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

/// The headers a reply is read for later (the next link, `Retry-After` and the `Date` it
/// may be measured against), taken out of a response's map rather than copying all of it.
fn kept_headers(headers: &HeaderMap) -> HeaderMap {
    let mut kept = HeaderMap::new();
    for link in headers.get_all(reqwest::header::LINK) {
        kept.append(reqwest::header::LINK, link.clone());
    }
    if let Some(retry_after) = headers.get(reqwest::header::RETRY_AFTER) {
        kept.insert(reqwest::header::RETRY_AFTER, retry_after.clone());
        if let Some(date) = headers.get(reqwest::header::DATE) {
            kept.insert(reqwest::header::DATE, date.clone());
        }
    }
    kept
}

/// The generated client's result as this crate's, or the response whose status the
/// description does not declare, whose body is still to be read.
enum Converted<T> {
    Read(Replied<T>),
    Undeclared(Box<Undeclared>),
}

struct Undeclared {
    response: reqwest::Response,
    sent_tracking_id: String,
    url: Option<Url>,
}

/// The generated client's result as this crate's.
fn convert<T: DeserializeOwned>(
    operation: Operation,
    generated: Generated<T>,
    sent_tracking_id: String,
    observed: Observed,
) -> Converted<T> {
    use webex_broadworks_api::Error as G;
    let url = observed.linked_from;
    let result = match generated {
        Ok(response) => Ok(Box::new(Reply {
            status: response.status(),
            tracking_id: header_tracking_id(response.headers()).unwrap_or(sent_tracking_id),
            headers: kept_headers(response.headers()),
            value: response.into_inner(),
            url,
            malformed: Vec::new(),
        })),
        Err(G::ErrorResponse(response)) => {
            let (status, headers) = (response.status(), response.headers().clone());
            Err(api_error(
                operation,
                status,
                &headers,
                response.into_inner(),
                sent_tracking_id,
            ))
        }
        Err(G::CommunicationError(error)) | Err(G::InvalidUpgrade(error)) => {
            Err(transport_error(operation, error, sent_tracking_id))
        }
        // The head arrived, so the request was sent; a body cut short, or one that took too
        // long, is classified as any transport failure is.
        Err(G::ResponseBodyError(error)) => {
            Err(transport_error(operation, error, sent_tracking_id))
        }
        Err(G::InvalidResponsePayload(body, error)) => {
            // The generated error keeps only the body; the head was observed on the way in.
            let mut headers = HeaderMap::new();
            let (status, tracking_id) = match observed.head {
                Some(head) => {
                    if let Some(link) = head.link {
                        headers.insert(reqwest::header::LINK, link);
                    }
                    let tracking_id =
                        tracking_id_of(head.tracking_id.as_ref()).unwrap_or(sent_tracking_id);
                    (Some(head.status), tracking_id)
                }
                None => (None, sent_tracking_id),
            };
            if let Some(status) = status.filter(|status| is_bare_error(*status, &body)) {
                return Converted::Read(Err(bare_api_error(
                    operation,
                    status,
                    &headers,
                    tracking_id,
                )));
            }
            match status.filter(StatusCode::is_success) {
                Some(status) => repaired(operation, &body, status, headers, tracking_id, url)
                    .map_err(|tracking_id| {
                        undecodable(operation, Some(status), &body, Some(error), tracking_id)
                    }),
                None => Err(undecodable(
                    operation,
                    status,
                    &body,
                    Some(error),
                    tracking_id,
                )),
            }
        }
        Err(G::UnexpectedResponse(response)) => {
            return Converted::Undeclared(Box::new(Undeclared {
                response,
                sent_tracking_id,
                url,
            }));
        }
        // Only the decorator fails a request this way, and only if it runs outside
        // `Client::attempt`.
        Err(G::Custom(message)) => Err(Error::config(message, "report this as a bug")),
        Err(G::InvalidRequest(message)) => {
            let mut report = ValidationReport::default();
            report.push("request", Rule::Format, message);
            Err(Error::Validation(report))
        }
    };
    Converted::Read(result)
}

/// A status the description does not declare: a success decodes all the same (Webex
/// sometimes answers 200 where 204 is declared, or 201 for 200).
async fn undeclared_status<T: DeserializeOwned>(
    operation: Operation,
    undeclared: Box<Undeclared>,
) -> Replied<T> {
    let Undeclared {
        response,
        sent_tracking_id,
        url,
    } = *undeclared;
    let status = response.status();
    let headers = response.headers().clone();
    let tracking_id = header_tracking_id(&headers).unwrap_or(sent_tracking_id);
    let body = match response.bytes().await {
        Ok(body) => body,
        Err(error) => return Err(transport_error(operation, error, tracking_id)),
    };
    if is_bare_error(status, &body) {
        return Err(bare_api_error(operation, status, &headers, tracking_id));
    }
    if !status.is_success() {
        return Err(undecodable(
            operation,
            Some(status),
            &body,
            None,
            tracking_id,
        ));
    }
    let json: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
        b"null"
    } else {
        &body
    };
    match serde_json::from_slice(json) {
        Ok(value) => Ok(Box::new(Reply {
            value,
            status,
            headers,
            tracking_id,
            url,
            malformed: Vec::new(),
        })),
        Err(error) => {
            repaired(operation, json, status, headers, tracking_id, url).map_err(|tracking_id| {
                undecodable(operation, Some(status), &body, Some(error), tracking_id)
            })
        }
    }
}

fn undecodable(
    operation: Operation,
    status: Option<StatusCode>,
    body: &[u8],
    source: Option<serde_json::Error>,
    tracking_id: String,
) -> Error {
    Error::UndecodableResponse(Box::new(UndecodableResponse {
        operation,
        status,
        excerpt: excerpt(body),
        tracking_id,
        source,
    }))
}

/// A 2xx whose body does not fit `T`, read with what does not fit set aside (`repair`), and
/// the paths of what was set aside logged, never the values (they may be personal data).
/// Gives the tracking id back when even that cannot read it.
fn repaired<T: DeserializeOwned>(
    operation: Operation,
    body: &[u8],
    status: StatusCode,
    headers: HeaderMap,
    tracking_id: String,
    url: Option<Url>,
) -> Result<Box<Reply<T>>, String> {
    let Some((value, malformed)) = decode_repairing::<T>(body) else {
        return Err(tracking_id);
    };
    let paths: Vec<&str> = malformed.iter().map(Malformed::path).collect();
    tracing::warn!(
        operation = %operation,
        tracking_id,
        malformed = ?paths,
        "values that do not fit the API's description were set aside"
    );
    Ok(Box::new(Reply {
        value,
        status,
        headers,
        tracking_id,
        url,
        malformed,
    }))
}

/// An error status with an empty body, as a load balancer answers: the status says all
/// there is, so it is an API error like any other (a 429 is rate limiting, a 503 transient),
/// not an unreadable answer.
fn is_bare_error(status: StatusCode, body: &[u8]) -> bool {
    (status.is_client_error() || status.is_server_error())
        && body.iter().all(u8::is_ascii_whitespace)
}

fn bare_api_error(
    operation: Operation,
    status: StatusCode,
    headers: &HeaderMap,
    tracking_id: String,
) -> Error {
    api_error(
        operation,
        status,
        headers,
        WebexError::default(),
        tracking_id,
    )
}

fn transport_error(operation: Operation, error: reqwest::Error, tracking_id: String) -> Error {
    if error.is_timeout() {
        return Error::Timeout(Box::new(TimeoutError {
            operation,
            after: None,
            tracking_id,
            attempts: 1,
        }));
    }
    Error::Transport(Box::new(TransportError {
        operation,
        was_sent: !error.is_connect(),
        tracking_id,
        attempts: 1,
        // The URL may carry filters with personal data (an e-mail address).
        source: error.without_url(),
    }))
}

pub(crate) fn api_error(
    operation: Operation,
    status: StatusCode,
    headers: &HeaderMap,
    body: WebexError,
    sent_tracking_id: String,
) -> Error {
    let tracking_id = body
        .tracking_id
        .filter(|t| !t.is_empty())
        .or_else(|| header_tracking_id(headers))
        .unwrap_or(sent_tracking_id);
    Error::Api(Box::new(ApiError {
        operation,
        status,
        message: body.message,
        details: body
            .errors
            .into_iter()
            .map(|d| ErrorDetail {
                code: d.error_code.map(|c| c.0),
                description: d.description,
                field_name: d.field_name,
            })
            .collect(),
        tracking_id,
        retry_after: backoff::retry_after(headers),
        attempts: 1,
        unversioned_base: None,
    }))
}
