//! Where (a)'s and (c)'s CPU time per call goes: `perf record` over a child process that
//! makes the same calls as measurement 1 through (a) and (c), each on a thread named for
//! it, the two taking turns, and `perf report` of each thread's samples grouped by the crate
//! of the function they fell in.
//!
//! The child is this benchmark binary again, started with the hidden `per-call-profile`
//! subcommand. Without `perf` on the machine the section says so and the goals stand on the
//! measurement alone.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use anyhow::{Context, bail};

use super::clients::Clients;
use super::{Approach, Call, info_level_tracing};

/// The hidden subcommand that makes the profiled calls.
pub const SUBCOMMAND: &str = "per-call-profile";
/// Calls made under the profiler, per approach and operation.
pub const PROFILED_CALLS: usize = 8_000;
/// Samples per second.
pub const FREQUENCY: &str = "4999";
/// Groups shown per profile; the rest are summed as "everything else".
const TOP_GROUPS: usize = 24;

/// The group of samples whose function perf could not name.
const UNRESOLVED: &str = "unresolved";
/// The group of the kernel's samples.
const KERNEL: &str = "the kernel (system calls, scheduling)";

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
        let data = dir.join(format!("{}.data", call.operation_id()));
        let recorded = Command::new("perf")
            .args(["record", "-q", "-F", FREQUENCY, "-o"])
            .arg(&data)
            .arg("--")
            .arg(&exe)
            .args([SUBCOMMAND, call.operation_id()])
            .output()
            .context("running perf record")?;
        if !recorded.status.success() {
            bail!(
                "perf record failed: {}",
                String::from_utf8_lossy(&recorded.stderr).trim()
            );
        }
        for (approach, thread) in PROFILED {
            profiles.push(read(&data, thread, approach, call)?);
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

/// The samples of `thread` in `data`, grouped.
fn read(data: &Path, thread: &str, approach: Approach, call: Call) -> anyhow::Result<Profile> {
    let report = Command::new("perf")
        .args([
            "report",
            "--stdio",
            "--no-children",
            "-q",
            "--comms",
            thread,
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
        bail!("perf recorded no sample of the {thread} thread");
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
        return KERNEL.into();
    }
    if dso.starts_with("libc") || dso.starts_with("ld-linux") || symbol.starts_with("__rustc") {
        return "the allocator and the C library (malloc, free, memcpy)".into();
    }
    let path = symbol.trim_start_matches(['<', '&']);
    let path = path.strip_prefix("mut ").unwrap_or(path);
    let path = path.strip_prefix("dyn ").unwrap_or(path);
    let krate = path
        .split("::")
        .next()
        .unwrap_or(path)
        .split(['<', ' ', '('])
        .next()
        .unwrap_or(path);
    if krate.is_empty() || krate.starts_with("0x") || krate.starts_with('[') {
        return UNRESOLVED.into();
    }
    match krate {
        "core" | "alloc" | "std" => "the standard library".into(),
        "report" => "`report` (the benchmark's own code)".into(),
        other => format!("`{other}`"),
    }
}

/// The approaches profiled, each on a thread of its own named for it.
const PROFILED: [(Approach, &str); 2] = [
    (Approach::HandWritten, "per-call-a"),
    (Approach::Ergonomic, "per-call-c"),
];
/// Calls per turn: the threads take turns, as the approaches of measurement 1 do, so that
/// both see the machine alike.
pub const TURN: usize = 200;

/// The child: makes [`PROFILED_CALLS`] calls of `call` through (a) and through (c), each on
/// its thread with its own current-thread runtime and tracing at info level as in
/// measurement 1, the two taking turns of [`TURN`] calls.
pub fn child_main(args: &[String]) -> anyhow::Result<()> {
    let [call] = args else {
        bail!("usage: {SUBCOMMAND} getSubscriber|updateSubscriber");
    };
    let call = Call::ALL
        .into_iter()
        .find(|c| c.operation_id() == call)
        .with_context(|| format!("no call is called {call:?}"))?;
    let sim = super::start_simulator()?;
    let ids = super::subscriber_ids(&sim)?;
    let base_url = sim.base_url();
    let mut turns = Vec::new();
    let mut threads = Vec::new();
    for (approach, name) in PROFILED {
        let (go, turn) = std::sync::mpsc::channel::<()>();
        let (done, finished) = std::sync::mpsc::channel::<anyhow::Result<()>>();
        let (id, base_url) = (ids[&approach].clone(), base_url.clone());
        threads.push(
            std::thread::Builder::new()
                .name(name.into())
                .spawn(move || client_thread(approach, call, &id, &base_url, &turn, &done))
                .context("starting a client thread")?,
        );
        turns.push((go, finished));
    }
    for _ in 0..PROFILED_CALLS.div_ceil(TURN) {
        for (go, finished) in &turns {
            go.send(()).context("a client thread stopped")?;
            finished.recv().context("a client thread stopped")??;
        }
    }
    drop(turns);
    for thread in threads {
        thread
            .join()
            .map_err(|_| anyhow::anyhow!("a client thread panicked"))??;
    }
    drop(sim);
    Ok(())
}

/// One approach's thread: a turn of calls each time it is told to go.
fn client_thread(
    approach: Approach,
    call: Call,
    id: &str,
    base_url: &str,
    turn: &std::sync::mpsc::Receiver<()>,
    done: &std::sync::mpsc::Sender<anyhow::Result<()>>,
) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let clients = Clients::new(base_url, super::TOKEN)?;
    let _tracing = tracing::dispatcher::set_default(&info_level_tracing());
    while turn.recv().is_ok() {
        let outcome = runtime.block_on(async {
            for _ in 0..TURN {
                clients.call(approach, call, id).await?;
            }
            anyhow::Ok(())
        });
        if done.send(outcome).is_err() {
            break;
        }
    }
    Ok(())
}

impl Profile {
    /// The share of the samples in `group`, in percent.
    pub fn share(&self, group: &str) -> f64 {
        self.groups
            .iter()
            .find(|(name, _)| name == group)
            .map_or(0.0, |(_, share)| *share)
    }
}

impl Profiles {
    /// The profile of `approach` for `call`, if one was taken.
    pub fn of(&self, approach: Approach, call: Call) -> Option<&Profile> {
        match self {
            Profiles::Taken(profiles) => profiles
                .iter()
                .find(|p| p.approach == approach && p.call == call),
            Profiles::NotTaken(_) => None,
        }
    }
}
