//! Everything the simulated server knows, and the rules that change it.
//!
//! One [`Store`] sits behind one lock. Every operation first settles the transitions that
//! are due at the current tokio instant, then reads or changes the records.

mod billing;
mod billing_store;
mod enterprise_store;
mod enterprises;
mod subscriber_index;
mod subscriber_store;
mod subscribers;
mod table;
mod workspace_store;
mod workspaces;

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

pub use billing::BillingFailure;
pub(crate) use billing::{BillingPeriod, BillingReportRecord, BillingSort, parse_period};
pub(crate) use billing_store::download_url;
pub(crate) use enterprises::{
    DirectorySyncRecord, EnterpriseRecord, ExternalUserRecord, SyncCounters, UserSyncOperation,
};
use subscriber_index::SubscriberIndex;
pub(crate) use subscriber_store::SubscriberFilter;
pub(crate) use subscribers::{
    Next, SubscriberChanges, SubscriberFields, SubscriberRecord, Transition,
    user_id_taken_description,
};
pub(crate) use table::Table;
pub(crate) use workspace_store::NewWorkspace;
pub(crate) use workspaces::{WorkspaceChanges, WorkspaceRecord};

use crate::clock::Timestamp;
use crate::error::ApiError;
use crate::ids::{IdGenerator, IdKind};
use crate::outcome::OutcomeRule;

/// How long the asynchronous work of the simulated server takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Timing {
    /// `provisioning` until the outcome.
    pub(crate) provisioning: Duration,
    /// `updating` until `provisioned` again.
    pub(crate) update: Duration,
    /// A directory synchronisation, `IN_PROGRESS` until `COMPLETE`.
    pub(crate) directory_sync: Duration,
    /// A billing report, `IN_PROGRESS` until `COMPLETED` or `FAILED`.
    pub(crate) billing_report: Duration,
}

impl Default for Timing {
    fn default() -> Self {
        Timing {
            provisioning: Duration::from_secs(2),
            update: Duration::from_secs(1),
            directory_sync: Duration::from_secs(3),
            billing_report: Duration::from_secs(5),
        }
    }
}

/// The configuration a store starts from (and returns to on reset).
#[derive(Clone, Debug)]
pub(crate) struct StoreSettings {
    pub(crate) timing: Timing,
    pub(crate) rules: Vec<OutcomeRule>,
    pub(crate) id_seed: u64,
    /// Completed billing reports link below this URL.
    pub(crate) download_base: String,
}

/// The simulated server's data.
#[derive(Debug)]
pub(crate) struct Store {
    pub(crate) settings: StoreSettings,
    ids: IdGenerator,
    next_seq: u64,
    pub(crate) subscribers: Table<SubscriberRecord>,
    pub(crate) subscriber_index: SubscriberIndex,
    pub(crate) workspaces: Table<WorkspaceRecord>,
    pub(crate) enterprises: Table<EnterpriseRecord>,
    pub(crate) billing_reports: Table<BillingReportRecord>,
    /// When not empty, the only provisioning IDs accepted.
    pub(crate) provisioning_ids: BTreeSet<String>,
    pub(crate) billing_failures: BTreeMap<String, BillingFailure>,
    /// How far lists lag behind writes (the fault plan's `list_lag`).
    pub(crate) list_lag: Duration,
}

impl Store {
    /// An empty store.
    pub(crate) fn new(settings: StoreSettings) -> Self {
        Store {
            ids: IdGenerator::new(settings.id_seed),
            settings,
            next_seq: 1,
            subscribers: Table::default(),
            subscriber_index: SubscriberIndex::default(),
            workspaces: Table::default(),
            enterprises: Table::default(),
            billing_reports: Table::default(),
            provisioning_ids: BTreeSet::new(),
            billing_failures: BTreeMap::new(),
            list_lag: Duration::ZERO,
        }
    }

    pub(crate) fn next_seq(&mut self) -> u64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        seq
    }

    pub(crate) fn new_id(&self, kind: IdKind) -> String {
        self.ids.next(kind)
    }

    pub(crate) fn new_provisioning_id(&self) -> String {
        self.ids.provisioning_id()
    }

    /// Applies every transition due at `now`.
    pub(crate) fn settle_all(&mut self, now: Timestamp) {
        self.settle_due(now);
        for enterprise in self.enterprises.values_mut() {
            enterprise.settle(now);
        }
        let download_base = self.settings.download_base.clone();
        for report in self.billing_reports.values_mut() {
            report.settle(now, |id| download_url(&download_base, id));
        }
    }

    // ----- subscribers -------------------------------------------------------------------

    /// Applies the subscribers' transitions due at `now`, after indexing again the records
    /// handed out for change: every request that reads an index calls it first.
    pub(crate) fn settle_due(&mut self, now: Timestamp) {
        for seq in self.subscriber_index.take_touched() {
            if let Some(record) = self.subscribers.by_seq(seq) {
                self.subscriber_index.index(seq, record);
            }
        }
        while let Some(seq) = self.subscriber_index.next_due(now) {
            if let Some(record) = self.subscribers.by_seq_mut(seq) {
                record.settle(now);
                self.subscriber_index.index(seq, record);
            }
        }
    }

    /// Adds a subscriber, indexed.
    pub(crate) fn insert_subscriber(&mut self, record: SubscriberRecord) -> u64 {
        let seq = self.next_seq();
        self.subscriber_index.index(seq, &record);
        self.subscribers.insert(seq, record);
        seq
    }

    /// Whether a subscriber other than `except` holds `user_id`.
    pub(crate) fn subscriber_maps_user_id(&self, user_id: &str, except: Option<&str>) -> bool {
        self.subscriber_index
            .holders(user_id)
            .iter()
            .filter_map(|seq| self.subscribers.by_seq(*seq))
            .any(|s| Some(s.id.as_str()) != except && s.maps_user_id(user_id))
    }

    /// Whether a subscriber (other than `except`) or a workspace holds `user_id`.
    pub(crate) fn user_id_mapped(&self, user_id: &str, except: Option<&str>) -> bool {
        self.subscriber_maps_user_id(user_id, except)
            || self.workspaces.values().any(|w| w.user_id == user_id)
    }

    fn check_provisioning_id(&self, provisioning_id: &str) -> Result<(), ApiError> {
        if self.provisioning_ids.is_empty() || self.provisioning_ids.contains(provisioning_id) {
            Ok(())
        } else {
            Err(ApiError::invalid_field(
                "provisioningId",
                format!("'{provisioning_id}' is not a provisioning ID of this partner."),
            ))
        }
    }

    /// The provisioning ID of the enterprise `sp_enterprise_id`, which is added first (with
    /// `provisioning_id`, or a fresh one) if it is new: Webex creates the customer
    /// organisation with its first subscriber.
    pub(crate) fn ensure_enterprise(
        &mut self,
        sp_enterprise_id: &str,
        provisioning_id: Option<&str>,
    ) -> String {
        if let Some(existing) = self
            .enterprises
            .values()
            .find(|e| e.sp_enterprise_id == sp_enterprise_id)
        {
            return existing.provisioning_id.clone();
        }
        let provisioning_id =
            provisioning_id.map_or_else(|| self.new_provisioning_id(), str::to_string);
        let record = EnterpriseRecord {
            id: self.new_id(IdKind::Enterprise),
            org_id: self.new_id(IdKind::Organization),
            provisioning_id: provisioning_id.clone(),
            sp_enterprise_id: sp_enterprise_id.to_string(),
            enable_dir_sync: false,
            sync_fails: false,
            sync: DirectorySyncRecord::default(),
            external_users: BTreeMap::new(),
        };
        let seq = self.next_seq();
        self.enterprises.insert(seq, record);
        provisioning_id
    }
}
