//! The goals of measurement 2, judged on the library's batch engine, and why one was missed.

use super::{BulkFigures, BulkPath, BulkRun, RATE_LIMIT, Tally};
use crate::goal::{Goal, Measured};

/// The goals of the issue for the bulk path.
pub mod targets {
    pub const USEFUL_THROUGHPUT: f64 = 0.95;
    pub const RATE_LIMITED_SHARE: f64 = 0.02;
    pub const REQUESTS_PER_SUBSCRIBER: f64 = 1.05;
}

/// The goals of measurement 2, judged on the library's batch engine.
pub fn goals(figures: &Measured<BulkFigures>) -> Vec<Goal> {
    let what = |goal: &str| format!("batch engine: {goal}");
    let specs = [
        (
            what("useful throughput / limit"),
            format!("≥ {:.2}", targets::USEFUL_THROUGHPUT),
        ),
        (
            what("429s / requests"),
            format!("≤ {:.0}%", targets::RATE_LIMITED_SHARE * 100.0),
        ),
        (
            what("requests per provisioned subscriber, waiting included"),
            format!("≤ {:.2}", targets::REQUESTS_PER_SUBSCRIBER),
        ),
        (what("failures"), "0".to_string()),
        (what("duplicates"), "0".to_string()),
    ];
    let run = match figures {
        Measured::Done(figures) => match figures.runs.get(&BulkPath::Engine) {
            Some(Ok(run)) => Ok(run),
            Some(Err(why)) => Err(why.clone()),
            None => Err("not run".to_string()),
        },
        Measured::Skipped(why) => Err(why.clone()),
    };
    let run = match run {
        Ok(run) => run,
        Err(why) => {
            return specs
                .into_iter()
                .map(|(what, target)| Goal::not_measured(what, target, why.clone()))
                .collect();
        }
    };
    let [throughput, share, per_subscriber, failures, duplicates] = specs;
    let useful = run.useful_throughput_ratio();
    vec![
        Goal::check(
            throughput.0,
            throughput.1,
            format!("{useful:.2}"),
            useful >= targets::USEFUL_THROUGHPUT,
            || why_throughput(run),
        ),
        Goal::check(
            share.0,
            share.1,
            format!("{:.2}%", run.rate_limited_share() * 100.0),
            run.rate_limited_share() <= targets::RATE_LIMITED_SHARE,
            || {
                format!(
                    "{} of {} requests were answered 429",
                    run.tally.rate_limited, run.tally.requests
                )
            },
        ),
        Goal::check(
            per_subscriber.0,
            per_subscriber.1,
            format!("{:.3}", run.requests_per_subscriber()),
            run.requests_per_subscriber() <= targets::REQUESTS_PER_SUBSCRIBER,
            || {
                let mut why = format!("requests by operation: {}", by_operation(&run.tally));
                if let Some(wait) = run.tally.final_wait() {
                    why += &format!(
                        "; after the last provisioning, {} requests over {:.2} s until every \
                         final status was seen",
                        run.tally.final_wait_requests,
                        wait.as_secs_f64()
                    );
                }
                why
            },
        ),
        Goal::check(
            failures.0,
            failures.1,
            run.failures().to_string(),
            run.failures() == 0,
            || format!("final statuses: {:?}", run.tally.statuses),
        ),
        Goal::check(
            duplicates.0,
            duplicates.1,
            run.tally.duplicates.to_string(),
            run.tally.duplicates == 0,
            || "a userId has more than one subscriber in the simulator".into(),
        ),
    ]
}

/// `getSubscriber 2001, provisionSubscriber 2031`.
pub fn by_operation(tally: &Tally) -> String {
    tally
        .requests_by_operation
        .iter()
        .map(|(operation, count)| format!("{operation} {count}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Where the admitted requests went when the throughput goal is missed.
fn why_throughput(run: &BulkRun) -> String {
    let provisioned = run.tally.provisioned as f64;
    let limit = f64::from(RATE_LIMIT);
    // The least time the limit needs to accept one provisioning per subscriber: all but the
    // first bucketful at `limit` a second.
    let least = ((provisioned - limit) / limit).max(0.0);
    let mut why = format!(
        "provisioning took {:.2} s where the limit allows it in {least:.2} s; meanwhile {} \
         requests were answered 429",
        run.sending().as_secs_f64(),
        run.tally.rate_limited,
    );
    let provisionings = run
        .tally
        .requests_by_operation
        .get("provisionSubscriber")
        .copied()
        .unwrap_or(0);
    let while_sending = run.tally.requests - run.tally.final_wait_requests;
    let other = while_sending.saturating_sub(provisionings);
    if other > 0 {
        why += &format!(
            ", and {other} of the requests sent while provisioning were not provisionings"
        );
    }
    why
}
