//! The API's operations, and what each one allows a retry to do.

use std::fmt;

/// One operation of the Webex for BroadWorks API; errors and tracing spans name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Operation {
    /// `GET /broadworks/subscribers`
    ListSubscribers,
    /// `POST /broadworks/subscribers`
    ProvisionSubscriber,
    /// `GET /broadworks/subscribers/{subscriberId}`
    GetSubscriber,
    /// `PUT /broadworks/subscribers/{subscriberId}`
    UpdateSubscriber,
    /// `DELETE /broadworks/subscribers/{subscriberId}`
    RemoveSubscriber,
    /// `POST /broadworks/subscribers/validate`
    PrecheckSubscriber,
    /// `POST /subscribers/{subscriberId}/emails/consentMove`
    SendConsentMoveEmail,
    /// `POST /broadworks/workspaces`
    ProvisionWorkspace,
    /// `PUT /broadworks/workspaces/{workspaceId}`
    UpdateWorkspace,
    /// `DELETE /broadworks/workspaces/{workspaceId}`
    RemoveWorkspace,
    /// `GET /broadworks/enterprises`
    ListEnterprises,
    /// `GET /broadworks/enterprises/{id}/broadworksDirectorySync`
    GetDirectorySync,
    /// `PUT /broadworks/enterprises/{id}/broadworksDirectorySync`
    UpdateDirectorySync,
    /// `POST /broadworks/enterprises/{id}/broadworksDirectorySync`
    TriggerDirectorySync,
    /// `POST /broadworks/enterprises/{id}/broadworksDirectorySync/externalUser`
    TriggerUserDirectorySync,
    /// `GET /broadworks/billing/reports`
    ListBillingReports,
    /// `POST /broadworks/billing/reports`
    CreateBillingReport,
    /// `GET /broadworks/billing/reports/{id}`
    GetBillingReport,
    /// `DELETE /broadworks/billing/reports/{id}`
    DeleteBillingReport,
}

/// Which failures an operation may be sent again after.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Replay {
    /// Sending it twice has the effect of sending it once: GET, PUT, DELETE, and the POSTs
    /// that only check or start a synchronisation.
    Safe,
    /// Sending it twice may do the work twice: sent again only when the server cannot have
    /// acted on it (429, 423, a connection that failed before the request went out).
    OnlyIfNotProcessed,
}

impl Operation {
    /// Every operation, in the order of the API description.
    ///
    /// ```
    /// use webex_broadworks::Operation;
    ///
    /// let writes = Operation::ALL.iter().filter(|op| op.method() != "GET").count();
    /// assert!(Operation::ALL.iter().any(|op| op.id() == "provisionSubscriber"));
    /// assert!(writes > 0);
    /// ```
    pub const ALL: &'static [Operation] = &[
        Operation::ListSubscribers,
        Operation::ProvisionSubscriber,
        Operation::GetSubscriber,
        Operation::UpdateSubscriber,
        Operation::RemoveSubscriber,
        Operation::PrecheckSubscriber,
        Operation::SendConsentMoveEmail,
        Operation::ProvisionWorkspace,
        Operation::UpdateWorkspace,
        Operation::RemoveWorkspace,
        Operation::ListEnterprises,
        Operation::GetDirectorySync,
        Operation::UpdateDirectorySync,
        Operation::TriggerDirectorySync,
        Operation::TriggerUserDirectorySync,
        Operation::ListBillingReports,
        Operation::CreateBillingReport,
        Operation::GetBillingReport,
        Operation::DeleteBillingReport,
    ];

    /// The operationId, as in the API description (`listSubscribers`).
    pub fn id(self) -> &'static str {
        match self {
            Operation::ListSubscribers => "listSubscribers",
            Operation::ProvisionSubscriber => "provisionSubscriber",
            Operation::GetSubscriber => "getSubscriber",
            Operation::UpdateSubscriber => "updateSubscriber",
            Operation::RemoveSubscriber => "removeSubscriber",
            Operation::PrecheckSubscriber => "precheckSubscriber",
            Operation::SendConsentMoveEmail => "sendConsentMoveEmail",
            Operation::ProvisionWorkspace => "provisionWorkspace",
            Operation::UpdateWorkspace => "updateWorkspace",
            Operation::RemoveWorkspace => "removeWorkspace",
            Operation::ListEnterprises => "listEnterprises",
            Operation::GetDirectorySync => "getDirectorySync",
            Operation::UpdateDirectorySync => "updateDirectorySync",
            Operation::TriggerDirectorySync => "triggerDirectorySync",
            Operation::TriggerUserDirectorySync => "triggerUserDirectorySync",
            Operation::ListBillingReports => "listBillingReports",
            Operation::CreateBillingReport => "createBillingReport",
            Operation::GetBillingReport => "getBillingReport",
            Operation::DeleteBillingReport => "deleteBillingReport",
        }
    }

    /// The HTTP method.
    pub fn method(self) -> &'static str {
        match self {
            Operation::ListSubscribers
            | Operation::GetSubscriber
            | Operation::ListEnterprises
            | Operation::GetDirectorySync
            | Operation::ListBillingReports
            | Operation::GetBillingReport => "GET",
            Operation::UpdateSubscriber
            | Operation::UpdateWorkspace
            | Operation::UpdateDirectorySync => "PUT",
            Operation::RemoveSubscriber
            | Operation::RemoveWorkspace
            | Operation::DeleteBillingReport => "DELETE",
            Operation::ProvisionSubscriber
            | Operation::PrecheckSubscriber
            | Operation::SendConsentMoveEmail
            | Operation::ProvisionWorkspace
            | Operation::TriggerDirectorySync
            | Operation::TriggerUserDirectorySync
            | Operation::CreateBillingReport => "POST",
        }
    }

    pub(crate) fn replay(self) -> Replay {
        match self {
            // A precheck only validates; a second trigger of a running synchronisation
            // reports the one under way; syncing one user twice leaves it as syncing it once.
            Operation::PrecheckSubscriber
            | Operation::TriggerDirectorySync
            | Operation::TriggerUserDirectorySync => Replay::Safe,
            Operation::ProvisionSubscriber
            | Operation::SendConsentMoveEmail
            | Operation::ProvisionWorkspace
            | Operation::CreateBillingReport => Replay::OnlyIfNotProcessed,
            // Reads, and writes that set a state or remove: a second one changes nothing.
            // Every operation is named here, with no catch-all, so that a new one is
            // classified on purpose or does not compile.
            Operation::ListSubscribers
            | Operation::GetSubscriber
            | Operation::UpdateSubscriber
            | Operation::RemoveSubscriber
            | Operation::UpdateWorkspace
            | Operation::RemoveWorkspace
            | Operation::ListEnterprises
            | Operation::GetDirectorySync
            | Operation::UpdateDirectorySync
            | Operation::ListBillingReports
            | Operation::GetBillingReport
            | Operation::DeleteBillingReport => Replay::Safe,
        }
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}
