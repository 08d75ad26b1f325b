//! The journal of a batch: where every row stands, kept so that a run stopped at any point
//! (a crash, `kill -9`, a dropped future) resumes without sending a provisioning twice.
//!
//! A row moves `pending -> sending -> accepted -> final`, or to `failed`:
//! - `sending` is recorded, durably, *before* the request goes out ([`Journal::claim`]). A
//!   row found in `sending` on resume has an unknown outcome and is looked up, never simply
//!   resent.
//! - `accepted` holds the id Webex gave and the `lastStatusChange` it showed then; the run
//!   waits for a later, final status.
//! - `final` holds that status (`provisioned`, a `pending_*` pause, or `error` with the
//!   reason); `failed` a request Webex refused, with why.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Mutex, PoisonError};

use serde::{Deserialize, Serialize};

use crate::bulk::request::{BatchKind, RowRequest};

/// Where a row stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RowState {
    /// Not sent yet.
    Pending,
    /// About to be sent, or sent without a known answer.
    Sending,
    /// Webex took it; its final status is awaited.
    Accepted,
    /// Its final status is known.
    Final,
    /// Webex refused it, or it could not be sent.
    Failed,
}

impl RowState {
    /// The state's name as journals store it: `pending`, `sending`, ...
    pub fn as_str(self) -> &'static str {
        match self {
            RowState::Pending => "pending",
            RowState::Sending => "sending",
            RowState::Accepted => "accepted",
            RowState::Final => "final",
            RowState::Failed => "failed",
        }
    }

    /// The state a stored name stands for.
    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "pending" => RowState::Pending,
            "sending" => RowState::Sending,
            "accepted" => RowState::Accepted,
            "final" => RowState::Final,
            "failed" => RowState::Failed,
            _ => return None,
        })
    }
}

impl fmt::Display for RowState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the journal knows about one row.
#[derive(Clone, Debug, PartialEq)]
pub struct JournalRow {
    /// The row's key: its number in the caller's input.
    pub row: u64,
    /// The BroadWorks user ID the row is about.
    pub user_id: String,
    /// What is sent for it.
    pub request: RowRequest,
    /// Where it stands.
    pub state: RowState,
    /// The subscriber's or workspace's id, once known.
    pub subscriber_id: Option<String>,
    /// The last status seen (`provisioning`, `provisioned`, `error`, ...).
    pub status: Option<String>,
    /// Why it failed, or why it is paused.
    pub error: Option<String>,
    /// The tracking id of the last answer.
    pub tracking_id: Option<String>,
    /// The `lastStatusChange` shown when it was accepted: a final status must be later.
    pub since: Option<String>,
    /// How many times it was claimed for sending.
    pub attempts: u32,
}

impl JournalRow {
    /// A new, pending row.
    pub fn pending(row: u64, request: RowRequest) -> Self {
        JournalRow {
            row,
            user_id: request.user_id().to_string(),
            request,
            state: RowState::Pending,
            subscriber_id: None,
            status: None,
            error: None,
            tracking_id: None,
            since: None,
            attempts: 0,
        }
    }

    /// Whether the row ended failed: refused by Webex (or given up), or final in `error`.
    /// These are the rows a retry gives another go ([`Journal::retry`]).
    ///
    /// ```
    /// use webex_broadworks::bulk::{JournalRow, RowState};
    ///
    /// fn needs_attention(row: &JournalRow) -> bool {
    ///     row.ended_failed() || row.state == RowState::Pending
    /// }
    /// ```
    pub fn ended_failed(&self) -> bool {
        self.state == RowState::Failed
            || (self.state == RowState::Final && self.status.as_deref() == Some("error"))
    }

    /// The row as a retry leaves it: `sending` (its outcome unknown until looked up), with
    /// no status, reason or `since`, and `request` in place of its own when given. The
    /// subscriber's id is kept only for an update that still names the same subscriber.
    pub fn retried(&self, request: Option<&RowRequest>) -> JournalRow {
        let request = request.unwrap_or(&self.request).clone();
        let same_target = match (&self.request, &request) {
            (
                RowRequest::UpdateSubscriber { target: was, .. },
                RowRequest::UpdateSubscriber { target: now, .. },
            ) => was == now,
            _ => false,
        };
        JournalRow {
            row: self.row,
            user_id: request.user_id().to_string(),
            request,
            state: RowState::Sending,
            subscriber_id: self.subscriber_id.clone().filter(|_| same_target),
            status: None,
            error: None,
            tracking_id: self.tracking_id.clone(),
            since: None,
            attempts: self.attempts,
        }
    }
}

/// What a journal was made for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunInfo {
    /// The kind of batch.
    pub kind: BatchKind,
    /// The API it talks to: rows accepted there exist nowhere else.
    pub base_url: String,
    /// Where the rows came from, as the caller names it (a file name).
    pub input: String,
}

/// A change of one row's state, as the engine records it.
#[derive(Clone, Debug, PartialEq)]
pub enum RowChange {
    /// The request was certainly not applied (Webex said so, or a lookup found nothing): it
    /// may be sent again. From `sending`.
    Pending,
    /// The subscriber an update row is about, once looked up. Any state; the state stays.
    SubscriberId(String),
    /// Webex took the row. From `sending`.
    Accepted {
        /// The subscriber's id.
        id: String,
        /// The status Webex showed.
        status: String,
        /// Its `lastStatusChange`.
        since: Option<String>,
        /// The answer's tracking id.
        tracking_id: Option<String>,
    },
    /// The row reached a final status. From `sending` or `accepted`.
    Final {
        /// The subscriber's or workspace's id, when known.
        id: Option<String>,
        /// The final status.
        status: String,
        /// Why, when it is `error` or a pause.
        reason: Option<String>,
        /// The answer's tracking id.
        tracking_id: Option<String>,
    },
    /// Webex refused the row, or it could not be sent. From `pending` or `sending`.
    Failed {
        /// Why.
        error: String,
        /// The answer's tracking id.
        tracking_id: Option<String>,
    },
}

impl RowChange {
    /// The state the row is in afterwards; `None`: the state does not change.
    pub fn to(&self) -> Option<RowState> {
        match self {
            RowChange::Pending => Some(RowState::Pending),
            RowChange::SubscriberId(_) => None,
            RowChange::Accepted { .. } => Some(RowState::Accepted),
            RowChange::Final { .. } => Some(RowState::Final),
            RowChange::Failed { .. } => Some(RowState::Failed),
        }
    }

    /// The states the change may start from. Anything else is refused with
    /// [`JournalError::Transition`]: a bug, or two runs on one journal.
    pub fn allowed_from(&self) -> &'static [RowState] {
        match self {
            RowChange::Pending | RowChange::Accepted { .. } => &[RowState::Sending],
            RowChange::SubscriberId(_) => &[
                RowState::Pending,
                RowState::Sending,
                RowState::Accepted,
                RowState::Final,
                RowState::Failed,
            ],
            RowChange::Final { .. } => &[RowState::Sending, RowState::Accepted],
            RowChange::Failed { .. } => &[RowState::Pending, RowState::Sending],
        }
    }

    /// Applies the change to `row`, whose state was checked against
    /// [`allowed_from`](Self::allowed_from). Journals that hold rows in memory use it.
    pub fn apply(&self, row: &mut JournalRow) {
        if let Some(to) = self.to() {
            row.state = to;
        }
        match self.clone() {
            RowChange::Pending => {}
            RowChange::SubscriberId(id) => row.subscriber_id = Some(id),
            RowChange::Accepted {
                id,
                status,
                since,
                tracking_id,
            } => {
                row.subscriber_id = Some(id);
                row.status = Some(status);
                row.since = since;
                row.tracking_id = tracking_id.or(row.tracking_id.take());
            }
            RowChange::Final {
                id,
                status,
                reason,
                tracking_id,
            } => {
                row.subscriber_id = id.or(row.subscriber_id.take());
                row.status = Some(status);
                row.error = reason;
                row.tracking_id = tracking_id.or(row.tracking_id.take());
            }
            RowChange::Failed { error, tracking_id } => {
                row.error = Some(error);
                row.tracking_id = tracking_id.or(row.tracking_id.take());
            }
        }
    }
}

/// Why a journal cannot be used.
#[derive(Debug)]
#[non_exhaustive]
pub enum JournalError {
    /// The journal's storage failed (a disk error, a locked database, ...).
    Storage(String),
    /// Two rows of a new run have the same key.
    DuplicateKey(u64),
    /// A new run was asked for, but the journal holds one already: resume it, or use
    /// another journal.
    Exists(String),
    /// A resume was asked for, but there is no journal there.
    Missing(String),
    /// The journal holds another run than the one asked for (another kind of batch, or
    /// rows sent to another API): resume it as it was made, or use another journal.
    OtherRun {
        /// Where it is.
        path: String,
        /// How the runs differ.
        why: String,
    },
    /// The journal cannot be resumed (another version wrote it, it holds no run, ...).
    Unusable {
        /// Where it is.
        path: String,
        /// Why, and what to do.
        why: String,
    },
    /// A transition that the state machine does not allow (a bug, or two runs at once).
    Transition {
        /// The row.
        row: u64,
        /// Its state.
        from: String,
        /// The state asked for.
        to: &'static str,
    },
}

impl fmt::Display for JournalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JournalError::Storage(why) => write!(f, "the journal cannot be used: {why}"),
            JournalError::DuplicateKey(row) => {
                write!(f, "two rows have the key {row}; give every row its own")
            }
            JournalError::Exists(path) => write!(
                f,
                "a journal of an earlier run exists at {path}; resume it, or move it away to start afresh"
            ),
            JournalError::Missing(path) => {
                write!(f, "no journal at {path} to resume; start a new run instead")
            }
            JournalError::OtherRun { path, why } => {
                write!(f, "the journal at {path} holds another run: {why}")
            }
            JournalError::Unusable { path, why } => {
                write!(f, "the journal at {path} cannot be resumed: {why}")
            }
            JournalError::Transition { row, from, to } => write!(
                f,
                "row {row} cannot go from {from} to {to}; is another run using the same journal?"
            ),
        }
    }
}

impl std::error::Error for JournalError {}

/// How many rows are in each state, and how the final ones ended.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Every row.
    pub total: u64,
    /// Not sent yet.
    pub pending: u64,
    /// Sent, outcome unknown.
    pub sending: u64,
    /// Accepted, final status awaited.
    pub waiting: u64,
    /// Final and provisioned (or updated).
    pub succeeded: u64,
    /// Final and paused for the end user.
    pub paused: u64,
    /// Refused, or final in `error`.
    pub failed: u64,
}

impl Counts {
    /// Rows whose outcome is known.
    pub fn done(&self) -> u64 {
        self.succeeded + self.paused + self.failed
    }

    /// Counts `count` rows in `state` (with `status`, for a final row) in or out.
    pub fn add(&mut self, state: RowState, status: Option<&str>, count: i64) {
        let slot = match (state, status) {
            (RowState::Pending, _) => &mut self.pending,
            (RowState::Sending, _) => &mut self.sending,
            (RowState::Accepted, _) => &mut self.waiting,
            (RowState::Failed, _) => &mut self.failed,
            (RowState::Final, Some(status)) if status.starts_with("pending_") => &mut self.paused,
            (RowState::Final, Some("error")) => &mut self.failed,
            (RowState::Final, _) => &mut self.succeeded,
        };
        *slot = slot.saturating_add_signed(count);
    }

    /// The counts of `rows`.
    pub fn of<'a>(rows: impl IntoIterator<Item = &'a JournalRow>) -> Counts {
        let mut counts = Counts::default();
        for row in rows {
            counts.total += 1;
            counts.add(row.state, row.status.as_deref(), 1);
        }
        counts
    }
}

/// What a [`Journal::claim`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Claimed {
    /// How many rows moved from `pending` to `sending`.
    pub from_pending: usize,
    /// The rows left alone: they had an outcome already.
    pub settled: Vec<u64>,
}

/// Durable row state for a batch. [`MemoryJournal`] keeps it in memory (a process that
/// dies loses it); `SqliteJournal` (feature `sqlite`) in a file that survives `kill -9`.
///
/// Calls are short and synchronous: the engine calls them between requests. An
/// implementation checks each change against [`RowChange::allowed_from`] and refuses the
/// others with [`JournalError::Transition`].
pub trait Journal: Send + Sync + fmt::Debug {
    /// Where the journal is, for messages (a file's path).
    fn location(&self) -> String {
        "the journal".to_string()
    }

    /// The run the journal holds, if any.
    fn run_info(&self) -> Result<Option<RunInfo>, JournalError>;

    /// Starts a new run: records `info` and every row as `pending`. Refused with
    /// [`JournalError::Exists`] when the journal holds a run already.
    fn start(&self, info: &RunInfo, rows: &[JournalRow]) -> Result<(), JournalError> {
        self.start_from(info, &mut rows.iter().cloned().map(Ok))
    }

    /// As [`start`](Self::start), from rows as they come, so that a run of millions need
    /// not hold them all: the rows are written as one, and when an item is an error (or two
    /// rows have one key, [`JournalError::DuplicateKey`]) nothing is written and that error
    /// is returned.
    fn start_from(
        &self,
        info: &RunInfo,
        rows: &mut dyn Iterator<Item = Result<JournalRow, JournalError>>,
    ) -> Result<(), JournalError>;

    /// The rows in `state` (every row for `None`), in key order.
    fn rows(&self, state: Option<RowState>) -> Result<Vec<JournalRow>, JournalError>;

    /// Up to `limit` rows in `state` (every row for `None`) whose keys follow `after`, in key
    /// order: a page, for reading a large run a part at a time.
    fn rows_after(
        &self,
        state: Option<RowState>,
        after: Option<u64>,
        limit: usize,
    ) -> Result<Vec<JournalRow>, JournalError> {
        Ok(self
            .rows(state)?
            .into_iter()
            .filter(|row| after.is_none_or(|after| row.row > after))
            .take(limit)
            .collect())
    }

    /// Makes every change recorded so far durable. A journal may hold back changes other
    /// than claims (they can be learnt again from Webex) to write many at once; the run
    /// calls this when it ends.
    fn flush(&self) -> Result<(), JournalError> {
        Ok(())
    }

    /// How many rows are in each state.
    fn counts(&self) -> Result<Counts, JournalError> {
        Ok(Counts::of(&self.rows(None)?))
    }

    /// Records the intent to send each of `rows` that is `pending` (or `sending` already),
    /// counting an attempt for each, in one durable write: the requests leave right after
    /// it returns. A row that has an outcome already (an update whose subscriber was not
    /// found) is left as it is and named in [`Claimed::settled`]; a row the journal does not
    /// hold is an error.
    fn claim(&self, rows: &[u64]) -> Result<Claimed, JournalError>;

    /// Records `change` for `row`; returns the row as it was before.
    fn record(&self, row: u64, change: &RowChange) -> Result<JournalRow, JournalError>;

    /// Gives each of `rows` another go, in one write, as [`JournalRow::retried`] leaves it
    /// (with the request given, or its own). As `sending`, its outcome counts as unknown,
    /// so a run looks it up before sending it again and a row that succeeded meanwhile is
    /// recorded, not sent twice. Every row must have ended failed
    /// ([`JournalRow::ended_failed`]); otherwise nothing is written and the first other row
    /// is refused with [`JournalError::Transition`].
    fn retry(&self, rows: &[(u64, Option<RowRequest>)]) -> Result<(), JournalError>;
}

/// How many rows [`journal_pages`] reads at a time.
pub const JOURNAL_PAGE_ROWS: usize = 1_024;

/// The rows of `journal` in `state` (every row for `None`), in key order, a page of
/// [`JOURNAL_PAGE_ROWS`] at a time ([`Journal::rows_after`]), so that a run of millions is
/// never held whole. An error ends the pages.
///
/// ```
/// use webex_broadworks::bulk::{Journal, MemoryJournal, RowState, journal_pages};
///
/// let journal = MemoryJournal::new();
/// // ... a run ...
/// for page in journal_pages(&journal, Some(RowState::Failed)) {
///     for row in page? {
///         println!("row {} failed: {:?}", row.row, row.error);
///     }
/// }
/// # Ok::<(), webex_broadworks::bulk::JournalError>(())
/// ```
pub fn journal_pages(
    journal: &dyn Journal,
    state: Option<RowState>,
) -> impl Iterator<Item = Result<Vec<JournalRow>, JournalError>> + '_ {
    let mut after = None;
    let mut done = false;
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        match journal.rows_after(state, after, JOURNAL_PAGE_ROWS) {
            Ok(rows) => {
                done = rows.len() < JOURNAL_PAGE_ROWS;
                after = rows.last().map(|row| row.row);
                (!rows.is_empty()).then_some(Ok(rows))
            }
            Err(error) => {
                done = true;
                Some(Err(error))
            }
        }
    })
}

/// As [`journal_pages`], a row at a time.
///
/// ```
/// use webex_broadworks::bulk::{MemoryJournal, journal_rows};
///
/// let journal = MemoryJournal::new();
/// let failed = journal_rows(&journal, None)
///     .filter(|row| row.as_ref().is_ok_and(|row| row.ended_failed()))
///     .count();
/// assert_eq!(failed, 0);
/// ```
pub fn journal_rows(
    journal: &dyn Journal,
    state: Option<RowState>,
) -> impl Iterator<Item = Result<JournalRow, JournalError>> + '_ {
    journal_pages(journal, state).flat_map(|page| {
        let (rows, error) = match page {
            Ok(rows) => (rows, None),
            Err(error) => (Vec::new(), Some(error)),
        };
        rows.into_iter().map(Ok).chain(error.map(Err))
    })
}

/// A journal in memory: for batches whose caller keeps its own records, and for tests. A
/// process that dies loses it.
#[derive(Debug, Default)]
pub struct MemoryJournal {
    state: Mutex<MemoryState>,
}

#[derive(Debug, Default)]
struct MemoryState {
    info: Option<RunInfo>,
    rows: BTreeMap<u64, JournalRow>,
}

impl MemoryJournal {
    /// An empty journal.
    pub fn new() -> Self {
        MemoryJournal::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, MemoryState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn transition_error(row: u64, from: Option<&JournalRow>, to: &'static str) -> JournalError {
    JournalError::Transition {
        row,
        from: from.map_or_else(
            || "nowhere (no such row)".to_string(),
            |row| row.state.to_string(),
        ),
        to,
    }
}

impl Journal for MemoryJournal {
    fn location(&self) -> String {
        "the in-memory journal".to_string()
    }

    fn run_info(&self) -> Result<Option<RunInfo>, JournalError> {
        Ok(self.lock().info.clone())
    }

    fn start_from(
        &self,
        info: &RunInfo,
        rows: &mut dyn Iterator<Item = Result<JournalRow, JournalError>>,
    ) -> Result<(), JournalError> {
        let mut state = self.lock();
        if state.info.is_some() {
            return Err(JournalError::Exists(self.location()));
        }
        let mut kept = BTreeMap::new();
        for row in rows {
            let row = row?;
            let key = row.row;
            if kept.insert(key, row).is_some() {
                return Err(JournalError::DuplicateKey(key));
            }
        }
        state.info = Some(info.clone());
        state.rows = kept;
        Ok(())
    }

    fn rows(&self, wanted: Option<RowState>) -> Result<Vec<JournalRow>, JournalError> {
        let state = self.lock();
        Ok(state
            .rows
            .values()
            .filter(|row| wanted.is_none_or(|wanted| row.state == wanted))
            .cloned()
            .collect())
    }

    fn claim(&self, rows: &[u64]) -> Result<Claimed, JournalError> {
        let mut state = self.lock();
        if let Some(missing) = rows.iter().find(|key| !state.rows.contains_key(key)) {
            return Err(transition_error(*missing, None, "sending"));
        }
        let mut claimed = Claimed::default();
        for key in rows {
            let Some(row) = state.rows.get_mut(key) else {
                continue;
            };
            match row.state {
                RowState::Pending => claimed.from_pending += 1,
                RowState::Sending => {}
                _ => {
                    claimed.settled.push(*key);
                    continue;
                }
            }
            row.state = RowState::Sending;
            row.attempts += 1;
        }
        Ok(claimed)
    }

    fn record(&self, key: u64, change: &RowChange) -> Result<JournalRow, JournalError> {
        let mut state = self.lock();
        let row = state.rows.get_mut(&key);
        let Some(row) = row.filter(|row| change.allowed_from().contains(&row.state)) else {
            let to = change.to().map_or("the same state", RowState::as_str);
            return Err(transition_error(key, state.rows.get(&key), to));
        };
        let before = row.clone();
        change.apply(row);
        Ok(before)
    }

    fn retry(&self, rows: &[(u64, Option<RowRequest>)]) -> Result<(), JournalError> {
        let mut state = self.lock();
        let refused = rows
            .iter()
            .find(|(key, _)| !state.rows.get(key).is_some_and(JournalRow::ended_failed));
        if let Some((key, _)) = refused {
            return Err(transition_error(*key, state.rows.get(key), "sending"));
        }
        for (key, request) in rows {
            if let Some(row) = state.rows.get_mut(key) {
                *row = row.retried(request.as_ref());
            }
        }
        Ok(())
    }
}

#[cfg(test)]
pub(crate) mod fixtures {
    use webex_broadworks_api::types;
    use webex_broadworks_api::wire::Package;

    use super::*;

    /// A provisioning row for `user_id`.
    pub(crate) fn row(key: u64, user_id: &str) -> JournalRow {
        JournalRow::pending(
            key,
            RowRequest::ProvisionSubscriber(types::ProvisionSubscriberRequest {
                provisioning_id: "prov-1".into(),
                user_id: user_id.into(),
                sp_enterprise_id: "Reseller1+acme".into(),
                first_name: "A".into(),
                last_name: "B".into(),
                package: Package::Basic,
                email: None,
                primary_phone_number: None,
                mobile_phone_number: None,
                extension: None,
                language: None,
                timezone: None,
            }),
        )
    }

    pub(crate) fn info() -> RunInfo {
        RunInfo {
            kind: BatchKind::ProvisionSubscribers,
            base_url: "http://127.0.0.1:1/v1".into(),
            input: "people.csv".into(),
        }
    }

    /// Walks a journal through the state machine; every implementation must pass.
    pub(crate) fn walk_the_state_machine(journal: &dyn Journal) {
        journal
            .start(
                &info(),
                &[row(2, "a@x.y"), row(3, "b@x.y"), row(4, "c@x.y")],
            )
            .unwrap();
        assert!(matches!(
            journal.start(&info(), &[]),
            Err(JournalError::Exists(_))
        ));
        assert_eq!(journal.run_info().unwrap(), Some(info()));
        // Accepting a row that was never claimed would hide an unsent request.
        let accepted = RowChange::Accepted {
            id: "sub-2".into(),
            status: "provisioning".into(),
            since: Some("2024-01-01T00:00:00.000Z".into()),
            tracking_id: Some("t-1".into()),
        };
        assert!(matches!(
            journal.record(2, &accepted),
            Err(JournalError::Transition { row: 2, .. })
        ));
        assert_eq!(journal.claim(&[2, 3]).unwrap().from_pending, 2);
        assert_eq!(
            journal.claim(&[3]).unwrap(),
            Claimed::default(),
            "claimed again: not pending"
        );
        let before = journal.record(2, &accepted).unwrap();
        assert_eq!(before.state, RowState::Sending);
        journal
            .record(
                3,
                &RowChange::Failed {
                    error: "HTTP 400".into(),
                    tracking_id: Some("t-2".into()),
                },
            )
            .unwrap();
        // A row with an outcome is left alone; the others are claimed.
        assert_eq!(
            journal.claim(&[3, 4]).unwrap(),
            Claimed {
                from_pending: 1,
                settled: vec![3],
            }
        );
        assert!(matches!(
            journal.claim(&[4, 99]),
            Err(JournalError::Transition { row: 99, .. })
        ));
        assert_eq!(journal.rows(Some(RowState::Sending)).unwrap().len(), 1);
        journal
            .record(
                2,
                &RowChange::Final {
                    id: None,
                    status: "provisioned".into(),
                    reason: None,
                    tracking_id: Some("t-3".into()),
                },
            )
            .unwrap();
        let rows = journal.rows(None).unwrap();
        assert_eq!(rows[0].state, RowState::Final);
        assert_eq!(rows[0].subscriber_id.as_deref(), Some("sub-2"));
        assert_eq!(rows[0].tracking_id.as_deref(), Some("t-3"));
        assert_eq!(rows[0].attempts, 1);
        assert_eq!(rows[0].request, row(2, "a@x.y").request);
        assert_eq!(rows[1].state, RowState::Failed);
        assert_eq!(rows[1].attempts, 2);
        assert_eq!(rows[2].attempts, 1, "a refused claim counts no attempt");
        let counts = journal.counts().unwrap();
        assert_eq!(
            (
                counts.total,
                counts.succeeded,
                counts.failed,
                counts.sending
            ),
            (3, 1, 1, 1)
        );
        // A retry takes only rows that ended failed, and all of them or none.
        let fixed = row(3, "b2@x.y").request;
        assert!(matches!(
            journal.retry(&[(3, Some(fixed.clone())), (2, None)]),
            Err(JournalError::Transition { row: 2, .. })
        ));
        assert_eq!(journal.rows(Some(RowState::Failed)).unwrap().len(), 1);
        journal.retry(&[(3, Some(fixed.clone()))]).unwrap();
        let retried = journal.rows(None).unwrap().remove(1);
        assert_eq!(retried.state, RowState::Sending);
        assert_eq!(retried.request, fixed);
        assert_eq!(retried.user_id, "b2@x.y");
        assert_eq!(retried.error, None);
        assert_eq!(retried.attempts, 2);
        assert!(matches!(
            journal.retry(&[(3, None)]),
            Err(JournalError::Transition { row: 3, .. })
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_memory_journal_walks_the_state_machine() {
        fixtures::walk_the_state_machine(&MemoryJournal::new());
    }

    #[test]
    fn counts_move_with_each_row() {
        let mut counts = Counts::default();
        counts.add(RowState::Pending, None, 3);
        counts.add(RowState::Pending, None, -1);
        counts.add(RowState::Final, Some("pending_email_input"), 1);
        counts.add(RowState::Final, Some("error"), 1);
        counts.add(RowState::Final, Some("provisioned"), 1);
        assert_eq!(
            (
                counts.pending,
                counts.paused,
                counts.failed,
                counts.succeeded
            ),
            (2, 1, 1, 1)
        );
    }
}
