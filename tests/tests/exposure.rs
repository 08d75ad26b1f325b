//! Where a request's personal data may go: nowhere a redirect points, whether the client
//! builds its HTTP client or is given one made with `http_client_builder`.
// A test: a panic is its failure, with its line.
#![allow(clippy::unwrap_used)]

use webex_broadworks::{Client, Package, ProvisionSubscriber};
use webex_broadworks_tests::{canned_server, http_response, redirect_response, routed_server};

#[tokio::test]
async fn a_redirect_is_not_followed_with_a_provisioning() {
    // Where the redirect points: it must never see the subscriber's data.
    let (elsewhere, reached) =
        canned_server(http_response("200 OK", "application/json", b"")).await;
    let location = format!("{elsewhere}/broadworks/subscribers");
    let (base_url, heads) =
        routed_server(move |_| redirect_response("307 Temporary Redirect", &location)).await;
    let client = Client::builder()
        .with_token("token-of-the-test")
        .with_base_url(base_url)
        .build()
        .unwrap();
    let request = ProvisionSubscriber::new()
        .provisioning_id("prov-1")
        .user_id("alice@sp.example")
        .sp_enterprise_id("Reseller1+acme")
        .first_name("Alice")
        .last_name("Ng")
        .email("alice@sp.example")
        .package(Package::Basic);
    let error = client.subscribers().provision(request).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(307), "{error}");
    assert!(
        reached.lock().unwrap().is_empty(),
        "the redirect was followed"
    );
    let heads = heads.lock().unwrap();
    let posts = heads
        .iter()
        .filter(|head| head.starts_with("POST "))
        .count();
    assert_eq!(posts, 1, "{heads:#?}");
}

#[tokio::test]
async fn a_redirect_is_not_followed_with_a_read() {
    let (elsewhere, reached) =
        canned_server(http_response("200 OK", "application/json", b"")).await;
    let location = format!("{elsewhere}/broadworks/subscribers/S1");
    let (base_url, _) = routed_server(move |_| redirect_response("302 Found", &location)).await;
    // A caller's own HTTP client, started from the crate's builder as its docs say.
    let http = webex_broadworks::http_client_builder().build().unwrap();
    let client = Client::builder()
        .with_token("token-of-the-test")
        .with_base_url(base_url)
        .with_http_client(http)
        .with_retry_policy(webex_broadworks::RetryPolicy::never())
        .build()
        .unwrap();
    let error = client.subscribers().get("S1").await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(302), "{error}");
    assert!(
        reached.lock().unwrap().is_empty(),
        "the redirect was followed"
    );
}
