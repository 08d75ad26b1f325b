//! When a failed request is sent again: the policy, the shared budget, the loop.

use std::future::Future;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

use crate::backoff::{clamp_retry_after, full_jitter};
use crate::error::{Error, Failure, RateLimited};
use crate::operation::{Operation, Replay};
use crate::tracking::Random;

/// How long a lookup allows a list to lag behind a write, unless the policy says otherwise.
const DEFAULT_LOOKUP_LAG: Duration = Duration::from_secs(3);

/// How failed requests are sent again.
///
/// Requests are retried on `429`, `423`, `502`, `503`, `504` and failed connections (and,
/// for calls that are safe to repeat, on timeouts, broken connections and answers that do
/// not decode), with full jitter, until `max_attempts` requests were made or `max_elapsed`
/// would be passed.
/// A `Retry-After` is honoured, held within `[min_retry_after, max_retry_after]`. Every
/// retry of a client also takes a token from one shared budget, so that an outage does not
/// turn into a storm of retries.
///
/// Operations that may do their work twice (provisioning, creating a billing report, the
/// consent e-mail) are only retried when Webex cannot have acted on them; provisioning a
/// subscriber reconciles instead (see [`Subscribers::provision`](crate::Subscribers::provision)).
///
/// ```
/// use std::time::Duration;
/// use webex_broadworks::RetryPolicy;
///
/// let policy = RetryPolicy::default()
///     .with_max_attempts(6)
///     .with_max_elapsed(Duration::from_secs(120))
///     .with_budget(50, 5.0);
/// assert_eq!(policy.max_attempts(), 6);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct RetryPolicy {
    max_attempts: u32,
    max_elapsed: Duration,
    initial_backoff: Duration,
    max_backoff: Duration,
    min_retry_after: Duration,
    max_retry_after: Duration,
    budget_capacity: u32,
    budget_refill_per_second: f64,
    lookup_lag: Duration,
}

impl Default for RetryPolicy {
    /// 4 attempts within 60 s, backoff from 250 ms to 20 s, `Retry-After` held to 1-60 s,
    /// a budget of 20 retries refilled at 1 per second, lookups that allow 3 s of list lag.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            max_elapsed: Duration::from_secs(60),
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(20),
            min_retry_after: Duration::from_secs(1),
            max_retry_after: Duration::from_secs(60),
            budget_capacity: 20,
            budget_refill_per_second: 1.0,
            lookup_lag: DEFAULT_LOOKUP_LAG,
        }
    }
}

impl RetryPolicy {
    /// No retries: every call makes one request.
    pub fn never() -> Self {
        RetryPolicy::default().with_max_attempts(1)
    }

    /// How many requests one call may make, the first included (at least 1).
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// No retry starts once this much time has passed since the first request.
    pub fn with_max_elapsed(mut self, elapsed: Duration) -> Self {
        self.max_elapsed = elapsed;
        self
    }

    /// The backoff before the n-th retry is drawn from `[0, min(max, initial * 2^n)]`.
    pub fn with_backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max.max(initial);
        self
    }

    /// A `Retry-After` is honoured within `[min, max]`.
    pub fn with_retry_after_bounds(mut self, min: Duration, max: Duration) -> Self {
        self.min_retry_after = min;
        self.max_retry_after = max.max(min);
        self
    }

    /// The budget shared by every call of a client: at most `capacity` retries at once,
    /// refilled at `refill_per_second`.
    pub fn with_budget(mut self, capacity: u32, refill_per_second: f64) -> Self {
        self.budget_capacity = capacity;
        self.budget_refill_per_second = refill_per_second.max(0.0);
        self
    }

    /// How long a lookup after an unknown outcome keeps looking before it concludes that
    /// Webex did not act: a list can show a write a little after it was made (3 s by
    /// default). "Not there" is believed only from a look *sent* once this allowance has
    /// passed (a slow answer may describe the list as it was when asked); only then is a
    /// provisioning sent again. The batch engine waits out the same allowance.
    pub fn with_lookup_lag(mut self, lag: Duration) -> Self {
        self.lookup_lag = lag;
        self
    }

    /// The list lag a lookup allows for.
    pub fn lookup_lag(&self) -> Duration {
        self.lookup_lag
    }

    /// How many requests one call may make.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The time after which no retry starts.
    pub fn max_elapsed(&self) -> Duration {
        self.max_elapsed
    }

    pub(crate) fn budget(&self) -> RetryBudget {
        RetryBudget::new(self.budget_capacity, self.budget_refill_per_second)
    }
}

/// A token bucket of retries shared by all the calls of one client.
#[derive(Debug)]
pub(crate) struct RetryBudget {
    capacity: f64,
    refill_per_second: f64,
    state: Mutex<(f64, Instant)>,
}

impl RetryBudget {
    fn new(capacity: u32, refill_per_second: f64) -> Self {
        RetryBudget {
            capacity: f64::from(capacity),
            refill_per_second,
            state: Mutex::new((f64::from(capacity), Instant::now())),
        }
    }

    /// Takes one retry from the budget, if one is left.
    pub(crate) fn try_withdraw(&self) -> bool {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let now = Instant::now();
        let refill = now.duration_since(state.1).as_secs_f64() * self.refill_per_second;
        state.0 = (state.0 + refill).min(self.capacity);
        state.1 = now;
        if state.0 >= 1.0 {
            state.0 -= 1.0;
            true
        } else {
            false
        }
    }
}

/// The shared pieces a retry loop needs.
#[derive(Clone, Copy)]
pub(crate) struct RetryContext<'a> {
    pub(crate) policy: &'a RetryPolicy,
    pub(crate) budget: &'a RetryBudget,
    pub(crate) random: &'a Random,
    /// Asked for a new token once per call after a 401.
    pub(crate) tokens: &'a dyn crate::auth::TokenProvider,
}

impl std::fmt::Debug for RetryContext<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The token provider is left out: it may hold credentials.
        f.debug_struct("RetryContext")
            .field("policy", self.policy)
            .field("budget", self.budget)
            .finish_non_exhaustive()
    }
}

/// The state of one call's retries.
#[derive(Debug)]
pub(crate) struct Retrier<'a> {
    context: RetryContext<'a>,
    operation: Operation,
    started: Instant,
    attempts: u32,
    may_have_acted: bool,
    /// The token was refreshed after a 401 already.
    refreshed: bool,
}

/// A call that failed for good.
#[derive(Debug)]
pub(crate) struct GaveUp {
    pub(crate) error: Error,
    /// Some failed attempt may have been acted on by Webex.
    pub(crate) may_have_acted: bool,
}

impl<'a> Retrier<'a> {
    pub(crate) fn new(context: RetryContext<'a>, operation: Operation) -> Self {
        Retrier {
            context,
            operation,
            started: Instant::now(),
            attempts: 0,
            may_have_acted: false,
            refreshed: false,
        }
    }

    /// After a 401: whether the provider has a new token to send the request once more with
    /// (asked once per call). A refused request was not processed, so resending it is safe
    /// whatever the operation.
    pub(crate) async fn refreshed_after(&mut self, error: &Error) -> bool {
        if self.refreshed || error.status() != Some(reqwest::StatusCode::UNAUTHORIZED) {
            return false;
        }
        self.refreshed = true;
        let fresh = self.context.tokens.refresh().await;
        if fresh {
            tracing::info!(operation = %self.operation, "the token was refused; sending once more with a fresh one");
        }
        fresh
    }

    /// Counts a new attempt; returns its number, from 1.
    pub(crate) fn begin(&mut self) -> u32 {
        self.attempts += 1;
        self.attempts
    }

    /// After `error`: how long to wait before the next attempt, or `None` to give up.
    /// `replay` says what the operation allows (see [`Operation`]).
    pub(crate) fn decide(&mut self, error: &Error, replay: Replay) -> Option<Duration> {
        let failure = error.failure();
        if let Failure::MayHaveActed { .. } | Failure::Acted = failure {
            self.may_have_acted = true;
        }
        let allowed = match failure {
            Failure::NotProcessed => true,
            Failure::MayHaveActed { transient } => transient && replay == Replay::Safe,
            Failure::Acted => replay == Replay::Safe,
            Failure::Final => false,
        };
        if !allowed {
            return None;
        }
        self.delay_before_next(error)
    }

    /// Whether another attempt fits the policy and the budget; if so, the delay before it.
    pub(crate) fn delay_before_next(&mut self, error: &Error) -> Option<Duration> {
        let policy = self.context.policy;
        if self.attempts >= policy.max_attempts {
            tracing::debug!(operation = %self.operation, attempts = self.attempts, "giving up: attempts used");
            return None;
        }
        let retry_after = match error {
            Error::Api(api) => api.retry_after(),
            _ => None,
        };
        let delay = match retry_after {
            Some(after) => clamp_retry_after(after, policy.min_retry_after, policy.max_retry_after),
            None => full_jitter(
                self.context.random,
                policy.initial_backoff,
                policy.max_backoff,
                self.attempts - 1,
            ),
        };
        if self.started.elapsed() + delay > policy.max_elapsed {
            tracing::debug!(operation = %self.operation, "giving up: the next retry would pass max_elapsed");
            return None;
        }
        if !self.context.budget.try_withdraw() {
            tracing::warn!(operation = %self.operation, "giving up: the client's retry budget is spent");
            return None;
        }
        tracing::debug!(
            operation = %self.operation,
            attempt = self.attempts,
            delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
            "retrying"
        );
        Some(delay)
    }

    /// A short jittered pause, as before a retry, without using an attempt or the budget.
    pub(crate) fn settle_delay(&self) -> Duration {
        let policy = self.context.policy;
        full_jitter(
            self.context.random,
            policy.initial_backoff,
            policy.max_backoff,
            self.attempts.saturating_sub(1),
        )
    }

    /// The error to report: with the attempt count, a 429 as [`Error::RateLimited`].
    pub(crate) fn give_up(self, error: Error) -> GaveUp {
        let attempts = self.attempts;
        let error = match error {
            Error::Api(api) if api.status().as_u16() == 429 => {
                Error::RateLimited(Box::new(RateLimited {
                    operation: api.operation,
                    retry_after: api.retry_after,
                    attempts,
                    tracking_id: api.tracking_id,
                }))
            }
            Error::Api(mut api) => {
                api.attempts = attempts;
                Error::Api(api)
            }
            Error::Transport(mut t) => {
                t.attempts = attempts;
                Error::Transport(t)
            }
            Error::Timeout(mut t) => {
                t.attempts = attempts;
                Error::Timeout(t)
            }
            other => other,
        };
        GaveUp {
            error,
            may_have_acted: self.may_have_acted,
        }
    }
}

/// What a look at Webex's state found after an attempt that may have been acted on.
#[derive(Debug)]
pub(crate) enum Reconciled<T> {
    /// Webex had acted: this is the call's result.
    Found(T),
    /// Webex had not acted, so sending again cannot do the work twice.
    Absent,
    /// The look failed too: the outcome stays unknown, and nothing is sent again.
    Unknown,
}

/// The reconcile hook of a call that does not look.
type NoLook<T> = fn(&Error) -> std::future::Ready<Reconciled<T>>;

/// Runs `attempt` (given the attempt number) until it succeeds or the policy gives up.
pub(crate) async fn run<T, F, Fut>(
    context: RetryContext<'_>,
    operation: Operation,
    attempt: F,
) -> Result<T, GaveUp>
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = Result<T, Error>>,
{
    run_reconciling(context, operation, attempt, None::<NoLook<T>>).await
}

/// As [`run`], with a look at Webex's state after every failure that may have been acted on
/// (a timeout, a 5xx, a lost answer): `reconcile`, when given, decides whether the call has
/// its result, may be sent again, or must stop with its outcome unknown; without it the
/// operation's [`Replay`] decides. The one retry loop of the crate.
pub(crate) async fn run_reconciling<T, F, Fut, R, RFut>(
    context: RetryContext<'_>,
    operation: Operation,
    mut attempt: F,
    mut reconcile: Option<R>,
) -> Result<T, GaveUp>
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = Result<T, Error>>,
    R: FnMut(&Error) -> RFut,
    RFut: Future<Output = Reconciled<T>>,
{
    let mut retrier = Retrier::new(context, operation);
    loop {
        let number = retrier.begin();
        let error = match attempt(number).await {
            Ok(value) => return Ok(value),
            Err(error) => error,
        };
        let delay = match (error.failure(), reconcile.as_mut()) {
            // Webex acted: look, to give the caller what it made, but never send again.
            (Failure::Acted, Some(reconcile)) => {
                retrier.may_have_acted = true;
                tokio::time::sleep(retrier.settle_delay()).await;
                match reconcile(&error).await {
                    Reconciled::Found(value) => return Ok(value),
                    Reconciled::Absent | Reconciled::Unknown => None,
                }
            }
            (Failure::MayHaveActed { transient }, Some(reconcile)) => {
                // Give a write that did land the time to show, then look.
                tokio::time::sleep(retrier.settle_delay()).await;
                match reconcile(&error).await {
                    Reconciled::Found(value) => return Ok(value),
                    Reconciled::Absent if transient => {
                        retrier.may_have_acted = true;
                        retrier.delay_before_next(&error)
                    }
                    Reconciled::Absent | Reconciled::Unknown => {
                        retrier.may_have_acted = true;
                        None
                    }
                }
            }
            _ if retrier.refreshed_after(&error).await => Some(Duration::ZERO),
            _ => retrier.decide(&error, operation.replay()),
        };
        match delay {
            Some(delay) => tokio::time::sleep(delay).await,
            None => return Err(retrier.give_up(error)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn the_budget_empties_and_refills_with_time() {
        let budget = RetryPolicy::default().with_budget(2, 0.5).budget();
        assert!(budget.try_withdraw());
        assert!(budget.try_withdraw());
        assert!(!budget.try_withdraw());
        tokio::time::advance(Duration::from_secs(1)).await;
        assert!(!budget.try_withdraw(), "half a token after one second");
        tokio::time::advance(Duration::from_secs(1)).await;
        assert!(budget.try_withdraw());
        tokio::time::advance(Duration::from_secs(3600)).await;
        assert!(budget.try_withdraw() && budget.try_withdraw() && !budget.try_withdraw());
    }
}
