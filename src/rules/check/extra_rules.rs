//! The checks of `extra_rule` blocks: direction, protocol, ports, peers,
//! description, and that no extra rule repeats another or a documented one.
//! A part of [`check`](super), kept apart because blocks have many fields.

use std::collections::{BTreeMap, BTreeSet};

use super::*;

impl Walk {
    pub(super) fn extra_rules(&mut self, value: &Maybe<Vec<ExtraRuleInput>>) -> Maybe<Vec<ExtraRule>> {
        let blocks = match value {
            Maybe::Absent => return Maybe::Known(Vec::new()),
            Maybe::Unknown => {
                self.complete = false;
                return Maybe::Unknown;
            }
            Maybe::Known(blocks) => blocks,
        };
        let mut rules = Vec::with_capacity(blocks.len());
        for (i, block) in blocks.iter().enumerate() {
            let path = AttrPath::attr(arg_names::EXTRA_RULE).index(i);
            if let Some(rule) = self.extra_rule(&path, block) {
                rules.push(rule);
            }
        }
        Maybe::Known(rules)
    }

    fn extra_rule(&mut self, path: &AttrPath, block: &ExtraRuleInput) -> Option<ExtraRule> {
        let direction = self.required_choice(
            &path.then(extra::DIRECTION),
            &block.direction,
            Direction::parse,
            "\"ingress\", \"egress\"",
        );
        let protocol = self.required_choice(
            &path.then(extra::PROTOCOL),
            &block.protocol,
            Protocol::parse,
            "\"tcp\", \"udp\", \"icmp\", \"icmpv6\", \"all\" or an IP protocol number from 0 to 255 \
             (\"50\" for ESP)",
        );
        let ports = match protocol {
            Some(protocol) => self.ports(path, protocol, block),
            None => None,
        };
        let cidr_v4 = self.list(&path.then(extra::CIDR_BLOCKS), &block.cidr_blocks, |t| {
            parse::parse_ipv4_cidr(t, extra::IPV6_CIDR_BLOCKS)
        });
        let cidr_v6 = self.list(&path.then(extra::IPV6_CIDR_BLOCKS), &block.ipv6_cidr_blocks, |t| {
            parse::parse_ipv6_cidr(t, extra::CIDR_BLOCKS)
        });
        let groups = self.list(
            &path.then(extra::SECURITY_GROUP_IDS),
            &block.security_group_ids,
            parse::parse_security_group_id,
        );
        let prefix_lists = self.list(
            &path.then(extra::PREFIX_LIST_IDS),
            &block.prefix_list_ids,
            parse::parse_prefix_list_id,
        );
        let self_ = match &block.self_ {
            Maybe::Known(v) => Some(*v),
            Maybe::Absent => Some(false),
            Maybe::Unknown => {
                self.complete = false;
                None
            }
        };
        let description = match &block.description {
            Maybe::Known(text) => match parse::check_description(text) {
                // AWS reads an empty description back as none: keep them
                // the same here, or the rule would differ on every plan.
                Ok(()) => Some((!text.is_empty()).then(|| text.clone())),
                Err(detail) => {
                    self.problems
                        .error(path.then(extra::DESCRIPTION), "Invalid rule description", detail);
                    None
                }
            },
            Maybe::Absent => Some(None),
            Maybe::Unknown => {
                self.complete = false;
                None
            }
        };

        let other_peers = [&groups, &prefix_lists];
        self.check_peers(path, protocol, &cidr_v4, &cidr_v6, &other_peers, self_);

        Some(ExtraRule {
            direction: direction?,
            protocol: protocol?,
            from_port: ports?.0,
            to_port: ports?.1,
            cidr_blocks: known_or_empty(&cidr_v4)?,
            ipv6_cidr_blocks: known_or_empty(&cidr_v6)?,
            security_group_ids: known_or_empty(&groups)?,
            prefix_list_ids: known_or_empty(&prefix_lists)?,
            self_: self_?,
            description: description?,
        })
    }

    /// An `extra_rule` needs a peer, and ICMP of one family cannot match the
    /// other family's blocks.
    fn check_peers(
        &mut self,
        path: &AttrPath,
        protocol: Option<Protocol>,
        cidr_v4: &Maybe<Vec<ipnet::Ipv4Net>>,
        cidr_v6: &Maybe<Vec<ipnet::Ipv6Net>>,
        other_peers: &[&Maybe<Vec<String>>],
        self_: Option<bool>,
    ) {
        let any_unknown = cidr_v4.is_unknown()
            || cidr_v6.is_unknown()
            || other_peers.iter().any(|p| p.is_unknown())
            || self_.is_none();
        let has_peer = cidr_v4.known().is_some_and(|v| !v.is_empty())
            || cidr_v6.known().is_some_and(|v| !v.is_empty())
            || other_peers.iter().any(|p| p.known().is_some_and(|v| !v.is_empty()))
            || self_ == Some(true);
        if !has_peer && !any_unknown {
            self.problems.error(
                path.clone(),
                format!("{path} has no peer"),
                "Each extra_rule needs at least one of cidr_blocks, ipv6_cidr_blocks, security_group_ids, \
                 prefix_list_ids or self = true: the source of an ingress rule or the destination of an egress rule.",
            );
        }
        if protocol == Some(Protocol::Icmp) && cidr_v6.known().is_some_and(|v| !v.is_empty()) {
            self.problems.error(
                path.then(extra::IPV6_CIDR_BLOCKS),
                "protocol \"icmp\" does not match IPv6 traffic",
                "ICMP for IPv6 is its own protocol: use a second extra_rule with protocol = \"icmpv6\" for ipv6_cidr_blocks.",
            );
        }
        if protocol == Some(Protocol::Icmpv6) && cidr_v4.known().is_some_and(|v| !v.is_empty()) {
            self.problems.error(
                path.then(extra::CIDR_BLOCKS),
                "protocol \"icmpv6\" does not match IPv4 traffic",
                "Use a second extra_rule with protocol = \"icmp\" for IPv4 cidr_blocks.",
            );
        }
    }

    fn required_choice<T>(
        &mut self,
        path: &AttrPath,
        value: &Maybe<String>,
        parse: fn(&str) -> Option<T>,
        choices: &str,
    ) -> Option<T> {
        match value {
            Maybe::Known(text) => {
                let parsed = parse(text);
                if parsed.is_none() {
                    self.problems.error(
                        path.clone(),
                        format!("Invalid value for {}", last_name(path)),
                        format!("\"{text}\" is not one of {choices}."),
                    );
                }
                parsed
            }
            Maybe::Absent => {
                self.problems.error(
                    path.clone(),
                    format!("Missing {}", last_name(path)),
                    format!("Set it to one of {choices}."),
                );
                None
            }
            Maybe::Unknown => {
                self.complete = false;
                None
            }
        }
    }

    /// `(from_port, to_port)` in AWS's convention: -1 where the protocol has
    /// no ports (all) or where ICMP means "any type / any code".
    fn ports(&mut self, path: &AttrPath, protocol: Protocol, block: &ExtraRuleInput) -> Option<(i32, i32)> {
        let from_path = path.then(extra::FROM_PORT);
        let to_path = path.then(extra::TO_PORT);
        if block.from_port.is_unknown() || block.to_port.is_unknown() {
            self.complete = false;
            return None;
        }
        let from = block.from_port.known().copied();
        let to = block.to_port.known().copied();
        match protocol {
            // Protocols other than TCP, UDP and ICMP carry no ports for AWS
            // (it reads them back as -1).
            Protocol::All | Protocol::Number(_) => {
                for (p, v) in [(&from_path, from), (&to_path, to)] {
                    if v.is_some() {
                        let detail = match protocol {
                            Protocol::Number(n) => format!(
                                "AWS takes no ports for IP protocol {n}: a rule for it covers all of its traffic. \
                                 Remove from_port and to_port."
                            ),
                            _ => "protocol = \"all\" covers every protocol and port; remove from_port and to_port, \
                                  or choose protocol \"tcp\" or \"udp\" to restrict ports."
                                .to_string(),
                        };
                        self.problems
                            .error(p.clone(), format!("Ports given with protocol \"{protocol}\""), detail);
                    }
                }
                (from.is_none() && to.is_none()).then_some((-1, -1))
            }
            Protocol::Tcp | Protocol::Udp => {
                let from = self.port_number(&from_path, from, 0, 65535, protocol);
                let to = self.port_number(&to_path, to, 0, 65535, protocol);
                let (from, to) = (from?, to?);
                if from > to {
                    self.problems.error(
                        from_path,
                        "from_port is greater than to_port",
                        format!("The port range {from}-{to} is empty; from_port must be at most to_port."),
                    );
                    return None;
                }
                Some((from, to))
            }
            Protocol::Icmp | Protocol::Icmpv6 => {
                // ICMP: from_port is the type, to_port the code; -1 or
                // omitted means any.
                let icmp_type = self.port_number(&from_path, Some(from.unwrap_or(-1.0)), -1, 255, protocol)?;
                let icmp_code = self.port_number(&to_path, Some(to.unwrap_or(-1.0)), -1, 255, protocol)?;
                if icmp_type == -1 && icmp_code != -1 {
                    self.problems.error(
                        to_path,
                        "ICMP code given for any type",
                        "With from_port (the ICMP type) -1 or omitted, to_port (the code) must be -1 or omitted too.",
                    );
                    return None;
                }
                Some((icmp_type, icmp_code))
            }
        }
    }

    fn port_number(
        &mut self,
        path: &AttrPath,
        value: Option<f64>,
        min: i32,
        max: i32,
        protocol: Protocol,
    ) -> Option<i32> {
        let Some(value) = value else {
            self.problems.error(
                path.clone(),
                format!("Missing {}", last_name(path)),
                format!(
                    "protocol \"{protocol}\" needs from_port and to_port (0 to 65535; the same number for one port)."
                ),
            );
            return None;
        };
        match parse::whole_number_in(value, min, max) {
            Ok(n) => Some(n),
            Err(detail) => {
                let what = if protocol.is_icmp() { " (ICMP type or code)" } else { "" };
                self.problems
                    .error(path.clone(), format!("Invalid {}{what}", last_name(path)), detail);
                None
            }
        }
    }

    /// An extra rule must not repeat another extra rule, nor a rule that a
    /// chosen rule set already creates: AWS holds each rule once, and two
    /// descriptions for one rule would flip-flop.
    pub(super) fn check_repeated_extra_rules(&mut self, args: &FirewallArgs) {
        let documented = expand(&FirewallArgs {
            extra_rules: Vec::new(),
            ..args.clone()
        });
        let documented: BTreeMap<&RuleKey, &BTreeSet<RuleSetName>> =
            documented.iter().map(|r| (&r.key, &r.rule_sets)).collect();
        let mut seen: BTreeMap<RuleKey, usize> = BTreeMap::new();
        for (i, extra) in args.extra_rules.iter().enumerate() {
            for peer in extra_peers(extra) {
                let key = extra.key(peer);
                let path = AttrPath::attr(arg_names::EXTRA_RULE).index(i);
                if let Some(sets) = documented.get(&key) {
                    let names: Vec<&str> = sets.iter().map(|s| s.as_str()).collect();
                    self.problems.error(
                        path.clone(),
                        format!("{path} repeats a documented rule"),
                        format!(
                            "The rule \"{key}\" is already created by rule set {}; remove it from this extra_rule.",
                            names.join(", ")
                        ),
                    );
                } else if let Some(&first) = seen.get(&key) {
                    let (summary, detail) = if first == i {
                        (
                            format!("{path} lists a peer twice"),
                            format!("The rule \"{key}\" appears twice in this block; list each peer once."),
                        )
                    } else {
                        (
                            format!("{path} is a duplicate"),
                            format!(
                                "The rule \"{key}\" is already created by extra_rule[{first}]; remove one of them."
                            ),
                        )
                    };
                    self.problems.error(path.clone(), summary, detail);
                } else {
                    seen.insert(key, i);
                }
            }
        }
    }
}
