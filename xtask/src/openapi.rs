//! The spec as a plain JSON document, and the places in it that the lint and the diff visit.
//!
//! Working on the raw document rather than on `openapiv3` types keeps every location
//! addressable by a JSON pointer, and copes with documents the generator would reject.
//! Everything here is returned in a fixed order (paths, names and keys sorted), so that output
//! does not depend on how `serde_json` happens to order maps.

use anyhow::{Context, Result, bail};
use serde_json::{Map, Value};

/// The HTTP methods a path item may hold, in the order OpenAPI lists them.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Reads a YAML (or JSON) document. An empty text gives `null`, a document with nothing in it.
pub fn parse(text: &str) -> Result<Value> {
    let mut yaml: serde_norway::Value =
        serde_norway::from_str(text).context("the spec is not valid YAML")?;
    yaml.apply_merge()
        .context("the spec has a YAML merge key (`<<`) that cannot be applied")?;
    yaml_to_json(yaml)
}

/// YAML allows keys of any scalar type (`200:` is a number); JSON keys are strings.
fn yaml_to_json(yaml: serde_norway::Value) -> Result<Value> {
    use serde_norway::Value as Yaml;
    Ok(match yaml {
        Yaml::Null => Value::Null,
        Yaml::Bool(b) => Value::Bool(b),
        Yaml::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                n.as_f64()
                    .and_then(serde_json::Number::from_f64)
                    .map(Value::Number)
                    .with_context(|| format!("the number {n} has no JSON equivalent"))?
            }
        }
        Yaml::String(s) => Value::String(s),
        Yaml::Sequence(items) => {
            Value::Array(items.into_iter().map(yaml_to_json).collect::<Result<_>>()?)
        }
        Yaml::Mapping(mapping) => {
            let mut object = Map::new();
            for (key, value) in mapping {
                let key = match key {
                    Yaml::String(s) => s,
                    Yaml::Number(n) => n.to_string(),
                    Yaml::Bool(b) => b.to_string(),
                    Yaml::Null => "null".to_string(),
                    other => bail!("the spec has a map key that is not a scalar: {other:?}"),
                };
                object.insert(key, yaml_to_json(value)?);
            }
            Value::Object(object)
        }
        Yaml::Tagged(tagged) => yaml_to_json(tagged.value)?,
    })
}

/// `pointer` extended by one reference token, escaped as RFC 6901 requires.
pub fn child(pointer: &str, token: &str) -> String {
    format!("{pointer}/{}", token.replace('~', "~0").replace('/', "~1"))
}

/// The target of a local reference (`#/components/schemas/Thing`), if it exists.
pub fn lookup<'a>(doc: &'a Value, reference: &str) -> Option<&'a Value> {
    doc.pointer(reference.strip_prefix('#')?)
}

/// `value` itself, or what its chain of `$ref`s ends at; `None` when a reference does not resolve.
pub fn resolve<'a>(doc: &'a Value, value: &'a Value) -> Option<&'a Value> {
    let mut current = value;
    // A chain longer than any sane spec means the references form a cycle.
    for _ in 0..32 {
        match reference(current) {
            Some(target) => current = lookup(doc, target)?,
            None => return Some(current),
        }
    }
    None
}

/// The `$ref` of a reference object.
pub fn reference(value: &Value) -> Option<&str> {
    value.get("$ref").and_then(Value::as_str)
}

/// The schema a `#/components/schemas/<name>` reference names.
pub fn schema_name(reference: &str) -> Option<&str> {
    reference
        .strip_prefix("#/components/schemas/")
        .filter(|name| !name.contains('/'))
}

/// The entries of an object member of `value`, sorted by key; none when it is absent.
pub fn entries<'a>(value: &'a Value, key: &str) -> Vec<(&'a str, &'a Value)> {
    let mut entries: Vec<(&str, &Value)> = value
        .get(key)
        .and_then(Value::as_object)
        .map(|map| map.iter().map(|(k, v)| (k.as_str(), v)).collect())
        .unwrap_or_default();
    entries.sort_by_key(|(k, _)| *k);
    entries
}

/// The component schemas, sorted by name.
pub fn component_schemas(doc: &Value) -> Vec<(&str, &Value)> {
    doc.get("components")
        .map(|components| entries(components, "schemas"))
        .unwrap_or_default()
}

/// One operation of the spec.
#[derive(Debug)]
pub struct Operation<'a> {
    pub path: &'a str,
    pub method: &'static str,
    /// The operation object.
    pub value: &'a Value,
    /// The path item holding it, whose `parameters` apply to it too.
    pub path_item: &'a Value,
    pub pointer: String,
}

impl Operation<'_> {
    pub fn id(&self) -> Option<&str> {
        self.value.get("operationId").and_then(Value::as_str)
    }

    /// Orders operations as the spec lists them: by path, then in `METHODS` order.
    pub fn position(&self) -> (String, usize) {
        let method = METHODS.iter().position(|m| *m == self.method);
        (self.path.to_string(), method.unwrap_or(METHODS.len()))
    }

    /// `GET /things/{id}`.
    pub fn route(&self) -> String {
        format!("{} {}", self.method.to_uppercase(), self.path)
    }
}

/// Every operation, by path and then in `METHODS` order.
pub fn operations(doc: &Value) -> Vec<Operation<'_>> {
    let mut operations = Vec::new();
    for (path, path_item) in entries(doc, "paths") {
        let path_pointer = child("/paths", path);
        for method in METHODS {
            if let Some(value) = path_item.get(method).filter(|v| v.is_object()) {
                operations.push(Operation {
                    path,
                    method,
                    value,
                    path_item,
                    pointer: child(&path_pointer, method),
                });
            }
        }
    }
    operations
}

/// A value and where it is in the document.
#[derive(Debug)]
pub struct Located<'a> {
    pub pointer: String,
    pub value: &'a Value,
}

/// The members of an object member of `value` that are not references, with their pointers.
fn inline_entries<'a>(value: &'a Value, pointer: &str, key: &str) -> Vec<Located<'a>> {
    let pointer = child(pointer, key);
    entries(value, key)
        .into_iter()
        .filter(|(_, v)| reference(v).is_none())
        .map(|(name, v)| Located {
            pointer: child(&pointer, name),
            value: v,
        })
        .collect()
}

fn component_entries<'a>(doc: &'a Value, kind: &str) -> Vec<Located<'a>> {
    doc.get("components")
        .map(|components| inline_entries(components, "/components", kind))
        .unwrap_or_default()
}

/// Every request body and response declared in place (in operations and in components).
fn bodies(doc: &Value) -> (Vec<Located<'_>>, Vec<Located<'_>>) {
    let mut requests = component_entries(doc, "requestBodies");
    let mut responses = component_entries(doc, "responses");
    for operation in operations(doc) {
        if let Some(body) = operation
            .value
            .get("requestBody")
            .filter(|b| reference(b).is_none())
        {
            requests.push(Located {
                pointer: child(&operation.pointer, "requestBody"),
                value: body,
            });
        }
        responses.extend(inline_entries(
            operation.value,
            &operation.pointer,
            "responses",
        ));
    }
    (requests, responses)
}

/// Every media type object of a request body or response.
pub fn media_types(doc: &Value) -> Vec<Located<'_>> {
    let (requests, responses) = bodies(doc);
    requests
        .iter()
        .chain(&responses)
        .flat_map(|body| inline_entries(body.value, &body.pointer, "content"))
        .collect()
}

/// Every parameter and header object: both carry a `schema` and may carry examples.
pub fn parameters_and_headers(doc: &Value) -> Vec<Located<'_>> {
    let mut found = component_entries(doc, "parameters");
    found.extend(component_entries(doc, "headers"));
    let parameter_lists = entries(doc, "paths")
        .into_iter()
        .map(|(path, item)| (child("/paths", path), item))
        .chain(
            operations(doc)
                .into_iter()
                .map(|operation| (operation.pointer, operation.value)),
        );
    for (pointer, holder) in parameter_lists {
        let list = holder.get("parameters").and_then(Value::as_array);
        for (index, parameter) in list.into_iter().flatten().enumerate() {
            if reference(parameter).is_none() {
                found.push(Located {
                    pointer: child(&child(&pointer, "parameters"), &index.to_string()),
                    value: parameter,
                });
            }
        }
    }
    let (_, responses) = bodies(doc);
    for response in responses {
        found.extend(inline_entries(response.value, &response.pointer, "headers"));
    }
    found
}

/// Every schema object declared in place, with the subschemas inside it; references are
/// skipped, since their targets are visited where they are declared.
pub fn schemas(doc: &Value) -> Vec<Located<'_>> {
    let mut roots: Vec<Located<'_>> = component_entries(doc, "schemas");
    for holder in media_types(doc)
        .into_iter()
        .chain(parameters_and_headers(doc))
    {
        if let Some(schema) = holder.value.get("schema") {
            roots.push(Located {
                pointer: child(&holder.pointer, "schema"),
                value: schema,
            });
        }
    }
    let mut found = Vec::new();
    for root in roots {
        collect_schemas(root.value, root.pointer, &mut found);
    }
    found
}

fn collect_schemas<'a>(schema: &'a Value, pointer: String, found: &mut Vec<Located<'a>>) {
    if !schema.is_object() || reference(schema).is_some() {
        return;
    }
    found.push(Located {
        pointer: pointer.clone(),
        value: schema,
    });
    for (name, property) in entries(schema, "properties") {
        collect_schemas(property, child(&child(&pointer, "properties"), name), found);
    }
    for key in ["items", "additionalProperties", "not"] {
        if let Some(subschema) = schema.get(key) {
            collect_schemas(subschema, child(&pointer, key), found);
        }
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        let list = schema.get(key).and_then(Value::as_array);
        for (index, subschema) in list.into_iter().flatten().enumerate() {
            collect_schemas(
                subschema,
                child(&child(&pointer, key), &index.to_string()),
                found,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_yaml_keys_become_strings() {
        let doc = parse("responses:\n  200: { description: ok }\n").unwrap();
        assert_eq!(doc.pointer("/responses/200/description").unwrap(), "ok");
    }

    #[test]
    fn pointers_escape_slashes_and_tildes() {
        assert_eq!(child("/paths", "/a/{b}~c"), "/paths/~1a~1{b}~0c");
    }

    #[test]
    fn reference_chains_are_followed_and_cycles_end() {
        let doc = parse(
            "a: { $ref: '#/b' }\nb: { $ref: '#/c' }\nc: { type: string }\nx: { $ref: '#/x' }\n",
        )
        .unwrap();
        assert_eq!(resolve(&doc, &doc["a"]).unwrap()["type"], "string");
        assert!(resolve(&doc, &doc["x"]).is_none());
    }
}
