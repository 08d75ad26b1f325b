//! Section 2 of the report: bulk provisioning under a rate limit.

use std::fmt::Write;

use super::skipped;
use crate::bulk::{self, BulkFigures, BulkPath};
use crate::goal::Measured;
use crate::polling::seconds;

/// Appends the section to `out`.
pub fn write(out: &mut String, figures: &Measured<BulkFigures>) {
    out.push_str("## 2. Bulk provisioning under a rate limit\n\n");
    let figures = match figures {
        Measured::Done(figures) => figures,
        Measured::Skipped(why) => return skipped(out, why),
    };
    let _ = write!(
        out,
        "{} subscribers provisioned and waited to a final status, by each path in turn, each \
         against a fresh in-process simulator with a limit of {} requests/s for the token (a \
         bucket of {} requests, refilled evenly; over it, 429 with `Retry-After` in whole \
         seconds) and a provisioning time of {:?}, kept short so the run takes seconds; {} \
         requests in flight at most. The counts are the simulator's own: its request log \
         and its subscribers, checked userId by userId.\n\n\
         *Useful throughput / limit* is the number of subscribers provisioned divided by the \
         number of requests the limit admitted while the path was provisioning (from its first \
         request to the last provisioning accepted): {} a second, plus the full bucket at the \
         start. A path that sends one request per subscriber, as fast as the limit allows, \
         scores 1; polls sent meanwhile and pauses lower it. The wait after the last \
         provisioning, until every final status is seen, is shown on its own, and counts in \
         the elapsed time and in the requests per subscriber.\n\n\
         The simulator and the client share the machine's two cores, so a run can be slowed \
         by the other side's work; the engine's path ran {} times, each on a fresh \
         simulator, and its column shows the median run by useful throughput (the trials: \
         {}).\n\n",
        bulk::SUBSCRIBERS,
        bulk::RATE_LIMIT,
        bulk::RATE_LIMIT,
        bulk::PROVISIONING_DELAY,
        bulk::CONCURRENCY,
        bulk::RATE_LIMIT,
        bulk::ENGINE_TRIALS,
        figures
            .engine_trials
            .iter()
            .map(|ratio| format!("{ratio:.2}"))
            .collect::<Vec<_>>()
            .join(", "),
    );
    let paths = BulkPath::ALL;
    let _ = writeln!(
        out,
        "| | {} | goal |\n|---|{}---|",
        paths
            .iter()
            .map(|path| path.label())
            .collect::<Vec<_>>()
            .join(" | "),
        "---|".repeat(paths.len())
    );
    type Cell = fn(&bulk::BulkRun) -> String;
    let rows: [(&str, Cell, String); 11] = [
        ("how", |run| run.settings.clone(), String::new()),
        ("elapsed", |run| seconds(run.elapsed), String::new()),
        (
            "subscribers provisioned per second",
            |run| format!("{:.0}", run.subscribers_per_second()),
            String::new(),
        ),
        (
            "useful throughput / limit",
            |run| format!("{:.2}", run.useful_throughput_ratio()),
            format!("≥ {:.2}", bulk::targets::USEFUL_THROUGHPUT),
        ),
        (
            "HTTP requests",
            |run| {
                format!(
                    "{} ({})",
                    run.tally.requests,
                    bulk::by_operation(&run.tally)
                )
            },
            String::new(),
        ),
        (
            "429s / requests",
            |run| {
                format!(
                    "{:.2}% ({})",
                    run.rate_limited_share() * 100.0,
                    run.tally.rate_limited
                )
            },
            format!("≤ {:.0}%", bulk::targets::RATE_LIMITED_SHARE * 100.0),
        ),
        (
            "requests per provisioned subscriber",
            |run| format!("{:.3}", run.requests_per_subscriber()),
            format!("≤ {:.2}", bulk::targets::REQUESTS_PER_SUBSCRIBER),
        ),
        (
            "final statuses",
            |run| {
                run.tally
                    .statuses
                    .iter()
                    .map(|(status, count)| format!("{status} {count}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            },
            String::new(),
        ),
        ("failures", |run| run.failures().to_string(), "0".into()),
        (
            "duplicates (userIds provisioned twice)",
            |run| run.tally.duplicates.to_string(),
            "0".into(),
        ),
        (
            "sending, then final wait",
            |run| match (run.tally.sending(), run.tally.final_wait()) {
                (Some(sending), Some(wait)) => format!("{} + {}", seconds(sending), seconds(wait)),
                _ => "—".into(),
            },
            String::new(),
        ),
    ];
    for (label, cell, goal) in rows {
        let cells: Vec<String> = paths
            .iter()
            .map(|path| match figures.runs.get(path) {
                Some(Ok(run)) => cell(run),
                Some(Err(why)) => format!("not measured: {why}"),
                None => "—".into(),
            })
            .collect();
        let _ = writeln!(out, "| {label} | {} | {goal} |", cells.join(" | "));
    }
    out.push_str(
        "\nThe goals are judged on the batch engine; the naive path is there to compare. With \
         Webex's real provisioning times (seconds rather than milliseconds) a naive worker that \
         waits for its own subscriber holds its slot for the whole provisioning, so its \
         throughput falls to the concurrency divided by the provisioning time, while the \
         engine keeps sending and waits for the whole batch through the list endpoint.\n\n",
    );
}
