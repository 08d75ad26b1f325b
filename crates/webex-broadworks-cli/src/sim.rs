//! `wxbw sim`: the simulator on 127.0.0.1 until Ctrl-C, seeded like the demo by default.

use webex_broadworks_sim::{Fixture, RateLimit, Scope, Simulator};

use crate::cli::SimArgs;
use crate::context::Context;
use crate::exit::CliError;
use crate::world;

/// Runs the simulator until Ctrl-C.
pub async fn run(context: &Context, args: SimArgs) -> Result<(), CliError> {
    let fixture = match &args.fixture {
        Some(path) => Fixture::from_path(path).map_err(|error| {
            CliError::local(format!("cannot use the fixture {}", path.display()), error)
        })?,
        None => world::fixture(),
    };
    let mut builder = Simulator::builder()
        .port(args.port)
        .provisioning_delay(args.provisioning_delay)
        .update_delay(args.update_delay)
        .seed(fixture);
    let given = match &context.token {
        crate::settings::TokenSource::Given(token) => Some(token),
        _ => None,
    };
    if let Some(token) = given {
        builder = builder.token(token.expose(), Scope::all());
    }
    if let Some(limit) = args.rate_limit.filter(|limit| *limit > 0) {
        builder = builder.rate_limit(RateLimit::per_second(limit));
    }
    if args.fixture.is_none() {
        builder = world::outcome_rules(builder);
    }
    let simulator = builder
        .start()
        .await
        .map_err(|error| CliError::local("cannot start the simulator", error))?;
    // The URL alone on stdout, so scripts can read it; the rest on stderr.
    crate::output::line(simulator.base_url())?;
    let (accepted, variable) = if given.is_some() {
        ("the token you gave", "WEBEX_TOKEN=<that token>")
    } else {
        ("the token sim-token", "WEBEX_TOKEN=sim-token")
    };
    eprintln!(
        "simulator listening; it accepts {accepted}. Try:\n  \
         {variable} wxbw --base-url {} enterprises list\n\
         Ctrl-C stops it.",
        simulator.base_url()
    );
    tokio::signal::ctrl_c()
        .await
        .map_err(|error| CliError::local("cannot wait for Ctrl-C", error))?;
    simulator.shutdown().await;
    Ok(())
}
