use reqwest::Method;
use webex_broadworks_sim::{Fault, FaultPlan, FaultRates, Operation, Simulator};

use crate::common::{Api, builder, millis, start_with, subscriber_body};

fn only(operation: Operation, rates: FaultRates) -> FaultPlan {
    FaultPlan::seeded(1).for_operation(operation, rates)
}

#[tokio::test]
async fn server_errors_are_5xx_webex_errors_and_not_applied() {
    let (sim, api) = start_with(builder().faults(FaultPlan::seeded(9).server_errors(1.0))).await;
    let mut statuses = std::collections::BTreeSet::new();
    for n in 0..40 {
        let reply = api.provision(&format!("u{n}@sp.com")).await;
        assert!(reply.body["message"].is_string());
        assert_eq!(
            reply.body["trackingId"].as_str(),
            reply.header("trackingid")
        );
        statuses.insert(reply.status);
    }
    assert_eq!(
        statuses.into_iter().collect::<Vec<_>>(),
        [500, 502, 503, 504]
    );
    assert!(sim.state().subscribers().is_empty());
}

#[tokio::test]
async fn locked_answers_423_with_retry_after() {
    let plan = only(
        Operation::ListSubscribers,
        FaultRates::none()
            .locked(1.0)
            .locked_retry_after(millis(2500)),
    );
    let (_sim, api) = start_with(builder().faults(plan)).await;
    let locked = api.get("/broadworks/subscribers").await;
    assert_eq!(locked.status, 423);
    assert_eq!(locked.header("retry-after"), Some("3"));
    assert_eq!(api.get("/broadworks/enterprises").await.status, 200);
}

#[tokio::test]
async fn dropped_connections_get_no_response_and_change_nothing() {
    let plan = only(
        Operation::ProvisionSubscriber,
        FaultRates::none().dropped_connections(1.0),
    );
    let (sim, api) = start_with(builder().faults(plan)).await;
    let error = api
        .try_call(
            Method::POST,
            "/broadworks/subscribers",
            Some(subscriber_body("d@sp.com")),
        )
        .await
        .unwrap_err();
    assert!(!error.is_status(), "{error}");
    assert!(sim.state().subscribers().is_empty());
    let record = sim.state().request_log().pop().unwrap();
    assert_eq!(record.status, None);
    assert_eq!(record.fault, Some(Fault::DroppedConnection));
    // The simulator keeps serving.
    assert_eq!(api.get("/broadworks/subscribers").await.status, 200);
}

#[tokio::test]
async fn lost_responses_apply_the_request_but_the_client_sees_a_failure() {
    let plan = only(
        Operation::ProvisionSubscriber,
        FaultRates::none().lost_responses(1.0),
    );
    let (sim, api) = start_with(builder().faults(plan)).await;
    let outcome = api
        .try_call(
            Method::POST,
            "/broadworks/subscribers",
            Some(subscriber_body("lost@sp.com")),
        )
        .await;
    assert!(outcome.is_err());
    let subscribers = sim.state().subscribers_by_user_id("lost@sp.com");
    assert_eq!(
        subscribers.len(),
        1,
        "the state changed although the response was lost"
    );

    // A blind retry duplicates the work, and the duplicate ends in error 10022.
    sim.state().set_faults(FaultPlan::none()).unwrap();
    let retry = api.provision("lost@sp.com").await;
    assert_eq!(retry.status, 200);
    assert_eq!(sim.state().subscribers_by_user_id("lost@sp.com").len(), 2);
}

#[tokio::test]
async fn truncated_bodies_send_the_status_then_cut_the_body() {
    let plan = only(
        Operation::ProvisionSubscriber,
        FaultRates::none().truncated_bodies(1.0),
    );
    let (sim, api) = start_with(builder().faults(plan)).await;
    let response = api
        .client
        .post(format!("{}/broadworks/subscribers", api.base))
        .bearer_auth("sim-token")
        .json(&subscriber_body("cut@sp.com"))
        .send()
        .await
        .expect("the status line and headers arrive");
    assert_eq!(response.status(), 200);
    assert!(response.headers().get("trackingid").is_some());
    assert!(
        response.bytes().await.is_err(),
        "the body must be cut short"
    );
    assert_eq!(
        sim.state().subscribers().len(),
        1,
        "a truncated response was applied"
    );
}

#[tokio::test]
async fn html_bodies_are_502_pages() {
    let plan = only(
        Operation::GetSubscriber,
        FaultRates::none().html_bodies(1.0),
    );
    let (_sim, api) = start_with(builder().faults(plan)).await;
    let reply = api.get("/broadworks/subscribers/any").await;
    assert_eq!(reply.status, 502);
    assert!(
        reply
            .header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    assert!(reply.body.as_str().unwrap().contains("<html>"));
}

#[tokio::test(start_paused = true)]
async fn latency_delays_responses_in_tokio_time() {
    let plan = FaultPlan::seeded(3)
        .latency(millis(250))
        .slow_responses(1.0, millis(750));
    let (sim, api) = start_with(builder().faults(plan)).await;
    let started = tokio::time::Instant::now();
    assert_eq!(api.get("/broadworks/subscribers").await.status, 200);
    assert!(started.elapsed() >= millis(1000), "{:?}", started.elapsed());
    // The log says how long the response was held back, so a test can count the spikes.
    let record = sim.state().request_log().pop().unwrap();
    assert_eq!(record.delay_ms, 1000);
    assert_eq!(record.fault, None);
}

async fn statuses_of_run(seed: u64) -> Vec<u16> {
    let plan = FaultPlan::seeded(seed).server_errors(0.3).locked(0.2);
    let sim = Simulator::builder().faults(plan).start().await.unwrap();
    let api = Api::new(&sim);
    let mut statuses = Vec::new();
    for _ in 0..40 {
        statuses.push(api.get("/broadworks/enterprises").await.status);
    }
    statuses
}

#[tokio::test]
async fn the_same_seed_gives_the_same_faults() {
    let first = statuses_of_run(11).await;
    assert_eq!(first, statuses_of_run(11).await);
    assert_ne!(first, statuses_of_run(12).await);
    assert!(first.contains(&200) && first.contains(&423) && first.iter().any(|s| *s >= 500));
}

#[tokio::test]
async fn an_invalid_plan_is_refused() {
    let error = builder()
        .faults(FaultPlan::seeded(0).server_errors(0.8).lost_responses(0.8))
        .start()
        .await
        .unwrap_err();
    assert!(error.to_string().contains("fault plan"), "{error}");
}
