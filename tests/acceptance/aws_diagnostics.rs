//! AWS failures that only apply can find, end to end: each diagnostic
//! points at the argument that caused it and says what to do. Gated by
//! TF_ACC=1. (An unknown `vpc_id` is a mock test: the emulator creates
//! groups in VPCs that do not exist.)

use crate::support::emulator::emulator;
use crate::support::{flat, Workspace};

fn firewall(region: &str, body: &str) -> Workspace {
    Workspace::new(&format!(
        "{}\nresource \"cumulocity_firewall\" \"edge\" {{\n  name      = \"diag-edge\"\n  rule_sets = [\"external\"]\n  {body}\n}}\n",
        emulator().hcl_prelude(region)
    ))
}

/// A listener that does not exist (deleted outside Terraform, say): the
/// group is created and kept in the state, the error is on
/// `load_balancer_listener_arns` and says to remove the ARN, and the
/// tainted group's message says what the next apply does and how to keep it.
/// Doing as it says (the ARN removed, `terraform untaint`) keeps the group:
/// the refresh drops the missing listener instead of failing.
#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn a_missing_listener_points_at_the_listener_arns_and_the_taint_says_how_to_keep_the_group() {
    require_acceptance!();
    let region = emulator().unique_region_with_zones();
    let nlb = emulator().network_load_balancer(region, 91, &[("TCP", 1883)]);
    let missing = format!(
        "{}0",
        nlb.listeners[0].trim_end_matches(|c: char| c.is_ascii_hexdigit())
    );
    let ws = firewall(
        region,
        &format!(
            "vpc_id = \"{}\"\n  load_balancer_listener_arns = [\"{missing}\"]",
            nlb.vpc
        ),
    );
    let apply = ws.expect_error(&["apply", "-auto-approve"]);
    let errors = apply.errors();
    let listener = errors
        .iter()
        .find(|d| d.summary.contains("A load balancer listener does not exist"))
        .unwrap_or_else(|| panic!("no listener error\n{apply}"));
    assert!(
        flat(&listener.attribute_line).contains("load_balancer_listener_arns"),
        "{apply}"
    );
    assert!(
        flat(&listener.detail).contains("remove its ARN from `load_balancer_listener_arns`"),
        "{apply}"
    );
    let tainted = errors
        .iter()
        .find(|d| d.summary.contains("Security group created"))
        .unwrap_or_else(|| panic!("no tainted-group error\n{apply}"));
    let detail = flat(&tainted.detail);
    assert!(
        detail.contains("the next apply destroys it and creates a new group") && detail.contains("terraform untaint"),
        "{apply}"
    );
    // Fixed as the message says: the listener removed, the group untainted
    // and completed in place.
    let id = ws.show_json()["values"]["root_module"]["resources"][0]["values"]["id"]
        .as_str()
        .expect("the group is in the state")
        .to_string();
    ws.write(
        "main.tf",
        &format!(
            "{}\nresource \"cumulocity_firewall\" \"edge\" {{\n  name      = \"diag-edge\"\n  rule_sets = [\"external\"]\n  vpc_id    = \"{}\"\n}}\n",
            emulator().hcl_prelude(region),
            nlb.vpc
        ),
    );
    let untaint = ws.run(&["untaint", "cumulocity_firewall.edge"]);
    assert_eq!(untaint.status, 0, "{untaint}");
    ws.apply_ok();
    ws.plan_no_changes();
    assert_eq!(
        ws.show_json()["values"]["root_module"]["resources"][0]["values"]["id"].as_str(),
        Some(id.as_str()),
        "the same group, kept"
    );
    ws.destroy_ok();
}
