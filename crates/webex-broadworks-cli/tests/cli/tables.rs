//! Snapshots of table output, with the values that change from run to run masked.

use crate::support::TestSim;

fn regex_escape(text: &str) -> String {
    text.chars()
        .flat_map(|c| {
            if c.is_ascii_alphanumeric() || c == '/' || c == '_' || c == '-' {
                vec![c]
            } else {
                vec!['\\', c]
            }
        })
        .collect()
}

fn stdout(assert: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&assert.get_output().stdout).into_owned()
}

#[test]
fn a_subscriber_as_a_table() {
    let sim = TestSim::start();
    let provisioned = sim
        .wxbw()
        .args(["subscribers", "provision", "--provisioning-id", "prov-acme"])
        .args([
            "--user-id",
            "alice@acme.example",
            "--sp-enterprise-id",
            "Reseller1+acme",
        ])
        .args([
            "--first-name",
            "Alice",
            "--last-name",
            "Ng",
            "--package",
            "standard",
        ])
        .args(["--primary-phone-number", "+1-240-555-1212", "--wait"])
        .assert()
        .success();
    masked(None).bind(|| {
        insta::assert_snapshot!("table_subscriber", stdout(&provisioned));
    });
}

#[test]
fn billing_reports_and_enterprises_as_tables() {
    let sim = TestSim::start();
    let reports = sim.wxbw().args(["billing", "list"]).assert().success();
    let enterprises = sim.wxbw().args(["enterprises", "list"]).assert().success();
    masked(None).bind(|| {
        insta::assert_snapshot!("table_billing_reports", stdout(&reports));
        insta::assert_snapshot!("table_enterprises", stdout(&enterprises));
    });
}

#[test]
fn a_bulk_summary_as_tables() {
    let sim = TestSim::start();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("people.csv");
    let mut csv = String::from("provisioningId,userId,spEnterpriseId,firstName,lastName,package\n");
    for user_id in [
        "a@acme.example",
        "migrate-b@acme.example",
        "nolicence-c@acme.example",
        "d@acme.example",
    ] {
        csv.push_str(&format!(
            "prov-acme,{user_id},Reseller1+acme,Some,One,basic\n"
        ));
    }
    std::fs::write(&file, csv).unwrap();
    let run = sim
        .wxbw()
        .args(["bulk", "provision-subscribers"])
        .arg(&file)
        .args(["--poll-interval", "100ms"])
        .assert()
        .code(4);
    masked(Some(dir.path())).bind(|| {
        insta::assert_snapshot!("table_bulk_summary", stdout(&run));
    });
}

/// Masks what changes from run to run: ids, times, the run's cost line, the temp folder.
fn masked(dir: Option<&std::path::Path>) -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    if let Some(dir) = dir {
        settings.add_filter(&regex_escape(&dir.display().to_string()), "[dir]");
    }
    settings.add_filter(r"Y2lz[A-Za-z0-9_-]+", "[id]");
    settings.add_filter(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", "[time]");
    settings.add_filter(r"(?m)^\d+ requests \(.*$", "[cost]");
    settings
}

#[test]
fn subscriber_lists_fit_the_terminal_at_80_and_160_columns() {
    let sim = TestSim::start();
    for n in 1..=2 {
        sim.wxbw()
            .args(["subscribers", "provision", "--provisioning-id", "prov-acme"])
            .args(["--user-id", &format!("alexandra{n}@acme.example")])
            .args(["--sp-enterprise-id", "Reseller1+acme"])
            .args([
                "--first-name",
                "Alexandra",
                "--last-name",
                "Ngongo-Wetherby",
            ])
            .args(["--package", "standard"])
            .assert()
            .success();
    }
    let listed = |columns: &str, wide: bool| {
        let mut command = sim.wxbw();
        command
            .env("COLUMNS", columns)
            .args(["subscribers", "list"]);
        if wide {
            command.arg("--wide");
        }
        stdout(&command.assert().success())
    };
    for (columns, name) in [
        ("80", "table_subscribers_80"),
        ("160", "table_subscribers_160"),
    ] {
        let table = listed(columns, false);
        let width: usize = columns.parse().unwrap();
        assert!(
            table.lines().all(|line| line.chars().count() <= width),
            "wider than {columns} columns:\n{table}"
        );
        assert!(table.contains("alexandra1@acme.example"), "{table}");
        assert!(!table.contains("Y2lz"), "ids are shortened:\n{table}");
        masked(None).bind(|| insta::assert_snapshot!(name, table));
    }
    let narrow = listed("80", false);
    assert!(!narrow.contains("lastStatusChange"), "{narrow}");
    let wide = listed("80", true);
    assert!(
        wide.contains("Y2lz") && wide.contains("lastStatusChange"),
        "{wide}"
    );
    assert!(wide.lines().any(|line| line.chars().count() > 80), "{wide}");
}
