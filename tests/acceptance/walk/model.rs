//! The walk's model of a configuration: what a user may write for two or
//! three firewalls, a random edit of it, and its HCL.
//!
//! Firewall `i` may reference firewalls before it (`j < i`) through
//! `node_security_group_ids` and `extra_rule.security_group_ids`, never
//! after, so the references never form a cycle.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use super::rng::Rng;

/// The documented rule sets, as `rule_sets` names them.
pub const RULE_SETS: [&str; 8] = [
    "external",
    "outbound",
    "dns",
    "ntp",
    "opcua",
    "smartrule-apama",
    "ssh",
    "internal",
];

/// One configuration of the walk: the provider's `default_tags` and the
/// firewalls.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct World {
    /// The provider block's `default_tags`, when it has the block.
    pub default_tags: Option<BTreeMap<String, String>>,
    /// The firewalls, `cumulocity_firewall.fw0`, `fw1`, ...
    pub firewalls: Vec<Firewall>,
}

/// One `resource "cumulocity_firewall"`, every argument that may be left
/// out an `Option`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Firewall {
    /// `name` (`Name`), `name_prefix` (`Prefix`) or neither.
    pub naming: Naming,
    /// `rule_sets`.
    pub rule_sets: Vec<String>,
    /// `ingress_cidr_blocks`.
    pub ingress_cidr_blocks: Option<Vec<String>>,
    /// `ingress_ipv6_cidr_blocks`.
    pub ingress_ipv6_cidr_blocks: Option<Vec<String>>,
    /// `egress_cidr_blocks`.
    pub egress_cidr_blocks: Option<Vec<String>>,
    /// `egress_ipv6_cidr_blocks`.
    pub egress_ipv6_cidr_blocks: Option<Vec<String>>,
    /// `ssh_cidr_blocks` (required with `ssh`).
    pub ssh_cidr_blocks: Option<Vec<String>>,
    /// `node_security_group_ids`, as indexes of earlier firewalls.
    pub node_groups: Option<Vec<usize>>,
    /// The `extra_rule` blocks.
    pub extra_rules: Vec<Extra>,
    /// `description`.
    pub description: Option<String>,
    /// `tags`.
    pub tags: Option<BTreeMap<String, String>>,
    /// `manage_rule_descriptions`.
    pub manage_rule_descriptions: Option<bool>,
    /// `revoke_rules_on_delete`.
    pub revoke_rules_on_delete: Option<bool>,
    /// `region` written out (the provider's Region), or left out.
    pub region_written: bool,
    /// `session_timeout_seconds`.
    pub session_timeout_seconds: Option<u32>,
    /// `session_timeout_policy`.
    pub session_timeout_policy: Option<String>,
    /// `load_balancer_listener_arns`, as indexes of the walk's listeners.
    pub listeners: Option<Vec<usize>>,
    /// `timeouts { create = ... }`.
    pub create_timeout: Option<String>,
}

/// How a firewall's group is named.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Naming {
    /// `name = "..."`.
    Name(String),
    /// `name_prefix = "..."`.
    Prefix(String),
    /// Neither: the provider chooses `terraform-...`.
    Chosen,
}

/// One `extra_rule` block.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Extra {
    /// `ingress` or `egress`.
    pub direction: String,
    /// `protocol`, `from_port`, `to_port`.
    pub protocol: ExtraProtocol,
    /// The one peer of the block.
    pub peer: ExtraPeer,
    /// `description`.
    pub description: Option<String>,
}

/// An `extra_rule`'s protocol and ports.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ExtraProtocol {
    /// `tcp` from..to.
    Tcp(i32, i32),
    /// `udp` from..to.
    Udp(i32, i32),
    /// `icmp` type, code (-1 for any).
    Icmp(i32, i32),
    /// `icmpv6` type, code.
    Icmpv6(i32, i32),
    /// `all`.
    All,
    /// A protocol number without ports (`50`, ESP).
    Number(u8),
}

/// An `extra_rule`'s peer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ExtraPeer {
    /// `cidr_blocks = [...]`.
    Ipv4(String),
    /// `ipv6_cidr_blocks = [...]`.
    Ipv6(String),
    /// `self = true`.
    SelfGroup,
    /// `security_group_ids = [<an earlier firewall's id>]`.
    Group(usize),
    /// `prefix_list_ids = [<the walk's prefix list>]`.
    PrefixList,
}

/// What a world needs from its surroundings: names unique to the walk,
/// the Region, the listeners and prefix list it may use.
#[derive(Clone, Debug)]
pub struct Setting {
    /// Makes names unique per walk.
    pub tag: String,
    /// The provider's Region.
    pub region: String,
    /// The provider block without `default_tags` (endpoints, credentials).
    pub provider_body: String,
    /// NLB TCP listener ARNs the firewalls may manage (none: no session
    /// arguments are generated).
    pub listeners: Vec<String>,
    /// A managed prefix list (`pl-...`), if the walk has one.
    pub prefix_list: Option<String>,
}

const IPV4: [&str; 5] = [
    "10.0.0.0/8",
    "192.168.0.0/16",
    "172.16.0.0/12",
    "203.0.113.0/24",
    "0.0.0.0/0",
];
const IPV6: [&str; 3] = ["2001:db8::/32", "::/0", "2001:db8:1::/48"];
const DESCRIPTIONS: [&str; 3] = ["integration", "partner (VPN)", "metrics: scrape"];

impl World {
    /// A first configuration of `n` firewalls.
    pub fn first(rng: &mut Rng, n: usize, setting: &Setting) -> World {
        let mut world = World {
            default_tags: None,
            firewalls: (0..n).map(|i| Firewall::plain(i, setting)).collect(),
        };
        for i in 0..n {
            for _ in 0..rng.below(4) {
                let before = world.firewalls[i].clone();
                world.firewalls[i].edit(rng, i, setting);
                if !super::check::accepted(&world.firewalls[i], setting) {
                    world.firewalls[i] = before;
                }
            }
        }
        world
    }

    /// The next configuration: one to three random edits.
    pub fn edited(&self, rng: &mut Rng, setting: &Setting) -> World {
        let mut next = self.clone();
        for _ in 0..1 + rng.below(3) {
            if rng.below(10) == 0 {
                next.default_tags = match &next.default_tags {
                    Some(_) if rng.coin() => None,
                    _ => Some(small_map(rng, "team")),
                };
                continue;
            }
            let i = rng.below(next.firewalls.len());
            let before = next.firewalls[i].clone();
            next.firewalls[i].edit(rng, i, setting);
            // An edit the provider would refuse (an extra_rule repeating a
            // documented rule, say) is not made: refused configurations
            // are the `broken` steps' job.
            if !super::check::accepted(&next.firewalls[i], setting) {
                next.firewalls[i] = before;
            }
        }
        for i in 0..next.firewalls.len() {
            // A group another firewall references (before or after) is not
            // replaced: AWS refuses to delete it while the reference exists
            // (DependencyViolation), which the emulator does not enforce.
            if next.firewalls[i].replaces(&self.firewalls[i]) && (self.is_referenced(i) || next.is_referenced(i)) {
                next.firewalls[i].naming = self.firewalls[i].naming.clone();
                next.firewalls[i].description = self.firewalls[i].description.clone();
            }
        }
        next
    }

    /// `self` with one mistake a user makes, and the summary of the error
    /// the plan must stop with (before any AWS call).
    pub fn broken(&self, rng: &mut Rng) -> (World, &'static str) {
        let mut broken = self.clone();
        let i = rng.below(broken.firewalls.len());
        let fw = &mut broken.firewalls[i];
        if rng.coin() {
            fw.rule_sets.push("mqtt".to_string());
            (broken, "Unknown rule set")
        } else {
            fw.ingress_cidr_blocks = Some(vec!["10.0.0.0/33".to_string()]);
            (broken, "Invalid CIDR block in ingress_cidr_blocks")
        }
    }

    fn is_referenced(&self, i: usize) -> bool {
        self.firewalls.iter().any(|f| f.references(i))
    }

    /// The configuration as `main.tf`.
    pub fn hcl(&self, setting: &Setting) -> String {
        let mut out = format!(
            "terraform {{\n  required_providers {{\n    cumulocity = {{ source = \"c8y-community/cumulocity\" }}\n  }}\n}}\n\n\
             provider \"cumulocity\" {{\n{}",
            setting.provider_body
        );
        if let Some(tags) = &self.default_tags {
            let _ = writeln!(out, "  default_tags {{\n    tags = {}\n  }}", map_hcl(tags));
        }
        out.push_str("}\n");
        for (i, fw) in self.firewalls.iter().enumerate() {
            out.push('\n');
            out.push_str(&fw.hcl(i, setting));
        }
        out
    }
}

impl Firewall {
    fn plain(i: usize, setting: &Setting) -> Firewall {
        Firewall {
            naming: Naming::Name(format!("{}-fw{i}", setting.tag)),
            rule_sets: vec!["external".to_string()],
            ingress_cidr_blocks: None,
            ingress_ipv6_cidr_blocks: None,
            egress_cidr_blocks: None,
            egress_ipv6_cidr_blocks: None,
            ssh_cidr_blocks: None,
            node_groups: None,
            extra_rules: Vec::new(),
            description: None,
            tags: None,
            manage_rule_descriptions: None,
            revoke_rules_on_delete: None,
            region_written: false,
            session_timeout_seconds: None,
            session_timeout_policy: None,
            listeners: None,
            create_timeout: None,
        }
    }

    /// Whether going from `before` to `self` replaces the group.
    pub fn replaces(&self, before: &Firewall) -> bool {
        self.naming != before.naming || (self.description.is_some() && self.description != before.description)
    }

    fn references(&self, j: usize) -> bool {
        self.node_groups.iter().flatten().any(|&n| n == j)
            || self.extra_rules.iter().any(|e| e.peer == ExtraPeer::Group(j))
    }

    /// One random edit of one argument: set, changed or removed.
    fn edit(&mut self, rng: &mut Rng, i: usize, setting: &Setting) {
        match rng.below(17) {
            0 | 1 => {
                let set = RULE_SETS[rng.below(RULE_SETS.len())].to_string();
                if let Some(at) = self.rule_sets.iter().position(|s| *s == set) {
                    self.rule_sets.remove(at);
                } else {
                    self.rule_sets.push(set);
                }
            }
            2 => self.ingress_cidr_blocks = cidr_edit(rng, &IPV4),
            3 => self.ingress_ipv6_cidr_blocks = cidr_edit(rng, &IPV6),
            4 => self.egress_cidr_blocks = cidr_edit(rng, &IPV4),
            5 => self.egress_ipv6_cidr_blocks = cidr_edit(rng, &IPV6),
            6 => self.ssh_cidr_blocks = cidr_edit(rng, &["10.0.0.0/8", "2001:db8::/32", "198.51.100.7/32"]),
            7 if i > 0 => {
                self.node_groups = if rng.coin() && self.node_groups.is_some() {
                    None
                } else {
                    Some(vec![rng.below(i)])
                }
            }
            7..=9 => {
                if !self.extra_rules.is_empty() && rng.below(3) == 0 {
                    let at = rng.below(self.extra_rules.len());
                    self.extra_rules.remove(at);
                } else if self.extra_rules.len() < 4 {
                    // Two blocks for one rule are refused ("is a duplicate").
                    let extra = Extra::random(rng, i, setting);
                    let same = |e: &Extra| {
                        e.direction == extra.direction && e.protocol == extra.protocol && e.peer == extra.peer
                    };
                    if !self.extra_rules.iter().any(same) {
                        self.extra_rules.push(extra);
                    }
                }
            }
            10 => {
                if let Some(extra) = self.extra_rules.first_mut() {
                    extra.description = pick_option(rng, &DESCRIPTIONS).map(str::to_string);
                }
            }
            11 => self.tags = if rng.coin() { None } else { Some(small_map(rng, "env")) },
            12 => self.manage_rule_descriptions = pick_option(rng, &[true, false]),
            13 => {
                self.revoke_rules_on_delete = pick_option(rng, &[true, false]);
                self.create_timeout = pick_option(rng, &["10m".to_string(), "15m".to_string()]);
                self.region_written = rng.coin();
            }
            // Only fw0 manages listeners: two firewalls managing one
            // listener (or two of one load balancer, whose ALB timeout they
            // share) fight over it, each apply setting its own.
            14 if i == 0 && !setting.listeners.is_empty() => {
                self.listeners = if rng.coin() && self.listeners.is_some() {
                    None
                } else {
                    Some(vec![rng.below(setting.listeners.len())])
                };
                self.session_timeout_seconds = pick_option(rng, &[600, 3000, 14400]);
                self.session_timeout_policy = pick_option(rng, &["clamp".to_string()]);
            }
            15 => {
                self.naming = match rng.below(3) {
                    0 => Naming::Name(format!("{}-fw{i}-{}", setting.tag, rng.below(100))),
                    1 => Naming::Prefix(format!("{}-p{i}-", setting.tag)),
                    _ => Naming::Chosen,
                };
            }
            _ => {
                self.description = pick_option(rng, &["Cumulocity edge".to_string(), "Cumulocity node".to_string()]);
            }
        }
        // `ssh` needs its CIDR blocks; a user adds them with it.
        if self.rule_sets.iter().any(|s| s == "ssh") && self.ssh_cidr_blocks.as_ref().is_none_or(Vec::is_empty) {
            self.ssh_cidr_blocks = Some(vec!["10.0.0.0/8".to_string()]);
        }
    }

    fn hcl(&self, i: usize, setting: &Setting) -> String {
        let mut out = format!("resource \"cumulocity_firewall\" \"fw{i}\" {{\n");
        let list = |items: &[String]| {
            let quoted: Vec<String> = items.iter().map(|s| format!("{s:?}")).collect();
            format!("[{}]", quoted.join(", "))
        };
        match &self.naming {
            Naming::Name(name) => {
                let _ = writeln!(out, "  name = {name:?}");
            }
            Naming::Prefix(prefix) => {
                let _ = writeln!(out, "  name_prefix = {prefix:?}");
            }
            Naming::Chosen => {}
        }
        let _ = writeln!(out, "  rule_sets = {}", list(&self.rule_sets));
        for (name, value) in [
            ("ingress_cidr_blocks", &self.ingress_cidr_blocks),
            ("ingress_ipv6_cidr_blocks", &self.ingress_ipv6_cidr_blocks),
            ("egress_cidr_blocks", &self.egress_cidr_blocks),
            ("egress_ipv6_cidr_blocks", &self.egress_ipv6_cidr_blocks),
            ("ssh_cidr_blocks", &self.ssh_cidr_blocks),
        ] {
            if let Some(blocks) = value {
                let _ = writeln!(out, "  {name} = {}", list(blocks));
            }
        }
        if let Some(nodes) = &self.node_groups {
            let ids: Vec<String> = nodes.iter().map(|j| format!("cumulocity_firewall.fw{j}.id")).collect();
            let _ = writeln!(out, "  node_security_group_ids = [{}]", ids.join(", "));
        }
        if let Some(description) = &self.description {
            let _ = writeln!(out, "  description = {description:?}");
        }
        if let Some(tags) = &self.tags {
            let _ = writeln!(out, "  tags = {}", map_hcl(tags));
        }
        if let Some(manage) = self.manage_rule_descriptions {
            let _ = writeln!(out, "  manage_rule_descriptions = {manage}");
        }
        if let Some(revoke) = self.revoke_rules_on_delete {
            let _ = writeln!(out, "  revoke_rules_on_delete = {revoke}");
        }
        if self.region_written {
            let _ = writeln!(out, "  region = {:?}", setting.region);
        }
        if let Some(seconds) = self.session_timeout_seconds {
            let _ = writeln!(out, "  session_timeout_seconds = {seconds}");
        }
        if let Some(policy) = &self.session_timeout_policy {
            let _ = writeln!(out, "  session_timeout_policy = {policy:?}");
        }
        if let Some(listeners) = &self.listeners {
            let arns: Vec<String> = listeners.iter().map(|&l| setting.listeners[l].clone()).collect();
            let _ = writeln!(out, "  load_balancer_listener_arns = {}", list(&arns));
        }
        for extra in &self.extra_rules {
            out.push_str(&extra.hcl(setting));
        }
        if let Some(create) = &self.create_timeout {
            let _ = writeln!(out, "  timeouts {{\n    create = {create:?}\n  }}");
        }
        out.push_str("}\n");
        out
    }
}

impl Extra {
    fn random(rng: &mut Rng, i: usize, setting: &Setting) -> Extra {
        let direction = if rng.coin() { "ingress" } else { "egress" }.to_string();
        let port = 1000 + rng.below(9000) as i32;
        let protocol = match rng.below(6) {
            0 => ExtraProtocol::Tcp(port, port + rng.below(3) as i32 * 10),
            1 => ExtraProtocol::Udp(port, port),
            2 => ExtraProtocol::Icmp([8, 0, 3][rng.below(3)], [-1, 0][rng.below(2)]),
            3 => ExtraProtocol::Icmpv6(128, [-1, 0][rng.below(2)]),
            4 => ExtraProtocol::All,
            _ => ExtraProtocol::Number(50),
        };
        let peer = loop {
            let peer = match rng.below(5) {
                0 => ExtraPeer::Ipv4(IPV4[rng.below(4)].to_string()),
                1 => ExtraPeer::Ipv6(IPV6[rng.below(IPV6.len())].to_string()),
                2 => ExtraPeer::SelfGroup,
                3 if i > 0 => ExtraPeer::Group(rng.below(i)),
                4 if setting.prefix_list.is_some() => ExtraPeer::PrefixList,
                _ => continue,
            };
            // icmp is IPv4's, icmpv6 IPv6's.
            match (&protocol, &peer) {
                (ExtraProtocol::Icmp(..), ExtraPeer::Ipv6(_)) | (ExtraProtocol::Icmpv6(..), ExtraPeer::Ipv4(_)) => {}
                _ => break peer,
            }
        };
        Extra {
            direction,
            protocol,
            peer,
            description: pick_option(rng, &DESCRIPTIONS).map(str::to_string),
        }
    }

    fn hcl(&self, setting: &Setting) -> String {
        let mut out = format!("  extra_rule {{\n    direction = {:?}\n", self.direction);
        let (protocol, ports) = match &self.protocol {
            ExtraProtocol::Tcp(from, to) => ("tcp".to_string(), Some((*from, *to))),
            ExtraProtocol::Udp(from, to) => ("udp".to_string(), Some((*from, *to))),
            ExtraProtocol::Icmp(t, c) => ("icmp".to_string(), Some((*t, *c))),
            ExtraProtocol::Icmpv6(t, c) => ("icmpv6".to_string(), Some((*t, *c))),
            ExtraProtocol::All => ("all".to_string(), None),
            ExtraProtocol::Number(n) => (n.to_string(), None),
        };
        let _ = writeln!(out, "    protocol = {protocol:?}");
        if let Some((from, to)) = ports {
            let _ = writeln!(out, "    from_port = {from}\n    to_port = {to}");
        }
        let _ = match &self.peer {
            ExtraPeer::Ipv4(net) => writeln!(out, "    cidr_blocks = [{net:?}]"),
            ExtraPeer::Ipv6(net) => writeln!(out, "    ipv6_cidr_blocks = [{net:?}]"),
            ExtraPeer::SelfGroup => writeln!(out, "    self = true"),
            ExtraPeer::Group(j) => writeln!(out, "    security_group_ids = [cumulocity_firewall.fw{j}.id]"),
            ExtraPeer::PrefixList => writeln!(
                out,
                "    prefix_list_ids = [{:?}]",
                setting.prefix_list.as_deref().unwrap_or("pl-none")
            ),
        };
        if let Some(description) = &self.description {
            let _ = writeln!(out, "    description = {description:?}");
        }
        out.push_str("  }\n");
        out
    }
}

/// A CIDR list argument removed, emptied (IPv6 lists only: an empty IPv4
/// list leaves `external` and `outbound` no peer, which the provider
/// refuses) or set to one or two blocks.
fn cidr_edit(rng: &mut Rng, pool: &[&str]) -> Option<Vec<String>> {
    match rng.below(4) {
        0 => None,
        1 if pool[0].contains(':') => Some(Vec::new()),
        _ => {
            let mut blocks = vec![pool[rng.below(pool.len())].to_string()];
            let second = pool[rng.below(pool.len())].to_string();
            if rng.coin() && !blocks.contains(&second) {
                blocks.push(second);
            }
            Some(blocks)
        }
    }
}

fn pick_option<T: Clone>(rng: &mut Rng, choices: &[T]) -> Option<T> {
    let at = rng.below(choices.len() + 1);
    choices.get(at).cloned()
}

fn small_map(rng: &mut Rng, key: &str) -> BTreeMap<String, String> {
    let mut map = BTreeMap::from([(key.to_string(), format!("v{}", rng.below(3)))]);
    if rng.coin() {
        map.insert("owner".to_string(), "walk".to_string());
    }
    map
}

fn map_hcl(map: &BTreeMap<String, String>) -> String {
    let entries: Vec<String> = map.iter().map(|(k, v)| format!("{k:?} = {v:?}")).collect();
    format!("{{ {} }}", entries.join(", "))
}
