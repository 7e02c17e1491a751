//! The provider block: its schema and validation (`config`), and what it
//! decides for every resource and data source of one provider configuration
//! (`state`: clients per Region, caches, the account check).

pub mod config;
pub mod state;
