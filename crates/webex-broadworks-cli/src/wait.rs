//! `--wait`: follows the ergonomic client's stream of status changes on stderr: a live
//! spinner (status and elapsed time) on a terminal, and otherwise one line per status
//! change, so that a log shows the whole transition (`provisioning` -> `provisioned`).
//! Ctrl-C stops the waiting only: the operation goes on at Webex, and the command says how
//! to look at it later.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use futures::StreamExt;
use futures::stream::BoxStream;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::exit::CliError;

/// How a wait ended.
#[derive(Debug)]
pub enum Waited<T> {
    /// The operation settled; `T` is its final state.
    Done(T),
    /// The time limit was reached first.
    TimedOut,
    /// Ctrl-C.
    Interrupted,
}

/// Follows `changes` (each state seen, ending with the settled one) showing `what` and the
/// status `status` reads from each state.
pub async fn follow<T>(
    what: &str,
    mut changes: BoxStream<'static, Result<T, webex_broadworks::Error>>,
    status: impl Fn(&T) -> String,
) -> Result<Waited<T>, CliError> {
    let live = std::io::stderr().is_terminal();
    let target = if live {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    };
    let spinner = ProgressBar::with_draw_target(None, target);
    spinner.set_style(
        ProgressStyle::with_template("{spinner} {msg}  {elapsed}").expect("the template is valid"),
    );
    spinner.set_message(format!("{what}: waiting"));
    spinner.enable_steady_tick(Duration::from_millis(100));
    let started = Instant::now();
    let mut last: Option<T> = None;
    let mut last_status: Option<String> = None;
    let mut interrupt = std::pin::pin!(tokio::signal::ctrl_c());
    let ended = loop {
        tokio::select! {
            next = changes.next() => match next {
                Some(Ok(state)) => {
                    let now = status(&state);
                    if !live && last_status.as_deref() != Some(now.as_str()) {
                        eprintln!("{what}: {now} at {:.1}s", started.elapsed().as_secs_f64());
                    }
                    spinner.set_message(format!("{what}: {now}"));
                    last_status = Some(now);
                    last = Some(state);
                }
                Some(Err(webex_broadworks::Error::WaitTimedOut(_))) => break Waited::TimedOut,
                Some(Err(error)) => {
                    spinner.finish_and_clear();
                    return Err(error.into());
                }
                None => match last.take() {
                    Some(state) => break Waited::Done(state),
                    None => break Waited::TimedOut,
                },
            },
            _ = &mut interrupt => break Waited::Interrupted,
        }
    };
    spinner.finish_and_clear();
    let elapsed = started.elapsed().as_secs_f64();
    match &ended {
        Waited::Done(state) => eprintln!("{what}: {} after {elapsed:.1}s", status(state)),
        Waited::TimedOut => eprintln!("{what}: no final status after {elapsed:.1}s"),
        Waited::Interrupted => {
            eprintln!("{what}: stopped waiting after {elapsed:.1}s; it goes on at Webex");
        }
    }
    Ok(ended)
}
