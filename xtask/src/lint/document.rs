//! The document as a whole: an OpenAPI 3.0 description that the generator can read.

use serde_json::Value;

use super::{Problem, Rule};

pub(super) fn check(text: &str, doc: &Value) -> Vec<Problem> {
    let mut problems = Vec::new();
    let version = doc.get("openapi").and_then(Value::as_str);
    if !version.is_some_and(|v| v.starts_with("3.0.")) {
        problems.push(Problem::new(
            Rule::Document,
            "/openapi",
            format!(
                "the OpenAPI version is {}; progenitor reads only 3.0.x",
                version.map_or("missing".to_string(), |v| format!("`{v}`"))
            ),
            "write 3.0.x: declare `openapi: 3.0.3` and keep to OpenAPI 3.0 (no `type` lists, \
             `nullable: true` instead of a `null` type)",
        ));
    }
    for (key, what) in [
        ("info", "an `info` with `title` and `version`"),
        ("paths", "`paths`"),
    ] {
        if doc.get(key).is_none() {
            problems.push(Problem::new(
                Rule::Document,
                format!("/{key}"),
                format!("the document has no `{key}`"),
                format!("add {what}: OpenAPI 3.0 requires it"),
            ));
        }
    }
    type_arrays(doc, String::new(), &mut problems);
    // The parser's own message names no place; it is worth showing only when nothing above
    // already explains why it fails.
    if problems.is_empty()
        && let Err(error) = serde_norway::from_str::<openapiv3::OpenAPI>(text)
    {
        problems.push(Problem::new(
            Rule::Document,
            "",
            format!("the generator cannot read the spec: {error}"),
            "correct the spec where the message points; it must be an OpenAPI 3.0 document",
        ));
    }
    problems
}

/// `type: [string, "null"]` (OpenAPI 3.1, JSON Schema) at the schema that has it: OpenAPI
/// 3.0 takes one type and `nullable: true`.
fn type_arrays(value: &Value, pointer: String, problems: &mut Vec<Problem>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::Array(types)) = map.get("type") {
                let names: Vec<&str> = types.iter().filter_map(Value::as_str).collect();
                let non_null: Vec<&str> = names.iter().copied().filter(|t| *t != "null").collect();
                let fix = match non_null.as_slice() {
                    [one] if names.contains(&"null") => {
                        format!("write `type: {one}` and `nullable: true`")
                    }
                    _ => "give one `type`; for a choice of shapes use `oneOf` with one type each"
                        .to_string(),
                };
                problems.push(Problem::new(
                    Rule::Document,
                    crate::openapi::child(&pointer, "type"),
                    format!(
                        "`type` is a list ({}), which is OpenAPI 3.1; progenitor reads 3.0, where `type` is one name",
                        names.join(", ")
                    ),
                    fix,
                ));
            }
            for (name, member) in map {
                if name == "example" || name == "examples" {
                    continue;
                }
                type_arrays(member, crate::openapi::child(&pointer, name), problems);
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                type_arrays(
                    item,
                    crate::openapi::child(&pointer, &index.to_string()),
                    problems,
                );
            }
        }
        _ => {}
    }
}
