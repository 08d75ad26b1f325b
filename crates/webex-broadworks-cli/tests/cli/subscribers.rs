//! `wxbw subscribers ...` against the simulator.

use webex_broadworks_sim::Operation;

use crate::support::{TestSim, json, texts};

const PROVISION: &[&str] = &[
    "subscribers",
    "provision",
    "--provisioning-id",
    "prov-acme",
    "--sp-enterprise-id",
    "Reseller1+acme",
    "--first-name",
    "Alice",
    "--last-name",
    "Ng",
    "--package",
    "standard",
];

#[test]
fn provision_wait_get_update_list_and_remove() {
    let sim = TestSim::start();
    let provisioned = sim
        .wxbw()
        .args(PROVISION)
        .args([
            "--user-id",
            "alice@acme.example",
            "--wait",
            "--output",
            "json",
        ])
        .assert()
        .success();
    let subscriber = json(provisioned.get_output());
    assert_eq!(subscriber["status"], "provisioned");
    assert!(subscriber["personId"].is_string());
    let id = subscriber["id"].as_str().unwrap().to_string();

    let shown = sim
        .wxbw()
        .args(["subscribers", "get", &id])
        .assert()
        .success();
    let (stdout, _) = texts(shown.get_output());
    assert!(stdout.contains("alice@acme.example") && stdout.contains("provisioned"));

    let updated = sim
        .wxbw()
        .args([
            "subscribers",
            "update",
            &id,
            "--package",
            "premium",
            "--extension",
            "2001",
        ])
        .args(["--wait", "--output", "json"])
        .assert()
        .success();
    let subscriber = json(updated.get_output());
    assert_eq!(subscriber["package"], "premium");
    assert_eq!(subscriber["extension"], "2001");
    assert_eq!(subscriber["status"], "provisioned");

    let listed = sim
        .wxbw()
        .args([
            "subscribers",
            "list",
            "--status",
            "provisioned",
            "--output",
            "json",
        ])
        .assert()
        .success();
    let list = json(listed.get_output());
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    assert_eq!(list["items"][0]["id"], id.as_str());

    sim.wxbw()
        .args(["subscribers", "remove", &id, "--output", "json"])
        .assert()
        .success()
        .stdout(predicates::str::contains("\"result\": \"removed\""));
    assert!(sim.state().subscriber(&id).is_none());
    sim.wxbw()
        .args(["subscribers", "get", &id])
        .assert()
        .code(1);
}

#[test]
fn list_follows_every_page_and_stops_at_the_limit() {
    let sim = TestSim::start();
    for n in 0..5 {
        sim.wxbw()
            .args(PROVISION)
            .args(["--user-id", &format!("page{n}@acme.example")])
            .assert()
            .success();
    }
    let all = sim
        .wxbw()
        .args(["subscribers", "list", "--max", "2", "--output", "json"])
        .assert()
        .success();
    assert_eq!(json(all.get_output())["items"].as_array().unwrap().len(), 5);
    assert_eq!(sim.state().request_count(Operation::ListSubscribers), 3);
    let some = sim
        .wxbw()
        .args([
            "subscribers",
            "list",
            "--max",
            "2",
            "--limit",
            "3",
            "--output",
            "json",
        ])
        .assert()
        .success();
    assert_eq!(
        json(some.get_output())["items"].as_array().unwrap().len(),
        3
    );
}

#[test]
fn a_paused_subscriber_is_reported_and_the_consent_email_can_be_resent() {
    let sim = TestSim::start();
    let waited = sim
        .wxbw()
        .args(PROVISION)
        .args([
            "--user-id",
            "migrate-1@acme.example",
            "--wait",
            "--output",
            "json",
        ])
        .assert()
        .success();
    let (_, stderr) = texts(waited.get_output());
    assert!(stderr.contains("has to consent"), "{stderr}");
    assert!(
        stderr.contains("resend it with: wxbw subscribers send-consent-email"),
        "{stderr}"
    );
    let subscriber = json(waited.get_output());
    assert_eq!(subscriber["status"], "pending_user_migration");
    let id = subscriber["id"].as_str().unwrap();
    sim.wxbw()
        .args(["subscribers", "send-consent-email", id])
        .assert()
        .success();
    assert_eq!(sim.state().consent_emails_sent(id), Some(1));
}

#[test]
fn a_subscriber_ending_in_error_fails_the_command_with_the_reason() {
    let sim = TestSim::start();
    sim.wxbw()
        .args(PROVISION)
        .args(["--user-id", "nolicence-1@acme.example", "--wait"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains("4003: No Webex licence is left"));
}

#[test]
fn invalid_flags_are_all_reported_and_nothing_is_sent() {
    let sim = TestSim::start();
    let refused = sim
        .wxbw()
        .args(["subscribers", "provision", "--user-id", "bob@acme.example"])
        .args(["--package", "gold", "--primary-phone-number", "call me"])
        .args(["--timezone", "Mars/Olympus"])
        .assert()
        .code(3);
    let (_, stderr) = texts(refused.get_output());
    for flag in [
        "--provisioning-id",
        "--sp-enterprise-id",
        "--first-name",
        "--last-name",
        "--package",
        "--primary-phone-number",
        "--timezone",
    ] {
        assert!(
            stderr.contains(&format!("  {flag}: ")),
            "{flag} missing from {stderr}"
        );
    }
    assert!(
        stderr.contains("7 problems found; nothing was sent"),
        "{stderr}"
    );
    assert_eq!(sim.requests(), 0);
}

#[test]
fn precheck_reports_success() {
    let sim = TestSim::start();
    sim.wxbw()
        .args(["subscribers", "precheck", "--email", "carol@acme.example"])
        .args(["--provisioning-id", "prov-acme", "--output", "json"])
        .assert()
        .success()
        .stdout(predicates::str::contains("\"message\": \"success\""));
    sim.wxbw()
        .args(["subscribers", "precheck", "--email", "not-an-address"])
        .assert()
        .code(3)
        .stderr(predicates::str::contains("--email"));
}

#[test]
fn a_missing_token_is_a_usage_error() {
    crate::support::wxbw()
        .args(["subscribers", "get", "some-id"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("WEBEX_TOKEN"));
}

#[test]
fn an_empty_token_is_refused_before_anything_is_sent() {
    let sim = TestSim::start();
    let refused = sim
        .wxbw()
        .env("WEBEX_TOKEN", "")
        .args(["subscribers", "list"])
        .assert()
        .code(2);
    let (_, stderr) = texts(refused.get_output());
    assert!(stderr.contains("WEBEX_TOKEN is empty"), "{stderr}");
    assert_eq!(sim.requests(), 0);
}
