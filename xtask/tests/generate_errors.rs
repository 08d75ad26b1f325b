//! `cargo xtask generate` on specs it cannot generate from: each is reported at its JSON
//! pointer with a fix, as the lint reports it, and never as a panic or a parser message
//! about some other place.
// A test: a panic is its failure, with its line.
#![allow(clippy::unwrap_used)]

use std::path::Path;

fn error_of(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/generate")
        .join(format!("{name}.yaml"));
    let text = std::fs::read_to_string(&path).unwrap();
    let outcome = std::panic::catch_unwind(|| xtask::generate::parse_for_generation(&text));
    match outcome {
        Ok(Ok(_)) => panic!("{name}.yaml was accepted"),
        Ok(Err(error)) => format!("{error:#}"),
        Err(_) => panic!("{name}.yaml made the generator panic"),
    }
}

#[test]
fn the_clean_spec_is_read() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lint/clean.yaml");
    let text = std::fs::read_to_string(path).unwrap();
    let spec = xtask::generate::parse_for_generation(&text).unwrap();
    xtask::generate::run_progenitor(&spec).unwrap();
}

#[test]
fn a_dangling_reference_is_reported_where_it_is_referenced() {
    let error = error_of("dangling_reference");
    assert!(
        error.contains("/paths/~1things/post/responses/200/content/application~1json/schema: "),
        "{error}"
    );
    assert!(error.contains("#/components/schemas/Thingy"), "{error}");
    assert!(error.contains("fix: "), "{error}");
    assert!(
        !error.contains("the generator cannot read the spec"),
        "{error}"
    );
}

#[test]
fn openapi_3_1_is_told_to_write_3_0() {
    let error = error_of("openapi_3_1");
    assert!(error.contains("/openapi: "), "{error}");
    assert!(error.contains("`3.1.0`"), "{error}");
    assert!(error.contains("fix: write 3.0.x"), "{error}");
    assert!(!error.contains("invalid version"), "{error}");
}

#[test]
fn a_type_list_is_reported_at_its_schema() {
    let error = error_of("type_list");
    assert!(
        error.contains("/components/schemas/NewThing/properties/nickname/type: "),
        "{error}"
    );
    assert!(
        error.contains("write `type: string` and `nullable: true`"),
        "{error}"
    );
    assert!(
        !error.contains("the generator cannot read the spec"),
        "{error}"
    );
}
