//! Responses and request bodies laid out as progenitor accepts them. On other layouts it
//! panics or fails with a message that names no place in the spec; this rule names it.
//!
//! - One success type: several 2xx responses only when they have the same body.
//! - Errors only as `4XX`/`5XX` ranges or 4xx/5xx codes whose body is the shared `WebexError`
//!   schema (directly or through `components/responses`), so that every error is one type.
//! - No `default` response.
//! - One content type, with a schema, per request body.

use serde_json::Value;

use super::{Problem, Rule};
use crate::openapi::{self, Operation, child, entries, resolve};

/// The schema every error response carries.
const SHARED_ERROR: &str = "#/components/schemas/WebexError";

/// The request content types progenitor can send.
const REQUEST_CONTENT_TYPES: [&str; 5] = [
    "application/json",
    "application/x-www-form-urlencoded",
    "application/octet-stream",
    "text/plain",
    "text/x-markdown",
];

pub(super) fn check(doc: &Value) -> Vec<Problem> {
    let mut problems = Vec::new();
    for operation in openapi::operations(doc) {
        check_responses(doc, &operation, &mut problems);
        check_request_body(doc, &operation, &mut problems);
    }
    problems
}

enum Status {
    Success,
    Error,
    Default,
    Unsupported,
}

fn status(code: &str) -> Status {
    let code_or_range =
        code.len() == 3 && (code.bytes().all(|b| b.is_ascii_digit()) || code.ends_with("XX"));
    match code.as_bytes().first() {
        _ if code == "default" => Status::Default,
        Some(b'2') if code_or_range => Status::Success,
        Some(b'4' | b'5') if code_or_range => Status::Error,
        _ => Status::Unsupported,
    }
}

/// What a response's body decodes into, as far as progenitor is concerned.
#[derive(PartialEq)]
enum Body<'a> {
    Empty,
    Json(&'a Value),
    /// Content of another type, which progenitor hands over as a byte stream.
    Raw,
}

impl Body<'_> {
    fn describe(&self) -> String {
        match self {
            Body::Empty => "no body".to_string(),
            Body::Json(schema) => match openapi::reference(schema) {
                Some(reference) => format!("`{reference}`"),
                None => "an inline schema".to_string(),
            },
            Body::Raw => "a body that is not JSON".to_string(),
        }
    }
}

fn json_media_type(content_holder: &Value) -> Option<(&str, &Value)> {
    entries(content_holder, "content")
        .into_iter()
        .find(|(media_type, _)| {
            *media_type == "application/json" || media_type.starts_with("application/json;")
        })
}

fn check_responses(doc: &Value, operation: &Operation<'_>, problems: &mut Vec<Problem>) {
    let responses_pointer = child(&operation.pointer, "responses");
    let route = operation.route();
    let mut successes: Vec<(&str, Body<'_>)> = Vec::new();
    for (code, response) in entries(operation.value, "responses") {
        let pointer = child(&responses_pointer, code);
        match status(code) {
            Status::Default => problems.push(Problem::new(
                Rule::Layout,
                pointer,
                format!("`{route}` has a `default` response, which progenitor cannot type"),
                "remove it; declare errors as `4XX` and `5XX` responses carrying `WebexError`",
            )),
            Status::Unsupported => problems.push(Problem::new(
                Rule::Layout,
                pointer,
                format!("`{code}` is neither a success (2xx) nor an error (4xx, 5xx) response"),
                "remove it, or replace it with a 2xx success or a `4XX`/`5XX` error response",
            )),
            Status::Error => {
                if resolve(doc, response).is_some() && !carries_shared_error(doc, response) {
                    problems.push(Problem::new(
                        Rule::Layout,
                        pointer,
                        format!(
                            "error response `{code}` of `{route}` does not carry the shared \
                             `WebexError` schema, so progenitor cannot give all errors one type"
                        ),
                        shared_error_fix(doc),
                    ));
                }
            }
            Status::Success => {
                let Some(response) = resolve(doc, response) else {
                    continue;
                };
                let body = match json_media_type(response) {
                    Some((media_type, media)) => match media.get("schema") {
                        Some(schema) => Body::Json(schema),
                        None => {
                            problems.push(Problem::new(
                                Rule::Layout,
                                child(&child(&pointer, "content"), media_type),
                                format!("the `{code}` response of `{route}` has no schema"),
                                "add `schema:`, usually a `$ref` to a component schema",
                            ));
                            continue;
                        }
                    },
                    None if entries(response, "content").is_empty() => Body::Empty,
                    None => Body::Raw,
                };
                successes.push((code, body));
            }
        }
    }
    match successes.split_first() {
        None => problems.push(Problem::new(
            Rule::Layout,
            responses_pointer,
            format!("`{route}` declares no success (2xx) response"),
            "declare the one success response, such as `200` with its schema or `204` without a body",
        )),
        Some(((first_code, first_body), others)) => {
            for (code, body) in others {
                if body != first_body {
                    problems.push(Problem::new(
                        Rule::Layout,
                        child(&responses_pointer, code),
                        format!(
                            "success response `{code}` has {} but `{first_code}` has {}; \
                             progenitor needs one success type per operation",
                            body.describe(),
                            first_body.describe()
                        ),
                        format!("keep only one success response, or give `{code}` the same body as `{first_code}`"),
                    ));
                }
            }
        }
    }
}

fn carries_shared_error(doc: &Value, response: &Value) -> bool {
    resolve(doc, response)
        .and_then(json_media_type)
        .and_then(|(_, media)| media.get("schema"))
        .and_then(openapi::reference)
        == Some(SHARED_ERROR)
}

fn shared_error_fix(doc: &Value) -> String {
    let shared_response = doc
        .get("components")
        .map(|components| entries(components, "responses"))
        .unwrap_or_default()
        .into_iter()
        .find(|(_, response)| carries_shared_error(doc, response));
    match shared_response {
        Some((name, _)) => format!("replace it with `$ref: \"#/components/responses/{name}\"`"),
        None => format!(
            "give it `content: {{application/json: {{schema: {{$ref: \"{SHARED_ERROR}\"}}}}}}`"
        ),
    }
}

fn check_request_body(doc: &Value, operation: &Operation<'_>, problems: &mut Vec<Problem>) {
    let Some(body) = operation.value.get("requestBody") else {
        return;
    };
    let Some(body) = resolve(doc, body) else {
        return;
    };
    let pointer = child(&child(&operation.pointer, "requestBody"), "content");
    let route = operation.route();
    let content = entries(body, "content");
    match content.as_slice() {
        [(media_type, media)] => {
            let essence = media_type.split(';').next().unwrap_or_default().trim();
            if !REQUEST_CONTENT_TYPES.contains(&essence) {
                problems.push(Problem::new(
                    Rule::Layout,
                    child(&pointer, media_type),
                    format!("progenitor cannot send a request body of type `{media_type}`"),
                    format!("use one of {}", REQUEST_CONTENT_TYPES.join(", ")),
                ));
            }
            if media.get("schema").is_none() {
                problems.push(Problem::new(
                    Rule::Layout,
                    child(&pointer, media_type),
                    format!("the request body of `{route}` has no schema"),
                    "add `schema:`, usually a `$ref` to a component schema",
                ));
            }
        }
        _ => problems.push(Problem::new(
            Rule::Layout,
            pointer,
            format!(
                "the request body of `{route}` has {} content types; progenitor needs exactly one",
                content.len()
            ),
            "declare the request body under `application/json` only",
        )),
    }
}
