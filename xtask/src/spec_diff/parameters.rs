//! Changes to an operation's parameters: added, removed, moved, newly required or optional,
//! and changes to their schemas.

use serde_json::Value;

use super::change::{change, schema_changes};
use super::schemas::{Role, diff_schema};
use super::shape::describe;
use super::{Change, Section};
use crate::openapi::{Operation, resolve};

/// A parameter as it applies to an operation.
struct Parameter<'a> {
    name: &'a str,
    location: &'a str,
    required: bool,
    schema: Option<&'a Value>,
}

impl Parameter<'_> {
    fn describe(&self) -> String {
        format!("`{}` parameter `{}`", self.location, self.name)
    }
}

/// The path item's parameters, overridden by the operation's own of the same name and location.
fn parameters<'a>(doc: &'a Value, operation: &Operation<'a>) -> Vec<Parameter<'a>> {
    let mut found: Vec<Parameter<'a>> = Vec::new();
    for holder in [operation.path_item, operation.value] {
        let list = holder.get("parameters").and_then(Value::as_array);
        for parameter in list.into_iter().flatten() {
            let Some(parameter) = resolve(doc, parameter) else {
                continue;
            };
            let text = |key| {
                parameter
                    .get(key)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
            };
            let (name, location) = (text("name"), text("in"));
            found.retain(|p| !(p.name == name && p.location == location));
            found.push(Parameter {
                name,
                location,
                required: location == "path"
                    || parameter.get("required") == Some(&Value::Bool(true)),
                schema: parameter.get("schema"),
            });
        }
    }
    found
}

pub(super) fn changes(
    base: &Value,
    head: &Value,
    base_operation: &Operation<'_>,
    head_operation: &Operation<'_>,
) -> Vec<Change> {
    let mut unpaired_base = parameters(base, base_operation);
    let mut pairs = Vec::new();
    let mut added = Vec::new();
    for parameter in parameters(head, head_operation) {
        let same_place = unpaired_base
            .iter()
            .position(|p| p.name == parameter.name && p.location == parameter.location);
        match same_place {
            Some(index) => pairs.push((unpaired_base.remove(index), parameter)),
            None => added.push(parameter),
        }
    }
    // A parameter of the same name elsewhere has moved, say from the query to a header.
    let mut unpaired_head = Vec::new();
    for parameter in added {
        match unpaired_base.iter().position(|p| p.name == parameter.name) {
            Some(index) => pairs.push((unpaired_base.remove(index), parameter)),
            None => unpaired_head.push(parameter),
        }
    }

    let mut changes = Vec::new();
    let mut push = |what: String, breaks_rust: bool, breaks_wire: bool| {
        changes.push(change(
            Section::Parameters,
            head_operation,
            what,
            breaks_rust,
            breaks_wire,
        ))
    };
    for parameter in &unpaired_head {
        let necessity = if parameter.required {
            "required"
        } else {
            "optional"
        };
        let shape = parameter.schema.map_or("no schema".to_string(), describe);
        // A new required parameter must be set, or `send()` fails.
        push(
            format!("{} added ({necessity}, `{shape}`)", parameter.describe()),
            parameter.required,
            parameter.required,
        );
    }
    for parameter in &unpaired_base {
        push(format!("{} removed", parameter.describe()), true, true);
    }
    let mut schema_diffs = Vec::new();
    for (old, new) in &pairs {
        if old.location != new.location {
            push(
                format!(
                    "parameter `{}` moved from `{}` to `{}`",
                    new.name, old.location, new.location
                ),
                false,
                true,
            );
        }
        match (old.required, new.required) {
            (false, true) => push(format!("{} is now required", new.describe()), true, true),
            (true, false) => push(
                format!("{} is no longer required", new.describe()),
                false,
                false,
            ),
            _ => {}
        }
        if let (Some(old_schema), Some(new_schema)) = (old.schema, new.schema) {
            schema_diffs.push((
                format!("{}: ", new.describe()),
                diff_schema(old_schema, new_schema, Role::INLINE_REQUEST),
            ));
        }
    }
    for (prefix, diffs) in schema_diffs {
        changes.extend(schema_changes(
            Section::Parameters,
            head_operation,
            &prefix,
            diffs,
        ));
    }
    changes
}
