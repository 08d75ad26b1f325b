//! What a batch sends: its kind, and each item's request, validated once when the batch
//! starts and kept in the journal as the API's own request type.

use std::fmt;

use serde::{Deserialize, Serialize};
use webex_broadworks_api::types;

use crate::requests::{ProvisionSubscriber, ProvisionWorkspace, UpdateSubscriber};
use crate::validate::ValidationReport;

/// What a batch does to each item.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BatchKind {
    /// Provision subscribers; waits for each to settle.
    ProvisionSubscribers,
    /// Update subscribers; waits for each change to settle.
    UpdateSubscribers,
    /// Provision workspaces (they settle at once).
    ProvisionWorkspaces,
}

impl BatchKind {
    /// The kind's name, as journals store it: `provision-subscribers`, ...
    pub fn as_str(self) -> &'static str {
        match self {
            BatchKind::ProvisionSubscribers => "provision-subscribers",
            BatchKind::UpdateSubscribers => "update-subscribers",
            BatchKind::ProvisionWorkspaces => "provision-workspaces",
        }
    }

    /// The kind a stored name stands for.
    pub fn parse(text: &str) -> Option<BatchKind> {
        [
            BatchKind::ProvisionSubscribers,
            BatchKind::UpdateSubscribers,
            BatchKind::ProvisionWorkspaces,
        ]
        .into_iter()
        .find(|kind| kind.as_str() == text)
    }

    /// Whether items end asynchronously, so the batch waits for their final status.
    pub fn waits(self) -> bool {
        !matches!(self, BatchKind::ProvisionWorkspaces)
    }

    fn of(request: &RowRequest) -> BatchKind {
        match request {
            RowRequest::ProvisionSubscriber(_) => BatchKind::ProvisionSubscribers,
            RowRequest::UpdateSubscriber { .. } => BatchKind::UpdateSubscribers,
            RowRequest::ProvisionWorkspace(_) => BatchKind::ProvisionWorkspaces,
        }
    }
}

impl fmt::Display for BatchKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which subscriber an update changes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum SubscriberTarget {
    /// By its id.
    Id(String),
    /// By its BroadWorks user id, looked up before the update is sent.
    UserId(String),
}

/// An item's request as sent and journaled: the API's request type, already validated.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum RowRequest {
    /// A subscriber to provision.
    ProvisionSubscriber(types::ProvisionSubscriberRequest),
    /// A subscriber to update.
    UpdateSubscriber {
        /// Which subscriber.
        target: SubscriberTarget,
        /// The changes.
        body: types::UpdateSubscriberRequest,
    },
    /// A workspace to provision.
    ProvisionWorkspace(types::ProvisionWorkspaceRequest),
}

impl RowRequest {
    /// The BroadWorks user id the item is about: how it is found again and told apart.
    pub fn user_id(&self) -> &str {
        match self {
            RowRequest::ProvisionSubscriber(request) => &request.user_id,
            RowRequest::ProvisionWorkspace(request) => &request.user_id,
            RowRequest::UpdateSubscriber { target, body } => match target {
                SubscriberTarget::UserId(user_id) => user_id,
                SubscriberTarget::Id(_) => body.user_id.as_deref().unwrap_or_default(),
            },
        }
    }

    /// The kind of batch the request belongs to.
    pub fn kind(&self) -> BatchKind {
        BatchKind::of(self)
    }
}

/// One item of a batch: a key of the caller's choosing (a row number, unique within the
/// batch) and a request built with this crate's builders.
///
/// ```
/// use webex_broadworks::bulk::BatchItem;
/// use webex_broadworks::{Package, ProvisionSubscriber};
///
/// let item = BatchItem::provision_subscriber(
///     2,
///     ProvisionSubscriber::new()
///         .provisioning_id("prov-1")
///         .user_id("95547321@sp.com")
///         .sp_enterprise_id("Reseller1+acme")
///         .first_name("Alice")
///         .last_name("Ng")
///         .package(Package::Standard),
/// );
/// assert_eq!(item.key(), 2);
/// assert!(item.check().is_ok());
/// ```
#[derive(Clone, Debug)]
pub struct BatchItem {
    key: u64,
    request: ItemRequest,
}

#[derive(Clone, Debug)]
enum ItemRequest {
    ProvisionSubscriber(ProvisionSubscriber),
    UpdateSubscriber(SubscriberTarget, UpdateSubscriber),
    ProvisionWorkspace(ProvisionWorkspace),
}

impl BatchItem {
    /// A subscriber to provision.
    pub fn provision_subscriber(key: u64, request: ProvisionSubscriber) -> Self {
        BatchItem {
            key,
            request: ItemRequest::ProvisionSubscriber(request),
        }
    }

    /// A change to the subscriber `target` names.
    pub fn update_subscriber(
        key: u64,
        target: SubscriberTarget,
        request: UpdateSubscriber,
    ) -> Self {
        BatchItem {
            key,
            request: ItemRequest::UpdateSubscriber(target, request),
        }
    }

    /// A workspace to provision.
    pub fn provision_workspace(key: u64, request: ProvisionWorkspace) -> Self {
        BatchItem {
            key,
            request: ItemRequest::ProvisionWorkspace(request),
        }
    }

    /// The item's key.
    pub fn key(&self) -> u64 {
        self.key
    }

    /// The kind of batch the item belongs to.
    pub fn kind(&self) -> BatchKind {
        match self.request {
            ItemRequest::ProvisionSubscriber(_) => BatchKind::ProvisionSubscribers,
            ItemRequest::UpdateSubscriber(..) => BatchKind::UpdateSubscribers,
            ItemRequest::ProvisionWorkspace(_) => BatchKind::ProvisionWorkspaces,
        }
    }

    /// Checks the request as the single call would; gives what is sent and journaled.
    pub fn check(&self) -> Result<CheckedItem, ValidationReport> {
        Ok(CheckedItem {
            key: self.key,
            request: self.request()?,
        })
    }

    fn request(&self) -> Result<RowRequest, ValidationReport> {
        Ok(match &self.request {
            ItemRequest::ProvisionSubscriber(request) => {
                RowRequest::ProvisionSubscriber(request.validate()?)
            }
            ItemRequest::UpdateSubscriber(target, request) => {
                let mut report = request.validate().err().unwrap_or_default();
                let id = match target {
                    SubscriberTarget::Id(id) => ("subscriberId", id),
                    SubscriberTarget::UserId(user_id) => ("userId", user_id),
                };
                if let Err(more) = crate::requests::path_id(id.0, id.1) {
                    report.extend(more);
                }
                if !report.is_empty() {
                    return Err(report);
                }
                RowRequest::UpdateSubscriber {
                    target: target.clone(),
                    body: request.validate()?,
                }
            }
            ItemRequest::ProvisionWorkspace(request) => {
                RowRequest::ProvisionWorkspace(request.validate()?)
            }
        })
    }
}

/// An item whose request passed its checks: what a batch journals and sends; from
/// [`BatchItem::check`]. A caller that checks items itself (to report problems its own way)
/// hands these to [`Batch::start_checked`](crate::bulk::Batch::start_checked), so that no
/// item is checked twice.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckedItem {
    key: u64,
    request: RowRequest,
}

impl CheckedItem {
    /// The item's key.
    pub fn key(&self) -> u64 {
        self.key
    }

    /// The request as it is sent and journaled.
    pub fn request(&self) -> &RowRequest {
        &self.request
    }

    pub(crate) fn into_request(self) -> RowRequest {
        self.request
    }
}
