//! Changes to operations: added, removed, or changed in method, path, operationId or success
//! response. Their parameters and request bodies are compared by the modules of those names.
//!
//! Operations of the two specs are paired by operationId, then by method and path, so that
//! a renamed operation and a moved one both read as changes rather than as a removal and an
//! addition.

use serde_json::Value;

use super::change::{change, schema_changes};
use super::schemas::{Role, diff_schema};
use super::shape::describe;
use super::{Affected, Change, Fate, Report, Section};
use super::{parameters, request_bodies};
use crate::naming;
use crate::openapi::{self, Operation, entries, resolve};

pub(super) fn diff(base: &Value, head: &Value, report: &mut Report) {
    let (pairs, added, removed) = pair(openapi::operations(base), openapi::operations(head));
    // Changes are listed by operation, in the order of the paths, whatever happened to each.
    let mut by_operation: Vec<((String, usize), Vec<Change>)> = Vec::new();
    for operation in added {
        let success = Success::of(head, &operation);
        let what = format!(
            "added (success `{}`, {})",
            success.codes.join("`, `"),
            success.body()
        );
        by_operation.push((
            operation.position(),
            vec![change(Section::Operations, &operation, what, false, false)],
        ));
        affect(report, &operation, Fate::Added);
    }
    for operation in removed {
        let what = "removed".to_string();
        by_operation.push((
            operation.position(),
            vec![change(Section::Operations, &operation, what, true, true)],
        ));
        affect(report, &operation, Fate::Removed);
    }
    for (base_operation, head_operation) in pairs {
        let mut changes = operation_changes(base, head, &base_operation, &head_operation);
        changes.extend(parameters::changes(
            base,
            head,
            &base_operation,
            &head_operation,
        ));
        changes.extend(request_bodies::changes(
            base,
            head,
            &base_operation,
            &head_operation,
        ));
        if changes.is_empty() {
            continue;
        }
        if base_operation.id().map(naming::method_name)
            == head_operation.id().map(naming::method_name)
        {
            affect(report, &head_operation, Fate::Changed);
        } else {
            affect(report, &base_operation, Fate::Removed);
            affect(report, &head_operation, Fate::Added);
        }
        by_operation.push((head_operation.position(), changes));
    }
    by_operation.sort_by(|(a, _), (b, _)| a.cmp(b));
    report
        .changes
        .extend(by_operation.into_iter().flat_map(|(_, changes)| changes));
}

type Pairs<'a> = (
    Vec<(Operation<'a>, Operation<'a>)>,
    Vec<Operation<'a>>,
    Vec<Operation<'a>>,
);

/// Pairs of (base, head) operations, then the operations only in head, then those only in base.
fn pair<'a>(base: Vec<Operation<'a>>, head: Vec<Operation<'a>>) -> Pairs<'a> {
    let mut unpaired_base = base;
    let mut pairs = Vec::new();
    let mut unpaired_head = Vec::new();
    for operation in head {
        let same_id = operation.id().and_then(|id| {
            unpaired_base
                .iter()
                .position(|candidate| candidate.id() == Some(id))
        });
        match same_id {
            Some(index) => pairs.push((unpaired_base.remove(index), operation)),
            None => unpaired_head.push(operation),
        }
    }
    let mut added = Vec::new();
    for operation in unpaired_head {
        let same_route = unpaired_base.iter().position(|candidate| {
            candidate.method == operation.method && candidate.path == operation.path
        });
        match same_route {
            Some(index) => pairs.push((unpaired_base.remove(index), operation)),
            None => added.push(operation),
        }
    }
    (pairs, added, unpaired_base)
}

fn affect(report: &mut Report, operation: &Operation<'_>, fate: Fate) {
    if let Some(id) = operation.id() {
        report.affected.insert(Affected::Operation {
            operation_id: id.to_string(),
            fate,
        });
    }
}

/// The success responses of an operation.
struct Success<'a> {
    codes: Vec<&'a str>,
    /// The JSON schema of the first success response that has one.
    schema: Option<&'a Value>,
    /// The body is not JSON.
    raw: bool,
}

impl<'a> Success<'a> {
    fn of(doc: &'a Value, operation: &Operation<'a>) -> Success<'a> {
        let successes: Vec<(&str, &Value)> = entries(operation.value, "responses")
            .into_iter()
            .filter(|(code, _)| code.starts_with('2'))
            .filter_map(|(code, response)| Some((code, resolve(doc, response)?)))
            .collect();
        let contents: Vec<(&str, &Value)> = successes
            .iter()
            .flat_map(|(_, response)| entries(response, "content"))
            .collect();
        Success {
            codes: successes.iter().map(|(code, _)| *code).collect(),
            schema: contents
                .iter()
                .find(|(media_type, _)| media_type.starts_with("application/json"))
                .and_then(|(_, media)| media.get("schema")),
            raw: !contents.is_empty(),
        }
    }

    fn body(&self) -> String {
        match self.schema {
            Some(schema) => format!("`{}`", describe(schema)),
            None if self.raw => "a body that is not JSON".to_string(),
            None => "no body".to_string(),
        }
    }
}

fn operation_changes(
    base: &Value,
    head: &Value,
    base_operation: &Operation<'_>,
    head_operation: &Operation<'_>,
) -> Vec<Change> {
    let mut changes = Vec::new();
    let mut push = |what: String, breaks_rust: bool, breaks_wire: bool| {
        changes.push(change(
            Section::Operations,
            head_operation,
            what,
            breaks_rust,
            breaks_wire,
        ))
    };
    if let (Some(old), Some(new)) = (base_operation.id(), head_operation.id())
        && old != new
    {
        let (old_method, new_method) = (naming::method_name(old), naming::method_name(new));
        if old_method == new_method {
            push(
                format!("operationId changed from `{old}`; the generated names stay the same"),
                false,
                false,
            );
        } else {
            push(
                format!(
                    "operationId renamed from `{old}`: `Client::{old_method}` becomes `Client::{new_method}`"
                ),
                true,
                false,
            );
        }
    }
    if base_operation.method != head_operation.method {
        push(
            format!(
                "method changed from `{}` to `{}`",
                base_operation.method.to_uppercase(),
                head_operation.method.to_uppercase()
            ),
            false,
            true,
        );
    }
    if base_operation.path != head_operation.path {
        push(
            format!(
                "path changed from `{}` to `{}`",
                base_operation.path, head_operation.path
            ),
            false,
            true,
        );
    }
    let (base_success, head_success) = (
        Success::of(base, base_operation),
        Success::of(head, head_operation),
    );
    if base_success.codes != head_success.codes {
        push(
            format!(
                "success response changed from `{}` to `{}`",
                base_success.codes.join("`, `"),
                head_success.codes.join("`, `")
            ),
            false,
            true,
        );
    }
    let (base_body, head_body) = (base_success.body(), head_success.body());
    if base_body != head_body {
        push(
            format!("success body changed from {base_body} to {head_body}"),
            true,
            true,
        );
    } else if let (Some(old), Some(new)) = (base_success.schema, head_success.schema) {
        changes.extend(schema_changes(
            Section::Operations,
            head_operation,
            "success body: ",
            diff_schema(old, new, Role::INLINE_RESPONSE),
        ));
    }
    changes
}
