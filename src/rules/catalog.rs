//! The tables of the Cumulocity firewall document ("Firewall settings" in
//! the Cumulocity operations documentation) as data: each documented rule set and the rules it stands for.
//!
//! Nothing here knows which CIDR blocks or groups a user chose; a catalogue
//! rule only says *which argument* supplies its peers. `expand` joins the two.

use super::model::{Direction, Protocol, RuleShape};
use super::rule_set_name::RuleSetName;

impl RuleSetName {
    /// The documented rules of this set.
    pub fn rules(self) -> &'static [CatalogRule] {
        match self {
            RuleSetName::External => EXTERNAL,
            RuleSetName::Outbound => OUTBOUND,
            RuleSetName::Dns => DNS,
            RuleSetName::Ntp => NTP,
            RuleSetName::Opcua => OPCUA,
            RuleSetName::SmartruleApama => SMARTRULE_APAMA,
            RuleSetName::Ssh => SSH,
            RuleSetName::Internal => INTERNAL,
        }
    }

    /// Whether any documented rule of this set takes its peers from `source`.
    pub fn uses(self, source: PeerSource) -> bool {
        self.rules().iter().any(|r| r.peers == source)
    }
}

/// Which argument supplies the peers of a catalogue rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PeerSource {
    /// `ingress_cidr_blocks` and `ingress_ipv6_cidr_blocks`.
    IngressBlocks,
    /// `egress_cidr_blocks` and `egress_ipv6_cidr_blocks`.
    EgressBlocks,
    /// `ssh_cidr_blocks` (both families in one list).
    SshBlocks,
    /// The group itself plus every id in `node_security_group_ids`: the
    /// firewall document's "allow any-2-any" between Cumulocity nodes.
    Nodes,
}

/// One row of the firewall document's tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CatalogRule {
    /// Which way the documented traffic flows.
    pub direction: Direction,
    /// The documented protocol.
    pub protocol: Protocol,
    /// The documented port; -1 for all traffic.
    pub from_port: i32,
    /// The same port again (each documented rule opens one); -1 for all
    /// traffic.
    pub to_port: i32,
    /// Which argument supplies the peers.
    pub peers: PeerSource,
    /// The firewall document's name for the service, used as the rule's description.
    pub service: &'static str,
}

impl RuleShape for CatalogRule {
    fn shape(&self) -> (Direction, Protocol, i32, i32) {
        (self.direction, self.protocol, self.from_port, self.to_port)
    }
}

const fn tcp(direction: Direction, port: i32, peers: PeerSource, service: &'static str) -> CatalogRule {
    CatalogRule {
        direction,
        protocol: Protocol::Tcp,
        from_port: port,
        to_port: port,
        peers,
        service,
    }
}

const fn udp(direction: Direction, port: i32, peers: PeerSource, service: &'static str) -> CatalogRule {
    CatalogRule {
        direction,
        protocol: Protocol::Udp,
        from_port: port,
        to_port: port,
        peers,
        service,
    }
}

const fn all_traffic(direction: Direction, service: &'static str) -> CatalogRule {
    CatalogRule {
        direction,
        protocol: Protocol::All,
        from_port: -1,
        to_port: -1,
        peers: PeerSource::Nodes,
        service,
    }
}

use Direction::{Egress, Ingress};
use PeerSource::{EgressBlocks, IngressBlocks, SshBlocks};

/// "External firewall settings / Incoming traffic".
const EXTERNAL: &[CatalogRule] = &[
    tcp(Ingress, 80, IngressBlocks, "HTTP"),
    tcp(Ingress, 443, IngressBlocks, "HTTPS"),
    tcp(Ingress, 1883, IngressBlocks, "MQTT"),
    tcp(Ingress, 8883, IngressBlocks, "MQTT/TLS"),
];

/// "Outgoing traffic": the core node and Apama reach the internet.
const OUTBOUND: &[CatalogRule] = &[
    tcp(Egress, 80, EgressBlocks, "HTTP"),
    tcp(Egress, 443, EgressBlocks, "HTTPS"),
    tcp(Egress, 25, EgressBlocks, "SMTP"),
];

/// "DNS (UDP/53) … connections to the internet must be possible".
const DNS: &[CatalogRule] = &[udp(Egress, 53, EgressBlocks, "DNS")];

/// "NTP (UDP/123) connections to the internet must be possible".
const NTP: &[CatalogRule] = &[udp(Egress, 123, EgressBlocks, "NTP")];

/// "Server side agents": opcua, TCP/6670 in and TCP/80 out.
const OPCUA: &[CatalogRule] = &[
    tcp(Ingress, 6670, IngressBlocks, "opcua agent"),
    tcp(Egress, 80, EgressBlocks, "opcua agent"),
];

/// "Server side agents": Smartrule-apama, TCP/8334 in and TCP/80 out.
const SMARTRULE_APAMA: &[CatalogRule] = &[
    tcp(Ingress, 8334, IngressBlocks, "Smartrule-apama agent"),
    tcp(Egress, 80, EgressBlocks, "Smartrule-apama agent"),
];

/// "Internal traffic settings": TCP/22 for management.
const SSH: &[CatalogRule] = &[tcp(Ingress, 22, SshBlocks, "SSH (for management purposes)")];

/// "Internal traffic settings": all traffic between Cumulocity nodes, both
/// ways, so that nodes can both accept and open connections.
const INTERNAL: &[CatalogRule] = &[
    all_traffic(Ingress, "All traffic in between Cumulocity"),
    all_traffic(Egress, "All traffic in between Cumulocity"),
];

#[cfg(test)]
mod tests {
    use super::*;

    /// The firewall document's tables, transcribed port by port: (rule set, direction,
    /// protocol, port, service). Each must be produced by exactly that set.
    const DOCUMENT: &[(&str, Direction, Protocol, i32, &str)] = &[
        ("external", Ingress, Protocol::Tcp, 80, "HTTP"),
        ("external", Ingress, Protocol::Tcp, 443, "HTTPS"),
        ("external", Ingress, Protocol::Tcp, 1883, "MQTT"),
        ("external", Ingress, Protocol::Tcp, 8883, "MQTT/TLS"),
        ("outbound", Egress, Protocol::Tcp, 80, "HTTP"),
        ("outbound", Egress, Protocol::Tcp, 443, "HTTPS"),
        ("outbound", Egress, Protocol::Tcp, 25, "SMTP"),
        ("dns", Egress, Protocol::Udp, 53, "DNS"),
        ("ntp", Egress, Protocol::Udp, 123, "NTP"),
        ("opcua", Ingress, Protocol::Tcp, 6670, "opcua agent"),
        ("opcua", Egress, Protocol::Tcp, 80, "opcua agent"),
        ("smartrule-apama", Ingress, Protocol::Tcp, 8334, "Smartrule-apama agent"),
        ("smartrule-apama", Egress, Protocol::Tcp, 80, "Smartrule-apama agent"),
        ("ssh", Ingress, Protocol::Tcp, 22, "SSH (for management purposes)"),
        (
            "internal",
            Ingress,
            Protocol::All,
            -1,
            "All traffic in between Cumulocity",
        ),
        (
            "internal",
            Egress,
            Protocol::All,
            -1,
            "All traffic in between Cumulocity",
        ),
    ];

    #[test]
    fn every_documented_port_is_produced_by_its_rule_set() {
        for &(set, direction, protocol, port, service) in DOCUMENT {
            let set = RuleSetName::parse(set).expect("the document names a known rule set");
            let found = set.rules().iter().any(|r| {
                r.direction == direction
                    && r.protocol == protocol
                    && r.from_port == port
                    && r.to_port == port
                    && r.service == service
            });
            assert!(found, "{set} must hold {direction} {protocol}/{port} ({service})");
        }
    }

    #[test]
    fn catalog_holds_nothing_the_document_does_not_list() {
        let total: usize = RuleSetName::ALL.iter().map(|s| s.rules().len()).sum();
        assert_eq!(total, DOCUMENT.len());
    }

    #[test]
    fn names_round_trip() {
        for set in RuleSetName::ALL {
            assert_eq!(RuleSetName::parse(set.as_str()), Some(set));
        }
        assert_eq!(RuleSetName::parse("External"), None);
        assert_eq!(RuleSetName::parse("smartrule_apama"), None);
    }

    #[test]
    fn peers_follow_the_document_columns() {
        for set in RuleSetName::ALL {
            for rule in set.rules() {
                let expected = match (set, rule.direction) {
                    (RuleSetName::Ssh, _) => SshBlocks,
                    (RuleSetName::Internal, _) => PeerSource::Nodes,
                    (_, Ingress) => IngressBlocks,
                    (_, Egress) => EgressBlocks,
                };
                assert_eq!(rule.peers, expected, "{set} {}", rule.service);
            }
        }
    }
}
