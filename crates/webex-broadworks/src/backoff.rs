//! Delays between attempts: exponential growth, jitter, and the server's `Retry-After`.

use std::time::{Duration, SystemTime};

use reqwest::header::{DATE, HeaderMap, RETRY_AFTER};

use crate::tracking::Random;

/// `initial * 2^step`, never above `max`.
pub(crate) fn exponential(initial: Duration, max: Duration, step: u32) -> Duration {
    let factor = 1u32.checked_shl(step.min(31)).unwrap_or(u32::MAX);
    initial.saturating_mul(factor).min(max)
}

/// Full jitter: uniform in `[0, exponential(step)]`, so that clients failing together do
/// not come back together.
pub(crate) fn full_jitter(
    random: &Random,
    initial: Duration,
    max: Duration,
    step: u32,
) -> Duration {
    random.duration(Duration::ZERO..=exponential(initial, max, step))
}

/// Uniform in `[min, max(min, exponential(step))]`: never shorter than `min`.
pub(crate) fn bounded_jitter(
    random: &Random,
    min: Duration,
    initial: Duration,
    max: Duration,
    step: u32,
) -> Duration {
    let ceiling = exponential(initial, max, step).max(min);
    random.duration(min..=ceiling)
}

/// The `Retry-After` of a response: whole seconds, or an HTTP date.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = http_date(value)?;
    // Measured against the server's own `Date`, so that the two clocks' skew does not count.
    let now = headers
        .get(DATE)
        .and_then(|date| date.to_str().ok())
        .and_then(http_date)
        .unwrap_or_else(wall_clock);
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

fn http_date(value: &str) -> Option<SystemTime> {
    let when = chrono::DateTime::parse_from_rfc2822(value.trim()).ok()?;
    Some(SystemTime::from(when.with_timezone(&chrono::Utc)))
}

/// Now, by the local clock: an HTTP date without the server's `Date` beside it can only be
/// read against it.
#[allow(clippy::disallowed_methods)]
fn wall_clock() -> SystemTime {
    SystemTime::now()
}

/// A server's `Retry-After`, held within `[min, max]`.
pub(crate) fn clamp_retry_after(after: Duration, min: Duration, max: Duration) -> Duration {
    after.max(min).min(max.max(min))
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    #[test]
    fn exponential_doubles_up_to_the_cap() {
        let ms = Duration::from_millis;
        assert_eq!(exponential(ms(100), ms(1000), 0), ms(100));
        assert_eq!(exponential(ms(100), ms(1000), 3), ms(800));
        assert_eq!(exponential(ms(100), ms(1000), 4), ms(1000));
        assert_eq!(exponential(ms(100), ms(1000), 200), ms(1000));
    }

    #[test]
    fn jitter_stays_in_its_band_and_varies() {
        let random = Random::new(Some(3));
        let ms = Duration::from_millis;
        let draws: Vec<Duration> = (0..200)
            .map(|_| bounded_jitter(&random, ms(500), ms(1000), ms(4000), 2))
            .collect();
        assert!(draws.iter().all(|d| *d >= ms(500) && *d <= ms(4000)));
        assert!(draws.iter().any(|d| *d != draws[0]));
        let full: Vec<Duration> = (0..200)
            .map(|_| full_jitter(&random, ms(100), ms(1000), 1))
            .collect();
        assert!(full.iter().all(|d| *d <= ms(200)));
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_static("7"));
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(7)));
        headers.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(retry_after(&headers), Some(Duration::ZERO));
        // Against the server's own clock, whatever the local one says.
        headers.insert(
            DATE,
            HeaderValue::from_static("Wed, 21 Oct 2015 07:27:30 GMT"),
        );
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(30)));
        headers.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&headers), None);
    }

    #[test]
    fn retry_after_is_clamped() {
        let s = Duration::from_secs;
        assert_eq!(clamp_retry_after(s(0), s(1), s(60)), s(1));
        assert_eq!(clamp_retry_after(s(3600), s(1), s(60)), s(60));
        assert_eq!(clamp_retry_after(s(5), s(1), s(60)), s(5));
    }
}

/// Property tests: whatever a server puts in `Retry-After`, reading it never panics, and a
/// whole number of seconds is read as exactly that many seconds.
#[cfg(test)]
mod props {
    use proptest::prelude::*;
    use reqwest::header::HeaderValue;

    use super::*;

    fn config() -> ProptestConfig {
        ProptestConfig {
            cases: 512,
            failure_persistence: None,
            rng_seed: proptest::test_runner::RngSeed::Fixed(0x07e7_a5e5),
            ..ProptestConfig::default()
        }
    }

    fn headers_with(value: HeaderValue) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, value);
        headers
    }

    /// Texts shaped like HTTP dates, with every part free to be out of range.
    fn date_like() -> impl Strategy<Value = String> {
        (
            "(Mon|Tue|Wed|Thu|Fri|Sat|Sun|Xyz|)",
            any::<u8>(),
            "(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|Foo)",
            any::<u32>(),
            (any::<u8>(), any::<u8>(), any::<u8>()),
            "(GMT|UT|UTC|Z|\\+[0-9]{4}|-[0-9]{4}|[A-Z]{1,3}|)",
        )
            .prop_map(|(day, date, month, year, (h, m, s), zone)| {
                format!("{day}, {date} {month} {year} {h:02}:{m:02}:{s:02} {zone}")
            })
    }

    proptest! {
        #![proptest_config(config())]

        #[test]
        fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..80)) {
            if let Ok(value) = HeaderValue::from_bytes(&bytes) {
                let _ = retry_after(&headers_with(value));
            }
        }

        #[test]
        fn arbitrary_text_never_panics(text in "\\PC{0,60}") {
            if let Ok(value) = HeaderValue::from_str(&text) {
                let _ = retry_after(&headers_with(value));
            }
        }

        #[test]
        fn date_like_values_never_panic(text in date_like()) {
            let value = HeaderValue::from_str(&text).unwrap();
            let _ = retry_after(&headers_with(value));
        }

        #[test]
        fn whole_seconds_are_read_exactly(
            seconds in any::<u64>(),
            before in "[ \t]{0,3}",
            after in "[ \t]{0,3}",
        ) {
            let value = HeaderValue::from_str(&format!("{before}{seconds}{after}")).unwrap();
            prop_assert_eq!(
                retry_after(&headers_with(value)),
                Some(Duration::from_secs(seconds))
            );
        }

        #[test]
        fn clamping_stays_within_its_bounds(after in any::<u64>(), min in 0u64..1000, max in 0u64..1000) {
            let s = Duration::from_secs;
            let clamped = clamp_retry_after(s(after), s(min), s(max));
            prop_assert!(clamped >= s(min) && clamped <= s(max.max(min)));
        }
    }
}
