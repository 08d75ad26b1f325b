//! Intents to send, written to the journal for several rows at once.
//!
//! Every row's intent must be on disk before its request leaves, so that a run killed at any
//! point knows which rows may have been applied. Writing each intent on its own costs one
//! flush to disk per row; claiming the next few rows together costs one per batch. A row
//! claimed but not yet sent when the run dies is merely looked up on resume.

use std::collections::{HashSet, VecDeque};
use std::sync::{Mutex, PoisonError};

use crate::bulk::journal::{Claimed, Journal, JournalError};

/// The rows of a run in the order they are sent, claimed a batch at a time. Rows are added
/// as the run reads them from the journal, a page at a time.
#[derive(Debug)]
pub(crate) struct Claims {
    batch: usize,
    state: Mutex<ClaimState>,
}

#[derive(Debug, Default)]
struct ClaimState {
    /// The rows read and not yet claimed or passed, ascending.
    order: VecDeque<u64>,
    /// Claimed and not yet sent.
    unsent: HashSet<u64>,
}

impl Claims {
    /// `order`: the first rows in sending order, ascending; `batch`: how many rows one write
    /// claims.
    pub(crate) fn new(order: Vec<u64>, batch: usize) -> Self {
        debug_assert!(order.is_sorted(), "rows are sent in file order");
        Claims {
            batch: batch.max(1),
            state: Mutex::new(ClaimState {
                order: order.into(),
                unsent: HashSet::new(),
            }),
        }
    }

    /// Adds the rows that follow those added so far, ascending.
    pub(crate) fn extend(&self, rows: impl IntoIterator<Item = u64>) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.order.extend(rows);
        debug_assert!(
            state.order.iter().is_sorted(),
            "rows are sent in file order"
        );
    }

    /// Makes sure the intent to send `row` is on disk, claiming it with the rows that follow
    /// it when it is not claimed yet. A row sent again (after a failure) is claimed alone.
    /// Returns how many rows left `pending`.
    pub(crate) fn claim(&self, row: u64, journal: &dyn Journal) -> Result<usize, JournalError> {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        if state.unsent.remove(&row) {
            return Ok(0);
        }
        // The row about to be sent must be claimed: anything else would send it without an
        // intent on disk.
        let own = |claimed: Claimed| {
            if claimed.settled.contains(&row) {
                Err(JournalError::Transition {
                    row,
                    from: "an outcome".into(),
                    to: "sending",
                })
            } else {
                Ok(claimed)
            }
        };
        // `order` is in file order, row numbers ascending; a row it no longer holds was
        // overtaken (or is sent again) and is claimed alone.
        let Ok(start) = state.order.binary_search(&row) else {
            return Ok(own(journal.claim(&[row])?)?.from_pending);
        };
        let end = (start + self.batch).min(state.order.len());
        let rows: Vec<u64> = state.order.range(start..end).copied().collect();
        let claimed = own(journal.claim(&rows)?)?;
        // Rows that settled without being sent are not given back later.
        state.unsent.extend(
            rows[1..]
                .iter()
                .filter(|row| !claimed.settled.contains(row)),
        );
        // The rows it overtook are passed too.
        state.order.drain(..end);
        Ok(claimed.from_pending)
    }

    /// `row` has its outcome without being sent (an update whose subscriber was not
    /// found): it is not to be given back.
    pub(crate) fn settled(&self, row: u64) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.unsent.remove(&row);
    }

    /// The rows claimed but never sent, so that a stopped run can give them back.
    pub(crate) fn unsent(&self) -> Vec<u64> {
        let state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let mut rows: Vec<u64> = state.unsent.iter().copied().collect();
        rows.sort_unstable();
        rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bulk::journal::fixtures::{info, row};
    use crate::bulk::journal::{MemoryJournal, RowState};

    fn journal(rows: u64) -> MemoryJournal {
        let rows: Vec<_> = (1..=rows).map(|n| row(n, &format!("u{n}@x.y"))).collect();
        let journal = MemoryJournal::new();
        journal.start(&info(), &rows).unwrap();
        journal
    }

    fn sending(journal: &MemoryJournal) -> Vec<u64> {
        let rows = journal.rows(Some(RowState::Sending)).unwrap();
        rows.iter().map(|row| row.row).collect()
    }

    #[test]
    fn a_claim_writes_the_intent_of_the_rows_that_follow_too() {
        let journal = journal(7);
        let claims = Claims::new((1..=7).collect(), 3);
        assert_eq!(claims.claim(1, &journal).unwrap(), 3);
        assert_eq!(sending(&journal), [1, 2, 3]);
        assert_eq!(claims.unsent(), [2, 3]);
        // Rows already claimed cost no write.
        assert_eq!(claims.claim(3, &journal).unwrap(), 0);
        claims.claim(2, &journal).unwrap();
        assert!(claims.unsent().is_empty());
        // A row that overtakes the order claims from where it stands.
        claims.claim(5, &journal).unwrap();
        assert_eq!(sending(&journal), [1, 2, 3, 5, 6, 7]);
        // The row it overtook, and any row sent again, is claimed alone.
        assert_eq!(claims.claim(4, &journal).unwrap(), 1);
        assert_eq!(claims.claim(4, &journal).unwrap(), 0, "sent again");
        assert_eq!(sending(&journal), [1, 2, 3, 4, 5, 6, 7]);
        assert_eq!(claims.unsent(), [6, 7]);
        claims.settled(7);
        assert_eq!(claims.unsent(), [6]);
    }

    #[test]
    fn rows_that_settled_unsent_are_skipped_and_not_given_back() {
        let journal = journal(6);
        journal
            .record(
                3,
                &crate::bulk::journal::RowChange::Failed {
                    error: "no subscriber has userId u3@x.y".into(),
                    tracking_id: None,
                },
            )
            .unwrap();
        let claims = Claims::new((1..=6).collect(), 4);
        assert_eq!(claims.claim(1, &journal).unwrap(), 3);
        assert_eq!(sending(&journal), [1, 2, 4]);
        assert_eq!(claims.unsent(), [2, 4]);
        // The row to send itself must never be left unclaimed.
        let alone = Claims::new(vec![3], 1);
        assert!(matches!(
            alone.claim(3, &journal),
            Err(JournalError::Transition { row: 3, .. })
        ));
    }
}
