//! Goals of the issue and whether a run met them.

/// One goal checked against one measured figure.
#[derive(Clone, Debug)]
pub struct Goal {
    /// What is measured, e.g. "getSubscriber CPU per request, ergonomic / hand-written".
    pub what: String,
    /// The target, e.g. "≤ 1.10".
    pub target: String,
    /// The figure of this run, formatted.
    pub measured: String,
    pub verdict: Verdict,
}

/// The outcome of a goal in this run.
#[derive(Clone, Debug)]
pub enum Verdict {
    Met,
    /// Missed, with why.
    Missed(String),
    /// Not measured in this run, with why.
    NotMeasured(String),
}

impl Goal {
    /// A goal whose verdict follows from `met`; `why` explains a miss.
    pub fn check(
        what: impl Into<String>,
        target: impl Into<String>,
        measured: impl Into<String>,
        met: bool,
        why: impl FnOnce() -> String,
    ) -> Goal {
        Goal {
            what: what.into(),
            target: target.into(),
            measured: measured.into(),
            verdict: if met {
                Verdict::Met
            } else {
                Verdict::Missed(why())
            },
        }
    }

    /// A goal this run could not measure.
    pub fn not_measured(
        what: impl Into<String>,
        target: impl Into<String>,
        why: impl Into<String>,
    ) -> Goal {
        Goal {
            what: what.into(),
            target: target.into(),
            measured: "—".into(),
            verdict: Verdict::NotMeasured(why.into()),
        }
    }
}

/// A measurement that may not have been possible in this run.
#[derive(Debug)]
pub enum Measured<T> {
    Done(T),
    /// Why it was not measured.
    Skipped(String),
}
