//! How `wxbw bulk` waits for a batch: through the list endpoint, about one request per
//! hundred subscribers, without missing a subscriber that settles while pages are read.

use std::time::Duration;

use webex_broadworks_sim::{FaultPlan, FaultRates, Operation};

use crate::support::TestSim;

#[test]
fn subscribers_settling_while_pages_are_read_are_not_missed() {
    // Slow list pages: a walk over several pages takes long enough for subscribers on pages
    // already read to settle meanwhile.
    let slow_lists = FaultPlan::seeded(3).for_operation(
        Operation::ListSubscribers,
        FaultRates::none().latency(Duration::from_millis(250)),
    );
    let sim = TestSim::start_with(|builder| {
        builder
            .provisioning_delay(Duration::from_millis(20))
            .faults(slow_lists)
    });
    let rows = 450;
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("provisioningId,userId,spEnterpriseId,firstName,lastName,package\n");
    for n in 1..=rows {
        csv.push_str(&format!(
            "prov-acme,batch{n}@acme.example,Reseller1+acme,User,Number {n},basic\n"
        ));
    }
    let file = dir.path().join("batch.csv");
    std::fs::write(&file, csv).unwrap();
    sim.wxbw()
        .args(["bulk", "provision-subscribers"])
        .arg(&file)
        .args(["--poll-interval", "200ms"])
        .assert()
        .success();

    let state = sim.state();
    for n in 1..=rows {
        assert_eq!(
            state
                .subscribers_by_user_id(&format!("batch{n}@acme.example"))
                .len(),
            1
        );
    }
    // Had the list missed anyone, the run would have looked each one up on its own.
    assert_eq!(state.request_count(Operation::GetSubscriber), 0);
    let requests: u64 = state.request_counts().values().sum();
    assert!(
        requests as f64 <= rows as f64 * 1.1,
        "{requests} requests for {rows} subscribers"
    );
}
