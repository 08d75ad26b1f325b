//! Profiles in a config file, `--token-file`, and `wxbw config`.

use webex_broadworks_sim::Operation;

use crate::support::{TOKEN, TestSim, texts, wxbw};

/// A config file with one profile per token source, pointing at `url`.
fn config(dir: &std::path::Path, url: &str) -> std::path::PathBuf {
    let token_file = dir.join("token");
    std::fs::write(&token_file, format!("{TOKEN}\n")).unwrap();
    let path = dir.join("config.toml");
    std::fs::write(
        &path,
        format!(
            r#"default = "from-file"

[profiles.from-file]
base_url = "{url}"
token_file = "{}"

[profiles.from-env]
base_url = "{url}"
token_env = "LAB_WEBEX_TOKEN"

[profiles.from-command]
base_url = "{url}"
token_command = "printf {TOKEN}"
"#,
            token_file.display()
        ),
    )
    .unwrap();
    path
}

#[test]
fn each_kind_of_profile_reaches_its_server() {
    let sim = TestSim::start();
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path(), &sim.url());
    let list = |profile: Option<&str>, env: &[(&str, &str)]| {
        let mut command = wxbw();
        command
            .env("WXBW_CONFIG", &config)
            .args(["enterprises", "list"]);
        if let Some(name) = profile {
            command.args(["--profile", name]);
        }
        for (key, value) in env {
            command.env(key, value);
        }
        let output = command.output().unwrap();
        (output.status.code(), texts(&output).1)
    };
    let before = sim.state().request_count(Operation::ListEnterprises);
    assert_eq!(
        list(None, &[]),
        (Some(0), String::new()),
        "the default profile"
    );
    assert_eq!(list(Some("from-command"), &[]).0, Some(0));
    assert_eq!(
        list(
            None,
            &[("WXBW_PROFILE", "from-env"), ("LAB_WEBEX_TOKEN", TOKEN)]
        )
        .0,
        Some(0)
    );
    assert_eq!(
        sim.state().request_count(Operation::ListEnterprises),
        before + 3
    );

    let (code, stderr) = list(Some("from-env"), &[]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("LAB_WEBEX_TOKEN, which is not set"),
        "{stderr}"
    );
    let (code, stderr) = list(Some("staging"), &[]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("no profile staging"), "{stderr}");
    assert!(
        stderr.contains("from-command, from-env, from-file"),
        "{stderr}"
    );
    assert_eq!(
        sim.state().request_count(Operation::ListEnterprises),
        before + 3
    );
}

#[test]
fn token_file_gives_the_token_and_an_empty_one_is_refused() {
    let sim = TestSim::start();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("token");
    std::fs::write(&file, format!("{TOKEN}\n")).unwrap();
    wxbw()
        .args(["--base-url", &sim.url(), "--token-file"])
        .arg(&file)
        .args(["enterprises", "list"])
        .assert()
        .success();
    std::fs::write(&file, "\n").unwrap();
    let refused = wxbw()
        .args(["--base-url", &sim.url(), "--token-file"])
        .arg(&file)
        .args(["enterprises", "list"])
        .assert()
        .code(2);
    let (_, stderr) = texts(refused.get_output());
    assert!(stderr.contains("is empty"), "{stderr}");
}

#[test]
fn config_shows_the_settings_with_the_token_masked() {
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path(), "http://127.0.0.1:9/v1");
    let secret = "a-very-long-secret-token-9f3a";
    let output = wxbw()
        .env("WXBW_CONFIG", &config)
        .env("WEBEX_TOKEN", secret)
        .args(["config", "--output", "json"])
        .output()
        .unwrap();
    let (stdout, stderr) = texts(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(!stdout.contains(secret), "{stdout}");
    let shown: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(shown["profile"], "from-file");
    assert_eq!(shown["baseUrl"], "http://127.0.0.1:9/v1");
    assert_eq!(shown["baseUrlFrom"], "profile from-file");
    assert_eq!(shown["tokenFrom"], "--token or WEBEX_TOKEN");
    assert_eq!(shown["token"], "****9f3a (29 characters)");
    assert_eq!(shown["configFileExists"], true);
}
