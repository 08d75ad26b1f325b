//! The goals of measurement 4, judged on the ergonomic client, and why one was missed.

use super::{Lister, ListingFigures, SIZES};
use crate::goal::{Goal, Measured};
use crate::stats::ratio;

/// The goals of the issue for listing.
pub mod targets {
    /// Peak resident memory of the client's process, in MiB.
    pub const PEAK_MIB: f64 = 64.0;
    /// "Flat": the peak at the largest size at most this much above the peak at the smallest.
    pub const FLAT_GROWTH: f64 = 0.10;
}

/// KiB as MiB.
pub fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

/// The goals of measurement 4, judged on the ergonomic client's stream.
pub fn goals(figures: &Measured<ListingFigures>) -> Vec<Goal> {
    let peak_what =
        |size: usize| format!("listing {size} subscribers: peak resident memory of the client");
    let peak_target = format!("< {:.0} MB", targets::PEAK_MIB);
    let flat_what = format!(
        "listing: peak at {} no more than {:.0}% above the peak at {}",
        SIZES[1],
        targets::FLAT_GROWTH * 100.0,
        SIZES[0]
    );
    let flat_target = format!("≤ +{:.0}%", targets::FLAT_GROWTH * 100.0);
    let figures = match figures {
        Measured::Done(figures) => figures,
        Measured::Skipped(why) => {
            let mut goals: Vec<Goal> = SIZES
                .iter()
                .map(|&size| Goal::not_measured(peak_what(size), peak_target.clone(), why.clone()))
                .collect();
            goals.push(Goal::not_measured(flat_what, flat_target, why.clone()));
            return goals;
        }
    };
    let mut goals = Vec::new();
    for size in SIZES {
        let cell = figures
            .cells
            .iter()
            .find(|cell| cell.size == size && cell.lister == Lister::Ergonomic);
        goals.push(match cell.map(|cell| &cell.outcome) {
            Some(Ok(run)) => {
                let peak = mib(run.peak_after_kib);
                Goal::check(
                    peak_what(size),
                    peak_target.clone(),
                    format!("{peak:.1} MiB"),
                    peak < targets::PEAK_MIB,
                    || {
                        format!(
                            "VmHWM was {peak:.1} MiB after listing, {:.1} MiB before",
                            mib(run.peak_before_kib)
                        )
                    },
                )
            }
            Some(Err(why)) => Goal::not_measured(peak_what(size), peak_target.clone(), why.clone()),
            None => Goal::not_measured(peak_what(size), peak_target.clone(), "not run"),
        });
    }
    match (
        figures.run(SIZES[0], Lister::Ergonomic),
        figures.run(SIZES[1], Lister::Ergonomic),
    ) {
        (Some(small), Some(large)) => {
            let growth = ratio(large.peak_after_kib as f64, small.peak_after_kib as f64) - 1.0;
            goals.push(Goal::check(
                flat_what,
                flat_target,
                format!("{:+.1}%", growth * 100.0),
                growth <= targets::FLAT_GROWTH,
                || {
                    format!(
                        "the peak grew from {:.1} MiB to {:.1} MiB: something is kept per item",
                        mib(small.peak_after_kib),
                        mib(large.peak_after_kib)
                    )
                },
            ));
        }
        _ => goals.push(Goal::not_measured(
            flat_what,
            flat_target,
            "both sizes are needed",
        )),
    }
    goals
}
