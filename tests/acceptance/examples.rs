//! The examples in `examples/` (Registry layout) are formatted and valid for
//! the real Terraform with this provider's schema, and `examples/complete`
//! applies against the AWS emulator. Gated by TF_ACC=1.
//!
//! Examples of features newer than the Terraform under test are checked
//! only where it knows them, and the test says what it left out: an
//! `import-by-identity.tf` needs Terraform 1.12, a `.tfquery.hcl` (which
//! `terraform fmt` and `terraform validate -query` know from 1.14) 1.14.
//! The suite's 1.15.5 pass (`make test`) checks them all.

use std::fs;
use std::path::{Path, PathBuf};

use crate::support::emulator::{emulator, ACCESS_KEY, SECRET_KEY};
use crate::support::{print_uncaptured, terraform_version, Workspace};

const REQUIRED_PROVIDERS: &str = r#"terraform {
  required_providers {
    cumulocity = { source = "c8y-community/cumulocity" }
  }
}
"#;

/// Every folder under examples/ that holds .tf or .tfquery.hcl files.
fn example_dirs(dir: &Path, found: &mut Vec<PathBuf>) {
    let mut has_tf = false;
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            example_dirs(&path, found);
        } else if path.extension().is_some_and(|e| e == "tf") || is_query(&path) {
            has_tf = true;
        }
    }
    if has_tf {
        found.push(dir.to_path_buf());
    }
}

fn is_query(path: &Path) -> bool {
    path.to_string_lossy().ends_with(".tfquery.hcl")
}

/// The Terraform an example file needs, when it is newer than 1.5 (import
/// blocks, which every tested Terraform has).
fn needs(path: &Path) -> Option<(u64, u64)> {
    if is_query(path) {
        Some((1, 14))
    } else if path.file_name().is_some_and(|n| n == "import-by-identity.tf") {
        Some((1, 12))
    } else {
        None
    }
}

/// Whether the Terraform under test can check `path`; says so when not.
fn checkable(path: &Path) -> bool {
    match needs(path) {
        Some((major, minor)) if !terraform_version().at_least(major, minor) => {
            print_uncaptured(&format!(
                "skipped: examples: {} needs Terraform {major}.{minor} or later; this run uses Terraform {}",
                path.display(),
                terraform_version()
            ));
            false
        }
        _ => true,
    }
}

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn examples_are_formatted_and_valid() {
    require_acceptance!();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let fmt = Workspace::new("").run(&["fmt", "-check", "-recursive", "-diff", root.to_str().unwrap()]);
    assert!(fmt.success(), "terraform fmt -check found unformatted examples:\n{fmt}");

    let mut dirs = Vec::new();
    example_dirs(&root, &mut dirs);
    assert!(dirs.len() >= 5, "{dirs:?}");
    for dir in dirs {
        // Workspace::new writes an empty main.tf; an example's own replaces it.
        let ws = Workspace::new("");
        let mut declares_provider = false;
        let mut queries = false;
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if (path.extension().is_some_and(|e| e == "tf") || is_query(&path)) && checkable(&path) {
                let text = fs::read_to_string(&path).unwrap();
                declares_provider |= text.contains("required_providers");
                queries |= is_query(&path);
                ws.write(path.file_name().unwrap().to_str().unwrap(), &text);
            }
        }
        // Registry examples of one resource leave the provider block out.
        if !declares_provider {
            ws.write("providers.tf", REQUIRED_PROVIDERS);
        }
        let args: &[&str] = if queries {
            &["validate", "-query", "-no-color"]
        } else {
            &["validate", "-no-color"]
        };
        let validate = ws.run(args);
        assert!(validate.success(), "{} is not valid:\n{validate}", dir.display());
    }
}

/// `examples/complete` as a user would run it: its own files, variables from
/// a `terraform.tfvars`, credentials from the environment. The VPC and the
/// NLB (TCP 80, 443, 1883 and TLS 8883, like the firewall document's external ports) are
/// made in the emulator first, as the AWS provider would make them.
#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn complete_example_applies_and_destroys_against_the_emulator() {
    require_acceptance!();
    let emu = emulator();
    let region = emu.unique_region_with_zones();
    let nlb = emu.network_load_balancer(region, 42, &[("TCP", 80), ("TCP", 443), ("TCP", 1883), ("TLS", 8883)]);
    let before = emu.all_group_ids(region).len();

    let mut ws = Workspace::new("");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/complete");
    for entry in fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "tf") {
            ws.write(
                path.file_name().unwrap().to_str().unwrap(),
                &fs::read_to_string(&path).unwrap(),
            );
        }
    }
    let listeners: Vec<String> = nlb.listeners.iter().map(|a| format!("\"{a}\"")).collect();
    ws.write(
        "terraform.tfvars",
        &format!(
            "region         = \"{region}\"\nendpoint       = \"{}\"\nvpc_id         = \"{}\"\nvpc_cidr_block = \"{}\"\nlistener_arns  = [{}]\n",
            emu.endpoint(),
            nlb.vpc,
            nlb.vpc_cidr,
            listeners.join(", ")
        ),
    );
    ws.set_env("AWS_ACCESS_KEY_ID", ACCESS_KEY)
        .set_env("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
        .set_env("AWS_EC2_METADATA_DISABLED", "true");

    let apply = ws.apply_ok();
    assert!(apply.stdout.contains("3 added"), "{apply}");
    // One warning per listener that cannot get 14,400 s (three TCP, one
    // TLS), and one because no target interfaces are given.
    let warnings = apply.warnings();
    let reduced = warnings
        .iter()
        .filter(|w| w.summary.starts_with("Session timeout reduced"))
        .count();
    assert_eq!(reduced, 4, "{apply}");
    assert!(
        warnings
            .iter()
            .any(|w| w.summary == "Targets may drop long connections"),
        "{apply}"
    );

    let ids = ws.output("security_group_ids");
    for name in ["edge", "node", "agents"] {
        let id = ids[name].as_str().unwrap_or_else(|| panic!("no id for {name}: {ids}"));
        assert!(emu.group_exists(region, id), "{name} ({id}) is not in the emulator");
    }
    assert_eq!(emu.all_group_ids(region).len(), before + 3);
    let counts = ws.output("rule_counts");
    assert_eq!(counts["edge"], 8, "external over IPv4 and IPv6: {counts}");
    assert_eq!(
        counts["agents"], 3,
        "6670 and 8334 in, 80 out (asked for by both sets): {counts}"
    );
    let timeouts = ws.output("listener_timeouts");
    for (arn, seconds) in nlb.listeners.iter().zip([6000, 6000, 6000, 350]) {
        assert_eq!(timeouts[arn]["seconds"], seconds, "{arn}: {timeouts:#}");
    }
    assert_eq!(emu.nlb_idle_timeout(region, &nlb.listeners[0]).as_deref(), Some("6000"));

    ws.plan_no_changes();
    ws.destroy_ok();
    assert_eq!(emu.all_group_ids(region).len(), before, "every group is gone");
    assert_eq!(
        emu.nlb_idle_timeout(region, &nlb.listeners[0]).as_deref(),
        Some("350"),
        "destroy restores AWS's default"
    );
}
