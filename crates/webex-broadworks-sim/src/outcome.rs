//! Where a new subscriber's provisioning ends: chosen from its BroadWorks userId by
//! configurable rules.

use serde::{Deserialize, Serialize};

/// How the provisioning of a subscriber ends, once its `provisioning` delay is over.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Outcome {
    /// `provisioned`, with a `personId`.
    #[default]
    Provisioned,
    /// `pending_email_input`: paused until the subscriber enters an e-mail address.
    PendingEmailInput,
    /// `pending_email_validation`: paused until the subscriber validates the address.
    PendingEmailValidation,
    /// `pending_user_migration`: paused until the subscriber consents to moving an existing
    /// Webex account; the consent e-mail can be re-sent.
    PendingUserMigration,
    /// `error`, with this entry in `errors`.
    #[serde(rename_all = "camelCase")]
    Error {
        /// The `errorCode` shown in `errors[]`.
        error_code: i64,
        /// The `description` shown in `errors[]`.
        description: String,
    },
}

impl Outcome {
    /// An `error` outcome.
    pub fn error(error_code: i64, description: impl Into<String>) -> Self {
        Outcome::Error {
            error_code,
            description: description.into(),
        }
    }

    /// Whether the subscriber waits for the end user in this outcome.
    pub fn is_paused(&self) -> bool {
        matches!(
            self,
            Outcome::PendingEmailInput
                | Outcome::PendingEmailValidation
                | Outcome::PendingUserMigration
        )
    }
}

/// Routes the userIds that match `user_id` to `outcome`.
///
/// `user_id` is an exact userId, or a pattern in which `*` stands for any run of
/// characters: `migrate-*`, `*@pending.example.com`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OutcomeRule {
    /// The userId or pattern.
    pub user_id: String,
    /// Where provisioning ends for matching subscribers.
    #[serde(flatten)]
    pub outcome: Outcome,
}

impl OutcomeRule {
    /// A rule for `user_id` (exact, or a pattern with `*`).
    pub fn new(user_id: impl Into<String>, outcome: Outcome) -> Self {
        OutcomeRule {
            user_id: user_id.into(),
            outcome,
        }
    }

    /// Whether the rule applies to `user_id`.
    pub fn matches(&self, user_id: &str) -> bool {
        glob_matches(&self.user_id, user_id)
    }
}

/// The outcome of the first rule that matches `user_id`; `provisioned` when none does.
pub(crate) fn outcome_for(rules: &[OutcomeRule], user_id: &str) -> Outcome {
    rules
        .iter()
        .find(|rule| rule.matches(user_id))
        .map(|rule| rule.outcome.clone())
        .unwrap_or_default()
}

/// Matches `text` against `pattern`, where `*` matches any run of characters.
fn glob_matches(pattern: &str, text: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        // No `*`: the whole text must equal the pattern.
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_like_globs() {
        assert!(glob_matches("alice@sp.com", "alice@sp.com"));
        assert!(!glob_matches("alice@sp.com", "alice@sp.com.au"));
        assert!(glob_matches("migrate-*", "migrate-42@sp.com"));
        assert!(!glob_matches("migrate-*", "xmigrate-42"));
        assert!(glob_matches(
            "*@pending.example.com",
            "bob@pending.example.com"
        ));
        assert!(glob_matches("a*b*c", "a-x-b-y-c"));
        assert!(!glob_matches("a*b*c", "a-x-c"));
        assert!(glob_matches("*", "anything"));
        assert!(!glob_matches("ab*ba", "aba"));
    }

    #[test]
    fn first_matching_rule_wins() {
        let rules = vec![
            OutcomeRule::new("bad-*", Outcome::error(4003, "No licence left.")),
            OutcomeRule::new("*", Outcome::PendingEmailInput),
        ];
        assert_eq!(
            outcome_for(&rules, "bad-1"),
            Outcome::error(4003, "No licence left.")
        );
        assert_eq!(outcome_for(&rules, "good"), Outcome::PendingEmailInput);
        assert_eq!(outcome_for(&[], "good"), Outcome::Provisioned);
    }

    #[test]
    fn rules_read_from_fixtures() {
        let rule: OutcomeRule = serde_json::from_str(
            r#"{"userId": "x-*", "outcome": "error", "errorCode": 10022, "description": "taken"}"#,
        )
        .unwrap();
        assert_eq!(
            rule,
            OutcomeRule::new("x-*", Outcome::error(10022, "taken"))
        );
        let rule: OutcomeRule =
            serde_json::from_str(r#"{"userId": "m", "outcome": "pending_user_migration"}"#)
                .unwrap();
        assert_eq!(rule.outcome, Outcome::PendingUserMigration);
    }
}
