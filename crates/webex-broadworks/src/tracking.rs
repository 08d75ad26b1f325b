//! The client's randomness (jitter, tracking ids), seedable for repeatable tests, and the
//! `TrackingID` each request carries.

use std::ops::RangeInclusive;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

/// One random generator shared by everything a client does. Nothing it draws is a secret
/// (backoff jitter, the uuid part of tracking ids), so a small fast generator serves.
#[derive(Clone, Debug)]
pub(crate) struct Random(Arc<Mutex<fastrand::Rng>>);

impl Random {
    /// Seeded from the process's own randomness, or from `seed` for repeatable runs.
    pub(crate) fn new(seed: Option<u64>) -> Self {
        let rng = match seed {
            Some(seed) => fastrand::Rng::with_seed(seed),
            None => fastrand::Rng::new(),
        };
        Random(Arc::new(Mutex::new(rng)))
    }

    fn with<T>(&self, f: impl FnOnce(&mut fastrand::Rng) -> T) -> T {
        // A panic elsewhere cannot leave a random generator in a state worth refusing.
        let mut rng = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        f(&mut rng)
    }

    /// A duration drawn uniformly from `range`.
    pub(crate) fn duration(&self, range: RangeInclusive<Duration>) -> Duration {
        let (low, high) = (*range.start(), *range.end());
        if high <= low {
            return low;
        }
        let nanos = |d: Duration| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX);
        let drawn = self.with(|rng| rng.u64(nanos(low)..=nanos(high)));
        Duration::from_nanos(drawn)
    }

    fn bytes(&self) -> [u8; 16] {
        let mut bytes = [0; 16];
        self.with(|rng| rng.fill(&mut bytes));
        bytes
    }
}

/// Makes the `TrackingID` header values: `<prefix>_<uuid>_<attempt>`.
///
/// One uuid per call and the attempt number after it, so that every request is unique and
/// the attempts of one call are easy to group, in our logs as in Webex's.
#[derive(Clone, Debug)]
pub(crate) struct TrackingIds {
    prefix: String,
    random: Random,
}

/// The tracking id of one call; [`CallTracking::attempt`] names each request of it.
#[derive(Clone, Debug)]
pub(crate) struct CallTracking {
    base: String,
}

impl TrackingIds {
    pub(crate) fn new(prefix: String, random: Random) -> Self {
        TrackingIds { prefix, random }
    }

    pub(crate) fn call(&self) -> CallTracking {
        let mut base = String::with_capacity(self.prefix.len() + 1 + 36 + 4);
        base.push_str(&self.prefix);
        base.push('_');
        push_uuid_v4(&mut base, self.random.bytes());
        CallTracking { base }
    }
}

impl CallTracking {
    /// The id of the `attempt`-th request of the call, counting from 1.
    pub(crate) fn attempt(&self, attempt: u32) -> String {
        let mut id = String::with_capacity(self.base.len() + 11);
        id.push_str(&self.base);
        id.push('_');
        push_decimal(&mut id, attempt);
        id
    }
}

/// Writes `n` in decimal digits, without the formatting machinery.
fn push_decimal(out: &mut String, n: u32) {
    let mut digits = [0u8; 10];
    let mut at = digits.len();
    let mut rest = n;
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    for &digit in &digits[at..] {
        out.push(char::from(digit));
    }
}

/// Writes `bytes` as a random (version 4, RFC 9562) uuid: 8-4-4-4-12 lower-case hex digits.
fn push_uuid_v4(out: &mut String, mut bytes: [u8; 16]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    for (i, byte) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        out.push(char::from(HEX[usize::from(byte >> 4)]));
        out.push(char::from(HEX[usize::from(byte & 0x0f)]));
    }
}

/// Whether `prefix` can start a header value: visible ASCII without spaces.
pub(crate) fn is_valid_prefix(prefix: &str) -> bool {
    !prefix.is_empty()
        && prefix.len() <= 64
        && prefix.bytes().all(|b| b.is_ascii_graphic() && b != b',')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_ids_repeat_and_differ_per_call() {
        let ids = |seed| TrackingIds::new("TEST".into(), Random::new(Some(seed)));
        let (a, b) = (ids(7), ids(7));
        let first = a.call().attempt(1);
        assert_eq!(first, b.call().attempt(1));
        assert_ne!(a.call().attempt(1), first);
        assert!(
            first.starts_with("TEST_") && first.ends_with("_1"),
            "{first}"
        );
        // prefix, 36-character uuid, attempt
        assert_eq!(first.len(), "TEST_".len() + 36 + "_1".len());
    }

    #[test]
    fn attempts_are_numbered_in_decimal() {
        let call = TrackingIds::new("TEST".into(), Random::new(Some(3))).call();
        for (attempt, suffix) in [
            (1, "_1"),
            (10, "_10"),
            (907, "_907"),
            (u32::MAX, "_4294967295"),
        ] {
            let id = call.attempt(attempt);
            assert!(id.ends_with(suffix), "{id}");
            assert_eq!(id.len(), "TEST_".len() + 36 + suffix.len(), "{id}");
        }
    }

    #[test]
    fn the_uuid_part_is_a_version_4_uuid() {
        let mut text = String::new();
        push_uuid_v4(&mut text, [0xff; 16]);
        assert_eq!(text, "ffffffff-ffff-4fff-bfff-ffffffffffff");
        text.clear();
        push_uuid_v4(
            &mut text,
            *b"\x01\x23\x45\x67\x89\xab\xcd\xef\x01\x23\x45\x67\x89\xab\xcd\xef",
        );
        assert_eq!(text, "01234567-89ab-4def-8123-456789abcdef");
    }

    #[test]
    fn durations_stay_in_range() {
        let random = Random::new(Some(1));
        for _ in 0..1000 {
            let d = random.duration(Duration::from_millis(10)..=Duration::from_millis(20));
            assert!(d >= Duration::from_millis(10) && d <= Duration::from_millis(20));
        }
        assert_eq!(
            random.duration(Duration::from_secs(3)..=Duration::from_secs(1)),
            Duration::from_secs(3)
        );
    }

    #[test]
    fn prefixes_must_fit_a_header() {
        assert!(is_valid_prefix("ACME-PROV"));
        assert!(!is_valid_prefix(""));
        assert!(!is_valid_prefix("has space"));
        assert!(!is_valid_prefix("naïve"));
    }
}
