//! Building a [`Client`]: base URL, timeouts, user agent, policies, tracking, HTTP client.

use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderValue;
use url::{Host, Url};

use crate::auth::{StaticToken, Token, TokenProvider};
use crate::client::Client;
use crate::error::Error;
use crate::retry::RetryPolicy;
use crate::tracking::is_valid_prefix;
use crate::wait::policy::WaitPolicy;

impl Client {
    /// A client of `https://webexapis.com/v1` with `token` and the default policies.
    pub fn new(token: impl Into<crate::Token>) -> Result<Client, Error> {
        Client::builder().with_token(token).build()
    }

    /// A builder for every other setting.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }
}

/// Webex's API root.
pub const DEFAULT_BASE_URL: &str = "https://webexapis.com/v1";

/// Requests of one client out at once unless [`ClientBuilder::with_max_concurrent_requests`]
/// says otherwise.
pub const DEFAULT_MAX_CONCURRENT_REQUESTS: usize = 64;

/// The `TrackingID` prefix unless [`ClientBuilder::with_tracking_prefix`] sets another.
pub const DEFAULT_TRACKING_PREFIX: &str = "WEBEX-BROADWORKS-RS";

/// Configures a [`Client`]; from [`Client::builder`].
///
/// ```
/// use std::time::Duration;
/// use webex_broadworks::{Client, RetryPolicy, WaitPolicy};
///
/// let client = Client::builder()
///     .with_token("my-token")
///     .with_base_url("https://webexapis.com/v1")
///     .with_request_timeout(Some(Duration::from_secs(20)))
///     .with_user_agent("acme-provisioning/2.1")
///     .with_retry_policy(RetryPolicy::default().with_max_attempts(5))
///     .with_wait_policy(WaitPolicy::default().with_max_wait(Duration::from_secs(900)))
///     .with_tracking_prefix("ACME")
///     .build()?;
/// # Ok::<(), webex_broadworks::Error>(())
/// ```
pub struct ClientBuilder {
    tokens: Option<(Arc<dyn TokenProvider>, String)>,
    /// The token of `with_token`, whose header is built once.
    fixed_token: Option<Token>,
    base_url: String,
    connect_timeout: Option<Duration>,
    request_timeout: Option<Duration>,
    pool_idle_timeout: Option<Duration>,
    max_concurrent_requests: usize,
    user_agent: String,
    retry: RetryPolicy,
    wait: WaitPolicy,
    tracking_prefix: String,
    http: Option<reqwest::Client>,
    seed: Option<u64>,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            tokens: None,
            fixed_token: None,
            base_url: DEFAULT_BASE_URL.to_string(),
            connect_timeout: Some(Duration::from_secs(10)),
            request_timeout: Some(Duration::from_secs(30)),
            pool_idle_timeout: Some(Duration::from_secs(90)),
            max_concurrent_requests: DEFAULT_MAX_CONCURRENT_REQUESTS,
            user_agent: concat!("webex-broadworks-rs/", env!("CARGO_PKG_VERSION")).to_string(),
            retry: RetryPolicy::default(),
            wait: WaitPolicy::default(),
            tracking_prefix: DEFAULT_TRACKING_PREFIX.to_string(),
            http: None,
            seed: None,
        }
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("credentials", &self.tokens.as_ref().map(|(_, shown)| shown))
            .field("base_url", &self.base_url)
            .field("connect_timeout", &self.connect_timeout)
            .field("request_timeout", &self.request_timeout)
            .field("max_concurrent_requests", &self.max_concurrent_requests)
            .field("user_agent", &self.user_agent)
            .field("retry", &self.retry)
            .field("wait", &self.wait)
            .field("tracking_prefix", &self.tracking_prefix)
            .field("own_http_client", &self.http.is_some())
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// Authenticates with a fixed access token.
    pub fn with_token(mut self, token: impl Into<Token>) -> Self {
        let token = token.into();
        let shown = format!("{token:?}");
        self.tokens = Some((Arc::new(StaticToken::new(token.clone())), shown));
        self.fixed_token = Some(token);
        self
    }

    /// Authenticates with the token `provider` hands out before each request.
    pub fn with_token_provider(mut self, provider: impl TokenProvider) -> Self {
        self.tokens = Some((Arc::new(provider), "custom TokenProvider".to_string()));
        self.fixed_token = None;
        self
    }

    /// The API root, `https://webexapis.com/v1` by default. `http://` is refused unless the
    /// host is loopback (a simulator or a mock on this machine).
    pub fn with_base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }

    /// How many requests of this client (and its clones) may be out at once; 64 by default.
    /// 0 is refused by [`build`](Self::build), since no request could ever go. More wait their turn before their time starts, so that a caller who
    /// spawns one `provision_and_wait` per subscriber, thousands at once, shares a few
    /// connections rather than opening one per wait. A batch's concurrency is bounded by it
    /// too.
    ///
    /// ```
    /// let client = webex_broadworks::Client::builder()
    ///     .with_token("my-token")
    ///     .with_max_concurrent_requests(16)
    ///     .build();
    /// assert!(client.is_ok());
    /// ```
    pub fn with_max_concurrent_requests(mut self, requests: usize) -> Self {
        self.max_concurrent_requests = requests.min(tokio::sync::Semaphore::MAX_PERMITS);
        self
    }

    /// The time each request may take, from sending to the end of the body; 30 s by
    /// default; `None` for no limit.
    pub fn with_request_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// The time a connection may take to open; 10 s by default. Applies to the HTTP client
    /// this builder makes, not to one given with [`with_http_client`](Self::with_http_client).
    pub fn with_connect_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Turns off every timer of the HTTP stack: the request and connect timeouts and the
    /// sweep of idle connections. For tests on tokio's paused clock, which jumps to the next
    /// timer whenever the test waits on a socket and would fire a timeout at once.
    pub fn without_timers(mut self) -> Self {
        self.request_timeout = None;
        self.connect_timeout = None;
        self.pool_idle_timeout = None;
        self
    }

    /// The `User-Agent` header of every request.
    pub fn with_user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// How failed requests are sent again.
    pub fn with_retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// How long and how often the `wait` calls poll, unless a call says otherwise.
    pub fn with_wait_policy(mut self, policy: WaitPolicy) -> Self {
        self.wait = policy;
        self
    }

    /// The start of every `TrackingID` header (`<prefix>_<uuid>_<attempt>`), so that Webex
    /// support can find your requests; visible ASCII, at most 64 characters.
    pub fn with_tracking_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.tracking_prefix = prefix.into();
        self
    }

    /// Sends requests with `http` instead of a client this builder makes (see
    /// [`http_client_builder`](crate::http_client_builder) for one with this crate's TLS).
    pub fn with_http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// Seeds the client's randomness (backoff jitter, tracking ids) for repeatable runs.
    pub fn with_rng_seed(mut self, seed: u64) -> Self {
        self.seed = Some(seed);
        self
    }

    /// The client, or [`Error::Config`] for a missing token, a base URL that is not https
    /// (or loopback), an invalid user agent or tracking prefix, or a request limit of 0.
    pub fn build(self) -> Result<Client, Error> {
        let Some((tokens, shown)) = self.tokens else {
            return Err(Error::config(
                "no access token was given",
                "call with_token or with_token_provider on the builder",
            ));
        };
        let base_url = check_base_url(&self.base_url)?;
        let user_agent = HeaderValue::from_str(&self.user_agent).map_err(|_| {
            Error::config(
                "the user agent has characters an HTTP header cannot carry",
                "use visible ASCII in with_user_agent",
            )
        })?;
        if self.max_concurrent_requests == 0 {
            return Err(Error::config(
                "the client may have no request out at once, so none could ever be sent",
                "give with_max_concurrent_requests at least 1",
            ));
        }
        if !is_valid_prefix(&self.tracking_prefix) {
            return Err(Error::config(
                "the tracking prefix is empty, too long or has characters a header cannot carry",
                "use 1 to 64 visible ASCII characters without commas in with_tracking_prefix",
            ));
        }
        let http = match self.http {
            Some(http) => http,
            None => {
                refuse_https_without_tls(&base_url, crate::tls::BUILT)?;
                let mut builder = crate::tls::try_http_client_builder()?
                    .pool_idle_timeout(self.pool_idle_timeout);
                if let Some(timeout) = self.connect_timeout {
                    builder = builder.connect_timeout(timeout);
                }
                crate::tls::build(builder)?
            }
        };
        Ok(Client::from_parts(crate::client::Parts {
            base_url,
            http,
            tokens,
            // A token that cannot make a header is refused by the provider path, at the
            // first request, as a provider's would be.
            fixed_authorization: self
                .fixed_token
                .and_then(|token| crate::client::authorization_header(&token).ok()),
            max_concurrent_requests: self.max_concurrent_requests,
            credentials_shown: shown,
            user_agent,
            request_timeout: self.request_timeout,
            retry: self.retry,
            wait: self.wait,
            tracking_prefix: self.tracking_prefix,
            seed: self.seed,
        }))
    }
}

/// An https base URL needs a TLS stack and roots, which the crate's features choose; a build
/// without them is told which feature to turn on, before any request fails.
fn refuse_https_without_tls(base_url: &Url, built: crate::tls::Built) -> Result<(), Error> {
    if base_url.scheme() != "https" {
        return Ok(());
    }
    if !built.tls {
        return Err(Error::config(
            "the base URL is https, but webex-broadworks was built without a TLS stack",
            "enable one of its features rustls-aws-lc (the default), rustls-ring or native-tls",
        ));
    }
    if !built.roots {
        return Err(Error::config(
            "the base URL is https, but webex-broadworks was built without root certificates",
            "enable its feature webpki-roots (the default) or platform-roots",
        ));
    }
    Ok(())
}

/// The base URL, if it is https, or http on a loopback host.
pub(crate) fn check_base_url(text: &str) -> Result<Url, Error> {
    let url = Url::parse(text.trim_end_matches('/')).map_err(|e| {
        Error::config(
            format!("the base URL is not a URL ({e})"),
            "give an absolute URL such as https://webexapis.com/v1",
        )
    })?;
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::config(
            "the base URL has a query or a fragment",
            "give the API root only, such as https://webexapis.com/v1",
        ));
    }
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        "http" => Err(Error::config(
            "the base URL uses http:// for a host that is not loopback, which would send the token in clear",
            "use https://; http:// is accepted only for 127.0.0.1, [::1] or localhost",
        )),
        other => Err(Error::config(
            format!(
                "the base URL's scheme `{other}` is unknown: the client speaks https (and http to loopback)"
            ),
            "write https://, such as https://webexapis.com/v1",
        )),
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        Some(Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_or_loopback_http_is_accepted() {
        for ok in [
            "https://webexapis.com/v1",
            "https://webexapis.com/v1/",
            "http://127.0.0.1:8080/v1",
            "http://127.8.9.10/v1",
            "http://[::1]:9/v1",
            "http://localhost:3000",
        ] {
            assert!(check_base_url(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://webexapis.com/v1",
            "http://10.0.0.1/v1",
            "http://localhost.evil.example/v1",
            "ftp://webexapis.com",
            "webexapis.com/v1",
            "https://webexapis.com/v1?x=1",
        ] {
            let error = check_base_url(bad).unwrap_err();
            assert!(matches!(error, Error::Config(_)), "{bad}");
        }
        assert_eq!(
            check_base_url("https://webexapis.com/v1/")
                .unwrap()
                .as_str(),
            "https://webexapis.com/v1"
        );
    }

    #[test]
    fn an_https_base_url_needs_a_tls_stack_and_roots_in_the_build() {
        use crate::tls::Built;
        let https = check_base_url("https://webexapis.com/v1").unwrap();
        let loopback = check_base_url("http://127.0.0.1:8080/v1").unwrap();
        let full = Built {
            tls: true,
            roots: true,
        };
        let no_tls = Built {
            tls: false,
            roots: false,
        };
        let no_roots = Built {
            tls: true,
            roots: false,
        };
        assert!(refuse_https_without_tls(&https, full).is_ok());
        assert!(refuse_https_without_tls(&loopback, no_tls).is_ok());
        let error = refuse_https_without_tls(&https, no_tls)
            .unwrap_err()
            .to_string();
        assert!(error.contains("without a TLS stack"), "{error}");
        assert!(error.contains("rustls-aws-lc"), "{error}");
        let error = refuse_https_without_tls(&https, no_roots)
            .unwrap_err()
            .to_string();
        assert!(error.contains("without root certificates"), "{error}");
        assert!(error.contains("webpki-roots"), "{error}");
    }
}
