//! Migrating groups from hashicorp/aws to `cumulocity_firewall` with `moved`
//! blocks, as `docs/guides/migrating-from-hashicorp-aws.md` shows it, with
//! no change to any rule in AWS.
//!
//! The state holds three groups made by hand in the emulator, written the
//! way Terraform writes hashicorp/aws 6.x resources: one with inline rules,
//! one whose rules are separate rule resources (`aws_vpc_security_group_*`
//! and `aws_security_group_rule`), and one made by the
//! terraform-aws-modules/security-group module (`module.sg`, `count`
//! indexes). hashicorp/aws itself cannot be installed here, and Terraform
//! will not plan a state naming a provider it cannot load, so a test-only
//! stand-in (`tests/stand_in/hashicorp_aws.rs`, the Cargo example
//! `terraform-provider-aws`) serves hashicorp/aws's schemas of those
//! resource types through `dev_overrides`; it keeps state and refuses any
//! change. Cross-type `moved` blocks need Terraform 1.8.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use aws_sdk_ec2::types::{IpPermission, IpRange, SecurityGroupRule};
use serde_json::{json, Value};

use crate::import::{hand_made_group, HandRule};
use crate::support::emulator::{emulator, ACCOUNT_ID};
use crate::support::Workspace;

/// The directory of the stand-in's binary: Cargo's `examples/` next to the
/// provider binary (`cargo build --example terraform-provider-aws`; `make
/// test` and `make testacc` build it).
fn stand_in_dir() -> PathBuf {
    let dir = crate::support::provider_binary()
        .parent()
        .expect("provider binary has a parent directory")
        .join("examples");
    assert!(
        dir.join("terraform-provider-aws").is_file(),
        "{} has no terraform-provider-aws: run `cargo build --example terraform-provider-aws`",
        dir.display()
    );
    dir
}

const HASHICORP_AWS: &str = "provider[\"registry.terraform.io/hashicorp/aws\"]";

/// What hashicorp/aws keeps as private data of an SDKv2 resource (its
/// timeouts and schema version), base64 as in the state file.
fn sdk_private(schema_version: u32) -> String {
    use base64::Engine;
    let private = format!(
        "{{\"e2bfb730-ecaa-11e6-8f88-34363bc7c4c0\":{{\"create\":600000000000,\"delete\":900000000000}},\
         \"schema_version\":\"{schema_version}\"}}"
    );
    base64::engine::general_purpose::STANDARD.encode(private)
}

/// The `ingress` and `egress` of `aws_security_group` as hashicorp/aws 6.x
/// reads them: one object per protocol, ports and description, holding
/// all of its peers (all traffic written with ports 0).
fn inline_rules(id: &str, rules: &[SecurityGroupRule]) -> (Vec<Value>, Vec<Value>) {
    let mut objects: BTreeMap<(bool, String, i32, i32, String), Value> = BTreeMap::new();
    for rule in rules {
        let protocol = rule.ip_protocol().unwrap_or_default().to_string();
        let (from, to) = if protocol == "-1" {
            (0, 0)
        } else {
            (rule.from_port().unwrap_or(0), rule.to_port().unwrap_or(0))
        };
        let description = rule.description().unwrap_or_default().to_string();
        let key = (
            rule.is_egress().unwrap_or(false),
            protocol.clone(),
            from,
            to,
            description.clone(),
        );
        let object = objects.entry(key).or_insert_with(|| {
            json!({
                "cidr_blocks": [], "description": description, "from_port": from, "ipv6_cidr_blocks": [],
                "prefix_list_ids": [], "protocol": protocol, "security_groups": [], "self": false, "to_port": to,
            })
        });
        let push = |object: &mut Value, list: &str, item: &str| {
            object[list].as_array_mut().unwrap().push(json!(item));
        };
        if let Some(v4) = rule.cidr_ipv4() {
            push(object, "cidr_blocks", v4);
        } else if let Some(v6) = rule.cidr_ipv6() {
            push(object, "ipv6_cidr_blocks", v6);
        } else if let Some(pl) = rule.prefix_list_id() {
            push(object, "prefix_list_ids", pl);
        } else if let Some(group) = rule.referenced_group_info().and_then(|g| g.group_id()) {
            if group == id {
                object["self"] = json!(true);
            } else {
                push(object, "security_groups", group);
            }
        }
    }
    let (mut ingress, mut egress) = (Vec::new(), Vec::new());
    for ((is_egress, ..), object) in objects {
        if is_egress {
            egress.push(object);
        } else {
            ingress.push(object);
        }
    }
    (ingress, egress)
}

/// One `aws_security_group` instance as hashicorp/aws 6.x writes it after
/// a refresh: every rule of the group in `ingress` / `egress`, also those
/// that rule resources manage.
fn group_instance(region: &str, id: &str, name: &str, vpc: &str, index: Option<i64>) -> Value {
    let (ingress, egress) = inline_rules(id, &emulator().describe_rules(region, id));
    let mut instance = json!({
        "schema_version": 1,
        "attributes": {
            "arn": format!("arn:aws:ec2:{region}:{ACCOUNT_ID}:security-group/{id}"),
            "description": "made by hand",
            "egress": egress,
            "id": id,
            "ingress": ingress,
            "name": name,
            "name_prefix": "",
            "owner_id": ACCOUNT_ID,
            "region": region,
            "revoke_rules_on_delete": false,
            "tags": {},
            "tags_all": {},
            "timeouts": null,
            "vpc_id": vpc,
        },
        "sensitive_attributes": [],
        "private": sdk_private(1),
    });
    if let Some(index) = index {
        instance["index_key"] = json!(index);
    }
    // hashicorp/aws 6.8.0 and later give the group an identity, which
    // Terraform 1.12 and later keep in the state and pass to the move.
    if crate::support::terraform_version().at_least(1, 12) {
        instance["identity_schema_version"] = json!(0);
        instance["identity"] = json!({"account_id": ACCOUNT_ID, "id": id, "region": region});
    }
    instance
}

/// The `sgr-` id of the group's rule on `port` (-1: all traffic) that way.
fn rule_id(region: &str, group: &str, egress: bool, port: i32) -> String {
    emulator()
        .describe_rules(region, group)
        .into_iter()
        .find(|r| r.is_egress() == Some(egress) && r.from_port().unwrap_or(-1) == port)
        .and_then(|r| r.security_group_rule_id().map(str::to_string))
        .unwrap_or_else(|| panic!("no rule on {port} in {group}"))
}

/// An `aws_vpc_security_group_ingress_rule` / `_egress_rule` instance for
/// all traffic with the group itself.
fn vpc_rule_self(region: &str, group: &str, egress: bool) -> Value {
    let sgr = rule_id(region, group, egress, -1);
    json!({
        "schema_version": 0,
        "attributes": {
            "arn": format!("arn:aws:ec2:{region}:{ACCOUNT_ID}:security-group-rule/{sgr}"),
            "cidr_ipv4": null, "cidr_ipv6": null, "description": null, "from_port": null, "id": sgr,
            "ip_protocol": "-1", "prefix_list_id": null, "referenced_security_group_id": group, "region": region,
            "security_group_id": group, "security_group_rule_id": sgr, "tags": null, "tags_all": {}, "to_port": null,
        },
        "sensitive_attributes": [],
    })
}

/// An `aws_security_group_rule` instance (schema version 2) for TCP `port`
/// with one CIDR block.
fn sg_rule(
    region: &str,
    group: &str,
    egress: bool,
    port: i32,
    cidr: &str,
    description: &str,
    index: Option<i64>,
) -> Value {
    let direction = if egress { "egress" } else { "ingress" };
    let mut instance = json!({
        "schema_version": 2,
        "attributes": {
            "cidr_blocks": [cidr], "description": description, "from_port": port,
            "id": format!("sgrule-{}", 1_000_000 + port), "ipv6_cidr_blocks": null, "prefix_list_ids": null,
            "protocol": "tcp", "region": region, "security_group_id": group,
            "security_group_rule_id": rule_id(region, group, egress, port), "self": false,
            "source_security_group_id": null, "timeouts": null, "to_port": port, "type": direction,
        },
        "sensitive_attributes": [],
        "private": sdk_private(2),
    });
    if let Some(index) = index {
        instance["index_key"] = json!(index);
    }
    instance
}

fn resource(module: Option<&str>, kind: &str, name: &str, instances: Vec<Value>) -> Value {
    let mut resource = json!({
        "mode": "managed", "type": kind, "name": name, "provider": HASHICORP_AWS, "instances": instances,
    });
    if let Some(module) = module {
        resource["module"] = json!(module);
    }
    resource
}

/// A state file as Terraform 1.x writes one (format version 4).
fn state_file(resources: Vec<Value>) -> String {
    serde_json::to_string_pretty(&json!({
        "version": 4,
        "terraform_version": "1.9.8",
        "serial": 12,
        "lineage": "2b4f3f7e-9c55-4d6a-8f0e-5b1d7c6e4a21",
        "outputs": {},
        "resources": resources,
        "check_results": null,
    }))
    .unwrap()
}

const EDGE: &[HandRule] = &[
    (true, "tcp", 80, 80, "0.0.0.0/0", Some("HTTP")),
    (true, "tcp", 80, 80, "::/0", Some("HTTP")),
    (true, "tcp", 443, 443, "0.0.0.0/0", Some("HTTPS")),
    (true, "tcp", 443, 443, "::/0", Some("HTTPS")),
    (true, "tcp", 1883, 1883, "0.0.0.0/0", Some("MQTT")),
    (true, "tcp", 1883, 1883, "::/0", Some("MQTT")),
    (true, "tcp", 8883, 8883, "0.0.0.0/0", Some("MQTT/TLS")),
    (true, "tcp", 8883, 8883, "::/0", Some("MQTT/TLS")),
    (false, "tcp", 80, 80, "0.0.0.0/0", Some("HTTP")),
    (false, "tcp", 443, 443, "0.0.0.0/0", Some("HTTPS")),
    (false, "tcp", 25, 25, "0.0.0.0/0", Some("SMTP")),
    (false, "udp", 53, 53, "0.0.0.0/0", Some("DNS")),
];

const NODE: &[HandRule] = &[
    (true, "-1", -1, -1, "self", None),
    (false, "-1", -1, -1, "self", None),
    (true, "tcp", 22, 22, "10.0.100.0/24", None),
];

const AGENTS: &[HandRule] = &[
    (true, "tcp", 6670, 6670, "10.0.0.0/8", Some("opcua agent")),
    (false, "tcp", 80, 80, "0.0.0.0/0", Some("opcua agent")),
];

/// The `moved` and `removed` blocks of the guide, for the three groups.
const MIGRATION_BLOCKS: &str = r#"
# Inline rules: one moved block.
moved {
  from = aws_security_group.edge
  to   = cumulocity_firewall.edge
}

# Rules as separate resources: moved for the group, removed for each rule.
moved {
  from = aws_security_group.node
  to   = cumulocity_firewall.node
}
removed {
  from = aws_vpc_security_group_ingress_rule.node_self
  lifecycle { destroy = false }
}
removed {
  from = aws_vpc_security_group_egress_rule.node_self
  lifecycle { destroy = false }
}
removed {
  from = aws_security_group_rule.node_ssh
  lifecycle { destroy = false }
}

# terraform-aws-modules/security-group: the group out of the module, the
# rest of the module forgotten.
moved {
  from = module.sg.aws_security_group.this[0]
  to   = cumulocity_firewall.agents
}
removed {
  from = module.sg
  lifecycle { destroy = false }
}
"#;

/// Actions that change something in AWS.
fn modifying(counts: &HashMap<String, usize>) -> Vec<String> {
    let mut changed: Vec<String> = counts
        .keys()
        .filter(|a| {
            ["Authorize", "Revoke", "Create", "Delete", "Modify", "Update", "Replace"]
                .iter()
                .any(|verb| a.starts_with(verb))
        })
        .cloned()
        .collect();
    changed.sort();
    changed
}

fn sorted(counts: &HashMap<String, usize>) -> BTreeMap<&str, usize> {
    counts.iter().map(|(k, v)| (k.as_str(), *v)).collect()
}

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn three_groups_move_from_hashicorp_aws_without_touching_a_rule() {
    require_acceptance!();
    require_terraform!(1, 8);
    let emu = emulator();
    let region = emu.unique_region();
    let vpc = emu.create_vpc(region, "10.0.0.0/16");
    let edge = hand_made_group(region, &vpc, "c8y-edge", EDGE);
    let node = hand_made_group(region, &vpc, "c8y-node", NODE);
    let agents = hand_made_group(region, &vpc, "c8y-agents", AGENTS);
    let held: Vec<usize> = [&edge, &node, &agents]
        .iter()
        .map(|id| emu.describe_rules(region, id).len())
        .collect();

    // The exact configuration of each group: import blocks and
    // -generate-config-out, in a workspace of its own.
    let imports: String = [("edge", &edge), ("node", &node), ("agents", &agents)]
        .iter()
        .map(|(name, id)| format!("import {{\n  to = cumulocity_firewall.{name}\n  id = \"{id}\"\n}}\n"))
        .collect();
    let generator = Workspace::new(&format!("{}{imports}", emu.hcl_prelude(region)));
    let generate = generator.run(&["plan", "-input=false", "-generate-config-out=firewalls.tf"]);
    assert!(generate.success(), "{generate}");
    let firewalls = generator.read("firewalls.tf");
    assert!(
        firewalls.contains(r#""external""#) && firewalls.contains(r#""internal""#),
        "{firewalls}"
    );

    // The migration workspace: hashicorp/aws's state, the generated blocks,
    // the moved and removed blocks.
    let ws = Workspace::new(&format!(
        "{}{MIGRATION_BLOCKS}",
        emu.hcl_prelude(region).replace(
            "required_providers {\n",
            "required_providers {\n    aws = { source = \"hashicorp/aws\" }\n"
        )
    ));
    ws.set_dev_overrides(&[("hashicorp/aws", &stand_in_dir())]);
    ws.write("firewalls.tf", &firewalls);
    ws.write(
        "terraform.tfstate",
        &state_file(vec![
            resource(
                None,
                "aws_security_group",
                "edge",
                vec![group_instance(region, &edge, "c8y-edge", &vpc, None)],
            ),
            resource(
                None,
                "aws_security_group",
                "node",
                vec![group_instance(region, &node, "c8y-node", &vpc, None)],
            ),
            resource(
                None,
                "aws_vpc_security_group_ingress_rule",
                "node_self",
                vec![vpc_rule_self(region, &node, false)],
            ),
            resource(
                None,
                "aws_vpc_security_group_egress_rule",
                "node_self",
                vec![vpc_rule_self(region, &node, true)],
            ),
            resource(
                None,
                "aws_security_group_rule",
                "node_ssh",
                vec![sg_rule(region, &node, false, 22, "10.0.100.0/24", "", None)],
            ),
            resource(
                Some("module.sg"),
                "aws_security_group",
                "this",
                vec![group_instance(region, &agents, "c8y-agents", &vpc, Some(0))],
            ),
            resource(
                Some("module.sg"),
                "aws_security_group_rule",
                "ingress_with_cidr_blocks",
                vec![sg_rule(
                    region,
                    &agents,
                    false,
                    6670,
                    "10.0.0.0/8",
                    "opcua agent",
                    Some(0),
                )],
            ),
            resource(
                Some("module.sg"),
                "aws_security_group_rule",
                "egress_with_cidr_blocks",
                vec![sg_rule(region, &agents, true, 80, "0.0.0.0/0", "opcua agent", Some(0))],
            ),
        ]),
    );

    // The plan: three moves, five rule resources forgotten, no rule change.
    let since = emu.start_recording_in(region);
    let plan = ws.plan();
    let plan_calls = emu.action_counts_in_since(region, since);
    eprintln!("migrate: API calls of the moved plan: {:?}", sorted(&plan_calls));
    assert_eq!(plan.status, 2, "{plan}");
    for (from, to) in [
        ("aws_security_group.edge", "cumulocity_firewall.edge"),
        ("aws_security_group.node", "cumulocity_firewall.node"),
        ("module.sg.aws_security_group.this[0]", "cumulocity_firewall.agents"),
    ] {
        assert!(
            plan.stdout.contains(&format!("# {from} has moved to {to}")),
            "{from}:\n{plan}"
        );
    }
    // Terraform 1.15 counts forgotten objects in a warning, not in the
    // summary line.
    assert!(
        plan.stdout.contains("Plan: 0 to add, 0 to change, 0 to destroy."),
        "no firewall changes:\n{plan}"
    );
    assert_eq!(
        plan.stdout
            .matches("will no longer be managed by Terraform, but will not be destroyed")
            .count(),
        5,
        "the five rule resources forgotten:\n{plan}"
    );
    assert!(!plan.stdout.contains("~ rules"), "no rule change:\n{plan}");
    let warnings: Vec<String> = plan.warnings().into_iter().map(|w| w.summary).collect();
    assert_eq!(
        warnings,
        ["Some objects will no longer be managed by Terraform"],
        "{plan}"
    );
    assert_eq!(modifying(&plan_calls), Vec::<String>::new(), "a plan changes nothing");

    let since = emu.start_recording_in(region);
    let apply = ws.apply_ok();
    let apply_calls = emu.action_counts_in_since(region, since);
    eprintln!("migrate: API calls of the moved apply: {:?}", sorted(&apply_calls));
    assert!(apply.stdout.contains("0 added, 0 changed, 0 destroyed"), "{apply}");
    assert_eq!(
        modifying(&apply_calls),
        Vec::<String>::new(),
        "the move changes nothing in AWS"
    );
    let after: Vec<usize> = [&edge, &node, &agents]
        .iter()
        .map(|id| emu.describe_rules(region, id).len())
        .collect();
    assert_eq!(after, held, "no rule added or revoked");

    // The state names cumulocity_firewall only; every rule has its sgr- id.
    let state = ws.read("terraform.tfstate");
    assert!(!state.contains("hashicorp/aws"), "{state}");
    let shown = ws.show_json();
    let resources = shown["values"]["root_module"]["resources"].as_array().unwrap().clone();
    assert_eq!(resources.len(), 3, "{shown}");
    for r in &resources {
        assert_eq!(r["type"], "cumulocity_firewall", "{r}");
        let rules = r["values"]["rules"].as_array().unwrap();
        assert!(
            rules
                .iter()
                .all(|rule| rule["id"].as_str().unwrap_or("").starts_with("sgr-")),
            "{r}"
        );
    }
    assert!(
        shown["values"]["root_module"]["child_modules"].is_null(),
        "module.sg is gone: {shown}"
    );
    ws.plan_no_changes();

    // Done: the blocks and hashicorp/aws can go.
    ws.write("main.tf", &emu.hcl_prelude(region));
    ws.set_dev_overrides(&[]);
    ws.plan_no_changes();

    // Drift made afterwards is repaired as for any firewall.
    let ec2 = emu.ec2(region);
    emu.block_on(
        ec2.revoke_security_group_ingress()
            .group_id(&edge)
            .ip_permissions(
                IpPermission::builder()
                    .ip_protocol("tcp")
                    .from_port(443)
                    .to_port(443)
                    .ip_ranges(IpRange::builder().cidr_ip("0.0.0.0/0").build())
                    .build(),
            )
            .send(),
    )
    .unwrap();
    let drift = ws.plan();
    assert_eq!(drift.status, 2, "{drift}");
    assert!(drift.stdout.contains("1 to change"), "{drift}");
    ws.apply_ok();
    assert_eq!(emu.describe_rules(region, &edge).len(), held[0], "the rule is back");
    ws.plan_no_changes();

    // The way back starts with a removed block: the firewall is forgotten,
    // the group stays as it is (an import block for aws_security_group,
    // hashicorp/aws's own, is the other half).
    let firewalls = ws.read("firewalls.tf");
    let start = firewalls
        .find("resource \"cumulocity_firewall\" \"edge\" {")
        .expect("the edge firewall's block");
    let end = start + firewalls[start..].find("\n}\n").expect("the end of the block") + 3;
    ws.write("firewalls.tf", &format!("{}{}", &firewalls[..start], &firewalls[end..]));
    ws.write(
        "main.tf",
        &format!(
            "{}removed {{\n  from = cumulocity_firewall.edge\n  lifecycle {{\n    destroy = false\n  }}\n}}\n",
            emu.hcl_prelude(region)
        ),
    );
    let since = emu.start_recording_in(region);
    let forget = ws.apply_ok();
    assert!(forget.stdout.contains("0 added, 0 changed, 0 destroyed"), "{forget}");
    assert_eq!(
        modifying(&emu.action_counts_in_since(region, since)),
        Vec::<String>::new(),
        "forgetting changes nothing in AWS"
    );
    assert_eq!(
        emu.describe_rules(region, &edge).len(),
        held[0],
        "the group keeps its rules"
    );
    let list = ws.run(&["state", "list"]);
    assert!(
        !list.stdout.contains("cumulocity_firewall.edge") && list.stdout.contains("cumulocity_firewall.node"),
        "{list}"
    );
}

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn a_rule_resource_cannot_be_moved_into_a_firewall() {
    require_acceptance!();
    require_terraform!(1, 8);
    let emu = emulator();
    let region = emu.unique_region();
    let vpc = emu.create_vpc(region, "10.0.0.0/16");
    let group = hand_made_group(region, &vpc, "c8y-rule-only", NODE);
    let ws = Workspace::new(&format!(
        "{}moved {{\n  from = aws_security_group_rule.ssh\n  to   = cumulocity_firewall.ssh\n}}\n\
         resource \"cumulocity_firewall\" \"ssh\" {{\n  rule_sets       = [\"ssh\"]\n  \
         ssh_cidr_blocks = [\"10.0.100.0/24\"]\n}}\n",
        emu.hcl_prelude(region)
    ));
    ws.set_dev_overrides(&[("hashicorp/aws", &stand_in_dir())]);
    ws.write(
        "terraform.tfstate",
        &state_file(vec![resource(
            None,
            "aws_security_group_rule",
            "ssh",
            vec![sg_rule(region, &group, false, 22, "10.0.100.0/24", "", None)],
        )]),
    );
    let plan = ws.plan();
    assert_eq!(plan.status, 1, "{plan}");
    let error = plan.assert_one_error(
        "Cannot move `aws_security_group_rule` (registry.terraform.io/hashicorp/aws) to `cumulocity_firewall`",
        "",
    );
    assert!(
        error.detail.contains("`removed`") && error.detail.contains("`import`"),
        "{plan}"
    );
}

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn a_move_applied_without_a_refresh_adds_no_rule() {
    require_acceptance!();
    require_terraform!(1, 8);
    let emu = emulator();
    let region = emu.unique_region();
    let vpc = emu.create_vpc(region, "10.0.0.0/16");
    let edge = hand_made_group(region, &vpc, "c8y-edge-no-refresh", EDGE);
    let held = emu.describe_rules(region, &edge).len();
    let ws = Workspace::new(&format!(
        "{}moved {{\n  from = aws_security_group.edge\n  to   = cumulocity_firewall.edge\n}}\n\
         resource \"cumulocity_firewall\" \"edge\" {{\n  name                     = \"c8y-edge-no-refresh\"\n  \
         description              = \"made by hand\"\n  rule_sets                = [\"external\", \"outbound\", \"dns\"]\n  \
         ingress_ipv6_cidr_blocks = [\"::/0\"]\n}}\n",
        emu.hcl_prelude(region)
    ));
    ws.set_dev_overrides(&[("hashicorp/aws", &stand_in_dir())]);
    ws.write(
        "terraform.tfstate",
        &state_file(vec![resource(
            None,
            "aws_security_group",
            "edge",
            vec![group_instance(region, &edge, "c8y-edge-no-refresh", &vpc, None)],
        )]),
    );
    // Without a refresh the rules' ids are not known before the apply,
    // which reads them instead of adding the rules again.
    let since = emu.start_recording_in(region);
    let apply = ws.run(&["apply", "-input=false", "-auto-approve", "-refresh=false"]);
    assert!(apply.success(), "{apply}");
    assert!(apply.stdout.contains("0 added, 1 changed, 0 destroyed"), "{apply}");
    assert_eq!(
        modifying(&emu.action_counts_in_since(region, since)),
        Vec::<String>::new(),
        "no rule added"
    );
    assert_eq!(emu.describe_rules(region, &edge).len(), held);
    let shown = ws.show_json();
    let rules = shown["values"]["root_module"]["resources"][0]["values"]["rules"].clone();
    assert_eq!(rules.as_array().map(Vec::len), Some(held), "{shown}");
    assert!(
        rules
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["id"].as_str().unwrap_or("").starts_with("sgr-")),
        "{shown}"
    );
    ws.plan_no_changes();
}

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn a_configuration_that_differs_from_the_group_shows_the_rules_it_changes() {
    require_acceptance!();
    require_terraform!(1, 8);
    let emu = emulator();
    let region = emu.unique_region();
    let vpc = emu.create_vpc(region, "10.0.0.0/16");
    let edge = hand_made_group(region, &vpc, "c8y-edge-differs", EDGE);
    // The group holds `dns` too; this configuration leaves it out.
    let ws = Workspace::new(&format!(
        "{}moved {{\n  from = aws_security_group.edge\n  to   = cumulocity_firewall.edge\n}}\n\
         resource \"cumulocity_firewall\" \"edge\" {{\n  rule_sets                = [\"external\", \"outbound\"]\n  \
         ingress_ipv6_cidr_blocks = [\"::/0\"]\n}}\n",
        emu.hcl_prelude(region)
    ));
    ws.set_dev_overrides(&[("hashicorp/aws", &stand_in_dir())]);
    ws.write(
        "terraform.tfstate",
        &state_file(vec![resource(
            None,
            "aws_security_group",
            "edge",
            vec![group_instance(region, &edge, "c8y-edge-differs", &vpc, None)],
        )]),
    );
    let plan = ws.plan();
    assert_eq!(plan.status, 2, "{plan}");
    // A move with a change is shown as the change, "(moved from ...)".
    assert!(
        plan.stdout
            .contains("# cumulocity_firewall.edge will be updated in-place\n  # (moved from aws_security_group.edge)"),
        "{plan}"
    );
    assert!(
        plan.stdout.contains("Plan: 0 to add, 1 to change, 0 to destroy."),
        "{plan}"
    );
    // The one rule to revoke, shown as a rule, and nothing else.
    let removed: Vec<&str> = plan
        .stdout
        .lines()
        .filter(|l| l.trim_start().starts_with("- {"))
        .collect();
    assert_eq!(removed.len(), 1, "{plan}");
    let dns = plan.stdout.split("- {").nth(1).unwrap_or("");
    assert!(dns.contains("\"udp\"") && dns.contains("53"), "{plan}");
    assert!(!plan.stdout.contains("+ {"), "no rule added:\n{plan}");
}
