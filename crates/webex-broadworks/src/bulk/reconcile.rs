//! Finding out, by looking, what became of a row: after an answer that leaves the outcome
//! unknown, and for an update that names its subscriber by userId.

use std::time::Duration;

use webex_broadworks_api::types::Subscriber;
use webex_broadworks_api::wire::SubscriberStatus;

use crate::bulk::engine::Engine;
use crate::bulk::journal::{JournalRow, RowChange};
use crate::bulk::request::{RowRequest, SubscriberTarget};
use crate::bulk::status::Shown;
use crate::error::Error;
use crate::resources::{find_provisioned, get_subscriber_reply};

impl Engine {
    /// Finds out what became of a row whose request may have been applied. Returns whether
    /// that is settled for now: its outcome recorded, still unknown after the lookup failed
    /// (the row stays `sending`, and a resume looks again), or not listed yet (the row stays
    /// `sending` for a second look once the list's lag allowance has passed, see
    /// `later_looks`). `false`: Webex has no trace of it, the row is `pending` again and may
    /// be sent.
    pub(crate) async fn reconcile(&self, row: &JournalRow) -> Result<bool, Error> {
        self.lookups
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        match &row.request {
            RowRequest::ProvisionSubscriber(request) => {
                let Ok(found) = find_provisioned(&self.reads, request, Duration::ZERO).await else {
                    return Ok(true);
                };
                match found {
                    Some(reply) => {
                        self.record(row.row, Shown::of_subscriber(reply.value, None))?;
                        Ok(true)
                    }
                    None if !self.lookup_lag().is_zero() => {
                        self.look_later(row, false);
                        Ok(true)
                    }
                    None => {
                        self.change(row.row, RowChange::Pending, None)?;
                        Ok(false)
                    }
                }
            }
            RowRequest::UpdateSubscriber { .. } => {
                let Some(id) = row.subscriber_id.clone() else {
                    self.change(row.row, RowChange::Pending, None)?;
                    return Ok(false);
                };
                let Ok(current) = get_subscriber_reply(&self.reads, &id).await else {
                    return Ok(true);
                };
                if current.value.status == Some(SubscriberStatus::Updating) {
                    let tracking_id = Some(current.tracking_id);
                    self.record(row.row, Shown::of_subscriber(current.value, tracking_id))?;
                    Ok(true)
                } else {
                    // Sending the same update again changes nothing more.
                    self.change(row.row, RowChange::Pending, None)?;
                    Ok(false)
                }
            }
            RowRequest::ProvisionWorkspace(_) => {
                self.change(row.row, RowChange::Pending, None)?;
                Ok(false)
            }
        }
    }

    /// Looks for what a request answered with an unreadable 2xx made. Webex acted, so the
    /// row is never made `pending` again: found, it is recorded; a provisioning not listed
    /// yet stays `sending` for a second look once the list's lag allowance has passed, and a
    /// resume looks again if that finds nothing either.
    pub(crate) async fn reconcile_acted(&self, row: &JournalRow) -> Result<(), Error> {
        match &row.request {
            RowRequest::ProvisionSubscriber(_) => {
                match self.look_up(row).await? {
                    Some(shown) => self.record(row.row, shown)?,
                    None => self.look_later(row, true),
                }
                Ok(())
            }
            RowRequest::UpdateSubscriber { .. } => {
                let found = self.look_up(row).await?;
                if let Some(shown) = found {
                    self.record(row.row, shown)?;
                }
                Ok(())
            }
            // A workspace has no lookup: the 2xx is its outcome.
            RowRequest::ProvisionWorkspace(_) => self.record(
                row.row,
                Shown {
                    id: None,
                    status: "provisioned".into(),
                    since: None,
                    reason: Some("Webex accepted it, with an answer that could not be read".into()),
                    tracking_id: None,
                },
            ),
        }
    }

    /// What Webex holds for a row now, by userId (a provisioning) or by id (an update);
    /// `None` when it shows nothing or the look failed.
    async fn look_up(&self, row: &JournalRow) -> Result<Option<Shown>, Error> {
        self.lookups
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(match &row.request {
            RowRequest::ProvisionSubscriber(request) => {
                find_provisioned(&self.reads, request, Duration::ZERO)
                    .await
                    .ok()
                    .flatten()
                    .map(|reply| Shown::of_subscriber(reply.value, None))
            }
            RowRequest::UpdateSubscriber { .. } => match row.subscriber_id.as_deref() {
                Some(id) => get_subscriber_reply(&self.reads, id)
                    .await
                    .ok()
                    .map(Shown::of_reply),
                None => None,
            },
            RowRequest::ProvisionWorkspace(_) => None,
        })
    }

    /// Finds the subscriber an update row names by userId. `None` when the row failed.
    pub(crate) async fn resolve_target(
        &self,
        row: &JournalRow,
        target: &SubscriberTarget,
    ) -> Result<Option<String>, Error> {
        let user_id = match target {
            SubscriberTarget::Id(id) => return Ok(Some(id.clone())),
            SubscriberTarget::UserId(user_id) => user_id,
        };
        let page = self
            .reads
            .subscribers()
            .list()
            .user_id(user_id)
            .first_page()
            .await;
        let found = match page {
            Ok(page) => page.into_items(),
            Err(error) => {
                let why = format!("could not look up userId {user_id}: {error}");
                self.fail(row.row, why, error)?;
                return Ok(None);
            }
        };
        let mut live: Vec<String> = found
            .into_iter()
            .filter(|subscriber| {
                subscriber.user_id.as_deref() == Some(user_id.as_str())
                    && subscriber.status != Some(SubscriberStatus::Error)
            })
            .filter_map(|subscriber: Subscriber| subscriber.id)
            .collect();
        let why = match live.len() {
            1 => {
                let id = live.remove(0);
                self.change(row.row, RowChange::SubscriberId(id.clone()), None)?;
                return Ok(Some(id));
            }
            0 => format!("no subscriber has userId {user_id}"),
            count => {
                format!("{count} subscribers have userId {user_id}; give subscriberId instead")
            }
        };
        self.change(
            row.row,
            RowChange::Failed {
                error: why,
                tracking_id: None,
            },
            None,
        )?;
        Ok(None)
    }
}
