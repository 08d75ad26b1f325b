//! Bad inputs and bad responses, and what a user sees for each.
//!
//! Every row drives one input through the public API (the `webex-broadworks` client, or `wxbw`
//! in-process) against the simulator or a hand-rolled loopback server, and records the error
//! the user sees (kind, HTTP status, message) and how many requests reached the server. For
//! inputs the client refuses, nothing may be sent. The rows render as a Markdown table,
//! guarded by an insta snapshot and copied verbatim into RELIABILITY.md ("Bad inputs").
//!
//! Rerun: `cargo test -p webex-broadworks-tests --test bad_inputs`.
// A test: a panic is its failure, with its line.
#![allow(clippy::unwrap_used)]

use clap::Parser;
use webex_broadworks::{Client, Error, Package, ProvisionSubscriber, RetryPolicy, UpdateWorkspace};
use webex_broadworks_sim::{FaultPlan, FaultRates, Operation, Simulator};
use webex_broadworks_tests::{canned_server, http_response};

const TOKEN: &str = "sim-token";

/// One row of the table.
struct Row {
    input: &'static str,
    call: &'static str,
    /// The kind of error (the `Error` variant, or the CLI's exit code), or `ok`.
    kind: String,
    status: String,
    message: String,
    requests: usize,
}

/// Whether a row's input must be refused before anything is sent.
#[derive(Clone, Copy, PartialEq)]
enum Expect {
    /// Refused by the client: no request may reach the server.
    NothingSent,
    /// The input is valid for the client (or the fault is the server's): whatever the result,
    /// it must be an `Ok` or an error, never a panic.
    Sent,
}

fn kind(error: &Error) -> &'static str {
    match error {
        Error::Validation(_) => "Validation",
        Error::Api(_) => "Api",
        Error::RateLimited(_) => "RateLimited",
        Error::Transport(_) => "Transport",
        Error::Timeout(_) => "Timeout",
        Error::UndecodableResponse(_) => "UndecodableResponse",
        Error::WaitTimedOut(_) => "WaitTimedOut",
        Error::SubscriberPaused(_) => "SubscriberPaused",
        Error::AsyncFailed(_) => "AsyncFailed",
        Error::Credentials(_) => "Credentials",
        Error::Config(_) => "Config",
        _ => "other",
    }
}

/// Tracking ids are random per run: `trackingId X` / `TrackingID X` shows as `trackingId …`.
fn redact_tracking_ids(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    loop {
        let next = ["trackingId ", "TrackingID "]
            .iter()
            .filter_map(|marker| rest.find(marker).map(|at| (at, marker.len())))
            .min();
        let Some((at, len)) = next else {
            out.push_str(rest);
            return out;
        };
        out.push_str(&rest[..at + len]);
        rest = &rest[at + len..];
        let end = rest
            .find(|c: char| c.is_whitespace() || c == ')' || c == ';')
            .unwrap_or(rest.len());
        out.push('…');
        rest = &rest[end..];
    }
}

/// A message as a table cell: one line, pipes escaped, long runs of one character shortened.
fn cell(text: &str) -> String {
    let text = redact_tracking_ids(text);
    let mut out = String::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let run = chars[i..].iter().take_while(|&&d| d == c).count();
        if run > 12 {
            out.push_str(&format!("{c}{c}{c}…({run}×)"));
            i += run;
            continue;
        }
        match c {
            '\n' => out.push_str("<br>"),
            '|' => out.push_str("\\|"),
            _ => out.push(c),
        }
        i += 1;
    }
    out.split("<br>")
        .map(str::trim)
        .collect::<Vec<_>>()
        .join("<br>")
}

fn row<T>(
    input: &'static str,
    call: &'static str,
    result: &Result<T, Error>,
    requests: usize,
    expect: Expect,
    ok: impl FnOnce(&T) -> String,
) -> Row {
    if expect == Expect::NothingSent {
        assert!(result.is_err(), "{input}: the client accepted it");
        assert_eq!(
            requests, 0,
            "{input}: a request was sent despite invalid input"
        );
    }
    match result {
        Ok(value) => Row {
            input,
            call,
            kind: "ok".into(),
            status: "200".into(),
            message: ok(value),
            requests,
        },
        Err(error) => {
            // Debug must not panic either, and is what `{:?}` logging shows.
            let _ = format!("{error:?}");
            Row {
                input,
                call,
                kind: kind(error).into(),
                status: error
                    .status()
                    .map_or_else(|| "—".to_string(), |s| s.as_u16().to_string()),
                message: error.to_string(),
                requests,
            }
        }
    }
}

fn render(rows: &[Row]) -> String {
    let mut table = String::from(
        "| input | call | the user sees | status | message | requests sent |\n\
         |---|---|---|---|---|---|\n",
    );
    for row in rows {
        table.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} |\n",
            row.input,
            row.call,
            row.kind,
            row.status,
            cell(&row.message),
            row.requests
        ));
    }
    table
}

/// A client of `base_url`, repeatable, with no timers (the clock is paused).
fn client(base_url: &str) -> Client {
    client_with(base_url, TOKEN)
}

fn client_with(base_url: &str, token: &str) -> Client {
    Client::builder()
        .with_token(token)
        .with_base_url(base_url)
        .without_timers()
        .with_rng_seed(7)
        .with_retry_policy(RetryPolicy::default())
        .build()
        .unwrap()
}

fn valid_subscriber(user_id: &str) -> ProvisionSubscriber {
    ProvisionSubscriber::new()
        .provisioning_id("prov-1")
        .user_id(user_id)
        .sp_enterprise_id("Reseller1+acme")
        .first_name("Alice")
        .last_name("Ng")
        .package(Package::Basic)
}

/// `wxbw ARGS` in-process: the exit code and what it prints on stderr (`wxbw: {error}`).
async fn wxbw(args: &[&str]) -> (u8, String) {
    let cli = webex_broadworks_cli::cli::Cli::try_parse_from(
        std::iter::once("wxbw").chain(args.iter().copied()),
    )
    .unwrap();
    match webex_broadworks_cli::dispatch(cli).await {
        Ok(()) => (0, String::new()),
        Err(error) => (error.exit().code(), format!("wxbw: {error}")),
    }
}

const HUGE: usize = 24 * 1024 * 1024;

#[tokio::test(start_paused = true)]
async fn bad_inputs_and_bad_responses() {
    let sim = Simulator::builder().id_seed(3).start().await.unwrap();
    let url = sim.base_url();
    let sent = || sim.state().request_log().len();
    let mut rows = Vec::new();

    // ----- inputs -----
    let before = sent();
    let result = client(&url)
        .subscribers()
        .provision(
            ProvisionSubscriber::new()
                .provisioning_id("")
                .user_id("")
                .sp_enterprise_id("")
                .first_name("")
                .last_name("")
                .package(Package::Basic),
        )
        .await;
    rows.push(row(
        "empty strings in the five mandatory text fields",
        "`subscribers().provision`",
        &result,
        sent() - before,
        Expect::NothingSent,
        |_| String::new(),
    ));

    let before = sent();
    let result = client(&url).subscribers().get("").await;
    rows.push(row(
        "empty subscriber id",
        "`subscribers().get(\"\")`",
        &result,
        sent() - before,
        Expect::NothingSent,
        |_| String::new(),
    ));

    let before = sent();
    let long = "a".repeat(10_000);
    let result = client(&url)
        .subscribers()
        .provision(valid_subscriber("long@sp.example").first_name(long.as_str()))
        .await;
    rows.push(row(
        "10,000-character `firstName`",
        "`subscribers().provision`",
        &result,
        sent() - before,
        Expect::Sent,
        |s| {
            format!(
                "sent (Webex documents no length limit; the server decides): status {}",
                s.status
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default()
            )
        },
    ));
    // What was sent arrived whole.
    let stored = sim.state().subscribers_by_user_id("long@sp.example");
    assert_eq!(stored[0].first_name.as_deref(), Some(long.as_str()));

    let before = sent();
    let result = client(&url)
        .workspaces()
        .update(&"w".repeat(10_000), UpdateWorkspace::new().extension("12"))
        .await;
    rows.push(row(
        "10,000-character workspace id",
        "`workspaces().update`",
        &result,
        sent() - before,
        Expect::NothingSent,
        |_| String::new(),
    ));

    let before = sent();
    let result = client(&url)
        .subscribers()
        .provision(valid_subscriber("x@sp.example").primary_phone_number("1".repeat(10_000)))
        .await;
    rows.push(row(
        "10,000-digit `primaryPhoneNumber`",
        "`subscribers().provision`",
        &result,
        sent() - before,
        Expect::NothingSent,
        |_| String::new(),
    ));

    let before = sent();
    let result = client(&url)
        .subscribers()
        .provision(
            valid_subscriber("x@sp.example")
                .primary_phone_number("+1-240\u{0}-555-1212")
                .extension("12\u{7}")
                .timezone("Europe/Paris\n")
                .email("alice@exam\u{1b}ple.com"),
        )
        .await;
    rows.push(row(
        "control characters (NUL, BEL, ESC, LF) in number, extension, time zone, e-mail",
        "`subscribers().provision`",
        &result,
        sent() - before,
        Expect::NothingSent,
        |_| String::new(),
    ));

    let before = sent();
    let result = client(&url)
        .subscribers()
        .provision(valid_subscriber("ctrl@sp.example").first_name("Al\u{0}ice\u{7}"))
        .await;
    rows.push(row(
        "control characters (NUL, BEL) in `firstName`",
        "`subscribers().provision`",
        &result,
        sent() - before,
        Expect::Sent,
        |s| {
            format!(
                "sent, JSON-escaped (names have no documented character rules): status {}",
                s.status
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default()
            )
        },
    ));

    let before = sent();
    let result = client(&url)
        .subscribers()
        .provision(valid_subscriber("x@sp.example").package("gold"))
        .await;
    rows.push(row(
        "unknown package `gold`",
        "`subscribers().provision`",
        &result,
        sent() - before,
        Expect::NothingSent,
        |_| String::new(),
    ));

    let before = sent();
    let result = client(&url)
        .subscribers()
        .provision(valid_subscriber("x@sp.example").timezone("america/los_angeles"))
        .await;
    rows.push(row(
        "time zone `america/los_angeles`",
        "`subscribers().provision`",
        &result,
        sent() - before,
        Expect::NothingSent,
        |_| String::new(),
    ));

    let before = sent();
    let result = client(&url)
        .subscribers()
        .provision(valid_subscriber("x@sp.example").timezone("Mars/Olympus"))
        .await;
    rows.push(row(
        "time zone `Mars/Olympus`",
        "`subscribers().provision`",
        &result,
        sent() - before,
        Expect::NothingSent,
        |_| String::new(),
    ));

    let before = sent();
    let result = client(&url)
        .subscribers()
        .provision(valid_subscriber("x@sp.example").primary_phone_number("+1 (240) 555-1212"))
        .await;
    rows.push(row(
        "phone number `+1 (240) 555-1212`",
        "`subscribers().provision`",
        &result,
        sent() - before,
        Expect::NothingSent,
        |_| String::new(),
    ));

    let before = sent();
    let result = client(&url).billing_reports().create("2024-13").await;
    rows.push(row(
        "billing period `2024-13`",
        "`billing_reports().create`",
        &result,
        sent() - before,
        Expect::NothingSent,
        |_| String::new(),
    ));

    let before = sent();
    let result = client_with(&url, "SECRET-TOKEN\n")
        .subscribers()
        .get("sub-1")
        .await;
    rows.push(row(
        "a token with a line feed",
        "`subscribers().get`",
        &result,
        sent() - before,
        Expect::NothingSent,
        |_| String::new(),
    ));
    if let Err(error) = &result {
        assert!(!format!("{error} {error:?}").contains("SECRET-TOKEN"));
    }

    // A CSV with a cell that is not UTF-8, given to `wxbw bulk provision-subscribers`.
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("people.csv");
    let mut bytes = b"provisioningId,userId,spEnterpriseId,firstName,lastName,package\n\
        prov-1,a@sp.example,Reseller1+acme,Ann,Lee,basic\n\
        prov-1,b@sp.example,Reseller1+acme,"
        .to_vec();
    bytes.extend_from_slice(b"B\xff\xfeob,Ray,basic\n");
    std::fs::write(&csv, bytes).unwrap();
    let before = sent();
    let (code, stderr) = wxbw(&[
        "--base-url",
        &url,
        "--token",
        TOKEN,
        "bulk",
        "provision-subscribers",
        csv.to_str().unwrap(),
    ])
    .await;
    assert_eq!(code, 3, "{stderr}");
    assert_eq!(sent() - before, 0, "a request was sent for an invalid CSV");
    let journal = dir.path().join("people.csv.journal.sqlite");
    assert!(
        !journal.exists(),
        "a journal was started for an invalid file"
    );
    rows.push(Row {
        input: "CSV row with non-UTF-8 bytes in `firstName`",
        call: "`wxbw bulk provision-subscribers people.csv`",
        kind: format!("exit {code}"),
        status: "—".into(),
        message: stderr,
        requests: sent() - before,
    });

    // A CSV whose rows break each rule: every problem is listed, nothing is sent.
    let csv = dir.path().join("bad.csv");
    let long_name = "n".repeat(10_000);
    std::fs::write(
        &csv,
        format!(
            "provisioningId,userId,spEnterpriseId,firstName,lastName,package,primaryPhoneNumber,timezone\n\
             ,,,,,basic,,\n\
             prov-1,c@sp.example,Reseller1+acme,{long_name},Lee,gold,,\n\
             prov-1,d@sp.example,Reseller1+acme,Dee,Lee,basic,+1 (240) 555-1212,Mars/Olympus\n\
             prov-1,e@sp.example,Reseller1+acme,Eve,Lee,basic,\"+1-240\u{7}-555\",\n"
        ),
    )
    .unwrap();
    let before = sent();
    let (code, stderr) = wxbw(&[
        "--base-url",
        &url,
        "--token",
        TOKEN,
        "bulk",
        "provision-subscribers",
        csv.to_str().unwrap(),
    ])
    .await;
    assert_eq!(code, 3, "{stderr}");
    assert_eq!(sent() - before, 0, "a request was sent for an invalid CSV");
    rows.push(Row {
        input: "CSV rows with empty mandatory cells, a 10,000-character name beside package `gold`, a bad number and time zone, a BEL in a number",
        call: "`wxbw bulk provision-subscribers bad.csv`",
        kind: format!("exit {code}"),
        status: "—".into(),
        message: stderr,
        requests: sent() - before,
    });

    // ----- responses -----
    let subscriber = client(&url)
        .subscribers()
        .provision(valid_subscriber("bob@sp.example"))
        .await
        .unwrap();
    let id = subscriber.id.unwrap();

    sim.state()
        .set_faults(FaultPlan::seeded(5).for_operation(
            Operation::GetSubscriber,
            FaultRates::none().html_bodies(1.0),
        ))
        .unwrap();
    let before = sent();
    let result = client(&url).subscribers().get(&id).await;
    rows.push(row(
        "an HTML error page (502 `text/html`, a proxy's)",
        "`subscribers().get` (retried)",
        &result,
        sent() - before,
        Expect::Sent,
        |_| String::new(),
    ));
    assert!(result.is_err());

    sim.state()
        .set_faults(FaultPlan::seeded(5).for_operation(
            Operation::GetSubscriber,
            FaultRates::none().truncated_bodies(1.0),
        ))
        .unwrap();
    let before = sent();
    let result = client(&url).subscribers().get(&id).await;
    rows.push(row(
        "a truncated body (200, connection closed mid-body)",
        "`subscribers().get` (retried)",
        &result,
        sent() - before,
        Expect::Sent,
        |_| String::new(),
    ));
    assert!(result.is_err());
    sim.state().set_faults(FaultPlan::none()).unwrap();

    let subscriber_json = serde_json::json!({
        "id": "sub-1", "userId": "u@sp.example", "status": "provisioned",
    });

    // A huge but valid body: 24 MiB, most of it a field the description does not know.
    let mut huge = serde_json::to_vec(&serde_json::json!({
        "id": "sub-1", "userId": "u@sp.example", "status": "provisioned",
        "padding": "p".repeat(HUGE),
    }))
    .unwrap();
    huge.shrink_to_fit();
    let (canned, count) = canned_server(http_response("200 OK", "application/json", &huge)).await;
    drop(huge);
    let result = client(&canned).subscribers().get("sub-1").await;
    rows.push(row(
        "a huge response: 24 MiB of valid JSON",
        "`subscribers().get`",
        &result,
        count.lock().unwrap().len(),
        Expect::Sent,
        |s| format!("decoded; subscriber {}", s.id.as_deref().unwrap_or("-")),
    ));

    let garbage = vec![b'x'; HUGE];
    let (canned, count) =
        canned_server(http_response("200 OK", "application/json", &garbage)).await;
    drop(garbage);
    let result = client(&canned).subscribers().get("sub-1").await;
    rows.push(row(
        "a huge response: 24 MiB that is not JSON",
        "`subscribers().get` (retried)",
        &result,
        count.lock().unwrap().len(),
        Expect::Sent,
        |_| String::new(),
    ));
    if let Err(Error::UndecodableResponse(u)) = &result {
        assert!(u.excerpt().chars().count() <= 201, "the excerpt is bounded");
    }

    let (canned, count) = canned_server(http_response(
        "200 OK",
        "text/plain",
        subscriber_json.to_string().as_bytes(),
    ))
    .await;
    let result = client(&canned).subscribers().get("sub-1").await;
    rows.push(row(
        "wrong content type: 200 `text/plain` holding the JSON",
        "`subscribers().get`",
        &result,
        count.lock().unwrap().len(),
        Expect::Sent,
        |s| {
            format!(
                "decoded (the content type is not checked); subscriber {}",
                s.id.as_deref().unwrap_or("-")
            )
        },
    ));

    let (canned, count) = canned_server(http_response(
        "200 OK",
        "application/xml",
        b"<subscriber><id>sub-1</id></subscriber>",
    ))
    .await;
    let result = client(&canned).subscribers().get("sub-1").await;
    rows.push(row(
        "wrong content type: 200 `application/xml` holding XML",
        "`subscribers().get` (retried)",
        &result,
        count.lock().unwrap().len(),
        Expect::Sent,
        |_| String::new(),
    ));
    assert!(result.is_err());

    let (canned, count) = canned_server(http_response("200 OK", "application/json", b"")).await;
    let result = client(&canned).subscribers().get("sub-1").await;
    rows.push(row(
        "200 with an empty body",
        "`subscribers().get` (retried)",
        &result,
        count.lock().unwrap().len(),
        Expect::Sent,
        |_| String::new(),
    ));
    assert!(result.is_err());

    let (canned, count) = canned_server(http_response("404 Not Found", "text/html", b"")).await;
    let result = client(&canned).subscribers().get("sub-1").await;
    rows.push(row(
        "404 with an empty `text/html` body",
        "`subscribers().get`",
        &result,
        count.lock().unwrap().len(),
        Expect::Sent,
        |_| String::new(),
    ));
    assert!(result.is_err());

    sim.shutdown().await;
    let table = render(&rows);
    insta::assert_snapshot!("bad_input_table", table);

    // RELIABILITY.md shows this very table.
    let doc = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../RELIABILITY.md"),
    )
    .unwrap();
    assert!(
        doc.contains(&table),
        "RELIABILITY.md (\"Bad inputs\") does not show the table this test renders:\n{table}"
    );
}
