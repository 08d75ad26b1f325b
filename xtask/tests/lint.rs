//! `cargo xtask lint` on fixture specs: `clean.yaml` passes, and each other fixture breaks one
//! rule and must be reported exactly where it breaks it.
// A test: a panic is its failure, with its line.
#![allow(clippy::unwrap_used)]

use std::path::Path;

use xtask::lint::{self, Problem, Rule};

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/lint")
        .join(format!("{name}.yaml"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn problems(name: &str) -> Vec<Problem> {
    lint::check(&fixture(name))
        .expect("the lint runs on every fixture")
        .problems
}

/// Checks that the fixture breaks only `rule`, at exactly `pointers`.
fn assert_fires(name: &str, rule: Rule, pointers: &[&str]) {
    let problems = problems(name);
    let mut found: Vec<&str> = problems.iter().map(|p| p.pointer.as_str()).collect();
    let mut expected = pointers.to_vec();
    found.sort_unstable();
    expected.sort_unstable();
    assert_eq!(found, expected, "{name}.yaml: {problems:#?}");
    for problem in &problems {
        assert_eq!(problem.rule, rule, "{problem}");
        assert!(
            !problem.fix.is_empty(),
            "{problem} says nothing about the fix"
        );
    }
}

#[test]
fn the_clean_fixture_has_no_problem() {
    let findings = lint::check(&fixture("clean")).unwrap();
    assert!(findings.problems.is_empty(), "{:#?}", findings.problems);
    assert_eq!((findings.operations, findings.schemas), (2, 5));
}

#[test]
fn progenitor_accepts_the_layout_the_lint_accepts() {
    // Two success codes with one schema, and a 409 beside the 4XX range, both carrying WebexError.
    let spec: openapiv3::OpenAPI = serde_norway::from_str(&fixture("clean")).unwrap();
    xtask::generate::run_progenitor(&spec).unwrap();
}

#[test]
fn the_document_must_be_openapi_3_0_that_the_generator_reads() {
    assert_fires("document", Rule::Document, &["/openapi", "/info"]);
}

#[test]
fn operation_ids_must_be_present_camel_case_and_unique() {
    assert_fires(
        "operation_id",
        Rule::OperationId,
        &[
            "/paths/~1things/get",
            "/paths/~1things/post/operationId",
            "/paths/~1things~1{id}/put/operationId",
        ],
    );
}

#[test]
fn operations_must_have_a_declared_tag() {
    assert_fires(
        "tag",
        Rule::Tag,
        &["/paths/~1things/get", "/paths/~1things/post/tags/0"],
    );
}

#[test]
fn operations_must_have_a_summary() {
    assert_fires(
        "summary",
        Rule::Summary,
        &["/paths/~1things/get", "/paths/~1things/post"],
    );
}

#[test]
fn responses_and_request_bodies_must_have_a_layout_progenitor_accepts() {
    assert_fires(
        "layout",
        Rule::Layout,
        &[
            "/paths/~1things/get/responses/default",
            "/paths/~1things/get/responses/302",
            "/paths/~1things/get/responses/404",
            "/paths/~1things/post/responses/201",
            "/paths/~1things/post/requestBody/content",
        ],
    );
}

#[test]
fn schema_properties_must_be_described() {
    assert_fires(
        "property_description",
        Rule::PropertyDescription,
        &[
            "/components/schemas/Thing/properties/size",
            "/components/schemas/NewThing/properties/owner",
        ],
    );
}

#[test]
fn references_must_resolve_inside_the_file() {
    assert_fires(
        "reference",
        Rule::Reference,
        &[
            "/components/schemas/ThingList/properties/items/items",
            "/paths/~1things/post/requestBody/content/application~1json/schema",
        ],
    );
}

#[test]
fn examples_must_match_their_schemas() {
    let response_example = "/paths/~1things/get/responses/200/content/application~1json/example";
    assert_fires(
        "example",
        Rule::Example,
        &[
            // A parameter example above the maximum.
            "/paths/~1things/get/parameters/0/example",
            // A media type example: exclusiveMinimum, required, date-time format, and a type
            // beyond what the allowance for SelfActivated accepts.
            &format!("{response_example}/items/0/size"),
            &format!("{response_example}/items/1"),
            &format!("{response_example}/items/1/created"),
            &format!("{response_example}/items/1/selfActivated"),
            // A named example of a request body.
            "/paths/~1things/post/requestBody/content/application~1json/examples/small/value/name",
            // Schema examples, of a component and of a property.
            "/components/schemas/NewThing/example",
            "/components/schemas/Thing/properties/id/example",
        ],
    );
}

#[test]
fn a_schema_the_validator_rejects_is_reported_once_where_it_is_wrong() {
    assert_fires(
        "example_schema_invalid",
        Rule::Example,
        &["/components/schemas/Thing/properties/id/pattern"],
    );
}

#[test]
fn the_allowance_lets_only_its_schema_take_a_string_for_a_boolean() {
    let clean = fixture("clean");
    let boolean_property = clean.replace(
        "selfActivated: { $ref: \"#/components/schemas/SelfActivated\" }",
        "selfActivated: { type: boolean, description: A plain boolean. }",
    );
    assert_ne!(clean, boolean_property);
    let problems = lint::check(&boolean_property).unwrap().problems;
    let pointers: Vec<&str> = problems.iter().map(|p| p.pointer.as_str()).collect();
    assert_eq!(
        pointers,
        [
            "/paths/~1things/get/responses/200/content/application~1json/example/items/0/selfActivated"
        ]
    );
}

#[test]
fn a_problem_prints_its_pointer_message_rule_and_fix() {
    let problem = problems("summary").remove(0);
    assert_eq!(
        problem.to_string(),
        "/paths/~1things/get: `GET /things` has no summary [summary]\n  fix: add `summary:`, a \
         title of a few words such as `List subscribers`; it heads the generated method's \
         documentation"
    );
}
