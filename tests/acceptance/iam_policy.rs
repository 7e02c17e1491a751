//! The least-privilege policy in docs/guides/iam-policy.md is exactly what
//! the provider calls: a scenario that uses every feature runs against the
//! AWS emulator with its request recorder on, and the actions recorded are
//! compared with the policy's. Gated by TF_ACC=1.

use std::collections::BTreeSet;

use crate::support::emulator::emulator;
use crate::support::Workspace;

/// The actions of the policy's JSON block, as `ec2:CreateSecurityGroup`.
fn policy_actions() -> BTreeSet<String> {
    let guide = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/guides/iam-policy.md")).unwrap();
    let json = guide
        .split("```json")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("a json block");
    let policy: serde_json::Value = serde_json::from_str(json).expect("the policy is JSON");
    policy["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| {
            s["Action"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a.as_str().unwrap().to_string())
        })
        .collect()
}

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn the_policy_allows_exactly_the_actions_the_provider_calls() {
    require_acceptance!();
    let region = emulator().unique_region_with_zones();
    let ec2 = emulator().ec2(region);
    let elb = emulator().elbv2(region);
    let emu = emulator();

    // An NLB TCP listener, an ALB listener, a target interface.
    let network = emu.network_load_balancer(region, 0, &[("TCP", 80)]);
    let (vpc, subnets, nlb) = (network.vpc, network.subnets, network.listeners[0].clone());
    use aws_sdk_elasticloadbalancingv2::types::{Action, ActionTypeEnum, LoadBalancerTypeEnum, ProtocolEnum};
    let lb = emu
        .block_on(
            elb.create_load_balancer()
                .name("iam-alb")
                .r#type(LoadBalancerTypeEnum::Application)
                .set_subnets(Some(subnets.clone()))
                .send(),
        )
        .unwrap()
        .load_balancers()[0]
        .load_balancer_arn()
        .unwrap()
        .to_string();
    let tg = emu
        .block_on(
            elb.create_target_group()
                .name("iam-alb")
                .protocol(ProtocolEnum::Http)
                .port(80)
                .vpc_id(&vpc)
                .send(),
        )
        .unwrap()
        .target_groups()[0]
        .target_group_arn()
        .unwrap()
        .to_string();
    let forward = Action::builder()
        .r#type(ActionTypeEnum::Forward)
        .target_group_arn(tg)
        .build();
    let alb = emu
        .block_on(
            elb.create_listener()
                .load_balancer_arn(lb)
                .protocol(ProtocolEnum::Http)
                .port(80)
                .default_actions(forward)
                .send(),
        )
        .unwrap()
        .listeners()[0]
        .listener_arn()
        .unwrap()
        .to_string();
    let eni = emu
        .block_on(ec2.create_network_interface().subnet_id(&subnets[0]).send())
        .unwrap()
        .network_interface()
        .unwrap()
        .network_interface_id()
        .unwrap()
        .to_string();

    let calls_before = emu.start_recording_in(region);
    let firewall = |sets: &str, tags: &str, extra: &str| {
        format!(
            "{}resource \"cumulocity_firewall\" \"x\" {{\n  name = \"iam\"\n  vpc_id = \"{vpc}\"\n  rule_sets = {sets}\n  tags = {tags}\n  revoke_rules_on_delete = true\n  load_balancer_listener_arns = [\"{nlb}\", \"{alb}\"]\n  target_network_interface_ids = [\"{eni}\"]\n{extra}}}\ndata \"cumulocity_firewall_audit\" \"x\" {{\n  security_group_id = cumulocity_firewall.x.id\n  rule_sets = [\"external\"]\n}}\n",
            emu.hcl_prelude(region)
        )
    };
    let ws = Workspace::new(&firewall(r#"["external", "outbound"]"#, r#"{ a = "1", b = "2" }"#, ""));
    ws.apply_ok();
    // Rule sets, tags and a description all change.
    ws.write(
        "main.tf",
        &firewall(
            r#"["external", "dns"]"#,
            r#"{ a = "1" }"#,
            "  extra_rule {\n    direction = \"ingress\"\n    protocol = \"tcp\"\n    from_port = 5683\n    to_port = 5683\n    cidr_blocks = [\"10.0.0.0/8\"]\n    description = \"one\"\n  }\n",
        ),
    );
    ws.apply_ok();
    ws.write(
        "main.tf",
        &firewall(
            r#"["external", "dns"]"#,
            r#"{ a = "1", c = "3" }"#,
            "  extra_rule {\n    direction = \"ingress\"\n    protocol = \"tcp\"\n    from_port = 5683\n    to_port = 5683\n    cidr_blocks = [\"10.0.0.0/8\"]\n    description = \"two\"\n  }\n",
        ),
    );
    ws.apply_ok();
    let id = ws.show_json()["values"]["root_module"]["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["type"] == "cumulocity_firewall")
        .unwrap()["values"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    // Import, then destroy (revoking the rules first).
    let imported = Workspace::new(&format!(
        "{}import {{\n  to = cumulocity_firewall.y\n  id = \"{id}\"\n}}\n",
        emu.hcl_prelude(region)
    ));
    let generate = imported.run(&["plan", "-input=false", "-generate-config-out=generated.tf"]);
    assert!(generate.success(), "{generate}");
    ws.destroy_ok();

    let recorded: BTreeSet<String> = emu.recorded_calls_in(region)[calls_before..]
        .iter()
        .map(|c| {
            let service = if c.service == "elasticloadbalancing" {
                "elasticloadbalancing"
            } else {
                "ec2"
            };
            format!("{service}:{}", c.action)
        })
        .collect();
    let policy = policy_actions();
    let missing: Vec<_> = recorded.difference(&policy).collect();
    assert!(missing.is_empty(), "called but not in the policy: {missing:?}");
    let unused: Vec<_> = policy.difference(&recorded).collect();
    assert!(unused.is_empty(), "in the policy but never called: {unused:?}");
}
