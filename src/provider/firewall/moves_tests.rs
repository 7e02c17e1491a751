//! Tests of `moves` on `aws_security_group` state of the shape
//! hashicorp/aws writes (schema version 1: every attribute present, empty
//! lists as `[]`, an empty rule description as `""`, `name_prefix` `""` for
//! a named group; 6.x adds `region`).

use serde_json::{json, Value as Json};
use tf_provider::value::{Value, ValueList};
use tf_provider::{Diagnostics, MoveSource, RawValue};

use super::*;
use crate::provider::firewall::schema::FirewallState;

const ID: &str = "sg-0123456789abcdef0";
const NODE: &str = "sg-0fedcba9876543210";
const PL: &str = "pl-6ea54007";

/// One inline rule object; peers by their text (`self`, `sg-`, `pl-`, CIDR).
fn rule(protocol: &str, ports: (i64, i64), peers: &[&str], description: &str) -> Json {
    let of = |keep: fn(&str) -> bool| -> Vec<&str> { peers.iter().copied().filter(|p| keep(p)).collect() };
    json!({
        "cidr_blocks": of(|p| p.contains('.')),
        "description": description,
        "from_port": ports.0,
        "ipv6_cidr_blocks": of(|p| p.contains(':')),
        "prefix_list_ids": of(|p| p.starts_with("pl-")),
        "protocol": protocol,
        "security_groups": of(|p| p.contains("sg-")),
        "self": peers.contains(&"self"),
        "to_port": ports.1,
    })
}

/// A group as hashicorp/aws 6.x writes it.
fn group_6x(ingress: Vec<Json>, egress: Vec<Json>) -> Json {
    json!({
        "arn": format!("arn:aws:ec2:eu-central-1:123456789012:security-group/{ID}"),
        "description": "Managed by Terraform",
        "egress": egress,
        "id": ID,
        "ingress": ingress,
        "name": "c8y-edge",
        "name_prefix": "",
        "owner_id": "123456789012",
        "region": "eu-central-1",
        "revoke_rules_on_delete": false,
        "tags": {},
        "tags_all": {},
        "timeouts": null,
        "vpc_id": "vpc-0a1b2c3d4e5f60718",
    })
}

/// The same group as 5.x writes it: no `region`, `tags` null.
fn group_5x(ingress: Vec<Json>, egress: Vec<Json>) -> Json {
    let mut group = group_6x(ingress, egress);
    let object = group.as_object_mut().unwrap();
    object.remove("region");
    object.insert("tags".into(), Json::Null);
    group
}

fn source(state: &Json) -> MoveSource {
    MoveSource {
        provider_address: "registry.terraform.io/hashicorp/aws".into(),
        type_name: "aws_security_group".into(),
        schema_version: 1,
        state: RawValue::Json(serde_json::to_vec(state).unwrap()),
        private: b"{\"e2bfb730-ecaa-11e6-8f88-34363bc7c4c0\":{\"create\":600000000000}}".to_vec(),
        identity: None,
        identity_schema_version: 0,
        target_type_name: "cumulocity_firewall".into(),
    }
}

fn moved(state: &Json) -> FirewallState {
    let mut diags = Diagnostics::default();
    let moved = moved_state(&mut diags, &source(state));
    assert!(diags.errors.is_empty(), "{:?}", diags.errors);
    moved.expect("a state")
}

fn refused(source: &MoveSource) -> String {
    let mut diags = Diagnostics::default();
    assert!(moved_state(&mut diags, source).is_none());
    assert_eq!(diags.errors.len(), 1, "{:?}", diags.errors);
    format!("{} | {}", diags.errors[0].summary, diags.errors[0].detail)
}

fn strings(list: &ValueList<Value<String>>) -> Option<Vec<String>> {
    match list {
        Value::Value(items) => Some(items.iter().map(|i| i.as_ref_option().unwrap().clone()).collect()),
        Value::Null => None,
        Value::Unknown => panic!("unknown in a moved state"),
    }
}

fn rule_sets(state: &FirewallState) -> Vec<String> {
    strings(&state.args.rule_sets).unwrap()
}

fn extra_rules(state: &FirewallState) -> usize {
    state.args.extra_rule.as_ref_option().map_or(0, Vec::len)
}

/// What every moved state must be: wholly known, its rules exactly the
/// ones the source holds, each rule once, ids left to the refresh.
fn assert_sound(state: &FirewallState, held: usize) {
    // serde_json writes an unknown value as tf-provider's msgpack extension.
    let unknown = serde_json::to_string(&Value::<String>::Unknown).unwrap();
    assert_eq!(unknown, "[0,[]]");
    let json = serde_json::to_string(state).unwrap();
    assert!(!json.contains(&unknown), "{json}");
    let rules = state.rules.as_ref_option().expect("rules");
    assert_eq!(rules.len(), held);
    assert!(rules.iter().all(|r| r.id.is_null()));
    let args = state.args.valid().expect("valid arguments");
    let expanded: Vec<_> = rules::expand(&args).into_iter().map(|r| r.key).collect();
    let mut held_keys: Vec<_> = rules.iter().map(|r| r.rule.to_rule().unwrap().key).collect();
    held_keys.sort();
    assert_eq!(expanded, held_keys);
}

const ANY: &str = "0.0.0.0/0";

#[test]
fn each_documented_rule_set_on_its_own() {
    let cases: Vec<(&str, Vec<Json>, Vec<Json>)> = vec![
        (
            "external",
            [80, 443, 1883, 8883]
                .iter()
                .map(|&p| rule("tcp", (p, p), &[ANY], ""))
                .collect(),
            vec![],
        ),
        (
            "outbound",
            vec![],
            [80, 443, 25].iter().map(|&p| rule("tcp", (p, p), &[ANY], "")).collect(),
        ),
        ("dns", vec![], vec![rule("udp", (53, 53), &[ANY], "")]),
        ("ntp", vec![], vec![rule("udp", (123, 123), &[ANY], "")]),
        (
            "opcua",
            vec![rule("tcp", (6670, 6670), &[ANY], "")],
            vec![rule("tcp", (80, 80), &[ANY], "")],
        ),
        (
            "smartrule-apama",
            vec![rule("tcp", (8334, 8334), &[ANY], "")],
            vec![rule("tcp", (80, 80), &[ANY], "")],
        ),
        ("ssh", vec![rule("tcp", (22, 22), &["10.0.100.0/24"], "")], vec![]),
        (
            "internal",
            vec![rule("-1", (0, 0), &["self"], "")],
            vec![rule("-1", (0, 0), &["self"], "")],
        ),
    ];
    for (set, ingress, egress) in cases {
        let held = ingress.len() + egress.len();
        let state = moved(&group_6x(ingress, egress));
        assert_sound(&state, held);
        // opcua and smartrule-apama both hold egress TCP/80; alone, each is
        // told from the other by its ingress port.
        assert_eq!(rule_sets(&state), vec![set.to_string()], "{set}");
        assert_eq!(extra_rules(&state), 0, "{set}");
    }
}

#[test]
fn a_whole_edge_group_with_ipv6_blocks_and_catalogue_descriptions() {
    let peers = ["10.0.0.0/8", "2001:db8::/32"];
    let ingress = [(80, "HTTP"), (443, "HTTPS"), (1883, "MQTT"), (8883, "MQTT/TLS")]
        .iter()
        .map(|&(p, d)| rule("tcp", (p, p), &peers, d))
        .collect();
    let egress = vec![
        rule("tcp", (80, 80), &[ANY], "HTTP"),
        rule("tcp", (443, 443), &[ANY], "HTTPS"),
        rule("tcp", (25, 25), &[ANY], "SMTP"),
        rule("udp", (53, 53), &[ANY], "DNS"),
        rule("udp", (123, 123), &[ANY], "NTP"),
    ];
    let state = moved(&group_6x(ingress, egress));
    assert_sound(&state, 13);
    assert_eq!(rule_sets(&state), ["external", "outbound", "dns", "ntp"]);
    assert_eq!(
        strings(&state.args.ingress_cidr_blocks),
        Some(vec!["10.0.0.0/8".to_string()])
    );
    assert_eq!(
        strings(&state.args.ingress_ipv6_cidr_blocks),
        Some(vec!["2001:db8::/32".to_string()])
    );
    // The egress default (0.0.0.0/0) is left out, as an import leaves it.
    assert_eq!(strings(&state.args.egress_cidr_blocks), None);
    assert_eq!(state.manage_rule_descriptions, Value::Null, "catalogue descriptions");
    let rules = state.rules.as_ref_option().unwrap();
    assert!(
        rules.iter().all(|r| !r.rule.rule_sets.is_empty()),
        "annotated with their sets"
    );
}

#[test]
fn a_partial_set_leaves_its_rules_as_extra_rules() {
    // external without 8883, and outbound's 443 only.
    let ingress = [80, 443, 1883]
        .iter()
        .map(|&p| rule("tcp", (p, p), &[ANY], ""))
        .collect();
    let egress = vec![rule("tcp", (443, 443), &[ANY], "")];
    let state = moved(&group_6x(ingress, egress));
    assert_sound(&state, 4);
    assert!(rule_sets(&state).is_empty());
    // One block per direction, protocol, ports and description.
    assert_eq!(extra_rules(&state), 4);
}

#[test]
fn self_peer_groups_and_prefix_lists() {
    let ingress = vec![
        rule("-1", (0, 0), &["self", NODE], ""),
        rule("tcp", (443, 443), &[PL], ""),
    ];
    let egress = vec![rule("-1", (0, 0), &["self", NODE], "")];
    let state = moved(&group_6x(ingress, egress));
    assert_sound(&state, 5);
    assert_eq!(rule_sets(&state), ["internal"]);
    assert_eq!(
        strings(&state.args.node_security_group_ids),
        Some(vec![NODE.to_string()])
    );
    let extra = &state.args.extra_rule.as_ref_option().unwrap()[0];
    assert_eq!(strings(&extra.prefix_list_ids), Some(vec![PL.to_string()]));
    assert_eq!(extra.from_port, Value::Value(443.0));
}

#[test]
fn the_groups_own_id_and_other_accounts_groups() {
    // hashicorp/aws writes a group of another account as `<account>/sg-...`.
    let ingress = vec![
        rule("-1", (0, 0), &[ID], ""),
        rule("tcp", (5432, 5432), &["210987654321/sg-0fedcba9876543210"], ""),
    ];
    let state = moved(&group_6x(ingress, vec![rule("-1", (0, 0), &["self"], "")]));
    assert_sound(&state, 3);
    assert_eq!(rule_sets(&state), ["internal"]);
    let extra = &state.args.extra_rule.as_ref_option().unwrap()[0];
    assert_eq!(strings(&extra.security_group_ids), Some(vec![NODE.to_string()]));
}

#[test]
fn hand_made_descriptions_are_kept() {
    let ingress = vec![rule("tcp", (22, 22), &["10.0.100.0/24"], "bastion")];
    let egress = vec![rule("udp", (514, 514), &["10.0.5.0/24"], "syslog")];
    let state = moved(&group_6x(ingress, egress));
    assert_sound(&state, 2);
    assert_eq!(rule_sets(&state), ["ssh"]);
    assert_eq!(state.manage_rule_descriptions, Value::Value(false));
    let extra = &state.args.extra_rule.as_ref_option().unwrap()[0];
    assert_eq!(extra.description, Value::Value("syslog".to_string()));
    let rules = state.rules.as_ref_option().unwrap();
    assert_eq!(rules[0].rule.description, Value::Value("bastion".to_string()));
}

#[test]
fn icmp_and_other_protocols() {
    let ingress = vec![
        rule("icmp", (8, -1), &[ANY], ""),
        rule("icmpv6", (-1, -1), &["::/0"], ""),
        rule("50", (0, 0), &["10.0.0.0/16"], ""),
    ];
    let state = moved(&group_6x(ingress, vec![]));
    assert_sound(&state, 3);
    let protocols: Vec<String> = state
        .rules
        .as_ref_option()
        .unwrap()
        .iter()
        .map(|r| format!("{} {} {}", r.rule.protocol, r.rule.from_port, r.rule.to_port))
        .collect();
    assert_eq!(protocols, ["icmp 8 -1", "icmpv6 -1 -1", "50 -1 -1"]);
}

#[test]
fn the_groups_own_attributes() {
    let mut group = group_6x(vec![], vec![rule("tcp", (443, 443), &[ANY], "")]);
    let object = group.as_object_mut().unwrap();
    object.insert("name".into(), json!("web-20240101120000000000000001"));
    object.insert("name_prefix".into(), json!("web-"));
    object.insert("description".into(), json!("Web tier"));
    object.insert("tags".into(), json!({"Name": "web"}));
    object.insert("tags_all".into(), json!({"Name": "web", "Team": "iot"}));
    object.insert("revoke_rules_on_delete".into(), json!(true));
    object.insert("timeouts".into(), json!({"create": "5m", "delete": null}));
    object.insert("some_future_attribute".into(), json!({"anything": [1, 2]}));
    let state = moved(&group);
    assert_eq!(state.id, Value::Value(ID.to_string()));
    assert_eq!(state.name, Value::Value("web-20240101120000000000000001".to_string()));
    assert_eq!(state.name_prefix, Value::Value("web-".to_string()));
    assert_eq!(state.description, Value::Value("Web tier".to_string()));
    assert_eq!(state.vpc_id, Value::Value("vpc-0a1b2c3d4e5f60718".to_string()));
    assert_eq!(state.owner_id, Value::Value("123456789012".to_string()));
    assert!(state.arn.as_ref_option().unwrap().ends_with(ID));
    assert_eq!(state.revoke_rules_on_delete, Value::Value(true));
    let tags = state.tags.as_ref_option().unwrap();
    assert_eq!(tags.len(), 1);
    assert_eq!(state.tags_all.as_ref_option().unwrap().len(), 2);
    let timeouts = state.timeouts.as_ref_option().unwrap();
    assert_eq!(timeouts.len(), 1);
    let timeouts = &timeouts[0];
    assert_eq!(timeouts.create, Value::Value("5m".to_string()));
    assert_eq!(timeouts.delete, Value::Null);
}

#[test]
fn defaults_of_the_source_are_left_out() {
    // A named group: name_prefix "" and revoke_rules_on_delete false are
    // what hashicorp/aws writes when the configuration has neither.
    let state = moved(&group_6x(vec![], vec![rule("udp", (53, 53), &[ANY], "")]));
    assert_eq!(state.name, Value::Value("c8y-edge".to_string()));
    assert_eq!(state.name_prefix, Value::Null);
    assert_eq!(state.revoke_rules_on_delete, Value::Null);
    assert_eq!(state.tags, Value::Null, "no tags, as configuration without tags");
    assert_eq!(state.tags_all, Value::Value(Default::default()));
    assert_eq!(state.timeouts.as_ref_option().map(Vec::len), Some(0));
}

#[test]
fn hashicorp_aws_5x_and_6x_give_the_same_firewall() {
    let ingress = || vec![rule("tcp", (22, 22), &["10.0.100.0/24", "2001:db8:1::/48"], "")];
    let egress = || vec![rule("-1", (0, 0), &["self"], ""), rule("tcp", (443, 443), &[ANY], "")];
    let five = serde_json::to_value(moved(&group_5x(ingress(), egress()))).unwrap();
    let six = serde_json::to_value(moved(&group_6x(ingress(), egress()))).unwrap();
    assert_eq!(five, six);
    // Schema version 0 (before revoke_rules_on_delete) is read alike.
    let mut v0 = group_5x(ingress(), egress());
    v0.as_object_mut().unwrap().remove("revoke_rules_on_delete");
    let mut old = source(&v0);
    old.schema_version = 0;
    let mut diags = Diagnostics::default();
    let zero = serde_json::to_value(moved_state(&mut diags, &old).unwrap()).unwrap();
    assert_eq!(zero, six);
}

#[test]
fn a_group_with_no_rules() {
    let state = moved(&group_6x(vec![], vec![]));
    assert_sound(&state, 0);
    assert!(rule_sets(&state).is_empty());
    assert_eq!(extra_rules(&state), 0);
    // Rule lists the source leaves null count as empty.
    let mut nulls = group_6x(vec![], vec![]);
    nulls.as_object_mut().unwrap().insert("ingress".into(), Json::Null);
    assert_sound(&moved(&nulls), 0);
}

#[test]
fn a_rule_in_two_objects_is_one_rule() {
    let ingress = vec![
        rule("tcp", (443, 443), &["10.0.0.0/8"], "first"),
        rule("tcp", (443, 443), &["10.0.0.0/8", "10.1.0.0/16"], "second"),
    ];
    let state = moved(&group_6x(ingress, vec![]));
    assert_sound(&state, 2);
}

#[test]
fn any_registry_host_and_both_schema_versions_are_accepted() {
    let state = group_6x(vec![], vec![]);
    for address in [
        "registry.terraform.io/hashicorp/aws",
        "registry.opentofu.org/hashicorp/aws",
        "mirror.example.com/hashicorp/aws",
        "Registry.Terraform.io/HashiCorp/AWS",
        // OpenTofu before 1.11.12 and 1.12.4 sends the bare local name.
        "aws",
        "hashicorp/aws",
    ] {
        for version in SOURCE_SCHEMA_VERSIONS {
            let mut s = source(&state);
            s.provider_address = address.into();
            s.schema_version = version;
            assert_eq!(unsupported_because(&s), None, "{address} {version}");
        }
    }
}

#[test]
fn other_sources_are_refused_naming_what_is_accepted() {
    let state = group_6x(vec![], vec![]);
    let with = |f: &dyn Fn(&mut MoveSource)| {
        let mut s = source(&state);
        f(&mut s);
        s
    };
    let cases = [
        (
            with(&|s| s.type_name = "aws_default_security_group".into()),
            "default group",
        ),
        (
            with(&|s| s.type_name = "aws_security_group_rule".into()),
            "`aws_security_group_rule` is not",
        ),
        (
            with(&|s| s.provider_address = "registry.terraform.io/hashicorp/awscc".into()),
            "is not hashicorp/aws",
        ),
        (
            with(&|s| s.provider_address = "registry.terraform.io/example/aws".into()),
            "is not hashicorp/aws",
        ),
        (with(&|s| s.schema_version = 2), "schema version 2"),
        (
            with(&|s| s.provider_address = "someone/aws".into()),
            "is not hashicorp/aws",
        ),
        (
            with(&|s| s.provider_address = "hashicorp/google".into()),
            "is not hashicorp/aws",
        ),
        (with(&|s| s.provider_address = "google".into()), "is not hashicorp/aws"),
        (with(&|s| s.provider_address = "awscc".into()), "is not hashicorp/aws"),
        (
            with(&|s| s.provider_address = "/hashicorp/aws".into()),
            "is not hashicorp/aws",
        ),
        (
            with(&|s| s.provider_address = "a.example/extra/hashicorp/aws".into()),
            "is not hashicorp/aws",
        ),
        (with(&|s| s.provider_address = "".into()), "is not hashicorp/aws"),
    ];
    for (source, why) in cases {
        let message = refused(&source);
        assert!(message.contains(why), "{message}");
        assert!(message.starts_with("Cannot move `"), "{message}");
        for named in [
            "`aws_security_group`",
            "hashicorp/aws",
            "version 0 or 1",
            "`removed`",
            "`import`",
        ] {
            assert!(message.contains(named), "{named}: {message}");
        }
    }
}

#[test]
fn a_missing_or_malformed_id_is_an_error() {
    for id in [
        Json::Null,
        json!(""),
        json!("i-0123456789abcdef0"),
        json!("sg-xyz"),
        json!(42),
    ] {
        let mut group = group_6x(vec![], vec![]);
        group.as_object_mut().unwrap().insert("id".into(), id.clone());
        let message = refused(&source(&group));
        assert!(
            message.contains("Cannot read the `aws_security_group` state"),
            "{message}"
        );
        assert!(
            message.contains("id") || message.contains("invalid type"),
            "{id}: {message}"
        );
    }
    let mut group = group_6x(vec![], vec![]);
    group.as_object_mut().unwrap().remove("id");
    assert!(refused(&source(&group)).contains("has no `id`"));
}

#[test]
fn malformed_rules_and_states_are_errors() {
    let cases = [
        (rule("tcp", (443, 443), &["10.0.0.1/8"], ""), "host bits"),
        (rule("bogus", (1, 1), &[ANY], ""), "no protocol AWS knows"),
        (rule("tcp", (443, 443), &["sg-nothex"], ""), "security_groups"),
        (rule("tcp", (443, 443), &["pl-zz"], ""), "prefix_list_ids"),
        (
            json!({"protocol": "tcp", "to_port": 1, "cidr_blocks": [ANY]}),
            "no valid `from_port`",
        ),
    ];
    for (object, why) in cases {
        let message = refused(&source(&group_6x(vec![object], vec![])));
        assert!(message.contains(why), "{why}: {message}");
    }
    for raw in [b"null".to_vec(), b"[1, 2]".to_vec(), b"{\"id\": ".to_vec()] {
        let mut s = source(&json!({}));
        s.state = RawValue::Json(raw);
        assert!(refused(&s).contains("Cannot read"));
    }
}

#[test]
fn the_region_comes_from_6x_region_else_from_the_arn() {
    let mut group = group_6x(Vec::new(), Vec::new());
    group["region"] = json!("eu-west-3");
    assert_eq!(moved(&group).region, Value::Value("eu-west-3".to_string()));
    // 5.x: no `region`; the ARN names eu-central-1.
    assert_eq!(
        moved(&group_5x(Vec::new(), Vec::new())).region,
        Value::Value("eu-central-1".to_string())
    );
    let mut bare = group_5x(Vec::new(), Vec::new());
    bare.as_object_mut().unwrap().remove("arn");
    assert_eq!(moved(&bare).region, Value::Null);
}

#[path = "moves_tests_property.rs"]
mod property;
