//! `wxbw demo` end to end, as a newcomer runs it.

use std::time::{Duration, Instant};

use crate::support::{texts, wxbw};

#[test]
fn the_demo_walks_the_whole_flow_quickly() {
    let started = Instant::now();
    let demo = wxbw()
        .args(["demo", "--subscribers", "20"])
        .assert()
        .success();
    let (stdout, stderr) = texts(demo.get_output());
    for step in [
        "$ wxbw workspaces provision",
        "$ wxbw subscribers provision",
        "$ wxbw subscribers update",
        "$ wxbw subscribers list",
        "$ wxbw bulk provision-subscribers",
    ] {
        assert!(stdout.contains(step), "{step} missing:\n{stdout}");
    }
    assert!(
        stdout.contains("│ provisioned                ┆ 18"),
        "{stdout}"
    );
    assert!(stdout.contains("pending_user_migration") && stdout.contains("must consent"));
    assert!(stdout.contains("4003: No Webex licence"), "{stdout}");
    assert!(
        stderr.contains("subscriber alice@acme.example: provisioned after"),
        "{stderr}"
    );
    assert!(started.elapsed() < Duration::from_secs(30));
}

#[test]
fn a_demo_too_small_for_its_paused_and_failed_rows_is_refused_up_front() {
    let refused = wxbw().args(["demo", "--subscribers", "5"]).assert().code(2);
    let (_, stderr) = texts(refused.get_output());
    assert!(stderr.contains("--subscribers"), "{stderr}");
}
