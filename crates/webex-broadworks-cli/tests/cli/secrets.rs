//! The token never shows: not in output, errors, the journal or the results file.

use webex_broadworks_sim::Scope;

use crate::support::{TestSim, texts};

const SECRET: &str = "tok-3f9a1c7e-never-print-me";

fn assert_hidden(output: &std::process::Output) {
    let (stdout, stderr) = texts(output);
    assert!(!stdout.contains(SECRET), "token in stdout: {stdout}");
    assert!(!stderr.contains(SECRET), "token in stderr: {stderr}");
}

#[test]
fn the_token_appears_in_no_output_error_or_file() {
    let sim = TestSim::start_with(|builder| builder.token(SECRET, Scope::all()));
    let run = |args: &[&str]| {
        let assert = sim.wxbw().env("WEBEX_TOKEN", SECRET).args(args).assert();
        assert_hidden(assert.get_output());
        assert
    };
    run(&["subscribers", "list"]).success();
    run(&["subscribers", "list", "--output", "json"]).success();
    run(&["subscribers", "get", "no-such-id"]).code(1);
    run(&["subscribers", "provision", "--package", "gold"]).code(3);
    run(&["--help"]).success();

    // A token the server refuses: the 401 is explained without echoing the token.
    let refused = sim
        .wxbw()
        .env("WEBEX_TOKEN", format!("{SECRET}-wrong"))
        .args(["enterprises", "list"])
        .assert()
        .code(1);
    assert_hidden(refused.get_output());

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("people.csv");
    std::fs::write(
        &file,
        "provisioningId,userId,spEnterpriseId,firstName,lastName,package\n\
         prov-acme,a@acme.example,Reseller1+acme,A,B,basic\n",
    )
    .unwrap();
    let bulk = sim
        .wxbw()
        .env("WEBEX_TOKEN", SECRET)
        .args(["bulk", "provision-subscribers"])
        .arg(&file)
        .args(["--poll-interval", "100ms"])
        .assert()
        .success();
    assert_hidden(bulk.get_output());
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        assert!(
            !String::from_utf8_lossy(&bytes).contains(SECRET),
            "token in a file of the run"
        );
    }
}
