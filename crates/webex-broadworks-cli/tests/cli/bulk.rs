//! `wxbw bulk ...`: whole runs, validation, the shared 429 pause, lost answers, and runs
//! killed with SIGKILL at three points then resumed, each checked against what the
//! simulator holds.

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use webex_broadworks_sim::{FaultPlan, FaultRates, Fixture, Operation, RateLimit};

use crate::support::{TestSim, json, texts};

const HEADER: &str = "provisioningId,userId,spEnterpriseId,firstName,lastName,package\n";

fn user(n: usize) -> String {
    match n {
        3 => "migrate-3@acme.example".to_string(),
        5 => "nolicence-5@acme.example".to_string(),
        _ => format!("user{n}@acme.example"),
    }
}

/// `count` subscribers; with `special`, row 3's user pauses and row 5's fails.
fn subscribers_csv(count: usize, special: bool) -> String {
    let mut csv = HEADER.to_string();
    for n in 1..=count {
        let user_id = if special {
            user(n)
        } else {
            format!("user{n}@acme.example")
        };
        csv.push_str(&format!(
            "prov-acme,{user_id},Reseller1+acme,User,Number {n},basic\n"
        ));
    }
    csv
}

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// Every userId of the file is mapped exactly once.
fn assert_each_once(sim: &TestSim, count: usize, special: bool) {
    for n in 1..=count {
        let user_id = if special {
            user(n)
        } else {
            format!("user{n}@acme.example")
        };
        assert_eq!(
            sim.state().subscribers_by_user_id(&user_id).len(),
            1,
            "{user_id} is not mapped exactly once"
        );
    }
}

#[test]
fn a_run_provisions_every_row_once_waits_through_the_list_and_writes_results() {
    let sim = TestSim::start();
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "people.csv", &subscribers_csv(30, true));
    let run = sim
        .wxbw()
        .args(["bulk", "provision-subscribers"])
        .arg(&file)
        .args(["--poll-interval", "100ms"])
        .assert()
        .code(4);
    let (stdout, stderr) = texts(run.get_output());
    assert!(stderr.contains("1 of 30 rows failed"), "{stderr}");
    assert!(
        stdout.contains("pending_user_migration") && stdout.contains("4003"),
        "{stdout}"
    );

    assert_each_once(&sim, 30, true);
    assert_eq!(
        sim.state().request_count(Operation::ProvisionSubscriber),
        30
    );
    assert_eq!(sim.state().request_count(Operation::GetSubscriber), 0);
    // Waiting went through the list: a few requests for all 30, not one each.
    let lists = sim.state().request_count(Operation::ListSubscribers);
    assert!((1..15).contains(&lists), "{lists} list requests");

    let results = std::fs::read_to_string(dir.path().join("people.csv.results.csv")).unwrap();
    let lines: Vec<&str> = results.lines().collect();
    assert_eq!(lines[0], "row,userId,id,status,error,trackingId");
    assert_eq!(lines.len(), 31);
    assert!(lines[1].starts_with("2,user1@acme.example,") && lines[1].contains(",provisioned,"));
    assert!(lines[3].contains(",pending_user_migration,paused:"));
    assert!(lines[5].contains(",error,4003: "));
    assert!(
        lines.iter().skip(1).all(|line| !line.ends_with(',')),
        "a trackingId is missing"
    );
}

#[test]
fn invalid_rows_are_all_reported_by_row_and_field_and_nothing_is_sent() {
    let sim = TestSim::start();
    let dir = tempfile::tempdir().unwrap();
    let csv = format!(
        "{HEADER}prov-acme,a@acme.example,Reseller1+acme,,Ng,basic\n\
         prov-acme,b@acme.example,Reseller1+acme,Bo,Ray,gold\n\
         prov-acme,a@acme.example,Reseller1+acme,Al,Ng,basic\n"
    );
    let file = write(dir.path(), "bad.csv", &csv);
    let refused = sim
        .wxbw()
        .args(["bulk", "provision-subscribers"])
        .arg(&file)
        .assert()
        .code(3);
    let (_, stderr) = texts(refused.get_output());
    assert!(
        stderr.contains("3 problems found; nothing was sent"),
        "{stderr}"
    );
    assert!(stderr.contains("row 2, firstName:"), "{stderr}");
    assert!(stderr.contains("row 3, package:"), "{stderr}");
    assert!(
        stderr.contains("row 4, userId: is the same as on row 2"),
        "{stderr}"
    );
    assert_eq!(sim.requests(), 0);
    assert!(!dir.path().join("bad.csv.journal.sqlite").exists());
}

#[test]
fn a_429_pauses_every_worker_and_the_run_still_completes() {
    let sim = TestSim::start_with(|builder| builder.rate_limit(RateLimit::per_second(12)));
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "people.csv", &subscribers_csv(30, false));
    let run = sim
        .wxbw()
        .args(["bulk", "provision-subscribers"])
        .arg(&file)
        .args(["--poll-interval", "200ms", "--output", "json"])
        .assert()
        .success();
    let report = json(run.get_output());
    assert_eq!(report["succeeded"], 30);
    assert!(report["rateLimited"].as_u64().unwrap() > 0, "{report}");
    assert_each_once(&sim, 30, false);
}

#[test]
fn lost_answers_are_looked_up_by_user_id_instead_of_sent_again() {
    let sim = TestSim::start_with(|builder| {
        builder.faults(FaultPlan::seeded(11).for_operation(
            Operation::ProvisionSubscriber,
            FaultRates::none().lost_responses(0.3),
        ))
    });
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "people.csv", &subscribers_csv(20, false));
    let run = sim
        .wxbw()
        .args(["bulk", "provision-subscribers"])
        .arg(&file)
        .args(["--poll-interval", "100ms", "--output", "json"])
        .assert()
        .success();
    let report = json(run.get_output());
    assert_eq!(report["succeeded"], 20);
    assert!(report["lookups"].as_u64().unwrap() > 0, "{report}");
    assert_each_once(&sim, 20, false);
}

/// Where a run is killed with SIGKILL before it is resumed.
#[derive(Clone, Copy, Debug)]
enum KillPoint {
    /// While the first rows are being sent.
    Early,
    /// Half the rows sent.
    Middle,
    /// Every row sent, while waiting for final statuses.
    Waiting,
}

/// Rows of the kill-and-resume runs.
const KILLED_ROWS: usize = 200;

/// Provisions [`KILLED_ROWS`] subscribers at 100 a second with a 1.5 s provisioning delay,
/// SIGKILLs `wxbw` at `point` (chosen by watching the simulator's request counts and the
/// journal, not the clock), resumes with `--resume`, and checks that every row was
/// provisioned exactly once and that no provisioning was sent twice for a row whose first
/// request had landed.
fn kill_then_resume(point: KillPoint) {
    // Each provisioning answer takes 30 ms, so a few rows are always in flight (`sending`
    // in the journal) when the kill comes.
    let sim = TestSim::start_with(|builder| {
        builder
            .provisioning_delay(Duration::from_millis(1500))
            .faults(FaultPlan::seeded(1).for_operation(
                Operation::ProvisionSubscriber,
                FaultRates::none().latency(Duration::from_millis(30)),
            ))
    });
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "people.csv",
        &subscribers_csv(KILLED_ROWS, false),
    );
    let journal = dir.path().join("people.csv.journal.sqlite");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_wxbw"))
        .env("WEBEX_BASE_URL", sim.url())
        .env("WEBEX_TOKEN", crate::support::TOKEN)
        .args(["bulk", "provision-subscribers"])
        .arg(&file)
        .args(["--max-rate", "100", "--poll-interval", "100ms"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let posts = || sim.state().request_count(Operation::ProvisionSubscriber);
    let started = Instant::now();
    loop {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the run never reached {point:?}: {} requests, journal {:?}",
            posts(),
            journal_states(&journal)
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "the run ended before {point:?}: journal {:?}",
            journal_states(&journal)
        );
        let reached = match point {
            KillPoint::Early => posts() >= 3,
            KillPoint::Middle => posts() as usize >= KILLED_ROWS / 2,
            KillPoint::Waiting => {
                let states = journal_states(&journal);
                let count = |state: &str| states.get(state).copied().unwrap_or(0);
                posts() as usize >= KILLED_ROWS
                    && count("pending") + count("sending") == 0
                    && count("accepted") > 0
            }
        };
        if reached {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL: no chance to clean up
    child.wait().unwrap();

    let sent_before = posts() as usize;
    let at_kill = journal_states(&journal);
    let count = |state: &str| at_kill.get(state).copied().unwrap_or(0) as usize;
    match point {
        KillPoint::Early => assert!(sent_before < KILLED_ROWS / 4, "{sent_before} sent"),
        KillPoint::Middle => assert!(
            (KILLED_ROWS / 2..KILLED_ROWS).contains(&sent_before),
            "{sent_before} sent"
        ),
        KillPoint::Waiting => {
            assert_eq!(sent_before, KILLED_ROWS);
            assert_eq!(count("pending") + count("sending"), 0, "{at_kill:?}");
            assert!(count("accepted") > 0, "{at_kill:?}");
        }
    }
    // Every row is in the journal, in some state.
    assert_eq!(
        at_kill.values().sum::<u64>() as usize,
        KILLED_ROWS,
        "{at_kill:?}"
    );

    let resumed = sim
        .wxbw()
        .args(["bulk", "provision-subscribers"])
        .arg(&file)
        .args(["--resume", "--poll-interval", "100ms", "--output", "json"])
        .assert()
        .success();
    let report = json(resumed.get_output());
    assert_eq!(report["end"], "complete", "{report}");
    assert_eq!(report["succeeded"], KILLED_ROWS, "{report}");
    assert_each_once(&sim, KILLED_ROWS, false);
    // Rows not yet sent are sent on resume; a row killed in `sending` is looked up first and
    // sent again only if its request never landed; an accepted row is only waited for.
    let sent_after = posts() as usize;
    assert!(
        sent_after <= KILLED_ROWS + count("sending"),
        "{sent_after} provisioning requests for {KILLED_ROWS} rows, {} in `sending` at the kill",
        count("sending")
    );
    if matches!(point, KillPoint::Waiting) {
        assert_eq!(sent_after, sent_before, "the resume only waited");
    }
    let results = std::fs::read_to_string(dir.path().join("people.csv.results.csv")).unwrap();
    assert_eq!(results.matches(",provisioned,").count(), KILLED_ROWS);
    assert_eq!(
        journal_states(&journal).get("final"),
        Some(&(KILLED_ROWS as u64))
    );
    println!(
        "killed {point:?}: {sent_before} provisioning requests had reached the simulator; \
         journal at the kill {at_kill:?}; the resume sent {} more, looked up {}, made {} \
         requests in {:.1} s; {KILLED_ROWS} userIds held once each",
        sent_after - sent_before,
        report["lookups"],
        report["requests"],
        report["elapsedSeconds"].as_f64().unwrap_or_default()
    );
}

#[test]
fn a_run_killed_while_sending_its_first_rows_resumes_and_provisions_nothing_twice() {
    kill_then_resume(KillPoint::Early);
}

#[test]
fn a_run_killed_halfway_through_sending_resumes_and_provisions_nothing_twice() {
    kill_then_resume(KillPoint::Middle);
}

#[test]
fn a_run_killed_while_waiting_for_final_statuses_resumes_without_sending_again() {
    kill_then_resume(KillPoint::Waiting);
}

/// How many rows each state holds in a journal another process may be writing (empty
/// while it cannot be read).
fn journal_states(path: &Path) -> std::collections::BTreeMap<String, u64> {
    let Ok(connection) =
        rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
    else {
        return Default::default();
    };
    let Ok(mut statement) = connection.prepare("SELECT state, count(*) FROM rows GROUP BY state")
    else {
        return Default::default();
    };
    statement
        .query_map([], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, u64>(1)?))
        })
        .and_then(|rows| rows.collect())
        .unwrap_or_default()
}

/// Rows past `pending` in a journal another process is writing.
fn journal_rows_sent(path: &Path) -> u64 {
    let Ok(connection) =
        rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
    else {
        return 0;
    };
    connection
        .query_row(
            "SELECT count(*) FROM rows WHERE state != 'pending'",
            [],
            |row| row.get(0),
        )
        .unwrap_or(0)
}

#[test]
fn a_journal_is_never_overwritten_and_resumes_only_the_same_file() {
    let sim = TestSim::start();
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "people.csv", &subscribers_csv(3, false));
    let run = || {
        let mut command = sim.wxbw();
        command
            .args(["bulk", "provision-subscribers"])
            .arg(&file)
            .args(["--poll-interval", "100ms"]);
        command
    };
    run().assert().success();
    run()
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--resume"));
    write(dir.path(), "people.csv", &subscribers_csv(4, false));
    run()
        .arg("--resume")
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "differs from the run in the journal",
        ));
    // The journal of a provisioning run does not resume as an update.
    let journal = dir.path().join("people.csv.journal.sqlite");
    let updates = write(
        dir.path(),
        "updates.csv",
        "userId,lastName\nsomeone@sp.example,New\n",
    );
    sim.wxbw()
        .args(["bulk", "update-subscribers"])
        .arg(&updates)
        .arg("--journal")
        .arg(&journal)
        .arg("--resume")
        .assert()
        .code(2)
        .stderr(predicates::str::contains("holds another run"));
    assert_eq!(sim.state().request_count(Operation::ProvisionSubscriber), 3);
    assert_eq!(sim.state().request_count(Operation::UpdateSubscriber), 0);
}

#[test]
fn update_subscribers_from_json_lines_found_by_user_id() {
    let sim = TestSim::start_with(|builder| {
        builder.seed(
            Fixture::from_yaml_str(
                r#"
subscribers:
  - { userId: s1@acme.example, spEnterpriseId: "Reseller1+acme", provisioningId: prov-acme, firstName: S, lastName: One, primaryPhoneNumber: "+1-240-555-0001" }
  - { userId: s2@acme.example, spEnterpriseId: "Reseller1+acme", provisioningId: prov-acme, firstName: S, lastName: Two, primaryPhoneNumber: "+1-240-555-0002" }
"#,
            )
            .unwrap(),
        )
    });
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "changes.jsonl",
        "{\"userId\": \"s1@acme.example\", \"package\": \"premium\"}\n\
         {\"userId\": \"s2@acme.example\", \"extension\": \"4242\"}\n",
    );
    sim.wxbw()
        .args(["bulk", "update-subscribers"])
        .arg(&file)
        .args(["--poll-interval", "100ms"])
        .assert()
        .success();
    let s1 = &sim.state().subscribers_by_user_id("s1@acme.example")[0];
    let s2 = &sim.state().subscribers_by_user_id("s2@acme.example")[0];
    assert_eq!(
        s1.package.as_ref().map(ToString::to_string).as_deref(),
        Some("premium")
    );
    assert_eq!(s2.extension.as_deref(), Some("4242"));
    assert_eq!(sim.state().request_count(Operation::UpdateSubscriber), 2);
}

#[test]
fn provision_workspaces_from_csv() {
    let sim = TestSim::start();
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "rooms.csv",
        "provisioning-id,user-id,sp-enterprise-id,display-name,extension\n\
         prov-acme,room1@acme.example,Reseller1+acme,Room 1,101\n\
         prov-acme,room2@acme.example,Reseller1+acme,Room 2,102\n",
    );
    sim.wxbw()
        .args(["bulk", "provision-workspaces"])
        .arg(&file)
        .assert()
        .success();
    assert_eq!(sim.state().workspaces().len(), 2);
    let results = std::fs::read_to_string(dir.path().join("rooms.csv.results.csv")).unwrap();
    assert_eq!(results.matches(",provisioned,").count(), 2);
}

#[test]
fn ctrl_c_stops_sending_records_what_was_sent_and_the_run_resumes() {
    let sim = TestSim::start();
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "people.csv", &subscribers_csv(30, false));
    let journal = dir.path().join("people.csv.journal.sqlite");
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_wxbw"))
        .env("WEBEX_BASE_URL", sim.url())
        .env("WEBEX_TOKEN", crate::support::TOKEN)
        .args(["bulk", "provision-subscribers"])
        .arg(&file)
        .args(["--max-rate", "15", "--poll-interval", "100ms"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while journal_rows_sent(&journal) < 5 {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the run never got going"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let interrupted = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(interrupted.success());
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("--resume"), "{stderr}");
    // The hint names every path the run used, so it continues this run as given.
    assert!(stderr.contains(" --journal "), "{stderr}");
    assert!(stderr.contains(".journal.sqlite --results "), "{stderr}");
    assert!(stderr.contains(".results.csv"), "{stderr}");
    let sent = sim.state().request_count(Operation::ProvisionSubscriber);
    assert!(sent < 30, "the run was not stopped");
    // Nothing was left with an unknown outcome: requests in flight finished first.
    let connection = rusqlite::Connection::open(&journal).unwrap();
    let unknown: u64 = connection
        .query_row(
            "SELECT count(*) FROM rows WHERE state = 'sending'",
            [],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(unknown, 0);
    drop(connection);

    sim.wxbw()
        .args(["bulk", "provision-subscribers"])
        .arg(&file)
        .args(["--resume", "--poll-interval", "100ms"])
        .assert()
        .success();
    assert_each_once(&sim, 30, false);
    assert_eq!(
        sim.state().request_count(Operation::ProvisionSubscriber),
        30
    );
}

#[test]
fn a_max_rate_of_zero_is_refused() {
    let sim = TestSim::start();
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "people.csv", &subscribers_csv(3, false));
    sim.wxbw()
        .args(["bulk", "provision-subscribers"])
        .arg(&file)
        .args(["--max-rate", "0"])
        .assert()
        .code(2);
    assert_eq!(sim.requests(), 0);
    assert!(!dir.path().join("people.csv.journal.sqlite").exists());
}

#[test]
fn a_refused_token_stops_the_run_within_a_few_requests_and_says_what_to_fix() {
    let sim = TestSim::start();
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "people.csv", &subscribers_csv(500, false));
    let stopped = sim
        .wxbw()
        .env("WEBEX_TOKEN", "expired-token")
        .args(["bulk", "provision-subscribers"])
        .arg(&file)
        .args(["--no-wait"])
        .assert()
        .code(1);
    let (_, stderr) = texts(stopped.get_output());
    assert!(
        stderr.contains("stopped: Webex refused the access token (401)"),
        "{stderr}"
    );
    assert!(stderr.contains("500 of 500 rows wait unsent"), "{stderr}");
    assert!(stderr.contains("--resume --journal"), "{stderr}");
    let sent = sim.state().request_count(Operation::ProvisionSubscriber);
    assert!(sent <= 8 + 4, "{sent} requests after the first 401");
    // With the token fixed, the resume provisions every row.
    sim.wxbw()
        .args(["bulk", "provision-subscribers"])
        .arg(&file)
        .args(["--no-wait", "--resume"])
        .assert()
        .success();
    assert_eq!(sim.state().subscribers().len(), 500);
}

#[test]
fn an_unwritable_results_path_is_refused_before_anything_is_sent() {
    let sim = TestSim::start();
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "people.csv", &subscribers_csv(3, false));
    let refused = sim
        .wxbw()
        .args(["bulk", "provision-subscribers"])
        .arg(&file)
        .arg("--results")
        .arg(dir.path().join("no-such-folder").join("results.csv"))
        .assert()
        .code(2);
    let (_, stderr) = texts(refused.get_output());
    assert!(stderr.contains("cannot write the results file"), "{stderr}");
    assert!(stderr.contains("--results"), "{stderr}");
    assert_eq!(sim.state().request_count(Operation::ProvisionSubscriber), 0);
    assert!(
        !dir.path().join("people.csv.journal.sqlite").exists(),
        "no journal was begun"
    );
}

#[test]
fn a_second_run_on_a_live_journal_or_input_is_refused_and_names_the_live_run() {
    let sim = TestSim::start();
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "people.csv", &subscribers_csv(200, false));
    let journal = dir.path().join("people.csv.journal.sqlite");
    let mut first = std::process::Command::new(env!("CARGO_BIN_EXE_wxbw"))
        .env("WEBEX_BASE_URL", sim.url())
        .env("WEBEX_TOKEN", crate::support::TOKEN)
        .env("WXBW_CONFIG", dir.path().join("no-config.toml"))
        .args(["bulk", "provision-subscribers"])
        .arg(&file)
        .args(["--max-rate", "5", "--poll-interval", "100ms"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let lock = std::path::PathBuf::from(format!("{}.lock", journal.display()));
    let started = Instant::now();
    while !std::fs::read_to_string(&lock).is_ok_and(|text| text.contains("process")) {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the first run never started"
        );
        std::thread::sleep(Duration::from_millis(20));
    }

    // The same journal: refused at once, naming the live run.
    let again = sim
        .wxbw()
        .args(["bulk", "provision-subscribers"])
        .arg(&file)
        .arg("--resume")
        .assert()
        .code(2);
    let (_, stderr) = texts(again.get_output());
    assert!(
        stderr.contains("another run is live on the journal"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("process {}", first.id())),
        "{stderr}"
    );

    // The same input under another journal: refused unless --force.
    let other = dir.path().join("other.journal.sqlite");
    let twice = sim
        .wxbw()
        .args(["bulk", "provision-subscribers"])
        .arg(&file)
        .arg("--journal")
        .arg(&other)
        .assert()
        .code(2);
    let (_, stderr) = texts(twice.get_output());
    assert!(
        stderr.contains("is being provisioned by another live run"),
        "{stderr}"
    );
    assert!(stderr.contains("--force"), "{stderr}");
    assert!(!other.exists(), "no journal was begun");
    first.kill().unwrap();
    first.wait().unwrap();
    // Once it is gone, its journal can be resumed.
    sim.wxbw()
        .args(["bulk", "provision-subscribers"])
        .arg(&file)
        .args(["--resume", "--no-wait"])
        .assert()
        .success();
}

/// Rows 3 and 5 name a provisioning ID Webex refuses. `--export-failed` copies them into a
/// new file as written and sends nothing; `--retry-failed` refuses a file in which a row
/// that did not fail was changed, then, with only the failed rows corrected, sends those two
/// and nothing else.
#[test]
fn failed_rows_are_exported_as_written_then_retried_once_corrected() {
    let sim = TestSim::start();
    let dir = tempfile::tempdir().unwrap();
    let row = |n: usize, provisioning_id: &str, last_name: &str| {
        format!("{provisioning_id},user{n}@acme.example,Reseller1+acme,User,{last_name},basic\n")
    };
    let file_with = |typo: &str, row_4_last_name: &str| {
        let mut csv = HEADER.to_string();
        for n in 1..=6 {
            let provisioning_id = if n == 2 || n == 4 { typo } else { "prov-acme" };
            let last_name = if n == 3 { row_4_last_name } else { "Number" };
            csv.push_str(&row(n, provisioning_id, last_name));
        }
        csv
    };
    let file = write(dir.path(), "people.csv", &file_with("prov-typo", "Number"));
    let first = sim
        .wxbw()
        .args(["bulk", "provision-subscribers"])
        .arg(&file)
        .args(["--poll-interval", "100ms"])
        .assert()
        .code(4);
    let (_, stderr) = texts(first.get_output());
    assert!(stderr.contains("2 of 6 rows failed"), "{stderr}");
    assert!(stderr.contains("--retry-failed --journal"), "{stderr}");
    let sent = sim.state().request_count(Operation::ProvisionSubscriber);
    assert_eq!(sent, 6);

    let exported = dir.path().join("failed.csv");
    sim.wxbw()
        .args(["bulk", "provision-subscribers"])
        .arg(&file)
        .arg("--export-failed")
        .arg(&exported)
        .assert()
        .success();
    assert_eq!(
        std::fs::read_to_string(&exported).unwrap(),
        format!(
            "{HEADER}{}{}",
            row(2, "prov-typo", "Number"),
            row(4, "prov-typo", "Number")
        )
    );
    // The file is new: an existing one is never overwritten.
    sim.wxbw()
        .args(["bulk", "provision-subscribers"])
        .arg(&file)
        .arg("--export-failed")
        .arg(&exported)
        .assert()
        .code(2);

    // Row 4 succeeded: changing it is refused, and nothing is sent.
    std::fs::write(&file, file_with("prov-acme", "Changed")).unwrap();
    let refused = sim
        .wxbw()
        .args(["bulk", "provision-subscribers"])
        .arg(&file)
        .arg("--retry-failed")
        .assert()
        .code(2);
    let (_, stderr) = texts(refused.get_output());
    assert!(
        stderr.contains("at row 4, which did not fail (it is provisioned)"),
        "{stderr}"
    );

    std::fs::write(&file, file_with("prov-acme", "Number")).unwrap();
    sim.wxbw()
        .args(["bulk", "provision-subscribers"])
        .arg(&file)
        .args(["--retry-failed", "--poll-interval", "100ms"])
        .assert()
        .success();
    assert_eq!(
        sim.state().request_count(Operation::ProvisionSubscriber),
        sent + 2
    );
    assert_each_once(&sim, 6, false);
    let results = std::fs::read_to_string(dir.path().join("people.csv.results.csv")).unwrap();
    assert_eq!(
        results
            .lines()
            .filter(|line| line.contains(",provisioned,"))
            .count(),
        6,
        "{results}"
    );
}

#[test]
fn check_only_validates_the_file_and_sends_nothing() {
    let sim = TestSim::start();
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "people.csv", &subscribers_csv(40, false));
    let checked = sim
        .wxbw()
        .env_remove("WEBEX_TOKEN")
        .args(["bulk", "provision-subscribers", "--check"])
        .arg(&file)
        .assert()
        .success();
    let (stdout, _) = texts(checked.get_output());
    assert!(
        stdout.contains("40 rows, every one valid; nothing was sent"),
        "{stdout}"
    );
    let bad = write(
        dir.path(),
        "bad.csv",
        &format!("{HEADER}prov-acme,a@acme.example,Reseller1+acme,,Ng,basic\n"),
    );
    let refused = sim
        .wxbw()
        .args(["bulk", "provision-subscribers", "--check"])
        .arg(&bad)
        .assert()
        .code(3);
    let (_, stderr) = texts(refused.get_output());
    assert!(stderr.contains("row 2, firstName:"), "{stderr}");
    assert_eq!(sim.requests(), 0);
    assert!(!dir.path().join("people.csv.journal.sqlite").exists());
}
