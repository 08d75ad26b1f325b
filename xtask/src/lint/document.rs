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
            "declare `openapi: 3.0.3` and keep to OpenAPI 3.0",
        ));
    }
    if let Err(error) = serde_norway::from_str::<openapiv3::OpenAPI>(text) {
        problems.push(Problem::new(
            Rule::Document,
            "",
            format!("the generator cannot read the spec: {error}"),
            "correct the spec where the message points; it must be an OpenAPI 3.0 document",
        ));
    }
    problems
}
