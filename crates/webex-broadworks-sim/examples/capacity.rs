//! Measures how many requests per second the simulator answers on loopback, for
//! getSubscriber and listSubscribers, with a bounded number of requests and a time cap.
//!
//! `cargo run --release -p webex-broadworks-sim --example capacity [-- REQUESTS CONCURRENCY]`
//!
//! The load generator runs in the same process and shares the machine's cores with the
//! simulator, so the figures are a floor for the simulator alone.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::json;
use webex_broadworks_api::types;
use webex_broadworks_sim::{Fixture, Simulator};

/// Stop a run after this long even if not every request was sent.
const TIME_CAP: Duration = Duration::from_secs(15);
const SUBSCRIBERS: usize = 1_000;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let requests: usize = args
        .next()
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(20_000);
    let concurrency: usize = args.next().map(|a| a.parse()).transpose()?.unwrap_or(32);

    let subscribers = (0..SUBSCRIBERS)
        .map(|n| {
            serde_json::from_value::<types::Subscriber>(json!({
                "userId": format!("user{n}@sp.com"),
                "spEnterpriseId": format!("Reseller1+e{}", n % 10),
                "firstName": "Load",
                "lastName": format!("Test{n}"),
            }))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let sim = Simulator::builder()
        .seed(Fixture {
            subscribers,
            ..Fixture::default()
        })
        .request_log_capacity(1_000)
        .start()
        .await?;
    let ids: Arc<Vec<String>> = Arc::new(
        sim.state()
            .subscribers()
            .into_iter()
            .filter_map(|s| s.id)
            .collect(),
    );
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(concurrency)
        .build()?;
    let base = sim.base_url();

    println!(
        "{} cores, {SUBSCRIBERS} subscribers, {requests} requests per operation, {concurrency} concurrent",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    let get = {
        let ids = ids.clone();
        let base = base.clone();
        run(&client, requests, concurrency, move |n| {
            format!("{base}/broadworks/subscribers/{}", ids[n % ids.len()])
        })
        .await
    };
    report("getSubscriber", get);
    let list = {
        let base = base.clone();
        run(&client, requests, concurrency, move |_| {
            format!("{base}/broadworks/subscribers")
        })
        .await
    };
    report("listSubscribers (50 per page)", list);
    let filtered = run(&client, requests, concurrency, move |n| {
        format!(
            "{base}/broadworks/subscribers?spEnterpriseId=Reseller1%2Be{}&max=100",
            n % 10
        )
    })
    .await;
    report("listSubscribers (filtered, max=100)", filtered);
    sim.shutdown().await;
    Ok(())
}

/// Outcome of one run: requests answered 200, requests failed, elapsed time.
struct Run {
    ok: usize,
    failed: usize,
    elapsed: Duration,
}

async fn run(
    client: &reqwest::Client,
    requests: usize,
    concurrency: usize,
    url: impl Fn(usize) -> String + Send + Sync + 'static,
) -> Run {
    let next = Arc::new(AtomicUsize::new(0));
    let ok = Arc::new(AtomicUsize::new(0));
    let failed = Arc::new(AtomicUsize::new(0));
    let url = Arc::new(url);
    let started = Instant::now();
    let workers: Vec<_> = (0..concurrency)
        .map(|_| {
            let (client, next, ok, failed, url) = (
                client.clone(),
                next.clone(),
                ok.clone(),
                failed.clone(),
                url.clone(),
            );
            tokio::spawn(async move {
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    if n >= requests || started.elapsed() > TIME_CAP {
                        break;
                    }
                    let answered = client.get(url(n)).bearer_auth("sim-token").send().await;
                    let good = match answered {
                        Ok(response) => {
                            response.status().is_success() && response.bytes().await.is_ok()
                        }
                        Err(_) => false,
                    };
                    let counter = if good { &ok } else { &failed };
                    counter.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    for worker in workers {
        let _ = worker.await;
    }
    Run {
        ok: ok.load(Ordering::Relaxed),
        failed: failed.load(Ordering::Relaxed),
        elapsed: started.elapsed(),
    }
}

fn report(name: &str, run: Run) {
    let rate = run.ok as f64 / run.elapsed.as_secs_f64();
    println!(
        "{name:<38} {rate:>9.0} requests/s  ({} ok, {} failed, {:.2} s)",
        run.ok,
        run.failed,
        run.elapsed.as_secs_f64()
    );
}
