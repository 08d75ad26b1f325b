//! The seam through which callers shape every request the generated client sends:
//! the `Authorization` header, the `TrackingID` header, tracing.
//!
//! The generated `Client` carries a [`RequestHooks`] as its inner value; this module
//! implements progenitor's `ClientHooks` for it, so nothing in the generated file changes.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use progenitor_client::{ClientHooks, OperationInfo};
use reqwest::header::{AUTHORIZATION, HeaderValue};

use crate::Client;

/// A future returned by [`RequestDecorator::decorate`].
pub type DecorateFuture<'a> = Pin<Box<dyn Future<Output = Result<(), String>> + Send + 'a>>;

/// Changes each request just before it is sent: adds credentials, a tracking id, ...
///
/// An error aborts the request; it reaches the caller as `Error::Custom` with the message.
pub trait RequestDecorator: Send + Sync + 'static {
    /// Decorates `request`, which is about to run operation `operation_id`.
    fn decorate<'a>(
        &'a self,
        request: &'a mut reqwest::Request,
        operation_id: &'static str,
    ) -> DecorateFuture<'a>;

    /// Sees the head of each response as it arrives, before its body is read (status and
    /// headers survive there even when the body later fails to decode). Does nothing unless
    /// overridden.
    fn observe(&self, response: &reqwest::Response, operation_id: &'static str) {
        let _ = (response, operation_id);
    }
}

/// The hooks the generated [`Client`] runs around each request.
///
/// ```
/// use webex_broadworks_api::{Client, RequestHooks};
///
/// let client = Client::new("https://webexapis.com/v1", RequestHooks::bearer("my-token"));
/// ```
#[derive(Clone, Default)]
pub struct RequestHooks {
    decorator: Option<Arc<dyn RequestDecorator>>,
}

impl RequestHooks {
    /// No hooks: requests go out as generated (for tests against mocks).
    pub fn none() -> Self {
        RequestHooks::default()
    }

    /// Adds `Authorization: Bearer <token>` to every request.
    pub fn bearer(token: impl Into<String>) -> Self {
        RequestHooks::with_decorator(BearerToken::new(token))
    }

    /// Runs `decorator` on every request.
    pub fn with_decorator(decorator: impl RequestDecorator) -> Self {
        RequestHooks {
            decorator: Some(Arc::new(decorator)),
        }
    }
}

impl fmt::Debug for RequestHooks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestHooks")
            .field("decorator", &self.decorator.as_ref().map(|_| "<set>"))
            .finish()
    }
}

/// A fixed bearer token. Its `Debug` output never shows the token.
#[derive(Clone)]
pub struct BearerToken {
    header: HeaderValue,
}

impl BearerToken {
    /// Wraps `token`, the access token without the `Bearer ` prefix.
    pub fn new(token: impl Into<String>) -> Self {
        let token = token.into();
        // A token with bytes that cannot go into a header would be rejected by the server
        // anyway; an empty value keeps the request well-formed so the 401 explains it.
        let mut header = HeaderValue::from_str(&format!("Bearer {token}"))
            .unwrap_or_else(|_| HeaderValue::from_static("Bearer "));
        header.set_sensitive(true);
        BearerToken { header }
    }
}

impl fmt::Debug for BearerToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BearerToken(****)")
    }
}

impl RequestDecorator for BearerToken {
    fn decorate<'a>(
        &'a self,
        request: &'a mut reqwest::Request,
        _operation_id: &'static str,
    ) -> DecorateFuture<'a> {
        request
            .headers_mut()
            .insert(AUTHORIZATION, self.header.clone());
        Box::pin(async { Ok(()) })
    }
}

impl ClientHooks<RequestHooks> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        // progenitor sends the spec's version in `api-version`; Webex defines no such header.
        request.headers_mut().remove("api-version");
        if let Some(decorator) = &self.inner.decorator {
            decorator
                .decorate(request, info.operation_id)
                .await
                .map_err(progenitor_client::Error::Custom)?;
        }
        Ok(())
    }

    async fn post<E>(
        &self,
        result: &reqwest::Result<reqwest::Response>,
        info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        if let (Some(decorator), Ok(response)) = (&self.inner.decorator, result) {
            decorator.observe(response, info.operation_id);
        }
        Ok(())
    }
}
