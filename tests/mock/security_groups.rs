//! Mock-server tests of the `aws` layer: the exact EC2 calls each operation
//! makes, in order, and how it meets throttling, eventual consistency,
//! DependencyViolation, failures part-way, an attempt that hangs and missing
//! credentials.
//!
//! EC2 is a wiremock server speaking the query protocol (see
//! `support.rs`); no network, no credentials, no environment.
//!
//! Run: `cargo test --test mock security_groups::`

use std::collections::BTreeMap;
use std::time::Duration;

use aws_credential_types::credential_fn::provide_credentials_fn;
use aws_credential_types::provider::error::CredentialsError;
use terraform_provider_cumulocity::aws::tags::{CREATING_TAG, OWNER_TAG};
use terraform_provider_cumulocity::aws::{
    connect, AwsOptions, Created, ErrorKind, GroupSpec, Secret, SecurityGroups, StaticCredentials,
};
use terraform_provider_cumulocity::rules::{default_egress_cidr_blocks, default_ingress_cidr_blocks};
use terraform_provider_cumulocity::rules::{diff, expand, AppliedRule, Direction, FirewallArgs, Rule, RuleSetName};
use tokio::time::Instant;

use crate::support::*;

const GROUP: &str = "sg-0a1b2c3d4e5f67890";
const VPC: &str = "vpc-0f1e2d3c4b5a69788";

fn deadline() -> Instant {
    Instant::now() + Duration::from_secs(30)
}

fn desired(sets: &[RuleSetName]) -> Vec<Rule> {
    expand(&FirewallArgs {
        rule_sets: sets.iter().copied().collect(),
        ingress_cidr_blocks: default_ingress_cidr_blocks(),
        egress_cidr_blocks: default_egress_cidr_blocks(),
        ..FirewallArgs::default()
    })
}

fn spec() -> GroupSpec {
    GroupSpec {
        name: "c8y-edge".to_string(),
        description: "Cumulocity edge firewall".to_string(),
        vpc_id: Some(VPC.to_string()),
        tags: BTreeMap::from([
            ("env".to_string(), "prod".to_string()),
            ("team".to_string(), "iot".to_string()),
        ]),
        name_prefix: None,
    }
}

/// `rules` with ids `<prefix>0001`, `<prefix>0002`, ... in order.
fn with_ids(prefix: &str, rules: &[Rule]) -> Vec<(String, Rule)> {
    rules
        .iter()
        .enumerate()
        .map(|(i, r)| (format!("{prefix}{:04}", i + 1), r.clone()))
        .collect()
}

fn of(direction: Direction, rules: &[Rule]) -> Vec<Rule> {
    rules.iter().filter(|r| r.key.direction == direction).cloned().collect()
}

fn ids(rules: &[AppliedRule]) -> Vec<&str> {
    rules.iter().map(|r| r.id.as_str()).collect()
}

/// The mocks a successful create of `desired` meets: Authorize answers
/// carry `sgr-authz…` ids (or none), DescribeSecurityGroupRules `sgr-read…`.
async fn mock_create(mock: &Ec2Mock, desired: &[Rule]) -> Vec<(String, Rule)> {
    let read = with_ids("sgr-0read0000000", desired);
    mock.on("CreateSecurityGroup", created(GROUP)).await;
    mock.on("RevokeSecurityGroupEgress", done("RevokeSecurityGroupEgress"))
        .await;
    mock.on(
        "AuthorizeSecurityGroupIngress",
        authorized(
            "AuthorizeSecurityGroupIngress",
            GROUP,
            &with_ids("sgr-0authz000000", &of(Direction::Ingress, desired)),
        ),
    )
    .await;
    mock.on("AuthorizeSecurityGroupEgress", done("AuthorizeSecurityGroupEgress"))
        .await;
    mock.on("DescribeSecurityGroupRules", described_rules(GROUP, &read))
        .await;
    mock.on("DeleteTags", done("DeleteTags")).await;
    read
}

/// A create's calls: five before the marker of an unfinished create
/// existed, six with the DeleteTags that removes it.
const CREATE_CALLS: [&str; 6] = [
    "CreateSecurityGroup",
    "RevokeSecurityGroupEgress",
    "AuthorizeSecurityGroupIngress",
    "AuthorizeSecurityGroupEgress",
    "DescribeSecurityGroupRules",
    "DeleteTags",
];

/// (protocol, from, to, cidr, description) of each `IpPermissions.N` of a form.
fn permissions(form: &[(String, String)]) -> Vec<(String, String, String, String, String)> {
    let protocols = indexed(form, "IpPermissions.{}.IpProtocol");
    (1..=protocols.len())
        .map(|n| {
            let get = |field: &str| param(form, &format!("IpPermissions.{n}.{field}")).unwrap_or_default();
            (
                get("IpProtocol"),
                get("FromPort"),
                get("ToPort"),
                get("IpRanges.1.CidrIp"),
                get("IpRanges.1.Description"),
            )
        })
        .collect()
}

fn tcp_any(port: i32, description: &str) -> (String, String, String, String, String) {
    (
        "tcp".into(),
        port.to_string(),
        port.to_string(),
        "0.0.0.0/0".into(),
        description.into(),
    )
}

/// 1. Create of `external` + `outbound`: six calls, one Authorize per
/// direction, the default egress revoked by IpPermissions, tags (and the
/// marker of an unfinished create) in the create call, rule ids from the
/// read-back, the marker removed last.
#[tokio::test]
async fn create_makes_six_calls_and_takes_rule_ids_from_the_read_back() {
    let mock = Ec2Mock::start().await;
    let clients = mock.clients(3);
    let desired = desired(&[RuleSetName::External, RuleSetName::Outbound]);
    assert_eq!(desired.len(), 7);
    let read = mock_create(&mock, &desired).await;

    let Created { group, rules, adopted } = SecurityGroups::new(&clients)
        .create(&spec(), &desired, deadline())
        .await
        .expect("create succeeds");
    assert!(!adopted);

    assert_eq!(mock.actions().await, CREATE_CALLS);
    assert_eq!(group.id, GROUP);
    assert_eq!(group.arn, group_arn(GROUP));
    assert_eq!(group.owner_id, ACCOUNT, "the owner comes from the rules' groupOwnerId");
    assert_eq!(group.vpc_id.as_deref(), Some(VPC));
    assert_eq!(group.tags, spec().tags);
    assert_eq!(rules, applied(&read));
    assert!(
        rules.iter().all(|r| r.id.starts_with("sgr-0read")),
        "ids come from DescribeSecurityGroupRules, never from an Authorize answer: {:?}",
        ids(&rules)
    );

    let requests = mock.requests().await;
    for form in &requests {
        assert_eq!(param(form, "Version").as_deref(), Some("2016-11-15"));
    }
    let create = &requests[0];
    assert_eq!(param(create, "GroupName").as_deref(), Some("c8y-edge"));
    assert_eq!(
        param(create, "GroupDescription").as_deref(),
        Some("Cumulocity edge firewall")
    );
    assert_eq!(param(create, "VpcId").as_deref(), Some(VPC));
    assert_eq!(
        param(create, "TagSpecification.1.ResourceType").as_deref(),
        Some("security-group")
    );
    // The user's tags, then the ownership tag and the marker of an
    // unfinished create that let an interrupted apply find its group again.
    assert_eq!(
        indexed(create, "TagSpecification.1.Tag.{}.Key"),
        [
            "env",
            "team",
            "cumulocity-firewall:owner",
            "cumulocity-firewall:creating"
        ]
    );
    let owner = format!("terraform-provider-cumulocity/c8y-edge@{VPC}");
    assert_eq!(
        indexed(create, "TagSpecification.1.Tag.{}.Value"),
        ["prod", "iot", owner.as_str(), owner.as_str()]
    );

    let revoke = &requests[1];
    assert_eq!(param(revoke, "GroupId").as_deref(), Some(GROUP));
    assert_eq!(
        permissions(revoke),
        [(
            "-1".to_string(),
            String::new(),
            String::new(),
            "0.0.0.0/0".to_string(),
            String::new()
        )],
        "the default allow-all egress rule, by IpPermissions"
    );
    assert!(indexed(revoke, "SecurityGroupRuleId.{}").is_empty());

    let ingress = &requests[2];
    assert_eq!(param(ingress, "GroupId").as_deref(), Some(GROUP));
    assert_eq!(
        permissions(ingress),
        [
            tcp_any(80, "HTTP"),
            tcp_any(443, "HTTPS"),
            tcp_any(1883, "MQTT"),
            tcp_any(8883, "MQTT/TLS")
        ]
    );
    let egress = &requests[3];
    assert_eq!(param(egress, "GroupId").as_deref(), Some(GROUP));
    assert_eq!(
        permissions(egress),
        [tcp_any(25, "SMTP"), tcp_any(80, "HTTP"), tcp_any(443, "HTTPS")]
    );

    let describe = &requests[4];
    assert_eq!(param(describe, "Filter.1.Name").as_deref(), Some("group-id"));
    assert_eq!(param(describe, "Filter.1.Value.1").as_deref(), Some(GROUP));

    let untag = &requests[5];
    assert_eq!(indexed(untag, "ResourceId.{}"), [GROUP]);
    assert_eq!(indexed(untag, "Tag.{}.Key"), [CREATING_TAG]);
    assert_eq!(indexed(untag, "Tag.{}.Value"), Vec::<String>::new(), "any value");
}

/// 2. A read of a group that matches: DescribeSecurityGroups and
/// DescribeSecurityGroupRules, nothing else, and no change to make.
#[tokio::test]
async fn read_is_two_calls_and_a_missing_group_is_none_after_one() {
    let mock = Ec2Mock::start().await;
    let clients = mock.clients(3);
    let desired = desired(&[RuleSetName::External, RuleSetName::Outbound]);
    let held = with_ids("sgr-0held0000000", &desired);
    mock.on_param(
        "DescribeSecurityGroups",
        "GroupId.1",
        GROUP,
        described_groups(&[group_item(
            GROUP,
            "c8y-edge",
            "Cumulocity edge firewall",
            VPC,
            &[("env", "prod"), ("team", "iot")],
        )]),
    )
    .await;
    mock.on_param(
        "DescribeSecurityGroupRules",
        "Filter.1.Value.1",
        GROUP,
        described_rules(GROUP, &held),
    )
    .await;
    let missing = "sg-0ffffffffffffffff";
    mock.on("DescribeSecurityGroups", group_not_found(missing)).await;

    let groups = SecurityGroups::new(&clients);
    let (group, rules) = groups.read(GROUP, deadline()).await.unwrap().expect("the group exists");
    assert_eq!(
        mock.actions().await,
        ["DescribeSecurityGroups", "DescribeSecurityGroupRules"]
    );
    assert_eq!(group.id, GROUP);
    assert_eq!(group.name, "c8y-edge");
    assert_eq!(group.description, "Cumulocity edge firewall");
    assert_eq!(group.owner_id, ACCOUNT);
    assert_eq!(group.arn, group_arn(GROUP));
    assert_eq!(group.vpc_id.as_deref(), Some(VPC));
    assert_eq!(group.tags, spec().tags);
    assert_eq!(rules, applied(&held));
    assert!(diff(&desired, &rules).is_empty(), "nothing to change");

    mock.server.reset().await;
    mock.on("DescribeSecurityGroups", group_not_found(missing)).await;
    assert_eq!(groups.read(missing, deadline()).await.unwrap(), None);
    assert_eq!(
        mock.actions().await,
        ["DescribeSecurityGroups"],
        "NotFound is not retried"
    );
}

/// 3a. outbound -> dns: authorize the new rule first, then revoke the stale
/// ones by rule id: two calls. The Authorize answer lists the new rule with
/// its id, as AWS's does, so nothing is read back.
#[tokio::test]
async fn update_authorizes_before_revoking_by_rule_id() {
    let mock = Ec2Mock::start().await;
    let clients = mock.clients(3);
    let before = with_ids(
        "sgr-0old00000000",
        &desired(&[RuleSetName::External, RuleSetName::Outbound]),
    );
    let wanted = desired(&[RuleSetName::External, RuleSetName::Dns]);
    let changes = diff(&wanted, &applied(&before));
    // External's four rules stay; the new dns rule gets an id of its own.
    let after: Vec<(String, Rule)> = before
        .iter()
        .filter(|(_, r)| r.key.direction == Direction::Ingress)
        .cloned()
        .chain(with_ids("sgr-0new00000000", &of(Direction::Egress, &wanted)))
        .collect();
    let new_rules = with_ids("sgr-0new00000000", &of(Direction::Egress, &wanted));
    mock.on(
        "AuthorizeSecurityGroupEgress",
        authorized("AuthorizeSecurityGroupEgress", GROUP, &new_rules),
    )
    .await;
    mock.on("RevokeSecurityGroupEgress", done("RevokeSecurityGroupEgress"))
        .await;

    let rules = SecurityGroups::new(&clients)
        .update(GROUP, &applied(&before), &changes, deadline())
        .await
        .expect("update succeeds");

    assert_eq!(
        mock.actions().await,
        ["AuthorizeSecurityGroupEgress", "RevokeSecurityGroupEgress"]
    );
    assert_eq!(rules, applied(&after));
    let requests = mock.requests().await;
    assert_eq!(
        permissions(&requests[0]),
        [("udp".into(), "53".into(), "53".into(), "0.0.0.0/0".into(), "DNS".into())]
    );
    let stale: Vec<String> = before
        .iter()
        .filter(|(_, r)| r.key.direction == Direction::Egress)
        .map(|(id, _)| id.clone())
        .collect();
    assert_eq!(stale.len(), 3);
    assert_eq!(param(&requests[1], "GroupId").as_deref(), Some(GROUP));
    assert_eq!(indexed(&requests[1], "SecurityGroupRuleId.{}"), stale);
    assert!(
        indexed(&requests[1], "IpPermissions.{}.IpProtocol").is_empty(),
        "revoked by id, not by IpPermissions"
    );
}

/// 3a''. AWS revokes all the ids of a call or none: one stale rule already
/// removed by hand makes the call fail with NotFound and keeps the others.
/// The group is read, and the ids it still holds are revoked again.
#[tokio::test]
async fn a_revoke_stopped_by_a_rule_removed_by_hand_revokes_the_rest() {
    let mock = Ec2Mock::start().await;
    let clients = mock.clients(3);
    let before = with_ids(
        "sgr-0old00000000",
        &desired(&[RuleSetName::External, RuleSetName::Outbound]),
    );
    let wanted = desired(&[RuleSetName::External, RuleSetName::Dns]);
    let changes = diff(&wanted, &applied(&before));
    let stale: Vec<String> = before
        .iter()
        .filter(|(_, r)| r.key.direction == Direction::Egress)
        .map(|(id, _)| id.clone())
        .collect();
    assert_eq!(stale.len(), 3);
    let new_rules = with_ids("sgr-0new00000000", &of(Direction::Egress, &wanted));
    // What the group holds after the authorize: all but the first stale rule,
    // which someone removed by hand, and the new one.
    let held: Vec<(String, Rule)> = before
        .iter()
        .filter(|(id, _)| *id != stale[0])
        .cloned()
        .chain(new_rules.clone())
        .collect();
    mock.on(
        "AuthorizeSecurityGroupEgress",
        authorized("AuthorizeSecurityGroupEgress", GROUP, &new_rules),
    )
    .await;
    mock.first(
        "RevokeSecurityGroupEgress",
        1,
        aws_error(
            400,
            "InvalidSecurityGroupRuleId.NotFound",
            &format!("The security group rule ID '{}' does not exist", stale[0]),
        ),
    )
    .await;
    mock.on("RevokeSecurityGroupEgress", done("RevokeSecurityGroupEgress"))
        .await;
    mock.on("DescribeSecurityGroupRules", described_rules(GROUP, &held))
        .await;

    let rules = SecurityGroups::new(&clients)
        .update(GROUP, &applied(&before), &changes, deadline())
        .await
        .expect("update succeeds");

    assert_eq!(
        mock.actions().await,
        [
            "AuthorizeSecurityGroupEgress",
            "RevokeSecurityGroupEgress",
            "DescribeSecurityGroupRules",
            "RevokeSecurityGroupEgress"
        ]
    );
    let revokes = mock.requests_for("RevokeSecurityGroupEgress").await;
    assert_eq!(indexed(&revokes[0], "SecurityGroupRuleId.{}"), stale);
    assert_eq!(indexed(&revokes[1], "SecurityGroupRuleId.{}"), stale[1..]);
    let expected: Vec<(String, Rule)> = before
        .iter()
        .filter(|(_, r)| r.key.direction == Direction::Ingress)
        .cloned()
        .chain(new_rules)
        .collect();
    assert_eq!(rules, applied(&expected));
}

/// 3a'. An Authorize answer that does not list every new rule (moto lists
/// only the last permission's): the group is read back, a third call.
#[tokio::test]
async fn an_authorize_answer_that_lists_too_few_rules_makes_the_update_read_back() {
    let mock = Ec2Mock::start().await;
    let clients = mock.clients(3);
    let before = with_ids("sgr-0old00000000", &desired(&[RuleSetName::External]));
    let wanted = desired(&[RuleSetName::External, RuleSetName::Outbound]);
    let changes = diff(&wanted, &applied(&before));
    let new_rules = with_ids("sgr-0new00000000", &of(Direction::Egress, &wanted));
    assert!(new_rules.len() > 1);
    let after: Vec<(String, Rule)> = before.iter().cloned().chain(new_rules.clone()).collect();
    let last_only = &new_rules[new_rules.len() - 1..];
    mock.on(
        "AuthorizeSecurityGroupEgress",
        authorized("AuthorizeSecurityGroupEgress", GROUP, last_only),
    )
    .await;
    mock.on("DescribeSecurityGroupRules", described_rules(GROUP, &after))
        .await;

    let rules = SecurityGroups::new(&clients)
        .update(GROUP, &applied(&before), &changes, deadline())
        .await
        .expect("update succeeds");

    assert_eq!(
        mock.actions().await,
        ["AuthorizeSecurityGroupEgress", "DescribeSecurityGroupRules"]
    );
    assert_eq!(rules, applied(&after));
}

/// 3a'''. Adding `internal` to a firewall: the Authorize answers list the
/// self references, either in the shape AWS documents (every field, the
/// group itself in `referencedGroupInfo`) or as the emulator gives them (no
/// `fromPort`/`toPort`, no description). Either way the update records the
/// rules as asked, descriptions included, under the answers' ids, without
/// reading the group back; descriptions an answer left out are set once
/// more (ModifySecurityGroupRules).
#[tokio::test]
async fn self_references_authorized_in_either_answer_shape_are_recorded_as_asked() {
    for documented in [true, false] {
        let mock = Ec2Mock::start().await;
        let clients = mock.clients(3);
        let before = with_ids("sgr-0old00000000", &desired(&[RuleSetName::Outbound]));
        let wanted = desired(&[RuleSetName::Outbound, RuleSetName::Internal]);
        let changes = diff(&wanted, &applied(&before));
        let kept: Vec<&Rule> = before.iter().map(|(_, r)| r).collect();
        let added: Vec<Rule> = wanted.iter().filter(|r| !kept.contains(r)).cloned().collect();
        assert!(
            added.iter().all(|r| r.description.is_some()),
            "internal's rules have descriptions"
        );
        let mut after = before.clone();
        for (action, direction, prefix) in [
            ("AuthorizeSecurityGroupIngress", Direction::Ingress, "sgr-0in00000000"),
            ("AuthorizeSecurityGroupEgress", Direction::Egress, "sgr-0eg00000000"),
        ] {
            let new_rules = with_ids(prefix, &of(direction, &added));
            assert_eq!(new_rules.len(), 1, "{action}: one self reference");
            after.extend(new_rules.clone());
            let answer = if documented {
                authorized(action, GROUP, &new_rules)
            } else {
                let items: String = new_rules
                    .iter()
                    .map(|(id, rule)| {
                        format!(
                            "<item><securityGroupRuleId>{id}</securityGroupRuleId><groupId>{GROUP}</groupId>\
                             <isEgress>{}</isEgress><ipProtocol>-1</ipProtocol><referencedGroupInfo>\
                             <groupId>{GROUP}</groupId></referencedGroupInfo></item>",
                            rule.key.direction == Direction::Egress
                        )
                    })
                    .collect();
                ok(
                    action,
                    &format!("<return>true</return><securityGroupRuleSet>{items}</securityGroupRuleSet>"),
                )
            };
            mock.on(action, answer).await;
        }

        mock.on("ModifySecurityGroupRules", done("ModifySecurityGroupRules"))
            .await;

        let mut rules = SecurityGroups::new(&clients)
            .update(GROUP, &applied(&before), &changes, deadline())
            .await
            .expect("update succeeds");

        let mut calls = vec!["AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress"];
        if !documented {
            // The descriptions the answers left out are set once more, so
            // that an endpoint which drops them holds them after all.
            calls.push("ModifySecurityGroupRules");
            let modify = mock.requests_for("ModifySecurityGroupRules").await;
            assert_eq!(
                indexed(&modify[0], "SecurityGroupRule.{}.SecurityGroupRuleId"),
                ["sgr-0in000000000001", "sgr-0eg000000000001"]
            );
        }
        assert_eq!(mock.actions().await, calls, "documented shape: {documented}");
        let mut expected = applied(&after);
        expected.sort_by(|a, b| a.rule.key.cmp(&b.rule.key));
        rules.sort_by(|a, b| a.rule.key.cmp(&b.rule.key));
        assert_eq!(rules, expected, "documented shape: {documented}");
    }
}

/// 3a''''. An answer that lists too few rules, then a read that lists the
/// new rules without their descriptions (as the emulator reads rules that
/// reference a group): the descriptions are set once more, and the update
/// records the rules as asked.
#[tokio::test]
async fn new_rules_read_back_without_their_descriptions_get_them_again() {
    let mock = Ec2Mock::start().await;
    let clients = mock.clients(3);
    let before = with_ids("sgr-0old00000000", &desired(&[RuleSetName::Outbound]));
    let wanted = desired(&[RuleSetName::Outbound, RuleSetName::Internal]);
    let changes = diff(&wanted, &applied(&before));
    let new_ingress = with_ids("sgr-0in00000000", &of(Direction::Ingress, &wanted));
    mock.on(
        "AuthorizeSecurityGroupIngress",
        authorized("AuthorizeSecurityGroupIngress", GROUP, &new_ingress),
    )
    .await;
    // The egress answer lists nothing: the group is read.
    mock.on(
        "AuthorizeSecurityGroupEgress",
        authorized("AuthorizeSecurityGroupEgress", GROUP, &[]),
    )
    .await;
    let after: Vec<(String, Rule)> = before
        .iter()
        .cloned()
        .chain(new_ingress.clone())
        .chain(
            with_ids("sgr-0eg00000000", &of(Direction::Egress, &wanted))
                .into_iter()
                .filter(|(_, r)| !before.iter().any(|(_, b)| b.key == r.key)),
        )
        .collect();
    let read_back: Vec<(String, Rule)> = after
        .iter()
        .map(|(id, rule)| {
            let mut rule = rule.clone();
            if rule.rule_sets.contains(&RuleSetName::Internal) {
                rule.description = None;
            }
            (id.clone(), rule)
        })
        .collect();
    mock.on("DescribeSecurityGroupRules", described_rules(GROUP, &read_back))
        .await;
    mock.on("ModifySecurityGroupRules", done("ModifySecurityGroupRules"))
        .await;

    let mut rules = SecurityGroups::new(&clients)
        .update(GROUP, &applied(&before), &changes, deadline())
        .await
        .expect("update succeeds");

    assert_eq!(
        mock.actions().await,
        [
            "AuthorizeSecurityGroupIngress",
            "AuthorizeSecurityGroupEgress",
            "DescribeSecurityGroupRules",
            "ModifySecurityGroupRules"
        ]
    );
    let modify = mock.requests_for("ModifySecurityGroupRules").await;
    assert_eq!(
        indexed(&modify[0], "SecurityGroupRule.{}.SecurityGroupRuleId").len(),
        2,
        "internal's two self references"
    );
    let mut expected = applied(&after);
    expected.sort_by(|a, b| a.rule.key.cmp(&b.rule.key));
    rules.sort_by(|a, b| a.rule.key.cmp(&b.rule.key));
    assert_eq!(rules, expected);
}

/// 3b. A description-only change: ModifySecurityGroupRules on the same rule
/// id, no revoke, no authorize.
#[tokio::test]
async fn a_description_change_is_modified_in_place_and_keeps_the_rule_id() {
    let mock = Ec2Mock::start().await;
    let clients = mock.clients(3);
    let wanted = desired(&[RuleSetName::External]);
    let https = wanted.iter().position(|r| r.key.from_port == 443).unwrap();
    let mut held = with_ids("sgr-0held0000000", &wanted);
    held[https].1.description = Some("web".to_string());
    let https_id = held[https].0.clone();
    let changes = diff(&wanted, &applied(&held));
    assert_eq!(changes.describe.len(), 1);
    mock.on("ModifySecurityGroupRules", done("ModifySecurityGroupRules"))
        .await;

    let rules = SecurityGroups::new(&clients)
        .update(GROUP, &applied(&held), &changes, deadline())
        .await
        .expect("update succeeds");

    assert_eq!(mock.actions().await, ["ModifySecurityGroupRules"]);
    assert_eq!(rules, applied(&with_ids("sgr-0held0000000", &wanted)));
    let modify = &mock.requests().await[0];
    assert_eq!(param(modify, "GroupId").as_deref(), Some(GROUP));
    assert_eq!(
        indexed(modify, "SecurityGroupRule.{}.SecurityGroupRuleId"),
        [https_id.as_str()]
    );
    let field = |name: &str| param(modify, &format!("SecurityGroupRule.1.SecurityGroupRule.{name}"));
    assert_eq!(field("Description").as_deref(), Some("HTTPS"));
    assert_eq!(field("IpProtocol").as_deref(), Some("tcp"));
    assert_eq!(field("FromPort").as_deref(), Some("443"));
    assert_eq!(field("ToPort").as_deref(), Some("443"));
    assert_eq!(field("CidrIpv4").as_deref(), Some("0.0.0.0/0"));
    let kept = rules.iter().find(|r| r.rule.key.from_port == 443).unwrap();
    assert_eq!(kept.id, https_id);
    assert_eq!(kept.rule.description.as_deref(), Some("HTTPS"));
}

/// 3b'. A description removed: ModifySecurityGroupRules with an empty
/// description, which clears it (a request without one leaves the old
/// description in place on the emulator).
#[tokio::test]
async fn a_removed_description_is_sent_empty() {
    let mock = Ec2Mock::start().await;
    let clients = mock.clients(3);
    let mut wanted = desired(&[RuleSetName::Dns]);
    wanted[0].description = None;
    let held = with_ids("sgr-0held0000000", &desired(&[RuleSetName::Dns]));
    let changes = diff(&wanted, &applied(&held));
    assert_eq!(changes.describe.len(), 1);
    mock.on("ModifySecurityGroupRules", done("ModifySecurityGroupRules"))
        .await;

    let rules = SecurityGroups::new(&clients)
        .update(GROUP, &applied(&held), &changes, deadline())
        .await
        .expect("update succeeds");

    let modify = &mock.requests().await[0];
    assert_eq!(
        param(modify, "SecurityGroupRule.1.SecurityGroupRule.Description").as_deref(),
        Some("")
    );
    assert_eq!(rules[0].rule.description, None);
}

/// An update whose Authorize fails revokes nothing (the old rules keep
/// applying) and reports what the group holds.
#[tokio::test]
async fn a_failed_authorize_in_an_update_revokes_nothing_and_reports_the_rules() {
    let mock = Ec2Mock::start().await;
    let clients = mock.clients(3);
    let before = with_ids(
        "sgr-0old00000000",
        &desired(&[RuleSetName::External, RuleSetName::Outbound]),
    );
    let changes = diff(&desired(&[RuleSetName::External, RuleSetName::Dns]), &applied(&before));
    mock.on(
        "AuthorizeSecurityGroupEgress",
        aws_error(
            400,
            "RulesPerSecurityGroupLimitExceeded",
            "The maximum number of rules per security group has been reached.",
        ),
    )
    .await;
    mock.on("DescribeSecurityGroupRules", described_rules(GROUP, &before))
        .await;

    let failure = SecurityGroups::new(&clients)
        .update(GROUP, &applied(&before), &changes, deadline())
        .await
        .expect_err("update fails");

    assert_eq!(
        mock.actions().await,
        ["AuthorizeSecurityGroupEgress", "DescribeSecurityGroupRules"]
    );
    assert_eq!(failure.error.action, "AuthorizeSecurityGroupEgress");
    assert_eq!(
        failure.error.code.as_deref(),
        Some("RulesPerSecurityGroupLimitExceeded")
    );
    assert_eq!(failure.rules, Some(applied(&before)));
}

/// A rule that references a group that does not exist: AWS answers
/// `InvalidGroup.NotFound` naming the peer, which the SDK retries like the
/// group's own eventual consistency (`max_retries`), then reports as a
/// missing peer, not as the firewall's own group gone. A prefix list that
/// does not exist is one attempt (not retried) and a missing prefix list.
#[tokio::test]
async fn a_missing_peer_group_or_prefix_list_is_told_apart_from_the_group_itself() {
    for (code, message, kind, attempts) in [
        (
            "InvalidGroup.NotFound",
            "The security group 'sg-0fedcba9876543210' does not exist",
            ErrorKind::MissingPeerGroup,
            3,
        ),
        (
            "InvalidGroup.NotFound",
            &*format!("The security group '{GROUP}' does not exist"),
            ErrorKind::NotFound,
            3,
        ),
        (
            "InvalidPrefixListID.NotFound",
            "The prefix list ID 'pl-6ea54007' does not exist",
            ErrorKind::MissingPrefixList,
            1,
        ),
    ] {
        let mock = Ec2Mock::start().await;
        let clients = mock.clients(3);
        let before = with_ids("sgr-0old00000000", &desired(&[RuleSetName::Outbound]));
        let changes = diff(
            &desired(&[RuleSetName::Outbound, RuleSetName::External]),
            &applied(&before),
        );
        mock.on("AuthorizeSecurityGroupIngress", aws_error(400, code, message))
            .await;
        mock.on("DescribeSecurityGroupRules", described_rules(GROUP, &before))
            .await;

        let failure = SecurityGroups::new(&clients)
            .update(GROUP, &applied(&before), &changes, deadline())
            .await
            .expect_err("update fails");

        assert_eq!(failure.error.kind, kind, "{message}");
        assert_eq!(failure.error.message, message);
        let tries = mock
            .actions()
            .await
            .iter()
            .filter(|a| *a == "AuthorizeSecurityGroupIngress")
            .count();
        assert_eq!(tries, attempts, "{message}");
    }
}

/// Tags: CreateTags for new and changed, DeleteTags for gone; no call when
/// nothing changed.
#[tokio::test]
async fn tags_are_set_and_removed_in_two_calls_and_not_at_all_when_equal() {
    let mock = Ec2Mock::start().await;
    let clients = mock.clients(3);
    mock.on("CreateTags", done("CreateTags")).await;
    mock.on("DeleteTags", done("DeleteTags")).await;
    let groups = SecurityGroups::new(&clients);
    let old = spec().tags;
    let new = BTreeMap::from([
        ("env".to_string(), "staging".to_string()),
        ("owner".to_string(), "platform".to_string()),
    ]);

    groups.update_tags(GROUP, &old, &old, deadline()).await.unwrap();
    assert!(mock.actions().await.is_empty());

    groups.update_tags(GROUP, &old, &new, deadline()).await.unwrap();
    assert_eq!(mock.actions().await, ["CreateTags", "DeleteTags"]);
    let requests = mock.requests().await;
    assert_eq!(param(&requests[0], "ResourceId.1").as_deref(), Some(GROUP));
    assert_eq!(indexed(&requests[0], "Tag.{}.Key"), ["env", "owner"]);
    assert_eq!(indexed(&requests[0], "Tag.{}.Value"), ["staging", "platform"]);
    assert_eq!(indexed(&requests[1], "Tag.{}.Key"), ["team"]);
    assert!(indexed(&requests[1], "Tag.{}.Value").is_empty());
}

/// 4. Delete: one DeleteSecurityGroup; with revoke-first, the rules are
/// revoked by id before it, one call per direction.
#[tokio::test]
async fn delete_is_one_call_and_revokes_by_id_first_when_asked() {
    let mock = Ec2Mock::start().await;
    let clients = mock.clients(3);
    mock.on("DeleteSecurityGroup", done("DeleteSecurityGroup")).await;
    mock.on("RevokeSecurityGroupIngress", done("RevokeSecurityGroupIngress"))
        .await;
    mock.on("RevokeSecurityGroupEgress", done("RevokeSecurityGroupEgress"))
        .await;
    let groups = SecurityGroups::new(&clients);

    groups.delete(GROUP, &[], deadline()).await.expect("delete succeeds");
    assert_eq!(mock.actions().await, ["DeleteSecurityGroup"]);
    assert_eq!(param(&mock.requests().await[0], "GroupId").as_deref(), Some(GROUP));

    mock.server.reset().await;
    mock.on("DeleteSecurityGroup", done("DeleteSecurityGroup")).await;
    mock.on("RevokeSecurityGroupIngress", done("RevokeSecurityGroupIngress"))
        .await;
    mock.on("RevokeSecurityGroupEgress", done("RevokeSecurityGroupEgress"))
        .await;
    let held = applied(&with_ids(
        "sgr-0held0000000",
        &desired(&[RuleSetName::External, RuleSetName::Outbound]),
    ));
    groups.delete(GROUP, &held, deadline()).await.expect("delete succeeds");
    assert_eq!(
        mock.actions().await,
        [
            "RevokeSecurityGroupIngress",
            "RevokeSecurityGroupEgress",
            "DeleteSecurityGroup"
        ]
    );
    let requests = mock.requests().await;
    let ids_of = |direction: Direction| -> Vec<String> {
        held.iter()
            .filter(|r| r.rule.key.direction == direction)
            .map(|r| r.id.clone())
            .collect()
    };
    assert_eq!(
        indexed(&requests[0], "SecurityGroupRuleId.{}"),
        ids_of(Direction::Ingress)
    );
    assert_eq!(
        indexed(&requests[1], "SecurityGroupRuleId.{}"),
        ids_of(Direction::Egress)
    );
    assert_eq!(param(&requests[2], "GroupId").as_deref(), Some(GROUP));
}

/// A group already gone is deleted: no error.
#[tokio::test]
async fn deleting_a_group_that_is_gone_succeeds() {
    let mock = Ec2Mock::start().await;
    let clients = mock.clients(3);
    mock.on("DeleteSecurityGroup", group_not_found(GROUP)).await;
    SecurityGroups::new(&clients)
        .delete(GROUP, &[], deadline())
        .await
        .expect("a missing group counts as deleted");
    assert_eq!(mock.actions().await, ["DeleteSecurityGroup"]);
}

/// 5. RequestLimitExceeded (HTTP 503) is retried by the SDK and the create
/// goes on.
#[tokio::test]
async fn throttling_is_retried_and_the_create_succeeds() {
    let mock = Ec2Mock::start().await;
    let clients = mock.clients(3);
    let desired = desired(&[RuleSetName::External, RuleSetName::Outbound]);
    mock.first("AuthorizeSecurityGroupIngress", 1, throttled()).await;
    let read = mock_create(&mock, &desired).await;

    let Created { group, rules, .. } = SecurityGroups::new(&clients)
        .create(&spec(), &desired, deadline())
        .await
        .expect("create succeeds after the throttled call");

    assert_eq!(
        mock.actions().await,
        [
            "CreateSecurityGroup",
            "RevokeSecurityGroupEgress",
            "AuthorizeSecurityGroupIngress",
            "AuthorizeSecurityGroupIngress",
            "AuthorizeSecurityGroupEgress",
            "DescribeSecurityGroupRules",
            "DeleteTags"
        ]
    );
    let requests = mock.requests_for("AuthorizeSecurityGroupIngress").await;
    assert_eq!(
        permissions(&requests[0]),
        permissions(&requests[1]),
        "the retry sends the same rules"
    );
    assert_eq!(group.id, GROUP);
    assert_eq!(rules, applied(&read));
}

/// 6. Right after CreateSecurityGroup, EC2 may not know the group yet:
/// InvalidGroup.NotFound / InvalidSecurityGroupID.NotFound are retried.
#[tokio::test]
async fn a_new_group_not_visible_yet_is_retried_and_the_create_succeeds() {
    let mock = Ec2Mock::start().await;
    let clients = mock.clients(3);
    let desired = desired(&[RuleSetName::External, RuleSetName::Outbound]);
    mock.first("RevokeSecurityGroupEgress", 1, group_not_found(GROUP)).await;
    mock.first("AuthorizeSecurityGroupIngress", 1, group_not_found(GROUP))
        .await;
    mock.first(
        "AuthorizeSecurityGroupEgress",
        1,
        aws_error(
            400,
            "InvalidSecurityGroupID.NotFound",
            &format!("The security group ID '{GROUP}' does not exist"),
        ),
    )
    .await;
    let read = mock_create(&mock, &desired).await;

    let Created { group, rules, .. } = SecurityGroups::new(&clients)
        .create(&spec(), &desired, deadline())
        .await
        .expect("create succeeds once the group is visible");

    assert_eq!(
        mock.actions().await,
        [
            "CreateSecurityGroup",
            "RevokeSecurityGroupEgress",
            "RevokeSecurityGroupEgress",
            "AuthorizeSecurityGroupIngress",
            "AuthorizeSecurityGroupIngress",
            "AuthorizeSecurityGroupEgress",
            "AuthorizeSecurityGroupEgress",
            "DescribeSecurityGroupRules",
            "DeleteTags"
        ]
    );
    assert_eq!(group.id, GROUP);
    assert_eq!(rules, applied(&read));
}

/// 7'. A delete that runs out of time without AWS ever answering
/// DependencyViolation (a dead endpoint) says it timed out and which
/// setting to raise, not that the group is in use, and looks for no users.
#[tokio::test]
async fn a_delete_that_only_runs_out_of_time_is_not_called_in_use() {
    let mock = Ec2Mock::start().await;
    let clients = mock.clients(1);
    mock.on(
        "DeleteSecurityGroup",
        done("DeleteSecurityGroup").set_delay(Duration::from_secs(10)),
    )
    .await;

    let err = SecurityGroups::new(&clients)
        .delete(GROUP, &[], Instant::now() + Duration::from_millis(300))
        .await
        .expect_err("the deadline passes first");

    assert_eq!(err.kind, ErrorKind::Timeout, "{err}");
    assert_eq!(err.action, "DeleteSecurityGroup");
    let text = err.to_string();
    assert!(!text.contains("in use"), "{text}");
    assert!(text.contains("timeouts"), "names the setting to raise: {text}");
    assert_eq!(mock.actions().await, ["DeleteSecurityGroup"]);
}

/// 7. DependencyViolation: DeleteSecurityGroup is retried until the
/// deadline; then the error names what uses the group.
#[tokio::test]
async fn a_group_in_use_is_retried_until_the_deadline_then_its_users_are_named() {
    let mock = Ec2Mock::start().await;
    let clients = mock.clients(3);
    let in_use = format!("resource {GROUP} has a dependent object");
    mock.on("DeleteSecurityGroup", aws_error(400, "DependencyViolation", &in_use))
        .await;
    mock.on_param(
        "DescribeNetworkInterfaces",
        "Filter.1.Name",
        "group-id",
        described_interface("eni-0123456789abcdef0", GROUP, "i-0fedcba9876543210"),
    )
    .await;
    mock.on_param(
        "DescribeSecurityGroups",
        "Filter.1.Name",
        "ip-permission.group-id",
        described_groups(&[group_item(
            "sg-0peer000000000001",
            "c8y-core",
            "Cumulocity core nodes",
            VPC,
            &[],
        )]),
    )
    .await;
    mock.on_param(
        "DescribeSecurityGroups",
        "Filter.1.Name",
        "egress.ip-permission.group-id",
        described_groups(&[]),
    )
    .await;

    let started = Instant::now();
    let timeout = Duration::from_millis(1500);
    let err = SecurityGroups::new(&clients)
        .delete(GROUP, &[], started + timeout)
        .await
        .expect_err("the group stays in use");
    let took = started.elapsed();

    assert_eq!(err.kind, ErrorKind::DependencyViolation, "{err}");
    assert_eq!(err.action, "DeleteSecurityGroup");
    assert_eq!(err.code.as_deref(), Some("DependencyViolation"), "{err}");
    let text = err.to_string();
    for needle in [
        GROUP,
        "still in use",
        in_use.as_str(),
        "network interface eni-0123456789abcdef0 (attached to i-0fedcba9876543210)",
        "an inbound rule of security group sg-0peer000000000001 (c8y-core)",
    ] {
        assert!(text.contains(needle), "{needle:?} missing from: {text}");
    }
    assert!(!text.contains("outbound rule"), "{text}");
    assert!(took >= timeout, "gave up after {took:?}, before the deadline");
    assert!(took < timeout + Duration::from_secs(5), "took {took:?}");

    let actions = mock.actions().await;
    let deletes = actions.iter().filter(|a| *a == "DeleteSecurityGroup").count();
    // Retried: the SDK's three attempts at least (how many more fit before
    // the deadline depends on the clock, so no upper count), every one
    // before the lookups that name the users.
    assert!(deletes >= 3, "{actions:?}");
    assert_eq!(
        actions[..deletes],
        vec!["DeleteSecurityGroup"; deletes][..],
        "{actions:?}"
    );
    let lookups: Vec<&String> = actions.iter().filter(|a| *a != "DeleteSecurityGroup").collect();
    assert_eq!(
        lookups,
        [
            "DescribeNetworkInterfaces",
            "DescribeSecurityGroups",
            "DescribeSecurityGroups"
        ]
    );
    let requests = mock.requests().await;
    let lookups: Vec<&Vec<(String, String)>> = requests
        .iter()
        .filter(|f| param(f, "Action").as_deref() != Some("DeleteSecurityGroup"))
        .collect();
    for (form, filter) in lookups
        .iter()
        .zip(["group-id", "ip-permission.group-id", "egress.ip-permission.group-id"])
    {
        assert_eq!(param(form, "Filter.1.Name").as_deref(), Some(filter));
        assert_eq!(param(form, "Filter.1.Value.1").as_deref(), Some(GROUP));
    }
}

/// 8. A failure after the group exists is not an orphan: the error, the
/// group's id and the rules it really holds.
#[tokio::test]
async fn a_failure_after_the_group_exists_reports_the_group_and_its_rules() {
    let mock = Ec2Mock::start().await;
    let clients = mock.clients(3);
    let desired = desired(&[RuleSetName::External, RuleSetName::Outbound]);
    let holds = with_ids("sgr-0read0000000", &of(Direction::Ingress, &desired));
    mock.on("CreateSecurityGroup", created(GROUP)).await;
    mock.on("RevokeSecurityGroupEgress", done("RevokeSecurityGroupEgress"))
        .await;
    mock.on("AuthorizeSecurityGroupIngress", done("AuthorizeSecurityGroupIngress"))
        .await;
    mock.on(
        "AuthorizeSecurityGroupEgress",
        aws_error(400, "InvalidPermission.Malformed", "Invalid IPv4 CIDR: 0.0.0.0/33"),
    )
    .await;
    mock.on("DescribeSecurityGroupRules", described_rules(GROUP, &holds))
        .await;
    mock.on("DeleteTags", done("DeleteTags")).await;

    let failure = SecurityGroups::new(&clients)
        .create(&spec(), &desired, deadline())
        .await
        .expect_err("create fails");

    // The malformed call is not retried; the group goes into the state, so
    // its marker of an unfinished create is removed (best effort).
    assert_eq!(mock.actions().await, CREATE_CALLS, "the malformed call is not retried");
    assert_eq!(failure.error.action, "AuthorizeSecurityGroupEgress");
    assert_eq!(failure.error.kind, ErrorKind::Other);
    assert_eq!(failure.error.code.as_deref(), Some("InvalidPermission.Malformed"));
    assert_eq!(failure.error.message, "Invalid IPv4 CIDR: 0.0.0.0/33");
    let group = failure.group.expect("the new group is reported, not orphaned");
    assert_eq!(group.id, GROUP);
    assert_eq!(group.arn, group_arn(GROUP));
    assert_eq!(group.name, "c8y-edge");
    assert_eq!(failure.rules, Some(applied(&holds)), "what the group really holds");
}

/// `(key, value)` pairs of the ownership tag and, when `marked`, the marker
/// of an unfinished create, for a group named `name` in `vpc`.
fn provider_tags(name: &str, vpc: &str, marked: bool) -> Vec<(&'static str, String)> {
    let owner = format!("terraform-provider-cumulocity/{name}@{vpc}");
    let mut tags = vec![(OWNER_TAG, owner.clone())];
    if marked {
        tags.push((CREATING_TAG, owner));
    }
    tags
}

fn as_pairs<'a>(tags: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    tags.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

/// CreateSecurityGroup answers InvalidGroup.Duplicate for `c8y-edge`.
async fn name_taken(mock: &Ec2Mock) {
    mock.on(
        "CreateSecurityGroup",
        aws_error(
            400,
            "InvalidGroup.Duplicate",
            &format!("The security group 'c8y-edge' already exists for VPC '{VPC}'"),
        ),
    )
    .await;
}

/// The name is taken by a group this firewall did not create (no matching
/// ownership tag): an error naming that group, and nothing touched.
#[tokio::test]
async fn a_name_taken_by_another_group_is_a_clear_error() {
    let mock = Ec2Mock::start().await;
    let clients = mock.clients(3);
    name_taken(&mock).await;
    mock.on(
        "DescribeSecurityGroups",
        described_groups(&[group_item(GROUP, "c8y-edge", "by hand", VPC, &[("env", "prod")])]),
    )
    .await;
    let failure = SecurityGroups::new(&clients)
        .create(&spec(), &desired(&[RuleSetName::External]), deadline())
        .await
        .expect_err("create fails");
    assert_eq!(mock.actions().await, ["CreateSecurityGroup", "DescribeSecurityGroups"]);
    let lookup = &mock.requests().await[1];
    assert_eq!(indexed(lookup, "Filter.{}.Name"), ["group-name", "vpc-id"]);
    assert_eq!(failure.error.kind, ErrorKind::NameTaken);
    assert_eq!(failure.error.code.as_deref(), Some("InvalidGroup.Duplicate"));
    let message = &failure.error.message;
    assert!(
        message.contains(GROUP) && message.contains("\"c8y-edge\"") && message.contains(VPC),
        "{message}"
    );
    assert!(message.contains("did not create it"), "{message}");
    assert!(
        !message.contains("terraform import"),
        "the remedy in Terraform's words is the provider's: {message}"
    );
    assert!(failure.group.is_none() && failure.rules.is_none());
}

/// Marker absent: the group carries this firewall's ownership tag, but its
/// create completed (no marker), so another configuration's state holds it.
/// An error naming it (id, name, VPC), and no call that changes anything,
/// even though its rules differ from this configuration's.
#[tokio::test]
async fn a_finished_group_of_the_same_name_is_managed_elsewhere_and_left_alone() {
    let mock = Ec2Mock::start().await;
    let clients = mock.clients(3);
    name_taken(&mock).await;
    let id = "sg-0e1sewhere000001";
    let tags = provider_tags("c8y-edge", VPC, false);
    mock.on(
        "DescribeSecurityGroups",
        described_groups(&[group_item(id, "c8y-edge", "theirs", VPC, &as_pairs(&tags))]),
    )
    .await;
    let failure = SecurityGroups::new(&clients)
        .create(&spec(), &desired(&[RuleSetName::Ssh]), deadline())
        .await
        .expect_err("create fails");
    assert_eq!(
        mock.actions().await,
        ["CreateSecurityGroup", "DescribeSecurityGroups"],
        "no rule read, no Authorize/Revoke, no tag change"
    );
    assert_eq!(failure.error.kind, ErrorKind::NameTaken);
    let message = &failure.error.message;
    assert!(
        message.contains(id) && message.contains("\"c8y-edge\"") && message.contains(VPC),
        "{message}"
    );
    assert!(
        message.contains("another configuration appears to manage it"),
        "{message}"
    );
    assert!(failure.group.is_none() && failure.rules.is_none());
}

/// Marker present: an apply that stopped right after CreateSecurityGroup
/// left a group still marked as an unfinished create of this firewall, and
/// no state entry. The next create adopts it (and says so), brings its
/// rules to the desired ones and removes the marker: no second group.
#[tokio::test]
async fn an_interrupted_create_is_adopted_by_the_next_one() {
    let mock = Ec2Mock::start().await;
    let clients = mock.clients(3);
    let desired = desired(&[RuleSetName::External]);
    name_taken(&mock).await;
    // Group ids are claimed process-wide (two firewalls of one apply never
    // share a group): each adoption test has its own.
    let id = "sg-0adopted00000001";
    let mut tags = provider_tags("c8y-edge", VPC, true);
    tags.push(("env", "prod".to_string()));
    mock.on(
        "DescribeSecurityGroups",
        described_groups(&[group_item(
            id,
            "c8y-edge",
            "Cumulocity edge firewall",
            VPC,
            &as_pairs(&tags),
        )]),
    )
    .await;
    // The interrupted apply got as far as two of the four rules.
    let partial = with_ids("sgr-0part000000", &desired[..2]);
    let complete = with_ids("sgr-0done000000", &desired);
    mock.first("DescribeSecurityGroupRules", 1, described_rules(id, &partial))
        .await;
    mock.on("DescribeSecurityGroupRules", described_rules(id, &complete))
        .await;
    mock.on("AuthorizeSecurityGroupIngress", done("AuthorizeSecurityGroupIngress"))
        .await;
    mock.on("DeleteTags", done("DeleteTags")).await;

    let Created { group, rules, adopted } = SecurityGroups::new(&clients)
        .create(&spec(), &desired, deadline())
        .await
        .expect("adopted");
    assert!(adopted, "the caller is told, to warn");
    assert_eq!(group.id, id);
    assert_eq!(
        group.tags,
        BTreeMap::from([("env".to_string(), "prod".to_string())]),
        "the ownership tag and the marker are not user tags"
    );
    assert_eq!(rules, applied(&complete));
    assert_eq!(
        mock.actions().await,
        [
            "CreateSecurityGroup",
            "DescribeSecurityGroups",
            "DescribeSecurityGroupRules",
            "AuthorizeSecurityGroupIngress",
            "DescribeSecurityGroupRules",
            "DeleteTags",
        ],
        "the lookup by name already describes the group: no second DescribeSecurityGroups"
    );
    let authorize = &mock.requests_for("AuthorizeSecurityGroupIngress").await[0];
    assert_eq!(
        indexed(authorize, "IpPermissions.{}.FromPort"),
        ["1883", "8883"],
        "only what was missing"
    );
    let untag = &mock.requests_for("DeleteTags").await[0];
    assert_eq!(indexed(untag, "ResourceId.{}"), [id]);
    assert_eq!(indexed(untag, "Tag.{}.Key"), [CREATING_TAG]);
}

/// A marked group holding rules this configuration does not want (added by
/// hand, or by an older configuration, before the crash): adopted, and
/// those rules revoked by id, so that it holds exactly the desired ones.
#[tokio::test]
async fn an_adopted_group_loses_the_rules_it_should_not_hold() {
    let mock = Ec2Mock::start().await;
    let clients = mock.clients(3);
    let wanted = desired(&[RuleSetName::External]);
    name_taken(&mock).await;
    let id = "sg-0adopted00000002";
    let tags = provider_tags("c8y-edge", VPC, true);
    mock.on(
        "DescribeSecurityGroups",
        described_groups(&[group_item(id, "c8y-edge", "left", VPC, &as_pairs(&tags))]),
    )
    .await;
    let foreign = desired(&[RuleSetName::Outbound]);
    let mut holds = with_ids("sgr-0want000000", &wanted);
    holds.extend(with_ids("sgr-0frgn000000", &foreign));
    mock.first("DescribeSecurityGroupRules", 1, described_rules(id, &holds))
        .await;
    mock.on(
        "DescribeSecurityGroupRules",
        described_rules(id, &holds[..wanted.len()]),
    )
    .await;
    mock.on("RevokeSecurityGroupEgress", done("RevokeSecurityGroupEgress"))
        .await;
    mock.on("DeleteTags", done("DeleteTags")).await;

    let Created { rules, adopted, .. } = SecurityGroups::new(&clients)
        .create(&spec(), &wanted, deadline())
        .await
        .expect("adopted");

    assert!(adopted);
    let revoke = &mock.requests_for("RevokeSecurityGroupEgress").await[0];
    assert_eq!(
        indexed(revoke, "SecurityGroupRuleId.{}"),
        ["sgr-0frgn0000000001", "sgr-0frgn0000000002", "sgr-0frgn0000000003"]
    );
    assert!(
        mock.requests_for("AuthorizeSecurityGroupIngress").await.is_empty(),
        "the wanted rules are there already"
    );
    assert_eq!(rules, applied(&holds[..wanted.len()]));
    assert_eq!(mock.actions().await.last().map(String::as_str), Some("DeleteTags"));
}

/// Two firewalls of one apply with the same name: the second finds the
/// group the first one made in this very process (marked while that create
/// is under way, unmarked once done: both are described here) and stops
/// with an error that says so, instead of sharing the group.
#[tokio::test]
async fn a_group_another_firewall_of_this_apply_made_is_not_adopted() {
    let mock = Ec2Mock::start().await;
    let clients = mock.clients(3);
    let id = "sg-0sibling00000001";
    mock.first("CreateSecurityGroup", 1, created(id)).await;
    name_taken(&mock).await;
    mock.on("RevokeSecurityGroupEgress", done("RevokeSecurityGroupEgress"))
        .await;
    mock.on("AuthorizeSecurityGroupIngress", done("AuthorizeSecurityGroupIngress"))
        .await;
    let wanted = desired(&[RuleSetName::External]);
    mock.on(
        "DescribeSecurityGroupRules",
        described_rules(id, &with_ids("sgr-0sib0000000", &wanted)),
    )
    .await;
    mock.on("DeleteTags", done("DeleteTags")).await;
    let marked = provider_tags("c8y-edge", VPC, true);
    let done = provider_tags("c8y-edge", VPC, false);
    mock.first(
        "DescribeSecurityGroups",
        1,
        described_groups(&[group_item(id, "c8y-edge", "first", VPC, &as_pairs(&marked))]),
    )
    .await;
    mock.on(
        "DescribeSecurityGroups",
        described_groups(&[group_item(id, "c8y-edge", "first", VPC, &as_pairs(&done))]),
    )
    .await;
    let groups = SecurityGroups::new(&clients);
    let first = groups.create(&spec(), &wanted, deadline()).await.expect("first");
    assert!(!first.adopted);
    let calls = mock.actions().await.len();

    for (seen, calls) in [("marked", calls), ("done", calls + 2)] {
        let failure = groups
            .create(&spec(), &wanted, deadline())
            .await
            .expect_err("the second stops");
        assert_eq!(failure.error.kind, ErrorKind::NameTaken);
        assert!(
            failure.error.message.contains("another firewall of this same apply"),
            "{seen}: {}",
            failure.error.message
        );
        assert_eq!(
            mock.actions().await[calls..],
            ["CreateSecurityGroup", "DescribeSecurityGroups"],
            "{seen}"
        );
    }
}

/// In the default VPC (no `vpc_id`) the lookup by name has no VPC filter,
/// so a group of the same name in another VPC answers too: the group with
/// this firewall's ownership tag is the one adopted, wherever it is listed.
#[tokio::test]
async fn in_the_default_vpc_the_tagged_group_is_adopted_not_a_namesake() {
    let mock = Ec2Mock::start().await;
    let clients = mock.clients(3);
    let desired = desired(&[RuleSetName::External]);
    name_taken(&mock).await;
    let ours = "sg-0c0ffee0c0ffee000";
    let tags = provider_tags("c8y-edge", "default-vpc", true);
    mock.on(
        "DescribeSecurityGroups",
        described_groups(&[
            group_item(GROUP, "c8y-edge", "by hand", "vpc-0aaaaaaaaaaaaaaaa", &[]),
            group_item(ours, "c8y-edge", "Cumulocity edge firewall", VPC, &as_pairs(&tags)),
        ]),
    )
    .await;
    mock.on(
        "DescribeSecurityGroupRules",
        described_rules(ours, &with_ids("sgr-0done000000", &desired)),
    )
    .await;
    mock.on("DeleteTags", done("DeleteTags")).await;
    let spec = GroupSpec { vpc_id: None, ..spec() };

    let Created { group, adopted, .. } = SecurityGroups::new(&clients)
        .create(&spec, &desired, deadline())
        .await
        .expect("adopted");

    assert!(adopted);
    assert_eq!(group.id, ours);
    let lookup = &mock.requests_for("DescribeSecurityGroups").await[0];
    assert_eq!(indexed(lookup, "Filter.{}.Name"), ["group-name"]);
}

fn prefixed_spec(name: &str) -> GroupSpec {
    GroupSpec {
        name: name.to_string(),
        name_prefix: Some("edge-".to_string()),
        ..spec()
    }
}

/// `name_prefix`: the create first looks for a group an interrupted create
/// of the same prefix left (one DescribeSecurityGroups on the marker's
/// value, escaped), finds none, and creates: seven calls. The marker names
/// the prefix, since a retry does not know the chosen name.
#[tokio::test]
async fn a_prefixed_create_looks_for_a_left_group_first() {
    let mock = Ec2Mock::start().await;
    let clients = mock.clients(3);
    let desired = desired(&[RuleSetName::External, RuleSetName::Outbound]);
    mock_create(&mock, &desired).await;
    mock.on("DescribeSecurityGroups", described_groups(&[])).await;

    let created = SecurityGroups::new(&clients)
        .create(&prefixed_spec("edge-20261205"), &desired, deadline())
        .await
        .expect("created");

    assert!(!created.adopted);
    let mut expected = vec!["DescribeSecurityGroups"];
    expected.extend(CREATE_CALLS);
    assert_eq!(mock.actions().await, expected);
    let lookup = &mock.requests().await[0];
    assert_eq!(
        indexed(lookup, "Filter.{}.Name"),
        ["tag:cumulocity-firewall:creating", "vpc-id"]
    );
    assert_eq!(
        param(lookup, "Filter.1.Value.1").as_deref(),
        Some(format!("terraform-provider-cumulocity/edge-\\*@{VPC}").as_str())
    );
    let create = &mock.requests().await[1];
    assert_eq!(param(create, "GroupName").as_deref(), Some("edge-20261205"));
    assert_eq!(
        indexed(create, "TagSpecification.1.Tag.{}.Value")[2..],
        [
            format!("terraform-provider-cumulocity/edge-20261205@{VPC}"),
            format!("terraform-provider-cumulocity/edge-*@{VPC}")
        ]
    );
}

/// `name_prefix` after an interrupted create: the group it left (marked
/// with the prefix) is found and adopted under its own name; no group is
/// created. Groups the filter answers with another marker are not taken.
#[tokio::test]
async fn a_prefixed_create_adopts_the_group_an_interrupted_one_left() {
    let mock = Ec2Mock::start().await;
    let clients = mock.clients(3);
    let desired = desired(&[RuleSetName::External]);
    let left = "sg-0adopted00000003";
    let marker = format!("terraform-provider-cumulocity/edge-*@{VPC}");
    let owner = format!("terraform-provider-cumulocity/edge-1764900000@{VPC}");
    mock.on(
        "DescribeSecurityGroups",
        described_groups(&[
            group_item(
                "sg-0adopted00000004",
                "edge-other",
                "wildcard match",
                VPC,
                &[(CREATING_TAG, &format!("terraform-provider-cumulocity/edge-x*@{VPC}"))],
            ),
            group_item(
                left,
                "edge-1764900000",
                "left",
                VPC,
                &[(OWNER_TAG, &owner), (CREATING_TAG, &marker)],
            ),
        ]),
    )
    .await;
    mock.on(
        "DescribeSecurityGroupRules",
        described_rules(left, &with_ids("sgr-0left000000", &desired)),
    )
    .await;
    mock.on("DeleteTags", done("DeleteTags")).await;

    let Created { group, adopted, .. } = SecurityGroups::new(&clients)
        .create(&prefixed_spec("edge-20261205"), &desired, deadline())
        .await
        .expect("adopted");

    assert!(adopted);
    assert_eq!(group.id, left);
    assert_eq!(group.name, "edge-1764900000", "the left group's name, not the new one");
    assert_eq!(
        mock.actions().await,
        ["DescribeSecurityGroups", "DescribeSecurityGroupRules", "DeleteTags"]
    );
}

/// 9. No credentials: the credential chain finds nothing (as the default
/// chain does with no environment, files or roles). No request goes out,
/// and the error says how to provide credentials.
#[tokio::test]
async fn missing_credentials_say_how_to_provide_them() {
    let mock = Ec2Mock::start().await;
    let clients = mock.clients_with(3, |b| {
        b.credentials_provider(provide_credentials_fn(|| async {
            Err(CredentialsError::not_loaded(
                "no providers in chain provided credentials",
            ))
        }))
    });

    let err = SecurityGroups::new(&clients)
        .read(GROUP, deadline())
        .await
        .expect_err("no credentials");

    assert_eq!(err.kind, ErrorKind::NoCredentials, "{err}");
    assert_eq!(err.action, "DescribeSecurityGroups");
    for needle in ["access_key", "AWS_ACCESS_KEY_ID", "profile"] {
        assert!(err.message.contains(needle), "{needle:?} missing from: {err}");
    }
    assert!(mock.actions().await.is_empty(), "nothing is sent unsigned");
}

/// A call whose answer never comes (a dead connection) is given up after
/// the attempt timeout and retried, instead of holding the resource until
/// its own timeout: the clients come from `connect`, as the provider's do.
#[tokio::test]
async fn an_attempt_that_hangs_is_given_up_and_retried() {
    let mock = Ec2Mock::start().await;
    mock.first(
        "DescribeSecurityGroups",
        1,
        described_groups(&[]).set_delay(Duration::from_secs(20)),
    )
    .await;
    let item = group_item(GROUP, "c8y", "Cumulocity firewall", VPC, &[]);
    mock.on("DescribeSecurityGroups", described_groups(&[item])).await;
    mock.on("DescribeSecurityGroupRules", described_rules(GROUP, &[])).await;
    let options = AwsOptions {
        region: Some(REGION.to_string()),
        credentials: Some(StaticCredentials {
            access_key: "AKIAIOSFODNN7EXAMPLE".to_string(),
            secret_key: Secret::new("not-a-secret".to_string()),
            token: None,
        }),
        ec2_endpoint: Some(mock.server.uri()),
        max_retries: 2,
        attempt_timeout: Duration::from_millis(300),
        ..AwsOptions::default()
    };
    let clients = connect(&options).await.expect("clients");

    let started = Instant::now();
    let read = SecurityGroups::new(&clients).read(GROUP, deadline()).await;

    let (group, _) = read.expect("the retry answers").expect("the group exists");
    assert_eq!(group.id, GROUP);
    assert_eq!(mock.requests_for("DescribeSecurityGroups").await.len(), 2);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
}

/// A VPC that does not exist: AWS answers CreateSecurityGroup with
/// `InvalidVpcID.NotFound` (the emulator creates the group anyway), which
/// the provider reports on `vpc_id`; nothing else is called.
#[tokio::test]
async fn an_unknown_vpc_is_its_own_kind_of_error_and_nothing_is_created() {
    let mock = Ec2Mock::start().await;
    let clients = mock.clients(3);
    mock.on(
        "CreateSecurityGroup",
        aws_error(
            400,
            "InvalidVpcID.NotFound",
            "The vpc ID 'vpc-0f1e2d3c4b5a69788' does not exist",
        ),
    )
    .await;

    let failure = SecurityGroups::new(&clients)
        .create(&spec(), &desired(&[RuleSetName::External]), deadline())
        .await
        .expect_err("the VPC does not exist");

    assert_eq!(failure.error.kind, ErrorKind::MissingVpc);
    assert!(failure.group.is_none(), "no group was made");
    assert_eq!(mock.actions().await, ["CreateSecurityGroup"]);
}
