//! Billing reports: generated asynchronously, then `COMPLETED` or `FAILED`.

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};
use webex_broadworks_api::wire::BillingReportStatus;

use super::table::Row;
use crate::clock::Timestamp;
use crate::error::ApiError;

/// Why the report of one billing period fails, as shown in the report's `errors`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BillingFailure {
    /// The error's `code`, if it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<i64>,
    /// The error's `description`.
    pub description: String,
}

/// A billing period, `YYYY-MM`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct BillingPeriod {
    year: u16,
    month: u8,
}

impl BillingPeriod {
    /// Parses `YYYY-MM`.
    pub(crate) fn parse(value: &str) -> Option<BillingPeriod> {
        let (year, month) = value.split_once('-')?;
        if year.len() != 4 || month.len() != 2 {
            return None;
        }
        let year: u16 = year.parse().ok()?;
        let month: u8 = month.parse().ok()?;
        (1..=12)
            .contains(&month)
            .then_some(BillingPeriod { year, month })
    }

    /// The period that contains `time`.
    pub(crate) fn of(time: chrono::DateTime<chrono::Utc>) -> BillingPeriod {
        use chrono::Datelike;
        BillingPeriod {
            year: time.year().clamp(0, 9999) as u16,
            month: time.month() as u8,
        }
    }
}

impl std::fmt::Display for BillingPeriod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// The `sortBy` of the billing report list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BillingSort {
    Id,
    Status,
    BillingPeriod,
}

impl BillingSort {
    pub(crate) fn parse(value: &str) -> Option<BillingSort> {
        match value {
            "id" => Some(BillingSort::Id),
            "status" => Some(BillingSort::Status),
            "billingPeriod" => Some(BillingSort::BillingPeriod),
            _ => None,
        }
    }

    pub(crate) fn compare(self, a: &BillingReportRecord, b: &BillingReportRecord) -> Ordering {
        match self {
            BillingSort::Id => a.id.cmp(&b.id),
            BillingSort::Status => a.status.as_str().cmp(b.status.as_str()),
            BillingSort::BillingPeriod => a.period.cmp(&b.period),
        }
    }
}

/// One billing report as the simulator keeps it.
#[derive(Clone, Debug)]
pub(crate) struct BillingReportRecord {
    pub(crate) id: String,
    pub(crate) period: BillingPeriod,
    pub(crate) created: Timestamp,
    pub(crate) created_by: String,
    pub(crate) status: BillingReportStatus,
    pub(crate) errors: Vec<(Option<i64>, String)>,
    pub(crate) download_url: Option<String>,
    /// When generation ends, and how.
    pub(crate) due: Option<(Timestamp, Option<BillingFailure>)>,
}

impl Row for BillingReportRecord {
    fn id(&self) -> &str {
        &self.id
    }
}

impl BillingReportRecord {
    /// Ends generation if it is due at `now`; a completed report gets `download_url`.
    pub(crate) fn settle(&mut self, now: Timestamp, download_url: impl FnOnce(&str) -> String) {
        let Some((_, failure)) = self.due.take_if(|(due, _)| *due <= now) else {
            return;
        };
        match failure {
            Some(failure) => {
                self.status = BillingReportStatus::Failed;
                self.errors = vec![(failure.code, failure.description)];
            }
            None => {
                self.status = BillingReportStatus::Completed;
                self.download_url = Some(download_url(&self.id));
            }
        }
    }
}

/// Parses a `billingPeriod` body field or `before`/`after` filter.
pub(crate) fn parse_period(field: &str, value: &str) -> Result<BillingPeriod, ApiError> {
    BillingPeriod::parse(value).ok_or_else(|| {
        ApiError::invalid_field(
            field,
            format!("'{field}' must be a month written YYYY-MM, not '{value}'."),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_parse_and_order() {
        let may = BillingPeriod::parse("2021-05").unwrap();
        assert_eq!(may.to_string(), "2021-05");
        assert!(BillingPeriod::parse("2020-12").unwrap() < may);
        for bad in ["2021-13", "2021-5", "21-05", "2021/05", "2021-00", ""] {
            assert_eq!(BillingPeriod::parse(bad), None, "{bad}");
        }
    }
}
