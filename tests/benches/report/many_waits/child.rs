//! The child process of measurement 9: the waits, on one client and one thread.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use anyhow::Context;
use webex_broadworks::{Package, ProvisionSubscriber, SubscriberOutcome};

use super::{SAMPLE_EVERY, WaitsRun};
use crate::cpu::thread_cpu_time;
use crate::memory::own_resident_kib;

/// `--base-url URL --token T --waits N --seed S`.
struct Args {
    base_url: String,
    token: String,
    waits: usize,
    seed: u64,
}

fn parse(args: &[String]) -> anyhow::Result<Args> {
    let value = |flag: &str| {
        args.iter()
            .position(|arg| arg == flag)
            .and_then(|at| args.get(at + 1))
            .with_context(|| format!("{} needs {flag}", super::SUBCOMMAND))
    };
    Ok(Args {
        base_url: value("--base-url")?.clone(),
        token: value("--token")?.clone(),
        waits: value("--waits")?.parse().context("--waits")?,
        seed: value("--seed")?.parse().context("--seed")?,
    })
}

/// Runs the waits and prints what it saw as one line of JSON.
pub fn child_main(args: &[String]) -> anyhow::Result<()> {
    let args = parse(args)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let run = runtime.block_on(waits(&args))?;
    println!("{}", serde_json::to_string(&run)?);
    Ok(())
}

async fn waits(args: &Args) -> anyhow::Result<WaitsRun> {
    let client = webex_broadworks::Client::builder()
        .with_token(args.token.as_str())
        .with_base_url(&args.base_url)
        .with_rng_seed(args.seed)
        .build()?;
    let counts_before = request_counts(&args.base_url).await?;
    let baseline_kib = own_resident_kib().context("reading VmRSS")?;
    let cpu_before = thread_cpu_time()?;
    let started = Instant::now();
    let in_flight = Arc::new(AtomicUsize::new(args.waits));
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..args.waits {
        let subscribers = client.subscribers();
        let request = request(args.seed, n);
        let in_flight = in_flight.clone();
        tasks.spawn(async move {
            let outcome = subscribers.provision_and_wait(request).await;
            in_flight.fetch_sub(1, Ordering::Relaxed);
            outcome
        });
    }
    let sampler = tokio::spawn(sample_while_all_in_flight(in_flight.clone(), args.waits));
    let mut provisioned = 0;
    let mut other_outcomes = 0;
    let mut first_other = None;
    while let Some(joined) = tasks.join_next().await {
        match joined.context("a wait panicked")? {
            Ok(SubscriberOutcome::Provisioned { .. }) => provisioned += 1,
            other => {
                other_outcomes += 1;
                first_other.get_or_insert_with(|| format!("{other:?}"));
            }
        }
    }
    let cpu = thread_cpu_time()?.saturating_sub(cpu_before);
    let took = started.elapsed();
    let (in_flight_kib, open_files) = sampler.await.context("the memory sampler panicked")?;
    let counts_after = request_counts(&args.base_url).await?;
    let delta = |operation: &str| {
        counts_after.get(operation).copied().unwrap_or(0)
            - counts_before.get(operation).copied().unwrap_or(0)
    };
    let provisions = delta("provisionSubscriber");
    let all: u64 = counts_after.values().sum::<u64>() - counts_before.values().sum::<u64>();
    Ok(WaitsRun {
        waits: args.waits,
        provisioned,
        other_outcomes,
        first_other,
        baseline_kib,
        in_flight_kib: in_flight_kib.saturating_sub(baseline_kib),
        open_files,
        cpu_nanos: u64::try_from(cpu.as_nanos()).unwrap_or(u64::MAX),
        provisions,
        polls: all - provisions,
        took_millis: u64::try_from(took.as_millis()).unwrap_or(u64::MAX),
    })
}

/// The most resident memory seen while none of the `waits` has ended, and the open files at
/// that moment.
async fn sample_while_all_in_flight(in_flight: Arc<AtomicUsize>, waits: usize) -> (u64, u64) {
    let mut most = (0, 0);
    loop {
        tokio::time::sleep(SAMPLE_EVERY).await;
        if in_flight.load(Ordering::Relaxed) < waits {
            return most;
        }
        let resident = own_resident_kib().unwrap_or(0);
        if resident > most.0 {
            most = (resident, open_files());
        }
    }
}

fn open_files() -> u64 {
    std::fs::read_dir("/proc/self/fd").map_or(0, |dir| dir.count() as u64)
}

/// The simulator's request counts by operation, from its admin routes.
async fn request_counts(base_url: &str) -> anyhow::Result<BTreeMap<String, u64>> {
    let root = base_url.trim_end_matches('/').trim_end_matches("/v1");
    let counts = reqwest::get(format!("{root}/_sim/requests/counts"))
        .await?
        .error_for_status()?
        .json()
        .await?;
    Ok(counts)
}

fn request(seed: u64, n: usize) -> ProvisionSubscriber {
    ProvisionSubscriber::new()
        .provisioning_id("prov-waits")
        .user_id(format!("waits{seed}-{n:05}@bench.example"))
        .sp_enterprise_id("Reseller1+waits")
        .first_name("Wait")
        .last_name(format!("Subscriber {n}"))
        .package(Package::Standard)
        .primary_phone_number("+1-240-555-0100")
}
