//! The client's request builders, filled from a command line's flags or a bulk row's
//! columns. The field rules are the client's: each request is checked by its builder's
//! `validate()`, and every problem is reported as a flag or as a column of a row. Values are looked up by their wire names (`firstName`, `customerInfo.primaryEmail`);
//! a valid builder is returned, to send or to turn into the API's request type.

use webex_broadworks::{
    PrecheckSubscriber, ProvisionSubscriber, ProvisionWorkspace, UpdateSubscriber, UpdateWorkspace,
    ValidationReport,
};

use crate::field_table;
use crate::validation::Problems;

/// How a field is named to the operator.
#[derive(Clone, Copy, Debug)]
pub enum Naming {
    /// As a flag: `--first-name`.
    Flags,
    /// As a column of this row of a bulk file: `firstName`.
    Row(u64),
}

impl Naming {
    /// The name of a field given by its wire name.
    pub fn name(self, field: &str) -> String {
        match self {
            Naming::Flags => flag(field),
            Naming::Row(_) => field.to_string(),
        }
    }
}

/// `customerInfo.primaryEmail` -> `--customer-info-primary-email`.
pub fn flag(field: &str) -> String {
    let mut flag = String::from("--");
    for c in field.chars() {
        if c == '.' {
            flag.push('-');
        } else if c.is_ascii_uppercase() {
            flag.push('-');
            flag.push(c.to_ascii_lowercase());
        } else {
            flag.push(c);
        }
    }
    flag
}

/// Adds each problem of `report` to `problems`, named as `naming` says.
pub fn report(report: ValidationReport, naming: Naming, problems: &mut Problems) {
    for problem in report.problems() {
        let field = naming.name(problem.field());
        let message = format!("{} [{}]", problem.hint(), problem.rule());
        match naming {
            Naming::Flags => problems.field(field, message),
            Naming::Row(row) => problems.row(row, field, message),
        }
    }
}

/// Something the ergonomic client validates.
trait Validate {
    fn problems(&self) -> Option<ValidationReport>;
}

macro_rules! validate {
    ($($builder:ty),+) => {
        $(impl Validate for $builder {
            fn problems(&self) -> Option<ValidationReport> {
                self.validate().err()
            }
        })+
    };
}

validate!(
    ProvisionSubscriber,
    UpdateSubscriber,
    PrecheckSubscriber,
    ProvisionWorkspace,
    UpdateWorkspace
);

/// `builder` if it is valid; else its problems are added to `problems`.
fn checked<B: Validate>(builder: B, naming: Naming, problems: &mut Problems) -> Option<B> {
    match builder.problems() {
        None => Some(builder),
        Some(found) => {
            report(found, naming, problems);
            None
        }
    }
}

/// A subscriber provisioning from its fields, or `None` with its problems added to `problems`.
pub fn provision_subscriber(
    value: impl Fn(&str) -> Option<String>,
    naming: Naming,
    problems: &mut Problems,
) -> Option<ProvisionSubscriber> {
    checked(fill_provision_subscriber(value), naming, problems)
}

/// The same builder filled from the fields, unchecked: for a caller that checks it once, later.
pub fn fill_provision_subscriber(value: impl Fn(&str) -> Option<String>) -> ProvisionSubscriber {
    field_table::fill(
        ProvisionSubscriber::new(),
        field_table::PROVISION_SUBSCRIBER,
        value,
    )
}

/// A subscriber update from its fields (`userId` being the new user ID).
pub fn update_subscriber(
    value: impl Fn(&str) -> Option<String>,
    naming: Naming,
    problems: &mut Problems,
) -> Option<UpdateSubscriber> {
    checked(fill_update_subscriber(value), naming, problems)
}

/// The same builder filled from the fields, unchecked: for a caller that checks it once, later.
pub fn fill_update_subscriber(value: impl Fn(&str) -> Option<String>) -> UpdateSubscriber {
    field_table::fill(
        UpdateSubscriber::new(),
        field_table::UPDATE_SUBSCRIBER,
        value,
    )
}

/// A precheck from its fields; `email` is required.
pub fn precheck_subscriber(
    value: impl Fn(&str) -> Option<String>,
    naming: Naming,
    problems: &mut Problems,
) -> Option<PrecheckSubscriber> {
    // `email` is the builder's own argument; its entry in the table sets nothing.
    let builder = PrecheckSubscriber::new(value("email").unwrap_or_default());
    let builder = field_table::fill(builder, field_table::PRECHECK_SUBSCRIBER, value);
    checked(builder, naming, problems)
}

/// A workspace provisioning from its fields.
pub fn provision_workspace(
    value: impl Fn(&str) -> Option<String>,
    naming: Naming,
    problems: &mut Problems,
) -> Option<ProvisionWorkspace> {
    checked(fill_provision_workspace(value), naming, problems)
}

/// The same builder filled from the fields, unchecked: for a caller that checks it once, later.
pub fn fill_provision_workspace(value: impl Fn(&str) -> Option<String>) -> ProvisionWorkspace {
    field_table::fill(
        ProvisionWorkspace::new(),
        field_table::PROVISION_WORKSPACE,
        value,
    )
}

/// A workspace update from its fields.
pub fn update_workspace(
    value: impl Fn(&str) -> Option<String>,
    naming: Naming,
    problems: &mut Problems,
) -> Option<UpdateWorkspace> {
    let builder = field_table::fill(UpdateWorkspace::new(), field_table::UPDATE_WORKSPACE, value);
    checked(builder, naming, problems)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    #[test]
    fn wire_names_become_flags() {
        assert_eq!(flag("firstName"), "--first-name");
        assert_eq!(
            flag("customerInfo.primaryEmail"),
            "--customer-info-primary-email"
        );
        assert_eq!(flag("timezone"), "--timezone");
    }

    #[test]
    fn every_problem_is_reported_by_its_flag() {
        let fields: HashMap<&str, String> = [
            ("userId", "alice@sp.example"),
            ("package", "gold"),
            ("primaryPhoneNumber", "call me"),
            ("timezone", "Mars/Olympus"),
        ]
        .into_iter()
        .map(|(name, value)| (name, value.to_string()))
        .collect();
        let mut problems = Problems::new();
        let request = provision_subscriber(
            |name| fields.get(name).cloned(),
            Naming::Flags,
            &mut problems,
        );
        assert!(request.is_none());
        let flags: Vec<&str> = problems
            .iter()
            .map(|problem| problem.field.as_str())
            .collect();
        for expected in [
            "--provisioning-id",
            "--sp-enterprise-id",
            "--first-name",
            "--last-name",
            "--package",
            "--primary-phone-number",
            "--timezone",
        ] {
            assert!(
                flags.contains(&expected),
                "{expected} missing from {flags:?}"
            );
        }
        assert!(!flags.contains(&"--user-id"));
    }

    #[test]
    fn packages_are_case_insensitive() {
        let mut problems = Problems::new();
        let request = update_subscriber(
            |name| (name == "package").then(|| "Premium".to_string()),
            Naming::Row(4),
            &mut problems,
        )
        .unwrap()
        .validate()
        .unwrap();
        assert_eq!(request.package, Some(webex_broadworks::Package::Premium));
        assert!(problems.is_empty());
    }
}
