//! Section 1 of the report: the cost per call.

use std::fmt::Write;

use super::skipped;
use crate::goal::Measured;
use crate::per_call::profile::{self, Profiles};
use crate::per_call::{Approach, Call, Metric, PerCallFigures, micros};
use crate::stats::duration_ratio;

/// Appends the section to `out`.
pub fn write(out: &mut String, figures: &Measured<PerCallFigures>) {
    out.push_str("## 1. Cost per call\n\n");
    let figures = match figures {
        Measured::Done(figures) => figures,
        Measured::Skipped(why) => return skipped(out, why),
    };
    let _ = write!(
        out,
        "getSubscriber and updateSubscriber against the in-process simulator, which serves from \
         its own runtime thread. The clients run on a current-thread runtime on the measuring \
         thread, so that thread's CPU time (from `/proc/thread-self/schedstat`) is the client's \
         own work: building the request, HTTP/1.1 on a kept-alive connection, decoding the \
         response into `types::Subscriber`. {} rounds after a warm-up, each making {} calls per \
         client and operation, the clients taking turns in a rotating order; {} calls per \
         client and operation in all. Latency is the median over every call; CPU time is the \
         median over rounds of the round's CPU time per call.\n\n\
         - (a) `reqwest` + `serde`, written by hand: format the URL, bearer token, send, check \
         the status, decode with serde. Like (b), it uses a `reqwest::Client` built the \
         default way; over `http://` the TLS setup plays no part.\n\
         - (b) the generated `webex_broadworks_api::Client` with `RequestHooks::bearer`.\n\
         - (c) the ergonomic `webex_broadworks::Client` with its defaults: request validation \
         (the update sets a phone number, an extension and a time zone, all validated), the \
         default retry policy, a `TrackingID` per request, and a tracing span per request \
         recorded by a `tracing-subscriber` fmt subscriber at info level (its output \
         discarded).\n\
         - (c′) the same ergonomic client with no tracing subscriber on the thread: no goal; \
         it shows what recording the spans costs.\n\n",
        figures.rounds,
        figures.batch,
        figures.rounds * figures.batch,
    );
    for call in Call::ALL {
        let _ = write!(
            out,
            "**{}**\n\n| client | median latency | ÷ (a) | CPU per call | ÷ (a) |\n|---|---|---|---|---|\n",
            call.operation_id()
        );
        let baseline = figures.cost(call, Approach::HandWritten);
        for approach in Approach::ALL {
            let Some(cost) = figures.cost(call, approach) else {
                let _ = writeln!(out, "| {} | — | — | — | — |", approach.label());
                continue;
            };
            let ratio = |metric: Metric| {
                baseline.map_or("—".to_string(), |base| {
                    format!("{:.2}", duration_ratio(metric.of(cost), metric.of(base)))
                })
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                approach.label(),
                micros(cost.median_latency),
                ratio(Metric::Latency),
                micros(cost.cpu_per_request),
                ratio(Metric::Cpu),
            );
        }
        out.push('\n');
    }
    profiles(out, figures);
}

/// Where (a)'s and (c)'s CPU time per call goes, by group of functions.
fn profiles(out: &mut String, figures: &PerCallFigures) {
    out.push_str(
        "**Where the CPU time goes**

",
    );
    let profiles = match &figures.profiles {
        Profiles::Taken(profiles) => profiles,
        Profiles::NotTaken(why) => {
            let _ = writeln!(
                out,
                "No profile was taken in this run: {why}.
"
            );
            return;
        }
    };
    let _ = write!(
        out,
        "`perf record` at {} Hz over a child process that makes {} calls of each operation \
         through (a) and through (c) as above (the same simulator, tracing and runtime), \
         counting only the samples of the client's thread, grouped by the crate of the \
         function each fell in (the kernel and the C library apart). Each share is turned \
         into time per call with the CPU time per call measured above, so that each column \
         adds up to that figure; a group's difference is what (c) spends there beyond (a). \
         Inlined code counts in the crate it was inlined into.\n\n",
        profile::FREQUENCY,
        profile::PROFILED_CALLS,
    );
    for call in Call::ALL {
        let find = |approach| {
            profiles
                .iter()
                .find(|p| p.call == call && p.approach == approach)
        };
        let (Some(a), Some(c)) = (find(Approach::HandWritten), find(Approach::Ergonomic)) else {
            continue;
        };
        let (Some(cost_a), Some(cost_c)) = (
            figures.cost(call, Approach::HandWritten),
            figures.cost(call, Approach::Ergonomic),
        ) else {
            continue;
        };
        let _ = write!(
            out,
            "*{}* ({} and {} samples)\n\n| group | (a) per call | (c) per call | (c) − (a) |\n|---|---|---|---|\n",
            call.operation_id(),
            a.samples,
            c.samples
        );
        let share = |p: &profile::Profile, group: &str| {
            p.groups
                .iter()
                .find(|(name, _)| name == group)
                .map_or(0.0, |(_, share)| *share)
        };
        let mut groups: Vec<&str> = c.groups.iter().map(|(name, _)| name.as_str()).collect();
        for (name, _) in &a.groups {
            if !groups.contains(&name.as_str()) {
                groups.push(name);
            }
        }
        let time = |p, group, cost: &crate::per_call::Cost| {
            profile::per_call(share(p, group), cost.cpu_per_request).as_secs_f64() * 1e6
        };
        groups.sort_by(|x, y| {
            let diff = |g| time(c, g, cost_c) - time(a, g, cost_a);
            diff(y).total_cmp(&diff(x))
        });
        for group in groups {
            let (ta, tc) = (time(a, group, cost_a), time(c, group, cost_c));
            let _ = writeln!(
                out,
                "| {group} | {ta:.1} µs | {tc:.1} µs | {:+.1} µs |",
                tc - ta
            );
        }
        out.push('\n');
    }
}
