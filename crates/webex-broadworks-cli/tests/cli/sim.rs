//! `wxbw sim` serves the API standalone; other `wxbw` processes use it.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use crate::support::wxbw;

#[test]
fn the_standalone_simulator_serves_other_commands() {
    let mut sim = Command::new(env!("CARGO_BIN_EXE_wxbw"))
        .env_remove("WEBEX_TOKEN")
        .args(["sim", "--port", "0", "--provisioning-delay", "100ms"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut url = String::new();
    BufReader::new(sim.stdout.take().unwrap())
        .read_line(&mut url)
        .unwrap();
    let url = url.trim().to_string();
    assert!(
        url.starts_with("http://127.0.0.1:") && url.ends_with("/v1"),
        "{url}"
    );
    let listed = wxbw()
        .env("WEBEX_TOKEN", "sim-token")
        .args([
            "--base-url",
            &url,
            "enterprises",
            "list",
            "--output",
            "json",
        ])
        .assert();
    sim.kill().unwrap();
    sim.wait().unwrap();
    let output = listed.success();
    let list: serde_json::Value = serde_json::from_slice(&output.get_output().stdout).unwrap();
    assert_eq!(list["items"][0]["spEnterpriseId"], "Reseller1+acme");
}
