//! The results file: one line per input row with its id, final status, error and trackingId.
//!
//! It is rewritten whole from the journal at the end of every run (and resumed run), through
//! a temporary file and a rename, so it is never half-written.

use std::io::Write;
use std::path::Path;

use serde::Serialize;

use webex_broadworks::bulk::{JournalRow, RowState};

/// One line of the results file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResultLine {
    /// The row in the input file.
    pub row: u64,
    /// The BroadWorks user ID.
    pub user_id: String,
    /// The subscriber's or workspace's id.
    pub id: String,
    /// The final status, or where the row stopped (`not sent`, `unknown`, `provisioning`).
    pub status: String,
    /// Why it failed or is paused.
    pub error: String,
    /// The tracking id of the last answer, for Webex support.
    pub tracking_id: String,
}

impl ResultLine {
    /// The line for a journal row.
    pub fn of(row: &JournalRow) -> Self {
        let status = match row.state {
            RowState::Pending => "not sent".to_string(),
            RowState::Sending => "unknown".to_string(),
            RowState::Failed => "failed".to_string(),
            RowState::Accepted | RowState::Final => {
                row.status.clone().unwrap_or_else(|| "unknown".into())
            }
        };
        ResultLine {
            row: row.row,
            user_id: row.user_id.clone(),
            id: row.subscriber_id.clone().unwrap_or_default(),
            status,
            error: row.error.clone().unwrap_or_default(),
            tracking_id: row.tracking_id.clone().unwrap_or_default(),
        }
    }
}

/// Writes `rows` to `path`, as they come: JSON lines if it ends in `.jsonl`/`.ndjson`,
/// else CSV. The file appears whole or not at all (it is written beside, then renamed).
pub fn write<'a, E: std::error::Error + Send + Sync + 'static>(
    path: &Path,
    rows: impl IntoIterator<Item = Result<std::borrow::Cow<'a, JournalRow>, E>>,
) -> std::io::Result<()> {
    let rows = rows
        .into_iter()
        .map(|row| row.map_err(std::io::Error::other));
    let json_lines = path
        .extension()
        .and_then(|extension| extension.to_str())
        .is_some_and(|extension| {
            extension.eq_ignore_ascii_case("jsonl") || extension.eq_ignore_ascii_case("ndjson")
        });
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(".partial");
    let temporary = std::path::PathBuf::from(temporary);
    {
        // Readable by its owner only: it holds every row's user ID and reasons.
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = options.open(&temporary)?;
        let mut out = std::io::BufWriter::new(file);
        if json_lines {
            for row in rows {
                serde_json::to_writer(&mut out, &ResultLine::of(&*row?))?;
                out.write_all(b"\n")?;
            }
        } else {
            let mut writer = csv::Writer::from_writer(&mut out);
            for row in rows {
                writer.serialize(ResultLine::of(&*row?))?;
            }
            writer.flush()?;
        }
        out.flush()?;
        out.get_ref().sync_all()?;
    }
    std::fs::rename(&temporary, path)
}

#[cfg(test)]
mod tests {
    use webex_broadworks::types;

    use super::*;
    use webex_broadworks::bulk::RowRequest;

    fn row(row: u64, state: RowState, status: Option<&str>, error: Option<&str>) -> JournalRow {
        JournalRow {
            row,
            user_id: format!("user{row}@sp.example"),
            request: RowRequest::ProvisionWorkspace(types::ProvisionWorkspaceRequest {
                display_name: "Room".into(),
                extension: None,
                primary_phone_number: None,
                provisioning_id: "prov".into(),
                sp_enterprise_id: "ent".into(),
                user_id: format!("user{row}@sp.example"),
            }),
            state,
            subscriber_id: status.map(|_| format!("id-{row}")),
            status: status.map(str::to_string),
            error: error.map(str::to_string),
            tracking_id: Some(format!("track-{row}")),
            since: None,
            attempts: 1,
        }
    }

    fn owned(
        rows: impl IntoIterator<Item = JournalRow>,
    ) -> impl Iterator<Item = Result<std::borrow::Cow<'static, JournalRow>, std::io::Error>> {
        rows.into_iter().map(|row| Ok(std::borrow::Cow::Owned(row)))
    }

    #[test]
    fn csv_results_have_one_line_per_row() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        write(
            &path,
            owned([
                row(2, RowState::Final, Some("provisioned"), None),
                row(
                    3,
                    RowState::Final,
                    Some("error"),
                    Some("10022: userId already mapped"),
                ),
                row(4, RowState::Pending, None, None),
            ]),
        )
        .unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "row,userId,id,status,error,trackingId\n\
             2,user2@sp.example,id-2,provisioned,,track-2\n\
             3,user3@sp.example,id-3,error,10022: userId already mapped,track-3\n\
             4,user4@sp.example,,not sent,,track-4\n"
        );
        assert!(!dir.path().join("out.csv.partial").exists());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "{mode:o}");
        }
    }

    #[test]
    fn jsonl_results_use_the_same_fields() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.jsonl");
        write(
            &path,
            owned([row(2, RowState::Failed, None, Some("HTTP 400"))]),
        )
        .unwrap();
        let line: serde_json::Value =
            serde_json::from_str(std::fs::read_to_string(&path).unwrap().trim()).unwrap();
        assert_eq!(line["status"], "failed");
        assert_eq!(line["error"], "HTTP 400");
        assert_eq!(line["trackingId"], "track-2");
    }
}
