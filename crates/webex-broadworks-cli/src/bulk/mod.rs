//! Bulk runs: a file of rows handed to the library's batch engine
//! (`webex_broadworks::bulk`), with a SQLite journal beside the file so that a run stopped
//! at any point resumes without doing a row twice, a results file and a report.

pub mod export;
pub mod input;
pub mod live;
pub mod progress;
pub mod results;
pub mod summary;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use tokio::sync::watch;
use webex_broadworks::bulk::{
    BatchEnd, BatchOptions, Journal, JournalError, RowState, SqliteJournal, journal_rows,
};

use crate::exit::CliError;
use input::{BulkKind, InputFormat, InputRow, ValidRows};
use progress::BulkProgress;
use results::ResultLine;
use summary::Report;

impl From<JournalError> for CliError {
    /// A journal that the command line does not fit is a usage error, said with its flags.
    fn from(error: JournalError) -> Self {
        match error {
            JournalError::Exists(path) => CliError::Usage(format!(
                "a journal of an earlier run exists at {path}; continue it with --resume, or \
                 move it away to start afresh"
            )),
            JournalError::Missing(path) => CliError::Usage(format!(
                "no journal at {path} to resume; run without --resume to start"
            )),
            JournalError::OtherRun { .. } => CliError::Usage(format!(
                "{error}; resume with the command and --base-url it was started with, or \
                 start afresh with another --journal"
            )),
            _ => CliError::Local(error.to_string()),
        }
    }
}

/// One bulk run to make.
#[derive(Clone, Debug)]
pub struct BulkRun {
    /// What to do with each row.
    pub kind: BulkKind,
    /// The input file.
    pub file: PathBuf,
    /// A new run, or which run of the journal to continue.
    pub mode: BulkMode,
    /// Where the journal is.
    pub journal: PathBuf,
    /// Where the results go.
    pub results: PathBuf,
    /// How the batch behaves.
    pub options: BatchOptions,
    /// Show progress on stderr: a bar on a terminal, otherwise a line every 10 s.
    pub progress: bool,
    /// Run even if another live run is provisioning the same input under another journal.
    pub force: bool,
}

/// How a bulk run begins.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BulkMode {
    /// A new run, with a new journal.
    Start,
    /// The run in the journal, continued where it stopped.
    Resume,
    /// The run in the journal, continued, with its failed rows sent again.
    RetryFailed,
}

/// `path` with `suffix` added to its file name: `people.csv` -> `people.csv.journal.sqlite`.
pub fn beside(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Reads and validates the whole file, as a stream, before anything is sent; returns how
/// many rows it has. Nothing is sent when a row is invalid.
pub fn check_file(kind: BulkKind, file: &Path) -> Result<u64, CliError> {
    input::check(
        kind,
        InputFormat::of(file),
        &mut || open_input(file),
        |_| {},
    )
    .map_err(|failure| match failure {
        input::CheckFailure::Invalid(problems) => CliError::Invalid(problems),
        input::CheckFailure::Read(error) => {
            CliError::local(format!("cannot read {}", file.display()), error)
        }
    })
}

fn open_input(file: &Path) -> std::io::Result<std::io::BufReader<std::fs::File>> {
    std::fs::File::open(file).map(|file| std::io::BufReader::with_capacity(1 << 16, file))
}

/// The valid rows of `file` (checked by [`check_file`]), read as they are needed.
fn file_rows(
    kind: BulkKind,
    file: &Path,
) -> Result<ValidRows<std::io::BufReader<std::fs::File>>, CliError> {
    let reader = open_input(file)
        .map_err(|error| CliError::local(format!("cannot read {}", file.display()), error))?;
    Ok(ValidRows::new(kind, InputFormat::of(file), reader))
}

/// `--export-failed`: writes the rows of the journal's run that ended failed, copied from
/// `file` (the run's input, failed rows perhaps corrected since), to a new file at `path`.
/// Sends nothing; returns how many rows were written.
pub fn export_failed(
    kind: BulkKind,
    file: &Path,
    journal: &Path,
    path: &Path,
) -> Result<usize, CliError> {
    let journal = SqliteJournal::open(journal)?;
    if let Some(info) = journal.run_info()?
        && info.kind != kind.batch()
    {
        return Err(CliError::Usage(format!(
            "the journal {} holds a `{}` run, not `{}`; export with the command it was run with",
            journal.path().display(),
            info.kind,
            kind.batch()
        )));
    }
    check_file(kind, file)?;
    check_same_rows(
        &journal,
        &file.display().to_string(),
        file_rows(kind, file)?,
        true,
    )?;
    let mut failed = std::collections::BTreeSet::new();
    for row in journal_rows(&journal, None) {
        let row = row?;
        if row.ended_failed() {
            failed.insert(row.row);
        }
    }
    let bytes = std::fs::read(file)
        .map_err(|error| CliError::local(format!("cannot read {}", file.display()), error))?;
    export::write(path, InputFormat::of(file), &bytes, &failed)
}

/// Opens or creates the journal, runs the batch of the file's rows (checked first with
/// [`check_file`]), writes the results file, and reports. The file and the journal are
/// read as streams, so a run of millions of rows holds only the rows around those in
/// flight. Setting `cancel` stops the batch gracefully.
pub async fn run(
    client: webex_broadworks::Client,
    run: &BulkRun,
    mut cancel: watch::Receiver<bool>,
) -> Result<Report, CliError> {
    check_writable(&run.results)?;
    // Held until the run ends; a second run of this journal or input is refused meanwhile.
    let _live = live::claim(&run.journal, &run.file, run.force)?;
    let input = run.file.display().to_string();
    let batch = client
        .batch(run.kind.batch())
        .with_options(run.options)
        .with_input_name(input.clone());
    let (journal, batch) = match run.mode {
        BulkMode::Start => {
            let journal = Arc::new(SqliteJournal::create(&run.journal)?);
            let mut rows = file_rows(run.kind, &run.file)?;
            let batch = batch
                .with_journal(journal.clone())
                .start_checked(rows.by_ref().map(|row| row.item))
                .await?;
            if !rows.changed.is_empty() {
                // The file changed after it was checked: this run must not go on.
                drop((batch, journal));
                remove_journal(&run.journal);
                return Err(CliError::Invalid(rows.changed));
            }
            (journal, batch)
        }
        BulkMode::Resume => {
            let journal = Arc::new(SqliteJournal::open(&run.journal)?);
            // The library checks the kind of run and the API; nothing is sent before `run`.
            let batch = batch.with_journal(journal.clone()).resume().await?;
            let rows = file_rows(run.kind, &run.file)?;
            check_same_rows(journal.as_ref(), &input, rows, false)?;
            (journal, batch)
        }
        BulkMode::RetryFailed => {
            let journal = Arc::new(SqliteJournal::open(&run.journal)?);
            let rows = file_rows(run.kind, &run.file)?;
            let fixed = check_same_rows(journal.as_ref(), &input, rows, true)?;
            let batch = batch
                .with_journal(journal.clone())
                .retry_failed(fixed.into_iter().map(|row| row.item))
                .await?;
            (journal, batch)
        }
    };
    let monitor = batch.monitor();
    let stopper = {
        let monitor = monitor.clone();
        tokio::spawn(async move {
            if cancel.wait_for(|cancelled| *cancelled).await.is_ok() {
                monitor.cancel();
            }
        })
    };
    let started = Instant::now();
    let progress = run.progress.then(|| BulkProgress::start(monitor));
    let end = batch.run().await;
    stopper.abort();
    if let Some(progress) = progress {
        progress.finish();
    }
    // Whatever happened, the results file shows where every row stands.
    let mut notable = Vec::new();
    let mut notable_count = 0u64;
    let rows = journal_rows(journal.as_ref(), None).map(|row| {
        let row = row?;
        if row.state != RowState::Final || row.status.as_deref() != Some("provisioned") {
            notable_count += 1;
            if notable.len() < summary::NOTABLE_KEPT {
                notable.push(ResultLine::of(&row));
            }
        }
        Ok::<_, JournalError>(std::borrow::Cow::Owned(row))
    });
    results::write(&run.results, rows).map_err(|error| {
        CliError::local(format!("cannot write {}", run.results.display()), error)
    })?;
    let end = end?;
    Ok(Report {
        kind: run.kind,
        counts: journal.counts()?,
        stats: end.stats,
        end: end.end,
        halt: end.halt.clone(),
        waited: run.options.wait && run.kind.waits(),
        elapsed: started.elapsed(),
        journal: run.journal.clone(),
        results: run.results.clone(),
        notable,
        notable_count,
        file: run.file.clone(),
    })
}

/// Removes a journal that must not be resumed, with its SQLite side files.
fn remove_journal(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(beside(path, suffix));
    }
}

/// The journal's rows are the file's, as it was when the run started (both read as
/// streams); with `fixed_allowed`, rows that ended failed may differ (corrected since).
/// Returns the rows that do.
fn check_same_rows(
    journal: &dyn Journal,
    input: &str,
    rows: impl Iterator<Item = InputRow>,
    fixed_allowed: bool,
) -> Result<Vec<InputRow>, CliError> {
    let mut fixed = Vec::new();
    let mut journaled = journal_rows(journal, None);
    let mut rows = rows.fuse();
    let difference = loop {
        let (kept, given) = match (journaled.next().transpose()?, rows.next()) {
            (None, None) => break None,
            (Some(kept), Some(given)) => (kept, given),
            _ => break Some("in its number of rows".to_string()),
        };
        if kept.row != given.row {
            break Some(format!("at row {}", kept.row.min(given.row)));
        }
        if given.item.request() == &kept.request {
            continue;
        }
        if fixed_allowed && kept.ended_failed() {
            fixed.push(given);
            continue;
        }
        break Some(if fixed_allowed {
            format!(
                "at row {}, which did not fail (it is {}); only failed rows may change",
                kept.row,
                ResultLine::of(&kept).status
            )
        } else {
            format!("at row {}", kept.row)
        });
    };
    if let Some(at) = difference {
        return Err(CliError::Usage(format!(
            "{input} differs from the run in the journal {at}; use the file as it was (with \
             only failed rows corrected for --retry-failed), or start afresh with another \
             --journal"
        )));
    }
    Ok(fixed)
}

/// The error (and so the exit code) a finished run ends with.
pub fn outcome(report: &Report) -> Result<(), CliError> {
    // Every path the run used, so the hint continues this run whatever the defaults.
    let continued = |how: &str| {
        format!(
            "wxbw bulk {} {} {how} --journal {} --results {}",
            report.kind.command(),
            shell_word(&report.file),
            shell_word(&report.journal),
            shell_word(&report.results)
        )
    };
    let resume = continued("--resume");
    let retry = format!(
        "once they are corrected (in the file, the template or the licences), send them \
         again with: {}; or write them to a file of their own with --export-failed PATH",
        continued("--retry-failed")
    );
    let counts = &report.counts;
    match report.end {
        BatchEnd::Halted => {
            let (problem, fix) = report
                .halt
                .as_ref()
                .map(|halt| (halt.problem.as_str(), halt.fix.as_str()))
                .unwrap_or(("an answer no row can overcome", "fix it"));
            Err(CliError::Outcome(format!(
                "stopped: {problem}; nothing more was sent and {} of {} rows wait unsent. To go \
                 on, {fix}: {resume}",
                counts.total - counts.done(),
                counts.total
            )))
        }
        BatchEnd::Interrupted => Err(CliError::Interrupted(format!(
            "interrupted: {} of {} rows have an outcome; nothing sent was lost. Continue with: {resume}",
            counts.done(),
            counts.total
        ))),
        // Rows still unsent or unsettled are not lost: say how to go on with them too.
        _ if counts.failed > 0 && counts.done() < counts.total => Err(CliError::Partial(format!(
            "{} of {} rows failed, see {}; {} rows have no outcome yet, continue with: {resume}",
            counts.failed,
            counts.total,
            report.results.display(),
            counts.total - counts.done()
        ))),
        _ if counts.failed > 0 => Err(CliError::Partial(format!(
            "{} of {} rows failed; see {}; {retry}",
            counts.failed,
            counts.total,
            report.results.display()
        ))),
        _ if !report.waited && counts.pending + counts.sending == 0 => Ok(()),
        _ if counts.done() < counts.total => Err(CliError::TimedOut(format!(
            "{} rows have no final status yet; continue waiting with: {resume}",
            counts.total - counts.done()
        ))),
        _ => Ok(()),
    }
}

/// `path` as one word of a shell command line: quoted when it holds a space or a quote.
fn shell_word(path: &Path) -> String {
    let text = path.display().to_string();
    if text.contains(|c: char| c.is_whitespace() || "'\"$`\\".contains(c)) {
        format!("'{}'", text.replace('\'', "'\\''"))
    } else {
        text
    }
}

/// Fails, before anything is sent, when the results file could not be written at the end:
/// its folder missing or read-only. A file this check creates is removed again.
fn check_writable(results: &Path) -> Result<(), CliError> {
    let existed = results.exists();
    let opened = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(results);
    match opened {
        Ok(_) => {
            if !existed {
                let _ = std::fs::remove_file(results);
            }
            Ok(())
        }
        Err(error) => Err(CliError::Usage(format!(
            "cannot write the results file {}: {error}; choose another path with --results",
            results.display()
        ))),
    }
}
