//! Point 8: a `TrackingID` on every request; tracing spans per request and per wait, with
//! no token and no personal data at info level.

use std::io;
use std::sync::{Arc, Mutex};

use httpmock::MockServer;
use tracing::subscriber::DefaultGuard;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::fmt::format::FmtSpan;
use webex_broadworks::{SubscriberStatus, types};
use webex_broadworks_api::mock::MockServerExt;

use crate::common::{
    TOKEN, attempt, client, provision_request, subscriber, tracking_id, webex_error,
};

/// The info-level log of the current thread (each test runs on its own), as text.
pub struct Captured {
    buffer: Arc<Mutex<Vec<u8>>>,
    _guard: DefaultGuard,
}

impl Captured {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.buffer.lock().unwrap()).into_owned()
    }
}

#[derive(Clone)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl io::Write for Buffer {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Buffer {
    type Writer = Buffer;
    fn make_writer(&'a self) -> Buffer {
        self.clone()
    }
}

/// Captures info-level events and span closings (with their fields) on this thread.
pub fn capture_logs() -> Captured {
    let buffer = Arc::new(Mutex::new(Vec::new()));
    let subscriber = tracing_subscriber::fmt()
        .with_writer(Buffer(buffer.clone()))
        .with_max_level(tracing::Level::INFO)
        .with_span_events(FmtSpan::CLOSE)
        .with_ansi(false)
        .finish();
    Captured {
        buffer,
        _guard: tracing::subscriber::set_default(subscriber),
    }
}

#[tokio::test(start_paused = true)]
async fn the_attempts_of_a_call_share_a_uuid_and_count_up() {
    let server = MockServer::start_async().await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    let first = server.get_subscriber(move |when, then| {
        when.into_inner().is_true(move |request| {
            record.lock().unwrap().push(tracking_id(request));
            attempt(1)(request)
        });
        then.server_error(503, &webex_error("Service Unavailable", None, None));
    });
    let second = server.get_subscriber(|when, then| {
        when.into_inner().is_true(attempt(2));
        then.ok(&subscriber("S1", SubscriberStatus::Provisioned));
    });
    client(&server).subscribers().get("S1").await.unwrap();
    first.assert_calls(1);
    second.assert_calls(1);
    let ids = seen.lock().unwrap().clone();
    let call = |id: &str| id.rsplit_once('_').unwrap().0.to_string();
    assert_eq!(ids.len(), 2, "{ids:?}");
    assert!(ids[0].ends_with("_1") && ids[1].ends_with("_2"), "{ids:?}");
    assert_eq!(call(&ids[0]), call(&ids[1]));
}

#[tokio::test(start_paused = true)]
async fn tracking_ids_are_unique_per_call_and_repeat_with_the_seed() {
    async fn two_ids() -> Vec<String> {
        let server = MockServer::start_async().await;
        let seen = Arc::new(Mutex::new(Vec::new()));
        let record = seen.clone();
        server.get_subscriber(move |when, then| {
            when.into_inner().is_true(move |request| {
                record.lock().unwrap().push(tracking_id(request));
                true
            });
            then.ok(&subscriber("S1", SubscriberStatus::Provisioned));
        });
        let client = client(&server);
        client.subscribers().get("S1").await.unwrap();
        client.subscribers().get("S1").await.unwrap();
        seen.lock().unwrap().clone()
    }
    let run = two_ids().await;
    assert_eq!(run.len(), 2);
    assert_ne!(run[0], run[1]);
    assert_eq!(run, two_ids().await, "the same seed gives the same ids");
}

#[tokio::test(start_paused = true)]
async fn spans_name_operation_status_attempt_and_tracking_id_without_personal_data() {
    let server = MockServer::start_async().await;
    let created = types::Subscriber {
        email: Some("alice@customer.example".into()),
        primary_phone_number: Some("+1-240-555-1212".into()),
        ..subscriber("S1", SubscriberStatus::Provisioning)
    };
    server.provision_subscriber(|_, then| {
        then.into_inner()
            .status(200)
            .header("content-type", "application/json")
            .header("trackingid", "ROUTER_PROVISION_7")
            .json_body_obj(&created);
    });
    server.get_subscriber(|_, then| {
        then.ok(&types::Subscriber {
            email: Some("alice@customer.example".into()),
            ..subscriber("S1", SubscriberStatus::Provisioned)
        });
    });
    let logs = capture_logs();
    let client = client(&server);
    let request = provision_request("alice-user@sp.example").email("alice@customer.example");
    client
        .subscribers()
        .provision_and_wait(request)
        .await
        .unwrap();
    let text = logs.text();
    assert!(text.contains("webex_broadworks.request"), "{text}");
    assert!(text.contains("operation=\"provisionSubscriber\""), "{text}");
    assert!(text.contains("operation=\"getSubscriber\""), "{text}");
    assert!(
        text.contains("attempt=1") && text.contains("status=200"),
        "{text}"
    );
    assert!(text.contains("tracking_id=WEBEX-BROADWORKS-RS_"), "{text}");
    assert!(
        text.contains("webex_broadworks.wait") && text.contains("resource=subscriber"),
        "{text}"
    );
    assert!(
        text.contains("status=\"provisioned\"") || text.contains("status=provisioned"),
        "{text}"
    );
    for secret in [
        TOKEN,
        "alice@customer.example",
        "alice-user@sp.example",
        "555-1212",
    ] {
        assert!(!text.contains(secret), "{secret} leaked into: {text}");
    }
}
