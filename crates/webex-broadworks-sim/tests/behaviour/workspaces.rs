use serde_json::{Value, json};

use crate::common::{Api, start};

fn workspace_body() -> Value {
    json!({
        "provisioningId": "prov-1",
        "userId": "room-1@sp.com",
        "spEnterpriseId": "Reseller1+acme",
        "displayName": "Conference Room",
        "primaryPhoneNumber": "+1-240-555-1313",
        "extension": "1313",
    })
}

/// Webex creates the customer with its first subscriber; workspaces need an existing one.
async fn with_customer(api: &Api) {
    assert_eq!(api.provision("first@sp.com").await.status, 200);
}

#[tokio::test]
async fn a_missing_required_field_is_named_with_code_1001() {
    let (sim, api) = start().await;
    with_customer(&api).await;
    for field in ["provisioningId", "userId", "spEnterpriseId", "displayName"] {
        let mut body = workspace_body();
        body.as_object_mut().unwrap().remove(field);
        let reply = api.post("/broadworks/workspaces", body).await;
        assert_eq!(reply.status, 400, "{field}");
        assert_eq!(reply.first_error()["errorCode"], 1001, "{field}");
        assert_eq!(reply.first_error()["fieldName"], field);
        assert!(reply.body["trackingId"].is_string());
    }
    assert!(sim.state().workspaces().is_empty());
}

#[tokio::test]
async fn provision_update_and_remove() {
    let (sim, api) = start().await;
    with_customer(&api).await;
    let created = api.post("/broadworks/workspaces", workspace_body()).await;
    assert_eq!(created.status, 200);
    assert_eq!(created.body["displayName"], "Conference Room");
    assert!(created.body["created"].is_string());
    let id = created.body["id"].as_str().unwrap().to_string();
    let path = format!("/broadworks/workspaces/{id}");

    let updated = api
        .put(&path, json!({"extension": "", "userId": "room-2@sp.com"}))
        .await;
    assert_eq!(updated.status, 200);
    assert_eq!(updated.body["userId"], "room-2@sp.com");
    assert!(updated.body.get("extension").is_none());
    assert_eq!(updated.body["primaryPhoneNumber"], "+1-240-555-1313");
    assert_eq!(
        sim.state().workspaces()[0].user_id.as_deref(),
        Some("room-2@sp.com")
    );

    assert_eq!(api.delete(&path).await.status, 204);
    assert_eq!(api.put(&path, json!({"extension": "1"})).await.status, 404);
    assert_eq!(api.delete(&path).await.status, 404);
    assert!(sim.state().workspaces().is_empty());
}

#[tokio::test]
async fn workspaces_need_an_existing_customer_and_a_free_user_id() {
    let (_sim, api) = start().await;
    let no_customer = api.post("/broadworks/workspaces", workspace_body()).await;
    assert_eq!(no_customer.status, 400);
    assert_eq!(no_customer.first_error()["fieldName"], "spEnterpriseId");

    with_customer(&api).await;
    let mut body = workspace_body();
    body["userId"] = json!("first@sp.com");
    let taken = api.post("/broadworks/workspaces", body).await;
    assert_eq!(taken.status, 409);
    assert_eq!(taken.first_error()["errorCode"], 10022);
}

#[tokio::test]
async fn workspace_ids_longer_than_256_characters_are_refused() {
    let (_sim, api) = start().await;
    let long = "x".repeat(257);
    let reply = api
        .put(&format!("/broadworks/workspaces/{long}"), json!({}))
        .await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.first_error()["fieldName"], "workspaceId");
}
