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
    // Rust: a struct literal that names every field of `Thing` no longer compiles (see
    // `an_added_optional_field_changes_the_generated_struct` for the generated code itself).
    assert_eq!(
        verdict(&report, "field `weight` added (optional"),
        (true, false)
    );
    assert!(
        change(&report, "field `weight` added")
            .what
            .contains("..Default::default()")
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
fn a_removed_and_an_added_field_of_one_shape_read_as_a_rename() {
    let report = report("field_renamed");
    let rename = change(&report, "field `size` removed and `dimension` added");
    assert!(rename.what.contains("probably a rename"), "{}", rename.what);
    assert!(rename.what.contains("read nothing"), "{}", rename.what);
    assert_eq!((rename.breaks_rust, rename.breaks_wire), (true, true));
    // Neither half is reported again on its own.
    assert!(
        report
            .changes
            .iter()
            .all(|c| c.what != "field `size` removed")
    );
    assert!(
        !report
            .changes
            .iter()
            .any(|c| c.what.starts_with("field `dimension` added"))
    );
    // Of different shapes: a removal and an addition, not a rename.
    assert_eq!(verdict(&report, "field `name` removed"), (true, false));
    assert!(change(&report, "field `label` added (optional").breaks_rust);
}

/// What spec-diff says of an added optional field is what happens to the generated code: the
/// struct gains a public field and is not `#[non_exhaustive]`, so a literal that names every
/// field (as a downstream crate may write one) stops compiling, while one ending in
/// `..Default::default()` does not.
#[test]
fn an_added_optional_field_changes_the_generated_struct() {
    let generated = |name: &str| {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/spec_diff")
            .join(format!("{name}.yaml"));
        let spec: openapiv3::OpenAPI =
            serde_norway::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let (client, _) = xtask::generate::run_progenitor(&spec).unwrap();
        let file = syn::parse_file(&client).unwrap();
        let types = file
            .items
            .iter()
            .find_map(|item| match item {
                syn::Item::Mod(module) if module.ident == "types" => module.content.clone(),
                _ => None,
            })
            .unwrap()
            .1;
        types
            .into_iter()
            .find_map(|item| match item {
                syn::Item::Struct(thing) if thing.ident == "Thing" => Some(thing),
                _ => None,
            })
            .unwrap()
    };
    let field_names = |thing: &syn::ItemStruct| -> Vec<String> {
        thing
            .fields
            .iter()
            .map(|f| f.ident.as_ref().unwrap().to_string())
            .collect()
    };
    let (before, after) = (generated("base"), generated("field_added"));
    let (before_fields, after_fields) = (field_names(&before), field_names(&after));
    assert!(!before_fields.contains(&"weight".to_string()));
    assert!(after_fields.contains(&"weight".to_string()));
    assert!(
        after_fields
            .iter()
            .all(|f| f == "weight" || before_fields.contains(f))
    );
    assert!(matches!(after.vis, syn::Visibility::Public(_)));
    assert!(
        after
            .fields
            .iter()
            .all(|f| matches!(f.vis, syn::Visibility::Public(_))),
        "every field is public, so a literal can name them all"
    );
    assert!(
        !after
            .attrs
            .iter()
            .any(|a| a.path().is_ident("non_exhaustive")),
        "a non-exhaustive struct cannot be built with a literal at all"
    );
    // `Thing` has a required field, so no `Default`: its builder is what keeps working.
    let (client, _) = {
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/spec_diff/field_added.yaml");
        let spec: openapiv3::OpenAPI =
            serde_norway::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        xtask::generate::run_progenitor(&spec).unwrap()
    };
    assert!(
        client.contains("pub fn builder() -> builder::Thing"),
        "Thing has a builder"
    );
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
