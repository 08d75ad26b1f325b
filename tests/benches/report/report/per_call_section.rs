//! Section 1 of the report: the cost per call.

use std::fmt::Write;

use super::skipped;
use crate::goal::Measured;
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
}
