//! The release artifacts work as a user gets them: `scripts/release` packages
//! the provider (here the debug binary Cargo built for the tests, through
//! `--binary`: the real release build takes minutes and is `make release`'s
//! job), and the real Terraform installs the zip from a filesystem mirror,
//! with no `dev_overrides`, in both layouts a mirror may use, then runs a
//! configuration with the data source (no AWS needed). Gated by TF_ACC=1.

use std::fs;
use std::path::Path;
use std::process::Command;

use crate::support::{hcl_string, provider_binary, Workspace, PROVIDER_SOURCE};

const VERSION: &str = env!("CARGO_PKG_VERSION");
const NAME: &str = "terraform-provider-cumulocity";

/// This machine's Terraform platform, as the release script names it.
fn os_arch() -> String {
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        other => other,
    };
    format!("{}_{arch}", std::env::consts::OS)
}

/// A data-source-only configuration: no credentials, no AWS call.
fn config() -> String {
    format!(
        r#"terraform {{
  required_providers {{
    cumulocity = {{
      source  = "{PROVIDER_SOURCE}"
      version = "{VERSION}"
    }}
  }}
}}

data "cumulocity_firewall_rules" "edge" {{
  rule_sets = ["external"]
}}

output "ingress_rule_count" {{
  value = data.cumulocity_firewall_rules.edge.ingress_rule_count
}}
"#
    )
}

fn mirror_config(mirror: &Path) -> String {
    format!(
        "provider_installation {{\n  filesystem_mirror {{\n    path    = {}\n    include = [\"registry.terraform.io/{PROVIDER_SOURCE}\"]\n  }}\n}}\n",
        hcl_string(&mirror.to_string_lossy())
    )
}

/// `terraform init` from `mirror`, then apply the data source and read it.
fn init_and_apply_from(mirror: &Path) {
    let ws = Workspace::new(&config());
    ws.set_cli_config(&mirror_config(mirror));
    let init = ws.run(&["init", "-input=false", "-no-color"]);
    assert!(
        init.success(),
        "terraform init from {} failed\n{init}",
        mirror.display()
    );
    assert!(
        init.stdout.contains(&format!("Installed {PROVIDER_SOURCE} v{VERSION}")),
        "{init}"
    );
    let lock = ws.read(".terraform.lock.hcl");
    assert!(
        lock.contains(&format!("registry.terraform.io/{PROVIDER_SOURCE}")) && lock.contains(VERSION),
        "{lock}"
    );
    let plan = ws.plan();
    assert!(plan.success(), "{plan}");
    assert!(
        !plan.combined().contains("development overrides"),
        "the installed provider must be used, not a dev override\n{plan}"
    );
    ws.apply_ok();
    assert_eq!(ws.output("ingress_rule_count"), 4);
}

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn release_zip_installs_from_a_filesystem_mirror() {
    require_acceptance!();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::Builder::new().prefix("release-").tempdir().unwrap();
    let status = Command::new(root.join("scripts/release"))
        .arg("--binary")
        .arg(provider_binary())
        .arg("--out")
        .arg(out.path())
        .arg("--version")
        .arg(VERSION)
        .env_remove("GPG_FINGERPRINT")
        .status()
        .expect("run scripts/release");
    assert!(status.success(), "scripts/release failed: {status}");

    let platform = os_arch();
    let zip_name = format!("{NAME}_{VERSION}_{platform}.zip");
    let zip = out.path().join(&zip_name);
    let manifest_name = format!("{NAME}_{VERSION}_manifest.json");
    let manifest = fs::read_to_string(out.path().join(&manifest_name)).unwrap();
    let expected = r#"{"version":1,"metadata":{"protocol_versions":["6.0"]}}"#;
    assert_eq!(manifest.trim(), expected);
    assert_eq!(
        fs::read_to_string(root.join("terraform-registry-manifest.json"))
            .unwrap()
            .trim(),
        expected
    );
    let sums = fs::read_to_string(out.path().join(format!("{NAME}_{VERSION}_SHA256SUMS"))).unwrap();
    let mut named: Vec<&str> = sums
        .lines()
        .map(|l| {
            let (hash, file) = l
                .split_once("  ")
                .unwrap_or_else(|| panic!("not a sha256sum line: {l:?}"));
            assert!(hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()), "{l}");
            file
        })
        .collect();
    named.sort();
    assert_eq!(named, [zip_name.as_str(), manifest_name.as_str()]);

    // The packed layout: the zip as it is, where Terraform looks for it.
    let packed = tempfile::tempdir().unwrap();
    let dir = packed.path().join(format!("registry.terraform.io/{PROVIDER_SOURCE}"));
    fs::create_dir_all(&dir).unwrap();
    fs::copy(&zip, dir.join(&zip_name)).unwrap();
    init_and_apply_from(packed.path());

    // The unpacked layout: <host>/<namespace>/<type>/<version>/<platform>/,
    // unzipped with the modes the zip records (which `unzip` would keep).
    let unpacked = tempfile::tempdir().unwrap();
    let dir = unpacked
        .path()
        .join(format!("registry.terraform.io/{PROVIDER_SOURCE}/{VERSION}/{platform}"));
    fs::create_dir_all(&dir).unwrap();
    let unzip = Command::new("python3")
        .args([
            "-c",
            "import os, sys, zipfile\n\
             z = zipfile.ZipFile(sys.argv[1])\n\
             names = z.namelist()\n\
             assert names == [sys.argv[3]], names\n\
             for i in z.infolist():\n\
             \x20   path = z.extract(i, sys.argv[2])\n\
             \x20   os.chmod(path, i.external_attr >> 16 & 0o777)\n\
             \x20   print(oct(i.external_attr >> 16 & 0o777))\n",
        ])
        .arg(&zip)
        .arg(&dir)
        .arg(format!("{NAME}_v{VERSION}"))
        .output()
        .expect("run python3");
    assert!(unzip.status.success(), "{}", String::from_utf8_lossy(&unzip.stderr));
    assert_eq!(
        String::from_utf8_lossy(&unzip.stdout).trim(),
        "0o755",
        "the binary is executable"
    );
    init_and_apply_from(unpacked.path());
}

/// `GPG_FINGERPRINT` signs SHA256SUMS with a signature that verifies, and a
/// tampered SHA256SUMS does not: a throwaway RSA key (the Registry takes no
/// ECC keys) in a temporary GNUPGHOME, `--checksums-only` as the release
/// workflow runs it over a zip already in the output directory.
#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn gpg_fingerprint_signs_sha256sums_verifiably() {
    require_acceptance!();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let home = tempfile::Builder::new().prefix("gnupg-").tempdir().unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(home.path(), fs::Permissions::from_mode(0o700)).unwrap();
    }
    let gpg = |args: &[&str]| {
        let out = Command::new("gpg")
            .env("GNUPGHOME", home.path())
            .args(["--batch", "--no-tty"])
            .args(args)
            .output()
            .expect("run gpg (GnuPG is needed to sign releases)");
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (ok, _, err) = gpg(&[
        "--passphrase",
        "",
        "--quick-gen-key",
        "Release Test <release-test@example.invalid>",
        "rsa2048",
        "sign",
        "1d",
    ]);
    assert!(ok, "gpg --quick-gen-key: {err}");
    let (ok, listing, err) = gpg(&["--list-secret-keys", "--with-colons"]);
    assert!(ok, "{err}");
    let fingerprint = listing
        .lines()
        .find_map(|l| l.strip_prefix("fpr:").map(|r| r.trim_matches(':').to_string()))
        .expect("the new key's fingerprint");

    let out = tempfile::Builder::new().prefix("release-").tempdir().unwrap();
    let zip = out.path().join(format!("{NAME}_{VERSION}_{}.zip", os_arch()));
    fs::write(&zip, b"not really a zip: --checksums-only does not open it").unwrap();
    let run = Command::new(root.join("scripts/release"))
        .args(["--checksums-only", "--out"])
        .arg(out.path())
        .env("GNUPGHOME", home.path())
        .env("GPG_FINGERPRINT", &fingerprint)
        .output()
        .expect("run scripts/release");
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));

    let sums = out.path().join(format!("{NAME}_{VERSION}_SHA256SUMS"));
    let sig = out.path().join(format!("{NAME}_{VERSION}_SHA256SUMS.sig"));
    let (sums_s, sig_s) = (sums.to_str().unwrap(), sig.to_str().unwrap());
    let (ok, _, err) = gpg(&["--verify", sig_s, sums_s]);
    assert!(ok && err.contains("Good signature"), "gpg --verify: {err}");
    let bytes = fs::read(&sig).unwrap();
    assert!(
        !bytes.starts_with(b"-----BEGIN"),
        "the Registry wants a binary signature, not an armoured one"
    );
    assert!(fs::read_to_string(&sums)
        .unwrap()
        .contains(zip.file_name().unwrap().to_str().unwrap()));

    fs::write(&sums, format!("{}  tampered.zip\n", "0".repeat(64))).unwrap();
    let (ok, _, err) = gpg(&["--verify", sig_s, sums_s]);
    assert!(
        !ok && err.contains("BAD signature"),
        "a changed SHA256SUMS must not verify: {err}"
    );
}
