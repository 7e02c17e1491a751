//! Acceptance tests of `data "cumulocity_firewall_rules"`: the real
//! Terraform CLI drives the built provider. Gated by TF_ACC=1.

use crate::support::{diagnostics, Workspace};
use serde_json::Value;

const HEADER: &str = r#"
terraform {
  required_providers {
    cumulocity = { source = "c8y-community/cumulocity" }
  }
}
"#;

/// A configuration with one data source `x` whose body is `body`, and an
/// output `rules` of its rules and `counts` of its rule counts.
fn config(body: &str) -> String {
    format!(
        r#"{HEADER}
data "cumulocity_firewall_rules" "x" {{
{body}
}}
output "rules" {{ value = data.cumulocity_firewall_rules.x.rules }}
output "counts" {{
  value = [data.cumulocity_firewall_rules.x.ingress_rule_count, data.cumulocity_firewall_rules.x.egress_rule_count]
}}
"#
    )
}

/// A rule as `direction protocol from-to peer [sets] description`, for
/// compact, readable expectations.
fn render(rule: &Value) -> String {
    let peer = ["cidr_ipv4", "cidr_ipv6", "referenced_security_group_id"]
        .iter()
        .find_map(|k| rule[*k].as_str().map(str::to_string))
        .unwrap_or_else(|| {
            if rule["self"] == Value::Bool(true) {
                "self".into()
            } else {
                "?".into()
            }
        });
    let sets: Vec<&str> = rule["rule_sets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    format!(
        "{} {} {}-{} {} [{}] {}",
        rule["direction"].as_str().unwrap(),
        rule["protocol"].as_str().unwrap(),
        rule["from_port"],
        rule["to_port"],
        peer,
        sets.join(","),
        rule["description"].as_str().unwrap_or("-"),
    )
}

fn applied_rules(body: &str) -> (Vec<String>, Vec<i64>) {
    let ws = Workspace::new(&config(body));
    ws.apply_ok();
    ws.plan_no_changes();
    let outputs = ws.output_json();
    let rules = outputs["rules"]["value"]
        .as_array()
        .expect("rules output")
        .iter()
        .map(render)
        .collect();
    let counts = outputs["counts"]["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_i64().unwrap())
        .collect();
    (rules, counts)
}

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn every_rule_set_alone() {
    require_acceptance!();
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "external",
            "",
            &[
                "ingress tcp 80-80 0.0.0.0/0 [external] HTTP",
                "ingress tcp 443-443 0.0.0.0/0 [external] HTTPS",
                "ingress tcp 1883-1883 0.0.0.0/0 [external] MQTT",
                "ingress tcp 8883-8883 0.0.0.0/0 [external] MQTT/TLS",
            ],
        ),
        (
            "outbound",
            "",
            &[
                "egress tcp 25-25 0.0.0.0/0 [outbound] SMTP",
                "egress tcp 80-80 0.0.0.0/0 [outbound] HTTP",
                "egress tcp 443-443 0.0.0.0/0 [outbound] HTTPS",
            ],
        ),
        ("dns", "", &["egress udp 53-53 0.0.0.0/0 [dns] DNS"]),
        ("ntp", "", &["egress udp 123-123 0.0.0.0/0 [ntp] NTP"]),
        (
            "opcua",
            "",
            &[
                "ingress tcp 6670-6670 0.0.0.0/0 [opcua] opcua agent",
                "egress tcp 80-80 0.0.0.0/0 [opcua] opcua agent",
            ],
        ),
        (
            "smartrule-apama",
            "",
            &[
                "ingress tcp 8334-8334 0.0.0.0/0 [smartrule-apama] Smartrule-apama agent",
                "egress tcp 80-80 0.0.0.0/0 [smartrule-apama] Smartrule-apama agent",
            ],
        ),
        (
            "ssh",
            r#"ssh_cidr_blocks = ["10.0.0.0/16"]"#,
            &["ingress tcp 22-22 10.0.0.0/16 [ssh] SSH (for management purposes)"],
        ),
        (
            "internal",
            r#"node_security_group_ids = ["sg-0123456789abcdef0"]"#,
            &[
                "ingress all -1--1 sg-0123456789abcdef0 [internal] All traffic in between Cumulocity",
                "ingress all -1--1 self [internal] All traffic in between Cumulocity",
                "egress all -1--1 sg-0123456789abcdef0 [internal] All traffic in between Cumulocity",
                "egress all -1--1 self [internal] All traffic in between Cumulocity",
            ],
        ),
    ];
    for (set, extra_args, expected) in cases {
        let (rules, counts) = applied_rules(&format!("rule_sets = [\"{set}\"]\n{extra_args}"));
        assert_eq!(rules, *expected, "rule set {set}");
        let ingress = expected.iter().filter(|r| r.starts_with("ingress")).count() as i64;
        assert_eq!(
            counts,
            vec![ingress, expected.len() as i64 - ingress],
            "counts of {set}"
        );
    }
}

/// No rule set and no extra rule: an empty firewall, valid (an import of
/// a group with no rules writes exactly this).
#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn no_rule_sets_and_no_extra_rule_is_an_empty_firewall() {
    require_acceptance!();
    let (rules, counts) = applied_rules("rule_sets = []");
    assert!(rules.is_empty(), "{rules:?}");
    assert_eq!(counts, vec![0, 0]);
}

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn rule_sets_combined_share_rules_and_plan_again_shows_no_changes() {
    require_acceptance!();
    let ws = Workspace::new(&config(
        r#"
  rule_sets       = ["external", "outbound", "dns", "ntp", "opcua", "smartrule-apama", "ssh", "internal"]
  ssh_cidr_blocks = ["10.0.0.0/16"]
"#,
    ));
    ws.apply_ok();
    let rules: Vec<String> = ws.output_json()["rules"]["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(render)
        .collect();
    // external 4, outbound 3, dns 1, ntp 1, the agents' inbound ports 2 (their
    // outbound HTTP is outbound's), ssh 1, internal 2 (self, both ways).
    assert_eq!(rules.len(), 4 + 3 + 1 + 1 + 2 + 1 + 2, "{rules:#?}");
    assert!(
        rules.contains(
            &"egress tcp 80-80 0.0.0.0/0 [outbound,opcua,smartrule-apama] HTTP, opcua agent, Smartrule-apama agent"
                .to_string()
        ),
        "{rules:#?}"
    );
    ws.plan_no_changes();
}

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn extra_rules_and_ipv6() {
    require_acceptance!();
    let (rules, counts) = applied_rules(
        r#"
  rule_sets                = ["external"]
  ingress_cidr_blocks      = []
  ingress_ipv6_cidr_blocks = ["2001:DB8::/32"]
  egress_ipv6_cidr_blocks  = ["::/0"]
  extra_rule {
    direction        = "ingress"
    protocol         = "udp"
    from_port        = 5683
    to_port          = 5684
    cidr_blocks      = ["192.168.0.0/16"]
    ipv6_cidr_blocks = ["fd00::/8"]
    description      = "CoAP (LWM2M)"
  }
  extra_rule {
    direction          = "egress"
    protocol           = "all"
    security_group_ids = ["sg-0123456789abcdef0"]
    self               = true
  }
  extra_rule {
    direction        = "ingress"
    protocol         = "icmpv6"
    ipv6_cidr_blocks = ["::/0"]
  }
"#,
    );
    assert_eq!(
        rules,
        vec![
            "ingress tcp 80-80 2001:db8::/32 [external] HTTP",
            "ingress tcp 443-443 2001:db8::/32 [external] HTTPS",
            "ingress tcp 1883-1883 2001:db8::/32 [external] MQTT",
            "ingress tcp 8883-8883 2001:db8::/32 [external] MQTT/TLS",
            "ingress udp 5683-5684 192.168.0.0/16 [] CoAP (LWM2M)",
            "ingress udp 5683-5684 fd00::/8 [] CoAP (LWM2M)",
            "ingress icmpv6 -1--1 ::/0 [] -",
            "egress all -1--1 sg-0123456789abcdef0 [] -",
            "egress all -1--1 self [] -",
        ]
    );
    assert_eq!(counts, vec![7, 2]);
}

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn values_unknown_at_plan_time_are_accepted_and_used_once_known() {
    require_acceptance!();
    let ws = Workspace::new(&format!(
        r#"{HEADER}
resource "terraform_data" "net" {{ input = "10.9.0.0/16" }}
data "cumulocity_firewall_rules" "x" {{
  rule_sets       = ["ssh"]
  ssh_cidr_blocks = [terraform_data.net.output]
}}
output "rules" {{ value = data.cumulocity_firewall_rules.x.rules }}
"#
    ));
    let plan = ws.plan();
    assert_eq!(plan.status, 2, "plan must succeed with changes:\n{}", plan.combined());
    ws.apply_ok();
    let rules = ws.output_json()["rules"]["value"].clone();
    assert_eq!(rules[0]["cidr_ipv4"], "10.9.0.0/16");
    ws.plan_no_changes();
}

/// Every validation error: one diagnostic, its summary, the attribute
/// Terraform shows it on, and a phrase of its detail.
#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn validation_errors_name_the_attribute() {
    require_acceptance!();
    struct Case {
        body: &'static str,
        summary: &'static str,
        shown_line: &'static str,
        detail: &'static str,
    }
    let cases = [
        Case {
            body: r#"rule_sets = ["external", "mqtt"]"#,
            summary: "Unknown rule set",
            shown_line: "rule_sets",
            detail: "\"smartrule-apama\"",
        },
        Case {
            body: r#"rule_sets = ["external"]
  ingress_cidr_blocks = ["10.0.0.0/33"]"#,
            summary: "Invalid CIDR block in ingress_cidr_blocks",
            shown_line: "ingress_cidr_blocks",
            detail: "is not a CIDR block",
        },
        Case {
            body: r#"rule_sets = ["external"]
  ingress_cidr_blocks = ["2001:db8::/32"]"#,
            summary: "Invalid CIDR block in ingress_cidr_blocks",
            shown_line: "ingress_cidr_blocks",
            detail: "ingress_ipv6_cidr_blocks",
        },
        Case {
            body: r#"rule_sets = ["outbound"]
  egress_ipv6_cidr_blocks = ["10.0.0.0/8"]"#,
            summary: "Invalid CIDR block in egress_ipv6_cidr_blocks",
            shown_line: "egress_ipv6_cidr_blocks",
            detail: "egress_cidr_blocks",
        },
        Case {
            body: r#"rule_sets = ["ssh"]
  ssh_cidr_blocks = ["10.0.0.1/24"]"#,
            summary: "Invalid CIDR block in ssh_cidr_blocks",
            shown_line: "ssh_cidr_blocks",
            detail: "\"10.0.0.0/24\"",
        },
        Case {
            body: r#"rule_sets = ["ssh"]"#,
            summary: "ssh_cidr_blocks is required with the ssh rule set",
            shown_line: "data \"cumulocity_firewall_rules\"",
            detail: "never open to",
        },
        Case {
            body: r#"rule_sets = ["internal"]
  node_security_group_ids = ["sg-nothex"]"#,
            summary: "Invalid security group id",
            shown_line: "node_security_group_ids",
            detail: "sg-0123456789abcdef0",
        },
        Case {
            body: r#"rule_sets = []
  extra_rule {
    direction = "ingress"
    protocol  = "tcp"
    from_port = 0
    to_port   = 70000
    self      = true
  }"#,
            summary: "Invalid to_port",
            shown_line: "to_port",
            detail: "0 to 65535",
        },
        Case {
            body: r#"rule_sets = []
  extra_rule {
    direction = "ingress"
    protocol  = "tcp"
    from_port = 443
    to_port   = 80
    self      = true
  }"#,
            summary: "from_port is greater than to_port",
            shown_line: "from_port",
            detail: "443-80",
        },
        Case {
            body: r#"rule_sets = []
  extra_rule {
    direction = "egress"
    protocol  = "all"
    from_port = 0
    self      = true
  }"#,
            summary: "Ports given with protocol \"all\"",
            shown_line: "from_port",
            detail: "remove from_port and to_port",
        },
        Case {
            body: r#"rule_sets = []
  extra_rule {
    direction = "egress"
    protocol  = "tcp"
    from_port = 443
    to_port   = 443
  }"#,
            summary: "extra_rule[0] has no peer",
            shown_line: "data \"cumulocity_firewall_rules\"",
            detail: "security_group_ids",
        },
        Case {
            body: r#"rule_sets = []
  extra_rule {
    direction = "sideways"
    protocol  = "tcp"
    from_port = 443
    to_port   = 443
    self      = true
  }"#,
            summary: "Invalid value for direction",
            shown_line: "direction",
            detail: "\"ingress\", \"egress\"",
        },
        Case {
            body: r#"rule_sets = []
  extra_rule {
    direction = "ingress"
    protocol  = "sctp"
    self      = true
  }"#,
            summary: "Invalid value for protocol",
            shown_line: "protocol",
            detail: "\"icmpv6\"",
        },
        Case {
            body: r#"rule_sets = ["external"]
  ingress_cidr_blocks = []"#,
            summary: "No CIDR blocks for rule sets external",
            shown_line: "ingress_cidr_blocks",
            detail: "both are empty",
        },
        Case {
            // 16 blocks x 4 ports = 64 ingress IPv4 rules, over the default 60.
            body: r#"rule_sets = ["external"]
  ingress_cidr_blocks = [for i in range(16) : "10.${i}.0.0/16"]"#,
            summary: "Too many ingress rules for one security group (IPv4)",
            shown_line: "rule_sets",
            detail: "64 ingress rules",
        },
    ];
    let failures: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = cases
            .iter()
            .map(|case| {
                scope.spawn(move || {
                    let ws = Workspace::new(&config(case.body));
                    let plan = ws.plan();
                    let text = plan.combined();
                    let errors: Vec<_> = diagnostics(&text)
                        .into_iter()
                        .filter(|d| d.severity == "Error")
                        .collect();
                    let ok = plan.status == 1
                        && errors.len() == 1
                        && errors[0].summary.contains(case.summary)
                        && errors[0].attribute_line.contains(case.shown_line)
                        && errors[0].detail.contains(case.detail);
                    (!ok).then(|| {
                        format!(
                            "case {:?}: status {}, errors {errors:#?}\n{text}",
                            case.summary, plan.status
                        )
                    })
                })
            })
            .collect();
        handles.into_iter().filter_map(|h| h.join().unwrap()).collect()
    });
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn ssh_open_to_the_world_is_a_warning_not_an_error() {
    require_acceptance!();
    let ws = Workspace::new(&config(
        r#"rule_sets = ["ssh"]
  ssh_cidr_blocks = ["0.0.0.0/0", "::/0"]"#,
    ));
    let apply = ws.apply_ok();
    ws.plan_no_changes();
    let warnings: Vec<_> = diagnostics(&apply.combined())
        .into_iter()
        .filter(|d| d.severity == "Warning" && d.summary.contains("SSH open to the whole internet"))
        .collect();
    // Distinct summaries (they name the block), so Terraform shows both.
    assert_eq!(warnings.len(), 2, "{}", apply.combined());
    assert!(
        warnings.iter().any(|w| w.summary.contains("(0.0.0.0/0)"))
            && warnings.iter().any(|w| w.summary.contains("(::/0)"))
    );
    assert!(warnings.iter().all(|w| w.attribute_line.contains("ssh_cidr_blocks")));
}

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn a_raised_quota_in_the_provider_block_allows_more_rules() {
    require_acceptance!();
    let ws = Workspace::new(&format!(
        r#"{HEADER}
provider "cumulocity" {{
  max_rules_per_direction = 100
}}
data "cumulocity_firewall_rules" "x" {{
  rule_sets           = ["external"]
  ingress_cidr_blocks = [for i in range(16) : "10.${{i}}.0.0/16"]
}}
output "n" {{ value = data.cumulocity_firewall_rules.x.ingress_rule_count }}
"#
    ));
    ws.apply_ok();
    ws.plan_no_changes();
    assert_eq!(ws.output_json()["n"]["value"], 64);
}

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn provider_block_errors_name_the_attribute() {
    require_acceptance!();
    let ws = Workspace::new(&format!(
        r#"{HEADER}
provider "cumulocity" {{
  region                  = "Frankfurt"
  max_rules_per_direction = 0
  endpoints {{
    ec2 = "localhost:5000"
  }}
  assume_role {{
    role_arn = "arn:aws:iam::123:role/x"
  }}
}}
data "cumulocity_firewall_rules" "x" {{
  rule_sets = ["external"]
}}
"#
    ));
    let plan = ws.plan();
    assert_eq!(plan.status, 1, "{}", plan.combined());
    let errors = diagnostics(&plan.combined());
    for (summary, line) in [
        ("Invalid region", "region"),
        ("Invalid max_rules_per_direction", "max_rules_per_direction"),
        ("Invalid ec2 endpoint", "ec2"),
        ("Invalid role_arn", "role_arn"),
    ] {
        assert!(
            errors
                .iter()
                .any(|d| d.severity == "Error" && d.summary == summary && d.attribute_line.contains(line)),
            "missing {summary:?} on {line}:\n{}",
            plan.combined()
        );
    }
}

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn empty_or_missing_provider_block_works() {
    require_acceptance!();
    for provider_block in ["", "provider \"cumulocity\" {}\n"] {
        let ws = Workspace::new(&format!(
            "{HEADER}\n{provider_block}data \"cumulocity_firewall_rules\" \"x\" {{\n  rule_sets = [\"dns\"]\n}}\n"
        ));
        ws.apply_ok();
        ws.plan_no_changes();
    }
}
