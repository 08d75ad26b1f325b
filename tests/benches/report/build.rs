//! Measurement 5: the clean build time of the workspace's tests, and the size of the
//! generated code.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

/// The generated files whose size is reported, relative to the workspace root.
pub const GENERATED_FILES: [&str; 2] = [
    "crates/webex-broadworks-api/src/generated.rs",
    "crates/webex-broadworks-api/src/generated_mock.rs",
];

/// The size of one generated file.
#[derive(Debug)]
pub struct FileSize {
    pub path: &'static str,
    pub lines: usize,
    pub bytes: u64,
}

/// Measures the generated files under `workspace`.
pub fn generated_code_size(workspace: &Path) -> anyhow::Result<Vec<FileSize>> {
    GENERATED_FILES
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(workspace.join(path))
                .with_context(|| format!("reading {path}"))?;
            Ok(FileSize {
                path,
                lines: text.lines().count(),
                bytes: text.len() as u64,
            })
        })
        .collect()
}

/// The command whose duration is the clean build time.
pub const BUILD_COMMAND: &str = "cargo test --workspace --no-run";

/// A clean build of the workspace's tests, timed.
#[derive(Debug, Clone)]
pub struct CleanBuild {
    pub duration: Duration,
    /// When it was measured (UTC, RFC 3339).
    pub measured_at: String,
    /// Whether this run measured it, or it is carried over from the previous report.
    pub carried_over: bool,
}

/// Runs [`BUILD_COMMAND`] in `workspace` with a fresh target directory under the system's
/// temporary directory, which is removed afterwards. Takes minutes.
pub fn measure_clean_build(workspace: &Path) -> anyhow::Result<CleanBuild> {
    let target = fresh_target_dir()?;
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let started = Instant::now();
    let status = Command::new(cargo)
        .args(["test", "--workspace", "--no-run", "--quiet"])
        .current_dir(workspace)
        .env("CARGO_TARGET_DIR", &target)
        .env_remove("RUSTFLAGS")
        .stdout(Stdio::null())
        .status()
        .context("running cargo");
    let duration = started.elapsed();
    let cleanup = std::fs::remove_dir_all(&target);
    if !status?.success() {
        bail!("`{BUILD_COMMAND}` failed");
    }
    cleanup.with_context(|| format!("removing {}", target.display()))?;
    Ok(CleanBuild {
        duration,
        measured_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        carried_over: false,
    })
}

fn fresh_target_dir() -> anyhow::Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!(
        "webex-broadworks-clean-build-{}",
        std::process::id()
    ));
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    Ok(dir)
}

/// The marker line that carries the clean build figure from one report to the next, so that
/// a run with `--skip-build` can repeat the last measured figure.
const MARKER: &str = "<!-- clean-build";

/// The marker line for `build`, hidden in the Markdown.
pub fn marker(build: &CleanBuild) -> String {
    format!(
        "{MARKER} seconds={:.1} measured-at={} -->",
        build.duration.as_secs_f64(),
        build.measured_at
    )
}

/// The clean build figure carried by the report at `report`, if there is one.
pub fn last_measured(report: &Path) -> Option<CleanBuild> {
    let text = std::fs::read_to_string(report).ok()?;
    let line = text.lines().find(|line| line.starts_with(MARKER))?;
    let value = |key: &str| {
        line.split_whitespace()
            .find_map(|word| word.strip_prefix(key)?.strip_prefix('='))
            .map(str::to_string)
    };
    let seconds: f64 = value("seconds")?.parse().ok()?;
    Some(CleanBuild {
        duration: Duration::from_secs_f64(seconds),
        measured_at: value("measured-at")?,
        carried_over: true,
    })
}
