//! Which component schemas travel in requests and which in responses. What breaks on the
//! wire depends on the direction: a new required field breaks requests, not responses.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::openapi::{self, entries, resolve};

/// The component schemas reachable from requests and from responses.
#[derive(Debug, Default)]
pub(super) struct Usage {
    requests: BTreeSet<String>,
    responses: BTreeSet<String>,
}

impl Usage {
    /// Where schemas are used in either spec: a change counts in every direction the schema
    /// travels before or after it.
    pub(super) fn of_both(base: &Value, head: &Value) -> Usage {
        let (base, head) = (Usage::of(base), Usage::of(head));
        Usage {
            requests: base.requests.union(&head.requests).cloned().collect(),
            responses: base.responses.union(&head.responses).cloned().collect(),
        }
    }

    fn of(doc: &Value) -> Usage {
        let mut request_roots = Vec::new();
        let mut response_roots = Vec::new();
        for operation in openapi::operations(doc) {
            for holder in [operation.path_item, operation.value] {
                let parameters = holder.get("parameters").and_then(Value::as_array);
                for parameter in parameters.into_iter().flatten() {
                    request_roots.extend(resolve(doc, parameter).and_then(|p| p.get("schema")));
                }
            }
            if let Some(body) = operation.value.get("requestBody") {
                request_roots.extend(media_schemas(doc, body));
            }
            for (_, response) in entries(operation.value, "responses") {
                response_roots.extend(media_schemas(doc, response));
            }
        }
        Usage {
            requests: reachable(doc, request_roots),
            responses: reachable(doc, response_roots),
        }
    }

    pub(super) fn in_requests(&self, schema: &str) -> bool {
        self.requests.contains(schema)
    }

    pub(super) fn in_responses(&self, schema: &str) -> bool {
        self.responses.contains(schema)
    }
}

fn media_schemas<'a>(doc: &'a Value, body: &'a Value) -> Vec<&'a Value> {
    resolve(doc, body)
        .map(|body| {
            entries(body, "content")
                .into_iter()
                .filter_map(|(_, media)| media.get("schema"))
                .collect()
        })
        .unwrap_or_default()
}

/// The names of the component schemas `roots` refer to, directly or through other schemas.
fn reachable(doc: &Value, roots: Vec<&Value>) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut pending = roots;
    while let Some(schema) = pending.pop() {
        let mut names = Vec::new();
        referenced_schemas(schema, &mut names);
        for name in names {
            if found.insert(name.to_string())
                && let Some(target) = doc.pointer(&format!("/components/schemas/{name}"))
            {
                pending.push(target);
            }
        }
    }
    found
}

fn referenced_schemas<'a>(value: &'a Value, names: &mut Vec<&'a str>) {
    match value {
        Value::Object(map) => {
            if let Some(name) = openapi::reference(value).and_then(openapi::schema_name) {
                names.push(name);
            }
            for member in map.values() {
                referenced_schemas(member, names);
            }
        }
        Value::Array(items) => {
            for item in items {
                referenced_schemas(item, names);
            }
        }
        _ => {}
    }
}
