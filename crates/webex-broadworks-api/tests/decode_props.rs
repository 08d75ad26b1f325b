//! Property tests of decoding: whatever JSON arrives, decoding a response type returns a value
//! or an error and never panics; what decodes encodes and decodes again to the same value.
//!
//! Inputs are the spec's own response examples with parts replaced by arbitrary JSON, which
//! reaches far deeper into each type than wholly random documents would.
// A test: a panic is its failure, with its line.
#![allow(clippy::unwrap_used)]

use std::path::Path;

use proptest::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use webex_broadworks_api::types;

fn arbitrary_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        ".{0,12}".prop_map(Value::String),
        prop_oneof![
            Just("provisioned"),
            Just("false"),
            Just("TRUE"),
            Just("10022.0"),
            Just("2019-10-18T14:26:16.000Z"),
            Just("2021-04-01T14:49:50.309640Z"),
            Just("not-a-date"),
        ]
        .prop_map(|s| Value::String(s.to_string())),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-zA-Z]{1,8}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// The 200 response examples of the spec, by operationId.
fn response_examples() -> Vec<(String, Value)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../openapi/webex-broadworks.yaml");
    let spec: Value = serde_norway::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut examples = Vec::new();
    for item in spec["paths"].as_object().unwrap().values() {
        for op in item.as_object().unwrap().values() {
            let example = &op["responses"]["200"]["content"]["application/json"]["example"];
            if !example.is_null() {
                examples.push((
                    op["operationId"].as_str().unwrap().to_string(),
                    example.clone(),
                ));
            }
        }
    }
    examples
}

/// Replaces the value at the `choice`-th position of a walk through `doc` with `replacement`.
fn replace_somewhere(doc: &mut Value, mut choice: usize, replacement: Value) {
    fn count(value: &Value) -> usize {
        1 + match value {
            Value::Array(items) => items.iter().map(count).sum(),
            Value::Object(fields) => fields.values().map(count).sum(),
            _ => 0,
        }
    }
    fn walk(value: &mut Value, choice: &mut usize, replacement: &mut Option<Value>) {
        if *choice == 0 {
            if let Some(r) = replacement.take() {
                *value = r;
            }
            return;
        }
        *choice -= 1;
        match value {
            Value::Array(items) => items.iter_mut().for_each(|v| walk(v, choice, replacement)),
            Value::Object(fields) => fields
                .values_mut()
                .for_each(|v| walk(v, choice, replacement)),
            _ => {}
        }
    }
    choice %= count(doc);
    walk(doc, &mut choice, &mut Some(replacement));
}

/// Decodes `doc` as `T`; when it decodes, encoding and decoding again must give the same value.
/// Says whether it decoded.
fn decodes_stably<T>(doc: &Value) -> Result<bool, TestCaseError>
where
    T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug,
{
    let text = doc.to_string();
    let Ok(decoded) = serde_json::from_str::<T>(&text) else {
        return Ok(false);
    };
    let encoded = serde_json::to_string(&decoded).expect("a decoded value encodes");
    let again: T = serde_json::from_str(&encoded).expect("what we encode decodes");
    prop_assert_eq!(again, decoded);
    Ok(true)
}

fn decode_as_response_of(operation_id: &str, doc: &Value) -> Result<bool, TestCaseError> {
    match operation_id {
        "listSubscribers" => decodes_stably::<types::SubscriberList>(doc),
        "provisionSubscriber" | "getSubscriber" | "updateSubscriber" => {
            decodes_stably::<types::Subscriber>(doc)
        }
        "precheckSubscriber" => decodes_stably::<types::PrecheckResponse>(doc),
        "provisionWorkspace" | "updateWorkspace" => decodes_stably::<types::Workspace>(doc),
        "listEnterprises" => decodes_stably::<types::EnterpriseList>(doc),
        "getDirectorySync" | "updateDirectorySync" | "triggerDirectorySync" => {
            decodes_stably::<types::DirectorySync>(doc)
        }
        "triggerUserDirectorySync" => decodes_stably::<types::UserDirectorySyncResult>(doc),
        "listBillingReports" => decodes_stably::<types::BillingReportList>(doc),
        "createBillingReport" => decodes_stably::<types::BillingReportId>(doc),
        "getBillingReport" => decodes_stably::<types::BillingReport>(doc),
        other => panic!("no response type known for {other}; add it here"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 256,
        failure_persistence: None,
        rng_seed: proptest::test_runner::RngSeed::Fixed(0x5eed_b0a7),
        ..ProptestConfig::default()
    })]

    #[test]
    fn mutated_examples_never_panic_the_decoder(
        which in any::<prop::sample::Index>(),
        position in any::<usize>(),
        replacement in arbitrary_json(),
    ) {
        let examples = response_examples();
        let (operation_id, mut doc) = examples[which.index(examples.len())].clone();
        replace_somewhere(&mut doc, position, replacement);
        decode_as_response_of(&operation_id, &doc)?;
        decodes_stably::<types::WebexError>(&doc)?;
    }

    #[test]
    fn arbitrary_documents_never_panic_the_decoder(doc in arbitrary_json()) {
        for (operation_id, _) in response_examples() {
            decode_as_response_of(&operation_id, &doc)?;
        }
        decodes_stably::<types::WebexError>(&doc)?;
    }
}

#[test]
fn every_response_example_decodes_and_round_trips() {
    let examples = response_examples();
    assert_eq!(examples.len(), 15, "15 operations answer 200 with a body");
    for (operation_id, doc) in examples {
        assert!(
            decode_as_response_of(&operation_id, &doc).unwrap(),
            "the {operation_id} example decodes"
        );
    }
}
