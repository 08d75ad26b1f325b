//! Every operation is tagged, with a tag declared at the top level, and summarised.

use serde_json::Value;

use super::{Problem, Rule};
use crate::openapi;

pub(super) fn check(doc: &Value) -> Vec<Problem> {
    let declared: Vec<&str> = doc
        .get("tags")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|tag| tag.get("name").and_then(Value::as_str))
        .collect();
    let choices = if declared.is_empty() {
        "none is declared yet".to_string()
    } else {
        format!("declared: {}", declared.join(", "))
    };
    let mut problems = Vec::new();
    for operation in openapi::operations(doc) {
        let tags: Vec<&Value> = operation
            .value
            .get("tags")
            .and_then(Value::as_array)
            .map(|tags| tags.iter().collect())
            .unwrap_or_default();
        if tags.is_empty() {
            problems.push(Problem::new(
                Rule::Tag,
                operation.pointer.clone(),
                format!("`{}` has no tag", operation.route()),
                format!("add `tags: [<tag>]` with a tag declared at the top level ({choices})"),
            ));
        }
        for (index, tag) in tags.into_iter().enumerate() {
            let name = tag.as_str().unwrap_or_default();
            if !declared.contains(&name) {
                problems.push(Problem::new(
                    Rule::Tag,
                    openapi::child(
                        &openapi::child(&operation.pointer, "tags"),
                        &index.to_string(),
                    ),
                    format!("tag `{name}` is not declared at the top level"),
                    format!(
                        "declare it under the top-level `tags:` with a description, or use a \
                         declared tag ({choices})"
                    ),
                ));
            }
        }
        let summary = operation.value.get("summary").and_then(Value::as_str);
        if summary.is_none_or(|s| s.trim().is_empty()) {
            problems.push(Problem::new(
                Rule::Summary,
                operation.pointer.clone(),
                format!("`{}` has no summary", operation.route()),
                "add `summary:`, a title of a few words such as `List subscribers`; it heads the \
                 generated method's documentation",
            ));
        }
    }
    problems
}
