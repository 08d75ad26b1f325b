//! What a batch tells while it runs: each row's new state, and where the batch stands.

use std::time::Duration;

use crate::bulk::journal::{Counts, RowState};
use crate::bulk::types::BatchStats;
use crate::error::Error;

/// Something that happened in a batch.
#[derive(Debug)]
#[non_exhaustive]
pub enum BatchEvent {
    /// A row was accepted, settled or failed.
    Row(RowEvent),
    /// Where the batch stands (every second, and once at the end).
    Progress(BatchProgress),
}

/// A row's new state.
#[derive(Debug)]
#[non_exhaustive]
pub struct RowEvent {
    /// The item's key.
    pub key: u64,
    /// The BroadWorks user id it is about.
    pub user_id: String,
    /// `Accepted` (awaited), `Final` or `Failed`.
    pub state: RowState,
    /// The subscriber's or workspace's id, when known.
    pub id: Option<String>,
    /// The status Webex showed (`provisioning`, `provisioned`, `error`, ...).
    pub status: Option<String>,
    /// Why it failed or is paused, in words.
    pub reason: Option<String>,
    /// The tracking id of the answer, for Webex support.
    pub tracking_id: Option<String>,
    /// For a row Webex refused, the same error the single call returns.
    pub error: Option<Error>,
}

/// Where a batch stands.
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub struct BatchProgress {
    /// Rows by outcome, kept as rows move.
    pub counts: Counts,
    /// Requests so far.
    pub stats: BatchStats,
    /// How long every worker is still held by a 429 or 423, if it is.
    pub paused_for: Option<Duration>,
    /// Time since the run started.
    pub elapsed: Duration,
}

impl BatchProgress {
    /// Rows with an outcome per second since the start; `None` before there is one.
    pub fn rows_per_second(&self) -> Option<f64> {
        let seconds = self.elapsed.as_secs_f64();
        (self.counts.done() > 0 && seconds > 0.0).then(|| self.counts.done() as f64 / seconds)
    }
}
