//! Batches: many subscribers provisioned or updated, or workspaces provisioned, at about
//! one request each, exactly once across crashes.
//!
//! A batch sends with bounded concurrency through the client's own request stack, behind
//! one gate that every worker passes: a `429` or `423` pauses them all, and after a `429`
//! the batch keeps to the rate the limit revealed. It waits for the whole batch through
//! `listSubscribers` (one request reports up to 100 settled subscribers) instead of one
//! wait per subscriber, and asks directly for a row the list does not show. A row whose
//! outcome is unknown (a lost answer, a 5xx, a timeout) is looked up, never sent again
//! blindly. Every row's state is kept in a [`Journal`]: the intent to send is recorded
//! before the request leaves, so a batch stopped at any point (a crash, `kill -9`, a dropped
//! future) resumes where it stopped, provisioning nothing twice.
//!
//! ```no_run
//! use std::sync::Arc;
//! use webex_broadworks::bulk::{BatchItem, BatchKind, MemoryJournal};
//! use webex_broadworks::{Package, ProvisionSubscriber};
//!
//! # async fn run(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
//! let people = [("alice@sp.example", "Alice"), ("bob@sp.example", "Bob")];
//! let items = people.iter().enumerate().map(|(n, (user_id, name))| {
//!     let request = ProvisionSubscriber::new()
//!         .provisioning_id("prov-1")
//!         .user_id(*user_id)
//!         .sp_enterprise_id("Reseller1+acme")
//!         .first_name(*name)
//!         .last_name("Ng")
//!         .package(Package::Standard);
//!     BatchItem::provision_subscriber(n as u64 + 1, request)
//! });
//! let report = client
//!     .batch(BatchKind::ProvisionSubscribers)
//!     .with_journal(Arc::new(MemoryJournal::new()))
//!     .with_concurrency(8)
//!     .start(items)
//!     .await?
//!     .run()
//!     .await?;
//! assert_eq!(report.counts.succeeded + report.counts.paused + report.counts.failed, 2);
//! # Ok(()) }
//! ```

mod claims;
mod engine;
mod events;
pub(crate) mod journal;
mod later_looks;
mod learned_rate;
mod monitor;
mod reconcile;
mod request;
mod send;
#[cfg(feature = "sqlite")]
mod sqlite;
mod status;
mod streak;
mod throttle;
mod types;
mod waiting;

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use futures::stream::BoxStream;
use futures::{Stream, StreamExt, TryStreamExt};
use tokio::sync::{mpsc, watch};

pub use events::{BatchEvent, BatchProgress, RowEvent};
pub use journal::{
    Claimed, Counts, JOURNAL_PAGE_ROWS, Journal, JournalError, JournalRow, MemoryJournal,
    RowChange, RowState, RunInfo, journal_pages, journal_rows,
};
pub use monitor::BatchMonitor;
pub use request::{BatchItem, BatchKind, CheckedItem, RowRequest, SubscriberTarget};
#[cfg(feature = "sqlite")]
pub use sqlite::SqliteJournal;
pub use types::{BatchEnd, BatchHalt, BatchOptions, BatchReport, BatchStats};

use crate::client::Client;
use crate::error::Error;
use crate::validate::ValidationReport;
use engine::Engine;

impl Client {
    /// A batch of `kind`: many items at about one request each, exactly once across
    /// crashes (see [`bulk`](crate::bulk)).
    pub fn batch(&self, kind: BatchKind) -> Batch {
        Batch::new(self.clone(), kind)
    }
}

/// A batch to start or resume; from [`Client::batch`].
#[derive(Clone, Debug)]
#[must_use = "a batch does nothing until started and run"]
pub struct Batch {
    client: Client,
    kind: BatchKind,
    journal: Option<Arc<dyn Journal>>,
    options: BatchOptions,
    input: String,
}

impl Batch {
    pub(crate) fn new(client: Client, kind: BatchKind) -> Self {
        Batch {
            client,
            kind,
            journal: None,
            options: BatchOptions::default(),
            input: String::new(),
        }
    }

    /// Where row state is kept (a [`MemoryJournal`] unless set). Use `SqliteJournal`
    /// (feature `sqlite`) for a batch that must survive its process.
    pub fn with_journal(mut self, journal: Arc<dyn Journal>) -> Self {
        self.journal = Some(journal);
        self
    }

    /// All the settings at once.
    pub fn with_options(mut self, options: BatchOptions) -> Self {
        self.options = options;
        self
    }

    /// Requests in flight at once (at least 1). The client's own limit
    /// ([`ClientBuilder::with_max_concurrent_requests`](crate::ClientBuilder::with_max_concurrent_requests),
    /// 64 by default) bounds it too.
    pub fn with_concurrency(mut self, concurrency: usize) -> Self {
        self.options.concurrency = concurrency.max(1);
        self
    }

    /// At most `rate` requests a second.
    pub fn with_max_rate(mut self, rate: u32) -> Self {
        self.options.max_rate = Some(rate).filter(|rate| *rate > 0);
        self
    }

    /// Whether to wait for final statuses, and for how long once everything is sent.
    pub fn with_wait(mut self, wait: bool, timeout: Duration) -> Self {
        self.options.wait = wait;
        self.options.wait_timeout = timeout;
        self
    }

    /// How often to ask for status changes while waiting.
    pub fn with_poll_interval(mut self, interval: Duration) -> Self {
        self.options.poll_interval = interval;
        self
    }

    /// Names where the rows came from (a file name), as the journal records it.
    pub fn with_input_name(mut self, input: impl Into<String>) -> Self {
        self.input = input.into();
        self
    }

    /// Checks every item, records them all in the journal as `pending`, and gives the
    /// run. Nothing is sent or journaled when an item is invalid: the error reports every
    /// problem of every item, its fields named `items[KEY].field`. The items are written to
    /// the journal as they come, so a batch of millions need not be held in memory.
    pub async fn start(
        self,
        items: impl IntoIterator<Item = BatchItem>,
    ) -> Result<BatchRun, Error> {
        let items = items
            .into_iter()
            .map(|item| item.check().map_err(|problems| (item.key(), problems)));
        self.start_rows(items)
    }

    /// As [`start`](Self::start), with items checked already ([`BatchItem::check`]).
    pub async fn start_checked(
        self,
        items: impl IntoIterator<Item = CheckedItem>,
    ) -> Result<BatchRun, Error> {
        self.start_rows(items.into_iter().map(Ok))
    }

    /// Writes the items to the journal as they come, each checked; when any is invalid (or
    /// two share a key), the journal writes nothing and every problem found is returned.
    fn start_rows(
        self,
        items: impl Iterator<Item = Result<CheckedItem, (u64, ValidationReport)>>,
    ) -> Result<BatchRun, Error> {
        let report = std::cell::RefCell::new(ValidationReport::default());
        let mut total = 0u64;
        let mut rows = items.filter_map(|item| {
            let item = match item {
                Ok(item) => item,
                Err((key, problems)) => {
                    report
                        .borrow_mut()
                        .extend_under(&format!("items[{key}]"), problems);
                    return None;
                }
            };
            if let Some(problem) = self.kind_problem(&item) {
                report.borrow_mut().push(
                    &format!("items[{}]", item.key()),
                    crate::validate::Rule::OneOf,
                    problem,
                );
                return None;
            }
            total += 1;
            Some(JournalRow::pending(item.key(), item.into_request()))
        });
        // After the last row, a refusal when any item was invalid: the journal then drops
        // what it wrote.
        let mut refused = false;
        let mut rows = std::iter::from_fn(|| match rows.next() {
            Some(row) => Some(Ok(row)),
            None if !refused && !report.borrow().is_empty() => {
                refused = true;
                Some(Err(JournalError::Storage("invalid items".into())))
            }
            None => None,
        });
        let journal = self.journal();
        let info = RunInfo {
            kind: self.kind,
            base_url: self.client.base_url().to_string(),
            input: self.input.clone(),
        };
        let started = journal.start_from(&info, &mut rows);
        let mut report = report.into_inner();
        match started {
            Ok(()) => {}
            Err(JournalError::DuplicateKey(key)) => {
                report.push(
                    &format!("items[{key}]"),
                    crate::validate::Rule::Format,
                    "the key is used twice; give every item its own",
                );
                return Err(Error::Validation(report));
            }
            Err(_) if !report.is_empty() => return Err(Error::Validation(report)),
            Err(error) => return Err(error.into()),
        }
        let counts = Counts {
            total,
            pending: total,
            ..Counts::default()
        };
        Ok(self.run_with(journal, counts))
    }

    /// As [`start`](Self::start), from a stream of items (collected before anything is sent).
    pub async fn start_stream(
        self,
        items: impl Stream<Item = BatchItem>,
    ) -> Result<BatchRun, Error> {
        let items: Vec<BatchItem> = items.collect().await;
        self.start(items).await
    }

    /// Continues the run the journal holds: rows whose outcome an earlier run left unknown
    /// are looked up first, then the unsent ones are sent and the accepted ones awaited.
    pub async fn resume(self) -> Result<BatchRun, Error> {
        let journal = self.journal_of_this_run()?;
        let counts = journal.counts()?;
        Ok(self.run_with(journal, counts))
    }

    /// Continues the run the journal holds, as [`resume`](Self::resume) does, and gives
    /// every row that ended failed another go: refused by Webex, given up, or final in
    /// `error` ([`JournalRow::ended_failed`]). Each is looked up before anything is sent,
    /// so a row that succeeded meanwhile (by hand, or Webex finished it) is recorded and
    /// not sent twice; the others are sent again.
    ///
    /// `fixed` holds the rows as they are now, after the data was corrected: a failed row
    /// with an item of the same key is sent with that item's request, the others with the
    /// request they had. An item whose key is not a failed row of the run is refused, as
    /// is an item of another kind; nothing is written then.
    ///
    /// ```no_run
    /// use std::sync::Arc;
    /// use webex_broadworks::bulk::{BatchKind, SqliteJournal};
    ///
    /// # async fn run(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
    /// let journal = Arc::new(SqliteJournal::open("people.csv.journal.sqlite")?);
    /// let report = client
    ///     .batch(BatchKind::ProvisionSubscribers)
    ///     .with_journal(journal)
    ///     .retry_failed([])
    ///     .await?
    ///     .run()
    ///     .await?;
    /// println!("{} rows failed again", report.counts.failed);
    /// # Ok(()) }
    /// ```
    pub async fn retry_failed(
        self,
        fixed: impl IntoIterator<Item = CheckedItem>,
    ) -> Result<BatchRun, Error> {
        let journal = self.journal_of_this_run()?;
        // Only the keys are kept: a run of millions of rows is read a page at a time.
        let mut failed = HashSet::new();
        for state in [RowState::Failed, RowState::Final] {
            for row in journal_rows(journal.as_ref(), Some(state)) {
                let row = row?;
                if row.ended_failed() {
                    failed.insert(row.row);
                }
            }
        }
        let mut report = ValidationReport::default();
        let mut replacements = std::collections::HashMap::new();
        for item in fixed {
            let prefix = format!("items[{}]", item.key());
            if let Some(problem) = self.kind_problem(&item) {
                report.push(&prefix, crate::validate::Rule::OneOf, problem);
            } else if !failed.contains(&item.key()) {
                report.push(
                    &prefix,
                    crate::validate::Rule::OneOf,
                    "is not a row of the run that ended failed; only those are sent again",
                );
            } else {
                replacements.insert(item.key(), item.into_request());
            }
        }
        if !report.is_empty() {
            return Err(Error::Validation(report));
        }
        let mut retried: Vec<(u64, Option<RowRequest>)> = failed
            .into_iter()
            .map(|key| (key, replacements.remove(&key)))
            .collect();
        retried.sort_by_key(|(key, _)| *key);
        journal.retry(&retried)?;
        let counts = journal.counts()?;
        Ok(self.run_with(journal, counts))
    }

    /// Why `item` does not belong in this batch: it is of another kind.
    fn kind_problem(&self, item: &CheckedItem) -> Option<String> {
        let kind = item.request().kind();
        (kind != self.kind).then(|| format!("is a {kind} item in a {} batch", self.kind))
    }

    /// The journal, checked to hold a run of this kind against this API.
    fn journal_of_this_run(&self) -> Result<Arc<dyn Journal>, Error> {
        let journal = self.journal();
        let Some(info) = journal.run_info()? else {
            return Err(Error::from(JournalError::Unusable {
                path: journal.location(),
                why: "it holds no run; start a new run instead".into(),
            }));
        };
        let other_run = |why: String| {
            Error::from(JournalError::OtherRun {
                path: journal.location(),
                why,
            })
        };
        if info.kind != self.kind {
            return Err(other_run(format!(
                "a `{}` batch, not `{}`",
                info.kind, self.kind
            )));
        }
        if info.base_url != self.client.base_url() {
            return Err(other_run(format!(
                "its rows were sent to {}, not {}; resume it against the same API",
                info.base_url,
                self.client.base_url()
            )));
        }
        Ok(journal)
    }

    fn journal(&self) -> Arc<dyn Journal> {
        self.journal
            .clone()
            .unwrap_or_else(|| Arc::new(MemoryJournal::new()))
    }

    fn run_with(self, journal: Arc<dyn Journal>, counts: Counts) -> BatchRun {
        let (cancel, cancelled) = watch::channel(false);
        let (events, received) = mpsc::unbounded_channel();
        let engine = Arc::new(Engine::new(
            &self.client,
            journal,
            self.kind,
            self.options,
            counts,
            cancelled,
            events,
        ));
        BatchRun {
            monitor: BatchMonitor::new(engine, Arc::new(cancel)),
            events: Some(received),
        }
    }
}

/// A started batch: [`run`](Self::run) it, and watch it through [`events`](Self::events)
/// or a [`BatchMonitor`].
#[derive(Debug)]
#[must_use = "a batch does nothing until run"]
pub struct BatchRun {
    monitor: BatchMonitor,
    events: Option<mpsc::UnboundedReceiver<BatchEvent>>,
}

impl BatchRun {
    /// The run's events: each row's outcome as it is recorded (with the [`Error`] of a row
    /// that failed), and a [`BatchProgress`] every second. Take them before [`run`](Self::run)
    /// and read them while it runs; the stream ends with the run. Later calls give an empty
    /// stream.
    pub fn events(&mut self) -> BoxStream<'static, BatchEvent> {
        monitor::stream(self.events.take(), self.monitor.clone()).boxed()
    }

    /// A handle to watch the run and to cancel it.
    pub fn monitor(&self) -> BatchMonitor {
        self.monitor.clone()
    }

    /// Runs until every row has an outcome, the wait times out, or the run is cancelled
    /// ([`BatchMonitor::cancel`]: requests in flight finish and are recorded, rows claimed
    /// and unsent are given back). Dropping the future stops at once; the journal still
    /// holds every intent, and a resume looks those rows up.
    pub async fn run(mut self) -> Result<BatchReport, Error> {
        // Nobody listens to events not taken by now.
        self.events.take();
        let engine = self.monitor.engine().clone();
        let end = drive(&engine).await;
        // The event stream ends with the run.
        engine.close_events();
        // Whatever the journal held back is written, however the run ended.
        let flushed = engine.journal.flush();
        let end = end?;
        flushed?;
        Ok(BatchReport {
            end,
            counts: engine.counts(),
            stats: engine.stats(),
            elapsed: engine.started.elapsed(),
            halt: engine.halt(),
        })
    }
}

/// Runs a batch until every row has an outcome, the wait times out, or it is cancelled:
/// rows an earlier run left `sending` are looked up first, then sending and waiting run
/// side by side; rows a lagging list did not show get a second look once sending is done.
async fn drive(engine: &Engine) -> Result<BatchEnd, Error> {
    // Looked up side by side, as many at once as rows are sent: a retry of many failed
    // rows starts with that many lookups.
    let looked: Vec<Option<u64>> = futures::stream::iter(journal_rows(
        engine.journal.as_ref(),
        Some(RowState::Sending),
    ))
    .map(|row| async move {
        let row = row?;
        if engine.cancelled() {
            return Ok::<_, Error>(None);
        }
        Ok((!engine.reconcile(&row).await?).then_some(row.row))
    })
    .buffer_unordered(engine.options.concurrency)
    .try_collect()
    .await?;
    if engine.cancelled() {
        return Ok(stopped(engine));
    }
    let mut unknown: HashSet<u64> = looked.into_iter().flatten().collect();
    let sending = async {
        let result = async {
            loop {
                engine.send_all(&unknown).await?;
                if engine.cancelled() || engine.later_looks.is_empty() {
                    return Ok(());
                }
                // Rows a lagging list did not show yet: looked at again, and those Webex
                // still has no trace of are sent again.
                unknown = engine.look_again().await?;
            }
        }
        .await;
        engine.sending_done.store(true, Ordering::SeqCst);
        result
    };
    // A failure on either side (the journal cannot be written) ends the run at once.
    let ((), end) = tokio::try_join!(sending, engine.wait_all())?;
    if engine.cancelled() {
        return Ok(stopped(engine));
    }
    Ok(end)
}

/// How a run that stopped before its end ended: halted by an answer, or cancelled.
fn stopped(engine: &Engine) -> BatchEnd {
    if engine.halt().is_some() {
        BatchEnd::Halted
    } else {
        BatchEnd::Interrupted
    }
}
