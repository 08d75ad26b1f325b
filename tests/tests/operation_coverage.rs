//! Every operation of the API description is finished everywhere: the ergonomic client sends
//! it, the simulator routes it, `wxbw` has a command for it, the typed mocks round-trip it, and
//! the client classifies it for retries (an exhaustive `match`: an unclassified operation does
//! not compile). Each failure names the operationId, the file to write and the checklist in
//! CONTRIBUTING.md ("Adding an operation"). Counts of operations in the docs follow the spec.
// A test: a panic is its failure, with its line.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::time::Duration;

use serde_json::Value;
use webex_broadworks::{
    Client, Package, PrecheckSubscriber, ProvisionSubscriber, ProvisionWorkspace, UpdateSubscriber,
    UpdateWorkspace,
};
use webex_broadworks_sim::Simulator;

const CHECKLIST: &str = "see CONTRIBUTING.md, \"Adding an operation\"";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// One operation as the spec describes it.
#[derive(Debug)]
struct SpecOperation {
    id: String,
    method: String,
    path: String,
}

fn spec_operations() -> Vec<SpecOperation> {
    let text = std::fs::read_to_string(root().join("openapi/webex-broadworks.yaml")).unwrap();
    let spec: Value = serde_norway::from_str(&text).unwrap();
    let mut operations = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            if !["get", "put", "post", "delete", "patch"].contains(&method.as_str()) {
                continue;
            }
            operations.push(SpecOperation {
                id: operation["operationId"].as_str().unwrap().to_string(),
                method: method.to_uppercase(),
                path: path.clone(),
            });
        }
    }
    operations
}

/// Fails with every message, or passes when there is none.
fn assert_none(problems: Vec<String>) {
    assert!(
        problems.is_empty(),
        "{}\n({CHECKLIST})",
        problems.join("\n")
    );
}

#[test]
fn the_client_names_every_operation_with_its_method() {
    let mut problems = Vec::new();
    let spec = spec_operations();
    for operation in &spec {
        match webex_broadworks::Operation::ALL
            .iter()
            .find(|op| op.id() == operation.id)
        {
            None => problems.push(format!(
                "{}: no variant of webex_broadworks::Operation; add one (with its method and its \
                 retry classification) in crates/webex-broadworks/src/operation.rs",
                operation.id
            )),
            Some(op) if op.method() != operation.method => problems.push(format!(
                "{}: webex_broadworks::Operation says {}, the spec {}; correct \
                 crates/webex-broadworks/src/operation.rs",
                operation.id,
                op.method(),
                operation.method
            )),
            Some(_) => {}
        }
    }
    for op in webex_broadworks::Operation::ALL {
        if !spec.iter().any(|operation| operation.id == op.id()) {
            problems.push(format!(
                "{}: in webex_broadworks::Operation but not in the spec; remove it from \
                 crates/webex-broadworks/src/operation.rs",
                op.id()
            ));
        }
    }
    assert_none(problems);
}

#[test]
fn the_simulator_knows_every_operation_at_its_route() {
    let mut problems = Vec::new();
    for operation in spec_operations() {
        match webex_broadworks_sim::Operation::ALL
            .iter()
            .find(|op| op.operation_id() == operation.id)
        {
            None => problems.push(format!(
                "{}: the simulator has no such operation; add it to `operations!` in \
                 crates/webex-broadworks-sim/src/operation.rs and a route in \
                 crates/webex-broadworks-sim/src/routes/",
                operation.id
            )),
            Some(op)
                if op.method().as_str() != operation.method
                    || op.path_template() != operation.path =>
            {
                problems.push(format!(
                    "{}: the simulator serves it as {} {}, the spec as {} {}; correct \
                     crates/webex-broadworks-sim/src/operation.rs",
                    operation.id,
                    op.method(),
                    op.path_template(),
                    operation.method,
                    operation.path
                ))
            }
            Some(_) => {}
        }
    }
    assert_none(problems);
}

#[test]
fn the_typed_mocks_round_trip_every_operation() {
    let round_trip = root().join("crates/webex-broadworks-api/tests/round_trip.rs");
    let text = std::fs::read_to_string(&round_trip).unwrap();
    let problems = spec_operations()
        .into_iter()
        .filter(|operation| !text.contains(&format!(".{}()", snake_case(&operation.id))))
        .map(|operation| {
            format!(
                "{}: no round trip against its typed mock; add a test calling `.{}()` to \
                 crates/webex-broadworks-api/tests/round_trip.rs",
                operation.id,
                snake_case(&operation.id)
            )
        })
        .collect();
    assert_none(problems);
}

/// `getSubscriber` -> `get_subscriber`, as progenitor names the generated methods.
fn snake_case(id: &str) -> String {
    let mut out = String::new();
    for c in id.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn the_docs_count_the_operations_of_the_spec() {
    let count = spec_operations().len();
    let mut problems = Vec::new();
    for doc in [
        "README.md",
        "ARCHITECTURE.md",
        "CONTRIBUTING.md",
        "crates/webex-broadworks/README.md",
        "crates/webex-broadworks-api/README.md",
        "crates/webex-broadworks-sim/README.md",
        "crates/webex-broadworks-cli/README.md",
    ] {
        let text = std::fs::read_to_string(root().join(doc)).unwrap();
        for (line_number, line) in text.lines().enumerate() {
            let words: Vec<&str> = line.split_whitespace().collect();
            for pair in words.windows(2) {
                let Ok(number) = pair[0].trim_start_matches('(').parse::<usize>() else {
                    continue;
                };
                if pair[1].starts_with("operations") && number != count {
                    problems.push(format!(
                        "{doc}:{}: says {number} operations, the spec has {count}",
                        line_number + 1
                    ));
                }
            }
        }
    }
    assert_none(problems);
}

// ----- each operation sent, through the client and through wxbw, seen by the simulator -----

type Call = fn(Client) -> Pin<Box<dyn Future<Output = ()> + Send>>;

macro_rules! call {
    (|$client:ident| $body:expr) => {{
        fn call($client: Client) -> Pin<Box<dyn Future<Output = ()> + Send>> {
            Box::pin(async move {
                // The answer does not matter (an unknown id is a 404): that the request
                // reached the operation does.
                let _ = $body.await;
            })
        }
        call as Call
    }};
}

const SUBSCRIBER: &str = "Y2lzY29zcGFyazovL3VzL1NVQlNDUklCRVIvbm9uZQ";
const ENTERPRISE: &str = "Y2lzY29zcGFyazovL3VzL0VOVEVSUFJJU0Uvbm9uZQ";

fn provision() -> ProvisionSubscriber {
    ProvisionSubscriber::new()
        .provisioning_id("prov-acme")
        .user_id("coverage@acme.example")
        .sp_enterprise_id("Reseller1+acme")
        .first_name("Cover")
        .last_name("Age")
        .package(Package::Basic)
}

/// The ergonomic client's call for each operation. A new operation needs a method on its
/// resource type (crates/webex-broadworks/src/resources/) and a row here.
fn client_calls() -> Vec<(&'static str, Call)> {
    vec![
        (
            "listSubscribers",
            call!(|c| c.subscribers().list().first_page()),
        ),
        (
            "provisionSubscriber",
            call!(|c| c.subscribers().provision(provision())),
        ),
        ("getSubscriber", call!(|c| c.subscribers().get(SUBSCRIBER))),
        (
            "updateSubscriber",
            call!(|c| c
                .subscribers()
                .update(SUBSCRIBER, UpdateSubscriber::new().first_name("New"))),
        ),
        (
            "removeSubscriber",
            call!(|c| c.subscribers().remove(SUBSCRIBER)),
        ),
        (
            "precheckSubscriber",
            call!(|c| c
                .subscribers()
                .precheck(PrecheckSubscriber::new("coverage@acme.example"))),
        ),
        (
            "sendConsentMoveEmail",
            call!(|c| c.subscribers().send_consent_move_email(SUBSCRIBER)),
        ),
        (
            "provisionWorkspace",
            call!(|c| c.workspaces().provision(
                ProvisionWorkspace::new()
                    .provisioning_id("prov-acme")
                    .user_id("lobby@acme.example")
                    .sp_enterprise_id("Reseller1+acme")
                    .display_name("Lobby")
            )),
        ),
        (
            "updateWorkspace",
            call!(|c| c
                .workspaces()
                .update("workspace-1", UpdateWorkspace::new().extension("100"))),
        ),
        (
            "removeWorkspace",
            call!(|c| c.workspaces().remove("workspace-1")),
        ),
        (
            "listEnterprises",
            call!(|c| c.enterprises().list().first_page()),
        ),
        (
            "getDirectorySync",
            call!(|c| c.enterprises().directory_sync(ENTERPRISE)),
        ),
        (
            "updateDirectorySync",
            call!(|c| c.enterprises().set_directory_sync(ENTERPRISE, true)),
        ),
        (
            "triggerDirectorySync",
            call!(|c| c.enterprises().trigger_directory_sync(ENTERPRISE)),
        ),
        (
            "triggerUserDirectorySync",
            call!(|c| c
                .enterprises()
                .sync_user(ENTERPRISE, "coverage@acme.example")),
        ),
        (
            "listBillingReports",
            call!(|c| c.billing_reports().list().first_page()),
        ),
        (
            "createBillingReport",
            call!(|c| c.billing_reports().create("2024-03")),
        ),
        (
            "getBillingReport",
            call!(|c| c.billing_reports().get("report-1")),
        ),
        (
            "deleteBillingReport",
            call!(|c| c.billing_reports().delete("report-1")),
        ),
    ]
}

/// The `wxbw` command line for each operation. A new operation needs a command
/// (crates/webex-broadworks-cli/src/cli.rs and src/commands/) and a row here.
fn wxbw_commands() -> Vec<(&'static str, Vec<&'static str>)> {
    let provision = vec![
        "subscribers",
        "provision",
        "--provisioning-id",
        "prov-acme",
        "--user-id",
        "cli@acme.example",
        "--sp-enterprise-id",
        "Reseller1+acme",
        "--first-name",
        "Cli",
        "--last-name",
        "User",
        "--package",
        "basic",
    ];
    vec![
        ("listSubscribers", vec!["subscribers", "list"]),
        ("provisionSubscriber", provision),
        ("getSubscriber", vec!["subscribers", "get", SUBSCRIBER]),
        (
            "updateSubscriber",
            vec!["subscribers", "update", SUBSCRIBER, "--first-name", "New"],
        ),
        (
            "removeSubscriber",
            vec!["subscribers", "remove", SUBSCRIBER],
        ),
        (
            "precheckSubscriber",
            vec!["subscribers", "precheck", "--email", "cli@acme.example"],
        ),
        (
            "sendConsentMoveEmail",
            vec!["subscribers", "send-consent-email", SUBSCRIBER],
        ),
        (
            "provisionWorkspace",
            vec![
                "workspaces",
                "provision",
                "--provisioning-id",
                "prov-acme",
                "--user-id",
                "lobby@acme.example",
                "--sp-enterprise-id",
                "Reseller1+acme",
                "--display-name",
                "Lobby",
            ],
        ),
        (
            "updateWorkspace",
            vec!["workspaces", "update", "workspace-1", "--extension", "100"],
        ),
        (
            "removeWorkspace",
            vec!["workspaces", "remove", "workspace-1"],
        ),
        ("listEnterprises", vec!["enterprises", "list"]),
        (
            "getDirectorySync",
            vec!["enterprises", "directory-sync", "get", ENTERPRISE],
        ),
        (
            "updateDirectorySync",
            vec![
                "enterprises",
                "directory-sync",
                "update",
                ENTERPRISE,
                "--enable-dir-sync",
                "true",
            ],
        ),
        (
            "triggerDirectorySync",
            vec!["enterprises", "directory-sync", "trigger", ENTERPRISE],
        ),
        (
            "triggerUserDirectorySync",
            vec![
                "enterprises",
                "directory-sync",
                "sync-user",
                ENTERPRISE,
                "--user-id",
                "cli@acme.example",
            ],
        ),
        ("listBillingReports", vec!["billing", "list"]),
        (
            "createBillingReport",
            vec!["billing", "create", "--billing-period", "2024-03"],
        ),
        ("getBillingReport", vec!["billing", "get", "report-1"]),
        ("deleteBillingReport", vec!["billing", "delete", "report-1"]),
    ]
}

/// The operations the simulator saw since `before` (counts per operationId).
fn seen_since(
    sim: &Simulator,
    before: &std::collections::BTreeMap<String, u64>,
) -> BTreeSet<String> {
    sim.state()
        .request_counts()
        .into_iter()
        .filter(|(op, count)| *count > before.get(op.operation_id()).copied().unwrap_or(0))
        .map(|(op, _)| op.operation_id().to_string())
        .collect()
}

fn counts(sim: &Simulator) -> std::collections::BTreeMap<String, u64> {
    sim.state()
        .request_counts()
        .into_iter()
        .map(|(op, count)| (op.operation_id().to_string(), count))
        .collect()
}

#[test]
fn the_client_and_wxbw_send_every_operation() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let sim = runtime.block_on(Simulator::builder().start()).unwrap();
    let client = Client::builder()
        .with_token("sim-token")
        .with_base_url(sim.base_url())
        .with_retry_policy(webex_broadworks::RetryPolicy::never())
        .build()
        .unwrap();
    let calls = client_calls();
    let commands = wxbw_commands();
    let mut problems = Vec::new();
    for operation in spec_operations() {
        match calls.iter().find(|(id, _)| *id == operation.id) {
            None => problems.push(format!(
                "{}: no ergonomic-client call; add a method for it in \
                 crates/webex-broadworks/src/resources/ and a row in `client_calls` of \
                 tests/tests/operation_coverage.rs",
                operation.id
            )),
            Some((_, call)) => {
                let before = counts(&sim);
                runtime.block_on(async {
                    tokio::time::timeout(Duration::from_secs(10), call(client.clone()))
                        .await
                        .unwrap()
                });
                let seen = seen_since(&sim, &before);
                if !seen.contains(&operation.id) {
                    problems.push(format!(
                        "{}: the client's call sent {seen:?} instead; correct its method in \
                         crates/webex-broadworks/src/resources/",
                        operation.id
                    ));
                }
            }
        }
        match commands.iter().find(|(id, _)| *id == operation.id) {
            None => problems.push(format!(
                "{}: no wxbw command; add one in crates/webex-broadworks-cli/src/cli.rs and \
                 src/commands/, and a row in `wxbw_commands` of tests/tests/operation_coverage.rs",
                operation.id
            )),
            Some((_, args)) => {
                let before = counts(&sim);
                let output = std::process::Command::new(env!("CARGO_BIN_EXE_wxbw-under-test"))
                    .args(args)
                    .env("WEBEX_BASE_URL", sim.base_url())
                    .env("WEBEX_TOKEN", "sim-token")
                    .output()
                    .unwrap();
                let seen = seen_since(&sim, &before);
                if !seen.contains(&operation.id) {
                    problems.push(format!(
                        "{}: `wxbw {}` sent {seen:?} instead ({}); correct its command in \
                         crates/webex-broadworks-cli/src/commands/",
                        operation.id,
                        args.join(" "),
                        String::from_utf8_lossy(&output.stderr).trim()
                    ));
                }
            }
        }
    }
    runtime.block_on(sim.shutdown());
    assert_none(problems);
}
