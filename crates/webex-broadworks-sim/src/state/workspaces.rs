//! BroadWorks workspaces: provisioned, updated and removed synchronously.

use super::table::Row;
use crate::clock::Timestamp;

/// One workspace as the simulator keeps it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct WorkspaceRecord {
    pub(crate) id: String,
    pub(crate) provisioning_id: String,
    pub(crate) user_id: String,
    pub(crate) sp_enterprise_id: String,
    pub(crate) display_name: String,
    pub(crate) primary_phone_number: Option<String>,
    pub(crate) extension: Option<String>,
    pub(crate) created: Timestamp,
}

impl Row for WorkspaceRecord {
    fn id(&self) -> &str {
        &self.id
    }
}

/// The fields of a workspace update; an empty number or extension removes it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct WorkspaceChanges {
    pub(crate) user_id: Option<String>,
    pub(crate) primary_phone_number: Option<String>,
    pub(crate) extension: Option<String>,
}

impl WorkspaceRecord {
    pub(crate) fn apply(&mut self, changes: WorkspaceChanges) {
        if let Some(user_id) = changes.user_id.filter(|id| !id.is_empty()) {
            self.user_id = user_id;
        }
        if let Some(number) = changes.primary_phone_number {
            self.primary_phone_number = (!number.is_empty()).then_some(number);
        }
        if let Some(extension) = changes.extension {
            self.extension = (!extension.is_empty()).then_some(extension);
        }
    }
}
