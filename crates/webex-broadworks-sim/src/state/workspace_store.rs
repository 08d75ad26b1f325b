//! The store's workspace operations: provision, update, remove.

use super::*;
use crate::clock::Timestamp;
use crate::error::{ApiError, USER_ID_TAKEN};
use crate::ids::IdKind;

/// A new workspace.
#[derive(Clone, Debug)]
pub(crate) struct NewWorkspace {
    pub(crate) provisioning_id: String,
    pub(crate) user_id: String,
    pub(crate) sp_enterprise_id: String,
    pub(crate) display_name: String,
    pub(crate) primary_phone_number: Option<String>,
    pub(crate) extension: Option<String>,
}

impl Store {
    pub(crate) fn provision_workspace(
        &mut self,
        new: NewWorkspace,
        now: Timestamp,
    ) -> Result<&WorkspaceRecord, ApiError> {
        self.check_provisioning_id(&new.provisioning_id)?;
        if !self
            .enterprises
            .values()
            .any(|e| e.sp_enterprise_id == new.sp_enterprise_id)
        {
            return Err(ApiError::invalid_field(
                "spEnterpriseId",
                format!(
                    "No customer '{}' exists; workspaces are provisioned for existing customers only.",
                    new.sp_enterprise_id
                ),
            ));
        }
        self.settle_all(now);
        if self.user_id_mapped(&new.user_id, None) {
            return Err(ApiError::conflict(user_id_taken_description())
                .with_code(USER_ID_TAKEN)
                .with_field("userId"));
        }
        let record = WorkspaceRecord {
            id: self.new_id(IdKind::Place),
            provisioning_id: new.provisioning_id,
            user_id: new.user_id,
            sp_enterprise_id: new.sp_enterprise_id,
            display_name: new.display_name,
            primary_phone_number: new.primary_phone_number,
            extension: new.extension,
            created: now,
        };
        let id = record.id.clone();
        let seq = self.next_seq();
        self.workspaces.insert(seq, record);
        Ok(self.workspaces.get(&id).expect("just inserted"))
    }

    pub(crate) fn update_workspace(
        &mut self,
        id: &str,
        changes: WorkspaceChanges,
        now: Timestamp,
    ) -> Result<&WorkspaceRecord, ApiError> {
        if self.workspaces.get(id).is_none() {
            return Err(ApiError::not_found(format!("Workspace '{id}' not found.")));
        }
        if let Some(user_id) = changes.user_id.as_deref().filter(|u| !u.is_empty()) {
            self.settle_all(now);
            let taken = self.subscriber_maps_user_id(user_id, None)
                || self
                    .workspaces
                    .values()
                    .any(|w| w.id != id && w.user_id == user_id);
            if taken {
                return Err(ApiError::conflict(user_id_taken_description())
                    .with_code(USER_ID_TAKEN)
                    .with_field("userId"));
            }
        }
        let record = self.workspaces.get_mut(id).expect("checked above");
        record.apply(changes);
        Ok(record)
    }

    pub(crate) fn remove_workspace(&mut self, id: &str) -> Result<(), ApiError> {
        self.workspaces
            .remove(id)
            .map(|_| ())
            .ok_or_else(|| ApiError::not_found(format!("Workspace '{id}' not found.")))
    }
}
