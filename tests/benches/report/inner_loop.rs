//! Measurement 7: a maintainer's inner loop after a spec edit, on a warm target directory:
//! add an optional field to a response schema, then `cargo xtask check` (generate, rewrite
//! the snapshots, check every crate and target, run the generated crate's tests and the
//! operation coverage).
//!
//! It works on a copy of the workspace under `target/inner-loop/`, so the real spec is never
//! touched; the copy keeps its files' times where nothing changed, and its own target
//! directory, so that a second run starts warm. The loop is run once unchanged first
//! (untimed) to warm it.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

/// The goal on the whole loop.
pub const MAX_SECONDS: f64 = 60.0;

/// The schema that gains a field, and the field.
const SCHEMA: &str = "    Subscriber:\n";
const FIELD: &str = "        innerLoopProbe:\n          type: string\n          description: A field the inner-loop benchmark adds.\n";

/// The figures of one run.
#[derive(Debug)]
pub struct InnerLoop {
    pub total: Duration,
    /// Each step as `cargo xtask check` reported it: (what, seconds).
    pub steps: Vec<(String, f64)>,
    /// When it was measured (UTC, RFC 3339).
    pub measured_at: String,
    /// Whether this run measured it, or it is carried over from the previous report.
    pub carried_over: bool,
}

pub fn run(workspace: &Path) -> anyhow::Result<InnerLoop> {
    let base = workspace.join("target/inner-loop");
    let tree = base.join("tree");
    let target = base.join("target");
    copy_workspace(workspace, &tree)?;
    // Warm: the loop on the spec as it is.
    xtask_check(&tree, &target).context("warming the copy")?;
    let spec_path = tree.join("openapi/webex-broadworks.yaml");
    let spec = std::fs::read_to_string(&spec_path)?;
    let edited = add_field(&spec)?;
    std::fs::write(&spec_path, edited)?;
    let started = Instant::now();
    let outcome = xtask_check(&tree, &target);
    let total = started.elapsed();
    // Put the copy back as the workspace has it, for the next run.
    std::fs::write(&spec_path, &spec)?;
    let output = outcome?;
    Ok(InnerLoop {
        total,
        steps: steps(&output),
        measured_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        carried_over: false,
    })
}

/// The marker line that carries the figures from one report to the next (`--skip-build`).
const MARKER: &str = "<!-- inner-loop";

/// The marker line for `figures`, hidden in the Markdown: the total, then each step.
pub fn marker(figures: &InnerLoop) -> String {
    let steps: Vec<String> = figures
        .steps
        .iter()
        .map(|(what, seconds)| format!("{}={seconds:.1}", what.replace(' ', "_")))
        .collect();
    format!(
        "{MARKER} seconds={:.1} measured-at={} {} -->",
        figures.total.as_secs_f64(),
        figures.measured_at,
        steps.join(" ")
    )
}

/// The figures carried by the report at `report`, if it holds them.
pub fn last_measured(report: &Path) -> Option<InnerLoop> {
    let text = std::fs::read_to_string(report).ok()?;
    let line = text.lines().find(|line| line.starts_with(MARKER))?;
    let mut total = None;
    let mut measured_at = None;
    let mut steps = Vec::new();
    for word in line.split_whitespace().skip(2) {
        let Some((key, value)) = word.split_once('=') else {
            continue;
        };
        match key {
            "seconds" => total = value.parse::<f64>().ok(),
            "measured-at" => measured_at = Some(value.to_string()),
            step => steps.push((step.replace('_', " "), value.parse().ok()?)),
        }
    }
    Some(InnerLoop {
        total: Duration::from_secs_f64(total?),
        steps,
        measured_at: measured_at?,
        carried_over: true,
    })
}

/// `spec` with [`FIELD`] first among the properties of [`SCHEMA`].
fn add_field(spec: &str) -> anyhow::Result<String> {
    let schema = spec
        .find(SCHEMA)
        .context("the spec has no Subscriber schema")?;
    let properties = spec[schema..]
        .find("      properties:\n")
        .context("Subscriber has no properties")?
        + schema
        + "      properties:\n".len();
    Ok(format!(
        "{}{FIELD}{}",
        &spec[..properties],
        &spec[properties..]
    ))
}

/// The `== <step>: ok in N s` lines of `cargo xtask check`.
fn steps(output: &str) -> Vec<(String, f64)> {
    output
        .lines()
        .filter_map(|line| {
            let rest = line.strip_prefix("== ")?;
            let (what, seconds) = rest.rsplit_once(" in ")?;
            let seconds: f64 = seconds.strip_suffix(" s")?.parse().ok()?;
            let what = what.trim_end_matches(": ok").to_string();
            (what != "all done").then_some((what, seconds))
        })
        .collect()
}

fn xtask_check(tree: &Path, target: &Path) -> anyhow::Result<String> {
    let output = Command::new(cargo())
        .args(["xtask", "check"])
        .current_dir(tree)
        .env("CARGO_TARGET_DIR", target)
        .env_remove("RUSTFLAGS")
        .stdin(Stdio::null())
        .output()
        .context("running cargo xtask check")?;
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    if !output.status.success() {
        bail!(
            "`cargo xtask check` failed in {}: {}{}",
            tree.display(),
            stdout,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(stdout)
}

/// Copies the workspace's files (tracked, or new and not ignored) into `tree`, writing only
/// those whose content differs, so that unchanged files keep their times and cargo its
/// fingerprints.
fn copy_workspace(workspace: &Path, tree: &Path) -> anyhow::Result<()> {
    let listed = Command::new("git")
        .args([
            "ls-files",
            "--cached",
            "--others",
            "--exclude-standard",
            "-z",
        ])
        .current_dir(workspace)
        .output()
        .context("running git ls-files")?;
    if !listed.status.success() {
        bail!("git ls-files failed");
    }
    for name in listed.stdout.split(|b| *b == 0).filter(|n| !n.is_empty()) {
        let relative = PathBuf::from(String::from_utf8_lossy(name).into_owned());
        let from = workspace.join(&relative);
        let Ok(contents) = std::fs::read(&from) else {
            continue; // deleted in the working tree
        };
        let to = tree.join(&relative);
        if std::fs::read(&to).is_ok_and(|existing| existing == contents) {
            continue;
        }
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&to, contents).with_context(|| format!("writing {}", to.display()))?;
    }
    Ok(())
}

fn cargo() -> PathBuf {
    std::env::var_os("CARGO").map_or_else(|| "cargo".into(), PathBuf::from)
}

/// The goal: the whole loop within [`MAX_SECONDS`].
pub fn goals(figures: &crate::goal::Measured<InnerLoop>) -> Vec<crate::goal::Goal> {
    use crate::goal::{Goal, Measured};
    let what =
        "spec inner loop: add an optional response field, then `cargo xtask check`, warm target";
    let target = format!("≤ {MAX_SECONDS:.0} s");
    match figures {
        Measured::Skipped(why) => vec![Goal::not_measured(what, target, why)],
        Measured::Done(figures) => {
            let seconds = figures.total.as_secs_f64();
            vec![Goal::check(
                what,
                target,
                format!("{seconds:.0} s"),
                seconds <= MAX_SECONDS,
                || {
                    let slowest = figures
                        .steps
                        .iter()
                        .max_by(|a, b| a.1.total_cmp(&b.1))
                        .map(|(what, s)| format!("{what}, {s:.0} s"))
                        .unwrap_or_default();
                    format!("the slowest step is {slowest}")
                },
            )]
        }
    }
}
