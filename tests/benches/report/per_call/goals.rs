//! The goals of measurement 1, and why one was missed.

use std::time::Duration;

use super::{Approach, Call, Cost, PerCallFigures};
use crate::goal::{Goal, Measured};
use crate::stats::duration_ratio;

/// The profile's groups of the client crates' own code, and of tracing.
const LAYER: [&str; 2] = ["`webex_broadworks`", "`webex_broadworks_api`"];
const TRACING: [&str; 5] = [
    "`tracing`",
    "`tracing_core`",
    "`tracing_subscriber`",
    "`nu_ansi_term`",
    "`sharded_slab`",
];

/// The goals of measurement 1: (c)/(a) at most [`Metric::goal_ratio`] for each operation,
/// latency and CPU time.
pub fn goals(figures: &Measured<PerCallFigures>) -> Vec<Goal> {
    let mut goals = Vec::new();
    for call in Call::ALL {
        for metric in Metric::ALL {
            let what = format!(
                "{} {}: (c) ergonomic / (a) hand-written",
                call.operation_id(),
                metric.label()
            );
            let target = format!("≤ {:.2}", metric.goal_ratio());
            let figures = match figures {
                Measured::Done(figures) => figures,
                Measured::Skipped(why) => {
                    goals.push(Goal::not_measured(what, target, why.clone()));
                    continue;
                }
            };
            let cost = |approach| figures.cost(call, approach).map(|c| metric.of(c));
            let (Some(a), Some(b), Some(c)) = (
                cost(Approach::HandWritten),
                cost(Approach::Generated),
                cost(Approach::Ergonomic),
            ) else {
                goals.push(Goal::not_measured(
                    what,
                    target,
                    "a client was not measured",
                ));
                continue;
            };
            let untraced = cost(Approach::ErgonomicUntraced);
            let ratio = duration_ratio(c, a);
            goals.push(Goal::check(
                what,
                target,
                format!("{ratio:.2}"),
                ratio <= metric.goal_ratio(),
                || {
                    let mut why = format!(
                        "(c) takes {} against {} for (a), {} per request; the generated client \
                         underneath accounts for {} of that ((b) − (a)), the ergonomic layer for \
                         {} ((c) − (b): validation, the retry wrapper, the TrackingID, the token \
                         provider, the tracing span)",
                        micros(c),
                        micros(a),
                        signed_micros(c, a),
                        signed_micros(b, a),
                        signed_micros(c, b),
                    );
                    if let Some(untraced) = untraced {
                        why += &if c > untraced {
                            format!(
                                "; without a tracing subscriber (c′) takes {}, so recording the \
                                 spans costs {}",
                                micros(untraced),
                                signed_micros(c, untraced)
                            )
                        } else {
                            format!(
                                "; without a tracing subscriber (c′) takes {}: recording the \
                                 spans costs nothing measurable here",
                                micros(untraced)
                            )
                        };
                    }
                    if matches!(metric, Metric::Cpu)
                        && let Some(c) = figures.profiles.of(Approach::Ergonomic, call)
                    {
                        let share = |groups: &[&str]| -> f64 {
                            groups.iter().map(|group| c.share(group)).sum()
                        };
                        why += &format!(
                            "; in the profile below, the client crates' own functions hold \
                             {:.1}% of (c)'s samples and tracing {:.1}%: the rest of the \
                             difference is spread over the HTTP stack, the allocator and the \
                             kernel, which run the same requests",
                            share(&LAYER),
                            share(&TRACING),
                        );
                    }
                    if call == Call::UpdateSubscriber && matches!(metric, Metric::Cpu) {
                        why += &format!(
                            "; validating the update body takes {:.2} µs on its own",
                            figures.update_validation.as_secs_f64() * 1e6
                        );
                    }
                    why
                },
            ));
        }
    }
    goals
}

/// A per-request figure.
#[derive(Clone, Copy, Debug)]
pub enum Metric {
    Latency,
    Cpu,
}

impl Metric {
    pub const ALL: [Metric; 2] = [Metric::Latency, Metric::Cpu];

    pub fn label(self) -> &'static str {
        match self {
            Metric::Latency => "median latency",
            Metric::Cpu => "CPU time per request",
        }
    }

    /// (c)/(a) at most this: within 10% of hand-written code in CPU time, 5% in latency.
    pub fn goal_ratio(self) -> f64 {
        match self {
            Metric::Latency => 1.05,
            Metric::Cpu => 1.10,
        }
    }

    pub fn of(self, cost: &Cost) -> Duration {
        match self {
            Metric::Latency => cost.median_latency,
            Metric::Cpu => cost.cpu_per_request,
        }
    }
}

/// `d` in microseconds, e.g. `83.3 µs`.
pub fn micros(d: Duration) -> String {
    format!("{:.1} µs", d.as_secs_f64() * 1e6)
}

/// `a − b` in microseconds with its sign, e.g. `+4.1 µs`.
pub fn signed_micros(a: Duration, b: Duration) -> String {
    format!("{:+.1} µs", (a.as_secs_f64() - b.as_secs_f64()) * 1e6)
}
