//! The HTTP stack: reqwest over rustls (aws-lc-rs provider, Mozilla's roots from webpki-roots).

use std::sync::Arc;

use crate::error::Error;

/// A `reqwest::ClientBuilder` with this crate's TLS set up: rustls with the aws-lc-rs provider
/// and the well-known roots of `webpki-roots` (not the platform's store, so that behaviour
/// does not depend on the host), HTTP/1.1, and no redirects followed: a redirect would carry
/// a provisioning's names, e-mail address and numbers to wherever it points, and send a
/// request that is not safe to repeat a second time. A redirect is reported as the answer
/// it is.
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
    reqwest::Client::builder()
        .tls_backend_preconfigured(tls_config())
        .redirect(reqwest::redirect::Policy::none())
}

fn tls_config() -> rustls::ClientConfig {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        // aws-lc-rs supports every safe default version; this cannot fail.
        .expect("aws-lc-rs supports TLS 1.2 and 1.3")
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    config
}

pub(crate) fn build(builder: reqwest::ClientBuilder) -> Result<reqwest::Client, Error> {
    builder.build().map_err(|e| {
        Error::config(
            format!("the HTTP client could not be built ({e})"),
            "check the TLS and proxy settings of the HTTP client",
        )
    })
}
