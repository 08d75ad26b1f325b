use webex_broadworks_api::types;
use webex_broadworks_api::wire::{Package, SubscriberStatus};
use webex_broadworks_api::{Client, Error, RequestHooks};

use crate::common::{advance, http_client, secs, start};

fn client(base_url: &str) -> Client {
    Client::new_with_client(base_url, http_client(), RequestHooks::bearer("sim-token"))
}

#[tokio::test(start_paused = true)]
async fn the_generated_client_speaks_to_the_simulator() {
    let (_sim, _api) = start().await;
    let client = client(&_sim.base_url());
    let body = types::ProvisionSubscriberRequest {
        provisioning_id: "prov-1".into(),
        user_id: "gen@sp.com".into(),
        sp_enterprise_id: "Reseller1+acme".into(),
        first_name: "Gen".into(),
        last_name: "Erated".into(),
        package: Package::Basic,
        email: None,
        primary_phone_number: None,
        mobile_phone_number: None,
        extension: Some("4242".into()),
        language: None,
        timezone: None,
    };
    let created = client
        .provision_subscriber()
        .body(body)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(created.status, Some(SubscriberStatus::Provisioning));
    let id = created.id.unwrap();

    advance(secs(2)).await;
    let fetched = client
        .get_subscriber()
        .subscriber_id(&id)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(fetched.status, Some(SubscriberStatus::Provisioned));
    assert!(fetched.person_id.is_some());

    let listed = client
        .list_subscribers()
        .sp_enterprise_id("Reseller1+acme")
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(listed.items.len(), 1);

    match client
        .get_subscriber()
        .subscriber_id("missing")
        .send()
        .await
    {
        Err(Error::ErrorResponse(response)) => {
            assert_eq!(response.status().as_u16(), 404);
            assert!(response.into_inner().tracking_id.is_some());
        }
        other => panic!("expected a WebexError, got {other:?}"),
    }
}
