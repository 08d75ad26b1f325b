//! The store's subscriber operations: provision, precheck, read, update, remove, list.

use std::time::Duration;

use webex_broadworks_api::wire::SubscriberStatus;

use super::*;
use crate::clock::Timestamp;
use crate::error::{ApiError, USER_ID_TAKEN};
use crate::ids::IdKind;
use crate::outcome::{Outcome, outcome_for};

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

impl Store {
    /// Accepts a new subscriber: `provisioning` now, its outcome after the provisioning
    /// delay. A userId already mapped ends in `error` 10022; otherwise the outcome rules
    /// decide.
    ///
    /// `late`: how much later than the provisioning delay the outcome lands.
    pub(crate) fn provision_subscriber(
        &mut self,
        fields: SubscriberFields,
        now: Timestamp,
        late: Duration,
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
                due: now + self.settings.timing.provisioning + late,
                next: Next::Finish(outcome),
            }),
            consent_emails_sent: 0,
            history: (!self.list_lag.is_zero()).then(Vec::new),
        };
        let seq = self.insert_subscriber(record);
        Ok(self.subscribers.by_seq(seq).expect("just inserted"))
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

    /// The subscriber `id` as it stands at `now`, to read or change (it is indexed again
    /// before the next request reads an index).
    pub(crate) fn subscriber(
        &mut self,
        id: &str,
        now: Timestamp,
    ) -> Result<&mut SubscriberRecord, ApiError> {
        self.settle_due(now);
        let seq = self
            .subscribers
            .seq_of(id)
            .ok_or_else(|| ApiError::not_found(format!("Subscriber '{id}' not found.")))?;
        self.subscriber_index.touched(seq);
        Ok(self.subscribers.by_seq_mut(seq).expect("indexed by id"))
    }

    /// Starts an update; see [`SubscriberRecord::start_update`]. `late`: how much later than
    /// the update delay it lands.
    pub(crate) fn update_subscriber(
        &mut self,
        id: &str,
        changes: &SubscriberChanges,
        now: Timestamp,
        late: Duration,
    ) -> Result<&SubscriberRecord, ApiError> {
        self.settle_all(now);
        let current = self.subscriber(id, now)?.fields.clone();
        let next_fields = changes.apply_to(&current)?;
        let user_id_taken = next_fields.user_id != current.user_id
            && self.user_id_mapped(&next_fields.user_id, Some(id));
        let delay = self.settings.timing.update + late;
        let record = self.subscriber(id, now)?;
        record.start_update(next_fields, user_id_taken, now, delay)?;
        Ok(record)
    }

    pub(crate) fn remove_subscriber(&mut self, id: &str) -> Result<(), ApiError> {
        let seq = self.subscribers.seq_of(id);
        let record = self
            .subscribers
            .remove(id)
            .ok_or_else(|| ApiError::not_found(format!("Subscriber '{id}' not found.")))?;
        if let Some(seq) = seq {
            self.subscriber_index.remove(seq, &record.fields.user_id);
        }
        Ok(())
    }

    /// Up to `limit` subscribers that pass `filter` and are numbered after `after`, oldest
    /// first, with their sequence numbers, each as a list that lags [`Store::list_lag`]
    /// behind shows it. The work is in proportion to the page: a userId or a
    /// `lastStatusChange` filter starts from its index, anything else from the cursor.
    pub(crate) fn list_subscribers(
        &mut self,
        filter: &SubscriberFilter,
        after: Option<u64>,
        limit: usize,
        now: Timestamp,
    ) -> Vec<(u64, &SubscriberRecord)> {
        self.settle_due(now);
        let at = now - self.list_lag;
        if !self.list_lag.is_zero() {
            for record in self.subscribers.values_mut() {
                record.forget_before(at);
            }
        }
        fn listed<'a>(
            seq: u64,
            record: &'a SubscriberRecord,
            at: Timestamp,
            filter: &SubscriberFilter,
        ) -> Option<(u64, &'a SubscriberRecord)> {
            record
                .as_listed(at)
                .filter(|listed| filter.matches(listed))
                .map(|listed| (seq, listed))
        }
        let is_after = |seq: &u64| after.is_none_or(|after| *seq > after);
        let candidates: Option<Vec<u64>> = match (&filter.user_id, filter.last_status_change_after)
        {
            (Some(user_id), _) => {
                let mut seqs = self.subscriber_index.holders(user_id).to_vec();
                seqs.sort_unstable();
                Some(seqs)
            }
            (None, Some(changed_after)) => Some(self.subscriber_index.changed_after(changed_after)),
            (None, None) => None,
        };
        match candidates {
            Some(seqs) => seqs
                .into_iter()
                .filter(is_after)
                .filter_map(|seq| {
                    let record = self.subscribers.by_seq(seq)?;
                    listed(seq, record, at, filter)
                })
                .take(limit)
                .collect(),
            None => self
                .subscribers
                .after(after)
                .filter_map(|(seq, record)| listed(seq, record, at, filter))
                .take(limit)
                .collect(),
        }
    }
}
