//! Section 3 of the report: waiting for one subscriber.

use std::fmt::Write;

use super::skipped;
use crate::goal::Measured;
use crate::polling::{self, PollingFigures, seconds};

/// Appends the section to `out`.
pub fn write(out: &mut String, figures: &Measured<PollingFigures>) {
    out.push_str("## 3. Waiting for one subscriber\n\n");
    let figures = match figures {
        Measured::Done(figures) => figures,
        Measured::Skipped(why) => return skipped(out, why),
    };
    let (min, initial, max) = polling::DEFAULT_DELAYS;
    let _ = write!(
        out,
        "`client.subscribers().provision_and_wait(..)` of the ergonomic client with its default \
         `WaitPolicy` (delays drawn from [{} s, min({} s, {} s × 2ⁿ, 10% of the time waited)], \
         with jitter), against \
         the in-process simulator on a paused tokio clock: simulated time, exact. {} waits per \
         transition time, each with its own jitter seed. *Polls* are the requests of \
         one wait sent after the provisioning request; the *detection delay* is the simulator clock when the wait \
         returned, less the subscriber's `lastStatusChange` (the instant the transition was \
         due). The goals judge the default policy; the rows below it, the same client with \
         `WaitPolicy::default().without_elapsed_share()`, show what the ceiling of 10% of the \
         time waited buys.\n\n\
         | wait policy | provisioning takes | polls per wait (median / max) | detection delay (median / max) | goal for the max |\n\
         |---|---|---|---|---|\n",
        min.as_secs(),
        max.as_secs(),
        initial.as_secs(),
        polling::WAITS,
    );
    for row in &figures.rows {
        let _ = writeln!(
            out,
            "| {} | {} s | {} / {} | {} / {} | ≤ {} |",
            row.policy.label(),
            row.transition.as_secs(),
            row.median_polls,
            row.max_polls,
            seconds(row.median_delay),
            seconds(row.max_delay),
            seconds(row.allowed_delay()),
        );
    }
    out.push('\n');
}
