//! The simulator's clock: tokio time (so tests can pause and advance it), shown to clients
//! as wall-clock timestamps.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use tokio::time::Instant;

/// A point in simulator time, as the API shows it.
pub(crate) type Timestamp = DateTime<Utc>;

/// Reads tokio's clock as wall-clock time.
#[derive(Clone, Copy, Debug)]
pub(crate) struct SimClock {
    origin: Instant,
    origin_wall: Timestamp,
}

impl SimClock {
    /// A clock that reads `origin_wall` now and advances with tokio time.
    pub(crate) fn new(origin_wall: Timestamp) -> Self {
        SimClock {
            origin: Instant::now(),
            origin_wall,
        }
    }

    /// The current simulator time.
    pub(crate) fn now(&self) -> Timestamp {
        self.origin_wall + Instant::now().saturating_duration_since(self.origin)
    }
}

/// Parses a filter instant: epoch milliseconds, or ISO 8601 (a full timestamp, or a date).
pub(crate) fn parse_instant(value: &str) -> Option<DateTime<Utc>> {
    let value = value.trim();
    if let Ok(millis) = value.parse::<i64>() {
        return Utc.timestamp_millis_opt(millis).single();
    }
    if let Ok(time) = DateTime::parse_from_rfc3339(value) {
        return Some(time.with_timezone(&Utc));
    }
    NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .ok()
        .and_then(|date| date.and_hms_opt(0, 0, 0))
        .map(|time| time.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_epoch_millis_and_iso() {
        let expected = Utc.with_ymd_and_hms(2021, 4, 1, 14, 49, 50).unwrap();
        assert_eq!(parse_instant("1617288590000"), Some(expected));
        assert_eq!(parse_instant("2021-04-01T14:49:50Z"), Some(expected));
        assert_eq!(parse_instant("2021-04-01T16:49:50+02:00"), Some(expected));
        assert_eq!(
            parse_instant("2021-04-01"),
            Some(Utc.with_ymd_and_hms(2021, 4, 1, 0, 0, 0).unwrap())
        );
        assert_eq!(parse_instant("yesterday"), None);
    }

    #[tokio::test(start_paused = true)]
    async fn follows_tokio_time() {
        let origin = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap();
        let clock = SimClock::new(origin);
        assert_eq!(clock.now(), origin);
        tokio::time::advance(std::time::Duration::from_secs(90)).await;
        assert_eq!(
            clock.now(),
            Utc.with_ymd_and_hms(2024, 1, 1, 0, 1, 30).unwrap()
        );
    }
}
