//! `wxbw billing ...` against the simulator.

use crate::support::{TestSim, json};

#[test]
fn create_wait_list_get_and_delete_a_report() {
    let sim = TestSim::start();
    let created = sim
        .wxbw()
        .args([
            "billing",
            "create",
            "--billing-period",
            "2023-06",
            "--wait",
            "--output",
            "json",
        ])
        .assert()
        .success();
    let report = json(created.get_output());
    assert_eq!(report["status"], "COMPLETED");
    assert!(report["tempDownloadURL"].is_string());
    let id = report["id"].as_str().unwrap().to_string();

    let listed = sim
        .wxbw()
        .args([
            "billing",
            "list",
            "--sort-by",
            "billingPeriod",
            "--output",
            "json",
        ])
        .assert()
        .success();
    let items = json(listed.get_output())["items"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(items.len(), 3);

    sim.wxbw()
        .args(["billing", "get", &id])
        .assert()
        .success()
        .stdout(predicates::str::contains("2023-06"));
    sim.wxbw()
        .args(["billing", "delete", &id])
        .assert()
        .success();
    assert_eq!(sim.state().billing_reports().len(), 2);
}

#[test]
fn a_report_for_a_month_not_over_fails() {
    let sim = TestSim::start();
    sim.wxbw()
        .args(["billing", "create", "--billing-period", "2999-01", "--wait"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains("failed"));
}

#[test]
fn bad_months_are_refused_before_sending() {
    let sim = TestSim::start();
    sim.wxbw()
        .args(["billing", "create", "--billing-period", "2024-13"])
        .assert()
        .code(3)
        .stderr(predicates::str::contains("--billing-period"));
    sim.wxbw()
        .args(["billing", "list", "--before", "March", "--sort-by", "size"])
        .assert()
        .code(3)
        .stderr(predicates::str::contains("2 problems found"));
    assert_eq!(sim.requests(), 0);
}
