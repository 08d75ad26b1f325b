//! Reading a bulk file (CSV with a header row, or JSON lines) into requests, validating
//! every row before anything is sent.
//!
//! Rows are numbered as a spreadsheet shows them: in CSV the header is row 1 and the first
//! subscriber row 2; in JSON lines each line is its own row.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::io::{BufRead, Read};
use std::path::Path;

use crate::builders::{self, Naming};
use crate::field_table::{self, Field};
use crate::validation::Problems;
use serde::{Deserialize, Serialize};
use webex_broadworks::bulk::{BatchItem, BatchKind, CheckedItem, SubscriberTarget};

/// What a bulk run does to each row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BulkKind {
    /// `bulk provision-subscribers`.
    ProvisionSubscribers,
    /// `bulk update-subscribers`.
    UpdateSubscribers,
    /// `bulk provision-workspaces`.
    ProvisionWorkspaces,
}

impl BulkKind {
    /// The library's kind of batch.
    pub fn batch(self) -> BatchKind {
        match self {
            BulkKind::ProvisionSubscribers => BatchKind::ProvisionSubscribers,
            BulkKind::UpdateSubscribers => BatchKind::UpdateSubscribers,
            BulkKind::ProvisionWorkspaces => BatchKind::ProvisionWorkspaces,
        }
    }

    /// The subcommand's name.
    pub fn command(self) -> &'static str {
        match self {
            BulkKind::ProvisionSubscribers => "provision-subscribers",
            BulkKind::UpdateSubscribers => "update-subscribers",
            BulkKind::ProvisionWorkspaces => "provision-workspaces",
        }
    }

    /// Whether rows end asynchronously, so the run waits for their final status.
    pub fn waits(self) -> bool {
        !matches!(self, BulkKind::ProvisionWorkspaces)
    }

    /// The columns of this kind's files: the fields of its request (see `field_table`); an
    /// update names its subscriber by `subscriberId` or `userId`, and a new user ID is
    /// `newUserId`.
    fn columns(self) -> Vec<&'static str> {
        fn wires<B>(table: &[Field<B>]) -> impl Iterator<Item = &'static str> + '_ {
            table.iter().map(|field| field.wire)
        }
        match self {
            BulkKind::ProvisionSubscribers => wires(field_table::PROVISION_SUBSCRIBER).collect(),
            BulkKind::ProvisionWorkspaces => wires(field_table::PROVISION_WORKSPACE).collect(),
            BulkKind::UpdateSubscribers => ["subscriberId", "userId"]
                .into_iter()
                .chain(
                    wires(field_table::UPDATE_SUBSCRIBER).map(|wire| match wire {
                        "userId" => "newUserId",
                        other => other,
                    }),
                )
                .collect(),
        }
    }
}

/// One valid row.
#[derive(Clone, Debug, PartialEq)]
pub struct InputRow {
    /// Its row number in the file.
    pub row: u64,
    /// What to send, checked once, as the library's batch takes it.
    pub item: CheckedItem,
}

/// How a file is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputFormat {
    /// Comma-separated values with a header row.
    Csv,
    /// One JSON object a line.
    JsonLines,
}

impl InputFormat {
    /// `.jsonl`, `.ndjson` and `.json` are JSON lines; anything else is CSV.
    pub fn of(path: &Path) -> Self {
        match path.extension().and_then(|extension| extension.to_str()) {
            Some(extension)
                if ["jsonl", "ndjson", "json"]
                    .iter()
                    .any(|known| extension.eq_ignore_ascii_case(known)) =>
            {
                InputFormat::JsonLines
            }
            _ => InputFormat::Csv,
        }
    }
}

/// A row's cells, by canonical column name. An empty cell (CSV) or empty string (JSON
/// lines) is absent, except in the columns where Webex takes an empty value as removal
/// ([`clears_when_empty`]); `null` is always absent.
type Cells = BTreeMap<&'static str, String>;

/// The longest value a cell may hold. Webex documents no limit for its names, numbers and
/// ids, all far shorter; a longer cell is a broken export (a missing quote swallowing the
/// rest of the file), reported before anything is sent rather than sent.
pub const MAX_CELL_CHARS: usize = 1_024;

/// Reports a cell longer than [`MAX_CELL_CHARS`] (the row's other checks still run).
fn within_bounds(problems: &mut Problems, row: u64, column: &str, value: &str) {
    let count = value.chars().count();
    if count <= MAX_CELL_CHARS {
        return;
    }
    problems.row(
        row,
        column,
        format!(
            "is {count} characters long, more than the {MAX_CELL_CHARS} a cell may hold; check \
             the file for a missing quote"
        ),
    );
}

/// Whether an empty value in `column` removes the value (sent as `""`) rather than leaving
/// it as it is: on update, `mobilePhoneNumber`, `primaryPhoneNumber` and `extension`, which
/// Webex removes on an empty value (the last two only while the other remains, which the
/// client's rules check).
pub fn clears_when_empty(kind: BulkKind, column: &str) -> bool {
    kind == BulkKind::UpdateSubscribers
        && matches!(
            column,
            "mobilePhoneNumber" | "primaryPhoneNumber" | "extension"
        )
}

/// Reads and validates the whole of `bytes`. Either every row is valid, or every problem
/// of every row is returned.
pub fn parse(kind: BulkKind, format: InputFormat, bytes: &[u8]) -> Result<Vec<InputRow>, Problems> {
    let mut rows = Vec::new();
    check(kind, format, &mut || Ok(bytes), |row| rows.push(row)).map_err(
        |failure| match failure {
            CheckFailure::Invalid(problems) => problems,
            CheckFailure::Read(error) => {
                let mut problems = Problems::new();
                problems.field("file", format!("cannot be read: {error}"));
                problems
            }
        },
    )?;
    Ok(rows)
}

/// Why a file did not pass [`check`].
#[derive(Debug)]
pub enum CheckFailure {
    /// Rows (or the header) are invalid: every problem found.
    Invalid(Problems),
    /// The file could not be read.
    Read(std::io::Error),
}

/// Reads and validates every row of the file `open` opens, as a stream: each valid row is
/// handed to `valid`, and nothing but a hash of each row's userId (or subscriberId) is kept
/// to find rows about the same subscriber, so a file of millions of rows is checked in
/// memory that hardly grows with it. When two rows share a hash, the file is read a second
/// time to name them. Returns how many rows there are.
pub fn check<R: Read>(
    kind: BulkKind,
    format: InputFormat,
    open: &mut dyn FnMut() -> std::io::Result<R>,
    mut valid: impl FnMut(InputRow),
) -> Result<u64, CheckFailure> {
    let mut problems = Problems::new();
    let mut records = Records::open(
        kind,
        format,
        open().map_err(CheckFailure::Read)?,
        &mut problems,
    );
    let mut hashes = Vec::new();
    let mut count = 0;
    while let Some((row, cells)) = records.next(&mut problems) {
        count += 1;
        if let Some(key) = same_subscriber_key(kind, &cells) {
            hashes.push(key_hash(key));
        }
        if let Some(item) = build(kind, row, &cells, &mut problems) {
            valid(InputRow { row, item });
        }
    }
    if let Some(error) = records.error.take() {
        return Err(CheckFailure::Read(error));
    }
    if count == 0 && problems.is_empty() {
        problems.field("file", "has no rows to send");
    }
    hashes.sort_unstable();
    let shared: HashSet<u64> = hashes
        .windows(2)
        .filter(|pair| pair[0] == pair[1])
        .map(|pair| pair[0])
        .collect();
    drop(hashes);
    if !shared.is_empty() {
        let mut second = Problems::new();
        let mut again = Records::open(
            kind,
            format,
            open().map_err(CheckFailure::Read)?,
            &mut second,
        );
        let mut first_row: HashMap<(&'static str, String), u64> = HashMap::new();
        while let Some((row, cells)) = again.next(&mut second) {
            let Some(key) = same_subscriber_key(kind, &cells) else {
                continue;
            };
            if !shared.contains(&key_hash(key)) {
                continue;
            }
            let (column, value) = key;
            match first_row.get(&(column, value.to_string())) {
                Some(first) => problems.row(
                    row,
                    column,
                    format!("is the same as on row {first}; each row must be a different one"),
                ),
                None => {
                    first_row.insert((column, value.to_string()), row);
                }
            }
        }
    }
    problems.sort_by_row();
    problems.into_result().map_err(CheckFailure::Invalid)?;
    Ok(count)
}

/// The valid rows of a file that [`check`] passed, read as they are needed. A row that
/// no longer reads or validates (the file changed since) ends the rows and is kept in
/// [`ValidRows::changed`].
pub struct ValidRows<R: Read> {
    kind: BulkKind,
    records: Records<R>,
    /// The problems met: the file is not what was checked.
    pub changed: Problems,
}

impl<R: Read> std::fmt::Debug for ValidRows<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ValidRows")
            .field("kind", &self.kind)
            .field("changed", &self.changed)
            .finish_non_exhaustive()
    }
}

impl<R: Read> ValidRows<R> {
    /// The rows of `reader`, in `format`.
    pub fn new(kind: BulkKind, format: InputFormat, reader: R) -> Self {
        let mut changed = Problems::new();
        let records = Records::open(kind, format, reader, &mut changed);
        ValidRows {
            kind,
            records,
            changed,
        }
    }
}

impl<R: Read> Iterator for ValidRows<R> {
    type Item = InputRow;

    fn next(&mut self) -> Option<InputRow> {
        if !self.changed.is_empty() {
            return None;
        }
        let (row, cells) = self.records.next(&mut self.changed)?;
        let item = build(self.kind, row, &cells, &mut self.changed)?;
        self.changed.is_empty().then_some(InputRow { row, item })
    }
}

/// The userId (or subscriberId) that names a row's subscriber: two rows about one
/// subscriber would race each other.
fn same_subscriber_key(kind: BulkKind, cells: &Cells) -> Option<(&'static str, &str)> {
    let column = match kind {
        BulkKind::UpdateSubscribers if cells.contains_key("subscriberId") => "subscriberId",
        _ => "userId",
    };
    cells
        .get(column)
        .filter(|value| !value.is_empty())
        .map(|value| (column, value.as_str()))
}

fn key_hash((column, value): (&str, &str)) -> u64 {
    let mut hasher = std::hash::DefaultHasher::new();
    (column, value).hash(&mut hasher);
    hasher.finish()
}

fn canonical(kind: BulkKind, name: &str) -> Option<&'static str> {
    let squash = |text: &str| {
        text.chars()
            .filter(|c| !matches!(c, '-' | '_' | ' '))
            .flat_map(char::to_lowercase)
            .collect::<String>()
    };
    let wanted = squash(name);
    kind.columns()
        .iter()
        .copied()
        .find(|column| squash(column) == wanted)
}

/// The columns every row of a kind needs, each as its alternatives (an update names its
/// subscriber by either id): a header without one is reported once, not on every row.
fn required_columns(kind: BulkKind) -> &'static [&'static [&'static str]] {
    match kind {
        BulkKind::ProvisionSubscribers => &[
            &["provisioningId"],
            &["userId"],
            &["spEnterpriseId"],
            &["firstName"],
            &["lastName"],
            &["package"],
        ],
        BulkKind::UpdateSubscribers => &[&["subscriberId", "userId"]],
        BulkKind::ProvisionWorkspaces => &[
            &["provisioningId"],
            &["userId"],
            &["spEnterpriseId"],
            &["displayName"],
        ],
    }
}

/// The header's problems as a whole: another delimiter than the comma (a spreadsheet's
/// semicolons or tabs), or a required column missing. Either would fail every row, so
/// the rows are not read.
fn header_problem(kind: BulkKind, raw: &[String], present: &[&str]) -> Option<String> {
    if let [only] = raw {
        for (delimiter, name) in [(';', "semicolons"), ('\t', "tabs"), ('|', "bars")] {
            if only.contains(delimiter) {
                return Some(format!(
                    "is separated by {name}, not commas: save the file as comma-separated CSV \
                     (in a spreadsheet: CSV UTF-8, comma delimited)"
                ));
            }
        }
    }
    let missing: Vec<String> = required_columns(kind)
        .iter()
        .filter(|alternatives| !alternatives.iter().any(|column| present.contains(column)))
        .map(|alternatives| alternatives.join(" or "))
        .collect();
    (!missing.is_empty()).then(|| {
        format!(
            "lacks the column{} {}, which every row needs; the header has {}",
            if missing.len() == 1 { "" } else { "s" },
            missing.join(", "),
            if raw.is_empty() {
                "nothing".to_string()
            } else {
                raw.join(", ")
            }
        )
    })
}

fn known_columns(kind: BulkKind) -> String {
    kind.columns().join(", ")
}

/// A file's records as they are read: `(row, cells)`. The header is read (and diagnosed
/// once) on opening; a record that cannot be read is reported and skipped.
pub struct Records<R: Read> {
    kind: BulkKind,
    source: Source<R>,
    /// Why reading stopped early, if it did.
    error: Option<std::io::Error>,
}

enum Source<R: Read> {
    Csv {
        reader: csv::Reader<R>,
        record: csv::ByteRecord,
        columns: Vec<Option<&'static str>>,
        index: u64,
    },
    JsonLines {
        lines: std::io::Split<std::io::BufReader<R>>,
        index: u64,
    },
    /// The header is unusable: no rows are read.
    Nothing,
}

impl<R: Read> std::fmt::Debug for Records<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Records")
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

impl<R: Read> Records<R> {
    /// Opens `reader`; the header's problems go to `problems`.
    pub fn open(kind: BulkKind, format: InputFormat, reader: R, problems: &mut Problems) -> Self {
        let source = match format {
            InputFormat::Csv => open_csv(kind, reader, problems),
            InputFormat::JsonLines => Source::JsonLines {
                lines: std::io::BufReader::new(reader).split(b'\n'),
                index: 0,
            },
        };
        Records {
            kind,
            source,
            error: None,
        }
    }

    /// The next record; its problems, and those of the records skipped, go to `problems`.
    pub fn next(&mut self, problems: &mut Problems) -> Option<(u64, Cells)> {
        let kind = self.kind;
        match &mut self.source {
            Source::Nothing => None,
            Source::Csv {
                reader,
                record,
                columns,
                index,
            } => loop {
                *index += 1;
                let fallback_row = *index + 1;
                match reader.read_byte_record(record) {
                    Ok(false) => return None,
                    Ok(true) => {
                        let row = record.position().map_or(fallback_row, spreadsheet_row);
                        return Some((row, csv_cells(kind, row, columns, record, problems)));
                    }
                    Err(error) if error.is_io_error() => {
                        if let csv::ErrorKind::Io(error) = error.into_kind() {
                            self.error = Some(error);
                        }
                        return None;
                    }
                    Err(error) => {
                        let row = error.position().map_or(fallback_row, spreadsheet_row);
                        problems.row(row, "row", format!("cannot be read: {}", error.kind_text()));
                    }
                }
            },
            Source::JsonLines { lines, index } => loop {
                let line = match lines.next()? {
                    Ok(line) => line,
                    Err(error) => {
                        self.error = Some(error);
                        return None;
                    }
                };
                *index += 1;
                if let Some(cells) = json_cells(kind, *index, &line, problems) {
                    return Some((*index, cells));
                }
            },
        }
    }
}

fn open_csv<R: Read>(kind: BulkKind, reader: R, problems: &mut Problems) -> Source<R> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .trim(csv::Trim::All)
        .from_reader(reader);
    let headers = match reader.byte_headers() {
        Ok(headers) => headers.clone(),
        Err(error) => {
            problems.row(1, "header", format!("cannot be read: {error}"));
            return Source::Nothing;
        }
    };
    let raw: Vec<String> = headers
        .iter()
        .map(|header| String::from_utf8_lossy(header).into_owned())
        .collect();
    let present: Vec<&str> = raw
        .iter()
        .filter_map(|name| canonical(kind, name))
        .collect();
    if let Some(problem) = header_problem(kind, &raw, &present) {
        problems.row(1, "header", problem);
        return Source::Nothing;
    }
    let mut columns = Vec::with_capacity(headers.len());
    for header in headers.iter() {
        let name = String::from_utf8_lossy(header);
        match canonical(kind, &name) {
            Some(column) if columns.contains(&Some(column)) => {
                problems.row(1, name.as_ref(), "appears twice in the header");
                columns.push(None);
            }
            Some(column) => columns.push(Some(column)),
            None => {
                problems.row(
                    1,
                    name.as_ref(),
                    format!("is not a column of this file; use {}", known_columns(kind)),
                );
                columns.push(None);
            }
        }
    }
    Source::Csv {
        reader,
        record: csv::ByteRecord::new(),
        columns,
        index: 0,
    }
}

fn csv_cells(
    kind: BulkKind,
    row: u64,
    columns: &[Option<&'static str>],
    record: &csv::ByteRecord,
    problems: &mut Problems,
) -> Cells {
    let mut cells = Cells::new();
    for (column, value) in columns.iter().zip(record.iter()) {
        let Some(column) = column else { continue };
        match std::str::from_utf8(value) {
            Ok("") if clears_when_empty(kind, column) => {
                cells.insert(column, String::new());
            }
            Ok("") => {}
            Ok(text) => {
                within_bounds(problems, row, column, text);
                cells.insert(column, text.to_string());
            }
            Err(_) => {
                problems.row(row, *column, "is not valid UTF-8 text");
                cells.insert(column, String::from_utf8_lossy(value).into_owned());
            }
        }
    }
    cells
}

/// The row a spreadsheet shows a CSV record in: one row a record, the header being row 1,
/// however many lines a quoted cell spans and whatever the line ends.
pub fn spreadsheet_row(position: &csv::Position) -> u64 {
    position.record() + 1
}

trait ErrorKindText {
    fn kind_text(&self) -> String;
}

impl ErrorKindText for csv::Error {
    fn kind_text(&self) -> String {
        match self.kind() {
            csv::ErrorKind::UnequalLengths {
                expected_len, len, ..
            } => format!("it has {len} cells where the header has {expected_len}"),
            _ => self.to_string(),
        }
    }
}

/// The cells of JSON line `row`; `None` for a blank line or one that cannot be read.
fn json_cells(kind: BulkKind, row: u64, line: &[u8], problems: &mut Problems) -> Option<Cells> {
    let Ok(line) = std::str::from_utf8(line) else {
        problems.row(row, "line", "is not valid UTF-8 text");
        return None;
    };
    let line = line.trim();
    if line.is_empty() {
        return None;
    }
    let object = match serde_json::from_str::<serde_json::Value>(line) {
        Ok(serde_json::Value::Object(object)) => object,
        Ok(_) => {
            problems.row(row, "line", "is not a JSON object");
            return None;
        }
        Err(error) => {
            problems.row(row, "line", format!("is not valid JSON: {error}"));
            return None;
        }
    };
    let mut cells = Cells::new();
    for (key, value) in object {
        let Some(column) = canonical(kind, &key) else {
            problems.row(
                row,
                key.as_str(),
                format!("is not a field of this file; use {}", known_columns(kind)),
            );
            continue;
        };
        match value {
            serde_json::Value::Null => {}
            serde_json::Value::String(text)
                if text.trim().is_empty() && !clears_when_empty(kind, column) => {}
            serde_json::Value::String(text) => {
                within_bounds(problems, row, column, text.trim());
                cells.insert(column, text.trim().to_string());
            }
            serde_json::Value::Number(number) => {
                cells.insert(column, number.to_string());
            }
            _ => problems.row(row, column, "must be a string"),
        }
    }
    Some(cells)
}

/// The row's item, checked once (by the library's own rules), or `None` with its problems.
fn build(kind: BulkKind, row: u64, cells: &Cells, problems: &mut Problems) -> Option<CheckedItem> {
    let item = item(kind, row, cells, problems)?;
    match item.check() {
        Ok(checked) => Some(checked),
        Err(report) => {
            builders::report(report, Naming::Row(row), problems);
            None
        }
    }
}

fn item(kind: BulkKind, row: u64, cells: &Cells, problems: &mut Problems) -> Option<BatchItem> {
    let given = |column: &str| cells.get(column).filter(|value| !value.is_empty()).cloned();
    match kind {
        BulkKind::ProvisionSubscribers => Some(BatchItem::provision_subscriber(
            row,
            builders::fill_provision_subscriber(given),
        )),
        BulkKind::ProvisionWorkspaces => Some(BatchItem::provision_workspace(
            row,
            builders::fill_provision_workspace(given),
        )),
        BulkKind::UpdateSubscribers => {
            let target = match (given("subscriberId"), given("userId")) {
                (Some(id), _) => Some(SubscriberTarget::Id(id)),
                (None, Some(user_id)) => Some(SubscriberTarget::UserId(user_id)),
                (None, None) => {
                    problems.row(
                        row,
                        "subscriberId",
                        "is required, or userId to find the subscriber by",
                    );
                    None
                }
            };
            let changes = &kind.columns()[2..];
            if !changes.iter().any(|column| cells.contains_key(column)) {
                problems.row(
                    row,
                    "row",
                    "changes nothing; give at least one field to change",
                );
            }
            // An empty value is kept: in an update it removes the field.
            let body = builders::fill_update_subscriber(|column| match column {
                "userId" => cells.get("newUserId").cloned(),
                other => cells.get(other).cloned(),
            });
            Some(BatchItem::update_subscriber(row, target?, body))
        }
    }
}

#[cfg(test)]
mod tests {
    use webex_broadworks::bulk::RowRequest;

    use super::*;

    const HEADER: &str = "provisioningId,userId,spEnterpriseId,firstName,lastName,package\n";

    fn messages(problems: &Problems) -> Vec<String> {
        problems
            .iter()
            .map(|problem| {
                format!(
                    "{}|{}|{}",
                    problem.row.unwrap_or(0),
                    problem.field,
                    problem.message
                )
            })
            .collect()
    }

    #[test]
    fn a_valid_csv_becomes_requests_numbered_like_a_spreadsheet() {
        let csv = format!(
            "{HEADER}prov-1,alice@sp.example,Reseller1+acme,Alice,Ng,standard\n\
             prov-1,bob@sp.example,Reseller1+acme,Bob,Ray,Premium\n"
        );
        let rows = parse(
            BulkKind::ProvisionSubscribers,
            InputFormat::Csv,
            csv.as_bytes(),
        )
        .unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].row, 2);
        assert_eq!(rows[1].row, 3);
        let RowRequest::ProvisionSubscriber(bob) = rows[1].item.request().clone() else {
            panic!("not a provisioning")
        };
        assert_eq!(bob.package, webex_broadworks::Package::Premium);
        assert_eq!(bob.email, None);
    }

    #[test]
    fn every_bad_row_is_reported_with_its_row_and_field() {
        let csv = format!(
            "{HEADER}prov-1,alice@sp.example,Reseller1+acme,,Ng,standard\n\
             prov-1,bob@sp.example,Reseller1+acme,Bob,Ray,gold\n\
             prov-1,alice@sp.example,Reseller1+acme,Alice,Again,basic\n\
             prov-1,short\n"
        );
        let problems = parse(
            BulkKind::ProvisionSubscribers,
            InputFormat::Csv,
            csv.as_bytes(),
        )
        .unwrap_err();
        assert_eq!(
            messages(&problems),
            vec![
                "2|firstName|set `firstName`; it is mandatory [required]".to_string(),
                "3|package|use one of `softphone`, `basic`, `standard`, `premium` [one-of]"
                    .to_string(),
                "4|userId|is the same as on row 2; each row must be a different one".to_string(),
                "5|row|cannot be read: it has 2 cells where the header has 6".to_string(),
            ]
        );
    }

    #[test]
    fn a_missing_required_column_is_one_problem_about_the_header() {
        let mut csv = String::from("provisioningId,userId,spEnterpriseId,firstName,lastName\n");
        for n in 0..1_000 {
            csv.push_str(&format!("prov-1,u{n}@sp.example,Reseller1+acme,A,B\n"));
        }
        let problems = parse(
            BulkKind::ProvisionSubscribers,
            InputFormat::Csv,
            csv.as_bytes(),
        )
        .unwrap_err();
        let shown = messages(&problems);
        assert_eq!(shown.len(), 1, "{shown:?}");
        assert!(
            shown[0].starts_with("1|header|lacks the column package, which every row needs"),
            "{shown:?}"
        );
        // An update needs one of its two ways to name the subscriber.
        let problems = parse(
            BulkKind::UpdateSubscribers,
            InputFormat::Csv,
            b"firstName\nAlice\n",
        )
        .unwrap_err();
        assert!(
            messages(&problems)[0].contains("lacks the column subscriberId or userId"),
            "{:?}",
            messages(&problems)
        );
    }

    #[test]
    fn rows_are_numbered_as_a_spreadsheet_shows_them_with_crlf_and_quoted_line_breaks() {
        // Excel's CSV: CRLF line ends, and a cell with a line break inside quotes, which a
        // spreadsheet shows as one row.
        let csv = "provisioningId,userId,spEnterpriseId,firstName,lastName,package\r\n\
                   prov-1,a@sp.example,Reseller1+acme,\"Ann\r\nMarie\",Ng,basic\r\n\
                   prov-1,b@sp.example,Reseller1+acme,Bob,Ray,gold\r\n";
        let problems = parse(
            BulkKind::ProvisionSubscribers,
            InputFormat::Csv,
            csv.as_bytes(),
        )
        .unwrap_err();
        let shown = messages(&problems);
        assert_eq!(shown.len(), 1, "{shown:?}");
        assert!(shown[0].starts_with("3|package|"), "{shown:?}");
        // Without a quoted line break, the first record of a CRLF file is row 2 all the same.
        let csv = "provisioningId,userId,spEnterpriseId,firstName,lastName,package\r\n\
                   prov-1,a@sp.example,Reseller1+acme,Ann,Ng,gold\r\n\
                   prov-1,b@sp.example,Reseller1+acme,Bob,Ray,basic\r\n\
                   prov-1,c@sp.example,Reseller1+acme,Cy,Ray,gold\r\n";
        let shown = messages(
            &parse(
                BulkKind::ProvisionSubscribers,
                InputFormat::Csv,
                csv.as_bytes(),
            )
            .unwrap_err(),
        );
        assert!(
            shown.len() == 2 && shown[0].starts_with("2|package|") && shown[1].starts_with("4|"),
            "{shown:?}"
        );
    }

    #[test]
    fn a_semicolon_or_tab_delimited_file_gets_a_hint() {
        for (text, name) in [
            (
                "provisioningId;userId;spEnterpriseId;firstName;lastName;package\np;u;s;f;l;basic\n",
                "semicolons",
            ),
            (
                "provisioningId\tuserId\tspEnterpriseId\tfirstName\tlastName\tpackage\np\tu\ts\tf\tl\tbasic\n",
                "tabs",
            ),
        ] {
            let problems = parse(
                BulkKind::ProvisionSubscribers,
                InputFormat::Csv,
                text.as_bytes(),
            )
            .unwrap_err();
            let shown = messages(&problems);
            assert_eq!(shown.len(), 1, "{shown:?}");
            assert!(
                shown[0].contains(&format!("is separated by {name}, not commas")),
                "{shown:?}"
            );
        }
    }

    #[test]
    fn headers_may_be_kebab_or_snake_case_and_unknown_ones_are_refused() {
        let csv = "provisioning-id,user_id,sp enterprise id,display-name,colour\n\
                   prov-1,room-1@sp.example,Reseller1+acme,Room 1,blue\n";
        let problems = parse(
            BulkKind::ProvisionWorkspaces,
            InputFormat::Csv,
            csv.as_bytes(),
        )
        .unwrap_err();
        assert_eq!(problems.len(), 1);
        assert!(messages(&problems)[0].starts_with("1|colour|is not a column of this file"));
    }

    #[test]
    fn json_lines_are_read_one_object_a_line() {
        let jsonl = "{\"userId\":\"alice@sp.example\",\"mobilePhoneNumber\":\"\"}\n\n\
                     {\"subscriberId\":\"sub-2\",\"extension\":1234}\n\
                     [1]\n";
        let problems = parse(
            BulkKind::UpdateSubscribers,
            InputFormat::JsonLines,
            jsonl.as_bytes(),
        )
        .unwrap_err();
        assert_eq!(
            messages(&problems),
            vec!["4|line|is not a JSON object".to_string()]
        );
        let rows = parse(
            BulkKind::UpdateSubscribers,
            InputFormat::JsonLines,
            &jsonl.as_bytes()[..jsonl.find("[1]").unwrap()],
        )
        .unwrap();
        assert_eq!(rows.len(), 2);
        let RowRequest::UpdateSubscriber { target, body } = rows[0].item.request().clone() else {
            panic!("not an update")
        };
        assert_eq!(target, SubscriberTarget::UserId("alice@sp.example".into()));
        assert_eq!(body.mobile_phone_number.as_deref(), Some(""));
        let RowRequest::UpdateSubscriber { body, .. } = rows[1].item.request().clone() else {
            panic!("not an update")
        };
        assert_eq!(body.extension.as_deref(), Some("1234"));
    }

    #[test]
    fn an_empty_cell_clears_where_webex_removes_on_empty_and_is_absent_elsewhere_alike() {
        let csv = "userId,firstName,mobilePhoneNumber\nalice@sp.example,,\n";
        let jsonl = "{\"userId\": \"alice@sp.example\", \"firstName\": \"\", \"mobilePhoneNumber\": \"\"}\n";
        for (format, bytes) in [(InputFormat::Csv, csv), (InputFormat::JsonLines, jsonl)] {
            let rows = parse(BulkKind::UpdateSubscribers, format, bytes.as_bytes()).unwrap();
            let RowRequest::UpdateSubscriber { body, .. } = rows[0].item.request().clone() else {
                panic!("not an update")
            };
            assert_eq!(body.mobile_phone_number.as_deref(), Some(""), "{format:?}");
            assert_eq!(body.first_name, None, "{format:?}");
        }
        // On provisioning, nothing is removed: an empty cell is absent.
        let csv = "provisioningId,userId,spEnterpriseId,firstName,lastName,package,mobilePhoneNumber\n\
                   prov-1,a@sp.example,Reseller1+acme,A,B,basic,\n";
        let rows = parse(
            BulkKind::ProvisionSubscribers,
            InputFormat::Csv,
            csv.as_bytes(),
        )
        .unwrap();
        let RowRequest::ProvisionSubscriber(body) = rows[0].item.request().clone() else {
            panic!("not a provisioning")
        };
        assert_eq!(body.mobile_phone_number, None);
    }

    #[test]
    fn a_cell_longer_than_the_bound_is_refused_with_its_length() {
        let long = "x".repeat(MAX_CELL_CHARS + 1);
        let csv = format!("{HEADER}prov-1,a@sp.example,Reseller1+acme,{long},Ng,basic\n");
        let problems = parse(
            BulkKind::ProvisionSubscribers,
            InputFormat::Csv,
            csv.as_bytes(),
        )
        .unwrap_err();
        let shown = messages(&problems);
        assert!(
            shown
                .iter()
                .any(|m| m.starts_with("2|firstName|is 1025 characters long")),
            "{shown:?}"
        );
        let at_bound = "x".repeat(MAX_CELL_CHARS);
        let csv = format!("{HEADER}prov-1,a@sp.example,Reseller1+acme,{at_bound},Ng,basic\n");
        assert!(
            parse(
                BulkKind::ProvisionSubscribers,
                InputFormat::Csv,
                csv.as_bytes()
            )
            .is_ok()
        );
    }

    #[test]
    fn an_update_that_changes_nothing_is_refused() {
        let csv = "subscriberId,firstName\nsub-1,\n";
        let problems = parse(
            BulkKind::UpdateSubscribers,
            InputFormat::Csv,
            csv.as_bytes(),
        )
        .unwrap_err();
        assert_eq!(
            messages(&problems),
            vec!["2|row|changes nothing; give at least one field to change".to_string()]
        );
    }

    #[test]
    fn an_empty_file_is_refused() {
        let problems = parse(
            BulkKind::ProvisionSubscribers,
            InputFormat::Csv,
            HEADER.as_bytes(),
        )
        .unwrap_err();
        assert_eq!(
            messages(&problems),
            vec!["0|file|has no rows to send".to_string()]
        );
    }

    #[test]
    fn non_utf8_cells_are_reported() {
        let mut bytes = HEADER.as_bytes().to_vec();
        bytes.extend_from_slice(b"prov-1,alice@sp.example,Reseller1+acme,Al\xffce,Ng,basic\n");
        let problems = parse(BulkKind::ProvisionSubscribers, InputFormat::Csv, &bytes).unwrap_err();
        assert_eq!(
            messages(&problems),
            vec!["2|firstName|is not valid UTF-8 text".to_string()]
        );
    }
}
