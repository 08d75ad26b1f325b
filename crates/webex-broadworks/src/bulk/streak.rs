//! "Every worker failing the same way": answers that all failed alike, with none succeeding
//! among them, show a problem of the service or of the whole file rather than of one row, so
//! the run stops instead of spending hours retrying every row into it.
//!
//! Counted alike: any 5xx (a service in trouble varies them), the same failure to connect or to get
//! an answer in time, or (before any row of the run succeeded) the same 4xx status and code,
//! as a template's wrong provisioning ID gives every row. Never counted: 429 and 423 (the
//! gate handles them) and 409 (an existing subscriber is a fact about one row).

use std::sync::{Mutex, PoisonError};

use crate::bulk::types::BatchHalt;
use crate::error::Error;

/// The failed answers in a row, alike, that stop a run: four for each worker, at least 20.
pub(crate) fn threshold(concurrency: usize) -> u32 {
    u32::try_from(concurrency.saturating_mul(4))
        .unwrap_or(u32::MAX)
        .max(20)
}

/// The current streak of alike failures.
#[derive(Debug)]
pub(crate) struct FailureStreak {
    threshold: u32,
    state: Mutex<StreakState>,
}

#[derive(Debug, Default)]
struct StreakState {
    /// How the answers of the streak failed.
    signature: Option<String>,
    /// How many answers in a row failed that way.
    count: u32,
    /// Whether any row of the run succeeded: a 4xx is then a fact about its own row.
    any_succeeded: bool,
}

impl FailureStreak {
    pub(crate) fn new(concurrency: usize) -> Self {
        FailureStreak {
            threshold: threshold(concurrency),
            state: Mutex::default(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, StreakState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A request succeeded: the streak ends.
    pub(crate) fn succeeded(&self) {
        let mut state = self.lock();
        state.signature = None;
        state.count = 0;
        state.any_succeeded = true;
    }

    /// Counts a failed answer; gives the reason to stop once the streak is long enough.
    pub(crate) fn failed(&self, error: &Error) -> Option<BatchHalt> {
        let mut state = self.lock();
        let signature = signature(error, state.any_succeeded)?;
        if state.signature.as_deref() == Some(signature.as_str()) {
            state.count += 1;
        } else {
            state.signature = Some(signature);
            state.count = 1;
        }
        (state.count == self.threshold).then(|| BatchHalt {
            problem: format!(
                "the last {} answers all failed the same way, none succeeding: {error}",
                state.count
            ),
            fix: "find out why from that answer (its trackingId is for Webex support) and fix \
                  it; then resume the run"
                .into(),
        })
    }
}

/// How `error` failed, when it counts toward a streak.
fn signature(error: &Error, any_succeeded: bool) -> Option<String> {
    match error {
        Error::Api(api) => {
            let status = api.status().as_u16();
            let code = api.error_codes().next().unwrap_or_default();
            match status {
                409 | 423 | 429 => None,
                // A service in trouble answers 500, 502, 503 and 504 by turns.
                500..=599 => Some("a server error (5xx)".into()),
                400..=499 if !any_succeeded => Some(format!("HTTP {status} code {code}")),
                _ => None,
            }
        }
        Error::Transport(failure) => Some(format!("transport: {}", failure.cause())),
        Error::Timeout(_) => Some("timeout".into()),
        _ => None,
    }
}
