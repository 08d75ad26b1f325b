//! The changes found in one operation, worded alike by every part of the diff that looks
//! at an operation (its parameters, its request body, its responses).

use super::schemas::SchemaChange;
use super::{Change, Section};
use crate::openapi::Operation;

/// `listThings` (`GET /things`).
pub(super) fn label(operation: &Operation<'_>) -> String {
    match operation.id() {
        Some(id) => format!("`{id}` (`{}`)", operation.route()),
        None => format!("`{}`", operation.route()),
    }
}

pub(super) fn change(
    section: Section,
    operation: &Operation<'_>,
    what: String,
    breaks_rust: bool,
    breaks_wire: bool,
) -> Change {
    Change {
        section,
        subject: label(operation),
        what,
        breaks_rust,
        breaks_wire,
    }
}

/// Schema changes inside one part of an operation, each `what` prefixed to say which part.
pub(super) fn schema_changes(
    section: Section,
    operation: &Operation<'_>,
    prefix: &str,
    changes: Vec<SchemaChange>,
) -> impl Iterator<Item = Change> {
    let subject = label(operation);
    let prefix = prefix.to_string();
    changes.into_iter().map(move |c| Change {
        section,
        subject: subject.clone(),
        what: format!("{prefix}{}", c.what),
        breaks_rust: c.breaks_rust,
        breaks_wire: c.breaks_wire,
    })
}
