//! operationIds: present, camelCase, and unique once progenitor has turned them into method
//! names (`getThing` and `get_thing` would both become `get_thing`).

use std::collections::BTreeMap;

use heck::ToLowerCamelCase;
use serde_json::Value;

use super::{Problem, Rule};
use crate::naming;
use crate::openapi::{self, Operation};

pub(super) fn check(doc: &Value) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut methods: BTreeMap<String, Operation<'_>> = BTreeMap::new();
    for operation in openapi::operations(doc) {
        let Some(id) = operation.id() else {
            problems.push(Problem::new(
                Rule::OperationId,
                operation.pointer.clone(),
                "the operation has no operationId",
                format!(
                    "add `operationId:` in camelCase, such as `{}`; the generated method and \
                     builder are named after it",
                    suggested_id(&operation)
                ),
            ));
            continue;
        };
        let pointer = openapi::child(&operation.pointer, "operationId");
        if !is_camel_case(id) {
            let suggestion = id.to_lower_camel_case();
            let fix = if is_camel_case(&suggestion) {
                format!("rename it `{suggestion}`")
            } else {
                "rename it in camelCase: a lower-case ASCII letter, then ASCII letters and digits"
                    .to_string()
            };
            problems.push(Problem::new(
                Rule::OperationId,
                pointer.clone(),
                format!("operationId `{id}` is not camelCase"),
                fix,
            ));
        }
        let method = naming::method_name(id);
        if let Some(first) = methods.get(&method) {
            problems.push(Problem::new(
                Rule::OperationId,
                pointer,
                format!(
                    "operationId `{id}` gives the method `{method}`, which `{}` (operationId \
                     `{}`) already gets",
                    first.route(),
                    first.id().unwrap_or_default()
                ),
                "give each operation an operationId of its own",
            ));
        } else {
            methods.insert(method, operation);
        }
    }
    problems
}

fn is_camel_case(id: &str) -> bool {
    id.starts_with(|c: char| c.is_ascii_lowercase())
        && id.chars().all(|c| c.is_ascii_alphanumeric())
}

/// `get /broadworks/things/{id}` -> `getBroadworksThings`.
fn suggested_id(operation: &Operation<'_>) -> String {
    let words: Vec<&str> = operation
        .path
        .split('/')
        .filter(|segment| !segment.is_empty() && !segment.starts_with('{'))
        .collect();
    format!("{} {}", operation.method, words.join(" ")).to_lower_camel_case()
}
