//! `cargo xtask check`: the inner loop after an edit to the spec, in one command. It
//! regenerates the code, rewrites the snapshots of the generated API, checks every crate and
//! target of the workspace at once (`--keep-going`, so every crate the change breaks is named,
//! not only the first), then runs the tests that read the spec: the generated crate's (its
//! snapshots, round trips and open enums) and the operation coverage.
//!
//! `cargo check` is enough for everything but those tests, and much cheaper than building
//! every test binary: the full suite (`cargo test --workspace`) stays CI's job.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::workspace_root;

/// One step of the loop and what it runs.
struct Step {
    name: &'static str,
    args: &'static [&'static str],
    env: &'static [(&'static str, &'static str)],
}

const STEPS: &[Step] = &[
    Step {
        name: "snapshots of the generated API",
        args: &[
            "test",
            "-q",
            "-p",
            "webex-broadworks-api",
            "--test",
            "generated_surface",
        ],
        env: &[("INSTA_UPDATE", "always")],
    },
    Step {
        name: "every crate and target compiles",
        args: &[
            "check",
            "-q",
            "--workspace",
            "--all-targets",
            "--keep-going",
            "--message-format",
            "short",
        ],
        env: &[],
    },
    Step {
        name: "the generated crate's tests",
        args: &["test", "-q", "-p", "webex-broadworks-api"],
        env: &[],
    },
    Step {
        name: "every operation finished everywhere",
        args: &[
            "test",
            "-q",
            "-p",
            "webex-broadworks-tests",
            "--test",
            "operation_coverage",
        ],
        env: &[],
    },
];

/// Runs the loop; fails after the first failing step, having named what broke.
pub fn run() -> Result<()> {
    let started = Instant::now();
    let generating = Instant::now();
    crate::generate::run(false)?;
    println!("== generated in {}", seconds(generating.elapsed()));
    for step in STEPS {
        let begun = Instant::now();
        let output = cargo(step)?;
        let took = seconds(begun.elapsed());
        if output.status.success() {
            println!("== {}: ok in {took}", step.name);
            continue;
        }
        let stderr = String::from_utf8_lossy(&output.stderr);
        let stdout = String::from_utf8_lossy(&output.stdout);
        print!("{stdout}");
        eprint!("{stderr}");
        let broken = broken_crates(&stderr);
        if broken.is_empty() {
            bail!("{} failed after {took}", step.name);
        }
        bail!(
            "{} failed after {took}; broken: {}",
            step.name,
            broken.join(", ")
        );
    }
    println!("== all done in {}", seconds(started.elapsed()));
    Ok(())
}

fn cargo(step: &Step) -> Result<std::process::Output> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let mut command = Command::new(cargo);
    command
        .current_dir(workspace_root())
        .args(step.args)
        .stdin(Stdio::null());
    for (key, value) in step.env {
        command.env(key, value);
    }
    command
        .output()
        .with_context(|| format!("could not run cargo {}", step.args.join(" ")))
}

/// The crates cargo could not compile, from its `error: could not compile `X` (lib test)`
/// lines, each once.
pub fn broken_crates(stderr: &str) -> Vec<String> {
    let mut broken: Vec<String> = stderr
        .lines()
        .filter_map(|line| line.strip_prefix("error: could not compile `"))
        .filter_map(|rest| {
            let (name, rest) = rest.split_once('`')?;
            let target = rest
                .trim()
                .strip_prefix('(')
                .and_then(|r| r.split(')').next())
                .unwrap_or("lib");
            Some(format!("{name} ({target})"))
        })
        .collect();
    broken.sort();
    broken.dedup();
    broken
}

fn seconds(duration: Duration) -> String {
    format!("{:.1} s", duration.as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_broken_crate_is_named_once() {
        let stderr = "\
crates/x/src/views.rs:28:5: error[E0063]: missing field `probe`
error: could not compile `webex-broadworks-sim` (lib) due to 21 previous errors
error: could not compile `webex-broadworks` (lib test) due to 1 previous error
error: could not compile `webex-broadworks-sim` (lib) due to 21 previous errors
warning: build failed, waiting for other jobs to finish...";
        assert_eq!(
            broken_crates(stderr),
            ["webex-broadworks (lib test)", "webex-broadworks-sim (lib)"]
        );
    }
}
