//! Measurement 9: 10,000 `provision_and_wait` calls in flight at once on one client, as an
//! integration engineer who spawns one wait per subscriber runs them.
//!
//! Real time. The simulator binary runs in its own process, so that neither its memory nor
//! its CPU time counts; the client runs in another, this benchmark binary again with the
//! hidden `waits-client` subcommand, on a current-thread runtime: that one thread does all
//! of the client's work (the connections' tasks included), so its CPU time is the client's.
//! The child reads its own resident memory every [`SAMPLE_EVERY`] while the waits are in
//! flight and prints one line of JSON.
//!
//! The same child with one wait, run [`SINGLE_WAITS`] times, gives the polls a wait makes
//! on its own, against which the 10,000's are judged.

mod child;
mod goals;

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::Duration;

use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};

use crate::sim_process::{SimProcess, build_simulator_binary};

pub use child::child_main;
pub use goals::goals;

/// The hidden subcommand that runs the waits in a child process.
pub const SUBCOMMAND: &str = "waits-client";
/// Waits in flight at once.
pub const WAITS: usize = 10_000;
/// Waits run one at a time for the reference figure of polls per wait.
pub const SINGLE_WAITS: u64 = 6;
/// How long the simulator keeps a new subscriber `provisioning`.
pub const PROVISIONING: Duration = Duration::from_secs(3);
/// How often the child reads its resident memory.
pub const SAMPLE_EVERY: Duration = Duration::from_millis(50);
const TOKEN: &str = "bench-token";

/// What one child run saw.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct WaitsRun {
    pub waits: usize,
    /// Waits that ended `Provisioned`.
    pub provisioned: usize,
    /// Waits that ended otherwise or failed, with the first such outcome.
    pub other_outcomes: usize,
    pub first_other: Option<String>,
    /// Resident memory before the first wait started, in KiB.
    pub baseline_kib: u64,
    /// The most resident memory above the baseline while every wait was in flight, in KiB.
    pub in_flight_kib: u64,
    /// Open file descriptors (the connections, mostly) at that moment.
    pub open_files: u64,
    /// The client thread's CPU time for the whole run, in nanoseconds.
    pub cpu_nanos: u64,
    /// Requests the simulator counted: the provisionings, and every other (the polls).
    pub provisions: u64,
    pub polls: u64,
    pub took_millis: u64,
}

impl WaitsRun {
    /// Memory per wait in flight.
    pub fn bytes_per_wait(&self) -> f64 {
        self.in_flight_kib as f64 * 1024.0 / self.waits.max(1) as f64
    }

    /// CPU time per request, the provisionings counted as requests too.
    pub fn cpu_per_request(&self) -> Duration {
        let requests = (self.provisions + self.polls).max(1);
        Duration::from_nanos(self.cpu_nanos / requests)
    }

    pub fn polls_per_wait(&self) -> f64 {
        self.polls as f64 / self.waits.max(1) as f64
    }
}

/// Everything measurement 9 found.
#[derive(Debug)]
pub struct ManyWaitsFigures {
    pub many: WaitsRun,
    /// The single waits, one child each.
    pub single: Vec<WaitsRun>,
}

impl ManyWaitsFigures {
    /// The mean polls of a wait on its own.
    pub fn single_polls_per_wait(&self) -> f64 {
        let polls: u64 = self.single.iter().map(|run| run.polls).sum();
        polls as f64 / self.single.len().max(1) as f64
    }
}

/// Runs measurement 9.
pub fn run() -> anyhow::Result<ManyWaitsFigures> {
    let simulator = build_simulator_binary()?;
    let fixture = std::env::temp_dir().join(format!("many-waits-{}.json", std::process::id()));
    std::fs::write(&fixture, "{}").with_context(|| format!("writing {}", fixture.display()))?;
    let delay = PROVISIONING.as_millis().to_string();
    let sim = SimProcess::spawn_with(
        &simulator,
        TOKEN,
        &fixture,
        &["--provisioning-delay-ms", &delay],
    );
    let _ = std::fs::remove_file(&fixture);
    let sim = sim?;
    let mut single = Vec::new();
    for seed in 0..SINGLE_WAITS {
        single.push(in_child(sim.base_url(), 1, seed)?);
    }
    let many = in_child(sim.base_url(), WAITS, SINGLE_WAITS)?;
    Ok(ManyWaitsFigures { many, single })
}

/// Runs `waits` waits in a child process; `seed` tells their subscribers apart.
fn in_child(base_url: &str, waits: usize, seed: u64) -> anyhow::Result<WaitsRun> {
    let exe = std::env::current_exe().context("finding the benchmark binary")?;
    let mut child = Command::new(exe)
        .arg(SUBCOMMAND)
        .args(["--base-url", base_url, "--token", TOKEN])
        .args(["--waits", &waits.to_string(), "--seed", &seed.to_string()])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .context("starting the waits' child")?;
    let mut stdout = String::new();
    if let Some(mut pipe) = child.stdout.take() {
        pipe.read_to_string(&mut stdout)?;
    }
    let status = child.wait()?;
    if !status.success() {
        bail!("the waits' child failed ({status})");
    }
    let run: WaitsRun =
        serde_json::from_str(stdout.trim()).with_context(|| format!("reading {stdout:?}"))?;
    if run.other_outcomes > 0 {
        bail!(
            "{} of {} waits did not end provisioned; the first: {}",
            run.other_outcomes,
            run.waits,
            run.first_other.as_deref().unwrap_or("?")
        );
    }
    Ok(run)
}
