//! Point 3: calls check their input first, report every problem at once, and send nothing
//! when there is one.

use futures::StreamExt;
use httpmock::MockServer;
use webex_broadworks::{
    Error, PrecheckSubscriber, ProvisionSubscriber, ProvisionWorkspace, Rule, UpdateSubscriber,
    UpdateWorkspace,
};

use crate::common::client;

fn problems(error: &Error) -> Vec<(String, Rule)> {
    error
        .validation()
        .unwrap_or_else(|| panic!("not a validation error: {error:?}"))
        .problems()
        .iter()
        .map(|p| (p.field().to_string(), p.rule()))
        .collect()
}

fn owned(expected: &[(&str, Rule)]) -> Vec<(String, Rule)> {
    expected
        .iter()
        .map(|(f, r)| ((*f).to_string(), *r))
        .collect()
}

#[tokio::test(start_paused = true)]
async fn invalid_requests_never_reach_the_server() {
    let server = MockServer::start_async().await;
    // Answers any request, to prove none was sent.
    let catch_all = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(599);
        })
        .await;
    let client = client(&server);
    let subscribers = client.subscribers();

    let error = subscribers
        .provision(
            ProvisionSubscriber::new()
                .user_id("u@sp.com")
                .sp_enterprise_id("Reseller1+acme")
                .first_name("A")
                .last_name("B")
                .package("gold")
                .timezone("PST")
                .mobile_phone_number("555 CALL NOW"),
        )
        .await
        .unwrap_err();
    assert_eq!(
        problems(&error),
        owned(&[
            ("provisioningId", Rule::Required),
            ("package", Rule::OneOf),
            ("mobilePhoneNumber", Rule::PhoneNumber),
            ("timezone", Rule::TimeZone),
        ])
    );
    assert!(!error.is_retryable());
    assert!(error.to_string().contains("4 fields"), "{error}");

    let error = subscribers
        .update(
            "",
            UpdateSubscriber::new()
                .primary_phone_number("")
                .extension(""),
        )
        .await
        .unwrap_err();
    assert_eq!(
        problems(&error),
        owned(&[
            ("subscriberId", Rule::Required),
            ("primaryPhoneNumber", Rule::KeepNumberOrExtension)
        ])
    );

    let error = subscribers
        .precheck(PrecheckSubscriber::new("nobody"))
        .await
        .unwrap_err();
    assert_eq!(problems(&error), owned(&[("email", Rule::Email)]));

    let error = subscribers.get(" ").await.unwrap_err();
    assert_eq!(problems(&error), owned(&[("subscriberId", Rule::Required)]));
    let error = subscribers.wait("").await.unwrap_err();
    assert_eq!(problems(&error), owned(&[("subscriberId", Rule::Required)]));

    let workspaces = client.workspaces();
    let long_id = "w".repeat(257);
    let error = workspaces
        .update(&long_id, UpdateWorkspace::new().extension("x1"))
        .await
        .unwrap_err();
    assert_eq!(
        problems(&error),
        owned(&[
            ("workspaceId", Rule::Length),
            ("extension", Rule::Extension)
        ])
    );
    let error = workspaces.remove("").await.unwrap_err();
    assert_eq!(problems(&error), owned(&[("workspaceId", Rule::Length)]));
    let error = workspaces
        .provision(ProvisionWorkspace::new().display_name("Room"))
        .await
        .unwrap_err();
    assert_eq!(problems(&error).len(), 3);

    let reports = client.billing_reports();
    let error = reports.create("2024-3").await.unwrap_err();
    assert_eq!(
        problems(&error),
        owned(&[("billingPeriod", Rule::BillingPeriod)])
    );
    let first = reports
        .list()
        .before("March")
        .after("2024-13")
        .stream()
        .next()
        .await
        .unwrap();
    assert_eq!(
        problems(&first.unwrap_err()),
        owned(&[
            ("before", Rule::BillingPeriod),
            ("after", Rule::BillingPeriod)
        ])
    );

    let error = client.enterprises().sync_user("", "").await.unwrap_err();
    assert_eq!(
        problems(&error),
        owned(&[("id", Rule::Required), ("userId", Rule::Required)])
    );

    assert_eq!(
        catch_all.calls_async().await,
        0,
        "an invalid request was sent"
    );
}

/// `set_field(Option)` takes what a caller's own optional data holds: `Some` sets the field as
/// `field(value)` does, `None` leaves it unset.
#[test]
fn optional_setters_set_or_leave_each_field() {
    use webex_broadworks::{Package, ProvisionSubscriber, UpdateSubscriber};
    let email: Option<String> = Some("ada@customer.example".into());
    let mobile: Option<&str> = None;
    let built = crate::common::provision_request("ada@sp.example")
        .set_email(email.clone())
        .set_mobile_phone_number(mobile)
        .set_package(Some(Package::Premium))
        .validate()
        .unwrap();
    let direct = crate::common::provision_request("ada@sp.example")
        .email("ada@customer.example")
        .package(Package::Premium)
        .validate()
        .unwrap();
    assert_eq!(built, direct);
    assert_eq!(built.mobile_phone_number, None);
    let unset = ProvisionSubscriber::new().set_first_name(None::<String>);
    assert_eq!(unset, ProvisionSubscriber::new());
    let update = UpdateSubscriber::new()
        .set_last_name(Some("Lovelace"))
        .set_extension(None::<&str>)
        .validate()
        .unwrap();
    assert_eq!(update.last_name.as_deref(), Some("Lovelace"));
    assert_eq!(update.extension, None);
}
