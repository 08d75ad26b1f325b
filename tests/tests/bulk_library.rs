//! The library's batch engine as a downstream crate uses it: 1,000 subscribers provisioned
//! through `webex_broadworks::bulk` with a SQLite journal, the run dropped midway (as a
//! crash would stop it), resumed from the journal, and every userId held exactly once.
// A test: a panic is its failure, with its line.
#![allow(clippy::unwrap_used)]

mod batch_support;

use batch_support::{assert_each_held_once, client_of, fixture};
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use webex_broadworks::bulk::{
    BatchEnd, BatchEvent, BatchItem, BatchKind, Journal, RowState, SqliteJournal,
};
use webex_broadworks::{Client, ProvisionSubscriber};
use webex_broadworks_sim::Simulator;

const SUBSCRIBERS: u64 = 1_000;

/// Rows accepted by Webex before the first run is dropped.
const ACCEPTED_BEFORE_DROP: usize = 400;

/// The userIds of this file's rows: `person{n}@sp.example`.
const PREFIX: &str = "person";

fn items() -> impl Iterator<Item = BatchItem> {
    batch_support::items(PREFIX, SUBSCRIBERS)
}

#[tokio::test(start_paused = true)]
async fn a_thousand_subscribers_dropped_midway_and_resumed_are_each_provisioned_once() {
    let sim = Simulator::builder()
        .id_seed(5)
        .seed(fixture())
        .provisioning_delay(Duration::from_secs(3))
        .start()
        .await
        .unwrap();
    let client = client_of(&sim, 3);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("people.journal.sqlite");

    // The first run: dropped once 400 rows were accepted, with requests in flight.
    let journal = Arc::new(SqliteJournal::create(&path).unwrap());
    let mut run = client
        .batch(BatchKind::ProvisionSubscribers)
        .with_journal(journal)
        .with_concurrency(16)
        .with_poll_interval(Duration::from_millis(500))
        .start(items())
        .await
        .unwrap();
    let mut events = run.events();
    let mut running = Box::pin(run.run());
    let mut accepted = 0;
    loop {
        tokio::select! {
            report = &mut running => panic!("the run ended before it was dropped: {report:?}"),
            Some(event) = events.next() => {
                if let BatchEvent::Row(row) = event
                    && row.state == RowState::Accepted
                {
                    accepted += 1;
                    if accepted == ACCEPTED_BEFORE_DROP {
                        break;
                    }
                }
            }
        }
    }
    // As a crash would: the run's future is gone, its requests in flight with it.
    drop(running);
    drop(events);

    let journal = Arc::new(SqliteJournal::open(&path).unwrap());
    let at_drop = journal.counts().unwrap();
    assert_eq!(at_drop.total, SUBSCRIBERS);
    assert!(
        at_drop.pending > 0,
        "the drop came before everything was sent: {at_drop:?}"
    );
    assert!(
        at_drop.waiting + at_drop.succeeded >= ACCEPTED_BEFORE_DROP as u64,
        "{at_drop:?}"
    );

    // The resume: rows left `sending` are looked up, the rest sent, every row awaited.
    let report = client
        .batch(BatchKind::ProvisionSubscribers)
        .with_journal(journal.clone())
        .with_concurrency(16)
        .with_poll_interval(Duration::from_millis(500))
        .resume()
        .await
        .unwrap()
        .run()
        .await
        .unwrap();
    assert_eq!(report.end, BatchEnd::Complete, "{report:?}");
    assert_eq!(report.counts.succeeded, SUBSCRIBERS, "{report:?}");
    assert_eq!(report.counts, journal.counts().unwrap());

    let held = assert_each_held_once(&sim, PREFIX, SUBSCRIBERS);
    assert_eq!(held as u64, SUBSCRIBERS);
    sim.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn an_invalid_item_is_reported_with_its_key_and_nothing_is_journaled() {
    let sim = Simulator::builder().seed(fixture()).start().await.unwrap();
    let client = client_of(&sim, 3);
    let journal = Arc::new(webex_broadworks::bulk::MemoryJournal::new());
    let mut items: Vec<BatchItem> = items().take(3).collect();
    items.push(BatchItem::provision_subscriber(
        7,
        ProvisionSubscriber::new().user_id("nobody@sp.example"),
    ));
    let error = client
        .batch(BatchKind::ProvisionSubscribers)
        .with_journal(journal.clone())
        .start(items)
        .await
        .unwrap_err();
    let report = error.validation().expect("a validation error");
    assert!(
        report
            .problems()
            .iter()
            .any(|problem| problem.field() == "items[7].firstName"),
        "{error}"
    );
    assert!(journal.run_info().unwrap().is_none());
    assert_eq!(sim.state().request_log().len(), 0);
    sim.shutdown().await;
}

#[tokio::test]
async fn a_row_answered_2xx_with_an_unreadable_body_is_never_sent_again() {
    use webex_broadworks_tests::{http_response, routed_server};
    let (base_url, heads) = routed_server(move |head| {
        if head.starts_with("POST ") {
            http_response("200 OK", "application/json", b"{\"id\": \"S1\", \"sta")
        } else {
            // The list lags behind the write.
            http_response("200 OK", "application/json", b"{\"items\": []}")
        }
    })
    .await;
    let client = Client::builder()
        .with_token("token-of-the-test")
        .with_base_url(base_url)
        .build()
        .unwrap();
    let journal = Arc::new(webex_broadworks::bulk::MemoryJournal::new());
    let report = client
        .batch(BatchKind::ProvisionSubscribers)
        .with_journal(journal.clone())
        .with_poll_interval(Duration::from_millis(20))
        .start(items().take(1))
        .await
        .unwrap()
        .run()
        .await
        .unwrap();
    // Webex acted: the row is not failed, not pending, and not sent again; a resume looks.
    assert_eq!(report.counts.sending, 1, "{report:?}");
    let heads = heads.lock().unwrap();
    let posts = heads
        .iter()
        .filter(|head| head.starts_with("POST "))
        .count();
    assert_eq!(posts, 1, "{heads:#?}");
    assert!(
        heads.iter().any(|head| head.contains("userId=")),
        "{heads:#?}"
    );
}

/// A batch against a list that lags 2 s behind writes, where a third of the provisionings
/// are applied and then answered 5xx or not at all: a lookup right after finds nothing, and
/// only the second look after the lag allowance may conclude that a row must be sent again.
#[tokio::test(start_paused = true)]
async fn a_lagging_list_never_makes_an_applied_provisioning_be_sent_again() {
    use webex_broadworks::RetryPolicy;
    use webex_broadworks_sim::{FaultPlan, FaultRates, Operation};

    const ROWS: u64 = 120;
    let plan = FaultPlan::seeded(41)
        .list_lag(Duration::from_secs(2))
        .for_operation(
            Operation::ProvisionSubscriber,
            FaultRates::none()
                .lost_responses(0.15)
                .applied_server_errors(0.15)
                .dropped_connections(0.1),
        );
    let sim = Simulator::builder()
        .id_seed(9)
        .seed(fixture())
        .provisioning_delay(Duration::from_secs(1))
        .faults(plan)
        .start()
        .await
        .unwrap();
    let client = Client::builder()
        .with_token("sim-token")
        .with_base_url(sim.base_url())
        .without_timers()
        .with_rng_seed(3)
        .with_retry_policy(RetryPolicy::default().with_lookup_lag(Duration::from_secs(3)))
        .build()
        .unwrap();
    let report = client
        .batch(BatchKind::ProvisionSubscribers)
        .with_journal(Arc::new(webex_broadworks::bulk::MemoryJournal::new()))
        .with_concurrency(8)
        .with_poll_interval(Duration::from_millis(500))
        .start(items().take(ROWS as usize))
        .await
        .unwrap()
        .run()
        .await
        .unwrap();
    assert_eq!(report.counts.succeeded, ROWS, "{report:?}");

    let log = sim.state().request_log();
    let applied_unanswered = log
        .iter()
        .filter(|record| record.operation == Operation::ProvisionSubscriber)
        .filter(|record| {
            record
                .fault
                .is_some_and(webex_broadworks_sim::Fault::is_applied)
        })
        .count();
    assert!(
        applied_unanswered > 10,
        "the faults were met: {applied_unanswered}"
    );
    assert_each_held_once(&sim, PREFIX, ROWS);
    sim.shutdown().await;
}
