//! Provisions a subscriber, waits for Webex to finish, updates it, lists the enterprise's
//! subscribers and removes it again: against the in-process simulator, no credentials.
//!
//! `cargo run -p webex-broadworks --example provision`

use std::time::Duration;

use webex_broadworks::prelude::*;
use webex_broadworks::{Client, Package, ProvisionSubscriber, SubscriberOutcome, UpdateSubscriber};
use webex_broadworks_sim::{Fixture, Simulator};

const FIXTURE: &str = r#"
enterprises:
  - spEnterpriseId: Reseller1+acme
    provisioningId: prov-1
"#;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sim = Simulator::builder()
        .seed(Fixture::from_yaml_str(FIXTURE)?)
        .provisioning_delay(Duration::from_millis(300))
        .update_delay(Duration::from_millis(200))
        .start()
        .await?;
    // Pointed at the real service, this is `Client::new(token)`.
    let client = Client::builder()
        .with_token(webex_broadworks_sim::DEFAULT_TOKEN)
        .with_base_url(sim.base_url())
        .build()?;
    let subscribers = client.subscribers();

    let request = ProvisionSubscriber::new()
        .provisioning_id("prov-1")
        .user_id("ada@sp.example")
        .sp_enterprise_id("Reseller1+acme")
        .first_name("Ada")
        .last_name("Lovelace")
        .package(Package::Standard)
        .primary_phone_number("+1-240-555-1212");
    let SubscriberOutcome::Provisioned { subscriber, .. } =
        subscribers.provision_and_wait(request).await?
    else {
        return Err("the provisioning did not end provisioned".into());
    };
    let id = subscriber.id.clone().unwrap_or_default();
    println!("provisioned {id} ({:?})", subscriber.status);

    let updated = subscribers
        .update_and_wait(&id, UpdateSubscriber::new().extension("4711"))
        .await?;
    println!("updated: extension {:?}", updated.subscriber().extension);

    let listed: Vec<_> = subscribers
        .list()
        .sp_enterprise_id("Reseller1+acme")
        .stream()
        .try_collect()
        .await?;
    println!("the enterprise has {} subscriber(s)", listed.len());

    subscribers.remove(&id).await?;
    println!("removed {id}");
    sim.shutdown().await;
    Ok(())
}
