//! `data "cumulocity_firewall_rules"`: the rules firewall arguments stand
//! for, with no AWS call.

pub mod data_source;
