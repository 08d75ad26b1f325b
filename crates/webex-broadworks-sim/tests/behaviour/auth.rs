use reqwest::Method;
use serde_json::json;
use webex_broadworks_sim::{Operation, Scope, Simulator};

use crate::common::{start, start_with, subscriber_body};

/// The operation's path with every placeholder filled.
fn concrete_path(operation: Operation) -> String {
    operation
        .path_template()
        .replace("{subscriberId}", "some-id")
        .replace("{workspaceId}", "some-id")
        .replace("{id}", "some-id")
}

fn method(operation: Operation) -> Method {
    Method::from_bytes(operation.method().as_str().as_bytes()).unwrap()
}

#[tokio::test]
async fn every_operation_is_served_and_needs_a_token() {
    let (sim, api) = start().await;
    let anonymous = api.with_token(None);
    for operation in Operation::ALL {
        let reply = anonymous
            .call(
                method(*operation),
                &concrete_path(*operation),
                Some(json!({})),
            )
            .await;
        assert_eq!(reply.status, 401, "{operation}: {:?}", reply.body);
        assert!(reply.body["message"].as_str().is_some(), "{operation}");
        assert_eq!(
            reply.body["trackingId"].as_str(),
            reply.header("trackingid")
        );
    }
    assert_eq!(sim.state().request_counts().values().sum::<u64>(), 19);
}

#[tokio::test]
async fn unknown_tokens_and_other_schemes_are_refused() {
    let (_sim, api) = start().await;
    assert_eq!(
        api.with_token(Some("wrong"))
            .get("/broadworks/subscribers")
            .await
            .status,
        401
    );
    let basic = api
        .client
        .get(format!("{}/broadworks/subscribers", api.base))
        .header("Authorization", "Basic sim-token")
        .send()
        .await
        .unwrap();
    assert_eq!(basic.status(), 401);
    assert_eq!(api.get("/broadworks/subscribers").await.status, 200);
}

#[tokio::test]
async fn a_token_without_the_scope_gets_403_and_changes_nothing() {
    let builder = Simulator::builder()
        .token("reader", Scope::SubscribersRead)
        .token("admin", Scope::all());
    let (sim, api) = start_with(builder).await;
    let reader = api.with_token(Some("reader"));

    assert_eq!(reader.get("/broadworks/subscribers").await.status, 200);
    let refused = reader
        .post("/broadworks/subscribers", subscriber_body("u1@sp.com"))
        .await;
    assert_eq!(refused.status, 403);
    assert!(
        refused.first_error()["description"]
            .as_str()
            .unwrap()
            .contains("spark-admin:broadworks_subscribers_write")
    );
    assert!(sim.state().subscribers().is_empty());
    assert_eq!(reader.get("/broadworks/enterprises").await.status, 403);

    // Configured tokens replace the default one.
    assert_eq!(api.get("/broadworks/subscribers").await.status, 401);
    assert_eq!(
        api.with_token(Some("admin"))
            .provision("u1@sp.com")
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn workspaces_need_places_write() {
    let builder =
        Simulator::builder().token("subs", [Scope::SubscribersRead, Scope::SubscribersWrite]);
    let (_sim, api) = start_with(builder).await;
    let subs = api.with_token(Some("subs"));
    let reply = subs
        .post(
            "/broadworks/workspaces",
            json!({"provisioningId": "p", "userId": "w@sp.com", "spEnterpriseId": "e", "displayName": "Room"}),
        )
        .await;
    assert_eq!(reply.status, 403);
}
