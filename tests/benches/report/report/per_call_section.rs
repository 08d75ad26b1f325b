//! Section 1 of the report: the cost per call.

use std::fmt::Write;

use super::skipped;
use crate::goal::Measured;
use crate::per_call::profile::{self, Profiles};
use crate::per_call::{Approach, Call, Metric, PerCallFigures, micros};
use crate::stats::{duration_ratio, thousands};

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

/// Where each approach's instructions per call go, by group of functions.
fn profiles(out: &mut String, figures: &PerCallFigures) {
    out.push_str("**Where the work goes**\n\n");
    if let Profiles::NotTaken(why) = &figures.profiles {
        let _ = writeln!(out, "No instruction count was taken in this run: {why}.\n");
        return;
    }
    let _ = write!(
        out,
        "The instructions one call executes on the client's thread, counted by callgrind \
         (valgrind) in a child process per approach and operation that makes {} calls as \
         above (the same simulator, tracing and runtime) and then {} counted ones, grouped by \
         the crate of the function they ran in (inlined code counts in the crate it was \
         inlined into; the C library apart). The counts are exact and do not move with the \
         machine's load. They leave out the kernel, which sends and receives alike for every \
         approach, so their ratios are larger than the CPU-time ratios above, which include \
         it.\n\n",
        profile::WARM_UP_CALLS,
        profile::COUNTED_CALLS,
    );
    for call in Call::ALL {
        let counted: Vec<_> = Approach::ALL
            .iter()
            .map(|approach| figures.profiles.of(*approach, call))
            .collect();
        let (Some(Some(a)), Some(Some(c))) = (counted.first(), counted.get(2)) else {
            continue;
        };
        let _ = write!(
            out,
            "*{}*, instructions per call:\n\n| group | (a) | (b) | (c) | (c′) | (c) − (a) |\n\
             |---|---|---|---|---|---|\n",
            call.operation_id()
        );
        let mut groups: Vec<&String> = counted
            .iter()
            .flatten()
            .flat_map(|p| p.groups.keys())
            .collect();
        groups.sort();
        groups.dedup();
        groups.sort_by(|x, y| {
            c.in_group(y)
                .total_cmp(&c.in_group(x))
                .then(a.in_group(y).total_cmp(&a.in_group(x)))
        });
        let rest = groups.split_off(groups.len().min(profile::TOP_GROUPS));
        let row = |out: &mut String, name: &str, of: &dyn Fn(&profile::Profile) -> f64| {
            let cells: Vec<String> = counted
                .iter()
                .map(|p| p.map_or("—".into(), |p| thousands(of(p))))
                .collect();
            let difference = of(c) - of(a);
            let sign = if difference > 0.0 { "+" } else { "" };
            let _ = writeln!(
                out,
                "| {name} | {} | {sign}{} |",
                cells.join(" | "),
                thousands(difference)
            );
        };
        for group in groups {
            row(out, group, &|p| p.in_group(group));
        }
        if !rest.is_empty() {
            row(out, "everything else", &|p| {
                rest.iter().map(|group| p.in_group(group)).sum()
            });
        }
        row(out, "**all**", &|p| p.instructions);
        let ratios: Vec<String> = counted
            .iter()
            .map(|p| {
                p.map_or("—".into(), |p| {
                    format!("{:.2}", p.instructions / a.instructions)
                })
            })
            .collect();
        let _ = writeln!(out, "| ÷ (a) | {} | |\n", ratios.join(" | "));
    }
}
