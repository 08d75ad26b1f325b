//! The public handle: a builder, the running simulator, and in-process access to its state.

use std::collections::BTreeMap;
use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use webex_broadworks_api::types;
use webex_broadworks_api::wire::SubscriberStatus;

use crate::admin::counts_by_operation;
use crate::app::{App, AppParts};
use crate::auth::{ScopeSet, TokenTable};
use crate::clock::SimClock;
use crate::faults::FaultPlan;
use crate::fixture::{self, Fixture, FixtureError};
use crate::middleware::API_PREFIX;
use crate::monitor::RequestRecord;
use crate::operation::Operation;
use crate::outcome::{Outcome, OutcomeRule};
use crate::rate_limit::{RateLimit, RateLimiter};
use crate::state::{StoreSettings, Timing};
use crate::{routes, server, views};

/// Why the simulator could not start, or refused an in-process request.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SimError {
    /// The port could not be bound.
    #[error("cannot listen on 127.0.0.1:{port}")]
    Bind {
        /// The port asked for (0 for any).
        port: u16,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The seed fixture could not be applied.
    #[error("the seed fixture cannot be used")]
    Fixture(#[from] FixtureError),
    /// A fault fraction is out of range, or an operation's fractions add up past 1.
    #[error("the fault plan is invalid: {0}")]
    FaultPlan(String),
    /// No subscriber has this id.
    #[error("no subscriber has the id {id}")]
    UnknownSubscriber {
        /// The id asked for.
        id: String,
    },
    /// The subscriber is not in a `pending_*` status.
    #[error("subscriber {id} is {status}, not waiting for the end user")]
    NotPending {
        /// The subscriber.
        id: String,
        /// Its status.
        status: SubscriberStatus,
    },
}

/// How long a request may take to arrive unless [`SimulatorBuilder::read_timeout`] says
/// otherwise.
const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// Configures and starts a [`Simulator`]; from [`Simulator::builder`].
pub struct SimulatorBuilder {
    tokens: Vec<(String, ScopeSet)>,
    timing: Timing,
    rate_limit: Option<RateLimit>,
    faults: FaultPlan,
    seed: Fixture,
    rules: Vec<OutcomeRule>,
    port: u16,
    start_time: Option<DateTime<Utc>>,
    id_seed: u64,
    request_log_capacity: usize,
    read_timeout: Option<Duration>,
}

impl fmt::Debug for SimulatorBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SimulatorBuilder")
            .field("tokens", &self.tokens.len())
            .field("timing", &self.timing)
            .field("rate_limit", &self.rate_limit)
            .field("faults", &self.faults)
            .field("rules", &self.rules)
            .field("port", &self.port)
            .finish_non_exhaustive()
    }
}

impl SimulatorBuilder {
    fn new() -> Self {
        SimulatorBuilder {
            tokens: Vec::new(),
            timing: Timing::default(),
            rate_limit: None,
            faults: FaultPlan::none(),
            seed: Fixture::default(),
            rules: Vec::new(),
            port: 0,
            start_time: None,
            id_seed: 0,
            request_log_capacity: 10_000,
            read_timeout: Some(DEFAULT_READ_TIMEOUT),
        }
    }

    /// Accepts `Authorization: Bearer <token>` with `scopes` (e.g. [`crate::Scope::all()`],
    /// one [`crate::Scope`], or an array of them). May be called for several tokens; with
    /// none configured, `sim-token` with every scope is accepted.
    pub fn token(mut self, token: impl Into<String>, scopes: impl Into<ScopeSet>) -> Self {
        self.tokens.push((token.into(), scopes.into()));
        self
    }

    /// How long a new subscriber stays `provisioning` (default 2 s).
    pub fn provisioning_delay(mut self, delay: Duration) -> Self {
        self.timing.provisioning = delay;
        self
    }

    /// How long an update keeps a subscriber `updating` (default 1 s).
    pub fn update_delay(mut self, delay: Duration) -> Self {
        self.timing.update = delay;
        self
    }

    /// How long a directory synchronisation stays `IN_PROGRESS` (default 3 s).
    pub fn directory_sync_duration(mut self, duration: Duration) -> Self {
        self.timing.directory_sync = duration;
        self
    }

    /// How long a billing report stays `IN_PROGRESS` (default 5 s).
    pub fn billing_report_delay(mut self, delay: Duration) -> Self {
        self.timing.billing_report = delay;
        self
    }

    /// Limits each token's requests (default: no limit). Over it: 429 with `Retry-After`,
    /// and the request is not processed.
    pub fn rate_limit(mut self, limit: RateLimit) -> Self {
        self.rate_limit = Some(limit);
        self
    }

    /// The faults to inject (default: none). Can be changed later with
    /// [`SimState::set_faults`].
    pub fn faults(mut self, plan: FaultPlan) -> Self {
        self.faults = plan;
        self
    }

    /// Seed data; several calls add up. [`SimState::reset`] returns to it.
    pub fn seed(mut self, fixture: Fixture) -> Self {
        self.seed.merge(fixture);
        self
    }

    /// Ends the provisioning of new subscribers whose userId matches `user_id` (exact, or a
    /// pattern with `*`) in `outcome`. The first matching rule wins; without one a
    /// subscriber is `provisioned`, and a userId already mapped always ends in `error` 10022.
    pub fn outcome(mut self, user_id: impl Into<String>, outcome: Outcome) -> Self {
        self.rules.push(OutcomeRule::new(user_id, outcome));
        self
    }

    /// Listens on 127.0.0.1:`port` instead of a free port.
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// What the simulator's clock reads at start (default: the wall clock). Timestamps then
    /// advance with tokio time.
    pub fn start_time(mut self, start: DateTime<Utc>) -> Self {
        self.start_time = Some(start);
        self
    }

    /// Seeds the identifiers the simulator hands out (default 0): the same seed and the same
    /// requests give the same ids.
    pub fn id_seed(mut self, seed: u64) -> Self {
        self.id_seed = seed;
        self
    }

    /// How many requests the request log keeps, the oldest forgotten first (default 10 000).
    pub fn request_log_capacity(mut self, capacity: usize) -> Self {
        self.request_log_capacity = capacity;
        self
    }

    /// How long a request may take to arrive, head and body (30 s by default): a client that
    /// sends part of a request and stops has its connection closed (while the head is
    /// awaited, which also ends connections idle that long) or is answered 408 (while the
    /// body is). Tokio time, so a paused clock runs it too. `None`: wait for ever.
    pub fn read_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.read_timeout = timeout;
        self
    }

    /// Binds 127.0.0.1, applies the seed data and starts serving on the current tokio
    /// runtime.
    pub async fn start(self) -> Result<Simulator, SimError> {
        self.faults.validate().map_err(SimError::FaultPlan)?;
        let port = self.port;
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port))
            .await
            .map_err(|source| SimError::Bind { port, source })?;
        let addr = listener
            .local_addr()
            .map_err(|source| SimError::Bind { port, source })?;
        let root = format!("http://{addr}");
        let token_count = self.tokens.len();
        let app = App::new(AppParts {
            settings: StoreSettings {
                timing: self.timing,
                rules: self.rules,
                id_seed: self.id_seed,
                download_base: format!("{root}/_sim/downloads"),
            },
            seed: self.seed,
            clock: SimClock::new(self.start_time.unwrap_or_else(Utc::now)),
            tokens: TokenTable::new(self.tokens),
            token_count,
            rate_limiter: self.rate_limit.map(RateLimiter::new),
            faults: self.faults,
            request_log_capacity: self.request_log_capacity,
            base_url: format!("{root}{API_PREFIX}"),
        })?;
        let app = Arc::new(app);
        let (shutdown, stop) = watch::channel(false);
        let tracking = app.clone();
        let serving = server::Serving {
            router: routes::router(app.clone()),
            read_timeout: self.read_timeout,
            tracking_ids: Arc::new(move || tracking.new_tracking_id()),
        };
        let task = tokio::spawn(server::serve(listener, serving, stop));
        tracing::debug!(%addr, "simulator listening");
        Ok(Simulator {
            addr,
            state: SimState { app },
            shutdown,
            task,
        })
    }
}

/// A running simulator. Dropping it stops the server; [`Simulator::shutdown`] also waits
/// for the requests in flight.
pub struct Simulator {
    addr: SocketAddr,
    state: SimState,
    shutdown: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl fmt::Debug for Simulator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Simulator")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl Simulator {
    /// A builder with the defaults: token `sim-token` with every scope, no rate limit, no
    /// fault, no data.
    pub fn builder() -> SimulatorBuilder {
        SimulatorBuilder::new()
    }

    /// The API's base URL, `http://127.0.0.1:PORT/v1`: give it to clients.
    pub fn base_url(&self) -> String {
        self.state.app.base_url.clone()
    }

    /// The admin view's URL, `http://127.0.0.1:PORT/_sim`.
    pub fn admin_url(&self) -> String {
        format!("http://{}/_sim", self.addr)
    }

    /// The address the simulator listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// In-process access to the simulator's state.
    pub fn state(&self) -> &SimState {
        &self.state
    }

    /// Stops accepting connections, lets requests in flight finish, and closes the rest.
    pub async fn shutdown(self) {
        let _ = self.shutdown.send(true);
        if let Err(error) = self.task.await {
            tracing::warn!(%error, "the simulator's server task failed");
        }
    }
}

/// In-process access to a running simulator's state. Cheap to clone.
///
/// Every read first applies the transitions due at the current tokio instant, exactly as
/// an HTTP read would.
#[derive(Clone)]
pub struct SimState {
    app: Arc<App>,
}

impl fmt::Debug for SimState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SimState")
            .field("base_url", &self.app.base_url)
            .finish_non_exhaustive()
    }
}

impl SimState {
    /// Every subscriber, oldest first, as Get a Subscriber would show it now.
    pub fn subscribers(&self) -> Vec<types::Subscriber> {
        let mut store = self.app.store();
        store.settle_all(self.app.clock.now());
        store.subscribers.values().map(views::subscriber).collect()
    }

    /// The subscriber `id`, as Get a Subscriber would show it now.
    pub fn subscriber(&self, id: &str) -> Option<types::Subscriber> {
        let mut store = self.app.store();
        let record = store.subscriber(id, self.app.clock.now()).ok()?;
        Some(views::subscriber(record))
    }

    /// The subscribers with BroadWorks userId `user_id` (a failed duplicate stays listed
    /// beside the original), oldest first.
    pub fn subscribers_by_user_id(&self, user_id: &str) -> Vec<types::Subscriber> {
        let mut store = self.app.store();
        let now = self.app.clock.now();
        let filter = crate::state::SubscriberFilter {
            user_id: Some(user_id.to_string()),
            ..Default::default()
        };
        store
            .list_subscribers(&filter, None, usize::MAX, now)
            .into_iter()
            .map(|(_, record)| views::subscriber(record))
            .collect()
    }

    /// Adds existing subscribers, as a fixture's `subscribers` would (the same fields are
    /// needed, the same defaults apply), one at a time: for seeding many, such as a million
    /// in any status, without holding them all in memory twice. Returns how many were added.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use webex_broadworks_sim::Simulator;
    /// use webex_broadworks_api::types::Subscriber;
    /// use webex_broadworks_api::wire::SubscriberStatus;
    ///
    /// let sim = Simulator::builder().start().await.unwrap();
    /// let seeded = (0..1_000).map(|n| Subscriber {
    ///     user_id: Some(format!("user{n}@sp.example")),
    ///     sp_enterprise_id: Some("Reseller1+acme".into()),
    ///     first_name: Some("Seeded".into()),
    ///     last_name: Some(format!("Number {n}")),
    ///     status: Some(if n % 10 == 0 { SubscriberStatus::Error } else { SubscriberStatus::Provisioned }),
    ///     ..Default::default()
    /// });
    /// assert_eq!(sim.state().add_subscribers(seeded).unwrap(), 1_000);
    /// # sim.shutdown().await; }
    /// ```
    pub fn add_subscribers(
        &self,
        subscribers: impl IntoIterator<Item = types::Subscriber>,
    ) -> Result<usize, crate::FixtureError> {
        let mut store = self.app.store();
        let now = self.app.clock.now();
        let mut added = 0;
        for (index, subscriber) in subscribers.into_iter().enumerate() {
            crate::fixture::apply_subscriber(&mut store, &subscriber, now).map_err(|problem| {
                crate::FixtureError::Invalid {
                    what: "subscriber",
                    index,
                    problem,
                }
            })?;
            added += 1;
        }
        Ok(added)
    }

    /// Every workspace, oldest first.
    pub fn workspaces(&self) -> Vec<types::Workspace> {
        let store = self.app.store();
        store.workspaces.values().map(views::workspace).collect()
    }

    /// Every enterprise, as List Enterprises would show it now.
    pub fn enterprises(&self) -> Vec<types::Enterprise> {
        let mut store = self.app.store();
        store.settle_all(self.app.clock.now());
        store.enterprises.values().map(views::enterprise).collect()
    }

    /// Every billing report, as Get a Billing Report would show it now, oldest first.
    pub fn billing_reports(&self) -> Vec<types::BillingReport> {
        let mut store = self.app.store();
        store.settle_all(self.app.clock.now());
        store
            .billing_reports
            .values()
            .map(views::billing_report)
            .collect()
    }

    /// How many consent e-mails were sent to subscriber `id`.
    pub fn consent_emails_sent(&self, id: &str) -> Option<u32> {
        self.app
            .store()
            .subscribers
            .get(id)
            .map(|s| s.consent_emails_sent)
    }

    /// Acts as the end user of a `pending_*` subscriber (enters or validates the e-mail,
    /// consents to the move): it goes back to `provisioning`, then `provisioned` after the
    /// provisioning delay. Also `POST /_sim/subscribers/{id}/resume`.
    pub fn resume_pending(&self, id: &str) -> Result<(), SimError> {
        let now = self.app.clock.now();
        let mut store = self.app.store();
        let delay = store.settings.timing.provisioning;
        let record = store
            .subscriber(id, now)
            .map_err(|_| SimError::UnknownSubscriber { id: id.to_string() })?;
        if !record.status.is_paused() {
            return Err(SimError::NotPending {
                id: id.to_string(),
                status: record.status.clone(),
            });
        }
        record
            .resume(now, delay)
            .expect("a paused subscriber can always resume");
        Ok(())
    }

    /// Requests received per operation (every operation listed, 0 included), whatever
    /// their outcome.
    pub fn request_counts(&self) -> BTreeMap<Operation, u64> {
        counts_by_operation(&self.app)
    }

    /// Requests received for `operation`.
    pub fn request_count(&self, operation: Operation) -> u64 {
        self.app
            .monitor()
            .counts()
            .get(&operation)
            .copied()
            .unwrap_or(0)
    }

    /// The most recent requests, in order of arrival.
    pub fn request_log(&self) -> Vec<RequestRecord> {
        self.app.monitor().log()
    }

    /// Everything the simulator holds, as a fixture (also `GET /_sim/state`). Seeding a new
    /// simulator with it gives an equivalent one; work under way restarts its delay.
    pub fn dump(&self) -> Fixture {
        let mut store = self.app.store();
        store.settle_all(self.app.clock.now());
        fixture::dump(&store)
    }

    /// Adds the records and rules of `fixture` (not kept across [`SimState::reset`]).
    pub fn seed(&self, fixture: &Fixture) -> Result<(), SimError> {
        let mut store = self.app.store();
        fixture.apply(&mut store, self.app.clock.now())?;
        Ok(())
    }

    /// Back to the seed data given to the builder; request counts, the request log and
    /// rate limits start afresh, and the fault plan restarts from its seed.
    pub fn reset(&self) {
        self.app.reset();
    }

    /// Replaces the fault plan.
    pub fn set_faults(&self, plan: FaultPlan) -> Result<(), SimError> {
        plan.validate().map_err(SimError::FaultPlan)?;
        self.app.set_faults(plan);
        Ok(())
    }
}
