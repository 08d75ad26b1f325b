//! Enterprises (customer organisations), their directory synchronisation and the external
//! users it brings from BroadWorks into Webex.

use std::collections::BTreeMap;
use std::time::Duration;

use webex_broadworks_api::wire::DirectorySyncState;

use super::table::Row;
use crate::clock::Timestamp;
use crate::error::ApiError;

/// `errorCode` of a synchronisation that could not reach the BroadWorks cluster.
pub(crate) const CLUSTER_UNREACHABLE: i64 = 6003;

/// A user of the enterprise's BroadWorks directory who is not a Webex subscriber.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ExternalUserRecord {
    pub(crate) user_id: String,
    pub(crate) first_name: Option<String>,
    pub(crate) last_name: Option<String>,
    pub(crate) extension: Option<String>,
    pub(crate) number: Option<String>,
    pub(crate) mobile: Option<String>,
    /// Webex (Common Identity) holds a copy of the user.
    pub(crate) in_webex: bool,
    /// BroadWorks changed the user since the copy was made.
    pub(crate) changed: bool,
    /// BroadWorks no longer has the user; the next sync deletes the copy.
    pub(crate) removed: bool,
}

/// What syncing one external user does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum UserSyncOperation {
    Add,
    Update,
    Delete,
    NoOperation,
}

impl ExternalUserRecord {
    /// Brings Webex's copy in line with BroadWorks.
    fn sync(&mut self) -> UserSyncOperation {
        let operation = match (self.in_webex, self.removed, self.changed) {
            (false, false, _) => UserSyncOperation::Add,
            (true, true, _) => UserSyncOperation::Delete,
            (true, false, true) => UserSyncOperation::Update,
            (true, false, false) | (false, true, _) => UserSyncOperation::NoOperation,
        };
        self.in_webex = !self.removed;
        self.changed = false;
        operation
    }
}

/// The counters of the last synchronisation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct SyncCounters {
    pub(crate) users_added: u64,
    pub(crate) users_updated: u64,
    pub(crate) users_deleted: u64,
    pub(crate) total_external_users_in_webex: u64,
}

/// Where the enterprise's directory synchronisation stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct DirectorySyncRecord {
    pub(crate) state: DirectorySyncState,
    pub(crate) last_start: Option<Timestamp>,
    pub(crate) last_end: Option<Timestamp>,
    pub(crate) last_success: Option<Timestamp>,
    pub(crate) counters: SyncCounters,
    pub(crate) errors: Vec<(i64, String)>,
    pub(crate) tracking_id: Option<String>,
    /// When the synchronisation under way ends.
    pub(crate) due: Option<Timestamp>,
}

impl Default for DirectorySyncRecord {
    fn default() -> Self {
        DirectorySyncRecord {
            state: DirectorySyncState::NotSynced,
            last_start: None,
            last_end: None,
            last_success: None,
            counters: SyncCounters::default(),
            errors: Vec::new(),
            tracking_id: None,
            due: None,
        }
    }
}

/// One enterprise as the simulator keeps it.
#[derive(Clone, Debug)]
pub(crate) struct EnterpriseRecord {
    pub(crate) id: String,
    pub(crate) org_id: String,
    pub(crate) provisioning_id: String,
    pub(crate) sp_enterprise_id: String,
    pub(crate) enable_dir_sync: bool,
    /// Every synchronisation fails with errorCode 6003.
    pub(crate) sync_fails: bool,
    pub(crate) sync: DirectorySyncRecord,
    pub(crate) external_users: BTreeMap<String, ExternalUserRecord>,
}

impl Row for EnterpriseRecord {
    fn id(&self) -> &str {
        &self.id
    }
}

impl EnterpriseRecord {
    /// Ends the synchronisation under way if it is due at `now`.
    pub(crate) fn settle(&mut self, now: Timestamp) {
        let Some(due) = self.sync.due.take_if(|due| *due <= now) else {
            return;
        };
        self.sync.last_end = Some(due);
        if self.sync_fails {
            self.sync.state = DirectorySyncState::Failed;
            self.sync.errors = vec![(
                CLUSTER_UNREACHABLE,
                "Directory sync could not connect to the BroadWorks cluster.".to_string(),
            )];
            return;
        }
        let mut counters = SyncCounters::default();
        for user in self.external_users.values_mut() {
            match user.sync() {
                UserSyncOperation::Add => counters.users_added += 1,
                UserSyncOperation::Update => counters.users_updated += 1,
                UserSyncOperation::Delete => counters.users_deleted += 1,
                UserSyncOperation::NoOperation => {}
            }
        }
        self.external_users.retain(|_, user| !user.removed);
        counters.total_external_users_in_webex =
            self.external_users.values().filter(|u| u.in_webex).count() as u64;
        self.sync.counters = counters;
        self.sync.errors.clear();
        self.sync.state = DirectorySyncState::Complete;
        self.sync.last_success = Some(due);
    }

    /// Starts a synchronisation that ends after `duration`. One under way already is
    /// reported as it is, not restarted.
    pub(crate) fn trigger_sync(
        &mut self,
        now: Timestamp,
        duration: Duration,
        tracking_id: String,
    ) -> Result<(), ApiError> {
        if !self.enable_dir_sync {
            return Err(ApiError::bad_request(
                "Directory sync is disabled for this enterprise; enable it first.",
            ));
        }
        if self.sync.state == DirectorySyncState::InProgress {
            return Ok(());
        }
        self.sync.state = DirectorySyncState::InProgress;
        self.sync.last_start = Some(now);
        self.sync.tracking_id = Some(tracking_id);
        self.sync.due = Some(now + duration);
        Ok(())
    }

    /// Syncs one external user at once.
    pub(crate) fn sync_user(
        &mut self,
        user_id: &str,
    ) -> Result<(ExternalUserRecord, UserSyncOperation), ApiError> {
        if !self.enable_dir_sync {
            return Err(ApiError::bad_request(
                "Directory sync is disabled for this enterprise; enable it first.",
            ));
        }
        let user = self.external_users.get_mut(user_id).ok_or_else(|| {
            ApiError::not_found(format!(
                "No user '{user_id}' in the BroadWorks directory of this enterprise."
            ))
        })?;
        let operation = user.sync();
        let shown = user.clone();
        if shown.removed {
            self.external_users.remove(user_id);
        }
        Ok((shown, operation))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(in_webex: bool, changed: bool, removed: bool) -> ExternalUserRecord {
        ExternalUserRecord {
            user_id: "x".into(),
            first_name: None,
            last_name: None,
            extension: None,
            number: None,
            mobile: None,
            in_webex,
            changed,
            removed,
        }
    }

    #[test]
    fn user_sync_reports_each_operation_once() {
        let mut new = user(false, false, false);
        assert_eq!(new.sync(), UserSyncOperation::Add);
        assert_eq!(new.sync(), UserSyncOperation::NoOperation);
        assert_eq!(user(true, true, false).sync(), UserSyncOperation::Update);
        assert_eq!(user(true, false, true).sync(), UserSyncOperation::Delete);
        assert_eq!(
            user(true, false, false).sync(),
            UserSyncOperation::NoOperation
        );
    }
}
