//! Watching a batch: row events, progress, and the handle that cancels it.

use std::sync::Arc;
use std::time::Duration;

use futures::Stream;
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

use crate::bulk::BatchStats;
use crate::bulk::engine::Engine;
use crate::bulk::journal::{Counts, RowState};
use crate::error::Error;

/// How often the event stream reports progress.
const PROGRESS_EVERY: Duration = Duration::from_secs(1);

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

/// Watches a running batch and cancels it. Cheap to clone.
#[derive(Clone, Debug)]
pub struct BatchMonitor {
    engine: Arc<Engine>,
    cancel: Arc<watch::Sender<bool>>,
}

impl BatchMonitor {
    pub(crate) fn new(engine: Arc<Engine>, cancel: Arc<watch::Sender<bool>>) -> Self {
        BatchMonitor { engine, cancel }
    }

    pub(crate) fn engine(&self) -> &Arc<Engine> {
        &self.engine
    }

    /// Where the batch stands now.
    pub fn progress(&self) -> BatchProgress {
        BatchProgress {
            counts: self.engine.counts(),
            stats: self.engine.stats(),
            paused_for: self.engine.throttle.paused_for(),
            elapsed: self.engine.started.elapsed(),
        }
    }

    /// Stops the batch gracefully: nothing new is sent, requests in flight finish and are
    /// recorded, rows claimed but unsent are given back to `pending`.
    pub fn cancel(&self) {
        let _ = self.cancel.send(true);
    }
}

/// Row events as they come, and progress every [`PROGRESS_EVERY`], until the run ends.
pub(crate) fn stream(
    rows: Option<mpsc::UnboundedReceiver<BatchEvent>>,
    monitor: BatchMonitor,
) -> impl Stream<Item = BatchEvent> + Send + 'static {
    let next_tick = Instant::now() + PROGRESS_EVERY;
    futures::stream::unfold(
        (rows, monitor, next_tick),
        |(rows, monitor, next_tick)| async move {
            let mut rows = rows?;
            tokio::select! {
                event = rows.recv() => match event {
                    Some(event) => Some((event, (Some(rows), monitor, next_tick))),
                    // The run ended: a last word on where it stands.
                    None => Some((BatchEvent::Progress(monitor.progress()), (None, monitor, next_tick))),
                },
                () = tokio::time::sleep_until(next_tick) => {
                    let progress = BatchEvent::Progress(monitor.progress());
                    Some((progress, (Some(rows), monitor, Instant::now() + PROGRESS_EVERY)))
                }
            }
        },
    )
}
