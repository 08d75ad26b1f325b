//! The store's billing report operations: create, read, list, delete.

use webex_broadworks_api::wire::BillingReportStatus;

use super::*;
use crate::clock::Timestamp;
use crate::error::ApiError;
use crate::ids::IdKind;

impl Store {
    /// Starts a report for `period`: `IN_PROGRESS`, then after the report delay `FAILED`
    /// (for a period not yet over, or one configured to fail) or `COMPLETED`.
    pub(crate) fn create_billing_report(
        &mut self,
        period: BillingPeriod,
        created_by: String,
        now: Timestamp,
    ) -> &BillingReportRecord {
        let key = period.to_string();
        let failure = self.billing_failures.get(&key).cloned().or_else(|| {
            (period >= BillingPeriod::of(now)).then(|| BillingFailure {
                code: None,
                description: format!("The billing period {key} is not over yet."),
            })
        });
        let record = BillingReportRecord {
            id: self.new_id(IdKind::BillingReport),
            period,
            created: now,
            created_by,
            status: BillingReportStatus::InProgress,
            errors: Vec::new(),
            download_url: None,
            due: Some((now + self.settings.timing.billing_report, failure)),
        };
        let id = record.id.clone();
        let seq = self.next_seq();
        self.billing_reports.insert(seq, record);
        self.billing_reports.get(&id).expect("just inserted")
    }

    pub(crate) fn billing_report(
        &mut self,
        id: &str,
        now: Timestamp,
    ) -> Result<&BillingReportRecord, ApiError> {
        let download_base = self.settings.download_base.clone();
        let record = self
            .billing_reports
            .get_mut(id)
            .ok_or_else(|| ApiError::not_found(format!("Billing report '{id}' not found.")))?;
        record.settle(now, |id| download_url(&download_base, id));
        Ok(record)
    }

    /// Reports within (`after`, `before`), both exclusive, sorted.
    pub(crate) fn list_billing_reports(
        &mut self,
        before: Option<BillingPeriod>,
        after: Option<BillingPeriod>,
        sort: BillingSort,
        now: Timestamp,
    ) -> Vec<&BillingReportRecord> {
        self.settle_all(now);
        let mut reports: Vec<&BillingReportRecord> = self
            .billing_reports
            .values()
            .filter(|r| before.is_none_or(|before| r.period < before))
            .filter(|r| after.is_none_or(|after| r.period > after))
            .collect();
        reports.sort_by(|a, b| sort.compare(a, b));
        reports
    }

    pub(crate) fn delete_billing_report(&mut self, id: &str) -> Result<(), ApiError> {
        self.billing_reports
            .remove(id)
            .map(|_| ())
            .ok_or_else(|| ApiError::not_found(format!("Billing report '{id}' not found.")))
    }
}

/// Where the simulator serves the CSV of a completed report.
pub(crate) fn download_url(download_base: &str, report_id: &str) -> String {
    format!("{download_base}/{report_id}.csv")
}
