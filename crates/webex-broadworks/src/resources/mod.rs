//! The resources and their calls, one module each.

mod billing;
mod enterprises;
pub(crate) mod list;
mod subscribers;
mod workspaces;

pub use billing::{BillingReportFilters, BillingReportWait, BillingReports, ListBillingReports};
pub use enterprises::{DirectorySyncWait, EnterpriseFilters, Enterprises, ListEnterprises};
pub use list::List;
pub use subscribers::{ListSubscribers, SubscriberFilters, SubscriberWait, Subscribers};
pub(crate) use subscribers::{find_provisioned, get_reply as get_subscriber_reply};
pub use workspaces::Workspaces;

use crate::client::{Replied, Reply};
use crate::error::{Error, UndecodableResponse};
use crate::operation::Operation;
use crate::retry::GaveUp;

/// A success whose body lacks the id the call needs to go on (`what`: "the report's id").
pub(crate) fn missing_id<T>(operation: Operation, reply: &Reply<T>, what: &str) -> Error {
    Error::UndecodableResponse(Box::new(UndecodableResponse {
        operation,
        status: Some(reply.status),
        excerpt: format!("a body without {what}"),
        tracking_id: reply.tracking_id.clone(),
        source: None,
    }))
}

/// The value of a call's reply, or its error.
pub(crate) fn value<T>(result: Replied<T>) -> Result<T, Error> {
    result.map(|reply| reply.value)
}

/// A removal's result: a 404 after an attempt Webex may have carried out means the
/// resource is gone, which is what was asked.
pub(crate) fn removed(result: Result<Box<Reply<()>>, GaveUp>) -> Result<(), Error> {
    match result {
        Ok(_) => Ok(()),
        Err(GaveUp {
            error,
            may_have_acted: true,
        }) if error.status().map(|s| s.as_u16()) == Some(404) => Ok(()),
        Err(gave_up) => Err(gave_up.error),
    }
}
