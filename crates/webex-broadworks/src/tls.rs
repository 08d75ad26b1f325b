//! The HTTP stack: reqwest, over the TLS stack and the roots that the crate's features choose.
//!
//! | feature          | TLS                                   | roots                         |
//! |------------------|---------------------------------------|-------------------------------|
//! | `rustls-aws-lc`  | rustls, aws-lc-rs provider (default)  | `webpki-roots` and/or `platform-roots` |
//! | `rustls-ring`    | rustls, ring provider                 | `webpki-roots` and/or `platform-roots` |
//! | `native-tls`     | the platform's (OpenSSL, SChannel, Security.framework) | the platform's |
//!
//! Features add up, so when several stacks are on, aws-lc-rs is preferred over ring, and
//! rustls over native-tls; with both root features, the platform's roots are used. Without any TLS feature the client speaks plain HTTP to
//! loopback only (a simulator), and says so when given an `https://` base URL.

use crate::error::Error;

/// A `reqwest::ClientBuilder` with this crate's TLS set up (see the crate's features),
/// HTTP/1.1, and no redirects followed: a redirect would carry a provisioning's names,
/// e-mail address and numbers to wherever it points, and send a request that is not safe to
/// repeat a second time. A redirect is reported as the answer it is.
///
/// Start from it to give [`ClientBuilder::with_http_client`](crate::ClientBuilder::with_http_client)
/// a client of your own (a proxy, other timeouts).
///
/// ```
/// let http = webex_broadworks::http_client_builder()
///     .pool_max_idle_per_host(4)
///     .build()
///     .unwrap();
/// let client = webex_broadworks::Client::builder()
///     .with_token("my-token")
///     .with_http_client(http)
///     .build()
///     .unwrap();
/// ```
pub fn http_client_builder() -> reqwest::ClientBuilder {
    with_tls(without_redirects())
}

fn without_redirects() -> reqwest::ClientBuilder {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none())
}

/// What the crate's features put into this build.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Built {
    /// A TLS stack: one of `rustls-aws-lc`, `rustls-ring`, `native-tls`.
    pub(crate) tls: bool,
    /// Roots to verify a server against: `webpki-roots`, `platform-roots`, or native-tls's.
    pub(crate) roots: bool,
}

pub(crate) const BUILT: Built = Built {
    tls: cfg!(any(
        feature = "rustls-aws-lc",
        feature = "rustls-ring",
        feature = "native-tls"
    )),
    roots: cfg!(any(
        feature = "native-tls",
        feature = "webpki-roots",
        feature = "platform-roots"
    )),
};

#[cfg(any(feature = "rustls-aws-lc", feature = "rustls-ring"))]
fn with_tls(builder: reqwest::ClientBuilder) -> reqwest::ClientBuilder {
    // A platform store that cannot be read leaves no roots: every handshake then fails, as it
    // must. `ClientBuilder::build` reports the reason before that, through `try_with_tls`.
    let config = rustls_config::config().unwrap_or_else(|_| rustls_config::without_roots());
    builder.tls_backend_preconfigured(config)
}

#[cfg(any(feature = "rustls-aws-lc", feature = "rustls-ring"))]
pub(crate) fn try_http_client_builder() -> Result<reqwest::ClientBuilder, Error> {
    let config = rustls_config::config().map_err(|reason| {
        Error::config(
            format!("the platform's root certificates could not be loaded ({reason})"),
            "install the system's CA certificates (the ca-certificates package), \
             or build webex-broadworks with the webpki-roots feature instead of platform-roots",
        )
    })?;
    Ok(without_redirects().tls_backend_preconfigured(config))
}

#[cfg(not(any(feature = "rustls-aws-lc", feature = "rustls-ring")))]
pub(crate) fn try_http_client_builder() -> Result<reqwest::ClientBuilder, Error> {
    Ok(http_client_builder())
}

#[cfg(all(
    feature = "native-tls",
    not(any(feature = "rustls-aws-lc", feature = "rustls-ring"))
))]
fn with_tls(builder: reqwest::ClientBuilder) -> reqwest::ClientBuilder {
    builder.tls_backend_native()
}

#[cfg(not(any(
    feature = "rustls-aws-lc",
    feature = "rustls-ring",
    feature = "native-tls"
)))]
fn with_tls(builder: reqwest::ClientBuilder) -> reqwest::ClientBuilder {
    builder
}

#[cfg(any(feature = "rustls-aws-lc", feature = "rustls-ring"))]
mod rustls_config {
    use std::sync::Arc;

    use rustls::ClientConfig;
    use rustls::crypto::CryptoProvider;

    /// The provider is named here, never taken from the process default, so the client
    /// works whatever else in the process installed or failed to install.
    fn provider() -> Arc<CryptoProvider> {
        #[cfg(feature = "rustls-aws-lc")]
        let provider = rustls::crypto::aws_lc_rs::default_provider();
        #[cfg(all(feature = "rustls-ring", not(feature = "rustls-aws-lc")))]
        let provider = rustls::crypto::ring::default_provider();
        Arc::new(provider)
    }

    type NeedsRoots = rustls::ConfigBuilder<ClientConfig, rustls::WantsVerifier>;

    fn builder() -> NeedsRoots {
        ClientConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            // Both providers support every safe default version; this cannot fail.
            .expect("the rustls provider supports TLS 1.2 and 1.3")
    }

    fn http1(mut config: ClientConfig) -> ClientConfig {
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        config
    }

    /// The platform's verifier (its store, and on Windows, macOS, iOS and Android its
    /// revocation checks), the same trust as reqwest's own default.
    #[cfg(feature = "platform-roots")]
    pub(super) fn config() -> Result<ClientConfig, rustls::Error> {
        let verifier = rustls_platform_verifier::Verifier::new(provider())?;
        Ok(http1(
            builder()
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(verifier))
                .with_no_client_auth(),
        ))
    }

    /// Mozilla's roots, compiled in: the same answer on every host, a bare container too.
    #[cfg(all(feature = "webpki-roots", not(feature = "platform-roots")))]
    pub(super) fn config() -> Result<ClientConfig, rustls::Error> {
        let roots = rustls::RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        };
        Ok(http1(
            builder()
                .with_root_certificates(roots)
                .with_no_client_auth(),
        ))
    }

    /// No roots chosen: `ClientBuilder::build` refuses an https base URL (see `BUILT`).
    #[cfg(not(any(feature = "webpki-roots", feature = "platform-roots")))]
    pub(super) fn config() -> Result<ClientConfig, rustls::Error> {
        Ok(without_roots())
    }

    pub(super) fn without_roots() -> ClientConfig {
        http1(
            builder()
                .with_root_certificates(rustls::RootCertStore::empty())
                .with_no_client_auth(),
        )
    }
}

pub(crate) fn build(builder: reqwest::ClientBuilder) -> Result<reqwest::Client, Error> {
    builder.build().map_err(|e| {
        Error::config(
            format!("the HTTP client could not be built ({e})"),
            "check the TLS and proxy settings of the HTTP client",
        )
    })
}
