//! What must hold after each step of a walk, each check returning what it
//! found wrong instead of panicking, so that a failing sequence can be
//! shrunk.

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_ec2::types::{AddPrefixListEntry, SecurityGroupRule};
use serde_json::Value;
use terraform_provider_cumulocity::rules::{self, ExtraRuleInput, FirewallInput, Maybe, Protocol, Rule};

use super::model::{Extra, ExtraPeer, ExtraProtocol, Firewall, Setting, World};
use crate::support::emulator::{emulator, fmt_err};
use crate::support::Workspace;

/// A managed prefix list in `region`, for `extra_rule.prefix_list_ids`.
pub fn prefix_list(region: &str) -> String {
    let emu = emulator();
    let ec2 = emu.ec2(region);
    let out = emu
        .block_on(
            ec2.create_managed_prefix_list()
                .prefix_list_name("walk-partners")
                .address_family("IPv4")
                .max_entries(5)
                .entries(AddPrefixListEntry::builder().cidr("198.51.100.0/24").build())
                .send(),
        )
        .unwrap_or_else(|e| panic!("CreateManagedPrefixList in {region}: {}", fmt_err(&e)));
    out.prefix_list()
        .and_then(|p| p.prefix_list_id())
        .expect("a prefix list id")
        .to_string()
}

/// After an apply: both plans empty, AWS's rules and tags exactly the
/// expansion's, the state's labels the expansion's.
pub fn converged(ws: &Workspace, world: &World, setting: &Setting) -> Result<(), String> {
    let plan = ws.plan();
    if plan.status != 0 {
        return Err(format!("the plan after apply is not empty\n{plan}"));
    }
    // Terraform answers a refresh-only plan that finds nothing with exit
    // code 2 now and then (hashicorp/terraform#36403, open), so its words
    // tell: "No changes", and no object changed outside of Terraform.
    let refresh = ws.run(&["plan", "-refresh-only", "-input=false"]);
    if refresh.status != 0
        || !refresh.stdout.contains("No changes.")
        || refresh.stdout.contains("changed outside of Terraform")
    {
        return Err(format!(
            "the refresh-only plan after apply is not empty\n{refresh}\n{}",
            refresh_changes(ws)
        ));
    }
    let state = ws.show_json();
    let ids = group_ids(&state, world.firewalls.len())?;
    for (i, fw) in world.firewalls.iter().enumerate() {
        let resource = resource(&state, i)?;
        let expected = expansion(fw, &ids, setting)?;
        let with_descriptions = fw.manage_rule_descriptions != Some(false);
        let want: BTreeSet<String> = expected.iter().map(|r| render_rule(r, with_descriptions)).collect();
        let held: BTreeSet<String> = emulator()
            .describe_rules(&setting.region, &ids[i])
            .iter()
            .map(|r| render_aws(r, &ids[i], with_descriptions))
            .collect();
        if want != held {
            return Err(format!(
                "fw{i} ({}): AWS holds other rules than the expansion\n  missing: {:?}\n  extra:   {:?}",
                ids[i],
                want.difference(&held).collect::<Vec<_>>(),
                held.difference(&want).collect::<Vec<_>>()
            ));
        }
        let labels: BTreeMap<String, Vec<String>> = expected
            .iter()
            .map(|r| {
                let mut sets: Vec<String> = r.rule_sets.iter().map(|s| s.to_string()).collect();
                sets.sort();
                (render_rule(r, false), sets)
            })
            .collect();
        let state_labels: BTreeMap<String, Vec<String>> = resource["rules"]
            .as_array()
            .ok_or_else(|| format!("fw{i}: the state has no rules"))?
            .iter()
            .map(|r| (render_state(r), strings(&r["rule_sets"])))
            .collect();
        if labels != state_labels {
            return Err(format!(
                "fw{i}: the state's rules or their rule-set labels differ from the expansion\n  expansion: {labels:?}\n  state:     {state_labels:?}"
            ));
        }
        let tags = aws_tags(&setting.region, &ids[i]);
        let want_tags = super::expected_tags(world, i);
        if tags != want_tags {
            return Err(format!(
                "fw{i}: AWS holds tags {tags:?}, the configuration says {want_tags:?}"
            ));
        }
    }
    Ok(())
}

/// A configuration with a mistake: the plan fails with `summary`, and no
/// AWS call changes anything.
pub fn refused(ws: &Workspace, summary: &str, region: &str) -> Result<(), String> {
    let emu = emulator();
    let since = emu.start_recording_in(region);
    let plan = ws.plan();
    let modifying = modifying_calls(region, since);
    if plan.status != 1 || !plan.errors().iter().any(|d| d.summary.contains(summary)) {
        return Err(format!("the plan was to fail with {summary:?}\n{plan}"));
    }
    if !modifying.is_empty() {
        return Err(format!("a refused plan made modifying calls: {modifying:?}"));
    }
    Ok(())
}

/// The arguments AWS does not hold, so an import cannot know them (what
/// terraform-plugin-testing's `ImportStateVerifyIgnore` lists for such).
const NOT_IN_AWS: [&str; 10] = [
    // AWS holds the name chosen from it, not the prefix.
    "name_prefix",
    "manage_rule_descriptions",
    "revoke_rules_on_delete",
    "timeouts",
    "session_timeout_seconds",
    "session_timeout_policy",
    "load_balancer_listener_arns",
    "target_network_interface_ids",
    "listener_timeouts",
    "target_network_interface_timeouts",
];

/// The arguments that say which rules the group holds: an import may
/// infer others than the configuration's (an argument no rule uses, peers
/// grouped into other `extra_rule` blocks) as long as they stand for the
/// same rules.
const RULE_ARGUMENTS: [&str; 8] = terraform_provider_cumulocity::rules::arg_names::RULE_ARGUMENTS;

/// Every group imported into a fresh state with the same configuration, as
/// terraform-plugin-testing's `ImportStateVerify`: the import's attributes
/// are the configuration's, except those AWS does not hold (`NOT_IN_AWS`)
/// and rule arguments that stand for the same rules (`RULE_ARGUMENTS`,
/// with `rules` unchanged, ids included); apply makes no modifying call,
/// and the plan after is empty.
pub fn imports_cleanly(ws: &Workspace, world: &World, setting: &Setting) -> Result<(), String> {
    let ids = group_ids(&ws.show_json(), world.firewalls.len())?;
    let mut hcl = world.hcl(setting);
    for (i, id) in ids.iter().enumerate() {
        hcl.push_str(&format!(
            "\nimport {{\n  to = cumulocity_firewall.fw{i}\n  id = {id:?}\n}}\n"
        ));
    }
    let fresh = Workspace::new(&hcl);
    let plan = fresh.run(&["plan", "-input=false", "-out=import.tfplan"]);
    let imports = format!("Plan: {} to import, 0 to add", ids.len());
    if plan.status != 0 || !plan.stdout.contains(&imports) || !plan.stdout.contains("0 to destroy") {
        return Err(format!("the import plan is not `{imports}, ..., 0 to destroy`\n{plan}"));
    }
    let shown = fresh.run(&["show", "-json", "import.tfplan"]);
    let shown: Value = serde_json::from_str(&shown.stdout).map_err(|e| format!("show -json: {e}\n{shown}"))?;
    for change in shown["resource_changes"].as_array().into_iter().flatten() {
        let address = change["address"].as_str().unwrap_or("?");
        let (before, after) = (&change["change"]["before"], &change["change"]["after"]);
        let fields: BTreeSet<&String> = before
            .as_object()
            .into_iter()
            .chain(after.as_object())
            .flat_map(|o| o.keys())
            .collect();
        for field in fields {
            let rule_argument = RULE_ARGUMENTS.contains(&field.as_str()) && before["rules"] == after["rules"];
            // AWS holds `tags_all`: a tag that `tags` and `default_tags`
            // give alike cannot be told apart.
            let own_tags = field == "tags" && before["tags_all"] == after["tags_all"];
            if before[field] != after[field] && !NOT_IN_AWS.contains(&field.as_str()) && !rule_argument && !own_tags {
                return Err(format!(
                    "{address}: the import gives {field} = {}, the configuration {}\n{plan}",
                    before[field], after[field]
                ));
            }
        }
    }
    let since = emulator().start_recording_in(&setting.region);
    let apply = fresh.run(&["apply", "-input=false", "import.tfplan"]);
    if apply.status != 0 {
        return Err(format!("the import apply failed\n{apply}"));
    }
    // Session timeouts are not in the group (`NOT_IN_AWS`): the first apply
    // after an import sets the listeners' again.
    let modifying: Vec<String> = modifying_calls(&setting.region, since)
        .into_iter()
        .filter(|a| !a.starts_with("ModifyListener") && !a.starts_with("ModifyLoadBalancer"))
        .collect();
    if !modifying.is_empty() {
        return Err(format!("the import apply made modifying calls: {modifying:?}"));
    }
    let after = fresh.plan();
    if after.status != 0 {
        return Err(format!("the plan after the import is not empty\n{after}"));
    }
    Ok(())
}

/// The calls in `region` since `since` that are not reads.
fn modifying_calls(region: &str, since: usize) -> Vec<String> {
    emulator()
        .action_counts_in_since(region, since)
        .into_keys()
        .filter(|a| !["Describe", "Get", "List"].iter().any(|read| a.starts_with(read)))
        .collect()
}

fn resource(state: &Value, i: usize) -> Result<&Value, String> {
    let address = format!("cumulocity_firewall.fw{i}");
    state["values"]["root_module"]["resources"]
        .as_array()
        .and_then(|rs| rs.iter().find(|r| r["address"] == address.as_str()))
        .map(|r| &r["values"])
        .ok_or_else(|| format!("{address} is not in the state"))
}

fn group_ids(state: &Value, n: usize) -> Result<Vec<String>, String> {
    (0..n)
        .map(|i| {
            resource(state, i)?["id"]
                .as_str()
                .map(str::to_string)
                .ok_or_else(|| format!("fw{i} has no id"))
        })
        .collect()
}

/// Whether the provider accepts `fw`'s arguments (other firewalls' ids
/// stood in for by made-up ones).
pub fn accepted(fw: &Firewall, setting: &Setting) -> bool {
    let ids: Vec<String> = (0..4).map(|j| format!("sg-{:017x}", j + 1)).collect();
    expansion(fw, &ids, setting).is_ok()
}

/// The rules `rules::expand` gives for `fw`'s arguments, with the other
/// firewalls' ids filled in.
fn expansion(fw: &Firewall, ids: &[String], setting: &Setting) -> Result<Vec<Rule>, String> {
    let list = |items: &Option<Vec<String>>| match items {
        Some(items) => Maybe::Known(items.iter().cloned().map(Maybe::Known).collect()),
        None => Maybe::Absent,
    };
    let input = FirewallInput {
        rule_sets: list(&Some(fw.rule_sets.clone())),
        ingress_cidr_blocks: list(&fw.ingress_cidr_blocks),
        ingress_ipv6_cidr_blocks: list(&fw.ingress_ipv6_cidr_blocks),
        egress_cidr_blocks: list(&fw.egress_cidr_blocks),
        egress_ipv6_cidr_blocks: list(&fw.egress_ipv6_cidr_blocks),
        ssh_cidr_blocks: list(&fw.ssh_cidr_blocks),
        node_security_group_ids: list(
            &fw.node_groups
                .as_ref()
                .map(|nodes| nodes.iter().map(|&j| ids[j].clone()).collect()),
        ),
        extra_rules: if fw.extra_rules.is_empty() {
            Maybe::Absent
        } else {
            Maybe::Known(fw.extra_rules.iter().map(|e| extra_input(e, ids, setting)).collect())
        },
    };
    let checked = rules::check(&input);
    let args = checked.args.ok_or_else(|| {
        format!(
            "the walk generated arguments the provider refuses: {:?}",
            checked.problems
        )
    })?;
    Ok(rules::expand(&args))
}

fn extra_input(extra: &Extra, ids: &[String], setting: &Setting) -> ExtraRuleInput {
    let known = |s: &str| Maybe::Known(s.to_string());
    let one = |s: String| Maybe::Known(vec![Maybe::Known(s)]);
    let (protocol, ports) = match &extra.protocol {
        ExtraProtocol::Tcp(f, t) => ("tcp".to_string(), Some((*f, *t))),
        ExtraProtocol::Udp(f, t) => ("udp".to_string(), Some((*f, *t))),
        ExtraProtocol::Icmp(f, t) => ("icmp".to_string(), Some((*f, *t))),
        ExtraProtocol::Icmpv6(f, t) => ("icmpv6".to_string(), Some((*f, *t))),
        ExtraProtocol::All => ("all".to_string(), None),
        ExtraProtocol::Number(n) => (n.to_string(), None),
    };
    let mut input = ExtraRuleInput {
        direction: known(&extra.direction),
        protocol: Maybe::Known(protocol),
        from_port: ports.map_or(Maybe::Absent, |(f, _)| Maybe::Known(f64::from(f))),
        to_port: ports.map_or(Maybe::Absent, |(_, t)| Maybe::Known(f64::from(t))),
        description: extra.description.as_deref().map_or(Maybe::Absent, known),
        ..Default::default()
    };
    match &extra.peer {
        ExtraPeer::Ipv4(net) => input.cidr_blocks = one(net.clone()),
        ExtraPeer::Ipv6(net) => input.ipv6_cidr_blocks = one(net.clone()),
        ExtraPeer::SelfGroup => input.self_ = Maybe::Known(true),
        ExtraPeer::Group(j) => input.security_group_ids = one(ids[*j].clone()),
        ExtraPeer::PrefixList => input.prefix_list_ids = one(setting.prefix_list.clone().unwrap_or_default()),
    }
    input
}

fn render_rule(rule: &Rule, with_description: bool) -> String {
    let key = &rule.key;
    render(
        key.direction.as_str(),
        key.protocol,
        key.from_port,
        key.to_port,
        &key.peer.to_string(),
        rule.description.as_deref().filter(|_| with_description),
    )
}

fn render_aws(rule: &SecurityGroupRule, own_id: &str, with_description: bool) -> String {
    let text = rule.ip_protocol().unwrap_or("?");
    let protocol = Protocol::parse(text)
        .or_else(|| text.parse::<u8>().ok().map(Protocol::from_number))
        .unwrap_or(Protocol::Number(255));
    let (from, to) = if protocol.has_ports() || protocol.is_icmp() {
        (rule.from_port().unwrap_or(-1), rule.to_port().unwrap_or(-1))
    } else {
        (-1, -1)
    };
    let peer = rule
        .cidr_ipv4()
        .or(rule.cidr_ipv6())
        .or(rule.prefix_list_id())
        .map(str::to_string)
        .or_else(|| {
            let group = rule.referenced_group_info()?.group_id()?;
            Some(if group == own_id {
                "self".to_string()
            } else {
                group.to_string()
            })
        })
        .unwrap_or_else(|| "?".to_string());
    let direction = if rule.is_egress() == Some(true) {
        "egress"
    } else {
        "ingress"
    };
    let description = rule.description().filter(|d| !d.is_empty() && with_description);
    render(direction, protocol, from, to, &peer, description)
}

fn render_state(rule: &Value) -> String {
    let peer = [
        "cidr_ipv4",
        "cidr_ipv6",
        "prefix_list_id",
        "referenced_security_group_id",
    ]
    .iter()
    .find_map(|k| rule[*k].as_str().map(str::to_string))
    .unwrap_or_else(|| {
        if rule["self"] == Value::Bool(true) {
            "self".into()
        } else {
            "?".into()
        }
    });
    let protocol = Protocol::parse(rule["protocol"].as_str().unwrap_or("?")).unwrap_or(Protocol::Number(255));
    let port = |k: &str| rule[k].as_i64().unwrap_or(-99) as i32;
    render(
        rule["direction"].as_str().unwrap_or("?"),
        protocol,
        port("from_port"),
        port("to_port"),
        &peer,
        None,
    )
}

fn render(direction: &str, protocol: Protocol, from: i32, to: i32, peer: &str, description: Option<&str>) -> String {
    format!("{direction} {protocol} {from}..{to} {peer} {description:?}")
}

fn strings(value: &Value) -> Vec<String> {
    let mut items: Vec<String> = value
        .as_array()
        .map(|a| a.iter().filter_map(|s| s.as_str().map(str::to_string)).collect())
        .unwrap_or_default();
    items.sort();
    items
}

/// The group's tags in AWS, less the provider's own bookkeeping tags.
fn aws_tags(region: &str, id: &str) -> BTreeMap<String, String> {
    let emu = emulator();
    let out = emu
        .block_on(emu.ec2(region).describe_security_groups().group_ids(id).send())
        .unwrap_or_else(|e| panic!("DescribeSecurityGroups {id}: {}", fmt_err(&e)));
    out.security_groups()
        .iter()
        .flat_map(|g| g.tags())
        .filter_map(|t| Some((t.key()?.to_string(), t.value()?.to_string())))
        .filter(|(k, _)| !k.starts_with("cumulocity-firewall:"))
        .collect()
}

/// What a refresh changes in the state file, line by line, for a failure's
/// report (a refresh-only plan can be non-empty with nothing it shows).
fn refresh_changes(ws: &Workspace) -> String {
    let before = ws.read("terraform.tfstate");
    let applied = ws.run(&["apply", "-refresh-only", "-auto-approve", "-input=false"]);
    let after = ws.read("terraform.tfstate");
    let (before, after): (BTreeSet<&str>, BTreeSet<&str>) = (before.lines().collect(), after.lines().collect());
    let gone: Vec<&&str> = before
        .difference(&after)
        .filter(|l| !l.contains("\"serial\""))
        .collect();
    let new: Vec<&&str> = after
        .difference(&before)
        .filter(|l| !l.contains("\"serial\""))
        .collect();
    format!(
        "the refresh (exit {}) changed the state file:\n  before: {gone:?}\n  after:  {new:?}",
        applied.status
    )
}
