//! The hand-written open enums of `wire` know exactly the values the spec declares for the
//! schemas they stand in for: a value added to the spec, or to an enum, without the other
//! fails here with its name.
// A test: a panic is its failure, with its line.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;
use webex_broadworks_api::wire::{
    BillingReportStatus, DirectorySyncState, Package, SubscriberStatus,
};

fn spec_enum(schema: &str) -> BTreeSet<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../openapi/webex-broadworks.yaml");
    let spec: Value = serde_norway::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    spec["components"]["schemas"][schema]["enum"]
        .as_array()
        .unwrap_or_else(|| panic!("components/schemas/{schema} has no enum in the spec"))
        .iter()
        .map(|value| value.as_str().unwrap().to_string())
        .collect()
}

/// The differences between the spec's enum of `schema` and the values `known` of its wire type.
fn differences(schema: &str, known: BTreeSet<String>) -> Vec<String> {
    let declared = spec_enum(schema);
    let mut differences = Vec::new();
    for value in declared.difference(&known) {
        differences.push(format!(
            "{schema}: the spec declares `{value}`, which wire::{schema} does not know (add a variant)"
        ));
    }
    for value in known.difference(&declared) {
        differences.push(format!(
            "{schema}: wire::{schema} knows `{value}`, which the spec does not declare (add it to the spec or remove the variant)"
        ));
    }
    differences
}

fn known<T: ToString>(values: &[T]) -> BTreeSet<String> {
    values.iter().map(ToString::to_string).collect()
}

#[test]
fn each_open_enum_knows_exactly_the_spec_values() {
    let mut differences = Vec::new();
    differences.extend(self::differences(
        "SubscriberStatus",
        known(SubscriberStatus::KNOWN),
    ));
    differences.extend(self::differences("Package", known(Package::KNOWN)));
    differences.extend(self::differences(
        "DirectorySyncState",
        known(DirectorySyncState::KNOWN),
    ));
    differences.extend(self::differences(
        "BillingReportStatus",
        known(BillingReportStatus::KNOWN),
    ));
    assert!(differences.is_empty(), "{}", differences.join("\n"));
}

#[test]
fn a_difference_is_named() {
    let mut known = known(Package::KNOWN);
    known.remove("basic");
    known.insert("platinum".to_string());
    let differences = differences("Package", known);
    assert_eq!(differences.len(), 2, "{differences:?}");
    assert!(differences[0].contains("`basic`"), "{}", differences[0]);
    assert!(differences[1].contains("`platinum`"), "{}", differences[1]);
}
