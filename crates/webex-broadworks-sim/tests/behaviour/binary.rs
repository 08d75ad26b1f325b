use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use crate::common::http_client;

/// Kills the child process when the test ends, passing or failing.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn the_binary_serves_with_the_given_token() {
    let mut child = Child(
        Command::new(env!("CARGO_BIN_EXE_webex-broadworks-sim"))
            .args(["--port", "0", "--token", "cli-token"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the binary starts"),
    );
    let stdout = child.0.stdout.take().unwrap();
    let base_url = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).unwrap();
        line.trim().to_string()
    })
    .await
    .unwrap();
    assert!(
        base_url.starts_with("http://127.0.0.1:") && base_url.ends_with("/v1"),
        "{base_url}"
    );

    let client = http_client();
    let url = format!("{base_url}/broadworks/subscribers");
    let ok = client
        .get(&url)
        .bearer_auth("cli-token")
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    let default_token = client
        .get(&url)
        .bearer_auth("sim-token")
        .send()
        .await
        .unwrap();
    assert_eq!(default_token.status(), 401);
}
