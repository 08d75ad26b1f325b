//! The server's rate limit, learned from its 429s, as a pace that spends what the limit
//! allows without tripping it again.
//!
//! Webex limits each token with a bucket: a burst, then a steady rate. A run that only pauses
//! on 429 bursts after every pause, empties the bucket and is paused again, losing most of a
//! pause each time. After the first 429 the run knows roughly how fast it may go: everything
//! admitted since its first request came from the bucket's initial burst plus its refill. Its
//! size is unknown, so the first estimate assumes it holds one second of requests. From then
//! on the run keeps its own bucket: the tokens the server's bucket gains during the pause,
//! then the learned rate. Should the estimate be too high, the next 429 measures the rate
//! exactly (the server's bucket was empty at both 429s, so everything admitted in between is
//! refill); should it be too low, the pace creeps up by 1% a second until a 429 says where the
//! limit is. The server's bucket holds at most its burst, however long the pause: a 429 that
//! comes while the tokens of a pause are still being spent shows that they were more than
//! the bucket held, and the next pause gives half as many.

use std::time::Duration;

use tokio::time::Instant;

/// The share of the learned rate the run uses, so that timing noise does not trip the limit.
const HEADROOM: f64 = 0.98;

/// How fast the pace grows while no 429 arrives, per second, and how far.
const PROBE_PER_SECOND: f64 = 0.01;
const PROBE_LIMIT: f64 = 2.0;

/// What a run has learned of the server's limit.
#[derive(Debug, Default)]
pub(crate) struct LearnedRate {
    /// Since when `sent` and `limited` count: the first request, then each new 429 pause.
    window_start: Option<Instant>,
    sent: u64,
    limited: u64,
    /// How many 429 pauses taught something.
    lessons: u32,
    pace: Option<Pace>,
}

/// A client-side bucket at the learned rate.
#[derive(Debug)]
struct Pace {
    rate: f64,
    capacity: f64,
    tokens: f64,
    /// When `tokens` was last brought up to date (the end of the pause at first).
    at: Instant,
    /// When the pace began, for the probing growth.
    since: Instant,
    /// The most tokens a pause gives (the server's burst, as far as known).
    burst: f64,
}

impl Pace {
    fn rate_at(&self, now: Instant) -> f64 {
        let grown = now.saturating_duration_since(self.since).as_secs_f64() * PROBE_PER_SECOND;
        self.rate * (1.0 + grown).min(PROBE_LIMIT)
    }
}

impl LearnedRate {
    /// A request is about to go out at `now`: how long it must wait for its turn.
    pub(crate) fn admit(&mut self, now: Instant) -> Duration {
        self.window_start.get_or_insert(now);
        self.sent += 1;
        let Some(pace) = &mut self.pace else {
            return Duration::ZERO;
        };
        let rate = pace.rate_at(now);
        if now > pace.at {
            let gained = (now - pace.at).as_secs_f64() * rate;
            pace.tokens = (pace.tokens + gained).min(pace.capacity);
            pace.at = now;
        }
        // A reservation: tokens may go below zero, and the request waits until its own
        // token would have arrived.
        pace.tokens -= 1.0;
        if pace.tokens >= 0.0 {
            Duration::ZERO
        } else {
            Duration::from_secs_f64(-pace.tokens / rate)
        }
    }

    /// A 429 arrived at `now`. `pause`: the pause that begins, when no pause was in force
    /// yet (the first 429 of a burst teaches; the others only count).
    pub(crate) fn limited(&mut self, now: Instant, pause: Option<Duration>) {
        self.limited += 1;
        let (Some(pause), Some(start)) = (pause, self.window_start) else {
            return;
        };
        let admitted = self.sent.saturating_sub(self.limited) as f64;
        let window = now.saturating_duration_since(start).as_secs_f64();
        let seconds = if self.lessons == 0 {
            window + 1.0
        } else {
            window
        };
        if admitted >= 1.0 && seconds > 0.0 {
            let rate = admitted / seconds * HEADROOM;
            let refill = (rate * pause.as_secs_f64()).max(1.0);
            // A 429 while the last pause's tokens were still being spent: they overshot.
            let burst = match &self.pace {
                Some(last)
                    if now < last.since + Duration::from_secs_f64(last.capacity / last.rate) =>
                {
                    (last.capacity / 2.0).max(1.0)
                }
                Some(last) => last.burst,
                None => f64::INFINITY,
            };
            let tokens = refill.min(burst);
            let resume = now + pause;
            self.pace = Some(Pace {
                rate,
                capacity: tokens,
                tokens,
                at: resume,
                since: resume,
                burst,
            });
            self.lessons += 1;
        }
        self.window_start = Some(now);
        self.sent = 0;
        self.limited = 0;
    }

    /// The pace in requests a second at `now`, once one was learned.
    #[cfg(test)]
    fn rate(&self, now: Instant) -> Option<f64> {
        self.pace.as_ref().map(|pace| pace.rate_at(now))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn the_first_lesson_assumes_a_bucket_of_one_second() {
        let start = Instant::now();
        let mut learned = LearnedRate::default();
        // 800 admitted in the first second, then a 429: a bucket of 400 and 400 a second.
        for n in 0..800u32 {
            learned.admit(start + Duration::from_micros(1_250) * n);
        }
        let at = start + Duration::from_secs(1);
        learned.admit(at);
        learned.limited(at, Some(Duration::from_secs(1)));
        let rate = learned.rate(at + Duration::from_secs(1)).unwrap();
        assert!((rate - 400.0 * HEADROOM).abs() < 1.0, "{rate}");
        // After the pause: the tokens the pause gave, at once, then the rate.
        let resume = at + Duration::from_secs(1);
        let waits: Vec<Duration> = (0..400).map(|_| learned.admit(resume)).collect();
        assert!(waits[..390].iter().all(Duration::is_zero));
        assert!(waits[399] > Duration::ZERO && waits[399] < Duration::from_millis(50));
    }

    #[tokio::test(start_paused = true)]
    async fn a_later_lesson_measures_the_refill_between_two_limits() {
        let start = Instant::now();
        let mut learned = LearnedRate::default();
        for _ in 0..=400 {
            learned.admit(start);
        }
        learned.limited(start, Some(Duration::from_secs(1)));
        // 300 admitted over the 2 s between the two 429s: 150 a second.
        for n in 0..300u32 {
            learned.admit(start + Duration::from_secs(1) + Duration::from_millis(3) * n);
        }
        let second = start + Duration::from_secs(2);
        learned.admit(second);
        learned.limited(second, Some(Duration::from_secs(1)));
        let rate = learned.rate(second + Duration::from_secs(1)).unwrap();
        assert!((rate - 150.0 * HEADROOM).abs() < 1.0, "{rate}");
        // Ten seconds without a 429: 10% faster.
        let later = learned.rate(second + Duration::from_secs(11)).unwrap();
        assert!((later / rate - 1.10).abs() < 0.001, "{later}");
    }

    #[tokio::test(start_paused = true)]
    async fn the_429s_of_one_burst_teach_once() {
        let start = Instant::now();
        let mut learned = LearnedRate::default();
        for _ in 0..10 {
            learned.admit(start);
        }
        learned.limited(start, Some(Duration::from_secs(1)));
        let rate = learned.rate(start).unwrap();
        learned.limited(start, None);
        learned.limited(start, None);
        assert_eq!(learned.rate(start), Some(rate));
    }

    #[tokio::test(start_paused = true)]
    async fn a_429_while_a_pause_is_spent_halves_the_next_burst() {
        let start = Instant::now();
        let mut learned = LearnedRate::default();
        for n in 0..20u32 {
            learned.admit(start + Duration::from_millis(50) * n);
        }
        let first = start + Duration::from_secs(1);
        learned.limited(first, Some(Duration::from_secs(1)));
        let resume = first + Duration::from_secs(1);
        let burst = (0..40)
            .take_while(|_| learned.admit(resume).is_zero())
            .count();
        assert!(burst >= 9, "{burst}");
        // The server's bucket held less than the pause gave: a 429 at once.
        learned.limited(resume, Some(Duration::from_secs(1)));
        let again = resume + Duration::from_secs(1);
        let next = (0..40)
            .take_while(|_| learned.admit(again).is_zero())
            .count();
        assert!(next * 2 <= burst + 1, "{next} after {burst}");
    }
}
