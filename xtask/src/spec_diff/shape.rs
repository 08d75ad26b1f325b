//! A schema's shape in a few words: `Package`, `integer (int64)`, `array of Subscriber`.
//! Two schemas with different shapes generate different Rust types.

use serde_json::Value;

use crate::openapi;

pub(super) fn describe(schema: &Value) -> String {
    if let Some(reference) = openapi::reference(schema) {
        return openapi::schema_name(reference)
            .unwrap_or(reference)
            .to_string();
    }
    let types: Vec<&str> = match schema.get("type") {
        Some(Value::String(single)) => vec![single.as_str()],
        Some(Value::Array(several)) => several.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let mut shape = match types.as_slice() {
        ["array"] => format!(
            "array of {}",
            schema.get("items").map_or("anything".to_string(), describe)
        ),
        ["object"] if schema.get("properties").is_none() => {
            match schema.get("additionalProperties").filter(|a| a.is_object()) {
                Some(values) => format!("map of {}", describe(values)),
                None => "object".to_string(),
            }
        }
        [single] => match schema.get("format").and_then(Value::as_str) {
            Some(format) => format!("{single} ({format})"),
            None => single.to_string(),
        },
        [] => composition(schema).unwrap_or_else(|| {
            if schema.get("properties").is_some() {
                "object".to_string()
            } else {
                "anything".to_string()
            }
        }),
        several => several.join(" or "),
    };
    if schema.get("enum").is_some() {
        shape.push_str(" enum");
    }
    if schema.get("nullable") == Some(&Value::Bool(true)) {
        shape.push_str(" or null");
    }
    shape
}

fn composition(schema: &Value) -> Option<String> {
    ["allOf", "oneOf", "anyOf"].into_iter().find_map(|key| {
        let parts: Vec<String> = schema.get(key)?.as_array()?.iter().map(describe).collect();
        let joiner = match key {
            "allOf" => " and ",
            _ => " or ",
        };
        Some(format!("({})", parts.join(joiner)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn shapes_read_as_words() {
        assert_eq!(
            describe(&json!({"$ref": "#/components/schemas/Package"})),
            "Package"
        );
        assert_eq!(
            describe(&json!({"type": "integer", "format": "int64"})),
            "integer (int64)"
        );
        assert_eq!(
            describe(&json!({"type": "array", "items": {"$ref": "#/components/schemas/Thing"}})),
            "array of Thing"
        );
        assert_eq!(
            describe(&json!({"type": "string", "enum": ["a"]})),
            "string enum"
        );
        assert_eq!(
            describe(&json!({"type": "string", "nullable": true})),
            "string or null"
        );
        assert_eq!(
            describe(&json!({"type": "object", "additionalProperties": {"type": "string"}})),
            "map of string"
        );
        assert_eq!(
            describe(&json!({"allOf": [{"$ref": "#/components/schemas/A"}, {"type": "object"}]})),
            "(A and object)"
        );
    }
}
