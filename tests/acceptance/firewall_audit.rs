//! Acceptance tests of `data "cumulocity_firewall_audit"`: groups built by
//! hand in the AWS emulator (moto), rule by rule with the SDK, are audited
//! by the real Terraform CLI, alone, in `check` blocks and with
//! postconditions. Each test has its own Region. Gated by TF_ACC=1.

use crate::support::emulator::emulator;
use crate::support::{flat, Workspace};
use aws_sdk_ec2::types::{IpPermission, IpRange};
use serde_json::Value;

/// A rule to authorize by hand: (ingress?, protocol, from, to, IPv4 peer).
type HandRule<'a> = (bool, &'a str, i32, i32, &'a str);

/// The profile every test audits against: the firewall document's external and outbound
/// sets from and to anywhere, SSH from the management network.
const PROFILE: &str = r#"
  rule_sets       = ["external", "outbound", "ssh"]
  ssh_cidr_blocks = ["10.0.100.0/24"]
"#;

/// The rules of [`PROFILE`], as someone would add them in the console.
const BY_THE_PROFILE: &[HandRule] = &[
    (true, "tcp", 80, 80, "0.0.0.0/0"),
    (true, "tcp", 443, 443, "0.0.0.0/0"),
    (true, "tcp", 1883, 1883, "0.0.0.0/0"),
    (true, "tcp", 8883, 8883, "0.0.0.0/0"),
    (true, "tcp", 22, 22, "10.0.100.0/24"),
    (false, "tcp", 80, 80, "0.0.0.0/0"),
    (false, "tcp", 443, 443, "0.0.0.0/0"),
    (false, "tcp", 25, 25, "0.0.0.0/0"),
];

const NO_SUCH_GROUP: &str = "sg-0123456789abcdef0";

fn permission(rule: &HandRule) -> IpPermission {
    let (_, protocol, from, to, peer) = *rule;
    let mut p = IpPermission::builder().ip_protocol(protocol);
    if protocol != "-1" {
        p = p.from_port(from).to_port(to);
    }
    p.ip_ranges(IpRange::builder().cidr_ip(peer).description("added by hand").build())
        .build()
}

/// Creates a group in a new VPC, rule by rule; the allow-all egress rule
/// AWS adds to every new group is revoked unless `keep_default_egress`.
fn hand_made_group(region: &str, rules: &[HandRule], keep_default_egress: bool) -> String {
    let emu = emulator();
    let vpc = emu.create_vpc(region, "10.0.0.0/16");
    let ec2 = emu.ec2(region);
    let id = emu
        .block_on(
            ec2.create_security_group()
                .group_name("c8y-edge-by-hand")
                .description("made by hand")
                .vpc_id(&vpc)
                .send(),
        )
        .unwrap()
        .group_id()
        .unwrap()
        .to_string();
    if !keep_default_egress {
        emu.block_on(
            ec2.revoke_security_group_egress()
                .group_id(&id)
                .ip_permissions(permission(&(false, "-1", -1, -1, "0.0.0.0/0")))
                .send(),
        )
        .unwrap();
    }
    for rule in rules {
        let result = if rule.0 {
            emu.block_on(
                ec2.authorize_security_group_ingress()
                    .group_id(&id)
                    .ip_permissions(permission(rule))
                    .send(),
            )
            .map(|_| ())
            .map_err(|e| format!("{e:?}"))
        } else {
            emu.block_on(
                ec2.authorize_security_group_egress()
                    .group_id(&id)
                    .ip_permissions(permission(rule))
                    .send(),
            )
            .map(|_| ())
            .map_err(|e| format!("{e:?}"))
        };
        result.unwrap_or_else(|e| panic!("authorize {rule:?}: {e}"));
    }
    id
}

/// A configuration auditing `group_id` against [`PROFILE`], with `extra`
/// inside the data block, and an output `audit` holding the data source.
fn audit_config(region: &str, group_id: &str, extra: &str) -> String {
    format!(
        "{}\ndata \"cumulocity_firewall_audit\" \"edge\" {{\n  security_group_id = \"{group_id}\"\n{PROFILE}{extra}}}\n\n\
         output \"audit\" {{\n  value = data.cumulocity_firewall_audit.edge\n}}\n",
        emulator().hcl_prelude(region)
    )
}

/// Applies a configuration holding only the audit, and returns its result.
fn audited(region: &str, group_id: &str) -> Value {
    let ws = Workspace::new(&audit_config(region, group_id, ""));
    let apply = ws.apply_ok();
    assert!(apply.warnings().is_empty(), "the profile draws no warnings:\n{apply}");
    ws.plan_no_changes();
    ws.output("audit")
}

/// A rule object rendered as `direction protocol from-to peer`.
fn render(rule: &Value) -> String {
    let peer = [
        "cidr_ipv4",
        "cidr_ipv6",
        "prefix_list_id",
        "referenced_security_group_id",
    ]
    .iter()
    .find_map(|k| rule[*k].as_str().map(str::to_string))
    .unwrap_or_else(|| "self".to_string());
    format!(
        "{} {} {}-{} {peer}",
        rule["direction"].as_str().unwrap(),
        rule["protocol"].as_str().unwrap(),
        rule["from_port"],
        rule["to_port"],
    )
}

fn rendered(list: &Value) -> Vec<String> {
    list.as_array().expect("a list").iter().map(render).collect()
}

/// The findings as (kind, severity, rule).
fn findings(audit: &Value) -> Vec<(String, String, String)> {
    audit["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["kind"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
                f["rule"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn a_group_built_by_hand_to_the_profile_is_compliant() {
    require_acceptance!();
    let region = emulator().unique_region();
    let id = hand_made_group(region, BY_THE_PROFILE, false);
    let audit = audited(region, &id);
    assert_eq!(audit["compliant"], Value::Bool(true), "{audit:#}");
    assert_eq!(audit["missing_rules"], Value::Array(vec![]), "{audit:#}");
    assert_eq!(audit["unexpected_rules"], Value::Array(vec![]), "{audit:#}");
    assert_eq!(audit["findings"], Value::Array(vec![]), "{audit:#}");
    assert_eq!(audit["security_group_id"], Value::String(id));
    // The defaults of the profile's arguments are filled in, as documented.
    assert_eq!(audit["ingress_cidr_blocks"], serde_json::json!(["0.0.0.0/0"]));
}

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn a_group_of_a_firewall_resource_in_the_same_configuration_is_compliant() {
    require_acceptance!();
    let emu = emulator();
    let region = emu.unique_region();
    let vpc = emu.create_vpc(region, "10.0.0.0/16");
    let ws = Workspace::new(&format!(
        "{}\nresource \"cumulocity_firewall\" \"edge\" {{\n  name   = \"c8y-edge\"\n  vpc_id = \"{vpc}\"\n{PROFILE}}}\n\n\
         data \"cumulocity_firewall_audit\" \"edge\" {{\n  security_group_id = cumulocity_firewall.edge.id\n{PROFILE}\n\
         \x20 lifecycle {{\n    postcondition {{\n      condition     = self.compliant\n      \
         error_message = \"not compliant\"\n    }}\n  }}\n}}\n\n\
         output \"audit\" {{\n  value = data.cumulocity_firewall_audit.edge\n}}\n",
        emu.hcl_prelude(region)
    ));
    // The id is unknown until apply: Terraform reads the audit then.
    ws.apply_ok();
    let audit = ws.output("audit");
    assert_eq!(audit["compliant"], Value::Bool(true), "{audit:#}");
    assert_eq!(audit["findings"], Value::Array(vec![]), "{audit:#}");
    ws.plan_no_changes();
    ws.destroy_ok();
}

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn a_group_without_mqtt_tls_misses_that_rule() {
    require_acceptance!();
    let region = emulator().unique_region();
    let rules: Vec<HandRule> = BY_THE_PROFILE.iter().filter(|r| r.2 != 8883).copied().collect();
    let id = hand_made_group(region, &rules, false);
    let audit = audited(region, &id);
    assert_eq!(audit["compliant"], Value::Bool(false), "{audit:#}");
    assert_eq!(
        rendered(&audit["missing_rules"]),
        strings(&["ingress tcp 8883-8883 0.0.0.0/0"])
    );
    let missing = &audit["missing_rules"][0];
    assert_eq!(missing["rule_sets"], serde_json::json!(["external"]));
    assert_eq!(missing["description"], Value::String("MQTT/TLS".to_string()));
    assert_eq!(audit["unexpected_rules"], Value::Array(vec![]), "{audit:#}");
    assert_eq!(audit["findings"], Value::Array(vec![]), "{audit:#}");
}

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn a_group_with_ssh_open_to_the_world_has_an_error_finding() {
    require_acceptance!();
    let region = emulator().unique_region();
    let mut rules = BY_THE_PROFILE.to_vec();
    rules.push((true, "tcp", 22, 22, "0.0.0.0/0"));
    let id = hand_made_group(region, &rules, false);
    let audit = audited(region, &id);
    assert_eq!(audit["compliant"], Value::Bool(false), "{audit:#}");
    assert_eq!(audit["missing_rules"], Value::Array(vec![]), "{audit:#}");
    assert_eq!(
        rendered(&audit["unexpected_rules"]),
        strings(&["ingress tcp 22-22 0.0.0.0/0"])
    );
    assert_eq!(
        audit["unexpected_rules"][0]["description"],
        Value::String("added by hand".to_string())
    );
    assert_eq!(
        findings(&audit),
        [(
            "ssh_open_to_world".to_string(),
            "error".to_string(),
            "ingress tcp 22 from 0.0.0.0/0".to_string()
        )]
    );
    let message = audit["findings"][0]["message"].as_str().unwrap();
    assert!(message.contains("open to the whole internet"), "{message}");
}

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn a_group_still_holding_the_default_allow_all_egress_has_an_error_finding() {
    require_acceptance!();
    let region = emulator().unique_region();
    let id = hand_made_group(region, BY_THE_PROFILE, true);
    let audit = audited(region, &id);
    assert_eq!(audit["compliant"], Value::Bool(false), "{audit:#}");
    assert_eq!(audit["missing_rules"], Value::Array(vec![]), "{audit:#}");
    assert_eq!(
        rendered(&audit["unexpected_rules"]),
        strings(&["egress all -1--1 0.0.0.0/0"])
    );
    assert_eq!(
        findings(&audit),
        [(
            "egress_to_everything".to_string(),
            "error".to_string(),
            "egress all to 0.0.0.0/0".to_string()
        )]
    );
}

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn a_group_that_does_not_exist_is_a_clear_error() {
    require_acceptance!();
    let region = emulator().unique_region();
    let ws = Workspace::new(&audit_config(region, NO_SUCH_GROUP, ""));
    let out = ws.expect_error(&["plan"]);
    let error = out.assert_one_error(
        &format!("Security group {NO_SUCH_GROUP} not found"),
        &format!("security_group_id = \"{NO_SUCH_GROUP}\""),
    );
    assert!(
        error
            .detail
            .contains(&format!("There is no security group {NO_SUCH_GROUP} in {region}")),
        "{out}"
    );
}

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn a_malformed_group_id_is_an_error_before_any_aws_call() {
    require_acceptance!();
    let region = emulator().unique_region();
    let before = emulator().start_recording_in(region);
    let ws = Workspace::new(&audit_config(region, "sg-XYZ", ""));
    let out = ws.expect_error(&["validate"]);
    out.assert_one_error("Invalid security_group_id", "security_group_id = \"sg-XYZ\"");
    let out = ws.expect_error(&["plan"]);
    out.assert_one_error("Invalid security_group_id", "security_group_id = \"sg-XYZ\"");
    let calls = emulator().recorded_calls_in(region);
    assert!(calls.len() == before, "{:?}", &calls[before..]);
}

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn the_audit_reads_the_group_with_two_calls() {
    require_acceptance!();
    let region = emulator().unique_region();
    let id = hand_made_group(region, BY_THE_PROFILE, false);
    let ws = Workspace::new(&audit_config(region, &id, ""));
    // Recording is shared by the tests of this binary: count only what
    // the plan adds in this test's Region.
    let before = emulator().start_recording_in(region);
    let plan = ws.plan();
    assert!(plan.success(), "{plan}");
    let actions: Vec<String> = emulator()
        .recorded_calls_in(region)
        .into_iter()
        .skip(before)
        .map(|c| c.action)
        .collect();
    assert_eq!(actions, ["DescribeSecurityGroups", "DescribeSecurityGroupRules"]);
}

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn a_check_block_warns_and_the_plan_goes_on() {
    require_acceptance!();
    let region = emulator().unique_region();
    let rules: Vec<HandRule> = BY_THE_PROFILE.iter().filter(|r| r.2 != 8883).copied().collect();
    let id = hand_made_group(region, &rules, true);
    let ws = Workspace::new(&format!(
        "{}\ncheck \"edge_firewall\" {{\n  data \"cumulocity_firewall_audit\" \"edge\" {{\n    \
         security_group_id = \"{id}\"\n{PROFILE}  }}\n\n  assert {{\n    \
         condition = data.cumulocity_firewall_audit.edge.compliant\n    \
         error_message = \"Not compliant: ${{length(data.cumulocity_firewall_audit.edge.missing_rules)}} missing, \
         ${{join(\", \", [for f in data.cumulocity_firewall_audit.edge.findings : f.kind])}}.\"\n  }}\n}}\n\n\
         check \"gone_firewall\" {{\n  data \"cumulocity_firewall_audit\" \"gone\" {{\n    \
         security_group_id = \"{NO_SUCH_GROUP}\"\n{PROFILE}  }}\n\n  assert {{\n    \
         condition = data.cumulocity_firewall_audit.gone.compliant\n    error_message = \"gone\"\n  }}\n}}\n",
        emulator().hcl_prelude(region)
    ));
    let plan = ws.plan();
    assert!(plan.success(), "a check block never fails a plan:\n{plan}");
    assert!(plan.errors().is_empty(), "{plan}");
    let warnings = plan.warnings();
    let failed = warnings
        .iter()
        .find(|w| w.summary.contains("Check block assertion failed"))
        .unwrap_or_else(|| panic!("no assertion warning:\n{plan}"));
    assert!(
        flat(&failed.detail).contains("Not compliant: 1 missing, egress_to_everything."),
        "{failed:#?}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.summary.contains(&format!("Security group {NO_SUCH_GROUP} not found"))),
        "a scoped data source's error is a warning in a check block:\n{plan}"
    );
    let apply = ws.apply();
    assert!(apply.success(), "{apply}");
}

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn a_postcondition_fails_the_plan_on_a_non_compliant_group_and_passes_a_compliant_one() {
    require_acceptance!();
    let region = emulator().unique_region();
    let postcondition = "\n  lifecycle {\n    postcondition {\n      condition     = self.compliant\n      \
                         error_message = \"${self.security_group_id} is not compliant: ${join(\"; \", \
                         [for f in self.findings : \"${f.severity} ${f.kind} ${f.rule}\"])}\"\n    }\n  }\n";

    let mut rules = BY_THE_PROFILE.to_vec();
    rules.push((true, "tcp", 22, 22, "0.0.0.0/0"));
    let bad = hand_made_group(region, &rules, false);
    let ws = Workspace::new(&audit_config(region, &bad, postcondition));
    let out = ws.expect_error(&["plan"]);
    let errors = out.errors();
    assert_eq!(errors.len(), 1, "{out}");
    assert!(errors[0].summary.contains("postcondition failed"), "{out}");
    assert!(
        flat(&errors[0].detail).contains(&format!(
            "{bad} is not compliant: error ssh_open_to_world ingress tcp 22 from 0.0.0.0/0"
        )),
        "{out}"
    );

    let good = hand_made_group(region, BY_THE_PROFILE, false);
    let ws = Workspace::new(&audit_config(region, &good, postcondition));
    let plan = ws.plan();
    assert!(plan.success(), "{plan}");
}

/// The rules of the profile in the Registry example
/// (`examples/data-sources/cumulocity_firewall_audit/`).
const BY_THE_EXAMPLE: &[HandRule] = &[
    (true, "tcp", 80, 80, "0.0.0.0/0"),
    (true, "tcp", 443, 443, "0.0.0.0/0"),
    (true, "tcp", 1883, 1883, "0.0.0.0/0"),
    (true, "tcp", 8883, 8883, "0.0.0.0/0"),
    (true, "tcp", 22, 22, "10.20.0.0/24"),
    (false, "tcp", 80, 80, "0.0.0.0/0"),
    (false, "tcp", 443, 443, "0.0.0.0/0"),
    (false, "tcp", 25, 25, "0.0.0.0/0"),
    (false, "udp", 53, 53, "0.0.0.0/0"),
    (false, "udp", 123, 123, "0.0.0.0/0"),
];

/// The Registry example as it is, run against the emulator with the two
/// groups given as its variables.
fn example_workspace(region: &str, production: &str, staging: &str) -> Workspace {
    let example = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/data-sources/cumulocity_firewall_audit/data-source.tf");
    let mut ws = Workspace::new(&emulator().hcl_prelude(region));
    ws.write("example.tf", &std::fs::read_to_string(example).unwrap());
    ws.set_env("TF_VAR_production_edge_group_id", production);
    ws.set_env("TF_VAR_staging_edge_group_id", staging);
    ws
}

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn the_example_warns_on_staging_and_fails_the_plan_on_production() {
    require_acceptance!();
    let region = emulator().unique_region();
    let compliant = hand_made_group(region, BY_THE_EXAMPLE, false);
    let mut rules: Vec<HandRule> = BY_THE_EXAMPLE.iter().filter(|r| r.2 != 8883).copied().collect();
    rules.push((true, "tcp", 22, 22, "0.0.0.0/0"));
    let drifted = hand_made_group(region, &rules, false);

    // Production complies, staging has drifted: a warning, and the plan
    // (and apply) go on.
    let ws = example_workspace(region, &compliant, &drifted);
    let plan = ws.plan();
    assert!(plan.success(), "{plan}");
    let warnings = plan.warnings();
    assert_eq!(warnings.len(), 1, "{plan}");
    assert_eq!(warnings[0].summary, "Check block assertion failed", "{plan}");
    let detail = flat(&warnings[0].detail);
    assert!(
        detail.contains(&format!(
            "Security group {drifted} does not follow the Cumulocity firewall profile (missing rules: 1, \
             unexpected rules: 1). error: SSH (TCP/22) is open to the whole internet"
        )),
        "{detail}"
    );
    let apply = ws.apply();
    assert!(apply.success(), "{apply}");
    assert_eq!(ws.output("production_edge_findings"), Value::Array(vec![]));

    // Production has drifted: the postcondition fails the plan and says why.
    let ws = example_workspace(region, &drifted, &compliant);
    let out = ws.expect_error(&["plan"]);
    let errors = out.errors();
    assert_eq!(errors.len(), 1, "{out}");
    assert_eq!(errors[0].summary, "Resource postcondition failed", "{out}");
    let detail = &errors[0].detail;
    for line in [
        format!("Security group {drifted} does not follow the Cumulocity firewall profile."),
        "missing: ingress tcp 8883-8883 0.0.0.0/0".to_string(),
        "unexpected: ingress tcp 22-22 0.0.0.0/0".to_string(),
        "error: ingress tcp 22 from 0.0.0.0/0: SSH (TCP/22) is open to the whole internet".to_string(),
    ] {
        assert!(flat(detail).contains(&flat(&line)), "{line:?} not in:\n{out}");
    }
}
