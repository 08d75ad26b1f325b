//! Polling until asynchronous work settles: one loop, driven by a [`WaitPolicy`], shared by
//! subscribers, billing reports and directory synchronisations.
//!
//! The loop reads the status (its "observe" step), stops as soon as the status settles,
//! and otherwise sleeps a jittered, growing delay. Time is tokio's, so a test with a paused
//! clock waits minutes in milliseconds; dropping the future or the stream cancels the wait.

use std::fmt;
use std::future::IntoFuture;
use std::time::Duration;

use futures::future::BoxFuture;
use futures::stream::{self, BoxStream, Stream, StreamExt};
use tokio::time::Instant;
use tracing::Instrument;

use crate::backoff::bounded_jitter;
use crate::client::{Client, Replied};
use crate::error::{Error, Resource, WaitLimit, WaitTimeout};
use crate::requests::path_id;
use crate::tracking::Random;
use crate::validate::ValidationReport;

pub(crate) mod policy;

pub use policy::WaitPolicy;

/// One reading of the status.
#[derive(Clone, Debug)]
pub(crate) struct Observation<T> {
    pub(crate) value: T,
    /// The status as Webex wrote it.
    pub(crate) status: Option<String>,
    /// The work is over (done, failed, or waiting for a person).
    pub(crate) settled: bool,
    pub(crate) tracking_id: Option<String>,
    pub(crate) retry_after: Option<Duration>,
}

/// A resource whose asynchronous work a wait follows; each resource says how to read it
/// and what its status means, and one `observe` serves them all.
pub(crate) trait Watched: Sized + Send + 'static {
    /// Which resource, for errors and spans.
    const RESOURCE: Resource;
    /// The name of its id as a path parameter, for the check of an empty id.
    const ID: &'static str;
    /// Reads it once, retried as the client's policy allows.
    fn read(client: Client, id: String) -> BoxFuture<'static, Replied<Self>>;
    /// Its status as Webex wrote it.
    fn status(&self) -> Option<String>;
    /// Whether the work is over (done, failed, or waiting for a person).
    fn settled(&self) -> bool;
}

/// The observe step of every wait: one read of `T`.
fn observe<T: Watched>(client: Client, id: String) -> Observe<T> {
    Box::new(move || {
        let (client, id) = (client.clone(), id.clone());
        Box::pin(async move {
            let reply = T::read(client, id).await?;
            Ok(Observation {
                status: reply.value.status(),
                settled: reply.value.settled(),
                retry_after: reply.retry_after(),
                tracking_id: Some(reply.tracking_id),
                value: reply.value,
            })
        })
    })
}

/// The observe step: reads the status once.
pub(crate) type Observe<T> =
    Box<dyn FnMut() -> BoxFuture<'static, Result<Observation<T>, Error>> + Send>;

/// Turns the settled reading into what the wait returns.
pub(crate) type Finish<T, O> = fn(Observation<T>) -> Result<O, Error>;

/// The polling loop's state.
pub(crate) struct Poller<T> {
    policy: WaitPolicy,
    random: Random,
    resource: Resource,
    id: String,
    observe: Observe<T>,
    started: Instant,
    polls: u32,
    step: u32,
    primed: bool,
    finished: bool,
    last_status: Option<String>,
    last_emitted: Option<Option<String>>,
    last_tracking: Option<String>,
    last_error: Option<String>,
    retry_after: Option<Duration>,
    span: tracing::Span,
}

impl<T: Send + 'static> Poller<T> {
    pub(crate) fn new(
        policy: WaitPolicy,
        random: Random,
        resource: Resource,
        id: String,
        observe: Observe<T>,
    ) -> Self {
        let span = tracing::info_span!(
            "webex_broadworks.wait",
            resource = %resource,
            id = %id,
            polls = tracing::field::Empty,
            status = tracing::field::Empty,
        );
        Poller {
            policy,
            random,
            resource,
            id,
            observe,
            started: Instant::now(),
            polls: 0,
            step: 0,
            primed: false,
            finished: false,
            last_status: None,
            last_emitted: None,
            last_tracking: None,
            last_error: None,
            retry_after: None,
            span,
        }
    }

    /// Takes a reading made elsewhere (the response that started the work) as the first,
    /// so the loop sleeps before its own first read.
    pub(crate) fn prime(&mut self, status: Option<String>, tracking_id: Option<String>) {
        self.primed = true;
        self.last_status = status;
        self.last_tracking = tracking_id;
    }

    fn timeout(&mut self, limit: WaitLimit) -> Error {
        self.finished = true;
        Error::WaitTimedOut(Box::new(WaitTimeout {
            resource: self.resource,
            id: self.id.clone(),
            limit,
            elapsed: self.started.elapsed(),
            polls: self.polls,
            last_status: self.last_status.clone(),
            last_error: self.last_error.clone(),
            tracking_id: self.last_tracking.clone(),
        }))
    }

    /// The next reading, `None` once the wait is over.
    pub(crate) async fn next(&mut self) -> Option<Result<Observation<T>, Error>> {
        let span = self.span.clone();
        let result = self.next_inner().instrument(span).await;
        self.span.record("polls", self.polls);
        if let Some(status) = &self.last_status {
            self.span.record("status", status.as_str());
        }
        result
    }

    async fn next_inner(&mut self) -> Option<Result<Observation<T>, Error>> {
        if self.finished {
            return None;
        }
        loop {
            if self.primed || self.polls > 0 {
                if self.polls >= self.policy.max_polls {
                    return Some(Err(self.timeout(WaitLimit::Polls)));
                }
                let deadline = self.started + self.policy.max_wait;
                let now = Instant::now();
                if now >= deadline {
                    return Some(Err(self.timeout(WaitLimit::Time)));
                }
                let mut delay = bounded_jitter(
                    &self.random,
                    self.policy.min_delay,
                    self.policy.initial_delay,
                    self.policy.ceiling(now - self.started),
                    self.step,
                );
                self.step = self.step.saturating_add(1);
                if let Some(after) = self.retry_after.take() {
                    delay = delay.max(after);
                }
                // The last poll lands on the deadline rather than giving up short of it.
                delay = delay.min(deadline - now);
                tokio::time::sleep(delay).await;
            }
            self.polls += 1;
            match (self.observe)().await {
                Ok(observation) => {
                    tracing::debug!(poll = self.polls, status = ?observation.status, "observed");
                    self.last_status.clone_from(&observation.status);
                    self.last_tracking.clone_from(&observation.tracking_id);
                    self.last_error = None;
                    self.retry_after = observation.retry_after;
                    if observation.settled {
                        self.finished = true;
                    }
                    return Some(Ok(observation));
                }
                Err(error) if error.is_retryable() => {
                    tracing::debug!(poll = self.polls, error = %error, "poll failed; polling on");
                    self.last_error = Some(error.to_string());
                    if let Some(tracking) = error.tracking_id() {
                        self.last_tracking = Some(tracking.to_string());
                    }
                    self.retry_after = match &error {
                        Error::RateLimited(r) => r.retry_after(),
                        Error::Api(api) => api.retry_after(),
                        _ => None,
                    };
                }
                Err(error) => {
                    self.finished = true;
                    return Some(Err(error));
                }
            }
        }
    }

    /// Polls until the work settles; its last reading.
    pub(crate) async fn wait(mut self) -> Result<Observation<T>, Error> {
        while let Some(reading) = self.next().await {
            let observation = reading?;
            if observation.settled {
                return Ok(observation);
            }
        }
        Err(self.timeout(WaitLimit::Time))
    }

    /// Each reading whose status differs from the one before, ending with the settled one
    /// or an error.
    pub(crate) fn changes(self) -> impl Stream<Item = Result<T, Error>> + Send + 'static {
        stream::unfold(self, |mut poller| async move {
            loop {
                match poller.next().await? {
                    Err(error) => return Some((Err(error), poller)),
                    Ok(observation) => {
                        let changed = poller.last_emitted.as_ref() != Some(&observation.status);
                        if changed || observation.settled {
                            poller.last_emitted = Some(observation.status.clone());
                            return Some((Ok(observation.value), poller));
                        }
                    }
                }
            }
        })
    }
}

/// A wait for asynchronous work. `.await` it for the outcome, or call
/// [`changes`](Wait::changes) for a stream of the status changes as they are seen (for a
/// progress display). Dropping either cancels the wait.
///
/// ```no_run
/// use std::time::Duration;
/// use webex_broadworks::prelude::*;
/// use webex_broadworks::{SubscriberOutcome, WaitPolicy};
///
/// # async fn run(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
/// let policy = WaitPolicy::default().with_max_wait(Duration::from_secs(120));
/// match client.subscribers().wait("Y2lzY29...").with_policy(policy).await? {
///     SubscriberOutcome::Provisioned { person_id, .. } => println!("person {person_id:?}"),
///     SubscriberOutcome::Paused { reason, .. } => println!("{}", reason.what_to_do()),
///     SubscriberOutcome::Failed { errors, .. } => println!("failed: {errors:?}"),
///     _ => {}
/// }
///
/// let mut changes = client.subscribers().wait("Y2lzY29...").changes();
/// while let Some(subscriber) = changes.next().await {
///     println!("now {:?}", subscriber?.status);
/// }
/// # Ok(()) }
/// ```
#[must_use = "a wait does nothing until awaited or streamed"]
pub struct Wait<T, O> {
    client: Client,
    resource: Resource,
    id: String,
    policy: WaitPolicy,
    invalid: Option<ValidationReport>,
    prime: Option<(Option<String>, Option<String>)>,
    observe: fn(Client, String) -> Observe<T>,
    finish: Finish<T, O>,
}

impl<T, O> fmt::Debug for Wait<T, O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Wait")
            .field("resource", &self.resource)
            .field("id", &self.id)
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

impl<T: Send + 'static, O: Send + 'static> Wait<T, O> {
    /// A wait for the `T` with `id`; `finish` turns its settled reading into the outcome.
    pub(crate) fn new(client: Client, id: &str, finish: Finish<T, O>) -> Self
    where
        T: Watched,
    {
        Wait {
            policy: client.wait_policy().clone(),
            client,
            resource: T::RESOURCE,
            id: id.to_string(),
            invalid: path_id(T::ID, id).err(),
            prime: None,
            observe: observe::<T>,
            finish,
        }
    }

    /// Waits with `policy` instead of the client's.
    pub fn with_policy(mut self, policy: WaitPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// Starts from a status already read (by the call that started the work).
    pub(crate) fn primed(mut self, status: Option<String>, tracking_id: Option<String>) -> Self {
        self.prime = Some((status, tracking_id));
        self
    }

    fn poller(self) -> Result<(Poller<T>, Finish<T, O>), Error> {
        if let Some(report) = self.invalid {
            return Err(Error::Validation(report));
        }
        let observe = (self.observe)(self.client.clone(), self.id.clone());
        let mut poller = Poller::new(
            self.policy,
            self.client.random().clone(),
            self.resource,
            self.id,
            observe,
        );
        if let Some((status, tracking_id)) = self.prime {
            poller.prime(status, tracking_id);
        }
        Ok((poller, self.finish))
    }

    /// The resource each time its status is seen to change, ending with the settled one.
    /// A wait that times out ends with [`Error::WaitTimedOut`].
    pub fn changes(self) -> BoxStream<'static, Result<T, Error>> {
        match self.poller() {
            Ok((poller, _)) => poller.changes().boxed(),
            Err(error) => stream::once(async move { Err(error) }).boxed(),
        }
    }
}

impl<T: Send + 'static, O: Send + 'static> IntoFuture for Wait<T, O> {
    type Output = Result<O, Error>;
    type IntoFuture = BoxFuture<'static, Result<O, Error>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            let (poller, finish) = self.poller()?;
            finish(poller.wait().await?)
        })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU32, Ordering};

    use futures::StreamExt;

    use super::*;

    /// A fake resource: the n-th read returns `script[n]` (the last one repeats), and the
    /// instant of every read is recorded.
    fn scripted(
        script: Vec<Result<(&'static str, bool), u16>>,
        reads: Arc<std::sync::Mutex<Vec<Instant>>>,
    ) -> Observe<&'static str> {
        let count = Arc::new(AtomicU32::new(0));
        Box::new(move || {
            let n = count.fetch_add(1, Ordering::SeqCst) as usize;
            reads.lock().unwrap().push(Instant::now());
            let step = script[n.min(script.len() - 1)];
            Box::pin(async move {
                match step {
                    Ok((status, settled)) => Ok(Observation {
                        value: status,
                        status: Some(status.to_string()),
                        settled,
                        tracking_id: Some(format!("T{n}")),
                        retry_after: None,
                    }),
                    Err(code) => Err(api_error(code)),
                }
            })
        })
    }

    fn api_error(status: u16) -> Error {
        Error::Api(Box::new(crate::error::ApiError {
            operation: crate::Operation::GetSubscriber,
            status: reqwest::StatusCode::from_u16(status).unwrap(),
            message: None,
            details: vec![],
            tracking_id: "X".into(),
            retry_after: None,
            attempts: 1,
            unversioned_base: None,
        }))
    }

    fn policy() -> WaitPolicy {
        WaitPolicy::default()
            .with_delays(
                Duration::from_secs(1),
                Duration::from_secs(2),
                Duration::from_secs(8),
            )
            .with_max_wait(Duration::from_secs(60))
    }

    fn poller(policy: WaitPolicy, observe: Observe<&'static str>) -> Poller<&'static str> {
        Poller::new(
            policy,
            Random::new(Some(9)),
            Resource::Subscriber,
            "S1".into(),
            observe,
        )
    }

    #[tokio::test(start_paused = true)]
    async fn polls_until_settled_with_growing_jittered_delays() {
        let reads = Arc::new(std::sync::Mutex::new(Vec::new()));
        let mut script = vec![Ok(("provisioning", false)); 5];
        script.push(Ok(("provisioned", true)));
        let start = Instant::now();
        let observation = poller(policy(), scripted(script, reads.clone()))
            .wait()
            .await
            .unwrap();
        assert_eq!(observation.value, "provisioned");
        let reads = reads.lock().unwrap();
        assert_eq!(reads.len(), 6);
        assert_eq!(reads[0], start, "the first read is immediate");
        for (n, pair) in reads.windows(2).enumerate() {
            let gap = pair[1] - pair[0];
            let ceiling = (Duration::from_secs(2) * 2u32.pow(n as u32)).min(Duration::from_secs(8));
            assert!(
                gap >= Duration::from_secs(1) && gap <= ceiling,
                "gap {n}: {gap:?}"
            );
        }
    }

    /// Settles once `transition` has passed since the wait began.
    fn settles_after(
        transition: Duration,
        start: Instant,
        polls: Arc<AtomicU32>,
    ) -> Observe<&'static str> {
        Box::new(move || {
            polls.fetch_add(1, Ordering::SeqCst);
            let settled = Instant::now() - start >= transition;
            Box::pin(async move {
                let status = if settled {
                    "provisioned"
                } else {
                    "provisioning"
                };
                Ok(Observation {
                    value: status,
                    status: Some(status.to_string()),
                    settled,
                    tracking_id: None,
                    retry_after: None,
                })
            })
        })
    }

    #[tokio::test(start_paused = true)]
    async fn the_default_policy_notices_a_change_within_a_tenth_of_its_time() {
        for seconds in [1, 10, 60, 280] {
            let transition = Duration::from_secs(seconds);
            let polls = Arc::new(AtomicU32::new(0));
            let start = Instant::now();
            let policy = WaitPolicy::default();
            poller(policy, settles_after(transition, start, polls.clone()))
                .wait()
                .await
                .unwrap();
            let late = Instant::now() - start - transition;
            assert!(
                late <= transition / 10 + Duration::from_secs(1),
                "{seconds} s transition noticed {late:?} late"
            );
            assert!(
                polls.load(Ordering::SeqCst) <= 60,
                "{seconds} s: too many polls"
            );
        }
    }

    #[tokio::test(start_paused = true)]
    async fn without_the_elapsed_share_delays_grow_to_the_maximum() {
        let polls = Arc::new(AtomicU32::new(0));
        let start = Instant::now();
        let policy = WaitPolicy::default()
            .with_delays(
                Duration::from_secs(30),
                Duration::from_secs(30),
                Duration::from_secs(30),
            )
            .without_elapsed_share();
        poller(
            policy,
            settles_after(Duration::from_secs(31), start, polls.clone()),
        )
        .wait()
        .await
        .unwrap();
        // Reads at 0, 30 and 60 s: the change at 31 s is seen 29 s late.
        assert_eq!(Instant::now() - start, Duration::from_secs(60));
        assert_eq!(polls.load(Ordering::SeqCst), 3);
    }

    #[tokio::test(start_paused = true)]
    async fn the_last_poll_lands_on_the_deadline() {
        let reads = Arc::new(std::sync::Mutex::new(Vec::new()));
        let policy = WaitPolicy::default()
            .with_delays(
                Duration::from_secs(7),
                Duration::from_secs(7),
                Duration::from_secs(7),
            )
            .with_max_wait(Duration::from_secs(10));
        let start = Instant::now();
        let error = poller(
            policy,
            scripted(vec![Ok(("provisioning", false))], reads.clone()),
        )
        .wait()
        .await
        .unwrap_err();
        let reads = reads.lock().unwrap();
        assert_eq!(
            reads.iter().map(|t| *t - start).collect::<Vec<_>>(),
            [
                Duration::ZERO,
                Duration::from_secs(7),
                Duration::from_secs(10)
            ]
        );
        let Error::WaitTimedOut(timeout) = &error else {
            panic!("{error}")
        };
        assert_eq!(timeout.limit(), WaitLimit::Time);
        assert_eq!(timeout.elapsed(), Duration::from_secs(10));
        assert_eq!(timeout.polls(), 3);
        assert_eq!(timeout.last_status(), Some("provisioning"));
        assert_eq!(timeout.tracking_id(), Some("T2"));
        let message = error.to_string();
        assert!(
            message.contains("10s") && message.contains("3 polls") && message.contains("max_wait"),
            "{message}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn the_poll_cap_ends_the_wait() {
        let reads = Arc::new(std::sync::Mutex::new(Vec::new()));
        let error = poller(
            policy().with_max_polls(3),
            scripted(vec![Ok(("updating", false))], reads.clone()),
        )
        .wait()
        .await
        .unwrap_err();
        let Error::WaitTimedOut(timeout) = error else {
            panic!()
        };
        assert_eq!((timeout.limit(), timeout.polls()), (WaitLimit::Polls, 3));
        assert_eq!(reads.lock().unwrap().len(), 3);
    }

    #[tokio::test(start_paused = true)]
    async fn retry_after_stretches_the_delay_but_not_past_the_deadline() {
        let count = Arc::new(AtomicU32::new(0));
        let reads = Arc::new(std::sync::Mutex::new(Vec::new()));
        let (c, r) = (count.clone(), reads.clone());
        let observe: Observe<&'static str> = Box::new(move || {
            let n = c.fetch_add(1, Ordering::SeqCst);
            r.lock().unwrap().push(Instant::now());
            Box::pin(async move {
                Ok(Observation {
                    value: "IN_PROGRESS",
                    status: Some("IN_PROGRESS".into()),
                    settled: n == 2,
                    tracking_id: None,
                    retry_after: Some(Duration::from_secs(if n == 0 { 20 } else { 500 })),
                })
            })
        });
        let start = Instant::now();
        poller(policy(), observe).wait().await.unwrap();
        let reads = reads.lock().unwrap();
        assert_eq!(
            reads[1] - start,
            Duration::from_secs(20),
            "Retry-After beats the 1-2 s delay"
        );
        assert_eq!(
            reads[2] - start,
            Duration::from_secs(60),
            "clamped to the deadline"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn transient_errors_are_ridden_through_and_others_end_the_wait() {
        let reads = Arc::new(std::sync::Mutex::new(Vec::new()));
        let script = vec![Err(503), Err(429), Ok(("provisioned", true))];
        let observation = poller(policy(), scripted(script, reads.clone()))
            .wait()
            .await
            .unwrap();
        assert_eq!(observation.value, "provisioned");

        let reads = Arc::new(std::sync::Mutex::new(Vec::new()));
        let script = vec![
            Ok(("provisioning", false)),
            Err(404),
            Ok(("provisioned", true)),
        ];
        let error = poller(policy(), scripted(script, reads.clone()))
            .wait()
            .await
            .unwrap_err();
        assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
        assert_eq!(reads.lock().unwrap().len(), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn changes_are_emitted_once_each() {
        let reads = Arc::new(std::sync::Mutex::new(Vec::new()));
        let script = vec![
            Ok(("provisioning", false)),
            Ok(("provisioning", false)),
            Ok(("pending_email_input", false)),
            Ok(("provisioning", false)),
            Ok(("provisioned", true)),
        ];
        let seen: Vec<&str> = poller(policy(), scripted(script, reads))
            .changes()
            .map(Result::unwrap)
            .collect()
            .await;
        assert_eq!(
            seen,
            [
                "provisioning",
                "pending_email_input",
                "provisioning",
                "provisioned"
            ]
        );
    }

    #[tokio::test(start_paused = true)]
    async fn dropping_the_wait_stops_polling() {
        let reads = Arc::new(std::sync::Mutex::new(Vec::new()));
        let wait = poller(
            policy(),
            scripted(vec![Ok(("provisioning", false))], reads.clone()),
        )
        .wait();
        let cut = tokio::time::timeout(Duration::from_secs(5), wait).await;
        assert!(cut.is_err());
        let polls_before = reads.lock().unwrap().len();
        tokio::time::sleep(Duration::from_secs(600)).await;
        assert_eq!(reads.lock().unwrap().len(), polls_before);
    }

    #[tokio::test(start_paused = true)]
    async fn a_primed_wait_sleeps_before_its_first_read() {
        let reads = Arc::new(std::sync::Mutex::new(Vec::new()));
        let mut poller = poller(
            policy(),
            scripted(vec![Ok(("provisioned", true))], reads.clone()),
        );
        poller.prime(Some("provisioning".into()), None);
        let start = Instant::now();
        poller.wait().await.unwrap();
        assert!(reads.lock().unwrap()[0] - start >= Duration::from_secs(1));
    }
}
