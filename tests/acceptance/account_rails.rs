//! Acceptance tests of `allowed_account_ids` / `forbidden_account_ids`: a
//! wrong account stops a run before any other AWS call, an allowed one
//! works, and both lists together fail at validate. The emulator's account
//! is `ACCOUNT_ID`. Gated by TF_ACC=1.

use crate::support::emulator::{emulator, ACCESS_KEY, ACCOUNT_ID, SECRET_KEY};
use crate::support::{flat, Workspace, PROVIDER_SOURCE};

const OTHER_ACCOUNT: &str = "210987654321";

fn configuration(region: &str, vpc: &str, rails: &str) -> String {
    let url = emulator().endpoint();
    format!(
        r#"terraform {{
  required_providers {{
    cumulocity = {{ source = "{PROVIDER_SOURCE}" }}
  }}
}}

provider "cumulocity" {{
  region     = "{region}"
  access_key = "{ACCESS_KEY}"
  secret_key = "{SECRET_KEY}"
  {rails}
  endpoints {{
    ec2 = "{url}"
    sts = "{url}"
  }}
}}

resource "cumulocity_firewall" "x" {{
  name      = "c8y-rails"
  vpc_id    = "{vpc}"
  rule_sets = ["dns"]
}}
"#
    )
}

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn a_wrong_account_stops_before_any_other_call() {
    require_acceptance!();
    let region = emulator().unique_region();
    let vpc = emulator().create_vpc(region, "10.0.0.0/16");
    for rails in [
        format!("allowed_account_ids = [\"{OTHER_ACCOUNT}\"]"),
        format!("forbidden_account_ids = [\"{ACCOUNT_ID}\"]"),
    ] {
        let ws = Workspace::new(&configuration(region, &vpc, &rails));
        let since = emulator().start_recording_in(region);
        let apply = ws.apply();
        assert_ne!(apply.status, 0, "{apply}");
        let error = apply.assert_one_error("Wrong AWS account", "");
        let detail = flat(&error.detail);
        assert!(
            detail.contains(ACCOUNT_ID) && detail.contains("Nothing was read or changed"),
            "{apply}"
        );
        let list = if rails.starts_with("allowed") {
            OTHER_ACCOUNT
        } else {
            ACCOUNT_ID
        };
        assert!(detail.contains(list), "{apply}");
        let calls = emulator().action_counts_in_since(region, since);
        assert_eq!(calls.get("GetCallerIdentity"), Some(&1), "{calls:?}");
        assert_eq!(calls.len(), 1, "nothing but GetCallerIdentity: {calls:?}");
    }
}

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn an_allowed_account_applies_and_plans_empty() {
    require_acceptance!();
    let region = emulator().unique_region();
    let vpc = emulator().create_vpc(region, "10.0.0.0/16");
    let ws = Workspace::new(&configuration(
        region,
        &vpc,
        &format!("allowed_account_ids = [\"{ACCOUNT_ID}\"]"),
    ));
    let since = emulator().start_recording_in(region);
    ws.apply_ok();
    let calls = emulator().action_counts_in_since(region, since);
    assert_eq!(calls.get("GetCallerIdentity"), Some(&1), "once per run: {calls:?}");
    assert!(calls.contains_key("CreateSecurityGroup"), "{calls:?}");
    ws.plan_no_changes();
}

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn both_account_lists_fail_at_validate() {
    require_acceptance!();
    let region = emulator().unique_region();
    let ws = Workspace::new(&configuration(
        region,
        "vpc-12345678",
        &format!("allowed_account_ids = [\"{ACCOUNT_ID}\"]\n  forbidden_account_ids = [\"{OTHER_ACCOUNT}\"]"),
    ));
    let out = ws.expect_error(&["validate"]);
    let error = out.assert_one_error("Conflicting account lists", "");
    let detail = flat(&error.detail);
    assert!(
        detail.contains("allowed_account_ids") && detail.contains("forbidden_account_ids"),
        "{out}"
    );
}
