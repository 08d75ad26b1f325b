//! Seed data: enterprises, provisioning IDs, existing subscribers, workspaces and billing
//! reports, read from JSON or YAML.
//!
//! Records are written in the API's own shapes (the generated types), so a response of the
//! real service, or a state dump of the simulator, can seed a simulator.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use webex_broadworks_api::types;
use webex_broadworks_api::wire::Timestamp as WireTimestamp;
use webex_broadworks_api::wire::{
    BillingReportStatus, DirectorySyncState, Package, SubscriberStatus,
};

use crate::clock::Timestamp;
use crate::error::USER_ID_TAKEN;
use crate::ids::IdKind;
use crate::outcome::{OutcomeRule, outcome_for};
use crate::state::{
    BillingFailure, BillingPeriod, BillingReportRecord, DirectorySyncRecord, EnterpriseRecord,
    ExternalUserRecord, Next, Store, SubscriberFields, SubscriberRecord, SyncCounters, Transition,
    WorkspaceRecord, download_url, user_id_taken_description,
};
use crate::views;

/// Seed data for a simulator.
///
/// ```
/// use webex_broadworks_sim::Fixture;
///
/// let fixture = Fixture::from_yaml_str(r#"
/// provisioningIds: [prov-1]
/// enterprises:
///   - spEnterpriseId: Reseller1+acme
///     provisioningId: prov-1
///     broadworksDirectorySync: { enableDirSync: true }
///     externalUsers:
///       - { userId: front-desk@sp.com, firstName: Front, lastName: Desk }
/// subscribers:
///   - { userId: alice@sp.com, spEnterpriseId: Reseller1+acme, firstName: Alice, lastName: Ng, package: standard }
/// outcomes:
///   - { userId: "migrate-*", outcome: pending_user_migration }
/// "#)?;
/// assert_eq!(fixture.subscribers.len(), 1);
/// # Ok::<(), webex_broadworks_sim::FixtureError>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Fixture {
    /// The provisioning IDs (customer templates) of the partner. When not empty, requests
    /// naming another provisioning ID are refused.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub provisioning_ids: Vec<String>,
    /// Enterprises (customers).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub enterprises: Vec<FixtureEnterprise>,
    /// Existing subscribers. `userId`, `spEnterpriseId`, `firstName` and `lastName` are
    /// needed; `status` defaults to `provisioned`, `package` to `basic`, `provisioningId`
    /// to the enterprise's. A subscriber in `provisioning` or `updating` finishes after the
    /// configured delay.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subscribers: Vec<types::Subscriber>,
    /// Existing workspaces. `userId`, `spEnterpriseId` and `displayName` are needed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub workspaces: Vec<types::Workspace>,
    /// Existing billing reports. `billingPeriod` is needed; `status` defaults to `COMPLETED`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub billing_reports: Vec<types::BillingReport>,
    /// Where the provisioning of new subscribers ends, by userId (after the rules given to
    /// the builder).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub outcomes: Vec<OutcomeRule>,
    /// Billing periods (`YYYY-MM`) whose reports fail, and how.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub billing_failures: BTreeMap<String, BillingFailure>,
}

/// An enterprise of a [`Fixture`]: the API's `Enterprise` plus what only the simulator needs.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FixtureEnterprise {
    /// The enterprise as List Enterprises shows it; `spEnterpriseId` is needed.
    #[serde(flatten)]
    pub enterprise: types::Enterprise,
    /// Every directory synchronisation of this enterprise fails (errorCode 6003).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub directory_sync_fails: bool,
    /// The users of its BroadWorks directory who are not subscribers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub external_users: Vec<FixtureExternalUser>,
}

/// A user of an enterprise's BroadWorks directory.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FixtureExternalUser {
    /// The user as Trigger User Directory Sync shows it; `userId` is needed.
    #[serde(flatten)]
    pub user: types::ExternalUser,
    /// Webex already holds a copy (the next sync reports `NO_OPERATION` or `UPDATE`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub in_webex: bool,
    /// BroadWorks changed the user since Webex's copy was made (`UPDATE`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub changed: bool,
    /// BroadWorks no longer has the user (`DELETE`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub removed: bool,
}

/// Why a fixture cannot be read or applied.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FixtureError {
    /// The file could not be read.
    #[error("cannot read the fixture {}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The text is not a valid JSON fixture.
    #[error("the fixture is not valid JSON for a fixture")]
    Json(#[source] serde_json::Error),
    /// The text is not a valid YAML fixture.
    #[error("the fixture is not valid YAML for a fixture")]
    Yaml(#[source] serde_norway::Error),
    /// A record of the fixture is incomplete or contradicts another.
    #[error("{what} #{index} of the fixture: {problem}")]
    Invalid {
        /// `enterprise`, `subscriber`, `workspace` or `billing report`.
        what: &'static str,
        /// Its position in its list, from 0.
        index: usize,
        /// What is wrong.
        problem: String,
    },
}

impl Fixture {
    /// Reads a JSON fixture.
    pub fn from_json_str(text: &str) -> Result<Fixture, FixtureError> {
        serde_json::from_str(text).map_err(FixtureError::Json)
    }

    /// Reads a YAML fixture.
    pub fn from_yaml_str(text: &str) -> Result<Fixture, FixtureError> {
        serde_norway::from_str(text).map_err(FixtureError::Yaml)
    }

    /// Reads a fixture file: JSON if its name ends in `.json`, YAML otherwise.
    pub fn from_path(path: impl AsRef<Path>) -> Result<Fixture, FixtureError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| FixtureError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        if path
            .extension()
            .is_some_and(|ext| ext.eq_ignore_ascii_case("json"))
        {
            Fixture::from_json_str(&text)
        } else {
            Fixture::from_yaml_str(&text)
        }
    }

    /// Appends the records and rules of `other`.
    pub fn merge(&mut self, other: Fixture) {
        self.provisioning_ids.extend(other.provisioning_ids);
        self.enterprises.extend(other.enterprises);
        self.subscribers.extend(other.subscribers);
        self.workspaces.extend(other.workspaces);
        self.billing_reports.extend(other.billing_reports);
        self.outcomes.extend(other.outcomes);
        self.billing_failures.extend(other.billing_failures);
    }

    /// Adds the fixture's records to `store`, as they stand at `now`.
    pub(crate) fn apply(&self, store: &mut Store, now: Timestamp) -> Result<(), FixtureError> {
        store
            .provisioning_ids
            .extend(self.provisioning_ids.iter().cloned());
        store.billing_failures.extend(
            self.billing_failures
                .iter()
                .map(|(k, v)| (k.clone(), v.clone())),
        );
        store.settings.rules.extend(self.outcomes.iter().cloned());
        for (index, enterprise) in self.enterprises.iter().enumerate() {
            apply_enterprise(store, enterprise, now).map_err(|problem| FixtureError::Invalid {
                what: "enterprise",
                index,
                problem,
            })?;
        }
        for (index, subscriber) in self.subscribers.iter().enumerate() {
            apply_subscriber(store, subscriber, now).map_err(|problem| FixtureError::Invalid {
                what: "subscriber",
                index,
                problem,
            })?;
        }
        for (index, workspace) in self.workspaces.iter().enumerate() {
            apply_workspace(store, workspace, now).map_err(|problem| FixtureError::Invalid {
                what: "workspace",
                index,
                problem,
            })?;
        }
        for (index, report) in self.billing_reports.iter().enumerate() {
            apply_billing_report(store, report, now).map_err(|problem| FixtureError::Invalid {
                what: "billing report",
                index,
                problem,
            })?;
        }
        Ok(())
    }
}

fn needed<'a>(value: &'a Option<String>, field: &str) -> Result<&'a str, String> {
    value
        .as_deref()
        .filter(|v| !v.trim().is_empty())
        .ok_or_else(|| format!("`{field}` is needed"))
}

fn apply_enterprise(
    store: &mut Store,
    fixture: &FixtureEnterprise,
    now: Timestamp,
) -> Result<(), String> {
    let enterprise = &fixture.enterprise;
    let sp_enterprise_id = needed(&enterprise.sp_enterprise_id, "spEnterpriseId")?;
    if store
        .enterprises
        .values()
        .any(|e| e.sp_enterprise_id == sp_enterprise_id)
    {
        return Err(format!("spEnterpriseId `{sp_enterprise_id}` appears twice"));
    }
    let directory_sync = enterprise
        .broadworks_directory_sync
        .clone()
        .unwrap_or_default();
    let status = directory_sync.directory_sync_status.unwrap_or_default();
    let count =
        |value: Option<webex_broadworks_api::wire::Count>| value.and_then(|c| c.get()).unwrap_or(0);
    let state = status.sync_status.unwrap_or(DirectorySyncState::NotSynced);
    let sync = DirectorySyncRecord {
        due: (state == DirectorySyncState::InProgress)
            .then(|| now + store.settings.timing.directory_sync),
        state,
        last_start: status
            .last_sync_start_time
            .as_ref()
            .and_then(WireTimestamp::get),
        last_end: status
            .last_sync_end_time
            .as_ref()
            .and_then(WireTimestamp::get),
        last_success: status
            .last_successful_sync_time
            .as_ref()
            .and_then(WireTimestamp::get),
        counters: SyncCounters {
            users_added: count(status.users_added),
            users_updated: count(status.users_updated),
            users_deleted: count(status.users_deleted),
            total_external_users_in_webex: count(status.total_external_users_in_ci),
        },
        errors: status
            .errors
            .iter()
            .map(|e| {
                (
                    e.error_code.map_or(0, |c| c.0),
                    e.description.clone().unwrap_or_default(),
                )
            })
            .collect(),
        tracking_id: status.last_sync_tracking_id,
    };
    let mut external_users = BTreeMap::new();
    for user in &fixture.external_users {
        let user_id = needed(&user.user.user_id, "externalUsers[].userId")?.to_string();
        let record = ExternalUserRecord {
            user_id: user_id.clone(),
            first_name: user.user.first_name.clone(),
            last_name: user.user.last_name.clone(),
            extension: user.user.extension.clone(),
            number: user.user.number.clone(),
            mobile: user.user.mobile.clone(),
            in_webex: user.in_webex,
            changed: user.changed,
            removed: user.removed,
        };
        external_users.insert(user_id, record);
    }
    let record = EnterpriseRecord {
        id: enterprise
            .id
            .clone()
            .unwrap_or_else(|| store.new_id(IdKind::Enterprise)),
        org_id: enterprise
            .org_id
            .clone()
            .unwrap_or_else(|| store.new_id(IdKind::Organization)),
        provisioning_id: enterprise
            .provisioning_id
            .clone()
            .unwrap_or_else(|| store.new_provisioning_id()),
        sp_enterprise_id: sp_enterprise_id.to_string(),
        enable_dir_sync: directory_sync.enable_dir_sync.unwrap_or(false),
        sync_fails: fixture.directory_sync_fails,
        sync,
        external_users,
    };
    let seq = store.next_seq();
    store.enterprises.insert(seq, record);
    Ok(())
}

pub(crate) fn apply_subscriber(
    store: &mut Store,
    subscriber: &types::Subscriber,
    now: Timestamp,
) -> Result<(), String> {
    let user_id = needed(&subscriber.user_id, "userId")?.to_string();
    let sp_enterprise_id = needed(&subscriber.sp_enterprise_id, "spEnterpriseId")?.to_string();
    let first_name = needed(&subscriber.first_name, "firstName")?.to_string();
    let last_name = needed(&subscriber.last_name, "lastName")?.to_string();
    let status = subscriber
        .status
        .clone()
        .unwrap_or(SubscriberStatus::Provisioned);
    if !status.is_known() {
        return Err(format!("status `{status}` is not a subscriber status"));
    }
    let package = subscriber.package.clone().unwrap_or(Package::Basic);
    if !package.is_known() {
        return Err(format!("package `{package}` is not a package"));
    }
    if status != SubscriberStatus::Error && store.user_id_mapped(&user_id, None) {
        return Err(format!("userId `{user_id}` is already mapped"));
    }
    let enterprise_provisioning_id =
        store.ensure_enterprise(&sp_enterprise_id, subscriber.provisioning_id.as_deref());
    let created = subscriber
        .created
        .as_ref()
        .and_then(WireTimestamp::get)
        .unwrap_or(now);
    let fields = SubscriberFields {
        user_id: user_id.clone(),
        sp_enterprise_id,
        provisioning_id: subscriber
            .provisioning_id
            .clone()
            .unwrap_or(enterprise_provisioning_id),
        first_name,
        last_name,
        email: subscriber.email.clone(),
        primary_phone_number: subscriber.primary_phone_number.clone(),
        mobile_phone_number: subscriber.mobile_phone_number.clone(),
        extension: subscriber.extension.clone(),
        package,
        language: None,
        timezone: None,
    };
    let timing = store.settings.timing;
    let transition = match status {
        SubscriberStatus::Provisioning => Some(Transition {
            due: now + timing.provisioning,
            next: Next::Finish(outcome_for(&store.settings.rules, &user_id)),
        }),
        SubscriberStatus::Updating => Some(Transition {
            due: now + timing.update,
            next: Next::ApplyUpdate(Box::new(fields.clone())),
        }),
        _ => None,
    };
    let mut errors: Vec<(i64, String)> = subscriber
        .errors
        .iter()
        .map(|e| {
            (
                e.error_code.map_or(0, |c| c.0),
                e.description.clone().unwrap_or_default(),
            )
        })
        .collect();
    if status == SubscriberStatus::Error && errors.is_empty() {
        errors.push((USER_ID_TAKEN, user_id_taken_description()));
    }
    let record = SubscriberRecord {
        id: subscriber
            .id
            .clone()
            .unwrap_or_else(|| store.new_id(IdKind::Subscriber)),
        person_id: subscriber
            .person_id
            .clone()
            .unwrap_or_else(|| store.new_id(IdKind::People)),
        fields,
        self_activated: subscriber.self_activated.is_some_and(|s| s.0),
        status,
        errors,
        created,
        last_status_change: subscriber
            .last_status_change
            .as_ref()
            .and_then(WireTimestamp::get)
            .unwrap_or(created),
        transition,
        consent_emails_sent: 0,
        history: None,
    };
    store.insert_subscriber(record);
    Ok(())
}

fn apply_workspace(
    store: &mut Store,
    workspace: &types::Workspace,
    now: Timestamp,
) -> Result<(), String> {
    let user_id = needed(&workspace.user_id, "userId")?.to_string();
    let sp_enterprise_id = needed(&workspace.sp_enterprise_id, "spEnterpriseId")?.to_string();
    let display_name = needed(&workspace.display_name, "displayName")?.to_string();
    if store.user_id_mapped(&user_id, None) {
        return Err(format!("userId `{user_id}` is already mapped"));
    }
    let enterprise_provisioning_id =
        store.ensure_enterprise(&sp_enterprise_id, workspace.provisioning_id.as_deref());
    let record = WorkspaceRecord {
        id: workspace
            .id
            .clone()
            .unwrap_or_else(|| store.new_id(IdKind::Place)),
        provisioning_id: workspace
            .provisioning_id
            .clone()
            .unwrap_or(enterprise_provisioning_id),
        user_id,
        sp_enterprise_id,
        display_name,
        primary_phone_number: workspace.primary_phone_number.clone(),
        extension: workspace.extension.clone(),
        created: workspace
            .created
            .as_ref()
            .and_then(WireTimestamp::get)
            .unwrap_or(now),
    };
    let seq = store.next_seq();
    store.workspaces.insert(seq, record);
    Ok(())
}

fn apply_billing_report(
    store: &mut Store,
    report: &types::BillingReport,
    now: Timestamp,
) -> Result<(), String> {
    let raw_period = needed(&report.billing_period, "billingPeriod")?;
    let period = BillingPeriod::parse(raw_period)
        .ok_or_else(|| format!("billingPeriod `{raw_period}` is not YYYY-MM"))?;
    let status = report
        .status
        .clone()
        .unwrap_or(BillingReportStatus::Completed);
    if !status.is_known() {
        return Err(format!("status `{status}` is not a billing report status"));
    }
    let id = report
        .id
        .clone()
        .unwrap_or_else(|| store.new_id(IdKind::BillingReport));
    let due = (status == BillingReportStatus::InProgress).then(|| {
        let failure = store.billing_failures.get(&period.to_string()).cloned();
        (now + store.settings.timing.billing_report, failure)
    });
    let download_url = (status == BillingReportStatus::Completed).then(|| {
        report
            .temp_download_url
            .clone()
            .unwrap_or_else(|| download_url(&store.settings.download_base, &id))
    });
    let record = BillingReportRecord {
        id,
        period,
        created: report
            .created
            .as_ref()
            .and_then(WireTimestamp::get)
            .unwrap_or(now),
        created_by: report
            .created_by
            .clone()
            .unwrap_or_else(|| store.new_id(IdKind::People)),
        status,
        errors: report
            .errors
            .iter()
            .map(|e| {
                (
                    e.code.map(|c| c.0),
                    e.description.clone().unwrap_or_default(),
                )
            })
            .collect(),
        download_url,
        due,
    };
    let seq = store.next_seq();
    store.billing_reports.insert(seq, record);
    Ok(())
}

/// The store's records as a fixture: what the state dump shows, and what seeds an
/// equivalent simulator (work under way restarts its delay).
pub(crate) fn dump(store: &Store) -> Fixture {
    Fixture {
        provisioning_ids: store.provisioning_ids.iter().cloned().collect(),
        enterprises: store
            .enterprises
            .values()
            .map(|record| FixtureEnterprise {
                enterprise: views::enterprise(record),
                directory_sync_fails: record.sync_fails,
                external_users: record
                    .external_users
                    .values()
                    .map(|user| FixtureExternalUser {
                        user: views::external_user(user),
                        in_webex: user.in_webex,
                        changed: user.changed,
                        removed: user.removed,
                    })
                    .collect(),
            })
            .collect(),
        subscribers: store.subscribers.values().map(views::subscriber).collect(),
        workspaces: store.workspaces.values().map(views::workspace).collect(),
        billing_reports: store
            .billing_reports
            .values()
            .map(views::billing_report)
            .collect(),
        outcomes: store.settings.rules.clone(),
        billing_failures: store.billing_failures.clone(),
    }
}
