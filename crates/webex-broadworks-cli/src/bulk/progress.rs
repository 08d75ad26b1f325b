//! The progress of a bulk run, on stderr (stdout keeps the data and the summary): a live
//! bar when stderr is a terminal, otherwise one plain line every 10 s for logs. Counts come
//! from the batch's monitor, kept in memory as rows move; the rate is of the rows this
//! process settled over the last half-minute, and there is no ETA before there is a rate.

use std::collections::VecDeque;
use std::io::{IsTerminal, Write};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use tokio::task::JoinHandle;
use tokio::time::Instant;

use webex_broadworks::bulk::{BatchMonitor, Counts};

/// What a display shows of a run: its counts, and the rate-limit pause while it holds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Snapshot {
    /// Rows by outcome.
    pub counts: Counts,
    /// How long every worker is still held, if it is.
    pub paused_for: Option<Duration>,
}

/// How often the bar is redrawn.
const REFRESH: Duration = Duration::from_millis(100);

/// How often a plain line is written when stderr is not a terminal.
pub const LINE_EVERY: Duration = Duration::from_secs(10);

/// How far back the rate looks.
const RATE_WINDOW: Duration = Duration::from_secs(30);

/// A running progress display.
#[derive(Debug)]
pub struct BulkProgress {
    bar: Option<ProgressBar>,
    ticker: JoinHandle<()>,
}

impl BulkProgress {
    /// Starts showing the progress of the batch `monitor` watches: a bar when stderr is a
    /// terminal, plain lines otherwise.
    pub fn start(monitor: BatchMonitor) -> Self {
        let source = move || {
            let progress = monitor.progress();
            Snapshot {
                counts: progress.counts,
                paused_for: progress.paused_for,
            }
        };
        if std::io::stderr().is_terminal() {
            Self::bar(source)
        } else {
            BulkProgress {
                bar: None,
                ticker: tokio::spawn(plain_lines(source, LINE_EVERY, std::io::stderr())),
            }
        }
    }

    fn bar(source: impl Fn() -> Snapshot + Send + 'static) -> Self {
        let first = source();
        let bar =
            ProgressBar::with_draw_target(Some(first.counts.total), ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template("{spinner} [{bar:30.cyan/blue}] {prefix}\n  {msg}")
                .expect("the template is valid")
                .progress_chars("=> "),
        );
        bar.enable_steady_tick(REFRESH);
        let ticker = {
            let bar = bar.clone();
            tokio::spawn(async move {
                let mut rate = Rate::new(first.counts.done());
                loop {
                    let progress = source();
                    rate.observe(Instant::now(), progress.counts.done());
                    bar.set_position(progress.counts.done());
                    bar.set_prefix(headline(&progress.counts, rate.per_second()));
                    bar.set_message(message(&progress.counts, progress.paused_for));
                    tokio::time::sleep(REFRESH).await;
                }
            })
        };
        BulkProgress {
            bar: Some(bar),
            ticker,
        }
    }

    /// Stops, and clears the bar.
    pub fn finish(self) {
        self.ticker.abort();
        if let Some(bar) = self.bar {
            bar.finish_and_clear();
        }
    }
}

/// Writes one line of `source`'s progress to `out` every `every`, starting after the first
/// `every`; ends when `out` cannot be written.
pub async fn plain_lines(source: impl Fn() -> Snapshot, every: Duration, mut out: impl Write) {
    let mut rate = Rate::new(source().counts.done());
    let mut next = Instant::now() + every;
    loop {
        // Sampled more often than written, so the rate looks back over its whole window.
        tokio::time::sleep_until(next.min(Instant::now() + Duration::from_secs(1))).await;
        let progress = source();
        let now = Instant::now();
        rate.observe(now, progress.counts.done());
        if now < next {
            continue;
        }
        next += every;
        let line = format!(
            "{} · {}",
            headline(&progress.counts, rate.per_second()),
            message(&progress.counts, progress.paused_for)
        );
        if writeln!(out, "{line}").is_err() {
            return;
        }
    }
}

/// Rows done per second over the last 30 s, counting only what this process
/// settled (a resumed run starts with rows done already).
#[derive(Debug)]
pub struct Rate {
    samples: VecDeque<(Instant, u64)>,
    done_at_start: u64,
}

impl Rate {
    /// A rate for a run that starts with `done` rows settled.
    pub fn new(done: u64) -> Self {
        Rate {
            samples: VecDeque::new(),
            done_at_start: done,
        }
    }

    /// Notes that `done` rows are settled at `at`.
    pub fn observe(&mut self, at: Instant, done: u64) {
        self.samples.push_back((at, done));
        while self
            .samples
            .front()
            .is_some_and(|(first, _)| at.duration_since(*first) > RATE_WINDOW)
        {
            self.samples.pop_front();
        }
    }

    /// `None` until this process settled a row and a second has passed between samples.
    pub fn per_second(&self) -> Option<f64> {
        let (first_at, first_done) = *self.samples.front()?;
        let (last_at, last_done) = *self.samples.back()?;
        let seconds = last_at.duration_since(first_at).as_secs_f64();
        (last_done > self.done_at_start && seconds >= 1.0)
            .then(|| last_done.saturating_sub(first_done) as f64 / seconds)
    }
}

/// `1,234/10,000 rows · 243 rows/s · ETA 36s`; the rate and ETA once there is a rate.
pub fn headline(counts: &Counts, per_second: Option<f64>) -> String {
    let mut text = format!(
        "{}/{} rows",
        thousands(counts.done()),
        thousands(counts.total)
    );
    if let Some(rate) = per_second {
        text.push_str(&format!(" · {} rows/s", rate_text(rate)));
        let left = counts.total.saturating_sub(counts.done());
        if rate > 0.0 && left > 0 {
            text.push_str(&format!(
                " · ETA {}",
                duration_text(Duration::from_secs_f64(left as f64 / rate))
            ));
        }
    }
    text
}

/// Three significant figures at most, and no more precision than a rate has: `243`, `12.5`,
/// `0.42`.
pub fn rate_text(rate: f64) -> String {
    if rate >= 100.0 {
        format!("{rate:.0}")
    } else if rate >= 10.0 {
        format!("{rate:.1}")
    } else {
        format!("{rate:.2}")
    }
}

/// `45s`, `3m 20s`, `2h 05m`.
pub fn duration_text(duration: Duration) -> String {
    let seconds = duration.as_secs();
    match seconds {
        0..60 => format!("{seconds}s"),
        60..3600 => format!("{}m {:02}s", seconds / 60, seconds % 60),
        _ => format!("{}h {:02}m", seconds / 3600, seconds % 3600 / 60),
    }
}

/// `1234567` as `1,234,567`.
fn thousands(number: u64) -> String {
    let digits = number.to_string();
    let mut text = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            text.push(',');
        }
        text.push(digit);
    }
    text
}

/// The outcome counts, and the rate-limit pause while it holds.
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
    use std::sync::{Arc, Mutex};

    use super::*;

    fn counts(total: u64, succeeded: u64) -> Counts {
        Counts {
            total,
            pending: total - succeeded,
            succeeded,
            ..Counts::default()
        }
    }

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

    #[test]
    fn rates_durations_and_counts_read_as_people_write_them() {
        assert_eq!(rate_text(243.4), "243");
        assert_eq!(rate_text(12.46), "12.5");
        assert_eq!(rate_text(0.4213), "0.42");
        assert_eq!(duration_text(Duration::from_secs(45)), "45s");
        assert_eq!(duration_text(Duration::from_secs(200)), "3m 20s");
        assert_eq!(duration_text(Duration::from_secs(7_500)), "2h 05m");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(999), "999");
        assert_eq!(
            headline(&counts(10_000, 1_000), Some(250.0)),
            "1,000/10,000 rows · 250 rows/s · ETA 36s"
        );
        assert_eq!(headline(&counts(10_000, 0), None), "0/10,000 rows");
    }

    #[tokio::test(start_paused = true)]
    async fn the_rate_counts_only_this_process_and_needs_a_second() {
        let start = Instant::now();
        let mut rate = Rate::new(500);
        rate.observe(start, 500);
        rate.observe(start + Duration::from_secs(5), 500);
        assert_eq!(rate.per_second(), None, "nothing settled by this process");
        let mut rate = Rate::new(500);
        rate.observe(start, 500);
        rate.observe(start + Duration::from_millis(500), 510);
        assert_eq!(rate.per_second(), None, "less than a second of samples");
        rate.observe(start + Duration::from_secs(2), 540);
        assert_eq!(rate.per_second(), Some(20.0));
        // Only the last half-minute counts: the rate follows a run that slows down.
        rate.observe(start + Duration::from_secs(40), 560);
        rate.observe(start + Duration::from_secs(50), 570);
        assert_eq!(rate.per_second(), Some(1.0));
    }

    /// A shared buffer the lines are written to.
    #[derive(Clone, Default)]
    struct Lines(Arc<Mutex<Vec<u8>>>);

    impl Write for Lines {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[tokio::test(start_paused = true)]
    async fn without_a_terminal_one_plain_line_is_written_every_ten_seconds() {
        let start = Instant::now();
        // 10 rows a second, from the start.
        let source = move || Snapshot {
            counts: counts(1_000, (start.elapsed().as_secs() * 10).min(1_000)),
            paused_for: None,
        };
        let lines = Lines::default();
        let writer = tokio::spawn(plain_lines(source, LINE_EVERY, lines.clone()));
        tokio::time::sleep(Duration::from_secs(35)).await;
        writer.abort();
        let text = String::from_utf8(lines.0.lock().unwrap().clone()).unwrap();
        let written: Vec<&str> = text.lines().collect();
        assert_eq!(written.len(), 3, "{text}");
        assert!(
            written[0].starts_with("100/1,000 rows · 10.0 rows/s · ETA 1m 30s · 100 provisioned"),
            "{text}"
        );
        assert!(
            written[2].starts_with("300/1,000 rows · 10.0 rows/s · ETA 1m 10s"),
            "{text}"
        );
    }
}
