//! Runs a bulk file against the API: bounded concurrency, one shared 429 pause, the
//! journal written before every request, and waiting through the list endpoint.
//!
//! Waiting asks `GET /broadworks/subscribers?lastStatusChange=T&status=<final statuses>&max=100`:
//! one request reports up to 100 subscribers that reached a final status since `T`, so a
//! run costs close to one request per row. `T` only moves forward, to the latest change on
//! the first page of the previous round (less a small overlap), so few answers are fetched
//! twice and none is missed while later pages are read.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::TryStreamExt;
use tokio::sync::watch;
use tokio::time::Instant;
use webex_broadworks_api::types::{self, Subscriber};
use webex_broadworks_api::wire::SubscriberStatus;
use webex_broadworks_api::{Error, ResponseValue};

use crate::api::{self, ApiFailure, Connection, FailureKind};
use crate::bulk::claims::Claims;
use crate::bulk::input::{BulkKind, RowRequest, SubscriberTarget};
use crate::bulk::journal::{Journal, JournalError, JournalRow, RowState};
use crate::bulk::throttle::Throttle;
use crate::exit::CliError;
use crate::output::subscriber_errors;

/// How a run behaves.
#[derive(Clone, Copy, Debug)]
pub struct EngineOptions {
    /// Requests in flight at once.
    pub concurrency: usize,
    /// At most this many requests a second.
    pub max_rate: Option<u32>,
    /// Wait for final statuses.
    pub wait: bool,
    /// How long to wait once everything is sent.
    pub wait_timeout: Duration,
    /// How often to ask for status changes.
    pub poll_interval: Duration,
}

/// How many times a row is sent (after failures other than 429) before it is given up.
const MAX_ATTEMPTS: u32 = 6;

/// How many times an idempotent read is sent again after a transient failure.
const READ_RETRIES: u32 = 5;

/// How far the list cursor reaches back before the latest change seen, in case the
/// server shows a change a little late.
const CURSOR_OVERLAP: chrono::TimeDelta = chrono::TimeDelta::milliseconds(500);

/// The largest page the subscriber list gives.
const PAGE_SIZE: u32 = 100;

/// Counters of what a run sent.
#[derive(Debug, Default)]
pub struct Stats {
    requests: AtomicU64,
    rate_limited: AtomicU64,
    lookups: AtomicU64,
    list_requests: AtomicU64,
}

/// A snapshot of [`Stats`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StatsSnapshot {
    /// HTTP requests sent.
    pub requests: u64,
    /// Of which answered 429 or 423.
    pub rate_limited: u64,
    /// Rows looked up after an unknown outcome.
    pub lookups: u64,
    /// List requests made while waiting.
    pub list_requests: u64,
}

impl Stats {
    /// The counters now.
    pub fn snapshot(&self) -> StatsSnapshot {
        StatsSnapshot {
            requests: self.requests.load(Ordering::Relaxed),
            rate_limited: self.rate_limited.load(Ordering::Relaxed),
            lookups: self.lookups.load(Ordering::Relaxed),
            list_requests: self.list_requests.load(Ordering::Relaxed),
        }
    }
}

/// Why a run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunEnd {
    /// Every row has an outcome (or, without waiting, was sent).
    Complete,
    /// Ctrl-C: in-flight requests finished and were recorded; the rest waits for `--resume`.
    Interrupted,
    /// Some rows were still not final when the wait ended.
    TimedOut,
}

/// A bulk run in progress.
#[derive(Debug)]
pub struct Engine {
    connection: Connection,
    journal: Arc<Journal>,
    kind: BulkKind,
    options: EngineOptions,
    throttle: Throttle,
    stats: Stats,
    cancel: watch::Receiver<bool>,
    sending_done: AtomicBool,
}

/// How the outcome of one attempt is handled.
enum Attempt {
    /// The row has its outcome (accepted, final or failed) in the journal.
    Recorded,
    /// Send it again (after this delay; the shared pause applies on top).
    Again(Duration),
}

/// What the server showed of a row's subscriber or workspace.
struct Seen {
    id: Option<String>,
    status: String,
    since: Option<String>,
    reason: Option<String>,
    tracking_id: Option<String>,
}

impl Engine {
    /// An engine for the rows in `journal`. Setting `cancel` to true stops it gracefully.
    pub fn new(
        connection: Connection,
        journal: Arc<Journal>,
        kind: BulkKind,
        options: EngineOptions,
        cancel: watch::Receiver<bool>,
    ) -> Self {
        Engine {
            connection,
            journal,
            kind,
            throttle: Throttle::new(options.max_rate),
            options,
            stats: Stats::default(),
            cancel,
            sending_done: AtomicBool::new(false),
        }
    }

    /// What was sent so far.
    pub fn stats(&self) -> StatsSnapshot {
        self.stats.snapshot()
    }

    /// The shared pause, for progress displays.
    pub fn throttle(&self) -> &Throttle {
        &self.throttle
    }

    /// The journal the engine writes.
    pub fn journal(&self) -> &Journal {
        &self.journal
    }

    /// Holds every worker after a 429 or 423, for its `Retry-After` (1 s without one).
    fn hold(&self, failure: &ApiFailure) {
        let pause = failure.retry_after.unwrap_or(Duration::from_secs(1));
        if failure.status() == Some(429) {
            self.throttle.rate_limited(pause);
        } else {
            self.throttle.pause(pause);
        }
    }

    fn cancelled(&self) -> bool {
        *self.cancel.borrow()
    }

    /// Runs until every row has an outcome, the wait times out, or `cancel` is set.
    pub async fn run(&self) -> Result<RunEnd, CliError> {
        // Rows left in `sending` by an earlier run have an unknown outcome.
        let mut unknown = HashSet::new();
        for row in self.journal.rows_in(RowState::Sending)? {
            if self.cancelled() {
                return Ok(RunEnd::Interrupted);
            }
            if !self.reconcile(&row).await? {
                unknown.insert(row.row);
            }
        }
        let sending = async {
            let result = self.send_all(&unknown).await;
            self.sending_done.store(true, Ordering::SeqCst);
            result
        };
        // A failure on either side (the journal cannot be written) ends the run at once.
        let ((), end) = tokio::try_join!(sending, self.wait_all())?;
        if self.cancelled() {
            return Ok(RunEnd::Interrupted);
        }
        Ok(end)
    }

    async fn send_all(&self, after_unknown: &HashSet<u64>) -> Result<(), CliError> {
        let pending = self.journal.rows_in(RowState::Pending)?;
        let claims = Claims::new(
            pending.iter().map(|row| row.row).collect(),
            self.options.concurrency,
        );
        let claims = &claims;
        let sent = futures::stream::iter(pending.into_iter().map(Ok::<_, CliError>))
            .try_for_each_concurrent(self.options.concurrency, |row| async move {
                if self.cancelled() {
                    return Ok(());
                }
                let unknown = after_unknown.contains(&row.row);
                self.send_row(row, unknown, claims).await
            })
            .await;
        // Rows claimed but never sent (the run was stopped) were certainly not applied.
        for row in claims.unsent() {
            self.journal.mark_pending(row)?;
        }
        sent
    }

    /// Sends one row until it has an outcome. `after_unknown`: an earlier attempt may have
    /// been applied without its answer arriving.
    async fn send_row(
        &self,
        mut row: JournalRow,
        mut after_unknown: bool,
        claims: &Claims,
    ) -> Result<(), CliError> {
        if let RowRequest::UpdateSubscriber { target, .. } = &row.request
            && row.subscriber_id.is_none()
        {
            match self.resolve_target(&row, target).await? {
                Some(id) => row.subscriber_id = Some(id),
                None => return Ok(()),
            }
        }
        let mut failures = 0;
        loop {
            if self.cancelled() {
                return Ok(());
            }
            self.throttle.ready().await;
            claims.claim(row.row, &self.journal)?;
            self.stats.requests.fetch_add(1, Ordering::Relaxed);
            let answer = api::traced(self.send_request(&row)).await;
            let failure = match answer {
                Ok(seen) => {
                    self.record(&row, seen)?;
                    return Ok(());
                }
                Err(failure) => failure,
            };
            match self
                .after_failure(&row, &failure, after_unknown, &mut failures)
                .await?
            {
                Attempt::Recorded => return Ok(()),
                Attempt::Again(delay) => {
                    if failure.outcome_unknown() {
                        after_unknown = true;
                    }
                    tokio::time::sleep(delay).await;
                }
            }
        }
    }

    async fn after_failure(
        &self,
        row: &JournalRow,
        failure: &ApiFailure,
        after_unknown: bool,
        failures: &mut u32,
    ) -> Result<Attempt, CliError> {
        if failure.is_rate_limited() {
            self.stats.rate_limited.fetch_add(1, Ordering::Relaxed);
            self.hold(failure);
            self.journal.mark_pending(row.row)?;
            return Ok(Attempt::Again(Duration::ZERO));
        }
        // A workspace has no lookup; sent again after a lost answer, "already mapped"
        // means the lost attempt had provisioned it.
        if after_unknown
            && matches!(row.request, RowRequest::ProvisionWorkspace(_))
            && failure.status() == Some(409)
            && failure.first_code() == Some(10022)
        {
            self.journal.mark_final(
                row.row,
                None,
                "provisioned",
                Some("provisioned by an earlier attempt whose answer was lost; its id was not returned"),
                failure.tracking_id.as_deref(),
            )?;
            return Ok(Attempt::Recorded);
        }
        *failures += 1;
        let give_up = *failures >= MAX_ATTEMPTS;
        if failure.outcome_unknown() {
            if self.reconcile(row).await? {
                return Ok(Attempt::Recorded);
            }
        } else if matches!(
            failure.kind,
            FailureKind::Transport {
                before_sending: true
            }
        ) {
            self.journal.mark_pending(row.row)?;
        } else {
            self.journal.mark_failed(
                row.row,
                &failure.summary(),
                failure.tracking_id.as_deref(),
            )?;
            return Ok(Attempt::Recorded);
        }
        if give_up {
            self.journal.mark_failed(
                row.row,
                &format!(
                    "gave up after {MAX_ATTEMPTS} attempts: {}",
                    failure.summary()
                ),
                failure.tracking_id.as_deref(),
            )?;
            return Ok(Attempt::Recorded);
        }
        Ok(Attempt::Again(
            Duration::from_millis(250) * 2u32.pow(*failures),
        ))
    }

    async fn send_request(&self, row: &JournalRow) -> Result<Seen, ApiFailure> {
        let client = self.connection.client();
        match &row.request {
            RowRequest::ProvisionSubscriber(body) => api::accept_undeclared(
                client
                    .provision_subscriber()
                    .body(body.clone())
                    .send()
                    .await,
            )
            .await
            .map(subscriber_seen),
            RowRequest::UpdateSubscriber { body, .. } => api::accept_undeclared(
                client
                    .update_subscriber()
                    .subscriber_id(row.subscriber_id.clone().unwrap_or_default())
                    .body(body.clone())
                    .send()
                    .await,
            )
            .await
            .map(subscriber_seen),
            RowRequest::ProvisionWorkspace(body) => {
                api::accept_undeclared(client.provision_workspace().body(body.clone()).send().await)
                    .await
                    .map(|response| {
                        let tracking_id = api::tracking_id(response.headers());
                        let workspace = response.into_inner();
                        Seen {
                            id: workspace.id,
                            status: "provisioned".into(),
                            since: None,
                            reason: None,
                            tracking_id,
                        }
                    })
            }
        }
    }

    /// Writes what the server showed: final, or accepted and awaited.
    fn record(&self, row: &JournalRow, seen: Seen) -> Result<(), JournalError> {
        let waits = self.kind.waits() && !is_final(&seen.status);
        match (&seen.id, waits) {
            (Some(id), true) => self.journal.mark_accepted(
                row.row,
                id,
                &seen.status,
                seen.since.as_deref(),
                seen.tracking_id.as_deref(),
            ),
            _ => self.journal.mark_final(
                row.row,
                seen.id.as_deref(),
                &seen.status,
                seen.reason.as_deref(),
                seen.tracking_id.as_deref(),
            ),
        }
    }

    /// Finds out what became of a row whose request may have been applied. Returns whether
    /// its outcome is now recorded; if not, the row is `pending` again and may be resent.
    async fn reconcile(&self, row: &JournalRow) -> Result<bool, CliError> {
        self.stats.lookups.fetch_add(1, Ordering::Relaxed);
        match &row.request {
            RowRequest::ProvisionSubscriber(request) => {
                let found = self
                    .read(|| {
                        self.connection
                            .client()
                            .list_subscribers()
                            .user_id(request.user_id.clone())
                            .send()
                    })
                    .await;
                let Ok(found) = found else {
                    // Still unknown: it stays `sending`, and a resume looks again.
                    return Ok(true);
                };
                let found = found.into_inner().items;
                let newest = found
                    .into_iter()
                    // As the ergonomic client's lookup: the same userId (a server may ignore
                    // the filter), and the same enterprise where the answer names one.
                    .filter(|subscriber| {
                        subscriber.user_id.as_deref() == Some(request.user_id.as_str())
                            && subscriber
                                .sp_enterprise_id
                                .as_deref()
                                .is_none_or(|enterprise| enterprise == request.sp_enterprise_id)
                    })
                    .max_by_key(|subscriber| subscriber.created);
                match newest {
                    Some(subscriber) => {
                        self.record(row, subscriber_seen_of(subscriber, None))?;
                        Ok(true)
                    }
                    None => {
                        self.journal.mark_pending(row.row)?;
                        Ok(false)
                    }
                }
            }
            RowRequest::UpdateSubscriber { .. } => {
                let Some(id) = row.subscriber_id.clone() else {
                    self.journal.mark_pending(row.row)?;
                    return Ok(false);
                };
                let Ok(current) = self
                    .read(|| {
                        self.connection
                            .client()
                            .get_subscriber()
                            .subscriber_id(id.clone())
                            .send()
                    })
                    .await
                else {
                    // Still unknown: it stays `sending`, and a resume looks again.
                    return Ok(true);
                };
                let tracking_id = api::tracking_id(current.headers());
                let subscriber = current.into_inner();
                if subscriber.status == Some(SubscriberStatus::Updating) {
                    self.record(row, subscriber_seen_of(subscriber, tracking_id))?;
                    Ok(true)
                } else {
                    // Sending the same update again changes nothing more.
                    self.journal.mark_pending(row.row)?;
                    Ok(false)
                }
            }
            RowRequest::ProvisionWorkspace(_) => {
                self.journal.mark_pending(row.row)?;
                Ok(false)
            }
        }
    }

    /// Finds the subscriber an update row names by userId. `None` when the row failed.
    async fn resolve_target(
        &self,
        row: &JournalRow,
        target: &SubscriberTarget,
    ) -> Result<Option<String>, CliError> {
        let user_id = match target {
            SubscriberTarget::Id(id) => return Ok(Some(id.clone())),
            SubscriberTarget::UserId(user_id) => user_id.clone(),
        };
        let answer = self
            .read(|| {
                self.connection
                    .client()
                    .list_subscribers()
                    .user_id(user_id.clone())
                    .send()
            })
            .await;
        let found = match answer {
            Ok(response) => response.into_inner().items,
            Err(failure) => {
                self.journal.mark_failed(
                    row.row,
                    &format!("could not look up userId {user_id}: {}", failure.summary()),
                    failure.tracking_id.as_deref(),
                )?;
                return Ok(None);
            }
        };
        let mut live: Vec<_> = found
            .into_iter()
            .filter(|subscriber| subscriber.status != Some(SubscriberStatus::Error))
            .filter_map(|subscriber| subscriber.id)
            .collect();
        match live.len() {
            1 => {
                let id = live.remove(0);
                self.journal.set_subscriber_id(row.row, &id)?;
                Ok(Some(id))
            }
            0 => {
                self.journal.mark_failed(
                    row.row,
                    &format!("no subscriber has userId {user_id}"),
                    None,
                )?;
                Ok(None)
            }
            count => {
                self.journal.mark_failed(
                    row.row,
                    &format!(
                        "{count} subscribers have userId {user_id}; give subscriberId instead"
                    ),
                    None,
                )?;
                Ok(None)
            }
        }
    }

    /// Sends an idempotent request through the shared gate, again after 429s and
    /// transient failures.
    async fn read<T, F, Fut>(&self, mut send: F) -> Result<ResponseValue<T>, ApiFailure>
    where
        T: serde::de::DeserializeOwned,
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<ResponseValue<T>, Error<types::WebexError>>>,
    {
        let mut failures = 0;
        loop {
            self.throttle.ready().await;
            self.stats.requests.fetch_add(1, Ordering::Relaxed);
            match api::traced(async { api::accept_undeclared(send().await).await }).await {
                Ok(response) => return Ok(response),
                Err(failure) if failure.is_rate_limited() => {
                    self.stats.rate_limited.fetch_add(1, Ordering::Relaxed);
                    self.hold(&failure);
                }
                Err(failure) if failure.is_transient() && failures < READ_RETRIES => {
                    failures += 1;
                    tokio::time::sleep(Duration::from_millis(200) * 2u32.pow(failures)).await;
                }
                Err(failure) => return Err(failure),
            }
        }
    }

    /// Waits for every accepted row to reach a final status, through the list endpoint.
    async fn wait_all(&self) -> Result<RunEnd, CliError> {
        if !self.kind.waits() || !self.options.wait {
            while !self.sending_done.load(Ordering::SeqCst) {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            return Ok(RunEnd::Complete);
        }
        let mut cancel = self.cancel.clone();
        let mut cursor = ListCursor::default();
        let mut deadline: Option<Instant> = None;
        let mut first_seen: HashMap<u64, Instant> = HashMap::new();
        let stale_after = (self.options.poll_interval * 20).max(Duration::from_secs(20));
        loop {
            tokio::select! {
                () = tokio::time::sleep(self.options.poll_interval) => {}
                _ = cancel.wait_for(|cancelled| *cancelled) => return Ok(RunEnd::Interrupted),
            }
            let sending_done = self.sending_done.load(Ordering::SeqCst);
            let waiting = self.journal.rows_in(RowState::Accepted)?;
            if waiting.is_empty() {
                if sending_done {
                    return Ok(RunEnd::Complete);
                }
                continue;
            }
            let now = Instant::now();
            if sending_done && deadline.is_none() {
                deadline = Some(now + self.options.wait_timeout);
            }
            let awaited: HashSet<u64> = waiting.iter().map(|row| row.row).collect();
            first_seen.retain(|row, _| awaited.contains(row));
            for row in &waiting {
                first_seen.entry(row.row).or_insert(now);
            }
            if let Some(next) = self.poll_changes(&waiting, &cursor).await? {
                cursor = next;
            }

            let waiting = self.journal.rows_in(RowState::Accepted)?;
            let timed_out = deadline.is_some_and(|deadline| Instant::now() >= deadline);
            let stale: Vec<&JournalRow> = waiting
                .iter()
                .filter(|row| {
                    timed_out
                        || first_seen
                            .get(&row.row)
                            .is_some_and(|seen| now.duration_since(*seen) >= stale_after)
                })
                .collect();
            for row in stale {
                // The list should have shown it; ask for it directly, then wait again.
                self.check_one(row).await?;
                first_seen.insert(row.row, Instant::now());
            }
            if timed_out {
                let left = self.journal.rows_in(RowState::Accepted)?;
                return Ok(if left.is_empty() {
                    RunEnd::Complete
                } else {
                    RunEnd::TimedOut
                });
            }
        }
    }

    /// One round of asking the list endpoint for final statuses since `cursor`; records
    /// each awaited row it shows. Returns the cursor for the next round, or `None` when the
    /// round could not read every page (the next round starts where this one did).
    async fn poll_changes(
        &self,
        waiting: &[JournalRow],
        cursor: &ListCursor,
    ) -> Result<Option<ListCursor>, CliError> {
        let by_id: HashMap<&str, &JournalRow> = waiting
            .iter()
            .filter_map(|row| row.subscriber_id.as_deref().map(|id| (id, row)))
            .collect();
        let after = cursor.after(waiting.iter().map(|row| (row.row, row.since.as_deref())));
        let statuses = final_statuses();
        let first = self
            .read(|| {
                let mut request = self
                    .connection
                    .client()
                    .list_subscribers()
                    .status(statuses.clone())
                    .max(PAGE_SIZE);
                if let Some(after) = after {
                    request = request.last_status_change(
                        after.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                    );
                }
                request.send()
            })
            .await;
        self.stats.list_requests.fetch_add(1, Ordering::Relaxed);
        let mut page = match first {
            Ok(page) => page,
            // The next round tries again; a persistent failure ends in the stale check.
            Err(_) => return Ok(None),
        };
        // For the rows awaited now, the next round may start from the latest change on the
        // first page: whatever settles after that page was answered changed later. Not from
        // the latest change on any page: pages follow creation order, so a row on a page
        // already read can settle while later pages are read, before their latest change.
        let mut latest = after;
        let mut first_page = true;
        loop {
            let next = api::next_link(page.headers());
            for subscriber in page.into_inner().items {
                if first_page && let Some(changed) = subscriber.last_status_change {
                    latest = Some(latest.map_or(changed, |latest| latest.max(changed)));
                }
                let Some(row) = subscriber.id.as_deref().and_then(|id| by_id.get(id)) else {
                    continue;
                };
                // The row keeps the trackingId of its own request, not the list's.
                if is_newer_final(&subscriber, row.since.as_deref()) {
                    self.record(row, subscriber_seen_of(subscriber, None))?;
                }
            }
            first_page = false;
            let Some(next) = next else { break };
            self.throttle.ready().await;
            self.stats.requests.fetch_add(1, Ordering::Relaxed);
            self.stats.list_requests.fetch_add(1, Ordering::Relaxed);
            page = match api::traced(self.connection.next_page::<types::SubscriberList>(&next))
                .await
            {
                Ok(page) => page,
                Err(failure) => {
                    if failure.is_rate_limited() {
                        self.stats.rate_limited.fetch_add(1, Ordering::Relaxed);
                        self.hold(&failure);
                    }
                    // Keep the old cursor so the next round sees this page again.
                    return Ok(None);
                }
            };
        }
        Ok(Some(ListCursor {
            latest,
            covered: waiting.iter().map(|row| row.row).collect(),
        }))
    }

    /// Asks for one awaited row directly.
    async fn check_one(&self, row: &JournalRow) -> Result<(), CliError> {
        let Some(id) = row.subscriber_id.clone() else {
            return Ok(());
        };
        let answer = self
            .read(|| {
                self.connection
                    .client()
                    .get_subscriber()
                    .subscriber_id(id.clone())
                    .send()
            })
            .await;
        if let Ok(response) = answer {
            let tracking_id = api::tracking_id(response.headers());
            let subscriber = response.into_inner();
            if is_newer_final(&subscriber, row.since.as_deref()) {
                self.record(row, subscriber_seen_of(subscriber, tracking_id))?;
            }
        }
        Ok(())
    }
}

/// Where the next round of listing starts.
///
/// A row can only be missed if it settled before the point a round starts from, so that point
/// is the earliest lower bound over the rows still awaited: for a row the last complete round
/// already awaited, the latest change on that round's first page; for a row accepted since,
/// its acceptance (a subscriber settles after it was accepted).
#[derive(Debug, Default)]
struct ListCursor {
    latest: Option<DateTime<Utc>>,
    /// The rows awaited during the round that set `latest`.
    covered: HashSet<u64>,
}

impl ListCursor {
    /// The `lastStatusChange` to ask from, given each awaited row and the change it was
    /// accepted at; `None`: from the beginning.
    fn after<'a>(
        &self,
        waiting: impl IntoIterator<Item = (u64, Option<&'a str>)>,
    ) -> Option<DateTime<Utc>> {
        let mut after: Option<DateTime<Utc>> = None;
        for (row, since) in waiting {
            let since = since
                .and_then(|since| DateTime::parse_from_rfc3339(since).ok())
                .map(|since| since.with_timezone(&Utc));
            let bound = match (since, self.latest) {
                (since, Some(latest)) if self.covered.contains(&row) => {
                    let latest = latest - CURSOR_OVERLAP;
                    Some(since.map_or(latest, |since| since.max(latest)))
                }
                (since, _) => since,
            };
            // A row with no known lower bound: ask for every final status.
            let bound = bound?;
            after = Some(after.map_or(bound, |after| after.min(bound)));
        }
        after
    }
}

fn final_statuses() -> String {
    [
        SubscriberStatus::Provisioned,
        SubscriberStatus::Error,
        SubscriberStatus::PendingEmailInput,
        SubscriberStatus::PendingEmailValidation,
        SubscriberStatus::PendingUserMigration,
    ]
    .iter()
    .map(SubscriberStatus::as_str)
    .collect::<Vec<_>>()
    .join(",")
}

/// Whether a status ends the wait.
fn is_final(status: &str) -> bool {
    let status = SubscriberStatus::from(status);
    status.is_known() && !status.is_in_progress()
}

fn is_newer_final(subscriber: &Subscriber, since: Option<&str>) -> bool {
    let Some(status) = &subscriber.status else {
        return false;
    };
    if !is_final(status.as_str()) {
        return false;
    }
    let since = since
        .and_then(|since| DateTime::parse_from_rfc3339(since).ok())
        .map(|since| since.with_timezone(&Utc));
    match (since, subscriber.last_status_change) {
        (Some(since), Some(changed)) => changed >= since,
        _ => true,
    }
}

fn subscriber_seen(response: ResponseValue<Subscriber>) -> Seen {
    let tracking_id = api::tracking_id(response.headers());
    subscriber_seen_of(response.into_inner(), tracking_id)
}

fn subscriber_seen_of(subscriber: Subscriber, tracking_id: Option<String>) -> Seen {
    let status = subscriber
        .status
        .clone()
        .map_or_else(|| "unknown".to_string(), |status| status.to_string());
    Seen {
        reason: reason(&subscriber),
        id: subscriber.id,
        since: subscriber
            .last_status_change
            .map(|changed| changed.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)),
        status,
        tracking_id,
    }
}

/// Why a subscriber is not provisioned, for the results file.
pub fn reason(subscriber: &Subscriber) -> Option<String> {
    match subscriber.status.as_ref()? {
        SubscriberStatus::Error => subscriber_errors(&subscriber.errors)
            .or_else(|| Some("error, with no reason given".into())),
        SubscriberStatus::PendingEmailInput => {
            Some("paused: the subscriber must enter an e-mail address".into())
        }
        SubscriberStatus::PendingEmailValidation => {
            Some("paused: the subscriber must validate their e-mail address".into())
        }
        SubscriberStatus::PendingUserMigration => Some(
            "paused: the subscriber must consent to moving their Webex account \
             (wxbw subscribers send-consent-email resends the e-mail)"
                .into(),
        ),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn the_list_cursor_never_starts_after_a_row_accepted_during_the_last_round() {
        let cursor = ListCursor {
            latest: Some(at("2026-01-01T10:00:10Z")),
            covered: HashSet::from([1, 2]),
        };
        // Rows awaited during the last round start from its first page, less the overlap.
        assert_eq!(
            cursor.after([(1, Some("2026-01-01T10:00:01Z")), (2, None)]),
            Some(at("2026-01-01T10:00:09.500Z"))
        );
        // A row accepted since may have settled before that page's latest change, unseen.
        assert_eq!(
            cursor.after([
                (1, Some("2026-01-01T10:00:01Z")),
                (3, Some("2026-01-01T10:00:04Z"))
            ]),
            Some(at("2026-01-01T10:00:04Z"))
        );
        // A row accepted later than the cursor keeps the cursor.
        assert_eq!(
            cursor.after([(1, None), (3, Some("2026-01-01T10:00:12Z"))]),
            Some(at("2026-01-01T10:00:09.500Z"))
        );
        // A row with no known acceptance: ask for every final status.
        assert_eq!(cursor.after([(1, None), (3, None)]), None);
        assert_eq!(
            ListCursor::default().after([(1, Some("2026-01-01T10:00:01Z"))]),
            Some(at("2026-01-01T10:00:01Z"))
        );
    }

    #[test]
    fn only_final_statuses_end_the_wait() {
        for status in [
            "provisioned",
            "error",
            "pending_email_input",
            "pending_user_migration",
        ] {
            assert!(is_final(status), "{status}");
        }
        for status in ["provisioning", "updating", "something_new"] {
            assert!(!is_final(status), "{status}");
        }
    }

    #[test]
    fn a_final_status_older_than_the_acceptance_is_stale() {
        let at = |text: &str| {
            DateTime::parse_from_rfc3339(text)
                .unwrap()
                .with_timezone(&Utc)
        };
        let subscriber = Subscriber {
            status: Some(SubscriberStatus::Provisioned),
            last_status_change: Some(at("2024-01-01T00:00:01Z")),
            ..Default::default()
        };
        // The `provisioned` seen before an update started is not the update's outcome.
        assert!(!is_newer_final(
            &subscriber,
            Some("2024-01-01T00:00:02.000Z")
        ));
        assert!(is_newer_final(
            &subscriber,
            Some("2024-01-01T00:00:00.000Z")
        ));
        assert!(is_newer_final(&subscriber, None));
    }

    #[test]
    fn reasons_explain_pauses_and_errors() {
        let subscriber = Subscriber {
            status: Some(SubscriberStatus::Error),
            errors: vec![types::SubscriberError {
                error_code: Some(10022.into()),
                description: Some("already mapped".into()),
            }],
            ..Default::default()
        };
        assert_eq!(
            reason(&subscriber).as_deref(),
            Some("10022: already mapped")
        );
        let paused = Subscriber {
            status: Some(SubscriberStatus::PendingUserMigration),
            ..Default::default()
        };
        assert!(reason(&paused).unwrap().contains("send-consent-email"));
    }
}
