//! Requests about subscribers: provision, update, precheck.

use webex_broadworks_api::types;
use webex_broadworks_api::wire::Package;

use crate::validate::{Empty, Numbers, Rule, ValidationReport};

/// What is needed to provision a subscriber; checked by [`validate`](Self::validate)
/// before anything is sent.
///
/// Mandatory: `provisioningId`, `userId`, `spEnterpriseId`, `firstName`, `lastName`,
/// `package`. Everything else is optional.
///
/// ```
/// use webex_broadworks::{Package, ProvisionSubscriber};
///
/// let request = ProvisionSubscriber::new()
///     .provisioning_id("prov-1")
///     .user_id("95547321@sp.com")
///     .sp_enterprise_id("Reseller1+acme")
///     .first_name("Alice")
///     .last_name("Ng")
///     .package(Package::Standard)
///     .primary_phone_number("+1-240-555-1212")
///     .timezone("America/Los_Angeles");
/// assert!(request.validate().is_ok());
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ProvisionSubscriber {
    pub(crate) provisioning_id: Option<String>,
    pub(crate) user_id: Option<String>,
    pub(crate) sp_enterprise_id: Option<String>,
    pub(crate) first_name: Option<String>,
    pub(crate) last_name: Option<String>,
    pub(crate) package: Option<Package>,
    pub(crate) email: Option<String>,
    pub(crate) primary_phone_number: Option<String>,
    pub(crate) mobile_phone_number: Option<String>,
    pub(crate) extension: Option<String>,
    pub(crate) language: Option<String>,
    pub(crate) timezone: Option<String>,
}

/// For each field, `field(value)` and `set_field(Option<value>)` (as aws-sdk has it): the
/// second takes what a caller's own optional data holds, `None` leaving the field unset.
macro_rules! setters {
    ($ty:ident { $( $(#[$doc:meta])* $field:ident / $set:ident ),+ $(,)? }) => {
        impl $ty {
            $(
                $(#[$doc])*
                pub fn $field(mut self, value: impl Into<String>) -> Self {
                    self.$field = Some(value.into());
                    self
                }

                #[doc = concat!("Sets [`", stringify!($field), "`](Self::", stringify!($field), ") from an `Option`; `None` leaves it unset.")]
                pub fn $set(mut self, value: Option<impl Into<String>>) -> Self {
                    self.$field = value.map(Into::into);
                    self
                }
            )+
        }
    };
}
pub(crate) use setters;

setters!(ProvisionSubscriber {
    /// The provisioning ID of the customer template, as Partner Hub shows it.
    provisioning_id / set_provisioning_id,
    /// The BroadWorks user ID, such as `95547321@sp.com`.
    user_id / set_user_id,
    /// The Service Provider's ID of the enterprise, such as `Reseller1+acme`.
    sp_enterprise_id / set_sp_enterprise_id,
    /// The first name.
    first_name / set_first_name,
    /// The last name.
    last_name / set_last_name,
    /// The e-mail address; mandatory for trusted e-mail provisioning.
    email / set_email,
    /// The primary phone number, such as `+1-240-555-1212`.
    primary_phone_number / set_primary_phone_number,
    /// The mobile phone number.
    mobile_phone_number / set_mobile_phone_number,
    /// The extension, digits only.
    extension / set_extension,
    /// The locale of the organisation and its Meetings sites: `en` or `en_US`.
    language / set_language,
    /// An IANA time zone name, such as `America/Los_Angeles`.
    timezone / set_timezone,
});

impl ProvisionSubscriber {
    /// An empty request; set at least the mandatory fields.
    pub fn new() -> Self {
        ProvisionSubscriber::default()
    }

    /// The package: `Package::Softphone`, `Basic`, `Standard` or `Premium` (or its name).
    pub fn package(mut self, package: impl Into<Package>) -> Self {
        self.package = Some(package.into());
        self
    }

    /// Sets [`package`](Self::package) from an `Option`; `None` leaves it unset.
    pub fn set_package(mut self, package: Option<impl Into<Package>>) -> Self {
        self.package = package.map(Into::into);
        self
    }

    /// The request as the API takes it, or every problem found.
    pub fn validate(&self) -> Result<types::ProvisionSubscriberRequest, ValidationReport> {
        let mut report = ValidationReport::default();
        let provisioning_id = report.required("provisioningId", self.provisioning_id.as_deref());
        let user_id = report.required("userId", self.user_id.as_deref());
        let sp_enterprise_id = report.required("spEnterpriseId", self.sp_enterprise_id.as_deref());
        let first_name = report.required("firstName", self.first_name.as_deref());
        let last_name = report.required("lastName", self.last_name.as_deref());
        report.package("package", self.package.as_ref());
        report.email("email", self.email.as_deref());
        report.numbers(
            Numbers {
                primary: self.primary_phone_number.as_deref(),
                mobile: self.mobile_phone_number.as_deref(),
                extension: self.extension.as_deref(),
            },
            Empty::Refused,
        );
        report.language("language", self.language.as_deref());
        report.time_zone("timezone", self.timezone.as_deref());
        report.finish(|| types::ProvisionSubscriberRequest {
            provisioning_id: provisioning_id.unwrap_or_default().to_string(),
            user_id: user_id.unwrap_or_default().to_string(),
            sp_enterprise_id: sp_enterprise_id.unwrap_or_default().to_string(),
            first_name: first_name.unwrap_or_default().to_string(),
            last_name: last_name.unwrap_or_default().to_string(),
            package: self.package.clone().unwrap_or(Package::Basic),
            email: self.email.clone(),
            primary_phone_number: self.primary_phone_number.clone(),
            mobile_phone_number: self.mobile_phone_number.clone(),
            extension: self.extension.clone(),
            language: self.language.clone(),
            timezone: self.timezone.clone(),
        })
    }
}

/// Changes to a subscriber; fields left unset stay as they are.
///
/// An empty `mobilePhoneNumber` removes the mobile number; an empty `primaryPhoneNumber` or
/// `extension` removes it only while the other remains, so one update may not empty both.
///
/// ```
/// use webex_broadworks::{Rule, UpdateSubscriber};
///
/// assert!(UpdateSubscriber::new().extension("4321").validate().is_ok());
/// let report = UpdateSubscriber::new()
///     .primary_phone_number("")
///     .extension("")
///     .validate()
///     .unwrap_err();
/// assert_eq!(report.problems()[0].rule(), Rule::KeepNumberOrExtension);
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct UpdateSubscriber {
    pub(crate) user_id: Option<String>,
    pub(crate) first_name: Option<String>,
    pub(crate) last_name: Option<String>,
    pub(crate) primary_phone_number: Option<String>,
    pub(crate) mobile_phone_number: Option<String>,
    pub(crate) extension: Option<String>,
    pub(crate) timezone: Option<String>,
    pub(crate) package: Option<Package>,
}

setters!(UpdateSubscriber {
    /// A new BroadWorks user ID.
    user_id / set_user_id,
    /// A new first name.
    first_name / set_first_name,
    /// A new last name.
    last_name / set_last_name,
    /// A new primary phone number; empty to remove it while an extension remains.
    primary_phone_number / set_primary_phone_number,
    /// A new mobile phone number; empty to remove it.
    mobile_phone_number / set_mobile_phone_number,
    /// A new extension; empty to remove it while a primary number remains.
    extension / set_extension,
    /// A new IANA time zone name.
    timezone / set_timezone,
});

impl UpdateSubscriber {
    /// An update that changes nothing yet.
    pub fn new() -> Self {
        UpdateSubscriber::default()
    }

    /// A new package.
    pub fn package(mut self, package: impl Into<Package>) -> Self {
        self.package = Some(package.into());
        self
    }

    /// Sets [`package`](Self::package) from an `Option`; `None` leaves it unset.
    pub fn set_package(mut self, package: Option<impl Into<Package>>) -> Self {
        self.package = package.map(Into::into);
        self
    }

    /// The request as the API takes it, or every problem found.
    pub fn validate(&self) -> Result<types::UpdateSubscriberRequest, ValidationReport> {
        let mut report = ValidationReport::default();
        report.numbers(
            Numbers {
                primary: self.primary_phone_number.as_deref(),
                mobile: self.mobile_phone_number.as_deref(),
                extension: self.extension.as_deref(),
            },
            Empty::Removes,
        );
        if self.primary_phone_number.as_deref() == Some("") && self.extension.as_deref() == Some("")
        {
            report.push(
                "primaryPhoneNumber",
                Rule::KeepNumberOrExtension,
                "a subscriber keeps a primary number or an extension: do not empty \
                 `primaryPhoneNumber` and `extension` in the same update",
            );
        }
        report.optional_package("package", self.package.as_ref());
        if self.timezone.as_deref() != Some("") {
            report.time_zone("timezone", self.timezone.as_deref());
        }
        report.finish(|| types::UpdateSubscriberRequest {
            user_id: self.user_id.clone(),
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            primary_phone_number: self.primary_phone_number.clone(),
            mobile_phone_number: self.mobile_phone_number.clone(),
            extension: self.extension.clone(),
            timezone: self.timezone.clone(),
            package: self.package.clone(),
        })
    }
}

/// A provisioning to check without doing it; only `email` is mandatory.
///
/// ```
/// use webex_broadworks::PrecheckSubscriber;
///
/// let request = PrecheckSubscriber::new("alice@example.com")
///     .provisioning_id("prov-1")
///     .customer_primary_email("admin@customer.example");
/// assert!(request.validate().is_ok());
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PrecheckSubscriber {
    pub(crate) email: Option<String>,
    pub(crate) customer_primary_email: Option<String>,
    pub(crate) provisioning_id: Option<String>,
    pub(crate) user_id: Option<String>,
    pub(crate) sp_enterprise_id: Option<String>,
    pub(crate) first_name: Option<String>,
    pub(crate) last_name: Option<String>,
    pub(crate) package: Option<Package>,
    pub(crate) primary_phone_number: Option<String>,
    pub(crate) mobile_phone_number: Option<String>,
    pub(crate) extension: Option<String>,
    pub(crate) timezone: Option<String>,
}

setters!(PrecheckSubscriber {
    /// The customer's primary e-mail address (`customerInfo.primaryEmail`).
    customer_primary_email / set_customer_primary_email,
    /// The provisioning ID of the customer template.
    provisioning_id / set_provisioning_id,
    /// The BroadWorks user ID.
    user_id / set_user_id,
    /// The Service Provider's ID of the enterprise.
    sp_enterprise_id / set_sp_enterprise_id,
    /// The first name.
    first_name / set_first_name,
    /// The last name.
    last_name / set_last_name,
    /// The primary phone number.
    primary_phone_number / set_primary_phone_number,
    /// The mobile phone number.
    mobile_phone_number / set_mobile_phone_number,
    /// The extension, digits only.
    extension / set_extension,
    /// An IANA time zone name.
    timezone / set_timezone,
});

impl PrecheckSubscriber {
    /// A precheck of the subscriber with e-mail address `email`.
    pub fn new(email: impl Into<String>) -> Self {
        PrecheckSubscriber {
            email: Some(email.into()),
            ..PrecheckSubscriber::default()
        }
    }

    /// The package to check.
    pub fn package(mut self, package: impl Into<Package>) -> Self {
        self.package = Some(package.into());
        self
    }

    /// Sets [`package`](Self::package) from an `Option`; `None` leaves it unset.
    pub fn set_package(mut self, package: Option<impl Into<Package>>) -> Self {
        self.package = package.map(Into::into);
        self
    }

    /// The request as the API takes it, or every problem found.
    pub fn validate(&self) -> Result<types::PrecheckSubscriberRequest, ValidationReport> {
        let mut report = ValidationReport::default();
        if report.required("email", self.email.as_deref()).is_some() {
            report.email("email", self.email.as_deref());
        }
        if let Some(primary) = &self.customer_primary_email
            && report
                .required("customerInfo.primaryEmail", Some(primary))
                .is_some()
        {
            report.email("customerInfo.primaryEmail", Some(primary));
        }
        report.optional_package("package", self.package.as_ref());
        report.numbers(
            Numbers {
                primary: self.primary_phone_number.as_deref(),
                mobile: self.mobile_phone_number.as_deref(),
                extension: self.extension.as_deref(),
            },
            Empty::Refused,
        );
        report.time_zone("timezone", self.timezone.as_deref());
        report.finish(|| types::PrecheckSubscriberRequest {
            email: self.email.clone().unwrap_or_default(),
            customer_info: self
                .customer_primary_email
                .clone()
                .map(|primary_email| types::PrecheckCustomerInfo { primary_email }),
            provisioning_id: self.provisioning_id.clone(),
            user_id: self.user_id.clone(),
            sp_enterprise_id: self.sp_enterprise_id.clone(),
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            package: self.package.clone(),
            primary_phone_number: self.primary_phone_number.clone(),
            mobile_phone_number: self.mobile_phone_number.clone(),
            extension: self.extension.clone(),
            language: None,
            timezone: self.timezone.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_problem_is_reported_at_once() {
        let report = ProvisionSubscriber::new()
            .user_id("  ")
            .package("platinum")
            .email("not-an-address")
            .primary_phone_number("+1 240 777 1212")
            .extension("12a")
            .language("english")
            .timezone("Mars/Olympus")
            .validate()
            .unwrap_err();
        let found: Vec<(&str, Rule)> = report
            .problems()
            .iter()
            .map(|p| (p.field(), p.rule()))
            .collect();
        assert_eq!(
            found,
            [
                ("provisioningId", Rule::Required),
                ("userId", Rule::Required),
                ("spEnterpriseId", Rule::Required),
                ("firstName", Rule::Required),
                ("lastName", Rule::Required),
                ("package", Rule::OneOf),
                ("email", Rule::Email),
                ("primaryPhoneNumber", Rule::PhoneNumber),
                ("extension", Rule::Extension),
                ("language", Rule::Language),
                ("timezone", Rule::TimeZone),
            ]
        );
        let text = report.to_string();
        assert!(
            !text.contains("not-an-address") && !text.contains("777"),
            "values are never echoed: {text}"
        );
    }

    #[test]
    fn a_valid_request_maps_onto_the_wire_type() {
        let wire = ProvisionSubscriber::new()
            .provisioning_id("p")
            .user_id("u@sp.com")
            .sp_enterprise_id("Reseller1+acme")
            .first_name("A")
            .last_name("B")
            .package("premium")
            .extension("100")
            .validate()
            .unwrap();
        assert_eq!(wire.package, Package::Premium);
        assert_eq!(wire.extension.as_deref(), Some("100"));
        assert_eq!(wire.email, None);
    }

    #[test]
    fn updates_may_empty_one_number_but_not_both() {
        assert!(
            UpdateSubscriber::new()
                .primary_phone_number("")
                .validate()
                .is_ok()
        );
        assert!(
            UpdateSubscriber::new()
                .mobile_phone_number("")
                .timezone("")
                .validate()
                .is_ok()
        );
        let report = UpdateSubscriber::new()
            .primary_phone_number("")
            .extension("")
            .package("gold")
            .validate()
            .unwrap_err();
        let rules: Vec<Rule> = report.problems().iter().map(|p| p.rule()).collect();
        assert_eq!(rules, [Rule::KeepNumberOrExtension, Rule::OneOf]);
    }

    #[test]
    fn precheck_needs_an_email_and_a_customer_email_when_customer_info_is_given() {
        let report = PrecheckSubscriber::new("")
            .customer_primary_email("x")
            .validate()
            .unwrap_err();
        let found: Vec<(&str, Rule)> = report
            .problems()
            .iter()
            .map(|p| (p.field(), p.rule()))
            .collect();
        assert_eq!(
            found,
            [
                ("email", Rule::Required),
                ("customerInfo.primaryEmail", Rule::Email)
            ]
        );
    }
}
