//! Billing reports: create, read, list, delete, wait.

use std::sync::Arc;

use futures::StreamExt;
use futures::stream::{self, BoxStream};
use url::Url;
use webex_broadworks_api::types::{self, BillingReport, BillingReportSortBy, BillingReportSummary};
use webex_broadworks_api::wire::BillingReportStatus;

use crate::async_work::AsyncError;
use crate::client::{Client, Reply};
use crate::error::{Error, Resource};
use crate::operation::Operation;
use crate::outcome::BillingReportOutcome;
use crate::paginate::{self, FetchPage, ListQuery, Page};
use crate::requests::path_id;
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
    pub fn billing_reports(&self) -> BillingReports {
        BillingReports::new(self.clone())
    }
}

impl BillingReports {
    pub(crate) fn new(client: Client) -> Self {
        BillingReports { client }
    }

    /// The reports, filtered and sorted.
    pub fn list(&self) -> ListBillingReports {
        ListBillingReports {
            client: self.client.clone(),
            before: None,
            after: None,
            sort_by: None,
        }
    }

    /// Asks for the report of `billing_period` (`YYYY-MM`); returns its id. Webex generates
    /// it asynchronously: see [`wait`](Self::wait).
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
    pub async fn get(&self, report_id: &str) -> Result<BillingReport, Error> {
        path_id("id", report_id)?;
        value(get_reply(&self.client, report_id).await)
    }

    /// Deletes a report.
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
    pub fn wait(&self, report_id: &str) -> BillingReportWait {
        Wait::new(self.client.clone(), report_id, finish)
    }
}

async fn get_reply(client: &Client, report_id: &str) -> Result<Reply<BillingReport>, Error> {
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

    fn read(client: Client, id: String) -> BoxFuture<'static, Result<Reply<Self>, Error>> {
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

/// The filters of a billing report list; from [`BillingReports::list`].
#[derive(Clone, Debug)]
#[must_use = "a list does nothing until streamed"]
pub struct ListBillingReports {
    client: Client,
    before: Option<String>,
    after: Option<String>,
    sort_by: Option<BillingReportSortBy>,
}

impl ListBillingReports {
    /// Only reports of billing periods before `billing_period` (`YYYY-MM`).
    pub fn before(mut self, billing_period: impl Into<String>) -> Self {
        self.before = Some(billing_period.into());
        self
    }

    /// Only reports of billing periods after `billing_period` (`YYYY-MM`).
    pub fn after(mut self, billing_period: impl Into<String>) -> Self {
        self.after = Some(billing_period.into());
        self
    }

    /// Sorted by this field (`billingPeriod` by default).
    pub fn sort_by(mut self, field: BillingReportSortBy) -> Self {
        self.sort_by = Some(field);
        self
    }

    fn validate(&self) -> Result<(), ValidationReport> {
        let mut report = ValidationReport::default();
        report.billing_period("before", self.before.as_deref());
        report.billing_period("after", self.after.as_deref());
        report.finish(|| ())
    }

    /// The pages, read as the stream is polled; a validation problem is the only item.
    pub fn pages(self) -> BoxStream<'static, Result<Page<BillingReportSummary>, Error>> {
        if let Err(report) = self.validate() {
            return stream::once(async move { Err(Error::Validation(report)) }).boxed();
        }
        let mut filters = Vec::new();
        if let Some(before) = &self.before {
            filters.push(("before", before.clone()));
        }
        if let Some(after) = &self.after {
            filters.push(("after", after.clone()));
        }
        if let Some(sort_by) = self.sort_by {
            filters.push(("sortBy", sort_by.to_string()));
        }
        let query = ListQuery {
            operation: Operation::ListBillingReports,
            base: self.client.base().clone(),
            filters,
            page_size: None,
        };
        let fetch: FetchPage<BillingReportSummary> = Arc::new(move |next: Option<Url>| {
            let list = self.clone();
            Box::pin(async move {
                let api = list.client.api();
                let reply = list
                    .client
                    .call(Operation::ListBillingReports, next, || {
                        let mut request = api.list_billing_reports();
                        if let Some(before) = &list.before {
                            request = request.before(before.as_str());
                        }
                        if let Some(after) = &list.after {
                            request = request.after(after.as_str());
                        }
                        if let Some(sort_by) = list.sort_by {
                            request = request.sort_by(sort_by);
                        }
                        request.send()
                    })
                    .await?;
                Ok(reply.map(|reports| reports.items))
            })
        });
        paginate::pages(query, fetch)
    }

    /// Every report.
    pub fn stream(self) -> BoxStream<'static, Result<BillingReportSummary, Error>> {
        paginate::items(self.pages())
    }
}
