//! Webex identifiers: unpadded base64url of `ciscospark://us/<KIND>/<uuid>`, drawn from a
//! seeded generator so that a run's identifiers repeat.

use std::sync::Mutex;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// The kinds of identifier the API hands out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum IdKind {
    Subscriber,
    People,
    Place,
    Enterprise,
    Organization,
    BillingReport,
}

impl IdKind {
    fn as_str(self) -> &'static str {
        match self {
            IdKind::Subscriber => "SUBSCRIBER",
            IdKind::People => "PEOPLE",
            IdKind::Place => "PLACE",
            IdKind::Enterprise => "ENTERPRISE",
            IdKind::Organization => "ORGANIZATION",
            IdKind::BillingReport => "BILLING_REPORT",
        }
    }
}

/// Hands out identifiers.
#[derive(Debug)]
pub(crate) struct IdGenerator {
    rng: Mutex<StdRng>,
}

impl IdGenerator {
    pub(crate) fn new(seed: u64) -> Self {
        IdGenerator {
            rng: Mutex::new(StdRng::seed_from_u64(seed)),
        }
    }

    /// A fresh random UUID (version 4 layout).
    pub(crate) fn uuid(&self) -> String {
        let bits: u128 = crate::locked::locked(&self.rng).random();
        let bits = (bits & !(0xF << 76) | (0x4 << 76)) & !(0x3 << 62) | (0x2 << 62);
        let hex = format!("{bits:032x}");
        format!(
            "{}-{}-{}-{}-{}",
            &hex[0..8],
            &hex[8..12],
            &hex[12..16],
            &hex[16..20],
            &hex[20..32]
        )
    }

    /// A fresh Webex identifier of `kind`.
    pub(crate) fn next(&self, kind: IdKind) -> String {
        hydra_id(kind, &self.uuid())
    }

    /// A fresh provisioning id: `<uuid>:<uuid>`, base64url-encoded.
    pub(crate) fn provisioning_id(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!("{}:{}", self.uuid(), self.uuid()))
    }
}

/// The Webex identifier of `kind` for `uuid`.
pub(crate) fn hydra_id(kind: IdKind, uuid: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("ciscospark://us/{}/{uuid}", kind.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_decode_to_ciscospark_urls_and_repeat_per_seed() {
        let first = IdGenerator::new(5).next(IdKind::Subscriber);
        assert_eq!(first, IdGenerator::new(5).next(IdKind::Subscriber));
        let decoded = String::from_utf8(URL_SAFE_NO_PAD.decode(&first).unwrap()).unwrap();
        assert!(
            decoded.starts_with("ciscospark://us/SUBSCRIBER/"),
            "{decoded}"
        );
        let uuid = decoded.rsplit('/').next().unwrap();
        assert_eq!(uuid.len(), 36);
        assert_eq!(&uuid[14..15], "4");
    }
}
