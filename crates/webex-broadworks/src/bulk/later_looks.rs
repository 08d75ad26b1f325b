//! Provisionings whose outcome is unknown and that the list did not show yet: looked at
//! again once the list has had its lag allowance, without holding a worker meanwhile.
//!
//! A list may lag behind writes (a search index does), so "not found" right after a lost
//! answer proves nothing. The row stays `sending`; sending goes on with other rows; once
//! `RetryPolicy::lookup_lag` has passed since the look, the row is looked up again. Only
//! then is a row that was never acted on made `pending` to be sent again. A row whose
//! request got a 2xx is never sent again: not found after the allowance, it stays `sending`
//! for a resume to look at.

use std::collections::HashSet;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

use crate::bulk::engine::Engine;
use crate::bulk::journal::{JournalRow, RowChange};
use crate::bulk::request::RowRequest;
use crate::bulk::status::Shown;
use crate::error::Error;
use crate::resources::find_provisioned;

/// The rows waiting for their second look.
#[derive(Debug, Default)]
pub(crate) struct LaterLooks {
    rows: Mutex<Vec<LaterLook>>,
}

#[derive(Debug)]
struct LaterLook {
    row: JournalRow,
    due: Instant,
    /// Webex answered 2xx: never sent again, whatever the look finds.
    acted: bool,
}

impl LaterLooks {
    fn push(&self, look: LaterLook) {
        self.rows
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(look);
    }

    fn take(&self) -> Vec<LaterLook> {
        let mut rows =
            std::mem::take(&mut *self.rows.lock().unwrap_or_else(PoisonError::into_inner));
        rows.sort_by_key(|look| look.due);
        rows
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.rows
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .is_empty()
    }
}

impl Engine {
    /// How long a list may lag behind a write before "not found" is believed.
    pub(crate) fn lookup_lag(&self) -> Duration {
        self.sends.retry_policy().lookup_lag()
    }

    /// Looks at `row` again once the lag allowance has passed. `acted`: Webex answered 2xx.
    pub(crate) fn look_later(&self, row: &JournalRow, acted: bool) {
        self.later_looks.push(LaterLook {
            row: row.clone(),
            due: Instant::now() + self.lookup_lag(),
            acted,
        });
    }

    /// Gives every row waiting for its second look that look, each when it is due. Returns
    /// the rows Webex has no trace of, made `pending` to be sent again; a row found is
    /// recorded; a row acted on, or whose look failed, stays `sending` for a resume.
    pub(crate) async fn look_again(&self) -> Result<HashSet<u64>, Error> {
        let mut again = HashSet::new();
        let mut cancel = self.cancel_signal();
        for look in self.later_looks.take() {
            tokio::select! {
                () = tokio::time::sleep_until(look.due) => {}
                _ = cancel.wait_for(|cancelled| *cancelled) => break,
            }
            let RowRequest::ProvisionSubscriber(request) = &look.row.request else {
                continue;
            };
            self.lookups
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            match find_provisioned(&self.reads, request, Duration::ZERO).await {
                Ok(Some(reply)) => {
                    self.record(look.row.row, Shown::of_subscriber(reply.value, None))?;
                }
                Ok(None) if !look.acted => {
                    self.change(look.row.row, RowChange::Pending, None)?;
                    again.insert(look.row.row);
                }
                Ok(None) | Err(_) => {}
            }
        }
        Ok(again)
    }
}
