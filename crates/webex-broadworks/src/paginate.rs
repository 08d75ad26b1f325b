//! Lists, one page at a time: `Link: <…>; rel="next"`, repaired where Webex breaks it.
//!
//! Webex's next links are known to carry `max=null` and to drop the request's filters (seen
//! on other Webex APIs); a next link is followed as sent unless it shows one of those, and
//! then the page size and the missing filters are put back. Only one page is held at a time.

use std::sync::Arc;

use futures::future::BoxFuture;
use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};
use reqwest::header::{HeaderMap, LINK};
use url::Url;

use crate::client::Replied;
use crate::error::{Error, UndecodableResponse, excerpt};
use crate::operation::Operation;
use crate::repair::Malformed;

/// One page of a list: its items, whether another follows, and the request that read it.
///
/// ```no_run
/// use webex_broadworks::prelude::*;
///
/// # async fn example(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
/// let mut pages = client.subscribers().list().sp_enterprise_id("Reseller1+acme").pages();
/// while let Some(page) = pages.try_next().await? {
///     println!("{} subscribers (TrackingID {})", page.items().len(), page.tracking_id());
/// }
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Page<T> {
    items: Vec<T>,
    next: Option<Url>,
    tracking_id: String,
    malformed: Vec<Malformed>,
}

impl<T> Page<T> {
    pub(crate) fn empty() -> Self {
        Page {
            items: Vec::new(),
            next: None,
            tracking_id: String::new(),
            malformed: Vec::new(),
        }
    }

    /// The items of this page.
    ///
    /// ```no_run
    /// # async fn example(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
    /// let page = client.subscribers().list().first_page().await?;
    /// for subscriber in page.items() {
    ///     println!("{:?}", subscriber.user_id);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn items(&self) -> &[T] {
        &self.items
    }

    /// The items, owned.
    ///
    /// ```no_run
    /// # async fn example(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
    /// let subscribers: Vec<_> = client.subscribers().list().first_page().await?.into_items();
    /// # Ok(()) }
    /// ```
    pub fn into_items(self) -> Vec<T> {
        self.items
    }

    /// Whether another page follows.
    ///
    /// ```no_run
    /// # async fn example(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
    /// let page = client.subscribers().list().page_size(10).first_page().await?;
    /// if page.has_next() {
    ///     println!("more than {} subscribers", page.items().len());
    /// }
    /// # Ok(()) }
    /// ```
    pub fn has_next(&self) -> bool {
        self.next.is_some()
    }

    /// The link to the next page, as it will be followed.
    ///
    /// ```no_run
    /// # async fn example(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
    /// let page = client.subscribers().list().first_page().await?;
    /// println!("next: {}", page.next_link().unwrap_or("none"));
    /// # Ok(()) }
    /// ```
    pub fn next_link(&self) -> Option<&str> {
        self.next.as_ref().map(Url::as_str)
    }

    /// The tracking id of the request that read this page.
    ///
    /// ```no_run
    /// # async fn example(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
    /// let page = client.enterprises().list().first_page().await?;
    /// println!("read with TrackingID {}", page.tracking_id());
    /// # Ok(()) }
    /// ```
    pub fn tracking_id(&self) -> &str {
        &self.tracking_id
    }

    /// What Webex sent on this page that did not fit the API's description, set aside so
    /// that the rest could be read: a field (`items[3].firstName`, now `None` in its item)
    /// or a whole item (`items[7]`, not among [`items`](Self::items)), each with its raw
    /// JSON. Empty for a page that decoded as described.
    ///
    /// ```no_run
    /// # async fn run(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
    /// let page = client.subscribers().list().first_page().await?;
    /// for odd in page.malformed() {
    ///     eprintln!("{} did not fit: {}", odd.path(), odd.raw());
    /// }
    /// # Ok(()) }
    /// ```
    pub fn malformed(&self) -> &[Malformed] {
        &self.malformed
    }
}

/// Reads one page: the first (`None`) or the one a next link names.
pub(crate) type FetchPage<T> =
    Arc<dyn Fn(Option<Url>) -> BoxFuture<'static, Replied<Vec<T>>> + Send + Sync>;

/// What a list call sent, to repair next links with.
#[derive(Clone, Debug)]
pub(crate) struct ListQuery {
    pub(crate) operation: Operation,
    pub(crate) base: Url,
    /// The filters as sent: wire name and value. Never includes `max`.
    pub(crate) filters: Vec<(&'static str, String)>,
    pub(crate) page_size: Option<u32>,
}

/// The pages of a list, read as the stream is polled.
pub(crate) fn pages<T: Send + 'static>(
    query: ListQuery,
    fetch: FetchPage<T>,
) -> BoxStream<'static, Result<Page<T>, Error>> {
    enum State {
        First,
        Next(Url),
        /// A page was read but its next link is unusable: report it after the page.
        Failed(Box<Error>),
        Done,
    }
    stream::unfold(State::First, move |state| {
        let fetch = fetch.clone();
        let query = query.clone();
        async move {
            let requested = match state {
                State::Done => return None,
                State::Failed(error) => return Some((Err(*error), State::Done)),
                State::First => None,
                State::Next(url) => Some(url),
            };
            let reply = match fetch(requested.clone()).await {
                Ok(reply) => reply,
                Err(error) => return Some((Err(error), State::Done)),
            };
            let current = reply
                .url
                .clone()
                .or(requested)
                .unwrap_or(query.base.clone());
            let (next, state) = match next_link(&reply.headers) {
                // An empty page would never end.
                Some(_) if reply.value.is_empty() && reply.malformed.is_empty() => {
                    (None, State::Done)
                }
                None => (None, State::Done),
                Some(link) => match repair(&link, &current, &query) {
                    // A link back to the same page would never end either.
                    Ok(url) if url == current => (None, State::Done),
                    Ok(url) => (Some(url.clone()), State::Next(url)),
                    Err(mut error) => {
                        // The link came with this page: its status and tracking id are the
                        // ones Webex support can look up.
                        if let Error::UndecodableResponse(bad) = &mut error {
                            bad.status = Some(reply.status);
                            bad.tracking_id.clone_from(&reply.tracking_id);
                        }
                        (None, State::Failed(Box::new(error)))
                    }
                },
            };
            let page = Page {
                items: reply.value,
                next,
                tracking_id: reply.tracking_id,
                malformed: reply.malformed,
            };
            Some((Ok(page), state))
        }
    })
    .boxed()
}

/// The items of a list, page after page.
pub(crate) fn items<T: Send + 'static>(
    pages: BoxStream<'static, Result<Page<T>, Error>>,
) -> BoxStream<'static, Result<T, Error>> {
    pages
        .map_ok(|page| stream::iter(page.into_items().into_iter().map(Ok)))
        .try_flatten()
        .boxed()
}

/// The target of the `rel="next"` link among the response's `Link` headers.
pub(crate) fn next_link(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(LINK)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(parse_links)
        .find(|link| {
            link.rel
                .split_ascii_whitespace()
                .any(|rel| rel.eq_ignore_ascii_case("next"))
        })
        .map(|link| link.target)
}

#[derive(Debug, PartialEq)]
struct Link {
    target: String,
    rel: String,
}

/// Parses an RFC 8288 `Link` value: `<uri>; param=value; param="quoted", <uri2>; ...`.
fn parse_links(value: &str) -> Vec<Link> {
    let mut links = Vec::new();
    let mut rest = value;
    loop {
        rest = rest.trim_start_matches(|c: char| c == ',' || c.is_whitespace());
        let Some(after_open) = rest.strip_prefix('<') else {
            return links;
        };
        let Some(close) = after_open.find('>') else {
            return links;
        };
        let target = after_open[..close].trim().to_string();
        rest = &after_open[close + 1..];
        let mut rel = String::new();
        loop {
            rest = rest.trim_start();
            let Some(after_semicolon) = rest.strip_prefix(';') else {
                break;
            };
            let after_semicolon = after_semicolon.trim_start();
            let name_end = after_semicolon
                .find(['=', ';', ','])
                .unwrap_or(after_semicolon.len());
            let name = after_semicolon[..name_end].trim().to_ascii_lowercase();
            rest = &after_semicolon[name_end..];
            let mut param_value = String::new();
            if let Some(after_equals) = rest.strip_prefix('=') {
                let after_equals = after_equals.trim_start();
                if let Some(quoted) = after_equals.strip_prefix('"') {
                    let mut escaped = false;
                    let mut end = quoted.len();
                    for (i, c) in quoted.char_indices() {
                        match (escaped, c) {
                            (true, _) => {
                                param_value.push(c);
                                escaped = false;
                            }
                            (false, '\\') => escaped = true,
                            (false, '"') => {
                                end = i + 1;
                                break;
                            }
                            (false, _) => param_value.push(c),
                        }
                    }
                    rest = &quoted[end.min(quoted.len())..];
                } else {
                    let end = after_equals.find([';', ',']).unwrap_or(after_equals.len());
                    param_value = after_equals[..end].trim().to_string();
                    rest = &after_equals[end..];
                }
            }
            if name == "rel" && rel.is_empty() {
                rel = param_value;
            }
        }
        links.push(Link { target, rel });
    }
}

/// The next link, resolved against the current page's URL, with its page size and the
/// request's filters put back if Webex dropped them. Refuses a link to another origin:
/// the token must not follow it.
pub(crate) fn repair(link: &str, current: &Url, query: &ListQuery) -> Result<Url, Error> {
    let mut url = current
        .join(link)
        .map_err(|_| bad_link(query, link, "is not a URL"))?;
    if url.origin() != query.base.origin() {
        return Err(bad_link(query, link, "points to another origin"));
    }
    let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    let max_is_broken = pairs
        .iter()
        .any(|(k, v)| k == "max" && v.parse::<u32>().map_or(true, |n| n == 0));
    let max_is_missing = query.page_size.is_some() && !pairs.iter().any(|(k, _)| k == "max");
    let dropped: Vec<&(&'static str, String)> = query
        .filters
        .iter()
        .filter(|(name, _)| !pairs.iter().any(|(k, _)| k == name))
        .collect();
    if !max_is_broken && !max_is_missing && dropped.is_empty() {
        return Ok(url);
    }
    let mut repaired: Vec<(String, String)> = pairs
        .into_iter()
        .filter(|(k, v)| k != "max" || v.parse::<u32>().is_ok_and(|n| n > 0))
        .collect();
    if let Some(size) = query.page_size
        && !repaired.iter().any(|(k, _)| k == "max")
    {
        repaired.push(("max".to_string(), size.to_string()));
    }
    for (name, value) in dropped {
        repaired.push(((*name).to_string(), value.clone()));
    }
    url.query_pairs_mut().clear().extend_pairs(repaired);
    tracing::debug!(operation = %query.operation, "repaired a next link");
    Ok(url)
}

fn bad_link(query: &ListQuery, link: &str, problem: &str) -> Error {
    let shown = Url::parse(link)
        .map(|u| u.origin().ascii_serialization())
        .unwrap_or_else(|_| excerpt(link.as_bytes()));
    Error::UndecodableResponse(Box::new(UndecodableResponse {
        operation: query.operation,
        status: None,
        excerpt: format!("Link rel=\"next\" {problem}: {shown}"),
        tracking_id: String::new(),
        source: None,
    }))
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    fn query(filters: &[(&'static str, &str)], page_size: Option<u32>) -> ListQuery {
        ListQuery {
            operation: Operation::ListSubscribers,
            base: Url::parse("https://webexapis.com/v1").unwrap(),
            filters: filters.iter().map(|(k, v)| (*k, v.to_string())).collect(),
            page_size,
        }
    }

    fn current() -> Url {
        Url::parse("https://webexapis.com/v1/broadworks/subscribers?spEnterpriseId=Reseller1%2Bacme&max=10")
            .unwrap()
    }

    #[test]
    fn link_headers_parse_per_rfc_8288() {
        let links = parse_links(
            r#"<https://a.example/x?max=10&cursor=a,b>; rel="next", <https://a.example/first>; rel=first; title="a \"quoted\"; title""#,
        );
        assert_eq!(links.len(), 2);
        assert_eq!(links[0].target, "https://a.example/x?max=10&cursor=a,b");
        assert_eq!(links[0].rel, "next");
        assert_eq!(links[1].rel, "first");

        let mut headers = HeaderMap::new();
        headers.append(
            LINK,
            HeaderValue::from_static(r#"<https://a.example/prev>; rel="prev""#),
        );
        headers.append(
            LINK,
            HeaderValue::from_static(r#"<https://a.example/n>; rel="last NEXT""#),
        );
        assert_eq!(next_link(&headers).as_deref(), Some("https://a.example/n"));
        assert_eq!(next_link(&HeaderMap::new()), None);
        assert!(parse_links("garbage").is_empty());
    }

    #[test]
    fn a_sound_link_is_followed_verbatim() {
        let link = "https://webexapis.com/v1/broadworks/subscribers?spEnterpriseId=Reseller1%2Bacme&max=10&cursor=YWJj%3D";
        let url = repair(
            link,
            &current(),
            &query(&[("spEnterpriseId", "Reseller1+acme")], Some(10)),
        )
        .unwrap();
        assert_eq!(url.as_str(), link);
    }

    #[test]
    fn max_null_and_dropped_filters_are_put_back() {
        let link = "https://webexapis.com/v1/broadworks/subscribers?max=null&cursor=abc";
        let url = repair(
            link,
            &current(),
            &query(
                &[
                    ("spEnterpriseId", "Reseller1+acme"),
                    ("status", "provisioned,error"),
                ],
                Some(10),
            ),
        )
        .unwrap();
        let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        assert_eq!(
            pairs,
            [
                ("cursor".into(), "abc".into()),
                ("max".into(), "10".into()),
                ("spEnterpriseId".into(), "Reseller1+acme".into()),
                ("status".into(), "provisioned,error".into()),
            ]
        );
        assert!(url.as_str().contains("Reseller1%2Bacme"), "{url}");

        let without_size = repair(link, &current(), &query(&[], None)).unwrap();
        assert_eq!(without_size.query(), Some("cursor=abc"));
    }

    #[test]
    fn relative_links_resolve_and_foreign_ones_are_refused() {
        let url = repair(
            "/v1/broadworks/subscribers?cursor=x",
            &current(),
            &query(&[], None),
        )
        .unwrap();
        assert_eq!(
            url.as_str(),
            "https://webexapis.com/v1/broadworks/subscribers?cursor=x"
        );
        let error = repair(
            "https://evil.example/steal?cursor=x",
            &current(),
            &query(&[], None),
        )
        .unwrap_err();
        assert!(error.to_string().contains("another origin"), "{error}");
        assert!(!error.to_string().contains("steal"), "{error}");
        let error = repair(
            "http://webexapis.com/v1/broadworks/subscribers",
            &current(),
            &query(&[], None),
        )
        .unwrap_err();
        assert!(matches!(error, Error::UndecodableResponse(_)));
    }
}

/// Property tests: whatever a server puts in `Link`, reading it never panics, and a
/// well-formed `<url>; rel="next"` is always found, whatever links and parameters surround it.
#[cfg(test)]
mod props {
    use proptest::prelude::*;
    use reqwest::header::HeaderValue;

    use super::*;

    fn config() -> ProptestConfig {
        ProptestConfig {
            cases: 512,
            failure_persistence: None,
            rng_seed: proptest::test_runner::RngSeed::Fixed(0x0011_4ce7),
            ..ProptestConfig::default()
        }
    }

    /// A link target: visible ASCII without `>` (which ends it), not starting or ending in
    /// whitespace.
    fn target() -> impl Strategy<Value = String> {
        prop_oneof![
            "https://[a-z]{1,12}\\.example(/[a-zA-Z0-9._~%-]{0,12}){0,3}(\\?[a-zA-Z0-9=&%,;+\"<-]{0,30})?",
            "/v1/broadworks/subscribers\\?cursor=[a-zA-Z0-9%=,;]{0,20}",
            "[!-=?-~]{1,40}",
        ]
    }

    /// A parameter that is not `rel`, its value a token or a quoted string holding the
    /// characters that end things elsewhere (`,`, `;`, `>`, `<`, `=`, an escaped quote).
    fn other_param() -> impl Strategy<Value = String> {
        (
            "(title|type|anchor|hreflang|media|x-[a-z]{1,5})",
            prop_oneof![
                "[a-zA-Z0-9/._-]{0,10}".prop_map(|v| v),
                "([a-zA-Z0-9 ,;<>=/]|\\\\\"){0,16}".prop_map(|v| format!("\"{v}\"")),
            ],
        )
            .prop_map(|(name, value)| format!("{name}={value}"))
    }

    /// A relation type list without `next`.
    fn other_rel() -> impl Strategy<Value = String> {
        prop_oneof![
            "(prev|first|last|self|previous|nextpage|next-page)".prop_map(|r| r),
            "(prev|first|last)".prop_map(|r| format!("\"{r}\"")),
            "(prev|first|last) (prev|first|last)".prop_map(|r| format!("\"{r}\"")),
        ]
    }

    /// A well-formed link that is not `rel="next"`.
    fn other_link() -> impl Strategy<Value = String> {
        (
            target(),
            prop::collection::vec(other_param(), 0..3),
            other_rel(),
            any::<bool>(),
        )
            .prop_map(|(target, params, rel, rel_first)| {
                let mut parts: Vec<String> = params;
                let rel = format!("rel={rel}");
                if rel_first {
                    parts.insert(0, rel);
                } else {
                    parts.push(rel);
                }
                format!("<{target}>; {}", parts.join("; "))
            })
    }

    /// The `rel` parameter of a next link, in the spellings RFC 8288 allows.
    fn next_rel() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("rel=\"next\"".to_string()),
            Just("rel=next".to_string()),
            Just("REL=\"NEXT\"".to_string()),
            Just("rel = \"next\"".to_string()),
            "(prev|last|first)".prop_map(|other| format!("rel=\"{other} next\"")),
            "(prev|last|first)".prop_map(|other| format!("rel=\"next {other}\"")),
        ]
    }

    fn header(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(LINK, HeaderValue::from_str(value).unwrap());
        headers
    }

    proptest! {
        #![proptest_config(config())]

        #[test]
        fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..120)) {
            if let Ok(value) = HeaderValue::from_bytes(&bytes) {
                let mut headers = HeaderMap::new();
                headers.insert(LINK, value);
                let _ = next_link(&headers);
            }
            let _ = parse_links(&String::from_utf8_lossy(&bytes));
        }

        #[test]
        fn arbitrary_text_never_panics(text in "[<>;,=\" \\\\a-z:/.?&]{0,80}|\\PC{0,60}") {
            let _ = parse_links(&text);
            if let Ok(value) = HeaderValue::from_str(&text) {
                let mut headers = HeaderMap::new();
                headers.insert(LINK, value);
                let _ = next_link(&headers);
            }
        }

        #[test]
        fn a_well_formed_next_link_is_always_found(
            next in target(),
            rel in next_rel(),
            params_before in prop::collection::vec(other_param(), 0..2),
            params_after in prop::collection::vec(other_param(), 0..2),
            before in prop::collection::vec(other_link(), 0..3),
            after in prop::collection::vec(other_link(), 0..3),
            separate_headers in any::<bool>(),
        ) {
            let mut params = params_before;
            params.push(rel);
            params.extend(params_after);
            let next_value = format!("<{next}>; {}", params.join("; "));
            let found = if separate_headers {
                let mut headers = HeaderMap::new();
                for link in before.iter().chain([&next_value]).chain(after.iter()) {
                    headers.append(LINK, HeaderValue::from_str(link).unwrap());
                }
                next_link(&headers)
            } else {
                let all: Vec<&str> = before
                    .iter()
                    .map(String::as_str)
                    .chain([next_value.as_str()])
                    .chain(after.iter().map(String::as_str))
                    .collect();
                next_link(&header(&all.join(", ")))
            };
            prop_assert_eq!(found.as_deref(), Some(next.as_str()));
        }

        #[test]
        fn links_without_next_give_none(links in prop::collection::vec(other_link(), 0..4)) {
            prop_assert_eq!(next_link(&header(&links.join(", "))), None);
        }
    }
}
