//! Acceptance test of coalesced reads: the real Terraform CLI refreshes ten
//! firewalls at once (its default parallelism is 10), and the provider asks
//! AWS for them in a batch instead of two calls per firewall. A group
//! deleted outside Terraform reads as gone in the batch and is planned for
//! creation again. With forty firewalls in one VPC, the reads after the
//! first ten come from one snapshot of the VPC, which still shows a change
//! made outside Terraform. Gated by TF_ACC=1.

use std::collections::HashMap;
use std::fmt::Write as _;

use terraform_provider_cumulocity::provider::configure::state::TERRAFORM_PARALLELISM;

use crate::support::emulator::emulator;
use crate::support::Workspace;

/// `n` firewalls in a new VPC, applied; each has an output `id<i>`.
/// Returns the workspace, its Region, and the counts of the calls a
/// no-change plan made.
fn applied_and_refreshed(
    n: usize,
    sets_of: fn(usize) -> &'static str,
) -> (Workspace, &'static str, HashMap<String, usize>) {
    let region = emulator().unique_region();
    let vpc = emulator().create_vpc(region, "10.0.0.0/16");
    let mut hcl = emulator().hcl_prelude(region);
    for i in 0..n {
        writeln!(
            hcl,
            "resource \"cumulocity_firewall\" \"f{i}\" {{\n  name = \"c8y-{i}\"\n  vpc_id = \"{vpc}\"\n  \
             rule_sets = {}\n  ssh_cidr_blocks = [\"10.0.0.0/8\"]\n}}\n\
             output \"id{i}\" {{\n  value = cumulocity_firewall.f{i}.id\n}}",
            sets_of(i)
        )
        .unwrap();
    }
    let ws = Workspace::new(&hcl);
    ws.apply_ok();

    // The recorder is shared with the other test of this binary: count
    // only what the plan adds in this test's Region, and never reset or
    // stop it.
    let before = emulator().start_recording_in(region);
    ws.plan_no_changes();
    let counts = emulator().action_counts_in_since(region, before);
    (ws, region, counts)
}

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn ten_firewalls_refresh_in_a_batch_and_a_deleted_one_is_recreated() {
    require_acceptance!();
    let mixed = |i: usize| ["[\"external\", \"outbound\"]", "[\"opcua\"]", "[\"ssh\"]"][i % 3];
    let (ws, region, counts) = applied_and_refreshed(10, mixed);
    let groups = counts.get("DescribeSecurityGroups").copied().unwrap_or(0);
    let rules = counts.get("DescribeSecurityGroupRules").copied().unwrap_or(0);
    // Terraform sends the ten reads within a few ms of each other; on a busy
    // machine stragglers make batches of their own (the bench saw 6 for
    // ten under load, 1-3 when idle), but never one call per firewall.
    assert!(
        (1..10).contains(&groups) && (1..10).contains(&rules),
        "ten firewalls refreshed with {groups} DescribeSecurityGroups and {rules} DescribeSecurityGroupRules: {counts:?}"
    );

    let gone = ws.output("id4").as_str().expect("an id").to_string();
    emulator()
        .block_on(emulator().ec2(region).delete_security_group().group_id(&gone).send())
        .expect("delete the group outside Terraform");
    let out = ws.plan();
    assert_eq!(out.status, 2, "the deleted firewall is planned again\n{out}");
    let text = out.combined();
    assert!(
        text.contains("cumulocity_firewall.f4 will be created"),
        "only f4 is to be created again\n{text}"
    );
    assert!(text.contains("Plan: 1 to add, 0 to change, 0 to destroy"), "{text}");
    ws.destroy_ok();
}

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn forty_firewalls_in_a_vpc_refresh_from_a_snapshot_that_sees_drift() {
    require_acceptance!();
    let (ws, region, counts) = applied_and_refreshed(40, |_| "[\"external\", \"outbound\"]");
    let calls: usize = counts.values().sum();
    let groups = counts.get("DescribeSecurityGroups").copied().unwrap_or(0);
    let rules = counts.get("DescribeSecurityGroupRules").copied().unwrap_or(0);
    // The first ten reads (Terraform's parallelism) are coalesced, in as
    // many batches as the machine's load spreads them over (one to ten), then
    // the snapshot answers the other thirty (one call of each kind): at most
    // 2 x 10 + 2 calls whatever the load, where two calls per firewall would
    // be 80. Calm runs make 4 to 6.
    let most = 2 * TERRAFORM_PARALLELISM + 2;
    assert!(
        groups >= 1 && rules >= 1 && calls <= most,
        "forty firewalls refreshed with {calls} calls ({groups} DescribeSecurityGroups, \
         {rules} DescribeSecurityGroupRules): {counts:?}"
    );

    // Someone removes f30's HTTPS rule by hand: the snapshot, taken during
    // the plan, shows it and the plan puts it back.
    let drifted = ws.output("id30").as_str().expect("an id").to_string();
    let ec2 = emulator().ec2(region);
    let rules = emulator()
        .block_on(
            ec2.describe_security_group_rules()
                .filters(
                    aws_sdk_ec2::types::Filter::builder()
                        .name("group-id")
                        .values(&drifted)
                        .build(),
                )
                .send(),
        )
        .expect("DescribeSecurityGroupRules");
    let https = rules
        .security_group_rules()
        .iter()
        .find(|r| r.is_egress() == Some(false) && r.from_port() == Some(443))
        .and_then(|r| r.security_group_rule_id())
        .expect("f30 has an HTTPS ingress rule")
        .to_string();
    emulator()
        .block_on(
            ec2.revoke_security_group_ingress()
                .group_id(&drifted)
                .security_group_rule_ids(https)
                .send(),
        )
        .expect("revoke the rule outside Terraform");
    let out = ws.plan();
    assert_eq!(out.status, 2, "the drift is planned away\n{out}");
    let text = out.combined();
    assert!(
        text.contains("cumulocity_firewall.f30 will be updated in-place"),
        "{text}"
    );
    assert!(text.contains("Plan: 0 to add, 1 to change, 0 to destroy"), "{text}");
    ws.destroy_ok();
}
