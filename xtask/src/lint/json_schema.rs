//! OpenAPI 3.0 schemas as JSON Schema (draft 2020-12), so that a JSON Schema validator can
//! check examples against them.
//!
//! The component schemas become `$defs` and `#/components/schemas/...` references are
//! rewritten to point there; `nullable: true` adds `"null"` to the type; the boolean
//! `exclusiveMinimum`/`exclusiveMaximum` of OpenAPI 3.0 become numeric bounds; keywords that
//! are OpenAPI's own (`example`, `xml`, `discriminator`, ...) are dropped.

use serde_json::{Map, Value, json};

use crate::openapi;

/// A component schema whose examples may carry JSON types the schema does not declare,
/// because the Rust side replaces it with a tolerant type (see `REPLACEMENTS` in
/// `generate.rs`) that decodes what Webex really sends. The spec keeps declaring what Webex
/// documents; its examples may show what Webex sends.
#[derive(Debug)]
pub struct Allowance {
    pub schema: &'static str,
    /// JSON Schema type names accepted in addition to the declared type.
    pub also_accepts: &'static [&'static str],
}

pub const ALLOWANCES: &[Allowance] = &[
    // Declared boolean; Webex also sends "true" and "false" as strings, which
    // `wire::SelfActivated` decodes.
    Allowance {
        schema: "SelfActivated",
        also_accepts: &["string"],
    },
];

/// Keywords of OpenAPI's schema object that JSON Schema does not share.
const OPENAPI_ONLY: [&str; 8] = [
    "nullable",
    "example",
    "xml",
    "discriminator",
    "externalDocs",
    "deprecated",
    "readOnly",
    "writeOnly",
];

const COMPONENT_SCHEMAS: &str = "#/components/schemas/";
const DEFS: &str = "#/$defs/";

/// A JSON Schema for `schema`, with every component schema of `doc` in its `$defs`.
pub fn for_schema(doc: &Value, schema: &Value) -> Value {
    let mut root = convert(schema);
    if let Value::Object(root) = &mut root {
        root.insert("$defs".to_string(), defs(doc));
    }
    root
}

/// A JSON Schema for the component schema (or a schema inside one) at `pointer`, which
/// starts with `/components/schemas/`. Going through `$defs` applies the allowances.
pub fn for_component_pointer(doc: &Value, pointer: &str) -> Option<Value> {
    let inside = pointer.strip_prefix("/components/schemas/")?;
    Some(json!({ "$ref": format!("{DEFS}{inside}"), "$defs": defs(doc) }))
}

fn defs(doc: &Value) -> Value {
    let mut defs = Map::new();
    for (name, schema) in openapi::component_schemas(doc) {
        let mut converted = convert(schema);
        if let Some(allowance) = ALLOWANCES.iter().find(|a| a.schema == name) {
            widen_type(&mut converted, allowance.also_accepts);
        }
        defs.insert(name.to_string(), converted);
    }
    Value::Object(defs)
}

fn convert(schema: &Value) -> Value {
    let Value::Object(map) = schema else {
        return schema.clone();
    };
    // In OpenAPI 3.0 a `$ref` replaces its object: its siblings are ignored.
    if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
        let reference = match reference.strip_prefix(COMPONENT_SCHEMAS) {
            Some(rest) => format!("{DEFS}{rest}"),
            None => reference.to_string(),
        };
        return json!({ "$ref": reference });
    }
    let mut out = Map::new();
    for (key, value) in map {
        let converted = match key.as_str() {
            key if OPENAPI_ONLY.contains(&key) || key.starts_with("x-") => continue,
            "properties" => Value::Object(
                value
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(name, property)| (name.clone(), convert(property)))
                    .collect(),
            ),
            "items" | "additionalProperties" | "not" => convert(value),
            "allOf" | "oneOf" | "anyOf" => Value::Array(
                value
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(convert)
                    .collect(),
            ),
            "exclusiveMinimum" | "exclusiveMaximum" => continue,
            _ => value.clone(),
        };
        out.insert(key.clone(), converted);
    }
    for (exclusive, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if map.get(exclusive) == Some(&Value::Bool(true))
            && let Some(limit) = out.remove(bound)
        {
            out.insert(exclusive.to_string(), limit);
        }
    }
    let mut converted = Value::Object(out);
    // OpenAPI 3.0.3: `nullable` adds "null" only to an explicitly declared type.
    if map.get("nullable") == Some(&Value::Bool(true)) {
        widen_type(&mut converted, &["null"]);
        if let Some(Value::Array(values)) = converted.get_mut("enum")
            && !values.contains(&Value::Null)
        {
            values.push(Value::Null);
        }
    }
    converted
}

/// Adds `extra` to the schema's declared `type`; a schema without one accepts any type already.
fn widen_type(schema: &mut Value, extra: &[&str]) {
    let Some(declared) = schema.get_mut("type") else {
        return;
    };
    let mut types: Vec<Value> = match declared.take() {
        Value::Array(types) => types,
        single => vec![single],
    };
    for name in extra {
        let name = Value::from(*name);
        if !types.contains(&name) {
            types.push(name);
        }
    }
    *declared = Value::Array(types);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate;

    #[test]
    fn every_allowance_is_backed_by_a_tolerant_type() {
        for allowance in ALLOWANCES {
            assert!(
                generate::replacement(allowance.schema).is_some(),
                "{} is allowed extra types but not replaced by a tolerant type in generate.rs",
                allowance.schema
            );
        }
    }

    #[test]
    fn openapi_keywords_are_translated() {
        let converted = convert(&json!({
            "type": "object",
            "nullable": true,
            "example": {},
            "x-internal": true,
            "properties": {
                "count": { "type": "integer", "minimum": 0, "exclusiveMinimum": true },
                "kind": { "type": "string", "enum": ["a"], "nullable": true },
                "thing": { "$ref": "#/components/schemas/Thing", "description": "ignored" }
            }
        }));
        assert_eq!(
            converted,
            json!({
                "type": ["object", "null"],
                "properties": {
                    "count": { "type": "integer", "exclusiveMinimum": 0 },
                    "kind": { "type": ["string", "null"], "enum": ["a", null] },
                    "thing": { "$ref": "#/$defs/Thing" }
                }
            })
        );
    }
}
