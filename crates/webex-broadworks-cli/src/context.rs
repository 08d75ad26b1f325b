//! What every command gets from the global flags, and the client it builds from them.

use crate::cli::OutputFormat;
use crate::exit::CliError;
use crate::token::Token;

/// What every command gets from the global flags.
#[derive(Clone, Debug)]
pub struct Context {
    /// The API's base URL.
    pub base_url: String,
    /// The access token, if one was given.
    pub token: Option<Token>,
    /// How results are printed.
    pub output: OutputFormat,
}

impl Context {
    /// The client of the API; a usage error without a token, or with an empty one (it
    /// would only be answered 401).
    pub fn client(&self) -> Result<webex_broadworks::Client, CliError> {
        let token = self.token.clone().ok_or_else(|| {
            CliError::Usage(
                "no access token: set WEBEX_TOKEN (or pass --token) to a partner administrator's token"
                    .into(),
            )
        })?;
        if token.expose().trim().is_empty() {
            return Err(CliError::Usage(
                "the access token is empty: set WEBEX_TOKEN (or pass --token) to a partner \
                 administrator's token"
                    .into(),
            ));
        }
        crate::connect::client(&self.base_url, &token)
    }
}
