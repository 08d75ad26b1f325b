//! Measurement 2: provisioning a batch of subscribers, and waiting for each to reach a final
//! status, under the simulator's per-token rate limit.
//!
//! Each path gets a fresh simulator serving from its own thread, with the same settings; the
//! client side runs on the measuring thread. Afterwards the simulator's own records say
//! how many requests arrived, how many were answered 429, and whether every userId was
//! provisioned exactly once.

mod check;
mod engine;
mod goals;
mod naive;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use webex_broadworks_api::types;
use webex_broadworks_api::wire::Package;
use webex_broadworks_sim::{RateLimit, Scope, Simulator};

use crate::in_process::SimOnOwnThreads;
use crate::stats::ratio;

pub use check::Tally;
pub use goals::{by_operation, goals, targets};

/// Subscribers provisioned by each path.
pub const SUBSCRIBERS: usize = 2_000;
/// The simulator's limit, requests per second per token (a bucket of as many requests,
/// refilled evenly over the second).
pub const RATE_LIMIT: u32 = 400;
/// Requests in flight at once, for both paths.
pub const CONCURRENCY: usize = 8;
/// How long the simulator keeps a new subscriber `provisioning`.
pub const PROVISIONING_DELAY: Duration = Duration::from_millis(20);
/// How long a naive worker sleeps between two polls of its subscriber.
pub const NAIVE_POLL_INTERVAL: Duration = PROVISIONING_DELAY;
/// How many times the batch engine's path runs; the report shows the median run. The
/// simulator and the client share two cores, so one run can be slowed by the other.
pub const ENGINE_TRIALS: usize = 3;
/// A path still running after this long stops; what it left undone counts as failures.
pub const TIME_CAP: Duration = Duration::from_secs(180);
const TOKEN: &str = "bench-token";
const PROVISIONING_ID: &str = "prov-bulk";
const ENTERPRISE: &str = "Reseller1+bulk";

/// A way of provisioning the batch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum BulkPath {
    /// The library's batch engine (`webex_broadworks::bulk`): a shared pause on 429, waiting
    /// through the list endpoint.
    Engine,
    /// On the generated client: each worker provisions, then polls its own subscriber, and
    /// sleeps on its own 429s.
    Naive,
}

impl BulkPath {
    pub const ALL: [BulkPath; 2] = [BulkPath::Engine, BulkPath::Naive];

    pub fn label(self) -> &'static str {
        match self {
            BulkPath::Engine => "batch engine of `webex-broadworks` (library API)",
            BulkPath::Naive => "naive: each worker polls its own subscriber, sleeps on its own 429",
        }
    }
}

/// What one path did.
#[derive(Debug)]
pub struct BulkRun {
    pub elapsed: Duration,
    pub tally: Tally,
    /// Failures the client itself reported.
    pub client_failures: u64,
    /// How the path was configured.
    pub settings: String,
}

/// Everything measurement 2 found.
#[derive(Debug)]
pub struct BulkFigures {
    /// For the engine, the median of its trials by useful throughput.
    pub runs: BTreeMap<BulkPath, Result<BulkRun, String>>,
    /// The useful throughput / limit of every trial of the engine, in the order run.
    pub engine_trials: Vec<f64>,
}

/// The batch both paths provision.
pub fn batch() -> Vec<types::ProvisionSubscriberRequest> {
    (0..SUBSCRIBERS)
        .map(|n| types::ProvisionSubscriberRequest {
            provisioning_id: PROVISIONING_ID.into(),
            user_id: user_id(n),
            sp_enterprise_id: ENTERPRISE.into(),
            first_name: "Bulk".into(),
            last_name: format!("Subscriber {n}"),
            package: Package::Standard,
            email: Some(user_id(n)),
            primary_phone_number: Some("+1-240-555-0100".into()),
            mobile_phone_number: None,
            extension: Some(format!("{}", 1000 + n)),
            language: None,
            timezone: None,
        })
        .collect()
}

fn user_id(n: usize) -> String {
    format!("bulk{n:05}@bench.example")
}

fn simulator() -> anyhow::Result<SimOnOwnThreads> {
    SimOnOwnThreads::start(
        Simulator::builder()
            .token(TOKEN, Scope::all())
            .rate_limit(RateLimit::per_second(RATE_LIMIT))
            .provisioning_delay(PROVISIONING_DELAY)
            .request_log_capacity(200_000),
        1,
    )
}

/// Runs measurement 2: each path in turn, on a fresh simulator; the engine's path
/// [`ENGINE_TRIALS`] times, keeping the median run.
pub fn run() -> BulkFigures {
    let mut runs = BTreeMap::new();
    let mut engine_trials = Vec::new();
    let mut trials = Vec::new();
    let mut failed = None;
    for _ in 0..ENGINE_TRIALS {
        match run_path(BulkPath::Engine) {
            Ok(run) => {
                engine_trials.push(run.useful_throughput_ratio());
                trials.push(run);
            }
            Err(error) => {
                failed = Some(format!("{error:#}"));
                break;
            }
        }
    }
    let engine = match failed {
        Some(error) => Err(error),
        None => {
            trials.sort_by(|a, b| {
                a.useful_throughput_ratio()
                    .total_cmp(&b.useful_throughput_ratio())
            });
            Ok(trials.swap_remove(trials.len() / 2))
        }
    };
    runs.insert(BulkPath::Engine, engine);
    runs.insert(
        BulkPath::Naive,
        run_path(BulkPath::Naive).map_err(|error| format!("{error:#}")),
    );
    BulkFigures {
        runs,
        engine_trials,
    }
}

fn run_path(path: BulkPath) -> anyhow::Result<BulkRun> {
    let sim = simulator()?;
    let base_url = sim.base_url();
    let batch = batch();
    let started = Instant::now();
    let (client_failures, settings) = match path {
        BulkPath::Naive => (
            naive::provision_all(&base_url, TOKEN, &batch)?,
            format!(
                "{CONCURRENCY} workers on the generated client, polling every {NAIVE_POLL_INTERVAL:?}"
            ),
        ),
        BulkPath::Engine => {
            let report = engine::provision_all(&base_url, TOKEN, &batch)?;
            (
                report.failures,
                format!("the command's defaults: {}", report.options),
            )
        }
    };
    let elapsed = started.elapsed();
    let tally = sim.read(|state| Tally::of(state, &batch));
    Ok(BulkRun {
        elapsed,
        tally,
        client_failures,
        settings,
    })
}

impl BulkRun {
    /// How long the path spent provisioning: from its first request to the last provisioning
    /// the simulator accepted (the whole run if the log does not tell).
    pub fn sending(&self) -> Duration {
        self.tally.sending().unwrap_or(self.elapsed)
    }

    /// Requests the limit admitted while the path was provisioning: a full bucket at the
    /// start, then [`RATE_LIMIT`] a second.
    pub fn allowance(&self) -> f64 {
        f64::from(RATE_LIMIT) * (1.0 + self.sending().as_secs_f64())
    }

    /// Useful throughput divided by the limit: subscribers provisioned per request the limit
    /// admitted while provisioning. The final wait, which no pace of sending can shorten,
    /// is reported on its own.
    pub fn useful_throughput_ratio(&self) -> f64 {
        ratio(self.tally.provisioned as f64, self.allowance())
    }

    /// Subscribers provisioned per second of the run.
    pub fn subscribers_per_second(&self) -> f64 {
        ratio(self.tally.provisioned as f64, self.elapsed.as_secs_f64())
    }

    /// Requests answered 429, as a share of all requests.
    pub fn rate_limited_share(&self) -> f64 {
        ratio(self.tally.rate_limited as f64, self.tally.requests as f64)
    }

    /// HTTP requests (429s included) per provisioned subscriber.
    pub fn requests_per_subscriber(&self) -> f64 {
        ratio(self.tally.requests as f64, self.tally.provisioned as f64)
    }

    /// Failures by the simulator's account or the client's, whichever is larger.
    pub fn failures(&self) -> u64 {
        (self.tally.failures() as u64).max(self.client_failures)
    }
}
