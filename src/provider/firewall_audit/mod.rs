//! `data "cumulocity_firewall_audit"`: a group's rules audited against a
//! profile of the documented rule sets.

pub mod data_source;
