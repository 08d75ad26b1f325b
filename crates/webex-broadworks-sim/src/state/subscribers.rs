//! Subscribers and their asynchronous statuses.
//!
//! Transitions are computed lazily: a record keeps at most one scheduled transition with
//! the instant it is due, and every read first settles what is due. A transition takes
//! effect (and `lastStatusChange` reads) at its due instant, whenever it is observed.

use std::time::Duration;

use webex_broadworks_api::wire::{Package, SubscriberStatus};

use super::table::Row;
use crate::clock::Timestamp;
use crate::error::ApiError;
use crate::outcome::Outcome;

/// What a subscriber is provisioned with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SubscriberFields {
    pub(crate) user_id: String,
    pub(crate) sp_enterprise_id: String,
    pub(crate) provisioning_id: String,
    pub(crate) first_name: String,
    pub(crate) last_name: String,
    pub(crate) email: Option<String>,
    pub(crate) primary_phone_number: Option<String>,
    pub(crate) mobile_phone_number: Option<String>,
    pub(crate) extension: Option<String>,
    pub(crate) package: Package,
    pub(crate) language: Option<String>,
    pub(crate) timezone: Option<String>,
}

/// The fields of an update; `Some("")` removes an optional value.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct SubscriberChanges {
    pub(crate) user_id: Option<String>,
    pub(crate) first_name: Option<String>,
    pub(crate) last_name: Option<String>,
    pub(crate) primary_phone_number: Option<String>,
    pub(crate) mobile_phone_number: Option<String>,
    pub(crate) extension: Option<String>,
    pub(crate) timezone: Option<String>,
    pub(crate) package: Option<Package>,
}

impl SubscriberChanges {
    /// The fields after the update, or why the update is refused.
    ///
    /// An empty `mobilePhoneNumber` or `timezone` removes it; an empty
    /// `primaryPhoneNumber` or `extension` removes it only if the other remains, since a
    /// subscriber keeps at least one of the two.
    pub(crate) fn apply_to(
        &self,
        current: &SubscriberFields,
    ) -> Result<SubscriberFields, ApiError> {
        let mut next = current.clone();
        for (field, value, target) in [
            ("userId", &self.user_id, &mut next.user_id),
            ("firstName", &self.first_name, &mut next.first_name),
            ("lastName", &self.last_name, &mut next.last_name),
        ] {
            if let Some(value) = value {
                if value.trim().is_empty() {
                    return Err(ApiError::invalid_field(
                        field,
                        format!("'{field}' must not be empty."),
                    ));
                }
                *target = value.clone();
            }
        }
        for (value, target) in [
            (&self.primary_phone_number, &mut next.primary_phone_number),
            (&self.mobile_phone_number, &mut next.mobile_phone_number),
            (&self.extension, &mut next.extension),
            (&self.timezone, &mut next.timezone),
        ] {
            if let Some(value) = value {
                *target = (!value.is_empty()).then(|| value.clone());
            }
        }
        if let Some(package) = &self.package {
            next.package = package.clone();
        }
        let removes = |value: &Option<String>| value.as_deref() == Some("");
        let neither_left = next.primary_phone_number.is_none() && next.extension.is_none();
        if neither_left && removes(&self.primary_phone_number) {
            return Err(ApiError::invalid_field(
                "primaryPhoneNumber",
                "'primaryPhoneNumber' can be removed only while an extension is set.",
            ));
        }
        if neither_left && removes(&self.extension) {
            return Err(ApiError::invalid_field(
                "extension",
                "'extension' can be removed only while a primaryPhoneNumber is set.",
            ));
        }
        Ok(next)
    }
}

/// What happens when a scheduled transition is due.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Next {
    /// Provisioning ends this way.
    Finish(Outcome),
    /// The update is applied and the subscriber is `provisioned` again.
    ApplyUpdate(Box<SubscriberFields>),
    /// The update fails: `error` with this code, values unchanged.
    FailUpdate {
        error_code: i64,
        description: String,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Transition {
    pub(crate) due: Timestamp,
    pub(crate) next: Next,
}

/// One subscriber as the simulator keeps it.
#[derive(Clone, Debug)]
pub(crate) struct SubscriberRecord {
    pub(crate) id: String,
    /// Shown only while `provisioned`.
    pub(crate) person_id: String,
    pub(crate) fields: SubscriberFields,
    pub(crate) self_activated: bool,
    pub(crate) status: SubscriberStatus,
    pub(crate) errors: Vec<(i64, String)>,
    pub(crate) created: Timestamp,
    pub(crate) last_status_change: Timestamp,
    pub(crate) transition: Option<Transition>,
    pub(crate) consent_emails_sent: u32,
    /// Kept while lists lag behind writes: each earlier version, with the instant it was
    /// replaced, oldest first. `None`: lists show the record as it is.
    pub(crate) history: Option<Vec<(Timestamp, Box<SubscriberRecord>)>>,
}

impl Row for SubscriberRecord {
    fn id(&self) -> &str {
        &self.id
    }
}

impl SubscriberRecord {
    /// The version of this record a list that lags `at` shows: `None` if it was created
    /// after `at`, else the version that stood at `at`.
    pub(crate) fn as_listed(&self, at: Timestamp) -> Option<&SubscriberRecord> {
        if self.created > at {
            return None;
        }
        let replaced_after = self.history.iter().flatten().find(|(when, _)| *when > at);
        Some(replaced_after.map_or(self, |(_, version)| version))
    }

    /// Forgets the versions no list lagging to `at` or later can show.
    pub(crate) fn forget_before(&mut self, at: Timestamp) {
        if let Some(history) = &mut self.history {
            history.retain(|(when, _)| *when > at);
        }
    }

    /// Keeps the current version, replaced at `when`, if this record keeps its history.
    fn remember(&mut self, when: Timestamp) {
        if self.history.is_none() {
            return;
        }
        let version = Box::new(self.clone_without_history());
        if let Some(history) = &mut self.history {
            history.push((when, version));
        }
    }

    fn clone_without_history(&self) -> SubscriberRecord {
        SubscriberRecord {
            id: self.id.clone(),
            person_id: self.person_id.clone(),
            fields: self.fields.clone(),
            self_activated: self.self_activated,
            status: self.status.clone(),
            errors: self.errors.clone(),
            created: self.created,
            last_status_change: self.last_status_change,
            transition: None,
            consent_emails_sent: self.consent_emails_sent,
            history: None,
        }
    }

    /// Applies the scheduled transition if it is due at `now`.
    pub(crate) fn settle(&mut self, now: Timestamp) {
        let Some(transition) = self.transition.take_if(|t| t.due <= now) else {
            return;
        };
        self.remember(transition.due);
        self.last_status_change = transition.due;
        match transition.next {
            Next::Finish(outcome) => {
                self.errors.clear();
                self.status = match outcome {
                    Outcome::Provisioned => SubscriberStatus::Provisioned,
                    Outcome::PendingEmailInput => SubscriberStatus::PendingEmailInput,
                    Outcome::PendingEmailValidation => SubscriberStatus::PendingEmailValidation,
                    Outcome::PendingUserMigration => SubscriberStatus::PendingUserMigration,
                    Outcome::Error {
                        error_code,
                        description,
                    } => {
                        self.errors.push((error_code, description));
                        SubscriberStatus::Error
                    }
                };
            }
            Next::ApplyUpdate(fields) => {
                self.fields = *fields;
                self.errors.clear();
                self.status = SubscriberStatus::Provisioned;
            }
            Next::FailUpdate {
                error_code,
                description,
            } => {
                self.errors = vec![(error_code, description)];
                self.status = SubscriberStatus::Error;
            }
        }
    }

    /// Whether the subscriber holds its userId: every status but `error`.
    pub(crate) fn maps_user_id(&self, user_id: &str) -> bool {
        self.fields.user_id == user_id && self.status != SubscriberStatus::Error
    }

    /// Starts an update: `updating` now, `changes` visible once it is `provisioned` again.
    ///
    /// Repeating the update that is under way is accepted and changes nothing, so that a
    /// client may retry a PUT whose response it lost.
    pub(crate) fn start_update(
        &mut self,
        next_fields: SubscriberFields,
        user_id_taken: bool,
        now: Timestamp,
        delay: Duration,
    ) -> Result<(), ApiError> {
        if self.status == SubscriberStatus::Updating {
            let same = matches!(
                &self.transition,
                Some(Transition { next: Next::ApplyUpdate(pending), .. }) if **pending == next_fields
            );
            if same {
                return Ok(());
            }
            return Err(ApiError::conflict(
                "An update of this subscriber is already in progress; retry once it is provisioned.",
            ));
        }
        if self.status != SubscriberStatus::Provisioned {
            return Err(ApiError::conflict(format!(
                "The subscriber is {}; only a provisioned subscriber can be updated.",
                self.status
            )));
        }
        let next = if user_id_taken {
            Next::FailUpdate {
                error_code: crate::error::USER_ID_TAKEN,
                description: user_id_taken_description(),
            }
        } else {
            Next::ApplyUpdate(Box::new(next_fields))
        };
        self.remember(now);
        self.status = SubscriberStatus::Updating;
        self.last_status_change = now;
        self.transition = Some(Transition {
            due: now + delay,
            next,
        });
        Ok(())
    }

    /// The end user did what a `pending_*` status waits for: provisioning resumes.
    pub(crate) fn resume(&mut self, now: Timestamp, delay: Duration) -> Result<(), ApiError> {
        if !self.status.is_paused() {
            return Err(ApiError::conflict(format!(
                "The subscriber is {}, not waiting for the end user.",
                self.status
            )));
        }
        self.status = SubscriberStatus::Provisioning;
        self.last_status_change = now;
        self.transition = Some(Transition {
            due: now + delay,
            next: Next::Finish(Outcome::Provisioned),
        });
        Ok(())
    }

    /// Records a re-sent consent e-mail; only `pending_user_migration` subscribers get one.
    pub(crate) fn send_consent_email(&mut self) -> Result<(), ApiError> {
        if self.status != SubscriberStatus::PendingUserMigration {
            return Err(ApiError::conflict(format!(
                "The subscriber is {}; the consent e-mail is sent only to subscribers in pending_user_migration.",
                self.status
            )));
        }
        self.consent_emails_sent += 1;
        Ok(())
    }
}

/// The description Webex gives for errorCode 10022.
pub(crate) fn user_id_taken_description() -> String {
    "The BroadWorks UserID is already associated with an existing user.".to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> SubscriberFields {
        SubscriberFields {
            user_id: "u@sp.com".into(),
            sp_enterprise_id: "sp+acme".into(),
            provisioning_id: "p".into(),
            first_name: "Ann".into(),
            last_name: "Lee".into(),
            email: None,
            primary_phone_number: Some("+1-240-555-1212".into()),
            mobile_phone_number: Some("+1-818-279-1234".into()),
            extension: None,
            package: Package::Basic,
            language: None,
            timezone: None,
        }
    }

    #[test]
    fn primary_number_is_removable_only_with_an_extension() {
        let remove_primary = SubscriberChanges {
            primary_phone_number: Some(String::new()),
            ..Default::default()
        };
        let error = remove_primary.apply_to(&fields()).unwrap_err();
        assert_eq!(
            error.details[0].field_name.as_deref(),
            Some("primaryPhoneNumber")
        );

        let swap = SubscriberChanges {
            primary_phone_number: Some(String::new()),
            extension: Some("1212".into()),
            ..Default::default()
        };
        let next = swap.apply_to(&fields()).unwrap();
        assert_eq!(next.primary_phone_number, None);
        assert_eq!(next.extension.as_deref(), Some("1212"));

        let mut with_extension = fields();
        with_extension.extension = Some("1212".into());
        let remove_extension = SubscriberChanges {
            extension: Some(String::new()),
            ..Default::default()
        };
        assert_eq!(
            remove_extension
                .apply_to(&with_extension)
                .unwrap()
                .extension,
            None
        );
        let mut extension_only = with_extension;
        extension_only.primary_phone_number = None;
        let error = remove_extension.apply_to(&extension_only).unwrap_err();
        assert_eq!(error.details[0].field_name.as_deref(), Some("extension"));
    }

    #[test]
    fn empty_mobile_removes_it_and_absent_fields_stay() {
        let changes = SubscriberChanges {
            mobile_phone_number: Some(String::new()),
            first_name: Some("Anna".into()),
            ..Default::default()
        };
        let next = changes.apply_to(&fields()).unwrap();
        assert_eq!(next.mobile_phone_number, None);
        assert_eq!(next.first_name, "Anna");
        assert_eq!(next.last_name, "Lee");
        assert_eq!(next.primary_phone_number, fields().primary_phone_number);
    }
}
