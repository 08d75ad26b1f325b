//! The operations of the API, as the simulator routes, authorises, counts and faults them.

use std::fmt;
use std::str::FromStr;

use axum::http::Method;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::auth::Scope;

macro_rules! operations {
    ( $( $(#[$meta:meta])* $variant:ident = ($id:literal, $method:ident, $path:literal, $scope:ident), )+ ) => {
        /// One operation of the Webex for BroadWorks API, named by its `operationId`.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Operation {
            $( $(#[$meta])* $variant, )+
        }

        impl Operation {
            /// Every operation, in the order of the spec.
            pub const ALL: &'static [Operation] = &[ $( Operation::$variant, )+ ];

            /// The spec's `operationId`, e.g. `getSubscriber`.
            pub fn operation_id(self) -> &'static str {
                match self { $( Operation::$variant => $id, )+ }
            }

            /// The HTTP method.
            pub fn method(self) -> Method {
                match self { $( Operation::$variant => Method::$method, )+ }
            }

            /// The route below the base URL, with `{name}` placeholders.
            pub fn path_template(self) -> &'static str {
                match self { $( Operation::$variant => $path, )+ }
            }

            /// The OAuth scope a token needs to call the operation.
            pub fn required_scope(self) -> Scope {
                match self { $( Operation::$variant => Scope::$scope, )+ }
            }
        }
    };
}

operations! {
    /// `GET /broadworks/subscribers`
    ListSubscribers = ("listSubscribers", GET, "/broadworks/subscribers", SubscribersRead),
    /// `POST /broadworks/subscribers`
    ProvisionSubscriber = ("provisionSubscriber", POST, "/broadworks/subscribers", SubscribersWrite),
    /// `GET /broadworks/subscribers/{subscriberId}`
    GetSubscriber = ("getSubscriber", GET, "/broadworks/subscribers/{subscriberId}", SubscribersRead),
    /// `PUT /broadworks/subscribers/{subscriberId}`
    UpdateSubscriber = ("updateSubscriber", PUT, "/broadworks/subscribers/{subscriberId}", SubscribersWrite),
    /// `DELETE /broadworks/subscribers/{subscriberId}`
    RemoveSubscriber = ("removeSubscriber", DELETE, "/broadworks/subscribers/{subscriberId}", SubscribersWrite),
    /// `POST /broadworks/subscribers/validate`
    PrecheckSubscriber = ("precheckSubscriber", POST, "/broadworks/subscribers/validate", SubscribersWrite),
    /// `POST /subscribers/{subscriberId}/emails/consentMove`
    SendConsentMoveEmail = ("sendConsentMoveEmail", POST, "/subscribers/{subscriberId}/emails/consentMove", SubscribersWrite),
    /// `POST /broadworks/workspaces`
    ProvisionWorkspace = ("provisionWorkspace", POST, "/broadworks/workspaces", PlacesWrite),
    /// `PUT /broadworks/workspaces/{workspaceId}`
    UpdateWorkspace = ("updateWorkspace", PUT, "/broadworks/workspaces/{workspaceId}", PlacesWrite),
    /// `DELETE /broadworks/workspaces/{workspaceId}`
    RemoveWorkspace = ("removeWorkspace", DELETE, "/broadworks/workspaces/{workspaceId}", PlacesWrite),
    /// `GET /broadworks/enterprises`
    ListEnterprises = ("listEnterprises", GET, "/broadworks/enterprises", EnterprisesRead),
    /// `GET /broadworks/enterprises/{id}/broadworksDirectorySync`
    GetDirectorySync = ("getDirectorySync", GET, "/broadworks/enterprises/{id}/broadworksDirectorySync", EnterprisesRead),
    /// `PUT /broadworks/enterprises/{id}/broadworksDirectorySync`
    UpdateDirectorySync = ("updateDirectorySync", PUT, "/broadworks/enterprises/{id}/broadworksDirectorySync", EnterprisesWrite),
    /// `POST /broadworks/enterprises/{id}/broadworksDirectorySync`
    TriggerDirectorySync = ("triggerDirectorySync", POST, "/broadworks/enterprises/{id}/broadworksDirectorySync", EnterprisesWrite),
    /// `POST /broadworks/enterprises/{id}/broadworksDirectorySync/externalUser`
    TriggerUserDirectorySync = ("triggerUserDirectorySync", POST, "/broadworks/enterprises/{id}/broadworksDirectorySync/externalUser", EnterprisesWrite),
    /// `GET /broadworks/billing/reports`
    ListBillingReports = ("listBillingReports", GET, "/broadworks/billing/reports", BillingReportsRead),
    /// `POST /broadworks/billing/reports`
    CreateBillingReport = ("createBillingReport", POST, "/broadworks/billing/reports", BillingReportsWrite),
    /// `GET /broadworks/billing/reports/{id}`
    GetBillingReport = ("getBillingReport", GET, "/broadworks/billing/reports/{id}", BillingReportsRead),
    /// `DELETE /broadworks/billing/reports/{id}`
    DeleteBillingReport = ("deleteBillingReport", DELETE, "/broadworks/billing/reports/{id}", BillingReportsWrite),
}

impl Operation {
    /// The operation that serves `method` on the route `template` (as written in
    /// [`Operation::path_template`]).
    pub fn from_route(method: &Method, template: &str) -> Option<Operation> {
        Operation::ALL
            .iter()
            .copied()
            .find(|op| op.method() == *method && op.path_template() == template)
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.operation_id())
    }
}

/// The error of parsing an [`Operation`] from an unknown `operationId`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not an operationId of the Webex for BroadWorks API")]
pub struct UnknownOperation(pub String);

impl FromStr for Operation {
    type Err = UnknownOperation;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Operation::ALL
            .iter()
            .copied()
            .find(|op| op.operation_id() == value)
            .ok_or_else(|| UnknownOperation(value.to_string()))
    }
}

impl Serialize for Operation {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.operation_id())
    }
}

impl<'de> Deserialize<'de> for Operation {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let id = String::deserialize(deserializer)?;
        id.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    // That every operation of the spec is here: `tests/tests/operation_coverage.rs`.
    fn each_operation_has_a_route_of_its_own() {
        for op in Operation::ALL {
            assert_eq!(
                Operation::from_route(&op.method(), op.path_template()),
                Some(*op)
            );
            assert_eq!(op.operation_id().parse::<Operation>(), Ok(*op));
        }
    }
}
