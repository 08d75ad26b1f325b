//! Tolerant wire types that stand in for some component schemas of the spec.
//!
//! Real responses differ from any description: Webex adds enum values, sends
//! `selfActivated` as a string, and types codes and counters as floating-point
//! numbers. Each type here decodes what Webex actually sends instead of failing the whole
//! response, and encodes exactly what the spec declares. `cargo xtask generate` maps the
//! schemas to these types (see `REPLACEMENTS` in `xtask/src/generate.rs`).

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// Defines an open string enum: the known values as variants, and `Unknown` keeping any
/// other value verbatim so that a value Webex adds later decodes instead of failing.
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        $name:ident { $( $(#[$vmeta:meta])* $variant:ident = $wire:literal, )+ }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this version does not know, kept exactly as it was sent.
            Unknown(String),
        }

        impl $name {
            /// Every value this version knows, in the spec's order.
            pub const KNOWN: &'static [$name] = &[ $( $name::$variant, )+ ];

            /// The value as it travels on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $wire, )+
                    $name::Unknown(other) => other,
                }
            }

            /// Whether this is a value the spec declares.
            pub fn is_known(&self) -> bool {
                !matches!(self, $name::Unknown(_))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = std::convert::Infallible;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(match value {
                    $( $wire => $name::$variant, )+
                    other => $name::Unknown(other.to_string()),
                })
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                let Ok(parsed) = value.parse();
                parsed
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = Cow::<'de, str>::deserialize(deserializer)?;
                Ok($name::from(value.as_ref()))
            }
        }

        #[cfg(feature = "schemars")]
        impl schemars::JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({
                    "type": "string",
                    "examples": [ $( $wire, )+ ],
                })
            }
        }
    };
}

open_enum! {
    /// Where a subscriber's provisioning stands.
    SubscriberStatus {
        /// Paused: the subscriber has to enter an e-mail address.
        PendingEmailInput = "pending_email_input",
        /// Paused: the subscriber has to validate the e-mail address entered.
        PendingEmailValidation = "pending_email_validation",
        /// Paused: the subscriber has to consent to moving an existing Webex account.
        PendingUserMigration = "pending_user_migration",
        /// Provisioning is under way.
        Provisioning = "provisioning",
        /// The subscriber is provisioned on Webex; `personId` is set.
        Provisioned = "provisioned",
        /// An update of a provisioned subscriber is under way.
        Updating = "updating",
        /// Provisioning or the last update failed; see the subscriber's `errors`.
        Error = "error",
    }
}

impl SubscriberStatus {
    /// The status is waiting for the end user, not for Webex.
    pub fn is_paused(&self) -> bool {
        matches!(
            self,
            SubscriberStatus::PendingEmailInput
                | SubscriberStatus::PendingEmailValidation
                | SubscriberStatus::PendingUserMigration
        )
    }

    /// Webex is still working on the subscriber.
    pub fn is_in_progress(&self) -> bool {
        matches!(
            self,
            SubscriberStatus::Provisioning | SubscriberStatus::Updating
        )
    }
}

open_enum! {
    /// The Webex for BroadWorks package assigned to a subscriber.
    Package {
        /// Softphone package.
        Softphone = "softphone",
        /// Basic package.
        Basic = "basic",
        /// Standard package.
        Standard = "standard",
        /// Premium package.
        Premium = "premium",
    }
}

open_enum! {
    /// Where an enterprise's directory synchronisation stands.
    DirectorySyncState {
        /// The last synchronisation finished.
        Complete = "COMPLETE",
        /// A synchronisation is running.
        InProgress = "IN_PROGRESS",
        /// The enterprise has never been synchronised.
        NotSynced = "NOT_SYNCED",
        /// The last synchronisation failed; see the status's `errors`.
        Failed = "FAILED",
    }
}

open_enum! {
    /// Where the generation of a billing report stands.
    BillingReportStatus {
        /// The report is being generated.
        InProgress = "IN_PROGRESS",
        /// The report is ready to download.
        Completed = "COMPLETED",
        /// Generation failed; see the report's `errors`.
        Failed = "FAILED",
    }
}

/// Whether a subscriber activated themself rather than being provisioned through the API.
///
/// Declared a boolean; Webex also sends the strings `"true"` and `"false"`. Both decode;
/// it always encodes as a boolean.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct SelfActivated(pub bool);

impl SelfActivated {
    /// The flag's value.
    pub fn get(self) -> bool {
        self.0
    }
}

impl From<bool> for SelfActivated {
    fn from(value: bool) -> Self {
        SelfActivated(value)
    }
}

impl From<SelfActivated> for bool {
    fn from(value: SelfActivated) -> Self {
        value.0
    }
}

impl fmt::Display for SelfActivated {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl Serialize for SelfActivated {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bool(self.0)
    }
}

impl<'de> Deserialize<'de> for SelfActivated {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct BoolOrString;

        impl Visitor<'_> for BoolOrString {
            type Value = SelfActivated;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a boolean or the string \"true\" or \"false\"")
            }

            fn visit_bool<E: de::Error>(self, value: bool) -> Result<Self::Value, E> {
                Ok(SelfActivated(value))
            }

            fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
                match value.trim() {
                    v if v.eq_ignore_ascii_case("true") => Ok(SelfActivated(true)),
                    v if v.eq_ignore_ascii_case("false") => Ok(SelfActivated(false)),
                    _ => Err(E::invalid_value(de::Unexpected::Str(value), &self)),
                }
            }
        }

        deserializer.deserialize_any(BoolOrString)
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for SelfActivated {
    fn schema_name() -> Cow<'static, str> {
        "SelfActivated".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": ["boolean", "string"], "enum": [true, false, "true", "false"] })
    }
}

/// Decodes a whole number that may arrive as an integer (`10022`), as a float (`10022.0`)
/// or as a numeric string (`"10022"`); Cisco's description types these as `number`.
fn whole_number<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    struct WholeNumber;

    impl Visitor<'_> for WholeNumber {
        type Value = i64;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a whole number")
        }

        fn visit_i64<E: de::Error>(self, value: i64) -> Result<i64, E> {
            Ok(value)
        }

        fn visit_u64<E: de::Error>(self, value: u64) -> Result<i64, E> {
            i64::try_from(value)
                .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(value), &self))
        }

        fn visit_f64<E: de::Error>(self, value: f64) -> Result<i64, E> {
            // The range check keeps the cast exact; fractions of a code carry no meaning.
            if value.is_finite() && value.fract() == 0.0 && value.abs() < 9.0e15 {
                Ok(value as i64)
            } else {
                Err(E::invalid_value(de::Unexpected::Float(value), &self))
            }
        }

        fn visit_str<E: de::Error>(self, value: &str) -> Result<i64, E> {
            let trimmed = value.trim();
            if let Ok(whole) = trimmed.parse::<i64>() {
                return Ok(whole);
            }
            match trimmed.parse::<f64>() {
                Ok(float) => self.visit_f64(float),
                Err(_) => Err(E::invalid_value(de::Unexpected::Str(value), &self)),
            }
        }
    }

    deserializer.deserialize_any(WholeNumber)
}

/// A numeric code: an error code, or a precheck info code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct ErrorCode(pub i64);

impl<'de> Deserialize<'de> for ErrorCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        whole_number(deserializer).map(ErrorCode)
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl From<i64> for ErrorCode {
    fn from(value: i64) -> Self {
        ErrorCode(value)
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for ErrorCode {
    fn schema_name() -> Cow<'static, str> {
        "ErrorCode".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "integer", "format": "int64" })
    }
}

/// A counter of the directory synchronisation: never negative, a whole number.
///
/// A value that is neither (`-1`, `2.5`, `"many"`) is kept as it came, in
/// [`Count::Malformed`], rather than failing the whole response.
///
/// ```
/// use webex_broadworks_api::wire::Count;
///
/// let added: Count = serde_json::from_str("12").unwrap();
/// assert_eq!(added.get(), Some(12));
/// let odd: Count = serde_json::from_str("-1").unwrap();
/// assert_eq!(odd, Count::Malformed((-1).into()));
/// assert_eq!(odd.get(), None);
/// ```
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Count {
    /// The count.
    Of(u64),
    /// What Webex sent instead of a count, verbatim.
    Malformed(serde_json::Value),
}

impl Count {
    /// The count, unless Webex sent something else.
    pub fn get(&self) -> Option<u64> {
        match self {
            Count::Of(count) => Some(*count),
            Count::Malformed(_) => None,
        }
    }
}

impl Default for Count {
    fn default() -> Self {
        Count::Of(0)
    }
}

impl<'de> Deserialize<'de> for Count {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = serde_json::Value::deserialize(deserializer)?;
        let whole = whole_number(raw.clone()).ok();
        Ok(match whole.and_then(|whole| u64::try_from(whole).ok()) {
            Some(count) => Count::Of(count),
            None => Count::Malformed(raw),
        })
    }
}

impl fmt::Display for Count {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Count::Of(count) => write!(f, "{count}"),
            Count::Malformed(raw) => write!(f, "{raw} (not a count)"),
        }
    }
}

impl From<u64> for Count {
    fn from(value: u64) -> Self {
        Count::Of(value)
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for Count {
    fn schema_name() -> Cow<'static, str> {
        "Count".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "integer", "format": "int64", "minimum": 0 })
    }
}

/// An instant, RFC 3339 on the wire (`2026-03-18T16:05:34.000Z`).
///
/// A value that is not one (`""`, epoch milliseconds, a date without a time) is kept as it
/// came, in [`Timestamp::Malformed`], rather than failing the whole response. Ordered by
/// instant; a malformed value sorts before every instant.
///
/// ```
/// use webex_broadworks_api::wire::Timestamp;
///
/// let created: Timestamp = serde_json::from_str("\"2026-03-18T16:05:34.000Z\"").unwrap();
/// assert_eq!(created.get().unwrap().timestamp(), 1_773_849_934);
/// let odd: Timestamp = serde_json::from_str("1584547534000").unwrap();
/// assert_eq!(odd.get(), None);
/// assert!(matches!(odd, Timestamp::Malformed(_)));
/// assert!(odd < created);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Timestamp {
    /// The instant.
    At(chrono::DateTime<chrono::Utc>),
    /// What Webex sent instead of an RFC 3339 instant, verbatim.
    Malformed(serde_json::Value),
}

impl Timestamp {
    /// The instant, unless Webex sent something else.
    pub fn get(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        match self {
            Timestamp::At(at) => Some(*at),
            Timestamp::Malformed(_) => None,
        }
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = serde_json::Value::deserialize(deserializer)?;
        let parsed = raw
            .as_str()
            .and_then(|text| chrono::DateTime::parse_from_rfc3339(text.trim()).ok());
        Ok(match parsed {
            Some(at) => Timestamp::At(at.with_timezone(&chrono::Utc)),
            None => Timestamp::Malformed(raw),
        })
    }
}

impl PartialOrd for Timestamp {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Timestamp {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        match (self, other) {
            (Timestamp::At(a), Timestamp::At(b)) => a.cmp(b),
            (Timestamp::At(_), Timestamp::Malformed(_)) => std::cmp::Ordering::Greater,
            (Timestamp::Malformed(_), Timestamp::At(_)) => std::cmp::Ordering::Less,
            (Timestamp::Malformed(a), Timestamp::Malformed(b)) => a.to_string().cmp(&b.to_string()),
        }
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Timestamp::At(at) => write!(
                f,
                "{}",
                at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
            ),
            Timestamp::Malformed(raw) => write!(f, "{raw} (not an RFC 3339 instant)"),
        }
    }
}

impl From<chrono::DateTime<chrono::Utc>> for Timestamp {
    fn from(at: chrono::DateTime<chrono::Utc>) -> Self {
        Timestamp::At(at)
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for Timestamp {
    fn schema_name() -> Cow<'static, str> {
        "Timestamp".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "string", "format": "date-time" })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_status_is_kept_verbatim() {
        let status: SubscriberStatus = serde_json::from_str("\"suspended\"").unwrap();
        assert_eq!(status, SubscriberStatus::Unknown("suspended".into()));
        assert_eq!(serde_json::to_string(&status).unwrap(), "\"suspended\"");
        assert!(!status.is_known());
    }

    #[test]
    fn known_values_round_trip() {
        for status in SubscriberStatus::KNOWN {
            let json = serde_json::to_string(status).unwrap();
            assert_eq!(
                &serde_json::from_str::<SubscriberStatus>(&json).unwrap(),
                status
            );
        }
        for package in Package::KNOWN {
            assert_eq!(package.as_str().parse::<Package>().unwrap(), *package);
        }
    }

    #[test]
    fn self_activated_accepts_bool_and_string() {
        for (json, expected) in [
            ("true", true),
            ("false", false),
            ("\"false\"", false),
            ("\"TRUE\"", true),
        ] {
            assert_eq!(
                serde_json::from_str::<SelfActivated>(json).unwrap().get(),
                expected,
                "{json}"
            );
        }
        assert!(serde_json::from_str::<SelfActivated>("\"maybe\"").is_err());
        assert_eq!(
            serde_json::to_string(&SelfActivated(false)).unwrap(),
            "false"
        );
    }

    #[test]
    fn codes_accept_integers_floats_and_numeric_strings() {
        for json in ["10022", "10022.0", "\"10022\""] {
            assert_eq!(
                serde_json::from_str::<ErrorCode>(json).unwrap(),
                ErrorCode(10022),
                "{json}"
            );
        }
        assert!(serde_json::from_str::<ErrorCode>("1.5").is_err());
        assert_eq!(serde_json::from_str::<Count>("3.0").unwrap(), Count::Of(3));
    }

    #[test]
    fn malformed_counts_and_instants_are_kept_not_fatal() {
        for json in ["-1", "2.5", "\"many\"", "null"] {
            let count: Count = serde_json::from_str(json).unwrap();
            assert_eq!(count.get(), None, "{json}");
            assert_eq!(serde_json::to_string(&count).unwrap(), json);
        }
        let at: Timestamp = serde_json::from_str("\"2026-03-18T16:05:34.123Z\"").unwrap();
        assert_eq!(at.get().unwrap().timestamp_millis(), 1_773_849_934_123);
        assert_eq!(
            serde_json::to_string(&at).unwrap(),
            "\"2026-03-18T16:05:34.123Z\""
        );
        for json in ["\"\"", "1584547534000", "\"2026-03-18\""] {
            let odd: Timestamp = serde_json::from_str(json).unwrap();
            assert_eq!(
                odd,
                Timestamp::Malformed(serde_json::from_str(json).unwrap())
            );
            assert!(odd < at);
            assert_eq!(serde_json::to_string(&odd).unwrap(), json);
        }
    }
}
