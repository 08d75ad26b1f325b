//! The goals of measurement 3, judged on the default wait policy, and why one was missed.

use std::time::Duration;

use super::{DEFAULT_DELAYS, Policy, PollingFigures, TRANSITIONS, WAITS, seconds};
use crate::goal::{Goal, Measured};

/// The goals of measurement 3: for each transition time, the slowest detection within 10% of
/// the transition time plus the minimum delay.
pub fn goals(figures: &Measured<PollingFigures>) -> Vec<Goal> {
    let what = |transition: Duration| {
        format!(
            "wait for a {} s provisioning: slowest detection delay of {WAITS}",
            transition.as_secs()
        )
    };
    let target = |transition: Duration| {
        format!(
            "≤ {} (10% + {} s minimum delay)",
            seconds(transition / 10 + DEFAULT_DELAYS.0),
            DEFAULT_DELAYS.0.as_secs()
        )
    };
    match figures {
        Measured::Skipped(why) => TRANSITIONS
            .iter()
            .map(|&t| Goal::not_measured(what(t), target(t), why.clone()))
            .collect(),
        Measured::Done(figures) => figures
            .rows
            .iter()
            .filter(|row| row.policy == Policy::Default)
            .map(|row| {
                Goal::check(
                    what(row.transition),
                    target(row.transition),
                    seconds(row.max_delay),
                    row.max_delay <= row.allowed_delay(),
                    || {
                        let (min, initial, max) = DEFAULT_DELAYS;
                        format!(
                            "the default WaitPolicy draws each delay from [{} s, min({} s, {} s × \
                             2ⁿ, 10% of the time waited)], yet a {} s transition was noticed \
                             later than that ceiling allows",
                            min.as_secs(),
                            max.as_secs(),
                            initial.as_secs(),
                            row.transition.as_secs()
                        )
                    },
                )
            })
            .collect(),
    }
}
