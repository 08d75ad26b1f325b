use serde_json::json;
use webex_broadworks_sim::{Fixture, Operation, Outcome};

use crate::common::{Api, advance, builder, secs, start_with};

const SEED: &str = r#"
enterprises:
  - spEnterpriseId: Reseller1+acme
    provisioningId: prov-1
subscribers:
  - { userId: seeded@sp.com, spEnterpriseId: Reseller1+acme, firstName: Seed, lastName: Ed }
"#;

async fn start() -> (webex_broadworks_sim::Simulator, Api) {
    start_with(
        builder()
            .seed(Fixture::from_yaml_str(SEED).unwrap())
            .outcome("migrate-*", Outcome::PendingUserMigration),
    )
    .await
}

#[tokio::test]
async fn counts_and_log_per_operation() {
    let (sim, api) = start().await;
    api.get("/broadworks/subscribers").await;
    api.get("/broadworks/subscribers").await;
    api.provision("x@sp.com").await;

    let counts = api.get(&format!("{}/requests/counts", api.admin)).await;
    assert_eq!(counts.status, 200);
    assert_eq!(counts.body["listSubscribers"], 2);
    assert_eq!(counts.body["provisionSubscriber"], 1);
    assert_eq!(counts.body["getBillingReport"], 0);
    assert_eq!(sim.state().request_count(Operation::ListSubscribers), 2);

    let log = api.get(&format!("{}/requests", api.admin)).await;
    let entries = log.body.as_array().unwrap();
    assert_eq!(entries.len(), 3);
    assert_eq!(entries[2]["operation"], "provisionSubscriber");
    assert_eq!(entries[2]["status"], 200);
    assert_eq!(entries[2]["path"], "/v1/broadworks/subscribers");
    assert!(entries.iter().all(|e| e["token"] == 0));
}

#[tokio::test]
async fn state_dump_reset_and_seed() {
    let (sim, api) = start().await;
    api.provision("extra@sp.com").await;
    let dump = api.get(&format!("{}/state", api.admin)).await;
    let users: Vec<&str> = dump.body["subscribers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["userId"].as_str().unwrap())
        .collect();
    assert_eq!(users, ["seeded@sp.com", "extra@sp.com"]);
    assert_eq!(
        dump.body["enterprises"][0]["spEnterpriseId"],
        "Reseller1+acme"
    );

    let reset = api.post(&format!("{}/reset", api.admin), json!({})).await;
    assert_eq!(reset.status, 204);
    assert_eq!(sim.state().subscribers().len(), 1);
    assert_eq!(sim.state().request_counts().values().sum::<u64>(), 0);

    let seeded = api
        .post(
            &format!("{}/seed", api.admin),
            json!({"subscribers": [{"userId": "posted@sp.com", "spEnterpriseId": "Reseller1+acme", "firstName": "P", "lastName": "Q"}]}),
        )
        .await;
    assert_eq!(seeded.status, 204);
    assert_eq!(sim.state().subscribers_by_user_id("posted@sp.com").len(), 1);
    let invalid = api
        .post(
            &format!("{}/seed", api.admin),
            json!({"subscribers": [{"firstName": "NoUser"}]}),
        )
        .await;
    assert_eq!(invalid.status, 400);
}

#[tokio::test]
async fn a_dump_seeds_an_equivalent_simulator() {
    let (sim, api) = start().await;
    api.provision("copy@sp.com").await;
    api.post(
        "/broadworks/billing/reports",
        json!({"billingPeriod": "2020-01"}),
    )
    .await;
    let dump = sim.state().dump();
    let copy = builder().seed(dump.clone()).start().await.unwrap();
    let copied = copy.state().dump();
    assert_eq!(copied.subscribers.len(), 2);
    for (original, copied) in dump.subscribers.iter().zip(&copied.subscribers) {
        assert_eq!(original.id, copied.id);
        assert_eq!(original.user_id, copied.user_id);
        assert_eq!(original.created, copied.created);
    }
    assert_eq!(dump.enterprises, copied.enterprises);
    assert_eq!(dump.billing_reports[0].id, copied.billing_reports[0].id);
}

#[tokio::test(start_paused = true)]
async fn resume_acts_as_the_end_user() {
    let (_sim, api) = start().await;
    let id = api.provision("migrate-9@sp.com").await.body["id"]
        .as_str()
        .unwrap()
        .to_string();
    advance(secs(2)).await;
    let resume = format!("{}/subscribers/{id}/resume", api.admin);
    assert_eq!(api.post(&resume, json!({})).await.status, 204);
    assert_eq!(api.post(&resume, json!({})).await.status, 409);
    advance(secs(2)).await;
    let subscriber = api.get(&format!("/broadworks/subscribers/{id}")).await;
    assert_eq!(subscriber.body["status"], "provisioned");
    assert_eq!(
        api.post(
            &format!("{}/subscribers/nobody/resume", api.admin),
            json!({})
        )
        .await
        .status,
        404
    );
}
