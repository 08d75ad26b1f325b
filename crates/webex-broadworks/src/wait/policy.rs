//! [`WaitPolicy`]: how long and how often a wait polls. Plain settings, so that the client
//! can hold one without knowing how a wait runs.

use std::time::Duration;

/// How long and how often a wait polls.
///
/// Between polls the delay is drawn from `[min_delay, ceiling]`, where the ceiling is the
/// smallest of `max_delay`, `initial_delay * 2^n` and `min_delay` plus a share of the time
/// waited so far (10% by default). The delay is then stretched to a `Retry-After` the
/// server sent, and cut so that the last poll lands on the deadline (`max_wait` after the
/// wait began). A wait also stops after `max_polls` reads. A status that needs a person (a
/// paused subscriber) ends the wait at once.
///
/// The share of the time waited bounds how late a wait notices a change: a transition that
/// takes `T` is seen at most `min_delay + share × T` after it happens, whatever `T` is,
/// while a long wait still spaces its polls out.
///
/// ```
/// use std::time::Duration;
/// use webex_broadworks::WaitPolicy;
///
/// let policy = WaitPolicy::default()
///     .with_max_wait(Duration::from_secs(600))
///     .with_delays(Duration::from_secs(1), Duration::from_secs(2), Duration::from_secs(60))
///     .with_max_polls(50);
/// assert_eq!(policy.max_wait(), Duration::from_secs(600));
///
/// // Notice a change at most 1 s plus 5% of its duration late, polling more often.
/// let eager = WaitPolicy::default().with_elapsed_share(5);
/// // Let delays grow to the maximum whatever the time waited: fewer polls, later notice.
/// let patient = WaitPolicy::default().without_elapsed_share();
/// assert_ne!(eager, patient);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WaitPolicy {
    pub(super) min_delay: Duration,
    pub(super) initial_delay: Duration,
    pub(super) max_delay: Duration,
    pub(super) max_wait: Duration,
    pub(super) max_polls: u32,
    /// Each delay is at most this many percent of the time waited so far (`None`: no such
    /// ceiling).
    pub(super) elapsed_share_percent: Option<u32>,
}

impl Default for WaitPolicy {
    /// Delays from 1 s (first ceiling 2 s) up to 30 s and at most 1 s plus 10% of the time
    /// waited so far, 5 minutes in all, at most 100 polls.
    fn default() -> Self {
        WaitPolicy {
            min_delay: Duration::from_secs(1),
            initial_delay: Duration::from_secs(2),
            max_delay: Duration::from_secs(30),
            max_wait: Duration::from_secs(300),
            max_polls: 100,
            elapsed_share_percent: Some(10),
        }
    }
}

impl WaitPolicy {
    /// The delay bounds: never below `min`, growing from `initial`, never above `max`.
    pub fn with_delays(mut self, min: Duration, initial: Duration, max: Duration) -> Self {
        self.min_delay = min;
        self.initial_delay = initial.max(min);
        self.max_delay = max.max(self.initial_delay);
        self
    }

    /// Caps each delay at the minimum delay plus `percent` of the time waited so far: the
    /// wait notices a change at most that share of its duration (plus the minimum delay)
    /// late.
    pub fn with_elapsed_share(mut self, percent: u32) -> Self {
        self.elapsed_share_percent = Some(percent);
        self
    }

    /// Removes the ceiling set by [`with_elapsed_share`](Self::with_elapsed_share): delays
    /// grow up to `max_delay` whatever the time waited.
    pub fn without_elapsed_share(mut self) -> Self {
        self.elapsed_share_percent = None;
        self
    }

    /// The total time a wait may take.
    pub fn with_max_wait(mut self, max_wait: Duration) -> Self {
        self.max_wait = max_wait;
        self
    }

    /// How many times a wait may read the status (at least 1).
    pub fn with_max_polls(mut self, max_polls: u32) -> Self {
        self.max_polls = max_polls.max(1);
        self
    }

    /// The total time a wait may take.
    pub fn max_wait(&self) -> Duration {
        self.max_wait
    }

    /// How many times a wait may read the status.
    pub fn max_polls(&self) -> u32 {
        self.max_polls
    }

    /// The largest delay allowed after waiting `waited`.
    pub(super) fn ceiling(&self, waited: Duration) -> Duration {
        let share = self
            .elapsed_share_percent
            .map_or(self.max_delay, |percent| {
                self.min_delay.saturating_add(waited * percent / 100)
            });
        share.min(self.max_delay).max(self.min_delay)
    }
}
