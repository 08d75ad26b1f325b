//! The plain values a batch is set up with and reports: its options, how it ended, what it
//! sent.

use std::time::Duration;

use crate::bulk::journal::Counts;

/// How a batch behaves.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BatchOptions {
    /// Requests in flight at once.
    pub concurrency: usize,
    /// At most this many requests a second, if set.
    pub max_rate: Option<u32>,
    /// Wait for final statuses (subscriber batches).
    pub wait: bool,
    /// How long to wait once everything is sent.
    pub wait_timeout: Duration,
    /// How often to ask for status changes.
    pub poll_interval: Duration,
}

impl Default for BatchOptions {
    /// 8 in flight, no pace, waiting up to 10 minutes, asking every second.
    fn default() -> Self {
        BatchOptions {
            concurrency: 8,
            max_rate: None,
            wait: true,
            wait_timeout: Duration::from_secs(600),
            poll_interval: Duration::from_secs(1),
        }
    }
}

/// Why a batch run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum BatchEnd {
    /// Every row has an outcome (or, without waiting, was sent).
    Complete,
    /// Cancelled: requests in flight finished and were recorded; the rest waits for a resume.
    Interrupted,
    /// Some rows were still not final when the wait ended.
    TimedOut,
    /// Stopped early: an answer showed a problem no row can overcome (the token refused,
    /// the API's path missing, nothing listening); [`BatchReport::halt`] says what to fix.
    /// Nothing more was sent, the unsent rows wait for a resume.
    Halted,
}

/// Why a batch stopped early, and what to fix before resuming it.
///
/// ```no_run
/// use webex_broadworks::bulk::BatchEnd;
///
/// # async fn example(run: webex_broadworks::bulk::BatchRun) -> Result<(), webex_broadworks::Error> {
/// let report = run.run().await?;
/// if report.end == BatchEnd::Halted
///     && let Some(halt) = &report.halt
/// {
///     eprintln!("stopped: {}; {} before resuming", halt.problem, halt.fix);
/// }
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct BatchHalt {
    /// What the answers showed, e.g. "Webex refused the access token (401)".
    pub problem: String,
    /// What to change before resuming.
    pub fix: String,
}

impl BatchEnd {
    /// The end's name for reports and logs: `complete`, `interrupted`, `timed-out`.
    ///
    /// ```
    /// assert_eq!(webex_broadworks::bulk::BatchEnd::TimedOut.as_str(), "timed-out");
    /// ```
    pub fn as_str(&self) -> &'static str {
        match self {
            BatchEnd::Complete => "complete",
            BatchEnd::Interrupted => "interrupted",
            BatchEnd::TimedOut => "timed-out",
            BatchEnd::Halted => "halted",
        }
    }
}

/// What a batch sent.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchStats {
    /// HTTP requests sent.
    pub requests: u64,
    /// Of which answered 429 or 423.
    pub rate_limited: u64,
    /// How many times a 429 or 423 paused every worker.
    pub rate_limit_pauses: u64,
    /// Rows looked up after an unknown outcome.
    pub lookups: u64,
    /// List requests made while waiting.
    pub list_requests: u64,
}

/// How a batch run ended, and what it cost.
#[derive(Clone, Debug, PartialEq)]
pub struct BatchReport {
    /// Why it ended.
    pub end: BatchEnd,
    /// Rows by outcome.
    pub counts: Counts,
    /// Requests sent.
    pub stats: BatchStats,
    /// How long it ran.
    pub elapsed: Duration,
    /// Why it stopped early, when it did ([`BatchEnd::Halted`]).
    pub halt: Option<BatchHalt>,
}
