//! The resources and their calls, one module each.

mod billing;
mod enterprises;
mod subscribers;
mod workspaces;

pub use billing::{BillingReportWait, BillingReports, ListBillingReports};
pub use enterprises::{DirectorySyncWait, Enterprises, ListEnterprises};
pub use subscribers::{ListSubscribers, SubscriberWait, Subscribers};
pub use workspaces::Workspaces;

use crate::client::Reply;
use crate::error::Error;
use crate::retry::GaveUp;

/// The value of a call's reply, or its error.
pub(crate) fn value<T>(result: Result<Reply<T>, GaveUp>) -> Result<T, Error> {
    result
        .map(|reply| reply.value)
        .map_err(|gave_up| gave_up.error)
}

/// A removal's result: a 404 after an attempt Webex may have carried out means the
/// resource is gone, which is what was asked.
pub(crate) fn removed(result: Result<Reply<()>, GaveUp>) -> Result<(), Error> {
    match result {
        Ok(_) => Ok(()),
        Err(GaveUp {
            error,
            may_have_acted: true,
        }) if error.status().map(|s| s.as_u16()) == Some(404) => Ok(()),
        Err(gave_up) => Err(gave_up.error),
    }
}
