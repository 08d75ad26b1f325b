//! The client's behaviour, through its public API only: against the typed mocks of
//! `webex-broadworks-api` (httpmock on loopback) and against `webex-broadworks-sim`.
//! One test binary, a module per behaviour; time is tokio's paused clock wherever a test
//! waits, and randomness is seeded.
// A test: a panic is its failure, with its line.
#![allow(clippy::unwrap_used)]

mod api_shape;
mod common;
mod construction;
mod errors;
mod operations;
mod pagination;
mod retries;
mod simulator;
mod tracking;
mod validation;
mod waits;
