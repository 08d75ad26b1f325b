//! Point 1: construction, credentials, base URL, TLS, timeouts, the caller's own client.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use httpmock::MockServer;
use webex_broadworks::{
    Client, DEFAULT_BASE_URL, Error, RetryPolicy, SubscriberStatus, Token, TokenFuture,
    TokenProvider,
};
use webex_broadworks_api::mock::MockServerExt;

use crate::common::{TOKEN, builder, client, subscriber};

#[test]
fn new_targets_webex_and_masks_the_token() {
    let client = Client::new(TOKEN).unwrap();
    assert_eq!(client.base_url(), DEFAULT_BASE_URL);
    let shown = format!("{client:?}");
    assert!(!shown.contains(TOKEN), "{shown}");
    assert!(shown.contains("Token(****Zq9X)"), "{shown}");
    assert!(!format!("{:?}", Token::new("short")).contains("short"));
    let builder_shown = format!("{:?}", Client::builder().with_token(TOKEN));
    assert!(!builder_shown.contains(TOKEN), "{builder_shown}");
}

#[test]
fn plain_http_is_refused_unless_the_host_is_loopback() {
    let with = |url: &str| Client::builder().with_token("t").with_base_url(url).build();
    let error = with("http://webexapis.com/v1").unwrap_err();
    assert!(matches!(error, Error::Config(_)));
    let message = error.to_string();
    assert!(
        message.contains("http://") && message.contains("use https://"),
        "{message}"
    );
    assert!(!error.is_retryable());
    assert!(with("http://127.0.0.1:9/v1").is_ok());
    assert!(with("http://localhost:9/v1").is_ok());
    assert!(with("https://webexapis.com/v1").is_ok());
}

#[test]
fn a_builder_without_a_token_or_with_bad_headers_says_what_to_fix() {
    let error = Client::builder().build().unwrap_err();
    assert!(error.to_string().contains("with_token"), "{error}");
    let error = Client::builder()
        .with_token("t")
        .with_max_concurrent_requests(0)
        .build()
        .unwrap_err();
    assert!(
        error.to_string().contains("with_max_concurrent_requests"),
        "{error}"
    );
    let error = Client::builder()
        .with_token("t")
        .with_tracking_prefix("has space")
        .build()
        .unwrap_err();
    assert!(
        error.to_string().contains("with_tracking_prefix"),
        "{error}"
    );
    let error = Client::builder()
        .with_token("t")
        .with_user_agent("bad\nagent")
        .build()
        .unwrap_err();
    assert!(error.to_string().contains("with_user_agent"), "{error}");
}

#[tokio::test(start_paused = true)]
async fn every_request_carries_the_token_the_user_agent_and_a_tracking_id() {
    let server = MockServer::start_async().await;
    let mock = server.get_subscriber(|when, then| {
        when.subscriber_id("S1")
            .into_inner()
            .header("authorization", format!("Bearer {TOKEN}"))
            .header("user-agent", "acme-provisioning/2.1")
            .is_true(|request| {
                let id = crate::common::tracking_id(request);
                id.starts_with("ACME_") && id.ends_with("_1") && id.len() == "ACME_".len() + 36 + 2
            })
            .header_missing("api-version");
        then.ok(&subscriber("S1", SubscriberStatus::Provisioned));
    });
    let client = builder(&server)
        .with_user_agent("acme-provisioning/2.1")
        .with_tracking_prefix("ACME")
        .build()
        .unwrap();
    client.subscribers().get("S1").await.unwrap();
    mock.assert();
}

/// Hands out a new token each time, as a refreshing provider would.
#[derive(Debug, Default)]
struct Rotating {
    issued: AtomicUsize,
}

impl TokenProvider for Rotating {
    fn token(&self) -> TokenFuture<'_> {
        let n = self.issued.fetch_add(1, Ordering::SeqCst);
        Box::pin(async move { Ok(Token::new(format!("token-{n}"))) })
    }
}

#[tokio::test(start_paused = true)]
async fn a_token_provider_is_asked_before_every_request() {
    let server = MockServer::start_async().await;
    let first = server.get_subscriber(|when, then| {
        when.into_inner().header("authorization", "Bearer token-0");
        then.ok(&subscriber("S1", SubscriberStatus::Provisioned));
    });
    let second = server.get_subscriber(|when, then| {
        when.into_inner().header("authorization", "Bearer token-1");
        then.ok(&subscriber("S1", SubscriberStatus::Provisioned));
    });
    let client = builder(&server)
        .with_token_provider(Rotating::default())
        .build()
        .unwrap();
    client.subscribers().get("S1").await.unwrap();
    client.subscribers().get("S1").await.unwrap();
    first.assert();
    second.assert();
    assert!(format!("{client:?}").contains("custom TokenProvider"));
}

#[derive(Debug)]
struct Broken;

impl TokenProvider for Broken {
    fn token(&self) -> TokenFuture<'_> {
        Box::pin(async { Err("the vault is sealed".into()) })
    }
}

#[tokio::test(start_paused = true)]
async fn a_failing_token_provider_sends_nothing() {
    let server = MockServer::start_async().await;
    let mock = server.get_subscriber(|_, then| {
        then.ok(&subscriber("S1", SubscriberStatus::Provisioned));
    });
    let client = builder(&server)
        .with_token_provider(Broken)
        .build()
        .unwrap();
    let error = client.subscribers().get("S1").await.unwrap_err();
    assert!(matches!(error, Error::Credentials(_)), "{error:?}");
    assert!(error.to_string().contains("the vault is sealed"), "{error}");
    assert!(!error.is_retryable());
    assert_eq!(mock.calls(), 0);
}

#[tokio::test(start_paused = true)]
async fn the_callers_own_http_client_is_used() {
    let server = MockServer::start_async().await;
    let mock = server.get_subscriber(|when, then| {
        when.into_inner().header("x-proxy-auth", "yes");
        then.ok(&subscriber("S1", SubscriberStatus::Provisioned));
    });
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-proxy-auth", "yes".parse().unwrap());
    let http = webex_broadworks::http_client_builder()
        .default_headers(headers)
        .pool_idle_timeout(None)
        .build()
        .unwrap();
    let client = builder(&server).with_http_client(http).build().unwrap();
    client.subscribers().get("S1").await.unwrap();
    mock.assert();
}

#[tokio::test(start_paused = true)]
async fn https_goes_through_rustls() {
    // A plain-HTTP server on loopback: the TLS handshake must fail, as a transport error.
    let server = MockServer::start_async().await;
    let client = Client::builder()
        .with_token(TOKEN)
        .with_base_url(format!("https://127.0.0.1:{}/v1", server.port()))
        .without_timers()
        .with_retry_policy(RetryPolicy::never())
        .build()
        .unwrap();
    let error = client.subscribers().get("S1").await.unwrap_err();
    let Error::Transport(transport) = &error else {
        panic!("{error:?}")
    };
    assert!(!transport.was_sent(), "a failed handshake sends no request");
    assert!(error.to_string().contains("check the network"), "{error}");
}

#[tokio::test(start_paused = true)]
async fn the_request_timeout_ends_a_request_webex_does_not_answer() {
    let server = MockServer::start_async().await;
    server.get_subscriber(|_, then| {
        then.into_inner()
            .delay(Duration::from_secs(3))
            .status(200)
            .body("{}");
    });
    let client = builder(&server)
        .with_request_timeout(Some(Duration::from_secs(30)))
        .with_retry_policy(RetryPolicy::never())
        .build()
        .unwrap();
    let error = client.subscribers().get("S1").await.unwrap_err();
    let Error::Timeout(timeout) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(timeout.after(), Some(Duration::from_secs(30)));
    assert!(error.is_retryable());
    assert!(
        error
            .tracking_id()
            .unwrap()
            .starts_with("WEBEX-BROADWORKS-RS_")
    );
    assert!(error.to_string().contains("within 30s"), "{error}");
}

#[tokio::test(start_paused = true)]
async fn tokens_never_reach_errors_or_logs() {
    let server = MockServer::start_async().await;
    server.get_subscriber(|_, then| {
        then.client_error(
            401,
            &crate::common::webex_error("The request requires a valid access token.", None, None),
        );
    });
    let logs = crate::tracking::capture_logs();
    let client = client(&server);
    let error = client.subscribers().get("S1").await.unwrap_err();
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains(TOKEN), "{shown}");
    let logged = logs.text();
    assert!(logged.contains("webex_broadworks.request"), "{logged}");
    assert!(!logged.contains(TOKEN), "{logged}");
}
