//! The acceptance suite, one test binary (so the AWS SDK is linked once):
//! the real Terraform CLI drives the provider binary Cargo built against the
//! moto emulator on 127.0.0.1, plus the generated docs, the examples and the
//! release zip. Every test needs `TF_ACC=1` ([`require_acceptance!`]);
//! without it each returns at once and says so.
//!
//! Run all: `make testacc`; one module: `TF_ACC=1 cargo test --test acceptance import::`.
//! The harness is `tests/support/` (shared with `benches/api_calls.rs`).

#[macro_use]
#[path = "../support/mod.rs"]
mod support;

mod account_rails;
mod aws_diagnostics;
mod bad_input;
mod chaos;
mod coalesced_reads;
mod data_source_firewall_rules;
mod docs;
mod emulator_probe;
mod examples;
mod firewall_audit;
mod generated_config;
mod harness_smoke;
mod iam_policy;
mod import;
mod migrate;
mod ownership;
mod provider_credentials;
mod query;
mod region;
mod release;
mod resource_firewall;
mod secrets;
mod session_timeouts;
mod terraform_versions;
mod walk;
mod workflows;
