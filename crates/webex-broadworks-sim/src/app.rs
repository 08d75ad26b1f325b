//! The shared state of a running simulator, as the HTTP layers and the in-process handle
//! see it.

use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use crate::auth::TokenTable;
use crate::clock::SimClock;
use crate::faults::{FaultInjector, FaultPlan};
use crate::fixture::{Fixture, FixtureError};
use crate::ids::{IdGenerator, IdKind};
use crate::monitor::Monitor;
use crate::rate_limit::RateLimiter;
use crate::state::{Store, StoreSettings};

/// Where a request stands with tracking ids; found in every request's extensions.
#[derive(Clone, Debug)]
pub(crate) struct RequestTracking {
    /// The `trackingid` this request is answered with.
    pub(crate) tracking_id: String,
    /// The `TrackingID` header the client sent.
    pub(crate) client_tracking_id: Option<String>,
}

/// The token a request authenticated with; found in the extensions of admitted requests.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Caller {
    pub(crate) token: crate::auth::TokenIndex,
}

/// Everything a running simulator shares between connections.
#[derive(Debug)]
pub(crate) struct App {
    store: Mutex<Store>,
    settings: StoreSettings,
    seed: Fixture,
    pub(crate) clock: SimClock,
    pub(crate) tokens: TokenTable,
    /// The Webex person behind each token, shown as a report's `createdBy`.
    pub(crate) admin_person_ids: Vec<String>,
    pub(crate) rate_limiter: Option<RateLimiter>,
    faults: RwLock<Arc<FaultInjector>>,
    monitor: Mutex<Monitor>,
    tracking_ids: IdGenerator,
    /// `http://127.0.0.1:PORT/v1`
    pub(crate) base_url: String,
}

/// What [`App::new`] needs.
#[derive(Debug)]
pub(crate) struct AppParts {
    pub(crate) settings: StoreSettings,
    pub(crate) seed: Fixture,
    pub(crate) clock: SimClock,
    pub(crate) tokens: TokenTable,
    pub(crate) token_count: usize,
    pub(crate) rate_limiter: Option<RateLimiter>,
    pub(crate) faults: FaultPlan,
    pub(crate) request_log_capacity: usize,
    pub(crate) base_url: String,
}

impl App {
    pub(crate) fn new(parts: AppParts) -> Result<App, FixtureError> {
        let mut store = seeded_store(&parts.settings, &parts.seed, parts.clock)?;
        store.list_lag = parts.faults.lag_of_lists();
        let people = IdGenerator::new(parts.settings.id_seed ^ 0xA5A5);
        let admin_person_ids = (0..parts.token_count.max(1))
            .map(|_| people.next(IdKind::People))
            .collect();
        Ok(App {
            store: Mutex::new(store),
            tracking_ids: IdGenerator::new(parts.settings.id_seed ^ 0x5A5A),
            settings: parts.settings,
            seed: parts.seed,
            clock: parts.clock,
            tokens: parts.tokens,
            admin_person_ids,
            rate_limiter: parts.rate_limiter,
            faults: RwLock::new(Arc::new(FaultInjector::new(parts.faults))),
            monitor: Mutex::new(Monitor::new(parts.request_log_capacity)),
            base_url: parts.base_url,
        })
    }

    /// The store, locked.
    pub(crate) fn store(&self) -> MutexGuard<'_, Store> {
        crate::locked::locked(&self.store)
    }

    pub(crate) fn monitor(&self) -> MutexGuard<'_, Monitor> {
        crate::locked::locked(&self.monitor)
    }

    pub(crate) fn faults(&self) -> Arc<FaultInjector> {
        self.faults
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// Replaces the fault plan; draws start again from its seed.
    pub(crate) fn set_faults(&self, plan: FaultPlan) {
        self.store().list_lag = plan.lag_of_lists();
        *self
            .faults
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Arc::new(FaultInjector::new(plan));
    }

    /// A fresh `trackingid`.
    pub(crate) fn new_tracking_id(&self) -> String {
        format!("SIM_{}", self.tracking_ids.uuid())
    }

    /// Back to the seed data, with no request counted, no request logged and every rate
    /// limit allowance full. The fault plan restarts from its seed.
    pub(crate) fn reset(&self) {
        let store = seeded_store(&self.settings, &self.seed, self.clock)
            .expect("the seed fixture was applied successfully at start");
        *self.store() = store;
        self.monitor().clear();
        if let Some(limiter) = &self.rate_limiter {
            limiter.reset();
        }
        let plan = self.faults().plan().clone();
        self.set_faults(plan);
    }
}

fn seeded_store(
    settings: &StoreSettings,
    seed: &Fixture,
    clock: SimClock,
) -> Result<Store, FixtureError> {
    let mut store = Store::new(settings.clone());
    seed.apply(&mut store, clock.now())?;
    Ok(store)
}
