//! Acceptance tests of importing hand-made security groups: each group is
//! built rule by rule in the AWS emulator, then an `import {}` block and
//! `terraform plan -generate-config-out` write its configuration, the plan
//! imports it with no change, and the plan after apply is empty. Gated by
//! TF_ACC=1.

use crate::support::emulator::emulator;
use crate::support::Workspace;
use aws_sdk_ec2::types::{IpPermission, IpRange, Ipv6Range, UserIdGroupPair};

/// A rule to authorize by hand: (ingress?, protocol, from, to, peer, description).
pub(crate) type HandRule<'a> = (bool, &'a str, i32, i32, &'a str, Option<&'a str>);

fn permission(rule: &HandRule, own: &str) -> IpPermission {
    let (_, protocol, from, to, peer, description) = *rule;
    let mut p = IpPermission::builder().ip_protocol(protocol);
    if protocol != "-1" {
        p = p.from_port(from).to_port(to);
    }
    let description = description.map(str::to_string);
    p = if peer == "self" {
        p.user_id_group_pairs(
            UserIdGroupPair::builder()
                .group_id(own)
                .set_description(description)
                .build(),
        )
    } else if peer.starts_with("sg-") {
        p.user_id_group_pairs(
            UserIdGroupPair::builder()
                .group_id(peer)
                .set_description(description)
                .build(),
        )
    } else if peer.contains(':') {
        p.ipv6_ranges(
            Ipv6Range::builder()
                .cidr_ipv6(peer)
                .set_description(description)
                .build(),
        )
    } else {
        p.ip_ranges(IpRange::builder().cidr_ip(peer).set_description(description).build())
    };
    p.build()
}

/// Creates a group by hand, as someone following the firewall document in
/// the console would: the default egress rule revoked, then rule by rule.
pub(crate) fn hand_made_group(region: &str, vpc: &str, name: &str, rules: &[HandRule]) -> String {
    let ec2 = emulator().ec2(region);
    let emu = emulator();
    let id = emu
        .block_on(
            ec2.create_security_group()
                .group_name(name)
                .description("made by hand")
                .vpc_id(vpc)
                .send(),
        )
        .unwrap()
        .group_id()
        .unwrap()
        .to_string();
    let default_egress = IpPermission::builder()
        .ip_protocol("-1")
        .ip_ranges(IpRange::builder().cidr_ip("0.0.0.0/0").build())
        .build();
    emu.block_on(
        ec2.revoke_security_group_egress()
            .group_id(&id)
            .ip_permissions(default_egress)
            .send(),
    )
    .unwrap();
    for rule in rules {
        let result = if rule.0 {
            emu.block_on(
                ec2.authorize_security_group_ingress()
                    .group_id(&id)
                    .ip_permissions(permission(rule, &id))
                    .send(),
            )
            .map(|_| ())
            .map_err(|e| format!("{e:?}"))
        } else {
            emu.block_on(
                ec2.authorize_security_group_egress()
                    .group_id(&id)
                    .ip_permissions(permission(rule, &id))
                    .send(),
            )
            .map(|_| ())
            .map_err(|e| format!("{e:?}"))
        };
        result.unwrap_or_else(|e| panic!("authorize {rule:?}: {e}"));
    }
    id
}

/// The round trip: generate the configuration, plan the import with no
/// change, apply it, plan again with no change. Returns the generated HCL.
fn round_trip(region: &str, id: &str) -> String {
    let ws = Workspace::new(&format!(
        "{}import {{\n  to = cumulocity_firewall.imported\n  id = \"{id}\"\n}}\n",
        emulator().hcl_prelude(region)
    ));
    let rule_ids = || -> std::collections::BTreeSet<String> {
        emulator()
            .describe_rules(region, id)
            .iter()
            .filter_map(|r| r.security_group_rule_id().map(str::to_string))
            .collect()
    };
    let before = rule_ids();
    let generate = ws.run(&["plan", "-input=false", "-generate-config-out=generated.tf"]);
    assert!(generate.success(), "generating the configuration failed:\n{generate}");
    let generated = ws.read("generated.tf");
    assert!(
        generated.contains("resource \"cumulocity_firewall\" \"imported\""),
        "{generated}"
    );

    let plan = ws.plan();
    assert!(plan.success(), "{plan}");
    assert!(
        plan.stdout.contains("1 to import, 0 to add, 0 to change, 0 to destroy"),
        "the import must change nothing:\n{plan}\n{generated}"
    );
    assert!(
        plan.warnings().is_empty(),
        "the generated configuration draws no warnings:\n{plan}"
    );
    ws.apply_ok();
    ws.plan_no_changes();
    assert_eq!(
        rule_ids(),
        before,
        "every rule kept under its id: none added, revoked or replaced"
    );
    generated
}

pub(crate) const DOCUMENTED_BY_HAND: &[HandRule] = &[
    (true, "tcp", 80, 80, "0.0.0.0/0", Some("Allow HTTP from anywhere")),
    (true, "tcp", 443, 443, "0.0.0.0/0", Some("Allow HTTPS from anywhere")),
    (true, "tcp", 1883, 1883, "0.0.0.0/0", None),
    (true, "tcp", 8883, 8883, "0.0.0.0/0", Some("MQTT over TLS")),
    (false, "tcp", 80, 80, "0.0.0.0/0", None),
    (false, "tcp", 443, 443, "0.0.0.0/0", None),
    (false, "tcp", 25, 25, "0.0.0.0/0", Some("mail")),
    (true, "tcp", 22, 22, "10.0.100.0/24", Some("SSH from the bastion")),
];

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn a_group_built_to_the_document_by_hand_is_recognised() {
    require_acceptance!();
    let region = emulator().unique_region();
    let vpc = emulator().create_vpc(region, "10.0.0.0/16");
    let id = hand_made_group(region, &vpc, "c8y-by-hand", DOCUMENTED_BY_HAND);
    let generated = round_trip(region, &id);
    assert!(
        generated.contains(r#"rule_sets"#) && generated.contains(r#""external""#),
        "{generated}"
    );
    assert!(
        generated.contains(r#""outbound""#) && generated.contains(r#""ssh""#),
        "{generated}"
    );
    assert!(generated.contains("10.0.100.0/24"), "{generated}");
    assert!(
        generated.contains("manage_rule_descriptions") && generated.contains("false"),
        "{generated}"
    );
    assert!(
        !generated.contains("extra_rule {"),
        "every rule belongs to a rule set:\n{generated}"
    );
}

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn part_of_a_rule_set_stays_extra_rules() {
    require_acceptance!();
    let region = emulator().unique_region();
    let vpc = emulator().create_vpc(region, "10.0.0.0/16");
    // external without MQTT/TLS.
    let id = hand_made_group(region, &vpc, "c8y-partial", &DOCUMENTED_BY_HAND[..3]);
    let generated = round_trip(region, &id);
    assert!(
        !generated.contains(r#""external""#),
        "external is not all there:\n{generated}"
    );
    assert!(generated.matches("extra_rule {").count() >= 3, "{generated}");
}

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn unrelated_rules_become_extra_rules() {
    require_acceptance!();
    let region = emulator().unique_region();
    let vpc = emulator().create_vpc(region, "10.0.0.0/16");
    let id = hand_made_group(
        region,
        &vpc,
        "c8y-unrelated",
        &[
            (true, "tcp", 5432, 5432, "10.0.0.0/8", Some("postgres")),
            (true, "udp", 514, 514, "10.1.0.0/16", None),
            (false, "tcp", 0, 65535, "10.0.0.0/8", Some("anything inside")),
        ],
    );
    let generated = round_trip(region, &id);
    assert!(
        generated.contains("5432") && generated.contains("postgres"),
        "{generated}"
    );
}

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn ipv6_rules_are_recognised() {
    require_acceptance!();
    let region = emulator().unique_region();
    let vpc = emulator().create_vpc(region, "10.0.0.0/16");
    let mut rules: Vec<HandRule> = Vec::new();
    for port in [80, 443, 1883, 8883] {
        rules.push((true, "tcp", port, port, "0.0.0.0/0", None));
        rules.push((true, "tcp", port, port, "::/0", None));
    }
    rules.push((false, "udp", 53, 53, "2001:db8::/32", Some("DNS")));
    let id = hand_made_group(region, &vpc, "c8y-ipv6", &rules);
    let generated = round_trip(region, &id);
    assert!(
        generated.contains(r#""external""#) && generated.contains("::/0"),
        "{generated}"
    );
    assert!(generated.contains("2001:db8::/32"), "{generated}");
}

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn groups_referencing_other_groups_are_recognised() {
    require_acceptance!();
    let region = emulator().unique_region();
    let vpc = emulator().create_vpc(region, "10.0.0.0/16");
    let peer = hand_made_group(region, &vpc, "c8y-peer", &[]);
    let one_way = hand_made_group(region, &vpc, "c8y-one-way", &[]);
    let id = hand_made_group(
        region,
        &vpc,
        "c8y-node",
        &[
            (true, "-1", -1, -1, "self", None),
            (false, "-1", -1, -1, "self", None),
            (true, "-1", -1, -1, &peer, None),
            (false, "-1", -1, -1, &peer, None),
            (true, "tcp", 6670, 6670, &one_way, None),
        ],
    );
    let generated = round_trip(region, &id);
    assert!(
        generated.contains(r#""internal""#) && generated.contains(&peer),
        "{generated}"
    );
    assert!(
        generated.contains("extra_rule {") && generated.contains(&one_way),
        "{generated}"
    );
}

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn bad_import_ids_and_a_vpc_mismatch_are_clear_errors_with_nothing_in_state() {
    require_acceptance!();
    let region = emulator().unique_region();
    let vpc = emulator().create_vpc(region, "10.0.0.0/16");
    let other_vpc = emulator().create_vpc(region, "10.1.0.0/16");
    let resource = format!(
        "resource \"cumulocity_firewall\" \"x\" {{\n  name = \"c8y-x\"\n  vpc_id = \"{other_vpc}\"\n  rule_sets = [\"dns\"]\n}}\n"
    );
    for (id, summary) in [
        (
            "sg-0123456789abcdef0",
            "Cannot import a security group that does not exist",
        ),
        ("banana", "Invalid import id"),
    ] {
        let ws = Workspace::new(&format!("{}{resource}", emulator().hcl_prelude(region)));
        let import = ws.run(&["import", "-input=false", "cumulocity_firewall.x", id]);
        assert!(!import.success(), "{import}");
        assert!(import.errors().iter().any(|e| e.summary == summary), "{import}");
        let state = ws.run(&["state", "list"]);
        assert!(
            !state.stdout.contains("cumulocity_firewall.x"),
            "nothing in state: {state}"
        );
    }

    let id = hand_made_group(
        region,
        &vpc,
        "c8y-dns",
        &[(false, "udp", 53, 53, "0.0.0.0/0", Some("DNS"))],
    );
    let ws = Workspace::new(&format!(
        "{}{resource}import {{\n  to = cumulocity_firewall.x\n  id = \"{id}\"\n}}\n",
        emulator().hcl_prelude(region)
    ));
    let plan = ws.plan();
    assert_eq!(plan.status, 1, "{plan}");
    let errors = plan.errors();
    assert_eq!(errors.len(), 1, "{plan}");
    assert_eq!(errors[0].summary, "The imported group is in another VPC", "{plan}");
    assert!(
        errors[0].detail.contains(&vpc) && errors[0].detail.contains(&other_vpc),
        "{plan}"
    );
    let state = ws.run(&["state", "list"]);
    assert!(
        !state.stdout.contains("cumulocity_firewall.x"),
        "nothing in state: {state}"
    );
}
