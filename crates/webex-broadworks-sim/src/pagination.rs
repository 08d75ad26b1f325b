//! `max` page sizes, opaque cursors and `Link: <...>; rel="next"` headers.
//!
//! The API documents no offset parameter, so the next link carries an opaque `cursor`
//! (the position after the last item shown) together with every filter of the first
//! request: following the link verbatim gives the next page of the same query, even when
//! items are added or removed in between.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::faults::BrokenLink;

/// The query parameter that carries the cursor in next links.
pub(crate) const CURSOR_PARAM: &str = "cursor";

/// How a list endpoint pages.
#[derive(Clone, Copy, Debug)]
pub(crate) struct PageLimits {
    pub(crate) default: usize,
    pub(crate) maximum: usize,
}

/// Subscribers: 50 by default, at most 100.
pub(crate) const SUBSCRIBER_PAGES: PageLimits = PageLimits {
    default: 50,
    maximum: 100,
};

/// Enterprises: 100 by default, at most 1000.
pub(crate) const ENTERPRISE_PAGES: PageLimits = PageLimits {
    default: 100,
    maximum: 1000,
};

/// The page asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct PageRequest {
    pub(crate) size: usize,
    /// Only items whose sequence number is greater than this.
    pub(crate) after: Option<u64>,
}

impl PageRequest {
    /// Reads `max` and `cursor`; a `max` above the limit is lowered to the limit.
    pub(crate) fn parse(
        max: Option<&str>,
        cursor: Option<&str>,
        limits: PageLimits,
    ) -> Result<PageRequest, String> {
        let size = match max {
            None => limits.default,
            Some(raw) => parse_max(raw)
                .ok_or_else(|| format!("max must be a whole number of 1 or more, not `{raw}`"))?
                .min(limits.maximum),
        };
        let after = cursor
            .map(|raw| decode_cursor(raw).ok_or_else(|| format!("cursor `{raw}` is not valid")))
            .transpose()?;
        Ok(PageRequest { size, after })
    }

    /// Takes the page from `items`, which are in ascending sequence order; also returns the
    /// cursor of the next page if more items follow.
    pub(crate) fn take<T>(&self, items: Vec<(u64, T)>) -> (Vec<T>, Option<String>) {
        let mut rest = items
            .into_iter()
            .filter(|(seq, _)| self.after.is_none_or(|after| *seq > after))
            .peekable();
        let mut page = Vec::new();
        let mut last = None;
        while page.len() < self.size {
            match rest.next() {
                Some((seq, item)) => {
                    last = Some(seq);
                    page.push(item);
                }
                None => break,
            }
        }
        let next = match (rest.peek(), last) {
            (Some(_), Some(last)) => Some(encode_cursor(last)),
            _ => None,
        };
        (page, next)
    }
}

/// `max` as the description types it: a whole number, written in digits. One above the
/// page limit is lowered to it, however many digits it has; anything else is refused.
fn parse_max(raw: &str) -> Option<usize> {
    let raw = raw.trim();
    if raw.is_empty() || !raw.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // More digits than a usize holds is still a number above the limit.
    let value = raw.parse::<usize>().unwrap_or(usize::MAX);
    (value >= 1).then_some(value)
}

fn encode_cursor(seq: u64) -> String {
    URL_SAFE_NO_PAD.encode(format!("after:{seq}"))
}

fn decode_cursor(raw: &str) -> Option<u64> {
    let bytes = URL_SAFE_NO_PAD.decode(raw.trim()).ok()?;
    String::from_utf8(bytes)
        .ok()?
        .strip_prefix("after:")?
        .parse()
        .ok()
}

/// The `Link` header value pointing at the next page: the request's own query with the
/// effective `max` and the next `cursor`, unless the link is to be `broken`.
pub(crate) fn next_link(
    url_without_query: &str,
    query: &[(String, String)],
    size: usize,
    cursor: &str,
    broken: Option<BrokenLink>,
) -> String {
    let mut pairs: Vec<(&str, String)> = query
        .iter()
        .filter(|(name, _)| name != "max" && name != CURSOR_PARAM)
        .filter(|_| broken != Some(BrokenLink::DroppedFilters))
        .map(|(name, value)| (name.as_str(), value.clone()))
        .collect();
    let max = match broken {
        Some(BrokenLink::MaxNull) => "null".to_string(),
        _ => size.to_string(),
    };
    pairs.push(("max", max));
    pairs.push((CURSOR_PARAM, cursor.to_string()));
    let url_without_query = match broken {
        // Only the path: what follows the scheme and the host.
        Some(BrokenLink::Relative) => url_without_query
            .find("://")
            .and_then(|scheme| {
                let after = scheme + 3;
                url_without_query[after..]
                    .find('/')
                    .map(|path| &url_without_query[after + path..])
            })
            .unwrap_or(url_without_query),
        _ => url_without_query,
    };
    let query = pairs
        .iter()
        .map(|(name, value)| format!("{}={}", percent_encode(name), percent_encode(value)))
        .collect::<Vec<_>>()
        .join("&");
    format!("<{url_without_query}?{query}>; rel=\"next\"")
}

/// Percent-encodes everything but RFC 3986 unreserved characters (so `+` and `@` are safe).
pub(crate) fn percent_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_defaults_clamps_and_rejects() {
        let parse = |max| PageRequest::parse(max, None, SUBSCRIBER_PAGES).map(|p| p.size);
        assert_eq!(parse(None), Ok(50));
        assert_eq!(parse(Some("7")), Ok(7));
        assert_eq!(parse(Some("500")), Ok(100));
        assert_eq!(parse(Some("99999999999999999999999999")), Ok(100));
        for not_whole in ["10.0", "1.5", "1e4", "+5", ""] {
            assert!(parse(Some(not_whole)).is_err(), "{not_whole}");
        }
        assert!(parse(Some("0")).is_err());
        assert!(parse(Some("-3")).is_err());
        assert!(parse(Some("ten")).is_err());
        assert!(parse(Some("null")).is_err());
    }

    #[test]
    fn pages_follow_the_cursor() {
        let items: Vec<(u64, u64)> = (1..=5).map(|seq| (seq * 10, seq)).collect();
        let first = PageRequest {
            size: 2,
            after: None,
        };
        let (page, cursor) = first.take(items.clone());
        assert_eq!(page, vec![1, 2]);
        let cursor = cursor.unwrap();
        let second = PageRequest::parse(Some("2"), Some(&cursor), SUBSCRIBER_PAGES).unwrap();
        let (page, cursor) = second.take(items.clone());
        assert_eq!(page, vec![3, 4]);
        let third = PageRequest::parse(Some("2"), cursor.as_deref(), SUBSCRIBER_PAGES).unwrap();
        assert_eq!(third.take(items), (vec![5], None));
        assert!(PageRequest::parse(None, Some("garbage!"), SUBSCRIBER_PAGES).is_err());
    }

    #[test]
    fn link_keeps_filters_and_encodes_them() {
        let query = vec![
            ("spEnterpriseId".to_string(), "Reseller1+acme".to_string()),
            ("max".to_string(), "500".to_string()),
            ("status".to_string(), "error,provisioned".to_string()),
        ];
        let link = next_link(
            "http://127.0.0.1:1/v1/broadworks/subscribers",
            &query,
            100,
            "abc",
            None,
        );
        assert_eq!(
            link,
            "<http://127.0.0.1:1/v1/broadworks/subscribers?spEnterpriseId=Reseller1%2Bacme&status=error%2Cprovisioned&max=100&cursor=abc>; rel=\"next\""
        );
    }
}
