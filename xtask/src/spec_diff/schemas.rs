//! Changes to schemas: fields added or removed, type and format changes, required added or
//! removed, enum values added or removed; for component schemas and inline bodies alike.

use std::collections::BTreeSet;

use serde_json::Value;

use super::shape::describe;
use super::usage::Usage;
use super::{Affected, Change, Fate, Report, Section};
use crate::{generate, openapi};

/// How a schema is used, which decides what a change to it breaks.
#[derive(Clone, Copy, Debug)]
pub(super) struct Role {
    pub in_requests: bool,
    pub in_responses: bool,
    /// Replaced in the generated code by a hand-written tolerant type: changes to it do not
    /// change the generated API, and its enums are open (unknown values decode).
    pub replaced: bool,
}

impl Role {
    /// An inline schema of a request body or parameter: it travels in requests only.
    pub const INLINE_REQUEST: Role = Role {
        in_requests: true,
        in_responses: false,
        replaced: false,
    };
    /// An inline schema of a success body: it travels in responses only.
    pub const INLINE_RESPONSE: Role = Role {
        in_requests: false,
        in_responses: true,
        replaced: false,
    };
}

/// One change inside a schema.
#[derive(Debug)]
pub(super) struct SchemaChange {
    pub what: String,
    pub breaks_rust: bool,
    pub breaks_wire: bool,
}

enum Kind {
    FieldAdded {
        required: bool,
    },
    FieldRemoved {
        was_required: bool,
    },
    /// A field removed and another of the same shape added beside it: probably a rename.
    FieldRenamed,
    ShapeChanged,
    BecameRequired,
    BecameOptional,
    EnumValueAdded,
    EnumValueRemoved,
}

impl Kind {
    /// Every change to a generated type breaks Rust code somewhere: an added field, even an
    /// optional one, breaks a struct literal that names every field (the generated structs
    /// are not `#[non_exhaustive]`, so a downstream crate may build them that way).
    fn breaks_rust(&self, role: Role) -> bool {
        !role.replaced
    }

    fn breaks_wire(&self, role: Role) -> bool {
        let Role {
            in_requests,
            in_responses,
            replaced,
        } = role;
        match self {
            // Old requests lack it; old decoders ignore fields they do not know.
            Kind::FieldAdded { required } => *required && in_requests,
            // Requests lose what it meant; old decoders fail only if they required it.
            Kind::FieldRemoved { was_required } => in_requests || (in_responses && *was_required),
            // Old clients read the old name, which no longer comes, and send it unheard.
            Kind::FieldRenamed => in_requests || in_responses,
            Kind::ShapeChanged => in_requests || in_responses,
            Kind::BecameRequired => in_requests,
            Kind::BecameOptional => in_responses,
            // Old decoders of a closed enum fail on the new value.
            Kind::EnumValueAdded => in_responses && !replaced,
            Kind::EnumValueRemoved => in_requests,
        }
    }
}

/// Compares every component schema of the two specs.
pub(super) fn diff_components(base: &Value, head: &Value, report: &mut Report) {
    let usage = Usage::of_both(base, head);
    let base_schemas = openapi::component_schemas(base);
    let head_schemas = openapi::component_schemas(head);
    let names: BTreeSet<&str> = base_schemas
        .iter()
        .chain(&head_schemas)
        .map(|(name, _)| *name)
        .collect();
    for name in names {
        let replacement = generate::replacement(name);
        let role = Role {
            in_requests: usage.in_requests(name),
            in_responses: usage.in_responses(name),
            replaced: replacement.is_some(),
        };
        let subject = format!("`{name}`");
        let (fate, changes) = match (find(&base_schemas, name), find(&head_schemas, name)) {
            (None, Some(_)) => (
                Fate::Added,
                vec![SchemaChange {
                    what: "schema added".to_string(),
                    breaks_rust: false,
                    breaks_wire: false,
                }],
            ),
            (Some(_), None) => (
                Fate::Removed,
                vec![SchemaChange {
                    what: "schema removed".to_string(),
                    breaks_rust: !role.replaced,
                    breaks_wire: false,
                }],
            ),
            (Some(base), Some(head)) => (Fate::Changed, diff_schema(base, head, role)),
            (None, None) => unreachable!("every name comes from one of the specs"),
        };
        if changes.is_empty() {
            continue;
        }
        report.affected.insert(Affected::Type {
            schema: name.to_string(),
            fate,
        });
        for change in changes {
            let what = match replacement {
                Some(replacement) => format!(
                    "{} (the generated code uses the hand-written `{replacement}` instead: update it to match)",
                    change.what
                ),
                None => change.what,
            };
            report.changes.push(Change {
                section: Section::Schemas,
                subject: subject.clone(),
                what,
                breaks_rust: change.breaks_rust,
                breaks_wire: change.breaks_wire,
            });
        }
    }
}

/// The changes from `base` to `head`, one schema used as `role` says.
pub(super) fn diff_schema(base: &Value, head: &Value, role: Role) -> Vec<SchemaChange> {
    let mut changes = Vec::new();
    compare(base, head, "", role, &mut changes);
    changes
}

fn compare(base: &Value, head: &Value, field: &str, role: Role, changes: &mut Vec<SchemaChange>) {
    let record = |changes: &mut Vec<SchemaChange>, kind: Kind, what: String| {
        changes.push(SchemaChange {
            breaks_rust: kind.breaks_rust(role),
            breaks_wire: kind.breaks_wire(role),
            what,
        })
    };
    let (base_shape, head_shape) = (describe(base), describe(head));
    if base_shape != head_shape {
        let subject = if field.is_empty() {
            "type".to_string()
        } else {
            format!("type of `{field}`")
        };
        record(
            changes,
            Kind::ShapeChanged,
            format!("{subject} changed from `{base_shape}` to `{head_shape}`"),
        );
        return;
    }
    if openapi::reference(base).is_some() {
        // The same reference on both sides: the target is compared on its own.
        return;
    }
    let in_field = if field.is_empty() {
        String::new()
    } else {
        format!(" of `{field}`")
    };
    let (base_values, head_values) = (enum_values(base), enum_values(head));
    for value in head_values.difference(&base_values) {
        record(
            changes,
            Kind::EnumValueAdded,
            format!("enum value `{value}` added{in_field}"),
        );
    }
    for value in base_values.difference(&head_values) {
        record(
            changes,
            Kind::EnumValueRemoved,
            format!("enum value `{value}` removed{in_field}"),
        );
    }

    let (base_required, head_required) = (required(base), required(head));
    let (base_properties, head_properties) = (
        openapi::entries(base, "properties"),
        openapi::entries(head, "properties"),
    );
    let renames = probable_renames(&base_properties, &head_properties);
    for (old, new) in &renames {
        let shape = find(&head_properties, new)
            .map(describe)
            .unwrap_or_default();
        let (old, new) = (join(field, old), join(field, new));
        record(
            changes,
            Kind::FieldRenamed,
            format!(
                "field `{old}` removed and `{new}` added, both `{shape}`: probably a rename; on \
                 the wire it breaks silently, as clients built for `{old}` read nothing where \
                 they read it before and send it to a server that ignores it"
            ),
        );
    }
    let renamed_to = |name: &str| renames.iter().any(|(_, new)| *new == name);
    let renamed_from = |name: &str| renames.iter().any(|(old, _)| *old == name);
    for (name, head_property) in &head_properties {
        let path = join(field, name);
        match find(&base_properties, name) {
            None if renamed_to(name) => {}
            None => {
                let required = head_required.contains(name);
                let necessity = if required { "required" } else { "optional" };
                let literal = if required {
                    ""
                } else {
                    "; a struct literal that names every field needs it (or ends in `..Default::default()`, or uses the type's builder)"
                };
                record(
                    changes,
                    Kind::FieldAdded { required },
                    format!(
                        "field `{path}` added ({necessity}, `{}`){literal}",
                        describe(head_property)
                    ),
                );
            }
            Some(base_property) => {
                match (base_required.contains(name), head_required.contains(name)) {
                    (false, true) => record(
                        changes,
                        Kind::BecameRequired,
                        format!("`{path}` is now required"),
                    ),
                    (true, false) => record(
                        changes,
                        Kind::BecameOptional,
                        format!("`{path}` is no longer required"),
                    ),
                    _ => {}
                }
                compare(base_property, head_property, &path, role, changes);
            }
        }
    }
    for (name, _) in &base_properties {
        if find(&head_properties, name).is_none() && !renamed_from(name) {
            record(
                changes,
                Kind::FieldRemoved {
                    was_required: base_required.contains(name),
                },
                format!("field `{}` removed", join(field, name)),
            );
        }
    }
    if let (Some(base_items), Some(head_items)) = (base.get("items"), head.get("items")) {
        compare(base_items, head_items, &format!("{field}[]"), role, changes);
    }
}

/// Pairs each removed field with an added one of the same shape, when exactly one added
/// field has that shape and exactly one removed field does: two such changes side by side are
/// most often one field renamed. Returns (old name, new name) pairs.
fn probable_renames<'a>(
    base: &[(&'a str, &Value)],
    head: &[(&'a str, &Value)],
) -> Vec<(&'a str, &'a str)> {
    let removed: Vec<(&str, String)> = base
        .iter()
        .filter(|(name, _)| find(head, name).is_none())
        .map(|(name, schema)| (*name, describe(schema)))
        .collect();
    let added: Vec<(&str, String)> = head
        .iter()
        .filter(|(name, _)| find(base, name).is_none())
        .map(|(name, schema)| (*name, describe(schema)))
        .collect();
    removed
        .iter()
        .filter_map(|(old, shape)| {
            let same_added: Vec<_> = added.iter().filter(|(_, s)| s == shape).collect();
            let same_removed = removed.iter().filter(|(_, s)| s == shape).count();
            match (same_added.as_slice(), same_removed) {
                ([(new, _)], 1) => Some((*old, *new)),
                _ => None,
            }
        })
        .collect()
}

/// The value under `name` among sorted `entries`.
fn find<'a>(entries: &[(&str, &'a Value)], name: &str) -> Option<&'a Value> {
    entries
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, value)| *value)
}

fn join(field: &str, name: &str) -> String {
    if field.is_empty() {
        name.to_string()
    } else {
        format!("{field}.{name}")
    }
}

fn required(schema: &Value) -> BTreeSet<&str> {
    schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect()
}

/// Enum values as they read in JSON (`"basic"`, `3`), unquoted when they are strings.
fn enum_values(schema: &Value) -> BTreeSet<String> {
    schema
        .get("enum")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|value| match value {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .collect()
}
