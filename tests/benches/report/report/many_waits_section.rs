//! Section 9 of the report: many waits in flight on one client.

use std::fmt::Write;

use super::skipped;
use crate::goal::Measured;
use crate::many_waits::{self, ManyWaitsFigures};
use crate::per_call::micros;

/// Appends the section to `out`.
pub fn write(out: &mut String, figures: &Measured<ManyWaitsFigures>) {
    out.push_str("## 9. 10,000 waits in flight on one client\n\n");
    let figures = match figures {
        Measured::Done(figures) => figures,
        Measured::Skipped(why) => return skipped(out, why),
    };
    let _ = write!(
        out,
        "{} `client.subscribers().provision_and_wait(..)` calls spawned at once on one \
         `webex_broadworks::Client` with its defaults (a jitter seed set), as a caller who \
         spawns one wait per subscriber runs them. Real time: the simulator binary runs in a \
         process of its own and keeps each new subscriber `provisioning` for {} s; the client \
         runs in another, on a current-thread runtime, so that thread's CPU time is all of the \
         client's work, its connections included. *Memory per wait* is the most resident \
         memory above the client process's baseline, read every {} ms while none of the waits \
         had ended, divided by the waits. *CPU per request* is the client thread's CPU time \
         for the whole run over every request the simulator counted (the provisionings \
         too). The reference for polls is the same child with one wait, run {} times.\n\n\
         | waits | took | memory above the baseline | per wait | files open | requests (provisionings + polls) | CPU per request | polls per wait |\n\
         |---|---|---|---|---|---|---|---|\n",
        many_waits::WAITS,
        many_waits::PROVISIONING.as_secs(),
        many_waits::SAMPLE_EVERY.as_millis(),
        many_waits::SINGLE_WAITS,
    );
    let many = &figures.many;
    let _ = writeln!(
        out,
        "| {} | {:.1} s | {:.1} MiB | {:.1} KB | {} | {} + {} | {} | {:.2} |",
        many.waits,
        many.took_millis as f64 / 1000.0,
        many.in_flight_kib as f64 / 1024.0,
        many.bytes_per_wait() / 1024.0,
        many.open_files,
        many.provisions,
        many.polls,
        micros(many.cpu_per_request()),
        many.polls_per_wait(),
    );
    out.push_str("\n| a wait alone | took | polls |\n|---|---|---|\n");
    for (n, single) in figures.single.iter().enumerate() {
        let _ = writeln!(
            out,
            "| #{} | {:.1} s | {} |",
            n + 1,
            single.took_millis as f64 / 1000.0,
            single.polls
        );
    }
    let _ = writeln!(
        out,
        "\nA wait on its own polls {:.2} times on average; with {} in flight, {:.2}. The \
         client lets at most `DEFAULT_MAX_CONCURRENT_REQUESTS` (64) requests out at once \
         (`ClientBuilder::with_max_concurrent_requests`); the others wait their turn before \
         their time starts, which is why the waits share a few dozen connections instead of \
         opening one each.\n",
        figures.single_polls_per_wait(),
        figures.many.waits,
        figures.many.polls_per_wait(),
    );
}
