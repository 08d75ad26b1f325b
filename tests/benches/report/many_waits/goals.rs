//! The goals of measurement 9, and why one was missed.

use super::ManyWaitsFigures;
use crate::goal::{Goal, Measured};
use crate::per_call::{Approach, Call, PerCallFigures, micros};
use crate::stats::duration_ratio;

/// Memory per wait in flight, at most.
pub const BYTES_PER_WAIT: f64 = 8.0 * 1024.0;
/// CPU per poll, at most this many getSubscribers of (c).
pub const CPU_RATIO: f64 = 1.2;

pub fn goals(
    figures: &Measured<ManyWaitsFigures>,
    per_call: &Measured<PerCallFigures>,
) -> Vec<Goal> {
    let memory = "10,000 waits in flight: the client's memory per wait";
    let cpu = "10,000 waits in flight: CPU per request / one getSubscriber of (c)";
    let polls = "10,000 waits in flight: polls per subscriber / a single wait's";
    let memory_target = "≤ 8 KB";
    let cpu_target = format!("≤ {CPU_RATIO:.1}");
    let polls_target = "≤ 1.00";
    let figures = match figures {
        Measured::Done(figures) => figures,
        Measured::Skipped(why) => {
            return vec![
                Goal::not_measured(memory, memory_target, why.clone()),
                Goal::not_measured(cpu, cpu_target, why.clone()),
                Goal::not_measured(polls, polls_target, why.clone()),
            ];
        }
    };
    let many = &figures.many;
    let per_wait = many.bytes_per_wait();
    let mut goals = vec![Goal::check(
        memory,
        memory_target,
        format!("{:.1} KB", per_wait / 1024.0),
        per_wait <= BYTES_PER_WAIT,
        || {
            format!(
                "{} KiB above the baseline with every wait in flight, {} files open then (the \
                 connections the provisionings opened at once, each with its buffers, count \
                 here too)",
                many.in_flight_kib, many.open_files
            )
        },
    )];
    let get = match per_call {
        Measured::Done(per_call) => per_call
            .cost(Call::GetSubscriber, Approach::Ergonomic)
            .map(|cost| cost.cpu_per_request),
        Measured::Skipped(_) => None,
    };
    goals.push(match get {
        Some(get) => {
            let ratio = duration_ratio(many.cpu_per_request(), get);
            Goal::check(
                cpu,
                cpu_target.clone(),
                format!("{ratio:.2}"),
                ratio <= CPU_RATIO,
                || {
                    format!(
                        "{} per request (provisionings and polls) against {} for one \
                         getSubscriber of (c) in section 1",
                        micros(many.cpu_per_request()),
                        micros(get)
                    )
                },
            )
        }
        None => Goal::not_measured(
            cpu,
            cpu_target,
            "section 1 was not measured in this run, so there is no getSubscriber of (c) to \
             compare with",
        ),
    });
    let single = figures.single_polls_per_wait();
    let ratio = if single > 0.0 {
        many.polls_per_wait() / single
    } else {
        f64::INFINITY
    };
    goals.push(Goal::check(
        polls,
        polls_target,
        format!("{ratio:.2}"),
        ratio <= 1.0,
        || {
            format!(
                "{:.2} polls per subscriber with 10,000 in flight against {single:.2} for a \
                 wait on its own",
                many.polls_per_wait()
            )
        },
    ));
    goals
}
