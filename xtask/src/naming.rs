//! The names progenitor gives generated items, and where their snapshots live.

use heck::{ToPascalCase, ToSnakeCase};

/// Where `crates/webex-broadworks-api/tests/generated_surface.rs` keeps its snapshots.
pub const SNAPSHOT_DIR: &str = "crates/webex-broadworks-api/tests/snapshots";

/// The hand-written types that stand in for some schemas (`REPLACEMENTS` in generate.rs).
pub const WIRE_TYPES: &str = "crates/webex-broadworks-api/src/wire.rs";

/// The `Client` method generated for an operation: its operationId in snake_case.
pub fn method_name(operation_id: &str) -> String {
    sanitize(operation_id).to_snake_case()
}

/// The request builder generated for an operation, in `builder::`: its operationId in PascalCase.
pub fn builder_name(operation_id: &str) -> String {
    sanitize(operation_id).to_pascal_case()
}

/// The type generated for a component schema, in `types::`.
pub fn type_name(schema: &str) -> String {
    sanitize(schema).to_pascal_case()
}

/// The snapshot of an operation's method and builder.
pub fn operation_snapshot(operation_id: &str) -> String {
    format!(
        "{SNAPSHOT_DIR}/operation__{}.snap",
        method_name(operation_id)
    )
}

/// The snapshot of a schema's type.
pub fn type_snapshot(schema: &str) -> String {
    format!("{SNAPSHOT_DIR}/type__{}.snap", type_name(schema))
}

/// progenitor first turns every character that cannot continue an identifier into a word break.
fn sanitize(name: &str) -> String {
    name.replace('\'', "")
        .replace(|c: char| !(c.is_alphanumeric() || c == '_'), "-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_progenitor() {
        assert_eq!(method_name("precheckSubscriber"), "precheck_subscriber");
        assert_eq!(builder_name("precheckSubscriber"), "PrecheckSubscriber");
        assert_eq!(method_name("getHTTPStatus"), "get_http_status");
        assert_eq!(type_name("WebexError"), "WebexError");
        assert_eq!(type_name("billing.report"), "BillingReport");
    }

    #[test]
    fn snapshot_paths_match_the_generated_surface_test() {
        assert_eq!(
            operation_snapshot("listSubscribers"),
            "crates/webex-broadworks-api/tests/snapshots/operation__list_subscribers.snap"
        );
        assert_eq!(
            type_snapshot("Subscriber"),
            "crates/webex-broadworks-api/tests/snapshots/type__Subscriber.snap"
        );
    }
}
