//! What finds subscribers without looking at every one, so that a request costs time in
//! proportion to what it touches, however many subscribers the simulator holds: the
//! transitions still to land by when they are due, the records by `lastStatusChange`, and
//! every userId a record held.
//!
//! A record handed out for change ([`Store::subscriber`]) is marked, and indexed again at
//! the start of the next request, before any index is read ([`Store::settle_due`]).

use std::collections::{BTreeMap, BTreeSet};

use super::table::{Holders, file_under, take_out, text_hash};
use super::*;
use crate::clock::Timestamp;

#[derive(Debug, Default)]
pub(crate) struct SubscriberIndex {
    /// Transitions still to land: `(due, seq)`.
    due: BTreeSet<(Timestamp, u64)>,
    /// Every record by `(lastStatusChange, seq)`.
    by_change: BTreeSet<(Timestamp, u64)>,
    /// The records that held a userId, by its hash: a superset, checked on use (a record
    /// whose userId changed stays under the old one too, as a lagging list may show it).
    by_user_id: BTreeMap<u64, Holders>,
    /// What each record is indexed under: its due transition and its `lastStatusChange`.
    /// (B-trees rather than hash maps: no table twice the size after a growth step.)
    keys: BTreeMap<u64, (Option<Timestamp>, Timestamp)>,
    /// Records handed out for change since they were indexed.
    dirty: Vec<u64>,
}

impl SubscriberIndex {
    /// (Re)indexes `record`, number `seq`.
    pub(crate) fn index(&mut self, seq: u64, record: &SubscriberRecord) {
        let due = record.transition.as_ref().map(|transition| transition.due);
        let change = record.last_status_change;
        if let Some((old_due, old_change)) = self.keys.insert(seq, (due, change)) {
            if let Some(old_due) = old_due {
                self.due.remove(&(old_due, seq));
            }
            self.by_change.remove(&(old_change, seq));
        }
        if let Some(due) = due {
            self.due.insert((due, seq));
        }
        self.by_change.insert((change, seq));
        file_under(&mut self.by_user_id, text_hash(&record.fields.user_id), seq);
    }

    /// Forgets record `seq`, which held `user_id`.
    pub(crate) fn remove(&mut self, seq: u64, user_id: &str) {
        if let Some((due, change)) = self.keys.remove(&seq) {
            if let Some(due) = due {
                self.due.remove(&(due, seq));
            }
            self.by_change.remove(&(change, seq));
        }
        take_out(&mut self.by_user_id, text_hash(user_id), seq);
    }

    /// Marks `seq` as handed out for change.
    pub(crate) fn touched(&mut self, seq: u64) {
        self.dirty.push(seq);
    }

    pub(crate) fn take_touched(&mut self) -> Vec<u64> {
        std::mem::take(&mut self.dirty)
    }

    /// The first transition due at or before `now`, taken off the queue.
    pub(crate) fn next_due(&mut self, now: Timestamp) -> Option<u64> {
        let &(due, seq) = self.due.first()?;
        (due <= now).then(|| {
            self.due.pop_first();
            if let Some((indexed_due, _)) = self.keys.get_mut(&seq) {
                *indexed_due = None;
            }
            seq
        })
    }

    /// The records that may hold `user_id` (check each).
    pub(crate) fn holders(&self, user_id: &str) -> &[u64] {
        self.by_user_id
            .get(&text_hash(user_id))
            .map_or(&[], Holders::as_slice)
    }

    /// The records whose `lastStatusChange` is later than `after`, in sequence order.
    pub(crate) fn changed_after(&self, after: Timestamp) -> Vec<u64> {
        let mut seqs: Vec<u64> = self
            .by_change
            .range((after, u64::MAX)..)
            .filter(|(change, _)| *change > after)
            .map(|(_, seq)| *seq)
            .collect();
        seqs.sort_unstable();
        seqs
    }
}
