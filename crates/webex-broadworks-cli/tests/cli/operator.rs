//! What operators expect of a command line: precise errors, a log that shows each status
//! change, a closed stdout ending quietly, Ctrl-C stopping the demo.

use std::io::Read;
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::support::{TestSim, texts, wxbw};

fn stderr_of(command: &mut assert_cmd::Command) -> (Option<i32>, String) {
    let output = command.output().unwrap();
    (output.status.code(), texts(&output).1)
}

#[test]
fn an_unknown_scheme_is_named_as_such() {
    let (code, stderr) = stderr_of(wxbw().env("WEBEX_TOKEN", "t").args([
        "--base-url",
        "htp://webexapis.com/v1",
        "subscribers",
        "get",
        "x",
    ]));
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("scheme `htp` is unknown"), "{stderr}");
    assert!(!stderr.contains("must use https"), "{stderr}");
}

#[test]
fn a_base_url_without_v1_is_named_on_a_404() {
    let sim = TestSim::start();
    let unversioned = sim.url().trim_end_matches("/v1").to_string();
    let (code, stderr) =
        stderr_of(
            sim.wxbw()
                .args(["--base-url", &unversioned, "subscribers", "get", "x"]),
        );
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("does not end in /v1"), "{stderr}");
    assert!(
        stderr.contains(&format!("use {unversioned}/v1")),
        "{stderr}"
    );
}

#[test]
fn a_refused_connection_says_so() {
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let url = format!("http://127.0.0.1:{closed}/v1");
    let (code, stderr) = stderr_of(wxbw().env("WEBEX_TOKEN", "t").args([
        "--base-url",
        &url,
        "subscribers",
        "get",
        "x",
    ]));
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("the connection was refused"), "{stderr}");
    assert!(!stderr.contains("error sending request"), "{stderr}");
}

#[test]
fn without_a_terminal_wait_logs_each_status_change() {
    let sim = TestSim::start();
    let (code, stderr) = stderr_of(sim.wxbw().args([
        "subscribers",
        "provision",
        "--provisioning-id",
        "prov-acme",
        "--user-id",
        "log@acme.example",
        "--sp-enterprise-id",
        "Reseller1+acme",
        "--first-name",
        "Log",
        "--last-name",
        "Line",
        "--package",
        "basic",
        "--wait",
    ]));
    assert_eq!(code, Some(0), "{stderr}");
    let provisioning = stderr
        .find("log@acme.example: provisioning at ")
        .unwrap_or_else(|| panic!("{stderr}"));
    let provisioned = stderr
        .find("log@acme.example: provisioned at ")
        .unwrap_or_else(|| panic!("{stderr}"));
    assert!(provisioning < provisioned, "{stderr}");
    assert_eq!(
        stderr.matches(": provisioning at ").count(),
        1,
        "one line per change:\n{stderr}"
    );
}

#[test]
fn a_closed_stdout_ends_the_command_quietly() {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_wxbw"))
        .args(["demo", "--subscribers", "13"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read the first line, then close the pipe, as `head -1` does.
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 64];
    let _ = stdout.read(&mut first).unwrap();
    drop(stdout);
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(
        !stderr.contains("Broken pipe") && !stderr.contains("panicked"),
        "{stderr}"
    );
}

#[test]
fn ctrl_c_stops_the_demo() {
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_wxbw"))
        .args(["demo", "--subscribers", "2000"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(800));
    let sent = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let asked = Instant::now();
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(130), "{stderr}");
    assert!(
        asked.elapsed() < Duration::from_secs(10),
        "the demo went on after Ctrl-C"
    );
    assert!(
        stderr.contains("interrupted") || stderr.contains("stopped waiting"),
        "{stderr}"
    );
}

#[test]
fn completions_cover_every_command_in_each_shell() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let output = wxbw().args(["completions", shell]).output().unwrap();
        let (stdout, stderr) = texts(&output);
        assert_eq!(output.status.code(), Some(0), "{shell}: {stderr}");
        for word in [
            "subscribers",
            "provision-subscribers",
            "directory-sync",
            "base-url",
        ] {
            assert!(stdout.contains(word), "{shell} completion lacks {word}");
        }
    }
    // The bash script is valid bash.
    let script = wxbw()
        .args(["completions", "bash"])
        .output()
        .unwrap()
        .stdout;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("wxbw.bash");
    std::fs::write(&path, script).unwrap();
    let checked = std::process::Command::new("bash")
        .arg("-n")
        .arg(&path)
        .status()
        .unwrap();
    assert!(checked.success(), "bash -n rejected the completion script");
}

#[test]
fn the_manual_page_is_roff_for_wxbw() {
    let output = wxbw().arg("man").output().unwrap();
    let (stdout, stderr) = texts(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stdout.contains(".TH wxbw 1"), "{stdout}");
    assert!(stdout.contains(".SH NAME"), "{stdout}");
    for command in ["subscribers", "bulk", "completions"] {
        assert!(stdout.contains(command), "the page lacks {command}");
    }
}

fn provision_three(sim: &TestSim) {
    for n in 0..3 {
        sim.wxbw()
            .args(["subscribers", "provision", "--provisioning-id", "prov-acme"])
            .args(["--user-id", &format!("json{n}@acme.example")])
            .args(["--sp-enterprise-id", "Reseller1+acme", "--first-name", "J"])
            .args(["--last-name", "Son", "--package", "basic"])
            .assert()
            .success();
    }
}

#[test]
fn lists_are_items_in_json_and_one_object_a_line_in_ndjson() {
    let sim = TestSim::start();
    provision_three(&sim);
    for command in [
        &["subscribers", "list"][..],
        &["enterprises", "list"],
        &["billing", "list"],
    ] {
        // Pages of one item, where the list takes a page size: the document is whole anyway.
        let mut json = sim.wxbw();
        json.args(command).args(["--output", "json"]);
        if command[0] != "billing" {
            json.args(["--max", "1"]);
        }
        let json = json.output().unwrap();
        let (stdout, stderr) = texts(&json);
        let document: serde_json::Value = serde_json::from_str(&stdout)
            .unwrap_or_else(|e| panic!("{command:?}: {e}: {stdout}{stderr}"));
        let items = document["items"]
            .as_array()
            .unwrap_or_else(|| panic!("{command:?}: {stdout}"));
        assert!(!items.is_empty(), "{command:?}: {stdout}");

        let ndjson = sim
            .wxbw()
            .args(command)
            .args(["--output", "ndjson"])
            .output()
            .unwrap();
        let (stdout, _) = texts(&ndjson);
        let lines: Vec<serde_json::Value> = stdout
            .lines()
            .map(|line| {
                serde_json::from_str(line).unwrap_or_else(|e| panic!("{command:?}: {e}: {line}"))
            })
            .collect();
        assert_eq!(lines.len(), items.len(), "{command:?}: one line per item");
        assert!(
            lines.iter().all(serde_json::Value::is_object),
            "{command:?}: {stdout}"
        );
        assert_eq!(
            &lines[0], &items[0],
            "{command:?}: the same objects either way"
        );
    }
    let subscribers = sim
        .wxbw()
        .args(["subscribers", "list", "--output", "ndjson"])
        .output()
        .unwrap();
    assert_eq!(texts(&subscribers).0.lines().count(), 3);
}

#[test]
fn errors_in_json_mode_are_a_json_object_on_stderr() {
    let sim = TestSim::start();
    for format in ["json", "ndjson"] {
        let output = sim
            .wxbw()
            .args(["subscribers", "get", "no-such-id", "--output", format])
            .output()
            .unwrap();
        let (stdout, stderr) = texts(&output);
        assert!(stdout.is_empty(), "{stdout}");
        assert_eq!(output.status.code(), Some(1));
        let error: serde_json::Value =
            serde_json::from_str(stderr.trim()).unwrap_or_else(|e| panic!("{e}: {stderr}"));
        assert_eq!(error["error"]["status"], 404, "{stderr}");
        assert_eq!(error["error"]["exitCode"], 1, "{stderr}");
        assert!(error["error"]["trackingId"].is_string(), "{stderr}");
        assert!(error["error"]["errorCodes"].is_array(), "{stderr}");
        assert!(
            error["error"]["message"].as_str().unwrap().contains("404"),
            "{stderr}"
        );
    }
    // A usage error too.
    let output = wxbw()
        .args(["subscribers", "get", "x", "--output", "json"])
        .output()
        .unwrap();
    let error: serde_json::Value = serde_json::from_str(texts(&output).1.trim()).unwrap();
    assert_eq!(error["error"]["exitCode"], 2);
}
