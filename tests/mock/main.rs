//! Mock-server tests of the `aws` layer, one test binary: a wiremock server
//! stands in for EC2 and ELBv2 (`support.rs`), so each test pins the exact
//! calls an operation makes and meets throttling, eventual consistency and
//! faults on cue. No network, no credentials, no tools: `cargo test --test mock`.

mod support;

mod list_groups;
mod refresh_reads;
mod security_groups;
mod session_timeouts;
