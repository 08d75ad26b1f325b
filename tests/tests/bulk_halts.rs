//! A batch stops within a handful of requests when the answers show a problem no row can
//! overcome (a refused token, a base URL without `/v1`, nothing listening), leaves the unsent
//! rows pending, says what to fix, and resumes once it is fixed.
// A test: a panic is its failure, with its line.
#![allow(clippy::unwrap_used)]

mod batch_support;

use std::sync::Arc;
use std::time::Duration;

use batch_support::{assert_each_held_once, fixture, items};
use webex_broadworks::bulk::BatchItem;
use webex_broadworks::bulk::{BatchEnd, BatchKind, BatchReport, Journal, RowState, SqliteJournal};
use webex_broadworks::{Client, Package, ProvisionSubscriber};
use webex_broadworks_sim::{FaultPlan, FaultRates, Operation, Simulator};

const ROWS: u64 = 2_000;
const CONCURRENCY: usize = 8;

fn client(base_url: &str, token: &str) -> Client {
    Client::builder()
        .with_token(token)
        .with_base_url(base_url)
        .without_timers()
        .with_rng_seed(5)
        .build()
        .unwrap()
}

/// A fresh run of `rows` provisionings through `client`, sending only.
async fn run_fresh(client: Client, prefix: &'static str, rows: u64) -> BatchReport {
    client
        .batch(BatchKind::ProvisionSubscribers)
        .with_concurrency(CONCURRENCY)
        .with_wait(false, Duration::ZERO)
        .start(items(prefix, rows))
        .await
        .unwrap()
        .run()
        .await
        .unwrap()
}

#[tokio::test(start_paused = true)]
async fn a_refused_token_stops_the_run_and_a_resume_with_a_good_one_finishes_it() {
    let sim = Simulator::builder()
        .seed(fixture())
        .provisioning_delay(Duration::from_millis(200))
        .start()
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let journal = Arc::new(SqliteJournal::create(dir.path().join("journal.sqlite")).unwrap());
    let report = client(&sim.base_url(), "expired-token")
        .batch(BatchKind::ProvisionSubscribers)
        .with_journal(journal.clone())
        .with_concurrency(CONCURRENCY)
        .with_wait(false, Duration::ZERO)
        .start(items("halt", ROWS))
        .await
        .unwrap()
        .run()
        .await
        .unwrap();
    assert_eq!(report.end, BatchEnd::Halted, "{report:?}");
    let halt = report.halt.clone().unwrap();
    assert!(halt.problem.contains("401"), "{halt:?}");
    assert!(halt.fix.contains("token"), "{halt:?}");
    let sent = sim.state().request_count(Operation::ProvisionSubscriber);
    assert!(
        sent <= CONCURRENCY as u64 + 4,
        "{sent} requests reached the server after a 401"
    );
    assert_eq!(sim.state().subscribers().len(), 0);
    let pending = journal.rows(Some(RowState::Pending)).unwrap().len() as u64;
    assert_eq!(pending, ROWS, "every row waits, unsent");

    let report = client(&sim.base_url(), "sim-token")
        .batch(BatchKind::ProvisionSubscribers)
        .with_journal(journal)
        .with_concurrency(CONCURRENCY)
        .with_wait(false, Duration::ZERO)
        .resume()
        .await
        .unwrap()
        .run()
        .await
        .unwrap();
    assert_eq!(report.end, BatchEnd::Complete, "{report:?}");
    assert_eq!(assert_each_held_once(&sim, "halt", ROWS), ROWS as usize);
}

#[tokio::test(start_paused = true)]
async fn a_base_url_without_v1_stops_the_run_and_says_so() {
    let sim = Simulator::builder().seed(fixture()).start().await.unwrap();
    let unversioned = sim.base_url().trim_end_matches("/v1").to_string();
    let report = run_fresh(client(&unversioned, "sim-token"), "nov1", 500).await;
    assert_eq!(report.end, BatchEnd::Halted, "{report:?}");
    let halt = report.halt.unwrap();
    assert!(halt.problem.contains("404"), "{halt:?}");
    assert!(halt.fix.contains("lacks /v1"), "{halt:?}");
    assert!(sim.state().request_log().len() <= CONCURRENCY + 4);
    assert_eq!(report.counts.pending, 500);
}

#[tokio::test]
async fn nothing_listening_stops_the_run() {
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let report = run_fresh(
        client(&format!("http://127.0.0.1:{closed}/v1"), "t"),
        "closed",
        500,
    )
    .await;
    assert_eq!(report.end, BatchEnd::Halted, "{report:?}");
    assert!(report.halt.unwrap().problem.contains("refused"));
    assert_eq!(report.counts.pending, 500);
}

/// Every provisioning answered with a 5xx (500, 502, 503 or 504 by turns): after 32 alike answers (four for each of the 8 workers)
/// the run stops rather than retry 2,000 rows six times each. Nothing is lost or sent twice:
/// with the service back, the resume provisions each row once.
#[tokio::test(start_paused = true)]
async fn a_service_failing_every_request_the_same_way_stops_the_run() {
    let sim = Simulator::builder()
        .seed(fixture())
        .provisioning_delay(Duration::from_millis(200))
        .faults(FaultPlan::seeded(4).for_operation(
            Operation::ProvisionSubscriber,
            FaultRates::none().server_errors(1.0),
        ))
        .start()
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.sqlite");
    let client = client(&sim.base_url(), "sim-token");
    let report = client
        .batch(BatchKind::ProvisionSubscribers)
        .with_journal(Arc::new(SqliteJournal::create(&path).unwrap()))
        .with_concurrency(CONCURRENCY)
        .with_wait(false, Duration::ZERO)
        .start(items("down", ROWS))
        .await
        .unwrap()
        .run()
        .await
        .unwrap();
    assert_eq!(report.end, BatchEnd::Halted, "{report:?}");
    let halt = report.halt.clone().unwrap();
    assert!(
        halt.problem
            .contains("the last 32 answers all failed the same way")
            && halt.problem.contains("trackingId"),
        "{halt:?}"
    );
    let sent = sim.state().request_count(Operation::ProvisionSubscriber);
    assert!(sent <= 32 + CONCURRENCY as u64, "{sent} provisionings sent");
    // Rows whose 5xx may hide an applied request stay `sending`, for the resume to look up.
    assert_eq!(
        report.counts.pending + report.counts.sending,
        ROWS,
        "{report:?}"
    );

    sim.state().set_faults(FaultPlan::none()).unwrap();
    let report = client
        .batch(BatchKind::ProvisionSubscribers)
        .with_journal(Arc::new(SqliteJournal::open(&path).unwrap()))
        .with_concurrency(CONCURRENCY)
        .with_wait(false, Duration::ZERO)
        .resume()
        .await
        .unwrap()
        .run()
        .await
        .unwrap();
    assert_eq!(report.end, BatchEnd::Complete, "{report:?}");
    assert_each_held_once(&sim, "down", ROWS);
    sim.shutdown().await;
}

/// Every row names a provisioning ID Webex does not know (a template's mistake): the run
/// stops after 32 refusals instead of failing all 2,000 rows. Once one row succeeded, such
/// refusals are facts about their rows: a file of which every 25th row is good runs to its
/// end.
#[tokio::test(start_paused = true)]
async fn a_file_refused_the_same_way_from_its_first_row_stops_the_run() {
    let fixture = webex_broadworks_sim::Fixture::from_yaml_str(
        "provisioningIds: [prov-2]\nenterprises:\n  - spEnterpriseId: Reseller1+acme\n    provisioningId: prov-2\n",
    )
    .unwrap();
    let sim = Simulator::builder().seed(fixture).start().await.unwrap();
    let report = run_fresh(client(&sim.base_url(), "sim-token"), "typo", ROWS).await;
    assert_eq!(report.end, BatchEnd::Halted, "{report:?}");
    let halt = report.halt.clone().unwrap();
    assert!(halt.problem.contains("400"), "{halt:?}");
    let sent = sim.state().request_count(Operation::ProvisionSubscriber);
    assert!(sent <= 32 + CONCURRENCY as u64, "{sent} provisionings sent");
    assert_eq!(report.counts.failed, sent, "{report:?}");
    assert_eq!(report.counts.pending, ROWS - sent, "{report:?}");

    // Row 1 is good, and every 25th after it: 24 refusals in a row, more than the 20 that
    // stop a run of one worker before any row succeeded.
    let mixed = (1..=300u64).map(|n| {
        let provisioning_id = if n % 25 == 1 { "prov-2" } else { "prov-1" };
        let request = ProvisionSubscriber::new()
            .provisioning_id(provisioning_id)
            .user_id(format!("mixed{n}@sp.example"))
            .sp_enterprise_id("Reseller1+acme")
            .first_name("Mixed")
            .last_name("Row")
            .package(Package::Basic);
        BatchItem::provision_subscriber(n, request)
    });
    let report = client(&sim.base_url(), "sim-token")
        .batch(BatchKind::ProvisionSubscribers)
        .with_concurrency(1)
        .with_wait(false, Duration::ZERO)
        .start(mixed)
        .await
        .unwrap()
        .run()
        .await
        .unwrap();
    assert_eq!(report.end, BatchEnd::Complete, "{report:?}");
    assert_eq!(report.counts.failed, 288, "{report:?}");
    sim.shutdown().await;
}
