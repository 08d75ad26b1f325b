//! What the simulator saw: request counts per operation and a bounded request log.

use std::collections::{BTreeMap, VecDeque};

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::auth::TokenIndex;
use crate::faults::{BrokenLink, Fault};
use crate::operation::Operation;

/// One request to a Webex operation, as the simulator recorded it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RequestRecord {
    /// Position in the order of arrival, from 1.
    pub seq: u64,
    /// When the request arrived (simulator time).
    pub at: DateTime<Utc>,
    /// The operation addressed.
    pub operation: Operation,
    /// Path and query, as sent.
    pub path: String,
    /// The `TrackingID` header the client sent, if any.
    pub client_tracking_id: Option<String>,
    /// The `trackingid` the simulator answered with.
    pub tracking_id: String,
    /// Which configured token authenticated the request (tokens themselves are never kept).
    pub token: Option<TokenIndex>,
    /// The status answered; `None` when the connection was closed without a response.
    pub status: Option<u16>,
    /// The fault injected, if any.
    pub fault: Option<Fault>,
    /// How long the fault plan held the response back, in milliseconds: its latency, plus
    /// the delay of a slow response when this request drew one.
    pub delay_ms: u64,
    /// The error answer went without its body and `Retry-After` ([`crate::FaultRates::bare_errors`]).
    pub bare_error: bool,
    /// The next link of the answer was broken this way ([`crate::FaultRates::broken_links`]).
    pub broken_link: Option<BrokenLink>,
}

/// Counts and log.
#[derive(Debug)]
pub(crate) struct Monitor {
    counts: BTreeMap<Operation, u64>,
    log: VecDeque<RequestRecord>,
    capacity: usize,
    next_seq: u64,
}

impl Monitor {
    pub(crate) fn new(capacity: usize) -> Self {
        Monitor {
            counts: BTreeMap::new(),
            log: VecDeque::new(),
            capacity,
            next_seq: 1,
        }
    }

    /// Counts a request to `operation` and returns its sequence number.
    pub(crate) fn arrive(&mut self, operation: Operation) -> u64 {
        *self.counts.entry(operation).or_default() += 1;
        let seq = self.next_seq;
        self.next_seq += 1;
        seq
    }

    /// Logs a finished request, forgetting the oldest past the capacity.
    pub(crate) fn record(&mut self, record: RequestRecord) {
        if self.capacity == 0 {
            return;
        }
        if self.log.len() == self.capacity {
            self.log.pop_front();
        }
        self.log.push_back(record);
    }

    pub(crate) fn counts(&self) -> BTreeMap<Operation, u64> {
        self.counts.clone()
    }

    pub(crate) fn log(&self) -> Vec<RequestRecord> {
        let mut log: Vec<RequestRecord> = self.log.iter().cloned().collect();
        // Requests finish out of order; show them in order of arrival.
        log.sort_by_key(|record| record.seq);
        log
    }

    pub(crate) fn clear(&mut self) {
        self.counts.clear();
        self.log.clear();
        self.next_seq = 1;
    }
}
