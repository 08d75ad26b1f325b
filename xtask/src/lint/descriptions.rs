//! Every schema property has a description: it becomes the field's documentation in the
//! generated type. A property that is only a `$ref` cannot carry one in OpenAPI 3.0 (siblings
//! of `$ref` are ignored), so there the referenced schema's description counts.

use serde_json::Value;

use super::{Problem, Rule};
use crate::openapi::{self, child, entries};

pub(super) fn check(doc: &Value) -> Vec<Problem> {
    let mut problems = Vec::new();
    for schema in openapi::schemas(doc) {
        for (name, property) in entries(schema.value, "properties") {
            let pointer = child(&child(&schema.pointer, "properties"), name);
            match openapi::reference(property) {
                Some(reference) => {
                    let target = openapi::lookup(doc, reference);
                    if target.is_some_and(|target| !has_description(target)) {
                        problems.push(Problem::new(
                            Rule::PropertyDescription,
                            pointer,
                            format!(
                                "property `{name}` is a `$ref` to `{reference}`, which has no description"
                            ),
                            format!("add a `description:` to `{reference}`"),
                        ));
                    }
                }
                None if !has_description(property) => problems.push(Problem::new(
                    Rule::PropertyDescription,
                    pointer,
                    format!("property `{name}` has no description"),
                    "add `description:` saying what the field holds; it becomes the field's \
                     documentation in the generated type",
                )),
                None => {}
            }
        }
    }
    problems
}

fn has_description(schema: &Value) -> bool {
    schema
        .get("description")
        .and_then(Value::as_str)
        .is_some_and(|d| !d.trim().is_empty())
}
