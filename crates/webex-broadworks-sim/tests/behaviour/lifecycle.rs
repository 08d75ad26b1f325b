use crate::common::start;

#[tokio::test]
async fn shutdown_stops_serving_and_closes_idle_connections() {
    let (sim, api) = start().await;
    // Leaves an idle keep-alive connection in the client's pool.
    assert_eq!(api.get("/broadworks/subscribers").await.status, 200);
    sim.shutdown().await;
    assert!(
        api.try_call(reqwest::Method::GET, "/broadworks/subscribers", None)
            .await
            .is_err()
    );
}

#[tokio::test]
async fn dropping_the_handle_stops_serving() {
    let (sim, api) = start().await;
    let addr = sim.addr();
    drop(sim);
    // The accept loop notices on its next turn.
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(addr).await.is_err() {
            return;
        }
        tokio::task::yield_now().await;
    }
    panic!("{addr} still accepts connections; base {}", api.base);
}

#[tokio::test]
async fn a_taken_port_is_reported() {
    let (sim, _api) = start().await;
    let error = webex_broadworks_sim::Simulator::builder()
        .port(sim.addr().port())
        .start()
        .await
        .unwrap_err();
    assert!(
        matches!(error, webex_broadworks_sim::SimError::Bind { .. }),
        "{error:?}"
    );
}

/// Downstream tests move the handle and its state into spawned tasks.
#[test]
fn the_handle_and_its_futures_are_send() {
    fn send_sync<T: Send + Sync>() {}
    fn send<T: Send>(_: &T) {}
    send_sync::<webex_broadworks_sim::Simulator>();
    send_sync::<webex_broadworks_sim::SimState>();
    send_sync::<webex_broadworks_sim::FaultPlan>();
    let start = webex_broadworks_sim::Simulator::builder().start();
    send(&start);
}
