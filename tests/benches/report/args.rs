//! The command line of the report binary.

use std::path::PathBuf;

use anyhow::{Context, bail};

/// What `cargo bench -p webex-broadworks-tests --bench report -- ...` asks for.
#[derive(Debug)]
pub enum Mode {
    /// Run the measurements and write the report.
    Report(ReportArgs),
    /// Internal: the client side of the listing measurement, run in a child process.
    ListingClient(crate::listing::ClientArgs),
    /// Internal: the calls counted for measurement 1, run in a child process under callgrind.
    PerCallProfile(Vec<String>),
    /// Internal: the waits of measurement 9, run in a child process.
    WaitsClient(Vec<String>),
}

#[derive(Debug)]
pub struct ReportArgs {
    /// Where the Markdown goes (default: BENCHMARKS.md at the workspace root).
    pub output: PathBuf,
    /// Repeat the last measured build figures (the clean build, the downstream builds, the
    /// inner loop) instead of measuring them again.
    pub skip_build: bool,
    /// Run only these measurements (for working on one); the others are reported as not
    /// measured.
    pub only: Option<Vec<String>>,
}

/// The measurements, by the names `--only` takes.
pub const MEASUREMENTS: [&str; 9] = [
    "per-call",
    "many-waits",
    "bulk",
    "polling",
    "listing",
    "million",
    "build",
    "downstream",
    "inner-loop",
];

impl ReportArgs {
    /// Whether to run `measurement` (the generated code's size is always measured).
    pub fn wants(&self, measurement: &str) -> bool {
        measurement == "code-size"
            || self
                .only
                .as_ref()
                .is_none_or(|only| only.iter().any(|name| name == measurement))
    }
}

const USAGE: &str = "usage: report [--output PATH] [--skip-build] [--only per-call,many-waits,bulk,polling,listing,million,build,downstream,inner-loop]";

/// The workspace root, where BENCHMARKS.md lives.
pub fn workspace_root() -> PathBuf {
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .parent()
        .map_or(manifest_dir.clone(), PathBuf::from)
}

/// Parses the process's arguments. `cargo bench` adds `--bench`, which is ignored.
pub fn parse() -> anyhow::Result<Mode> {
    let mut args = std::env::args().skip(1).filter(|arg| arg != "--bench");
    let mut report = ReportArgs {
        output: workspace_root().join("BENCHMARKS.md"),
        skip_build: false,
        only: None,
    };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            crate::listing::CLIENT_SUBCOMMAND => {
                let rest: Vec<String> = args.collect();
                return Ok(Mode::ListingClient(crate::listing::ClientArgs::parse(
                    &rest,
                )?));
            }
            crate::many_waits::SUBCOMMAND => {
                return Ok(Mode::WaitsClient(args.collect()));
            }
            crate::per_call::profile::SUBCOMMAND => {
                return Ok(Mode::PerCallProfile(args.collect()));
            }
            "--output" => {
                // cargo runs a bench in its package's directory; a relative path is taken
                // from the workspace root instead, where BENCHMARKS.md is.
                let path = PathBuf::from(args.next().context("--output needs a path")?);
                report.output = workspace_root().join(path);
            }
            "--skip-build" => report.skip_build = true,
            "--only" => {
                let names: Vec<String> = args
                    .next()
                    .context("--only needs a list of measurements")?
                    .split(',')
                    .map(str::to_string)
                    .collect();
                if let Some(unknown) = names.iter().find(|n| !MEASUREMENTS.contains(&n.as_str())) {
                    bail!("--only: no measurement is called {unknown:?}\n{USAGE}");
                }
                report.only = Some(names);
            }
            "--help" | "-h" => bail!("{USAGE}"),
            other => bail!("unexpected argument {other:?}\n{USAGE}"),
        }
    }
    Ok(Mode::Report(report))
}
