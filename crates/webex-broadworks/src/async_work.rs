//! What Webex tells of asynchronous work that stopped short of done: why a provisioning
//! is paused for the end user, and each failure it lists in `errors[]`.

use std::fmt;

use webex_broadworks_api::wire::SubscriberStatus;

/// What the end user has to do before a paused provisioning goes on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PauseReason {
    /// `pending_email_input`: the subscriber has to enter an e-mail address.
    EmailInput,
    /// `pending_email_validation`: the subscriber has to confirm the e-mail address.
    EmailValidation,
    /// `pending_user_migration`: the subscriber has to consent to moving an existing Webex
    /// account; the consent e-mail can be sent again with
    /// [`Subscribers::send_consent_move_email`](crate::Subscribers::send_consent_move_email).
    UserMigration,
}

impl PauseReason {
    pub(crate) fn from_status(status: &SubscriberStatus) -> Option<Self> {
        match status {
            SubscriberStatus::PendingEmailInput => Some(PauseReason::EmailInput),
            SubscriberStatus::PendingEmailValidation => Some(PauseReason::EmailValidation),
            SubscriberStatus::PendingUserMigration => Some(PauseReason::UserMigration),
            _ => None,
        }
    }

    /// The status as Webex writes it.
    pub fn status(self) -> &'static str {
        match self {
            PauseReason::EmailInput => "pending_email_input",
            PauseReason::EmailValidation => "pending_email_validation",
            PauseReason::UserMigration => "pending_user_migration",
        }
    }

    /// What to tell the end user.
    pub fn what_to_do(self) -> &'static str {
        match self {
            PauseReason::EmailInput => "the subscriber has to enter an e-mail address",
            PauseReason::EmailValidation => {
                "the subscriber has to confirm the e-mail address entered"
            }
            PauseReason::UserMigration => {
                "the subscriber has to consent to moving their Webex account; send the consent e-mail again if it was lost"
            }
        }
    }
}

/// One failure of asynchronous work, as Webex reports it (`errors[]`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AsyncError {
    pub(crate) code: Option<i64>,
    pub(crate) description: Option<String>,
}

impl AsyncError {
    /// The numeric code (10022: the BroadWorks user id is already mapped, ...).
    pub fn code(&self) -> Option<i64> {
        self.code
    }
    /// The failure in Webex's words.
    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }
}

impl fmt::Display for AsyncError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.code, &self.description) {
            (Some(code), Some(text)) => write!(f, "{code}: {text}"),
            (Some(code), None) => write!(f, "{code}"),
            (None, Some(text)) => f.write_str(text),
            (None, None) => f.write_str("no details"),
        }
    }
}
