//! `wxbw enterprises ...` against the simulator.

use crate::support::{TestSim, json};

fn enterprise_id(sim: &TestSim) -> String {
    sim.state().enterprises()[0].id.clone().unwrap()
}

#[test]
fn list_enterprises() {
    let sim = TestSim::start();
    let listed = sim
        .wxbw()
        .args([
            "enterprises",
            "list",
            "--starts-with",
            "Reseller1",
            "--output",
            "json",
        ])
        .assert()
        .success();
    let list = json(listed.get_output());
    assert_eq!(list["items"][0]["spEnterpriseId"], "Reseller1+acme");
    let none = sim
        .wxbw()
        .args([
            "enterprises",
            "list",
            "--starts-with",
            "Other",
            "--output",
            "json",
        ])
        .assert()
        .success();
    assert_eq!(json(none.get_output()), serde_json::json!({ "items": [] }));
}

#[test]
fn directory_sync_get_update_trigger_and_sync_a_user() {
    let sim = TestSim::start();
    let id = enterprise_id(&sim);
    let disabled = sim
        .wxbw()
        .args([
            "enterprises",
            "directory-sync",
            "update",
            &id,
            "--enable-dir-sync",
            "false",
        ])
        .args(["--output", "json"])
        .assert()
        .success();
    assert_eq!(json(disabled.get_output())["enableDirSync"], false);
    sim.wxbw()
        .args([
            "enterprises",
            "directory-sync",
            "update",
            &id,
            "--enable-dir-sync",
            "true",
        ])
        .assert()
        .success();

    let synced = sim
        .wxbw()
        .args([
            "enterprises",
            "directory-sync",
            "trigger",
            &id,
            "--wait",
            "--output",
            "json",
        ])
        .assert()
        .success();
    assert_eq!(
        json(synced.get_output())["directorySyncStatus"]["syncStatus"],
        "COMPLETE"
    );
    let shown = sim
        .wxbw()
        .args(["enterprises", "directory-sync", "get", &id])
        .assert()
        .success();
    assert!(String::from_utf8_lossy(&shown.get_output().stdout).contains("COMPLETE"));

    let user = sim
        .wxbw()
        .args(["enterprises", "directory-sync", "sync-user", &id])
        .args(["--user-id", "reception@acme.example", "--output", "json"])
        .assert()
        .success();
    let result = json(user.get_output());
    assert!(result["status"].is_string());
    assert_eq!(result["userResponse"]["userId"], "reception@acme.example");
}

#[test]
fn update_without_its_flag_is_invalid() {
    let sim = TestSim::start();
    sim.wxbw()
        .args(["enterprises", "directory-sync", "update", "some-id"])
        .assert()
        .code(3)
        .stderr(predicates::str::contains("--enable-dir-sync"));
    assert_eq!(sim.requests(), 0);
}
