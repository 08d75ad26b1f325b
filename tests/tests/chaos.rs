//! Chaos: over a thousand subscriber provisions and updates against a simulator that fails
//! on purpose — 5xx answers, dropped connections, answers lost after the work was done,
//! bodies cut short, 429 bursts and two-second latency spikes — through the ergonomic client
//! (`webex_broadworks::Client`, many calls at once) and through the real `wxbw bulk`
//! command line, side by side. Afterwards every subscriber must exist exactly once with the
//! values of its update, nothing may have panicked, and every failure a user saw must carry
//! a trackingId.
//!
//! The fault draws are seeded; which request meets which fault still depends on the order
//! in which concurrent requests arrive, so the figures vary a little between runs while the
//! assertions do not. Everything runs on 127.0.0.1 and on real time, with short delays; the
//! bulk journals live in /dev/shm where there is one, since each row's intent is synced to
//! disk before its request goes out.
//!
//! A user who gets an error back acts as an operator would: the ergonomic client's caller
//! looks the subscriber up (by userId, or reads it by id) before sending again, and the
//! operator of `wxbw` resumes a run that left rows unknown and puts failed rows into a new
//! file.
//!
//! `cargo test -p webex-broadworks-tests --test chaos -- --nocapture` prints the figures.
// A test: a panic is its failure, with its line.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::StreamExt;
use webex_broadworks::{
    Client, Error, Package, ProvisionSubscriber, RetryPolicy, SubscriberOutcome, SubscriberStatus,
    UpdateSubscriber, WaitPolicy, types,
};
use webex_broadworks_sim::{Fault, FaultPlan, RateLimit, RequestRecord, Scope, Simulator};

/// The seed of the fault draws and of the client's randomness.
const SEED: u64 = 20_261_130;
/// The ergonomic client's token; each of the two command-line runs has its own, so each
/// meets its own 429s (the simulator limits each token to bursts of 20, 400 a second).
const CLIENT_TOKEN: &str = "chaos-client-token";
const CLI_TOKENS: [&str; 2] = ["chaos-cli-token-0", "chaos-cli-token-1"];
const PROVISIONING_ID: &str = "prov-chaos";
const ENTERPRISE: &str = "Reseller1+chaos";

/// Subscribers provisioned then updated through the ergonomic client.
const CLIENT_SUBSCRIBERS: usize = 400;
/// Calls of the ergonomic client in flight at once.
const CLIENT_CONCURRENCY: usize = 32;
/// Subscribers provisioned then updated through `wxbw bulk`.
const CLI_SUBSCRIBERS: usize = 120;

/// How many times a user tries one subscriber again after an error reached them.
const USER_ROUNDS: usize = 8;
/// How many fresh files of failed rows, and resumes of one file, the operator makes.
const CLI_FILES: usize = 4;
const CLI_RESUMES: usize = 6;

fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

fn client_user(n: usize) -> String {
    format!("client-{n}@chaos.example")
}

fn cli_user(n: usize) -> String {
    format!("cli-{n}@chaos.example")
}

fn updated_last_name(n: usize) -> String {
    format!("Updated {n}")
}

fn updated_extension(n: usize) -> String {
    format!("{}", 5000 + n)
}

/// 10% 5xx, 5% dropped connections, 3% answers lost after the work was done, 3% bodies cut
/// short, 2% 5xx after the work was done, 2% 2xx with a corrupt body, 1% proxy error pages,
/// and 0.3% of requests held back two seconds after they were applied. 5% of error answers
/// come without body or `Retry-After`, a quarter of next links are broken, lists lag 300 ms
/// behind writes and transitions land up to 40 ms late. 429s come from the rate limit.
fn fault_plan() -> FaultPlan {
    FaultPlan::seeded(SEED)
        .server_errors(0.10)
        .dropped_connections(0.05)
        .lost_responses(0.03)
        .truncated_bodies(0.03)
        .applied_server_errors(0.02)
        .corrupt_bodies(0.02)
        .html_bodies(0.01)
        .slow_responses(0.003, Duration::from_secs(2))
        .apply_before_delay(true)
        .bare_errors(0.05)
        .broken_links(0.25)
        .late_transitions(ms(40))
        .list_lag(LIST_LAG)
}

/// How far the simulator's lists lag behind writes; the client allows for three times that.
const LIST_LAG: Duration = Duration::from_millis(300);

/// What a user of the ergonomic client saw.
#[derive(Default)]
struct UserView {
    provisioned: AtomicU64,
    updated: AtomicU64,
    /// Errors returned to the caller (each then handled as an operator would).
    errors: Mutex<BTreeMap<String, u64>>,
    /// Errors returned without a trackingId.
    untracked: Mutex<Vec<String>>,
    /// Outcomes that are neither provisioned nor an error (a duplicate's 10022, ...).
    unexpected: Mutex<Vec<String>>,
    /// Subscribers given up on.
    abandoned: Mutex<Vec<String>>,
}

impl UserView {
    fn error(&self, what: &str, error: &Error) {
        let kind = match error {
            Error::Api(api) => format!("{what}: HTTP {}", api.status().as_u16()),
            Error::RateLimited(_) => format!("{what}: rate limited"),
            Error::Transport(_) => format!("{what}: transport"),
            Error::Timeout(_) => format!("{what}: timeout"),
            Error::UndecodableResponse(_) => format!("{what}: undecodable answer"),
            Error::WaitTimedOut(_) => format!("{what}: wait timed out"),
            other => format!("{what}: {other}"),
        };
        *self.errors.lock().unwrap().entry(kind).or_default() += 1;
        if error.tracking_id().is_none_or(str::is_empty) {
            self.untracked
                .lock()
                .unwrap()
                .push(format!("{what}: {error}"));
        }
    }

    fn error_count(&self) -> u64 {
        self.errors.lock().unwrap().values().sum()
    }
}

struct Users {
    /// The client under test.
    client: Client,
    /// The same user's lookups before trying again, told apart by their tracking prefix.
    check: Client,
    view: UserView,
}

fn client(base_url: &str, prefix: &str) -> Client {
    Client::builder()
        .with_token(CLIENT_TOKEN)
        .with_base_url(base_url)
        .with_tracking_prefix(prefix)
        .with_rng_seed(SEED)
        .with_request_timeout(Some(Duration::from_secs(10)))
        .with_retry_policy(
            RetryPolicy::default()
                .with_max_attempts(6)
                .with_max_elapsed(Duration::from_secs(20))
                .with_backoff(ms(5), ms(100))
                .with_retry_after_bounds(ms(50), ms(200))
                .with_budget(100_000, 1_000.0)
                .with_lookup_lag(LIST_LAG * 3),
        )
        .with_wait_policy(
            WaitPolicy::default()
                .with_delays(ms(10), ms(20), ms(200))
                .with_max_wait(Duration::from_secs(20))
                .with_max_polls(1_000),
        )
        .build()
        .unwrap()
}

fn provision_request(n: usize) -> ProvisionSubscriber {
    ProvisionSubscriber::new()
        .provisioning_id(PROVISIONING_ID)
        .user_id(client_user(n))
        .sp_enterprise_id(ENTERPRISE)
        .first_name(format!("Client{n}"))
        .last_name(format!("Person {n}"))
        .package(Package::Basic)
        .primary_phone_number(format!("+1-240-555-{:04}", n))
}

fn update_request(n: usize) -> UpdateSubscriber {
    UpdateSubscriber::new()
        .last_name(updated_last_name(n))
        .package(Package::Premium)
        .extension(updated_extension(n))
}

fn is_updated(subscriber: &types::Subscriber, n: usize) -> bool {
    subscriber.status == Some(SubscriberStatus::Provisioned)
        && subscriber.last_name.as_deref() == Some(updated_last_name(n).as_str())
        && subscriber.extension.as_deref() == Some(updated_extension(n).as_str())
        && subscriber.package == Some(Package::Premium)
}

impl Users {
    /// Provisions subscriber `n` and waits; after an error, looks it up before sending
    /// again, as an operator would. Its id once provisioned.
    async fn provision(&self, n: usize) -> Option<String> {
        let user_id = client_user(n);
        let subscribers = self.client.subscribers();
        for round in 0..USER_ROUNDS {
            if round > 0 {
                match self
                    .check
                    .subscribers()
                    .find_by_user_id_allowing_lag(&user_id)
                    .await
                {
                    Ok(Some(found)) => {
                        let id = found.id.clone().unwrap_or_default();
                        match subscribers.wait(&id).await {
                            Ok(outcome) if outcome.is_provisioned() => return Some(id),
                            Ok(outcome) => {
                                self.view
                                    .unexpected
                                    .lock()
                                    .unwrap()
                                    .push(format!("{user_id}: {outcome:?}"));
                                return None;
                            }
                            Err(error) => self.view.error("wait", &error),
                        }
                        continue;
                    }
                    Ok(None) => {}
                    Err(error) => {
                        self.view.error("lookup", &error);
                        continue;
                    }
                }
            }
            match subscribers.provision_and_wait(provision_request(n)).await {
                Ok(SubscriberOutcome::Provisioned { subscriber, .. }) => return subscriber.id,
                Ok(outcome) => {
                    self.view
                        .unexpected
                        .lock()
                        .unwrap()
                        .push(format!("{user_id}: {outcome:?}"));
                    return None;
                }
                Err(error) => self.view.error("provision", &error),
            }
        }
        self.view.abandoned.lock().unwrap().push(user_id);
        None
    }

    /// Updates subscriber `n` and waits; after an error, reads it before sending again.
    async fn update(&self, n: usize, id: &str) -> bool {
        let subscribers = self.client.subscribers();
        for round in 0..USER_ROUNDS {
            if round > 0 {
                match self.check.subscribers().get(id).await {
                    Ok(current) if is_updated(&current, n) => return true,
                    Ok(current) if current.status == Some(SubscriberStatus::Updating) => {
                        match subscribers.wait(id).await {
                            Ok(outcome) if is_updated(outcome.subscriber(), n) => return true,
                            Ok(_) => {}
                            Err(error) => self.view.error("wait", &error),
                        }
                        continue;
                    }
                    Ok(_) => {}
                    Err(error) => {
                        self.view.error("read", &error);
                        continue;
                    }
                }
            }
            match subscribers.update_and_wait(id, update_request(n)).await {
                Ok(outcome) if outcome.is_provisioned() => return true,
                Ok(outcome) => {
                    self.view
                        .unexpected
                        .lock()
                        .unwrap()
                        .push(format!("{}: update ended {outcome:?}", client_user(n)));
                    return false;
                }
                Err(error) => self.view.error("update", &error),
            }
        }
        self.view
            .abandoned
            .lock()
            .unwrap()
            .push(format!("{} (update)", client_user(n)));
        false
    }

    async fn provision_then_update(&self, n: usize) {
        let Some(id) = self.provision(n).await else {
            return;
        };
        self.view.provisioned.fetch_add(1, Ordering::Relaxed);
        if self.update(n, &id).await {
            self.view.updated.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// What the `wxbw bulk` runs showed.
#[derive(Debug, Default)]
struct CliView {
    /// Processes started: fresh runs and resumes.
    runs: u64,
    resumes: u64,
    /// Rows that ended failed and went into a new file.
    failed_rows: u64,
    /// Failed rows whose results line has no trackingId.
    untracked: Vec<String>,
    /// Rows still not done after every file and resume.
    unfinished: Vec<String>,
    /// Figures summed over the runs' JSON reports.
    requests: u64,
    rate_limited: u64,
    lookups: u64,
    /// Processes that panicked or failed to run.
    crashes: Vec<String>,
    /// Each process: which file, its exit code and how long it ran.
    timings: Vec<String>,
    provisioned: u64,
    updated: u64,
}

/// One results line of `--results FILE.jsonl`.
#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct ResultLine {
    row: u64,
    user_id: String,
    id: String,
    status: String,
    error: String,
    tracking_id: String,
}

struct Cli {
    exe: PathBuf,
    base_url: String,
    token: &'static str,
    dir: PathBuf,
}

impl Cli {
    fn run(&self, args: &[&str], file: &Path, results: &Path, resume: bool) -> Output {
        let mut command = Command::new(&self.exe);
        command
            .env("WEBEX_BASE_URL", &self.base_url)
            .env("WEBEX_TOKEN", self.token)
            .args(["--output", "json", "bulk"])
            .args(args)
            .arg(file)
            .arg("--results")
            .arg(results)
            .args([
                "--concurrency",
                "16",
                "--poll-interval",
                "50ms",
                "--wait-timeout",
                "1s",
            ]);
        if resume {
            command.arg("--resume");
        }
        command.output().unwrap()
    }

    /// Runs `wxbw bulk <command>` over `rows` until every row is done: resumes a run that
    /// left rows unknown or waiting, and puts rows that failed into a new file, as an
    /// operator would. Returns the userId and id of each row that succeeded.
    fn until_done(
        &self,
        command: &str,
        name: &str,
        header: &str,
        rows: &[String],
        view: &mut CliView,
    ) -> Vec<(String, String)> {
        let mut todo: Vec<usize> = (0..rows.len()).collect();
        let mut succeeded = Vec::new();
        for attempt in 0..CLI_FILES {
            if todo.is_empty() {
                break;
            }
            let file = self.dir.join(format!("{name}-{attempt}.csv"));
            let mut text = header.to_string();
            for &index in &todo {
                text.push_str(&rows[index]);
                text.push('\n');
            }
            std::fs::write(&file, text).unwrap();
            let results = self.dir.join(format!("{name}-{attempt}.results.jsonl"));
            let mut lines = Vec::new();
            for resume in 0..CLI_RESUMES {
                let run_started = Instant::now();
                let output = self.run(&[command], &file, &results, resume > 0);
                let engine_seconds = serde_json::from_slice::<serde_json::Value>(&output.stdout)
                    .ok()
                    .and_then(|report| report["elapsedSeconds"].as_f64())
                    .unwrap_or_default();
                view.timings.push(format!(
                    "{name}-{attempt}{}: exit {}, {:.1} s ({:.1} s in the run itself)",
                    if resume > 0 { " --resume" } else { "" },
                    output.status.code().unwrap_or(-1),
                    run_started.elapsed().as_secs_f64(),
                    engine_seconds
                ));
                view.runs += 1;
                if resume > 0 {
                    view.resumes += 1;
                }
                let stderr = String::from_utf8_lossy(&output.stderr);
                let code = output.status.code();
                if stderr.contains("panicked") || !matches!(code, Some(0 | 4 | 5)) {
                    view.crashes
                        .push(format!("{name}: exit {code:?}: {stderr}"));
                    return succeeded;
                }
                match serde_json::from_slice::<serde_json::Value>(&output.stdout) {
                    Ok(report) => {
                        let figure = |key: &str| report[key].as_u64().unwrap_or(0);
                        view.requests += figure("requests");
                        view.rate_limited += figure("rateLimited");
                        view.lookups += figure("lookups");
                    }
                    Err(error) => view.crashes.push(format!(
                        "{name}: the report is not JSON ({error}): {}",
                        String::from_utf8_lossy(&output.stdout)
                    )),
                }
                lines = std::fs::read_to_string(&results)
                    .unwrap()
                    .lines()
                    .map(|line| serde_json::from_str::<ResultLine>(line).unwrap())
                    .collect::<Vec<_>>();
                let open = lines.iter().any(|line| {
                    matches!(
                        line.status.as_str(),
                        "not sent" | "unknown" | "provisioning" | "updating"
                    )
                });
                if !open {
                    break;
                }
            }
            let mut next = Vec::new();
            for line in &lines {
                // CSV rows count from 2: the header is row 1.
                let index = todo[usize::try_from(line.row).unwrap() - 2];
                match line.status.as_str() {
                    "provisioned" => {
                        succeeded.push((line.user_id.clone(), line.id.clone()));
                    }
                    "failed" | "error" => {
                        view.failed_rows += 1;
                        if line.tracking_id.is_empty() {
                            view.untracked.push(format!(
                                "{name} row {}: {} {}: {}",
                                line.row, line.user_id, line.status, line.error
                            ));
                        }
                        next.push(index);
                    }
                    _ => next.push(index),
                }
            }
            todo = next;
        }
        for index in todo {
            view.unfinished.push(format!(
                "{name}: {}",
                rows[index].split(',').next().unwrap()
            ));
        }
        succeeded
    }
}

/// Provisions then updates the subscribers of `group` with `wxbw bulk`. Group 0 names the
/// subscribers to update by userId (looked up by the command line), group 1 by the
/// subscriberId the provisioning run's results file gave.
fn cli_part(cli: &Cli, group: usize) -> CliView {
    let mut view = CliView::default();
    let size = CLI_SUBSCRIBERS / 2;
    let users = group * size..(group + 1) * size;
    let provisions: Vec<String> = users
        .clone()
        .map(|n| {
            format!(
                "{},{PROVISIONING_ID},{ENTERPRISE},Cli{n},Person {n},standard",
                cli_user(n)
            )
        })
        .collect();
    let ids = cli.until_done(
        "provision-subscribers",
        &format!("provision-{group}"),
        "userId,provisioningId,spEnterpriseId,firstName,lastName,package\n",
        &provisions,
        &mut view,
    );
    view.provisioned = ids.len() as u64;
    let ids: BTreeMap<String, String> = ids.into_iter().collect();
    let (header, target): (&str, Box<dyn Fn(usize) -> String>) = if group == 0 {
        ("userId", Box::new(cli_user))
    } else {
        (
            "subscriberId",
            Box::new(|n| ids.get(&cli_user(n)).cloned().unwrap_or_default()),
        )
    };
    let updates: Vec<String> = users
        .map(|n| {
            format!(
                "{},{},premium,{}",
                target(n),
                updated_last_name(n),
                updated_extension(n)
            )
        })
        .collect();
    view.updated = cli
        .until_done(
            "update-subscribers",
            &format!("update-{group}"),
            &format!("{header},lastName,package,extension\n"),
            &updates,
            &mut view,
        )
        .len() as u64;
    view
}

impl CliView {
    fn add(mut self, other: CliView) -> CliView {
        self.runs += other.runs;
        self.resumes += other.resumes;
        self.failed_rows += other.failed_rows;
        self.untracked.extend(other.untracked);
        self.unfinished.extend(other.unfinished);
        self.requests += other.requests;
        self.rate_limited += other.rate_limited;
        self.lookups += other.lookups;
        self.crashes.extend(other.crashes);
        self.timings.extend(other.timings);
        self.provisioned += other.provisioned;
        self.updated += other.updated;
        self
    }
}

/// A directory of its own under the system's temporary directory, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Scratch {
        // Memory-backed when the system has it: the journal syncs to disk before each request.
        let shm = Path::new("/dev/shm");
        let root = if shm.is_dir() {
            shm.to_path_buf()
        } else {
            std::env::temp_dir()
        };
        let path = root.join(format!("wxbw-chaos-{}-{}", std::process::id(), SEED));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        Scratch(path)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Counts panics on any thread of this process (the simulator's tasks included).
fn count_panics() -> Arc<AtomicU64> {
    let panics = Arc::new(AtomicU64::new(0));
    let counter = panics.clone();
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        counter.fetch_add(1, Ordering::SeqCst);
        previous(info);
    }));
    panics
}

/// Faults the simulator injected, by kind, for requests whose `TrackingID` starts with
/// `prefix` (all when empty).
fn faults_by_kind(log: &[RequestRecord], prefixes: &[&str]) -> BTreeMap<&'static str, u64> {
    let mut kinds = BTreeMap::new();
    for record in log {
        let tracking = record.client_tracking_id.as_deref().unwrap_or_default();
        if !prefixes.iter().any(|prefix| tracking.starts_with(prefix)) {
            continue;
        }
        let kind = match record.fault {
            Some(Fault::ServerError { .. }) => "5xx",
            Some(Fault::DroppedConnection) => "dropped connection",
            Some(Fault::LostResponse) => "lost response (applied)",
            Some(Fault::TruncatedBody) => "truncated body (applied)",
            Some(Fault::HtmlBody) => "html error page",
            Some(Fault::AppliedServerError { .. }) => "5xx after applying",
            Some(Fault::CorruptBody) => "corrupt 2xx body (applied)",
            Some(Fault::Locked { .. }) => "423 locked",
            Some(_) => "other",
            None if record.status == Some(429) => "429 rate limited",
            None => "",
        };
        if !kind.is_empty() {
            *kinds.entry(kind).or_default() += 1;
        }
        if record.delay_ms >= 2_000 {
            *kinds.entry("2 s latency spike").or_default() += 1;
        }
        if record.bare_error {
            *kinds
                .entry("error without body or Retry-After")
                .or_default() += 1;
        }
        if record.broken_link.is_some() {
            *kinds.entry("broken next link").or_default() += 1;
        }
    }
    kinds
}

/// For each duplicated userId: its subscribers, the provisionings that arrived when each was
/// created, and every request of the calls that sent them, so that a failure shows its path.
fn print_duplicate_trails(
    state: &webex_broadworks_sim::SimState,
    log: &[RequestRecord],
    duplicates: &[String],
) {
    for duplicate in duplicates {
        let user_id = duplicate.split(':').next().unwrap_or_default();
        println!("trail of {user_id}:");
        let encoded = user_id.replace('@', "%40");
        for record in log.iter().filter(|r| r.path.contains(&encoded)) {
            println!(
                "  lookup {} {} {:?} status {:?} fault {:?} bare {}",
                record.seq,
                record.at,
                record.client_tracking_id,
                record.status,
                record.fault,
                record.bare_error
            );
        }
        for subscriber in state.subscribers_by_user_id(user_id) {
            let created = subscriber
                .created
                .as_ref()
                .and_then(webex_broadworks::Timestamp::get)
                .unwrap_or_default();
            println!(
                "  subscriber {:?} {:?} created {created} errors {:?}",
                subscriber.id, subscriber.status, subscriber.errors
            );
            let calls: Vec<&str> = log
                .iter()
                .filter(|r| r.operation == webex_broadworks_sim::Operation::ProvisionSubscriber)
                .filter(|r| (created - r.at).num_milliseconds().abs() <= 2)
                .filter_map(|r| r.client_tracking_id.as_deref()?.rsplit_once('_'))
                .map(|(call, _)| call)
                .collect();
            for record in log.iter().filter(|r| {
                r.client_tracking_id
                    .as_deref()
                    .is_some_and(|t| calls.iter().any(|call| t.starts_with(call)))
            }) {
                println!(
                    "    {} {} {} {:?} status {:?} fault {:?} bare {} delay {} ms",
                    record.seq,
                    record.at,
                    record.path,
                    record.client_tracking_id,
                    record.status,
                    record.fault,
                    record.bare_error,
                    record.delay_ms
                );
            }
        }
    }
}

#[test]
fn a_thousand_provisions_and_updates_under_faults_lose_and_duplicate_nothing() {
    let panics = count_panics();
    let started = Instant::now();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let sim = runtime
        .block_on(
            Simulator::builder()
                .token(CLIENT_TOKEN, Scope::all())
                .token(CLI_TOKENS[0], Scope::all())
                .token(CLI_TOKENS[1], Scope::all())
                .provisioning_delay(ms(20))
                .update_delay(ms(20))
                .rate_limit(RateLimit::new(20, ms(50)))
                .faults(fault_plan())
                .id_seed(SEED)
                .request_log_capacity(1_000_000)
                .start(),
        )
        .unwrap();
    let base_url = sim.base_url();
    let scratch = Scratch::new();

    // The command line runs as processes beside the client's calls.
    let cli_threads: Vec<_> = (0..2)
        .map(|group| {
            let cli = Cli {
                exe: PathBuf::from(env!("CARGO_BIN_EXE_wxbw-under-test")),
                base_url: base_url.clone(),
                token: CLI_TOKENS[group],
                dir: scratch.0.clone(),
            };
            std::thread::spawn(move || cli_part(&cli, group))
        })
        .collect();

    let users = Users {
        client: client(&base_url, "CHAOS"),
        check: client(&base_url, "CHECK"),
        view: UserView::default(),
    };
    runtime.block_on(
        futures::stream::iter(0..CLIENT_SUBSCRIBERS)
            .map(|n| users.provision_then_update(n))
            .buffer_unordered(CLIENT_CONCURRENCY)
            .collect::<Vec<()>>(),
    );
    let client_elapsed = started.elapsed();
    let cli_view = cli_threads
        .into_iter()
        .map(|thread| thread.join().expect("the command-line driver panicked"))
        .fold(CliView::default(), CliView::add);
    let elapsed = started.elapsed();

    // What the simulator holds.
    let state = sim.state();
    let mut duplicates = Vec::new();
    let mut lost = Vec::new();
    let mut wrong = Vec::new();
    let expected = (0..CLIENT_SUBSCRIBERS)
        .map(|n| (client_user(n), n, format!("Client{n}"), Package::Basic))
        .chain((0..CLI_SUBSCRIBERS).map(|n| (cli_user(n), n, format!("Cli{n}"), Package::Premium)));
    for (user_id, n, first_name, _) in expected {
        let held = state.subscribers_by_user_id(&user_id);
        match held.as_slice() {
            [] => lost.push(user_id),
            [subscriber] => {
                if !is_updated(subscriber, n)
                    || subscriber.first_name.as_deref() != Some(first_name.as_str())
                    || subscriber.sp_enterprise_id.as_deref() != Some(ENTERPRISE)
                {
                    wrong.push(format!("{user_id}: {subscriber:?}"));
                }
            }
            _ => duplicates.push(format!("{user_id}: {} subscribers", held.len())),
        }
    }

    // Figures.
    let log = state.request_log();
    let counts = state.request_counts();
    let count = |operation| counts.get(&operation).copied().unwrap_or(0);
    let client_log: Vec<&RequestRecord> = log
        .iter()
        .filter(|r| {
            r.client_tracking_id
                .as_deref()
                .is_some_and(|t| t.starts_with("CHAOS_"))
        })
        .collect();
    let retries = client_log
        .iter()
        .filter(|r| {
            r.client_tracking_id
                .as_deref()
                .and_then(|t| t.rsplit_once('_'))
                .is_some_and(|(_, attempt)| attempt != "1")
        })
        .count();
    let mut reconciliations: Vec<&str> = client_log
        .iter()
        .filter(|r| {
            r.operation == webex_broadworks_sim::Operation::ListSubscribers
                && r.path.contains("userId=")
        })
        .filter_map(|r| r.client_tracking_id.as_deref()?.rsplit_once('_'))
        .map(|(call, _)| call)
        .collect();
    reconciliations.sort_unstable();
    reconciliations.dedup();
    let view = &users.view;
    let operations = view.provisioned.load(Ordering::Relaxed)
        + view.updated.load(Ordering::Relaxed)
        + cli_view.provisioned
        + cli_view.updated;

    println!(
        "chaos run (seed {SEED}), {:.1} s in all, the client's part {:.1} s",
        elapsed.as_secs_f64(),
        client_elapsed.as_secs_f64()
    );
    println!("  operations completed: {operations}");
    println!(
        "    ergonomic client: {} provisioned, {} updated ({} subscribers, {} calls at once)",
        view.provisioned.load(Ordering::Relaxed),
        view.updated.load(Ordering::Relaxed),
        CLIENT_SUBSCRIBERS,
        CLIENT_CONCURRENCY
    );
    println!(
        "    wxbw bulk: {} provisioned, {} updated ({} subscribers in two runs side by side, one updating by userId, one by subscriberId; {} processes, {} of them --resume; {} failed rows sent again)",
        cli_view.provisioned,
        cli_view.updated,
        CLI_SUBSCRIBERS,
        cli_view.runs,
        cli_view.resumes,
        cli_view.failed_rows
    );
    println!("  requests the simulator received: {}", log.len());
    println!(
        "    provisionSubscriber {}, updateSubscriber {}, getSubscriber {}, listSubscribers {}",
        count(webex_broadworks_sim::Operation::ProvisionSubscriber),
        count(webex_broadworks_sim::Operation::UpdateSubscriber),
        count(webex_broadworks_sim::Operation::GetSubscriber),
        count(webex_broadworks_sim::Operation::ListSubscribers),
    );
    println!("  faults injected, all requests:");
    for (kind, n) in faults_by_kind(&log, &[""]) {
        println!("    {kind}: {n}");
    }
    println!("  faults met by the ergonomic client / by wxbw:");
    let client_faults = faults_by_kind(&log, &["CHAOS_", "CHECK_"]);
    let cli_faults = faults_by_kind(&log, &["WXBW_"]);
    for kind in client_faults
        .keys()
        .chain(cli_faults.keys())
        .collect::<std::collections::BTreeSet<_>>()
    {
        println!(
            "    {kind}: {} / {}",
            client_faults.get(kind).unwrap_or(&0),
            cli_faults.get(kind).unwrap_or(&0)
        );
    }
    println!(
        "  ergonomic client: {retries} retries, {} reconciliations (lookups by userId after an unknown outcome), {} errors returned to the caller",
        reconciliations.len(),
        view.error_count()
    );
    for (kind, n) in view.errors.lock().unwrap().iter() {
        println!("    {kind}: {n}");
    }
    println!(
        "  wxbw bulk: {} requests, {} answered 429/423, {} lookups after an unknown outcome",
        cli_view.requests, cli_view.rate_limited, cli_view.lookups
    );
    for timing in &cli_view.timings {
        println!("    {timing}");
    }
    println!(
        "  duplicates: {}, lost: {}, wrong fields: {}, panics: {}",
        duplicates.len(),
        lost.len(),
        wrong.len(),
        panics.load(Ordering::SeqCst)
    );
    println!(
        "  failures without a trackingId: {} (client) + {} (wxbw results)",
        view.untracked.lock().unwrap().len(),
        cli_view.untracked.len(),
    );

    if !duplicates.is_empty() {
        print_duplicate_trails(state, &log, &duplicates);
    }
    runtime.block_on(sim.shutdown());

    assert!(cli_view.crashes.is_empty(), "{:#?}", cli_view.crashes);
    let expected_operations = 2 * (CLIENT_SUBSCRIBERS + CLI_SUBSCRIBERS) as u64;
    assert_eq!(operations, expected_operations, "operations completed");
    assert!(duplicates.is_empty(), "duplicated: {duplicates:#?}");
    assert!(lost.is_empty(), "lost: {lost:#?}");
    assert!(wrong.is_empty(), "wrong fields: {wrong:#?}");
    assert_eq!(panics.load(Ordering::SeqCst), 0, "something panicked");
    assert!(cli_view.crashes.is_empty(), "{:#?}", cli_view.crashes);
    assert!(
        view.untracked.lock().unwrap().is_empty(),
        "errors without a trackingId: {:#?}",
        view.untracked.lock().unwrap()
    );
    assert!(
        cli_view.untracked.is_empty(),
        "failed rows without a trackingId: {:#?}",
        cli_view.untracked
    );
    assert!(
        view.unexpected.lock().unwrap().is_empty(),
        "{:#?}",
        view.unexpected.lock().unwrap()
    );
    assert!(
        view.abandoned.lock().unwrap().is_empty(),
        "{:#?}",
        view.abandoned.lock().unwrap()
    );
    assert!(cli_view.unfinished.is_empty(), "{:#?}", cli_view.unfinished);
    // The faults did happen.
    let all = faults_by_kind(&log, &[""]);
    for kind in [
        "5xx",
        "dropped connection",
        "lost response (applied)",
        "truncated body (applied)",
        "5xx after applying",
        "corrupt 2xx body (applied)",
        "error without body or Retry-After",
        "429 rate limited",
    ] {
        assert!(
            all.get(kind).copied().unwrap_or(0) > 0,
            "no {kind}: {all:?}"
        );
    }
}
