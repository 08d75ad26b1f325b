//! The simulator's records as the API shows them, in the generated types.

use chrono::{DurationRound, TimeDelta};
use webex_broadworks_api::types;
use webex_broadworks_api::wire::{Count, ErrorCode, SelfActivated, SubscriberStatus};

use crate::clock::Timestamp;
use crate::error::ApiError;
use crate::state::{
    BillingReportRecord, EnterpriseRecord, ExternalUserRecord, SubscriberRecord, UserSyncOperation,
    WorkspaceRecord,
};

/// `time` with millisecond precision, as Webex writes most timestamps.
fn millis(time: Timestamp) -> Timestamp {
    time.duration_trunc(TimeDelta::milliseconds(1))
        .unwrap_or(time)
}

/// `time` with microsecond precision, as directory-sync timestamps are written.
fn micros(time: Timestamp) -> Timestamp {
    time.duration_trunc(TimeDelta::microseconds(1))
        .unwrap_or(time)
}

pub(crate) fn subscriber(record: &SubscriberRecord) -> types::Subscriber {
    let fields = &record.fields;
    types::Subscriber {
        id: Some(record.id.clone()),
        person_id: (record.status == SubscriberStatus::Provisioned)
            .then(|| record.person_id.clone()),
        user_id: Some(fields.user_id.clone()),
        sp_enterprise_id: Some(fields.sp_enterprise_id.clone()),
        provisioning_id: Some(fields.provisioning_id.clone()),
        first_name: Some(fields.first_name.clone()),
        last_name: Some(fields.last_name.clone()),
        email: fields.email.clone(),
        primary_phone_number: fields.primary_phone_number.clone(),
        mobile_phone_number: fields.mobile_phone_number.clone(),
        extension: fields.extension.clone(),
        package: Some(fields.package.clone()),
        status: Some(record.status.clone()),
        errors: record
            .errors
            .iter()
            .map(|(code, description)| types::SubscriberError {
                error_code: Some(ErrorCode(*code)),
                description: Some(description.clone()),
                ..Default::default()
            })
            .collect(),
        created: Some(millis(record.created).into()),
        last_status_change: Some(millis(record.last_status_change).into()),
        self_activated: Some(SelfActivated(record.self_activated)),
        ..Default::default()
    }
}

pub(crate) fn workspace(record: &WorkspaceRecord) -> types::Workspace {
    types::Workspace {
        id: Some(record.id.clone()),
        provisioning_id: Some(record.provisioning_id.clone()),
        user_id: Some(record.user_id.clone()),
        sp_enterprise_id: Some(record.sp_enterprise_id.clone()),
        display_name: Some(record.display_name.clone()),
        primary_phone_number: record.primary_phone_number.clone(),
        extension: record.extension.clone(),
        created: Some(millis(record.created).into()),
        ..Default::default()
    }
}

/// The full synchronisation status, as Get Directory Sync and List Enterprises show it.
pub(crate) fn directory_sync_status(record: &EnterpriseRecord) -> types::DirectorySyncStatus {
    let sync = &record.sync;
    let count = |value: u64| Some(Count::Of(value));
    let ran = sync.last_start.is_some();
    // Counters describe the last synchronisation; before the first there is none.
    let counter = |value: u64| if ran { count(value) } else { None };
    types::DirectorySyncStatus {
        sync_status: Some(sync.state.clone()),
        last_sync_start_time: sync.last_start.map(|at| micros(at).into()),
        last_sync_end_time: sync.last_end.map(|at| micros(at).into()),
        last_successful_sync_time: sync.last_success.map(|at| micros(at).into()),
        last_sync_tracking_id: sync.tracking_id.clone(),
        users_added: counter(sync.counters.users_added),
        users_updated: counter(sync.counters.users_updated),
        users_deleted: counter(sync.counters.users_deleted),
        machines_added: counter(0),
        machines_updated: counter(0),
        machines_deleted: counter(0),
        total_external_users_in_ci: counter(sync.counters.total_external_users_in_webex),
        total_external_machines_in_ci: counter(0),
        user_contacts_added: counter(0),
        user_contacts_updated: counter(0),
        user_contacts_deleted: counter(0),
        org_contacts_added: counter(0),
        org_contacts_updated: counter(0),
        org_contacts_deleted: counter(0),
        total_user_contacts_in_contact_service: counter(0),
        total_org_contacts_in_contact_service: counter(0),
        errors: sync
            .errors
            .iter()
            .map(|(code, description)| types::DirectorySyncError {
                error_code: Some(ErrorCode(*code)),
                description: Some(description.clone()),
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    }
}

pub(crate) fn directory_sync(record: &EnterpriseRecord) -> types::DirectorySync {
    types::DirectorySync {
        enable_dir_sync: Some(record.enable_dir_sync),
        directory_sync_status: Some(directory_sync_status(record)),
        ..Default::default()
    }
}

/// The short form that Update and Trigger Directory Sync answer with.
pub(crate) fn directory_sync_summary(record: &EnterpriseRecord) -> types::DirectorySync {
    types::DirectorySync {
        enable_dir_sync: Some(record.enable_dir_sync),
        directory_sync_status: Some(types::DirectorySyncStatus {
            sync_status: Some(record.sync.state.clone()),
            ..Default::default()
        }),
        ..Default::default()
    }
}

pub(crate) fn enterprise(record: &EnterpriseRecord) -> types::Enterprise {
    types::Enterprise {
        id: Some(record.id.clone()),
        org_id: Some(record.org_id.clone()),
        provisioning_id: Some(record.provisioning_id.clone()),
        sp_enterprise_id: Some(record.sp_enterprise_id.clone()),
        broadworks_directory_sync: Some(directory_sync(record)),
        ..Default::default()
    }
}

pub(crate) fn external_user(record: &ExternalUserRecord) -> types::ExternalUser {
    types::ExternalUser {
        user_id: Some(record.user_id.clone()),
        first_name: record.first_name.clone(),
        last_name: record.last_name.clone(),
        extension: record.extension.clone(),
        number: record.number.clone(),
        mobile: record.mobile.clone(),
        ..Default::default()
    }
}

pub(crate) fn user_sync_result(
    record: &ExternalUserRecord,
    operation: UserSyncOperation,
) -> types::UserDirectorySyncResult {
    types::UserDirectorySyncResult {
        user_response: Some(external_user(record)),
        status: Some(match operation {
            UserSyncOperation::Add => types::UserSyncOperation::Add,
            UserSyncOperation::Update => types::UserSyncOperation::Update,
            UserSyncOperation::Delete => types::UserSyncOperation::Delete,
            UserSyncOperation::NoOperation => types::UserSyncOperation::NoOperation,
        }),
        ..Default::default()
    }
}

pub(crate) fn billing_report(record: &BillingReportRecord) -> types::BillingReport {
    types::BillingReport {
        id: Some(record.id.clone()),
        billing_period: Some(record.period.to_string()),
        status: Some(record.status.clone()),
        created: Some(millis(record.created).into()),
        created_by: Some(record.created_by.clone()),
        temp_download_url: record.download_url.clone(),
        errors: record
            .errors
            .iter()
            .map(|(code, description)| types::BillingReportError {
                code: code.map(ErrorCode),
                description: Some(description.clone()),
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    }
}

pub(crate) fn billing_summary(record: &BillingReportRecord) -> types::BillingReportSummary {
    types::BillingReportSummary {
        id: Some(record.id.clone()),
        billing_period: Some(record.period.to_string()),
        status: Some(record.status.clone()),
        ..Default::default()
    }
}

/// The WebexError body of `error`.
pub(crate) fn webex_error(error: &ApiError, tracking_id: &str) -> types::WebexError {
    types::WebexError {
        message: Some(error.message.clone()),
        errors: error
            .details
            .iter()
            .map(|detail| types::WebexErrorDetail {
                description: Some(detail.description.clone()),
                error_code: detail.error_code.map(ErrorCode),
                field_name: detail.field_name.clone(),
                ..Default::default()
            })
            .collect(),
        tracking_id: Some(tracking_id.to_string()),
        ..Default::default()
    }
}
