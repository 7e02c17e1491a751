//! The examples in `examples/` (Registry layout) are formatted and valid for
//! the real Terraform with this provider's schema. Gated by TF_ACC=1.

mod support;

use std::fs;
use std::path::{Path, PathBuf};

use support::{acceptance_enabled, Workspace};

const REQUIRED_PROVIDERS: &str = r#"terraform {
  required_providers {
    cumulocity = { source = "c8y-community/cumulocity" }
  }
}
"#;

/// Every folder under examples/ that holds .tf files.
fn example_dirs(dir: &Path, found: &mut Vec<PathBuf>) {
    let mut has_tf = false;
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            example_dirs(&path, found);
        } else if path.extension().is_some_and(|e| e == "tf") {
            has_tf = true;
        }
    }
    if has_tf {
        found.push(dir.to_path_buf());
    }
}

#[test]
fn examples_are_formatted_and_valid() {
    if !acceptance_enabled() {
        eprintln!("skipped: set TF_ACC=1");
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let fmt = Workspace::new("").run(&["fmt", "-check", "-recursive", "-diff", root.to_str().unwrap()]);
    assert!(fmt.success(), "terraform fmt -check found unformatted examples:\n{fmt}");

    let mut dirs = Vec::new();
    example_dirs(&root, &mut dirs);
    assert!(dirs.len() >= 4, "{dirs:?}");
    for dir in dirs {
        // Workspace::new writes an empty main.tf; an example's own replaces it.
        let ws = Workspace::new("");
        let mut declares_provider = false;
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "tf") {
                let text = fs::read_to_string(&path).unwrap();
                declares_provider |= text.contains("required_providers");
                ws.write(path.file_name().unwrap().to_str().unwrap(), &text);
            }
        }
        // Registry examples of one resource leave the provider block out.
        if !declares_provider {
            ws.write("providers.tf", REQUIRED_PROVIDERS);
        }
        let validate = ws.run(&["validate", "-no-color"]);
        assert!(validate.success(), "{} is not valid:\n{validate}", dir.display());
    }
}
