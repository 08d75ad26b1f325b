//! Measurement 3: how quickly the ergonomic client's wait notices that a subscriber's
//! provisioning finished, and how many polls it spends doing so.
//!
//! Simulated time: the simulator and the client share a current-thread runtime whose clock
//! is paused, so a 60 s provisioning takes microseconds and every figure is exact. The
//! simulator stamps `lastStatusChange` with the instant the transition was due; the delay
//! is the simulator clock's reading when the wait returns, less that stamp.

mod goals;

use std::time::Duration;

use anyhow::{Context, bail};
use chrono::{DateTime, Utc};
use webex_broadworks::{Package, ProvisionSubscriber, SubscriberOutcome, WaitPolicy};
use webex_broadworks_sim::{Operation, Scope, SimState, Simulator};

use crate::stats::median;

pub use goals::goals;

/// The transition times measured.
pub const TRANSITIONS: [Duration; 3] = [
    Duration::from_secs(1),
    Duration::from_secs(10),
    Duration::from_secs(60),
];
/// Waits per transition time, each with its own jitter seed.
pub const WAITS: u64 = 25;
/// The delays of the client's default [`WaitPolicy`]: (minimum, initial, maximum).
pub const DEFAULT_DELAYS: (Duration, Duration, Duration) = (
    Duration::from_secs(1),
    Duration::from_secs(2),
    Duration::from_secs(30),
);
const TOKEN: &str = "bench-token";

/// Which wait policy the client uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Policy {
    /// `WaitPolicy::default()`: what a caller gets without choosing. The goals judge it.
    Default,
    /// The default without its ceiling of 10% of the time waited: delays grow to the
    /// maximum. Not a goal; it shows what that ceiling buys.
    GrowthOnly,
}

impl Policy {
    pub const ALL: [Policy; 2] = [Policy::Default, Policy::GrowthOnly];

    /// The wait policy of this row.
    pub fn wait_policy(self) -> WaitPolicy {
        match self {
            Policy::Default => WaitPolicy::default(),
            Policy::GrowthOnly => WaitPolicy::default().without_elapsed_share(),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Policy::Default => "default",
            Policy::GrowthOnly => "default without the 10%-of-time-waited ceiling",
        }
    }
}

/// The waits for one transition time under one policy.
#[derive(Debug)]
pub struct PollingRow {
    pub transition: Duration,
    pub policy: Policy,
    /// Requests per wait, the provisioning request itself not counted.
    pub median_polls: f64,
    pub max_polls: u64,
    pub median_delay: Duration,
    pub max_delay: Duration,
}

impl PollingRow {
    /// The goal: 10% of the transition time plus the policy's minimum delay.
    pub fn allowed_delay(&self) -> Duration {
        self.transition / 10 + DEFAULT_DELAYS.0
    }
}

/// Everything measurement 3 found.
#[derive(Debug)]
pub struct PollingFigures {
    pub rows: Vec<PollingRow>,
}

/// Runs measurement 3 with the client's default wait policy, then without its elapsed-share ceiling.
pub fn run() -> anyhow::Result<PollingFigures> {
    let (min, initial, max) = DEFAULT_DELAYS;
    if WaitPolicy::default() != WaitPolicy::default().with_delays(min, initial, max) {
        bail!("the default WaitPolicy's delays changed; update polling::DEFAULT_DELAYS");
    }
    let mut rows = Vec::new();
    for policy in Policy::ALL {
        for transition in TRANSITIONS {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .start_paused(true)
                .build()?;
            rows.push(runtime.block_on(measure(transition, policy))?);
        }
    }
    Ok(PollingFigures { rows })
}

/// Where the simulator's clock starts (any fixed instant works).
fn start_time() -> DateTime<Utc> {
    DateTime::from_timestamp(1_700_000_000, 0).expect("a valid instant")
}

async fn measure(transition: Duration, policy: Policy) -> anyhow::Result<PollingRow> {
    let started = tokio::time::Instant::now();
    let sim = Simulator::builder()
        .token(TOKEN, Scope::all())
        .provisioning_delay(transition)
        .start_time(start_time())
        .start()
        .await?;
    let sim_now = || start_time() + started.elapsed();
    let mut polls = Vec::new();
    let mut delays = Vec::new();
    for seed in 0..WAITS {
        let client = webex_broadworks::Client::builder()
            .with_token(TOKEN)
            .with_base_url(sim.base_url())
            .without_timers()
            .with_rng_seed(seed)
            .with_wait_policy(policy.wait_policy())
            .build()?;
        let polls_before = polls_so_far(sim.state());
        let outcome = client
            .subscribers()
            .provision_and_wait(request(seed))
            .await
            .with_context(|| format!("waiting for a {transition:?} provisioning"))?;
        let detected = sim_now();
        let SubscriberOutcome::Provisioned { subscriber, .. } = outcome else {
            bail!("the provisioning ended {outcome:?}");
        };
        let changed = subscriber
            .last_status_change
            .as_ref()
            .and_then(webex_broadworks::Timestamp::get)
            .context("a provisioned subscriber without lastStatusChange")?;
        let delay = (detected - changed)
            .to_std()
            .context("the wait returned before the transition")?;
        delays.push(delay);
        polls.push(polls_so_far(sim.state()) - polls_before);
    }
    sim.shutdown().await;
    polls.sort_unstable();
    Ok(PollingRow {
        transition,
        policy,
        median_polls: median_of(&polls),
        max_polls: polls.last().copied().unwrap_or(0),
        median_delay: median(&delays),
        max_delay: delays.iter().max().copied().unwrap_or_default(),
    })
}

/// Every request the simulator received but the provisionings: the waits' reads.
fn polls_so_far(state: &SimState) -> u64 {
    state
        .request_counts()
        .into_iter()
        .filter(|(operation, _)| *operation != Operation::ProvisionSubscriber)
        .map(|(_, count)| count)
        .sum()
}

fn median_of(sorted: &[u64]) -> f64 {
    match sorted.len() {
        0 => 0.0,
        n if n % 2 == 1 => sorted[n / 2] as f64,
        n => (sorted[n / 2 - 1] + sorted[n / 2]) as f64 / 2.0,
    }
}

fn request(n: u64) -> ProvisionSubscriber {
    ProvisionSubscriber::new()
        .provisioning_id("prov-polling")
        .user_id(format!("polling{n:03}@bench.example"))
        .sp_enterprise_id("Reseller1+polling")
        .first_name("Poll")
        .last_name(format!("Subscriber {n}"))
        .package(Package::Standard)
        .primary_phone_number("+1-240-555-0100")
}

/// `d` in seconds, e.g. `1.25 s`.
pub fn seconds(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}
