//! `wxbw demo`: starts the simulator in-process and runs the real commands against it,
//! showing each command line before its live output.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use clap::Parser;
use tokio::sync::watch;
use webex_broadworks_sim::{RateLimit, Simulator};

use crate::bulk::input::BulkKind;
use crate::bulk::{self, BulkRun};
use crate::cli::{Cli, Command, DemoArgs, OutputFormat};
use crate::commands;
use crate::context::Context;
use crate::exit::CliError;
use crate::token::Token;
use crate::world::{ENTERPRISE, PROVISIONING_ID, bulk_csv, fixture, outcome_rules};
use webex_broadworks::bulk::BatchOptions;

const TOKEN: &str = "sim-token";

/// Runs the demo.
pub async fn run(_context: &Context, args: DemoArgs) -> Result<(), CliError> {
    let started = Instant::now();
    let simulator = outcome_rules(Simulator::builder())
        .seed(fixture())
        .provisioning_delay(Duration::from_millis(600))
        .update_delay(Duration::from_millis(400))
        // Low enough that the bulk step meets a 429 and shows the shared pause.
        .rate_limit(RateLimit::per_second(30))
        .start()
        .await
        .map_err(|error| CliError::local("cannot start the simulator", error))?;
    let base_url = simulator.base_url();
    crate::output::line(format!(
        "wxbw demo: the whole flow against a simulator of the Webex for BroadWorks API\n\
         on this machine, no Webex account needed. It listens on {base_url} and accepts the\n\
         token `{TOKEN}`; every step below is a real wxbw command line, run as shown."
    ))?;
    // Ctrl-C ends the demo between steps or inside one, with the simulator shut down.
    let result = tokio::select! {
        result = steps(&base_url, args) => result,
        _ = tokio::signal::ctrl_c() => Err(CliError::Interrupted(
            "interrupted: the demo stopped; nothing outside this machine was touched".into(),
        )),
    };
    simulator.shutdown().await;
    result?;
    crate::output::line(format!(
        "\nDone in {:.1}s. Run the simulator yourself with `wxbw sim`, then point any command at it:\n  \
         WEBEX_TOKEN=sim-token wxbw --base-url http://127.0.0.1:PORT/v1 subscribers list",
        started.elapsed().as_secs_f64()
    ))?;
    Ok(())
}

async fn steps(base_url: &str, args: DemoArgs) -> Result<(), CliError> {
    let subscribers = args.subscribers;
    heading(1, "Provision a workspace (synchronous)")?;
    command(
        base_url,
        &[
            "workspaces",
            "provision",
            "--provisioning-id",
            PROVISIONING_ID,
            "--user-id",
            "lobby@acme.example",
            "--sp-enterprise-id",
            ENTERPRISE,
            "--display-name",
            "Lobby phone",
            "--extension",
            "1000",
        ],
    )
    .await?;

    heading(2, "Provision a subscriber and wait for the outcome")?;
    command(
        base_url,
        &[
            "subscribers",
            "provision",
            "--provisioning-id",
            PROVISIONING_ID,
            "--user-id",
            "alice@acme.example",
            "--sp-enterprise-id",
            ENTERPRISE,
            "--first-name",
            "Alice",
            "--last-name",
            "Ng",
            "--package",
            "standard",
            "--primary-phone-number",
            "+1-240-555-1212",
            "--timezone",
            "America/New_York",
            "--wait",
        ],
    )
    .await?;

    heading(3, "Update it and wait until the change is applied")?;
    let alice = subscriber_id(base_url, "alice@acme.example").await?;
    command(
        base_url,
        &[
            "subscribers",
            "update",
            &alice,
            "--package",
            "premium",
            "--extension",
            "2001",
            "--wait",
        ],
    )
    .await?;

    heading(4, "List the enterprise's subscribers")?;
    command(
        base_url,
        &["subscribers", "list", "--sp-enterprise-id", ENTERPRISE],
    )
    .await?;

    heading(
        5,
        &format!("Provision {subscribers} subscribers from a CSV file, resumably"),
    )?;
    let dir = DemoDir::create()?;
    let file = dir.path.join("subscribers.csv");
    std::fs::write(&file, bulk_csv(subscribers))
        .map_err(|error| CliError::local("cannot write the demo's CSV file", error))?;
    crate::output::line(
        "One row (`migrate-…`) is an existing Webex user who must consent to the move, and one\n\
         (`nolicence-…`) meets a customer without licences left: both come back with their reason.",
    )?;
    crate::output::line(format!(
        "$ wxbw bulk provision-subscribers {}",
        file.display()
    ))?;
    let run = BulkRun {
        kind: BulkKind::ProvisionSubscribers,
        journal: bulk::beside(&file, ".journal.sqlite"),
        results: bulk::beside(&file, ".results.csv"),
        file,
        mode: bulk::BulkMode::Start,
        options: BatchOptions {
            concurrency: 8,
            max_rate: None,
            wait: true,
            wait_timeout: Duration::from_secs(30),
            poll_interval: Duration::from_millis(250),
        },
        progress: true,
        force: false,
    };
    let client = context(base_url).client()?;
    // The demo's run is short; Ctrl-C ends the whole demo.
    let (_keep, cancel) = watch::channel(false);
    bulk::check_file(run.kind, &run.file)?;
    let report = bulk::run(client, &run, cancel).await?;
    commands::bulk::print_report(OutputFormat::Table, &report)?;
    let expected_failures = 1;
    if report.counts.failed != expected_failures || report.counts.paused != 1 {
        return Err(CliError::Outcome(format!(
            "the bulk step should end with one paused and one failed row, not {} and {}",
            report.counts.paused, report.counts.failed
        )));
    }
    let results = std::fs::read_to_string(&run.results).unwrap_or_default();
    crate::output::line(format!(
        "\nThe results file has one line per row (first lines):\n{}",
        results.lines().take(4).collect::<Vec<_>>().join("\n")
    ))?;
    Ok(())
}

fn context(base_url: &str) -> Context {
    Context {
        base_url: base_url.to_string(),
        token: crate::settings::TokenSource::Given(Token::new(TOKEN)),
        output: OutputFormat::Table,
    }
}

fn heading(number: u32, title: &str) -> Result<(), CliError> {
    crate::output::line(format!(
        "\n── {number}. {title} {}",
        "─".repeat(60usize.saturating_sub(title.len()))
    ))
}

/// Shows and runs `wxbw ARGS` against the simulator.
async fn command(base_url: &str, args: &[&str]) -> Result<(), CliError> {
    let shown: Vec<String> = args
        .iter()
        .map(|arg| {
            if arg.contains([' ', '+']) {
                format!("\"{arg}\"")
            } else {
                (*arg).to_string()
            }
        })
        .collect();
    crate::output::line(format!("$ wxbw {}", shown.join(" ")))?;
    let argv = ["wxbw", "--base-url", base_url, "--token", TOKEN]
        .into_iter()
        .chain(args.iter().copied());
    let cli = Cli::try_parse_from(argv)
        .map_err(|error| CliError::Usage(format!("the demo's command line is wrong: {error}")))?;
    let Command::Api(command) = cli.command else {
        return Err(CliError::Usage(format!(
            "the demo runs the API's commands only, not `wxbw {}`",
            args.join(" ")
        )));
    };
    commands::run(&context(base_url), command).await
}

async fn subscriber_id(base_url: &str, user_id: &str) -> Result<String, CliError> {
    let client = context(base_url).client()?;
    let found = client.subscribers().find_by_user_id(user_id).await?;
    found
        .and_then(|subscriber| subscriber.id)
        .ok_or_else(|| CliError::Outcome(format!("{user_id} was not found after provisioning")))
}

/// A folder for the demo's files, removed when the demo ends.
struct DemoDir {
    path: PathBuf,
}

impl DemoDir {
    fn create() -> Result<Self, CliError> {
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|elapsed| elapsed.as_nanos())
            .unwrap_or_default();
        let path = std::env::temp_dir().join(format!("wxbw-demo-{}-{stamp}", std::process::id()));
        std::fs::create_dir_all(&path)
            .map_err(|error| CliError::local("cannot create the demo's folder", error))?;
        Ok(DemoDir { path })
    }
}

impl Drop for DemoDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}
