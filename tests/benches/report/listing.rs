//! Measurement 4: listing 10,000 and 100,000 subscribers at page size 100, items per second
//! and the peak resident memory of the client's process.
//!
//! Neither the simulator nor the report's own data may inflate the client's memory, so the
//! simulator binary runs in one child process and the client in another: this benchmark
//! binary again, started with the hidden `list-client` subcommand, which lists, reads its
//! own `VmHWM` and prints one line of JSON.

mod client;
mod goals;

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};

use crate::sim_process::{SimProcess, build_simulator_binary};

pub use client::{ClientArgs, client_main};
pub use goals::{goals, mib};

/// The hidden subcommand that runs the client side in a child process.
pub const CLIENT_SUBCOMMAND: &str = "list-client";
/// The sizes listed.
pub const SIZES: [usize; 2] = [10_000, 100_000];
/// Items per page.
pub const PAGE_SIZE: u32 = 100;
/// A child listing longer than this stops and reports what it saw.
pub const LISTING_TIME_CAP: Duration = Duration::from_secs(300);
const TOKEN: &str = "bench-token";

/// A way of listing every subscriber.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Lister {
    /// Hand-written reqwest + serde: one page at a time, following `Link: rel="next"`.
    HandWritten,
    /// The ergonomic client's pagination stream.
    Ergonomic,
}

impl Lister {
    pub const ALL: [Lister; 2] = [Lister::HandWritten, Lister::Ergonomic];

    pub fn label(self) -> &'static str {
        match self {
            Lister::HandWritten => "(a) hand-written reqwest + serde, following `Link`",
            Lister::Ergonomic => "(c) ergonomic client's pagination stream",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Lister::HandWritten => "hand-written",
            Lister::Ergonomic => "ergonomic",
        }
    }
}

/// What one child process reports.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ListingRun {
    pub items: u64,
    pub elapsed_secs: f64,
    /// `VmHWM` before listing (runtime and client built), in KiB.
    pub peak_before_kib: u64,
    /// `VmHWM` after listing, in KiB.
    pub peak_after_kib: u64,
    /// CPU time of the client's thread while listing.
    pub cpu_secs: f64,
}

impl ListingRun {
    pub fn items_per_second(&self) -> f64 {
        crate::stats::ratio(self.items as f64, self.elapsed_secs)
    }
}

/// One size through one lister.
#[derive(Debug)]
pub struct ListingCell {
    pub size: usize,
    pub lister: Lister,
    pub outcome: Result<ListingRun, String>,
}

/// Everything measurement 4 found.
#[derive(Debug)]
pub struct ListingFigures {
    pub cells: Vec<ListingCell>,
    /// Peak resident memory of the simulator process per size, in KiB (for context).
    pub simulator_peak_kib: Vec<(usize, Option<u64>)>,
    /// How long the simulator took to load each fixture and listen.
    pub simulator_start: Vec<(usize, Duration)>,
}

impl ListingFigures {
    pub fn run(&self, size: usize, lister: Lister) -> Option<&ListingRun> {
        self.cells
            .iter()
            .find(|cell| cell.size == size && cell.lister == lister)
            .and_then(|cell| cell.outcome.as_ref().ok())
    }
}

/// Runs measurement 4.
pub fn run() -> anyhow::Result<ListingFigures> {
    let simulator = build_simulator_binary()?;
    let mut cells = Vec::new();
    let mut simulator_peak_kib = Vec::new();
    let mut simulator_start = Vec::new();
    for size in SIZES {
        let fixture = write_fixture(size)?;
        let starting = Instant::now();
        let sim = SimProcess::spawn(&simulator, TOKEN, &fixture);
        simulator_start.push((size, starting.elapsed()));
        let _ = std::fs::remove_file(&fixture);
        let sim = sim?;
        for lister in Lister::ALL {
            let outcome =
                list_in_child(lister, sim.base_url(), size).map_err(|error| format!("{error:#}"));
            cells.push(ListingCell {
                size,
                lister,
                outcome,
            });
        }
        simulator_peak_kib.push((size, sim.peak_resident_kib()));
    }
    Ok(ListingFigures {
        cells,
        simulator_peak_kib,
        simulator_start,
    })
}

/// Writes a fixture of `size` provisioned subscribers in 100 enterprises to a temporary
/// file.
fn write_fixture(size: usize) -> anyhow::Result<PathBuf> {
    let path = std::env::temp_dir().join(format!(
        "webex-broadworks-listing-{size}-{}.json",
        std::process::id()
    ));
    let file =
        std::fs::File::create(&path).with_context(|| format!("creating {}", path.display()))?;
    let mut out = std::io::BufWriter::new(file);
    write!(out, "{{\"subscribers\":[")?;
    for n in 0..size {
        if n > 0 {
            write!(out, ",")?;
        }
        let subscriber = serde_json::json!({
            "userId": format!("user{n:06}@listing.example"),
            "spEnterpriseId": format!("Reseller1+customer{:03}", n % 100),
            "firstName": "List",
            "lastName": format!("Subscriber {n}"),
            "email": format!("user{n:06}@listing.example"),
            "primaryPhoneNumber": "+1-240-555-0100",
            "extension": format!("{}", 1000 + n % 9000),
            "package": "standard",
            "status": "provisioned",
        });
        serde_json::to_writer(&mut out, &subscriber)?;
    }
    write!(out, "]}}")?;
    out.flush()?;
    Ok(path)
}

/// Runs the client side in a child process and reads its report.
fn list_in_child(lister: Lister, base_url: &str, size: usize) -> anyhow::Result<ListingRun> {
    let exe = std::env::current_exe()?;
    let mut child = Command::new(exe)
        .arg(CLIENT_SUBCOMMAND)
        .args(["--lister", lister.name(), "--base-url", base_url])
        .args(["--token", TOKEN, "--page-size", &PAGE_SIZE.to_string()])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .context("starting the listing client")?;
    // The child stops itself at the listing's time cap; this only guards against a hang.
    let deadline = Instant::now() + LISTING_TIME_CAP + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            bail!("the listing client did not finish in time");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut stdout = String::new();
    if let Some(mut pipe) = child.stdout.take() {
        pipe.read_to_string(&mut stdout)?;
    }
    if !status.success() {
        bail!("the listing client failed ({status})");
    }
    let run: ListingRun =
        serde_json::from_str(&stdout).with_context(|| format!("reading {stdout:?}"))?;
    if run.items != size as u64 {
        bail!("listed {} subscribers of {size}", run.items);
    }
    Ok(run)
}
