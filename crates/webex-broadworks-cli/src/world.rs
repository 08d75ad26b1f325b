//! The demo's world, shared by `wxbw demo` and `wxbw sim`: the simulator's seed data, where
//! provisioning ends for the special userIds, and the demo's bulk file.

use webex_broadworks_sim::{Fixture, Outcome, SimulatorBuilder};

/// The demo's Service Provider enterprise.
pub const ENTERPRISE: &str = "Reseller1+acme";
/// The demo's customer template.
pub const PROVISIONING_ID: &str = "prov-acme";

/// The demo's seed data: one enterprise with its customer template.
pub fn fixture() -> Fixture {
    Fixture::from_yaml_str(&format!(
        "provisioningIds: [{PROVISIONING_ID}]\n\
         enterprises:\n  \
           - spEnterpriseId: \"{ENTERPRISE}\"\n    \
             provisioningId: {PROVISIONING_ID}\n    \
             broadworksDirectorySync: {{ enableDirSync: true }}\n"
    ))
    .expect("the demo fixture is valid")
}

/// Where provisioning ends for the demo's special userIds: `migrate-*` pauses for the end
/// user's consent, `nolicence-*` fails.
pub fn outcome_rules(builder: SimulatorBuilder) -> SimulatorBuilder {
    builder
        .outcome("migrate-*", Outcome::PendingUserMigration)
        .outcome(
            "nolicence-*",
            Outcome::error(
                4003,
                "No Webex licence is left in the customer's subscription.",
            ),
        )
}

/// The bulk step's input: `count` subscribers, one paused and one failing.
pub fn bulk_csv(count: u32) -> String {
    let mut csv = String::from(
        "provisioningId,userId,spEnterpriseId,firstName,lastName,package,primaryPhoneNumber\n",
    );
    for n in 1..=count {
        let user_id = match n {
            7 => format!("migrate-{n:03}@acme.example"),
            13 => format!("nolicence-{n:03}@acme.example"),
            _ => format!("user{n:03}@acme.example"),
        };
        csv.push_str(&format!(
            "{PROVISIONING_ID},{user_id},{ENTERPRISE},User,Number {n},basic,+1-240-555-{:04}\n",
            2000 + n
        ));
    }
    csv
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bulk::input::BulkKind;

    #[test]
    fn the_bulk_file_is_valid_and_has_one_row_of_each_special_kind() {
        let csv = bulk_csv(50);
        let rows = crate::bulk::input::parse(
            BulkKind::ProvisionSubscribers,
            crate::bulk::input::InputFormat::Csv,
            csv.as_bytes(),
        )
        .unwrap();
        assert_eq!(rows.len(), 50);
        assert_eq!(csv.matches("migrate-").count(), 1);
        assert_eq!(csv.matches("nolicence-").count(), 1);
    }
}
