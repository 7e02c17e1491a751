//! Secrets in the provider block never reach logs, diagnostics or state:
//! a full plan and apply with `access_key`, `secret_key` and `token` set,
//! under TF_LOG=trace and with the plugin's own trace log on, then every
//! place Terraform or the provider writes is searched for them. Against the
//! AWS emulator; gated by TF_ACC=1.

use crate::support::emulator::emulator;
use crate::support::Workspace;

const ACCESS_KEY: &str = "AKIASECRETPROBE0001";
const SECRET_KEY: &str = "s3cret-key-that-must-never-leak-7f3a";
const TOKEN: &str = "sess10n-token-that-must-never-leak-91c2";

fn assert_clean(place: &str, text: &str) {
    for secret in [SECRET_KEY, TOKEN] {
        assert!(!text.contains(secret), "{place} contains a secret");
    }
}

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn credentials_never_reach_logs_diagnostics_state_or_the_rendered_plan() {
    require_acceptance!();
    let region = emulator().unique_region();
    let vpc = emulator().create_vpc(region, "10.0.0.0/16");
    let url = emulator().endpoint();
    // The secrets come from variables, as they should in real use; the
    // provider sees them exactly as if they were written in the block.
    let mut ws = Workspace::new(&format!(
        r#"terraform {{
  required_providers {{
    cumulocity = {{ source = "c8y-community/cumulocity" }}
  }}
}}
variable "secret_key" {{
  type      = string
  sensitive = true
}}
variable "token" {{
  type      = string
  sensitive = true
}}
provider "cumulocity" {{
  region     = "{region}"
  access_key = "{ACCESS_KEY}"
  secret_key = var.secret_key
  token      = var.token
  endpoints {{
    ec2 = "{url}"
  }}
}}
resource "cumulocity_firewall" "x" {{
  name      = "c8y-secrets"
  vpc_id    = "{vpc}"
  rule_sets = ["external", "ssh"]
  ssh_cidr_blocks = ["0.0.0.0/0"]
}}
"#
    ));
    let plugin_log = ws.path().join("plugin.log").display().to_string();
    ws.set_env("TF_LOG", "trace")
        .set_env("PLUGIN_LOG_FILE", &plugin_log)
        .set_env("TF_VAR_secret_key", SECRET_KEY)
        .set_env("TF_VAR_token", TOKEN);

    let plan = ws.run(&["plan", "-input=false", "-out=tfplan"]);
    assert!(plan.success(), "{plan}");
    // The warning about SSH from anywhere is a diagnostic the provider
    // wrote during this run: diagnostics are part of what is searched.
    assert!(plan.combined().contains("SSH open to the whole internet"), "{plan}");
    let apply = ws.run(&["apply", "-input=false", "tfplan"]);
    assert!(apply.success(), "{apply}");
    let shown = ws.run(&["show", "-json", "tfplan"]);
    let refresh = ws.run(&["plan", "-input=false", "-detailed-exitcode"]);

    assert!(plan.stderr.len() > 10_000, "TF_LOG=trace logs were captured");
    assert_clean("the trace log and output of plan", &plan.combined());
    assert_clean("the trace log and output of apply", &apply.combined());
    assert_clean("the trace log and output of the second plan", &refresh.combined());
    // Terraform itself keeps input variables' values in a plan (sensitive
    // or not: `terraform show -json` prints them under "variables", and the
    // plan file holds them); that is Terraform's, not the provider's. Every
    // other part of the rendered plan, provider-made values included, is
    // searched.
    let mut shown: serde_json::Value = serde_json::from_str(&shown.stdout).expect("plan JSON");
    let variables = shown.as_object_mut().and_then(|o| o.remove("variables"));
    assert!(
        variables.is_some_and(|v| v.to_string().contains(SECRET_KEY)),
        "Terraform keeps variables in plans"
    );
    assert_clean("terraform show -json of the plan (variables aside)", &shown.to_string());
    assert_clean("the state file", &ws.read("terraform.tfstate"));
    let log = std::fs::read_to_string(&plugin_log).unwrap_or_default();
    assert!(!log.is_empty(), "the plugin's own trace log was written");
    assert_clean("the plugin's trace log", &log);
}

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn the_schema_marks_credentials_sensitive() {
    require_acceptance!();
    let ws = Workspace::new(
        "terraform {\n  required_providers {\n    cumulocity = { source = \"c8y-community/cumulocity\" }\n  }\n}\n",
    );
    let schema = ws.run(&["providers", "schema", "-json"]);
    assert!(schema.success(), "{schema}");
    let json: serde_json::Value = serde_json::from_str(&schema.stdout).expect("schema JSON");
    let provider =
        &json["provider_schemas"]["registry.terraform.io/c8y-community/cumulocity"]["provider"]["block"]["attributes"];
    for name in ["access_key", "secret_key", "token"] {
        assert_eq!(provider[name]["sensitive"], true, "{name}");
    }
    assert!(provider["region"]["sensitive"].is_null(), "only secrets are sensitive");
}
