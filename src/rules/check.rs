//! Validation of raw rule arguments, at validate and plan time.
//!
//! `check` walks a `FirewallInput`, reports every problem with the attribute
//! it is about, and, when every value is known and nothing is wrong, returns
//! the validated `FirewallArgs`. Unknown values are accepted silently: they
//! are checked again once known.

use std::collections::{BTreeMap, BTreeSet};

use ipnet::IpNet;

use super::arg_names::{self, extra_rule as extra};
use super::catalog::PeerSource;
use super::checked_args::{self, ExtraRule, FirewallArgs};
use super::expand::{expand, extra_peers};
use super::model::{Direction, Protocol, RuleKey, RuleShape};
use super::parse::{self, Family};
use super::problem::{AttrPath, Problem, Problems};
use super::rule_set_name::RuleSetName;
use super::unchecked_args::{ExtraRuleInput, FirewallInput, Maybe, MaybeList};

mod extra_rules;

/// What `check` found.
#[derive(Debug)]
pub struct Checked {
    /// Every problem found, errors and warnings, each with its attribute.
    pub problems: Vec<Problem>,
    /// The validated arguments: present only when every value is known and
    /// no problem is an error.
    pub args: Option<FirewallArgs>,
}

/// Validates the rule arguments of a firewall: every value on its own, then
/// across arguments (a rule set without the blocks it needs, an argument no
/// chosen set uses, an `extra_rule` that repeats a rule). Unknown values
/// pass, to be checked once known; see [`Checked`] for when the arguments
/// come back.
pub fn check(input: &FirewallInput) -> Checked {
    let mut walk = Walk::default();
    let rule_sets = walk.rule_sets(&input.rule_sets);
    let ingress_v4 = walk.cidr_list(arg_names::INGRESS_CIDR_BLOCKS, &input.ingress_cidr_blocks, |t| {
        parse::parse_ipv4_cidr(t, arg_names::INGRESS_IPV6_CIDR_BLOCKS)
    });
    let ingress_v6 = walk.cidr_list(
        arg_names::INGRESS_IPV6_CIDR_BLOCKS,
        &input.ingress_ipv6_cidr_blocks,
        |t| parse::parse_ipv6_cidr(t, arg_names::INGRESS_CIDR_BLOCKS),
    );
    let egress_v4 = walk.cidr_list(arg_names::EGRESS_CIDR_BLOCKS, &input.egress_cidr_blocks, |t| {
        parse::parse_ipv4_cidr(t, arg_names::EGRESS_IPV6_CIDR_BLOCKS)
    });
    let egress_v6 = walk.cidr_list(
        arg_names::EGRESS_IPV6_CIDR_BLOCKS,
        &input.egress_ipv6_cidr_blocks,
        |t| parse::parse_ipv6_cidr(t, arg_names::EGRESS_CIDR_BLOCKS),
    );
    let ssh = walk.cidr_list(arg_names::SSH_CIDR_BLOCKS, &input.ssh_cidr_blocks, |t| {
        parse::parse_cidr(t, Family::Either, "")
    });
    let nodes = walk.cidr_list(
        arg_names::NODE_SECURITY_GROUP_IDS,
        &input.node_security_group_ids,
        parse::parse_security_group_id,
    );
    let extras = walk.extra_rules(&input.extra_rules);

    if let Maybe::Known(sets) = &rule_sets {
        walk.cross_check(input, sets, &ssh);
    }

    let args = match (
        rule_sets, ingress_v4, ingress_v6, egress_v4, egress_v6, ssh, nodes, extras,
    ) {
        (
            Maybe::Known(rule_sets),
            ingress_v4,
            ingress_v6,
            egress_v4,
            egress_v6,
            ssh,
            nodes,
            Maybe::Known(extra_rules),
        ) if walk.complete => Some(FirewallArgs {
            rule_sets,
            ingress_cidr_blocks: or_default(ingress_v4, checked_args::default_ingress_cidr_blocks),
            ingress_ipv6_cidr_blocks: or_default(ingress_v6, Vec::new),
            egress_cidr_blocks: or_default(egress_v4, checked_args::default_egress_cidr_blocks),
            egress_ipv6_cidr_blocks: or_default(egress_v6, Vec::new),
            ssh_cidr_blocks: or_default(ssh, Vec::new),
            node_security_group_ids: or_default(nodes, Vec::new),
            extra_rules,
        }),
        _ => None,
    };
    if let Some(args) = &args {
        walk.check_repeated_extra_rules(args);
    }
    let args = args.filter(|_| !walk.problems.has_errors());
    Checked {
        problems: walk.problems.0,
        args,
    }
}

/// The AWS quota on rules per direction (L-0EA8095F), by default 60, counted
/// separately for IPv4 and IPv6; a rule that references a group counts for
/// both families. Checking it at plan time saves a failed apply.
pub const DEFAULT_MAX_RULES_PER_DIRECTION: usize = 60;

/// Checks expanded `rules` against a quota of `max_per_direction` rules per
/// direction, counted per IP family as AWS counts them: one error on
/// `rule_sets` for each direction and family over it, with the count by rule
/// set (`extra_rule` for the blocks).
pub fn check_quota(rules: &[super::model::Rule], max_per_direction: usize) -> Vec<Problem> {
    use super::model::Peer;
    let mut problems = Problems::default();
    for direction in Direction::ALL {
        for (family, counts_for) in [
            ("IPv4", (|p: &Peer| !matches!(p, Peer::Ipv6(_))) as fn(&Peer) -> bool),
            ("IPv6", |p: &Peer| !matches!(p, Peer::Ipv4(_))),
        ] {
            let counted: Vec<_> = rules
                .iter()
                .filter(|r| r.key.direction == direction && counts_for(&r.key.peer))
                .collect();
            if counted.len() <= max_per_direction {
                continue;
            }
            let mut by_source: BTreeMap<String, usize> = BTreeMap::new();
            for rule in &counted {
                let source = match rule.rule_sets.iter().next() {
                    Some(set) => set.to_string(),
                    None => arg_names::EXTRA_RULE.to_string(),
                };
                *by_source.entry(source).or_default() += 1;
            }
            let breakdown = by_source
                .iter()
                .map(|(source, n)| format!("{source}: {n}"))
                .collect::<Vec<_>>()
                .join(", ");
            problems.error(
                AttrPath::attr(arg_names::RULE_SETS),
                format!("Too many {direction} rules for one security group ({family})"),
                format!(
                    "These arguments expand to {} {direction} rules that count against the {family} quota, \
                     and a security group takes at most {max_per_direction} (AWS quota L-0EA8095F, \
                     \"Inbound or outbound rules per security group\"). By source: {breakdown}. \
                     Use fewer CIDR blocks (aggregate them, or use a managed prefix list), split the rules \
                     across two firewalls, or, if your account's quota was raised, set \
                     max_rules_per_direction in the provider block.",
                    counted.len()
                ),
            );
        }
    }
    problems.0
}

fn or_default<T>(value: Maybe<Vec<T>>, default: fn() -> Vec<T>) -> Vec<T> {
    match value {
        Maybe::Known(v) => v,
        _ => default(),
    }
}

/// State of one validation pass.
struct Walk {
    problems: Problems,
    /// False once any value was unknown.
    complete: bool,
}

impl Default for Walk {
    fn default() -> Self {
        Walk {
            problems: Problems::default(),
            complete: true,
        }
    }
}

impl Walk {
    fn rule_sets(&mut self, value: &MaybeList<String>) -> Maybe<BTreeSet<RuleSetName>> {
        let path = AttrPath::attr(arg_names::RULE_SETS);
        let parsed = self.list(&path, value, |name| {
            RuleSetName::parse(name).ok_or_else(|| unknown_rule_set(name))
        });
        match parsed {
            Maybe::Known(names) => Maybe::Known(names.into_iter().collect()),
            Maybe::Unknown => Maybe::Unknown,
            // Required in the schema; treat a null as "none chosen".
            Maybe::Absent => Maybe::Known(BTreeSet::new()),
        }
    }

    fn cidr_list<T>(
        &mut self,
        name: &'static str,
        value: &MaybeList<String>,
        parse: impl Fn(&str) -> Result<T, String>,
    ) -> Maybe<Vec<T>> {
        self.list(&AttrPath::attr(name), value, parse)
    }

    /// Parses every known element; an error names the element's index.
    /// The result is `Known` only when the list and all its elements are
    /// known and valid: a list missing an invalid element would shift the
    /// indices of later findings and prompt false ones ("rule_sets is
    /// empty", "extra_rule has no peer"), so it is treated as not known.
    fn list<T>(
        &mut self,
        path: &AttrPath,
        value: &MaybeList<String>,
        parse: impl Fn(&str) -> Result<T, String>,
    ) -> Maybe<Vec<T>> {
        let items = match value {
            Maybe::Absent => return Maybe::Absent,
            Maybe::Unknown => {
                self.complete = false;
                return Maybe::Unknown;
            }
            Maybe::Known(items) => items,
        };
        let mut parsed = Vec::with_capacity(items.len());
        let mut all_known = true;
        for (i, item) in items.iter().enumerate() {
            match item {
                Maybe::Known(text) => match parse(text) {
                    Ok(v) => parsed.push(v),
                    Err(detail) => {
                        self.problems.error(path.index(i), invalid_value_summary(path), detail);
                        all_known = false;
                    }
                },
                Maybe::Unknown => all_known = false,
                Maybe::Absent => {
                    self.problems.error(
                        path.index(i),
                        format!("Null element in {path}"),
                        "Every element of this list must have a value.",
                    );
                    all_known = false;
                }
            }
        }
        if all_known {
            Maybe::Known(parsed)
        } else {
            self.complete = false;
            Maybe::Unknown
        }
    }

    /// Checks that need the chosen rule sets.
    fn cross_check(&mut self, input: &FirewallInput, sets: &BTreeSet<RuleSetName>, ssh: &Maybe<Vec<IpNet>>) {
        self.cidr_lists_against_rule_sets(input, sets);
        self.ssh_blocks(input, sets, ssh);
        let uses_nodes = sets.iter().any(|s| s.uses(PeerSource::Nodes));
        if !uses_nodes && input.node_security_group_ids.known().is_some_and(|l| !l.is_empty()) {
            self.problems.warning(
                AttrPath::attr(arg_names::NODE_SECURITY_GROUP_IDS),
                "node_security_group_ids is not used",
                "rule_sets does not include \"internal\", so these groups are allowed nothing. Add \"internal\" \
                 or remove them.",
            );
        }
    }

    /// Each pair of CIDR lists: unused (a warning) when no chosen rule set
    /// opens ports to it, and not both empty when one does.
    fn cidr_lists_against_rule_sets(&mut self, input: &FirewallInput, sets: &BTreeSet<RuleSetName>) {
        for (source, v4_name, v4, v6_name, v6, side) in [
            (
                PeerSource::IngressBlocks,
                arg_names::INGRESS_CIDR_BLOCKS,
                &input.ingress_cidr_blocks,
                arg_names::INGRESS_IPV6_CIDR_BLOCKS,
                &input.ingress_ipv6_cidr_blocks,
                "from",
            ),
            (
                PeerSource::EgressBlocks,
                arg_names::EGRESS_CIDR_BLOCKS,
                &input.egress_cidr_blocks,
                arg_names::EGRESS_IPV6_CIDR_BLOCKS,
                &input.egress_ipv6_cidr_blocks,
                "to",
            ),
        ] {
            let users: Vec<&str> = sets.iter().filter(|s| s.uses(source)).map(|s| s.as_str()).collect();
            if users.is_empty() {
                for (name, list) in [(v4_name, v4), (v6_name, v6)] {
                    if list.known().is_some_and(|l| !l.is_empty()) {
                        self.problems.warning(
                            AttrPath::attr(name),
                            format!("{name} is not used"),
                            format!(
                                "None of the chosen rule sets opens ports {side} {name}; it has no effect. \
                                 Remove it, or add a rule set that uses it."
                            ),
                        );
                    }
                }
                continue;
            }
            // IPv4 defaults to the whole internet when absent; IPv6 to none.
            let v4_len = known_len(v4, 1);
            let v6_len = known_len(v6, 0);
            if v4_len == Some(0) && v6_len == Some(0) {
                self.problems.error(
                    AttrPath::attr(v4_name),
                    format!("No CIDR blocks for rule sets {}", users.join(", ")),
                    format!(
                        "Rule sets {} open ports {side} {v4_name} and {v6_name}, and both are empty, so they \
                         would create no rules. Give at least one block, or remove the rule sets.",
                        users.join(", ")
                    ),
                );
            }
        }
    }

    /// `ssh_cidr_blocks`: required and non-empty with `ssh`, a warning for
    /// the whole internet, unused without `ssh`.
    fn ssh_blocks(&mut self, input: &FirewallInput, sets: &BTreeSet<RuleSetName>, ssh: &Maybe<Vec<IpNet>>) {
        if sets.contains(&RuleSetName::Ssh) {
            match known_len(&input.ssh_cidr_blocks, 0) {
                Some(0) if input.ssh_cidr_blocks.is_absent() => self.problems.error(
                    AttrPath::attr(arg_names::SSH_CIDR_BLOCKS),
                    "ssh_cidr_blocks is required with the ssh rule set",
                    "Rule set \"ssh\" opens TCP/22 only to the blocks you name, so that SSH is never open to \
                     the world by accident. Set ssh_cidr_blocks to your management network, e.g. [\"10.0.0.0/16\"].",
                ),
                Some(0) => self.problems.error(
                    AttrPath::attr(arg_names::SSH_CIDR_BLOCKS),
                    "ssh_cidr_blocks is empty",
                    "Rule set \"ssh\" needs at least one block to open TCP/22 to; remove \"ssh\" from rule_sets \
                     if no one should reach port 22.",
                ),
                _ => {}
            }
            if let Maybe::Known(nets) = ssh {
                for (i, net) in nets.iter().enumerate() {
                    if parse::is_whole_internet(net) {
                        self.problems.warning(
                            AttrPath::attr(arg_names::SSH_CIDR_BLOCKS).index(i),
                            format!("SSH open to the whole internet ({net})"),
                            format!(
                                "\"{net}\" lets anyone try to log in on TCP/22. The Cumulocity firewall document keeps SSH for management \
                                 purposes: limit it to your management network or a bastion host."
                            ),
                        );
                    }
                }
            }
        } else if input.ssh_cidr_blocks.known().is_some_and(|l| !l.is_empty()) {
            self.problems.warning(
                AttrPath::attr(arg_names::SSH_CIDR_BLOCKS),
                "ssh_cidr_blocks is not used",
                "rule_sets does not include \"ssh\", so these blocks open nothing. Add \"ssh\" or remove them.",
            );
        }
    }
}

fn known_or_empty<T: Clone>(list: &Maybe<Vec<T>>) -> Option<Vec<T>> {
    match list {
        Maybe::Known(items) => Some(items.clone()),
        Maybe::Absent => Some(Vec::new()),
        Maybe::Unknown => None,
    }
}

fn known_len(list: &MaybeList<String>, default_len: usize) -> Option<usize> {
    match list {
        Maybe::Absent => Some(default_len),
        Maybe::Unknown => None,
        Maybe::Known(items) => Some(items.len()),
    }
}

fn unknown_rule_set(name: &str) -> String {
    let normalized = name.trim().to_ascii_lowercase().replace('_', "-");
    let hint = match RuleSetName::parse(&normalized) {
        Some(set) => format!(" Did you mean \"{set}\"?"),
        None => String::new(),
    };
    format!(
        "\"{name}\" is not a documented rule set.{hint} Valid rule sets: {}.",
        RuleSetName::valid_names()
    )
}

fn invalid_value_summary(path: &AttrPath) -> String {
    match last_name(path) {
        arg_names::RULE_SETS => "Unknown rule set".to_string(),
        arg_names::NODE_SECURITY_GROUP_IDS | extra::SECURITY_GROUP_IDS => "Invalid security group id".to_string(),
        extra::PREFIX_LIST_IDS => "Invalid prefix list id".to_string(),
        name => format!("Invalid CIDR block in {name}"),
    }
}

fn last_name(path: &AttrPath) -> &'static str {
    path.0
        .iter()
        .rev()
        .find_map(|step| match step {
            super::problem::PathStep::Attribute(name) => Some(*name),
            super::problem::PathStep::Index(_) => None,
        })
        .unwrap_or("")
}
