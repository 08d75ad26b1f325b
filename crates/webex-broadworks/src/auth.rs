//! Access tokens: held masked, handed out per request by a [`TokenProvider`].

use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::pin::Pin;

/// An OAuth access token of a partner administrator.
///
/// `Debug` shows at most its last four characters, so a client, a log line or an error that
/// prints it never reveals it.
///
/// ```
/// use webex_broadworks::Token;
///
/// let token = Token::new("fake-token-for-the-docs-1234");
/// assert_eq!(format!("{token:?}"), "Token(****1234)");
/// assert_eq!(token.expose_secret(), "fake-token-for-the-docs-1234");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// Wraps `token`, the access token without the `Bearer ` prefix.
    pub fn new(token: impl Into<String>) -> Self {
        Token(token.into())
    }

    /// The token itself, for the `Authorization` header. Never log it.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }

    /// The masked form `Debug` prints: `****` and, for tokens long enough that it gives
    /// nothing away, the last four characters.
    pub fn masked(&self) -> String {
        let chars: Vec<char> = self.0.chars().collect();
        if chars.len() >= 24 {
            let tail: String = chars[chars.len() - 4..].iter().collect();
            format!("****{tail}")
        } else {
            "****".to_string()
        }
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Token({})", self.masked())
    }
}

impl From<&str> for Token {
    fn from(value: &str) -> Self {
        Token::new(value)
    }
}

impl From<String> for Token {
    fn from(value: String) -> Self {
        Token::new(value)
    }
}

impl From<&String> for Token {
    fn from(value: &String) -> Self {
        Token::new(value.as_str())
    }
}

/// Why a [`TokenProvider`] could not hand out a token.
pub type TokenError = Box<dyn StdError + Send + Sync>;

/// The future [`TokenProvider::token`] returns.
pub type TokenFuture<'a> = Pin<Box<dyn Future<Output = Result<Token, TokenError>> + Send + 'a>>;

/// Hands out the access token for each request.
///
/// The client asks before every request, retries included, so a provider that refreshes
/// tokens (an OAuth refresh grant, a secrets store) only has to return the current one.
///
/// ```
/// use std::sync::Mutex;
/// use webex_broadworks::{Token, TokenFuture, TokenProvider};
///
/// /// Reads the token a background job keeps fresh.
/// #[derive(Debug)]
/// struct Rotating(Mutex<Token>);
///
/// impl TokenProvider for Rotating {
///     fn token(&self) -> TokenFuture<'_> {
///         let current = self.0.lock().unwrap().clone();
///         Box::pin(async move { Ok(current) })
///     }
/// }
///
/// let client = webex_broadworks::Client::builder()
///     .with_token_provider(Rotating(Mutex::new(Token::new("first"))))
///     .build();
/// assert!(client.is_ok());
/// ```
pub trait TokenProvider: Send + Sync + 'static {
    /// The token to send with the next request.
    fn token(&self) -> TokenFuture<'_>;

    /// Webex refused the token it was given (401). A provider that can get a new one
    /// (an OAuth refresh grant) does so now, so that [`token`](Self::token) returns it, and
    /// answers `true`: the client then sends the request once more, and only once. The
    /// default cannot, and answers `false`: the 401 is reported at once.
    ///
    /// ```
    /// use std::sync::Mutex;
    /// use webex_broadworks::{RefreshFuture, Token, TokenFuture, TokenProvider};
    ///
    /// /// Keeps the current token; a refused one is replaced from the identity provider.
    /// struct Refreshing(Mutex<Token>);
    ///
    /// impl TokenProvider for Refreshing {
    ///     fn token(&self) -> TokenFuture<'_> {
    ///         let token = self.0.lock().unwrap().clone();
    ///         Box::pin(async move { Ok(token) })
    ///     }
    ///     fn refresh(&self) -> RefreshFuture<'_> {
    ///         Box::pin(async move {
    ///             // Here: an OAuth refresh grant.
    ///             *self.0.lock().unwrap() = Token::new("a-fresh-token");
    ///             true
    ///         })
    ///     }
    /// }
    /// ```
    fn refresh(&self) -> RefreshFuture<'_> {
        Box::pin(async { false })
    }
}

/// The future [`TokenProvider::refresh`] returns: whether a new token is ready.
pub type RefreshFuture<'a> = Pin<Box<dyn Future<Output = bool> + Send + 'a>>;

/// A provider shared with the rest of the application (one refresher for several clients).
impl<T: TokenProvider + ?Sized> TokenProvider for std::sync::Arc<T> {
    fn token(&self) -> TokenFuture<'_> {
        (**self).token()
    }

    fn refresh(&self) -> RefreshFuture<'_> {
        (**self).refresh()
    }
}

/// A provider chosen at run time (`Box<dyn TokenProvider>`).
impl<T: TokenProvider + ?Sized> TokenProvider for Box<T> {
    fn token(&self) -> TokenFuture<'_> {
        (**self).token()
    }

    fn refresh(&self) -> RefreshFuture<'_> {
        (**self).refresh()
    }
}

/// A provider from an async closure: `TokenFn::new(|| async { fetch().await })`.
///
/// ```
/// use webex_broadworks::{Token, TokenFn};
///
/// let provider = TokenFn::new(|| async { Ok(Token::new("from-the-vault")) });
/// let client = webex_broadworks::Client::builder().with_token_provider(provider).build();
/// assert!(client.is_ok());
/// ```
pub struct TokenFn<F>(F);

impl<F> TokenFn<F> {
    /// Calls `fetch` for the token of every request.
    pub fn new(fetch: F) -> Self {
        TokenFn(fetch)
    }
}

impl<F> std::fmt::Debug for TokenFn<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenFn(..)")
    }
}

impl<F, Fut> TokenProvider for TokenFn<F>
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Token, TokenError>> + Send + 'static,
{
    fn token(&self) -> TokenFuture<'_> {
        Box::pin((self.0)())
    }

    /// The closure runs for every request, so the next one asks it afresh.
    fn refresh(&self) -> RefreshFuture<'_> {
        Box::pin(async { true })
    }
}

/// A token that never changes.
#[derive(Clone, Debug)]
pub struct StaticToken(Token);

impl StaticToken {
    /// Serves `token` for every request.
    pub fn new(token: impl Into<Token>) -> Self {
        StaticToken(token.into())
    }
}

impl TokenProvider for StaticToken {
    fn token(&self) -> TokenFuture<'_> {
        let token = self.0.clone();
        Box::pin(async move { Ok(token) })
    }
}
