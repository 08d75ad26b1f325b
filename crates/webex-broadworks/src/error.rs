//! The one error type of the crate.

use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

use reqwest::StatusCode;

use crate::async_work::{AsyncError, PauseReason};
use crate::operation::{Operation, Replay};
use crate::validate::ValidationReport;

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong with a call.
///
/// Each variant's documentation says what to do about it; `Display` says it too, in one
/// sentence. The accessors ([`status`](Error::status), [`tracking_id`](Error::tracking_id),
/// [`is_retryable`](Error::is_retryable)) work across variants.
///
/// ```no_run
/// use webex_broadworks::Error;
///
/// # async fn example(client: webex_broadworks::Client) {
/// match client.subscribers().get("Y2lzY29zcGFyazovL3VzL1NVQlNDUklCRVIv").await {
///     Ok(subscriber) => println!("{:?}", subscriber.status),
///     // Nothing was sent: every problem, with the field and what to do.
///     Err(Error::Validation(report)) => {
///         for problem in report.problems() {
///             eprintln!("{}: {}", problem.field(), problem.hint());
///         }
///     }
///     Err(error) if error.status() == Some(webex_broadworks::reqwest::StatusCode::NOT_FOUND) => {
///         eprintln!("no such subscriber");
///     }
///     // The message says what to do; the tracking id is what Webex support asks for.
///     Err(error) => eprintln!("{error} (trackingId {:?})", error.tracking_id()),
/// }
/// # }
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The request broke rules Webex states for its fields; nothing was sent.
    /// Fix each field the report names.
    Validation(ValidationReport),
    /// Webex answered with an error status. Read the message and details; quote the
    /// tracking id to Webex support if it persists.
    Api(Box<ApiError>),
    /// Webex kept answering `429 Too Many Requests` until the retry policy gave up.
    /// Send fewer requests, or wait [`RateLimited::retry_after`] before the next one.
    RateLimited(Box<RateLimited>),
    /// The request could not be sent, or its response not read. Check the network and the
    /// base URL; [`TransportError::was_sent`] says whether Webex may have received it.
    Transport(Box<TransportError>),
    /// No response came within the request timeout. Webex may still have acted on it.
    Timeout(Box<TimeoutError>),
    /// A response came whose body could not be decoded. Try again; report the tracking id
    /// if it persists.
    UndecodableResponse(Box<UndecodableResponse>),
    /// A wait used up its time or its polls before the resource settled. Wait again, or
    /// give the wait policy more time.
    WaitTimedOut(Box<WaitTimeout>),
    /// A subscriber's provisioning waits for the end user (see [`PauseReason`]).
    SubscriberPaused(Box<SubscriberPaused>),
    /// Asynchronous work (a provisioning, an update, a billing report) ended in failure.
    /// Read the errors; fix the cause and start again. (A directory synchronisation's wait
    /// returns its final status, `FAILED` included, with the errors in it.)
    AsyncFailed(Box<AsyncFailure>),
    /// The token provider could not give a token. Check the provider.
    Credentials(Box<CredentialsError>),
    /// The client's configuration cannot work (a base URL, a TLS setup). Fix the builder call.
    Config(Box<ConfigError>),
    /// A batch's journal could not be read or written. What was recorded stays recorded:
    /// fix the cause the message names (disk, permissions, another run) and resume.
    Journal(Box<crate::bulk::journal::JournalError>),
}

impl Error {
    /// Whether sending the same request again cannot create a duplicate and may succeed:
    /// rate limits, `423`, a connection that failed before sending, and, for a call that is
    /// safe to repeat (a read, an update, a removal), `502`-`504`, broken connections,
    /// timeouts and undecodable answers; also waits that ran out of time.
    ///
    /// It is `false` whenever Webex may have acted on a call that is not safe to repeat (a
    /// provisioning, a billing report, the consent e-mail): look the resource up first (see
    /// [`may_have_acted`](Self::may_have_acted); for a subscriber,
    /// [`Subscribers::find_by_user_id_allowing_lag`](crate::Subscribers::find_by_user_id_allowing_lag)). The client has already done so for a
    /// subscriber's provisioning, and reports what it could not settle.
    ///
    /// ```
    /// # fn decide(error: webex_broadworks::Error) {
    /// if error.is_retryable() {
    ///     // Send the same request again, later.
    /// } else if error.may_have_acted() {
    ///     // Look the resource up before anything else: it may exist.
    /// } else {
    ///     // Fix the request or the set-up, as the message says.
    /// }
    /// # }
    /// ```
    pub fn is_retryable(&self) -> bool {
        // The one classification the retry loop uses too; a wait is not a request.
        let safe_to_repeat = || {
            self.operation()
                .is_some_and(|operation| operation.replay() == Replay::Safe)
        };
        match self {
            Error::WaitTimedOut(_) => true,
            _ => match self.failure() {
                Failure::NotProcessed => true,
                Failure::MayHaveActed { transient } => transient && safe_to_repeat(),
                Failure::Acted => safe_to_repeat(),
                Failure::Final => false,
            },
        }
    }

    /// Whether Webex may have carried out the request behind the error: no answer came (a
    /// timeout, a broken connection), the answer was a 5xx, or a success whose body could
    /// not be read. Then the outcome is unknown: look before sending again.
    ///
    /// ```no_run
    /// # async fn example(client: webex_broadworks::Client, request: webex_broadworks::ProvisionSubscriber) -> Result<(), webex_broadworks::Error> {
    /// if let Err(error) = client.subscribers().provision(request).await {
    ///     if error.may_have_acted() {
    ///         // Look before sending again.
    ///         let found = client.subscribers().find_by_user_id_allowing_lag("95547321@sp.com").await?;
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub fn may_have_acted(&self) -> bool {
        matches!(
            self.failure(),
            Failure::MayHaveActed { .. } | Failure::Acted
        )
    }

    /// What the failure says about the request that caused it: the table every retry
    /// decision of the crate reads.
    pub(crate) fn failure(&self) -> Failure {
        match self {
            Error::Api(api) => match api.status().as_u16() {
                423 | 429 => Failure::NotProcessed,
                502..=504 => Failure::MayHaveActed { transient: true },
                500..=599 => Failure::MayHaveActed { transient: false },
                _ => Failure::Final,
            },
            Error::RateLimited(_) => Failure::NotProcessed,
            Error::Transport(t) if !t.was_sent() => Failure::NotProcessed,
            Error::Transport(_) | Error::Timeout(_) => Failure::MayHaveActed { transient: true },
            // A cut-short body or a proxy's error page may not happen again; a client error
            // will.
            Error::UndecodableResponse(u) => match u.status() {
                // A 2xx means Webex acted, whatever the body says.
                Some(status) if status.is_success() => Failure::Acted,
                Some(status) if status.is_client_error() => {
                    if is_retryable_status(status) {
                        Failure::NotProcessed
                    } else {
                        Failure::Final
                    }
                }
                _ => Failure::MayHaveActed { transient: true },
            },
            _ => Failure::Final,
        }
    }

    /// The HTTP status of the response behind the error, when there was one and it is known.
    ///
    /// ```no_run
    /// # async fn example(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
    /// let error = client.subscribers().get("Y2lzY29zcGFyazovL3VzL1NVQlNDUklCRVIv").await.unwrap_err();
    /// if error.status() == Some(webex_broadworks::reqwest::StatusCode::NOT_FOUND) {
    ///     println!("gone");
    /// }
    /// # Ok(()) }
    /// ```
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(api) => Some(api.status),
            Error::RateLimited(_) => Some(StatusCode::TOO_MANY_REQUESTS),
            Error::UndecodableResponse(u) => u.status,
            _ => None,
        }
    }

    /// The tracking id of the request behind the error: the one Webex returned (body, then
    /// `trackingid` header), else the `TrackingID` the client sent. Quote it to Webex support.
    ///
    /// ```no_run
    /// # async fn example(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
    /// if let Err(error) = client.subscribers().get("Y2lzY29zcGFyazovL3VzL1NVQlNDUklCRVIv").await {
    ///     eprintln!("{error}; give Webex support the TrackingID {:?}", error.tracking_id());
    /// }
    /// # Ok(()) }
    /// ```
    pub fn tracking_id(&self) -> Option<&str> {
        match self {
            Error::Api(api) => Some(&api.tracking_id),
            Error::RateLimited(r) => Some(&r.tracking_id),
            Error::Transport(t) => Some(&t.tracking_id),
            Error::Timeout(t) => Some(&t.tracking_id),
            Error::UndecodableResponse(u) => Some(&u.tracking_id),
            Error::WaitTimedOut(w) => w.tracking_id.as_deref(),
            Error::SubscriberPaused(p) => p.tracking_id.as_deref(),
            Error::AsyncFailed(f) => f.tracking_id.as_deref(),
            Error::Validation(_) | Error::Credentials(_) | Error::Config(_) | Error::Journal(_) => {
                None
            }
        }
    }

    /// The validation report, for [`Error::Validation`].
    ///
    /// ```no_run
    /// use webex_broadworks::ProvisionSubscriber;
    ///
    /// # async fn example(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
    /// let request = ProvisionSubscriber::new().user_id("95547321@sp.com");
    /// let error = client.subscribers().provision(request).await.unwrap_err();
    /// let report = error.validation().expect("nothing was sent");
    /// for problem in report.problems() {
    ///     eprintln!("{}: {} ({})", problem.field(), problem.rule(), problem.hint());
    /// }
    /// # Ok(()) }
    /// ```
    pub fn validation(&self) -> Option<&ValidationReport> {
        match self {
            Error::Validation(report) => Some(report),
            _ => None,
        }
    }

    /// The API error, for [`Error::Api`].
    ///
    /// ```no_run
    /// # async fn example(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
    /// if let Err(error) = client.subscribers().get("Y2lzY29zcGFyazovL3VzL1NVQlNDUklCRVIv").await {
    ///     if let Some(answer) = error.api() {
    ///         let codes: Vec<i64> = answer.error_codes().collect();
    ///         println!("{} {codes:?}: {:?}", answer.status(), answer.message());
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(api) => Some(api),
            _ => None,
        }
    }

    /// The variant's name, for logs that must not carry the message (an excerpt of a body
    /// may hold personal data).
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Error::Validation(_) => "Validation",
            Error::Api(_) => "Api",
            Error::RateLimited(_) => "RateLimited",
            Error::Transport(_) => "Transport",
            Error::Timeout(_) => "Timeout",
            Error::UndecodableResponse(_) => "UndecodableResponse",
            Error::WaitTimedOut(_) => "WaitTimedOut",
            Error::SubscriberPaused(_) => "SubscriberPaused",
            Error::AsyncFailed(_) => "AsyncFailed",
            Error::Credentials(_) => "Credentials",
            Error::Config(_) => "Config",
            Error::Journal(_) => "Journal",
        }
    }

    /// The operation the error belongs to, when one does.
    pub fn operation(&self) -> Option<Operation> {
        match self {
            Error::Api(api) => Some(api.operation),
            Error::RateLimited(r) => Some(r.operation),
            Error::Transport(t) => Some(t.operation),
            Error::Timeout(t) => Some(t.operation),
            Error::UndecodableResponse(u) => Some(u.operation),
            _ => None,
        }
    }
}

/// What a failure says about the request that caused it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Failure {
    /// Webex cannot have acted on it: 429, 423, a connection that failed before sending.
    NotProcessed,
    /// Webex may have acted on it. `transient`: sending it again may succeed (502-504,
    /// a broken connection, a timeout, an unreadable body); a 500 is not transient.
    MayHaveActed { transient: bool },
    /// Webex answered with a success, so it acted, but the answer could not be read. A
    /// request that is safe to repeat may be sent again; any other never is.
    Acted,
    /// Sending it again will fail the same way.
    Final,
}

pub(crate) fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 423 | 429 | 502 | 503 | 504)
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Validation(report) => {
                let n = report.problems().len();
                write!(
                    f,
                    "the request was not sent because {n} field{} broke Webex's rules ({report}); fix {} and send it again",
                    if n == 1 { "" } else { "s" },
                    if n == 1 { "it" } else { "them" },
                )
            }
            Error::Api(api) => api.fmt(f),
            Error::RateLimited(r) => r.fmt(f),
            Error::Transport(t) => t.fmt(f),
            Error::Timeout(t) => t.fmt(f),
            Error::UndecodableResponse(u) => u.fmt(f),
            Error::WaitTimedOut(w) => w.fmt(f),
            Error::SubscriberPaused(p) => p.fmt(f),
            Error::AsyncFailed(a) => a.fmt(f),
            Error::Credentials(c) => c.fmt(f),
            Error::Config(c) => c.fmt(f),
            Error::Journal(j) => j.fmt(f),
        }
    }
}

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            Error::Transport(t) => Some(&t.source),
            Error::UndecodableResponse(u) => {
                u.source.as_ref().map(|e| e as &(dyn StdError + 'static))
            }
            Error::Credentials(c) => Some(c.source.as_ref()),
            Error::Journal(j) => Some(j.as_ref()),
            _ => None,
        }
    }
}

impl From<ValidationReport> for Error {
    fn from(report: ValidationReport) -> Self {
        Error::Validation(report)
    }
}

/// One entry of a Webex error body.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ErrorDetail {
    pub(crate) code: Option<i64>,
    pub(crate) description: Option<String>,
    pub(crate) field_name: Option<String>,
}

impl ErrorDetail {
    /// The numeric `errorCode` (1001: a mandatory field is missing, ...).
    pub fn code(&self) -> Option<i64> {
        self.code
    }

    /// The problem, in Webex's words.
    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }

    /// The request field at fault (`fieldName`), when Webex names one.
    pub fn field_name(&self) -> Option<&str> {
        self.field_name.as_deref()
    }
}

/// An error response from Webex.
#[derive(Clone, Debug)]
pub struct ApiError {
    pub(crate) operation: Operation,
    pub(crate) status: StatusCode,
    pub(crate) message: Option<String>,
    pub(crate) details: Vec<ErrorDetail>,
    pub(crate) tracking_id: String,
    pub(crate) retry_after: Option<Duration>,
    pub(crate) attempts: u32,
    /// The base URL, when it lacks the `/v1` that every path of the API starts with: a 404
    /// then says so rather than blaming the identifier.
    pub(crate) unversioned_base: Option<String>,
}

impl ApiError {
    /// The operation that failed.
    pub fn operation(&self) -> Operation {
        self.operation
    }
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }
    /// Webex's `message`.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }
    /// Each entry of the body's `errors`.
    pub fn details(&self) -> &[ErrorDetail] {
        &self.details
    }
    /// Every `errorCode` of the body.
    pub fn error_codes(&self) -> impl Iterator<Item = i64> + '_ {
        self.details.iter().filter_map(|d| d.code)
    }
    /// The tracking id: the body's `trackingId`, else the `trackingid` header, else the one sent.
    pub fn tracking_id(&self) -> &str {
        &self.tracking_id
    }
    /// The `Retry-After` of the last response, if it had one.
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }
    /// How many requests the call made.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Webex refused {} with {}", self.operation, self.status)?;
        if let Some(message) = &self.message {
            write!(f, ": \"{message}\"")?;
        }
        let details: Vec<String> = self
            .details
            .iter()
            .map(|d| {
                let mut s = String::new();
                if let Some(code) = d.code {
                    s.push_str(&format!("errorCode {code}"));
                }
                if let Some(field) = &d.field_name {
                    s.push_str(&format!(" on field {field}"));
                }
                if let Some(description) = &d.description
                    && Some(description) != self.message.as_ref()
                {
                    s.push_str(&format!(" \"{description}\""));
                }
                s.trim().to_string()
            })
            .filter(|s| !s.is_empty())
            .collect();
        if !details.is_empty() {
            write!(f, " ({})", details.join("; "))?;
        }
        let advice = match self.status.as_u16() {
            400 => "correct the request as the details say",
            401 => "check that the access token is valid and not expired",
            403 => "check that the token's administrator has the operation's scope",
            404 => match &self.unversioned_base {
                Some(base) => {
                    return write!(
                        f,
                        "; check the identifier, and the base URL: {base} does not end in /v1, \
                         where the API's paths start (Webex's is https://webexapis.com/v1), so \
                         use {base}/v1 unless a proxy adds it; quote trackingId {} to Webex \
                         support if it persists",
                        self.tracking_id
                    );
                }
                None => "check the identifier",
            },
            409 => "read the resource's current state before changing it",
            423 | 502..=504 => "try again later",
            _ => "check the request against the message",
        };
        write!(
            f,
            "; {advice}, and quote trackingId {} to Webex support if it persists",
            self.tracking_id
        )
    }
}

/// Rate limiting that outlasted the retry policy.
#[derive(Clone, Debug)]
pub struct RateLimited {
    pub(crate) operation: Operation,
    pub(crate) retry_after: Option<Duration>,
    pub(crate) attempts: u32,
    pub(crate) tracking_id: String,
}

impl RateLimited {
    /// The operation that was limited.
    pub fn operation(&self) -> Operation {
        self.operation
    }
    /// How long Webex asked to wait, as its last `Retry-After` said.
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }
    /// How many requests the call made.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }
    /// The tracking id of the last request.
    pub fn tracking_id(&self) -> &str {
        &self.tracking_id
    }
}

impl fmt::Display for RateLimited {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Webex rate-limited {} on each of {} attempt{}",
            self.operation,
            self.attempts,
            if self.attempts == 1 { "" } else { "s" }
        )?;
        match self.retry_after {
            Some(after) => write!(f, "; wait {} before sending it again", human(after))?,
            None => f.write_str("; send fewer requests before sending it again")?,
        }
        write!(f, " (trackingId {})", self.tracking_id)
    }
}

/// A failure to send a request or to read its response.
#[derive(Debug)]
pub struct TransportError {
    pub(crate) operation: Operation,
    pub(crate) was_sent: bool,
    pub(crate) tracking_id: String,
    pub(crate) attempts: u32,
    pub(crate) source: reqwest::Error,
}

impl TransportError {
    /// The operation.
    pub fn operation(&self) -> Operation {
        self.operation
    }
    /// `false` when the connection failed before the request went out, so Webex cannot
    /// have acted on it.
    pub fn was_sent(&self) -> bool {
        self.was_sent
    }
    /// The `TrackingID` the client sent.
    pub fn tracking_id(&self) -> &str {
        &self.tracking_id
    }
    /// How many requests the call made.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// What went wrong, in words: a refused connection, a name that does not resolve, a
    /// TLS handshake that failed (and why), a reset, or the innermost cause as reported.
    ///
    /// ```no_run
    /// # async fn example(client: webex_broadworks::Client) {
    /// if let Err(webex_broadworks::Error::Transport(failure)) = client.subscribers().get("x").await {
    ///     eprintln!("{}", failure.cause()); // "the connection was refused (nothing listens at that address and port)"
    /// }
    /// # }
    /// ```
    pub fn cause(&self) -> String {
        describe_transport_cause(&self.source)
    }
}

/// The cause of a transport failure, from its chain of sources.
fn describe_transport_cause(error: &(dyn StdError + 'static)) -> String {
    let mut messages = Vec::new();
    let mut current: Option<&(dyn StdError + 'static)> = Some(error);
    while let Some(error) = current {
        if let Some(io) = error.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind;
            let known = match io.kind() {
                ErrorKind::ConnectionRefused => {
                    Some("the connection was refused (nothing listens at that address and port)")
                }
                ErrorKind::ConnectionReset => Some("the connection was reset by the other side"),
                ErrorKind::TimedOut => Some("the connection timed out"),
                ErrorKind::HostUnreachable | ErrorKind::NetworkUnreachable => {
                    Some("the host cannot be reached from this network")
                }
                _ => None,
            };
            if let Some(known) = known {
                return known.to_string();
            }
        }
        messages.push(error.to_string());
        current = error.source();
    }
    let all = messages.join(": ").to_ascii_lowercase();
    let innermost = messages.last().cloned().unwrap_or_default();
    if all.contains("dns error") || all.contains("failed to lookup address") {
        format!("the host name could not be resolved ({innermost})")
    } else if all.contains("certificate") || all.contains("tls") || all.contains("handshake") {
        format!("the TLS handshake failed ({innermost})")
    } else if messages.len() > 1 && messages[0] != innermost {
        format!("{}: {innermost}", messages[0])
    } else {
        innermost
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.was_sent {
            write!(
                f,
                "the connection to Webex failed during {} after the request went out ({}), so Webex may have acted on it; check the resource before sending it again (TrackingID {})",
                self.operation,
                self.cause(),
                self.tracking_id
            )
        } else {
            write!(
                f,
                "could not connect to Webex for {}: {}; check the network and the base URL, then try again",
                self.operation,
                self.cause()
            )
        }
    }
}

/// No response within the request timeout.
#[derive(Clone, Debug)]
pub struct TimeoutError {
    pub(crate) operation: Operation,
    pub(crate) after: Option<Duration>,
    pub(crate) tracking_id: String,
    pub(crate) attempts: u32,
}

impl TimeoutError {
    /// The operation.
    pub fn operation(&self) -> Operation {
        self.operation
    }
    /// The request timeout that ran out; `None` when the HTTP client's own timeout did.
    pub fn after(&self) -> Option<Duration> {
        self.after
    }
    /// The `TrackingID` of the request that timed out.
    pub fn tracking_id(&self) -> &str {
        &self.tracking_id
    }
    /// How many requests the call made.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }
}

impl fmt::Display for TimeoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let within = match self.after {
            Some(after) => format!("within {}", human(after)),
            None => "within the HTTP client's timeout".to_string(),
        };
        write!(
            f,
            "Webex did not answer {} {within}, so it may or may not have acted on it; check the resource before sending it again, or raise the request timeout (TrackingID {})",
            self.operation, self.tracking_id
        )
    }
}

/// A response whose body could not be decoded.
#[derive(Debug)]
pub struct UndecodableResponse {
    pub(crate) operation: Operation,
    pub(crate) status: Option<StatusCode>,
    pub(crate) excerpt: String,
    pub(crate) tracking_id: String,
    pub(crate) source: Option<serde_json::Error>,
}

/// How much of an undecodable body an error keeps.
pub(crate) const EXCERPT_CHARS: usize = 200;

impl UndecodableResponse {
    /// The operation.
    pub fn operation(&self) -> Operation {
        self.operation
    }
    /// The response's status; `None` only when no response head was seen.
    pub fn status(&self) -> Option<StatusCode> {
        self.status
    }
    /// The start of the body, at most 200 characters.
    pub fn excerpt(&self) -> &str {
        &self.excerpt
    }
    /// The tracking id.
    pub fn tracking_id(&self) -> &str {
        &self.tracking_id
    }
}

impl fmt::Display for UndecodableResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.status {
            Some(status) => write!(f, "Webex answered {} with {status}", self.operation)?,
            None => write!(f, "Webex answered {}", self.operation)?,
        }
        // Advice that matches what sending it again would do: a client error comes back
        // the same, and an operation that is not safe to repeat may have been carried out.
        let advice = match self.status {
            Some(status) if status.is_client_error() && !is_retryable_status(status) => {
                "check the request (the path, the ids, the token's scopes) before sending it again"
            }
            _ if self.operation.replay() == Replay::OnlyIfNotProcessed => {
                "Webex may have carried it out: look the resource up before sending it again"
            }
            _ => "try again",
        };
        write!(
            f,
            " but the body is not what the API describes (starts {:?}); {advice}, and quote trackingId {} to Webex support if it persists",
            self.excerpt, self.tracking_id
        )
    }
}

pub(crate) fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut out: String = text.chars().take(EXCERPT_CHARS).collect();
    if text.chars().count() > EXCERPT_CHARS {
        out.push('…');
    }
    out
}

/// What a wait was waiting for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Resource {
    /// A subscriber's provisioning or update.
    Subscriber,
    /// A billing report's generation.
    BillingReport,
    /// An enterprise's directory synchronisation.
    DirectorySync,
}

impl fmt::Display for Resource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Resource::Subscriber => "subscriber",
            Resource::BillingReport => "billing report",
            Resource::DirectorySync => "directory synchronisation of enterprise",
        })
    }
}

/// Why a wait stopped before the resource settled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum WaitLimit {
    /// The wait policy's `max_wait` ran out.
    Time,
    /// The wait policy's `max_polls` were all used.
    Polls,
}

/// A wait that ran out of time or polls.
#[derive(Clone, Debug)]
pub struct WaitTimeout {
    pub(crate) resource: Resource,
    pub(crate) id: String,
    pub(crate) limit: WaitLimit,
    pub(crate) elapsed: Duration,
    pub(crate) polls: u32,
    pub(crate) last_status: Option<String>,
    pub(crate) last_error: Option<String>,
    pub(crate) tracking_id: Option<String>,
}

impl WaitTimeout {
    /// What was waited for.
    pub fn resource(&self) -> Resource {
        self.resource
    }
    /// The resource's id.
    pub fn id(&self) -> &str {
        &self.id
    }
    /// Which limit stopped the wait.
    pub fn limit(&self) -> WaitLimit {
        self.limit
    }
    /// How long the wait lasted.
    pub fn elapsed(&self) -> Duration {
        self.elapsed
    }
    /// How many times the status was read.
    pub fn polls(&self) -> u32 {
        self.polls
    }
    /// The last status seen, as Webex wrote it.
    pub fn last_status(&self) -> Option<&str> {
        self.last_status.as_deref()
    }
    /// The last poll's failure, when the last poll failed.
    pub fn last_error(&self) -> Option<&str> {
        self.last_error.as_deref()
    }
    /// The tracking id of the last poll.
    pub fn tracking_id(&self) -> Option<&str> {
        self.tracking_id.as_deref()
    }
}

impl fmt::Display for WaitTimeout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} had not settled after {} and {} poll{}",
            self.resource,
            self.id,
            human(self.elapsed),
            self.polls,
            if self.polls == 1 { "" } else { "s" }
        )?;
        if let Some(status) = &self.last_status {
            write!(f, " (last status {status})")?;
        }
        if let Some(error) = &self.last_error {
            write!(f, " (last poll failed: {error})")?;
        }
        let remedy = match self.limit {
            WaitLimit::Time => "wait again or give the wait policy a longer max_wait",
            WaitLimit::Polls => "wait again or give the wait policy more max_polls",
        };
        write!(f, "; {remedy}")?;
        if let Some(tracking) = &self.tracking_id {
            write!(f, " (trackingId {tracking})")?;
        }
        Ok(())
    }
}

/// A subscriber whose provisioning waits for the end user.
#[derive(Clone, Debug)]
pub struct SubscriberPaused {
    pub(crate) id: String,
    pub(crate) reason: PauseReason,
    pub(crate) tracking_id: Option<String>,
}

impl SubscriberPaused {
    /// The subscriber's id.
    pub fn id(&self) -> &str {
        &self.id
    }
    /// What the end user has to do.
    pub fn reason(&self) -> PauseReason {
        self.reason
    }
}

impl fmt::Display for SubscriberPaused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "subscriber {} is paused ({}): {}",
            self.id,
            self.reason.status(),
            self.reason.what_to_do()
        )
    }
}

/// Asynchronous work that ended in failure.
#[derive(Clone, Debug)]
pub struct AsyncFailure {
    pub(crate) resource: Resource,
    pub(crate) id: String,
    pub(crate) errors: Vec<AsyncError>,
    pub(crate) tracking_id: Option<String>,
}

impl AsyncFailure {
    /// What failed.
    pub fn resource(&self) -> Resource {
        self.resource
    }
    /// Its id.
    pub fn id(&self) -> &str {
        &self.id
    }
    /// The errors Webex reported.
    pub fn errors(&self) -> &[AsyncError] {
        &self.errors
    }
}

impl fmt::Display for AsyncFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} failed", self.resource, self.id)?;
        let errors: Vec<String> = self.errors.iter().map(ToString::to_string).collect();
        if errors.is_empty() {
            f.write_str(" without saying why")?;
        } else {
            write!(f, " ({})", errors.join("; "))?;
        }
        f.write_str("; fix the cause the errors name, then start it again")
    }
}

/// No usable access token: the token provider failed, or gave a token no header can carry.
#[derive(Debug)]
pub struct CredentialsError {
    pub(crate) source: Box<dyn StdError + Send + Sync>,
}

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "no usable access token ({}); check the token or its provider before trying again",
            self.source
        )
    }
}

/// A configuration the client cannot work with.
#[derive(Clone, Debug)]
pub struct ConfigError {
    pub(crate) problem: String,
    pub(crate) fix: &'static str,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}; {}", self.problem, self.fix)
    }
}

impl Error {
    pub(crate) fn config(problem: impl Into<String>, fix: &'static str) -> Self {
        Error::Config(Box::new(ConfigError {
            problem: problem.into(),
            fix,
        }))
    }
}

/// `2m 5s`, `1.5s`, `250ms`.
pub(crate) fn human(duration: Duration) -> String {
    let ms = duration.as_millis();
    if ms < 1000 {
        format!("{ms}ms")
    } else if ms < 60_000 {
        if ms.is_multiple_of(1000) {
            format!("{}s", ms / 1000)
        } else {
            format!("{:.1}s", duration.as_secs_f64())
        }
    } else {
        let secs = duration.as_secs();
        format!("{}m {}s", secs / 60, secs % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_stay_small() {
        assert!(
            std::mem::size_of::<Error>() <= 32,
            "{}",
            std::mem::size_of::<Error>()
        );
    }

    #[test]
    fn durations_read_well() {
        assert_eq!(human(Duration::from_millis(250)), "250ms");
        assert_eq!(human(Duration::from_secs(3)), "3s");
        assert_eq!(human(Duration::from_millis(1500)), "1.5s");
        assert_eq!(human(Duration::from_secs(125)), "2m 5s");
    }

    #[test]
    fn excerpts_are_short() {
        let body = "x".repeat(1000);
        let e = excerpt(body.as_bytes());
        assert_eq!(e.chars().count(), EXCERPT_CHARS + 1);
        assert_eq!(excerpt(b"<html>"), "<html>");
    }
}
