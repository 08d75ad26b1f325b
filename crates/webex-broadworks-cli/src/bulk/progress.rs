//! The live progress bar of a bulk run: rows done of the total, outcome counts, rate and
//! ETA, and a note while the shared rate-limit pause holds, from the batch's monitor (counts
//! kept in memory as rows move). Hidden when stdout is not a terminal.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use tokio::task::JoinHandle;

use webex_broadworks::bulk::{BatchMonitor, Counts};

/// How often the bar is redrawn.
const REFRESH: Duration = Duration::from_millis(100);

/// A running progress display.
#[derive(Debug)]
pub struct BulkProgress {
    bar: ProgressBar,
    ticker: JoinHandle<()>,
}

impl BulkProgress {
    /// Starts drawing the progress of the batch `monitor` watches.
    pub fn start(monitor: BatchMonitor) -> Self {
        let counts = monitor.progress().counts;
        let bar = ProgressBar::with_draw_target(Some(counts.total), ProgressDrawTarget::stdout());
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} [{bar:30.cyan/blue}] {pos}/{len} rows  {per_sec}  ETA {eta}\n  {msg}",
            )
            .expect("the template is valid")
            .progress_chars("=> "),
        );
        bar.set_position(counts.done());
        bar.reset_eta();
        bar.enable_steady_tick(REFRESH);
        let ticker = {
            let bar = bar.clone();
            tokio::spawn(async move {
                loop {
                    let progress = monitor.progress();
                    bar.set_position(progress.counts.done());
                    bar.set_message(message(&progress.counts, progress.paused_for));
                    tokio::time::sleep(REFRESH).await;
                }
            })
        };
        BulkProgress { bar, ticker }
    }

    /// Stops and clears the bar.
    pub fn finish(self) {
        self.ticker.abort();
        self.bar.finish_and_clear();
    }
}

/// The line under the bar.
pub fn message(counts: &Counts, paused_for: Option<Duration>) -> String {
    let mut text = format!(
        "{} provisioned · {} paused · {} failed · {} waiting · {} to send",
        counts.succeeded,
        counts.paused,
        counts.failed,
        counts.waiting,
        counts.pending + counts.sending
    );
    if let Some(paused_for) = paused_for {
        text.push_str(&format!(
            "  (rate limited: every worker paused for {:.1}s)",
            paused_for.as_secs_f64()
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_counts_every_outcome_and_shows_a_pause() {
        let counts = Counts {
            total: 10,
            pending: 2,
            sending: 1,
            waiting: 3,
            succeeded: 2,
            paused: 1,
            failed: 1,
        };
        assert_eq!(
            message(&counts, None),
            "2 provisioned · 1 paused · 1 failed · 3 waiting · 3 to send"
        );
        assert!(message(&counts, Some(Duration::from_millis(1500))).ends_with("paused for 1.5s)"));
    }
}
