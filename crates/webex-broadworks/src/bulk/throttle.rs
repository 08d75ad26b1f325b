//! One gate every request of a bulk run passes: a 429 pauses all workers at once (not
//! only the one that got it) and teaches the run the server's rate (see `learned_rate`), and
//! an optional pace keeps under a known rate.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::time::Instant;

use futures::future::BoxFuture;

use crate::bulk::learned_rate::LearnedRate;
use crate::client::Gate;
use crate::error::Error;

/// The shared pause and pace.
#[derive(Debug)]
pub(crate) struct Throttle {
    state: Mutex<State>,
    interval: Option<Duration>,
    pauses: AtomicU64,
    requests: AtomicU64,
    rate_limited: AtomicU64,
}

#[derive(Debug)]
struct State {
    paused_until: Option<Instant>,
    next_slot: Instant,
    learned: LearnedRate,
}

impl Throttle {
    /// A gate that paces requests to at most `max_rate` a second, if given.
    pub(crate) fn new(max_rate: Option<u32>) -> Self {
        Throttle {
            state: Mutex::new(State {
                paused_until: None,
                next_slot: Instant::now(),
                learned: LearnedRate::default(),
            }),
            interval: max_rate
                .filter(|rate| *rate > 0)
                .map(|rate| Duration::from_secs(1) / rate),
            pauses: AtomicU64::new(0),
            requests: AtomicU64::new(0),
            rate_limited: AtomicU64::new(0),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Waits until no pause is in force and this request's turn in the pace has come.
    pub(crate) async fn ready(&self) {
        let mut admitted = false;
        loop {
            let paused_until = self
                .lock()
                .paused_until
                .filter(|until| *until > Instant::now());
            if let Some(until) = paused_until {
                tokio::time::sleep_until(until).await;
                continue;
            }
            if let Some(interval) = self.interval {
                let slot = {
                    let mut state = self.lock();
                    let slot = state.next_slot.max(Instant::now());
                    state.next_slot = slot + interval;
                    slot
                };
                tokio::time::sleep_until(slot).await;
            }
            if !admitted {
                admitted = true;
                let wait = self.lock().learned.admit(Instant::now());
                if !wait.is_zero() {
                    tokio::time::sleep(wait).await;
                }
            }
            let paused_again = self
                .lock()
                .paused_until
                .is_some_and(|until| until > Instant::now());
            if !paused_again {
                return;
            }
        }
    }

    /// Pauses every worker for `duration` from now (a pause already longer stays), as a
    /// `423 Locked` asks.
    pub(crate) fn pause(&self, duration: Duration) {
        self.pause_locked(&mut self.lock(), duration);
    }

    /// A `429`: pauses every worker for `duration` (the `Retry-After`), and learns from it.
    pub(crate) fn rate_limited(&self, duration: Duration) {
        let mut state = self.lock();
        let new = self.pause_locked(&mut state, duration);
        state
            .learned
            .limited(Instant::now(), new.then_some(duration));
    }

    /// Returns whether a new pause began (none was in force).
    fn pause_locked(&self, state: &mut State, duration: Duration) -> bool {
        let now = Instant::now();
        let until = now + duration;
        let new = state.paused_until.is_none_or(|current| current <= now);
        if new {
            self.pauses.fetch_add(1, Ordering::Relaxed);
        }
        if state.paused_until.is_none_or(|current| current < until) {
            state.paused_until = Some(until);
        }
        new
    }

    /// How long the current pause still lasts, if one is in force.
    pub(crate) fn paused_for(&self) -> Option<Duration> {
        let now = Instant::now();
        self.lock()
            .paused_until
            .filter(|until| *until > now)
            .map(|until| until - now)
    }

    /// How many separate pauses there were.
    pub(crate) fn pauses(&self) -> u64 {
        self.pauses.load(Ordering::Relaxed)
    }

    /// Requests that left through the gate.
    pub(crate) fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    /// Of which answered 429 or 423.
    pub(crate) fn rate_limited_answers(&self) -> u64 {
        self.rate_limited.load(Ordering::Relaxed)
    }
}

impl Gate for Throttle {
    fn ready(&self) -> BoxFuture<'_, ()> {
        Box::pin(Throttle::ready(self))
    }

    /// Holds every worker after a 429 or 423, for its `Retry-After` (1 s without one).
    fn answered(&self, failure: Option<&Error>) {
        self.requests.fetch_add(1, Ordering::Relaxed);
        let Some(api) = failure.and_then(Error::api) else {
            return;
        };
        let pause = api.retry_after().unwrap_or(Duration::from_secs(1));
        match api.status().as_u16() {
            429 => self.rate_limited(pause),
            423 => self.pause(pause),
            _ => return,
        }
        self.rate_limited.fetch_add(1, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_pause_holds_every_waiter_until_it_ends() {
        let throttle = Arc::new(Throttle::new(None));
        throttle.pause(Duration::from_secs(2));
        let start = Instant::now();
        let waiters: Vec<_> = (0..4)
            .map(|_| {
                let throttle = throttle.clone();
                tokio::spawn(async move {
                    throttle.ready().await;
                    Instant::now()
                })
            })
            .collect();
        for waiter in waiters {
            assert!(waiter.await.unwrap() - start >= Duration::from_secs(2));
        }
        assert_eq!(throttle.pauses(), 1);
        assert_eq!(throttle.paused_for(), None);
    }

    #[tokio::test(start_paused = true)]
    async fn overlapping_pauses_count_once_and_keep_the_longest() {
        let throttle = Throttle::new(None);
        throttle.pause(Duration::from_secs(3));
        throttle.pause(Duration::from_secs(1));
        assert_eq!(throttle.pauses(), 1);
        assert_eq!(throttle.paused_for(), Some(Duration::from_secs(3)));
    }

    /// A server's bucket: `capacity` at first, refilled at `rate` a second.
    struct ServerBucket {
        capacity: f64,
        rate: f64,
        tokens: f64,
        at: Instant,
    }

    impl ServerBucket {
        fn take(&mut self) -> bool {
            let now = Instant::now();
            self.tokens =
                (self.tokens + (now - self.at).as_secs_f64() * self.rate).min(self.capacity);
            self.at = now;
            if self.tokens >= 1.0 {
                self.tokens -= 1.0;
                true
            } else {
                false
            }
        }
    }

    /// 8 workers, each request taking 10 ms, send `total` through a bucket of 400 and 400
    /// a second that answers 429 with `Retry-After: 1`. Returns the time taken and the 429s.
    async fn run_through_a_limit(total: u32) -> (Duration, u32) {
        let throttle = Arc::new(Throttle::new(None));
        let server = Arc::new(std::sync::Mutex::new(ServerBucket {
            capacity: 400.0,
            rate: 400.0,
            tokens: 400.0,
            at: Instant::now(),
        }));
        let done = Arc::new(AtomicU64::new(0));
        let limited = Arc::new(AtomicU64::new(0));
        let start = Instant::now();
        let workers: Vec<_> = (0..8)
            .map(|_| {
                let (throttle, server) = (throttle.clone(), server.clone());
                let (done, limited) = (done.clone(), limited.clone());
                tokio::spawn(async move {
                    while done.load(Ordering::SeqCst) < u64::from(total) {
                        throttle.ready().await;
                        tokio::time::sleep(Duration::from_millis(10)).await;
                        if server.lock().unwrap().take() {
                            done.fetch_add(1, Ordering::SeqCst);
                        } else {
                            limited.fetch_add(1, Ordering::SeqCst);
                            throttle.rate_limited(Duration::from_secs(1));
                        }
                    }
                })
            })
            .collect();
        for worker in workers {
            worker.await.unwrap();
        }
        let limited = u32::try_from(limited.load(Ordering::SeqCst)).unwrap();
        (Instant::now() - start, limited)
    }

    #[tokio::test(start_paused = true)]
    async fn after_one_429_the_run_keeps_to_the_limit_it_learned() {
        // At 800 a second the bucket is empty after 1 s; the limit allows 2,000 requests in
        // 4 s in all. Pausing and bursting again would take 4.5 s and a second pause.
        let (took, limited) = run_through_a_limit(2_000).await;
        assert!(took <= Duration::from_millis(4_150), "{took:?}");
        assert!(
            limited <= 8,
            "{limited} answered 429: one burst of those in flight"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn the_pace_spreads_requests_evenly() {
        let throttle = Throttle::new(Some(10));
        let start = Instant::now();
        for _ in 0..5 {
            throttle.ready().await;
        }
        // The first goes at once, the next four 100 ms apart.
        assert_eq!(Instant::now() - start, Duration::from_millis(400));
    }
}
