//! Shared helpers: a client pointed at a mock, canned bodies, request matchers.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use httpmock::{HttpMockRequest, MockServer};
use webex_broadworks::types::{self, Subscriber};
use webex_broadworks::{Client, ClientBuilder, ErrorCode, Package, RetryPolicy, SubscriberStatus};

/// Long enough that its masked form shows its last four characters.
pub const TOKEN: &str = "test-token-0123456789abcdefghij-Zq9X";

/// A builder for a client of `server` that retries fast, with seeded randomness and no
/// timers of the HTTP stack (the tests run on tokio's paused clock).
pub fn builder(server: &MockServer) -> ClientBuilder {
    Client::builder()
        .with_token(TOKEN)
        .with_base_url(server.base_url())
        .with_rng_seed(42)
        .without_timers()
        .with_retry_policy(
            RetryPolicy::default().with_backoff(Duration::from_millis(100), Duration::from_secs(2)),
        )
}

pub fn client(server: &MockServer) -> Client {
    builder(server).build().unwrap()
}

/// The `TrackingID` header a request carried.
pub fn tracking_id(request: &HttpMockRequest) -> String {
    request
        .headers()
        .get("trackingid")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// Matches the `n`-th attempt of a call (its `TrackingID` ends with `_n`).
pub fn attempt(n: u32) -> impl Fn(&HttpMockRequest) -> bool + Send + Sync + 'static {
    move |request| tracking_id(request).ends_with(&format!("_{n}"))
}

/// Matches the first `n` requests that reach the matcher, then no more.
pub fn first(n: usize) -> impl Fn(&HttpMockRequest) -> bool + Send + Sync + 'static {
    let seen = Arc::new(AtomicUsize::new(0));
    move |_| seen.fetch_add(1, Ordering::SeqCst) < n
}

pub fn subscriber(id: &str, status: SubscriberStatus) -> Subscriber {
    let provisioned = status == SubscriberStatus::Provisioned;
    Subscriber {
        id: Some(id.to_string()),
        user_id: Some(format!("{id}@sp.example")),
        sp_enterprise_id: Some("Reseller1+acme".to_string()),
        first_name: Some("Alice".to_string()),
        last_name: Some("Ng".to_string()),
        package: Some(Package::Standard),
        person_id: provisioned.then(|| format!("person-{id}")),
        status: Some(status),
        ..Subscriber::default()
    }
}

pub fn webex_error(message: &str, code: Option<i64>, field: Option<&str>) -> types::WebexError {
    types::WebexError {
        message: Some(message.to_string()),
        errors: vec![types::WebexErrorDetail {
            description: Some(message.to_string()),
            error_code: code.map(ErrorCode),
            field_name: field.map(str::to_string),
            ..Default::default()
        }],
        tracking_id: Some("ROUTER_BODY_1".to_string()),
        ..Default::default()
    }
}

/// A provisioning request that passes validation.
pub fn provision_request(user_id: &str) -> webex_broadworks::ProvisionSubscriber {
    webex_broadworks::ProvisionSubscriber::new()
        .provisioning_id("prov-1")
        .user_id(user_id)
        .sp_enterprise_id("Reseller1+acme")
        .first_name("Alice")
        .last_name("Ng")
        .package(Package::Standard)
        .primary_phone_number("+1-240-555-1212")
}

// List bodies from their generated builders, so that a field the spec adds to a list needs
// no change in the tests.

pub fn subscriber_list(items: Vec<Subscriber>) -> types::SubscriberList {
    types::SubscriberList::builder()
        .items(items)
        .try_into()
        .expect("a list has its items")
}

pub fn enterprise_list(items: Vec<types::Enterprise>) -> types::EnterpriseList {
    types::EnterpriseList::builder()
        .items(items)
        .try_into()
        .expect("a list has its items")
}

pub fn billing_report_list(items: Vec<types::BillingReportSummary>) -> types::BillingReportList {
    types::BillingReportList::builder()
        .items(items)
        .try_into()
        .expect("a list has its items")
}
