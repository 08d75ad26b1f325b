//! The access token, held so that it is never printed.

use std::fmt;

/// An access token. It has no `Display`, and its `Debug` shows only `****`, so it cannot
/// reach the output, an error message or a log by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// Wraps a token given on the command line or in `WEBEX_TOKEN`.
    pub fn new(token: impl Into<String>) -> Self {
        Token(token.into())
    }

    /// The token itself, for the `Authorization` header only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(****)")
    }
}

impl std::str::FromStr for Token {
    type Err = std::convert::Infallible;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Ok(Token::new(value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_token() {
        let token = Token::new("secret-value-123");
        assert_eq!(format!("{token:?}"), "Token(****)");
        assert_eq!(format!("{:?}", Some(token)), "Some(Token(****))");
    }
}
