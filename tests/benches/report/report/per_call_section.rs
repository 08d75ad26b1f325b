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
    out.push_str("**Where the CPU time goes**\n\n");
    if let Profiles::NotTaken(why) = &figures.profiles {
        let _ = writeln!(out, "No profile was taken in this run: {why}.\n");
        return;
    }
    let _ = write!(
        out,
        "`perf record` at {} Hz over a child process that makes {} calls of each operation \
         through (a) and through (c) as above (the same simulator, tracing and runtime), each \
         on a thread of its own, the two taking turns of {} calls, counting each thread's \
         samples apart, grouped by the crate of the function each fell in (the kernel and the \
         C library apart; inlined code counts in the crate it was inlined into). Shares are \
         of each thread's own samples. This machine has no hardware counters, so perf samples \
         on a timer, and the samples of (c) per sample of (a) are set beside the CPU time \
         ratio measured above: where they differ, the sampling is biased by the rhythm of the \
         requests, and the shares say where the time goes rather than how much.\n\n",
        profile::FREQUENCY,
        profile::PROFILED_CALLS,
        profile::TURN,
    );
    for call in Call::ALL {
        let (Some(a), Some(c)) = (
            figures.profiles.of(Approach::HandWritten, call),
            figures.profiles.of(Approach::Ergonomic, call),
        ) else {
            continue;
        };
        let measured = match (
            figures.cost(call, Approach::HandWritten),
            figures.cost(call, Approach::Ergonomic),
        ) {
            (Some(cost_a), Some(cost_c)) => format!(
                "{:.2}",
                duration_ratio(cost_c.cpu_per_request, cost_a.cpu_per_request)
            ),
            _ => "—".into(),
        };
        let _ = write!(
            out,
            "*{}*: {} samples of (a), {} of (c): {:.2} to 1, against a CPU time ratio of {} \
             measured above.\n\n| group | share of (a) | share of (c) |\n|---|---|---|\n",
            call.operation_id(),
            a.samples,
            c.samples,
            c.samples as f64 / a.samples.max(1) as f64,
            measured,
        );
        let mut groups: Vec<&str> = c.groups.iter().map(|(name, _)| name.as_str()).collect();
        for (name, _) in &a.groups {
            if !groups.contains(&name.as_str()) {
                groups.push(name);
            }
        }
        groups.sort_by(|x, y| {
            c.share(y)
                .total_cmp(&c.share(x))
                .then(a.share(y).total_cmp(&a.share(x)))
        });
        for group in groups {
            let _ = writeln!(
                out,
                "| {group} | {:.1}% | {:.1}% |",
                a.share(group),
                c.share(group)
            );
        }
        out.push('\n');
    }
}
