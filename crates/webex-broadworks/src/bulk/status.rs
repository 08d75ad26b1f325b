//! What Webex showed of a row, and what that status means for the batch: final or not,
//! newer than the row's acceptance or not, and why in words.

use chrono::{DateTime, Utc};
use webex_broadworks_api::types::Subscriber;
use webex_broadworks_api::wire::{SubscriberStatus, Timestamp};

use crate::client::Reply;
use crate::outcome::SubscriberOutcome;

/// What Webex showed of a row's subscriber or workspace.
#[derive(Debug)]
pub(crate) struct Shown {
    pub(crate) id: Option<String>,
    pub(crate) status: String,
    pub(crate) since: Option<String>,
    pub(crate) reason: Option<String>,
    pub(crate) tracking_id: Option<String>,
}

/// Whether a status ends the wait.
pub(crate) fn is_final(status: &str) -> bool {
    let status = SubscriberStatus::from(status);
    status.is_known() && !status.is_in_progress()
}

pub(crate) fn is_newer_final(subscriber: &Subscriber, since: Option<&str>) -> bool {
    let Some(status) = &subscriber.status else {
        return false;
    };
    if !is_final(status.as_str()) {
        return false;
    }
    let since = since
        .and_then(|since| DateTime::parse_from_rfc3339(since).ok())
        .map(|since| since.with_timezone(&Utc));
    match (
        since,
        subscriber
            .last_status_change
            .as_ref()
            .and_then(Timestamp::get),
    ) {
        (Some(since), Some(changed)) => changed >= since,
        _ => true,
    }
}

impl Shown {
    pub(crate) fn of_reply(reply: Box<Reply<Subscriber>>) -> Shown {
        Shown::of_subscriber(reply.value, Some(reply.tracking_id))
    }

    pub(crate) fn of_subscriber(subscriber: Subscriber, tracking_id: Option<String>) -> Shown {
        let status = subscriber
            .status
            .clone()
            .map_or_else(|| "unknown".to_string(), |status| status.to_string());
        Shown {
            reason: reason(&subscriber),
            id: subscriber.id,
            since: subscriber
                .last_status_change
                .as_ref()
                .and_then(Timestamp::get)
                .map(|changed| changed.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)),
            status,
            tracking_id,
        }
    }
}

/// Why a subscriber is not provisioned, in words for a results file.
pub(crate) fn reason(subscriber: &Subscriber) -> Option<String> {
    SubscriberOutcome::of(subscriber).and_then(|outcome| outcome.explanation())
}

#[cfg(test)]
mod tests {
    use webex_broadworks_api::types;

    use super::*;

    #[test]
    fn only_final_statuses_end_the_wait() {
        for status in [
            "provisioned",
            "error",
            "pending_email_input",
            "pending_user_migration",
        ] {
            assert!(is_final(status), "{status}");
        }
        for status in ["provisioning", "updating", "something_new"] {
            assert!(!is_final(status), "{status}");
        }
    }

    #[test]
    fn a_final_status_older_than_the_acceptance_is_stale() {
        let at = |text: &str| {
            DateTime::parse_from_rfc3339(text)
                .unwrap()
                .with_timezone(&Utc)
        };
        let subscriber = Subscriber {
            status: Some(SubscriberStatus::Provisioned),
            last_status_change: Some(at("2024-01-01T00:00:01Z").into()),
            ..Default::default()
        };
        // The `provisioned` seen before an update started is not the update's outcome.
        assert!(!is_newer_final(
            &subscriber,
            Some("2024-01-01T00:00:02.000Z")
        ));
        assert!(is_newer_final(
            &subscriber,
            Some("2024-01-01T00:00:00.000Z")
        ));
        assert!(is_newer_final(&subscriber, None));
    }

    #[test]
    fn reasons_explain_pauses_and_errors() {
        let subscriber = Subscriber {
            status: Some(SubscriberStatus::Error),
            errors: vec![types::SubscriberError {
                error_code: Some(10022.into()),
                description: Some("already mapped".into()),
                ..Default::default()
            }],
            ..Default::default()
        };
        assert_eq!(
            reason(&subscriber).as_deref(),
            Some("10022: already mapped")
        );
        let unexplained = Subscriber {
            status: Some(SubscriberStatus::Error),
            ..Default::default()
        };
        assert_eq!(
            reason(&unexplained).as_deref(),
            Some("error, with no reason given")
        );
        let paused = Subscriber {
            status: Some(SubscriberStatus::PendingUserMigration),
            ..Default::default()
        };
        assert!(
            reason(&paused)
                .unwrap()
                .contains("send the consent e-mail again")
        );
    }
}
