//! Acceptance tests of the configuration the provider writes itself
//! (GenerateResourceConfig, Terraform 1.14+): an `import` block and
//! `terraform plan -generate-config-out` give a `cumulocity_firewall` block
//! with only the arguments that carry meaning, no `= null` line, that
//! `terraform fmt -check` accepts, and that imports with no change. On older
//! Terraform these tests are skipped with the reason (its own generator is
//! covered by `import::`). Gated by TF_ACC=1.

use crate::import::{hand_made_group, HandRule};
use crate::query::writes_in;
use crate::support::emulator::emulator;
use crate::support::Workspace;

/// Imports group `id` (in `region`, the provider's being `provider_region`)
/// with a generated configuration; checks that the configuration is clean
/// and that the import changes nothing, and returns it.
fn generate_and_import(provider_region: &str, region: &str, id: &str) -> String {
    let import_id = if region == provider_region {
        id.to_string()
    } else {
        format!("{id}@{region}")
    };
    let ws = Workspace::new(&format!(
        "{}import {{\n  to = cumulocity_firewall.imported\n  id = \"{import_id}\"\n}}\n",
        emulator().hcl_prelude(provider_region)
    ));
    let before = emulator().describe_rules(region, id);
    let generate = ws.run(&["plan", "-input=false", "-generate-config-out=generated.tf"]);
    assert!(generate.success(), "{generate}");
    let generated = ws.read("generated.tf");
    assert!(!generated.contains("= null"), "no null lines:\n{generated}");
    for computed in [
        "arn",
        "owner_id",
        "tags_all",
        "rules",
        "listener_timeouts",
        "name_prefix",
        " id ",
    ] {
        assert!(
            !generated.contains(&format!("{computed} =")),
            "{computed} is not configuration:\n{generated}"
        );
    }
    let fmt = ws.run(&["fmt", "-check", "-diff", "generated.tf"]);
    assert!(fmt.success(), "terraform fmt would change it:\n{fmt}\n{generated}");
    let plan = ws.plan();
    assert!(
        plan.stdout.contains("1 to import, 0 to add, 0 to change, 0 to destroy"),
        "{plan}\n{generated}"
    );
    assert!(plan.warnings().is_empty(), "{plan}");
    ws.apply_ok();
    ws.plan_no_changes();
    let mut after = emulator().describe_rules(region, id);
    let key = |r: &aws_sdk_ec2::types::SecurityGroupRule| r.security_group_rule_id().unwrap_or("").to_string();
    let mut before = before;
    before.sort_by_key(key);
    after.sort_by_key(key);
    assert_eq!(before, after, "no rule in AWS changed");
    generated
}

const EDGE_BY_HAND: &[HandRule] = &[
    (true, "tcp", 80, 80, "0.0.0.0/0", Some("Allow HTTP from anywhere")),
    (true, "tcp", 443, 443, "0.0.0.0/0", Some("Allow HTTPS from anywhere")),
    (true, "tcp", 1883, 1883, "0.0.0.0/0", None),
    (true, "tcp", 8883, 8883, "0.0.0.0/0", Some("MQTT ${over} TLS")),
    (true, "tcp", 80, 80, "::/0", None),
    (true, "tcp", 443, 443, "::/0", None),
    (true, "tcp", 1883, 1883, "::/0", None),
    (true, "tcp", 8883, 8883, "::/0", None),
    (true, "tcp", 22, 22, "10.0.100.0/24", Some("SSH from the bastion")),
    (true, "tcp", 22, 22, "2001:db8:100::/48", None),
    (true, "tcp", 5432, 5432, "10.0.0.0/8", Some("postgres")),
    (false, "udp", 514, 514, "2001:db8::/32", None),
    (false, "-1", -1, -1, "self", None),
];

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn an_import_block_gets_only_the_arguments_that_carry_meaning() {
    require_acceptance!();
    require_terraform!(1, 14);
    let region = emulator().unique_region();
    let vpc = emulator().create_vpc(region, "10.0.0.0/16");
    let id = hand_made_group(region, &vpc, "c8y-edge-by-hand", EDGE_BY_HAND);
    let generated = generate_and_import(region, region, &id);
    for expected in [
        "name                     = \"c8y-edge-by-hand\"".to_string(),
        format!("vpc_id                   = \"{vpc}\""),
        "description              = \"made by hand\"".to_string(),
        "manage_rule_descriptions = false".to_string(),
        "\"external\"".to_string(),
        "\"ssh\"".to_string(),
        "\"10.0.100.0/24\"".to_string(),
        "\"2001:db8:100::/48\"".to_string(),
        "\"::/0\"".to_string(),
        "extra_rule {".to_string(),
        "\"2001:db8::/32\"".to_string(),
        "self".to_string(),
        "postgres".to_string(),
    ] {
        assert!(generated.contains(&expected), "{expected}:\n{generated}");
    }
    assert!(
        !generated.contains("region"),
        "the provider's Region goes without saying:\n{generated}"
    );
    assert!(
        !generated.contains("tags") && !generated.contains("session_timeout") && !generated.contains("timeouts {"),
        "arguments left at their defaults are left out:\n{generated}"
    );
    assert!(
        !generated.contains("from_port = -1") && !generated.contains("cidr_blocks      = []"),
        "extra_rule blocks hold only what they set:\n{generated}"
    );
}

/// A group with no rules (a placeholder, or one whose rules were all
/// removed) is a valid, empty firewall: the generated configuration is
/// `rule_sets = []` and no `extra_rule`, it plans with no warning, and the
/// import makes no call that writes (issue #21: our own validation refused
/// it with "No rules to create").
#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn an_empty_group_imports_as_an_empty_firewall() {
    require_acceptance!();
    require_terraform!(1, 14);
    let region = emulator().unique_region();
    let vpc = emulator().create_vpc(region, "10.0.0.0/16");
    let id = hand_made_group(region, &vpc, "c8y-placeholder", &[]);
    assert!(
        emulator().describe_rules(region, &id).is_empty(),
        "the group holds no rule"
    );
    let since = emulator().start_recording_in(region);
    let generated = generate_and_import(region, region, &id);
    let counts = emulator().action_counts_in_since(region, since);
    assert_eq!(writes_in(&counts), [], "calls that write while importing: {counts:?}");
    let squeezed = generated.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(squeezed.contains("rule_sets = []"), "{generated}");
    assert!(!generated.contains("extra_rule"), "{generated}");
    assert!(
        emulator().describe_rules(region, &id).is_empty(),
        "the group still holds no rule"
    );
}

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn a_description_with_template_characters_is_escaped_by_terraform() {
    require_acceptance!();
    require_terraform!(1, 14);
    let region = emulator().unique_region();
    let vpc = emulator().create_vpc(region, "10.0.0.0/16");
    let id = hand_made_group(
        region,
        &vpc,
        "c8y-template",
        &[(true, "tcp", 5432, 5432, "10.0.0.0/8", Some("DB ${primary} {x}"))],
    );
    let generated = generate_and_import(region, region, &id);
    assert!(
        generated.contains("\"DB $${primary} {x}\""),
        "Terraform escapes template sequences:\n{generated}"
    );
}

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn a_group_in_another_region_gets_its_region_written() {
    require_acceptance!();
    require_terraform!(1, 14);
    let (home, away) = (emulator().unique_region(), emulator().unique_region());
    let vpc = emulator().create_vpc(away, "10.0.0.0/16");
    let id = hand_made_group(away, &vpc, "c8y-away", &[(false, "udp", 123, 123, "0.0.0.0/0", None)]);
    let generated = generate_and_import(home, away, &id);
    assert!(
        generated.contains(&format!("region    = \"{away}\"")) || generated.contains(&format!("= \"{away}\"")),
        "{generated}"
    );
}

/// Every optional argument is also computed (so that Terraform leaves null
/// ones out of generated configuration); Terraform then proposes the prior
/// value for an argument the configuration drops. The plan must still drop
/// it, as before. Runs on every Terraform.
#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn arguments_removed_from_the_configuration_are_removed_from_the_state() {
    require_acceptance!();
    let region = emulator().unique_region();
    let prelude = emulator().hcl_prelude(region);
    let node = hand_made_group(region, &emulator().default_vpc(region), "c8y-peer-node", &[]);
    let full = format!(
        "{prelude}resource \"cumulocity_firewall\" \"x\" {{\n  name = \"c8y-full\"\n  rule_sets = [\"internal\", \"ssh\"]\n  \
         ssh_cidr_blocks = [\"10.0.100.0/24\"]\n  node_security_group_ids = [\"{node}\"]\n  tags = {{ team = \"iot\" }}\n  \
         revoke_rules_on_delete = true\n  manage_rule_descriptions = false\n  session_timeout_seconds = 6000\n  \
         session_timeout_policy = \"strict\"\n  extra_rule {{\n    direction = \"ingress\"\n    protocol = \"tcp\"\n    \
         from_port = 5432\n    to_port = 5432\n    cidr_blocks = [\"10.0.0.0/8\"]\n    description = \"postgres\"\n  }}\n}}\n"
    );
    let ws = Workspace::new(&full);
    ws.apply_ok();
    ws.plan_no_changes();
    ws.write(
        "main.tf",
        &format!(
            "{prelude}resource \"cumulocity_firewall\" \"x\" {{\n  name = \"c8y-full\"\n  rule_sets = [\"internal\"]\n  \
             extra_rule {{\n    direction = \"ingress\"\n    protocol = \"tcp\"\n    from_port = 5432\n    to_port = 5432\n    \
             ipv6_cidr_blocks = [\"2001:db8::/32\"]\n  }}\n}}\n"
        ),
    );
    let plan = ws.plan();
    assert!(plan.has_changes(), "{plan}");
    for dropped in [
        "ssh_cidr_blocks",
        "node_security_group_ids",
        "tags",
        "revoke_rules_on_delete",
        "manage_rule_descriptions",
        "session_timeout_seconds",
        "session_timeout_policy",
        "cidr_blocks",
        "description",
    ] {
        assert!(
            plan.stdout
                .lines()
                .any(|l| l.trim_start().starts_with(&format!("- {dropped} "))
                    || (l.contains(&format!(" {dropped} ")) && l.contains("-> null"))),
            "{dropped} goes from the state:\n{plan}"
        );
    }
    assert!(plan.stdout.contains("0 to add, 1 to change, 0 to destroy"), "{plan}");
    ws.apply_ok();
    ws.plan_no_changes();
    let state = ws.show_json();
    let values = &state["values"]["root_module"]["resources"][0]["values"];
    for null in [
        "ssh_cidr_blocks",
        "node_security_group_ids",
        "tags",
        "revoke_rules_on_delete",
        "manage_rule_descriptions",
        "session_timeout_seconds",
        "session_timeout_policy",
    ] {
        assert!(values[null].is_null(), "{null}: {values:#}");
    }
    let extra = &values["extra_rule"][0];
    assert!(
        extra["cidr_blocks"].is_null() && extra["description"].is_null(),
        "{extra:#}"
    );
    assert_eq!(extra["ipv6_cidr_blocks"], serde_json::json!(["2001:db8::/32"]));
    ws.destroy_ok();
}
