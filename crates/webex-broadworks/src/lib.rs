#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

mod async_work;
mod auth;
mod backoff;
pub mod bulk;
mod client;
mod config;
mod error;
mod operation;
mod outcome;
mod paginate;
mod repair;
mod requests;
mod resources;
mod retry;
mod tls;
mod tracking;
mod validate;
mod wait;

pub use async_work::{AsyncError, PauseReason};
pub use auth::{
    RefreshFuture, StaticToken, Token, TokenError, TokenFn, TokenFuture, TokenProvider,
};
pub use client::Client;
pub use config::{
    ClientBuilder, DEFAULT_BASE_URL, DEFAULT_MAX_CONCURRENT_REQUESTS, DEFAULT_TRACKING_PREFIX,
};
pub use error::{
    ApiError, AsyncFailure, ConfigError, CredentialsError, Error, ErrorDetail, RateLimited,
    Resource, Result, SubscriberPaused, TimeoutError, TransportError, UndecodableResponse,
    WaitLimit, WaitTimeout,
};
pub use operation::Operation;
pub use outcome::{BillingReportOutcome, SubscriberOutcome};
pub use paginate::Page;
pub use repair::Malformed;
pub use requests::{
    PrecheckSubscriber, ProvisionSubscriber, ProvisionWorkspace, UpdateSubscriber, UpdateWorkspace,
};
pub use resources::{
    BillingReportFilters, BillingReportWait, BillingReports, DirectorySyncWait, EnterpriseFilters,
    Enterprises, List, ListBillingReports, ListEnterprises, ListSubscribers, SubscriberFilters,
    SubscriberWait, Subscribers, Workspaces,
};
pub use retry::RetryPolicy;
pub use tls::http_client_builder;
pub use validate::{Problem, Rule, ValidationReport};
pub use wait::{Wait, WaitPolicy};

/// The response types, as the API description defines them (generated).
pub use webex_broadworks_api::types;

/// The crates whose types appear in this crate's signatures, so that one dependency
/// suffices: `chrono` (instants), `reqwest` (a client of your own, status codes, headers).
pub use chrono;
pub use reqwest;

/// What reading lists and waits needs in scope: the stream extension traits.
///
/// ```no_run
/// use webex_broadworks::prelude::*;
///
/// # async fn run(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
/// let ids: Vec<_> = client
///     .subscribers()
///     .list()
///     .stream()
///     .map_ok(|subscriber| subscriber.id)
///     .try_collect()
///     .await?;
/// # let _ = ids;
/// # Ok(()) }
/// ```
pub mod prelude {
    pub use futures::{Stream, StreamExt, TryStreamExt};
}
pub use webex_broadworks_api::types::BillingReportSortBy;
/// Webex's open enums and tolerant scalars.
pub use webex_broadworks_api::wire::{
    BillingReportStatus, Count, DirectorySyncState, ErrorCode, Package, SelfActivated,
    SubscriberStatus, Timestamp,
};
