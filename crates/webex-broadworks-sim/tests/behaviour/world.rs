//! The settings that make the simulator as hard on a client as the world: answers that lie
//! about what was applied, bare errors, broken next links, lagging lists, late transitions.

use std::collections::BTreeSet;

use reqwest::Method;
use webex_broadworks_sim::{Fault, FaultPlan, FaultRates, Operation};

use crate::common::{advance, builder, millis, secs, start_with, subscriber_body};

fn only(operation: Operation, rates: FaultRates) -> FaultPlan {
    FaultPlan::seeded(5).for_operation(operation, rates)
}

#[tokio::test]
async fn applied_server_errors_answer_5xx_for_work_that_was_done() {
    let plan = only(
        Operation::ProvisionSubscriber,
        FaultRates::none().applied_server_errors(1.0),
    );
    let (sim, api) = start_with(builder().faults(plan)).await;
    let reply = api.provision("gw@sp.com").await;
    assert!(reply.status >= 500, "{}", reply.status);
    assert_eq!(
        reply.body["trackingId"].as_str(),
        reply.header("trackingid")
    );
    assert_eq!(sim.state().subscribers_by_user_id("gw@sp.com").len(), 1);
    let record = sim.state().request_log().pop().unwrap();
    assert!(matches!(
        record.fault,
        Some(Fault::AppliedServerError { .. })
    ));
}

#[tokio::test]
async fn corrupt_bodies_keep_the_2xx_and_break_the_json() {
    let plan = only(
        Operation::ProvisionSubscriber,
        FaultRates::none().corrupt_bodies(1.0),
    );
    let (sim, api) = start_with(builder().faults(plan)).await;
    let reply = api.provision("garbled@sp.com").await;
    assert_eq!(reply.status, 200);
    assert!(
        reply.body.is_string(),
        "the body no longer parses as JSON: {}",
        reply.body
    );
    assert_eq!(
        sim.state().subscribers_by_user_id("garbled@sp.com").len(),
        1
    );
}

#[tokio::test]
async fn bare_errors_have_neither_body_nor_retry_after() {
    let plan = FaultPlan::seeded(2).locked(1.0).bare_errors(1.0);
    let (_sim, api) = start_with(builder().faults(plan)).await;
    let reply = api.get("/broadworks/subscribers").await;
    assert_eq!(reply.status, 423);
    assert!(reply.body.is_null(), "{}", reply.body);
    assert_eq!(reply.header("retry-after"), None);
    assert!(reply.header("trackingid").is_some(), "still tracked");

    // A handler's own refusal, too.
    let plan = FaultPlan::seeded(2).bare_errors(1.0);
    let (_sim, api) = start_with(builder().faults(plan)).await;
    let missing = api.get("/broadworks/subscribers/nobody").await;
    assert_eq!(missing.status, 404);
    assert!(missing.body.is_null());
    // A success is never stripped.
    assert_eq!(api.provision("fine@sp.com").await.status, 200);
}

#[tokio::test]
async fn broken_next_links_break_in_each_known_way() {
    let plan = only(
        Operation::ListSubscribers,
        FaultRates::none().broken_links(1.0),
    );
    let (_sim, api) = start_with(builder().faults(plan)).await;
    for n in 0..3 {
        assert_eq!(api.provision(&format!("page{n}@sp.com")).await.status, 200);
    }
    let mut seen = BTreeSet::new();
    for _ in 0..30 {
        let reply = api
            .get("/broadworks/subscribers?spEnterpriseId=Reseller1%2Bacme&max=1")
            .await;
        let link = reply.next_link().expect("more than one page");
        let kind = if link.starts_with("/v1/broadworks/subscribers?") {
            "relative"
        } else if link.contains("max=null") {
            "max=null"
        } else if !link.contains("spEnterpriseId") {
            "dropped filters"
        } else {
            panic!("a sound link although every link is broken: {link}")
        };
        seen.insert(kind);
    }
    assert_eq!(seen.len(), 3, "{seen:?}");
}

#[tokio::test(start_paused = true)]
async fn lists_lag_behind_writes_and_reads_by_id_do_not() {
    let plan = FaultPlan::seeded(1).list_lag(secs(5));
    let (_sim, api) = start_with(builder().faults(plan)).await;
    let created = api.provision("lag@sp.com").await;
    let id = created.body["id"].as_str().unwrap().to_string();
    let listed = |reply: &crate::common::Reply| reply.body["items"].as_array().unwrap().clone();

    let by_user_id = "/broadworks/subscribers?userId=lag%40sp.com";
    assert!(
        listed(&api.get(by_user_id).await).is_empty(),
        "not indexed yet"
    );
    assert_eq!(
        api.get(&format!("/broadworks/subscribers/{id}"))
            .await
            .status,
        200
    );

    // Provisioned at 2 s; listed from 5 s as it stood then: still provisioning.
    advance(secs(5)).await;
    let items = listed(&api.get(by_user_id).await);
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["status"], "provisioning");
    let read = api.get(&format!("/broadworks/subscribers/{id}")).await;
    assert_eq!(read.body["status"], "provisioned");

    advance(secs(2)).await;
    let items = listed(&api.get(by_user_id).await);
    assert_eq!(items[0]["status"], "provisioned");
}

#[tokio::test(start_paused = true)]
async fn a_request_applied_before_its_delay_changes_state_before_it_answers() {
    let plan = only(
        Operation::ProvisionSubscriber,
        FaultRates::none()
            .latency(secs(10))
            .apply_before_delay(true),
    );
    let (sim, api) = start_with(builder().faults(plan)).await;
    let request = tokio::spawn(async move {
        api.try_call(
            Method::POST,
            "/broadworks/subscribers",
            Some(subscriber_body("early@sp.com")),
        )
        .await
    });
    let applied = || sim.state().subscribers_by_user_id("early@sp.com").len();
    for _ in 0..50 {
        if applied() == 1 {
            break;
        }
        tokio::time::sleep(millis(10)).await;
    }
    assert_eq!(applied(), 1);
    assert!(!request.is_finished(), "the answer waits out the delay");
    // A client that gives up now leaves it applied, unanswered.
    request.abort();

    // Without the setting, nothing is applied while the delay runs.
    let plan = only(
        Operation::ProvisionSubscriber,
        FaultRates::none().latency(secs(10)),
    );
    sim.state().set_faults(plan).unwrap();
    let api = crate::common::Api::new(&sim);
    let request = tokio::spawn(async move { api.provision("late@sp.com").await });
    while sim.state().request_count(Operation::ProvisionSubscriber) < 2 {
        tokio::time::sleep(millis(10)).await;
    }
    tokio::time::sleep(millis(500)).await;
    assert!(sim.state().subscribers_by_user_id("late@sp.com").is_empty());
    assert!(!request.is_finished());
    request.abort();
}

#[tokio::test(start_paused = true)]
async fn late_transitions_land_after_their_delay_by_a_drawn_amount() {
    let plan = FaultPlan::seeded(8).late_transitions(secs(4));
    let (sim, api) = start_with(builder().faults(plan)).await;
    for n in 0..20 {
        assert_eq!(api.provision(&format!("late{n}@sp.com")).await.status, 200);
    }
    let provisioned = || {
        sim.state()
            .subscribers()
            .iter()
            .filter(|s| {
                s.status
                    .as_ref()
                    .is_some_and(|s| s.to_string() == "provisioned")
            })
            .count()
    };
    advance(millis(2_001)).await;
    let on_time = provisioned();
    assert!(on_time < 20, "some land late");
    advance(secs(4)).await;
    assert_eq!(provisioned(), 20, "none later than the most allowed");
}
