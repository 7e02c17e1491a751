// This file is part of the tf-provider project
//
// Added by terraform-provider-cumulocity. Licensed under the Apache License,
// Version 2.0, like the rest of the crate.

//! End to end with a real Terraform 1.14+: the example provider
//! `examples/terraform-provider-inventory.rs` found by `terraform query`,
//! its configuration generated, imported by identity, moved across types.
//!
//! Ignored unless run with `--include-ignored`, and then fails without
//! `TF_ACC` set, like the provider's acceptance tests. It
//! uses the Terraform at `TF_ACC_TERRAFORM_PATH` (else `terraform` on
//! `PATH`), which must be 1.14 or newer, and the example binary `cargo test`
//! builds (`cargo build --example terraform-provider-inventory` when only
//! this test is run).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

struct Workspace {
    terraform: PathBuf,
    root: tempdir::TempDir,
}

/// A throwaway directory (std only, no extra dev-dependency)
mod tempdir {
    use std::path::{Path, PathBuf};

    pub struct TempDir(PathBuf);

    impl TempDir {
        pub fn new(prefix: &str) -> Self {
            let unique = format!(
                "{prefix}-{}-{}",
                std::process::id(),
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_nanos()
            );
            let path = std::env::temp_dir().join(unique);
            std::fs::create_dir_all(&path).unwrap();
            Self(path)
        }
        pub fn path(&self) -> &Path {
            &self.0
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

struct Run {
    success: bool,
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Workspace {
    fn new(terraform: PathBuf, plugin_dir: &Path) -> Self {
        let root = tempdir::TempDir::new("tf-provider-query");
        fs::create_dir_all(root.path().join("store")).unwrap();
        fs::create_dir_all(root.path().join("work")).unwrap();
        fs::write(
            root.path().join("terraformrc"),
            format!(
                "provider_installation {{\n  dev_overrides {{\n    \"example/inventory\" = {:?}\n  }}\n  direct {{}}\n}}\n",
                plugin_dir.display().to_string()
            ),
        )
        .unwrap();
        let ws = Self { terraform, root };
        ws.write(
            "main.tf",
            r#"terraform {
  required_providers {
    inventory = { source = "example/inventory" }
  }
}
provider "inventory" {}
"#,
        );
        ws
    }

    fn work(&self) -> PathBuf {
        self.root.path().join("work")
    }

    fn write(&self, name: &str, contents: &str) {
        fs::write(self.work().join(name), contents).unwrap();
    }

    fn read(&self, name: &str) -> String {
        fs::read_to_string(self.work().join(name)).unwrap()
    }

    fn remove(&self, name: &str) {
        fs::remove_file(self.work().join(name)).unwrap();
    }

    fn item(&self, id: &str, json: &str) {
        fs::write(
            self.root.path().join("store").join(format!("{id}.json")),
            json,
        )
        .unwrap();
    }

    fn run_with(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let output = Command::new(&self.terraform)
            .args(args)
            .arg("-no-color")
            .current_dir(self.work())
            .env("TF_CLI_CONFIG_FILE", self.root.path().join("terraformrc"))
            .env("INVENTORY_DIR", self.root.path().join("store"))
            .env("CHECKPOINT_DISABLE", "1")
            .env("TF_IN_AUTOMATION", "1")
            .env("RUST_BACKTRACE", "0")
            .env_remove("TF_LOG")
            .envs(env.iter().copied())
            .output()
            .expect("run terraform");
        Run {
            success: output.status.success(),
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Runs Terraform and fails the test with its output unless it succeeds
    fn run(&self, args: &[&str]) -> String {
        let run = self.run_with(args, &[]);
        assert!(
            run.success,
            "terraform {args:?} failed:\n{}\n{}",
            run.stdout, run.stderr
        );
        assert!(
            !run.stderr.contains("Failed to marshal"),
            "terraform {args:?}:\n{}",
            run.stderr
        );
        run.stdout
    }

    fn state(&self) -> serde_json::Value {
        serde_json::from_str(&self.read("terraform.tfstate")).unwrap()
    }
}

fn terraform() -> PathBuf {
    let terraform = std::env::var_os("TF_ACC_TERRAFORM_PATH")
        .filter(|path| !path.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("terraform"));
    let output = Command::new(&terraform)
        .args(["version", "-json"])
        .output()
        .unwrap_or_else(|err| panic!("cannot run {}: {err}", terraform.display()));
    let version: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("terraform version -json");
    let version = version["terraform_version"].as_str().unwrap().to_string();
    let mut parts = version
        .split('.')
        .map(|part| part.parse::<u32>().unwrap_or(0));
    let (major, minor) = (parts.next().unwrap(), parts.next().unwrap());
    assert!(
        (major, minor) >= (1, 14),
        "this test needs Terraform 1.14 or newer (terraform query); {} is {version}: \
         set TF_ACC_TERRAFORM_PATH",
        terraform.display()
    );
    terraform
}

fn plugin_dir() -> PathBuf {
    // target/<profile>/deps/<this test> -> target/<profile>/examples
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().unwrap().parent().unwrap().join("examples");
    assert!(
        dir.join("terraform-provider-inventory").is_file(),
        "{} has no terraform-provider-inventory: run `cargo build --example \
         terraform-provider-inventory` (plain `cargo test` builds it)",
        dir.display()
    );
    dir
}

/// The `resource` block named `name` in generated configuration
fn resource_block<'a>(generated: &'a str, name: &str) -> &'a str {
    let start = generated
        .find(&format!("resource \"inventory_item\" \"{name}\" {{"))
        .unwrap_or_else(|| panic!("no resource {name} in:\n{generated}"));
    let end = start + generated[start..].find("\n}\n").unwrap() + 3;
    &generated[start..end]
}

#[test]
#[ignore = "runs Terraform: TF_ACC=1 and --include-ignored (make test does)"]
fn query_generate_import_and_move_with_terraform() {
    assert!(
        std::env::var_os("TF_ACC").is_some(),
        "run without TF_ACC=1: set it (and TF_ACC_TERRAFORM_PATH to Terraform 1.14+), or leave out --include-ignored"
    );
    let ws = Workspace::new(terraform(), &plugin_dir());
    ws.item(
        "item-web",
        r#"{"name":"web","note":null,"size":1,"zone":"zone-a"}"#,
    );
    ws.item(
        "item-db",
        r#"{"name":"db","note":"primary \"db\"","size":4,"zone":"zone-b"}"#,
    );
    ws.item(
        "item-cache",
        r#"{"name":"cache","note":"","size":1,"zone":"zone-a"}"#,
    );

    // terraform query: the list resource streams identities and names.
    ws.write(
        "items.tfquery.hcl",
        "list \"inventory_item\" \"all\" {\n  provider = inventory\n}\n",
    );
    let listed = ws.run(&["query"]);
    for line in [
        "id=item-cache,zone=zone-a   cache (item-cache)",
        "id=item-db,zone=zone-b      db (item-db)",
        "id=item-web,zone=zone-a     web (item-web)",
    ] {
        assert!(listed.contains(line), "{line:?} not in:\n{listed}");
    }

    // The list block's limit reaches the provider.
    ws.write(
        "items.tfquery.hcl",
        "list \"inventory_item\" \"all\" {\n  provider = inventory\n  limit = 2\n}\n",
    );
    let limited = ws.run(&["query"]);
    assert_eq!(
        limited.matches("list.inventory_item.all").count(),
        2,
        "{limited}"
    );

    ws.write(
        "items.tfquery.hcl",
        "list \"inventory_item\" \"all\" {\n  provider = inventory\n}\n",
    );

    // -generate-config-out: the provider writes the configuration (only
    // what differs from the defaults; Terraform sorts the attributes and
    // writes null optional arguments as `= null`), Terraform the imports.
    ws.run(&["query", "-generate-config-out=generated.tf"]);
    let generated = ws.read("generated.tf");
    assert_eq!(
        resource_block(&generated, "all_1"),
        "resource \"inventory_item\" \"all_1\" {\n  provider = inventory\n  name     = \"db\"\n  \
         note     = \"primary \\\"db\\\"\"\n  size     = 4\n  token    = null\n  zone     = \"zone-b\"\n}\n"
    );
    assert_eq!(
        resource_block(&generated, "all_2"),
        "resource \"inventory_item\" \"all_2\" {\n  provider = inventory\n  name     = \"web\"\n  \
         note     = null\n  token    = null\n}\n"
    );
    assert!(
        generated.contains(
            "import {\n  to       = inventory_item.all_0\n  provider = inventory\n  identity = {\n    \
             id   = \"item-cache\"\n    zone = \"zone-a\"\n  }\n}"
        ),
        "{generated}"
    );

    // Terraform's own rendering, for a provider that does not write it:
    // every optional argument, defaults included.
    ws.remove("generated.tf");
    let legacy = ws.run_with(
        &["query", "-generate-config-out=legacy.tf"],
        &[("INVENTORY_GENERATE", "0")],
    );
    assert!(legacy.success, "{}", legacy.stderr);
    let legacy = ws.read("legacy.tf");
    assert_eq!(
        resource_block(&legacy, "all_2"),
        "resource \"inventory_item\" \"all_2\" {\n  provider = inventory\n  name     = \"web\"\n  \
         note     = null\n  size     = 1\n  token    = null\n  zone     = \"zone-a\"\n}\n"
    );
    ws.remove("legacy.tf");
    ws.remove("items.tfquery.hcl");

    // Applying the generated configuration imports everything, changes
    // nothing, and stores the identities.
    ws.write("generated.tf", &generated);
    let applied = ws.run(&["apply", "-auto-approve"]);
    assert!(
        applied.contains("Resources: 3 imported, 0 added, 0 changed, 0 destroyed."),
        "{applied}"
    );
    let plan = ws.run_with(&["plan", "-detailed-exitcode"], &[]);
    assert_eq!(plan.code, Some(0), "{}\n{}", plan.stdout, plan.stderr);
    let state = ws.state();
    let identities: Vec<_> = state["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["instances"][0]["identity"].clone())
        .collect();
    assert!(identities.contains(&serde_json::json!({"id": "item-db", "zone": "zone-b"})));
    assert_eq!(identities.len(), 3);

    // Import by identity, with the configuration generated by plan.
    ws.item(
        "item-extra",
        r#"{"name":"extra","note":null,"size":7,"zone":"zone-c"}"#,
    );
    ws.write(
        "import.tf",
        "import {\n  to       = inventory_item.extra\n  identity = { id = \"item-extra\" }\n}\n",
    );
    ws.run(&["plan", "-generate-config-out=extra.tf"]);
    let extra = ws.read("extra.tf");
    assert!(
        extra.contains(
            "resource \"inventory_item\" \"extra\" {\n  name  = \"extra\"\n  note  = null\n  \
             size  = 7\n  token = null\n  zone  = \"zone-c\"\n}"
        ),
        "{extra}"
    );
    let applied = ws.run(&["apply", "-auto-approve"]);
    assert!(applied.contains("1 imported, 0 added"), "{applied}");

    // Create with a write-only argument: Terraform renders the plan (no
    // unknown identity in it), and the token is never stored.
    ws.write(
        "fresh.tf",
        "resource \"inventory_item\" \"fresh\" {\n  name  = \"fresh\"\n  token = \"s3cret\"\n}\n",
    );
    let applied = ws.run(&["apply", "-auto-approve"]);
    assert!(
        applied.contains("+ resource \"inventory_item\" \"fresh\""),
        "{applied}"
    );
    assert!(
        applied.contains("token = (write-only attribute)"),
        "{applied}"
    );
    assert!(!ws.read("terraform.tfstate").contains("s3cret"));
    let fresh = state_instance(&ws.state(), "fresh");
    assert_eq!(
        fresh["identity"],
        serde_json::json!({"id": "item-fresh", "zone": "zone-a"})
    );

    // A `moved` block from another resource type: MoveResourceState.
    ws.item(
        "item-web2",
        r#"{"name":"web2","note":null,"size":2,"zone":"zone-a"}"#,
    );
    let mut state = ws.state();
    state["serial"] = (state["serial"].as_i64().unwrap() + 1).into();
    state["resources"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({
            "mode": "managed",
            "type": "inventory_legacy_item",
            "name": "old",
            "provider": "provider[\"registry.terraform.io/example/inventory\"]",
            "instances": [{
                "schema_version": 3,
                "attributes": {"item_id": "item-web2", "title": "web2"},
                "sensitive_attributes": [],
            }],
        }));
    ws.write("terraform.tfstate", &state.to_string());
    ws.write(
        "moved.tf",
        "moved {\n  from = inventory_legacy_item.old\n  to   = inventory_item.moved\n}\n\
         resource \"inventory_item\" \"moved\" {\n  name = \"web2\"\n  size = 2\n}\n",
    );
    let applied = ws.run(&["apply", "-auto-approve"]);
    assert!(
        applied.contains("inventory_legacy_item.old has moved to inventory_item.moved"),
        "{applied}"
    );
    assert!(
        applied.contains("0 added, 0 changed, 0 destroyed"),
        "{applied}"
    );
    let moved = state_instance(&ws.state(), "moved");
    assert_eq!(
        moved["identity"],
        serde_json::json!({"id": "item-web2", "zone": "zone-a"})
    );

    // A move from a type the resource does not take over names it.
    let mut state = ws.state();
    state["serial"] = (state["serial"].as_i64().unwrap() + 1).into();
    state["resources"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({
            "mode": "managed",
            "type": "inventory_other_item",
            "name": "other",
            "provider": "provider[\"registry.terraform.io/example/inventory\"]",
            "instances": [{"schema_version": 0, "attributes": {}, "sensitive_attributes": []}],
        }));
    ws.write("terraform.tfstate", &state.to_string());
    ws.write(
        "other.tf",
        "moved {\n  from = inventory_other_item.other\n  to   = inventory_item.other\n}\n\
         resource \"inventory_item\" \"other\" {\n  name = \"other\"\n}\n",
    );
    let refused = ws.run_with(&["plan"], &[]);
    assert!(!refused.success);
    assert!(
        refused.stderr.contains(
            "Error: Moving from `inventory_other_item` (registry.terraform.io/example/inventory) \
             is not supported"
        ),
        "{}",
        refused.stderr
    );
}

fn state_instance(state: &serde_json::Value, name: &str) -> serde_json::Value {
    state["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name)
        .unwrap_or_else(|| panic!("no {name} in state"))["instances"][0]
        .clone()
}
