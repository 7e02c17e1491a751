//! A firewall never takes over a group another state manages, and an apply
//! killed part-way is recovered by the next one (issue #20): the real
//! Terraform, the emulator, two working directories, and applies killed
//! with SIGKILL while the provider waits on a proxy that stops answering
//! right after CreateSecurityGroup or the first Authorize call.
//! Gated by TF_ACC=1.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::resource_firewall::{assert_state_matches_aws, aws_rules};
use crate::support::emulator::emulator;
use crate::support::{terraform_path, Workspace};

/// The actions that change something in EC2.
fn modifying(counts: &std::collections::HashMap<String, usize>) -> Vec<String> {
    let mut changed: Vec<String> = counts
        .keys()
        .filter(|a| !a.starts_with("Describe") && a.as_str() != "CreateSecurityGroup")
        .cloned()
        .collect();
    changed.sort();
    changed
}

fn firewall(region: &str, vpc: &str, naming: &str, rule_sets: &str) -> String {
    let ssh = if rule_sets.contains("ssh") {
        "\n  ssh_cidr_blocks = [\"10.0.0.0/8\"]"
    } else {
        ""
    };
    format!(
        "{}resource \"cumulocity_firewall\" \"edge\" {{\n  {naming}\n  vpc_id = \"{vpc}\"\n  rule_sets = {rule_sets}{ssh}\n}}\n",
        emulator().hcl_prelude(region)
    )
}

fn state_id(ws: &Workspace) -> String {
    let state = ws.show_json();
    state["values"]["root_module"]["resources"][0]["values"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no firewall in the state: {state:#}"))
        .to_string()
}

/// The groups of `region` whose name starts with `prefix`, and their tags.
fn groups_named(region: &str, prefix: &str) -> Vec<(String, Vec<(String, String)>)> {
    let out = emulator()
        .block_on(emulator().ec2(region).describe_security_groups().send())
        .unwrap();
    out.security_groups()
        .iter()
        .filter(|g| g.group_name().is_some_and(|n| n.starts_with(prefix)))
        .map(|g| {
            let tags = g
                .tags()
                .iter()
                .map(|t| {
                    (
                        t.key().unwrap_or_default().to_string(),
                        t.value().unwrap_or_default().to_string(),
                    )
                })
                .collect();
            (g.group_id().unwrap().to_string(), tags)
        })
        .collect()
}

/// Two working directories declare a firewall of the same name in the same
/// VPC. The second apply stops with an error that names the first one's
/// group and says what to do; it makes no call that changes anything; the
/// first configuration's next plan is empty.
#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn a_second_configuration_of_the_same_name_fails_and_changes_nothing() {
    require_acceptance!();
    let region = emulator().unique_region();
    let vpc = emulator().create_vpc(region, "10.92.0.0/16");
    let first = Workspace::new(&firewall(region, &vpc, "name = \"shared-edge\"", r#"["external"]"#));
    first.apply_ok();
    let id = assert_state_matches_aws(&first, region, "cumulocity_firewall.edge");
    let rules = aws_rules(region, &id);
    assert_eq!(rules.len(), 4, "{rules:#?}");
    let tags = &groups_named(region, "shared-edge")[0].1;
    assert!(
        !tags.iter().any(|(k, _)| k == "cumulocity-firewall:creating"),
        "a completed create leaves no marker: {tags:?}"
    );

    let since = emulator().start_recording_in(region);
    let second = Workspace::new(&firewall(region, &vpc, "name = \"shared-edge\"", r#"["ssh"]"#));
    let apply = second.apply();
    assert_ne!(apply.status, 0, "{apply}");
    let errors = apply.errors();
    assert_eq!(errors.len(), 1, "{apply}");
    let text = errors[0].text();
    assert_eq!(errors[0].summary, "Security group name already in use", "{apply}");
    for words in [
        id.as_str(),
        "\"shared-edge\"",
        vpc.as_str(),
        "another configuration appears to manage it",
        "import it here",
        "terraform import",
        "choose another `name`",
    ] {
        assert!(text.contains(words), "{words:?} missing:\n{apply}");
    }
    let counts = emulator().action_counts_in_since(region, since);
    assert_eq!(modifying(&counts), Vec::<String>::new(), "calls: {counts:?}");
    assert_eq!(counts.get("CreateSecurityGroup"), Some(&1), "{counts:?}");
    assert_eq!(aws_rules(region, &id), rules, "the first group's rules are untouched");
    assert_eq!(groups_named(region, "shared-edge").len(), 1);
    first.plan_no_changes();
}

/// With `name_prefix`, two configurations never share a name: the second
/// creates its own group and does not take the first one's (whose marker
/// its create removed), and neither touches the other's rules.
#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn a_second_configuration_of_the_same_prefix_gets_its_own_group() {
    require_acceptance!();
    let region = emulator().unique_region();
    let vpc = emulator().create_vpc(region, "10.93.0.0/16");
    let first = Workspace::new(&firewall(region, &vpc, "name_prefix = \"team-\"", r#"["external"]"#));
    first.apply_ok();
    let id = assert_state_matches_aws(&first, region, "cumulocity_firewall.edge");
    let rules = aws_rules(region, &id);

    let second = Workspace::new(&firewall(region, &vpc, "name_prefix = \"team-\"", r#"["ssh"]"#));
    let apply = second.apply_ok();
    assert!(apply.warnings().is_empty(), "nothing adopted:\n{apply}");
    let other = assert_state_matches_aws(&second, region, "cumulocity_firewall.edge");
    assert_ne!(other, id);
    assert_eq!(aws_rules(region, &id), rules, "the first group's rules are untouched");
    assert_eq!(groups_named(region, "team-").len(), 2);
    first.plan_no_changes();
    second.plan_no_changes();
}

/// Firewalls of one apply with one `name_prefix` (a `count`) are created in
/// parallel by one provider process: each looks for a left group before
/// creating, and none takes a group another one is still filling.
#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn firewalls_of_one_apply_with_one_prefix_get_a_group_each() {
    require_acceptance!();
    let region = emulator().unique_region();
    let vpc = emulator().create_vpc(region, "10.99.0.0/16");
    let hcl = firewall(region, &vpc, "name_prefix = \"many-\"", r#"["external"]"#).replace(
        "resource \"cumulocity_firewall\" \"edge\" {\n",
        "resource \"cumulocity_firewall\" \"edge\" {\n  count = 4\n",
    );
    let ws = Workspace::new(&hcl);
    let apply = ws.apply_ok();
    assert!(apply.warnings().is_empty(), "nothing adopted:\n{apply}");
    let ids: BTreeSet<String> = (0..4)
        .map(|i| assert_state_matches_aws(&ws, region, &format!("cumulocity_firewall.edge[{i}]")))
        .collect();
    assert_eq!(ids.len(), 4, "{ids:?}");
    assert_eq!(groups_named(region, "many-").len(), 4);
    ws.plan_no_changes();
}

/// What a create costs against the emulator, counted by its recorder: six
/// calls with `name` (five before the marker of an unfinished create, plus
/// the DeleteTags that removes it), seven with `name_prefix` (plus the
/// DescribeSecurityGroups that looks for a group an interrupted create left).
#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn a_create_makes_six_calls_with_a_name_and_seven_with_a_prefix() {
    require_acceptance!();
    let region = emulator().unique_region();
    let vpc = emulator().create_vpc(region, "10.98.0.0/16");
    let mut expected: std::collections::HashMap<String, usize> = [
        "CreateSecurityGroup",
        "RevokeSecurityGroupEgress",
        "AuthorizeSecurityGroupIngress",
        "AuthorizeSecurityGroupEgress",
        "DescribeSecurityGroupRules",
        "DeleteTags",
    ]
    .into_iter()
    .map(|a| (a.to_string(), 1))
    .collect();
    for naming in ["name = \"counted\"", "name_prefix = \"counted-\""] {
        let ws = Workspace::new(&firewall(region, &vpc, naming, r#"["external", "outbound"]"#));
        let since = emulator().start_recording_in(region);
        ws.apply_ok();
        let counts = emulator().action_counts_in_since(region, since);
        if naming.starts_with("name_prefix") {
            expected.insert("DescribeSecurityGroups".to_string(), 1);
        }
        assert_eq!(counts, expected, "{naming}");
        eprintln!(
            "ownership: create with {naming}: {} calls",
            counts.values().sum::<usize>()
        );
        ws.plan_no_changes();
    }
}

struct Proxy {
    child: Child,
    url: String,
}

impl Drop for Proxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The fault proxy, injecting nothing at random, that stops answering once
/// the emulator has answered `action`.
fn hanging_proxy(action: &str) -> Proxy {
    let root = env!("CARGO_MANIFEST_DIR");
    let mut child = Command::new(format!("{root}/.venv/bin/python"))
        .arg(format!("{root}/scripts/fault_proxy.py"))
        .args([
            "--upstream",
            &emulator().endpoint(),
            "--rate",
            "0",
            "--hang-after",
            action,
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start the fault proxy");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .expect("proxy ready line");
    let url = line
        .trim()
        .strip_prefix("PROXY_READY ")
        .unwrap_or_else(|| panic!("proxy said {line:?}"))
        .to_string();
    Proxy { child, url }
}

/// How many requests the proxy has left hanging.
fn hung(proxy: &Proxy) -> u64 {
    let address = proxy.url.strip_prefix("http://").unwrap();
    let mut stream = TcpStream::connect(address).expect("connect to the proxy");
    write!(stream, "GET /__faults HTTP/1.0\r\nHost: {address}\r\n\r\n").unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let body = answer.split_once("\r\n\r\n").map_or("{}", |(_, b)| b);
    let faults: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
    faults["hung"].as_u64().unwrap_or(0)
}

/// The processes whose parent is `pid`.
fn children(pid: u32) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|p| {
            std::fs::read_to_string(format!("/proc/{p}/stat"))
                .ok()
                .and_then(|s| s.rsplit_once(')').map(|(_, rest)| rest.to_string()))
                .and_then(|rest| rest.split_whitespace().nth(1).map(|pp| pp == pid.to_string()))
                .unwrap_or(false)
        })
        .collect()
}

/// `terraform apply` in `ws`, killed with SIGKILL (Terraform and the
/// provider it started) once the proxy hangs, i.e. right after `action`.
fn apply_killed_after(ws: &Workspace, proxy: &Proxy) {
    let mut command = Command::new(terraform_path());
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("TF_") {
            command.env_remove(key);
        }
    }
    let mut apply = command
        .args(["apply", "-input=false", "-auto-approve"])
        .current_dir(ws.path())
        .env("TF_CLI_CONFIG_FILE", ws.path().join("terraformrc"))
        .env("TF_IN_AUTOMATION", "1")
        .env("CHECKPOINT_DISABLE", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start terraform apply");
    let start = Instant::now();
    while hung(proxy) == 0 {
        if let Ok(Some(status)) = apply.try_wait() {
            panic!("the apply ended ({status}) before the proxy hung");
        }
        assert!(start.elapsed() < Duration::from_secs(120), "the proxy never hung");
        std::thread::sleep(Duration::from_millis(100));
    }
    let pid = apply.id();
    for provider in children(pid) {
        let _ = Command::new("kill").args(["-KILL", &provider.to_string()]).status();
    }
    apply.kill().expect("SIGKILL terraform");
    let _ = apply.wait();
}

/// An apply killed right after `action`: the next apply adopts the group
/// it left (with a warning naming it), the group holds exactly the
/// configured rules, no group is left without a state entry, the marker is
/// gone and the next plan is empty.
fn killed_apply_is_recovered(action: &str, naming: &str, name_prefix: &str, cidr: &str) {
    let region = emulator().unique_region();
    let vpc = emulator().create_vpc(region, cidr);
    let before = emulator().all_group_ids(region);
    let proxy = hanging_proxy(action);
    let hcl = firewall(region, &vpc, naming, r#"["external", "outbound"]"#);
    let ws = Workspace::new(&hcl.replace(&emulator().endpoint(), &proxy.url));
    apply_killed_after(&ws, &proxy);
    let left = groups_named(region, name_prefix);
    assert_eq!(left.len(), 1, "the killed apply left its group: {left:?}");
    let (left_id, tags) = &left[0];
    assert!(
        tags.iter().any(|(k, _)| k == "cumulocity-firewall:creating"),
        "still marked: {tags:?}"
    );

    ws.write("main.tf", &hcl);
    let apply = ws.apply_ok();
    let warnings = apply.warnings();
    assert_eq!(warnings.len(), 1, "{apply}");
    assert!(
        warnings[0].summary.contains("Adopted a security group") && warnings[0].text().contains(left_id.as_str()),
        "{apply}"
    );
    let id = assert_state_matches_aws(&ws, region, "cumulocity_firewall.edge");
    assert_eq!(&id, left_id, "the group left behind is adopted");
    assert_eq!(state_id(&ws), id);
    assert_eq!(aws_rules(region, &id).len(), 7, "{:#?}", aws_rules(region, &id));
    let orphans: BTreeSet<String> = emulator()
        .all_group_ids(region)
        .into_iter()
        .filter(|g| !before.contains(g) && *g != id)
        .collect();
    assert!(orphans.is_empty(), "groups with no state entry: {orphans:?}");
    let tags = &groups_named(region, name_prefix)[0].1;
    assert!(
        !tags.iter().any(|(k, _)| k == "cumulocity-firewall:creating"),
        "the marker is removed: {tags:?}"
    );
    ws.plan_no_changes();
}

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn an_apply_killed_after_create_security_group_is_recovered() {
    require_acceptance!();
    killed_apply_is_recovered("CreateSecurityGroup", "name = \"killed-1\"", "killed-1", "10.94.0.0/16");
}

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn an_apply_killed_after_the_first_authorize_is_recovered() {
    require_acceptance!();
    killed_apply_is_recovered(
        "AuthorizeSecurityGroupIngress",
        "name = \"killed-2\"",
        "killed-2",
        "10.95.0.0/16",
    );
}

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn a_prefixed_apply_killed_after_create_security_group_is_recovered() {
    require_acceptance!();
    killed_apply_is_recovered(
        "CreateSecurityGroup",
        "name_prefix = \"killed-p1-\"",
        "killed-p1-",
        "10.96.0.0/16",
    );
}

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn a_prefixed_apply_killed_after_the_first_authorize_is_recovered() {
    require_acceptance!();
    killed_apply_is_recovered(
        "AuthorizeSecurityGroupIngress",
        "name_prefix = \"killed-p2-\"",
        "killed-p2-",
        "10.97.0.0/16",
    );
}
