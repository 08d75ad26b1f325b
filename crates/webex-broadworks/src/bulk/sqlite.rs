//! [`SqliteJournal`]: a batch's journal in one SQLite file, so that a run killed at any
//! point (`kill -9`, a power cut) resumes without sending a provisioning twice.
//!
//! Every commit is `synchronous = FULL` (on disk when it returns). Claims, the intents to
//! send, are committed before the request leaves; the other changes (answers, which a
//! resume can learn again from Webex) are held in the open transaction and committed with
//! the next claim, every [`CHANGES_PER_COMMIT`] changes or [`HOLD_AT_MOST`], and at
//! [`Journal::flush`], so that
//! a run writes each page a few times, not once per change. The rows a run keeps asking
//! for (`sending`, `accepted`) have indexes of their own that hold only them. The file is
//! created readable by its owner only: it holds every row's names, e-mail addresses and
//! numbers.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

use rusqlite::{Connection, OptionalExtension, params};

use crate::bulk::journal::{
    Claimed, Journal, JournalError, JournalRow, RowChange, RowState, RunInfo,
};
use crate::bulk::request::{BatchKind, RowRequest};

/// Bumped whenever the schema changes; a journal of another version is not resumed (a
/// version 1 journal is brought up to date when opened).
const SCHEMA_VERSION: i64 = 2;

/// The most changes other than claims held back before a commit.
const CHANGES_PER_COMMIT: u32 = 1_024;

/// The longest a change other than a claim is held back (checked at the next change).
const HOLD_AT_MOST: std::time::Duration = std::time::Duration::from_secs(1);

const SCHEMA: &str = "
CREATE TABLE run (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    schema_version INTEGER NOT NULL,
    kind TEXT NOT NULL,
    base_url TEXT NOT NULL,
    input TEXT NOT NULL,
    started TEXT NOT NULL
);
CREATE TABLE requests (
    row INTEGER PRIMARY KEY,
    user_id TEXT NOT NULL,
    request TEXT NOT NULL
);
CREATE TABLE rows (
    row INTEGER PRIMARY KEY,
    state TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'accepted', 'final', 'failed')),
    subscriber_id TEXT,
    status TEXT,
    error TEXT,
    tracking_id TEXT,
    since TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    updated TEXT NOT NULL
);
";

/// A row as the journal gives it: what is sent (written once) joined with where it stands
/// (a narrow row, rewritten as the row moves, so that many fit a page).
const SELECT_ROWS: &str = "SELECT row, user_id, request, state, subscriber_id, status, error, \
     tracking_id, since, attempts FROM rows JOIN requests USING (row)";

/// The indexes of the rows a run looks for again and again; each holds only its state's
/// rows, so a row enters and leaves each once.
const INDEXES: &str = "
CREATE INDEX IF NOT EXISTS rows_sending ON rows (row) WHERE state = 'sending';
CREATE INDEX IF NOT EXISTS rows_accepted ON rows (row) WHERE state = 'accepted';
";

/// A journal in a SQLite file. Calls are short and serialised by a mutex.
#[derive(Debug)]
pub struct SqliteJournal {
    inner: Mutex<Inner>,
    path: PathBuf,
}

#[derive(Debug)]
struct Inner {
    connection: Connection,
    /// Changes in the open transaction, not yet committed.
    held: u32,
    /// When the first of them was made.
    held_since: Option<tokio::time::Instant>,
    /// The file is in rollback-journal mode, to be put back in write-ahead-log mode when no
    /// reader holds it (a reader elsewhere, such as `sqlite3` looking in, can keep the
    /// switch from happening for a while; the journal works in either mode).
    wal_wanted: bool,
}

impl Inner {
    /// Opens a transaction unless one is open.
    fn begin(&mut self) -> Result<(), rusqlite::Error> {
        if self.connection.is_autocommit() {
            if self.wal_wanted {
                self.wal_wanted = !set_journal_mode(&self.connection, "wal");
            }
            self.connection.execute_batch("BEGIN IMMEDIATE")?;
        }
        Ok(())
    }

    /// Commits what the open transaction holds.
    fn commit(&mut self) -> Result<(), rusqlite::Error> {
        if !self.connection.is_autocommit() {
            self.connection.execute_batch("COMMIT")?;
        }
        self.held = 0;
        self.held_since = None;
        Ok(())
    }

    /// Drops what the open transaction holds.
    fn roll_back(&mut self) {
        if !self.connection.is_autocommit() {
            let _ = self.connection.execute_batch("ROLLBACK");
        }
        self.held = 0;
        self.held_since = None;
    }

    /// Counts a change held back; commits once there are enough.
    fn held_one(&mut self) -> Result<(), rusqlite::Error> {
        self.held += 1;
        let since = *self
            .held_since
            .get_or_insert_with(tokio::time::Instant::now);
        if self.held >= CHANGES_PER_COMMIT || since.elapsed() >= HOLD_AT_MOST {
            self.commit()?;
        }
        Ok(())
    }

    fn select(
        &self,
        sql: &str,
        params: impl rusqlite::Params,
        path: &Path,
    ) -> Result<Vec<JournalRow>, JournalError> {
        let mut statement = self.connection.prepare_cached(sql)?;
        let raw = statement
            .query_map(params, RawRow::read)?
            .collect::<Result<Vec<_>, _>>()?;
        let path = path.display().to_string();
        raw.into_iter().map(|raw| raw.decode(&path)).collect()
    }

    fn row(&self, row: u64, path: &Path) -> Result<Option<JournalRow>, JournalError> {
        Ok(self
            .select(&format!("{SELECT_ROWS} WHERE row = ?1"), [row], path)?
            .into_iter()
            .next())
    }
}

impl Drop for SqliteJournal {
    fn drop(&mut self) {
        // What was held back is written; a process killed first loses only answers.
        let _ = self.lock().commit();
    }
}

impl From<rusqlite::Error> for JournalError {
    fn from(error: rusqlite::Error) -> Self {
        JournalError::Storage(error.to_string())
    }
}

impl SqliteJournal {
    /// A journal for a new run at `path`. Refused with [`JournalError::Exists`] when a
    /// journal of a run is there already; a file left by a run that stopped before its rows
    /// were written is replaced.
    pub fn create(path: impl AsRef<Path>) -> Result<SqliteJournal, JournalError> {
        let path = path.as_ref();
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
        create_private(path)?;
        Ok(SqliteJournal::of(open_connection(path)?, path))
    }

    /// The journal of an earlier run at `path`.
    pub fn open(path: impl AsRef<Path>) -> Result<SqliteJournal, JournalError> {
        let path = path.as_ref();
        if !path.exists() {
            return Err(JournalError::Missing(path.display().to_string()));
        }
        let connection = open_connection(path)?;
        if read_run(&connection, path)?.is_none() {
            return Err(JournalError::Unusable {
                path: path.display().to_string(),
                why: "it holds no run (the run stopped before sending anything); start a new \
                      run instead"
                    .into(),
            });
        }
        Ok(SqliteJournal::of(connection, path))
    }

    fn of(connection: Connection, path: &Path) -> SqliteJournal {
        SqliteJournal {
            inner: Mutex::new(Inner {
                connection,
                held: 0,
                held_since: None,
                wal_wanted: false,
            }),
            path: path.to_path_buf(),
        }
    }

    /// Where the journal is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Creates `path` empty, readable and writable by its owner only.
fn create_private(path: &Path) -> Result<(), JournalError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path).map(drop).map_err(|error| {
        JournalError::Storage(format!("cannot create {}: {error}", path.display()))
    })
}

fn open_connection(path: &Path) -> Result<Connection, rusqlite::Error> {
    let connection = Connection::open(path)?;
    connection.busy_timeout(std::time::Duration::from_secs(5))?;
    connection.pragma_update(None, "journal_mode", "WAL")?;
    connection.pragma_update(None, "synchronous", "FULL")?;
    // 8 MiB of page cache (the default is 2): the pages a large run keeps reading (the
    // B-trees' upper levels, the rows about to be claimed) stay in memory as the file grows.
    connection.pragma_update(None, "cache_size", -8_192)?;
    Ok(connection)
}

/// Puts the file in journal `mode` (`wal` or `delete`); `false` when it could not be changed
/// now (another connection holds the file).
fn set_journal_mode(connection: &Connection, mode: &str) -> bool {
    connection
        .query_row(&format!("PRAGMA journal_mode = {mode}"), [], |row| {
            row.get::<_, String>(0)
        })
        .is_ok_and(|now| now.eq_ignore_ascii_case(mode))
}

// Wall-clock time on purpose: the stamps tell a person reading the file when a row moved;
// no wait depends on them.
#[allow(clippy::disallowed_methods)]
fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// The rows in `state`, or all, as SQL: the state is written out so that the query planner
/// can use that state's own index.
fn where_state(state: Option<RowState>) -> String {
    state.map_or_else(String::new, |state| {
        format!("AND state = '{}'", state.as_str())
    })
}

impl Journal for SqliteJournal {
    fn location(&self) -> String {
        self.path.display().to_string()
    }

    fn run_info(&self) -> Result<Option<RunInfo>, JournalError> {
        read_run(&self.lock().connection, &self.path)
    }

    fn start_from(
        &self,
        info: &RunInfo,
        rows: &mut dyn Iterator<Item = Result<JournalRow, JournalError>>,
    ) -> Result<(), JournalError> {
        let mut inner = self.lock();
        if read_run(&inner.connection, &self.path)?.is_some() {
            return Err(JournalError::Exists(self.path.display().to_string()));
        }
        inner.commit()?;
        // The file is new: written without the write-ahead log, the rows go to disk once,
        // not to the log first. A start cut short leaves no run, and the file is replaced.
        // (Should a reader elsewhere keep the mode from changing, the rows go through the
        // log instead.)
        let rolled_back_mode = set_journal_mode(&inner.connection, "delete");
        inner.begin()?;
        let written = (|| {
            inner.connection.execute_batch(SCHEMA)?;
            inner.connection.execute_batch(INDEXES)?;
            inner.connection.execute(
                "INSERT INTO run (id, schema_version, kind, base_url, input, started) \
                 VALUES (1, ?1, ?2, ?3, ?4, ?5)",
                params![
                    SCHEMA_VERSION,
                    info.kind.as_str(),
                    info.base_url,
                    info.input,
                    now()
                ],
            )?;
            let mut insert_request = inner
                .connection
                .prepare("INSERT INTO requests (row, user_id, request) VALUES (?1, ?2, ?3)")?;
            let mut insert_row = inner
                .connection
                .prepare("INSERT INTO rows (row, state, updated) VALUES (?1, 'pending', ?2)")?;
            let stamp = now();
            for row in rows {
                let row = row?;
                let request = serde_json::to_string(&row.request)
                    .map_err(|error| JournalError::Storage(error.to_string()))?;
                let inserted = insert_request
                    .execute(params![row.row, row.user_id, request])
                    .and_then(|_| insert_row.execute(params![row.row, stamp]));
                match inserted {
                    Err(rusqlite::Error::SqliteFailure(error, _))
                        if error.code == rusqlite::ErrorCode::ConstraintViolation =>
                    {
                        return Err(JournalError::DuplicateKey(row.row));
                    }
                    other => other?,
                };
            }
            Ok::<_, JournalError>(())
        })();
        let ended = match written {
            Ok(()) => inner.commit().map_err(JournalError::from),
            Err(error) => {
                inner.roll_back();
                Err(error)
            }
        };
        if rolled_back_mode {
            inner.wal_wanted = !set_journal_mode(&inner.connection, "wal");
        }
        ended
    }

    fn rows(&self, state: Option<RowState>) -> Result<Vec<JournalRow>, JournalError> {
        let sql = format!("{SELECT_ROWS} WHERE 1 {} ORDER BY row", where_state(state));
        self.lock().select(&sql, [], &self.path)
    }

    fn rows_after(
        &self,
        state: Option<RowState>,
        after: Option<u64>,
        limit: usize,
    ) -> Result<Vec<JournalRow>, JournalError> {
        let sql = format!(
            "{SELECT_ROWS} WHERE row > ?1 {} ORDER BY row LIMIT ?2",
            where_state(state)
        );
        let after = after.map_or(-1, |after| i64::try_from(after).unwrap_or(i64::MAX));
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.lock().select(&sql, params![after, limit], &self.path)
    }

    fn counts(&self) -> Result<crate::bulk::Counts, JournalError> {
        let inner = self.lock();
        let mut statement = inner
            .connection
            .prepare_cached("SELECT state, status, count(*) FROM rows GROUP BY state, status")?;
        let mut counts = crate::bulk::Counts::default();
        let groups = statement.query_map([], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, Option<String>>(1)?,
                row.get::<_, i64>(2)?,
            ))
        })?;
        for group in groups {
            let (state, status, count) = group?;
            if let Some(state) = RowState::parse(&state) {
                counts.total += count.unsigned_abs();
                counts.add(state, status.as_deref(), count);
            }
        }
        Ok(counts)
    }

    fn claim(&self, rows: &[u64]) -> Result<Claimed, JournalError> {
        let mut inner = self.lock();
        inner.begin()?;
        let written = (|| {
            let stamp = now();
            let mut claimed = Claimed::default();
            let mut state = inner
                .connection
                .prepare_cached("SELECT state FROM rows WHERE row = ?1")?;
            let mut update = inner.connection.prepare_cached(
                "UPDATE rows SET state = 'sending', updated = ?1, attempts = attempts + 1 \
                 WHERE row = ?2",
            )?;
            for &row in rows {
                let current: Option<String> = state.query_row([row], |r| r.get(0)).optional()?;
                match current.as_deref().and_then(RowState::parse) {
                    Some(RowState::Pending) => claimed.from_pending += 1,
                    Some(RowState::Sending) => {}
                    Some(_) => {
                        claimed.settled.push(row);
                        continue;
                    }
                    None => {
                        return Ok(Err(JournalError::Transition {
                            row,
                            from: "nowhere (no such row)".into(),
                            to: "sending",
                        }));
                    }
                }
                update.execute(params![stamp, row])?;
            }
            Ok::<_, rusqlite::Error>(Ok(claimed))
        })();
        match written {
            // The intents are on disk, with every change held back before them.
            Ok(Ok(claimed)) => {
                inner.commit()?;
                Ok(claimed)
            }
            Ok(Err(error)) => {
                inner.roll_back();
                Err(error)
            }
            Err(error) => {
                inner.roll_back();
                Err(error.into())
            }
        }
    }

    fn record(&self, row: u64, change: &RowChange) -> Result<JournalRow, JournalError> {
        let mut inner = self.lock();
        let before = inner.row(row, &self.path)?;
        let to = change.to().map_or("the same state", RowState::as_str);
        let Some(before) = before.filter(|before| change.allowed_from().contains(&before.state))
        else {
            return Err(JournalError::Transition {
                row,
                from: inner
                    .row(row, &self.path)?
                    .map_or_else(|| "nowhere (no such row)".into(), |r| r.state.to_string()),
                to,
            });
        };
        let mut after = before.clone();
        change.apply(&mut after);
        inner.begin()?;
        let changed = inner
            .connection
            .prepare_cached(
                "UPDATE rows SET state = ?1, subscriber_id = ?2, status = ?3, error = ?4, \
             tracking_id = ?5, since = ?6, updated = ?7 WHERE row = ?8 AND state = ?9",
            )?
            .execute(params![
                after.state.as_str(),
                after.subscriber_id,
                after.status,
                after.error,
                after.tracking_id,
                after.since,
                now(),
                row,
                before.state.as_str()
            ])?;
        if changed != 1 {
            return Err(JournalError::Transition {
                row,
                from: "a state another run just wrote".into(),
                to,
            });
        }
        inner.held_one()?;
        Ok(before)
    }

    fn retry(&self, rows: &[(u64, Option<RowRequest>)]) -> Result<(), JournalError> {
        let mut inner = self.lock();
        // Alone in its transaction, so that a refusal drops nothing else.
        inner.commit()?;
        inner.begin()?;
        let written = (|| {
            let stamp = now();
            for (key, request) in rows {
                let before = inner.row(*key, &self.path)?;
                let Some(before) = before.filter(JournalRow::ended_failed) else {
                    return Err(JournalError::Transition {
                        row: *key,
                        from: "a state other than failed".into(),
                        to: "sending",
                    });
                };
                let after = before.retried(request.as_ref());
                let request = serde_json::to_string(&after.request)
                    .map_err(|error| JournalError::Storage(error.to_string()))?;
                inner
                    .connection
                    .prepare_cached(
                        "UPDATE requests SET user_id = ?1, request = ?2 WHERE row = ?3",
                    )?
                    .execute(params![after.user_id, request, key])?;
                inner
                    .connection
                    .prepare_cached(
                        "UPDATE rows SET state = 'sending', subscriber_id = ?1, status = NULL, \
                         error = NULL, since = NULL, updated = ?2 WHERE row = ?3",
                    )?
                    .execute(params![after.subscriber_id, stamp, key])?;
            }
            Ok(())
        })();
        match written {
            Ok(()) => Ok(inner.commit()?),
            Err(error) => {
                inner.roll_back();
                Err(error)
            }
        }
    }

    fn flush(&self) -> Result<(), JournalError> {
        Ok(self.lock().commit()?)
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
    fn read(row: &rusqlite::Row<'_>) -> rusqlite::Result<RawRow> {
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
    }

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
                "row {} has the unknown state {} (written by another version?); move the journal away to start afresh",
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
    if version == 1 {
        // Version 1 kept the requests in the rows, with one index on every state.
        connection.execute_batch(&format!(
            "BEGIN IMMEDIATE; \
             CREATE TABLE requests (row INTEGER PRIMARY KEY, user_id TEXT NOT NULL, \
                 request TEXT NOT NULL); \
             INSERT INTO requests SELECT row, user_id, request FROM rows; \
             DROP INDEX IF EXISTS rows_by_state; \
             ALTER TABLE rows DROP COLUMN user_id; ALTER TABLE rows DROP COLUMN request; \
             {INDEXES} UPDATE run SET schema_version = {SCHEMA_VERSION}; COMMIT;"
        ))?;
    } else if version != SCHEMA_VERSION {
        return Err(unusable(format!(
            "it was written by another version (schema {version}, this one reads {SCHEMA_VERSION}); finish the run with that version, or move the journal away to start afresh"
        )));
    }
    let kind = BatchKind::parse(&kind).ok_or_else(|| {
        unusable(format!(
            "it records an unknown kind of run, {kind} (written by another version?); move the journal away to start afresh"
        ))
    })?;
    Ok(Some(RunInfo {
        kind,
        base_url,
        input,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bulk::journal::fixtures::{self, info, row};

    #[test]
    fn the_sqlite_journal_walks_the_state_machine_and_survives_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("run.journal.sqlite");
        fixtures::walk_the_state_machine(&SqliteJournal::create(&path).unwrap());
        let journal = SqliteJournal::open(&path).unwrap();
        assert_eq!(journal.run_info().unwrap(), Some(info()));
        let rows = journal.rows(None).unwrap();
        assert_eq!(
            rows.iter().map(|row| row.state).collect::<Vec<_>>(),
            [RowState::Final, RowState::Sending, RowState::Sending]
        );
        assert_eq!(
            rows[1].user_id, "b2@x.y",
            "the retried row's new request is kept"
        );
    }

    #[cfg(unix)]
    #[test]
    fn the_file_is_readable_by_its_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.sqlite");
        let journal = SqliteJournal::create(&path).unwrap();
        journal.start(&info(), &[row(2, "a@x.y")]).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{mode:o}");
    }

    #[test]
    fn a_journal_of_schema_1_is_brought_up_to_date_and_resumes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v1.journal.sqlite");
        let request = serde_json::to_string(&row(2, "a@x.y").request).unwrap();
        let connection = Connection::open(&path).unwrap();
        connection
            .execute_batch(&format!(
                "CREATE TABLE run (id INTEGER PRIMARY KEY, schema_version INTEGER NOT NULL, \
                   kind TEXT NOT NULL, base_url TEXT NOT NULL, input TEXT NOT NULL, \
                   started TEXT NOT NULL); \
                 CREATE TABLE rows (row INTEGER PRIMARY KEY, user_id TEXT NOT NULL, \
                   request TEXT NOT NULL, state TEXT NOT NULL, subscriber_id TEXT, status TEXT, \
                   error TEXT, tracking_id TEXT, since TEXT, attempts INTEGER NOT NULL DEFAULT 0, \
                   updated TEXT NOT NULL); \
                 CREATE INDEX rows_by_state ON rows (state); \
                 INSERT INTO run VALUES (1, 1, 'provision-subscribers', 'http://127.0.0.1:1/v1', \
                   'people.csv', '2026-01-01T00:00:00.000Z'); \
                 INSERT INTO rows (row, user_id, request, state, subscriber_id, status, attempts, \
                   updated) VALUES (2, 'a@x.y', '{request}', 'accepted', 'sub-2', 'provisioning', \
                   1, '2026-01-01T00:00:00.000Z');"
            ))
            .unwrap();
        drop(connection);
        let journal = SqliteJournal::open(&path).unwrap();
        assert_eq!(journal.run_info().unwrap(), Some(info()));
        let rows = journal.rows(Some(RowState::Accepted)).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].subscriber_id.as_deref(), Some("sub-2"));
        assert_eq!(rows[0].request, row(2, "a@x.y").request);
    }

    #[test]
    fn a_second_run_does_not_overwrite_a_journal() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.sqlite");
        let journal = SqliteJournal::create(&path).unwrap();
        journal.start(&info(), &[row(2, "a@x.y")]).unwrap();
        drop(journal);
        assert!(matches!(
            SqliteJournal::create(&path),
            Err(JournalError::Exists(_))
        ));
        assert!(matches!(
            SqliteJournal::open(dir.path().join("other.sqlite")),
            Err(JournalError::Missing(_))
        ));
    }

    #[test]
    fn an_empty_file_left_by_an_aborted_start_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.sqlite");
        std::fs::write(&path, b"").unwrap();
        assert!(matches!(
            SqliteJournal::open(&path),
            Err(JournalError::Unusable { .. })
        ));
        let journal = SqliteJournal::create(&path).unwrap();
        journal.start(&info(), &[row(2, "a@x.y")]).unwrap();
        assert_eq!(journal.counts().unwrap().pending, 1);
    }
}
