//! Exit codes, and the one error type every command returns.

use std::fmt;
use std::process::ExitCode;

use crate::validation::Problems;

/// What `wxbw` exits with. Documented in `wxbw --help` and the crate README.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// 0: everything asked for was done.
    Success,
    /// 1: the API refused the request or failed, a subscriber ended in `error`, or a local
    /// file or journal could not be used.
    Failure,
    /// 2: the command line itself is wrong (unknown flag, missing argument, no token).
    Usage,
    /// 3: the input is invalid; every problem was printed and nothing was sent.
    Invalid,
    /// 4: a bulk run finished, but some rows failed; see the results file.
    Partial,
    /// 5: waiting stopped at its time limit before a final status.
    TimedOut,
    /// 130: interrupted with Ctrl-C; what was sent stays sent, and a bulk run resumes with
    /// `--resume`.
    Interrupted,
}

impl Exit {
    /// The process exit code.
    pub fn code(self) -> u8 {
        match self {
            Exit::Success => 0,
            Exit::Failure => 1,
            Exit::Usage => 2,
            Exit::Invalid => 3,
            Exit::Partial => 4,
            Exit::TimedOut => 5,
            Exit::Interrupted => 130,
        }
    }
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> Self {
        ExitCode::from(exit.code())
    }
}

/// The table printed by `--help`.
pub const EXIT_CODES_HELP: &str = "\
Exit codes:
  0    success
  1    the API refused the request or failed, a subscriber ended in error, or a local
       file or journal could not be used
  2    usage error: unknown flag, missing argument, no token
  3    invalid input: every problem is listed and nothing was sent
  4    bulk run finished with some rows failed (see the results file)
  5    waiting reached its time limit before a final status
  130  interrupted by Ctrl-C: what was sent stays sent; resume a bulk run with --resume";

/// Why a command did not succeed. `Display` is what the operator reads on stderr; no
/// variant ever holds the token.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The command line cannot be used as given.
    #[error("{0}")]
    Usage(String),
    /// The input has problems; nothing was sent.
    #[error("{0}")]
    Invalid(Problems),
    /// A call through the ergonomic client failed; its message says what to do.
    #[error(transparent)]
    Client(Box<webex_broadworks::Error>),
    /// The operation was accepted but ended in failure (a subscriber in `error`, a
    /// billing report `FAILED`, ...).
    #[error("{0}")]
    Outcome(String),
    /// Waiting reached its limit before a final status.
    #[error("{0}")]
    TimedOut(String),
    /// Ctrl-C.
    #[error("{0}")]
    Interrupted(String),
    /// A bulk run left rows failed.
    #[error("{0}")]
    Partial(String),
    /// A local file, the journal or the terminal failed.
    #[error("{0}")]
    Local(String),
    /// Whoever read stdout stopped reading (`wxbw ... | head`): the command ends, quietly
    /// and successfully, as other command-line tools do.
    #[error("stdout was closed")]
    StdoutClosed,
}

impl CliError {
    /// The exit code for this error.
    pub fn exit(&self) -> Exit {
        match self {
            CliError::Usage(_) => Exit::Usage,
            CliError::StdoutClosed => Exit::Success,
            CliError::Invalid(_) => Exit::Invalid,
            CliError::Outcome(_) | CliError::Local(_) => Exit::Failure,
            CliError::TimedOut(_) => Exit::TimedOut,
            CliError::Interrupted(_) => Exit::Interrupted,
            CliError::Partial(_) => Exit::Partial,
            CliError::Client(error) => match error.as_ref() {
                webex_broadworks::Error::Validation(_) => Exit::Invalid,
                webex_broadworks::Error::WaitTimedOut(_) => Exit::TimedOut,
                webex_broadworks::Error::Config(_) => Exit::Usage,
                _ => Exit::Failure,
            },
        }
    }

    /// The error as one JSON object, for `--output json` and `ndjson` (written on stderr):
    /// `{"error": {"message", "exitCode", "status", "trackingId", "errorCodes"}}`, the last
    /// three when Webex answered.
    ///
    /// ```
    /// let error = webex_broadworks_cli::exit::CliError::Usage("no access token".into());
    /// let json = error.to_json();
    /// assert_eq!(json["error"]["message"], "no access token");
    /// assert_eq!(json["error"]["exitCode"], 2);
    /// ```
    pub fn to_json(&self) -> serde_json::Value {
        let mut error = serde_json::json!({
            "message": self.to_string(),
            "exitCode": self.exit().code(),
        });
        if let CliError::Client(client) = self {
            if let Some(status) = client.status() {
                error["status"] = status.as_u16().into();
            }
            if let Some(tracking_id) = client.tracking_id() {
                error["trackingId"] = tracking_id.into();
            }
            if let Some(api) = client.api() {
                error["errorCodes"] = api.error_codes().collect::<Vec<i64>>().into();
            }
        }
        serde_json::json!({ "error": error })
    }

    /// A local failure with what was being done.
    pub fn local(doing: impl fmt::Display, error: impl fmt::Display) -> Self {
        CliError::Local(format!("{doing}: {error}"))
    }
}

impl From<webex_broadworks::Error> for CliError {
    fn from(error: webex_broadworks::Error) -> Self {
        match error {
            webex_broadworks::Error::Journal(journal) => CliError::from(*journal),
            error => CliError::Client(Box::new(error)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_listed_in_the_help_table() {
        for exit in [
            Exit::Success,
            Exit::Failure,
            Exit::Usage,
            Exit::Invalid,
            Exit::Partial,
            Exit::TimedOut,
            Exit::Interrupted,
        ] {
            let code = exit.code().to_string();
            assert!(
                EXIT_CODES_HELP
                    .lines()
                    .any(|line| line.trim_start().starts_with(&format!("{code} "))),
                "{code} missing"
            );
        }
    }
}
