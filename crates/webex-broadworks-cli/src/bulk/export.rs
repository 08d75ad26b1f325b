//! `--export-failed PATH`: the rows of a run that ended failed, copied from the input into a
//! new file of the same format (the CSV header and each record as written, or each JSON
//! line), to correct and run on their own.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;

use crate::bulk::input::{InputFormat, spreadsheet_row};
use crate::exit::CliError;

/// Writes the records of `bytes` (the input, in `format`) whose row numbers are in `rows`
/// to a new file at `path`; returns how many. An existing file is left alone.
pub fn write(
    path: &Path,
    format: InputFormat,
    bytes: &[u8],
    rows: &BTreeSet<u64>,
) -> Result<usize, CliError> {
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|error| {
            let hint = if error.kind() == std::io::ErrorKind::AlreadyExists {
                "it exists; remove it or choose another PATH"
            } else {
                "choose another PATH"
            };
            CliError::Usage(format!(
                "cannot create {} for --export-failed: {error}; {hint}",
                path.display()
            ))
        })?;
    let mut out = std::io::BufWriter::new(file);
    let copied = copy(format, bytes, rows, &mut out)
        .and_then(|copied| out.flush().map(|()| copied))
        .map_err(|error| CliError::local(format!("cannot write {}", path.display()), error))?;
    Ok(copied)
}

/// Copies the records of `rows`, as written, to `out`; numbered as the input's reader
/// numbers them ([`spreadsheet_row`] for CSV, line numbers for JSON lines).
fn copy(
    format: InputFormat,
    bytes: &[u8],
    rows: &BTreeSet<u64>,
    out: &mut impl Write,
) -> std::io::Result<usize> {
    let mut copied = 0;
    let mut copy_record = |record: &[u8], out: &mut dyn Write| -> std::io::Result<()> {
        // The CSV reader places a record after the `\r` of a CRLF line end.
        let record = record.trim_ascii_start();
        out.write_all(record)?;
        if !record.ends_with(b"\n") {
            out.write_all(b"\n")?;
        }
        copied += 1;
        Ok(())
    };
    match format {
        InputFormat::JsonLines => {
            for (index, line) in bytes.split_inclusive(|byte| *byte == b'\n').enumerate() {
                if rows.contains(&(index as u64 + 1)) {
                    copy_record(line, out)?;
                }
            }
        }
        InputFormat::Csv => {
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(true)
                .from_reader(bytes);
            let mut record = csv::ByteRecord::new();
            let mut header_written = false;
            loop {
                let start = reader.position().clone();
                // The header is read with the first record; a record that cannot be read
                // was refused before the run began, so it is never a failed row.
                let more = reader.read_byte_record(&mut record).unwrap_or(false);
                if !header_written {
                    let header_end = record.position().map_or(start.byte(), |at| at.byte());
                    let header = &bytes[..to_index(header_end)];
                    out.write_all(header)?;
                    if !header.ends_with(b"\n") {
                        out.write_all(b"\n")?;
                    }
                    header_written = true;
                }
                if !more {
                    break;
                }
                let (Some(at), end) = (record.position(), reader.position().byte()) else {
                    continue;
                };
                if rows.contains(&spreadsheet_row(at)) {
                    copy_record(&bytes[to_index(at.byte())..to_index(end)], out)?;
                }
            }
        }
    }
    Ok(copied)
}

fn to_index(offset: u64) -> usize {
    usize::try_from(offset).unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn copied(format: InputFormat, input: &str, rows: &[u64]) -> String {
        let mut out = Vec::new();
        let rows = rows.iter().copied().collect();
        copy(format, input.as_bytes(), &rows, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn csv_records_are_copied_as_written_under_the_header() {
        // Row 3 spans two lines (a quoted line break) and is one row all the same.
        let input = "userId;x,firstName\r\na@x.y,Ann\r\nb@x.y,\"Bo\r\nb\"\r\nc@x.y,Cy";
        assert_eq!(
            copied(InputFormat::Csv, input, &[3, 4]),
            "userId;x,firstName\r\nb@x.y,\"Bo\r\nb\"\r\nc@x.y,Cy\n"
        );
        assert_eq!(
            copied(InputFormat::Csv, input, &[2]),
            "userId;x,firstName\r\na@x.y,Ann\r\n"
        );
        assert_eq!(
            copied(InputFormat::Csv, input, &[]),
            "userId;x,firstName\r\n"
        );
    }

    #[test]
    fn json_lines_are_copied_by_line_number() {
        let input = "{\"userId\":\"a\"}\n\n{\"userId\":\"b\"}\n{\"userId\":\"c\"}";
        assert_eq!(
            copied(InputFormat::JsonLines, input, &[3, 4]),
            "{\"userId\":\"b\"}\n{\"userId\":\"c\"}\n"
        );
    }
}
