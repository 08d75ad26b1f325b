use chrono::{TimeZone, Utc};
use serde_json::json;
use webex_broadworks_sim::{BillingFailure, Fixture};

use crate::common::{Api, advance, builder, secs, start_with};

async fn start() -> (webex_broadworks_sim::Simulator, Api) {
    let mut fixture = Fixture::default();
    fixture.billing_failures.insert(
        "2023-01".into(),
        BillingFailure {
            code: Some(2024),
            description: "Billing Report not found.".into(),
        },
    );
    start_with(
        builder()
            .start_time(Utc.with_ymd_and_hms(2024, 6, 15, 12, 0, 0).unwrap())
            .billing_report_delay(secs(5))
            .seed(fixture),
    )
    .await
}

async fn create(api: &Api, period: &str) -> String {
    let reply = api
        .post(
            "/broadworks/billing/reports",
            json!({"billingPeriod": period}),
        )
        .await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    reply.body["id"].as_str().unwrap().to_string()
}

#[tokio::test(start_paused = true)]
async fn reports_complete_with_a_download_url() {
    let (sim, api) = start().await;
    api.provision("billed@sp.com").await;
    let id = create(&api, "2024-05").await;
    let path = format!("/broadworks/billing/reports/{id}");

    let running = api.get(&path).await;
    assert_eq!(running.body["status"], "IN_PROGRESS");
    assert_eq!(running.body["billingPeriod"], "2024-05");
    assert!(running.body["createdBy"].is_string());
    assert!(running.body.get("tempDownloadURL").is_none());

    advance(secs(5)).await;
    let done = api.get(&path).await;
    assert_eq!(done.body["status"], "COMPLETED");
    let url = done.body["tempDownloadURL"].as_str().unwrap().to_string();
    assert!(url.starts_with(&sim.admin_url()), "{url}");
    let csv = api
        .client
        .get(&url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        csv.starts_with("billingPeriod,userId,spEnterpriseId,package\n"),
        "{csv}"
    );
    assert!(
        csv.contains("2024-05,billed@sp.com,Reseller1+acme,standard"),
        "{csv}"
    );
}

#[tokio::test(start_paused = true)]
async fn reports_fail_for_open_periods_and_configured_failures() {
    let (_sim, api) = start().await;
    let open = create(&api, "2024-06").await;
    let configured = create(&api, "2023-01").await;
    advance(secs(5)).await;

    let open = api
        .get(&format!("/broadworks/billing/reports/{open}"))
        .await;
    assert_eq!(open.body["status"], "FAILED");
    assert!(open.body["errors"][0]["description"].is_string());
    assert!(open.body.get("tempDownloadURL").is_none());

    let configured = api
        .get(&format!("/broadworks/billing/reports/{configured}"))
        .await;
    assert_eq!(configured.body["status"], "FAILED");
    assert_eq!(configured.body["errors"][0]["code"], 2024);
}

#[tokio::test(start_paused = true)]
async fn list_filters_and_sorts() {
    let (_sim, api) = start().await;
    for period in ["2024-03", "2023-11", "2024-06", "2024-01"] {
        create(&api, period).await;
    }
    advance(secs(5)).await;
    let periods = |reply: &crate::common::Reply| -> Vec<String> {
        reply.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|item| item["billingPeriod"].as_str().unwrap().to_string())
            .collect()
    };

    let all = api.get("/broadworks/billing/reports").await;
    assert_eq!(periods(&all), ["2023-11", "2024-01", "2024-03", "2024-06"]);
    let window = api
        .get("/broadworks/billing/reports?after=2023-11&before=2024-06")
        .await;
    assert_eq!(periods(&window), ["2024-01", "2024-03"]);

    let by_status = api.get("/broadworks/billing/reports?sortBy=status").await;
    let statuses: Vec<&str> = by_status.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["COMPLETED", "COMPLETED", "COMPLETED", "FAILED"]);

    let by_id = api.get("/broadworks/billing/reports?sortBy=id").await;
    let ids: Vec<&str> = by_id.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["id"].as_str().unwrap())
        .collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted);

    let bad_sort = api.get("/broadworks/billing/reports?sortBy=size").await;
    assert_eq!(bad_sort.status, 400);
    assert_eq!(bad_sort.first_error()["fieldName"], "sortBy");
    let bad_after = api.get("/broadworks/billing/reports?after=2024-13").await;
    assert_eq!(bad_after.first_error()["fieldName"], "after");
}

#[tokio::test]
async fn create_validates_and_delete_removes() {
    let (_sim, api) = start().await;
    let missing = api.post("/broadworks/billing/reports", json!({})).await;
    assert_eq!(missing.status, 400);
    assert_eq!(missing.first_error()["errorCode"], 1001);
    assert_eq!(missing.first_error()["fieldName"], "billingPeriod");
    let malformed = api
        .post(
            "/broadworks/billing/reports",
            json!({"billingPeriod": "May 2024"}),
        )
        .await;
    assert_eq!(malformed.status, 400);
    assert_eq!(malformed.first_error()["fieldName"], "billingPeriod");

    let id = create(&api, "2024-02").await;
    let path = format!("/broadworks/billing/reports/{id}");
    assert_eq!(api.delete(&path).await.status, 204);
    assert_eq!(api.get(&path).await.status, 404);
    assert_eq!(api.delete(&path).await.status, 404);
}
