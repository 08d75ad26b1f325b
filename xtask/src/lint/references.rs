//! Every `$ref` resolves, inside this file: the generator reads one file only.

use serde_json::Value;

use super::{Problem, Rule};
use crate::openapi::{self, child};

pub(super) fn check(doc: &Value) -> Vec<Problem> {
    let mut problems = Vec::new();
    visit(doc, doc, String::new(), None, &mut problems);
    problems
}

fn visit(
    doc: &Value,
    value: &Value,
    pointer: String,
    key: Option<&str>,
    problems: &mut Vec<Problem>,
) {
    match value {
        Value::Object(map) => {
            if let Some(reference) = map.get("$ref") {
                check_reference(doc, reference, &pointer, problems);
            }
            let mut members: Vec<(&String, &Value)> = map.iter().collect();
            members.sort_by_key(|(name, _)| *name);
            for (name, member) in members {
                // An `example` is data, not part of the description, unless it is the name of
                // a property.
                if name == "$ref" || (name == "example" && key != Some("properties")) {
                    continue;
                }
                visit(doc, member, child(&pointer, name), Some(name), problems);
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                visit(
                    doc,
                    item,
                    child(&pointer, &index.to_string()),
                    None,
                    problems,
                );
            }
        }
        _ => {}
    }
}

fn check_reference(doc: &Value, reference: &Value, pointer: &str, problems: &mut Vec<Problem>) {
    let Some(reference) = reference.as_str() else {
        problems.push(Problem::new(
            Rule::Reference,
            pointer,
            "`$ref` is not a string",
            "write the reference as a string such as \"#/components/schemas/Thing\"",
        ));
        return;
    };
    if !reference.starts_with("#/") {
        problems.push(Problem::new(
            Rule::Reference,
            pointer,
            format!("`$ref: {reference}` points outside this file; the generator reads one file"),
            "declare the target under `components` here and reference it as \"#/components/...\"",
        ));
        return;
    }
    if openapi::lookup(doc, reference).is_none() {
        let (parent, name) = reference.rsplit_once('/').unwrap_or(("#", reference));
        problems.push(Problem::new(
            Rule::Reference,
            pointer,
            format!("`$ref: {reference}` points at nothing"),
            format!("correct the name, or declare `{name}` under `{parent}`"),
        ));
    }
}
