//! The simulator's behaviour, exercised over HTTP on loopback.
// A test: a panic is its failure, with its line.
#![allow(clippy::unwrap_used)]

mod admin;
mod auth;
mod billing;
mod binary;
mod common;
mod enterprises;
mod faults;
mod fixture;
mod generated_client;
mod http_layer;
mod lifecycle;
mod pagination;
mod rate_limit;
mod subscribers;
mod tracking;
mod workspaces;
mod world;
