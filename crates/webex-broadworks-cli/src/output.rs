//! What commands print on stdout: tables for people, or JSON in the API's own field names
//! for scripts (stable: it is the spec's schema, nothing added or renamed).

use std::io::Write;

use std::sync::OnceLock;

use comfy_table::{ContentArrangement, Table, presets};
use serde::Serialize;
use webex_broadworks::types;

use crate::cli::OutputFormat;
use crate::exit::CliError;

/// Something a command prints.
pub trait Render: Serialize {
    /// The table people read.
    fn table(&self) -> Table;
}

/// Prints `value` on stdout in `format`.
pub fn print(format: OutputFormat, value: &impl Render) -> Result<(), CliError> {
    line(render(format, value))
}

/// Writes `text` and a newline on stdout. A closed stdout (`wxbw ... | head`) ends the
/// command quietly ([`CliError::StdoutClosed`]) instead of as a failure.
pub fn line(text: impl std::fmt::Display) -> Result<(), CliError> {
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{text}")
        .and_then(|()| stdout.flush())
        .map_err(stdout_error)
}

/// A write to stdout that failed: quiet when the reader went away.
pub fn stdout_error(error: std::io::Error) -> CliError {
    if error.kind() == std::io::ErrorKind::BrokenPipe {
        CliError::StdoutClosed
    } else {
        CliError::local("cannot write to stdout", error)
    }
}

/// `value` as it is printed in `format`.
pub fn render(format: OutputFormat, value: &impl Render) -> String {
    match format {
        OutputFormat::Json => {
            serde_json::to_string_pretty(value).expect("API values always serialise")
        }
        OutputFormat::Ndjson => serde_json::to_string(value).expect("API values always serialise"),
        OutputFormat::Table => {
            let mut table = value.table();
            let view = view();
            if let Some(width) = view.width.filter(|_| !view.wide) {
                // What still does not fit wraps inside its cell rather than across lines.
                table
                    .set_content_arrangement(ContentArrangement::Dynamic)
                    .set_width(width);
            }
            table.trim_fmt()
        }
    }
}

/// How tables are laid out for this run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct View {
    /// The width tables must fit (the terminal's, or `COLUMNS`); `None` without a terminal.
    pub width: Option<u16>,
    /// `--wide`: every column, every value whole.
    pub wide: bool,
}

static VIEW: OnceLock<View> = OnceLock::new();

/// Sets the view once, at the start of the run.
pub fn set_view(view: View) {
    let _ = VIEW.set(view);
}

/// The view of this run (no width limit until one is set).
pub fn view() -> View {
    VIEW.get().copied().unwrap_or_default()
}

/// The width tables should fit: `COLUMNS` when set, else stdout's terminal's; none when
/// stdout is not a terminal (a file or a pipe gets whole values).
pub fn detect_width() -> Option<u16> {
    if let Some(columns) = std::env::var("COLUMNS")
        .ok()
        .and_then(|value| value.trim().parse::<u16>().ok())
        .filter(|columns| *columns >= 20)
    {
        return Some(columns);
    }
    terminal_size::terminal_size_of(std::io::stdout()).map(|(width, _)| width.0)
}

/// One column of a list: its header, how much it matters when space is short (columns with
/// a higher `drop_order` go first; 0 never goes), and whether its values are Webex ids,
/// which are shortened to their distinctive end when space is short.
#[derive(Clone, Copy, Debug)]
pub struct Column {
    pub header: &'static str,
    pub drop_order: u8,
    pub is_id: bool,
}

impl Column {
    /// A column of Webex ids, always shown, shortened when space is short.
    pub const fn id(header: &'static str) -> Column {
        Column {
            header,
            drop_order: 0,
            is_id: true,
        }
    }

    /// A column always shown.
    pub const fn kept(header: &'static str) -> Column {
        Column {
            header,
            drop_order: 0,
            is_id: false,
        }
    }

    /// A column left out when space is short, the highest `drop_order` first.
    pub const fn droppable(header: &'static str, drop_order: u8) -> Column {
        Column {
            header,
            drop_order,
            is_id: false,
        }
    }
}

/// Ids as the table shows them when space is short: `…` and the last characters, where
/// Webex's base64 ids differ (their start encodes the same `ciscospark://us/...` prefix).
pub fn short_id(id: &str) -> String {
    const KEEP: usize = 12;
    let count = id.chars().count();
    if count <= KEEP + 1 {
        return id.to_string();
    }
    let tail: String = id.chars().skip(count - KEEP).collect();
    format!("…{tail}")
}

/// A list's table for this run's view: with `--wide` or without a width, every column
/// whole; otherwise whole if it fits, else ids shortened, then the columns with the highest `drop_order` left out
/// one by one until the table fits (what still does not fit wraps in its cell).
pub fn fitted(columns: &[Column], rows: &[Vec<String>]) -> Table {
    let view = view();
    let build = |shown: &[usize], shorten: bool| {
        let headers: Vec<&str> = shown.iter().map(|i| columns[*i].header).collect();
        let mut table = table(&headers);
        for row in rows {
            table.add_row(
                shown
                    .iter()
                    .map(|i| {
                        if shorten && columns[*i].is_id {
                            short_id(&row[*i])
                        } else {
                            row[*i].clone()
                        }
                    })
                    .collect::<Vec<_>>(),
            );
        }
        table
    };
    let mut shown: Vec<usize> = (0..columns.len()).collect();
    let Some(width) = view.width.filter(|_| !view.wide) else {
        return build(&shown, false);
    };
    let fits = |table: &Table| {
        table
            .trim_fmt()
            .lines()
            .all(|line| line.chars().count() <= usize::from(width))
    };
    let whole = build(&shown, false);
    if fits(&whole) {
        return whole;
    }
    let mut table = build(&shown, true);
    while !fits(&table) {
        let Some(drop) = shown
            .iter()
            .copied()
            .filter(|i| columns[*i].drop_order > 0)
            .max_by_key(|i| columns[*i].drop_order)
        else {
            break;
        };
        shown.retain(|i| *i != drop);
        table = build(&shown, true);
    }
    table
}

/// Prints a list as it is read: `{"items": [...]}` for `json` and one object a line for
/// `ndjson`, item by item, so that memory stays flat however long the list; a table needs
/// every row first to align its columns, so `table` collects them and prints
/// `rows(items)`.
pub async fn list<T, R>(
    format: OutputFormat,
    mut items: futures::stream::BoxStream<'static, Result<T, webex_broadworks::Error>>,
    rows: impl FnOnce(Vec<T>) -> R,
) -> Result<(), CliError>
where
    T: Serialize,
    R: Render,
{
    use futures::StreamExt;
    if format == OutputFormat::Table {
        let mut collected = Vec::new();
        while let Some(item) = items.next().await {
            collected.push(item?);
        }
        return print(format, &rows(collected));
    }
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let json = format == OutputFormat::Json;
    if json {
        out.write_all(b"{\"items\": [").map_err(stdout_error)?;
    }
    let mut first = true;
    while let Some(item) = items.next().await {
        let item = item?;
        let text = serde_json::to_string(&item).expect("API values always serialise");
        let written = if json {
            let separator = if first { "\n  " } else { ",\n  " };
            write!(out, "{separator}{text}")
        } else {
            writeln!(out, "{text}")
        };
        written.map_err(stdout_error)?;
        first = false;
    }
    if json {
        let end = if first { "]}\n" } else { "\n]}\n" };
        out.write_all(end.as_bytes()).map_err(stdout_error)?;
    }
    out.flush().map_err(stdout_error)
}

/// A table with the project's style and these column headers.
pub fn table(header: &[&str]) -> Table {
    let mut table = Table::new();
    table.load_preset(presets::UTF8_FULL_CONDENSED);
    if !header.is_empty() {
        table.set_header(header.to_vec());
    }
    table
}

/// A two-column table of one record's fields, in the order given; absent values show `-`.
pub fn record(fields: &[(&str, Option<String>)]) -> Table {
    let mut table = table(&["field", "value"]);
    for (name, value) in fields {
        table.add_row(vec![name.to_string(), shown(value.as_deref())]);
    }
    table
}

/// An absent value as `-`.
pub fn shown(value: Option<&str>) -> String {
    value.map_or_else(|| "-".to_string(), str::to_string)
}

fn text(value: &Option<String>) -> Option<String> {
    value.clone()
}

fn display<T: ToString>(value: &Option<T>) -> Option<String> {
    value.as_ref().map(ToString::to_string)
}

/// An instant as RFC 3339 with milliseconds; a value that is not one, as Webex sent it.
fn time(value: &Option<webex_broadworks::Timestamp>) -> Option<String> {
    value.as_ref().map(|timestamp| match timestamp.get() {
        Some(instant) => instant.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        None => timestamp.to_string(),
    })
}

/// Every asynchronous error of a subscriber, `code: description`, joined.
pub fn subscriber_errors(errors: &[types::SubscriberError]) -> Option<String> {
    (!errors.is_empty()).then(|| {
        errors
            .iter()
            .map(|error| {
                format!(
                    "{}: {}",
                    shown(error.error_code.map(|code| code.to_string()).as_deref()),
                    shown(error.description.as_deref())
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    })
}

fn full_name(first: &Option<String>, last: &Option<String>) -> Option<String> {
    match (first, last) {
        (None, None) => None,
        _ => Some(
            [first.as_deref(), last.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" "),
        ),
    }
}

impl Render for types::Subscriber {
    fn table(&self) -> Table {
        record(&[
            ("id", text(&self.id)),
            ("userId", text(&self.user_id)),
            ("status", display(&self.status)),
            ("errors", subscriber_errors(&self.errors)),
            ("firstName", text(&self.first_name)),
            ("lastName", text(&self.last_name)),
            ("email", text(&self.email)),
            ("package", display(&self.package)),
            ("primaryPhoneNumber", text(&self.primary_phone_number)),
            ("mobilePhoneNumber", text(&self.mobile_phone_number)),
            ("extension", text(&self.extension)),
            ("spEnterpriseId", text(&self.sp_enterprise_id)),
            ("provisioningId", text(&self.provisioning_id)),
            ("personId", text(&self.person_id)),
            ("selfActivated", display(&self.self_activated)),
            ("created", time(&self.created)),
            ("lastStatusChange", time(&self.last_status_change)),
        ])
    }
}

/// Subscribers as listed.
#[derive(Debug, Serialize)]
#[serde(transparent)]
pub struct SubscriberRows(pub Vec<types::Subscriber>);

impl Render for SubscriberRows {
    fn table(&self) -> Table {
        const COLUMNS: &[Column] = &[
            Column::id("id"),
            Column::kept("userId"),
            Column::droppable("name", 2),
            Column::droppable("package", 3),
            Column::kept("status"),
            Column::droppable("lastStatusChange", 4),
        ];
        let rows: Vec<Vec<String>> = self
            .0
            .iter()
            .map(|subscriber| {
                vec![
                    shown(subscriber.id.as_deref()),
                    shown(subscriber.user_id.as_deref()),
                    shown(full_name(&subscriber.first_name, &subscriber.last_name).as_deref()),
                    shown(display(&subscriber.package).as_deref()),
                    shown(display(&subscriber.status).as_deref()),
                    shown(time(&subscriber.last_status_change).as_deref()),
                ]
            })
            .collect();
        fitted(COLUMNS, &rows)
    }
}

impl Render for types::Workspace {
    fn table(&self) -> Table {
        record(&[
            ("id", text(&self.id)),
            ("userId", text(&self.user_id)),
            ("displayName", text(&self.display_name)),
            ("primaryPhoneNumber", text(&self.primary_phone_number)),
            ("extension", text(&self.extension)),
            ("spEnterpriseId", text(&self.sp_enterprise_id)),
            ("provisioningId", text(&self.provisioning_id)),
            ("created", time(&self.created)),
        ])
    }
}

impl Render for types::PrecheckResponse {
    fn table(&self) -> Table {
        let mut table = table(&["message", "infoCode", "description"]);
        if self.info.is_empty() {
            table.add_row(vec![shown(self.message.as_deref()), "-".into(), "-".into()]);
        }
        for info in &self.info {
            table.add_row(vec![
                shown(self.message.as_deref()),
                shown(display(&info.info_code).as_deref()),
                shown(info.description.as_deref()),
            ]);
        }
        table
    }
}

/// Enterprises as listed.
#[derive(Debug, Serialize)]
#[serde(transparent)]
pub struct EnterpriseRows(pub Vec<types::Enterprise>);

impl Render for EnterpriseRows {
    fn table(&self) -> Table {
        const COLUMNS: &[Column] = &[
            Column::id("id"),
            Column::kept("spEnterpriseId"),
            Column::droppable("provisioningId", 3),
            Column::droppable("enableDirSync", 2),
            Column::droppable("syncStatus", 1),
        ];
        let rows: Vec<Vec<String>> = self
            .0
            .iter()
            .map(|enterprise| {
                let sync = enterprise.broadworks_directory_sync.as_ref();
                vec![
                    shown(enterprise.id.as_deref()),
                    shown(enterprise.sp_enterprise_id.as_deref()),
                    shown(enterprise.provisioning_id.as_deref()),
                    shown(
                        sync.and_then(|sync| display(&sync.enable_dir_sync))
                            .as_deref(),
                    ),
                    shown(
                        sync.and_then(|sync| sync.directory_sync_status.as_ref())
                            .and_then(|status| display(&status.sync_status))
                            .as_deref(),
                    ),
                ]
            })
            .collect();
        fitted(COLUMNS, &rows)
    }
}

impl Render for types::DirectorySync {
    fn table(&self) -> Table {
        let status = self.directory_sync_status.clone().unwrap_or_default();
        let errors = (!status.errors.is_empty()).then(|| {
            status
                .errors
                .iter()
                .map(|error| {
                    format!(
                        "{}: {}",
                        shown(display(&error.error_code).as_deref()),
                        shown(error.description.as_deref())
                    )
                })
                .collect::<Vec<_>>()
                .join("; ")
        });
        record(&[
            ("enableDirSync", display(&self.enable_dir_sync)),
            ("syncStatus", display(&status.sync_status)),
            ("errors", errors),
            ("lastSyncStartTime", time(&status.last_sync_start_time)),
            ("lastSyncEndTime", time(&status.last_sync_end_time)),
            (
                "lastSuccessfulSyncTime",
                time(&status.last_successful_sync_time),
            ),
            ("usersAdded", display(&status.users_added)),
            ("usersUpdated", display(&status.users_updated)),
            ("usersDeleted", display(&status.users_deleted)),
            (
                "totalExternalUsersInCI",
                display(&status.total_external_users_in_ci),
            ),
            ("lastSyncTrackingId", text(&status.last_sync_tracking_id)),
        ])
    }
}

impl Render for types::UserDirectorySyncResult {
    fn table(&self) -> Table {
        let user = self.user_response.clone().unwrap_or_default();
        record(&[
            ("status", display(&self.status)),
            ("userId", text(&user.user_id)),
            ("firstName", text(&user.first_name)),
            ("lastName", text(&user.last_name)),
            ("extension", text(&user.extension)),
            ("number", text(&user.number)),
            ("mobile", text(&user.mobile)),
        ])
    }
}

/// Billing reports as listed.
#[derive(Debug, Serialize)]
#[serde(transparent)]
pub struct BillingRows(pub Vec<types::BillingReportSummary>);

impl Render for BillingRows {
    fn table(&self) -> Table {
        const COLUMNS: &[Column] = &[
            Column::id("id"),
            Column::kept("billingPeriod"),
            Column::kept("status"),
        ];
        let rows: Vec<Vec<String>> = self
            .0
            .iter()
            .map(|report| {
                vec![
                    shown(report.id.as_deref()),
                    shown(report.billing_period.as_deref()),
                    shown(display(&report.status).as_deref()),
                ]
            })
            .collect();
        fitted(COLUMNS, &rows)
    }
}

impl Render for types::BillingReport {
    fn table(&self) -> Table {
        let errors = (!self.errors.is_empty()).then(|| {
            self.errors
                .iter()
                .map(|error| {
                    format!(
                        "{}: {}",
                        shown(display(&error.code).as_deref()),
                        shown(error.description.as_deref())
                    )
                })
                .collect::<Vec<_>>()
                .join("; ")
        });
        record(&[
            ("id", text(&self.id)),
            ("billingPeriod", text(&self.billing_period)),
            ("status", display(&self.status)),
            ("errors", errors),
            ("created", time(&self.created)),
            ("createdBy", text(&self.created_by)),
            ("tempDownloadURL", text(&self.temp_download_url)),
        ])
    }
}

impl Render for types::BillingReportId {
    fn table(&self) -> Table {
        record(&[("id", text(&self.id))])
    }
}

/// The outcome of an operation that returns no body (remove, delete, consent e-mail).
#[derive(Debug, Serialize)]
pub struct Done {
    /// What the operation was applied to.
    pub id: String,
    /// What happened, e.g. `removed`.
    pub result: &'static str,
}

impl Render for Done {
    fn table(&self) -> Table {
        record(&[
            ("id", Some(self.id.clone())),
            ("result", Some(self.result.to_string())),
        ])
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn json_output_uses_the_api_field_names() {
        let subscriber = types::Subscriber {
            id: Some("sub-1".into()),
            user_id: Some("alice@sp.example".into()),
            first_name: Some("Alice".into()),
            ..Default::default()
        };
        let text = render(OutputFormat::Json, &subscriber);
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["userId"], "alice@sp.example");
        assert_eq!(value["firstName"], "Alice");
        assert!(value.get("personId").is_none());
    }

    #[test]
    fn absent_values_show_as_a_dash() {
        let text = render(OutputFormat::Table, &types::Subscriber::default());
        assert!(text.contains("│ personId"));
        assert!(
            text.lines()
                .any(|line| line.contains("personId") && line.contains(" - "))
        );
    }

    #[test]
    fn no_body_results_are_stable_json() {
        let done = Done {
            id: "abc".into(),
            result: "removed",
        };
        let value: serde_json::Value =
            serde_json::from_str(&render(OutputFormat::Json, &done)).unwrap();
        assert_eq!(value, json!({ "id": "abc", "result": "removed" }));
    }
}
