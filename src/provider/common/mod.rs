//! What every Terraform object of the provider shares: diagnostics with
//! attribute paths (`diagnostics`), short schema constructors
//! (`schema_builder`), conversions of tf-provider values (`values`), and the
//! rule arguments the resource and the `cumulocity_firewall_rules` data
//! source both take (`rule_args`).

pub mod diagnostics;
pub mod rule_args;
pub mod schema_builder;
pub mod values;
