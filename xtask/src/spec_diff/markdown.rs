//! The report as Markdown for a pull request description.

use std::fmt::Write;

use super::{Affected, Change, Fate, Report, Section};
use crate::generate::{self, SPEC_PATH};
use crate::naming;

const SECTIONS: [(Section, &str, &str); 4] = [
    (Section::Operations, "Operations", "operation"),
    (Section::Parameters, "Parameters", "operation"),
    (Section::RequestBodies, "Request bodies", "operation"),
    (Section::Schemas, "Schemas", "schema"),
];

const LEGEND: &str = "\
**Rust API**: code that uses the generated crate can stop compiling or start failing \
(a method, setter, field or variant removed or renamed, a type changed, a value newly required). \
**wire**: a request or response that was valid under the base description can fail under the \
new one (a request without a newly required field, a response with an enum value that decoders \
built from the base do not know; the open enums of `wire` keep unknown values).";

pub(super) fn render(report: &Report, base: &str) -> String {
    let mut out = String::new();
    write_report(&mut out, report, base).expect("writing to a String cannot fail");
    out
}

fn write_report(out: &mut String, report: &Report, base: &str) -> std::fmt::Result {
    writeln!(out, "## API description changes\n")?;
    writeln!(
        out,
        "`{SPEC_PATH}` in the working tree, compared with {base}.\n"
    )?;
    if report.changes.is_empty() {
        writeln!(
            out,
            "No change to operations, parameters, request bodies or schemas."
        )?;
        return Ok(());
    }
    let total = report.changes.len();
    let breaking_rust = report.changes.iter().filter(|c| c.breaks_rust).count();
    let breaking_wire = report.changes.iter().filter(|c| c.breaks_wire).count();
    writeln!(out, "{total} change(s):\n")?;
    writeln!(
        out,
        "- breaking for callers of the Rust crates: **{breaking_rust}**"
    )?;
    writeln!(
        out,
        "- breaking on the wire with Webex: **{breaking_wire}**"
    )?;
    for (section, title, subject) in SECTIONS {
        let changes: Vec<&Change> = report
            .changes
            .iter()
            .filter(|c| c.section == section)
            .collect();
        if changes.is_empty() {
            continue;
        }
        writeln!(out, "\n### {title}\n")?;
        writeln!(out, "| {subject} | change | Rust API | wire |")?;
        writeln!(out, "|---|---|---|---|")?;
        for change in changes {
            writeln!(
                out,
                "| {} | {} | {} | {} |",
                cell(&change.subject),
                cell(&change.what),
                verdict(change.breaks_rust),
                verdict(change.breaks_wire)
            )?;
        }
    }
    writeln!(out, "\n### Generated items to review\n")?;
    writeln!(out, "| generated item | snapshot |")?;
    writeln!(out, "|---|---|")?;
    for affected in &report.affected {
        let (item, snapshot) = describe(affected);
        writeln!(out, "| {item} | {snapshot} |")?;
    }
    writeln!(out, "\n{LEGEND}")
}

fn describe(affected: &Affected) -> (String, String) {
    match affected {
        Affected::Operation { operation_id, fate } => (
            format!(
                "`Client::{}` and `builder::{}`{}",
                naming::method_name(operation_id),
                naming::builder_name(operation_id),
                fate_note(*fate)
            ),
            snapshot(&naming::operation_snapshot(operation_id), *fate),
        ),
        Affected::Type { schema, fate } => match generate::replacement(schema) {
            Some(replacement) => (
                format!(
                    "`{replacement}`, hand-written in place of `types::{}`",
                    naming::type_name(schema)
                ),
                format!("none: check `{}` by hand", naming::WIRE_TYPES),
            ),
            None => (
                format!("`types::{}`{}", naming::type_name(schema), fate_note(*fate)),
                snapshot(&naming::type_snapshot(schema), *fate),
            ),
        },
    }
}

fn fate_note(fate: Fate) -> &'static str {
    match fate {
        Fate::Changed => "",
        Fate::Added => " (new)",
        Fate::Removed => " (gone)",
    }
}

fn snapshot(path: &str, fate: Fate) -> String {
    match fate {
        Fate::Changed => format!("`{path}`"),
        Fate::Added => format!("`{path}` (new)"),
        Fate::Removed => format!("`{path}` (delete it)"),
    }
}

fn verdict(breaking: bool) -> &'static str {
    if breaking { "**breaking**" } else { "no" }
}

/// A table cell: a `|` would end the cell early.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}
