//! Acceptance tests of the Terraform 1.12+ / 1.14+ surfaces of
//! `cumulocity_firewall`: its resource identity, import by identity, and
//! the list resource behind `terraform query`. Hand-made groups are built
//! in the AWS emulator; `terraform query -generate-config-out` finds them
//! and writes their configuration; the apply imports them without one rule
//! change (the emulator's recorder sees no call that writes), and the next
//! plan is empty. Bad input in a `list` block or an identity is reported
//! before any AWS call.
//!
//! Gated by TF_ACC=1 and by the Terraform under test: identity needs 1.12,
//! `terraform query` 1.14 (`require_terraform!`), so on the machine's 1.11
//! these tests skip, saying why, and run in the suite's 1.15.5 pass
//! (`make test`, or `TF_ACC_TERRAFORM_VERSION=1.15.5 cargo test --test
//! acceptance query::`).

use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

use aws_sdk_ec2::types::Tag;
use serde_json::Value;

use crate::import::{hand_made_group, HandRule, DOCUMENTED_BY_HAND};
use crate::support::emulator::{emulator, ACCOUNT_ID};
use crate::support::{TfOutput, Workspace};

/// The calls that change a group or its rules: none may happen while
/// groups are found, generated and imported.
pub(crate) const WRITES: &[&str] = &[
    "CreateSecurityGroup",
    "DeleteSecurityGroup",
    "AuthorizeSecurityGroupIngress",
    "AuthorizeSecurityGroupEgress",
    "RevokeSecurityGroupIngress",
    "RevokeSecurityGroupEgress",
    "ModifySecurityGroupRules",
    "UpdateSecurityGroupRuleDescriptionsIngress",
    "UpdateSecurityGroupRuleDescriptionsEgress",
    "CreateTags",
    "DeleteTags",
];

/// The shapes of hand-made groups a VPC gets: (name, rules). `peer` is the
/// id of the VPC's `c8y-internal` group, for rules that reference it.
fn shapes(peer: &str) -> Vec<(&'static str, Vec<HandRule<'_>>)> {
    let mut external_v6: Vec<HandRule> = Vec::new();
    for port in [80, 443, 1883, 8883] {
        external_v6.push((true, "tcp", port, port, "0.0.0.0/0", None));
        external_v6.push((true, "tcp", port, port, "::/0", None));
    }
    let mut with_default_egress: Vec<HandRule> = [80, 443, 1883, 8883]
        .into_iter()
        .map(|port| (true, "tcp", port, port, "0.0.0.0/0", Some("Cumulocity external")))
        .collect();
    with_default_egress.push((false, "-1", -1, -1, "0.0.0.0/0", None));
    vec![
        ("c8y-by-hand", DOCUMENTED_BY_HAND.to_vec()),
        ("c8y-external-v6", external_v6),
        (
            "c8y-dns-ntp",
            vec![
                (false, "udp", 53, 53, "10.0.0.2/32", Some("resolver")),
                (false, "udp", 123, 123, "10.0.0.2/32", None),
            ],
        ),
        (
            "c8y-opcua",
            vec![
                (true, "tcp", 6670, 6670, "10.20.0.0/16", None),
                (false, "tcp", 80, 80, "10.20.0.0/16", None),
            ],
        ),
        (
            "c8y-apama",
            vec![
                (true, "tcp", 8334, 8334, "10.30.0.0/16", Some("Apama")),
                (false, "tcp", 80, 80, "10.30.0.0/16", Some("HTTP")),
            ],
        ),
        (
            "c8y-unrelated",
            vec![
                (true, "tcp", 5432, 5432, "10.0.0.0/8", Some("postgres")),
                (true, "udp", 514, 514, "10.1.0.0/16", None),
                (false, "tcp", 0, 65535, "10.0.0.0/8", Some("anything inside")),
            ],
        ),
        ("c8y-partial", DOCUMENTED_BY_HAND[..3].to_vec()),
        (
            "c8y-icmp",
            vec![
                (true, "icmp", 8, -1, "10.0.0.0/8", Some("ping")),
                (true, "tcp", 22, 22, "10.0.100.0/24", None),
            ],
        ),
        ("c8y-default-egress", with_default_egress),
        (
            "c8y-tagged",
            vec![
                (false, "tcp", 80, 80, "0.0.0.0/0", None),
                (false, "tcp", 443, 443, "0.0.0.0/0", None),
                (false, "tcp", 25, 25, "0.0.0.0/0", None),
            ],
        ),
        (
            "c8y-node",
            vec![
                (true, "-1", -1, -1, "self", None),
                (false, "-1", -1, -1, "self", None),
                (true, "-1", -1, -1, peer, None),
                (false, "-1", -1, -1, peer, None),
            ],
        ),
        (
            "c8y-ssh-both",
            vec![
                (true, "tcp", 22, 22, "10.0.100.0/24", Some("bastion")),
                (true, "tcp", 22, 22, "2001:db8::/64", Some("bastion v6")),
            ],
        ),
        (
            "c8y-outbound-inside",
            vec![
                (false, "tcp", 80, 80, "10.0.0.0/16", None),
                (false, "tcp", 443, 443, "10.0.0.0/16", None),
                (false, "tcp", 25, 25, "10.0.0.0/16", None),
                (false, "udp", 53, 53, "10.0.0.0/16", None),
            ],
        ),
        ("c8y-one-way", vec![(true, "tcp", 6670, 6670, peer, Some("agents"))]),
    ]
}

/// One VPC's hand-made groups: `c8y-internal` first (the others' peer),
/// then every shape; returns the ids.
fn build_vpc(region: &str, vpc: &str) -> Vec<String> {
    let internal = hand_made_group(
        region,
        vpc,
        "c8y-internal",
        &[(true, "-1", -1, -1, "self", None), (false, "-1", -1, -1, "self", None)],
    );
    let mut ids = vec![internal.clone()];
    for (name, rules) in shapes(&internal) {
        let id = hand_made_group(region, vpc, name, &rules);
        if name == "c8y-tagged" {
            let ec2 = emulator().ec2(region);
            emulator()
                .block_on(
                    ec2.create_tags()
                        .resources(&id)
                        .tags(Tag::builder().key("Team").value("iot").build())
                        .send(),
                )
                .unwrap();
        }
        ids.push(id);
    }
    ids
}

/// Every rule of every group: (group id, rule id).
fn rule_ids(region: &str, groups: &[String]) -> BTreeSet<(String, String)> {
    groups
        .iter()
        .flat_map(|g| {
            emulator()
                .describe_rules(region, g)
                .into_iter()
                .map(|r| (g.clone(), r.security_group_rule_id().unwrap_or_default().to_string()))
        })
        .collect()
}

pub(crate) fn writes_in(counts: &std::collections::HashMap<String, usize>) -> Vec<(String, usize)> {
    let mut writes: Vec<(String, usize)> = counts
        .iter()
        .filter(|(action, _)| WRITES.contains(&action.as_str()))
        .map(|(a, n)| (a.clone(), *n))
        .collect();
    writes.sort();
    writes
}

/// `list "cumulocity_firewall" "<name>"` with `body` inside `config`.
fn list_block(name: &str, body: &str, extra: &str) -> String {
    format!("list \"cumulocity_firewall\" \"{name}\" {{\n  provider = cumulocity\n{extra}  config {{\n{body}  }}\n}}\n")
}

/// The identities of the state's firewalls, by resource name.
fn identities(ws: &Workspace) -> BTreeMap<String, Value> {
    let state: Value = serde_json::from_str(&ws.read("terraform.tfstate")).expect("the state is JSON");
    state["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .filter(|r| r["type"] == "cumulocity_firewall")
        .map(|r| {
            (
                r["name"].as_str().unwrap().to_string(),
                r["instances"][0]["identity"].clone(),
            )
        })
        .collect()
}

fn query_ok(ws: &Workspace, args: &[&str]) -> TfOutput {
    let out = ws.run(args);
    assert!(out.success(), "terraform {} failed\n{out}", args.join(" "));
    out
}

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn thirty_hand_made_groups_in_two_vpcs_are_found_generated_and_imported_without_a_rule_change() {
    require_acceptance!();
    require_terraform!(1, 14);
    let emu = emulator();
    let region = emu.unique_region();
    let vpc_a = emu.create_vpc(region, "10.0.0.0/16");
    let vpc_b = emu.create_vpc(region, "10.1.0.0/16");
    let mut groups = build_vpc(region, &vpc_a);
    groups.extend(build_vpc(region, &vpc_b));
    assert_eq!(groups.len(), 30);
    let rules_before = rule_ids(region, &groups);

    let ws = Workspace::new(&emu.hcl_prelude(region));
    ws.write(
        "find.tfquery.hcl",
        &format!(
            "{}{}",
            list_block("a", &format!("    vpc_id = \"{vpc_a}\"\n"), ""),
            list_block("b", &format!("    vpc_id = \"{vpc_b}\"\n"), "")
        ),
    );

    // Find: each VPC's 15 groups, not its default group.
    let since = emu.start_recording_in(region);
    let found = query_ok(&ws, &["query"]);
    let listed: Vec<&str> = found
        .stdout
        .lines()
        .filter(|l| l.starts_with("list.cumulocity_firewall."))
        .collect();
    assert_eq!(listed.len(), 30, "{found}");
    for id in &groups {
        let line = listed
            .iter()
            .find(|l| l.contains(id.as_str()))
            .unwrap_or_else(|| panic!("{id} not found:\n{found}"));
        assert!(
            line.contains(&format!("account_id={ACCOUNT_ID}")) && line.contains(&format!("region={region}")),
            "{line}"
        );
    }
    assert!(!found.stdout.contains("default ("), "no default group:\n{found}");
    assert!(
        listed.iter().any(|l| l.contains("c8y-by-hand (") && l.contains(&vpc_a)),
        "display names are `name (id, vpc)`:\n{found}"
    );
    let counts = emu.action_counts_in_since(region, since);
    assert_eq!(
        counts,
        [
            ("DescribeSecurityGroups".to_string(), 2),
            ("DescribeSecurityGroupRules".to_string(), 2)
        ]
        .into(),
        "one page of each kind per list block"
    );

    // Generate.
    let since = emu.recorded_calls_in(region).len();
    let started = Instant::now();
    query_ok(&ws, &["query", "-generate-config-out=generated.tf"]);
    eprintln!(
        "terraform query -generate-config-out, 30 groups: {:.2?}",
        started.elapsed()
    );
    let generated = ws.read("generated.tf");
    assert_eq!(
        generated.matches("resource \"cumulocity_firewall\"").count(),
        30,
        "{generated}"
    );
    assert_eq!(generated.matches("import {").count(), 30, "{generated}");
    assert_eq!(generated.matches("identity = {").count(), 30, "{generated}");
    for expected in [
        "rule_sets = [\"external\", \"outbound\", \"ssh\"]",
        "rule_sets = [\"internal\"]",
        "node_security_group_ids",
        "ssh_cidr_blocks = [\"10.0.100.0/24\", \"2001:db8::/64\"]",
        "Team = \"iot\"",
        "protocol = \"icmp\"",
        "manage_rule_descriptions = false",
    ] {
        // Terraform aligns the `=` of a block to its longest name: compare
        // with runs of spaces squeezed.
        assert!(
            squeezed(&generated).contains(&squeezed(expected)),
            "{expected:?} not in:\n{generated}"
        );
    }
    // The provider writes it (GenerateResourceConfig): no null lines, and
    // `terraform fmt` has nothing to change.
    assert!(!generated.contains("= null"), "{generated}");
    let fmt = ws.run(&["fmt", "-check", "-diff", "generated.tf"]);
    assert!(fmt.success(), "{fmt}");

    // Review and apply: 30 imports, nothing else, no call that writes.
    let plan = ws.plan();
    assert!(plan.success(), "{plan}");
    assert!(
        plan.stdout
            .contains("30 to import, 0 to add, 0 to change, 0 to destroy"),
        "{plan}\n{generated}"
    );
    assert!(
        plan.warnings().is_empty(),
        "the generated configuration draws no warnings:\n{plan}"
    );
    ws.apply_ok();
    let counts = emu.action_counts_in_since(region, since);
    assert_eq!(writes_in(&counts), [], "calls that write while importing: {counts:?}");
    assert_eq!(
        rule_ids(region, &groups),
        rules_before,
        "every rule is still there, under its id"
    );
    ws.plan_no_changes();

    let identities = identities(&ws);
    assert_eq!(identities.len(), 30);
    for identity in identities.values() {
        assert_eq!(identity["account_id"], ACCOUNT_ID, "{identity}");
        assert_eq!(identity["region"], region, "{identity}");
        assert!(groups.iter().any(|g| identity["id"] == g.as_str()), "{identity}");
    }
}

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn a_list_stops_at_its_limit_and_lists_default_groups_only_when_asked() {
    require_acceptance!();
    require_terraform!(1, 14);
    let emu = emulator();
    let region = emu.unique_region();
    let vpc = emu.create_vpc(region, "10.0.0.0/16");
    for i in 0..12 {
        hand_made_group(
            region,
            &vpc,
            &format!("c8y-{i:02}"),
            &[(true, "tcp", 1000 + i, 1000 + i, "10.0.0.0/8", None)],
        );
    }
    let ws = Workspace::new(&emu.hcl_prelude(region));
    let vpc_config = format!("    vpc_id = \"{vpc}\"\n");

    ws.write("find.tfquery.hcl", &list_block("few", &vpc_config, "  limit = 3\n"));
    let since = emu.start_recording_in(region);
    let few = query_ok(&ws, &["query"]);
    assert_eq!(few.stdout.matches("list.cumulocity_firewall.few").count(), 3, "{few}");
    assert_eq!(
        emu.action_counts_in_since(region, since),
        [
            ("DescribeSecurityGroups".to_string(), 1),
            ("DescribeSecurityGroupRules".to_string(), 1)
        ]
        .into(),
        "the limit is reached with the first page: no second one"
    );

    ws.write(
        "find.tfquery.hcl",
        &list_block("all", &format!("{vpc_config}    include_default_groups = true\n"), ""),
    );
    let all = query_ok(&ws, &["query"]);
    assert_eq!(all.stdout.matches("list.cumulocity_firewall.all").count(), 13, "{all}");
    assert!(all.stdout.contains("default ("), "{all}");

    ws.write(
        "find.tfquery.hcl",
        &list_block(
            "named",
            &format!("{vpc_config}    filter {{\n      name   = \"group-name\"\n      values = [\"c8y-0*\"]\n    }}\n"),
            "",
        ),
    );
    let named = query_ok(&ws, &["query"]);
    assert_eq!(
        named.stdout.matches("list.cumulocity_firewall.named").count(),
        10,
        "{named}"
    );
}

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn listing_10_and_200_groups_costs_at_most_4_calls() {
    require_acceptance!();
    require_terraform!(1, 14);
    let emu = emulator();
    for n in [10usize, 200] {
        let region = emu.unique_region();
        let vpc = emu.create_vpc(region, "10.0.0.0/16");
        // Six rules each: for 200 groups 1200 rules, two DescribeSecurityGroupRules pages on AWS
        // (the emulator answers them in one).
        emu.hand_made_groups(region, &vpc, n, 6);
        let ws = Workspace::new(&emu.hcl_prelude(region));
        ws.write(
            "find.tfquery.hcl",
            &list_block("all", &format!("    vpc_id = \"{vpc}\"\n"), "  limit = 1000\n"),
        );
        let started = Instant::now();
        let plain = query_ok(&ws, &["query"]);
        let took_plain = started.elapsed();
        assert_eq!(
            plain.stdout.matches("list.cumulocity_firewall.all").count(),
            n,
            "{plain}"
        );
        let since = emu.start_recording_in(region);
        let started = Instant::now();
        let out = query_ok(&ws, &["query", "-generate-config-out=generated.tf"]);
        let took = started.elapsed();
        eprintln!("terraform query, {n} groups: {took_plain:.2?}");
        let counts = emu.action_counts_in_since(region, since);
        let calls: usize = counts.values().sum();
        eprintln!("terraform query -generate-config-out, {n} groups: {took:.2?}, {calls} calls {counts:?}");
        assert_eq!(out.stdout.matches("list.cumulocity_firewall.all").count(), n, "{out}");
        assert_eq!(ws.read("generated.tf").matches("import {").count(), n);
        assert!(calls <= 4, "{n} groups: {calls} calls ({counts:?})");
        assert!(
            counts
                .keys()
                .all(|a| a == "DescribeSecurityGroups" || a == "DescribeSecurityGroupRules"),
            "{counts:?}"
        );
    }
}

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn firewalls_get_their_identity_on_create_and_it_stays() {
    require_acceptance!();
    require_terraform!(1, 12);
    let emu = emulator();
    let region = emu.unique_region();
    let vpc = emu.create_vpc(region, "10.0.0.0/16");
    let ws = Workspace::new(&format!(
        "{}resource \"cumulocity_firewall\" \"edge\" {{\n  name = \"c8y-edge\"\n  vpc_id = \"{vpc}\"\n  rule_sets = [\"external\"]\n}}\n",
        emu.hcl_prelude(region)
    ));
    ws.apply_ok();
    let identity = identities(&ws)["edge"].clone();
    let id = ws.show_json()["values"]["root_module"]["resources"][0]["values"]["id"].clone();
    assert_eq!(
        identity,
        serde_json::json!({"id": id, "account_id": ACCOUNT_ID, "region": region}),
        "the identity is the group's id, owner and Region"
    );
    ws.plan_no_changes();
    ws.apply_ok();
    ws.plan_no_changes();
    assert_eq!(identities(&ws)["edge"], identity, "a refresh keeps the identity");
    ws.destroy_ok();
}

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn import_by_identity_imports_as_import_by_id_does() {
    require_acceptance!();
    require_terraform!(1, 12);
    let emu = emulator();
    let region = emu.unique_region();
    let vpc = emu.create_vpc(region, "10.0.0.0/16");
    let id = hand_made_group(region, &vpc, "c8y-by-hand", DOCUMENTED_BY_HAND);
    let by_id = hand_made_group(region, &vpc, "c8y-by-id", DOCUMENTED_BY_HAND);
    let rules_before = rule_ids(region, &[id.clone(), by_id.clone()]);
    let ws = Workspace::new(&format!(
        "{}import {{\n  to = cumulocity_firewall.short\n  identity = {{\n    id = \"{id}\"\n  }}\n}}\n\
         import {{\n  to = cumulocity_firewall.full\n  identity = {{\n    id         = \"{by_id}\"\n    \
         region     = \"{region}\"\n    account_id = \"{ACCOUNT_ID}\"\n  }}\n}}\n",
        emu.hcl_prelude(region)
    ));
    let since = emu.start_recording_in(region);
    let generate = ws.run(&["plan", "-input=false", "-generate-config-out=generated.tf"]);
    assert!(generate.success(), "{generate}");
    let generated = ws.read("generated.tf");
    assert_eq!(
        squeezed(&generated)
            .matches("rule_sets = [\"external\", \"outbound\", \"ssh\"]")
            .count(),
        2,
        "the same inference as an import by id:\n{generated}"
    );
    let plan = ws.plan();
    assert!(
        plan.stdout.contains("2 to import, 0 to add, 0 to change, 0 to destroy"),
        "{plan}\n{generated}"
    );
    ws.apply_ok();
    ws.plan_no_changes();
    assert_eq!(writes_in(&emu.action_counts_in_since(region, since)), []);
    assert_eq!(rule_ids(region, &[id.clone(), by_id.clone()]), rules_before);
    let identities = identities(&ws);
    for (name, group) in [("short", &id), ("full", &by_id)] {
        assert_eq!(
            identities[name],
            serde_json::json!({"id": group, "account_id": ACCOUNT_ID, "region": region}),
            "{name}"
        );
    }
}

/// Plans `import { to = cumulocity_firewall.x, identity = <identity> }` and
/// expects it to fail with one error whose summary is `summary`, nothing in
/// the state and, when `no_call`, no AWS call at all.
/// `text` with every run of whitespace one space.
fn squeezed(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn identity_refused(region: &str, identity: &str, summary: &str, no_call: bool) -> TfOutput {
    let emu = emulator();
    let ws = Workspace::new(&format!(
        "{}import {{\n  to = cumulocity_firewall.x\n  identity = {identity}\n}}\n",
        emu.hcl_prelude(region)
    ));
    let since = emu.start_recording_in(region);
    let out = ws.expect_error(&["plan", "-generate-config-out=generated.tf"]);
    let errors = out.errors();
    assert_eq!(errors.len(), 1, "{out}");
    assert_eq!(errors[0].summary, summary, "{out}");
    if no_call {
        assert_eq!(
            emu.action_counts_in_since(region, since),
            Default::default(),
            "no AWS call\n{out}"
        );
    }
    let state = ws.run(&["state", "list"]);
    assert!(
        !state.stdout.contains("cumulocity_firewall.x"),
        "nothing in state: {state}"
    );
    out
}

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn bad_identities_are_refused_clearly_and_before_any_call() {
    require_acceptance!();
    require_terraform!(1, 12);
    let emu = emulator();
    let region = emu.unique_region();
    let vpc = emu.create_vpc(region, "10.0.0.0/16");
    let id = hand_made_group(region, &vpc, "c8y-dns", &[(false, "udp", 53, 53, "0.0.0.0/0", None)]);

    // Without id, Terraform itself refuses the identity (id is required for import).
    let out = identity_refused(region, "{ region = \"eu-west-1\" }", "Incorrect value type", true);
    assert!(out.errors()[0].detail.contains("attribute \"id\" is required"), "{out}");

    let out = identity_refused(region, "{ id = \"sg-nothex!\" }", "Invalid identity id", true);
    assert!(
        out.errors()[0]
            .detail
            .contains("\"sg-nothex!\" is not a security group id"),
        "{out}"
    );

    let out = identity_refused(
        region,
        &format!("{{ id = \"{id}\", account_id = \"12345\" }}"),
        "Invalid identity account_id",
        true,
    );
    assert!(out.errors()[0].detail.contains("12 digits"), "{out}");

    let out = identity_refused(
        region,
        &format!("{{ id = \"{id}\", region = \"Frankfurt\" }}"),
        "Invalid identity region",
        true,
    );
    assert!(out.errors()[0].detail.contains("\"Frankfurt\""), "{out}");

    // Another Region is read there (see region::an_identity_names_the_region_to_import_from),
    // and the group is not in it.
    let away = emu.unique_region();
    let out = identity_refused(
        region,
        &format!("{{ id = \"{id}\", region = \"{away}\" }}"),
        "Cannot import a security group that does not exist",
        true,
    );
    assert!(
        out.errors()[0].detail.contains(away),
        "names the Region looked in: {out}"
    );

    let out = identity_refused(
        region,
        &format!("{{ id = \"{id}\", account_id = \"111111111111\" }}"),
        "Identity in another account",
        false,
    );
    let detail = &out.errors()[0].detail;
    assert!(
        detail.contains("111111111111") && detail.contains(ACCOUNT_ID),
        "names both accounts: {out}"
    );

    let out = identity_refused(
        region,
        "{ id = \"sg-0123456789abcdef0\", account_id = \"111111111111\" }",
        "Cannot import a security group that does not exist",
        false,
    );
    let detail = &out.errors()[0].detail;
    assert!(
        detail.contains("sg-0123456789abcdef0") && detail.contains(region) && detail.contains("111111111111"),
        "{out}"
    );
}

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn bad_list_blocks_are_reported_on_the_argument_before_any_call() {
    require_acceptance!();
    require_terraform!(1, 14);
    let emu = emulator();
    let region = emu.unique_region();
    let ws = Workspace::new(&emu.hcl_prelude(region));
    for (body, summary, source) in [
        ("    vpc_id = \"vpc-nope\"\n", "Invalid vpc_id", "vpc_id = \"vpc-nope\""),
        (
            "    group_ids = [\"sg-12345678\", \"sg-bad\"]\n",
            "Invalid group id",
            "group_ids = [\"sg-12345678\", \"sg-bad\"]",
        ),
        (
            "    filter {\n      name   = \"vpc\"\n      values = [\"vpc-12345678\"]\n    }\n",
            "Invalid filter name",
            "name   = \"vpc\"",
        ),
        (
            "    filter {\n      name   = \"vpc-id\"\n      values = [\"vpc-12345678\", \"sg-12345678\"]\n    }\n",
            "Invalid filter value",
            "values = [\"vpc-12345678\", \"sg-12345678\"]",
        ),
        (
            "    filter {\n      name   = \"group-name\"\n      values = []\n    }\n",
            "Invalid filter values",
            "values = []",
        ),
        (
            "    region = \"Frankfurt\"\n",
            "Invalid region",
            "region = \"Frankfurt\"",
        ),
    ] {
        ws.write("find.tfquery.hcl", &list_block("bad", body, ""));
        let since = emu.start_recording_in(region);
        let out = ws.expect_error(&["query"]);
        out.assert_one_error(summary, source);
        assert_eq!(
            emu.action_counts_in_since(region, since),
            Default::default(),
            "no AWS call\n{out}"
        );
    }
}

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn a_refused_listing_names_the_iam_permission() {
    require_acceptance!();
    require_terraform!(1, 14);
    // An EC2 endpoint that refuses DescribeSecurityGroups as AWS does for an
    // identity without the permission (the older message, which names no
    // action).
    let server = emulator().block_on(async {
        let server = wiremock::MockServer::start().await;
        wiremock::Mock::given(wiremock::matchers::method("POST"))
            .respond_with(wiremock::ResponseTemplate::new(403).set_body_raw(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Errors><Error><Code>UnauthorizedOperation\
                 </Code><Message>You are not authorized to perform this operation.</Message></Error></Errors>\
                 <RequestID>refused</RequestID></Response>",
                "text/xml",
            ))
            .mount(&server)
            .await;
        server
    });
    let prelude = emulator()
        .hcl_prelude("eu-central-1")
        .replace(&emulator().endpoint(), &server.uri());
    let ws = Workspace::new(&prelude);
    ws.write("find.tfquery.hcl", &list_block("all", "", ""));
    let out = ws.expect_error(&["query"]);
    let errors = out.errors();
    assert_eq!(errors.len(), 1, "{out}");
    assert_eq!(errors[0].summary, "DescribeSecurityGroups was refused", "{out}");
    for phrase in [
        "UnauthorizedOperation",
        "ec2:DescribeSecurityGroups",
        "ec2:DescribeSecurityGroupRules",
    ] {
        assert!(errors[0].detail.contains(phrase), "{phrase:?} not in {out}");
    }
}

/// A random hand-made rule of a group (seeded): any protocol kind, port
/// ranges, ICMP types and codes, IPv4 and IPv6 blocks, the group itself or
/// an earlier group, with or without a description.
fn random_rule(
    rng: &mut crate::walk::rng::Rng,
    earlier: &[String],
) -> (bool, String, i32, i32, String, Option<String>) {
    let ingress = rng.coin();
    let port = 1 + rng.below(65000) as i32;
    let (protocol, from, to) = match rng.below(7) {
        0 => ("tcp", port, port + rng.below(3) as i32 * 100),
        1 => ("udp", port, port),
        2 => ("icmp", [8, 0, 3, -1][rng.below(4)], -1),
        3 => ("icmpv6", 128, [-1, 0][rng.below(2)]),
        4 => ("-1", -1, -1),
        5 => ("50", -1, -1),
        _ => ("tcp", [22, 80, 443, 1883, 8883, 6670, 8334, 25][rng.below(8)], 0),
    };
    let to = if protocol == "tcp" && to == 0 { from } else { to };
    let peer = loop {
        let peer = match rng.below(5) {
            0 => ["0.0.0.0/0", "10.0.0.0/8", "192.168.1.0/24"][rng.below(3)].to_string(),
            1 => ["::/0", "2001:db8::/32"][rng.below(2)].to_string(),
            2 => "self".to_string(),
            3 if !earlier.is_empty() => earlier[rng.below(earlier.len())].clone(),
            _ => continue,
        };
        // icmp is IPv4's, icmpv6 IPv6's.
        match (protocol, peer.contains(':')) {
            ("icmp", true) | ("icmpv6", false) if !peer.starts_with("sg-") && peer != "self" => {}
            _ => break peer,
        }
    };
    let description = [None, Some("by hand"), Some("HTTP"), Some("partner: VPN (b)")][rng.below(4)].map(str::to_string);
    (ingress, protocol.to_string(), from, to, peer, description)
}

/// Six hand-made groups of seed `seed` in `vpc`, each of 0 to 6 random
/// rules (`random_rule`), one rule per key as AWS requires.
fn random_groups(seed: u64, region: &str, vpc: &str) -> Vec<String> {
    let mut rng = crate::walk::rng::Rng::new(seed);
    let mut groups: Vec<String> = Vec::new();
    for g in 0..6 {
        let mut rules: Vec<(bool, String, i32, i32, String, Option<String>)> = Vec::new();
        for _ in 0..rng.below(7) {
            let rule = random_rule(&mut rng, &groups);
            if !rules
                .iter()
                .any(|r| (r.0, &r.1, r.2, r.3, &r.4) == (rule.0, &rule.1, rule.2, rule.3, &rule.4))
            {
                rules.push(rule);
            }
        }
        let hand: Vec<HandRule> = rules
            .iter()
            .map(|(i, p, f, t, peer, d)| (*i, p.as_str(), *f, *t, peer.as_str(), d.as_deref()))
            .collect();
        groups.push(hand_made_group(region, vpc, &format!("random-{seed}-{g}"), &hand));
    }
    groups
}

/// The seeds of a property: `INFER_SEED` (default 1) on, `INFER_SEEDS` of
/// them (default 2).
fn property_seeds() -> std::ops::Range<u64> {
    let number = |name: &str, default: u64| std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default);
    let first = number("INFER_SEED", 1);
    first..first + number("INFER_SEEDS", 2)
}

/// The second half of the properties: the configuration in `ws` (written by
/// `generate`, which runs Terraform) plans exactly `groups.len()` imports and
/// nothing else, applies with no call that writes, keeps every rule id
/// (`before`), and leaves a plan and a refresh-only plan empty.
fn imports_cleanly(
    ws: &Workspace,
    region: &str,
    groups: &[String],
    how: &str,
    seed: u64,
    generate: impl FnOnce(&Workspace),
) {
    let emu = emulator();
    let before = rule_ids(region, groups);
    let since = emu.start_recording_in(region);
    generate(ws);
    let generated = ws.read("generated.tf");
    let plan = ws.plan();
    let expected = format!("{} to import, 0 to add, 0 to change, 0 to destroy", groups.len());
    assert!(
        plan.success() && plan.stdout.contains(&expected),
        "{how}, seed {seed}: the generated configuration does not import cleanly\n{plan}\n{generated}"
    );
    ws.apply_ok();
    let counts = emu.action_counts_in_since(region, since);
    assert_eq!(
        writes_in(&counts),
        [],
        "{how}, seed {seed}: calls that write: {counts:?}\n{generated}"
    );
    assert_eq!(
        rule_ids(region, groups),
        before,
        "{how}, seed {seed}: every rule kept under its id"
    );
    ws.plan_no_changes();
    let refresh = ws.run(&["plan", "-refresh-only", "-input=false"]);
    assert!(
        refresh.success() && refresh.stdout.contains("No changes"),
        "{how}, seed {seed}: a refresh-only plan after the import is not empty\n{refresh}"
    );
    println!(
        "{how} property: seed {seed}: {} groups, {} rules, imported cleanly",
        groups.len(),
        before.len()
    );
}

/// The invariant of issue #21 over random groups: whatever rules hand-made
/// groups hold (empty ones included), `terraform query
/// -generate-config-out` writes a configuration that imports them with no
/// call that writes, every rule id kept, and an empty plan after. Seeds
/// `INFER_SEED` (default 1) on, `INFER_SEEDS` of them (default 2), each with
/// 6 groups of 0 to 6 rules; a failure names its seed.
#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn random_hand_made_groups_generate_configurations_that_import_cleanly() {
    require_acceptance!();
    require_terraform!(1, 14);
    for seed in property_seeds() {
        let emu = emulator();
        let region = emu.unique_region();
        let vpc = emu.create_vpc(region, "10.0.0.0/16");
        let groups = random_groups(seed, region, &vpc);
        let ws = Workspace::new(&emu.hcl_prelude(region));
        ws.write(
            "find.tfquery.hcl",
            &list_block("all", &format!("    vpc_id = \"{vpc}\"\n"), ""),
        );
        imports_cleanly(&ws, region, &groups, "query", seed, |ws| {
            query_ok(ws, &["query", "-generate-config-out=generated.tf"]);
        });
    }
}

/// The same invariant for `import` blocks by id, whose configuration
/// `terraform plan -generate-config-out` writes (Terraform itself from the
/// imported state before 1.14, the provider's GenerateResourceConfig since).
#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn random_hand_made_groups_import_cleanly_by_id() {
    require_acceptance!();
    for seed in property_seeds() {
        random_groups_import_cleanly(seed, "import by id", |id| format!("id = \"{id}\""));
    }
}

/// The same invariant for `import` blocks by identity (Terraform 1.12+).
#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn random_hand_made_groups_import_cleanly_by_identity() {
    require_acceptance!();
    require_terraform!(1, 12);
    for seed in property_seeds() {
        random_groups_import_cleanly(seed, "import by identity", |id| {
            format!("identity = {{\n    id = \"{id}\"\n  }}")
        });
    }
}

/// Random groups of `seed`, each in an `import` block that `names` it,
/// planned with `-generate-config-out`, then `imports_cleanly`.
fn random_groups_import_cleanly(seed: u64, how: &str, names: impl Fn(&str) -> String) {
    let emu = emulator();
    let region = emu.unique_region();
    let vpc = emu.create_vpc(region, "10.0.0.0/16");
    let groups = random_groups(seed + 1000, region, &vpc);
    let blocks: String = groups
        .iter()
        .enumerate()
        .map(|(i, id)| format!("import {{\n  to = cumulocity_firewall.g{i}\n  {}\n}}\n", names(id)))
        .collect();
    let ws = Workspace::new(&format!("{}{blocks}", emu.hcl_prelude(region)));
    imports_cleanly(&ws, region, &groups, how, seed, |ws| {
        let generate = ws.run(&["plan", "-input=false", "-generate-config-out=generated.tf"]);
        assert!(generate.success(), "{how}, seed {seed}: {generate}");
    });
}
