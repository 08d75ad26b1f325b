//! Requests about workspaces: provision, update.

use webex_broadworks_api::types;

use super::subscriber::setters;
use crate::validate::{Empty, Numbers, ValidationReport};

/// What is needed to provision a workspace for an existing customer.
///
/// Mandatory: `provisioningId`, `userId`, `spEnterpriseId`, `displayName`.
///
/// ```
/// use webex_broadworks::ProvisionWorkspace;
///
/// let request = ProvisionWorkspace::new()
///     .provisioning_id("prov-1")
///     .user_id("room-1@sp.com")
///     .sp_enterprise_id("Reseller1+acme")
///     .display_name("Room 1")
///     .extension("2001");
/// assert!(request.validate().is_ok());
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ProvisionWorkspace {
    pub(crate) provisioning_id: Option<String>,
    pub(crate) user_id: Option<String>,
    pub(crate) sp_enterprise_id: Option<String>,
    pub(crate) display_name: Option<String>,
    pub(crate) primary_phone_number: Option<String>,
    pub(crate) extension: Option<String>,
}

setters!(ProvisionWorkspace {
    /// The provisioning ID of the customer template.
    provisioning_id / set_provisioning_id,
    /// The workspace's BroadWorks user ID.
    user_id / set_user_id,
    /// The Service Provider's ID of the customer's enterprise.
    sp_enterprise_id / set_sp_enterprise_id,
    /// The workspace's name in Webex.
    display_name / set_display_name,
    /// The primary phone number, such as `+1-240-555-1212`.
    primary_phone_number / set_primary_phone_number,
    /// The extension, digits only.
    extension / set_extension,
});

impl ProvisionWorkspace {
    /// An empty request; set at least the mandatory fields.
    pub fn new() -> Self {
        ProvisionWorkspace::default()
    }

    /// The request as the API takes it, or every problem found.
    pub fn validate(&self) -> Result<types::ProvisionWorkspaceRequest, ValidationReport> {
        let mut report = ValidationReport::default();
        let provisioning_id = report.required("provisioningId", self.provisioning_id.as_deref());
        let user_id = report.required("userId", self.user_id.as_deref());
        let sp_enterprise_id = report.required("spEnterpriseId", self.sp_enterprise_id.as_deref());
        let display_name = report.required("displayName", self.display_name.as_deref());
        report.numbers(
            Numbers {
                primary: self.primary_phone_number.as_deref(),
                extension: self.extension.as_deref(),
                ..Numbers::default()
            },
            Empty::Refused,
        );
        report.finish(|| types::ProvisionWorkspaceRequest {
            provisioning_id: provisioning_id.unwrap_or_default().to_string(),
            user_id: user_id.unwrap_or_default().to_string(),
            sp_enterprise_id: sp_enterprise_id.unwrap_or_default().to_string(),
            display_name: display_name.unwrap_or_default().to_string(),
            primary_phone_number: self.primary_phone_number.clone(),
            extension: self.extension.clone(),
        })
    }
}

/// Changes to a workspace; fields left unset stay as they are.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct UpdateWorkspace {
    pub(crate) user_id: Option<String>,
    pub(crate) primary_phone_number: Option<String>,
    pub(crate) extension: Option<String>,
}

setters!(UpdateWorkspace {
    /// A new BroadWorks user ID.
    user_id / set_user_id,
    /// A new primary phone number.
    primary_phone_number / set_primary_phone_number,
    /// A new extension, digits only.
    extension / set_extension,
});

impl UpdateWorkspace {
    /// An update that changes nothing yet.
    pub fn new() -> Self {
        UpdateWorkspace::default()
    }

    /// The request as the API takes it, or every problem found.
    pub fn validate(&self) -> Result<types::UpdateWorkspaceRequest, ValidationReport> {
        let mut report = ValidationReport::default();
        // What an empty value does to a workspace is not documented: leave it to Webex.
        report.numbers(
            Numbers {
                primary: self.primary_phone_number.as_deref(),
                extension: self.extension.as_deref(),
                ..Numbers::default()
            },
            Empty::Removes,
        );
        report.finish(|| types::UpdateWorkspaceRequest {
            user_id: self.user_id.clone(),
            primary_phone_number: self.primary_phone_number.clone(),
            extension: self.extension.clone(),
        })
    }
}

/// The workspace id path parameter: 1 to 256 characters.
pub(crate) fn workspace_id(id: &str) -> Result<types::WorkspaceId, ValidationReport> {
    let mut report = ValidationReport::default();
    report.length("workspaceId", id, 1, 256);
    report.finish(|| ())?;
    types::WorkspaceId::try_from(id).map_err(|e| {
        let mut report = ValidationReport::default();
        report.push("workspaceId", crate::Rule::Length, e.to_string());
        report
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Rule;

    #[test]
    fn workspace_ids_are_1_to_256_characters() {
        assert!(workspace_id("w").is_ok());
        assert!(workspace_id(&"é".repeat(256)).is_ok());
        for bad in [String::new(), "w".repeat(257)] {
            let report = workspace_id(&bad).unwrap_err();
            assert_eq!(report.problems()[0].rule(), Rule::Length);
            assert_eq!(report.problems()[0].field(), "workspaceId");
        }
    }

    #[test]
    fn provisioning_reports_each_missing_field() {
        let report = ProvisionWorkspace::new()
            .primary_phone_number("x")
            .validate()
            .unwrap_err();
        let fields: Vec<&str> = report.problems().iter().map(|p| p.field()).collect();
        assert_eq!(
            fields,
            [
                "provisioningId",
                "userId",
                "spEnterpriseId",
                "displayName",
                "primaryPhoneNumber"
            ]
        );
    }
}
