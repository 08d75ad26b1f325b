//! The Markdown report: BENCHMARKS.md.

use std::fmt::Write;
use std::time::Duration;

use crate::build::{CleanBuild, FileSize};
use crate::bulk::{self, BulkFigures};
use crate::downstream::{self, DownstreamFigures};
use crate::goal::{Goal, Measured, Verdict};
use crate::inner_loop::{self, InnerLoop};
use crate::listing::{self, ListingFigures};
use crate::machine::Machine;
use crate::many_waits::{self, ManyWaitsFigures};
use crate::million::{self, MillionFigures};
use crate::per_call::{self, PerCallFigures};
use crate::polling::{self, PollingFigures};

mod build_section;
mod bulk_section;
mod downstream_section;
mod inner_loop_section;
mod listing_section;
mod many_waits_section;
mod million_section;
mod per_call_section;
mod polling_section;

/// The one command that reproduces the report.
pub const COMMAND: &str = "cargo bench -p webex-broadworks-tests --bench report";

/// Everything one run measured.
#[derive(Debug)]
pub struct Run {
    pub machine: Machine,
    pub load_at_end: String,
    /// When the run started (UTC).
    pub started_at: String,
    pub took: Duration,
    pub per_call: Measured<PerCallFigures>,
    pub bulk: Measured<BulkFigures>,
    pub polling: Measured<PollingFigures>,
    pub listing: Measured<ListingFigures>,
    pub million: Measured<MillionFigures>,
    pub many_waits: Measured<ManyWaitsFigures>,
    pub build: Measured<CleanBuild>,
    pub code_size: Measured<Vec<FileSize>>,
    pub downstream: Measured<DownstreamFigures>,
    pub inner_loop: Measured<InnerLoop>,
}

impl Run {
    /// Every goal of the issue, in the order of the report.
    pub fn goals(&self) -> Vec<Goal> {
        let mut goals = per_call::goals(&self.per_call);
        goals.extend(bulk::goals(&self.bulk));
        goals.extend(polling::goals(&self.polling));
        goals.extend(listing::goals(&self.listing));
        goals.extend(downstream::goals(&self.downstream));
        goals.extend(inner_loop::goals(&self.inner_loop));
        goals.extend(million::goals(&self.million));
        goals.extend(many_waits::goals(&self.many_waits, &self.per_call));
        goals
    }
}

/// The whole report.
pub fn render(run: &Run) -> String {
    let mut out = String::new();
    header(&mut out, run);
    goals(&mut out, &run.goals());
    per_call_section::write(&mut out, &run.per_call);
    bulk_section::write(&mut out, &run.bulk);
    polling_section::write(&mut out, &run.polling);
    listing_section::write(&mut out, &run.listing);
    build_section::write(&mut out, &run.build, &run.code_size);
    downstream_section::write(&mut out, &run.downstream);
    inner_loop_section::write(&mut out, &run.inner_loop);
    million_section::write(&mut out, &run.million);
    many_waits_section::write(&mut out, &run.many_waits);
    out
}

fn header(out: &mut String, run: &Run) {
    let m = &run.machine;
    let _ = write!(
        out,
        "# Benchmarks\n\n\
         What a call costs through each client, how a bulk provisioning behaves under a rate \
         limit, how quickly a wait notices a finished provisioning, how much memory a long \
         listing takes, how long the workspace takes to build, and what depending on the \
         client costs a downstream crate's build, how long a spec change's inner loop takes, how `wxbw bulk` and the simulator hold up at a million rows, and what 10,000 waits in flight on one client cost, measured side by side in one run against the simulator on loopback. This file is written by the benchmark; \
         rerun it rather than edit it:\n\n\
         ```sh\n{COMMAND}\n```\n\n\
         Options go after `--`: `--skip-build` repeats the last measured build figures \
         (sections 5 to 7) instead of spending minutes on new ones; `--output PATH` writes elsewhere (relative \
         to the workspace root); `--only per-call,many-waits,bulk,polling,listing,million,build,downstream,inner-loop` runs a subset \
         while working on one measurement. The harness is `tests/benches/report/`, one module \
         per measurement.\n\n\
         ## Machine\n\n\
         | | |\n|---|---|\n\
         | CPU | {} ({} logical cores) |\n\
         | memory | {:.1} GiB |\n\
         | OS | {}, Linux {} |\n\
         | compiler | {} |\n\
         | run | {} UTC, {:.0} s in all; load average {} at the start, {} at the end |\n\n\
         The machine is a shared virtual machine (the load averages above show what else ran), \
         so absolute figures move from run to run. The comparisons are ratios between approaches \
         measured in the same run, interleaved where the measurement allows, which cancels most \
         of that drift.\n\n",
        m.cpu_model,
        m.cores,
        m.memory_gib,
        m.os,
        m.kernel,
        m.rustc,
        run.started_at,
        run.took.as_secs_f64(),
        m.load_at_start,
        run.load_at_end,
    );
}

fn verdict_label(verdict: &Verdict) -> &'static str {
    match verdict {
        Verdict::Met => "MET",
        Verdict::Missed(_) => "**MISSED**",
        Verdict::NotMeasured(_) => "NOT MEASURED",
    }
}

fn goals(out: &mut String, goals: &[Goal]) {
    out.push_str("## Goals\n\n| goal | target | this run | verdict |\n|---|---|---|---|\n");
    for goal in goals {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            goal.what,
            goal.target,
            goal.measured,
            verdict_label(&goal.verdict)
        );
    }
    let missed: Vec<_> = goals
        .iter()
        .filter_map(|goal| match &goal.verdict {
            Verdict::Missed(why) => Some((goal, why)),
            _ => None,
        })
        .collect();
    if !missed.is_empty() {
        out.push_str("\nWhy each missed goal was missed:\n\n");
        for (goal, why) in missed {
            let _ = writeln!(out, "- **{}** ({}): {why}.", goal.what, goal.measured);
        }
    }
    let unmeasured: Vec<_> = goals
        .iter()
        .filter_map(|goal| match &goal.verdict {
            Verdict::NotMeasured(why) => Some((goal, why)),
            _ => None,
        })
        .collect();
    if !unmeasured.is_empty() {
        out.push_str("\nNot measured in this run:\n\n");
        for (goal, why) in unmeasured {
            let _ = writeln!(out, "- **{}**: {why}.", goal.what);
        }
    }
    out.push('\n');
}

/// When a build figure was measured: by this run, or carried over by `--skip-build`.
fn measured_when(measured_at: &str, carried_over: bool) -> String {
    if carried_over {
        format!("measured on {measured_at} by an earlier run (this one ran with `--skip-build`)")
    } else {
        format!("measured on {measured_at} by this run")
    }
}

/// The line that stands for a section this run did not measure.
fn skipped(out: &mut String, why: &str) {
    let _ = writeln!(out, "Not measured in this run: {why}.\n");
}
