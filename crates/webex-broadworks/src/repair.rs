//! Decoding a 2xx answer that does not fit its type, field by field.
//!
//! One malformed value must not make a whole answer unreadable: in a list page it would lose
//! every other item. When an answer fails to decode, the value at fault (as
//! `serde_path_to_error` locates it) is set aside and replaced by `null`, which every
//! optional field accepts, and decoding is tried again. A list item whose fault cannot be
//! set aside that way (the item is not an object, or a field it must have is missing) is
//! set aside whole. What was set aside is kept, with where it was, for the caller to see
//! ([`Page::malformed`](crate::Page::malformed)); an answer that still does not decode is
//! reported as undecodable, as before.

use serde::de::DeserializeOwned;
use serde_json::Value;
use serde_path_to_error::Segment;

/// How many values one answer may have set aside before it counts as undecodable.
const MAX_REPAIRS: usize = 64;

/// A value of an answer that did not fit the API's description, set aside so that the rest
/// of the answer could be read; see [`Page::malformed`](crate::Page::malformed).
///
/// ```no_run
/// # async fn run(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
/// let page = client.subscribers().list().first_page().await?;
/// if let Some(odd) = page.malformed().first() {
///     // `items[3].firstName` and the JSON Webex sent there.
///     eprintln!("{}: {}", odd.path(), odd.raw());
/// }
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Malformed {
    path: String,
    raw: Value,
}

impl Malformed {
    /// Where the value was, as a path into the answer: `items[3].created`, or `items[7]` for
    /// a list item set aside whole.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The value as Webex sent it (a whole item, for an item set aside whole).
    pub fn raw(&self) -> &Value {
        &self.raw
    }
}

/// Decodes `body` as `T`, setting aside what does not fit; `None` when it is not JSON or
/// still does not decode.
pub(crate) fn decode_repairing<T: DeserializeOwned>(body: &[u8]) -> Option<(T, Vec<Malformed>)> {
    let mut value: Value = serde_json::from_slice(body).ok()?;
    let original_items = value.get("items").cloned();
    // The original index of each item still in the answer.
    let mut alive: Vec<usize> = match value.get("items").and_then(Value::as_array) {
        Some(items) => (0..items.len()).collect(),
        None => Vec::new(),
    };
    let mut malformed = Vec::new();
    for _ in 0..MAX_REPAIRS {
        let error = match serde_path_to_error::deserialize::<_, T>(&value) {
            Ok(decoded) => return Some((decoded, malformed)),
            Err(error) => error,
        };
        let segments: Vec<Segment> = error.path().iter().cloned().collect();
        // A page without `items`, as the published description allows: a page of none.
        if segments.is_empty()
            && error
                .inner()
                .to_string()
                .starts_with("missing field `items`")
            && let Some(object) = value.as_object_mut()
            && !object.contains_key("items")
        {
            object.insert("items".into(), Value::Array(Vec::new()));
            continue;
        }
        let at_fault = locate(&mut value, &segments)?;
        if !at_fault.is_null() {
            let raw = std::mem::replace(at_fault, Value::Null);
            malformed.push(Malformed {
                path: describe(&segments, &alive),
                raw,
            });
            continue;
        }
        // Null does not fit either: set the whole item aside, if the fault is in one.
        let index = match segments.as_slice() {
            [Segment::Map { key }, Segment::Seq { index }, ..] if key == "items" => *index,
            _ => return None,
        };
        let items = value.get_mut("items")?.as_array_mut()?;
        if index >= items.len() {
            return None;
        }
        items.remove(index);
        let original = alive.remove(index);
        // Any field already set aside in this item is part of the item now.
        let prefix = format!("items[{original}]");
        let inside = format!("{prefix}.");
        malformed.retain(|m: &Malformed| m.path != prefix && !m.path.starts_with(&inside));
        let raw = original_items
            .as_ref()
            .and_then(|items| items.get(original))
            .cloned()
            .unwrap_or(Value::Null);
        malformed.push(Malformed { path: prefix, raw });
    }
    None
}

/// The value at `segments` in `value`.
fn locate<'a>(value: &'a mut Value, segments: &[Segment]) -> Option<&'a mut Value> {
    let mut here = value;
    for segment in segments {
        here = match segment {
            Segment::Seq { index } => here.get_mut(*index)?,
            Segment::Map { key } => here.get_mut(key.as_str())?,
            Segment::Enum { .. } | Segment::Unknown => return None,
        };
    }
    Some(here)
}

/// `segments` as `items[3].created`, with item indexes as Webex sent them.
fn describe(segments: &[Segment], alive: &[usize]) -> String {
    let mut path = String::new();
    for (position, segment) in segments.iter().enumerate() {
        match segment {
            Segment::Seq { index } => {
                let in_items =
                    position == 1 && matches!(&segments[0], Segment::Map { key } if key == "items");
                let shown = if in_items {
                    alive.get(*index).copied().unwrap_or(*index)
                } else {
                    *index
                };
                path.push_str(&format!("[{shown}]"));
            }
            Segment::Map { key } => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Segment::Enum { variant } => path.push_str(&format!("::{variant}")),
            Segment::Unknown => path.push_str(".?"),
        }
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;
    use webex_broadworks_api::types::{Subscriber, SubscriberList};
    use webex_broadworks_api::wire::Timestamp;

    #[test]
    fn a_malformed_field_is_set_aside_and_the_rest_decodes() {
        let body =
            br#"{"id": "S1", "firstName": 7, "created": "", "errors": [{"errorCode": 1.5}]}"#;
        let (subscriber, malformed) = decode_repairing::<Subscriber>(body).unwrap();
        assert_eq!(subscriber.id.as_deref(), Some("S1"));
        assert_eq!(subscriber.first_name, None);
        assert_eq!(
            subscriber.created,
            Some(Timestamp::Malformed(Value::from("")))
        );
        let mut paths: Vec<(&str, &Value)> =
            malformed.iter().map(|m| (m.path(), m.raw())).collect();
        paths.sort_by_key(|(path, _)| *path);
        assert_eq!(
            paths,
            [
                ("errors[0].errorCode", &Value::from(1.5)),
                ("firstName", &Value::from(7))
            ]
        );
    }

    #[test]
    fn an_item_that_cannot_be_read_is_set_aside_whole_and_the_others_stay() {
        let body = br#"{"items": [{"id": "A"}, 5, {"id": "C", "lastName": []}, {"id": "D"}]}"#;
        let (page, malformed) = decode_repairing::<SubscriberList>(body).unwrap();
        let ids: Vec<&str> = page.items.iter().filter_map(|s| s.id.as_deref()).collect();
        assert_eq!(ids, ["A", "C", "D"]);
        let paths: Vec<&str> = malformed.iter().map(Malformed::path).collect();
        assert_eq!(paths, ["items[1]", "items[2].lastName"]);
        assert_eq!(malformed[0].raw(), &Value::from(5));
    }

    #[test]
    fn what_cannot_be_repaired_stays_undecodable() {
        assert!(decode_repairing::<SubscriberList>(b"{\"items\": 3}").is_none());
        assert!(decode_repairing::<SubscriberList>(b"{\"id\":").is_none());
        assert!(decode_repairing::<SubscriberList>(b"[]").is_none());
    }
}

/// Every answer that Cisco's own description allows decodes: generated from its response
/// schemas (`tests/fixtures/official-response-schemas.json`: the schemas of the published
/// description, wire facts only), read as the client reads an answer. Two operations are left
/// out where our spec deliberately differs: `listEnterprises` (D1: described as a single
/// enterprise, sent as `{items: [...]}`) and `precheckSubscriber` (D2: `info` described as an
/// object, sent as an array).
#[cfg(test)]
mod official_props {
    use proptest::prelude::*;
    use serde_json::{Map, Value};
    use webex_broadworks_api::types;

    use super::*;

    const SCHEMAS: &str = include_str!("../tests/fixtures/official-response-schemas.json");

    /// Values valid under `schema` (an OpenAPI schema object, `$ref`s resolved).
    fn valid(schema: &Value) -> BoxedStrategy<Value> {
        if let Some(values) = schema.get("enum").and_then(Value::as_array) {
            return proptest::sample::select(values.clone()).boxed();
        }
        match schema.get("type").and_then(Value::as_str) {
            Some("string") => "(?s).{0,16}".prop_map(Value::from).boxed(),
            Some("number") => prop_oneof![
                any::<i32>().prop_map(Value::from),
                (-1.0e9..1.0e9f64).prop_map(Value::from),
            ]
            .boxed(),
            Some("integer") => any::<i64>().prop_map(Value::from).boxed(),
            Some("boolean") => any::<bool>().prop_map(Value::from).boxed(),
            Some("array") => {
                let item = valid(schema.get("items").unwrap_or(&Value::Null));
                proptest::collection::vec(item, 0..4)
                    .prop_map(Value::from)
                    .boxed()
            }
            _ => {
                let properties: Vec<(String, BoxedStrategy<Option<Value>>)> = schema
                    .get("properties")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flatten()
                    .map(|(name, property)| {
                        (name.clone(), proptest::option::of(valid(property)).boxed())
                    })
                    .collect();
                let (names, values): (Vec<String>, Vec<_>) = properties.into_iter().unzip();
                values
                    .prop_map(move |values| {
                        let object: Map<String, Value> = names
                            .iter()
                            .cloned()
                            .zip(values)
                            .filter_map(|(name, value)| value.map(|value| (name, value)))
                            .collect();
                        Value::Object(object)
                    })
                    .boxed()
            }
        }
    }

    /// What the client makes of `answer` for `operation`: `None` when it cannot read it.
    fn read(operation: &str, answer: &[u8]) -> Option<Vec<Malformed>> {
        fn with<T: DeserializeOwned>(answer: &[u8]) -> Option<Vec<Malformed>> {
            decode_repairing::<T>(answer).map(|(_, malformed)| malformed)
        }
        match operation {
            "listSubscribers" => with::<types::SubscriberList>(answer),
            "provisionSubscriber" | "getSubscriber" | "updateSubscriber" => {
                with::<types::Subscriber>(answer)
            }
            "provisionWorkspace" | "updateWorkspace" => with::<types::Workspace>(answer),
            "getDirectorySync" | "updateDirectorySync" | "triggerDirectorySync" => {
                with::<types::DirectorySync>(answer)
            }
            "triggerUserDirectorySync" => with::<types::UserDirectorySyncResult>(answer),
            "listBillingReports" => with::<types::BillingReportList>(answer),
            "createBillingReport" => with::<types::BillingReportId>(answer),
            "getBillingReport" => with::<types::BillingReport>(answer),
            other => panic!("no response type known for {other}; add it here"),
        }
    }

    fn answers() -> impl Strategy<Value = (String, Value)> {
        let schemas: Map<String, Value> =
            serde_json::from_str(SCHEMAS).expect("the fixture is JSON");
        let cases: Vec<BoxedStrategy<(String, Value)>> = schemas
            .into_iter()
            .map(|(operation, schema)| {
                valid(&schema)
                    .prop_map(move |answer| (operation.clone(), answer))
                    .boxed()
            })
            .collect();
        proptest::strategy::Union::new(cases)
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 1024,
            failure_persistence: None,
            rng_seed: proptest::test_runner::RngSeed::Fixed(0x0ff1_c1a1),
            ..ProptestConfig::default()
        })]

        #[test]
        fn every_answer_the_official_description_allows_is_read((operation, answer) in answers()) {
            let bytes = serde_json::to_vec(&answer).unwrap();
            let malformed = read(&operation, &bytes);
            prop_assert!(malformed.is_some(), "{operation}: {answer}");
            for set_aside in malformed.unwrap_or_default() {
                // No item is lost; a field set aside is one our spec types more strictly.
                let field = set_aside.path().rsplit('.').next().unwrap_or_default();
                prop_assert!(
                    STRICTER.contains(&field),
                    "{operation}: {} set aside ({}) in {answer}",
                    set_aside.path(),
                    set_aside.raw()
                );
            }
        }
    }

    /// Fields our spec types more strictly than Cisco's description, so that a value the
    /// description allows may be set aside (and kept, see [`Malformed`]).
    const STRICTER: &[&str] = &[
        // Codes are whole numbers (the description says `number`).
        "errorCode",
        "code",
    ];
}
