//! terraform-provider-cumulocity: the documented Cumulocity IoT firewall
//! rule sets as AWS security groups.
//!
//! Layers (data flows down, never up): `provider` is the Terraform glue,
//! `rules` the pure domain.

pub mod aws;
pub mod provider;
pub mod rules;
