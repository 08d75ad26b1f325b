//! The simulator's behaviour, exercised over HTTP on loopback.

mod admin;
mod auth;
mod billing;
mod binary;
mod common;
mod enterprises;
mod faults;
mod fixture;
mod generated_client;
mod lifecycle;
mod pagination;
mod rate_limit;
mod subscribers;
mod tracking;
mod workspaces;
