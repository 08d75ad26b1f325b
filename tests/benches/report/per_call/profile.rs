//! Where (a)'s and (c)'s CPU time per call goes: `perf record` over a child process that
//! makes the same calls as measurement 1, on one named thread, and `perf report` of that
//! thread's samples grouped by the crate of the function they fell in.
//!
//! The child is this benchmark binary again, started with the hidden `per-call-profile`
//! subcommand. Without `perf` on the machine the section says so and the goals stand on the
//! measurement alone.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, bail};

use super::clients::Clients;
use super::{Approach, Call, info_level_tracing};
use crate::cpu::thread_cpu_time;

/// The hidden subcommand that makes the profiled calls.
pub const SUBCOMMAND: &str = "per-call-profile";
/// Calls made under the profiler, per approach and operation.
pub const PROFILED_CALLS: usize = 8_000;
/// The name of the thread that makes them: only its samples are counted.
const CLIENT_THREAD: &str = "per-call-client";
/// Samples per second.
pub const FREQUENCY: &str = "4999";
/// Groups shown per profile; the rest are summed as "everything else".
const TOP_GROUPS: usize = 24;

/// One approach's profile for one operation: the share of the client thread's samples in
/// each group of functions.
#[derive(Clone, Debug)]
pub struct Profile {
    pub approach: Approach,
    pub call: Call,
    pub samples: u64,
    /// Percent of `samples`, by group, largest first.
    pub groups: Vec<(String, f64)>,
}

/// The profiles, or why there are none.
#[derive(Clone, Debug)]
pub enum Profiles {
    Taken(Vec<Profile>),
    NotTaken(String),
}

/// Profiles (a) and (c) for each operation, when `perf` can be run.
pub fn run() -> Profiles {
    match take_all() {
        Ok(profiles) => Profiles::Taken(profiles),
        Err(error) => Profiles::NotTaken(format!("{error:#}")),
    }
}

fn take_all() -> anyhow::Result<Vec<Profile>> {
    let probe = Command::new("perf").arg("--version").output();
    if !probe.is_ok_and(|out| out.status.success()) {
        bail!("`perf` is not on this machine's PATH");
    }
    let exe = std::env::current_exe().context("finding the benchmark binary")?;
    let dir = tempfile_dir()?;
    let mut profiles = Vec::new();
    for call in Call::ALL {
        for approach in [Approach::HandWritten, Approach::Ergonomic] {
            let data = dir.join(format!("{}-{}.data", call.operation_id(), approach.key()));
            let recorded = Command::new("perf")
                .args(["record", "-q", "-F", FREQUENCY, "-o"])
                .arg(&data)
                .arg("--")
                .arg(&exe)
                .args([SUBCOMMAND, approach.key(), call.operation_id()])
                .output()
                .context("running perf record")?;
            if !recorded.status.success() {
                bail!(
                    "perf record failed: {}",
                    String::from_utf8_lossy(&recorded.stderr).trim()
                );
            }
            profiles.push(read(&data, approach, call)?);
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(profiles)
}

fn tempfile_dir() -> anyhow::Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("per-call-profile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    Ok(dir)
}

/// The client thread's samples of `data`, grouped.
fn read(data: &Path, approach: Approach, call: Call) -> anyhow::Result<Profile> {
    let report = Command::new("perf")
        .args([
            "report",
            "--stdio",
            "--no-children",
            "-q",
            "--comms",
            CLIENT_THREAD,
        ])
        .args([
            "--sort",
            "dso,sym",
            "--percent-limit",
            "0",
            "-F",
            "sample,dso,sym",
        ])
        .arg("-i")
        .arg(data)
        .output()
        .context("running perf report")?;
    if !report.status.success() {
        bail!(
            "perf report failed: {}",
            String::from_utf8_lossy(&report.stderr).trim()
        );
    }
    let mut by_group: BTreeMap<String, u64> = BTreeMap::new();
    let mut samples = 0;
    for line in String::from_utf8_lossy(&report.stdout).lines() {
        let Some((count, dso, symbol)) = parse_line(line) else {
            continue;
        };
        samples += count;
        *by_group.entry(group(dso, symbol)).or_default() += count;
    }
    if samples == 0 {
        bail!("perf recorded no sample of the {CLIENT_THREAD} thread");
    }
    let mut groups: Vec<(String, f64)> = by_group
        .into_iter()
        .map(|(group, count)| (group, 100.0 * count as f64 / samples as f64))
        .collect();
    groups.sort_by(|x, y| y.1.total_cmp(&x.1).then_with(|| x.0.cmp(&y.0)));
    if groups.len() > TOP_GROUPS {
        let rest: f64 = groups.drain(TOP_GROUPS..).map(|(_, share)| share).sum();
        groups.push(("everything else".into(), rest));
    }
    Ok(Profile {
        approach,
        call,
        samples,
        groups,
    })
}

/// `  1234  libc.so.6  [.] malloc` as (1234, "libc.so.6", "malloc").
fn parse_line(line: &str) -> Option<(u64, &str, &str)> {
    let mut words = line.split_whitespace();
    let count = words.next()?.parse().ok()?;
    let dso = words.next()?;
    let rest = line.split_once("] ").map(|(_, symbol)| symbol.trim())?;
    Some((count, dso, rest))
}

/// The group a sample is counted in: the kernel, the C library's allocator and string
/// functions, or the Rust crate whose function it fell in (the first path segment of the
/// demangled name, the type's crate for a trait method).
fn group(dso: &str, symbol: &str) -> String {
    if dso.starts_with("[kernel") {
        return "the kernel (system calls, scheduling)".into();
    }
    if dso.starts_with("libc") || dso.starts_with("ld-linux") || symbol.starts_with("__rustc") {
        return "the allocator and the C library (malloc, free, memcpy)".into();
    }
    let path = symbol.trim_start_matches('<').trim_start_matches('&');
    let path = path.strip_prefix("dyn ").unwrap_or(path);
    let krate = path
        .split("::")
        .next()
        .unwrap_or(path)
        .split(['<', ' ', '('])
        .next()
        .unwrap_or(path);
    if krate.is_empty() || krate.starts_with("0x") {
        return "unresolved".into();
    }
    match krate {
        "core" | "alloc" | "std" => "the standard library".into(),
        other => format!("`{other}`"),
    }
}

/// The child: makes [`PROFILED_CALLS`] calls of `call` through `approach` on a thread named
/// [`CLIENT_THREAD`], as measurement 1 does (current-thread runtime, tracing at info level).
pub fn child_main(args: &[String]) -> anyhow::Result<()> {
    let [approach, call] = args else {
        bail!(
            "usage: {SUBCOMMAND} hand-written|generated|ergonomic|ergonomic-untraced \
             getSubscriber|updateSubscriber"
        );
    };
    let approach = Approach::ALL
        .into_iter()
        .find(|a| a.key() == approach)
        .with_context(|| format!("no approach is called {approach:?}"))?;
    let call = Call::ALL
        .into_iter()
        .find(|c| c.operation_id() == call)
        .with_context(|| format!("no call is called {call:?}"))?;
    let sim = super::start_simulator()?;
    let ids = super::subscriber_ids(&sim)?;
    let id = ids[&approach].clone();
    let base_url = sim.base_url();
    let client = std::thread::Builder::new()
        .name(CLIENT_THREAD.into())
        .spawn(move || -> anyhow::Result<()> {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            runtime.block_on(async {
                let clients = Clients::new(&base_url, super::TOKEN)?;
                let dispatch = if approach == Approach::ErgonomicUntraced {
                    tracing::Dispatch::none()
                } else {
                    info_level_tracing()
                };
                let _tracing = tracing::dispatcher::set_default(&dispatch);
                if let Ok(link) = std::fs::read_link("/proc/thread-self") {
                    println!("client thread: {}", link.display());
                }
                let before = thread_cpu_time()?;
                for _ in 0..PROFILED_CALLS {
                    clients.call(approach, call, &id).await?;
                }
                let cpu = thread_cpu_time()?.saturating_sub(before);
                // For whoever runs the child by hand: its own figure, not the report's.
                println!(
                    "CPU per call: {:.1} µs",
                    cpu.as_secs_f64() * 1e6 / PROFILED_CALLS as f64
                );
                anyhow::Ok(())
            })
        })
        .context("starting the client thread")?;
    let outcome = client
        .join()
        .map_err(|_| anyhow::anyhow!("the client thread panicked"))?;
    drop(sim);
    outcome
}

/// A profile's groups as CPU time per call, given the CPU time per call measured.
pub fn per_call(share: f64, cpu_per_call: Duration) -> Duration {
    cpu_per_call.mul_f64(share / 100.0)
}
