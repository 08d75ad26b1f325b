//! Sending: bounded concurrency, every request through the shared gate, the intent to send
//! durable before the request leaves, and each failure classified as the single calls
//! classify it (`Error::failure`).

use std::collections::HashSet;
use std::time::Duration;

use futures::TryStreamExt;
use webex_broadworks_api::types;

use crate::backoff::full_jitter;
use crate::bulk::claims::Claims;
use crate::bulk::engine::Engine;
use crate::bulk::journal::{JournalRow, RowChange, RowState, journal_pages};
use crate::bulk::request::RowRequest;
use crate::bulk::status::Shown;
use crate::bulk::types::BatchHalt;
use crate::client::{Gate, Reply};
use crate::error::{Error, Failure};
use crate::operation::Operation;

/// How many times a row is sent (after failures other than 429 and 423) before it is given up.
const MAX_ATTEMPTS: u32 = 6;

/// The backoff between attempts of one row: full jitter up to `250 ms x 2^n`, at most 10 s.
const INITIAL_BACKOFF: Duration = Duration::from_millis(250);
const MAX_BACKOFF: Duration = Duration::from_secs(10);

/// Webex's error code for "already provisioned".
const ALREADY_MAPPED: i64 = 10022;

/// How the outcome of one attempt is handled.
enum Attempt {
    /// The row has its outcome (accepted, final or failed) in the journal, or stays
    /// `sending` with an outcome no lookup could settle.
    Recorded,
    /// Send it again after `delay` (the shared pause applies on top); `unknown`: the failed
    /// attempt may have been applied.
    Again { delay: Duration, unknown: bool },
}

impl Engine {
    /// Sends every pending row, reading them from the journal a page at a time so that a
    /// run of millions holds only the rows around those in flight.
    pub(crate) async fn send_all(&self, after_unknown: &HashSet<u64>) -> Result<(), Error> {
        let claims = Claims::new(Vec::new(), self.options.concurrency);
        let claims = &claims;
        // A page's rows join the claims as it is read, so that one write claims the rows
        // that follow the one about to be sent.
        let pages = journal_pages(self.journal.as_ref(), Some(RowState::Pending))
            .take_while(|_| !self.cancelled())
            .map(|page| {
                let page = page?;
                claims.extend(page.iter().map(|row| row.row));
                Ok::<_, Error>(futures::stream::iter(page.into_iter().map(Ok::<_, Error>)))
            });
        let sent = futures::stream::iter(pages)
            .try_flatten()
            .try_for_each_concurrent(self.options.concurrency, |row| async move {
                if self.cancelled() {
                    return Ok(());
                }
                let unknown = after_unknown.contains(&row.row);
                self.send_row(row, unknown, claims).await
            })
            .await;
        // Rows claimed but never sent (the run was stopped) were certainly not applied.
        for key in claims.unsent() {
            self.change(key, RowChange::Pending, None)?;
        }
        sent
    }

    /// Sends one row until it has an outcome. `after_unknown`: an earlier attempt may have
    /// been applied without its answer arriving.
    async fn send_row(
        &self,
        mut row: JournalRow,
        mut after_unknown: bool,
        claims: &Claims,
    ) -> Result<(), Error> {
        if let RowRequest::UpdateSubscriber { target, .. } = &row.request
            && row.subscriber_id.is_none()
        {
            match self.resolve_target(&row, target).await? {
                Some(id) => row.subscriber_id = Some(id),
                None => {
                    claims.settled(row.row);
                    return Ok(());
                }
            }
        }
        let tracking = self.sends.tracking().call();
        let mut attempt = 0;
        let mut failures = 0;
        loop {
            if self.cancelled() {
                return Ok(());
            }
            self.throttle.ready().await;
            let from_pending = claims.claim(row.row, self.journal.as_ref())?;
            self.claimed(from_pending);
            attempt += 1;
            let answer = self
                .send_request(&row, attempt, tracking.attempt(attempt))
                .await;
            Gate::answered(self.throttle.as_ref(), answer.as_ref().err());
            let error = match answer {
                Ok(seen) => {
                    self.failure_streak.succeeded();
                    return self.record(row.row, seen);
                }
                Err(error) => error,
            };
            let streak_ends_the_run = self.failure_streak.failed(&error);
            let next = self
                .after_failure(&row, error, after_unknown, &mut failures)
                .await?;
            // The row is recorded as its answer left it (pending, failed, or `sending` for a
            // lookup on resume) before the run stops.
            if let Some(halt) = streak_ends_the_run {
                self.halt_with(halt);
            }
            match next {
                Attempt::Recorded => return Ok(()),
                Attempt::Again { delay, unknown } => {
                    after_unknown |= unknown;
                    tokio::time::sleep(delay).await;
                }
            }
        }
    }

    async fn after_failure(
        &self,
        row: &JournalRow,
        error: Error,
        after_unknown: bool,
        failures: &mut u32,
    ) -> Result<Attempt, Error> {
        let status = error.status().map(|status| status.as_u16());
        if let Some(halt) = run_wide_problem(&row.request, &error) {
            // Refused before Webex acted: the row waits, unsent, for the resume.
            self.change(row.row, RowChange::Pending, None)?;
            self.halt_with(halt);
            return Ok(Attempt::Recorded);
        }
        if matches!(status, Some(429 | 423)) {
            // Not processed; the gate holds every worker for the pause.
            self.change(row.row, RowChange::Pending, None)?;
            return Ok(Attempt::Again {
                delay: Duration::ZERO,
                unknown: false,
            });
        }
        // A workspace has no lookup; sent again after a lost answer, "already mapped"
        // means the lost attempt had provisioned it.
        if after_unknown
            && matches!(row.request, RowRequest::ProvisionWorkspace(_))
            && status == Some(409)
            && error
                .api()
                .is_some_and(|api| api.error_codes().next() == Some(ALREADY_MAPPED))
        {
            let change = RowChange::Final {
                id: None,
                status: "provisioned".into(),
                reason: Some(
                    "provisioned by an earlier attempt whose answer was lost; its id was not returned"
                        .into(),
                ),
                tracking_id: error.tracking_id().map(str::to_string),
            };
            self.change(row.row, change, None)?;
            return Ok(Attempt::Recorded);
        }
        *failures += 1;
        let failure = error.failure();
        match failure {
            // Webex acted: look for what it made; if the list does not show it yet, the row
            // stays `sending` for a later look, and is never sent again.
            Failure::Acted => {
                self.reconcile_acted(row).await?;
                return Ok(Attempt::Recorded);
            }
            Failure::MayHaveActed { .. } => {
                if self.reconcile(row).await? {
                    return Ok(Attempt::Recorded);
                }
            }
            Failure::NotProcessed => self.change(row.row, RowChange::Pending, None)?,
            Failure::Final => {
                self.fail(row.row, error.to_string(), error)?;
                return Ok(Attempt::Recorded);
            }
        }
        if *failures >= MAX_ATTEMPTS {
            let why = format!("gave up after {MAX_ATTEMPTS} attempts: {error}");
            self.fail(row.row, why, error)?;
            return Ok(Attempt::Recorded);
        }
        Ok(Attempt::Again {
            delay: full_jitter(self.sends.random(), INITIAL_BACKOFF, MAX_BACKOFF, *failures),
            unknown: matches!(failure, Failure::MayHaveActed { .. }),
        })
    }

    /// One request for `row`, through the client's request stack.
    async fn send_request(
        &self,
        row: &JournalRow,
        attempt: u32,
        tracking_id: String,
    ) -> Result<Shown, Error> {
        let client = &self.sends;
        let api = client.api();
        match &row.request {
            RowRequest::ProvisionSubscriber(body) => client
                .attempt(
                    Operation::ProvisionSubscriber,
                    attempt,
                    tracking_id,
                    None,
                    &|| api.provision_subscriber().body(body.clone()).send(),
                )
                .await
                .map(Shown::of_reply),
            RowRequest::UpdateSubscriber { body, .. } => {
                let id = row.subscriber_id.clone().unwrap_or_default();
                client
                    .attempt(
                        Operation::UpdateSubscriber,
                        attempt,
                        tracking_id,
                        None,
                        &|| {
                            api.update_subscriber()
                                .subscriber_id(&id)
                                .body(body.clone())
                                .send()
                        },
                    )
                    .await
                    .map(Shown::of_reply)
            }
            RowRequest::ProvisionWorkspace(body) => client
                .attempt(
                    Operation::ProvisionWorkspace,
                    attempt,
                    tracking_id,
                    None,
                    &|| api.provision_workspace().body(body.clone()).send(),
                )
                .await
                .map(|reply: Box<Reply<types::Workspace>>| Shown {
                    id: reply.value.id,
                    status: "provisioned".into(),
                    since: None,
                    reason: None,
                    tracking_id: Some(reply.tracking_id),
                }),
        }
    }
}

/// A failure that no row of the run can overcome, so that sending on would only repeat it:
/// the token refused (401) or without the scope (403), the collection path itself missing
/// (404 on a provisioning: a base URL without `/v1`), nothing listening, a name that does
/// not resolve, a TLS handshake that fails. Each was refused before Webex acted.
fn run_wide_problem(request: &RowRequest, error: &Error) -> Option<BatchHalt> {
    let again = "; then resume the run";
    match error {
        Error::Api(api) => match api.status().as_u16() {
            401 => Some(BatchHalt {
                problem: "Webex refused the access token (401)".into(),
                fix: format!("give a valid, unexpired partner administrator's token{again}"),
            }),
            403 => Some(BatchHalt {
                problem: format!("the access token may not call {} (403)", api.operation()),
                fix: format!("use a token whose administrator has the operation's scope{again}"),
            }),
            404 if matches!(
                request,
                RowRequest::ProvisionSubscriber(_) | RowRequest::ProvisionWorkspace(_)
            ) =>
            {
                let fix = match &api.unversioned_base {
                    Some(base) => format!(
                        "the base URL {base} lacks /v1: use {base}/v1 (Webex's is https://webexapis.com/v1){again}"
                    ),
                    None => format!(
                        "check the base URL: it must be the API's root, such as https://webexapis.com/v1{again}"
                    ),
                };
                Some(BatchHalt {
                    problem: format!("the path of {} does not exist there (404)", api.operation()),
                    fix,
                })
            }
            _ => None,
        },
        Error::Transport(failure) if !failure.was_sent() => {
            let cause = failure.cause();
            let lasting = [
                "refused",
                "could not be resolved",
                "TLS handshake",
                "cannot be reached",
            ];
            lasting
                .iter()
                .any(|kind| cause.contains(kind))
                .then(|| BatchHalt {
                    problem: format!("could not connect to Webex: {cause}"),
                    fix: format!("check the base URL and the network{again}"),
                })
        }
        _ => None,
    }
}
