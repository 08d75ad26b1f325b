//! Support shared by the cross-crate tests in `tests/`.
// Test support: a failed set-up is a failed test, with its line.
#![allow(clippy::unwrap_used)]

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A whole HTTP/1.1 response, byte for byte, with a `trackingid` and the connection closed.
pub fn http_response(status: &str, content_type: &str, body: &[u8]) -> Vec<u8> {
    let mut response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\ntrackingid: ROUTER_CANNED\r\n\r\n",
        body.len()
    )
    .into_bytes();
    response.extend_from_slice(body);
    response
}

/// A redirect to `location`, with no body.
pub fn redirect_response(status: &str, location: &str) -> Vec<u8> {
    format!("HTTP/1.1 {status}\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        .into_bytes()
}

/// The request heads a [`routed_server`] has read, in order.
pub type Heads = Arc<Mutex<Vec<String>>>;

/// A loopback server that reads each request head, records it, answers with `response`
/// (none if empty: it then holds the connection open) and closes. Returns its base URL
/// (`http://127.0.0.1:PORT/v1`) and the heads it read.
pub async fn canned_server(response: Vec<u8>) -> (String, Heads) {
    routed_server(move |_| response.clone()).await
}

/// As [`canned_server`], answering each request with `route(head)`: for answers no real
/// server would give (truncated, mislabelled, huge), byte for byte.
pub async fn routed_server(
    route: impl Fn(&str) -> Vec<u8> + Send + Sync + 'static,
) -> (String, Heads) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base_url = format!("http://{}/v1", listener.local_addr().unwrap());
    let heads = Heads::default();
    let seen = heads.clone();
    let route = Arc::new(route);
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let seen = seen.clone();
            let route = route.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buffer = [0u8; 4096];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buffer).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buffer[..n]),
                    }
                }
                let head = String::from_utf8_lossy(&head).into_owned();
                let response = route(&head);
                seen.lock().unwrap().push(head);
                if response.is_empty() {
                    // Never answer.
                    std::future::pending::<()>().await;
                }
                let _ = socket.write_all(&response).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    (base_url, heads)
}
