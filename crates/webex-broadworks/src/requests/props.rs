//! Property tests of validation: whatever strings a caller puts in any validated field,
//! validating never panics and never echoes the value; and every request example of the
//! API description passes.

use std::path::Path;

use proptest::prelude::*;
use serde_json::Value;
use webex_broadworks_api::types;

use super::*;
use crate::error::Error;
use crate::validate::{ValidationReport, is_billing_period};

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        rng_seed: proptest::test_runner::RngSeed::Fixed(0x7a11_da7e),
        ..ProptestConfig::default()
    }
}

/// Marks every generated value, so that a report echoing one is caught: no hint, field
/// name or rule name contains `§`.
const MARK: char = '§';

/// Strings a caller might pass: arbitrary Unicode, control characters, near-valid values
/// with a character changed, and a few long ones.
fn value() -> impl Strategy<Value = String> {
    let near_valid = prop_oneof![
        Just("+1-240-555-1212"),
        Just("America/Los_Angeles"),
        Just("en_US"),
        Just("alice@example.com"),
        Just("2024-03"),
        Just("1234"),
        Just("standard"),
        Just(""),
        Just(" "),
    ];
    let raw = prop_oneof![
        4 => any::<String>(),
        2 => "\\PC{0,40}",
        2 => "[\\x00-\\x1f\\x7f\u{85}\u{2028}\u{200b}\u{feff}a-z0-9+@._-]{0,20}",
        2 => (near_valid, any::<char>(), any::<prop::sample::Index>()).prop_map(|(base, c, at)| {
            let mut chars: Vec<char> = base.chars().collect();
            let i = if chars.is_empty() { 0 } else { at.index(chars.len() + 1) };
            chars.insert(i, c);
            chars.into_iter().collect::<String>()
        }),
        1 => (any::<char>(), 1000usize..10_001).prop_map(|(c, n)| c.to_string().repeat(n)),
    ];
    raw.prop_map(|v| format!("{MARK}{v}"))
}

/// A field left unset, set to a marked arbitrary value, or set to a valid one.
fn field(valid: &'static str) -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        1 => Just(None),
        3 => value().prop_map(Some),
        1 => Just(Some(valid.to_string())),
    ]
}

/// The report, checked: not empty when it is an error, no value echoed in what a user sees.
fn check<T>(result: Result<T, ValidationReport>) -> Result<(), TestCaseError> {
    if let Err(report) = result {
        prop_assert!(!report.is_empty());
        let error = Error::from(report);
        let shown = format!("{error} {error:?}");
        prop_assert!(!shown.contains(MARK), "a value was echoed: {}", shown);
    }
    Ok(())
}

macro_rules! set {
    ($request:expr, $( $field:ident = $value:expr ),+ $(,)?) => {{
        let mut request = $request;
        $( if let Some(v) = $value { request = request.$field(v); } )+
        request
    }};
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn provision_subscriber_never_panics(
        (a, b, c, d, e, f) in (field("prov-1"), field("u@sp.com"), field("R+acme"), field("A"), field("B"), field("basic")),
        (g, h, i, j, k, l) in (field("a@b.co"), field("+1-2"), field("+1-3"), field("12"), field("en"), field("Europe/Paris")),
    ) {
        check(set!(ProvisionSubscriber::new(),
            provisioning_id = a, user_id = b, sp_enterprise_id = c, first_name = d,
            last_name = e, package = f.as_deref(), email = g, primary_phone_number = h,
            mobile_phone_number = i, extension = j, language = k, timezone = l,
        ).validate())?;
    }

    #[test]
    fn update_subscriber_never_panics(
        (a, b, c, d) in (field("u@sp.com"), field("A"), field("B"), field("+1-2")),
        (e, f, g, h) in (field("+1-3"), field("12"), field("Europe/Paris"), field("premium")),
        id in value(),
    ) {
        check(set!(UpdateSubscriber::new(),
            user_id = a, first_name = b, last_name = c, primary_phone_number = d,
            mobile_phone_number = e, extension = f, timezone = g, package = h.as_deref(),
        ).validate())?;
        check(path_id("subscriberId", &id))?;
    }

    #[test]
    fn precheck_subscriber_never_panics(
        email in value(),
        (a, b, c, d, e, f) in (field("x@y.co"), field("prov-1"), field("u@sp.com"), field("R+acme"), field("A"), field("B")),
        (g, h, i, j, k) in (field("+1-2"), field("+1-3"), field("12"), field("Europe/Paris"), field("softphone")),
    ) {
        check(set!(PrecheckSubscriber::new(email),
            customer_primary_email = a, provisioning_id = b, user_id = c, sp_enterprise_id = d,
            first_name = e, last_name = f, primary_phone_number = g, mobile_phone_number = h,
            extension = i, timezone = j, package = k.as_deref(),
        ).validate())?;
    }

    #[test]
    fn workspaces_never_panic(
        (a, b, c, d, e, f) in (field("prov-1"), field("w@sp.com"), field("R+acme"), field("Room"), field("+1-2"), field("12")),
        (g, h, i) in (field("w@sp.com"), field("+1-2"), field("12")),
        id in value(),
    ) {
        check(set!(ProvisionWorkspace::new(),
            provisioning_id = a, user_id = b, sp_enterprise_id = c, display_name = d,
            primary_phone_number = e, extension = f,
        ).validate())?;
        check(set!(UpdateWorkspace::new(),
            user_id = g, primary_phone_number = h, extension = i,
        ).validate())?;
        check(workspace_id(&id))?;
        let unmarked = id.trim_start_matches(MARK);
        let count = unmarked.chars().count();
        prop_assert_eq!(workspace_id(unmarked).is_ok(), (1..=256).contains(&count));
    }

    /// The client's billing-period rule and the generated type's pattern agree, so a period
    /// that passes validation always converts (and `create` cannot fail after validating).
    #[test]
    fn billing_periods_agree_with_the_generated_pattern(
        period in prop_oneof!["[0-9]{4}-[0-9]{2}", "[0-9]{4}-(0[1-9]|1[0-2])\\PC?", "\\PC{0,9}"],
    ) {
        let generated = types::CreateBillingReportRequestBillingPeriod::try_from(period.as_str());
        prop_assert_eq!(is_billing_period(&period), generated.is_ok(), "{:?}", period);
        let mut report = ValidationReport::default();
        report.billing_period("billingPeriod", Some(&format!("{MARK}{period}")));
        check(report.finish(|| ()))?;
    }
}

// ----- the examples of the API description -----

/// The workspace's API description; `None` when this crate was built from its published
/// package, which does not carry it (the tests that read it run in the workspace, in CI).
fn spec() -> Option<Value> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../openapi/webex-broadworks.yaml");
    if !path.exists()
        && !Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../Cargo.toml")
            .exists()
    {
        eprintln!(
            "the API description is not beside this package; its examples are checked in the workspace"
        );
        return None;
    }
    Some(serde_norway::from_str(&std::fs::read_to_string(path).unwrap()).unwrap())
}

/// The request-body example of every operation, by operationId.
fn request_examples(spec: &Value) -> Vec<(String, Value)> {
    let mut examples = Vec::new();
    for item in spec["paths"].as_object().unwrap().values() {
        for op in item.as_object().unwrap().values() {
            let example = &op["requestBody"]["content"]["application/json"]["example"];
            if !example.is_null() {
                examples.push((
                    op["operationId"].as_str().unwrap().to_string(),
                    example.clone(),
                ));
            }
        }
    }
    examples
}

fn decode<T: serde::de::DeserializeOwned>(operation: &str, example: &Value) -> T {
    serde_json::from_value(example.clone())
        .unwrap_or_else(|e| panic!("the example of {operation} is not its request type: {e}"))
}

/// `Ok` when the client's validation of the example reports nothing; `None` for an
/// operation whose body the client builds itself from typed values (nothing to validate).
fn validate_example(operation: &str, example: &Value) -> Option<Result<(), ValidationReport>> {
    Some(match operation {
        "provisionSubscriber" => {
            let r: types::ProvisionSubscriberRequest = decode(operation, example);
            let request = ProvisionSubscriber::new()
                .provisioning_id(r.provisioning_id)
                .user_id(r.user_id)
                .sp_enterprise_id(r.sp_enterprise_id)
                .first_name(r.first_name)
                .last_name(r.last_name)
                .package(r.package);
            set!(
                request,
                email = r.email,
                primary_phone_number = r.primary_phone_number,
                mobile_phone_number = r.mobile_phone_number,
                extension = r.extension,
                language = r.language,
                timezone = r.timezone,
            )
            .validate()
            .map(drop)
        }
        "updateSubscriber" => {
            let r: types::UpdateSubscriberRequest = decode(operation, example);
            set!(
                UpdateSubscriber::new(),
                user_id = r.user_id,
                first_name = r.first_name,
                last_name = r.last_name,
                primary_phone_number = r.primary_phone_number,
                mobile_phone_number = r.mobile_phone_number,
                extension = r.extension,
                timezone = r.timezone,
                package = r.package,
            )
            .validate()
            .map(drop)
        }
        "precheckSubscriber" => {
            let r: types::PrecheckSubscriberRequest = decode(operation, example);
            assert!(
                r.language.is_none(),
                "the builder has no language for a precheck"
            );
            set!(
                PrecheckSubscriber::new(r.email),
                customer_primary_email = r.customer_info.map(|c| c.primary_email),
                provisioning_id = r.provisioning_id,
                user_id = r.user_id,
                sp_enterprise_id = r.sp_enterprise_id,
                first_name = r.first_name,
                last_name = r.last_name,
                primary_phone_number = r.primary_phone_number,
                mobile_phone_number = r.mobile_phone_number,
                extension = r.extension,
                timezone = r.timezone,
                package = r.package,
            )
            .validate()
            .map(drop)
        }
        "provisionWorkspace" => {
            let r: types::ProvisionWorkspaceRequest = decode(operation, example);
            set!(
                ProvisionWorkspace::new()
                    .provisioning_id(r.provisioning_id)
                    .user_id(r.user_id)
                    .sp_enterprise_id(r.sp_enterprise_id)
                    .display_name(r.display_name),
                primary_phone_number = r.primary_phone_number,
                extension = r.extension,
            )
            .validate()
            .map(drop)
        }
        "updateWorkspace" => {
            let r: types::UpdateWorkspaceRequest = decode(operation, example);
            set!(
                UpdateWorkspace::new(),
                user_id = r.user_id,
                primary_phone_number = r.primary_phone_number,
                extension = r.extension,
            )
            .validate()
            .map(drop)
        }
        "createBillingReport" => {
            // What `BillingReports::create` checks before sending.
            let period = example["billingPeriod"].as_str().unwrap();
            let mut report = ValidationReport::default();
            if report.required("billingPeriod", Some(period)).is_some() {
                report.billing_period("billingPeriod", Some(period));
            }
            let _: types::CreateBillingReportRequest = decode(operation, example);
            report.finish(|| ())
        }
        "triggerUserDirectorySync" => {
            // What `Enterprises::sync_user` checks before sending.
            let r: types::TriggerUserDirectorySyncRequest = decode(operation, example);
            let mut report = ValidationReport::default();
            report.required("userId", Some(&r.user_id));
            report.finish(|| ())
        }
        // Typed in the client (`bool`, the one `SYNC_NOW` trigger): nothing to validate.
        "updateDirectorySync" | "triggerDirectorySync" => return None,
        other => panic!("{other} has a request example this test does not know; add it"),
    })
}

#[test]
fn every_request_example_of_the_spec_passes_validation() {
    let Some(spec) = spec() else { return };
    let examples = request_examples(&spec);
    let mut validated = Vec::new();
    for (operation, example) in &examples {
        if let Some(result) = validate_example(operation, example) {
            if let Err(report) = result {
                panic!("the spec's example of {operation} fails validation: {report}");
            }
            validated.push(operation.as_str());
        }
    }
    validated.sort_unstable();
    assert_eq!(
        validated,
        [
            "createBillingReport",
            "precheckSubscriber",
            "provisionSubscriber",
            "provisionWorkspace",
            "triggerUserDirectorySync",
            "updateSubscriber",
            "updateWorkspace",
        ]
    );
}

/// The examples of the path and query parameters the client validates.
#[test]
fn every_parameter_example_of_the_spec_passes_validation() {
    let Some(spec) = spec() else { return };
    let parameters = spec["components"]["parameters"].as_object().unwrap();
    let mut checked = 0;
    for (name, parameter) in parameters {
        let Some(example) = parameter["example"].as_str() else {
            continue;
        };
        let wire = parameter["name"].as_str().unwrap();
        let result = match wire {
            "workspaceId" => workspace_id(example).map(drop),
            _ if parameter["in"] == "path" => path_id(wire, example),
            _ => continue,
        };
        assert!(
            result.is_ok(),
            "the example of parameter {name} fails: {result:?}"
        );
        checked += 1;
    }
    assert!(checked >= 4, "only {checked} path parameters have examples");
    // The billing periods of listBillingReports' `before` and `after`.
    for item in spec["paths"].as_object().unwrap().values() {
        for op in item.as_object().unwrap().values() {
            if op["operationId"] != "listBillingReports" {
                continue;
            }
            for parameter in op["parameters"].as_array().into_iter().flatten() {
                if matches!(parameter["name"].as_str(), Some("before" | "after"))
                    && let Some(example) = parameter["example"].as_str()
                {
                    assert!(is_billing_period(example), "{example}");
                    checked += 1;
                }
            }
        }
    }
    assert!(checked >= 6);
}
