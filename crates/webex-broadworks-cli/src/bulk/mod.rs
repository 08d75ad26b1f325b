//! Bulk runs: a file of rows provisioned or updated with bounded concurrency, recorded in
//! a journal so that a run stopped at any point resumes without doing a row twice.

pub mod claims;
pub mod engine;
pub mod input;
pub mod journal;
pub mod learned_rate;
pub mod progress;
pub mod results;
pub mod summary;
pub mod throttle;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use tokio::sync::watch;

use crate::api::Connection;
use crate::exit::CliError;
use engine::{Engine, EngineOptions, RunEnd};
use input::{BulkKind, InputFormat, InputRow};
use journal::{Journal, JournalError, RowState, RunInfo};
use progress::BulkProgress;
use results::ResultLine;
use summary::Report;

impl From<JournalError> for CliError {
    fn from(error: JournalError) -> Self {
        match error {
            JournalError::Exists(_) | JournalError::Missing(_) => {
                CliError::Usage(error.to_string())
            }
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
    /// Continue the run in the journal.
    pub resume: bool,
    /// Where the journal is.
    pub journal: PathBuf,
    /// Where the results go.
    pub results: PathBuf,
    /// How the engine behaves.
    pub options: EngineOptions,
    /// Draw the progress bar (when stdout is a terminal).
    pub progress: bool,
}

/// `path` with `suffix` added to its file name: `people.csv` -> `people.csv.journal.sqlite`.
pub fn beside(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Reads and validates the whole file; nothing is sent when a row is invalid.
pub fn read_rows(kind: BulkKind, file: &Path) -> Result<Vec<InputRow>, CliError> {
    let bytes = std::fs::read(file)
        .map_err(|error| CliError::local(format!("cannot read {}", file.display()), error))?;
    input::parse(kind, InputFormat::of(file), &bytes).map_err(CliError::Invalid)
}

/// Validates, opens or creates the journal, runs, writes the results file, and reports.
pub async fn run(
    connection: Connection,
    base_url: &str,
    run: &BulkRun,
    cancel: watch::Receiver<bool>,
) -> Result<Report, CliError> {
    let rows = read_rows(run.kind, &run.file)?;
    let info = RunInfo {
        kind: run.kind,
        base_url: base_url.to_string(),
        input: run.file.display().to_string(),
    };
    let journal = if run.resume {
        let (journal, recorded) = Journal::open(&run.journal)?;
        check_same_run(&journal, &recorded, &info, &rows)?;
        journal
    } else {
        Journal::create(&run.journal, &info, &rows)?
    };
    let journal = Arc::new(journal);
    let started = Instant::now();
    let engine = Arc::new(Engine::new(
        connection,
        journal.clone(),
        run.kind,
        run.options,
        cancel,
    ));
    let progress = run
        .progress
        .then(|| BulkProgress::start(engine.clone(), rows.len() as u64));
    let end = engine.run().await;
    if let Some(progress) = progress {
        progress.finish();
    }
    // Whatever happened, the results file shows where every row stands.
    let all = journal.rows()?;
    results::write(&run.results, &all).map_err(|error| {
        CliError::local(format!("cannot write {}", run.results.display()), error)
    })?;
    let end = end?;
    Ok(Report {
        kind: run.kind,
        counts: journal.counts()?,
        stats: engine.stats(),
        rate_limit_pauses: engine.throttle().pauses(),
        end,
        waited: run.options.wait && run.kind.waits(),
        elapsed: started.elapsed(),
        journal: run.journal.clone(),
        results: run.results.clone(),
        notable: all
            .iter()
            .filter(|row| {
                row.state != RowState::Final || row.status.as_deref() != Some("provisioned")
            })
            .map(ResultLine::of)
            .collect(),
        file: run.file.clone(),
    })
}

fn check_same_run(
    journal: &Journal,
    recorded: &RunInfo,
    info: &RunInfo,
    rows: &[InputRow],
) -> Result<(), CliError> {
    if recorded.kind != info.kind {
        return Err(CliError::Usage(format!(
            "the journal records a `bulk {}` run, not `bulk {}`",
            recorded.kind.command(),
            info.kind.command()
        )));
    }
    if recorded.base_url != info.base_url {
        return Err(CliError::Usage(format!(
            "the journal's run was sent to {}, not {}; resume it against the same API",
            recorded.base_url, info.base_url
        )));
    }
    let journaled = journal.rows()?;
    let first_difference = journaled
        .iter()
        .zip(rows)
        .find(|(kept, given)| kept.row != given.row || kept.request != given.request)
        .map(|(kept, _)| format!("at row {}", kept.row));
    let difference = first_difference
        .or_else(|| (journaled.len() != rows.len()).then(|| "in its number of rows".to_string()));
    if let Some(at) = difference {
        return Err(CliError::Usage(format!(
            "{} differs from the run in the journal {at}; resume with the file as it was, \
             or start afresh with another --journal",
            info.input
        )));
    }
    Ok(())
}

/// The error (and so the exit code) a finished run ends with.
pub fn outcome(report: &Report) -> Result<(), CliError> {
    let resume = format!(
        "wxbw bulk {} {} --resume",
        report.kind.command(),
        report.file.display()
    );
    let counts = &report.counts;
    match report.end {
        RunEnd::Interrupted => Err(CliError::Interrupted(format!(
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
            "{} of {} rows failed; see {}",
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
