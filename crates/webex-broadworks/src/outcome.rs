//! How asynchronous work ended: what a wait returns.

use webex_broadworks_api::types::{BillingReport, Subscriber};
use webex_broadworks_api::wire::SubscriberStatus;

use crate::async_work::{AsyncError, PauseReason};
use crate::error::{AsyncFailure, Error, Resource, SubscriberPaused};

/// Where a subscriber's provisioning or update ended.
///
/// ```no_run
/// use webex_broadworks::SubscriberOutcome;
///
/// # async fn example(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
/// match client.subscribers().wait("Y2lzY29zcGFyazovL3VzL1NVQlNDUklCRVIv").await? {
///     SubscriberOutcome::Provisioned { person_id, .. } => println!("Webex person {person_id:?}"),
///     SubscriberOutcome::Paused { reason, .. } => println!("the user has to act: {}", reason.what_to_do()),
///     SubscriberOutcome::Failed { errors, .. } => println!("failed: {errors:?}"),
///     // Outcomes a later version may add.
///     other => println!("{other:?}"),
/// }
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum SubscriberOutcome {
    /// `provisioned`: done; the subscriber is a Webex user.
    Provisioned {
        /// The subscriber as last read.
        subscriber: Box<Subscriber>,
        /// The Webex person id, for other Webex APIs (Webex sets it once provisioned).
        person_id: Option<String>,
    },
    /// One of the `pending_*` statuses: the end user has to act, so the wait stopped at
    /// once instead of using up its time.
    Paused {
        /// The subscriber as last read.
        subscriber: Box<Subscriber>,
        /// What the end user has to do.
        reason: PauseReason,
    },
    /// `error`: provisioning or the update failed.
    Failed {
        /// The subscriber as last read.
        subscriber: Box<Subscriber>,
        /// Each error Webex reported.
        errors: Vec<AsyncError>,
    },
}

impl SubscriberOutcome {
    /// The outcome a subscriber's status means, or `None` while Webex is still working.
    pub(crate) fn from_subscriber(subscriber: &Subscriber) -> Option<Self> {
        let status = subscriber.status.as_ref()?;
        let boxed = || Box::new(subscriber.clone());
        if *status == SubscriberStatus::Provisioned {
            return Some(SubscriberOutcome::Provisioned {
                subscriber: boxed(),
                person_id: subscriber.person_id.clone(),
            });
        }
        if *status == SubscriberStatus::Error {
            let errors = subscriber
                .errors
                .iter()
                .map(|e| AsyncError {
                    code: e.error_code.map(|c| c.0),
                    description: e.description.clone(),
                })
                .collect();
            return Some(SubscriberOutcome::Failed {
                subscriber: boxed(),
                errors,
            });
        }
        PauseReason::from_status(status).map(|reason| SubscriberOutcome::Paused {
            subscriber: boxed(),
            reason,
        })
    }

    /// The outcome `subscriber`'s status means, or `None` while Webex is still working.
    ///
    /// ```
    /// use webex_broadworks::{SubscriberOutcome, SubscriberStatus, types::Subscriber};
    ///
    /// let paused = Subscriber {
    ///     status: Some(SubscriberStatus::PendingEmailInput),
    ///     ..Default::default()
    /// };
    /// let outcome = SubscriberOutcome::of(&paused).unwrap();
    /// assert!(outcome.explanation().unwrap().starts_with("paused: "));
    /// ```
    pub fn of(subscriber: &Subscriber) -> Option<Self> {
        SubscriberOutcome::from_subscriber(subscriber)
    }

    /// Why the subscriber is not provisioned, in words for a person (`None` when it is):
    /// Webex's errors as `code: description`, or what the end user has to do.
    ///
    /// ```no_run
    /// # async fn example(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
    /// let outcome = client.subscribers().wait("Y2lzY29zcGFyazovL3VzL1NVQlNDUklCRVIv").await?;
    /// if let Some(why) = outcome.explanation() {
    ///     eprintln!("not provisioned: {why}");
    /// }
    /// # Ok(()) }
    /// ```
    pub fn explanation(&self) -> Option<String> {
        match self {
            SubscriberOutcome::Provisioned { .. } => None,
            SubscriberOutcome::Paused { reason, .. } => {
                Some(format!("paused: {}", reason.what_to_do()))
            }
            SubscriberOutcome::Failed { errors, .. } if errors.is_empty() => {
                Some("error, with no reason given".into())
            }
            SubscriberOutcome::Failed { errors, .. } => Some(
                errors
                    .iter()
                    .map(|error| {
                        format!(
                            "{}: {}",
                            error
                                .code
                                .map_or_else(|| "-".into(), |code| code.to_string()),
                            error.description.as_deref().unwrap_or("-")
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
        }
    }

    /// The subscriber as last read.
    ///
    /// ```no_run
    /// # async fn example(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
    /// let outcome = client.subscribers().wait("Y2lzY29zcGFyazovL3VzL1NVQlNDUklCRVIv").await?;
    /// println!("{:?} ended {:?}", outcome.subscriber().user_id, outcome.subscriber().status);
    /// # Ok(()) }
    /// ```
    pub fn subscriber(&self) -> &Subscriber {
        match self {
            SubscriberOutcome::Provisioned { subscriber, .. }
            | SubscriberOutcome::Paused { subscriber, .. }
            | SubscriberOutcome::Failed { subscriber, .. } => subscriber,
        }
    }

    /// Whether the subscriber is provisioned.
    ///
    /// ```no_run
    /// # async fn example(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
    /// let outcome = client.subscribers().wait("Y2lzY29zcGFyazovL3VzL1NVQlNDUklCRVIv").await?;
    /// assert_eq!(outcome.is_provisioned(), outcome.explanation().is_none());
    /// # Ok(()) }
    /// ```
    pub fn is_provisioned(&self) -> bool {
        matches!(self, SubscriberOutcome::Provisioned { .. })
    }

    /// The provisioned subscriber, or the pause or failure as an [`Error`].
    ///
    /// ```no_run
    /// # async fn run(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
    /// let subscriber = client.subscribers().wait("Y2lzY29...").await?.into_provisioned()?;
    /// # Ok(()) }
    /// ```
    pub fn into_provisioned(self) -> Result<Subscriber, Error> {
        match self {
            SubscriberOutcome::Provisioned { subscriber, .. } => Ok(*subscriber),
            SubscriberOutcome::Paused { subscriber, reason } => {
                Err(Error::SubscriberPaused(Box::new(SubscriberPaused {
                    id: subscriber.id.clone().unwrap_or_default(),
                    reason,
                    tracking_id: None,
                })))
            }
            SubscriberOutcome::Failed { subscriber, errors } => {
                Err(Error::AsyncFailed(Box::new(AsyncFailure {
                    resource: Resource::Subscriber,
                    id: subscriber.id.clone().unwrap_or_default(),
                    errors,
                    tracking_id: None,
                })))
            }
        }
    }
}

/// Where a billing report's generation ended.
///
/// ```no_run
/// use webex_broadworks::BillingReportOutcome;
///
/// # async fn example(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
/// match client.billing_reports().create_and_wait("2024-03").await? {
///     BillingReportOutcome::Completed(report) => println!("{:?}", report.temp_download_url),
///     BillingReportOutcome::Failed { errors, .. } => println!("failed: {errors:?}"),
///     other => println!("{other:?}"),
/// }
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum BillingReportOutcome {
    /// `COMPLETED`: the report's `tempDownloadURL` is ready.
    Completed(Box<BillingReport>),
    /// `FAILED`.
    Failed {
        /// The report as last read.
        report: Box<BillingReport>,
        /// Each error Webex reported.
        errors: Vec<AsyncError>,
    },
}

impl BillingReportOutcome {
    /// The report as last read.
    ///
    /// ```no_run
    /// # async fn example(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
    /// let outcome = client.billing_reports().create_and_wait("2024-03").await?;
    /// println!("report {:?} ended {:?}", outcome.report().id, outcome.report().status);
    /// # Ok(()) }
    /// ```
    pub fn report(&self) -> &BillingReport {
        match self {
            BillingReportOutcome::Completed(report)
            | BillingReportOutcome::Failed { report, .. } => report,
        }
    }

    /// The completed report, or the failure as an [`Error`].
    ///
    /// ```no_run
    /// # async fn example(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
    /// let report = client.billing_reports().create_and_wait("2024-03").await?.into_completed()?;
    /// let csv = client.billing_reports().download(report.id.as_deref().unwrap_or_default()).await?;
    /// # Ok(()) }
    /// ```
    pub fn into_completed(self) -> Result<BillingReport, Error> {
        match self {
            BillingReportOutcome::Completed(report) => Ok(*report),
            BillingReportOutcome::Failed { report, errors } => {
                Err(Error::AsyncFailed(Box::new(AsyncFailure {
                    resource: Resource::BillingReport,
                    id: report.id.clone().unwrap_or_default(),
                    errors,
                    tracking_id: None,
                })))
            }
        }
    }
}
