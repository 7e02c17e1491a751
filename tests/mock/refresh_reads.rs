//! Mock-server tests of refresh reads. Coalesced reads (`aws::ReadBatcher`):
//! reads that arrive together become one DescribeSecurityGroups and one
//! DescribeSecurityGroupRules, each reader gets its part, a missing group
//! reads as gone, an error reaches every reader, and a lone read is not
//! made slower. VPC snapshots (`aws::GroupReads`): after ten reads in a VPC
//! the rest come from one snapshot of the VPC's tagged groups, and whatever
//! the snapshot cannot answer is read as before.
//!
//! Run: `cargo test --test mock refresh_reads::`

use std::sync::Arc;
use std::time::Duration;

use terraform_provider_cumulocity::aws::read_batcher::ReadBatcher;
use terraform_provider_cumulocity::aws::tags::OWNER_TAG;
use terraform_provider_cumulocity::aws::vpc_snapshot::MAX_GROUPS;
use terraform_provider_cumulocity::aws::{Clients, ErrorKind, GroupReads, SecurityGroups};
use terraform_provider_cumulocity::provider::configure::state::TERRAFORM_PARALLELISM as PREFETCH_AFTER;
use terraform_provider_cumulocity::rules::{default_egress_cidr_blocks, default_ingress_cidr_blocks};
use terraform_provider_cumulocity::rules::{expand, FirewallArgs, Rule, RuleSetName};
use tokio::task::JoinSet;
use tokio::time::Instant;

use crate::support::*;

const VPC: &str = "vpc-0f1e2d3c4b5a69788";

fn deadline() -> Instant {
    Instant::now() + Duration::from_secs(30)
}

fn group_id(i: usize) -> String {
    format!("sg-0a1b2c3d4e5f6{i:04}")
}

/// Mixed rule sets: even groups `external` + `outbound`, odd ones `ssh`.
fn rules_of(i: usize) -> Vec<(String, Rule)> {
    let sets: &[RuleSetName] = if i.is_multiple_of(2) {
        &[RuleSetName::External, RuleSetName::Outbound]
    } else {
        &[RuleSetName::Ssh]
    };
    let rules = expand(&FirewallArgs {
        rule_sets: sets.iter().copied().collect(),
        ingress_cidr_blocks: default_ingress_cidr_blocks(),
        egress_cidr_blocks: default_egress_cidr_blocks(),
        ssh_cidr_blocks: vec!["10.0.0.0/8".parse().unwrap()],
        ..FirewallArgs::default()
    });
    rules
        .into_iter()
        .enumerate()
        .map(|(n, r)| (format!("sgr-{i:04}{n:04}"), r))
        .collect()
}

fn groups_answer(present: &[usize]) -> wiremock::ResponseTemplate {
    let items: Vec<String> = present
        .iter()
        .map(|&i| group_item(&group_id(i), &format!("c8y-{i}"), "Cumulocity firewall", VPC, &[]))
        .collect();
    described_groups(&items)
}

fn rule_items(present: &[usize]) -> String {
    present
        .iter()
        .flat_map(|&i| {
            rules_of(i)
                .into_iter()
                .map(move |(id, r)| rule_item(&group_id(i), &id, &r))
        })
        .collect()
}

fn rules_answer(present: &[usize]) -> wiremock::ResponseTemplate {
    ok(
        "DescribeSecurityGroupRules",
        &format!("<securityGroupRuleSet>{}</securityGroupRuleSet>", rule_items(present)),
    )
}

/// `n` reads of groups 0..n started together through one batcher.
async fn read_together(
    batcher: &Arc<ReadBatcher>,
    mock: &Ec2Mock,
    n: usize,
) -> Vec<(usize, terraform_provider_cumulocity::aws::read_batcher::ReadResult)> {
    let clients = mock.clients(1);
    let mut reads = JoinSet::new();
    for i in 0..n {
        let batcher = Arc::clone(batcher);
        let clients = clients.clone();
        reads.spawn(async move { (i, batcher.read(&clients, &group_id(i), deadline()).await) });
    }
    let mut results = Vec::new();
    while let Some(done) = reads.join_next().await {
        results.push(done.unwrap());
    }
    results.sort_by_key(|(i, _)| *i);
    results
}

fn filter_values(form: &[(String, String)]) -> Vec<String> {
    assert_eq!(param(form, "Filter.1.Name").as_deref(), Some("group-id"));
    indexed(form, "Filter.1.Value.{}")
}

/// A batcher whose window (1 s) no spread of concurrent reads on a busy
/// machine exceeds: tests of what a batch does, not of the default window.
fn together() -> ReadBatcher {
    ReadBatcher::new(Duration::from_secs(1), 200)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_concurrent_reads_make_one_call_of_each_kind() {
    let mock = Ec2Mock::start().await;
    let all: Vec<usize> = (0..10).collect();
    mock.on("DescribeSecurityGroups", groups_answer(&all)).await;
    mock.on("DescribeSecurityGroupRules", rules_answer(&all)).await;
    let batcher = Arc::new(together());

    let results = read_together(&batcher, &mock, 10).await;

    let mut actions = mock.actions().await;
    actions.sort();
    assert_eq!(actions, ["DescribeSecurityGroupRules", "DescribeSecurityGroups"]);
    let ids: Vec<String> = all.iter().map(|&i| group_id(i)).collect();
    for action in ["DescribeSecurityGroups", "DescribeSecurityGroupRules"] {
        let form = &mock.requests_for(action).await[0];
        assert_eq!(filter_values(form), ids, "{action} asks for every group by filter");
        assert!(
            param(form, "GroupId.1").is_none(),
            "never GroupIds: one missing id would fail all"
        );
    }
    for (i, result) in results {
        let (group, rules) = result.unwrap().expect("the group exists");
        assert_eq!(group.id, group_id(i));
        assert_eq!(group.name, format!("c8y-{i}"));
        assert_eq!(group.arn, group_arn(&group_id(i)));
        assert_eq!(group.vpc_id.as_deref(), Some(VPC));
        assert_eq!(rules, applied(&rules_of(i)), "group {i} gets its own rules only");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_group_reads_as_gone_and_the_others_get_their_data() {
    let mock = Ec2Mock::start().await;
    let present: Vec<usize> = (0..10).filter(|&i| i != 3).collect();
    mock.on("DescribeSecurityGroups", groups_answer(&present)).await;
    mock.on("DescribeSecurityGroupRules", rules_answer(&present)).await;
    let batcher = Arc::new(together());

    let results = read_together(&batcher, &mock, 10).await;

    assert_eq!(mock.actions().await.len(), 2);
    for (i, result) in results {
        let read = result.unwrap();
        if i == 3 {
            assert_eq!(read, None, "the missing group is gone");
        } else {
            let (group, rules) = read.expect("the group exists");
            assert_eq!(group.id, group_id(i));
            assert_eq!(rules, applied(&rules_of(i)));
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_error_reaches_every_reader() {
    let mock = Ec2Mock::start().await;
    let all: Vec<usize> = (0..10).collect();
    mock.on(
        "DescribeSecurityGroups",
        aws_error(
            403,
            "UnauthorizedOperation",
            "You are not authorized to perform this operation.",
        ),
    )
    .await;
    mock.on("DescribeSecurityGroupRules", rules_answer(&all)).await;
    let batcher = Arc::new(together());

    let results = read_together(&batcher, &mock, 10).await;

    assert_eq!(mock.requests_for("DescribeSecurityGroups").await.len(), 1);
    for (i, result) in results {
        let err = result.expect_err("every reader sees the error");
        assert_eq!(err.code.as_deref(), Some("UnauthorizedOperation"), "reader {i}");
        assert_eq!(err.action, "DescribeSecurityGroups");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttling_is_retried_once_for_the_whole_batch() {
    let mock = Ec2Mock::start().await;
    let all: Vec<usize> = (0..10).collect();
    mock.first("DescribeSecurityGroups", 1, throttled()).await;
    mock.on("DescribeSecurityGroups", groups_answer(&all)).await;
    mock.on("DescribeSecurityGroupRules", rules_answer(&all)).await;
    let batcher = Arc::new(together());
    let clients = mock.clients(3);
    let mut reads = JoinSet::new();
    for i in 0..10 {
        let (batcher, clients) = (Arc::clone(&batcher), clients.clone());
        reads.spawn(async move { batcher.read(&clients, &group_id(i), deadline()).await });
    }
    while let Some(done) = reads.join_next().await {
        assert!(done.unwrap().unwrap().is_some());
    }
    assert_eq!(mock.requests_for("DescribeSecurityGroups").await.len(), 2);
    assert_eq!(mock.requests_for("DescribeSecurityGroupRules").await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_batch_goes_out_at_once_and_the_rest_waits_for_the_window() {
    let mock = Ec2Mock::start().await;
    let all: Vec<usize> = (0..10).collect();
    mock.on("DescribeSecurityGroups", groups_answer(&all)).await;
    mock.on("DescribeSecurityGroupRules", rules_answer(&all)).await;
    // A long window: only the size limit can send the first two batches soon.
    let batcher = Arc::new(ReadBatcher::new(Duration::from_millis(300), 4));

    let results = read_together(&batcher, &mock, 10).await;

    let mut sizes: Vec<usize> = mock
        .requests_for("DescribeSecurityGroups")
        .await
        .iter()
        .map(|f| filter_values(f).len())
        .collect();
    sizes.sort();
    assert_eq!(sizes, [2, 4, 4]);
    assert_eq!(mock.requests_for("DescribeSecurityGroupRules").await.len(), 3);
    for (i, result) in results {
        assert_eq!(result.unwrap().unwrap().1, applied(&rules_of(i)));
    }
}

#[tokio::test]
async fn rules_are_read_page_by_page() {
    let mock = Ec2Mock::start().await;
    let all = [0usize, 1, 2];
    mock.on("DescribeSecurityGroups", groups_answer(&all)).await;
    mock.on_param(
        "DescribeSecurityGroupRules",
        "NextToken",
        "page-2",
        rules_answer(&all[2..]),
    )
    .await;
    mock.on(
        "DescribeSecurityGroupRules",
        ok(
            "DescribeSecurityGroupRules",
            &format!(
                "<securityGroupRuleSet>{}</securityGroupRuleSet><nextToken>page-2</nextToken>",
                rule_items(&all[..2])
            ),
        ),
    )
    .await;
    let clients = mock.clients(1);
    let ids: Vec<String> = all.iter().map(|&i| group_id(i)).collect();

    let found = SecurityGroups::new(&clients).read_many(&ids, deadline()).await.unwrap();

    let pages = mock.requests_for("DescribeSecurityGroupRules").await;
    assert_eq!(pages.len(), 2);
    assert_eq!(param(&pages[0], "MaxResults").as_deref(), Some("1000"));
    for i in all {
        assert_eq!(found[&group_id(i)].as_ref().unwrap().1, applied(&rules_of(i)));
    }
}

#[tokio::test]
async fn more_than_200_groups_are_asked_for_in_chunks_of_200() {
    let mock = Ec2Mock::start().await;
    mock.on("DescribeSecurityGroups", groups_answer(&[])).await;
    mock.on("DescribeSecurityGroupRules", rules_answer(&[])).await;
    let clients = mock.clients(1);
    let ids: Vec<String> = (0..250).map(group_id).collect();

    let found = SecurityGroups::new(&clients).read_many(&ids, deadline()).await.unwrap();

    assert_eq!(found.len(), 250);
    assert!(found.values().all(Option::is_none));
    for action in ["DescribeSecurityGroups", "DescribeSecurityGroupRules"] {
        let mut sizes: Vec<usize> = mock
            .requests_for(action)
            .await
            .iter()
            .map(|f| filter_values(f).len())
            .collect();
        sizes.sort();
        assert_eq!(sizes, [50, 200], "{action}");
    }
}

/// A lone read waits for the window (4 ms) but sends its two calls side by
/// side, where a plain read sends them one after the other. Each answer
/// takes 400 ms: a plain read takes at least 800 ms (a bound no load can
/// break), a batched one about 400 ms, and less than 800 ms unless its calls
/// went one after the other (400 ms of margin, not a window of a few ms).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lone_read_sends_its_two_calls_side_by_side() {
    let answer_takes = Duration::from_millis(400);
    let mock = Ec2Mock::start().await;
    mock.on("DescribeSecurityGroups", groups_answer(&[0]).set_delay(answer_takes))
        .await;
    mock.on("DescribeSecurityGroupRules", rules_answer(&[0]).set_delay(answer_takes))
        .await;
    let clients = mock.clients(1);
    let batcher = ReadBatcher::default();
    let id = group_id(0);

    let started = Instant::now();
    let read = SecurityGroups::new(&clients).read(&id, deadline()).await.unwrap();
    let plain = started.elapsed();
    assert!(read.is_some());
    let started = Instant::now();
    let read = batcher.read(&clients, &id, deadline()).await.unwrap();
    let batched = started.elapsed();
    assert_eq!(read.unwrap().1, applied(&rules_of(0)));

    eprintln!("lone read: plain {plain:?}, batched {batched:?}");
    assert!(
        plain >= answer_takes * 2,
        "a plain read asks one after the other: {plain:?}"
    );
    assert!(
        batched < answer_takes * 2,
        "a lone batched read took {batched:?}: its two calls went one after the other"
    );
}

#[tokio::test]
async fn a_reader_whose_deadline_passes_gets_a_timeout() {
    let mock = Ec2Mock::start().await;
    mock.on(
        "DescribeSecurityGroups",
        groups_answer(&[0]).set_delay(Duration::from_millis(500)),
    )
    .await;
    mock.on("DescribeSecurityGroupRules", rules_answer(&[0])).await;
    let clients = mock.clients(1);
    let batcher = ReadBatcher::default();
    let err = batcher
        .read(&clients, &group_id(0), Instant::now() + Duration::from_millis(100))
        .await
        .expect_err("the deadline passes first");
    assert!(err.is(ErrorKind::Timeout), "{err:?}");
}

/// Reads that trickle in, each within the window of the one before, join
/// one batch; `max_wait` bounds how long the first of them waits.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_that_trickle_in_join_one_batch_until_max_wait() {
    let mock = Ec2Mock::start().await;
    let all: Vec<usize> = (0..10).collect();
    mock.on("DescribeSecurityGroups", groups_answer(&all)).await;
    mock.on("DescribeSecurityGroupRules", rules_answer(&all)).await;
    let clients = mock.clients(1);

    let spread = |batcher: Arc<ReadBatcher>, gap: Duration| {
        let clients = clients.clone();
        async move {
            let mut reads = JoinSet::new();
            for i in 0..10 {
                let (batcher, clients) = (Arc::clone(&batcher), clients.clone());
                reads.spawn(async move { batcher.read(&clients, &group_id(i), deadline()).await });
                tokio::time::sleep(gap).await;
            }
            while let Some(done) = reads.join_next().await {
                assert!(done.unwrap().unwrap().is_some());
            }
        }
    };

    // 5 ms apart, a 2 s window: one batch (a gap would have to grow 400
    // times, not a few ms, to split it).
    spread(
        Arc::new(ReadBatcher::new(Duration::from_secs(2), 200).with_max_wait(Duration::from_secs(20))),
        Duration::from_millis(5),
    )
    .await;
    assert_eq!(mock.requests_for("DescribeSecurityGroups").await.len(), 1);

    // 100 ms apart (at least: a sleep never ends early), each within a
    // 300 ms window of the one before, so only `max_wait` (600 ms) ends a
    // batch: 10 reads over at least 900 ms cannot all be one batch, unless
    // its timer were 300 ms late.
    mock.server.reset().await;
    mock.on("DescribeSecurityGroups", groups_answer(&all)).await;
    mock.on("DescribeSecurityGroupRules", rules_answer(&all)).await;
    spread(
        Arc::new(ReadBatcher::new(Duration::from_millis(300), 200).with_max_wait(Duration::from_millis(600))),
        Duration::from_millis(100),
    )
    .await;
    assert!(mock.requests_for("DescribeSecurityGroups").await.len() >= 2);
}

// VPC snapshots.

/// What the snapshot's DescribeSecurityGroups (filters `vpc-id`, `tag-key`)
/// answers: the tagged groups among `present`.
async fn snapshot_answers(mock: &Ec2Mock, response: wiremock::ResponseTemplate) {
    mock.on_param("DescribeSecurityGroups", "Filter.1.Name", "vpc-id", response)
        .await;
}

fn tagged_groups_answer(present: &[usize]) -> wiremock::ResponseTemplate {
    let items: Vec<String> = present
        .iter()
        .map(|&i| {
            let owner = format!("terraform-provider-cumulocity/c8y-{i}@{VPC}");
            group_item(
                &group_id(i),
                &format!("c8y-{i}"),
                "Cumulocity firewall",
                VPC,
                &[(OWNER_TAG, &owner)],
            )
        })
        .collect();
    described_groups(&items)
}

/// Reads groups `range` together through `reads`, as one wave of
/// Terraform's refresh; each result checked against the group's own data.
async fn read_wave(reads: &Arc<GroupReads>, clients: &Clients, range: std::ops::Range<usize>, vpc: Option<&str>) {
    let mut wave = JoinSet::new();
    for i in range {
        let (reads, clients, vpc) = (Arc::clone(reads), clients.clone(), vpc.map(str::to_string));
        wave.spawn(async move { (i, reads.read(&clients, &group_id(i), vpc.as_deref(), deadline()).await) });
    }
    while let Some(done) = wave.join_next().await {
        let (i, result) = done.unwrap();
        let (group, rules) = result.unwrap().unwrap_or_else(|| panic!("group {i} exists"));
        assert_eq!(group.id, group_id(i));
        assert_eq!(rules, applied(&rules_of(i)), "group {i} gets its own rules only");
    }
}

/// The group ids asked for with a `group-id` filter (coalesced reads).
async fn coalesced_ids(mock: &Ec2Mock) -> Vec<String> {
    let mut ids: Vec<String> = mock
        .requests_for("DescribeSecurityGroups")
        .await
        .iter()
        .filter(|f| param(f, "Filter.1.Name").as_deref() == Some("group-id"))
        .flat_map(|f| filter_values(f))
        .collect();
    ids.sort();
    ids
}

async fn snapshot_requests(mock: &Ec2Mock) -> Vec<Vec<(String, String)>> {
    let mut requests = mock.requests_for("DescribeSecurityGroups").await;
    requests.retain(|f| param(f, "Filter.1.Name").as_deref() == Some("vpc-id"));
    requests
}

/// Thirty groups in `VPC`: coalesced reads answer all of them, the
/// snapshot answers `snapshot`.
async fn thirty_groups(snapshot: wiremock::ResponseTemplate) -> (Ec2Mock, Arc<GroupReads>, Clients) {
    let mock = Ec2Mock::start().await;
    let all: Vec<usize> = (0..30).collect();
    snapshot_answers(&mock, snapshot).await;
    mock.on("DescribeSecurityGroups", groups_answer(&all)).await;
    mock.on("DescribeSecurityGroupRules", rules_answer(&all)).await;
    let clients = mock.clients(1);
    (mock, Arc::new(GroupReads::new(PREFETCH_AFTER)), clients)
}

/// A refresh of the thirty groups: a first wave of ten, then the rest.
async fn refresh_thirty(reads: &Arc<GroupReads>, clients: &Clients, vpc: Option<&str>) {
    read_wave(reads, clients, 0..PREFETCH_AFTER, vpc).await;
    read_wave(reads, clients, PREFETCH_AFTER..30, vpc).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_ten_reads_in_a_vpc_the_rest_come_from_one_snapshot() {
    let all: Vec<usize> = (0..30).collect();
    let (mock, reads, clients) = thirty_groups(tagged_groups_answer(&all)).await;

    refresh_thirty(&reads, &clients, Some(VPC)).await;

    let mut actions = mock.actions().await;
    actions.sort();
    assert_eq!(
        actions,
        [
            "DescribeSecurityGroupRules",
            "DescribeSecurityGroupRules",
            "DescribeSecurityGroups",
            "DescribeSecurityGroups"
        ],
        "one coalesced read of the first ten, one snapshot of the rest"
    );
    let first_ten: Vec<String> = (0..PREFETCH_AFTER).map(group_id).collect();
    assert_eq!(coalesced_ids(&mock).await, first_ten);
    let snapshot = &snapshot_requests(&mock).await[0];
    assert_eq!(indexed(snapshot, "Filter.1.Value.{}"), [VPC]);
    assert_eq!(param(snapshot, "Filter.2.Name").as_deref(), Some("tag-key"));
    assert_eq!(indexed(snapshot, "Filter.2.Value.{}"), [OWNER_TAG]);
    let rules = mock.requests_for("DescribeSecurityGroupRules").await;
    let mut snapshot_rule_ids = filter_values(&rules[1]);
    snapshot_rule_ids.sort();
    let mut all_ids: Vec<String> = all.iter().map(|&i| group_id(i)).collect();
    all_ids.sort();
    assert_eq!(
        snapshot_rule_ids, all_ids,
        "the rules of every tagged group, in one call"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn groups_the_snapshot_lacks_or_this_process_wrote_are_read_from_aws() {
    let all: Vec<usize> = (0..30).collect();
    // Group 15 was imported (no ownership tag); group 12 is written by this
    // process after the snapshot is taken.
    let tagged: Vec<usize> = all.iter().copied().filter(|&i| i != 15).collect();
    let (mock, reads, clients) = thirty_groups(tagged_groups_answer(&tagged)).await;
    read_wave(&reads, &clients, 0..PREFETCH_AFTER, Some(VPC)).await;
    read_wave(&reads, &clients, 10..12, Some(VPC)).await;
    assert_eq!(
        snapshot_requests(&mock).await.len(),
        1,
        "the eleventh read took the snapshot"
    );
    mock.server.reset().await;
    mock.on("DescribeSecurityGroups", groups_answer(&all)).await;
    mock.on("DescribeSecurityGroupRules", rules_answer(&all)).await;

    reads.forget(&group_id(12));
    read_wave(&reads, &clients, 12..30, Some(VPC)).await;
    // Group 11 again: the snapshot serves each group once.
    read_wave(&reads, &clients, 11..12, Some(VPC)).await;

    let expected: Vec<String> = [11, 12, 15].into_iter().map(group_id).collect();
    assert_eq!(coalesced_ids(&mock).await, expected);
    assert!(snapshot_requests(&mock).await.is_empty(), "one snapshot per VPC");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_snapshot_leaves_the_reads_to_coalescing() {
    let unavailable = aws_error(503, "Unavailable", "The service is unavailable.");
    let (mock, reads, clients) = thirty_groups(unavailable).await;

    refresh_thirty(&reads, &clients, Some(VPC)).await;

    assert_eq!(snapshot_requests(&mock).await.len(), 1, "tried once, not per read");
    let every: Vec<String> = (0..30).map(group_id).collect();
    assert_eq!(coalesced_ids(&mock).await, every);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vpc_with_too_many_tagged_groups_gets_no_snapshot() {
    let crowded: Vec<usize> = (0..=MAX_GROUPS).collect();
    let (mock, reads, clients) = thirty_groups(tagged_groups_answer(&crowded)).await;

    refresh_thirty(&reads, &clients, Some(VPC)).await;

    assert_eq!(snapshot_requests(&mock).await.len(), 1);
    let rule_reads = mock.requests_for("DescribeSecurityGroupRules").await;
    assert!(
        rule_reads.iter().all(|f| filter_values(f).len() <= 30),
        "no rules read for the crowded VPC's groups"
    );
    assert_eq!(coalesced_ids(&mock).await.len(), 30);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_without_a_vpc_never_take_a_snapshot() {
    let all: Vec<usize> = (0..30).collect();
    let (mock, reads, clients) = thirty_groups(tagged_groups_answer(&all)).await;

    refresh_thirty(&reads, &clients, None).await;

    assert!(snapshot_requests(&mock).await.is_empty());
    assert_eq!(coalesced_ids(&mock).await.len(), 30);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_snapshot_is_given_up_within_its_budget_and_the_reads_go_on() {
    let all: Vec<usize> = (0..30).collect();
    let slow = tagged_groups_answer(&all).set_delay(Duration::from_secs(10));
    let (mock, _, clients) = thirty_groups(slow).await;
    let reads = Arc::new(GroupReads::with_snapshot_budget(
        PREFETCH_AFTER,
        Duration::from_millis(300),
    ));

    let started = Instant::now();
    refresh_thirty(&reads, &clients, Some(VPC)).await;

    // The snapshot's answer takes 10 s: reads held until it came would
    // take that long; given up after its budget, they take far less.
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "the waiting reads were held {:?}, as long as the slow snapshot",
        started.elapsed()
    );
    assert_eq!(
        coalesced_ids(&mock).await.len(),
        30,
        "every read answered by a read of its own"
    );
}
