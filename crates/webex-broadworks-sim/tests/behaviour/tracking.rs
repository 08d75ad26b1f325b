use std::collections::HashSet;

use crate::common::start;

#[tokio::test]
async fn every_response_carries_a_trackingid_and_the_clients_is_recorded() {
    let (sim, api) = start().await;
    let mut seen = HashSet::new();
    for path in [
        format!("{}/broadworks/subscribers", api.base),
        format!("{}/broadworks/subscribers/unknown", api.base),
        format!("{}/no/such/path", api.base),
        format!("{}/requests/counts", api.admin),
    ] {
        let response = api
            .client
            .get(&path)
            .bearer_auth("sim-token")
            .header("TrackingID", "CLIENT_42")
            .send()
            .await
            .unwrap();
        let tracking = response
            .headers()
            .get("trackingid")
            .unwrap_or_else(|| panic!("{path} has no trackingid"))
            .to_str()
            .unwrap()
            .to_string();
        assert!(!tracking.is_empty());
        let status = response.status();
        if status.is_client_error() {
            let body: serde_json::Value = response.json().await.unwrap();
            assert_eq!(body["trackingId"], tracking.as_str(), "{path}");
        }
        assert!(seen.insert(tracking), "tracking ids are unique per request");
    }
    let log = sim.state().request_log();
    assert_eq!(log.len(), 2, "only Webex operations are logged");
    assert!(
        log.iter()
            .all(|record| record.client_tracking_id.as_deref() == Some("CLIENT_42"))
    );
    assert_eq!(log[1].status, Some(404));
}

#[tokio::test]
async fn allow_names_only_the_methods_a_route_serves() {
    let (_sim, api) = start().await;
    let path = format!("{}/broadworks/subscribers", api.base);
    for method in [reqwest::Method::HEAD, reqwest::Method::DELETE] {
        let response = api
            .client
            .request(method.clone(), &path)
            .bearer_auth("sim-token")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 405, "{method}");
        let allow = response
            .headers()
            .get("allow")
            .unwrap_or_else(|| panic!("{method}: no Allow"))
            .to_str()
            .unwrap()
            .to_string();
        let mut methods: Vec<&str> = allow.split(',').collect();
        methods.sort_unstable();
        assert_eq!(methods, ["GET", "POST"], "{method}");
    }
}
