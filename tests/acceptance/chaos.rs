//! Chaos: the real Terraform applies 20 firewalls through a proxy that fails
//! a share of the AWS calls the way AWS does under stress (throttling, 500s,
//! dropped connections, slow answers, and InvalidGroup.NotFound right after
//! create). Applies are repeated until converged (at most 3); then the
//! emulator itself is asked: every group holds exactly its rules, no group
//! lacks a state entry, and destroy leaves only the VPC's default group.
//! Gated by TF_ACC=1; CHAOS_FIREWALLS and CHAOS_RATE change the size.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::support::emulator::emulator;
use crate::support::Workspace;

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

fn start_proxy(rate: f64, seed: u64) -> Proxy {
    let root = env!("CARGO_MANIFEST_DIR");
    let mut child = Command::new(format!("{root}/.venv/bin/python"))
        .arg(format!("{root}/scripts/fault_proxy.py"))
        .args([
            "--upstream",
            &emulator().endpoint(),
            "--rate",
            &rate.to_string(),
            "--seed",
            &seed.to_string(),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start the fault proxy (run scripts/setup-tools)");
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

/// The faults the proxy injected so far (`GET /__faults`), by kind. Panics
/// if the proxy does not answer with a JSON object of counts.
fn faults(proxy: &Proxy) -> BTreeMap<String, u64> {
    let address = proxy.url.strip_prefix("http://").expect("an http:// proxy URL");
    let mut stream =
        TcpStream::connect(address).unwrap_or_else(|e| panic!("connect to the fault proxy {address}: {e}"));
    stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(
        stream,
        "GET /__faults HTTP/1.0\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .expect("send GET /__faults");
    let mut answer = String::new();
    stream
        .read_to_string(&mut answer)
        .expect("read the answer to GET /__faults");
    let (head, body) = answer
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("malformed answer to GET /__faults: {answer:?}"));
    assert!(
        head.starts_with("HTTP/1.1 200") || head.starts_with("HTTP/1.0 200"),
        "GET /__faults: {head}"
    );
    serde_json::from_str(body).unwrap_or_else(|e| panic!("GET /__faults answered {body:?}: {e}"))
}

/// The key under which the proxy counts the InvalidGroup.NotFound it answers
/// to the first Authorize/Revoke call on each new group, whatever the rate
/// (scripts/fault_proxy.py).
const NOT_FOUND_AFTER_CREATE: &str = "InvalidGroup.NotFound after create";

const SETS: &[&str] = &[
    r#"["external"]"#,
    r#"["external", "outbound"]"#,
    r#"["internal", "outbound", "dns", "ntp"]"#,
    r#"["opcua", "smartrule-apama"]"#,
    r#"["ssh", "internal"]"#,
];

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn twenty_firewalls_converge_through_injected_faults_with_no_orphans() {
    require_acceptance!();
    let count: usize = std::env::var("CHAOS_FIREWALLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    let rate: f64 = std::env::var("CHAOS_RATE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.15);
    let region = emulator().unique_region();
    let vpc = emulator().create_vpc(region, "10.0.0.0/16");
    let before: Vec<String> = emulator().all_group_ids(region);
    let proxy = start_proxy(rate, 20261125);

    let mut hcl = emulator()
        .hcl_prelude(region)
        .replace(&emulator().endpoint(), &proxy.url);
    for i in 0..count {
        let sets = SETS[i % SETS.len()];
        let ssh = if sets.contains("ssh") {
            "\n  ssh_cidr_blocks = [\"10.0.0.0/16\"]"
        } else {
            ""
        };
        hcl.push_str(&format!(
            "resource \"cumulocity_firewall\" \"f{i}\" {{\n  name = \"chaos-{i}\"\n  vpc_id = \"{vpc}\"\n  rule_sets = {sets}{ssh}\n}}\n"
        ));
    }
    let ws = Workspace::new(&hcl);
    let mut applies = 0;
    loop {
        applies += 1;
        let apply = ws.apply();
        if apply.success() {
            break;
        }
        assert!(applies < 3, "not converged after {applies} applies:\n{apply}");
    }
    let injected = faults(&proxy);
    eprintln!("chaos: converged after {applies} apply(s); faults injected: {injected:?}");
    let not_found = injected.get(NOT_FOUND_AFTER_CREATE).copied().unwrap_or(0);
    assert!(
        not_found >= count as u64,
        "every new group gets one {NOT_FOUND_AFTER_CREATE:?}: {not_found} for {count} firewalls: {injected:?}"
    );
    let random: u64 = injected
        .iter()
        .filter(|(kind, _)| kind.as_str() != NOT_FOUND_AFTER_CREATE)
        .map(|(_, n)| n)
        .sum();
    assert!(
        rate <= 0.0 || random > 0,
        "no throttling, internal error, dropped connection or slow answer injected at rate {rate}: {injected:?}"
    );

    // Ask the emulator itself, not through the proxy.
    let state = ws.show_json();
    let resources = state["values"]["root_module"]["resources"].as_array().unwrap().clone();
    assert_eq!(resources.len(), count);
    let mut in_state = Vec::new();
    for resource in &resources {
        let values = &resource["values"];
        let id = values["id"].as_str().unwrap().to_string();
        let held = emulator().describe_rules(region, &id);
        let recorded = values["rules"].as_array().unwrap();
        assert_eq!(
            held.len(),
            recorded.len(),
            "{}: AWS holds {} rules, the state {}",
            resource["address"],
            held.len(),
            recorded.len()
        );
        for rule in recorded {
            let rule_id = rule["id"].as_str().unwrap();
            assert!(
                held.iter().any(|h| h.security_group_rule_id() == Some(rule_id)),
                "{rule_id} missing in AWS"
            );
        }
        in_state.push(id);
    }
    let orphans: Vec<String> = emulator()
        .all_group_ids(region)
        .into_iter()
        .filter(|g| !before.contains(g) && !in_state.contains(g))
        .collect();
    assert!(orphans.is_empty(), "groups with no state entry: {orphans:?}");
    let plan = ws.plan();
    assert!(
        plan.success() && !plan.has_changes(),
        "the converged plan is empty:\n{plan}"
    );

    let mut destroys = 0;
    loop {
        destroys += 1;
        let destroy = ws.destroy();
        if destroy.success() {
            break;
        }
        assert!(destroys < 3, "destroy not done after {destroys} runs:\n{destroy}");
    }
    eprintln!(
        "chaos: destroyed after {destroys} run(s); faults injected in all: {:?}",
        faults(&proxy)
    );
    assert_eq!(
        emulator().all_group_ids(region),
        before,
        "only the VPCs' default groups are left"
    );
}
