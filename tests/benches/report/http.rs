//! The `reqwest::Client` every hand-written or generated client of the benchmark uses.

/// A plain `reqwest::Client`, built the default way. Over `http://` on loopback the TLS setup
/// plays no part.
pub fn plain_http_client() -> anyhow::Result<reqwest::Client> {
    Ok(reqwest::Client::builder().build()?)
}

/// The generated client with a bearer token, on [`plain_http_client`].
pub fn generated_client(
    base_url: &str,
    token: &str,
) -> anyhow::Result<webex_broadworks_api::Client> {
    Ok(webex_broadworks_api::Client::new_with_client(
        base_url,
        plain_http_client()?,
        webex_broadworks_api::RequestHooks::bearer(token),
    ))
}
