//! Retrying the rows of a batch that ended failed: each is looked up before it is sent
//! again, so a row that succeeded meanwhile is recorded and not provisioned twice, and a
//! retry killed half-way resumes like any other run.
//!
//! On tokio's paused clock against the in-process simulator, which refuses a provisioning
//! ID it does not know (the data error an operator fixes before retrying).
// A test: a panic is its failure, with its line.
#![allow(clippy::unwrap_used)]

mod batch_support;

use std::sync::Arc;
use std::time::Duration;

use batch_support::{assert_each_held_once, client_of, kill_when, user_id};
use webex_broadworks::bulk::{BatchEnd, BatchItem, BatchKind, MemoryJournal, SqliteJournal};
use webex_broadworks::{Error, Package, ProvisionSubscriber};
use webex_broadworks_sim::{FaultPlan, FaultRates, Fixture, Operation, Simulator};

const PREFIX: &str = "retry";

/// Row `n`, provisioned under `provisioning_id`.
fn item(n: u64, provisioning_id: &str) -> BatchItem {
    BatchItem::provision_subscriber(n, request(n, provisioning_id))
}

fn request(n: u64, provisioning_id: &str) -> ProvisionSubscriber {
    ProvisionSubscriber::new()
        .provisioning_id(provisioning_id)
        .user_id(user_id(PREFIX, n))
        .sp_enterprise_id("Reseller1+acme")
        .first_name(format!("First{n}"))
        .last_name("Retry")
        .package(Package::Basic)
}

/// Rows 1..=`rows`, those in `wrong` with a provisioning ID Webex refuses.
fn items(rows: u64, wrong: &[u64]) -> Vec<BatchItem> {
    (1..=rows)
        .map(|n| {
            item(
                n,
                if wrong.contains(&n) {
                    "prov-typo"
                } else {
                    "prov-1"
                },
            )
        })
        .collect()
}

/// The enterprise of every row, under the partner's only provisioning ID.
async fn simulator(faults: FaultPlan) -> Simulator {
    let fixture = Fixture::from_yaml_str(
        "provisioningIds: [prov-1]\nenterprises:\n  - spEnterpriseId: Reseller1+acme\n    provisioningId: prov-1\n",
    )
    .unwrap();
    Simulator::builder()
        .seed(fixture)
        .provisioning_delay(Duration::from_millis(500))
        .faults(faults)
        .start()
        .await
        .unwrap()
}

/// Rows 3 and 5 of 10 are refused. Row 5 is then provisioned by hand; the retry, given the
/// corrected row 3 only, finds row 5 by lookup (its old request would still be refused, so
/// a send would fail it again) and sends row 3 once.
#[tokio::test(start_paused = true)]
async fn a_retry_sends_the_fixed_rows_and_records_those_that_succeeded_meanwhile() {
    let sim = simulator(FaultPlan::none()).await;
    let client = client_of(&sim, 5);
    let journal = Arc::new(MemoryJournal::new());
    let batch = || {
        client
            .batch(BatchKind::ProvisionSubscribers)
            .with_journal(journal.clone())
            .with_concurrency(4)
    };
    let first = batch()
        .start(items(10, &[3, 5]))
        .await
        .unwrap()
        .run()
        .await
        .unwrap();
    assert_eq!(
        (first.counts.succeeded, first.counts.failed),
        (8, 2),
        "{first:?}"
    );
    client
        .subscribers()
        .provision(request(5, "prov-1"))
        .await
        .unwrap();
    let sent_before = sim.state().request_count(Operation::ProvisionSubscriber);

    let fixed = item(3, "prov-1").check().unwrap();
    let report = batch()
        .retry_failed([fixed])
        .await
        .unwrap()
        .run()
        .await
        .unwrap();

    assert_eq!(report.end, BatchEnd::Complete, "{report:?}");
    assert_eq!(
        (report.counts.succeeded, report.counts.failed),
        (10, 0),
        "{report:?}"
    );
    assert_eq!(
        sim.state().request_count(Operation::ProvisionSubscriber) - sent_before,
        1,
        "only row 3 is sent again: row 5 was found"
    );
    assert!(report.stats.lookups >= 2, "{report:?}");
    assert_each_held_once(&sim, PREFIX, 10);
    sim.shutdown().await;
}

/// What a retry takes: only rows of the run that ended failed, of the batch's kind.
#[tokio::test(start_paused = true)]
async fn a_retry_refuses_rows_that_did_not_fail() {
    let sim = simulator(FaultPlan::none()).await;
    let client = client_of(&sim, 5);
    let journal = Arc::new(MemoryJournal::new());
    let batch = || {
        client
            .batch(BatchKind::ProvisionSubscribers)
            .with_journal(journal.clone())
    };
    batch()
        .start(items(4, &[2]))
        .await
        .unwrap()
        .run()
        .await
        .unwrap();
    let sent = sim.state().request_count(Operation::ProvisionSubscriber);
    let error = batch()
        .retry_failed([item(1, "prov-1").check().unwrap()])
        .await
        .unwrap_err();
    let Error::Validation(report) = &error else {
        panic!("{error:?}")
    };
    assert!(
        report.to_string().contains("items[1]") && report.to_string().contains("ended failed"),
        "{report}"
    );
    assert_eq!(
        sim.state().request_count(Operation::ProvisionSubscriber),
        sent
    );
    sim.shutdown().await;
}

/// 20 of 30 rows are refused; after the fix, the retry is killed (its future dropped, the
/// SQLite journal on disk) once 8 provisionings arrived, each applied and unanswered. The
/// resume finds those 8 by lookup and sends only the other 12.
#[tokio::test(start_paused = true)]
async fn a_retry_killed_half_way_resumes_without_resending() {
    const ROWS: u64 = 30;
    let plan = FaultPlan::seeded(9).for_operation(
        Operation::ProvisionSubscriber,
        FaultRates::none()
            .latency(Duration::from_secs(1))
            .apply_before_delay(true),
    );
    let sim = simulator(plan).await;
    let client = client_of(&sim, 7);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("retry.journal.sqlite");
    let wrong: Vec<u64> = (1..=ROWS).filter(|n| n % 3 != 0).collect();
    let first = client
        .batch(BatchKind::ProvisionSubscribers)
        .with_journal(Arc::new(SqliteJournal::create(&path).unwrap()))
        .with_concurrency(4)
        .start(items(ROWS, &wrong))
        .await
        .unwrap()
        .run()
        .await
        .unwrap();
    assert_eq!(first.counts.failed, 20, "{first:?}");
    assert_eq!(sim.state().subscribers().len(), 10);
    let refused = sim.state().request_count(Operation::ProvisionSubscriber);

    let fixed = items(ROWS, &[])
        .into_iter()
        .filter(|item| wrong.contains(&item.key()))
        .map(|item| item.check().unwrap());
    let run = client
        .batch(BatchKind::ProvisionSubscribers)
        .with_journal(Arc::new(SqliteJournal::open(&path).unwrap()))
        .with_concurrency(8)
        .retry_failed(fixed)
        .await
        .unwrap();
    kill_when(run.run(), || {
        sim.state().request_count(Operation::ProvisionSubscriber) >= refused + 8
    })
    .await;
    assert_eq!(sim.state().subscribers().len(), 18);

    let report = client
        .batch(BatchKind::ProvisionSubscribers)
        .with_journal(Arc::new(SqliteJournal::open(&path).unwrap()))
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
        sim.state().request_count(Operation::ProvisionSubscriber) - refused,
        20,
        "the 8 applied provisionings were found, not sent again"
    );
    assert_each_held_once(&sim, PREFIX, ROWS);
    sim.shutdown().await;
}
