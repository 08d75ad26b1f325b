//! The JSON request body of an operation, decoded into the generated request type.
//!
//! The type's own JSON schema (derived by the generated code) says which fields are
//! mandatory, so a missing one is answered 400 with errorCode 1001 and its `fieldName`
//! before decoding, exactly as the spec declares it.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::error::ApiError;
use crate::server::ReadTimeout;

/// A request body of type `T`.
#[derive(Debug)]
pub(crate) struct JsonBody<T>(pub(crate) T);

impl<S, T> FromRequest<S> for JsonBody<T>
where
    S: Send + Sync,
    T: DeserializeOwned + JsonSchema,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let is_json = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.split(';').next())
            .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/json"));
        if !is_json {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "The request body must be application/json.",
            ));
        }
        let timeout = request
            .extensions()
            .get::<ReadTimeout>()
            .and_then(|timeout| timeout.0);
        let read = Bytes::from_request(request, state);
        let read = match timeout {
            Some(timeout) => tokio::time::timeout(timeout, read).await.map_err(|_| {
                ApiError::new(
                    StatusCode::REQUEST_TIMEOUT,
                    format!(
                        "The request body did not arrive within {} s; send it whole.",
                        timeout.as_secs()
                    ),
                )
            })?,
            None => read.await,
        };
        let bytes = read.map_err(|rejection| {
            ApiError::bad_request(format!("The request body could not be read: {rejection}"))
        })?;
        decode(&bytes).map(JsonBody)
    }
}

/// Decodes `bytes` as `T`, reporting the first missing mandatory field or the field whose
/// value does not fit.
pub(crate) fn decode<T: DeserializeOwned + JsonSchema>(bytes: &[u8]) -> Result<T, ApiError> {
    let value: Value = serde_json::from_slice(bytes).map_err(|error| {
        ApiError::bad_request(format!("The request body is not valid JSON: {error}"))
    })?;
    let schema = schemars::schema_for!(T);
    let schema = schema.as_value();
    if let Some(object) = value.as_object() {
        if let Some(field) = first_missing(object, schema, schema, "") {
            return Err(ApiError::missing_field(&field));
        }
    } else {
        return Err(ApiError::bad_request(
            "The request body must be a JSON object.",
        ));
    }
    serde_path_to_error::deserialize(value).map_err(|error| {
        let path = error.path().to_string();
        let reason = error.into_inner();
        if path == "." {
            ApiError::bad_request(format!("The request body is invalid: {reason}"))
        } else {
            ApiError::invalid_field(&path, format!("'{path}' is invalid: {reason}"))
        }
    })
}

/// The dotted path of the first mandatory field that is absent, null or blank.
fn first_missing(
    object: &Map<String, Value>,
    schema: &Value,
    root: &Value,
    prefix: &str,
) -> Option<String> {
    let schema = resolve(schema, root);
    let required = schema.get("required").and_then(Value::as_array);
    for field in required.into_iter().flatten().filter_map(Value::as_str) {
        let blank = match object.get(field) {
            None | Some(Value::Null) => true,
            Some(Value::String(text)) => text.trim().is_empty(),
            Some(_) => false,
        };
        if blank {
            return Some(format!("{prefix}{field}"));
        }
    }
    let properties = schema.get("properties").and_then(Value::as_object)?;
    for (name, property) in properties {
        if let Some(Value::Object(nested)) = object.get(name) {
            let found = first_missing(nested, property, root, &format!("{prefix}{name}."));
            if found.is_some() {
                return found;
            }
        }
    }
    None
}

/// Follows a `$ref` (also one wrapped in `anyOf`/`allOf`/`oneOf`, as optional fields are)
/// to the definition it names.
fn resolve<'a>(schema: &'a Value, root: &'a Value) -> &'a Value {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let pointer = reference.trim_start_matches('#');
        return root
            .pointer(pointer)
            .map_or(schema, |target| resolve(target, root));
    }
    for combinator in ["allOf", "anyOf", "oneOf"] {
        let referenced = schema
            .get(combinator)
            .and_then(Value::as_array)
            .and_then(|options| options.iter().find(|option| option.get("$ref").is_some()));
        if let Some(option) = referenced {
            return resolve(option, root);
        }
    }
    schema
}

#[cfg(test)]
mod tests {
    use super::*;
    use webex_broadworks_api::types;

    fn field_of(error: &ApiError) -> Option<&str> {
        error.details[0].field_name.as_deref()
    }

    #[test]
    fn missing_required_field_is_named_with_code_1001() {
        let error = decode::<types::ProvisionWorkspaceRequest>(
            br#"{"provisioningId":"p","userId":"u","spEnterpriseId":"e"}"#,
        )
        .unwrap_err();
        assert_eq!(error.status, StatusCode::BAD_REQUEST);
        assert_eq!(error.details[0].error_code, Some(1001));
        assert_eq!(field_of(&error), Some("displayName"));

        let blank = decode::<types::ProvisionWorkspaceRequest>(
            br#"{"provisioningId":"p","userId":" ","spEnterpriseId":"e","displayName":"Room"}"#,
        )
        .unwrap_err();
        assert_eq!(field_of(&blank), Some("userId"));
    }

    #[test]
    fn nested_required_fields_are_found() {
        let error =
            decode::<types::PrecheckSubscriberRequest>(br#"{"email":"a@b.c","customerInfo":{}}"#)
                .unwrap_err();
        assert_eq!(field_of(&error), Some("customerInfo.primaryEmail"));
    }

    #[test]
    fn invalid_values_name_their_field() {
        let error = decode::<types::CreateBillingReportRequest>(br#"{"billingPeriod":"2021-13"}"#)
            .unwrap_err();
        assert_eq!(error.details[0].error_code, None);
        assert_eq!(field_of(&error), Some("billingPeriod"));
        let ok =
            decode::<types::CreateBillingReportRequest>(br#"{"billingPeriod":"2021-12"}"#).unwrap();
        assert_eq!(ok.billing_period.as_str(), "2021-12");
        assert!(decode::<types::CreateBillingReportRequest>(b"[1]").is_err());
        assert!(decode::<types::CreateBillingReportRequest>(b"{not json").is_err());
    }
}
