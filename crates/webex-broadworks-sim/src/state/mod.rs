//! Everything the simulated server knows, and the rules that change it.
//!
//! One [`Store`] sits behind one lock. Every operation first settles the transitions that
//! are due at the current tokio instant, then reads or changes the records.

mod billing;
mod enterprises;
mod subscribers;
mod table;
mod workspaces;

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use webex_broadworks_api::wire::{BillingReportStatus, SubscriberStatus};

pub use billing::BillingFailure;
pub(crate) use billing::{BillingPeriod, BillingReportRecord, BillingSort, parse_period};
pub(crate) use enterprises::{
    DirectorySyncRecord, EnterpriseRecord, ExternalUserRecord, SyncCounters, UserSyncOperation,
};
pub(crate) use subscribers::{
    Next, SubscriberChanges, SubscriberFields, SubscriberRecord, Transition,
    user_id_taken_description,
};
pub(crate) use table::Table;
pub(crate) use workspaces::{WorkspaceChanges, WorkspaceRecord};

use crate::clock::Timestamp;
use crate::error::{ApiError, USER_ID_TAKEN};
use crate::ids::{IdGenerator, IdKind};
use crate::outcome::{Outcome, OutcomeRule, outcome_for};

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

/// The filters of `listSubscribers`.
#[derive(Clone, Debug, Default)]
pub(crate) struct SubscriberFilter {
    pub(crate) user_id: Option<String>,
    pub(crate) person_id: Option<String>,
    pub(crate) email: Option<String>,
    pub(crate) provisioning_id: Option<String>,
    pub(crate) sp_enterprise_id: Option<String>,
    pub(crate) last_status_change_after: Option<Timestamp>,
    pub(crate) statuses: Option<Vec<SubscriberStatus>>,
    pub(crate) created_after: Option<Timestamp>,
    pub(crate) self_activated: Option<bool>,
}

impl SubscriberFilter {
    fn matches(&self, record: &SubscriberRecord) -> bool {
        let equals =
            |filter: &Option<String>, value: &str| filter.as_deref().is_none_or(|f| f == value);
        equals(&self.user_id, &record.fields.user_id)
            && equals(&self.provisioning_id, &record.fields.provisioning_id)
            && equals(&self.sp_enterprise_id, &record.fields.sp_enterprise_id)
            && self.person_id.as_deref().is_none_or(|person| {
                record.status == SubscriberStatus::Provisioned && record.person_id == person
            })
            && self.email.as_deref().is_none_or(|email| {
                record
                    .fields
                    .email
                    .as_deref()
                    .is_some_and(|own| own.eq_ignore_ascii_case(email))
            })
            && self
                .statuses
                .as_ref()
                .is_none_or(|statuses| statuses.contains(&record.status))
            && self
                .last_status_change_after
                .is_none_or(|after| record.last_status_change > after)
            && self
                .created_after
                .is_none_or(|after| record.created > after)
            && self
                .self_activated
                .is_none_or(|flag| record.self_activated == flag)
    }
}

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

/// The simulated server's data.
#[derive(Debug)]
pub(crate) struct Store {
    pub(crate) settings: StoreSettings,
    ids: IdGenerator,
    next_seq: u64,
    pub(crate) subscribers: Table<SubscriberRecord>,
    pub(crate) workspaces: Table<WorkspaceRecord>,
    pub(crate) enterprises: Table<EnterpriseRecord>,
    pub(crate) billing_reports: Table<BillingReportRecord>,
    /// When not empty, the only provisioning IDs accepted.
    pub(crate) provisioning_ids: BTreeSet<String>,
    pub(crate) billing_failures: BTreeMap<String, BillingFailure>,
}

impl Store {
    /// An empty store.
    pub(crate) fn new(settings: StoreSettings) -> Self {
        Store {
            ids: IdGenerator::new(settings.id_seed),
            settings,
            next_seq: 1,
            subscribers: Table::default(),
            workspaces: Table::default(),
            enterprises: Table::default(),
            billing_reports: Table::default(),
            provisioning_ids: BTreeSet::new(),
            billing_failures: BTreeMap::new(),
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
        for subscriber in self.subscribers.values_mut() {
            subscriber.settle(now);
        }
        for enterprise in self.enterprises.values_mut() {
            enterprise.settle(now);
        }
        let download_base = self.settings.download_base.clone();
        for report in self.billing_reports.values_mut() {
            report.settle(now, |id| download_url(&download_base, id));
        }
    }

    // ----- subscribers -------------------------------------------------------------------

    /// Whether a subscriber (other than `except`) or a workspace holds `user_id`.
    pub(crate) fn user_id_mapped(&self, user_id: &str, except: Option<&str>) -> bool {
        self.subscribers
            .values()
            .any(|s| Some(s.id.as_str()) != except && s.maps_user_id(user_id))
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

    /// Accepts a new subscriber: `provisioning` now, its outcome after the provisioning
    /// delay. A userId already mapped ends in `error` 10022; otherwise the outcome rules
    /// decide.
    pub(crate) fn provision_subscriber(
        &mut self,
        fields: SubscriberFields,
        now: Timestamp,
    ) -> Result<&SubscriberRecord, ApiError> {
        self.check_provisioning_id(&fields.provisioning_id)?;
        self.settle_all(now);
        let outcome = if self.user_id_mapped(&fields.user_id, None) {
            Outcome::error(USER_ID_TAKEN, user_id_taken_description())
        } else {
            outcome_for(&self.settings.rules, &fields.user_id)
        };
        self.ensure_enterprise(&fields.sp_enterprise_id, Some(&fields.provisioning_id));
        let record = SubscriberRecord {
            id: self.new_id(IdKind::Subscriber),
            person_id: self.new_id(IdKind::People),
            fields,
            self_activated: false,
            status: SubscriberStatus::Provisioning,
            errors: Vec::new(),
            created: now,
            last_status_change: now,
            transition: Some(Transition {
                due: now + self.settings.timing.provisioning,
                next: Next::Finish(outcome),
            }),
            consent_emails_sent: 0,
        };
        let id = record.id.clone();
        let seq = self.next_seq();
        self.subscribers.insert(seq, record);
        Ok(self.subscribers.get(&id).expect("just inserted"))
    }

    /// Checks what provisioning `user_id` would meet, without provisioning anything.
    pub(crate) fn precheck(
        &mut self,
        user_id: Option<&str>,
        provisioning_id: Option<&str>,
        now: Timestamp,
    ) -> Result<(), ApiError> {
        self.settle_all(now);
        if let Some(provisioning_id) = provisioning_id {
            self.check_provisioning_id(provisioning_id)?;
        }
        let Some(user_id) = user_id else {
            return Ok(());
        };
        if self.user_id_mapped(user_id, None) {
            return Err(ApiError::bad_request(user_id_taken_description())
                .with_code(USER_ID_TAKEN)
                .with_field("userId"));
        }
        match outcome_for(&self.settings.rules, user_id) {
            Outcome::Error {
                error_code,
                description,
            } => Err(ApiError::bad_request(description).with_code(error_code)),
            _ => Ok(()),
        }
    }

    /// The subscriber `id` as it stands at `now`.
    pub(crate) fn subscriber(
        &mut self,
        id: &str,
        now: Timestamp,
    ) -> Result<&mut SubscriberRecord, ApiError> {
        let record = self
            .subscribers
            .get_mut(id)
            .ok_or_else(|| ApiError::not_found(format!("Subscriber '{id}' not found.")))?;
        record.settle(now);
        Ok(record)
    }

    /// Starts an update; see [`SubscriberRecord::start_update`].
    pub(crate) fn update_subscriber(
        &mut self,
        id: &str,
        changes: &SubscriberChanges,
        now: Timestamp,
    ) -> Result<&SubscriberRecord, ApiError> {
        self.settle_all(now);
        let current = self.subscriber(id, now)?.fields.clone();
        let next_fields = changes.apply_to(&current)?;
        let user_id_taken = next_fields.user_id != current.user_id
            && self.user_id_mapped(&next_fields.user_id, Some(id));
        let delay = self.settings.timing.update;
        let record = self.subscriber(id, now)?;
        record.start_update(next_fields, user_id_taken, now, delay)?;
        Ok(record)
    }

    pub(crate) fn remove_subscriber(&mut self, id: &str) -> Result<(), ApiError> {
        self.subscribers
            .remove(id)
            .map(|_| ())
            .ok_or_else(|| ApiError::not_found(format!("Subscriber '{id}' not found.")))
    }

    /// The subscribers that pass `filter`, oldest first, with their sequence numbers.
    pub(crate) fn list_subscribers(
        &mut self,
        filter: &SubscriberFilter,
        now: Timestamp,
    ) -> Vec<(u64, &SubscriberRecord)> {
        self.settle_all(now);
        self.subscribers
            .iter()
            .filter(|(_, record)| filter.matches(record))
            .collect()
    }

    // ----- workspaces --------------------------------------------------------------------

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
            let taken = self.subscribers.values().any(|s| s.maps_user_id(user_id))
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

    // ----- enterprises -------------------------------------------------------------------

    /// Enterprises with `sp_enterprise_id` (exact) and starting with `starts_with`.
    pub(crate) fn list_enterprises(
        &mut self,
        sp_enterprise_id: Option<&str>,
        starts_with: Option<&str>,
        now: Timestamp,
    ) -> Vec<(u64, &EnterpriseRecord)> {
        self.settle_all(now);
        self.enterprises
            .iter()
            .filter(|(_, e)| sp_enterprise_id.is_none_or(|id| e.sp_enterprise_id == id))
            .filter(|(_, e)| {
                starts_with.is_none_or(|prefix| e.sp_enterprise_id.starts_with(prefix))
            })
            .collect()
    }

    /// The enterprise `id` as it stands at `now`.
    pub(crate) fn enterprise(
        &mut self,
        id: &str,
        now: Timestamp,
    ) -> Result<&mut EnterpriseRecord, ApiError> {
        let record = self
            .enterprises
            .get_mut(id)
            .ok_or_else(|| ApiError::not_found(format!("Enterprise '{id}' not found.")))?;
        record.settle(now);
        Ok(record)
    }

    // ----- billing reports ---------------------------------------------------------------

    /// Starts a report for `period`: `IN_PROGRESS`, then after the report delay `FAILED`
    /// (for a period not yet over, or one configured to fail) or `COMPLETED`.
    pub(crate) fn create_billing_report(
        &mut self,
        period: BillingPeriod,
        created_by: String,
        now: Timestamp,
    ) -> &BillingReportRecord {
        let key = period.to_string();
        let failure = self.billing_failures.get(&key).cloned().or_else(|| {
            (period >= BillingPeriod::of(now)).then(|| BillingFailure {
                code: None,
                description: format!("The billing period {key} is not over yet."),
            })
        });
        let record = BillingReportRecord {
            id: self.new_id(IdKind::BillingReport),
            period,
            created: now,
            created_by,
            status: BillingReportStatus::InProgress,
            errors: Vec::new(),
            download_url: None,
            due: Some((now + self.settings.timing.billing_report, failure)),
        };
        let id = record.id.clone();
        let seq = self.next_seq();
        self.billing_reports.insert(seq, record);
        self.billing_reports.get(&id).expect("just inserted")
    }

    pub(crate) fn billing_report(
        &mut self,
        id: &str,
        now: Timestamp,
    ) -> Result<&BillingReportRecord, ApiError> {
        let download_base = self.settings.download_base.clone();
        let record = self
            .billing_reports
            .get_mut(id)
            .ok_or_else(|| ApiError::not_found(format!("Billing report '{id}' not found.")))?;
        record.settle(now, |id| download_url(&download_base, id));
        Ok(record)
    }

    /// Reports within (`after`, `before`), both exclusive, sorted.
    pub(crate) fn list_billing_reports(
        &mut self,
        before: Option<BillingPeriod>,
        after: Option<BillingPeriod>,
        sort: BillingSort,
        now: Timestamp,
    ) -> Vec<&BillingReportRecord> {
        self.settle_all(now);
        let mut reports: Vec<&BillingReportRecord> = self
            .billing_reports
            .values()
            .filter(|r| before.is_none_or(|before| r.period < before))
            .filter(|r| after.is_none_or(|after| r.period > after))
            .collect();
        reports.sort_by(|a, b| sort.compare(a, b));
        reports
    }

    pub(crate) fn delete_billing_report(&mut self, id: &str) -> Result<(), ApiError> {
        self.billing_reports
            .remove(id)
            .map(|_| ())
            .ok_or_else(|| ApiError::not_found(format!("Billing report '{id}' not found.")))
    }
}

/// Where the simulator serves the CSV of a completed report.
pub(crate) fn download_url(download_base: &str, report_id: &str) -> String {
    format!("{download_base}/{report_id}.csv")
}
