//! Errors as the API answers them: a status and a WebexError body
//! (`{message, errors: [{description, errorCode, fieldName}], trackingId}`).
//!
//! A handler returns an [`ApiError`]; its response carries the error as an extension and
//! an empty body, and the outermost layer writes the body once it knows the tracking id.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// `errorCode` of a mandatory parameter that is missing.
pub(crate) const MISSING_FIELD: i64 = 1001;
/// `errorCode` of a BroadWorks userId already associated with an existing user.
pub(crate) const USER_ID_TAKEN: i64 = 10022;

/// One entry of a WebexError's `errors`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ErrorDetail {
    pub(crate) description: String,
    pub(crate) error_code: Option<i64>,
    pub(crate) field_name: Option<String>,
}

/// An error answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) message: String,
    pub(crate) details: Vec<ErrorDetail>,
    pub(crate) retry_after_secs: Option<u64>,
}

impl ApiError {
    /// `status` with `message`, repeated as the single detail's description.
    pub(crate) fn new(status: StatusCode, message: impl Into<String>) -> Self {
        let message = message.into();
        ApiError {
            status,
            details: vec![ErrorDetail {
                description: message.clone(),
                error_code: None,
                field_name: None,
            }],
            message,
            retry_after_secs: None,
        }
    }

    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }

    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::NOT_FOUND, message)
    }

    pub(crate) fn conflict(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::CONFLICT, message)
    }

    /// 400 with errorCode 1001 naming the missing `field`.
    pub(crate) fn missing_field(field: &str) -> Self {
        ApiError::bad_request(format!("Mandatory parameter '{field}' is missing."))
            .with_code(MISSING_FIELD)
            .with_field(field)
    }

    /// 400 naming `field` as the one whose value is wrong.
    pub(crate) fn invalid_field(field: &str, message: impl Into<String>) -> Self {
        ApiError::bad_request(message).with_field(field)
    }

    /// Sets the `errorCode` of the detail.
    pub(crate) fn with_code(mut self, code: i64) -> Self {
        for detail in &mut self.details {
            detail.error_code = Some(code);
        }
        self
    }

    /// Sets the `fieldName` of the detail.
    pub(crate) fn with_field(mut self, field: &str) -> Self {
        for detail in &mut self.details {
            detail.field_name = Some(field.to_string());
        }
        self
    }

    /// Adds `Retry-After: secs`.
    pub(crate) fn with_retry_after(mut self, secs: u64) -> Self {
        self.retry_after_secs = Some(secs);
        self
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = self.status.into_response();
        if let Some(secs) = self.retry_after_secs {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response.extensions_mut().insert(self);
        response
    }
}
