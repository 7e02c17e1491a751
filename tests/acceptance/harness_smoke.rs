//! Proves the acceptance harness against the real Terraform CLI, using only
//! Terraform's built-in `terraform_data` (no dependency on our provider's
//! behaviour, although Cargo still builds the binary).

use crate::support;
use serde_json::json;

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn terraform_data_applies_and_then_plans_clean() {
    require_acceptance!();
    let ws = support::Workspace::new(
        r#"
resource "terraform_data" "x" {
  input = "hi"
}

output "o" {
  value = terraform_data.x.output
}
"#,
    );

    let plan = ws.plan();
    assert!(plan.has_changes(), "first plan should create\n{plan}");
    assert!(plan.stdout.contains("1 to add"), "{plan}");

    let apply = ws.apply_ok();
    assert!(apply.stdout.contains("Apply complete!"), "{apply}");
    assert!(apply.diagnostics().is_empty(), "{apply}");

    assert_eq!(ws.output("o"), json!("hi"));
    assert_eq!(ws.output_json()["o"]["value"], json!("hi"));

    let state = ws.show_json();
    let resources = &state["values"]["root_module"]["resources"];
    assert_eq!(resources[0]["address"], json!("terraform_data.x"), "{state:#}");

    ws.plan_no_changes();

    // Replacing the configuration between runs, and a parsed error box.
    ws.write(
        "main.tf",
        r#"
resource "terraform_data" "x" {
  input = "hi"
  bogus = 1
}
"#,
    );
    let out = ws.expect_error(&["plan"]);
    out.assert_one_error("Unsupported argument", "bogus = 1");
    let d = &out.errors()[0];
    assert!(
        d.attribute_line
            .starts_with("on main.tf line 4, in resource \"terraform_data\" \"x\":"),
        "{d:#?}"
    );
    assert!(d.detail.contains("\"bogus\" is not expected here"), "{d:#?}");

    ws.write(
        "main.tf",
        r#"
resource "terraform_data" "x" {
  input = "hi"
}
"#,
    );
    ws.destroy_ok();
    let state = ws.show_json();
    assert!(state.get("values").is_none(), "{state:#}");
}
