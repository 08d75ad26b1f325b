//! The client's randomness (jitter, tracking ids), seedable for repeatable tests, and the
//! `TrackingID` each request carries.

use std::ops::RangeInclusive;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// One random generator shared by everything a client does.
#[derive(Clone, Debug)]
pub(crate) struct Random(Arc<Mutex<StdRng>>);

impl Random {
    /// Seeded from the operating system, or from `seed` for repeatable runs.
    pub(crate) fn new(seed: Option<u64>) -> Self {
        let rng = match seed {
            Some(seed) => StdRng::seed_from_u64(seed),
            None => StdRng::from_os_rng(),
        };
        Random(Arc::new(Mutex::new(rng)))
    }

    fn with<T>(&self, f: impl FnOnce(&mut StdRng) -> T) -> T {
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
        let drawn = self.with(|rng| rng.random_range(nanos(low)..=nanos(high)));
        Duration::from_nanos(drawn)
    }

    fn bytes(&self) -> [u8; 16] {
        self.with(|rng| rng.random())
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
        let uuid = uuid::Builder::from_random_bytes(self.random.bytes()).into_uuid();
        CallTracking {
            base: format!("{}_{}", self.prefix, uuid),
        }
    }
}

impl CallTracking {
    /// The id of the `attempt`-th request of the call, counting from 1.
    pub(crate) fn attempt(&self, attempt: u32) -> String {
        format!("{}_{}", self.base, attempt)
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
