//! Watching a running batch: [`BatchMonitor`], and the event stream it feeds.

use std::sync::Arc;
use std::time::Duration;

use futures::Stream;
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

use crate::bulk::engine::Engine;
use crate::bulk::events::{BatchEvent, BatchProgress};

/// How often the event stream reports progress.
const PROGRESS_EVERY: Duration = Duration::from_secs(1);

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
