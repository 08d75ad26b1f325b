//! Billing reports: create, read, list, delete, wait.

use webex_broadworks_api::types::{self, BillingReport, BillingReportSortBy, BillingReportSummary};
use webex_broadworks_api::wire::BillingReportStatus;

use crate::async_work::AsyncError;
use crate::client::{Client, Replied};
use crate::error::{Error, Resource};
use crate::operation::Operation;
use crate::outcome::BillingReportOutcome;
use crate::requests::path_id;
use crate::resources::list::{List, list_filters, list_finishers};
use crate::resources::missing_id;
use crate::validate::ValidationReport;
use crate::wait::{Observation, Wait, Watched};
use futures::future::BoxFuture;

use super::{removed, value};

/// A wait for a billing report; `.await` gives a [`BillingReportOutcome`].
pub type BillingReportWait = Wait<BillingReport, BillingReportOutcome>;

/// The billing report calls; from [`Client::billing_reports`].
#[derive(Clone, Debug)]
pub struct BillingReports {
    client: Client,
}

impl Client {
    /// Billing reports: create, read, list, delete, wait.
    ///
    /// ```no_run
    /// use webex_broadworks::prelude::*;
    ///
    /// # async fn example(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
    /// let reports: Vec<_> = client.billing_reports().list().stream().try_collect().await?;
    /// # Ok(()) }
    /// ```
    pub fn billing_reports(&self) -> BillingReports {
        BillingReports::new(self.clone())
    }
}

impl BillingReports {
    pub(crate) fn new(client: Client) -> Self {
        BillingReports { client }
    }

    /// The reports, filtered and sorted.
    ///
    /// ```no_run
    /// use webex_broadworks::prelude::*;
    /// use webex_broadworks::BillingReportSortBy;
    ///
    /// # async fn example(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
    /// let reports: Vec<_> = client
    ///     .billing_reports()
    ///     .list()
    ///     .after("2024-01")
    ///     .sort_by(BillingReportSortBy::BillingPeriod)
    ///     .stream()
    ///     .try_collect()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn list(&self) -> ListBillingReports {
        List::new(self.client.clone())
    }

    /// Asks for the report of `billing_period` (`YYYY-MM`); returns its id. Webex generates
    /// it asynchronously: see [`wait`](Self::wait).
    ///
    /// ```no_run
    /// # async fn example(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
    /// let id = client.billing_reports().create("2024-03").await?;
    /// let outcome = client.billing_reports().wait(&id).await?;
    /// # Ok(()) }
    /// ```
    pub async fn create(&self, billing_period: &str) -> Result<String, Error> {
        let mut report = ValidationReport::default();
        if report
            .required("billingPeriod", Some(billing_period))
            .is_some()
        {
            report.billing_period("billingPeriod", Some(billing_period));
        }
        report.finish(|| ())?;
        let period = types::CreateBillingReportRequestBillingPeriod::try_from(billing_period)
            .map_err(|e| {
                let mut report = ValidationReport::default();
                report.push("billingPeriod", crate::Rule::BillingPeriod, e.to_string());
                Error::Validation(report)
            })?;
        let body = types::CreateBillingReportRequest {
            billing_period: period,
        };
        let api = self.client.api();
        let reply = self
            .client
            .call(Operation::CreateBillingReport, None, || {
                api.create_billing_report().body(body.clone()).send()
            })
            .await?;
        match reply.value.id.as_deref() {
            Some(id) if !id.is_empty() => Ok(id.to_string()),
            _ => Err(missing_id(
                Operation::CreateBillingReport,
                &reply,
                "the report's id",
            )),
        }
    }

    /// Asks for a report and waits until it is `COMPLETED` or `FAILED`.
    ///
    /// ```no_run
    /// # async fn example(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
    /// let report = client.billing_reports().create_and_wait("2024-03").await?.into_completed()?;
    /// println!("download from {:?}", report.temp_download_url);
    /// # Ok(()) }
    /// ```
    pub async fn create_and_wait(
        &self,
        billing_period: &str,
    ) -> Result<BillingReportOutcome, Error> {
        let id = self.create(billing_period).await?;
        self.wait(&id)
            .primed(Some(BillingReportStatus::InProgress.to_string()), None)
            .await
    }

    /// The report with id `report_id`.
    ///
    /// ```no_run
    /// # async fn example(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
    /// let report = client.billing_reports().get("Y2lzY29zcGFyazovL3VzL1JFUE9SVC8").await?;
    /// println!("{:?}", report.status);
    /// # Ok(()) }
    /// ```
    pub async fn get(&self, report_id: &str) -> Result<BillingReport, Error> {
        path_id("id", report_id)?;
        value(get_reply(&self.client, report_id).await)
    }

    /// The CSV of a `COMPLETED` report, as a stream of chunks read as it is polled (a
    /// report of a large Service Provider does not have to fit in memory). Reads the report
    /// for its `tempDownloadURL`, then fetches that URL: with the token when it points at the
    /// API's own origin, without it when it is a signed URL elsewhere.
    ///
    /// ```no_run
    /// use webex_broadworks::prelude::*;
    ///
    /// # async fn run(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
    /// let mut csv = client.billing_reports().download("report-id").await?;
    /// let mut file = Vec::new();
    /// while let Some(chunk) = csv.next().await {
    ///     file.extend_from_slice(&chunk?);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn download(
        &self,
        report_id: &str,
    ) -> Result<futures::stream::BoxStream<'static, Result<bytes::Bytes, Error>>, Error> {
        use futures::{StreamExt, TryStreamExt};
        let report = self.get(report_id).await?;
        let Some(link) = report.temp_download_url.filter(|link| !link.is_empty()) else {
            let status = report.status.map_or_else(
                || "without a status".to_string(),
                |status| status.to_string(),
            );
            return Err(Error::config(
                format!("billing report {report_id} has no download link yet: it is {status}"),
                "wait for it to be COMPLETED (billing_reports().wait(id)), then download it",
            ));
        };
        let url = url::Url::parse(&link)
            .or_else(|_| self.client.base().join(&link))
            .map_err(|_| {
                Error::config(
                    format!("billing report {report_id} links to `{link}`, which is not a URL"),
                    "report this to Webex support with the report's id",
                )
            })?;
        let operation = Operation::GetBillingReport;
        let response = self.client.get_url(operation, url).await?;
        let tracking_id = response
            .headers()
            .get("trackingid")
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_string();
        Ok(response
            .bytes_stream()
            .map_err(move |error| {
                Error::Transport(Box::new(crate::error::TransportError {
                    operation,
                    was_sent: true,
                    tracking_id: tracking_id.clone(),
                    attempts: 1,
                    source: error.without_url(),
                }))
            })
            .boxed())
    }

    /// Deletes a report.
    ///
    /// ```no_run
    /// # async fn example(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
    /// client.billing_reports().delete("Y2lzY29zcGFyazovL3VzL1JFUE9SVC8").await?;
    /// # Ok(()) }
    /// ```
    pub async fn delete(&self, report_id: &str) -> Result<(), Error> {
        path_id("id", report_id)?;
        let api = self.client.api();
        removed(
            self.client
                .call_reporting(Operation::DeleteBillingReport, None, || {
                    api.delete_billing_report().id(report_id).send()
                })
                .await,
        )
    }

    /// Waits until the report is `COMPLETED` or `FAILED`.
    ///
    /// ```no_run
    /// use webex_broadworks::BillingReportOutcome;
    ///
    /// # async fn example(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
    /// match client.billing_reports().wait("Y2lzY29zcGFyazovL3VzL1JFUE9SVC8").await? {
    ///     BillingReportOutcome::Completed(report) => println!("{:?}", report.temp_download_url),
    ///     BillingReportOutcome::Failed { errors, .. } => println!("failed: {errors:?}"),
    ///     _ => {}
    /// }
    /// # Ok(()) }
    /// ```
    pub fn wait(&self, report_id: &str) -> BillingReportWait {
        Wait::new(self.client.clone(), report_id, finish)
    }
}

async fn get_reply(client: &Client, report_id: &str) -> Replied<BillingReport> {
    let api = client.api();
    client
        .call(Operation::GetBillingReport, None, || {
            api.get_billing_report().id(report_id).send()
        })
        .await
}

fn settled(report: &BillingReport) -> bool {
    matches!(
        report.status,
        Some(BillingReportStatus::Completed | BillingReportStatus::Failed)
    )
}

impl Watched for BillingReport {
    const RESOURCE: Resource = Resource::BillingReport;
    const ID: &'static str = "id";

    fn read(client: Client, id: String) -> BoxFuture<'static, Replied<Self>> {
        Box::pin(async move { get_reply(&client, &id).await })
    }

    fn status(&self) -> Option<String> {
        self.status.as_ref().map(ToString::to_string)
    }

    fn settled(&self) -> bool {
        settled(self)
    }
}

fn finish(observation: Observation<BillingReport>) -> Result<BillingReportOutcome, Error> {
    let report = observation.value;
    Ok(match report.status {
        Some(BillingReportStatus::Completed) => BillingReportOutcome::Completed(Box::new(report)),
        _ => BillingReportOutcome::Failed {
            errors: report
                .errors
                .iter()
                .map(|e| AsyncError {
                    code: e.code.map(|c| c.0),
                    description: e.description.clone(),
                })
                .collect(),
            report: Box::new(report),
        },
    })
}

list_filters! {
    /// The filters of a billing report list; set them through [`ListBillingReports`].
    BillingReportFilters {
        item: BillingReportSummary,
        request: list_billing_reports,
        operation: Operation::ListBillingReports,
        validate: billing_periods,
        filters: {
            before: String => "before",
            after: String => "after",
            sort_by: BillingReportSortBy => "sortBy",
        },
    }
}

list_finishers!(
    BillingReportFilters,
    BillingReportSummary,
    "billing reports"
);

fn billing_periods(filters: &BillingReportFilters) -> Result<(), ValidationReport> {
    let mut report = ValidationReport::default();
    report.billing_period("before", filters.before.as_deref());
    report.billing_period("after", filters.after.as_deref());
    report.finish(|| ())
}

/// A billing report list; from [`BillingReports::list`]. A validation problem of its
/// filters is the stream's only item.
pub type ListBillingReports = List<BillingReportFilters>;

impl ListBillingReports {
    /// Only reports of billing periods before `billing_period` (`YYYY-MM`).
    ///
    /// ```no_run
    /// use webex_broadworks::prelude::*;
    ///
    /// # async fn example(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
    /// let last_year: Vec<_> = client.billing_reports().list().before("2024-01").stream().try_collect().await?;
    /// # Ok(()) }
    /// ```
    pub fn before(mut self, billing_period: impl Into<String>) -> Self {
        self.filters.before = Some(billing_period.into());
        self
    }

    /// Only reports of billing periods after `billing_period` (`YYYY-MM`).
    ///
    /// ```no_run
    /// use webex_broadworks::prelude::*;
    ///
    /// # async fn example(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
    /// let this_year: Vec<_> = client.billing_reports().list().after("2023-12").stream().try_collect().await?;
    /// # Ok(()) }
    /// ```
    pub fn after(mut self, billing_period: impl Into<String>) -> Self {
        self.filters.after = Some(billing_period.into());
        self
    }

    /// Sorted by this field (`billingPeriod` by default).
    ///
    /// ```no_run
    /// use webex_broadworks::prelude::*;
    /// use webex_broadworks::BillingReportSortBy;
    ///
    /// # async fn example(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
    /// let by_status: Vec<_> = client
    ///     .billing_reports()
    ///     .list()
    ///     .sort_by(BillingReportSortBy::Status)
    ///     .stream()
    ///     .try_collect()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn sort_by(mut self, field: BillingReportSortBy) -> Self {
        self.filters.sort_by = Some(field);
        self
    }
}
