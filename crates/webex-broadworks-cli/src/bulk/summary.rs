//! The report printed at the end of a bulk run: a summary table of outcomes, the rows that
//! need attention with their reasons, and what the run cost in requests.

use std::path::PathBuf;
use std::time::Duration;

use comfy_table::Table;
use serde::Serialize;
use serde::ser::SerializeStruct;

use webex_broadworks::bulk::{BatchEnd, BatchStats, Counts};

use crate::bulk::input::BulkKind;
use crate::bulk::results::ResultLine;
use crate::output::{Render, table};

/// How many rows needing attention are listed on the terminal; all are in the results file.
const LISTED_ROWS: usize = 20;

/// What a bulk run did.
#[derive(Clone, Debug)]
pub struct Report {
    /// The kind of run.
    pub kind: BulkKind,
    /// The input file.
    pub file: PathBuf,
    /// Rows by outcome.
    pub counts: Counts,
    /// Requests sent.
    pub stats: BatchStats,
    /// Why the run ended.
    pub end: BatchEnd,
    /// Why it stopped early, when it did.
    pub halt: Option<webex_broadworks::bulk::BatchHalt>,
    /// Whether the run waited for final statuses.
    pub waited: bool,
    /// How long it took.
    pub elapsed: Duration,
    /// The journal.
    pub journal: PathBuf,
    /// The results file.
    pub results: PathBuf,
    /// Rows not plainly provisioned (failed, paused, waiting, unsent): the first
    /// [`NOTABLE_KEPT`]; the results file has them all.
    pub notable: Vec<ResultLine>,
    /// How many rows are not plainly provisioned.
    pub notable_count: u64,
}

/// How many of the rows needing attention a report keeps.
pub const NOTABLE_KEPT: usize = 1_000;

impl Report {
    fn success_label(&self) -> &'static str {
        match self.kind {
            BulkKind::UpdateSubscribers => "updated",
            _ => "provisioned",
        }
    }

    /// Requests per row, the run's cost.
    pub fn requests_per_row(&self) -> f64 {
        if self.counts.total == 0 {
            0.0
        } else {
            self.stats.requests as f64 / self.counts.total as f64
        }
    }

    /// The line under the tables: cost and time.
    pub fn cost_line(&self) -> String {
        format!(
            "{} requests ({:.2} per row, {} while waiting), {} answered 429 ({} {} of every worker), {} looked up after a lost answer, {:.1}s",
            self.stats.requests,
            self.requests_per_row(),
            self.stats.list_requests,
            self.stats.rate_limited,
            self.stats.rate_limit_pauses,
            if self.stats.rate_limit_pauses == 1 {
                "pause"
            } else {
                "pauses"
            },
            self.stats.lookups,
            self.elapsed.as_secs_f64()
        )
    }

    /// The rows needing attention, as a table.
    pub fn notable_table(&self) -> Option<Table> {
        if self.notable.is_empty() {
            return None;
        }
        let mut table = table(&["row", "userId", "status", "reason"]);
        for line in self.notable.iter().take(LISTED_ROWS) {
            table.add_row(vec![
                line.row.to_string(),
                line.user_id.clone(),
                line.status.clone(),
                line.error.clone(),
            ]);
        }
        let listed = self.notable.len().min(LISTED_ROWS) as u64;
        if self.notable_count > listed {
            table.add_row(vec![
                "…".to_string(),
                format!("{} more in the results file", self.notable_count - listed),
                String::new(),
                String::new(),
            ]);
        }
        Some(table)
    }

    /// Everything printed for people.
    pub fn text(&self) -> String {
        let mut text = self.table().trim_fmt();
        if let Some(notable) = self.notable_table() {
            text.push('\n');
            text.push_str(&notable.trim_fmt());
        }
        text.push('\n');
        text.push_str(&self.cost_line());
        text.push_str(&format!(
            "\nresults: {}\njournal: {}",
            self.results.display(),
            self.journal.display()
        ));
        text
    }
}

impl Render for Report {
    fn table(&self) -> Table {
        let counts = &self.counts;
        let mut table = table(&["outcome", "rows"]);
        for (label, count) in [
            (self.success_label(), counts.succeeded),
            ("paused (end user must act)", counts.paused),
            ("failed", counts.failed),
            ("waiting for a final status", counts.waiting),
            ("sent, answer unknown", counts.sending),
            ("not sent", counts.pending),
            ("total", counts.total),
        ] {
            table.add_row(vec![label.to_string(), count.to_string()]);
        }
        table
    }
}

impl Serialize for Report {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let counts = &self.counts;
        let end = self.end.as_str();
        let mut state = serializer.serialize_struct("Report", 17)?;
        state.serialize_field("command", self.kind.command())?;
        state.serialize_field("end", end)?;
        state.serialize_field("total", &counts.total)?;
        state.serialize_field("succeeded", &counts.succeeded)?;
        state.serialize_field("paused", &counts.paused)?;
        state.serialize_field("failed", &counts.failed)?;
        state.serialize_field("waiting", &counts.waiting)?;
        state.serialize_field("unknown", &counts.sending)?;
        state.serialize_field("notSent", &counts.pending)?;
        state.serialize_field("requests", &self.stats.requests)?;
        state.serialize_field("rateLimited", &self.stats.rate_limited)?;
        state.serialize_field("lookups", &self.stats.lookups)?;
        state.serialize_field("elapsedSeconds", &self.elapsed.as_secs_f64())?;
        state.serialize_field("results", &self.results.display().to_string())?;
        state.serialize_field("journal", &self.journal.display().to_string())?;
        state.serialize_field("rowsNeedingAttention", &self.notable_count)?;
        state.serialize_field("rows", &self.notable)?;
        state.end()
    }
}
