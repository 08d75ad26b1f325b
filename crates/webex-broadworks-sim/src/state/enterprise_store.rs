//! The store's enterprise operations: list, read.

use super::*;
use crate::clock::Timestamp;
use crate::error::ApiError;

impl Store {
    /// Enterprises with `sp_enterprise_id` (exact) and starting with `starts_with`.
    pub(crate) fn list_enterprises(
        &mut self,
        sp_enterprise_id: Option<&str>,
        starts_with: Option<&str>,
        now: Timestamp,
    ) -> Vec<(u64, &EnterpriseRecord)> {
        self.settle_all(now);
        self.enterprises
            .iter()
            .filter(|(_, e)| sp_enterprise_id.is_none_or(|id| e.sp_enterprise_id == id))
            .filter(|(_, e)| {
                starts_with.is_none_or(|prefix| e.sp_enterprise_id.starts_with(prefix))
            })
            .collect()
    }

    /// The enterprise `id` as it stands at `now`.
    pub(crate) fn enterprise(
        &mut self,
        id: &str,
        now: Timestamp,
    ) -> Result<&mut EnterpriseRecord, ApiError> {
        let record = self
            .enterprises
            .get_mut(id)
            .ok_or_else(|| ApiError::not_found(format!("Enterprise '{id}' not found.")))?;
        record.settle(now);
        Ok(record)
    }
}
