//! Where each approach's work per call goes: the instructions one call executes on the
//! client's thread, counted exactly by callgrind and grouped by the crate of the function
//! they ran in.
//!
//! Each approach runs in a child process of its own (this benchmark binary again, started
//! with the hidden `per-call-profile` subcommand) that makes the calls of measurement 1
//! against the same in-process simulator, with the same runtime and tracing. callgrind
//! collects only while [`counted_calls`] runs, and only on the thread that runs it, so the
//! warm-up, the set-up and the simulator's threads are left out. Instruction counts do not
//! depend on the machine's load, which the CPU times of a shared machine do; they leave out
//! the kernel, which sends and receives the same bytes for every approach. Without valgrind
//! on the machine the section says so and the goals stand on the measurement alone.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};

use super::clients::Clients;
use super::{Approach, Call, info_level_tracing};

/// The hidden subcommand that makes the profiled calls.
pub const SUBCOMMAND: &str = "per-call-profile";
/// Calls made before counting starts: the connection, the pools and the caches are warm.
pub const WARM_UP_CALLS: usize = 200;
/// Calls counted, per approach and operation.
pub const COUNTED_CALLS: usize = 2_000;
/// The function callgrind counts inside (its path in this binary).
const COUNTED_FUNCTION: &str = "report::per_call::profile::counted_calls";
/// Groups shown per operation; the rest are summed as "everything else".
pub const TOP_GROUPS: usize = 18;

/// The group of the C library's functions and of Rust's allocator shims.
const ALLOCATOR: &str = "the allocator and the C library (malloc, free, memcpy)";
/// The group of instructions callgrind could not place in a named function.
const UNRESOLVED: &str = "unresolved";

/// One approach's count for one operation.
#[derive(Clone, Debug)]
pub struct Profile {
    pub approach: Approach,
    pub call: Call,
    /// Instructions per call, all groups together.
    pub instructions: f64,
    /// Instructions per call by group.
    pub groups: BTreeMap<String, f64>,
}

impl Profile {
    /// Instructions per call in `group` (0 where none ran there).
    pub fn in_group(&self, group: &str) -> f64 {
        self.groups.get(group).copied().unwrap_or(0.0)
    }
}

/// The profiles, or why there are none.
#[derive(Clone, Debug)]
pub enum Profiles {
    Taken(Vec<Profile>),
    NotTaken(String),
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

/// Counts every approach for each operation, when valgrind can be run.
pub fn run() -> Profiles {
    match take_all() {
        Ok(profiles) => Profiles::Taken(profiles),
        Err(error) => Profiles::NotTaken(format!("{error:#}")),
    }
}

fn take_all() -> anyhow::Result<Vec<Profile>> {
    // callgrind_annotate prints its version but exits with 255, so only being found counts.
    for (tool, must_succeed) in [("valgrind", true), ("callgrind_annotate", false)] {
        let probe = Command::new(tool).arg("--version").output();
        if !probe.is_ok_and(|out| out.status.success() || !must_succeed) {
            bail!("`{tool}` is not on this machine's PATH");
        }
    }
    let exe = std::env::current_exe().context("finding the benchmark binary")?;
    let dir = std::env::temp_dir().join(format!("per-call-profile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut profiles = Vec::new();
    for call in Call::ALL {
        for approach in Approach::ALL {
            profiles.push(take(&exe, &dir, approach, call)?);
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(profiles)
}

/// Runs the child for `approach` and `call` under callgrind and reads its counts.
fn take(exe: &Path, dir: &Path, approach: Approach, call: Call) -> anyhow::Result<Profile> {
    let out: PathBuf = dir.join(format!(
        "{}-{}.callgrind",
        call.operation_id(),
        approach.key()
    ));
    let recorded = Command::new("valgrind")
        .args([
            "--tool=callgrind",
            "--collect-atstart=no",
            "--dump-instr=no",
            "--compress-strings=no",
        ])
        .arg(format!("--toggle-collect={COUNTED_FUNCTION}"))
        .arg(format!("--callgrind-out-file={}", out.display()))
        .arg("--")
        .arg(exe)
        .args([SUBCOMMAND, call.operation_id(), approach.key()])
        .output()
        .context("running valgrind")?;
    if !recorded.status.success() {
        bail!(
            "the profiled calls through {} failed: {}",
            approach.label(),
            String::from_utf8_lossy(&recorded.stderr).trim()
        );
    }
    let annotated = Command::new("callgrind_annotate")
        .args(["--inclusive=no", "--threshold=100"])
        .arg(&out)
        .output()
        .context("running callgrind_annotate")?;
    if !annotated.status.success() {
        bail!(
            "callgrind_annotate failed: {}",
            String::from_utf8_lossy(&annotated.stderr).trim()
        );
    }
    let per_call = |count: u64| count as f64 / COUNTED_CALLS as f64;
    let mut total = None;
    let mut groups: BTreeMap<String, f64> = BTreeMap::new();
    for line in String::from_utf8_lossy(&annotated.stdout).lines() {
        match parse_line(line) {
            Some(Line::Total(count)) => total = Some(per_call(count)),
            Some(Line::Function { count, dso, symbol }) => {
                *groups.entry(group(dso, symbol)).or_default() += per_call(count);
            }
            None => {}
        }
    }
    let instructions = total.context("callgrind_annotate printed no total")?;
    if instructions == 0.0 {
        bail!(
            "callgrind counted nothing in `{COUNTED_FUNCTION}` for {}",
            approach.label()
        );
    }
    Ok(Profile {
        approach,
        call,
        instructions,
        groups,
    })
}

enum Line<'a> {
    Total(u64),
    Function {
        count: u64,
        dso: &'a str,
        symbol: &'a str,
    },
}

/// A line of `callgrind_annotate`: `1,234 (5.6%)  file:function [object]`, or the total.
fn parse_line(line: &str) -> Option<Line<'_>> {
    let line = line.trim_start();
    let (count, rest) = line.split_once(' ')?;
    let count: u64 = count.replace(',', "").parse().ok()?;
    let (_, rest) = rest.split_once(')')?;
    let rest = rest.trim();
    if rest.starts_with("PROGRAM TOTALS") {
        return Some(Line::Total(count));
    }
    let (location, dso) = rest.rsplit_once(" [")?;
    let dso = dso.strip_suffix(']')?;
    let (_, symbol) = location.split_once(':')?;
    Some(Line::Function {
        count,
        dso: dso.rsplit('/').next().unwrap_or(dso),
        symbol,
    })
}

/// The group an instruction is counted in: the C library's allocator and string functions,
/// or the Rust crate whose function it ran in (the first path segment of the demangled
/// name, the type's crate for a trait method). Inlined code counts in the function it was
/// inlined into.
fn group(dso: &str, symbol: &str) -> String {
    if dso.starts_with("libc") || dso.starts_with("ld-linux") || symbol.starts_with("__rustc") {
        return ALLOCATOR.into();
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

/// The child: warms up, then makes [`COUNTED_CALLS`] calls of `call` through `approach` in
/// [`counted_calls`], on a current-thread runtime with tracing as in measurement 1.
pub fn child_main(args: &[String]) -> anyhow::Result<()> {
    let [call, approach] = args else {
        bail!("usage: {SUBCOMMAND} getSubscriber|updateSubscriber a|b|c|c-untraced");
    };
    let call = Call::ALL
        .into_iter()
        .find(|c| c.operation_id() == call)
        .with_context(|| format!("no call is called {call:?}"))?;
    let approach = Approach::ALL
        .into_iter()
        .find(|a| a.key() == approach)
        .with_context(|| format!("no approach is called {approach:?}"))?;
    let sim = super::start_simulator()?;
    let ids = super::subscriber_ids(&sim)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let clients = Clients::new(&sim.base_url(), super::TOKEN)?;
    let dispatch = if approach == Approach::ErgonomicUntraced {
        tracing::Dispatch::none()
    } else {
        info_level_tracing()
    };
    let _tracing = tracing::dispatcher::set_default(&dispatch);
    let id = &ids[&approach];
    runtime.block_on(calls(&clients, approach, call, id, WARM_UP_CALLS))?;
    counted_calls(&runtime, &clients, approach, call, id)?;
    drop(sim);
    Ok(())
}

/// The calls callgrind counts: it collects only while this function runs.
#[inline(never)]
fn counted_calls(
    runtime: &tokio::runtime::Runtime,
    clients: &Clients,
    approach: Approach,
    call: Call,
    id: &str,
) -> anyhow::Result<()> {
    runtime.block_on(calls(clients, approach, call, id, COUNTED_CALLS))
}

async fn calls(
    clients: &Clients,
    approach: Approach,
    call: Call,
    id: &str,
    count: usize,
) -> anyhow::Result<()> {
    for _ in 0..count {
        clients.call(approach, call, id).await?;
    }
    Ok(())
}
