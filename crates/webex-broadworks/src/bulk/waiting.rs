//! Waiting for a batch's final statuses through the list endpoint.
//!
//! Waiting asks `GET /broadworks/subscribers?lastStatusChange=T&status=<final statuses>&max=100`:
//! one request reports up to 100 subscribers that reached a final status since `T`, so a
//! run costs close to one request per row. `T` only moves forward (see [`ListCursor`]), so
//! few answers are fetched twice and none is missed while later pages are read. A row the
//! list does not show for a while is asked for directly.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::Ordering;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::StreamExt;
use tokio::time::Instant;
use webex_broadworks_api::wire::{SubscriberStatus, Timestamp};

use crate::bulk::BatchEnd;
use crate::bulk::engine::Engine;
use crate::bulk::journal::{JournalRow, RowState};
use crate::bulk::status::{Shown, is_newer_final};
use crate::error::Error;
use crate::resources::get_subscriber_reply;

/// How far the list cursor reaches back before the latest change seen, in case the
/// server shows a change a little late.
const CURSOR_OVERLAP: chrono::TimeDelta = chrono::TimeDelta::milliseconds(500);

/// The largest page the subscriber list gives.
const PAGE_SIZE: u32 = 100;

/// The statuses that end a wait.
const FINAL_STATUSES: [SubscriberStatus; 5] = [
    SubscriberStatus::Provisioned,
    SubscriberStatus::Error,
    SubscriberStatus::PendingEmailInput,
    SubscriberStatus::PendingEmailValidation,
    SubscriberStatus::PendingUserMigration,
];

impl Engine {
    /// Waits for every accepted row to reach a final status, through the list endpoint.
    pub(crate) async fn wait_all(&self) -> Result<BatchEnd, Error> {
        if !self.kind.waits() || !self.options.wait {
            while !self.sending_done.load(Ordering::SeqCst) {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            return Ok(BatchEnd::Complete);
        }
        let mut cancel = self.cancel_signal();
        let mut halted = self.halt_signal();
        let mut cursor = ListCursor::default();
        let mut deadline: Option<Instant> = None;
        let mut first_seen: HashMap<u64, Instant> = HashMap::new();
        let stale_after = (self.options.poll_interval * 20).max(Duration::from_secs(20));
        loop {
            tokio::select! {
                () = tokio::time::sleep(self.options.poll_interval) => {}
                _ = cancel.wait_for(|cancelled| *cancelled) => return Ok(BatchEnd::Interrupted),
                _ = halted.wait_for(|halted| *halted) => return Ok(BatchEnd::Halted),
            }
            // Answers the journal held back are written at least once a round.
            self.journal.flush()?;
            let sending_done = self.sending_done.load(Ordering::SeqCst);
            let waiting = self.journal.rows(Some(RowState::Accepted))?;
            if waiting.is_empty() {
                if sending_done {
                    return Ok(BatchEnd::Complete);
                }
                continue;
            }
            let now = Instant::now();
            if sending_done && deadline.is_none() {
                deadline = Some(now + self.options.wait_timeout);
            }
            let awaited: HashSet<u64> = waiting.iter().map(|row| row.row).collect();
            first_seen.retain(|row, _| awaited.contains(row));
            for row in &waiting {
                first_seen.entry(row.row).or_insert(now);
            }
            if let Some(next) = self.poll_changes(&waiting, &cursor).await? {
                cursor = next;
            }

            let waiting = self.journal.rows(Some(RowState::Accepted))?;
            let timed_out = deadline.is_some_and(|deadline| Instant::now() >= deadline);
            let stale: Vec<&JournalRow> = waiting
                .iter()
                .filter(|row| {
                    timed_out
                        || first_seen
                            .get(&row.row)
                            .is_some_and(|seen| now.duration_since(*seen) >= stale_after)
                })
                .collect();
            for row in stale {
                // The list should have shown it; ask for it directly, then wait again.
                self.check_one(row).await?;
                first_seen.insert(row.row, Instant::now());
            }
            if timed_out {
                let left = self.journal.rows(Some(RowState::Accepted))?;
                return Ok(if left.is_empty() {
                    BatchEnd::Complete
                } else {
                    BatchEnd::TimedOut
                });
            }
        }
    }

    /// One round of asking the list endpoint for final statuses since `cursor`; records
    /// each awaited row it shows. Returns the cursor for the next round, or `None` when the
    /// round could not read every page (the next round starts where this one did).
    async fn poll_changes(
        &self,
        waiting: &[JournalRow],
        cursor: &ListCursor,
    ) -> Result<Option<ListCursor>, Error> {
        let by_id: HashMap<&str, &JournalRow> = waiting
            .iter()
            .filter_map(|row| row.subscriber_id.as_deref().map(|id| (id, row)))
            .collect();
        let after = cursor.after(waiting.iter().map(|row| (row.row, row.since.as_deref())));
        let mut list = self
            .reads
            .subscribers()
            .list()
            .statuses(FINAL_STATUSES)
            .page_size(PAGE_SIZE);
        if let Some(after) = after {
            list = list.status_changed_after(after);
        }
        let mut pages = list.pages();
        // For the rows awaited now, the next round may start from the latest change on the
        // first page: whatever settles after that page was answered changed later. Not from
        // the latest change on any page: pages follow creation order, so a row on a page
        // already read can settle while later pages are read, before their latest change.
        let mut latest = after;
        let mut first_page = true;
        while let Some(page) = pages.next().await {
            self.list_requests.fetch_add(1, Ordering::Relaxed);
            // The next round tries again (from the old cursor, so it sees this page again);
            // a persistent failure ends in the direct look at stale rows.
            let Ok(page) = page else { return Ok(None) };
            for subscriber in page.into_items() {
                if first_page
                    && let Some(changed) = subscriber
                        .last_status_change
                        .as_ref()
                        .and_then(Timestamp::get)
                {
                    latest = Some(latest.map_or(changed, |latest| latest.max(changed)));
                }
                let Some(row) = subscriber.id.as_deref().and_then(|id| by_id.get(id)) else {
                    continue;
                };
                // The row keeps the trackingId of its own request, not the list's.
                if is_newer_final(&subscriber, row.since.as_deref()) {
                    self.record(row.row, Shown::of_subscriber(subscriber, None))?;
                }
            }
            first_page = false;
        }
        Ok(Some(ListCursor {
            latest,
            covered: waiting.iter().map(|row| row.row).collect(),
        }))
    }

    /// Asks for one awaited row directly.
    async fn check_one(&self, row: &JournalRow) -> Result<(), Error> {
        let Some(id) = row.subscriber_id.as_deref() else {
            return Ok(());
        };
        if let Ok(reply) = get_subscriber_reply(&self.reads, id).await
            && is_newer_final(&reply.value, row.since.as_deref())
        {
            self.record(row.row, Shown::of_reply(reply))?;
        }
        Ok(())
    }
}

/// Where the next round of listing starts.
///
/// A row can only be missed if it settled before the point a round starts from, so that point
/// is the earliest lower bound over the rows still awaited: for a row the last complete round
/// already awaited, the latest change on that round's first page; for a row accepted since,
/// its acceptance (a subscriber settles after it was accepted).
#[derive(Debug, Default)]
pub(crate) struct ListCursor {
    latest: Option<DateTime<Utc>>,
    /// The rows awaited during the round that set `latest`.
    covered: HashSet<u64>,
}

impl ListCursor {
    /// The `lastStatusChange` to ask from, given each awaited row and the change it was
    /// accepted at; `None`: from the beginning.
    fn after<'a>(
        &self,
        waiting: impl IntoIterator<Item = (u64, Option<&'a str>)>,
    ) -> Option<DateTime<Utc>> {
        let mut after: Option<DateTime<Utc>> = None;
        for (row, since) in waiting {
            let since = since
                .and_then(|since| DateTime::parse_from_rfc3339(since).ok())
                .map(|since| since.with_timezone(&Utc));
            let bound = match (since, self.latest) {
                (since, Some(latest)) if self.covered.contains(&row) => {
                    let latest = latest - CURSOR_OVERLAP;
                    Some(since.map_or(latest, |since| since.max(latest)))
                }
                (since, _) => since,
            };
            // A row with no known lower bound: ask for every final status.
            let bound = bound?;
            after = Some(after.map_or(bound, |after| after.min(bound)));
        }
        after
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn the_list_cursor_never_starts_after_a_row_accepted_during_the_last_round() {
        let cursor = ListCursor {
            latest: Some(at("2026-01-01T10:00:10Z")),
            covered: HashSet::from([1, 2]),
        };
        // Rows awaited during the last round start from its first page, less the overlap.
        assert_eq!(
            cursor.after([(1, Some("2026-01-01T10:00:01Z")), (2, None)]),
            Some(at("2026-01-01T10:00:09.500Z"))
        );
        // A row accepted since may have settled before that page's latest change, unseen.
        assert_eq!(
            cursor.after([
                (1, Some("2026-01-01T10:00:01Z")),
                (3, Some("2026-01-01T10:00:04Z"))
            ]),
            Some(at("2026-01-01T10:00:04Z"))
        );
        // A row accepted later than the cursor keeps the cursor.
        assert_eq!(
            cursor.after([(1, None), (3, Some("2026-01-01T10:00:12Z"))]),
            Some(at("2026-01-01T10:00:09.500Z"))
        );
        // A row with no known acceptance: ask for every final status.
        assert_eq!(cursor.after([(1, None), (3, None)]), None);
        assert_eq!(
            ListCursor::default().after([(1, Some("2026-01-01T10:00:01Z"))]),
            Some(at("2026-01-01T10:00:01Z"))
        );
    }
}
