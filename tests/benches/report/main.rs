//! The benchmark report of the Webex for BroadWorks crate family.
//!
//! `cargo bench -p webex-broadworks-tests --bench report [-- --output PATH] [--skip-build]`
//!
//! Measures, side by side in one run, what a call costs through each client, how a bulk
//! provisioning behaves under the simulator's rate limit, how quickly a wait notices a
//! finished provisioning, how much memory listing takes, and how long the workspace takes
//! to build; then writes the figures, the goals and the machine to BENCHMARKS.md.

mod args;
mod build;
mod bulk;
mod cpu;
mod downstream;
mod goal;
mod http;
mod in_process;
mod inner_loop;
mod listing;
mod machine;
mod many_waits;
mod memory;
mod million;
mod per_call;
mod polling;
mod report;
mod sim_process;
mod stats;

use std::process::ExitCode;
use std::time::Instant;

use args::{Mode, ReportArgs};
use goal::{Measured, Verdict};

fn main() -> ExitCode {
    let outcome = args::parse().and_then(|mode| match mode {
        Mode::ListingClient(args) => listing::client_main(args).map(|()| true),
        Mode::WaitsClient(args) => many_waits::child_main(&args).map(|()| true),
        Mode::PerCallProfile(args) => per_call::profile::child_main(&args).map(|()| true),
        Mode::Report(args) => run_report(&args),
    });
    match outcome {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(error) => {
            eprintln!("report: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// Runs the measurements asked for and writes the report; `false` when a measurement
/// failed (the report then says which and why).
fn run_report(args: &ReportArgs) -> anyhow::Result<bool> {
    let started = Instant::now();
    let started_at = chrono::Utc::now().format("%Y-%m-%d %H:%M").to_string();
    let machine = machine::Machine::describe();
    let mut runner = Runner {
        args,
        failed: false,
    };
    let per_call = runner.measure("per-call", per_call::run);
    let many_waits = runner.measure("many-waits", many_waits::run);
    let bulk = runner.measure("bulk", || Ok(bulk::run()));
    let polling = runner.measure("polling", polling::run);
    let listing = runner.measure("listing", listing::run);
    let million = runner.measure("million", million::run);
    let clean_build = if args.skip_build {
        build::last_measured(&args.output)
            .or_else(|| build::last_measured(&args::workspace_root().join("BENCHMARKS.md")))
            .map_or_else(
                || {
                    Measured::Skipped(
                        "`--skip-build` was given and no earlier report holds a figure".into(),
                    )
                },
                Measured::Done,
            )
    } else {
        runner.measure("build", || {
            build::measure_clean_build(&args::workspace_root())
        })
    };
    let downstream = if args.skip_build {
        downstream::last_measured(&args.output)
            .or_else(|| downstream::last_measured(&args::workspace_root().join("BENCHMARKS.md")))
            .map_or_else(
                || {
                    Measured::Skipped(
                        "`--skip-build` was given and no earlier report holds the figures".into(),
                    )
                },
                |(builds, measured_at)| {
                    Measured::Done(downstream::DownstreamFigures {
                        builds,
                        measured_at,
                        carried_over: true,
                    })
                },
            )
    } else {
        runner.measure("downstream", || {
            Ok(downstream::DownstreamFigures {
                builds: downstream::run(&args::workspace_root())?,
                measured_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                carried_over: false,
            })
        })
    };
    let inner_loop = if args.skip_build {
        inner_loop::last_measured(&args.output)
            .or_else(|| inner_loop::last_measured(&args::workspace_root().join("BENCHMARKS.md")))
            .map_or_else(
                || {
                    Measured::Skipped(
                        "`--skip-build` was given and no earlier report holds the figures".into(),
                    )
                },
                Measured::Done,
            )
    } else {
        runner.measure("inner-loop", || inner_loop::run(&args::workspace_root()))
    };
    let code_size = runner.measure("code-size", || {
        build::generated_code_size(&args::workspace_root())
    });
    let run = report::Run {
        machine,
        load_at_end: machine::load_average(),
        started_at,
        took: started.elapsed(),
        per_call,
        bulk,
        polling,
        listing,
        million,
        many_waits,
        build: clean_build,
        code_size,
        downstream,
        inner_loop,
    };
    std::fs::write(&args.output, report::render(&run))?;
    eprintln!("report: wrote {}", args.output.display());
    for goal in run.goals() {
        let verdict = match &goal.verdict {
            Verdict::Met => "MET",
            Verdict::Missed(_) => "MISSED",
            Verdict::NotMeasured(_) => "NOT MEASURED",
        };
        eprintln!(
            "  {verdict:<12} {}: {} (goal {})",
            goal.what, goal.measured, goal.target
        );
    }
    Ok(!runner.failed)
}

/// Runs one measurement at a time and remembers whether one failed.
struct Runner<'a> {
    args: &'a ReportArgs,
    failed: bool,
}

impl Runner<'_> {
    fn measure<T>(&mut self, name: &str, work: impl FnOnce() -> anyhow::Result<T>) -> Measured<T> {
        if !self.args.wants(name) {
            return Measured::Skipped("left out of this run with `--only`".into());
        }
        eprintln!("report: measuring {name}");
        let started = Instant::now();
        let measured = match work() {
            Ok(figures) => Measured::Done(figures),
            Err(error) => {
                eprintln!("report: {name} failed: {error:#}");
                self.failed = true;
                Measured::Skipped(format!("the measurement failed: {error:#}"))
            }
        };
        eprintln!(
            "report: {name} took {:.1} s",
            started.elapsed().as_secs_f64()
        );
        measured
    }
}
