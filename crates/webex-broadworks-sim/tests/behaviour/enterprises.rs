use serde_json::json;
use webex_broadworks_sim::Fixture;

use crate::common::{Api, advance, builder, secs, start_with};

const FIXTURE: &str = r#"
enterprises:
  - spEnterpriseId: Reseller1+acme
    provisioningId: prov-1
    broadworksDirectorySync: { enableDirSync: true }
    externalUsers:
      - { userId: reception@sp.com, firstName: Front, lastName: Desk, extension: "100" }
      - { userId: lobby@sp.com, inWebex: true }
      - { userId: renamed@sp.com, inWebex: true, changed: true }
      - { userId: gone@sp.com, inWebex: true, removed: true }
  - spEnterpriseId: Reseller1+globex
    broadworksDirectorySync: { enableDirSync: true }
    directorySyncFails: true
  - spEnterpriseId: Reseller2+initech
"#;

async fn start() -> (webex_broadworks_sim::Simulator, Api) {
    start_with(
        builder()
            .directory_sync_duration(secs(3))
            .seed(Fixture::from_yaml_str(FIXTURE).unwrap()),
    )
    .await
}

async fn enterprise_id(api: &Api, sp_enterprise_id: &str) -> String {
    let url = format!(
        "/broadworks/enterprises?spEnterpriseId={}",
        sp_enterprise_id.replace('+', "%2B")
    );
    let reply = api.get(&url).await;
    assert_eq!(
        reply.body["items"].as_array().unwrap().len(),
        1,
        "{sp_enterprise_id}"
    );
    reply.body["items"][0]["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn list_filters_by_exact_id_and_prefix() {
    let (_sim, api) = start().await;
    let all = api.get("/broadworks/enterprises").await;
    assert_eq!(all.body["items"].as_array().unwrap().len(), 3);
    assert!(all.next_link().is_none());

    let exact = api
        .get("/broadworks/enterprises?spEnterpriseId=Reseller1%2Bacme")
        .await;
    let items = exact.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["spEnterpriseId"], "Reseller1+acme");
    assert_eq!(items[0]["provisioningId"], "prov-1");
    assert_eq!(items[0]["broadworksDirectorySync"]["enableDirSync"], true);

    let prefixed = api
        .get("/broadworks/enterprises?startsWith=Reseller1")
        .await;
    let ids: Vec<&str> = prefixed.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["spEnterpriseId"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["Reseller1+acme", "Reseller1+globex"]);
    assert_eq!(
        api.get("/broadworks/enterprises?startsWith=Nope")
            .await
            .body["items"],
        json!([])
    );
}

#[tokio::test(start_paused = true)]
async fn directory_sync_runs_in_progress_then_complete() {
    let (_sim, api) = start().await;
    let id = enterprise_id(&api, "Reseller1+acme").await;
    let path = format!("/broadworks/enterprises/{id}/broadworksDirectorySync");

    let before = api.get(&path).await;
    assert_eq!(
        before.body["directorySyncStatus"]["syncStatus"],
        "NOT_SYNCED"
    );

    let triggered = api
        .client
        .post(format!("{}{path}", api.base))
        .bearer_auth("sim-token")
        .header("TrackingID", "CLIENT_sync_1")
        .json(&json!({"syncStatus": "SYNC_NOW"}))
        .send()
        .await
        .unwrap();
    assert_eq!(triggered.status(), 200);
    let triggered: serde_json::Value = triggered.json().await.unwrap();
    assert_eq!(
        triggered["directorySyncStatus"]["syncStatus"],
        "IN_PROGRESS"
    );
    assert_eq!(triggered["enableDirSync"], true);

    advance(secs(2)).await;
    let running = api.get(&path).await;
    assert_eq!(
        running.body["directorySyncStatus"]["syncStatus"],
        "IN_PROGRESS"
    );
    let started = running.body["directorySyncStatus"]["lastSyncStartTime"].clone();
    // A trigger while one runs reports it rather than restarting it.
    let again = api.post(&path, json!({"syncStatus": "SYNC_NOW"})).await;
    assert_eq!(
        again.body["directorySyncStatus"]["syncStatus"],
        "IN_PROGRESS"
    );

    advance(secs(1)).await;
    let done = api.get(&path).await;
    let status = &done.body["directorySyncStatus"];
    assert_eq!(status["syncStatus"], "COMPLETE");
    assert_eq!(status["lastSyncStartTime"], started);
    assert!(status["lastSyncEndTime"].is_string());
    assert_eq!(status["lastSuccessfulSyncTime"], status["lastSyncEndTime"]);
    assert_eq!(status["usersAdded"], 1);
    assert_eq!(status["usersUpdated"], 1);
    assert_eq!(status["usersDeleted"], 1);
    assert_eq!(status["totalExternalUsersInCI"], 3);
    assert_eq!(status["lastSyncTrackingId"], "CLIENT_sync_1");
}

#[tokio::test(start_paused = true)]
async fn a_failing_sync_reports_6003_and_a_disabled_one_cannot_start() {
    let (_sim, api) = start().await;
    let globex = enterprise_id(&api, "Reseller1+globex").await;
    let path = format!("/broadworks/enterprises/{globex}/broadworksDirectorySync");
    api.post(&path, json!({"syncStatus": "SYNC_NOW"})).await;
    advance(secs(3)).await;
    let failed = api.get(&path).await;
    assert_eq!(failed.body["directorySyncStatus"]["syncStatus"], "FAILED");
    assert_eq!(
        failed.body["directorySyncStatus"]["errors"][0]["errorCode"],
        6003
    );

    let initech = enterprise_id(&api, "Reseller2+initech").await;
    let path = format!("/broadworks/enterprises/{initech}/broadworksDirectorySync");
    assert_eq!(
        api.post(&path, json!({"syncStatus": "SYNC_NOW"}))
            .await
            .status,
        400
    );
    let enabled = api.put(&path, json!({"enableDirSync": true})).await;
    assert_eq!(enabled.status, 200);
    assert_eq!(enabled.body["enableDirSync"], true);
    assert_eq!(
        enabled.body["directorySyncStatus"]["syncStatus"],
        "NOT_SYNCED"
    );
    assert_eq!(
        api.post(&path, json!({"syncStatus": "SYNC_NOW"}))
            .await
            .status,
        200
    );

    let bad = api.post(&path, json!({"syncStatus": "LATER"})).await;
    assert_eq!(bad.status, 400);
    assert_eq!(bad.first_error()["fieldName"], "syncStatus");
    let unknown = api
        .get("/broadworks/enterprises/nope/broadworksDirectorySync")
        .await;
    assert_eq!(unknown.status, 404);
}

#[tokio::test]
async fn external_user_sync_reports_each_operation() {
    let (_sim, api) = start().await;
    let id = enterprise_id(&api, "Reseller1+acme").await;
    let path = format!("/broadworks/enterprises/{id}/broadworksDirectorySync/externalUser");
    let sync = |user: &'static str| api.post(&path, json!({"userId": user}));

    let added = sync("reception@sp.com").await;
    assert_eq!(added.status, 200);
    assert_eq!(added.body["status"], "ADD");
    assert_eq!(added.body["userResponse"]["firstName"], "Front");
    assert_eq!(added.body["userResponse"]["extension"], "100");
    assert_eq!(
        sync("reception@sp.com").await.body["status"],
        "NO_OPERATION"
    );
    assert_eq!(sync("renamed@sp.com").await.body["status"], "UPDATE");
    assert_eq!(sync("lobby@sp.com").await.body["status"], "NO_OPERATION");
    assert_eq!(sync("gone@sp.com").await.body["status"], "DELETE");
    assert_eq!(sync("gone@sp.com").await.status, 404);
    assert_eq!(sync("stranger@sp.com").await.status, 404);
}
