//! The goals of measurement 1, and why one was missed.

use std::time::Duration;

use super::{Approach, Call, Cost, PerCallFigures};
use crate::goal::{Goal, Measured};
use crate::stats::{duration_ratio, thousands};

/// The instruction count's groups of tracing's crates.
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
                                 spans costs {} ({:.1}% of (a), where the goal allows {:.0}% \
                                 for all of the layer)",
                                micros(untraced),
                                signed_micros(c, untraced),
                                100.0 * (c.as_secs_f64() - untraced.as_secs_f64())
                                    / a.as_secs_f64(),
                                100.0 * (metric.goal_ratio() - 1.0),
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
                        && let Some(counted) = instructions(figures, call)
                    {
                        why += &counted;
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

/// Where (c)'s extra instructions per call go, from the instruction count: the differences
/// between the approaches are exact there, so they split (c) − (a) into its parts.
fn instructions(figures: &PerCallFigures, call: Call) -> Option<String> {
    let count = |approach| figures.profiles.of(approach, call);
    let (a, b, c, untraced) = (
        count(Approach::HandWritten)?,
        count(Approach::Generated)?,
        count(Approach::Ergonomic)?,
        count(Approach::ErgonomicUntraced)?,
    );
    let in_tracing: f64 = TRACING
        .iter()
        .map(|group| c.in_group(group) - untraced.in_group(group))
        .sum();
    let total = c.instructions - a.instructions;
    Some(format!(
        "; in the instruction count below, (c) runs {} more instructions per call than (a) \
         (+{:.0}%): {} in the generated client ((b) − (a)), {} in the ergonomic layer's own \
         work ((c′) − (b)) and {} ({:.0}% of (a)) in recording the span ((c) − (c′)), of which \
         {} in tracing's crates and the rest in the formatting machinery and the allocator \
         they call; the generated client and the span's recording alone come to {:.2}× (a)'s \
         instructions, before any of the layer's own work",
        thousands(total),
        100.0 * total / a.instructions,
        thousands(b.instructions - a.instructions),
        thousands(untraced.instructions - b.instructions),
        thousands(c.instructions - untraced.instructions),
        100.0 * (c.instructions - untraced.instructions) / a.instructions,
        thousands(in_tracing),
        (b.instructions + c.instructions - untraced.instructions) / a.instructions,
    ))
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
