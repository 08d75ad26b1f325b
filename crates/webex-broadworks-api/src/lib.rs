#![doc = include_str!("../README.md")]

#[rustfmt::skip]
#[allow(clippy::all, clippy::pedantic, clippy::unwrap_used, missing_docs, missing_debug_implementations, rust_2018_idioms, unused)]
mod generated;

pub use generated::*;

mod hooks;
pub mod wire;

pub use hooks::{BearerToken, DecorateFuture, RequestDecorator, RequestHooks};

/// Typed [httpmock](https://docs.rs/httpmock) mocks of every operation, for tests.
///
/// `server.provision_subscriber(|when, then| { ... })` matches the operation's method and
/// path; `when` and `then` take the spec's own types.
#[cfg(feature = "mock")]
#[rustfmt::skip]
#[allow(clippy::all, clippy::pedantic, clippy::unwrap_used, missing_docs, missing_debug_implementations, rust_2018_idioms, unused)]
#[path = "generated_mock.rs"]
pub mod mock;
