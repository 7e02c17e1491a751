//! The provider block: its schema (`config`) and validation (`decode`), and what it
//! decides for every resource and data source of one provider configuration
//! (`state`: clients per Region, caches, the account check).

pub mod config;
pub mod decode;
pub mod state;
