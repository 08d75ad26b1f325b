//! CPU time of the calling thread, read from `/proc/thread-self/schedstat`.
//!
//! The first field of that file is the time the thread has spent on a CPU, in nanoseconds.
//! Reading it needs no system call wrapper, so the workspace stays free of unsafe code.
//!
//! The kernel brings the figure up to date when the thread leaves the CPU and at scheduler
//! ticks. A thread that blocks on every response, as the measured clients do, is therefore
//! read exactly but for its last stretch on the CPU; pure computation that never blocks is
//! better timed with a clock.

use std::time::Duration;

use anyhow::Context;

const SCHEDSTAT: &str = "/proc/thread-self/schedstat";

/// The CPU time the calling thread has used so far.
pub fn thread_cpu_time() -> anyhow::Result<Duration> {
    let text =
        std::fs::read_to_string(SCHEDSTAT).with_context(|| format!("reading {SCHEDSTAT}"))?;
    let nanos = text
        .split_whitespace()
        .next()
        .and_then(|field| field.parse::<u64>().ok())
        .with_context(|| format!("{SCHEDSTAT} does not start with a number: {text:?}"))?;
    Ok(Duration::from_nanos(nanos))
}
