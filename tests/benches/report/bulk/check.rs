//! What the simulator saw of a bulk run: requests, 429s, and each userId's subscribers.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use chrono::{DateTime, Utc};
use webex_broadworks_api::types;
use webex_broadworks_sim::{Operation, SimState};

/// The simulator's account of a bulk run.
#[derive(Debug, Default)]
pub struct Tally {
    /// Every request to a Webex operation, by operationId.
    pub requests_by_operation: BTreeMap<&'static str, u64>,
    /// Every request to a Webex operation.
    pub requests: u64,
    /// Requests answered 429.
    pub rate_limited: u64,
    /// Subscribers of the batch by final status (`provisioned`, `error`, ...); those still
    /// `provisioning` appear as such.
    pub statuses: BTreeMap<String, usize>,
    /// Subscribers of the batch that reached `provisioned`.
    pub provisioned: usize,
    /// userIds of the batch with no subscriber.
    pub missing: usize,
    /// Extra subscribers for userIds of the batch (a userId provisioned twice counts 1).
    pub duplicates: usize,
    /// Subscribers of the batch not `provisioned` (error, pending, or still in progress).
    pub not_provisioned: usize,
    /// When the simulator received the first request, the last provisioning, and the last
    /// request of the run.
    pub first_request_at: Option<DateTime<Utc>>,
    pub last_provisioning_at: Option<DateTime<Utc>>,
    pub last_request_at: Option<DateTime<Utc>>,
    /// Requests after the last accepted provisioning: the final wait's.
    pub final_wait_requests: u64,
}

impl Tally {
    /// Reads `state` after a run of `batch`.
    pub fn of(state: &SimState, batch: &[types::ProvisionSubscriberRequest]) -> Tally {
        let mut tally = Tally::default();
        for (operation, count) in state.request_counts() {
            if count > 0 {
                tally
                    .requests_by_operation
                    .insert(operation.operation_id(), count);
                tally.requests += count;
            }
        }
        let log = state.request_log();
        tally.rate_limited = log
            .iter()
            .filter(|record| record.status == Some(429))
            .count() as u64;
        tally.first_request_at = log.first().map(|record| record.at);
        tally.last_request_at = log.last().map(|record| record.at);
        let last_provisioning = log.iter().rposition(|record| {
            record.operation == Operation::ProvisionSubscriber && record.status == Some(200)
        });
        if let Some(at) = last_provisioning {
            tally.last_provisioning_at = Some(log[at].at);
            tally.final_wait_requests = (log.len() - at - 1) as u64;
        }
        let mut by_user_id: HashMap<String, Vec<types::Subscriber>> = HashMap::new();
        for subscriber in state.subscribers() {
            if let Some(user_id) = subscriber.user_id.clone() {
                by_user_id.entry(user_id).or_default().push(subscriber);
            }
        }
        for request in batch {
            let found = by_user_id.remove(&request.user_id).unwrap_or_default();
            match found.len() {
                0 => tally.missing += 1,
                n => tally.duplicates += n - 1,
            }
            for subscriber in found {
                let status = subscriber
                    .status
                    .map_or_else(|| "(none)".to_string(), |s| s.to_string());
                if status == "provisioned" {
                    tally.provisioned += 1;
                } else {
                    tally.not_provisioned += 1;
                }
                *tally.statuses.entry(status).or_default() += 1;
            }
        }
        tally
    }

    /// Subscribers that did not end `provisioned`.
    pub fn failures(&self) -> usize {
        self.missing + self.not_provisioned
    }

    /// From the first request to the last accepted provisioning.
    pub fn sending(&self) -> Option<Duration> {
        between(self.first_request_at?, self.last_provisioning_at?)
    }

    /// From the last accepted provisioning to the last request (the final wait).
    pub fn final_wait(&self) -> Option<Duration> {
        between(self.last_provisioning_at?, self.last_request_at?)
    }
}

fn between(from: DateTime<Utc>, to: DateTime<Utc>) -> Option<Duration> {
    (to - from).to_std().ok()
}
