//! What the HTTP layer answers on its own, over raw TCP: requests that cannot be parsed get
//! the API's answer (`trackingid`, a WebexError body), and a request that stops arriving is
//! not waited for without end.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use webex_broadworks_sim::Simulator;

use crate::common::{builder, start_with};

/// Sends `request` as is and reads until the server closes the connection.
async fn exchange(sim: &Simulator, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(sim.addr()).await.unwrap();
    stream.write_all(request).await.unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    String::from_utf8_lossy(&answer).into_owned()
}

fn assert_api_answer(answer: &str, status: &str) {
    assert!(
        answer.starts_with(&format!("HTTP/1.1 {status}")),
        "{answer}"
    );
    let (head, body) = answer.split_once("\r\n\r\n").unwrap();
    let tracking = head
        .lines()
        .find_map(|line| line.strip_prefix("trackingid: "))
        .unwrap_or_else(|| panic!("no trackingid: {head}"));
    let json: serde_json::Value = serde_json::from_str(body).unwrap();
    assert_eq!(json["trackingId"], tracking);
    assert!(json["message"].as_str().is_some_and(|m| !m.is_empty()));
    assert!(json["errors"][0]["description"].is_string());
}

#[tokio::test]
async fn a_request_that_cannot_be_parsed_gets_a_webex_error() {
    let (sim, _api) = start_with(builder()).await;
    let answer = exchange(&sim, b"NOT HTTP AT ALL\r\n\r\n").await;
    assert_api_answer(&answer, "400");

    let mut many = String::from("GET /v1/broadworks/subscribers HTTP/1.1\r\nhost: x\r\n");
    for n in 0..200 {
        many.push_str(&format!("x-header-{n}: {n}\r\n"));
    }
    many.push_str("\r\n");
    assert_api_answer(&exchange(&sim, many.as_bytes()).await, "431");

    let long = format!(
        "GET /v1/broadworks/subscribers?userId={} HTTP/1.1\r\nhost: x\r\n\r\n",
        "a".repeat(70_000)
    );
    assert_api_answer(&exchange(&sim, long.as_bytes()).await, "414");

    // The simulator goes on serving.
    let fine = exchange(
        &sim,
        b"GET /v1/broadworks/subscribers HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n",
    )
    .await;
    assert!(fine.starts_with("HTTP/1.1 401"), "{fine}");
    assert!(fine.contains("trackingid: "));
}

#[tokio::test(start_paused = true)]
async fn a_half_sent_head_is_not_waited_for_beyond_the_read_timeout() {
    let (sim, _api) = start_with(builder().read_timeout(Some(Duration::from_secs(5)))).await;
    let started = tokio::time::Instant::now();
    let answer = exchange(
        &sim,
        b"GET /v1/broadworks/subscribers HTTP/1.1\r\nhost: x\r\n",
    )
    .await;
    assert!(answer.is_empty(), "{answer}");
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_secs(5) && waited < Duration::from_secs(6),
        "{waited:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_half_sent_body_is_answered_408() {
    let (sim, _api) = start_with(builder().read_timeout(Some(Duration::from_secs(5)))).await;
    let answer = exchange(
        &sim,
        b"POST /v1/broadworks/subscribers HTTP/1.1\r\nhost: x\r\nauthorization: Bearer sim-token\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"userId\":",
    )
    .await;
    assert_api_answer(&answer, "408");
}
