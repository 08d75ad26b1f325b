//! What the batch tests share: one enterprise, numbered provisioning rows, a client on the
//! paused clock, and the check that each userId is held by exactly one subscriber.
// Shared by several test binaries, each of which uses only some of it.
#![allow(dead_code)]

use std::collections::HashMap;
use std::time::Duration;

use webex_broadworks::bulk::BatchItem;
use webex_broadworks::{Client, Package, ProvisionSubscriber};
use webex_broadworks_sim::{Fixture, Simulator};

/// The enterprise every row provisions into.
pub fn fixture() -> Fixture {
    Fixture::from_yaml_str(
        "enterprises:\n  - spEnterpriseId: Reseller1+acme\n    provisioningId: prov-1\n",
    )
    .unwrap()
}

/// The userId of row `n`: `{prefix}{n}@sp.example`.
pub fn user_id(prefix: &str, n: u64) -> String {
    format!("{prefix}{n}@sp.example")
}

/// Rows 1..=`rows`, each provisioning `user_id(prefix, n)`.
pub fn items(prefix: &'static str, rows: u64) -> impl Iterator<Item = BatchItem> {
    (1..=rows).map(move |n| {
        let request = ProvisionSubscriber::new()
            .provisioning_id("prov-1")
            .user_id(user_id(prefix, n))
            .sp_enterprise_id("Reseller1+acme")
            .first_name(format!("First{n}"))
            .last_name("Batch")
            .package(Package::Basic);
        BatchItem::provision_subscriber(n, request)
    })
}

/// A client of `sim` for tokio's paused clock, its randomness seeded with `seed`.
pub fn client_of(sim: &Simulator, seed: u64) -> Client {
    Client::builder()
        .with_token("sim-token")
        .with_base_url(sim.base_url())
        .without_timers()
        .with_rng_seed(seed)
        .build()
        .unwrap()
}

/// Each of rows 1..=`rows` is held by exactly one subscriber; returns how many distinct
/// userIds the simulator holds in all.
pub fn assert_each_held_once(sim: &Simulator, prefix: &str, rows: u64) -> usize {
    let mut held: HashMap<String, usize> = HashMap::new();
    for subscriber in sim.state().subscribers() {
        *held
            .entry(subscriber.user_id.unwrap_or_default())
            .or_default() += 1;
    }
    for n in 1..=rows {
        let user_id = user_id(prefix, n);
        assert_eq!(held.get(&user_id), Some(&1), "{user_id}");
    }
    held.len()
}

/// Drives `run` until `reached()` holds (checked every 5 ms of the paused clock), then
/// drops it there, as `kill -9` would stop a process. Panics if the run ends first.
pub async fn kill_when<T: std::fmt::Debug>(
    run: impl std::future::Future<Output = T>,
    reached: impl Fn() -> bool,
) {
    let mut running = std::pin::pin!(run);
    loop {
        tokio::select! {
            report = &mut running => panic!("the run ended before the kill: {report:?}"),
            () = tokio::time::sleep(Duration::from_millis(5)) => {
                if reached() {
                    return;
                }
            }
        }
    }
}
