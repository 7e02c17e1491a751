//! Acceptance tests of the session timeouts: a real NLB (TCP 80/443/1883 and
//! a TLS 8883 listener) and an ALB in the AWS emulator, driven by the real
//! Terraform CLI. The emulator does not enforce AWS's ranges, so what is
//! asserted here is the provider's own range logic. Target network
//! interfaces are tested with wiremock (tests/mock/session_timeouts.rs): the emulator
//! ignores connection tracking. Gated by TF_ACC=1.

use crate::support::emulator::emulator;
use crate::support::Workspace;
use aws_sdk_elasticloadbalancingv2::types::{
    Action, ActionTypeEnum, ListenerAttribute, LoadBalancerTypeEnum, ProtocolEnum, TargetTypeEnum,
};

/// An NLB with TCP 80, 443, 1883 and TLS 8883 listeners and an ALB with an
/// HTTP listener, in a new VPC of `region`.
struct LoadBalancers {
    vpc: String,
    tcp: Vec<String>,
    tls: String,
    alb_listener: String,
    alb: String,
}

fn load_balancers(region: &str) -> LoadBalancers {
    let emu = emulator();
    let elb = emu.elbv2(region);
    let nlb = emu.network_load_balancer(region, 90, &[("TCP", 80), ("TCP", 443), ("TCP", 1883), ("TLS", 8883)]);
    let alb = emu
        .block_on(
            elb.create_load_balancer()
                .name("c8y-alb")
                .r#type(LoadBalancerTypeEnum::Application)
                .set_subnets(Some(nlb.subnets.clone()))
                .send(),
        )
        .expect("CreateLoadBalancer")
        .load_balancers()[0]
        .load_balancer_arn()
        .unwrap()
        .to_string();
    let http_group = emu
        .block_on(
            elb.create_target_group()
                .name("c8y-http")
                .protocol(ProtocolEnum::Http)
                .port(80)
                .vpc_id(&nlb.vpc)
                .target_type(TargetTypeEnum::Ip)
                .send(),
        )
        .expect("CreateTargetGroup")
        .target_groups()[0]
        .target_group_arn()
        .unwrap()
        .to_string();
    let alb_listener = emu
        .block_on(
            elb.create_listener()
                .load_balancer_arn(&alb)
                .protocol(ProtocolEnum::Http)
                .port(80)
                .default_actions(
                    Action::builder()
                        .r#type(ActionTypeEnum::Forward)
                        .target_group_arn(http_group)
                        .build(),
                )
                .send(),
        )
        .expect("CreateListener")
        .listeners()[0]
        .listener_arn()
        .unwrap()
        .to_string();
    let mut tcp = nlb.listeners;
    let tls = tcp.pop().expect("the TLS listener");
    LoadBalancers {
        vpc: nlb.vpc,
        tcp,
        tls,
        alb_listener,
        alb,
    }
}

/// An NLB listener's `tcp.idle_timeout.seconds`, "" if it has none.
fn nlb_timeout(region: &str, listener: &str) -> String {
    emulator().nlb_idle_timeout(region, listener).unwrap_or_default()
}

fn alb_timeout(region: &str, alb: &str) -> Option<String> {
    let elb = emulator().elbv2(region);
    let out = emulator()
        .block_on(elb.describe_load_balancer_attributes().load_balancer_arn(alb).send())
        .unwrap();
    out.attributes()
        .iter()
        .find(|a| a.key() == Some("idle_timeout.timeout_seconds"))
        .and_then(|a| a.value())
        .map(str::to_string)
}

fn config(region: &str, lbs: &LoadBalancers, listeners: &[&String], extra: &str) -> String {
    let arns: Vec<String> = listeners.iter().map(|a| format!("\"{a}\"")).collect();
    format!(
        "{}resource \"cumulocity_firewall\" \"edge\" {{\n  name = \"c8y-edge\"\n  vpc_id = \"{}\"\n  rule_sets = [\"external\"]\n  load_balancer_listener_arns = [{}]\n{extra}}}\noutput \"timeouts\" {{ value = cumulocity_firewall.edge.listener_timeouts }}\n",
        emulator().hcl_prelude(region),
        lbs.vpc,
        arns.join(", ")
    )
}

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn clamp_warns_per_listener_sets_what_aws_allows_and_destroy_restores_defaults() {
    require_acceptance!();
    let region = emulator().unique_region_with_zones();
    let lbs = load_balancers(region);
    let all: Vec<&String> = lbs.tcp.iter().chain([&lbs.tls, &lbs.alb_listener]).collect();
    let ws = Workspace::new(&config(region, &lbs, &all, ""));

    let plan = ws.plan();
    assert_eq!(plan.status, 2, "{plan}");
    let warnings = plan.warnings();
    let reduced: Vec<_> = warnings
        .iter()
        .filter(|w| w.summary.starts_with("Session timeout reduced"))
        .collect();
    // One warning per listener that cannot get 14,400 s: three TCP (6000),
    // the TLS listener (350) and the ALB (4000).
    assert_eq!(reduced.len(), 5, "{plan}");
    assert_eq!(
        reduced
            .iter()
            .filter(|w| w.summary.contains("reduced to 6000 s"))
            .count(),
        3,
        "{plan}"
    );
    assert!(
        reduced.iter().any(
            |w| w.summary.contains("reduced to 350 s") && w.detail.contains("TCP listener that passes TLS through")
        ),
        "{plan}"
    );
    assert!(
        reduced
            .iter()
            .any(|w| w.summary.contains("reduced to 4000 s") && w.detail.contains("every listener")),
        "{plan}"
    );
    assert!(
        reduced
            .iter()
            .all(|w| w.detail.contains("14400 s") && w.detail.contains("keepalive")),
        "{plan}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.summary == "Targets may drop long connections"),
        "{plan}"
    );

    ws.apply_ok();
    for tcp in &lbs.tcp {
        assert_eq!(nlb_timeout(region, tcp), "6000");
    }
    assert_eq!(nlb_timeout(region, &lbs.tls), "350", "a TLS listener is never modified");
    assert_eq!(alb_timeout(region, &lbs.alb).as_deref(), Some("4000"));
    let timeouts = ws.output("timeouts");
    assert_eq!(timeouts[&lbs.tcp[0]]["seconds"], 6000);
    assert_eq!(timeouts[&lbs.tls]["seconds"], 350);
    assert_eq!(timeouts[&lbs.alb_listener]["seconds"], 4000);
    assert!(timeouts[&lbs.tcp[0]]["reason"].as_str().unwrap().contains("6000"));
    ws.plan_no_changes();

    ws.destroy_ok();
    for tcp in &lbs.tcp {
        assert_eq!(nlb_timeout(region, tcp), "350", "destroy restores the NLB default");
    }
    assert_eq!(
        alb_timeout(region, &lbs.alb).as_deref(),
        Some("60"),
        "destroy restores the ALB default"
    );
}

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn a_timeout_changed_outside_terraform_is_drift_and_a_listener_removed_gets_its_default_back() {
    require_acceptance!();
    let region = emulator().unique_region_with_zones();
    let lbs = load_balancers(region);
    let two: Vec<&String> = lbs.tcp.iter().take(2).collect();
    let ws = Workspace::new(&config(region, &lbs, &two, "  session_timeout_seconds = 1200\n"));
    let apply = ws.apply_ok();
    assert!(
        !apply
            .warnings()
            .iter()
            .any(|w| w.summary.starts_with("Session timeout reduced")),
        "1200 s fits: {apply}"
    );
    assert_eq!(nlb_timeout(region, &lbs.tcp[0]), "1200");

    let elb = emulator().elbv2(region);
    emulator()
        .block_on(
            elb.modify_listener_attributes()
                .listener_arn(&lbs.tcp[0])
                .attributes(
                    ListenerAttribute::builder()
                        .key("tcp.idle_timeout.seconds")
                        .value("999")
                        .build(),
                )
                .send(),
        )
        .unwrap();
    let plan = ws.plan();
    assert_eq!(plan.status, 2, "drift must show: {plan}");
    assert!(plan.stdout.contains("999") && plan.stdout.contains("1200"), "{plan}");
    ws.apply_ok();
    assert_eq!(nlb_timeout(region, &lbs.tcp[0]), "1200");
    ws.plan_no_changes();

    let one: Vec<&String> = lbs.tcp.iter().take(1).collect();
    ws.write(
        "main.tf",
        &config(region, &lbs, &one, "  session_timeout_seconds = 1200\n"),
    );
    ws.apply_ok();
    assert_eq!(
        nlb_timeout(region, &lbs.tcp[1]),
        "350",
        "a listener no longer listed gets AWS's default back"
    );
    assert_eq!(nlb_timeout(region, &lbs.tcp[0]), "1200");
    ws.plan_no_changes();
}

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn strict_fails_the_plan_before_any_api_call() {
    require_acceptance!();
    let region = emulator().unique_region_with_zones();
    let lbs = load_balancers(region);
    let all: Vec<&String> = lbs.tcp.iter().chain([&lbs.tls]).collect();
    let ws = Workspace::new(&config(region, &lbs, &all, "  session_timeout_policy = \"strict\"\n"));
    let before = emulator().start_recording_in(region);
    let plan = ws.plan();
    assert_eq!(plan.status, 1, "{plan}");
    let errors = plan.errors();
    assert!(errors.len() >= 4, "one error per listener: {plan}");
    assert!(
        errors
            .iter()
            .all(|e| e.summary.starts_with("Session timeout not possible on listener")),
        "{plan}"
    );
    assert!(errors.iter().all(|e| e.detail.contains("strict")), "{plan}");
    assert_eq!(
        emulator().recorded_calls_in(region).len(),
        before,
        "no API call before the errors"
    );
    assert_eq!(nlb_timeout(region, &lbs.tcp[0]), "350", "nothing changed");
}

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn malformed_listener_arns_and_timeouts_are_plan_time_errors() {
    require_acceptance!();
    let region = emulator().unique_region_with_zones();
    let ws = Workspace::new(&format!(
        "{}resource \"cumulocity_firewall\" \"x\" {{\n  name = \"c8y-x\"\n  vpc_id = \"vpc-12345678\"\n  rule_sets = [\"external\"]\n  session_timeout_seconds = 59\n  session_timeout_policy = \"lenient\"\n  load_balancer_listener_arns = [\"arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/net/x/1\"]\n  target_network_interface_ids = [\"eni-xyz\"]\n}}\n",
        emulator().hcl_prelude(region)
    ));
    let plan = ws.plan();
    assert_eq!(plan.status, 1, "{plan}");
    let summaries: Vec<String> = plan.errors().iter().map(|e| e.summary.clone()).collect();
    for expected in [
        "Invalid session_timeout_seconds",
        "Invalid session_timeout_policy",
        "Invalid listener ARN",
        "Invalid network interface id",
    ] {
        assert!(summaries.iter().any(|s| s == expected), "missing {expected}: {plan}");
    }
}

/// Sets an NLB listener's idle timeout, as someone does by hand.
fn set_nlb_timeout(region: &str, listener: &str, seconds: &str) {
    let elb = emulator().elbv2(region);
    emulator()
        .block_on(
            elb.modify_listener_attributes()
                .listener_arn(listener)
                .attributes(
                    ListenerAttribute::builder()
                        .key("tcp.idle_timeout.seconds")
                        .value(seconds)
                        .build(),
                )
                .send(),
        )
        .unwrap();
}

/// Sets an ALB's idle timeout, as someone does by hand.
fn set_alb_timeout(region: &str, alb: &str, seconds: &str) {
    let elb = emulator().elbv2(region);
    emulator()
        .block_on(
            elb.modify_load_balancer_attributes()
                .load_balancer_arn(alb)
                .attributes(
                    aws_sdk_elasticloadbalancingv2::types::LoadBalancerAttribute::builder()
                        .key("idle_timeout.timeout_seconds")
                        .value(seconds)
                        .build(),
                )
                .send(),
        )
        .unwrap();
}

/// Timeouts someone set before the firewall (an NLB listener at 600 s, an
/// ALB at 900 s) come back when the firewall lets them go: the listener when
/// it leaves `load_balancer_listener_arns`, the ALB on destroy; not AWS's
/// defaults. Every apply is followed by an empty plan.
#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn timeouts_set_before_the_firewall_are_given_back() {
    require_acceptance!();
    let region = emulator().unique_region_with_zones();
    let lbs = load_balancers(region);
    set_nlb_timeout(region, &lbs.tcp[0], "600");
    set_alb_timeout(region, &lbs.alb, "900");
    let both: Vec<&String> = vec![&lbs.tcp[0], &lbs.tcp[1], &lbs.alb_listener];
    let ws = Workspace::new(&config(region, &lbs, &both, ""));
    ws.apply_ok();
    assert_eq!(nlb_timeout(region, &lbs.tcp[0]), "6000");
    assert_eq!(alb_timeout(region, &lbs.alb).as_deref(), Some("4000"));
    ws.plan_no_changes();

    let rest: Vec<&String> = vec![&lbs.tcp[1], &lbs.alb_listener];
    ws.write("main.tf", &config(region, &lbs, &rest, ""));
    ws.apply_ok();
    assert_eq!(
        nlb_timeout(region, &lbs.tcp[0]),
        "600",
        "the value set by hand before the firewall comes back, not AWS's 350 s"
    );
    assert_eq!(nlb_timeout(region, &lbs.tcp[1]), "6000");
    ws.plan_no_changes();

    ws.destroy_ok();
    assert_eq!(
        alb_timeout(region, &lbs.alb).as_deref(),
        Some("900"),
        "the ALB's own value back"
    );
    assert_eq!(
        nlb_timeout(region, &lbs.tcp[1]),
        "350",
        "nothing was set by hand: AWS's default"
    );
    assert_eq!(
        nlb_timeout(region, &lbs.tcp[0]),
        "600",
        "left alone since it left the set"
    );
}
