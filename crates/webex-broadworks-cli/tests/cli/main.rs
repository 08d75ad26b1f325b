//! Runs the `wxbw` binary against the simulator on loopback: each command group, bulk runs
//! (with a kill -9 and a resume), the demo, `wxbw sim`, and snapshots of help and tables.
// A test: a panic is its failure, with its line.
#![allow(clippy::unwrap_used)]

mod billing;
mod bulk;
mod bulk_tracking;
mod bulk_wait;
mod demo;
mod enterprises;
mod help;
mod operator;
mod profiles;
mod secrets;
mod sim;
mod subscribers;
mod support;
mod tables;
mod workspaces;
