//! Seeded fault injection: which requests fail, how, and whether the failure happens before
//! or after the simulator applied the request.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Serialize;

use crate::operation::Operation;

/// The statuses a server-error fault picks from, uniformly.
const SERVER_ERROR_STATUSES: [u16; 4] = [500, 502, 503, 504];

/// What can go wrong with one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
#[non_exhaustive]
pub enum Fault {
    /// Answered with this 5xx status and a WebexError body; not applied.
    ServerError {
        /// 500, 502, 503 or 504.
        status: u16,
    },
    /// Answered 423 Locked with `Retry-After`; not applied.
    Locked {
        /// The `Retry-After` value, in seconds.
        retry_after_secs: u64,
    },
    /// The connection is closed without any response; not applied.
    DroppedConnection,
    /// Answered 502 with an HTML page, as a proxy in front of Webex would; not applied.
    HtmlBody,
    /// Applied, then the response's status and headers are sent with only part of its
    /// body before the connection closes.
    TruncatedBody,
    /// Applied, then the connection is closed without any response: the client sees a
    /// failure although the state changed.
    LostResponse,
    /// Applied, then answered with this 5xx and a WebexError body, as a gateway that gave up
    /// waiting for the service answers: the client is told of a failure that did not happen.
    AppliedServerError {
        /// 500, 502, 503 or 504.
        status: u16,
    },
    /// Applied, then answered with the operation's own 2xx status and a body that is not the
    /// JSON it describes.
    CorruptBody,
}

impl Fault {
    /// Whether the simulator applies the request before the fault shows.
    pub fn is_applied(self) -> bool {
        matches!(
            self,
            Fault::TruncatedBody
                | Fault::LostResponse
                | Fault::AppliedServerError { .. }
                | Fault::CorruptBody
        )
    }
}

/// How a next link is broken, in the ways Webex is known to break them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum BrokenLink {
    /// `max=null` instead of the page size.
    MaxNull,
    /// The request's filters left out: only `max` and the cursor remain.
    DroppedFilters,
    /// A path relative to the server, without scheme and host.
    Relative,
}

impl BrokenLink {
    const ALL: [BrokenLink; 3] = [
        BrokenLink::MaxNull,
        BrokenLink::DroppedFilters,
        BrokenLink::Relative,
    ];
}

/// How often each fault happens, for one operation or for all of them.
///
/// Fractions are between 0 and 1; the exclusive faults (everything but latency) must add
/// up to at most 1.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct FaultRates {
    server_errors: f64,
    locked: f64,
    locked_retry_after: Duration,
    dropped_connections: f64,
    html_bodies: f64,
    truncated_bodies: f64,
    lost_responses: f64,
    applied_server_errors: f64,
    corrupt_bodies: f64,
    latency: Duration,
    slow_responses: f64,
    slow_delay: Duration,
    apply_before_delay: bool,
    bare_errors: f64,
    broken_links: f64,
    late_transitions: Duration,
}

impl FaultRates {
    /// No fault.
    pub fn none() -> Self {
        FaultRates::default()
    }

    /// A `fraction` of requests answered 500, 502, 503 or 504 (picked uniformly).
    pub fn server_errors(mut self, fraction: f64) -> Self {
        self.server_errors = fraction;
        self
    }

    /// A `fraction` of requests answered 423 Locked with `Retry-After` (1 s unless set by
    /// [`FaultRates::locked_retry_after`]).
    pub fn locked(mut self, fraction: f64) -> Self {
        self.locked = fraction;
        self
    }

    /// The `Retry-After` of 423 answers, rounded up to whole seconds.
    pub fn locked_retry_after(mut self, retry_after: Duration) -> Self {
        self.locked_retry_after = retry_after;
        self
    }

    /// A `fraction` of requests whose connection closes without a response, unapplied.
    pub fn dropped_connections(mut self, fraction: f64) -> Self {
        self.dropped_connections = fraction;
        self
    }

    /// A `fraction` of requests answered 502 with an HTML page, unapplied.
    pub fn html_bodies(mut self, fraction: f64) -> Self {
        self.html_bodies = fraction;
        self
    }

    /// A `fraction` of requests applied and answered with a cut-off body.
    pub fn truncated_bodies(mut self, fraction: f64) -> Self {
        self.truncated_bodies = fraction;
        self
    }

    /// A `fraction` of requests applied whose response is then lost (connection closed).
    pub fn lost_responses(mut self, fraction: f64) -> Self {
        self.lost_responses = fraction;
        self
    }

    /// A `fraction` of requests applied and then answered 500, 502, 503 or 504 (picked
    /// uniformly), as a gateway that timed out would.
    pub fn applied_server_errors(mut self, fraction: f64) -> Self {
        self.applied_server_errors = fraction;
        self
    }

    /// A `fraction` of requests applied and answered with their 2xx status and a corrupt body.
    pub fn corrupt_bodies(mut self, fraction: f64) -> Self {
        self.corrupt_bodies = fraction;
        self
    }

    /// Applies requests before their delay ([`FaultRates::latency`], slow responses) rather
    /// than after it, so that a client that gives up or dies while waiting leaves the
    /// request applied without having seen an answer.
    pub fn apply_before_delay(mut self, yes: bool) -> Self {
        self.apply_before_delay = yes;
        self
    }

    /// A `fraction` of error answers (4xx and 5xx, faults and 429s alike) sent with neither a
    /// body nor `Retry-After`, as a load balancer in front of Webex may answer.
    pub fn bare_errors(mut self, fraction: f64) -> Self {
        self.bare_errors = fraction;
        self
    }

    /// A `fraction` of next links broken in one of the ways of [`BrokenLink`], picked
    /// uniformly.
    pub fn broken_links(mut self, fraction: f64) -> Self {
        self.broken_links = fraction;
        self
    }

    /// Asynchronous transitions that a request starts (provisioning, update) land late by a
    /// uniformly drawn amount of up to `most`, instead of on the exact instant.
    pub fn late_transitions(mut self, most: Duration) -> Self {
        self.late_transitions = most;
        self
    }

    /// `delay` added before every response.
    pub fn latency(mut self, delay: Duration) -> Self {
        self.latency = delay;
        self
    }

    /// A `fraction` of requests delayed by a further `delay`.
    pub fn slow_responses(mut self, fraction: f64, delay: Duration) -> Self {
        self.slow_responses = fraction;
        self.slow_delay = delay;
        self
    }

    fn exclusive(&self) -> [(f64, FaultKind); 8] {
        [
            (self.server_errors, FaultKind::ServerError),
            (self.locked, FaultKind::Locked),
            (self.dropped_connections, FaultKind::DroppedConnection),
            (self.html_bodies, FaultKind::HtmlBody),
            (self.truncated_bodies, FaultKind::TruncatedBody),
            (self.lost_responses, FaultKind::LostResponse),
            (self.applied_server_errors, FaultKind::AppliedServerError),
            (self.corrupt_bodies, FaultKind::CorruptBody),
        ]
    }

    fn validate(&self) -> Result<(), String> {
        let fractions = self
            .exclusive()
            .map(|(fraction, _)| fraction)
            .into_iter()
            .chain([self.slow_responses, self.bare_errors, self.broken_links]);
        for fraction in fractions {
            if !(0.0..=1.0).contains(&fraction) {
                return Err(format!("fault fraction {fraction} is not between 0 and 1"));
            }
        }
        let total: f64 = self.exclusive().iter().map(|(fraction, _)| fraction).sum();
        if total > 1.0 + 1e-9 {
            return Err(format!("fault fractions add up to {total}, more than 1"));
        }
        Ok(())
    }
}

#[derive(Clone, Copy, Debug)]
enum FaultKind {
    ServerError,
    Locked,
    DroppedConnection,
    HtmlBody,
    TruncatedBody,
    LostResponse,
    AppliedServerError,
    CorruptBody,
}

/// The faults to inject, per operation, drawn from a seeded generator.
///
/// Each operation draws from its own generator seeded from the plan's seed, so the n-th
/// call of an operation meets the same fault in every run, whatever other operations do.
///
/// ```
/// use std::time::Duration;
/// use webex_broadworks_sim::{FaultPlan, FaultRates, Operation};
///
/// let plan = FaultPlan::seeded(42)
///     .server_errors(0.10)
///     .dropped_connections(0.05)
///     .for_operation(
///         Operation::ProvisionSubscriber,
///         FaultRates::none().lost_responses(0.5).latency(Duration::from_millis(20)),
///     );
/// # let _ = plan;
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct FaultPlan {
    seed: u64,
    all_operations: FaultRates,
    per_operation: BTreeMap<Operation, FaultRates>,
    list_lag: Duration,
}

impl Default for FaultPlan {
    fn default() -> Self {
        FaultPlan::none()
    }
}

impl FaultPlan {
    /// No fault at all.
    pub fn none() -> Self {
        FaultPlan::seeded(0)
    }

    /// A plan with no fault yet, whose draws follow `seed`.
    pub fn seeded(seed: u64) -> Self {
        FaultPlan {
            seed,
            all_operations: FaultRates::none(),
            per_operation: BTreeMap::new(),
            list_lag: Duration::ZERO,
        }
    }

    /// Lists lag behind writes by `lag`, as a search index does: a subscriber created less
    /// than `lag` ago is not listed yet, and one changed less than `lag` ago is listed as it
    /// was before the change. Reads by id are never behind.
    pub fn list_lag(mut self, lag: Duration) -> Self {
        self.list_lag = lag;
        self
    }

    /// How far lists lag behind writes; see [`FaultPlan::list_lag`].
    pub fn lag_of_lists(&self) -> Duration {
        self.list_lag
    }

    /// Uses `rates` for `operation` instead of the rates of all operations.
    pub fn for_operation(mut self, operation: Operation, rates: FaultRates) -> Self {
        self.per_operation.insert(operation, rates);
        self
    }

    /// The rates that apply to `operation`.
    pub fn rates(&self, operation: Operation) -> &FaultRates {
        self.per_operation
            .get(&operation)
            .unwrap_or(&self.all_operations)
    }

    /// See [`FaultRates::server_errors`]; for every operation without rates of its own.
    pub fn server_errors(mut self, fraction: f64) -> Self {
        self.all_operations = self.all_operations.server_errors(fraction);
        self
    }

    /// See [`FaultRates::locked`]; for every operation without rates of its own.
    pub fn locked(mut self, fraction: f64) -> Self {
        self.all_operations = self.all_operations.locked(fraction);
        self
    }

    /// See [`FaultRates::locked_retry_after`]; for every operation without rates of its own.
    pub fn locked_retry_after(mut self, retry_after: Duration) -> Self {
        self.all_operations = self.all_operations.locked_retry_after(retry_after);
        self
    }

    /// See [`FaultRates::dropped_connections`]; for every operation without rates of its own.
    pub fn dropped_connections(mut self, fraction: f64) -> Self {
        self.all_operations = self.all_operations.dropped_connections(fraction);
        self
    }

    /// See [`FaultRates::html_bodies`]; for every operation without rates of its own.
    pub fn html_bodies(mut self, fraction: f64) -> Self {
        self.all_operations = self.all_operations.html_bodies(fraction);
        self
    }

    /// See [`FaultRates::truncated_bodies`]; for every operation without rates of its own.
    pub fn truncated_bodies(mut self, fraction: f64) -> Self {
        self.all_operations = self.all_operations.truncated_bodies(fraction);
        self
    }

    /// See [`FaultRates::lost_responses`]; for every operation without rates of its own.
    pub fn lost_responses(mut self, fraction: f64) -> Self {
        self.all_operations = self.all_operations.lost_responses(fraction);
        self
    }

    /// See [`FaultRates::applied_server_errors`]; for every operation without rates of its own.
    pub fn applied_server_errors(mut self, fraction: f64) -> Self {
        self.all_operations = self.all_operations.applied_server_errors(fraction);
        self
    }

    /// See [`FaultRates::corrupt_bodies`]; for every operation without rates of its own.
    pub fn corrupt_bodies(mut self, fraction: f64) -> Self {
        self.all_operations = self.all_operations.corrupt_bodies(fraction);
        self
    }

    /// See [`FaultRates::apply_before_delay`]; for every operation without rates of its own.
    pub fn apply_before_delay(mut self, yes: bool) -> Self {
        self.all_operations = self.all_operations.apply_before_delay(yes);
        self
    }

    /// See [`FaultRates::bare_errors`]; for every operation without rates of its own.
    pub fn bare_errors(mut self, fraction: f64) -> Self {
        self.all_operations = self.all_operations.bare_errors(fraction);
        self
    }

    /// See [`FaultRates::broken_links`]; for every operation without rates of its own.
    pub fn broken_links(mut self, fraction: f64) -> Self {
        self.all_operations = self.all_operations.broken_links(fraction);
        self
    }

    /// See [`FaultRates::late_transitions`]; for every operation without rates of its own.
    pub fn late_transitions(mut self, most: Duration) -> Self {
        self.all_operations = self.all_operations.late_transitions(most);
        self
    }

    /// See [`FaultRates::latency`]; for every operation without rates of its own.
    pub fn latency(mut self, delay: Duration) -> Self {
        self.all_operations = self.all_operations.latency(delay);
        self
    }

    /// See [`FaultRates::slow_responses`]; for every operation without rates of its own.
    pub fn slow_responses(mut self, fraction: f64, delay: Duration) -> Self {
        self.all_operations = self.all_operations.slow_responses(fraction, delay);
        self
    }

    /// Checks that every fraction is in [0, 1] and that each operation's exclusive faults
    /// add up to at most 1.
    pub fn validate(&self) -> Result<(), String> {
        self.all_operations.validate()?;
        for (operation, rates) in &self.per_operation {
            rates
                .validate()
                .map_err(|reason| format!("{operation}: {reason}"))?;
        }
        Ok(())
    }
}

/// What happens to one request.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct FaultDecision {
    pub(crate) fault: Option<Fault>,
    pub(crate) delay: Duration,
    /// Apply the request, then wait out `delay`.
    pub(crate) apply_first: bool,
    /// An error answer goes without body and `Retry-After`.
    pub(crate) bare_error: bool,
    /// The next link, if the answer has one, is broken this way.
    pub(crate) broken_link: Option<BrokenLink>,
    /// How late the transitions this request starts land.
    pub(crate) lateness: Duration,
}

/// A [`FaultPlan`] being drawn from.
#[derive(Debug)]
pub(crate) struct FaultInjector {
    plan: FaultPlan,
    generators: Mutex<HashMap<Operation, StdRng>>,
}

impl FaultInjector {
    pub(crate) fn new(plan: FaultPlan) -> Self {
        FaultInjector {
            plan,
            generators: Mutex::new(HashMap::new()),
        }
    }

    pub(crate) fn plan(&self) -> &FaultPlan {
        &self.plan
    }

    /// Draws the fate of the next request of `operation`.
    pub(crate) fn decide(&self, operation: Operation) -> FaultDecision {
        let rates = self.plan.rates(operation);
        let mut generators = crate::locked::locked(&self.generators);
        let rng = generators.entry(operation).or_insert_with(|| {
            let index = Operation::ALL
                .iter()
                .position(|op| *op == operation)
                .unwrap_or(0) as u64;
            StdRng::seed_from_u64(self.plan.seed ^ (index + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15))
        });
        // The same draws per request whatever the rates, so that one rate does not shift
        // the sequence of another.
        let which: f64 = rng.random();
        let status_pick = rng.random_range(0..SERVER_ERROR_STATUSES.len());
        let slow: f64 = rng.random();
        let bare: f64 = rng.random();
        let broken: f64 = rng.random();
        let link_pick = rng.random_range(0..BrokenLink::ALL.len());
        let late: f64 = rng.random();
        drop(generators);

        let mut threshold = 0.0;
        let mut kind = None;
        for (fraction, candidate) in rates.exclusive() {
            threshold += fraction;
            if which < threshold {
                kind = Some(candidate);
                break;
            }
        }
        let fault = kind.map(|kind| match kind {
            FaultKind::ServerError => Fault::ServerError {
                status: SERVER_ERROR_STATUSES[status_pick],
            },
            FaultKind::Locked => Fault::Locked {
                retry_after_secs: rates.locked_retry_after.as_secs_f64().ceil().max(1.0) as u64,
            },
            FaultKind::DroppedConnection => Fault::DroppedConnection,
            FaultKind::HtmlBody => Fault::HtmlBody,
            FaultKind::TruncatedBody => Fault::TruncatedBody,
            FaultKind::LostResponse => Fault::LostResponse,
            FaultKind::AppliedServerError => Fault::AppliedServerError {
                status: SERVER_ERROR_STATUSES[status_pick],
            },
            FaultKind::CorruptBody => Fault::CorruptBody,
        });
        let mut delay = rates.latency;
        if slow < rates.slow_responses {
            delay += rates.slow_delay;
        }
        FaultDecision {
            fault,
            delay,
            apply_first: rates.apply_before_delay,
            bare_error: bare < rates.bare_errors,
            broken_link: (broken < rates.broken_links).then_some(BrokenLink::ALL[link_pick]),
            lateness: rates.late_transitions.mul_f64(late),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn faults_of(plan: &FaultPlan, operation: Operation, count: usize) -> Vec<Option<Fault>> {
        let injector = FaultInjector::new(plan.clone());
        (0..count)
            .map(|_| injector.decide(operation).fault)
            .collect()
    }

    #[test]
    fn same_seed_same_faults() {
        let plan = FaultPlan::seeded(7).server_errors(0.3).lost_responses(0.2);
        let first = faults_of(&plan, Operation::GetSubscriber, 200);
        assert_eq!(first, faults_of(&plan, Operation::GetSubscriber, 200));
        assert_ne!(
            first,
            faults_of(
                &FaultPlan::seeded(8).server_errors(0.3).lost_responses(0.2),
                Operation::GetSubscriber,
                200
            )
        );
    }

    #[test]
    fn fractions_are_roughly_honoured() {
        let plan = FaultPlan::seeded(1)
            .server_errors(0.25)
            .dropped_connections(0.25);
        let faults = faults_of(&plan, Operation::ListSubscribers, 4000);
        let errors = faults
            .iter()
            .filter(|f| matches!(f, Some(Fault::ServerError { .. })))
            .count();
        let drops = faults
            .iter()
            .filter(|f| matches!(f, Some(Fault::DroppedConnection)))
            .count();
        assert!((800..1200).contains(&errors), "{errors}");
        assert!((800..1200).contains(&drops), "{drops}");
        let statuses: std::collections::BTreeSet<u16> = faults
            .iter()
            .filter_map(|f| match f {
                Some(Fault::ServerError { status }) => Some(*status),
                _ => None,
            })
            .collect();
        assert_eq!(
            statuses.into_iter().collect::<Vec<_>>(),
            SERVER_ERROR_STATUSES
        );
    }

    #[test]
    fn per_operation_rates_replace_the_default() {
        let plan = FaultPlan::seeded(3)
            .server_errors(1.0)
            .for_operation(Operation::GetSubscriber, FaultRates::none());
        assert!(
            faults_of(&plan, Operation::GetSubscriber, 50)
                .iter()
                .all(Option::is_none)
        );
        assert!(
            faults_of(&plan, Operation::ListSubscribers, 50)
                .iter()
                .all(Option::is_some)
        );
    }

    #[test]
    fn rejects_fractions_over_one() {
        assert!(
            FaultPlan::seeded(0)
                .server_errors(0.7)
                .lost_responses(0.7)
                .validate()
                .is_err()
        );
        assert!(FaultPlan::seeded(0).locked(-0.1).validate().is_err());
        assert!(
            FaultPlan::seeded(0)
                .server_errors(0.5)
                .lost_responses(0.5)
                .validate()
                .is_ok()
        );
    }
}
