//! Changes to an operation's request body: added, removed, newly required or optional, of
//! another content type, and changes to its schema.

use serde_json::Value;

use super::change::{change, schema_changes};
use super::schemas::{Role, diff_schema};
use super::shape::describe;
use super::{Change, Section};
use crate::openapi::{Operation, entries, resolve};

/// An operation's request body.
struct RequestBody<'a> {
    required: bool,
    content_types: Vec<&'a str>,
    schema: Option<&'a Value>,
}

impl<'a> RequestBody<'a> {
    fn of(doc: &'a Value, operation: &Operation<'a>) -> Option<RequestBody<'a>> {
        let body = resolve(doc, operation.value.get("requestBody")?)?;
        let content = entries(body, "content");
        Some(RequestBody {
            required: body.get("required") == Some(&Value::Bool(true)),
            content_types: content.iter().map(|(media_type, _)| *media_type).collect(),
            schema: content.first().and_then(|(_, media)| media.get("schema")),
        })
    }

    fn shape(&self) -> String {
        self.schema.map_or("no schema".to_string(), describe)
    }
}

pub(super) fn changes(
    base: &Value,
    head: &Value,
    base_operation: &Operation<'_>,
    head_operation: &Operation<'_>,
) -> Vec<Change> {
    let mut changes = Vec::new();
    let mut push = |what: String, breaks_rust: bool, breaks_wire: bool| {
        changes.push(change(
            Section::RequestBodies,
            head_operation,
            what,
            breaks_rust,
            breaks_wire,
        ))
    };
    match (
        RequestBody::of(base, base_operation),
        RequestBody::of(head, head_operation),
    ) {
        (None, None) => {}
        (None, Some(new)) => {
            let necessity = if new.required { "required" } else { "optional" };
            push(
                format!("request body added ({necessity}, `{}`)", new.shape()),
                new.required,
                new.required,
            );
        }
        (Some(_), None) => push("request body removed".to_string(), true, true),
        (Some(old), Some(new)) => {
            if old.content_types != new.content_types {
                push(
                    format!(
                        "content type changed from `{}` to `{}`",
                        old.content_types.join("`, `"),
                        new.content_types.join("`, `")
                    ),
                    true,
                    true,
                );
            }
            match (old.required, new.required) {
                (false, true) => push("request body is now required".to_string(), true, true),
                (true, false) => push(
                    "request body is no longer required".to_string(),
                    false,
                    false,
                ),
                _ => {}
            }
            if let (Some(old_schema), Some(new_schema)) = (old.schema, new.schema) {
                changes.extend(schema_changes(
                    Section::RequestBodies,
                    head_operation,
                    "",
                    diff_schema(old_schema, new_schema, Role::INLINE_REQUEST),
                ));
            }
        }
    }
    changes
}
