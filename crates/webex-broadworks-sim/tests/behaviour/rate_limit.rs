use webex_broadworks_sim::{Operation, RateLimit, Scope, Simulator};

use crate::common::{advance, secs, start_with};

#[tokio::test(start_paused = true)]
async fn over_the_limit_answers_429_with_retry_after_and_does_nothing() {
    let builder = Simulator::builder()
        .token("a", Scope::all())
        .token("b", Scope::all())
        .rate_limit(RateLimit::per_second(3));
    let (sim, api) = start_with(builder).await;
    let a = api.with_token(Some("a"));
    for _ in 0..3 {
        assert_eq!(a.get("/broadworks/subscribers").await.status, 200);
    }
    let limited = a.provision("over@sp.com").await;
    assert_eq!(limited.status, 429);
    assert_eq!(limited.header("retry-after"), Some("1"));
    assert!(limited.body["message"].is_string());
    assert_eq!(
        limited.body["trackingId"].as_str(),
        limited.header("trackingid")
    );
    assert!(
        sim.state().subscribers().is_empty(),
        "a 429 request must not be applied"
    );
    assert_eq!(sim.state().request_count(Operation::ProvisionSubscriber), 1);

    // Other tokens have their own allowance.
    assert_eq!(
        api.with_token(Some("b"))
            .get("/broadworks/subscribers")
            .await
            .status,
        200
    );

    advance(secs(1)).await;
    assert_eq!(a.provision("over@sp.com").await.status, 200);
    assert_eq!(sim.state().subscribers().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn retry_after_counts_the_seconds_until_the_next_request() {
    let builder = Simulator::builder().rate_limit(RateLimit::per_minute(2));
    let (_sim, api) = start_with(builder).await;
    api.get("/broadworks/enterprises").await;
    api.get("/broadworks/enterprises").await;
    let limited = api.get("/broadworks/enterprises").await;
    assert_eq!(limited.status, 429);
    assert_eq!(limited.header("retry-after"), Some("30"));
    advance(secs(29)).await;
    assert_eq!(api.get("/broadworks/enterprises").await.status, 429);
    advance(secs(1)).await;
    assert_eq!(api.get("/broadworks/enterprises").await.status, 200);
}
