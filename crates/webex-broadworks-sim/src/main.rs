//! `webex-broadworks-sim`: runs the simulator on 127.0.0.1 until interrupted.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use webex_broadworks_sim::{FaultPlan, Fixture, RateLimit, Scope, Simulator};

/// A stateful simulator of the Webex for BroadWorks provisioning API, on 127.0.0.1.
///
/// Prints the API's base URL once it listens, then serves until Ctrl-C.
#[derive(Debug, Parser)]
#[command(name = "webex-broadworks-sim", version)]
struct Args {
    /// The port to listen on; 0 picks a free one.
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// An access token to accept, with every scope; repeat for several. Without one,
    /// `sim-token` is accepted.
    #[arg(long = "token", value_name = "TOKEN")]
    tokens: Vec<String>,
    /// Seed data: a JSON (`.json`) or YAML fixture.
    #[arg(long, value_name = "PATH")]
    fixture: Option<PathBuf>,
    /// How long a new subscriber stays `provisioning`, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 2000)]
    provisioning_delay_ms: u64,
    /// How long an update keeps a subscriber `updating`, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 1000)]
    update_delay_ms: u64,
    /// Requests per second allowed to each token; no limit when absent.
    #[arg(long, value_name = "N")]
    rate_limit: Option<u32>,
    /// The seed of the fault draws.
    #[arg(long, value_name = "SEED", default_value_t = 0)]
    fault_seed: u64,
    /// Fraction of requests answered 500/502/503/504.
    #[arg(long, value_name = "FRACTION", default_value_t = 0.0)]
    server_errors: f64,
    /// Fraction of requests whose connection is dropped before they are applied.
    #[arg(long, value_name = "FRACTION", default_value_t = 0.0)]
    dropped_connections: f64,
    /// Fraction of requests applied whose response is then lost.
    #[arg(long, value_name = "FRACTION", default_value_t = 0.0)]
    lost_responses: f64,
    /// Milliseconds added before every response.
    #[arg(long, value_name = "MS", default_value_t = 0)]
    latency_ms: u64,
    /// Log every request to stderr.
    #[arg(long)]
    verbose: bool,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let level = if args.verbose {
        tracing::Level::DEBUG
    } else {
        tracing::Level::INFO
    };
    tracing_subscriber::fmt()
        .with_max_level(level)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("webex-broadworks-sim: {error}");
            let mut source = error.source();
            while let Some(cause) = source {
                eprintln!("  caused by: {cause}");
                source = cause.source();
            }
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    let mut builder = Simulator::builder()
        .port(args.port)
        .provisioning_delay(Duration::from_millis(args.provisioning_delay_ms))
        .update_delay(Duration::from_millis(args.update_delay_ms))
        .faults(
            FaultPlan::seeded(args.fault_seed)
                .server_errors(args.server_errors)
                .dropped_connections(args.dropped_connections)
                .lost_responses(args.lost_responses)
                .latency(Duration::from_millis(args.latency_ms)),
        );
    for token in args.tokens {
        builder = builder.token(token, Scope::all());
    }
    if let Some(limit) = args.rate_limit {
        builder = builder.rate_limit(RateLimit::per_second(limit));
    }
    if let Some(path) = args.fixture {
        builder = builder.seed(Fixture::from_path(path)?);
    }
    let simulator = builder.start().await?;
    println!("{}", simulator.base_url());
    tracing::info!(
        base_url = %simulator.base_url(),
        admin_url = %simulator.admin_url(),
        "webex-broadworks-sim is listening; Ctrl-C stops it"
    );
    tokio::signal::ctrl_c().await?;
    simulator.shutdown().await;
    Ok(())
}
