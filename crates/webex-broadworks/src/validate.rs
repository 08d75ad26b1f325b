//! Checks made before any request, from what Webex states about its fields.
//!
//! Only rules the API's documentation establishes are checked here; the server stays the
//! authority on everything else. Every problem of a request is reported at once, each with
//! the field's path as it travels on the wire, the rule and a hint. Values are never
//! echoed: they may be personal data.

use std::fmt;
use std::str::FromStr;

use webex_broadworks_api::wire::Package;

/// The rule a field broke.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Rule {
    /// The field is mandatory and was missing or blank.
    Required,
    /// Not one of the values the API declares.
    OneOf,
    /// Not an IANA time zone name.
    TimeZone,
    /// Not a phone number in the form Webex uses (`+1-240-555-1212`).
    PhoneNumber,
    /// An extension must be digits.
    Extension,
    /// Not an e-mail address.
    Email,
    /// A language must be an ISO 639-1 code, optionally with an ISO 3166 country (`en_US`).
    Language,
    /// An update may not remove both the primary number and the extension.
    KeepNumberOrExtension,
    /// Outside the allowed length.
    Length,
    /// A billing period is a month, `YYYY-MM`.
    BillingPeriod,
    /// The value does not have the form the API description requires.
    Format,
}

impl Rule {
    /// A short name for the rule.
    pub fn name(self) -> &'static str {
        match self {
            Rule::Required => "required",
            Rule::OneOf => "one-of",
            Rule::TimeZone => "time-zone",
            Rule::PhoneNumber => "phone-number",
            Rule::Extension => "extension",
            Rule::Email => "email",
            Rule::Language => "language",
            Rule::KeepNumberOrExtension => "keep-number-or-extension",
            Rule::Length => "length",
            Rule::BillingPeriod => "billing-period",
            Rule::Format => "format",
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One problem with one field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    field: String,
    rule: Rule,
    hint: String,
}

impl Problem {
    /// The field's path as on the wire, such as `primaryPhoneNumber` or
    /// `customerInfo.primaryEmail`.
    pub fn field(&self) -> &str {
        &self.field
    }

    /// The rule broken.
    pub fn rule(&self) -> Rule {
        self.rule
    }

    /// What a valid value looks like.
    pub fn hint(&self) -> &str {
        &self.hint
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} [{}]: {}", self.field, self.rule, self.hint)
    }
}

/// Every problem found in one request; never empty when returned as an error.
///
/// ```
/// use webex_broadworks::{ProvisionSubscriber, Rule};
///
/// let report = ProvisionSubscriber::new()
///     .user_id("alice@sp.example")
///     .primary_phone_number("call me")
///     .validate()
///     .unwrap_err();
/// assert!(report.problems().iter().any(|p| p.field() == "firstName" && p.rule() == Rule::Required));
/// assert!(report.problems().iter().any(|p| p.field() == "primaryPhoneNumber" && p.rule() == Rule::PhoneNumber));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ValidationReport {
    problems: Vec<Problem>,
}

impl ValidationReport {
    /// The problems, in the order of the request's fields.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    /// Whether no problem was found.
    pub fn is_empty(&self) -> bool {
        self.problems.is_empty()
    }

    /// The problems of `field`.
    pub fn for_field<'a>(&'a self, field: &'a str) -> impl Iterator<Item = &'a Problem> + 'a {
        self.problems.iter().filter(move |p| p.field == field)
    }

    pub(crate) fn push(&mut self, field: &str, rule: Rule, hint: impl Into<String>) {
        self.problems.push(Problem {
            field: field.to_string(),
            rule,
            hint: hint.into(),
        });
    }

    /// Adds every problem of `other`.
    pub(crate) fn extend(&mut self, other: ValidationReport) {
        self.problems.extend(other.problems);
    }

    /// Adds every problem of `other`, its field named under `prefix` (`items[2].firstName`).
    pub(crate) fn extend_under(&mut self, prefix: &str, other: ValidationReport) {
        self.problems
            .extend(other.problems.into_iter().map(|problem| Problem {
                field: format!("{prefix}.{}", problem.field),
                ..problem
            }));
    }

    /// `Ok(value)` when nothing was found, else the report.
    pub(crate) fn finish<T>(self, value: impl FnOnce() -> T) -> Result<T, ValidationReport> {
        if self.problems.is_empty() {
            Ok(value())
        } else {
            Err(self)
        }
    }

    // ----- the rules -----

    /// A mandatory field: present and not blank.
    pub(crate) fn required<'v>(&mut self, field: &str, value: Option<&'v str>) -> Option<&'v str> {
        match value {
            Some(v) if !v.trim().is_empty() => Some(v),
            _ => {
                self.push(
                    field,
                    Rule::Required,
                    format!("set `{field}`; it is mandatory"),
                );
                None
            }
        }
    }

    pub(crate) fn package(&mut self, field: &str, value: Option<&Package>) {
        match value {
            None => {
                self.push(
                    field,
                    Rule::Required,
                    format!("set `{field}` to one of {}", package_names()),
                );
            }
            Some(package) if !package.is_known() => {
                self.push(
                    field,
                    Rule::OneOf,
                    format!("use one of {}", package_names()),
                );
            }
            Some(_) => {}
        }
    }

    pub(crate) fn time_zone(&mut self, field: &str, value: Option<&str>) {
        let Some(value) = value else { return };
        if chrono_tz::Tz::from_str(value).is_ok() {
            return;
        }
        let hint = match chrono_tz::TZ_VARIANTS
            .iter()
            .find(|tz| tz.name().eq_ignore_ascii_case(value))
        {
            Some(tz) => format!("time zone names are case-sensitive: use `{}`", tz.name()),
            None => "use an IANA time zone name such as `America/Los_Angeles`".to_string(),
        };
        self.push(field, Rule::TimeZone, hint);
    }

    /// The numbers of a request, checked alike in every request that carries them.
    pub(crate) fn numbers(&mut self, numbers: Numbers<'_>, empty: Empty) {
        self.phone_number("primaryPhoneNumber", numbers.primary, empty);
        self.phone_number("mobilePhoneNumber", numbers.mobile, empty);
        self.extension("extension", numbers.extension, empty);
    }

    /// A package, when one is given (requests where it may be left out).
    pub(crate) fn optional_package(&mut self, field: &str, value: Option<&Package>) {
        if value.is_some_and(|package| !package.is_known()) {
            self.package(field, value);
        }
    }

    pub(crate) fn phone_number(&mut self, field: &str, value: Option<&str>, empty: Empty) {
        let Some(value) = value else { return };
        if (empty == Empty::Removes && value.is_empty()) || is_phone_number(value) {
            return;
        }
        self.push(
            field,
            Rule::PhoneNumber,
            "write digits, optionally after `+` and in groups joined by `-`, such as \
             `+1-240-555-1212` (at most 15 digits)",
        );
    }

    pub(crate) fn extension(&mut self, field: &str, value: Option<&str>, empty: Empty) {
        let Some(value) = value else { return };
        if (empty == Empty::Removes && value.is_empty())
            || (!value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()))
        {
            return;
        }
        self.push(
            field,
            Rule::Extension,
            "write the extension as digits only, such as `1234`",
        );
    }

    pub(crate) fn email(&mut self, field: &str, value: Option<&str>) {
        let Some(value) = value else { return };
        if !is_email(value) {
            self.push(
                field,
                Rule::Email,
                "write an e-mail address such as `alice@example.com`",
            );
        }
    }

    pub(crate) fn language(&mut self, field: &str, value: Option<&str>) {
        let Some(value) = value else { return };
        if !is_language(value) {
            self.push(
                field,
                Rule::Language,
                "write an ISO 639-1 language code, optionally with an ISO 3166 country: \
                 `en` or `en_US`",
            );
        }
    }

    pub(crate) fn length(&mut self, field: &str, value: &str, min: usize, max: usize) {
        let count = value.chars().count();
        if count < min || count > max {
            self.push(
                field,
                Rule::Length,
                format!("give {min} to {max} characters; this has {count}"),
            );
        }
    }

    pub(crate) fn billing_period(&mut self, field: &str, value: Option<&str>) {
        let Some(value) = value else { return };
        if !is_billing_period(value) {
            self.push(
                field,
                Rule::BillingPeriod,
                "give a month as `YYYY-MM`, such as `2024-03`",
            );
        }
    }
}

impl fmt::Display for ValidationReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, problem) in self.problems.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationReport {}

fn package_names() -> String {
    let names: Vec<String> = Package::KNOWN
        .iter()
        .map(|p| format!("`{}`", p.as_str()))
        .collect();
    names.join(", ")
}

/// Digits in groups joined by single `-`, optionally after a `+`: the form of Webex's own
/// examples (`+1-240-555-1212`). At most 15 digits, the E.164 maximum.
/// What an empty value means in a request's field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Empty {
    /// Nothing: it is refused (a provisioning, a precheck).
    Refused,
    /// The field is removed (an update).
    Removes,
}

/// A request's phone numbers and extension, as given.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Numbers<'a> {
    pub(crate) primary: Option<&'a str>,
    pub(crate) mobile: Option<&'a str>,
    pub(crate) extension: Option<&'a str>,
}

fn is_phone_number(value: &str) -> bool {
    let digits = value.strip_prefix('+').unwrap_or(value);
    let groups_ok = digits
        .split('-')
        .all(|group| !group.is_empty() && group.bytes().all(|b| b.is_ascii_digit()));
    let count = digits.bytes().filter(u8::is_ascii_digit).count();
    groups_ok && (1..=15).contains(&count)
}

/// One `@` between a local part and a dotted domain, no spaces, within the lengths of
/// RFC 5321 (64 for the local part, 254 in all).
fn is_email(value: &str) -> bool {
    let Some((local, domain)) = value.split_once('@') else {
        return false;
    };
    let labels_ok = domain.split('.').count() >= 2
        && domain.split('.').all(|label| {
            !label.is_empty()
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        });
    !local.is_empty()
        && local.len() <= 64
        && value.len() <= 254
        && !domain.contains('@')
        && !value.chars().any(char::is_whitespace)
        && labels_ok
}

/// `{ISO-639-1}` or `{ISO-639-1}_{ISO-3166}`: `en`, `en_US`.
fn is_language(value: &str) -> bool {
    let two_letters = |s: &str| s.len() == 2 && s.bytes().all(|b| b.is_ascii_alphabetic());
    match value.split_once('_') {
        None => two_letters(value),
        Some((language, country)) => two_letters(language) && two_letters(country),
    }
}

/// `YYYY-MM` with a month from 01 to 12.
pub(crate) fn is_billing_period(value: &str) -> bool {
    let bytes = value.as_bytes();
    bytes.len() == 7
        && bytes[..4].iter().all(u8::is_ascii_digit)
        && bytes[4] == b'-'
        && bytes[5..].iter().all(u8::is_ascii_digit)
        && matches!(value[5..].parse::<u8>(), Ok(1..=12))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_in_webex_form() {
        for ok in [
            "+1-240-555-1212",
            "12405551212",
            "+441632960961",
            "5551212",
            "+1",
        ] {
            assert!(is_phone_number(ok), "{ok}");
        }
        for bad in [
            "",
            "+",
            "+1--240",
            "-1240",
            "1240-",
            "+1 240 555 1212",
            "(240) 555-1212",
            "call me",
            "+1-240-555-1212-0000000",
            "1+240",
        ] {
            assert!(!is_phone_number(bad), "{bad}");
        }
    }

    #[test]
    fn emails() {
        for ok in [
            "alice@example.com",
            "a.b+c@sub.example.co.uk",
            "95547321@sp.com",
        ] {
            assert!(is_email(ok), "{ok}");
        }
        for bad in [
            "",
            "alice",
            "alice@",
            "@example.com",
            "alice@example",
            "alice@@example.com",
            "al ice@example.com",
            "alice@exa..mple.com",
            "alice@-example.com",
        ] {
            assert!(!is_email(bad), "{bad}");
        }
    }

    #[test]
    fn billing_periods() {
        for ok in ["2024-01", "1999-12"] {
            assert!(is_billing_period(ok), "{ok}");
        }
        for bad in [
            "2024-13",
            "2024-00",
            "2024-1",
            "24-01",
            "2024/01",
            "2024-01-01",
            "２０２４-01",
        ] {
            assert!(!is_billing_period(bad), "{bad}");
        }
    }

    #[test]
    fn languages() {
        assert!(is_language("en") && is_language("en_US") && is_language("fr_CA"));
        assert!(
            !is_language("eng") && !is_language("en-US") && !is_language("en_") && !is_language("")
        );
    }

    #[test]
    fn time_zones_are_iana_names_with_a_case_hint() {
        let mut report = ValidationReport::default();
        report.time_zone("timezone", Some("America/Los_Angeles"));
        report.time_zone("timezone", Some("Europe/Paris"));
        assert!(report.is_empty());
        report.time_zone("timezone", Some("america/los_angeles"));
        report.time_zone("timezone", Some("Pacific Standard Time"));
        let hints: Vec<&str> = report.problems().iter().map(Problem::hint).collect();
        assert!(hints[0].contains("`America/Los_Angeles`"), "{}", hints[0]);
        assert!(hints[1].contains("IANA"), "{}", hints[1]);
    }

    #[test]
    fn extensions_are_digits_and_may_be_emptied_only_in_updates() {
        let mut report = ValidationReport::default();
        report.extension("extension", Some("1234"), Empty::Refused);
        report.extension("extension", Some(""), Empty::Removes);
        assert!(report.is_empty());
        report.extension("extension", Some(""), Empty::Refused);
        report.extension("extension", Some("12a"), Empty::Removes);
        assert_eq!(report.problems().len(), 2);
    }
}
