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
        for word in ["subscribers", "provision-subscribers", "directory-sync", "base-url"] {
            assert!(stdout.contains(word), "{shell} completion lacks {word}");
        }
    }
    // The bash script is valid bash.
    let script = wxbw().args(["completions", "bash"]).output().unwrap().stdout;
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
