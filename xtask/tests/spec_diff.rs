//! `cargo xtask spec-diff` on pairs of fixture specs: `base.yaml` against one spec per kind of
//! change. The Markdown is guarded by snapshots; the classifications that matter most are
//! also asserted one by one.
// A test: a panic is its failure, with its line.
#![allow(clippy::unwrap_used)]

use std::path::Path;

use serde_json::Value;
use xtask::spec_diff::{self, Change, Report};

fn fixture(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/spec_diff")
        .join(format!("{name}.yaml"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    xtask::openapi::parse(&text).unwrap()
}

/// The report of `base.yaml` against `<head>.yaml`, its Markdown checked against a snapshot.
fn report(head: &str) -> Report {
    let report = spec_diff::diff(&fixture("base"), &fixture(head));
    insta::assert_snapshot!(head, report.to_markdown("`base.yaml`"));
    report
}

/// The one change whose description contains `what`.
fn change<'a>(report: &'a Report, what: &str) -> &'a Change {
    let matching: Vec<&Change> = report
        .changes
        .iter()
        .filter(|c| c.what.contains(what))
        .collect();
    assert_eq!(
        matching.len(),
        1,
        "changes matching {what:?}: {:#?}",
        report.changes
    );
    matching[0]
}

/// (breaks the Rust API, breaks the wire) of the change described by `what`.
fn verdict(report: &Report, what: &str) -> (bool, bool) {
    let change = change(report, what);
    (change.breaks_rust, change.breaks_wire)
}

#[test]
fn no_change() {
    let report = report("base");
    assert!(report.changes.is_empty());
    assert!(report.affected.is_empty());
    assert!(!report.has_breaking());
}

#[test]
fn an_absent_base_counts_as_empty() {
    let report = spec_diff::diff(&Value::Null, &fixture("base"));
    insta::assert_snapshot!("absent_base", report.to_markdown("`main` (no spec there)"));
    assert!(!report.has_breaking());
    assert_eq!(
        report.changes.len(),
        4 + 7,
        "4 operations and 7 schemas added"
    );
}

#[test]
fn operation_added() {
    let report = report("operation_added");
    assert_eq!(verdict(&report, "added"), (false, false));
}

#[test]
fn operation_removed() {
    let report = report("operation_removed");
    assert_eq!(verdict(&report, "removed"), (true, true));
    assert!(report.has_breaking());
}

#[test]
fn operation_changed() {
    let report = report("operation_changed");
    assert_eq!(
        verdict(&report, "operationId renamed from `getThing`"),
        (true, false)
    );
    assert_eq!(
        verdict(&report, "success response changed from `200` to `201`"),
        (false, true)
    );
    assert_eq!(
        verdict(&report, "method changed from `DELETE` to `POST`"),
        (false, true)
    );
    assert_eq!(verdict(&report, "path changed"), (false, true));
}

#[test]
fn an_operation_id_that_keeps_its_generated_names_is_not_breaking() {
    let base = fixture("base");
    let mut head = base.clone();
    head["paths"]["/things"]["get"]["operationId"] = "list_things".into();
    let report = spec_diff::diff(&base, &head);
    assert_eq!(
        verdict(&report, "the generated names stay the same"),
        (false, false)
    );
}

#[test]
fn success_body_changed() {
    let report = report("success_body_changed");
    assert_eq!(
        verdict(&report, "success body changed from `Thing` to `ThingList`"),
        (true, true)
    );
    assert_eq!(verdict(&report, "from no body to `Thing`"), (true, true));
}

#[test]
fn field_added() {
    let report = report("field_added");
    assert_eq!(
        verdict(&report, "field `weight` added (optional"),
        (false, false)
    );
    assert_eq!(
        verdict(&report, "field `owner` added (required"),
        (true, true)
    );
}

#[test]
fn field_removed() {
    let report = report("field_removed");
    // Optional in a response: decoders built from the base do not miss it.
    assert_eq!(verdict(&report, "field `size` removed"), (true, false));
    // In a request: the caller loses what it meant.
    assert_eq!(verdict(&report, "field `colour` removed"), (true, true));
}

#[test]
fn type_changed() {
    let report = report("type_changed");
    assert_eq!(
        verdict(
            &report,
            "type of `size` changed from `integer (int32)` to `integer (int64)`"
        ),
        (true, true)
    );
    assert_eq!(verdict(&report, "type of `name` changed"), (true, true));
}

#[test]
fn required_changed() {
    let report = report("required_changed");
    // Sent in requests: requests without it fail now.
    assert_eq!(verdict(&report, "`colour` is now required"), (true, true));
    // Received in responses: decoders built from the base expect it.
    assert_eq!(verdict(&report, "`id` is no longer required"), (true, true));
}

#[test]
fn enum_values_added_and_removed() {
    let report = report("enum_changed");
    // A closed enum, sent and received: decoders built from the base reject the new value.
    assert_eq!(verdict(&report, "`yellow` added"), (true, true));
    assert_eq!(verdict(&report, "`blue` removed"), (true, true));
    // An open enum, replaced by a hand-written type: the generated API stays, decoding too.
    assert_eq!(verdict(&report, "`premium` added"), (false, false));
    // Only received: a value Webex no longer sends breaks no decoder.
    assert_eq!(verdict(&report, "`retired` removed"), (true, false));
    assert_eq!(verdict(&report, "`archived` added"), (true, true));
}

#[test]
fn parameter_changed() {
    let report = report("parameter_changed");
    assert_eq!(verdict(&report, "`max` is now required"), (true, true));
    assert_eq!(
        verdict(&report, "moved from `query` to `header`"),
        (false, true)
    );
    assert_eq!(verdict(&report, "`after` added (optional"), (false, false));
    assert_eq!(verdict(&report, "`legacy` removed"), (true, true));
}

#[test]
fn request_body_changed() {
    let report = report("request_body_changed");
    assert_eq!(
        verdict(&report, "request body is no longer required"),
        (false, false)
    );
    assert_eq!(
        verdict(&report, "type changed from `NewThing` to `object`"),
        (true, true)
    );
    assert_eq!(
        verdict(&report, "request body added (required"),
        (true, true)
    );
}
