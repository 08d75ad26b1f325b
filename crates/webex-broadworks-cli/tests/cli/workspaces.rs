//! `wxbw workspaces ...` against the simulator.

use crate::support::{TestSim, json};

#[test]
fn provision_update_and_remove_a_workspace() {
    let sim = TestSim::start();
    let created = sim
        .wxbw()
        .args(["workspaces", "provision", "--provisioning-id", "prov-acme"])
        .args([
            "--user-id",
            "lobby@acme.example",
            "--sp-enterprise-id",
            "Reseller1+acme",
        ])
        .args([
            "--display-name",
            "Lobby",
            "--extension",
            "1000",
            "--output",
            "json",
        ])
        .assert()
        .success();
    let workspace = json(created.get_output());
    assert_eq!(workspace["displayName"], "Lobby");
    let id = workspace["id"].as_str().unwrap().to_string();

    let updated = sim
        .wxbw()
        .args([
            "workspaces",
            "update",
            &id,
            "--extension",
            "1001",
            "--output",
            "json",
        ])
        .assert()
        .success();
    assert_eq!(json(updated.get_output())["extension"], "1001");

    sim.wxbw()
        .args(["workspaces", "remove", &id])
        .assert()
        .success();
    assert!(sim.state().workspaces().is_empty());
}

#[test]
fn workspace_problems_are_all_reported_before_sending() {
    let sim = TestSim::start();
    sim.wxbw()
        .args(["workspaces", "provision", "--extension", "12a"])
        .assert()
        .code(3)
        .stderr(predicates::str::contains("5 problems found"));
    sim.wxbw()
        .args(["workspaces", "update", &"w".repeat(257), "--extension", "1"])
        .assert()
        .code(3)
        .stderr(predicates::str::contains("WORKSPACE_ID"));
    assert_eq!(sim.requests(), 0);
}
