//! Secrets and transport security.
//!
//! - The access token appears nowhere: not in tracing output at TRACE, not in the `Display` or
//!   `Debug` of any error, not in the `Debug` of the client or its builder, not in anything
//!   `wxbw` prints (tables and JSON, success and failure, token by `--token` and by
//!   `WEBEX_TOKEN`).
//! - A subscriber's e-mail addresses and phone numbers are absent from INFO-level logs.
//! - `http://` is refused for a host that is not loopback (nothing is sent) and accepted for
//!   `127.0.0.1` and `localhost`; redirects are not followed, so the token never goes to
//!   another host.
//! - TLS is rustls with the webpki roots: no other TLS stack is in the build.
//!
//! Rerun: `cargo test -p webex-broadworks-tests --test secrets`.
// A test: a panic is its failure, with its line.
#![allow(clippy::unwrap_used)]

use std::cell::RefCell;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use futures::StreamExt;
use tracing::Metadata;
use tracing_subscriber::fmt::MakeWriter;
use webex_broadworks::{
    Client, ClientBuilder, Error, Package, ProvisionSubscriber, RetryPolicy, Token, TokenFuture,
    TokenProvider, UpdateSubscriber, WaitPolicy,
};
use webex_broadworks_sim::{FaultPlan, FaultRates, Operation, Outcome, Scope, Simulator};
use webex_broadworks_tests::{canned_server, routed_server};

const SECRET: &str = "SECRET-TOKEN-abc123";

// ----- helpers -----

/// A writer the fmt layer writes into, shared with the test.
#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Buffer {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

thread_local! {
    /// The capture of the test running on this thread: its level and its buffer.
    static CAPTURE: RefCell<Option<(tracing::Level, Buffer)>> = const { RefCell::new(None) };
}

/// Where a line goes: the capture of the thread that emits it, if its level is captured.
enum Target {
    Sink,
    Capture(Buffer),
}

impl Write for Target {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        match self {
            Target::Sink => Ok(bytes.len()),
            Target::Capture(buffer) => buffer.write(bytes),
        }
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Routes each line to the capture of the thread emitting it. One global subscriber at TRACE
/// serves every test of this file: per-thread (scoped) subscribers on parallel test threads
/// let tracing cache a callsite's interest from another thread and lose lines.
struct Routed;

impl<'a> MakeWriter<'a> for Routed {
    type Writer = Target;

    fn make_writer(&'a self) -> Target {
        CAPTURE.with(|capture| match &*capture.borrow() {
            Some((_, buffer)) => Target::Capture(buffer.clone()),
            None => Target::Sink,
        })
    }

    fn make_writer_for(&'a self, meta: &Metadata<'_>) -> Target {
        CAPTURE.with(|capture| match &*capture.borrow() {
            Some((level, buffer)) if meta.level() <= level => Target::Capture(buffer.clone()),
            _ => Target::Sink,
        })
    }
}

/// Runs `test` on a paused current-thread runtime with every tracing event and span (new,
/// entered, exited, closed, with their fields) at `level` and above written into the
/// returned text.
fn with_logs<F: std::future::Future<Output = ()>>(
    level: tracing::Level,
    test: impl FnOnce() -> F,
) -> String {
    static INSTALLED: OnceLock<()> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_span_events(tracing_subscriber::fmt::format::FmtSpan::FULL)
            .with_writer(Routed)
            .finish();
        tracing::subscriber::set_global_default(subscriber).unwrap();
    });
    let buffer = Buffer::default();
    CAPTURE.with(|capture| *capture.borrow_mut() = Some((level, buffer.clone())));
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .unwrap()
        .block_on(test());
    CAPTURE.with(|capture| *capture.borrow_mut() = None);
    buffer.text()
}

fn assert_no_secret(what: &str, text: &str) {
    assert!(!text.contains(SECRET), "the token shows in {what}:\n{text}");
}

/// An error's `Display`, `Debug` and source chain, checked for the token.
fn check_error(what: &str, error: &Error) -> String {
    let mut shown = format!("{error}\n{error:?}");
    let mut source = std::error::Error::source(error);
    while let Some(inner) = source {
        shown.push_str(&format!("\n{inner}\n{inner:?}"));
        source = inner.source();
    }
    assert_no_secret(what, &shown);
    shown
}

fn builder(base_url: &str) -> ClientBuilder {
    Client::builder()
        .with_token(SECRET)
        .with_base_url(base_url)
        .without_timers()
        .with_rng_seed(11)
}

fn subscriber(user_id: &str) -> ProvisionSubscriber {
    ProvisionSubscriber::new()
        .provisioning_id("prov-1")
        .user_id(user_id)
        .sp_enterprise_id("Reseller1+acme")
        .first_name("Alice")
        .last_name("Ng")
        .package(Package::Standard)
}

fn response(status: &str, extra_headers: &str, body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n{extra_headers}\r\n{body}",
        body.len()
    )
    .into_bytes()
}

// ----- the library -----

/// Every kind of error the client returns, made to happen with the token set, and every
/// line of tracing output at TRACE: the token is in none of them.
#[test]
fn the_token_is_in_no_log_line_error_or_debug_output() {
    let mut errors_seen = Vec::new();
    let logs = with_logs(tracing::Level::TRACE, || async {
        let sim = Simulator::builder()
            .token(SECRET, Scope::all())
            .provisioning_delay(Duration::from_secs(2))
            .outcome("migrate-*", Outcome::PendingUserMigration)
            .outcome("broken-*", Outcome::error(4003, "No licence left."))
            .id_seed(1)
            .start()
            .await
            .unwrap();
        let url = sim.base_url();
        let client = builder(&url).build().unwrap();

        // Debug of the builder and the client.
        assert_no_secret("the builder's Debug", &format!("{:?}", builder(&url)));
        assert_no_secret("the client's Debug", &format!("{client:?}"));
        assert_no_secret("a Token's Debug", &format!("{:?}", Token::new(SECRET)));
        assert_no_secret(
            "a long token's Debug",
            &format!("{:?}", Token::new(format!("{SECRET}-and-some-more"))),
        );

        // Successes: provisioning with a wait, a list, an update with a wait.
        let done = client
            .subscribers()
            .provision_and_wait(subscriber("alice@sp.example"))
            .await
            .unwrap()
            .into_provisioned()
            .unwrap();
        let id = done.id.clone().unwrap();
        let listed: Vec<_> = client.subscribers().list().stream().collect().await;
        assert!(listed.iter().all(Result::is_ok));
        client
            .subscribers()
            .update_and_wait(&id, UpdateSubscriber::new().extension("4321"))
            .await
            .unwrap();

        let mut errors: Vec<(&str, Error)> = Vec::new();
        // Validation.
        errors.push((
            "validation",
            client
                .subscribers()
                .provision(subscriber("x@sp.example").package("gold"))
                .await
                .unwrap_err(),
        ));
        // Api: 404, and 401 for a token the server does not know.
        errors.push((
            "404",
            client.subscribers().get("no-such-id").await.unwrap_err(),
        ));
        let stranger = Client::builder()
            .with_token(format!("{SECRET}-unknown"))
            .with_base_url(&url)
            .without_timers()
            .build()
            .unwrap();
        errors.push(("401", stranger.subscribers().get(&id).await.unwrap_err()));
        // Paused and failed provisionings.
        errors.push((
            "paused",
            client
                .subscribers()
                .provision_and_wait(subscriber("migrate-1@sp.example"))
                .await
                .unwrap()
                .into_provisioned()
                .unwrap_err(),
        ));
        errors.push((
            "failed",
            client
                .subscribers()
                .provision_and_wait(subscriber("broken-1@sp.example"))
                .await
                .unwrap()
                .into_provisioned()
                .unwrap_err(),
        ));
        // A wait that runs out of time.
        let slow = client
            .subscribers()
            .provision(subscriber("slow@sp.example"))
            .await
            .unwrap();
        errors.push((
            "wait timed out",
            client
                .subscribers()
                .wait(slow.id.as_deref().unwrap())
                .with_policy(WaitPolicy::default().with_max_wait(Duration::from_millis(500)))
                .await
                .unwrap_err(),
        ));
        // An HTML error page (undecodable), then server errors and lost responses.
        sim.state()
            .set_faults(FaultPlan::seeded(3).for_operation(
                Operation::GetSubscriber,
                FaultRates::none().html_bodies(1.0),
            ))
            .unwrap();
        errors.push((
            "undecodable",
            client.subscribers().get(&id).await.unwrap_err(),
        ));
        sim.state()
            .set_faults(FaultPlan::seeded(3).for_operation(
                Operation::GetSubscriber,
                FaultRates::none().truncated_bodies(1.0),
            ))
            .unwrap();
        errors.push((
            "truncated",
            client.subscribers().get(&id).await.unwrap_err(),
        ));
        sim.state()
            .set_faults(FaultPlan::seeded(3).for_operation(
                Operation::RemoveSubscriber,
                FaultRates::none().server_errors(1.0),
            ))
            .unwrap();
        errors.push(("5xx", client.subscribers().remove(&id).await.unwrap_err()));
        sim.state()
            .set_faults(FaultPlan::seeded(3).lost_responses(1.0))
            .unwrap();
        errors.push((
            "lost response",
            client
                .subscribers()
                .provision(subscriber("lost@sp.example"))
                .await
                .unwrap_err(),
        ));
        sim.state().set_faults(FaultPlan::none()).unwrap();

        // Rate limited: a server that always answers 429.
        let (limited, _) = canned_server(response(
            "429 Too Many Requests",
            "Retry-After: 1\r\n",
            r#"{"message":"slow down","errors":[]}"#,
        ))
        .await;
        errors.push((
            "rate limited",
            builder(&limited)
                .build()
                .unwrap()
                .subscribers()
                .get("x")
                .await
                .unwrap_err(),
        ));
        // Timeout: a server that never answers.
        let (silent, _) = canned_server(Vec::new()).await;
        errors.push((
            "timeout",
            builder(&silent)
                .with_request_timeout(Some(Duration::from_secs(5)))
                .with_retry_policy(RetryPolicy::never())
                .build()
                .unwrap()
                .subscribers()
                .get("x")
                .await
                .unwrap_err(),
        ));
        // Transport: nothing listens on the port.
        let closed = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            listener.local_addr().unwrap()
        };
        errors.push((
            "transport",
            builder(&format!("http://{closed}/v1"))
                .build()
                .unwrap()
                .subscribers()
                .get("x")
                .await
                .unwrap_err(),
        ));
        // Credentials: a provider that fails, and a token a header cannot carry.
        #[derive(Debug)]
        struct Failing;
        impl TokenProvider for Failing {
            fn token(&self) -> TokenFuture<'_> {
                Box::pin(async { Err("the vault is sealed".into()) })
            }
        }
        errors.push((
            "credentials",
            Client::builder()
                .with_token_provider(Failing)
                .with_base_url(&url)
                .without_timers()
                .build()
                .unwrap()
                .subscribers()
                .get("x")
                .await
                .unwrap_err(),
        ));
        errors.push((
            "bad token",
            Client::builder()
                .with_token(format!("{SECRET}\n"))
                .with_base_url(&url)
                .without_timers()
                .build()
                .unwrap()
                .subscribers()
                .get("x")
                .await
                .unwrap_err(),
        ));
        // Config: http:// to a host that is not loopback.
        errors.push((
            "config",
            Client::builder()
                .with_token(SECRET)
                .with_base_url("http://webexapis.com/v1")
                .build()
                .unwrap_err(),
        ));

        for (what, error) in &errors {
            check_error(what, error);
        }
        errors_seen.extend(errors.into_iter().map(|(what, error)| {
            let kind = format!("{error:?}");
            (what, kind.split('(').next().unwrap().to_string())
        }));
        sim.shutdown().await;
    });
    assert_no_secret("the tracing output", &logs);
    assert!(
        logs.contains("webex_broadworks.request"),
        "the capture saw no request span:\n{logs}"
    );

    let kinds: std::collections::BTreeSet<&str> =
        errors_seen.iter().map(|(_, kind)| kind.as_str()).collect();
    for kind in [
        "Validation",
        "Api",
        "RateLimited",
        "Transport",
        "Timeout",
        "UndecodableResponse",
        "WaitTimedOut",
        "SubscriberPaused",
        "AsyncFailed",
        "Credentials",
        "Config",
    ] {
        assert!(
            kinds.contains(kind),
            "no {kind} error was made: {errors_seen:?}"
        );
    }
}

/// A subscriber's e-mail address, phone numbers and user id are absent from INFO-level logs,
/// including the reconciliation after a lost response.
#[test]
fn personal_data_is_absent_from_info_logs() {
    const EMAIL: &str = "alice.pii@customer.example";
    const USER_ID: &str = "u-5550199@sp.example";
    const PHONE: &str = "+1-240-555-0199";
    const MOBILE: &str = "+1-818-555-0142";
    let logs = with_logs(tracing::Level::INFO, || async {
        let sim = Simulator::builder()
            .token(SECRET, Scope::all())
            .provisioning_delay(Duration::from_secs(2))
            .id_seed(2)
            .start()
            .await
            .unwrap();
        let client = builder(&sim.base_url()).build().unwrap();
        let request = subscriber(USER_ID)
            .email(EMAIL)
            .primary_phone_number(PHONE)
            .mobile_phone_number(MOBILE);
        // The first response is lost: the client looks the subscriber up by user id.
        sim.state()
            .set_faults(FaultPlan::seeded(9).for_operation(
                Operation::ProvisionSubscriber,
                FaultRates::none().lost_responses(1.0),
            ))
            .unwrap();
        let outcome = client
            .subscribers()
            .provision_and_wait(request)
            .await
            .unwrap();
        let id = outcome.into_provisioned().unwrap().id.unwrap();
        sim.state().set_faults(FaultPlan::none()).unwrap();
        let found = client
            .subscribers()
            .find_by_user_id(USER_ID)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(found.email.as_deref(), Some(EMAIL));
        let listed: Vec<_> = client
            .subscribers()
            .list()
            .email(EMAIL)
            .stream()
            .collect()
            .await;
        assert_eq!(listed.len(), 1);
        // A failure whose URL carries the e-mail address in its query.
        sim.state()
            .set_faults(FaultPlan::seeded(9).for_operation(
                Operation::ListSubscribers,
                FaultRates::none().server_errors(1.0),
            ))
            .unwrap();
        let error = client
            .subscribers()
            .list()
            .email(EMAIL)
            .first_page()
            .await
            .unwrap_err();
        assert!(!error.to_string().contains(EMAIL), "{error}");
        sim.state().set_faults(FaultPlan::none()).unwrap();
        client.subscribers().remove(&id).await.unwrap();
        sim.shutdown().await;
    });
    assert!(logs.contains("webex_broadworks.request"), "{logs}");
    assert!(
        logs.contains("Webex had provisioned the subscriber"),
        "the reconciliation was not exercised:\n{logs}"
    );
    for personal in [EMAIL, USER_ID, PHONE, MOBILE, "5550199", "5550142"] {
        assert!(
            !logs.contains(personal),
            "{personal} shows in the INFO logs:\n{logs}"
        );
    }
}

/// When a provisioning's outcome is unknown (a 502) and the look-up that should settle it
/// gets a body it cannot decode, the WARN line says so without the body: its excerpt holds
/// the subscribers' e-mail addresses and numbers.
#[test]
fn personal_data_is_absent_from_the_warning_of_a_failed_lookup() {
    const EMAIL: &str = "bob.pii@customer.example";
    const PHONE: &str = "+1-240-555-0177";
    let logs = with_logs(tracing::Level::INFO, || async {
        // Provisioning answers 502; the list answers a page cut off in its first item.
        let (base_url, heads) = routed_server(|head| {
            if head.starts_with("POST ") {
                response("502 Bad Gateway", "", r#"{"message":"bad gateway","errors":[]}"#)
            } else {
                response(
                    "200 OK",
                    "",
                    &format!(
                        r#"{{"items":[{{"email":"{EMAIL}","primaryPhoneNumber":"{PHONE}","userId":"bob@sp.example","id":"#
                    ),
                )
            }
        })
        .await;
        let error = builder(&base_url)
            .build()
            .unwrap()
            .subscribers()
            .provision(
                subscriber("bob@sp.example")
                    .email(EMAIL)
                    .primary_phone_number(PHONE),
            )
            .await
            .unwrap_err();
        assert_eq!(error.status().map(|s| s.as_u16()), Some(502), "{error}");
        let heads = heads.lock().unwrap();
        assert!(heads[0].starts_with("POST "), "{heads:?}");
        assert!(
            heads[1..].iter().all(|h| h.starts_with("GET ")),
            "{heads:?}"
        );
    });
    assert!(
        logs.contains("could not tell whether Webex provisioned the subscriber"),
        "the failed look-up was not exercised:\n{logs}"
    );
    for personal in [EMAIL, PHONE, "5550177"] {
        assert!(
            !logs.contains(personal),
            "{personal} shows in the INFO logs:\n{logs}"
        );
    }
}

// ----- transport security -----

#[tokio::test(start_paused = true)]
async fn http_is_refused_for_hosts_that_are_not_loopback_and_nothing_is_sent() {
    let sim = Simulator::builder()
        .token(SECRET, Scope::all())
        .start()
        .await
        .unwrap();
    let port = sim.addr().port();
    for url in [
        "http://webexapis.com/v1".to_string(),
        "http://10.0.0.1/v1".to_string(),
        "http://localhost.evil.example/v1".to_string(),
        // 0.0.0.0 reaches this machine on Linux, yet it is not a loopback address.
        format!("http://0.0.0.0:{port}/v1"),
    ] {
        let error = Client::builder()
            .with_token(SECRET)
            .with_base_url(&url)
            .build()
            .unwrap_err();
        assert!(matches!(error, Error::Config(_)), "{url}: {error:?}");
        let text = check_error(&url, &error);
        assert!(
            text.contains("http:// for a host that is not loopback")
                && text.contains("use https://"),
            "{url}: {text}"
        );
    }
    assert!(sim.state().request_log().is_empty(), "something was sent");

    for url in [
        format!("http://127.0.0.1:{port}/v1"),
        format!("http://localhost:{port}/v1"),
    ] {
        let client = Client::builder()
            .with_token(SECRET)
            .with_base_url(&url)
            .without_timers()
            .build()
            .unwrap();
        let page = client.enterprises().list().first_page().await;
        assert!(page.is_ok(), "{url}: {page:?}");
    }
    assert_eq!(sim.state().request_log().len(), 2);
    sim.shutdown().await;
}

/// A redirect is not followed: the token never goes to the host it points to.
#[tokio::test(start_paused = true)]
async fn redirects_are_not_followed() {
    let (elsewhere, heads_elsewhere) = canned_server(response("200 OK", "", "{}")).await;
    let (redirecting, heads) = canned_server(response(
        "307 Temporary Redirect",
        &format!("Location: {elsewhere}/broadworks/subscribers/x\r\n"),
        "",
    ))
    .await;
    let error = builder(&redirecting)
        .with_retry_policy(RetryPolicy::never())
        .build()
        .unwrap()
        .subscribers()
        .get("x")
        .await
        .unwrap_err();
    check_error("a redirect", &error);
    assert_eq!(heads.lock().unwrap().len(), 1);
    assert!(
        heads.lock().unwrap()[0].contains(&format!("Bearer {SECRET}")),
        "the token was sent to the base URL"
    );
    assert!(
        heads_elsewhere.lock().unwrap().is_empty(),
        "the redirect was followed"
    );
}

/// With the client's default features, TLS is rustls (aws-lc-rs) with the webpki roots: the
/// crate's HTTP client builds, and no other TLS stack (OpenSSL, native-tls) and no platform
/// root store is in its dependency graph.
#[test]
fn default_tls_is_rustls_with_webpki_roots_only() {
    let http = webex_broadworks::http_client_builder().build();
    assert!(http.is_ok(), "{http:?}");
    let client = Client::builder()
        .with_token(SECRET)
        .with_http_client(http.unwrap())
        .build()
        .unwrap();
    assert_eq!(client.base_url(), "https://webexapis.com/v1");

    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let tree = std::process::Command::new(cargo)
        .args([
            "tree",
            "-q",
            "--offline",
            "-p",
            "webex-broadworks",
            "-e",
            "normal",
        ])
        .args(["--prefix", "none", "--format", "{p}"])
        .current_dir(&root)
        .output()
        .unwrap();
    assert!(
        tree.status.success(),
        "{}",
        String::from_utf8_lossy(&tree.stderr)
    );
    let packages: Vec<String> = String::from_utf8_lossy(&tree.stdout)
        .lines()
        .filter_map(|line| line.split_whitespace().next().map(str::to_string))
        .collect();
    for package in [
        "openssl",
        "openssl-sys",
        "native-tls",
        "hyper-tls",
        "ring",
        "schemars",
    ] {
        assert!(
            !packages.iter().any(|p| p == package),
            "{package} is in the client's default dependency graph"
        );
    }
    for package in ["rustls", "aws-lc-rs", "webpki-roots"] {
        assert!(
            packages.iter().any(|p| p == package),
            "{package} is missing from the client's default dependency graph"
        );
    }
}

// ----- wxbw -----

/// `wxbw`: this package's `wxbw-under-test` binary is the CLI's own entry point
/// (`webex_broadworks_cli::main_entry`), built by Cargo for this test.
fn wxbw_binary() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_wxbw-under-test"))
}

/// `wxbw` with nothing from the environment but what the test gives it.
fn wxbw() -> Command {
    let mut command = Command::new(wxbw_binary());
    command
        .env_remove("WEBEX_TOKEN")
        .env_remove("WEBEX_BASE_URL")
        .stdin(Stdio::null());
    command
}

fn texts(output: &Output) -> String {
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn wxbw_never_prints_the_token() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let sim = runtime
        .block_on(
            Simulator::builder()
                .token(SECRET, Scope::all())
                .provisioning_delay(Duration::from_millis(100))
                .id_seed(4)
                .start(),
        )
        .unwrap();
    let url = sim.base_url();
    let ran = AtomicUsize::new(0);

    // Each command, with the token as a flag and in the environment, in both output modes.
    let run = |args: &[&str], code: i32| {
        for output in ["table", "json"] {
            for by_flag in [true, false] {
                let mut command = wxbw();
                command.args(["--base-url", &url, "--output", output]);
                if by_flag {
                    command.args(["--token", SECRET]);
                } else {
                    command.env("WEBEX_TOKEN", SECRET);
                }
                let result = command.args(args).output().unwrap();
                let text = texts(&result);
                assert_eq!(result.status.code(), Some(code), "wxbw {args:?}: {text}");
                assert_no_secret(&format!("wxbw {args:?} --output {output}"), &text);
                ran.fetch_add(1, Ordering::SeqCst);
            }
        }
    };
    let provision = |user: &str| {
        vec![
            "subscribers".to_string(),
            "provision".into(),
            "--provisioning-id".into(),
            "prov-1".into(),
            "--user-id".into(),
            user.into(),
            "--sp-enterprise-id".into(),
            "Reseller1+acme".into(),
            "--first-name".into(),
            "Ann".into(),
            "--last-name".into(),
            "Lee".into(),
            "--package".into(),
            "basic".into(),
        ]
    };
    // Success.
    run(&["enterprises", "list"], 0);
    run(&["subscribers", "list"], 0);
    for (i, (output, by_flag)) in [("table", true), ("json", false)].into_iter().enumerate() {
        let user = format!("ann{i}@sp.example");
        let mut command = wxbw();
        command.args(["--base-url", &url, "--output", output]);
        if by_flag {
            command.args(["--token", SECRET]);
        } else {
            command.env("WEBEX_TOKEN", SECRET);
        }
        let result = command
            .args(provision(&user))
            .arg("--wait")
            .output()
            .unwrap();
        let text = texts(&result);
        assert_eq!(result.status.code(), Some(0), "{text}");
        assert_no_secret("wxbw subscribers provision --wait", &text);
    }
    // Failures: not found (API), invalid input, a conflict.
    run(&["subscribers", "get", "no-such-id"], 1);
    run(&["subscribers", "provision", "--package", "gold"], 3);
    run(&["billing", "create", "--billing-period", "2024-13"], 3);
    assert!(ran.load(Ordering::SeqCst) >= 20);

    // A token the server refuses: the 401 is explained without echoing the token.
    for output in ["table", "json"] {
        let result = wxbw()
            .args(["--base-url", &url, "--output", output])
            .env("WEBEX_TOKEN", format!("{SECRET}-wrong"))
            .args(["enterprises", "list"])
            .output()
            .unwrap();
        assert_eq!(result.status.code(), Some(1), "{}", texts(&result));
        assert_no_secret("wxbw with a refused token", &texts(&result));
    }

    // http:// to a host that is not loopback: refused, with the reason, and nothing sent.
    let before = sim.state().request_log().len();
    let port = sim.addr().port();
    let result = wxbw()
        .args(["--base-url", &format!("http://0.0.0.0:{port}/v1")])
        .args(["--token", SECRET, "enterprises", "list"])
        .output()
        .unwrap();
    let text = texts(&result);
    assert_eq!(result.status.code(), Some(2), "{text}");
    assert!(text.contains("loopback"), "{text}");
    assert_no_secret("wxbw with an http:// base URL", &text);
    assert_eq!(
        sim.state().request_log().len(),
        before,
        "something was sent"
    );

    runtime.block_on(sim.shutdown());
}
