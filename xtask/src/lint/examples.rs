//! Every example is valid against its schema: the `example` and `examples` of media types,
//! parameters and headers, and the `example` of schemas. Formats (`date-time`, `email`, ...)
//! are checked too.

use jsonschema::Draft;
use serde_json::Value;

use super::json_schema;
use super::{Problem, Rule};
use crate::openapi::{self, Located, child, entries};

pub(super) fn check(doc: &Value) -> Vec<Problem> {
    let mut problems = Vec::new();
    for holder in openapi::media_types(doc)
        .into_iter()
        .chain(openapi::parameters_and_headers(doc))
    {
        let Some(schema) = holder.value.get("schema") else {
            continue;
        };
        let examples = examples_of(doc, &holder);
        if !examples.is_empty() {
            let json_schema = json_schema::for_schema(doc, schema);
            let schema_pointer = child(&holder.pointer, "schema");
            validate(&json_schema, &schema_pointer, &examples, &mut problems);
        }
    }
    for schema in openapi::schemas(doc) {
        let Some(example) = schema.value.get("example") else {
            continue;
        };
        let json_schema = json_schema::for_component_pointer(doc, &schema.pointer)
            .unwrap_or_else(|| json_schema::for_schema(doc, schema.value));
        let example = Located {
            pointer: child(&schema.pointer, "example"),
            value: example,
        };
        validate(&json_schema, &schema.pointer, &[example], &mut problems);
    }
    problems
}

/// The `example` of a media type, parameter or header, and the values of its `examples`
/// (inline, or referenced from `components/examples`).
fn examples_of<'a>(doc: &'a Value, holder: &Located<'a>) -> Vec<Located<'a>> {
    let mut found = Vec::new();
    if let Some(example) = holder.value.get("example") {
        found.push(Located {
            pointer: child(&holder.pointer, "example"),
            value: example,
        });
    }
    let examples_pointer = child(&holder.pointer, "examples");
    for (name, example) in entries(holder.value, "examples") {
        let (pointer, example) = match openapi::reference(example) {
            Some(reference) => match openapi::lookup(doc, reference) {
                Some(target) => (reference.trim_start_matches('#').to_string(), target),
                None => continue,
            },
            None => (child(&examples_pointer, name), example),
        };
        if let Some(value) = example.get("value") {
            found.push(Located {
                pointer: child(&pointer, "value"),
                value,
            });
        }
    }
    found
}

fn validate(
    json_schema: &Value,
    schema_pointer: &str,
    examples: &[Located<'_>],
    problems: &mut Vec<Problem>,
) {
    let validator = jsonschema::options()
        .with_draft(Draft::Draft202012)
        .should_validate_formats(true)
        .build(json_schema);
    let validator = match validator {
        Ok(validator) => validator,
        Err(error) => {
            // The error is located in the translated schema, whose `$defs` are the components.
            let location = error.instance_path().as_str();
            let pointer = match location.strip_prefix("/$defs") {
                Some(inside) => format!("/components/schemas{inside}"),
                None => format!("{schema_pointer}{location}"),
            };
            let problem = Problem::new(
                Rule::Example,
                pointer,
                format!("examples cannot be checked against this schema: {error}"),
                "correct the schema so that it is valid OpenAPI 3.0",
            );
            // Every example whose schema reaches the fault meets it again.
            if !problems.contains(&problem) {
                problems.push(problem);
            }
            return;
        }
    };
    for example in examples {
        for error in validator.iter_errors(example.value) {
            problems.push(Problem::new(
                Rule::Example,
                format!("{}{}", example.pointer, error.instance_path().as_str()),
                format!("the example does not match its schema: {error}"),
                format!(
                    "correct the example to match the schema at {schema_pointer}; if Webex really \
                     sends this, correct the schema instead (for a schema that the Rust side \
                     replaces with a tolerant type, add an entry to ALLOWANCES in \
                     xtask/src/lint/json_schema.rs)"
                ),
            ));
        }
    }
}
