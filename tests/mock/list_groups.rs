//! Mock-server tests of listing (`aws::GroupLister`, behind `terraform
//! query`): one DescribeSecurityGroups page, then the page's rules in one
//! DescribeSecurityGroupRules per 200 groups; pages ask for what the caller
//! still takes and follow NextToken; `group_ids` go 200 to a call;
//! throttling is retried; a group deleted between the two calls is left out;
//! a refusal is told as such.
//!
//! Run: `cargo test --test mock list_groups::`

use std::time::Duration;

use terraform_provider_cumulocity::aws::{Clients, ErrorKind, GroupLister, GroupQuery, ListedGroup};
use terraform_provider_cumulocity::rules::{Direction, Peer, Protocol, Rule, RuleKey};
use tokio::time::Instant;
use wiremock::{Mock, ResponseTemplate};

use crate::support::*;

const VPC: &str = "vpc-0f1e2d3c4b5a69788";

fn deadline() -> Instant {
    Instant::now() + Duration::from_secs(30)
}

fn group_id(i: usize) -> String {
    format!("sg-0a1b2c3d4e5f6{i:04}")
}

/// Group `i`'s one rule: TCP 10000 + i from 10.0.0.0/8.
fn rule_of(i: usize) -> Rule {
    let port = 10_000 + i32::try_from(i).unwrap();
    Rule {
        key: RuleKey {
            direction: Direction::Ingress,
            protocol: Protocol::Tcp,
            from_port: port,
            to_port: port,
            peer: Peer::Ipv4("10.0.0.0/8".parse().unwrap()),
        },
        description: Some(format!("rule of {i}")),
        rule_sets: Default::default(),
    }
}

fn group(i: usize) -> String {
    group_item(&group_id(i), &format!("c8y-{i}"), "hand-made", VPC, &[("Team", "iot")])
}

fn default_group(i: usize) -> String {
    group_item(&group_id(i), "default", "default VPC security group", VPC, &[])
}

/// A DescribeSecurityGroups page of `items`, with a NextToken when given.
fn groups_page(items: &[String], next_token: Option<&str>) -> ResponseTemplate {
    let token = next_token
        .map(|t| format!("<nextToken>{t}</nextToken>"))
        .unwrap_or_default();
    ok(
        "DescribeSecurityGroups",
        &format!("<securityGroupInfo>{}</securityGroupInfo>{token}", items.concat()),
    )
}

/// DescribeSecurityGroupRules' answer: the one rule of each of `groups`.
fn rules_page(groups: impl IntoIterator<Item = usize>) -> ResponseTemplate {
    let items: String = groups
        .into_iter()
        .map(|i| rule_item(&group_id(i), &format!("sgr-0000000000{i:07}"), &rule_of(i)))
        .collect();
    ok(
        "DescribeSecurityGroupRules",
        &format!("<securityGroupRuleSet>{items}</securityGroupRuleSet>"),
    )
}

/// The values of filter `name` in a Describe request's form.
fn filter_values(form: &[(String, String)], name: &str) -> Vec<String> {
    let names = indexed(form, "Filter.{}.Name");
    let Some(n) = names.iter().position(|n| n == name) else {
        return Vec::new();
    };
    indexed(form, &format!("Filter.{}.Value.{{}}", n + 1))
}

/// Every page until the lister is done, `want` groups asked for each time.
async fn all_pages(lister: &mut GroupLister<'_>, want: usize) -> Vec<ListedGroup> {
    let mut listed = Vec::new();
    while let Some(page) = lister.next_page(want, deadline()).await.expect("listing succeeds") {
        assert!(!page.is_empty(), "a page is never empty");
        listed.extend(page);
    }
    listed
}

fn ids(listed: &[ListedGroup]) -> Vec<String> {
    listed.iter().map(|(g, _)| g.id.clone()).collect()
}

async fn mock_and_clients() -> (Ec2Mock, Clients) {
    let mock = Ec2Mock::start().await;
    let clients = mock.clients(3);
    (mock, clients)
}

#[tokio::test]
async fn a_page_costs_one_describe_of_groups_and_one_of_their_rules() {
    let (mock, clients) = mock_and_clients().await;
    mock.on(
        "DescribeSecurityGroups",
        groups_page(&[group(1), default_group(2), group(3)], None),
    )
    .await;
    mock.on("DescribeSecurityGroupRules", rules_page([1, 3])).await;
    let query = GroupQuery {
        filters: vec![
            ("vpc-id".into(), vec![VPC.into()]),
            ("tag:Team".into(), vec!["iot".into()]),
        ],
        ..GroupQuery::default()
    };

    let mut lister = GroupLister::new(&clients, query);
    let listed = all_pages(&mut lister, 100).await;

    assert_eq!(
        ids(&listed),
        [group_id(1), group_id(3)],
        "the default group is left out"
    );
    let (group, rules) = &listed[0];
    assert_eq!((group.name.as_str(), group.owner_id.as_str()), ("c8y-1", ACCOUNT));
    assert_eq!(group.vpc_id.as_deref(), Some(VPC));
    assert_eq!(group.tags.get("Team").map(String::as_str), Some("iot"));
    assert_eq!(rules.len(), 1);
    assert_eq!(rules[0].rule.key, rule_of(1).key);
    assert_eq!(rules[0].rule.description, rule_of(1).description);
    assert_eq!(
        mock.actions().await,
        ["DescribeSecurityGroups", "DescribeSecurityGroupRules"]
    );
    let describe = &mock.requests_for("DescribeSecurityGroups").await[0];
    assert_eq!(param(describe, "MaxResults").as_deref(), Some("100"));
    assert_eq!(filter_values(describe, "vpc-id"), [VPC]);
    assert_eq!(filter_values(describe, "tag:Team"), ["iot"]);
    let rules_asked = &mock.requests_for("DescribeSecurityGroupRules").await[0];
    assert_eq!(filter_values(rules_asked, "group-id"), [group_id(1), group_id(3)]);
}

#[tokio::test]
async fn default_groups_are_listed_when_asked_for() {
    let (mock, clients) = mock_and_clients().await;
    mock.on("DescribeSecurityGroups", groups_page(&[default_group(2)], None))
        .await;
    mock.on("DescribeSecurityGroupRules", rules_page([2])).await;
    let query = GroupQuery {
        include_default_groups: true,
        ..GroupQuery::default()
    };
    let listed = all_pages(&mut GroupLister::new(&clients, query), 100).await;
    assert_eq!(ids(&listed), [group_id(2)]);
}

#[tokio::test]
async fn pages_follow_the_next_token_and_ask_for_what_is_still_wanted() {
    let (mock, clients) = mock_and_clients().await;
    mock.on_param(
        "DescribeSecurityGroups",
        "NextToken",
        "page-2",
        groups_page(&[group(3)], None),
    )
    .await;
    mock.on(
        "DescribeSecurityGroups",
        groups_page(&[group(1), group(2)], Some("page-2")),
    )
    .await;
    mock.on_param(
        "DescribeSecurityGroupRules",
        "Filter.1.Value.1",
        &group_id(1),
        rules_page([1, 2]),
    )
    .await;
    mock.on("DescribeSecurityGroupRules", rules_page([3])).await;

    let mut lister = GroupLister::new(&clients, GroupQuery::default());
    let first = lister.next_page(7, deadline()).await.unwrap().unwrap();
    assert_eq!(ids(&first), [group_id(1), group_id(2)]);
    assert_eq!(
        mock.actions().await,
        ["DescribeSecurityGroups", "DescribeSecurityGroupRules"],
        "nothing more is asked before the caller wants the next page"
    );
    let second = lister.next_page(5, deadline()).await.unwrap().unwrap();
    assert_eq!(ids(&second), [group_id(3)]);
    assert_eq!(lister.next_page(5, deadline()).await.unwrap(), None, "no third page");

    let describes = mock.requests_for("DescribeSecurityGroups").await;
    assert_eq!(describes.len(), 2);
    assert_eq!(param(&describes[0], "MaxResults").as_deref(), Some("7"));
    assert_eq!(param(&describes[0], "NextToken"), None);
    assert_eq!(param(&describes[1], "MaxResults").as_deref(), Some("5"));
    assert_eq!(param(&describes[1], "NextToken").as_deref(), Some("page-2"));
    assert_eq!(mock.requests_for("DescribeSecurityGroupRules").await.len(), 2);
}

#[tokio::test]
async fn a_caller_that_takes_few_asks_for_ec2s_smallest_page_and_no_more() {
    let (mock, clients) = mock_and_clients().await;
    mock.on(
        "DescribeSecurityGroups",
        groups_page(&(1..=5).map(group).collect::<Vec<_>>(), Some("more")),
    )
    .await;
    mock.on("DescribeSecurityGroupRules", rules_page(1..=5)).await;

    let mut lister = GroupLister::new(&clients, GroupQuery::default());
    let page = lister.next_page(2, deadline()).await.unwrap().unwrap();

    assert_eq!(
        page.len(),
        5,
        "a page holds what EC2 answered; the caller takes what it wants"
    );
    let describes = mock.requests_for("DescribeSecurityGroups").await;
    assert_eq!(
        param(&describes[0], "MaxResults").as_deref(),
        Some("5"),
        "EC2 takes 5 at least"
    );
    assert_eq!(
        mock.actions().await.len(),
        2,
        "a caller done after one page costs two calls"
    );
}

#[tokio::test]
async fn a_page_of_450_groups_reads_its_rules_200_at_a_time() {
    let (mock, clients) = mock_and_clients().await;
    let items: Vec<String> = (0..450).map(group).collect();
    mock.on("DescribeSecurityGroups", groups_page(&items, None)).await;
    mock.on_param(
        "DescribeSecurityGroupRules",
        "Filter.1.Value.1",
        &group_id(0),
        rules_page(0..200),
    )
    .await;
    mock.on_param(
        "DescribeSecurityGroupRules",
        "Filter.1.Value.1",
        &group_id(200),
        rules_page(200..400),
    )
    .await;
    mock.on_param(
        "DescribeSecurityGroupRules",
        "Filter.1.Value.1",
        &group_id(400),
        rules_page(400..450),
    )
    .await;

    let listed = all_pages(&mut GroupLister::new(&clients, GroupQuery::default()), 1000).await;

    assert_eq!(listed.len(), 450);
    assert!(listed
        .iter()
        .enumerate()
        .all(|(i, (g, rules))| g.id == group_id(i) && rules.len() == 1 && rules[0].rule.key == rule_of(i).key));
    let asked: Vec<usize> = mock
        .requests_for("DescribeSecurityGroupRules")
        .await
        .iter()
        .map(|f| filter_values(f, "group-id").len())
        .collect();
    assert_eq!(asked, [200, 200, 50]);
    let describe = &mock.requests_for("DescribeSecurityGroups").await[0];
    assert_eq!(param(describe, "MaxResults").as_deref(), Some("1000"));
}

#[tokio::test]
async fn group_ids_are_asked_for_200_to_a_call() {
    let (mock, clients) = mock_and_clients().await;
    // Each call answers the first two groups it asks for.
    for first in [0, 200, 400] {
        mock.on_param(
            "DescribeSecurityGroups",
            "Filter.1.Value.1",
            &group_id(first),
            groups_page(&[group(first), group(first + 1)], None),
        )
        .await;
        mock.on_param(
            "DescribeSecurityGroupRules",
            "Filter.1.Value.1",
            &group_id(first),
            rules_page([first, first + 1]),
        )
        .await;
    }
    let query = GroupQuery {
        group_ids: (0..450).map(group_id).collect(),
        ..GroupQuery::default()
    };

    let listed = all_pages(&mut GroupLister::new(&clients, query), 1000).await;

    assert_eq!(
        ids(&listed),
        [0, 1, 200, 201, 400, 401].map(group_id),
        "every batch is listed, in order"
    );
    let batches: Vec<Vec<String>> = mock
        .requests_for("DescribeSecurityGroups")
        .await
        .iter()
        .map(|f| filter_values(f, "group-id"))
        .collect();
    assert_eq!(batches.len(), 3);
    assert_eq!(batches.iter().map(Vec::len).collect::<Vec<_>>(), [200, 200, 50]);
    assert_eq!(batches.concat(), (0..450).map(group_id).collect::<Vec<_>>());
    assert_eq!(mock.actions().await.len(), 6, "one rules call per batch");
}

#[tokio::test]
async fn throttling_is_retried() {
    let (mock, clients) = mock_and_clients().await;
    mock.first("DescribeSecurityGroups", 1, throttled()).await;
    mock.on("DescribeSecurityGroups", groups_page(&[group(1)], None)).await;
    mock.first("DescribeSecurityGroupRules", 1, throttled()).await;
    mock.on("DescribeSecurityGroupRules", rules_page([1])).await;

    let listed = all_pages(&mut GroupLister::new(&clients, GroupQuery::default()), 100).await;

    assert_eq!(ids(&listed), [group_id(1)]);
    assert_eq!(
        mock.actions().await,
        [
            "DescribeSecurityGroups",
            "DescribeSecurityGroups",
            "DescribeSecurityGroupRules",
            "DescribeSecurityGroupRules"
        ]
    );
}

#[tokio::test]
async fn a_group_deleted_between_the_two_calls_is_left_out_and_an_empty_one_kept() {
    let (mock, clients) = mock_and_clients().await;
    // Listed: 1, 2 (deleted before its rules are read) and 3 (holds no rules).
    mock.on(
        "DescribeSecurityGroups",
        groups_page(&[group(1), group(2), group(3)], None),
    )
    .await;
    mock.on("DescribeSecurityGroupRules", rules_page([1])).await;
    // The second look at 2 and 3: only 3 is still there.
    Mock::given(Action("DescribeSecurityGroups"))
        .and(Param("Filter.1.Name", "group-id".to_string()))
        .respond_with(groups_page(&[group(3)], None))
        .with_priority(1)
        .mount(&mock.server)
        .await;

    let listed = all_pages(&mut GroupLister::new(&clients, GroupQuery::default()), 100).await;

    assert_eq!(ids(&listed), [group_id(1), group_id(3)]);
    assert!(listed[1].1.is_empty(), "group 3 holds no rules");
    assert_eq!(
        mock.actions().await,
        [
            "DescribeSecurityGroups",
            "DescribeSecurityGroupRules",
            "DescribeSecurityGroups"
        ]
    );
    let second_look = &mock.requests_for("DescribeSecurityGroups").await[1];
    assert_eq!(filter_values(second_look, "group-id"), [group_id(2), group_id(3)]);
}

#[tokio::test]
async fn a_page_of_only_default_groups_goes_on_to_the_next() {
    let (mock, clients) = mock_and_clients().await;
    mock.on_param(
        "DescribeSecurityGroups",
        "NextToken",
        "p2",
        groups_page(&[group(4)], None),
    )
    .await;
    mock.on(
        "DescribeSecurityGroups",
        groups_page(&[default_group(1), default_group(2)], Some("p2")),
    )
    .await;
    mock.on("DescribeSecurityGroupRules", rules_page([4])).await;

    let mut lister = GroupLister::new(&clients, GroupQuery::default());
    let page = lister.next_page(100, deadline()).await.unwrap().unwrap();

    assert_eq!(ids(&page), [group_id(4)]);
    assert_eq!(
        mock.actions().await,
        [
            "DescribeSecurityGroups",
            "DescribeSecurityGroups",
            "DescribeSecurityGroupRules"
        ],
        "no rules call for a page without groups to list"
    );
}

#[tokio::test]
async fn a_refusal_is_access_denied_for_the_action() {
    let (mock, clients) = mock_and_clients().await;
    mock.on(
        "DescribeSecurityGroups",
        aws_error(
            403,
            "UnauthorizedOperation",
            "You are not authorized to perform this operation.",
        ),
    )
    .await;

    let err = GroupLister::new(&clients, GroupQuery::default())
        .next_page(100, deadline())
        .await
        .expect_err("the listing is refused");

    assert_eq!(err.kind, ErrorKind::AccessDenied);
    assert_eq!(err.action, "DescribeSecurityGroups");
    assert_eq!(err.code.as_deref(), Some("UnauthorizedOperation"));
    assert_eq!(
        mock.actions().await,
        ["DescribeSecurityGroups"],
        "a refusal is not retried"
    );
}
