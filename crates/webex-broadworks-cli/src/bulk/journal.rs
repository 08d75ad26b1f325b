//! The journal of a bulk run: one SQLite file that records, for every row, what was sent
//! and what came back, so that a run killed at any point resumes without sending a
//! provisioning twice.
//!
//! A row moves `pending -> sending -> accepted -> final`, or `sending -> failed`:
//! - `sending` is written, and synced to disk, *before* the request goes out. A row found
//!   in `sending` on resume has an unknown outcome and is looked up, never simply resent.
//! - `accepted` holds the id the server gave and the `lastStatusChange` it showed then;
//!   the run waits for a later, final status.
//! - `final` holds that status (`provisioned`, a `pending_*` pause, or `error` with the
//!   reason); `failed` a request the server refused, with why.

use std::path::Path;
use std::sync::Mutex;

use rusqlite::{Connection, OptionalExtension, params};

use crate::bulk::input::{BulkKind, InputRow, RowRequest};

/// Bumped whenever the schema changes; a journal of another version is not resumed.
const SCHEMA_VERSION: i64 = 1;

const SCHEMA: &str = "
CREATE TABLE run (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    schema_version INTEGER NOT NULL,
    kind TEXT NOT NULL,
    base_url TEXT NOT NULL,
    input TEXT NOT NULL,
    started TEXT NOT NULL
);
CREATE TABLE rows (
    row INTEGER PRIMARY KEY,
    user_id TEXT NOT NULL,
    request TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'accepted', 'final', 'failed')),
    subscriber_id TEXT,
    status TEXT,
    error TEXT,
    tracking_id TEXT,
    since TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    updated TEXT NOT NULL
);
CREATE INDEX rows_by_state ON rows (state);
";

/// Where a row stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RowState {
    /// Not sent yet.
    Pending,
    /// About to be sent, or sent without a known answer.
    Sending,
    /// The server took it; its final status is awaited.
    Accepted,
    /// Its final status is known.
    Final,
    /// The server refused it.
    Failed,
}

impl RowState {
    fn as_str(self) -> &'static str {
        match self {
            RowState::Pending => "pending",
            RowState::Sending => "sending",
            RowState::Accepted => "accepted",
            RowState::Final => "final",
            RowState::Failed => "failed",
        }
    }

    fn parse(text: &str) -> Option<Self> {
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

/// What the journal knows about one row.
#[derive(Clone, Debug, PartialEq)]
pub struct JournalRow {
    /// The row number in the input file.
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
    /// How many times it was sent.
    pub attempts: u32,
}

/// What a journal was made for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunInfo {
    /// The kind of run.
    pub kind: BulkKind,
    /// The API it talks to: rows accepted there exist nowhere else.
    pub base_url: String,
    /// The input file, as given.
    pub input: String,
}

/// Why the journal cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    /// SQLite failed.
    #[error("the journal cannot be used: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The journal holds a run already.
    #[error(
        "a journal of an earlier run exists at {0}; continue it with --resume, or move it away to start afresh"
    )]
    Exists(String),
    /// `--resume` without a journal.
    #[error("no journal at {0} to resume; run without --resume to start")]
    Missing(String),
    /// The journal is not one this version can resume.
    #[error("the journal at {path} cannot be resumed: {why}")]
    Unusable {
        /// Where.
        path: String,
        /// Why.
        why: String,
    },
    /// A transition that the state machine does not allow (a bug, or two runs at once).
    #[error("row {row} cannot go from {from} to {to}; is another run using the same journal?")]
    Transition {
        /// The row.
        row: u64,
        /// Its state.
        from: String,
        /// The state asked for.
        to: &'static str,
    },
}

/// An open journal. Calls are short and serialised by a mutex.
#[derive(Debug)]
pub struct Journal {
    connection: Mutex<Connection>,
    /// Where it is, for messages.
    path: String,
}

/// How many rows are in each state, and how the final ones ended.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
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
}

fn open_connection(path: &Path) -> Result<Connection, rusqlite::Error> {
    let connection = Connection::open(path)?;
    connection.busy_timeout(std::time::Duration::from_secs(5))?;
    connection.pragma_update(None, "journal_mode", "WAL")?;
    connection.pragma_update(None, "synchronous", "NORMAL")?;
    Ok(connection)
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

impl Journal {
    /// Creates the journal of a new run with every row `pending`, in one transaction. A
    /// file left by a run that stopped before its rows were written is replaced.
    pub fn create(path: &Path, info: &RunInfo, rows: &[InputRow]) -> Result<Journal, JournalError> {
        if path.exists() {
            let connection = open_connection(path)?;
            if read_run(&connection, path)?.is_some() {
                return Err(JournalError::Exists(path.display().to_string()));
            }
            drop(connection);
            for suffix in ["", "-wal", "-shm"] {
                let mut file = path.as_os_str().to_owned();
                file.push(suffix);
                let _ = std::fs::remove_file(file);
            }
        }
        let mut connection = open_connection(path)?;
        let transaction = connection.transaction()?;
        transaction.execute_batch(SCHEMA)?;
        transaction.execute(
            "INSERT INTO run (id, schema_version, kind, base_url, input, started) \
             VALUES (1, ?1, ?2, ?3, ?4, ?5)",
            params![
                SCHEMA_VERSION,
                info.kind.command(),
                info.base_url,
                info.input,
                now()
            ],
        )?;
        {
            let mut insert = transaction.prepare(
                "INSERT INTO rows (row, user_id, request, state, updated) \
                 VALUES (?1, ?2, ?3, 'pending', ?4)",
            )?;
            let stamp = now();
            for row in rows {
                let request =
                    serde_json::to_string(&row.request).expect("requests always serialise");
                insert.execute(params![row.row, row.request.user_id(), request, stamp])?;
            }
        }
        transaction.commit()?;
        Ok(Journal {
            connection: Mutex::new(connection),
            path: path.display().to_string(),
        })
    }

    /// Opens the journal of an earlier run.
    pub fn open(path: &Path) -> Result<(Journal, RunInfo), JournalError> {
        if !path.exists() {
            return Err(JournalError::Missing(path.display().to_string()));
        }
        let connection = open_connection(path)?;
        let unusable = |why: &str| JournalError::Unusable {
            path: path.display().to_string(),
            why: why.to_string(),
        };
        let has_run_table: bool = connection.query_row(
            "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'run'",
            [],
            |row| row.get(0),
        )?;
        if !has_run_table {
            return Err(unusable(
                "it holds no run (the run stopped before sending anything); start afresh without --resume",
            ));
        }
        let info = read_run(&connection, path)?
            .ok_or_else(|| unusable("it holds no run; start afresh without --resume"))?;
        Ok((
            Journal {
                connection: Mutex::new(connection),
                path: path.display().to_string(),
            },
            info,
        ))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.connection
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Every row, in file order.
    pub fn rows(&self) -> Result<Vec<JournalRow>, JournalError> {
        self.select("SELECT * FROM rows ORDER BY row", [])
    }

    /// The rows in `state`, in file order.
    pub fn rows_in(&self, state: RowState) -> Result<Vec<JournalRow>, JournalError> {
        self.select(
            "SELECT * FROM rows WHERE state = ?1 ORDER BY row",
            [state.as_str()],
        )
    }

    fn select(
        &self,
        sql: &str,
        params: impl rusqlite::Params,
    ) -> Result<Vec<JournalRow>, JournalError> {
        let connection = self.lock();
        let mut statement = connection.prepare(sql)?;
        let raw = statement
            .query_map(params, |row| {
                Ok(RawRow {
                    row: row.get("row")?,
                    user_id: row.get("user_id")?,
                    request: row.get("request")?,
                    state: row.get("state")?,
                    subscriber_id: row.get("subscriber_id")?,
                    status: row.get("status")?,
                    error: row.get("error")?,
                    tracking_id: row.get("tracking_id")?,
                    since: row.get("since")?,
                    attempts: row.get("attempts")?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        raw.into_iter().map(|raw| raw.decode(&self.path)).collect()
    }

    /// How many rows are in each state.
    pub fn counts(&self) -> Result<Counts, JournalError> {
        let connection = self.lock();
        let mut statement = connection
            .prepare("SELECT state, status, count(*) FROM rows GROUP BY state, status")?;
        let mut counts = Counts::default();
        let groups = statement.query_map([], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, Option<String>>(1)?,
                row.get::<_, u64>(2)?,
            ))
        })?;
        for group in groups {
            let (state, status, count) = group?;
            counts.total += count;
            match (RowState::parse(&state), status.as_deref()) {
                (Some(RowState::Pending), _) => counts.pending += count,
                (Some(RowState::Sending), _) => counts.sending += count,
                (Some(RowState::Accepted), _) => counts.waiting += count,
                (Some(RowState::Failed), _) => counts.failed += count,
                (Some(RowState::Final), Some(status)) if status.starts_with("pending_") => {
                    counts.paused += count;
                }
                (Some(RowState::Final), Some("error")) => counts.failed += count,
                (Some(RowState::Final), _) => counts.succeeded += count,
                (None, _) => {}
            }
        }
        Ok(counts)
    }

    fn transition(
        &self,
        row: u64,
        from: &[RowState],
        to: RowState,
        durable: bool,
        assignments: &str,
        values: &[&dyn rusqlite::ToSql],
    ) -> Result<(), JournalError> {
        let connection = self.lock();
        // The intent to send must be on disk before the request leaves; the other
        // transitions can be replayed from the server's state if a power cut loses them.
        if durable {
            connection.pragma_update(None, "synchronous", "FULL")?;
        }
        let allowed = from
            .iter()
            .map(|state| format!("'{}'", state.as_str()))
            .collect::<Vec<_>>()
            .join(", ");
        let assignments = if assignments.is_empty() {
            String::new()
        } else {
            format!(", {assignments}")
        };
        let sql = format!(
            "UPDATE rows SET state = '{}', updated = ?1{assignments} \
             WHERE row = ?2 AND state IN ({allowed})",
            to.as_str()
        );
        let stamp = now();
        let mut all: Vec<&dyn rusqlite::ToSql> = vec![&stamp, &row];
        all.extend_from_slice(values);
        let changed = connection.execute(&sql, all.as_slice());
        if durable {
            connection.pragma_update(None, "synchronous", "NORMAL")?;
        }
        if changed? == 1 {
            return Ok(());
        }
        let from: Option<String> = connection
            .query_row("SELECT state FROM rows WHERE row = ?1", [row], |r| r.get(0))
            .optional()?;
        Err(JournalError::Transition {
            row,
            from: from.unwrap_or_else(|| "nowhere (no such row)".into()),
            to: to.as_str(),
        })
    }

    /// Records the intent to send `row` (durably): from `pending`, or again from `sending`.
    pub fn mark_sending(&self, row: u64) -> Result<(), JournalError> {
        self.transition(
            row,
            &[RowState::Pending, RowState::Sending],
            RowState::Sending,
            true,
            "attempts = attempts + 1",
            &[],
        )
    }

    /// Records the intent to send each of `rows` (durably), in one transaction: one write to
    /// disk for several rows. Each must be `pending` (or `sending` already).
    pub fn mark_sending_many(&self, rows: &[u64]) -> Result<(), JournalError> {
        let mut connection = self.lock();
        connection.pragma_update(None, "synchronous", "FULL")?;
        let written = (|| {
            let transaction = connection.transaction()?;
            let stamp = now();
            let mut changed = 0;
            {
                let mut update = transaction.prepare(
                    "UPDATE rows SET state = 'sending', updated = ?1, attempts = attempts + 1 \
                     WHERE row = ?2 AND state IN ('pending', 'sending')",
                )?;
                for row in rows {
                    changed += update.execute(rusqlite::params![stamp, row])?;
                }
            }
            transaction.commit()?;
            Ok::<usize, rusqlite::Error>(changed)
        })();
        connection.pragma_update(None, "synchronous", "NORMAL")?;
        if written? == rows.len() {
            return Ok(());
        }
        // Name the first row that was not in a state to be sent.
        drop(connection);
        for &row in rows {
            if self.state_of(row)? != Some(RowState::Sending) {
                return self.mark_sending(row);
            }
        }
        Ok(())
    }

    fn state_of(&self, row: u64) -> Result<Option<RowState>, JournalError> {
        let state: Option<String> = self
            .lock()
            .query_row("SELECT state FROM rows WHERE row = ?1", [row], |r| r.get(0))
            .optional()?;
        Ok(state.as_deref().and_then(RowState::parse))
    }

    /// The request was certainly not applied (the server said so, or a lookup found
    /// nothing): it may be sent again.
    pub fn mark_pending(&self, row: u64) -> Result<(), JournalError> {
        self.transition(row, &[RowState::Sending], RowState::Pending, false, "", &[])
    }

    /// Remembers which subscriber an update row is about, once looked up.
    pub fn set_subscriber_id(&self, row: u64, id: &str) -> Result<(), JournalError> {
        self.lock().execute(
            "UPDATE rows SET subscriber_id = ?1, updated = ?2 WHERE row = ?3",
            params![id, now(), row],
        )?;
        Ok(())
    }

    /// The server took the row: `id`, the status it showed, and its `lastStatusChange`.
    pub fn mark_accepted(
        &self,
        row: u64,
        id: &str,
        status: &str,
        since: Option<&str>,
        tracking_id: Option<&str>,
    ) -> Result<(), JournalError> {
        self.transition(
            row,
            &[RowState::Sending],
            RowState::Accepted,
            false,
            "subscriber_id = ?3, status = ?4, since = ?5, tracking_id = coalesce(?6, tracking_id)",
            &[&id, &status, &since, &tracking_id],
        )
    }

    /// The row reached a final `status`; `error` says why when it is `error` or paused.
    pub fn mark_final(
        &self,
        row: u64,
        id: Option<&str>,
        status: &str,
        error: Option<&str>,
        tracking_id: Option<&str>,
    ) -> Result<(), JournalError> {
        self.transition(
            row,
            &[RowState::Sending, RowState::Accepted],
            RowState::Final,
            false,
            "subscriber_id = coalesce(?3, subscriber_id), status = ?4, error = ?5, \
             tracking_id = coalesce(?6, tracking_id)",
            &[&id, &status, &error, &tracking_id],
        )
    }

    /// The server refused the row, or it could not be sent.
    pub fn mark_failed(
        &self,
        row: u64,
        error: &str,
        tracking_id: Option<&str>,
    ) -> Result<(), JournalError> {
        self.transition(
            row,
            &[RowState::Pending, RowState::Sending],
            RowState::Failed,
            false,
            "error = ?3, tracking_id = coalesce(?4, tracking_id)",
            &[&error, &tracking_id],
        )
    }
}

/// A row as stored, before its request and state are decoded.
struct RawRow {
    row: u64,
    user_id: String,
    request: String,
    state: String,
    subscriber_id: Option<String>,
    status: Option<String>,
    error: Option<String>,
    tracking_id: Option<String>,
    since: Option<String>,
    attempts: u32,
}

impl RawRow {
    fn decode(self, path: &str) -> Result<JournalRow, JournalError> {
        let unusable = |why: String| JournalError::Unusable {
            path: path.to_string(),
            why,
        };
        let request = serde_json::from_str(&self.request).map_err(|error| {
            unusable(format!(
                "row {} holds an unreadable request ({error}); move the journal away to start afresh",
                self.row
            ))
        })?;
        let state = RowState::parse(&self.state).ok_or_else(|| {
            unusable(format!(
                "row {} has the unknown state {} (written by another version of wxbw?); move the journal away to start afresh",
                self.row, self.state
            ))
        })?;
        Ok(JournalRow {
            row: self.row,
            user_id: self.user_id,
            request,
            state,
            subscriber_id: self.subscriber_id,
            status: self.status,
            error: self.error,
            tracking_id: self.tracking_id,
            since: self.since,
            attempts: self.attempts,
        })
    }
}

fn read_run(connection: &Connection, path: &Path) -> Result<Option<RunInfo>, JournalError> {
    let exists: bool = connection.query_row(
        "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'run'",
        [],
        |row| row.get(0),
    )?;
    if !exists {
        return Ok(None);
    }
    let run = connection
        .query_row(
            "SELECT schema_version, kind, base_url, input FROM run WHERE id = 1",
            [],
            |row| {
                Ok((
                    row.get::<_, i64>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, String>(3)?,
                ))
            },
        )
        .optional()?;
    let Some((version, kind, base_url, input)) = run else {
        return Ok(None);
    };
    let unusable = |why: String| JournalError::Unusable {
        path: path.display().to_string(),
        why,
    };
    if version != SCHEMA_VERSION {
        return Err(unusable(format!(
            "it was written by another version of wxbw (schema {version}, this one reads {SCHEMA_VERSION}); finish the run with that version, or move the journal away to start afresh"
        )));
    }
    let kind = [
        BulkKind::ProvisionSubscribers,
        BulkKind::UpdateSubscribers,
        BulkKind::ProvisionWorkspaces,
    ]
    .into_iter()
    .find(|candidate| candidate.command() == kind)
    .ok_or_else(|| unusable(format!("it records an unknown kind of run, {kind} (written by another version of wxbw?); move the journal away to start afresh")))?;
    Ok(Some(RunInfo {
        kind,
        base_url,
        input,
    }))
}

/// Rows and runs for the tests of the journal and of what writes it.
#[cfg(test)]
pub(crate) mod fixtures {
    use webex_broadworks_api::types;
    use webex_broadworks_api::wire::Package;

    use super::*;

    /// A provisioning row for `user_id`.
    pub(crate) fn input(row: u64, user_id: &str) -> InputRow {
        InputRow {
            row,
            request: RowRequest::ProvisionSubscriber(types::ProvisionSubscriberRequest {
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
        }
    }

    pub(crate) fn info() -> RunInfo {
        RunInfo {
            kind: BulkKind::ProvisionSubscribers,
            base_url: "http://127.0.0.1:1/v1".into(),
            input: "people.csv".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::{info, input};
    use super::*;

    #[test]
    fn several_rows_are_claimed_in_one_write_and_only_from_pending() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("run.journal.sqlite");
        let rows: Vec<InputRow> = (2..6).map(|n| input(n, &format!("u{n}@x.y"))).collect();
        let journal = Journal::create(&path, &info(), &rows).unwrap();
        journal.mark_sending_many(&[2, 3, 4]).unwrap();
        assert_eq!(journal.rows_in(RowState::Sending).unwrap().len(), 3);
        assert_eq!(journal.rows_in(RowState::Pending).unwrap().len(), 1);
        journal.mark_failed(4, "refused", None).unwrap();
        let error = journal.mark_sending_many(&[4, 5]).unwrap_err();
        assert!(
            matches!(error, JournalError::Transition { row: 4, .. }),
            "{error}"
        );
    }

    #[test]
    fn rows_walk_the_state_machine_and_survive_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("run.journal.sqlite");
        let journal =
            Journal::create(&path, &info(), &[input(2, "a@x.y"), input(3, "b@x.y")]).unwrap();
        journal.mark_sending(2).unwrap();
        journal
            .mark_accepted(
                2,
                "sub-2",
                "provisioning",
                Some("2024-01-01T00:00:00.000Z"),
                Some("t-1"),
            )
            .unwrap();
        journal.mark_sending(3).unwrap();
        journal.mark_failed(3, "HTTP 400", Some("t-2")).unwrap();
        drop(journal);

        let (journal, run) = Journal::open(&path).unwrap();
        assert_eq!(run, info());
        let rows = journal.rows().unwrap();
        assert_eq!(rows[0].state, RowState::Accepted);
        assert_eq!(rows[0].subscriber_id.as_deref(), Some("sub-2"));
        assert_eq!(rows[0].attempts, 1);
        assert_eq!(rows[0].request, input(2, "a@x.y").request);
        assert_eq!(rows[1].state, RowState::Failed);
        journal
            .mark_final(2, None, "provisioned", None, Some("t-3"))
            .unwrap();
        let counts = journal.counts().unwrap();
        assert_eq!(
            (counts.total, counts.succeeded, counts.failed, counts.done()),
            (2, 1, 1, 2)
        );
    }

    #[test]
    fn transitions_outside_the_state_machine_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.sqlite");
        let journal = Journal::create(&path, &info(), &[input(2, "a@x.y")]).unwrap();
        // Accepting a row that was never marked as sending would hide an unsent request.
        let error = journal
            .mark_accepted(2, "sub", "provisioning", None, None)
            .unwrap_err();
        assert!(
            matches!(error, JournalError::Transition { row: 2, .. }),
            "{error}"
        );
        journal.mark_sending(2).unwrap();
        journal
            .mark_final(2, Some("sub"), "provisioned", None, None)
            .unwrap();
        assert!(journal.mark_sending(2).is_err());
    }

    #[test]
    fn a_second_run_does_not_overwrite_a_journal() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.sqlite");
        drop(Journal::create(&path, &info(), &[input(2, "a@x.y")]).unwrap());
        assert!(matches!(
            Journal::create(&path, &info(), &[input(2, "a@x.y")]),
            Err(JournalError::Exists(_))
        ));
        assert!(matches!(
            Journal::open(&dir.path().join("other.sqlite")),
            Err(JournalError::Missing(_))
        ));
    }

    #[test]
    fn an_empty_file_left_by_an_aborted_start_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.sqlite");
        std::fs::write(&path, b"").unwrap();
        assert!(matches!(
            Journal::open(&path),
            Err(JournalError::Unusable { .. })
        ));
        let journal = Journal::create(&path, &info(), &[input(2, "a@x.y")]).unwrap();
        assert_eq!(journal.counts().unwrap().pending, 1);
    }
}
