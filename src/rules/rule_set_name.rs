//! The names of the documented rule sets, as configuration spells them.
//!
//! Beside the model, not in the catalogue: the model's arguments name rule
//! sets, and the catalogue says what each set holds.

use std::fmt;

/// The documented rule sets, named after the firewall document's sections.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RuleSetName {
    /// `external`: HTTP, HTTPS, MQTT and MQTT/TLS in (TCP 80, 443, 1883,
    /// 8883), from the ingress blocks.
    External,
    /// `outbound`: HTTP, HTTPS and SMTP out (TCP 80, 443, 25), to the
    /// egress blocks.
    Outbound,
    /// `dns`: DNS out (UDP 53), to the egress blocks.
    Dns,
    /// `ntp`: NTP out (UDP 123), to the egress blocks.
    Ntp,
    /// `opcua`: the opcua agent, TCP 6670 in and TCP 80 out.
    Opcua,
    /// `smartrule-apama`: the Smartrule-apama agent, TCP 8334 in and TCP 80
    /// out.
    SmartruleApama,
    /// `ssh`: SSH in (TCP 22), from `ssh_cidr_blocks` only.
    Ssh,
    /// `internal`: all traffic both ways between the group itself and
    /// `node_security_group_ids`.
    Internal,
}

impl RuleSetName {
    /// Every rule set, in the order the firewall document lists them.
    pub const ALL: [RuleSetName; 8] = [
        RuleSetName::External,
        RuleSetName::Outbound,
        RuleSetName::Dns,
        RuleSetName::Ntp,
        RuleSetName::Opcua,
        RuleSetName::SmartruleApama,
        RuleSetName::Ssh,
        RuleSetName::Internal,
    ];

    /// The name configuration uses, e.g. `smartrule-apama`.
    pub fn as_str(self) -> &'static str {
        match self {
            RuleSetName::External => "external",
            RuleSetName::Outbound => "outbound",
            RuleSetName::Dns => "dns",
            RuleSetName::Ntp => "ntp",
            RuleSetName::Opcua => "opcua",
            RuleSetName::SmartruleApama => "smartrule-apama",
            RuleSetName::Ssh => "ssh",
            RuleSetName::Internal => "internal",
        }
    }

    /// The rule set [`RuleSetName::as_str`] names; `None` for any other
    /// text (names are case-sensitive).
    pub fn parse(text: &str) -> Option<RuleSetName> {
        RuleSetName::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// `"external", "outbound", …` for diagnostics that list the choices.
    pub fn valid_names() -> String {
        RuleSetName::ALL
            .iter()
            .map(|s| format!("\"{}\"", s.as_str()))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl fmt::Display for RuleSetName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
