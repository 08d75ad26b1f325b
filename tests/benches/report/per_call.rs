//! Measurement 1: what one getSubscriber and one updateSubscriber cost through each client.
//!
//! The simulator serves from its own runtime's threads; the clients run on a current-thread
//! runtime on the measuring thread, so that thread's CPU time is the client's alone
//! (connection handling included). The approaches take turns in rounds, in a rotating
//! order, so that drift in the machine's load falls on all of them alike.

mod clients;
mod goals;
pub mod profile;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use anyhow::Context;
use serde_json::json;
use webex_broadworks_api::types;
use webex_broadworks_sim::{Fixture, Simulator};

use crate::cpu::thread_cpu_time;
use crate::in_process::SimOnOwnThreads;
use crate::stats::median;

use clients::Clients;
pub use goals::{Metric, goals, micros};

/// Measured rounds (after one warm-up round).
pub const ROUNDS: usize = 60;
/// Requests per approach, operation and round.
pub const BATCH: usize = 40;
const TOKEN: &str = "bench-token";

/// A way of calling the API.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Approach {
    /// (a) a minimal hand-written reqwest + serde call.
    HandWritten,
    /// (b) `webex_broadworks_api::Client`.
    Generated,
    /// (c) `webex_broadworks::Client`, with validation, retries and tracing.
    Ergonomic,
    /// (c) with no tracing subscriber on the thread: not a goal, it shows what tracing costs.
    ErgonomicUntraced,
}

impl Approach {
    pub const ALL: [Approach; 4] = [
        Approach::HandWritten,
        Approach::Generated,
        Approach::Ergonomic,
        Approach::ErgonomicUntraced,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Approach::HandWritten => "(a) hand-written reqwest + serde",
            Approach::Generated => "(b) generated `webex_broadworks_api::Client`",
            Approach::Ergonomic => "(c) ergonomic `webex_broadworks::Client`",
            Approach::ErgonomicUntraced => "(c′) the same, no tracing subscriber",
        }
    }

    /// The name the profile's child process is given the approach by.
    pub fn key(self) -> &'static str {
        match self {
            Approach::HandWritten => "a",
            Approach::Generated => "b",
            Approach::Ergonomic => "c",
            Approach::ErgonomicUntraced => "c-untraced",
        }
    }

    /// The userId of the subscriber this approach works on.
    fn user_id(self) -> &'static str {
        match self {
            Approach::HandWritten => "per-call-a@bench.example",
            Approach::Generated => "per-call-b@bench.example",
            Approach::Ergonomic => "per-call-c@bench.example",
            Approach::ErgonomicUntraced => "per-call-d@bench.example",
        }
    }
}

/// An operation measured per call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Call {
    GetSubscriber,
    UpdateSubscriber,
}

impl Call {
    pub const ALL: [Call; 2] = [Call::GetSubscriber, Call::UpdateSubscriber];

    pub fn operation_id(self) -> &'static str {
        match self {
            Call::GetSubscriber => "getSubscriber",
            Call::UpdateSubscriber => "updateSubscriber",
        }
    }
}

/// The cost of one operation through one approach.
#[derive(Clone, Debug)]
pub struct Cost {
    /// The median of every request's wall-clock latency.
    pub median_latency: Duration,
    /// The median over rounds of the measuring thread's CPU time per request.
    pub cpu_per_request: Duration,
}

/// Everything measurement 1 found.
#[derive(Debug)]
pub struct PerCallFigures {
    pub rounds: usize,
    pub batch: usize,
    pub costs: BTreeMap<(Call, Approach), Cost>,
    /// Time of the ergonomic client's validation of the update body, once.
    pub update_validation: Duration,
    /// The instructions per call of each approach, counted after the measurement.
    pub profiles: profile::Profiles,
}

impl PerCallFigures {
    pub fn cost(&self, call: Call, approach: Approach) -> Option<&Cost> {
        self.costs.get(&(call, approach))
    }
}

/// Runs measurement 1.
pub fn run() -> anyhow::Result<PerCallFigures> {
    let sim = start_simulator()?;
    let ids = subscriber_ids(&sim)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let measured = runtime.block_on(measure(&sim.base_url(), &ids))?;
    drop(sim);
    Ok(measured.with_profiles(profile::run()))
}

/// The simulator the calls go to, on a thread of its own, holding one subscriber per
/// approach.
fn start_simulator() -> anyhow::Result<SimOnOwnThreads> {
    SimOnOwnThreads::start(
        Simulator::builder()
            .token(TOKEN, webex_broadworks_sim::Scope::all())
            // An update finishes at once, so that every update meets a `provisioned`
            // subscriber and does the whole of its work.
            .update_delay(Duration::ZERO)
            .request_log_capacity(100)
            .seed(fixture()?),
        1,
    )
}

/// The Webex id of each approach's subscriber.
fn subscriber_ids(sim: &SimOnOwnThreads) -> anyhow::Result<BTreeMap<Approach, String>> {
    sim.read(|state| {
        Approach::ALL
            .iter()
            .map(|approach| {
                let found = state.subscribers_by_user_id(approach.user_id());
                let id = found.first().and_then(|s| s.id.clone());
                id.map(|id| (*approach, id))
                    .with_context(|| format!("the simulator lost {}", approach.user_id()))
            })
            .collect()
    })
}

fn fixture() -> anyhow::Result<Fixture> {
    let subscribers = Approach::ALL
        .iter()
        .map(|approach| {
            serde_json::from_value::<types::Subscriber>(json!({
                "userId": approach.user_id(),
                "spEnterpriseId": "Reseller1+bench",
                "firstName": "Per",
                "lastName": "Call",
                "primaryPhoneNumber": "+1-240-555-0100",
                "extension": "100",
                "package": "standard",
            }))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Fixture {
        subscribers,
        ..Fixture::default()
    })
}

#[derive(Default)]
struct Samples {
    latencies: Vec<Duration>,
    cpu_per_request_by_round: Vec<Duration>,
}

/// What the interleaved rounds measured, before the profile is taken.
struct Timed {
    costs: BTreeMap<(Call, Approach), Cost>,
    update_validation: Duration,
}

impl Timed {
    fn with_profiles(self, profiles: profile::Profiles) -> PerCallFigures {
        PerCallFigures {
            rounds: ROUNDS,
            batch: BATCH,
            costs: self.costs,
            update_validation: self.update_validation,
            profiles,
        }
    }
}

async fn measure(base_url: &str, ids: &BTreeMap<Approach, String>) -> anyhow::Result<Timed> {
    let clients = Clients::new(base_url, TOKEN)?;
    let update_validation = validation_time()?;
    // Tracing is on, as in a service that logs at info level: the ergonomic client's
    // per-request spans are recorded (and the log discarded).
    let _tracing = tracing::dispatcher::set_default(&info_level_tracing());
    let mut samples: BTreeMap<(Call, Approach), Samples> = BTreeMap::new();
    // Round 0 warms up connections and caches and is not kept.
    for round in 0..=ROUNDS {
        let mut order = Approach::ALL;
        order.rotate_left(round % Approach::ALL.len());
        for call in Call::ALL {
            for approach in order {
                let (latencies, cpu) = batch(&clients, approach, call, &ids[&approach]).await?;
                if round > 0 {
                    let kept = samples.entry((call, approach)).or_default();
                    kept.latencies.extend(latencies);
                    kept.cpu_per_request_by_round.push(cpu / BATCH as u32);
                }
            }
        }
    }
    let costs = samples
        .into_iter()
        .map(|(key, samples)| {
            let cost = Cost {
                median_latency: median(&samples.latencies),
                cpu_per_request: median(&samples.cpu_per_request_by_round),
            };
            (key, cost)
        })
        .collect();
    Ok(Timed {
        costs,
        update_validation,
    })
}

/// [`BATCH`] calls in a row: the latency of each, and the CPU time of them all.
async fn batch(
    clients: &Clients,
    approach: Approach,
    call: Call,
    id: &str,
) -> anyhow::Result<(Vec<Duration>, Duration)> {
    let _untraced = (approach == Approach::ErgonomicUntraced)
        .then(|| tracing::dispatcher::set_default(&tracing::Dispatch::none()));
    let cpu_before = thread_cpu_time()?;
    let mut latencies = Vec::with_capacity(BATCH);
    for _ in 0..BATCH {
        let started = Instant::now();
        clients
            .call(approach, call, id)
            .await
            .with_context(|| format!("{} through {}", call.operation_id(), approach.label()))?;
        latencies.push(started.elapsed());
    }
    Ok((latencies, thread_cpu_time()?.saturating_sub(cpu_before)))
}

/// Validations of the update body timed in one go, to tell validation apart from the rest
/// of (c); the best of [`VALIDATION_REPEATS`] goes is kept.
const VALIDATIONS: u32 = 20_000;
const VALIDATION_REPEATS: usize = 5;

/// The time of validating the update body once, without sending it. Pure computation with
/// no blocking, so wall-clock time is CPU time (the best of several goes leaves out
/// preemption by other work on the machine); the thread's CPU counter would only move at
/// scheduler ticks here.
fn validation_time() -> anyhow::Result<Duration> {
    let mut best = Duration::MAX;
    for _ in 0..VALIDATION_REPEATS {
        let started = Instant::now();
        for _ in 0..VALIDATIONS {
            std::hint::black_box(clients::validate_update())?;
        }
        best = best.min(started.elapsed() / VALIDATIONS);
    }
    Ok(best)
}

/// A subscriber that formats every info-level event and span of this thread, into a sink.
fn info_level_tracing() -> tracing::Dispatch {
    tracing::Dispatch::new(
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::INFO)
            .with_writer(std::io::sink)
            .finish(),
    )
}
