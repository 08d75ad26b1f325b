//! Two promises of the batch engine, each in a test that fails when the promise is broken
//! (both were checked by breaking the code once; see RELIABILITY.md):
//!
//! - a 429 pauses every worker at once, so the share of requests answered 429 stays small;
//! - the intent to send is on disk before the request leaves, so a run killed while
//!   requests that Webex already applied are unanswered resumes without sending them again.
//!
//! Both run on tokio's paused clock against the in-process simulator.
// A test: a panic is its failure, with its line.
#![allow(clippy::unwrap_used)]

mod batch_support;

use batch_support::{assert_each_held_once, client_of, fixture, items, kill_when};
use std::sync::Arc;
use std::time::Duration;

use webex_broadworks::bulk::{BatchEnd, BatchKind, SqliteJournal};
use webex_broadworks_sim::{FaultPlan, FaultRates, Operation, RateLimit, Simulator};

/// The userIds of this file's rows: `promise{n}@sp.example`.
const PREFIX: &str = "promise";

/// 300 rows, 16 workers, a limit of bursts of 10 and 20 requests a second. With the shared
/// pause, each 429 holds every worker for its `Retry-After` and the run learns the pace, so
/// at most 1 request in 20 is refused (10 of 310 when last run); without the pause the
/// other 15 workers keep sending into the limit (21 of 321), and a run that ignores 429s
/// altogether never stops sending.
#[tokio::test(start_paused = true)]
async fn a_429_pauses_every_worker_so_few_requests_are_refused() {
    const ROWS: u64 = 300;
    let sim = Simulator::builder()
        .seed(fixture())
        .provisioning_delay(Duration::from_millis(500))
        .rate_limit(RateLimit::new(10, Duration::from_millis(500)))
        .start()
        .await
        .unwrap();
    let run = client_of(&sim, 17)
        .batch(BatchKind::ProvisionSubscribers)
        .with_concurrency(16)
        .with_wait(false, Duration::ZERO)
        .start(items(PREFIX, ROWS))
        .await
        .unwrap();
    // A run that does not hold back would send into the limit without end (and, sending
    // without pause, keep the paused clock from ever advancing): a thread on real time stops
    // it at four times the rows, so that it fails below instead of hanging.
    let monitor = run.monitor();
    let watched = sim.state().clone();
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let watcher = {
        let done = done.clone();
        std::thread::spawn(move || {
            while !done.load(std::sync::atomic::Ordering::SeqCst) {
                if watched.request_log().len() >= 4 * ROWS as usize {
                    monitor.cancel();
                    return;
                }
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
        })
    };
    let report = run.run().await.unwrap();
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    watcher.join().unwrap();
    let refused = sim
        .state()
        .request_log()
        .iter()
        .filter(|record| record.status == Some(429))
        .count() as u64;
    let sent = sim.state().request_count(Operation::ProvisionSubscriber);
    assert!(
        refused * 20 <= sent,
        "{refused} of {sent} requests answered 429: the workers did not pause together"
    );
    assert_eq!(report.end, BatchEnd::Complete, "{report:?}");
    assert_eq!(
        report.counts.waiting + report.counts.succeeded,
        ROWS,
        "{report:?}"
    );
    assert!(
        report.stats.rate_limit_pauses > 0,
        "the limit was met: {report:?}"
    );
    assert_each_held_once(&sim, PREFIX, ROWS);
    sim.shutdown().await;
}

/// Webex applies each provisioning as it arrives and answers a second later. The run is
/// killed (its future dropped, a SQLite journal on disk) once 40 provisionings arrived, all
/// applied, none answered. The resume must find each by lookup: a row whose intent was not on
/// disk before its request left would look `pending` and be sent again.
#[tokio::test(start_paused = true)]
async fn a_run_killed_with_applied_unanswered_requests_resumes_without_resending_them() {
    const ROWS: u64 = 60;
    let plan = FaultPlan::seeded(3).for_operation(
        Operation::ProvisionSubscriber,
        FaultRates::none()
            .latency(Duration::from_secs(1))
            .apply_before_delay(true),
    );
    let sim = Simulator::builder()
        .seed(fixture())
        .provisioning_delay(Duration::from_millis(500))
        .faults(plan)
        .start()
        .await
        .unwrap();
    let client = client_of(&sim, 17);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("promise.journal.sqlite");

    let run = client
        .batch(BatchKind::ProvisionSubscribers)
        .with_journal(Arc::new(SqliteJournal::create(&path).unwrap()))
        .with_concurrency(40)
        .start(items(PREFIX, ROWS))
        .await
        .unwrap();
    kill_when(run.run(), || {
        sim.state().request_count(Operation::ProvisionSubscriber) >= 40
    })
    .await;
    // The kill: every request in flight was applied and none was answered.
    assert_eq!(sim.state().subscribers().len(), 40);

    let journal = Arc::new(SqliteJournal::open(&path).unwrap());
    let report = client
        .batch(BatchKind::ProvisionSubscribers)
        .with_journal(journal.clone())
        .with_concurrency(8)
        .resume()
        .await
        .unwrap()
        .run()
        .await
        .unwrap();
    assert_eq!(report.end, BatchEnd::Complete, "{report:?}");
    assert_eq!(report.counts.succeeded, ROWS, "{report:?}");
    assert_eq!(
        sim.state().request_count(Operation::ProvisionSubscriber),
        ROWS,
        "the 40 applied provisionings were found, not sent again"
    );
    assert_each_held_once(&sim, PREFIX, ROWS);
    sim.shutdown().await;
}
