//! One table per kind of request: each field's wire name, flag, help and setter on the
//! client's builder. The tables make the command line's field flags (and their help), fill
//! the builders from flags and from bulk rows, and name the bulk files' columns, so a field
//! is written down once.

use clap::{Arg, ArgMatches, Command};
use webex_broadworks::{
    Package, PrecheckSubscriber, ProvisionSubscriber, ProvisionWorkspace, UpdateSubscriber,
    UpdateWorkspace,
};

use crate::commands::fields::Fields;

/// One field of a request.
#[derive(Debug)]
pub struct Field<B> {
    /// The API's name (`firstName`): the key of the fields, and the bulk file's column.
    pub wire: &'static str,
    /// The flag, without its dashes: the wire name in kebab-case.
    pub flag: &'static str,
    /// The flag's value in the help: the flag in upper snake case.
    pub value: &'static str,
    /// The flag's help.
    pub help: &'static str,
    /// Sets the field on the client's builder.
    pub set: fn(B, String) -> B,
}

/// A table's fields, as `clap` flags.
pub fn flags<B>(command: Command, table: &'static [Field<B>]) -> Command {
    table.iter().fold(command, |command, field| {
        command.arg(
            Arg::new(field.wire)
                .long(field.flag)
                .value_name(field.value)
                .help(field.help),
        )
    })
}

/// The values the flags of `table` were given, by wire name.
pub fn given<B>(matches: &mut ArgMatches, table: &'static [Field<B>]) -> Fields {
    Fields::from_pairs(
        table
            .iter()
            .filter_map(|field| {
                matches
                    .remove_one::<String>(field.wire)
                    .map(|value| (field.wire, value))
            })
            .collect(),
    )
}

/// `builder` with each field of `table` that `value` gives.
pub fn fill<B>(mut builder: B, table: &[Field<B>], value: impl Fn(&str) -> Option<String>) -> B {
    for field in table {
        if let Some(given) = value(field.wire) {
            builder = (field.set)(builder, given);
        }
    }
    builder
}

/// `--flag` for each field of `table`, for messages.
pub fn flag_list<B>(table: &[Field<B>]) -> String {
    let flags: Vec<String> = table
        .iter()
        .map(|field| format!("--{}", field.flag))
        .collect();
    flags.join(", ")
}

fn package(value: String) -> Package {
    Package::from(value.to_ascii_lowercase().as_str())
}

/// A `Field` literal: wire name, flag, value name, help, and the builder's setter.
macro_rules! field {
    ($wire:literal, $flag:literal, $value:literal, $help:literal, $set:expr) => {
        Field {
            wire: $wire,
            flag: $flag,
            value: $value,
            help: $help,
            set: $set,
        }
    };
}

/// `subscribers provision`, and the columns of `bulk provision-subscribers`.
pub const PROVISION_SUBSCRIBER: &[Field<ProvisionSubscriber>] = &[
    field!(
        "provisioningId",
        "provisioning-id",
        "PROVISIONING_ID",
        "The customer template's provisioning ID, as shown in Partner Hub [required]",
        |b, v| b.provisioning_id(v)
    ),
    field!(
        "userId",
        "user-id",
        "USER_ID",
        "The BroadWorks user ID [required]",
        |b, v| b.user_id(v)
    ),
    field!(
        "spEnterpriseId",
        "sp-enterprise-id",
        "SP_ENTERPRISE_ID",
        "The Service Provider's enterprise ID [required]",
        |b, v| b.sp_enterprise_id(v)
    ),
    field!(
        "firstName",
        "first-name",
        "FIRST_NAME",
        "First name [required]",
        |b, v| b.first_name(v)
    ),
    field!(
        "lastName",
        "last-name",
        "LAST_NAME",
        "Last name [required]",
        |b, v| b.last_name(v)
    ),
    field!(
        "package",
        "package",
        "PACKAGE",
        "softphone, basic, standard or premium [required]",
        |b, v| b.package(package(v))
    ),
    field!(
        "email",
        "email",
        "EMAIL",
        "E-mail address (mandatory for trusted e-mail provisioning)",
        |b, v| b.email(v)
    ),
    field!(
        "primaryPhoneNumber",
        "primary-phone-number",
        "PRIMARY_PHONE_NUMBER",
        "Primary phone number, e.g. +1-240-555-1212",
        |b, v| b.primary_phone_number(v)
    ),
    field!(
        "mobilePhoneNumber",
        "mobile-phone-number",
        "MOBILE_PHONE_NUMBER",
        "Mobile phone number",
        |b, v| b.mobile_phone_number(v)
    ),
    field!(
        "extension",
        "extension",
        "EXTENSION",
        "Extension",
        |b, v| b.extension(v)
    ),
    field!(
        "language",
        "language",
        "LANGUAGE",
        "Locale of the organisation and its Meetings sites, e.g. en or en_US",
        |b, v| b.language(v)
    ),
    field!(
        "timezone",
        "timezone",
        "TIMEZONE",
        "IANA time zone, e.g. America/Los_Angeles",
        |b, v| b.timezone(v)
    ),
];

/// `subscribers update`; in `bulk update-subscribers` the new user ID is `newUserId`.
pub const UPDATE_SUBSCRIBER: &[Field<UpdateSubscriber>] = &[
    field!(
        "userId",
        "user-id",
        "USER_ID",
        "New BroadWorks user ID",
        |b, v| b.user_id(v)
    ),
    field!(
        "firstName",
        "first-name",
        "FIRST_NAME",
        "New first name",
        |b, v| b.first_name(v)
    ),
    field!(
        "lastName",
        "last-name",
        "LAST_NAME",
        "New last name",
        |b, v| b.last_name(v)
    ),
    field!(
        "primaryPhoneNumber",
        "primary-phone-number",
        "PRIMARY_PHONE_NUMBER",
        "New primary phone number; empty removes it if an extension remains",
        |b, v| b.primary_phone_number(v)
    ),
    field!(
        "mobilePhoneNumber",
        "mobile-phone-number",
        "MOBILE_PHONE_NUMBER",
        "New mobile phone number; empty removes it",
        |b, v| b.mobile_phone_number(v)
    ),
    field!(
        "extension",
        "extension",
        "EXTENSION",
        "New extension; empty removes it if a primary number remains",
        |b, v| b.extension(v)
    ),
    field!(
        "timezone",
        "timezone",
        "TIMEZONE",
        "New IANA time zone",
        |b, v| b.timezone(v)
    ),
    field!(
        "package",
        "package",
        "PACKAGE",
        "New package: softphone, basic, standard or premium",
        |b, v| b.package(package(v))
    ),
];

/// `subscribers precheck`; `email` is the builder's own argument.
pub const PRECHECK_SUBSCRIBER: &[Field<PrecheckSubscriber>] = &[
    field!(
        "email",
        "email",
        "EMAIL",
        "E-mail address [required]",
        |b, _| b
    ),
    field!(
        "provisioningId",
        "provisioning-id",
        "PROVISIONING_ID",
        "The customer template's provisioning ID",
        |b, v| b.provisioning_id(v)
    ),
    field!(
        "userId",
        "user-id",
        "USER_ID",
        "The BroadWorks user ID",
        |b, v| b.user_id(v)
    ),
    field!(
        "spEnterpriseId",
        "sp-enterprise-id",
        "SP_ENTERPRISE_ID",
        "The Service Provider's enterprise ID",
        |b, v| b.sp_enterprise_id(v)
    ),
    field!(
        "firstName",
        "first-name",
        "FIRST_NAME",
        "First name",
        |b, v| b.first_name(v)
    ),
    field!("lastName", "last-name", "LAST_NAME", "Last name", |b, v| b
        .last_name(v)),
    field!(
        "package",
        "package",
        "PACKAGE",
        "softphone, basic, standard or premium",
        |b, v| b.package(package(v))
    ),
    field!(
        "primaryPhoneNumber",
        "primary-phone-number",
        "PRIMARY_PHONE_NUMBER",
        "Primary phone number",
        |b, v| b.primary_phone_number(v)
    ),
    field!(
        "mobilePhoneNumber",
        "mobile-phone-number",
        "MOBILE_PHONE_NUMBER",
        "Mobile phone number",
        |b, v| b.mobile_phone_number(v)
    ),
    field!(
        "extension",
        "extension",
        "EXTENSION",
        "Extension",
        |b, v| b.extension(v)
    ),
    field!(
        "timezone",
        "timezone",
        "TIMEZONE",
        "IANA time zone",
        |b, v| b.timezone(v)
    ),
    field!(
        "customerInfo.primaryEmail",
        "customer-info-primary-email",
        "CUSTOMER_INFO_PRIMARY_EMAIL",
        "For a customer Webex does not know yet: its administrator's e-mail address",
        |b, v| b.customer_primary_email(v)
    ),
];

/// `workspaces provision`, and the columns of `bulk provision-workspaces`.
pub const PROVISION_WORKSPACE: &[Field<ProvisionWorkspace>] = &[
    field!(
        "provisioningId",
        "provisioning-id",
        "PROVISIONING_ID",
        "The customer template's provisioning ID [required]",
        |b, v| b.provisioning_id(v)
    ),
    field!(
        "userId",
        "user-id",
        "USER_ID",
        "The workspace's BroadWorks user ID [required]",
        |b, v| b.user_id(v)
    ),
    field!(
        "spEnterpriseId",
        "sp-enterprise-id",
        "SP_ENTERPRISE_ID",
        "The Service Provider's enterprise ID [required]",
        |b, v| b.sp_enterprise_id(v)
    ),
    field!(
        "displayName",
        "display-name",
        "DISPLAY_NAME",
        "The name shown in Webex [required]",
        |b, v| b.display_name(v)
    ),
    field!(
        "primaryPhoneNumber",
        "primary-phone-number",
        "PRIMARY_PHONE_NUMBER",
        "Primary phone number",
        |b, v| b.primary_phone_number(v)
    ),
    field!(
        "extension",
        "extension",
        "EXTENSION",
        "Extension",
        |b, v| b.extension(v)
    ),
];

/// `workspaces update`.
pub const UPDATE_WORKSPACE: &[Field<UpdateWorkspace>] = &[
    field!(
        "userId",
        "user-id",
        "USER_ID",
        "New BroadWorks user ID",
        |b, v| b.user_id(v)
    ),
    field!(
        "primaryPhoneNumber",
        "primary-phone-number",
        "PRIMARY_PHONE_NUMBER",
        "New primary phone number",
        |b, v| b.primary_phone_number(v)
    ),
    field!(
        "extension",
        "extension",
        "EXTENSION",
        "New extension",
        |b, v| b.extension(v)
    ),
];

/// A `clap` argument group made of one table's flags: `#[command(flatten)]` it into a
/// command's arguments, and read the values given with `.0`.
macro_rules! field_flags {
    ($(#[$meta:meta])* $name:ident, $table:expr) => {
        $(#[$meta])*
        #[derive(Clone, Debug, Default)]
        pub struct $name(pub Fields);

        impl clap::FromArgMatches for $name {
            fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
                Self::from_arg_matches_mut(&mut matches.clone())
            }

            fn from_arg_matches_mut(matches: &mut ArgMatches) -> Result<Self, clap::Error> {
                Ok($name(given(matches, $table)))
            }

            fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
                *self = Self::from_arg_matches(matches)?;
                Ok(())
            }
        }

        impl clap::Args for $name {
            fn augment_args(command: Command) -> Command {
                flags(command, $table)
            }

            fn augment_args_for_update(command: Command) -> Command {
                flags(command, $table)
            }
        }
    };
}

field_flags!(
    /// The flags of `subscribers provision`.
    ProvisionSubscriberFlags,
    PROVISION_SUBSCRIBER
);
field_flags!(
    /// The flags of `subscribers update`.
    UpdateSubscriberFlags,
    UPDATE_SUBSCRIBER
);
field_flags!(
    /// The flags of `subscribers precheck`.
    PrecheckSubscriberFlags,
    PRECHECK_SUBSCRIBER
);
field_flags!(
    /// The flags of `workspaces provision`.
    ProvisionWorkspaceFlags,
    PROVISION_WORKSPACE
);
field_flags!(
    /// The flags of `workspaces update`.
    UpdateWorkspaceFlags,
    UPDATE_WORKSPACE
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::builders::flag;

    fn names_agree<B>(table: &[Field<B>]) {
        for field in table {
            assert_eq!(
                format!("--{}", field.flag),
                flag(field.wire),
                "{}",
                field.wire
            );
            assert_eq!(
                field.value,
                field.flag.replace('-', "_").to_ascii_uppercase(),
                "{}",
                field.wire
            );
        }
    }

    #[test]
    fn every_flag_is_its_wire_name_in_kebab_case() {
        names_agree(PROVISION_SUBSCRIBER);
        names_agree(UPDATE_SUBSCRIBER);
        names_agree(PRECHECK_SUBSCRIBER);
        names_agree(PROVISION_WORKSPACE);
        names_agree(UPDATE_WORKSPACE);
    }

    #[test]
    fn every_setter_sets_its_own_field() {
        let value = |wire: &str| match wire {
            "package" => "premium".to_string(),
            "email" => "alice@sp.example".to_string(),
            "primaryPhoneNumber" => "+1-240-555-1212".to_string(),
            "mobilePhoneNumber" => "+1-240-555-1313".to_string(),
            "extension" => "1234".to_string(),
            "language" => "en".to_string(),
            "timezone" => "Europe/Paris".to_string(),
            other => format!("value of {other}"),
        };
        let request = fill(ProvisionSubscriber::new(), PROVISION_SUBSCRIBER, |wire| {
            Some(value(wire))
        })
        .validate()
        .unwrap();
        let json = serde_json::to_value(request).unwrap();
        for field in PROVISION_SUBSCRIBER {
            assert_eq!(json[field.wire], value(field.wire), "{}", field.wire);
        }
    }
}
