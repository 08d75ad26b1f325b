//! One gate every request of a bulk run passes: a 429 pauses all workers at once (not
//! only the one that got it), and an optional pace keeps under a known rate.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::time::Instant;

/// The shared pause and pace.
#[derive(Debug)]
pub struct Throttle {
    state: Mutex<State>,
    interval: Option<Duration>,
    pauses: AtomicU64,
}

#[derive(Debug)]
struct State {
    paused_until: Option<Instant>,
    next_slot: Instant,
}

impl Throttle {
    /// A gate that paces requests to at most `max_rate` a second, if given.
    pub fn new(max_rate: Option<u32>) -> Self {
        Throttle {
            state: Mutex::new(State {
                paused_until: None,
                next_slot: Instant::now(),
            }),
            interval: max_rate
                .filter(|rate| *rate > 0)
                .map(|rate| Duration::from_secs(1) / rate),
            pauses: AtomicU64::new(0),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Waits until no pause is in force and this request's turn in the pace has come.
    pub async fn ready(&self) {
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
            let paused_again = self
                .lock()
                .paused_until
                .is_some_and(|until| until > Instant::now());
            if !paused_again {
                return;
            }
        }
    }

    /// Pauses every worker for `duration` from now (a pause already longer stays).
    pub fn pause(&self, duration: Duration) {
        let until = Instant::now() + duration;
        let mut state = self.lock();
        if state.paused_until.is_none_or(|current| current < until) {
            if state
                .paused_until
                .is_none_or(|current| current <= Instant::now())
            {
                self.pauses.fetch_add(1, Ordering::Relaxed);
            }
            state.paused_until = Some(until);
        }
    }

    /// How long the current pause still lasts, if one is in force.
    pub fn paused_for(&self) -> Option<Duration> {
        let now = Instant::now();
        self.lock()
            .paused_until
            .filter(|until| *until > now)
            .map(|until| until - now)
    }

    /// How many separate pauses there were.
    pub fn pauses(&self) -> u64 {
        self.pauses.load(Ordering::Relaxed)
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
