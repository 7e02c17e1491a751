//! Acceptance tests of the per-resource `region`: one provider block
//! manages firewalls in several Regions, imports name the Region as
//! `sg-...@<region>`, the audit reads another Region, and a malformed
//! Region is an error on the attribute. Each test takes two Regions of the
//! emulator. Gated by TF_ACC=1; they run on every Terraform of the range.

use crate::import::{hand_made_group, HandRule};
use crate::support::emulator::emulator;
use crate::support::{terraform_version, Workspace};

fn firewall(name: &str, region: Option<&str>) -> String {
    let region = region.map_or(String::new(), |r| format!("  region    = \"{r}\"\n"));
    format!(
        "resource \"cumulocity_firewall\" \"{name}\" {{\n  name      = \"c8y-{name}\"\n{region}  rule_sets = [\"dns\", \"ntp\"]\n}}\n"
    )
}

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn one_provider_block_manages_firewalls_in_two_regions() {
    require_acceptance!();
    let (home, away) = (emulator().unique_region(), emulator().unique_region());
    let prelude = emulator().hcl_prelude(home);
    let ws = Workspace::new(&format!(
        "{prelude}{}{}output \"regions\" {{\n  value = [cumulocity_firewall.home.region, cumulocity_firewall.away.region]\n}}\n\
         output \"ids\" {{\n  value = [cumulocity_firewall.home.id, cumulocity_firewall.away.id]\n}}\n",
        firewall("home", None),
        firewall("away", Some(away)),
    ));
    let plan = ws.plan();
    assert!(plan.success(), "{plan}");
    assert!(
        plan.stdout.contains(&format!("= \"{home}\"")),
        "the plan shows the provider's Region for the firewall without one:\n{plan}"
    );
    ws.apply_ok();
    assert_eq!(ws.output("regions"), serde_json::json!([home, away]));
    let ids = ws.output("ids");
    let (home_id, away_id) = (ids[0].as_str().unwrap(), ids[1].as_str().unwrap());
    assert!(emulator().group_exists(home, home_id), "{home_id} in {home}");
    assert!(emulator().group_exists(away, away_id), "{away_id} in {away}");
    assert!(!emulator().group_exists(home, away_id), "{away_id} not in {home}");
    assert_eq!(
        emulator().describe_rules(away, away_id).len(),
        2,
        "the away group holds dns and ntp, and not the default egress"
    );
    ws.plan_no_changes();

    // Naming the provider's Region is the same firewall; another replaces it.
    ws.write(
        "main.tf",
        &format!(
            "{prelude}{}{}",
            firewall("home", Some(home)),
            firewall("away", Some(home))
        ),
    );
    let plan = ws.plan();
    assert!(plan.has_changes(), "{plan}");
    assert!(
        plan.stdout.contains("cumulocity_firewall.away must be replaced")
            && !plan.stdout.contains("cumulocity_firewall.home must be replaced")
            && plan.stdout.contains("forces replacement"),
        "only the firewall that moves is replaced:\n{plan}"
    );
    assert!(plan.stdout.contains("1 to add, 0 to change, 1 to destroy"), "{plan}");
    ws.apply_ok();
    assert!(!emulator().group_exists(away, away_id), "the old group left {away}");
    ws.plan_no_changes();
    ws.destroy_ok();
    assert!(!emulator().group_exists(home, home_id));
}

const DNS_BY_HAND: &[HandRule] = &[
    (false, "udp", 53, 53, "0.0.0.0/0", None),
    (false, "udp", 123, 123, "0.0.0.0/0", Some("time")),
];

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn imports_take_the_region_after_an_at_sign() {
    require_acceptance!();
    let (home, away) = (emulator().unique_region(), emulator().unique_region());
    let vpc = emulator().create_vpc(away, "10.0.0.0/16");
    let id = hand_made_group(away, &vpc, "c8y-away", DNS_BY_HAND);
    let before = emulator().describe_rules(away, &id).len();
    let prelude = emulator().hcl_prelude(home);
    let import_block = format!("import {{\n  to = cumulocity_firewall.imported\n  id = \"{id}@{away}\"\n}}\n");
    let ws = Workspace::new(&format!("{prelude}{import_block}"));
    let generate = ws.run(&["plan", "-input=false", "-generate-config-out=generated.tf"]);
    assert!(generate.success(), "{generate}");
    let generated = ws.read("generated.tf");
    assert!(
        generated.contains(&format!("\"{away}\"")) && generated.contains("region"),
        "the group's Region is written, it is not the provider's:\n{generated}"
    );
    if terraform_version().at_least(1, 14) {
        assert!(!generated.contains("= null"), "the provider wrote it:\n{generated}");
    }
    let plan = ws.plan();
    assert!(
        plan.stdout.contains("1 to import, 0 to add, 0 to change, 0 to destroy"),
        "{plan}\n{generated}"
    );
    ws.apply_ok();
    ws.plan_no_changes();
    assert_eq!(emulator().describe_rules(away, &id).len(), before, "no rule changed");

    // The same with `terraform import`, into the configuration written above.
    ws.write("main.tf", &prelude);
    let removed = ws.run(&["state", "rm", "cumulocity_firewall.imported"]);
    assert!(removed.success(), "{removed}");
    let import = ws.run(&[
        "import",
        "-input=false",
        "cumulocity_firewall.imported",
        &format!("{id}@{away}"),
    ]);
    assert!(import.success(), "{import}");
    ws.plan_no_changes();

    // Without the Region the group is looked for in the provider's.
    let removed = ws.run(&["state", "rm", "cumulocity_firewall.imported"]);
    assert!(removed.success(), "{removed}");
    let import = ws.run(&["import", "-input=false", "cumulocity_firewall.imported", &id]);
    assert!(!import.success(), "{import}");
    let errors = import.errors();
    assert!(
        errors
            .iter()
            .any(|e| e.summary == "Cannot import a security group that does not exist" && e.detail.contains(home)),
        "{import}"
    );
    assert_eq!(emulator().describe_rules(away, &id).len(), before, "no rule changed");

    // A configuration that leaves `region` out would put the firewall in the
    // provider's Region: an error, not a replacement of the imported group.
    let ws = Workspace::new(&format!(
        "{prelude}{import_block}resource \"cumulocity_firewall\" \"imported\" {{\n  name = \"c8y-away\"\n  \
         vpc_id = \"{vpc}\"\n  rule_sets = [\"dns\", \"ntp\"]\n  manage_rule_descriptions = false\n}}\n"
    ));
    let plan = ws.plan();
    assert_eq!(plan.status, 1, "{plan}");
    let error = plan.assert_one_error(
        "The imported group is in another Region",
        "cumulocity_firewall.imported",
    );
    assert!(error.detail.contains(away) && error.detail.contains(home), "{plan}");
    assert!(emulator().group_exists(away, &id));
}

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn the_audit_reads_the_region_it_names() {
    require_acceptance!();
    let (home, away) = (emulator().unique_region(), emulator().unique_region());
    let vpc = emulator().create_vpc(away, "10.0.0.0/16");
    let id = hand_made_group(away, &vpc, "c8y-audited", DNS_BY_HAND);
    let ws = Workspace::new(&format!(
        "{}data \"cumulocity_firewall_audit\" \"away\" {{\n  security_group_id = \"{id}\"\n  region = \"{away}\"\n  \
         rule_sets = [\"dns\", \"ntp\"]\n}}\n\
         output \"audit\" {{\n  value = {{ region = data.cumulocity_firewall_audit.away.region, compliant = \
         data.cumulocity_firewall_audit.away.compliant }}\n}}\n",
        emulator().hcl_prelude(home)
    ));
    ws.apply_ok();
    assert_eq!(
        ws.output("audit"),
        serde_json::json!({"region": away, "compliant": true})
    );
}

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn malformed_regions_are_errors_on_the_attribute_before_any_aws_call() {
    require_acceptance!();
    let home = emulator().unique_region();
    let prelude = emulator().hcl_prelude(home);
    for bad in ["Frankfurt", "eu_west_1", "eu-west", ""] {
        let ws = Workspace::new(&format!("{prelude}{}", firewall("bad", Some(bad))));
        let plan = ws.expect_error(&["plan"]);
        let error = plan.assert_one_error("Invalid region", "region");
        assert!(error.detail.contains("eu-central-1"), "{plan}");

        let ws = Workspace::new(&format!(
            "{prelude}data \"cumulocity_firewall_audit\" \"x\" {{\n  security_group_id = \"sg-12345678\"\n  \
             region = \"{bad}\"\n  rule_sets = [\"dns\"]\n}}\n"
        ));
        let plan = ws.expect_error(&["plan"]);
        plan.assert_one_error("Invalid region", "region");
    }
    let ws = Workspace::new(&format!("{prelude}{}", firewall("x", None)));
    for bad in ["sg-12345678@Frankfurt", "sg-12345678@", "banana@eu-west-1"] {
        let import = ws.run(&["import", "-input=false", "cumulocity_firewall.x", bad]);
        assert!(!import.success(), "{import}");
        assert!(
            import
                .errors()
                .iter()
                .any(|e| e.summary == "Invalid import id" && e.detail.contains("@eu-west-1")),
            "{bad}: {import}"
        );
    }
    let state = ws.run(&["state", "list"]);
    assert!(!state.stdout.contains("cumulocity_firewall.x"), "{state}");
}

/// `import { identity = { id, region } }` (Terraform 1.12+): the identity's
/// Region is where the group is read, and a malformed one is an error on
/// `region` before any AWS call.
#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn an_identity_names_the_region_to_import_from() {
    require_acceptance!();
    require_terraform!(1, 12);
    let (home, away) = (emulator().unique_region(), emulator().unique_region());
    let vpc = emulator().create_vpc(away, "10.0.0.0/16");
    let id = hand_made_group(away, &vpc, "c8y-by-identity", DNS_BY_HAND);
    let before = emulator().describe_rules(away, &id).len();
    let prelude = emulator().hcl_prelude(home);
    let import_block = |region: &str| {
        format!(
            "import {{\n  to = cumulocity_firewall.imported\n  identity = {{\n    id     = \"{id}\"\n    region = \"{region}\"\n  }}\n}}\n"
        )
    };

    let ws = Workspace::new(&format!("{prelude}{}", import_block("Frankfurt")));
    let plan = ws.expect_error(&["plan", "-generate-config-out=generated.tf"]);
    let error = plan.assert_one_error("Invalid identity region", "");
    assert!(error.detail.contains("Frankfurt"), "{plan}");

    let ws = Workspace::new(&format!("{prelude}{}", import_block(away)));
    let generate = ws.run(&["plan", "-input=false", "-generate-config-out=generated.tf"]);
    assert!(generate.success(), "{generate}");
    let generated = ws.read("generated.tf");
    assert!(generated.contains(&format!("\"{away}\"")), "{generated}");
    let plan = ws.plan();
    assert!(
        plan.stdout.contains("1 to import, 0 to add, 0 to change, 0 to destroy"),
        "{plan}\n{generated}"
    );
    ws.apply_ok();
    ws.plan_no_changes();
    let state = ws.show_json();
    assert_eq!(
        state["values"]["root_module"]["resources"][0]["values"]["region"],
        serde_json::json!(away),
        "{state:#}"
    );
    assert_eq!(emulator().describe_rules(away, &id).len(), before, "no rule changed");
}

/// `terraform query` (Terraform 1.14+) with `region` in the list block's
/// `config`: lists that Region, and the generated configuration names it.
#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn a_query_lists_the_region_its_list_block_names() {
    require_acceptance!();
    require_terraform!(1, 14);
    let (home, away) = (emulator().unique_region(), emulator().unique_region());
    let vpc = emulator().create_vpc(away, "10.0.0.0/16");
    let id = hand_made_group(away, &vpc, "c8y-queried", DNS_BY_HAND);
    let before = emulator().describe_rules(away, &id).len();
    let ws = Workspace::new(&emulator().hcl_prelude(home));
    ws.write(
        "find.tfquery.hcl",
        &format!(
            "list \"cumulocity_firewall\" \"away\" {{\n  provider         = cumulocity\n  include_resource = true\n\n  \
             config {{\n    region = \"{away}\"\n    vpc_id = \"{vpc}\"\n  }}\n}}\n"
        ),
    );
    let query = ws.run(&["query", "-generate-config-out=generated.tf"]);
    assert!(query.success(), "{query}");
    let generated = ws.read("generated.tf");
    assert!(
        generated.contains(&id) && generated.matches(&format!("\"{away}\"")).count() >= 2,
        "the resource's region and the import's identity name the Region:\n{generated}"
    );
    assert!(!generated.contains("= null"), "{generated}");
    let fmt = ws.run(&["fmt", "-check", "-diff", "generated.tf"]);
    assert!(fmt.success(), "terraform fmt would change it:\n{fmt}\n{generated}");
    let plan = ws.plan();
    assert!(
        plan.stdout.contains("1 to import, 0 to add, 0 to change, 0 to destroy"),
        "{plan}\n{generated}"
    );
    ws.apply_ok();
    ws.plan_no_changes();
    assert_eq!(emulator().describe_rules(away, &id).len(), before, "no rule changed");
}

/// The refresh of firewalls in two Regions batches each Region's reads
/// with that Region's clients: a handful of calls in each, never one per
/// firewall, and never a group looked for in the other Region (which would
/// read as gone and plan it again).
#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn refresh_reads_are_batched_per_region() {
    require_acceptance!();
    let (home, away) = (emulator().unique_region(), emulator().unique_region());
    let mut hcl = emulator().hcl_prelude(home);
    for i in 0..5 {
        hcl.push_str(&firewall(&format!("home{i}"), None));
        hcl.push_str(&firewall(&format!("away{i}"), Some(away)));
    }
    let ws = Workspace::new(&hcl);
    ws.apply_ok();
    let (since_home, since_away) = (emulator().start_recording_in(home), emulator().start_recording_in(away));
    ws.plan_no_changes();
    for (region, since) in [(home, since_home), (away, since_away)] {
        let counts = emulator().action_counts_in_since(region, since);
        let groups = counts.get("DescribeSecurityGroups").copied().unwrap_or(0);
        assert!(
            (1..5).contains(&groups),
            "five firewalls in {region} refreshed with {groups} DescribeSecurityGroups: {counts:?}"
        );
    }
    ws.destroy_ok();
}
