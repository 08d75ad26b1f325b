//! The one client every command uses: `webex_broadworks::Client`, set up for an operator's
//! run (the `WXBW` tracking prefix, generous waits). No request is made anywhere else.

use std::time::Duration;

use crate::exit::CliError;
use crate::token::Token;

/// The Webex API's base URL.
pub use webex_broadworks::DEFAULT_BASE_URL;

/// The client for `base_url` with `token`; the base URL is checked first (https, or http on
/// a loopback host).
pub fn client(base_url: &str, token: &Token) -> Result<webex_broadworks::Client, CliError> {
    webex_broadworks::Client::builder()
        .with_token(token.expose())
        .with_base_url(base_url.trim_end_matches('/'))
        .with_connect_timeout(Some(Duration::from_secs(10)))
        .with_request_timeout(Some(Duration::from_secs(60)))
        .with_tracking_prefix("WXBW")
        .with_user_agent(concat!("wxbw/", env!("CARGO_PKG_VERSION")))
        .with_wait_policy(wait_policy(Duration::from_secs(600)))
        .build()
        .map_err(|error| CliError::Usage(format!("--base-url {base_url}: {error}")))
}

/// How `--wait` polls: soon after the start (Webex's provisioning takes seconds), then less
/// often, for at most `max_wait`.
pub fn wait_policy(max_wait: Duration) -> webex_broadworks::WaitPolicy {
    webex_broadworks::WaitPolicy::default()
        .with_delays(
            Duration::from_millis(100),
            Duration::from_millis(250),
            Duration::from_secs(5),
        )
        .with_max_wait(max_wait)
        .with_max_polls(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_base_url_must_be_https_unless_loopback() {
        let token = Token::new("t");
        assert!(client("https://webexapis.com/v1", &token).is_ok());
        assert!(client("http://127.0.0.1:8080/v1", &token).is_ok());
        assert!(client("http://localhost:8080/v1", &token).is_ok());
        for bad in ["http://webexapis.com/v1", "not a url"] {
            let error = client(bad, &token).unwrap_err();
            assert!(matches!(error, CliError::Usage(_)), "{bad}: {error}");
            assert!(error.to_string().contains(bad), "{error}");
        }
    }
}
