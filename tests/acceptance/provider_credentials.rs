//! Acceptance tests of how the provider finds AWS: credentials from the
//! provider block, from a shared credentials file's profile, through an
//! assumed role, and one clear error when there are none. Against the AWS
//! emulator; gated by TF_ACC=1.

use crate::support::emulator::emulator;
use crate::support::Workspace;

const HEADER: &str = r#"terraform {
  required_providers {
    cumulocity = { source = "c8y-community/cumulocity" }
  }
}
"#;

fn firewall(vpc: &str) -> String {
    format!("resource \"cumulocity_firewall\" \"x\" {{\n  name = \"c8y-x\"\n  vpc_id = \"{vpc}\"\n  rule_sets = [\"dns\"]\n}}\n")
}

/// A workspace that sees no credentials from this machine: no environment
/// variables, no shared files, no instance metadata.
fn isolated(hcl: &str) -> Workspace {
    let mut ws = Workspace::new(hcl);
    for var in [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_REGION",
    ] {
        ws.set_env(var, "");
    }
    ws.set_env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials")
        .set_env("AWS_CONFIG_FILE", "/nonexistent/config")
        .set_env("AWS_EC2_METADATA_DISABLED", "true");
    ws
}

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn no_credentials_anywhere_is_one_clear_error() {
    require_acceptance!();
    let region = emulator().unique_region();
    let url = emulator().endpoint();
    let ws = isolated(&format!(
        "{HEADER}provider \"cumulocity\" {{\n  region = \"{region}\"\n  endpoints {{\n    ec2 = \"{url}\"\n  }}\n}}\n{}",
        firewall("vpc-12345678")
    ));
    let apply = ws.apply();
    assert_ne!(apply.status, 0, "{apply}");
    let errors = apply.errors();
    assert_eq!(errors.len(), 1, "{apply}");
    assert_eq!(errors[0].summary, "No AWS credentials", "{apply}");
    assert!(
        errors[0].detail.contains("access_key") && errors[0].detail.contains("AWS_PROFILE"),
        "{apply}"
    );
}

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn a_profile_from_the_shared_credentials_file_is_used() {
    require_acceptance!();
    let region = emulator().unique_region();
    let vpc = emulator().create_vpc(region, "10.0.0.0/16");
    let url = emulator().endpoint();
    let mut ws = isolated(&format!(
        "{HEADER}provider \"cumulocity\" {{\n  region = \"{region}\"\n  profile = \"c8y\"\n  endpoints {{\n    ec2 = \"{url}\"\n  }}\n}}\n{}",
        firewall(&vpc)
    ));
    ws.write(
        "credentials",
        "[c8y]\naws_access_key_id = AKIAPROFILEEXAMPLE\naws_secret_access_key = profile-secret\n",
    );
    let file = ws.path().join("credentials").display().to_string();
    ws.set_env("AWS_SHARED_CREDENTIALS_FILE", &file);
    ws.apply_ok();
    let id = ws.show_json()["values"]["root_module"]["resources"][0]["values"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(emulator().group_exists(region, &id));
}

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn assume_role_gets_credentials_from_sts() {
    require_acceptance!();
    let region = emulator().unique_region();
    let vpc = emulator().create_vpc(region, "10.0.0.0/16");
    let url = emulator().endpoint();
    let ws = isolated(&format!(
        r#"{HEADER}provider "cumulocity" {{
  region     = "{region}"
  access_key = "AKIABASEEXAMPLE"
  secret_key = "base-secret"
  assume_role {{
    role_arn     = "arn:aws:iam::123456789012:role/c8y-deployer"
    session_name = "terraform-test"
    external_id  = "c8y"
  }}
  endpoints {{
    ec2 = "{url}"
    sts = "{url}"
  }}
}}
{}"#,
        firewall(&vpc)
    ));
    ws.apply_ok();
    let id = ws.show_json()["values"]["root_module"]["resources"][0]["values"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(emulator().group_exists(region, &id));
}
