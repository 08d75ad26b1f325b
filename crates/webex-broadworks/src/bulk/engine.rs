//! The batch engine: the state every part of a run shares, and how a row's changes are
//! recorded (journal first, then the in-memory counts and the caller's events).
//!
//! `drive` (in `bulk`) runs the work, which is in three modules: `send` (bounded concurrency, one shared pause,
//! the intent claimed before each request), `reconcile` (a row whose outcome is unknown is
//! looked up, never sent again blindly) and `waiting` (final statuses through the list).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

use crate::bulk::events::{BatchEvent, RowEvent};
use crate::bulk::journal::{Counts, Journal, JournalError, RowChange, RowState};
use crate::bulk::later_looks::LaterLooks;
use crate::bulk::request::BatchKind;
use crate::bulk::status::{Shown, is_final};
use crate::bulk::streak::FailureStreak;
use crate::bulk::throttle::Throttle;
use crate::bulk::types::{BatchHalt, BatchOptions, BatchStats};
use crate::client::Client;
use crate::error::Error;

/// A batch run in progress.
pub(crate) struct Engine {
    /// Reads (lists, lookups) go through the shared gate inside the client.
    pub(crate) reads: Client,
    /// Sends pass the gate by hand: the intent is claimed between the gate and the request.
    pub(crate) sends: Client,
    pub(crate) throttle: Arc<Throttle>,
    pub(crate) journal: Arc<dyn Journal>,
    pub(crate) kind: BatchKind,
    pub(crate) options: BatchOptions,
    cancel: watch::Receiver<bool>,
    pub(crate) sending_done: AtomicBool,
    pub(crate) lookups: AtomicU64,
    pub(crate) list_requests: AtomicU64,
    pub(crate) later_looks: LaterLooks,
    /// Sent answers failing alike, which stop the run once there are enough.
    pub(crate) failure_streak: FailureStreak,
    counts: Mutex<Counts>,
    events: Mutex<Option<mpsc::UnboundedSender<BatchEvent>>>,
    pub(crate) started: Instant,
    /// Set when an answer showed a problem no row can overcome: sending stops.
    halted: Mutex<Option<BatchHalt>>,
    /// Wakes the wait when the run halts.
    halt_signal: watch::Sender<bool>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("kind", &self.kind)
            .field("options", &self.options)
            .field("journal", &self.journal)
            .finish_non_exhaustive()
    }
}

impl From<JournalError> for Error {
    fn from(error: JournalError) -> Self {
        Error::Journal(Box::new(error))
    }
}

impl Engine {
    pub(crate) fn new(
        client: &Client,
        journal: Arc<dyn Journal>,
        kind: BatchKind,
        options: BatchOptions,
        counts: Counts,
        cancel: watch::Receiver<bool>,
        events: mpsc::UnboundedSender<BatchEvent>,
    ) -> Self {
        let throttle = Arc::new(Throttle::new(options.max_rate));
        Engine {
            reads: client.gated(throttle.clone()),
            sends: client.clone(),
            throttle,
            journal,
            kind,
            options,
            cancel,
            sending_done: AtomicBool::new(false),
            lookups: AtomicU64::new(0),
            list_requests: AtomicU64::new(0),
            later_looks: LaterLooks::default(),
            failure_streak: FailureStreak::new(options.concurrency),
            counts: Mutex::new(counts),
            events: Mutex::new(Some(events)),
            started: Instant::now(),
            halted: Mutex::new(None),
            halt_signal: watch::channel(false).0,
        }
    }

    /// Whether to stop sending: the run was cancelled, or it halted.
    pub(crate) fn cancelled(&self) -> bool {
        *self.cancel.borrow() || *self.halt_signal.borrow()
    }

    /// Stops the run for `halt`; the first reason is kept.
    pub(crate) fn halt_with(&self, halt: BatchHalt) {
        let mut halted = self.halted.lock().unwrap_or_else(PoisonError::into_inner);
        if halted.is_none() {
            tracing::warn!(
                target: "webex_broadworks::bulk",
                problem = %halt.problem,
                "the batch stops: no row can succeed until this is fixed"
            );
            *halted = Some(halt);
        }
        self.halt_signal.send_replace(true);
    }

    /// Why the run halted, if it did.
    pub(crate) fn halt(&self) -> Option<BatchHalt> {
        self.halted
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Resolves when the run halts.
    pub(crate) fn halt_signal(&self) -> watch::Receiver<bool> {
        self.halt_signal.subscribe()
    }

    pub(crate) fn cancel_signal(&self) -> watch::Receiver<bool> {
        self.cancel.clone()
    }

    /// The counts as rows move (kept in memory, not read from the journal).
    pub(crate) fn counts(&self) -> Counts {
        *self.counts.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn stats(&self) -> BatchStats {
        BatchStats {
            requests: self.throttle.requests(),
            rate_limited: self.throttle.rate_limited_answers(),
            rate_limit_pauses: self.throttle.pauses(),
            lookups: self.lookups.load(Ordering::Relaxed),
            list_requests: self.list_requests.load(Ordering::Relaxed),
        }
    }

    /// Ends the event stream: the run is over.
    pub(crate) fn close_events(&self) {
        self.events
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
    }

    /// Counts rows that a claim moved from `pending` to `sending`.
    pub(crate) fn claimed(&self, from_pending: usize) {
        let mut counts = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        counts.add(RowState::Pending, None, -(from_pending as i64));
        counts.add(RowState::Sending, None, from_pending as i64);
    }

    /// Records `change` for `row`: in the journal, then in the counts and as an event.
    pub(crate) fn change(
        &self,
        key: u64,
        change: RowChange,
        error: Option<Error>,
    ) -> Result<(), Error> {
        let before = self.journal.record(key, &change)?;
        let Some(to) = change.to() else {
            return Ok(());
        };
        let mut after = before.clone();
        change.apply(&mut after);
        {
            let mut counts = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
            counts.add(before.state, before.status.as_deref(), -1);
            counts.add(to, after.status.as_deref(), 1);
        }
        if matches!(to, RowState::Accepted | RowState::Final | RowState::Failed) {
            self.emit(BatchEvent::Row(RowEvent {
                key: after.row,
                user_id: after.user_id,
                state: to,
                id: after.subscriber_id,
                status: after.status,
                reason: after.error,
                tracking_id: after.tracking_id,
                error,
            }));
        }
        Ok(())
    }

    /// The row failed for good: refused by Webex, or given up.
    pub(crate) fn fail(&self, key: u64, why: String, error: Error) -> Result<(), Error> {
        let tracking_id = error.tracking_id().map(str::to_string);
        self.change(
            key,
            RowChange::Failed {
                error: why,
                tracking_id,
            },
            Some(error),
        )
    }

    /// Writes what Webex showed: final, or accepted and awaited.
    pub(crate) fn record(&self, key: u64, shown: Shown) -> Result<(), Error> {
        let waits = self.kind.waits() && !is_final(&shown.status);
        let change = match (shown.id, waits) {
            (Some(id), true) => RowChange::Accepted {
                id,
                status: shown.status,
                since: shown.since,
                tracking_id: shown.tracking_id,
            },
            (id, _) => RowChange::Final {
                id,
                status: shown.status,
                reason: shown.reason,
                tracking_id: shown.tracking_id,
            },
        };
        self.change(key, change, None)
    }

    fn emit(&self, event: BatchEvent) {
        if let Some(events) = self
            .events
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
        {
            // Nobody listening is fine: events are a view, the journal is the record.
            let _ = events.send(event);
        }
    }
}
