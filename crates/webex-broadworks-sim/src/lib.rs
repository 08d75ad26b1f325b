#![doc = include_str!("../README.md")]

mod admin;
mod app;
mod auth;
mod body;
mod clock;
mod error;
mod faults;
mod fixture;
mod ids;
mod locked;
mod middleware;
mod monitor;
mod operation;
mod outcome;
mod pagination;
mod parse_errors;
mod rate_limit;
mod routes;
mod server;
mod simulator;
mod state;
mod views;

pub use auth::{DEFAULT_TOKEN, Scope, ScopeSet, TokenIndex, UnknownScope};
pub use faults::{BrokenLink, Fault, FaultPlan, FaultRates};
pub use fixture::{Fixture, FixtureEnterprise, FixtureError, FixtureExternalUser};
pub use monitor::RequestRecord;
pub use operation::{Operation, UnknownOperation};
pub use outcome::{Outcome, OutcomeRule};
pub use rate_limit::RateLimit;
pub use simulator::{SimError, SimState, Simulator, SimulatorBuilder};
pub use state::BillingFailure;
