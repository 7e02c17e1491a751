//! Bad input, end to end: every malformed configuration gets one clear
//! diagnostic that names the attribute, at plan time, before any AWS call
//! (the emulator's recorder counts them: zero). Gated by TF_ACC=1.

use crate::support::emulator::emulator;
use crate::support::Workspace;

struct Case {
    /// The body of `resource "cumulocity_firewall" "x"` (name and VPC are
    /// added unless the case sets them).
    body: &'static str,
    summary: &'static str,
    /// What the diagnostic's source snippet shows: the attribute at fault.
    attribute: &'static str,
}

const NLB: &str =
    "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/net/c8y/50dc6c495c0c9188/f2f7dc8efc522ab2";

fn cases() -> Vec<Case> {
    let c = |body, summary, attribute| Case {
        body,
        summary,
        attribute,
    };
    vec![
        c(r#"rule_sets = "external""#, "Incorrect attribute value type", "rule_sets"),
        c(r#"rule_sets = ["external", "mqtt"]"#, "Unknown rule set", "rule_sets"),
        // AWS refuses tag values over 256 characters at apply; the emulator takes them.
        c(
            Box::leak(format!("rule_sets = [\"external\"]\n  tags = {{ team = \"{}\" }}", "x".repeat(257)).into_boxed_str()),
            "Invalid tag value",
            "tags",
        ),
        c("rule_sets = [\"external\"]\n  ingress_cidr_blocks = [\"10.0.0.0/33\"]", "Invalid CIDR block in ingress_cidr_blocks", "ingress_cidr_blocks"),
        c("rule_sets = [\"external\"]\n  ingress_cidr_blocks = [\"2001:db8::/32\"]", "Invalid CIDR block in ingress_cidr_blocks", "ingress_cidr_blocks"),
        c("rule_sets = [\"outbound\"]\n  egress_ipv6_cidr_blocks = [\"10.0.0.0/8\"]", "Invalid CIDR block in egress_ipv6_cidr_blocks", "egress_ipv6_cidr_blocks"),
        c("rule_sets = [\"outbound\"]\n  egress_cidr_blocks = [\"10.1.2.3/16\"]", "Invalid CIDR block in egress_cidr_blocks", "egress_cidr_blocks"),
        c(r#"rule_sets = ["ssh"]"#, "ssh_cidr_blocks is required with the ssh rule set", "resource \"cumulocity_firewall\""),
        c("rule_sets = [\"ssh\"]\n  ssh_cidr_blocks = []", "ssh_cidr_blocks is empty", "ssh_cidr_blocks"),
        c("rule_sets = [\"internal\"]\n  node_security_group_ids = [\"sg-nothex\"]", "Invalid security group id", "node_security_group_ids"),
        c("rule_sets = [\"external\"]\n  ingress_cidr_blocks = []", "No CIDR blocks for rule sets external", "ingress_cidr_blocks"),
        c("rule_sets = []\n  extra_rule {\n    protocol = \"tcp\"\n    from_port = 1\n    to_port = 1\n    self = true\n  }", "Missing required argument", "extra_rule"),
        c("rule_sets = []\n  extra_rule {\n    direction = \"sideways\"\n    protocol = \"tcp\"\n    from_port = 1\n    to_port = 1\n    self = true\n  }", "Invalid value for direction", "direction"),
        c("rule_sets = []\n  extra_rule {\n    direction = \"ingress\"\n    protocol = \"sctp\"\n    self = true\n  }", "Invalid value for protocol", "protocol"),
        c("rule_sets = []\n  extra_rule {\n    direction = \"ingress\"\n    protocol = \"tcp\"\n    from_port = 443\n    to_port = 80\n    self = true\n  }", "from_port is greater than to_port", "from_port"),
        c("rule_sets = []\n  extra_rule {\n    direction = \"ingress\"\n    protocol = \"tcp\"\n    from_port = 1\n    to_port = 70000\n    self = true\n  }", "Invalid to_port", "to_port"),
        c("rule_sets = []\n  extra_rule {\n    direction = \"ingress\"\n    protocol = \"tcp\"\n    from_port = 1.5\n    to_port = 2\n    self = true\n  }", "Invalid from_port", "from_port"),
        c("rule_sets = []\n  extra_rule {\n    direction = \"egress\"\n    protocol = \"all\"\n    from_port = 0\n    self = true\n  }", "Ports given with protocol \"all\"", "from_port"),
        c("rule_sets = []\n  extra_rule {\n    direction = \"egress\"\n    protocol = \"tcp\"\n    from_port = 443\n    to_port = 443\n  }", "extra_rule[0] has no peer", "resource \"cumulocity_firewall\""),
        c("rule_sets = []\n  extra_rule {\n    direction = \"egress\"\n    protocol = \"tcp\"\n    from_port = 443\n    to_port = 443\n    self = true\n  }\n  extra_rule {\n    direction = \"egress\"\n    protocol = \"tcp\"\n    from_port = 443\n    to_port = 443\n    self = true\n  }", "extra_rule[1] is a duplicate", "resource \"cumulocity_firewall\""),
        c("rule_sets = [\"external\"]\n  extra_rule {\n    direction = \"ingress\"\n    protocol = \"tcp\"\n    from_port = 443\n    to_port = 443\n    cidr_blocks = [\"0.0.0.0/0\"]\n  }", "extra_rule[0] repeats a documented rule", "resource \"cumulocity_firewall\""),
        c("rule_sets = []\n  extra_rule {\n    direction = \"ingress\"\n    protocol = \"icmp\"\n    ipv6_cidr_blocks = [\"::/0\"]\n  }", "protocol \"icmp\" does not match IPv6 traffic", "ipv6_cidr_blocks"),
        c("rule_sets = []\n  extra_rule {\n    direction = \"ingress\"\n    protocol = \"tcp\"\n    from_port = 1\n    to_port = 1\n    self = true\n    description = \"Zugang f\u{fc}r Partner\"\n  }", "Invalid rule description", "description"),
        c("rule_sets = []\n  extra_rule {\n    direction = \"ingress\"\n    protocol = \"tcp\"\n    from_port = 1\n    to_port = 1\n    prefix_list_ids = [\"pl-zz\"]\n  }", "Invalid prefix list id", "prefix_list_ids"),
        c("rule_sets = [\"external\"]\n  ingress_cidr_blocks = [for i in range(16) : \"10.${i}.0.0/16\"]", "Too many ingress rules for one security group (IPv4)", "rule_sets"),
        c("rule_sets = [\"dns\"]\n  name_prefix = \"c8y-\"", "Conflicting name and name_prefix", "name_prefix"),
        c("rule_sets = [\"dns\"]\n  description = \"caf\u{e9}\"", "Invalid description", "description"),
        c("rule_sets = [\"dns\"]\n  tags = { \"aws:owner\" = \"me\" }", "Invalid tag key", "tags"),
        c("rule_sets = [\"dns\"]\n  revoke_rules_on_delete = \"maybe\"", "Incorrect attribute value type", "revoke_rules_on_delete"),
        c("rule_sets = [\"dns\"]\n  timeouts {\n    create = \"ten minutes\"\n  }", "Invalid timeout", "create"),
        c("rule_sets = [\"dns\"]\n  session_timeout_seconds = 59", "Invalid session_timeout_seconds", "session_timeout_seconds"),
        c("rule_sets = [\"dns\"]\n  session_timeout_seconds = 432001", "Invalid session_timeout_seconds", "session_timeout_seconds"),
        c("rule_sets = [\"dns\"]\n  session_timeout_policy = \"lenient\"", "Invalid session_timeout_policy", "session_timeout_policy"),
        c("rule_sets = [\"dns\"]\n  load_balancer_listener_arns = [\"arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/net/c8y/1\"]", "Invalid listener ARN", "load_balancer_listener_arns"),
        c("rule_sets = [\"dns\"]\n  load_balancer_listener_arns = [\"arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/gwy/c8y/1/2\"]", "Invalid listener ARN", "load_balancer_listener_arns"),
        c("rule_sets = [\"dns\"]\n  target_network_interface_ids = [\"eni-xyz\"]", "Invalid network interface id", "target_network_interface_ids"),
        c("rule_sets = [\"dns\"]\n  session_timeout_policy = \"strict\"\n  load_balancer_listener_arns = [\"NLB\"]", "Session timeout not possible on listener c8y/f2f7dc8efc522ab2", "load_balancer_listener_arns"),
    ]
}

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn every_malformed_configuration_gets_one_diagnostic_naming_the_attribute_before_any_api_call() {
    require_acceptance!();
    let region = emulator().unique_region();
    let vpc = emulator().create_vpc(region, "10.0.0.0/16");
    // After a canary call the recorder must have seen, so "no API call"
    // cannot pass with the recorder off.
    let calls_before = emulator().start_recording_in(region);

    let cases = cases();
    assert!(cases.len() >= 30, "{} cases", cases.len());
    let failures: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = cases
            .iter()
            .map(|case| {
                let vpc = vpc.clone();
                scope.spawn(move || {
                    let body = case.body.replace("\"NLB\"", &format!("\"{NLB}\""));
                    let name = "name = \"c8y-x\"\n  ";
                    let ws = Workspace::new(&format!(
                        "{}resource \"cumulocity_firewall\" \"x\" {{\n  {name}vpc_id = \"{vpc}\"\n  {body}\n}}\n",
                        emulator().hcl_prelude(region)
                    ));
                    let plan = ws.plan();
                    let errors = plan.errors();
                    let ok = plan.status == 1
                        && errors.len() == 1
                        && errors[0].summary.contains(case.summary)
                        && errors[0].attribute_line.contains(case.attribute);
                    (!ok).then(|| format!("case {:?}: status {}, errors {errors:#?}", case.summary, plan.status))
                })
            })
            .collect();
        handles.into_iter().filter_map(|h| h.join().unwrap()).collect()
    });
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert_eq!(
        emulator().recorded_calls_in(region).len(),
        calls_before,
        "no API call for bad input"
    );
}

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn a_malformed_import_id_is_an_error_before_any_api_call() {
    require_acceptance!();
    let region = emulator().unique_region();
    let ws = Workspace::new(&format!(
        "{}resource \"cumulocity_firewall\" \"x\" {{\n  rule_sets = [\"dns\"]\n}}\n",
        emulator().hcl_prelude(region)
    ));
    let before = emulator().start_recording_in(region);
    let import = ws.run(&["import", "-input=false", "cumulocity_firewall.x", "security-group-1"]);
    assert!(!import.success(), "{import}");
    let errors = import.errors();
    assert_eq!(errors.len(), 1, "{import}");
    assert_eq!(errors[0].summary, "Invalid import id");
    assert_eq!(emulator().recorded_calls_in(region).len(), before, "no API call");
}
