//! Our own request builders: plain values with optional setters, validated into the
//! generated request types before anything is sent.

#[cfg(test)]
mod props;
mod subscriber;
mod workspace;

pub use subscriber::{PrecheckSubscriber, ProvisionSubscriber, UpdateSubscriber};
pub(crate) use workspace::workspace_id;
pub use workspace::{ProvisionWorkspace, UpdateWorkspace};

use crate::validate::ValidationReport;

/// A path parameter: present and not blank.
pub(crate) fn path_id(field: &str, value: &str) -> Result<(), ValidationReport> {
    let mut report = ValidationReport::default();
    report.required(field, Some(value));
    report.finish(|| ())
}
