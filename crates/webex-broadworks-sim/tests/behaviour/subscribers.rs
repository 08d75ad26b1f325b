use serde_json::json;
use webex_broadworks_sim::{Fixture, Outcome};

use crate::common::{advance, builder, millis, secs, start, start_with, subscriber_body};

fn path(id: &str) -> String {
    format!("/broadworks/subscribers/{id}")
}

#[tokio::test(start_paused = true)]
async fn provisioning_turns_provisioned_after_the_delay() {
    let (_sim, api) = start().await;
    let created = api.provision("alice@sp.com").await;
    assert_eq!(created.status, 200);
    assert_eq!(created.body["status"], "provisioning");
    assert!(created.body.get("personId").is_none());
    let id = created.body["id"].as_str().unwrap().to_string();

    advance(millis(1999)).await;
    let still = api.get(&path(&id)).await;
    assert_eq!(still.body["status"], "provisioning");
    assert!(still.body.get("personId").is_none());

    advance(millis(1)).await;
    let done = api.get(&path(&id)).await;
    assert_eq!(done.body["status"], "provisioned");
    assert!(
        done.body["personId"]
            .as_str()
            .is_some_and(|p| !p.is_empty())
    );
    let created_at =
        chrono::DateTime::parse_from_rfc3339(done.body["created"].as_str().unwrap()).unwrap();
    let changed_at =
        chrono::DateTime::parse_from_rfc3339(done.body["lastStatusChange"].as_str().unwrap())
            .unwrap();
    assert_eq!(changed_at - created_at, chrono::TimeDelta::seconds(2));
}

#[tokio::test(start_paused = true)]
async fn a_user_id_already_mapped_ends_in_error_10022() {
    let (sim, api) = start().await;
    let first = api.provision("bob@sp.com").await;
    let second = api.provision("bob@sp.com").await;
    assert_eq!(second.status, 200);
    assert_eq!(second.body["status"], "provisioning");
    advance(secs(2)).await;

    let second = api.get(&path(second.body["id"].as_str().unwrap())).await;
    assert_eq!(second.body["status"], "error");
    assert_eq!(second.body["errors"][0]["errorCode"], 10022);
    assert!(second.body.get("personId").is_none());
    let first = api.get(&path(first.body["id"].as_str().unwrap())).await;
    assert_eq!(first.body["status"], "provisioned");
    assert_eq!(sim.state().subscribers_by_user_id("bob@sp.com").len(), 2);
}

#[tokio::test(start_paused = true)]
async fn outcome_rules_route_user_ids_to_pending_and_error_paths() {
    let builder = builder()
        .outcome("input-*", Outcome::PendingEmailInput)
        .outcome("validate-*", Outcome::PendingEmailValidation)
        .outcome("migrate-*", Outcome::PendingUserMigration)
        .outcome("broken@sp.com", Outcome::error(4003, "No licence left."));
    let (sim, api) = start_with(builder).await;
    let mut ids = Vec::new();
    for user in [
        "input-1@sp.com",
        "validate-1@sp.com",
        "migrate-1@sp.com",
        "broken@sp.com",
        "plain@sp.com",
    ] {
        ids.push(
            api.provision(user).await.body["id"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    advance(secs(2)).await;
    let statuses: Vec<String> = futures_statuses(&api, &ids).await;
    assert_eq!(
        statuses,
        [
            "pending_email_input",
            "pending_email_validation",
            "pending_user_migration",
            "error",
            "provisioned"
        ]
    );
    let broken = api.get(&path(&ids[3])).await;
    assert_eq!(broken.body["errors"][0]["errorCode"], 4003);
    assert_eq!(broken.body["errors"][0]["description"], "No licence left.");

    // The end user acts: provisioning resumes and finishes after the provisioning delay.
    sim.state().resume_pending(&ids[0]).unwrap();
    assert_eq!(api.get(&path(&ids[0])).await.body["status"], "provisioning");
    advance(secs(2)).await;
    assert_eq!(api.get(&path(&ids[0])).await.body["status"], "provisioned");
    assert!(sim.state().resume_pending(&ids[4]).is_err());
}

async fn futures_statuses(api: &crate::common::Api, ids: &[String]) -> Vec<String> {
    let mut statuses = Vec::new();
    for id in ids {
        statuses.push(
            api.get(&path(id)).await.body["status"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    statuses
}

#[tokio::test(start_paused = true)]
async fn consent_move_email_only_for_pending_user_migration() {
    let (sim, api) =
        start_with(builder().outcome("migrate-*", Outcome::PendingUserMigration)).await;
    let migrating = api.provision("migrate-1@sp.com").await.body["id"]
        .as_str()
        .unwrap()
        .to_string();
    let normal = api.provision("normal@sp.com").await.body["id"]
        .as_str()
        .unwrap()
        .to_string();
    let consent = |id: &str| format!("/subscribers/{id}/emails/consentMove");

    // Still provisioning: not yet waiting for consent.
    assert_eq!(api.post(&consent(&migrating), json!({})).await.status, 409);
    advance(secs(2)).await;
    let sent = api.post(&consent(&migrating), json!({})).await;
    assert_eq!(sent.status, 204);
    assert_eq!(sent.body, serde_json::Value::Null);
    assert_eq!(api.post(&consent(&migrating), json!({})).await.status, 204);
    assert_eq!(sim.state().consent_emails_sent(&migrating), Some(2));

    let refused = api.post(&consent(&normal), json!({})).await;
    assert_eq!(refused.status, 409);
    assert!(
        refused.first_error()["description"]
            .as_str()
            .unwrap()
            .contains("pending_user_migration")
    );
    assert_eq!(api.post(&consent("nobody"), json!({})).await.status, 404);
}

#[tokio::test(start_paused = true)]
async fn update_shows_new_values_only_once_provisioned_again() {
    let (_sim, api) = start().await;
    let id = api.provision("carol@sp.com").await.body["id"]
        .as_str()
        .unwrap()
        .to_string();
    advance(secs(2)).await;

    let update = json!({"firstName": "Caroline", "package": "premium", "mobilePhoneNumber": ""});
    let updating = api.put(&path(&id), update.clone()).await;
    assert_eq!(updating.status, 200);
    assert_eq!(updating.body["status"], "updating");
    assert_eq!(updating.body["firstName"], "Ann");
    assert_eq!(updating.body["package"], "standard");

    // A retry of the same update is accepted; a different one conflicts.
    assert_eq!(api.put(&path(&id), update).await.status, 200);
    assert_eq!(
        api.put(&path(&id), json!({"firstName": "Other"}))
            .await
            .status,
        409
    );

    advance(millis(999)).await;
    let still = api.get(&path(&id)).await;
    assert_eq!(still.body["status"], "updating");
    assert_eq!(still.body["firstName"], "Ann");
    assert!(still.body["mobilePhoneNumber"].is_string());

    advance(millis(1)).await;
    let done = api.get(&path(&id)).await;
    assert_eq!(done.body["status"], "provisioned");
    assert_eq!(done.body["firstName"], "Caroline");
    assert_eq!(done.body["lastName"], "Lee");
    assert_eq!(done.body["package"], "premium");
    assert!(done.body.get("mobilePhoneNumber").is_none());
}

#[tokio::test(start_paused = true)]
async fn a_subscriber_keeps_a_primary_number_or_an_extension() {
    let (_sim, api) = start().await;
    let id = api.provision("dave@sp.com").await.body["id"]
        .as_str()
        .unwrap()
        .to_string();
    advance(secs(2)).await;

    let refused = api.put(&path(&id), json!({"primaryPhoneNumber": ""})).await;
    assert_eq!(refused.status, 400);
    assert_eq!(refused.first_error()["fieldName"], "primaryPhoneNumber");
    assert_eq!(api.get(&path(&id)).await.body["status"], "provisioned");

    let swapped = api
        .put(
            &path(&id),
            json!({"primaryPhoneNumber": "", "extension": "1212"}),
        )
        .await;
    assert_eq!(swapped.status, 200);
    advance(secs(1)).await;
    let done = api.get(&path(&id)).await;
    assert!(done.body.get("primaryPhoneNumber").is_none());
    assert_eq!(done.body["extension"], "1212");

    let refused = api.put(&path(&id), json!({"extension": ""})).await;
    assert_eq!(refused.status, 400);
    assert_eq!(refused.first_error()["fieldName"], "extension");
}

#[tokio::test(start_paused = true)]
async fn updating_to_a_mapped_user_id_fails_asynchronously() {
    let (_sim, api) = start().await;
    api.provision("erin@sp.com").await;
    let id = api.provision("frank@sp.com").await.body["id"]
        .as_str()
        .unwrap()
        .to_string();
    advance(secs(2)).await;
    let updating = api.put(&path(&id), json!({"userId": "erin@sp.com"})).await;
    assert_eq!(updating.body["status"], "updating");
    advance(secs(1)).await;
    let failed = api.get(&path(&id)).await;
    assert_eq!(failed.body["status"], "error");
    assert_eq!(failed.body["errors"][0]["errorCode"], 10022);
    assert_eq!(failed.body["userId"], "frank@sp.com");
}

#[tokio::test(start_paused = true)]
async fn only_provisioned_subscribers_can_be_updated() {
    let (_sim, api) = start().await;
    let id = api.provision("gina@sp.com").await.body["id"]
        .as_str()
        .unwrap()
        .to_string();
    let refused = api.put(&path(&id), json!({"firstName": "G"})).await;
    assert_eq!(refused.status, 409);
    assert_eq!(
        api.put(&path("nobody"), json!({"firstName": "G"}))
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn remove_answers_204_then_404() {
    let (sim, api) = start().await;
    let id = api.provision("hank@sp.com").await.body["id"]
        .as_str()
        .unwrap()
        .to_string();
    let removed = api.delete(&path(&id)).await;
    assert_eq!(removed.status, 204);
    assert_eq!(api.get(&path(&id)).await.status, 404);
    assert_eq!(api.delete(&path(&id)).await.status, 404);
    assert!(sim.state().subscribers().is_empty());
    // The userId is free again.
    assert_eq!(api.provision("hank@sp.com").await.status, 200);
}

#[tokio::test(start_paused = true)]
async fn precheck_reports_info_100_or_the_error_provisioning_would_meet() {
    let (_sim, api) =
        start_with(builder().outcome("broken-*", Outcome::error(4003, "No licence left."))).await;
    let ok = api
        .post(
            "/broadworks/subscribers/validate",
            json!({"email": "new@acme.com", "userId": "new@sp.com"}),
        )
        .await;
    assert_eq!(ok.status, 200);
    assert_eq!(ok.body["message"], "success");
    assert_eq!(ok.body["info"][0]["infoCode"], 100);

    let missing = api
        .post(
            "/broadworks/subscribers/validate",
            json!({"userId": "x@sp.com"}),
        )
        .await;
    assert_eq!(missing.status, 400);
    assert_eq!(missing.first_error()["errorCode"], 1001);
    assert_eq!(missing.first_error()["fieldName"], "email");

    api.provision("taken@sp.com").await;
    let taken = api
        .post(
            "/broadworks/subscribers/validate",
            json!({"email": "t@acme.com", "userId": "taken@sp.com"}),
        )
        .await;
    assert_eq!(taken.status, 400);
    assert_eq!(taken.first_error()["errorCode"], 10022);

    let broken = api
        .post(
            "/broadworks/subscribers/validate",
            json!({"email": "b@acme.com", "userId": "broken-1"}),
        )
        .await;
    assert_eq!(broken.first_error()["errorCode"], 4003);
}

#[tokio::test]
async fn request_bodies_are_validated() {
    let (sim, api) = start().await;
    let mut body = subscriber_body("ivy@sp.com");
    body.as_object_mut().unwrap().remove("lastName");
    let missing = api.post("/broadworks/subscribers", body).await;
    assert_eq!(missing.status, 400);
    assert_eq!(missing.first_error()["errorCode"], 1001);
    assert_eq!(missing.first_error()["fieldName"], "lastName");

    let mut body = subscriber_body("ivy@sp.com");
    body["package"] = json!("gold");
    let bad_package = api.post("/broadworks/subscribers", body).await;
    assert_eq!(bad_package.status, 400);
    assert_eq!(bad_package.first_error()["fieldName"], "package");

    let not_json = api
        .client
        .post(format!("{}/broadworks/subscribers", api.base))
        .bearer_auth("sim-token")
        .header("content-type", "text/plain")
        .body("hello")
        .send()
        .await
        .unwrap();
    assert_eq!(not_json.status(), 415);

    let broken = api
        .client
        .post(format!("{}/broadworks/subscribers", api.base))
        .bearer_auth("sim-token")
        .header("content-type", "application/json")
        .body("{\"userId\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(broken.status(), 400);
    assert!(sim.state().subscribers().is_empty());
}

#[tokio::test]
async fn known_provisioning_ids_are_enforced() {
    let fixture = Fixture {
        provisioning_ids: vec!["prov-1".into()],
        ..Fixture::default()
    };
    let (_sim, api) = start_with(builder().seed(fixture)).await;
    assert_eq!(api.provision("a@sp.com").await.status, 200);
    let mut body = subscriber_body("b@sp.com");
    body["provisioningId"] = json!("prov-unknown");
    let refused = api.post("/broadworks/subscribers", body).await;
    assert_eq!(refused.status, 400);
    assert_eq!(refused.first_error()["fieldName"], "provisioningId");
}

#[tokio::test(start_paused = true)]
async fn transitions_are_visible_in_process_without_http() {
    let (sim, api) = start().await;
    let id = api.provision("jane@sp.com").await.body["id"]
        .as_str()
        .unwrap()
        .to_string();
    let state = sim.state();
    let status =
        |s: &webex_broadworks_sim::SimState| s.subscriber(&id).unwrap().status.unwrap().to_string();
    assert_eq!(status(state), "provisioning");
    advance(secs(2)).await;
    assert_eq!(status(state), "provisioned");
    assert!(state.subscriber(&id).unwrap().person_id.is_some());
}

#[tokio::test(start_paused = true)]
async fn fields_declared_as_e_mail_addresses_are_checked() {
    let (sim, api) = start().await;
    let mut body = subscriber_body("alice@sp.com");
    body["email"] = json!("not an address");
    let refused = api.post("/broadworks/subscribers", body).await;
    assert_eq!(refused.status, 400);
    assert_eq!(refused.first_error()["fieldName"], "email");
    for (request, field) in [
        (json!({"email": "alice@"}), "email"),
        (
            json!({"email": "alice@acme.com", "customerInfo": {"primaryEmail": "admin"}}),
            "customerInfo.primaryEmail",
        ),
    ] {
        let reply = api.post("/broadworks/subscribers/validate", request).await;
        assert_eq!(reply.status, 400, "{field}");
        assert_eq!(reply.first_error()["fieldName"], field);
    }
    assert!(
        sim.state().subscribers().is_empty(),
        "nothing was provisioned"
    );
    let mut good = subscriber_body("bob@sp.com");
    good["email"] = json!("bob@acme.example");
    assert_eq!(api.post("/broadworks/subscribers", good).await.status, 200);
}
