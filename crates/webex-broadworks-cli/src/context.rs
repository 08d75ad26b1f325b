//! What every command gets from the global flags, and the client it builds from them.

use crate::cli::OutputFormat;
use crate::exit::CliError;
use crate::settings::TokenSource;

/// What every command gets from the global flags, the environment and the profile.
#[derive(Clone, Debug)]
pub struct Context {
    /// The API's base URL.
    pub base_url: String,
    /// Where the access token comes from; read only when a command needs it.
    pub token: TokenSource,
    /// How results are printed.
    pub output: OutputFormat,
}

impl Context {
    /// The client of the API; a usage error without a token, or with an empty one (it
    /// would only be answered 401), before any request.
    pub fn client(&self) -> Result<webex_broadworks::Client, CliError> {
        let token = self.token.token()?;
        crate::connect::client(&self.base_url, &token)
    }
}
