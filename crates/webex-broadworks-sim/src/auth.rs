//! Bearer tokens and the OAuth scopes they carry.

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An OAuth scope of the Webex for BroadWorks API.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Scope {
    /// `spark-admin:broadworks_subscribers_read`
    SubscribersRead,
    /// `spark-admin:broadworks_subscribers_write`
    SubscribersWrite,
    /// `spark-admin:broadworks_enterprises_read`
    EnterprisesRead,
    /// `spark-admin:broadworks_enterprises_write`
    EnterprisesWrite,
    /// `spark-admin:broadworks_billing_reports_read`
    BillingReportsRead,
    /// `spark-admin:broadworks_billing_reports_write`
    BillingReportsWrite,
    /// `spark-admin:places_write` (BroadWorks workspaces)
    PlacesWrite,
}

impl Scope {
    /// Every scope.
    pub const ALL: &'static [Scope] = &[
        Scope::SubscribersRead,
        Scope::SubscribersWrite,
        Scope::EnterprisesRead,
        Scope::EnterprisesWrite,
        Scope::BillingReportsRead,
        Scope::BillingReportsWrite,
        Scope::PlacesWrite,
    ];

    /// The set of every scope: a token that may call every operation.
    pub fn all() -> ScopeSet {
        Scope::ALL.iter().copied().collect()
    }

    /// The scope as Webex spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::SubscribersRead => "spark-admin:broadworks_subscribers_read",
            Scope::SubscribersWrite => "spark-admin:broadworks_subscribers_write",
            Scope::EnterprisesRead => "spark-admin:broadworks_enterprises_read",
            Scope::EnterprisesWrite => "spark-admin:broadworks_enterprises_write",
            Scope::BillingReportsRead => "spark-admin:broadworks_billing_reports_read",
            Scope::BillingReportsWrite => "spark-admin:broadworks_billing_reports_write",
            Scope::PlacesWrite => "spark-admin:places_write",
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error of parsing a [`Scope`] Webex does not define for this API.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a scope of the Webex for BroadWorks API")]
pub struct UnknownScope(pub String);

impl FromStr for Scope {
    type Err = UnknownScope;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Scope::ALL
            .iter()
            .copied()
            .find(|scope| scope.as_str() == value)
            .ok_or_else(|| UnknownScope(value.to_string()))
    }
}

impl Serialize for Scope {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Scope {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

/// The scopes granted to one token.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ScopeSet(BTreeSet<Scope>);

impl ScopeSet {
    /// No scope at all: every operation answers 403.
    pub fn none() -> Self {
        ScopeSet::default()
    }

    /// Whether `scope` is granted.
    pub fn contains(&self, scope: Scope) -> bool {
        self.0.contains(&scope)
    }

    /// The granted scopes, in a stable order.
    pub fn iter(&self) -> impl Iterator<Item = Scope> + '_ {
        self.0.iter().copied()
    }
}

impl FromIterator<Scope> for ScopeSet {
    fn from_iter<I: IntoIterator<Item = Scope>>(iter: I) -> Self {
        ScopeSet(iter.into_iter().collect())
    }
}

impl From<Scope> for ScopeSet {
    fn from(scope: Scope) -> Self {
        ScopeSet(BTreeSet::from([scope]))
    }
}

impl<const N: usize> From<[Scope; N]> for ScopeSet {
    fn from(scopes: [Scope; N]) -> Self {
        scopes.into_iter().collect()
    }
}

impl From<&[Scope]> for ScopeSet {
    fn from(scopes: &[Scope]) -> Self {
        scopes.iter().copied().collect()
    }
}

/// The token used when none is configured.
pub const DEFAULT_TOKEN: &str = "sim-token";

/// Who a request authenticated as: the index of its token in the configuration.
///
/// Tokens are secrets, so logs and rate-limit buckets refer to this index instead.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TokenIndex(pub usize);

/// The configured tokens. Its `Debug` output never shows a token.
#[derive(Clone, Default)]
pub(crate) struct TokenTable {
    by_token: HashMap<String, (TokenIndex, ScopeSet)>,
}

impl TokenTable {
    /// Builds the table; with no token configured, [`DEFAULT_TOKEN`] with every scope.
    pub(crate) fn new(tokens: Vec<(String, ScopeSet)>) -> Self {
        let tokens = if tokens.is_empty() {
            vec![(DEFAULT_TOKEN.to_string(), Scope::all())]
        } else {
            tokens
        };
        let mut by_token = HashMap::new();
        for (index, (token, scopes)) in tokens.into_iter().enumerate() {
            // A token configured twice keeps its last scopes and its first index.
            let entry = by_token
                .entry(token)
                .or_insert_with(|| (TokenIndex(index), ScopeSet::none()));
            entry.1 = scopes;
        }
        TokenTable { by_token }
    }

    /// Resolves the value of an `Authorization` header.
    pub(crate) fn authenticate(
        &self,
        authorization: Option<&str>,
    ) -> Option<(TokenIndex, &ScopeSet)> {
        let value = authorization?.trim();
        let (scheme, token) = value.split_once(' ')?;
        if !scheme.eq_ignore_ascii_case("bearer") {
            return None;
        }
        self.by_token
            .get(token.trim())
            .map(|(index, scopes)| (*index, scopes))
    }
}

impl fmt::Debug for TokenTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenTable")
            .field("tokens", &self.by_token.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_token_has_every_scope() {
        let table = TokenTable::new(Vec::new());
        let (_, scopes) = table.authenticate(Some("Bearer sim-token")).unwrap();
        assert_eq!(*scopes, Scope::all());
        assert!(table.authenticate(Some("Bearer other")).is_none());
        assert!(table.authenticate(Some("Basic sim-token")).is_none());
        assert!(table.authenticate(None).is_none());
    }

    #[test]
    fn debug_hides_tokens() {
        let table = TokenTable::new(vec![("secret-value".into(), Scope::all())]);
        assert!(!format!("{table:?}").contains("secret-value"));
    }

    #[test]
    fn scopes_parse_from_webex_spelling() {
        for scope in Scope::ALL {
            assert_eq!(scope.as_str().parse::<Scope>(), Ok(*scope));
        }
    }
}
