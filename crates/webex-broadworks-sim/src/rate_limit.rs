//! A per-token token bucket: over the limit, a request is answered 429 with `Retry-After`
//! and never reaches a handler.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

use crate::auth::TokenIndex;

/// How many requests one token may make.
///
/// A token may burst up to the full allowance at once; the allowance then refills evenly
/// over the period.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RateLimit {
    requests: u32,
    period: Duration,
}

impl RateLimit {
    /// `requests` per `period`.
    ///
    /// # Panics
    /// When `requests` is 0 or `period` is zero: such a limit would reject everything.
    pub fn new(requests: u32, period: Duration) -> Self {
        assert!(requests > 0, "a rate limit must allow at least one request");
        assert!(!period.is_zero(), "a rate limit needs a non-zero period");
        RateLimit { requests, period }
    }

    /// `requests` per second.
    pub fn per_second(requests: u32) -> Self {
        RateLimit::new(requests, Duration::from_secs(1))
    }

    /// `requests` per minute.
    pub fn per_minute(requests: u32) -> Self {
        RateLimit::new(requests, Duration::from_secs(60))
    }

    /// The number of requests allowed per period (and the burst size).
    pub fn requests(&self) -> u32 {
        self.requests
    }

    /// The period over which the allowance refills.
    pub fn period(&self) -> Duration {
        self.period
    }

    fn refill_per_second(&self) -> f64 {
        f64::from(self.requests) / self.period.as_secs_f64()
    }
}

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    refilled_at: Instant,
}

/// The buckets of every token under one [`RateLimit`].
#[derive(Debug)]
pub(crate) struct RateLimiter {
    limit: RateLimit,
    buckets: Mutex<HashMap<TokenIndex, Bucket>>,
}

impl RateLimiter {
    pub(crate) fn new(limit: RateLimit) -> Self {
        RateLimiter {
            limit,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one request from `token`'s allowance, or returns the whole seconds to wait
    /// (at least 1) before the next request would be allowed.
    pub(crate) fn acquire(&self, token: TokenIndex, now: Instant) -> Result<(), u64> {
        let capacity = f64::from(self.limit.requests);
        let rate = self.limit.refill_per_second();
        let mut buckets = crate::locked::locked(&self.buckets);
        let bucket = buckets.entry(token).or_insert(Bucket {
            tokens: capacity,
            refilled_at: now,
        });
        let elapsed = now
            .saturating_duration_since(bucket.refilled_at)
            .as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * rate).min(capacity);
        bucket.refilled_at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            let wait = (1.0 - bucket.tokens) / rate;
            // The epsilon keeps float noise (10.000000001 s) from adding a whole second.
            Err(((wait - 1e-6).ceil() as u64).max(1))
        }
    }

    /// Forgets every bucket: all tokens start with a full allowance.
    pub(crate) fn reset(&self) {
        crate::locked::locked(&self.buckets).clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bursts_then_refills_over_the_period() {
        let limiter = RateLimiter::new(RateLimit::per_minute(2));
        let start = Instant::now();
        let token = TokenIndex(0);
        assert_eq!(limiter.acquire(token, start), Ok(()));
        assert_eq!(limiter.acquire(token, start), Ok(()));
        // One request refills every 30 s.
        assert_eq!(limiter.acquire(token, start), Err(30));
        assert_eq!(
            limiter.acquire(token, start + Duration::from_secs(20)),
            Err(10)
        );
        assert_eq!(
            limiter.acquire(token, start + Duration::from_secs(30)),
            Ok(())
        );
        // Another token has its own allowance.
        assert_eq!(limiter.acquire(TokenIndex(1), start), Ok(()));
    }

    #[test]
    fn retry_after_is_at_least_one_second() {
        let limiter = RateLimiter::new(RateLimit::per_second(100));
        let now = Instant::now();
        for _ in 0..100 {
            limiter.acquire(TokenIndex(0), now).unwrap();
        }
        assert_eq!(limiter.acquire(TokenIndex(0), now), Err(1));
    }
}
