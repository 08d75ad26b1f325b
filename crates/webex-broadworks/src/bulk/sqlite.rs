//! [`SqliteJournal`]: a batch's journal in one SQLite file, so that a run killed at any
//! point (`kill -9`, a power cut) resumes without sending a provisioning twice.
//!
//! The intent to send is written with `synchronous = FULL` (on disk before the request
//! leaves); the other transitions with `NORMAL`, since they can be replayed from Webex's state
//! if a power cut loses them. The file is created readable by its owner only: it holds every
//! row's names, e-mail addresses and numbers.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

use rusqlite::{Connection, OptionalExtension, params};

use crate::bulk::journal::{
    Claimed, Journal, JournalError, JournalRow, RowChange, RowState, RunInfo,
};
use crate::bulk::request::{BatchKind, RowRequest};

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

/// A journal in a SQLite file. Calls are short and serialised by a mutex.
#[derive(Debug)]
pub struct SqliteJournal {
    connection: Mutex<Connection>,
    path: PathBuf,
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
        Ok(SqliteJournal {
            connection: Mutex::new(open_connection(path)?),
            path: path.to_path_buf(),
        })
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
        Ok(SqliteJournal {
            connection: Mutex::new(connection),
            path: path.to_path_buf(),
        })
    }

    /// Where the journal is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        self.connection
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn select(
        &self,
        sql: &str,
        params: impl rusqlite::Params,
    ) -> Result<Vec<JournalRow>, JournalError> {
        let connection = self.lock();
        let mut statement = connection.prepare_cached(sql)?;
        let raw = statement
            .query_map(params, RawRow::read)?
            .collect::<Result<Vec<_>, _>>()?;
        let path = self.path.display().to_string();
        raw.into_iter().map(|raw| raw.decode(&path)).collect()
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
    connection.pragma_update(None, "synchronous", "NORMAL")?;
    Ok(connection)
}

// Wall-clock time on purpose: the stamps tell a person reading the file when a row moved;
// no wait depends on them.
#[allow(clippy::disallowed_methods)]
fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

impl Journal for SqliteJournal {
    fn location(&self) -> String {
        self.path.display().to_string()
    }

    fn run_info(&self) -> Result<Option<RunInfo>, JournalError> {
        read_run(&self.lock(), &self.path)
    }

    fn start(&self, info: &RunInfo, rows: &[JournalRow]) -> Result<(), JournalError> {
        let mut connection = self.lock();
        if read_run(&connection, &self.path)?.is_some() {
            return Err(JournalError::Exists(self.path.display().to_string()));
        }
        let transaction = connection.transaction()?;
        transaction.execute_batch(SCHEMA)?;
        transaction.execute(
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
        {
            let mut insert = transaction.prepare(
                "INSERT INTO rows (row, user_id, request, state, updated) \
                 VALUES (?1, ?2, ?3, 'pending', ?4)",
            )?;
            let stamp = now();
            for row in rows {
                let request = serde_json::to_string(&row.request)
                    .map_err(|error| JournalError::Storage(error.to_string()))?;
                insert.execute(params![row.row, row.user_id, request, stamp])?;
            }
        }
        transaction.commit()?;
        Ok(())
    }

    fn rows(&self, state: Option<RowState>) -> Result<Vec<JournalRow>, JournalError> {
        match state {
            None => self.select("SELECT * FROM rows ORDER BY row", []),
            Some(state) => self.select(
                "SELECT * FROM rows WHERE state = ?1 ORDER BY row",
                [state.as_str()],
            ),
        }
    }

    fn counts(&self) -> Result<crate::bulk::Counts, JournalError> {
        let connection = self.lock();
        let mut statement = connection
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
        let mut connection = self.lock();
        connection.pragma_update(None, "synchronous", "FULL")?;
        let written = (|| {
            let transaction = connection.transaction()?;
            let stamp = now();
            let mut claimed = Claimed::default();
            {
                let mut state =
                    transaction.prepare_cached("SELECT state FROM rows WHERE row = ?1")?;
                let mut update = transaction.prepare_cached(
                    "UPDATE rows SET state = 'sending', updated = ?1, attempts = attempts + 1 \
                     WHERE row = ?2",
                )?;
                for &row in rows {
                    let current: Option<String> =
                        state.query_row([row], |r| r.get(0)).optional()?;
                    match current.as_deref().and_then(RowState::parse) {
                        Some(RowState::Pending) => claimed.from_pending += 1,
                        Some(RowState::Sending) => {}
                        Some(_) => {
                            claimed.settled.push(row);
                            continue;
                        }
                        // Nothing is written: the transaction is dropped.
                        None => return Ok(Err(row)),
                    }
                    update.execute(params![stamp, row])?;
                }
            }
            transaction.commit()?;
            Ok::<_, rusqlite::Error>(Ok(claimed))
        })();
        connection.pragma_update(None, "synchronous", "NORMAL")?;
        match written? {
            Ok(claimed) => Ok(claimed),
            Err(row) => Err(JournalError::Transition {
                row,
                from: "nowhere (no such row)".into(),
                to: "sending",
            }),
        }
    }

    fn record(&self, row: u64, change: &RowChange) -> Result<JournalRow, JournalError> {
        let before = self
            .select("SELECT * FROM rows WHERE row = ?1", [row])?
            .into_iter()
            .next();
        let Some(before) = before.filter(|before| change.allowed_from().contains(&before.state))
        else {
            return Err(JournalError::Transition {
                row,
                from: self
                    .select("SELECT * FROM rows WHERE row = ?1", [row])?
                    .first()
                    .map_or_else(|| "nowhere (no such row)".into(), |r| r.state.to_string()),
                to: change.to().map_or("the same state", RowState::as_str),
            });
        };
        let mut after = before.clone();
        change.apply(&mut after);
        let changed = self.lock().execute(
            "UPDATE rows SET state = ?1, subscriber_id = ?2, status = ?3, error = ?4, \
             tracking_id = ?5, since = ?6, updated = ?7 WHERE row = ?8 AND state = ?9",
            params![
                after.state.as_str(),
                after.subscriber_id,
                after.status,
                after.error,
                after.tracking_id,
                after.since,
                now(),
                row,
                before.state.as_str()
            ],
        )?;
        if changed != 1 {
            return Err(JournalError::Transition {
                row,
                from: "a state another run just wrote".into(),
                to: change.to().map_or("the same state", RowState::as_str),
            });
        }
        Ok(before)
    }

    fn retry(&self, rows: &[(u64, Option<RowRequest>)]) -> Result<(), JournalError> {
        let path = self.path.display().to_string();
        let mut connection = self.lock();
        let transaction = connection.transaction()?;
        {
            let mut select = transaction.prepare_cached("SELECT * FROM rows WHERE row = ?1")?;
            let mut update = transaction.prepare_cached(
                "UPDATE rows SET state = 'sending', user_id = ?1, request = ?2, \
                 subscriber_id = ?3, status = NULL, error = NULL, since = NULL, updated = ?4 \
                 WHERE row = ?5",
            )?;
            let stamp = now();
            for (key, request) in rows {
                let before = select
                    .query_map([key], RawRow::read)?
                    .next()
                    .transpose()?
                    .map(|raw| raw.decode(&path))
                    .transpose()?;
                let Some(before) = before.filter(JournalRow::ended_failed) else {
                    // Nothing is written: the transaction is dropped.
                    return Err(JournalError::Transition {
                        row: *key,
                        from: "a state other than failed".into(),
                        to: "sending",
                    });
                };
                let after = before.retried(request.as_ref());
                let request = serde_json::to_string(&after.request)
                    .map_err(|error| JournalError::Storage(error.to_string()))?;
                update.execute(params![
                    after.user_id,
                    request,
                    after.subscriber_id,
                    stamp,
                    key
                ])?;
            }
        }
        transaction.commit()?;
        Ok(())
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
    if version != SCHEMA_VERSION {
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
