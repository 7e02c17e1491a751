//! What the AWS emulator (moto 5.2.5, `scripts/setup-tools`) does with the
//! EC2 and ELBv2 calls the provider makes: executable documentation for the
//! AWS layer and for acceptance tests that run against it.
//!
//! Every probe prints one line `PROBE <name>: <what moto did>` and asserts
//! exactly that, so a moto upgrade that changes behaviour fails here first.
//! Where moto differs from real AWS (see the EC2 API reference) the probe name or a `NOTE` line says so. Ids are masked:
//! `<G>` etc. for groups the probe created, `sgr-*` for rule ids.
//!
//! Run: `TF_ACC=1 cargo test --test acceptance emulator_probe:: -- --nocapture --test-threads=1`
//!
//! # What moto 5.2.5 does differently from AWS (the probes below pin each)
//!
//! Security groups (EC2):
//! - No `DependencyViolation`: DeleteSecurityGroup succeeds for a group that
//!   another group's rule references (the referencing rule stays, dangling)
//!   and for a group attached to a network interface. The VPC's `default`
//!   group can be deleted too (AWS: `CannotDelete`).
//! - AuthorizeSecurityGroupIngress/Egress answer `SecurityGroupRules` only for
//!   the *last* IpPermission of the request: read rule ids back with
//!   DescribeSecurityGroupRules, never from the Authorize answer alone.
//! - DescribeSecurityGroupRules drops the description of rules that reference
//!   a group or a prefix list (DescribeSecurityGroups keeps the group-pair
//!   description; the prefix-list one is lost everywhere); `GroupOwnerId`,
//!   `SecurityGroupRuleArn` and `ReferencedGroupInfo.VpcId` are empty.
//!   `MaxResults` is ignored (everything comes in one page).
//! - UpdateSecurityGroupRuleDescriptions* with `SecurityGroupRuleDescriptions`
//!   (by rule id) answers success and changes nothing, even for an unknown
//!   id; the IpPermissions form works. ModifySecurityGroupRules works and
//!   keeps the rule id.
//! - Revoke* of something that does not exist is an error,
//!   `InvalidPermission.NotFound`, for unknown rule ids, rule ids of the other
//!   direction and unknown IpPermissions alike (AWS: success with
//!   `UnknownIpPermissions`, or `InvalidSecurityGroupRuleId.NotFound`); the
//!   call is atomic (a known id next to an unknown one is not revoked).
//!   `RevokedSecurityGroupRules` is never filled.
//! - A malformed group id gives `InvalidGroup.NotFound` (AWS:
//!   `InvalidGroupId.Malformed`); messages of multi-id calls print a Python set.
//! - In a VPC with an IPv6 block, a new group gets two allow-all egress rules
//!   (0.0.0.0/0 and ::/0); ip_protocol `all` crashes moto (HTTP 500).
//!
//! Load balancers (ELBv2):
//! - Every load balancer and listener ARN says `/app/`, NLBs included: the
//!   kind is only in DescribeLoadBalancers `Type`.
//! - Listener attributes exist for every listener (default
//!   `tcp.idle_timeout.seconds=350`, even on ALB/TLS/UDP listeners) and any
//!   key/value is accepted (14400, 59, unknown keys); ALB
//!   `idle_timeout.timeout_seconds` has no default and is not range-checked.
//!   Validation must therefore be tested with mock servers, not here.
//! - TLS listeners need a certificate moto knows: `Emulator::acm_certificate`.
//!
//! ENIs: ModifyNetworkInterfaceAttribute accepts
//! `ConnectionTrackingSpecification` and ignores it; DescribeNetworkInterfaces
//! has no `ConnectionTrackingConfiguration`.

// The closures that wrap SDK calls return the SDK's (large) error types as they are.
#![allow(clippy::result_large_err)]

use crate::support;
use std::fmt::Debug;
use std::time::Instant;

use crate::support::emulator::{emulator, Emulator, ACCOUNT_ID};
use aws_sdk_ec2::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_ec2::types::{
    AddPrefixListEntry, ConnectionTrackingSpecificationRequest, Filter, IpPermission, IpRange, Ipv6Range, PrefixListId,
    ResourceType, SecurityGroupRule, SecurityGroupRuleDescription, SecurityGroupRuleRequest, SecurityGroupRuleUpdate,
    Tag, TagSpecification, UserIdGroupPair,
};
use aws_sdk_elasticloadbalancingv2::types::{
    Action, ActionTypeEnum, Certificate, ListenerAttribute, LoadBalancerAttribute, LoadBalancerTypeEnum, ProtocolEnum,
    TargetTypeEnum,
};

// ---------------------------------------------------------------------------
// Probe bookkeeping

/// Collects probe results; `finish` fails the test listing every probe whose
/// outcome differs from the documented one (all probes still run).
struct Probes {
    masks: Vec<(String, String)>,
    failures: Vec<String>,
}

impl Probes {
    fn new() -> Self {
        Probes {
            masks: Vec::new(),
            failures: Vec::new(),
        }
    }

    /// From now on, print `id` as `label`.
    fn mask(&mut self, id: &str, label: &str) {
        self.masks.push((id.to_string(), label.to_string()));
    }

    fn masked(&self, s: &str) -> String {
        let mut out = s.to_string();
        // Longest first, so an id that is a prefix of another is not hit first.
        let mut masks = self.masks.clone();
        masks.sort_by_key(|(id, _)| std::cmp::Reverse(id.len()));
        for (id, label) in &masks {
            out = out.replace(id, label);
        }
        mask_prefixed(&out, "sgr-")
    }

    /// Prints `PROBE name: actual` and checks it equals `expected`.
    fn check(&mut self, name: &str, actual: impl AsRef<str>, expected: &str) {
        let actual = self.masked(actual.as_ref());
        println!("PROBE {name}: {actual}");
        if actual != expected {
            self.failures
                .push(format!("{name}\n    expected: {expected}\n    actual:   {actual}"));
        }
    }

    /// Prints an informational line that is not asserted (timings, messages).
    fn note(&self, name: &str, text: impl AsRef<str>) {
        println!("NOTE {name}: {}", self.masked(text.as_ref()));
    }

    /// `check` on the outcome of an SDK call: `ok`, or the error code. The
    /// error message is printed as a NOTE.
    /// An error without code (moto crashed: HTTP 500 with an HTML page) is
    /// `HTTP <status> without error code`.
    fn outcome<T, E>(&mut self, name: &str, result: &Result<T, SdkError<E>>, expected: &str)
    where
        E: ProvideErrorMetadata + Debug,
    {
        let actual = match result {
            Ok(_) => "ok".to_string(),
            Err(e) => match (e.code(), e.raw_response()) {
                (Some(code), _) => {
                    self.note(name, format!("message: {}", e.message().unwrap_or("<none>")));
                    code.to_string()
                }
                (None, Some(raw)) => format!("HTTP {} without error code", raw.status().as_u16()),
                (None, None) => format!("error without response: {e:?}"),
            },
        };
        self.check(name, actual, expected);
    }

    /// Rules, ids masked, sorted (by direction, protocol, port, peer), `|`-separated.
    fn rules(&self, rules: &[SecurityGroupRule]) -> String {
        let mut lines: Vec<String> = rules.iter().map(|r| self.masked(&rule_line(r))).collect();
        lines.sort_by_key(|l| l.split_once(' ').map(|(_, rest)| rest.to_string()).unwrap_or_default());
        lines.join(" | ")
    }

    /// IpPermissions, ids masked, sorted, `|`-separated.
    fn perms(&self, ps: &[IpPermission]) -> String {
        let mut lines: Vec<String> = ps.iter().map(|x| self.masked(&permission_line(x))).collect();
        lines.sort();
        lines.join(" | ")
    }

    fn finish(self) {
        assert!(
            self.failures.is_empty(),
            "{} probe(s) differ from the documented moto behaviour:\n{}",
            self.failures.len(),
            self.failures.join("\n")
        );
    }
}

/// Replaces `prefix` + `[0-9a-z]+` with `prefix*`.
fn mask_prefixed(s: &str, prefix: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find(prefix) {
        out.push_str(&rest[..i + prefix.len()]);
        rest = &rest[i + prefix.len()..];
        let end = rest.find(|c: char| !c.is_ascii_alphanumeric()).unwrap_or(rest.len());
        if end > 0 {
            out.push('*');
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map_or_else(|| "None".to_string(), |v| v.to_string())
}

fn q(v: Option<&str>) -> String {
    v.map_or_else(|| "None".to_string(), |v| format!("{v:?}"))
}

/// One rule from DescribeSecurityGroupRules, every field the provider may read.
fn rule_line(r: &SecurityGroupRule) -> String {
    let mut peer = Vec::new();
    if let Some(c) = r.cidr_ipv4() {
        peer.push(format!("cidr4={c}"));
    }
    if let Some(c) = r.cidr_ipv6() {
        peer.push(format!("cidr6={c}"));
    }
    if let Some(p) = r.prefix_list_id() {
        peer.push(format!("pl={p}"));
    }
    if let Some(g) = r.referenced_group_info() {
        peer.push(format!(
            "ref(group={} user={} vpc={} peering={})",
            opt(g.group_id()),
            opt(g.user_id()),
            opt(g.vpc_id()),
            opt(g.peering_status())
        ));
    }
    let dir = match r.is_egress() {
        Some(true) => "out",
        Some(false) => "in",
        None => "dir=None",
    };
    format!(
        "{} {dir} {} {}..{} {} desc={} owner={} group={} arn={} tags={}",
        opt(r.security_group_rule_id()),
        opt(r.ip_protocol()),
        opt(r.from_port()),
        opt(r.to_port()),
        if peer.is_empty() {
            "peer=None".to_string()
        } else {
            peer.join(",")
        },
        q(r.description()),
        opt(r.group_owner_id()),
        opt(r.group_id()),
        opt(r.security_group_rule_arn()),
        r.tags().len()
    )
}

/// One IpPermission (DescribeSecurityGroups / UnknownIpPermissions).
fn permission_line(p: &IpPermission) -> String {
    let v4: Vec<String> = p
        .ip_ranges()
        .iter()
        .map(|r| format!("{} {}", opt(r.cidr_ip()), q(r.description())))
        .collect();
    let v6: Vec<String> = p
        .ipv6_ranges()
        .iter()
        .map(|r| format!("{} {}", opt(r.cidr_ipv6()), q(r.description())))
        .collect();
    let pl: Vec<String> = p
        .prefix_list_ids()
        .iter()
        .map(|r| format!("{} {}", opt(r.prefix_list_id()), q(r.description())))
        .collect();
    let sg: Vec<String> = p
        .user_id_group_pairs()
        .iter()
        .map(|r| {
            format!(
                "{} user={} name={} vpc={} {}",
                opt(r.group_id()),
                opt(r.user_id()),
                opt(r.group_name()),
                opt(r.vpc_id()),
                q(r.description())
            )
        })
        .collect();
    format!(
        "{} {}..{} v4=[{}] v6=[{}] pl=[{}] sg=[{}]",
        opt(p.ip_protocol()),
        opt(p.from_port()),
        opt(p.to_port()),
        v4.join("; "),
        v6.join("; "),
        pl.join("; "),
        sg.join("; ")
    )
}

fn tags_line(tags: &[Tag]) -> String {
    let mut t: Vec<String> = tags
        .iter()
        .map(|t| format!("{}={}", opt(t.key()), opt(t.value())))
        .collect();
    t.sort();
    format!("[{}]", t.join(","))
}

// ---------------------------------------------------------------------------
// Builders

fn tcp(port: i32) -> aws_sdk_ec2::types::builders::IpPermissionBuilder {
    IpPermission::builder().ip_protocol("tcp").from_port(port).to_port(port)
}

fn v4(cidr: &str, desc: Option<&str>) -> IpRange {
    IpRange::builder()
        .cidr_ip(cidr)
        .set_description(desc.map(String::from))
        .build()
}

fn v6(cidr: &str, desc: Option<&str>) -> Ipv6Range {
    Ipv6Range::builder()
        .cidr_ipv6(cidr)
        .set_description(desc.map(String::from))
        .build()
}

fn sg_pair(group: &str, desc: Option<&str>) -> UserIdGroupPair {
    UserIdGroupPair::builder()
        .group_id(group)
        .set_description(desc.map(String::from))
        .build()
}

fn group_filter(name: &str, values: &[&str]) -> Filter {
    Filter::builder()
        .name(name)
        .set_values(Some(values.iter().map(|v| v.to_string()).collect()))
        .build()
}

fn create_group(emu: &Emulator, region: &str, name: &str, vpc: &str) -> String {
    let ec2 = emu.ec2(region);
    let out = emu
        .block_on(
            ec2.create_security_group()
                .group_name(name)
                .description(format!("probe {name}"))
                .vpc_id(vpc)
                .send(),
        )
        .unwrap_or_else(|e| panic!("CreateSecurityGroup {name}: {e:?}"));
    out.group_id().expect("group id").to_string()
}

fn create_vpc6(emu: &Emulator, region: &str, cidr: &str) -> String {
    let ec2 = emu.ec2(region);
    let out = emu
        .block_on(
            ec2.create_vpc()
                .cidr_block(cidr)
                .amazon_provided_ipv6_cidr_block(true)
                .send(),
        )
        .expect("CreateVpc with IPv6");
    out.vpc().and_then(|v| v.vpc_id()).expect("vpc id").to_string()
}

// ---------------------------------------------------------------------------
// Probes

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn probe_emulator_start_and_recorder() {
    require_acceptance!();
    let mut p = Probes::new();
    let emu = emulator();
    let region = emu.unique_region_with_zones();
    p.mask(region, "<region>");
    p.note(
        "startup",
        format!("moto answered {:.2?} after spawn", emu.startup_time()),
    );

    let ec2 = emu.ec2(region);
    let t = Instant::now();
    emu.block_on(ec2.describe_vpcs().send()).expect("DescribeVpcs");
    p.note(
        "first_ec2_call_in_region",
        format!(
            "DescribeVpcs took {:.2?} (first call in a Region builds its default VPC)",
            t.elapsed()
        ),
    );
    let t = Instant::now();
    emu.block_on(ec2.describe_vpcs().send()).expect("DescribeVpcs");
    p.note("second_ec2_call", format!("DescribeVpcs took {:.2?}", t.elapsed()));

    emu.reset_recording();
    emu.start_recording();
    let vpc = emu.default_vpc(region);
    let g = create_group(emu, region, "rec", &vpc);
    let _ = emu.describe_rules(region, &g);
    emu.block_on(emu.elbv2(region).describe_load_balancers().send())
        .expect("DescribeLoadBalancers");
    emu.stop_recording();
    emu.block_on(ec2.describe_security_groups().send())
        .expect("DescribeSecurityGroups");

    // Other tests may run in parallel: keep the lines signed for this Region.
    let raw = emu.recording_jsonl();
    let scope = format!("/{region}/");
    let mine: Vec<&str> = raw.lines().filter(|l| l.contains(&scope)).collect();
    let first = mine.first().copied().unwrap_or("");
    let v: serde_json::Value = serde_json::from_str(first).expect("a JSON line");
    let mut keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    keys.sort();
    p.check(
        "recorder.line_keys",
        format!("{keys:?}"),
        r#"["body", "body_encoded", "headers", "method", "url"]"#,
    );
    p.check(
        "recorder.first_line_shape",
        format!(
            "method={} url={} body_encoded={} content-type={}",
            v["method"],
            v["url"].as_str().unwrap().replace(&emu.port().to_string(), "PORT"),
            v["body_encoded"],
            v["headers"]["Content-Type"]
        ),
        r#"method="POST" url=http://127.0.0.1:PORT/ body_encoded=true content-type="application/x-www-form-urlencoded""#,
    );
    let body_of = |line: &str| -> String {
        let v: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
        let decoded = support::emulator::base64_decode(v["body"].as_str().unwrap_or(""));
        let text = String::from_utf8_lossy(&decoded).into_owned();
        text.split('&').take(2).collect::<Vec<_>>().join("&")
    };
    p.check(
        "recorder.first_body_decoded_start",
        body_of(first),
        "Action=DescribeVpcs&Version=2016-11-15",
    );
    p.check(
        "recorder.last_body_decoded_start",
        body_of(mine.last().copied().unwrap_or("")),
        "Action=DescribeLoadBalancers&Version=2015-12-01",
    );
    // "AWS4-HMAC-SHA256 Credential=<key>/<yyyymmdd>/<region>/<service>/aws4_request", date masked.
    let auth = v["headers"]["Authorization"].as_str().unwrap_or("").to_string();
    let scope: Vec<&str> = auth.split(", ").next().unwrap_or("").split('/').collect();
    let scope = scope
        .iter()
        .enumerate()
        .map(|(i, part)| if i == 1 { "DATE" } else { part })
        .collect::<Vec<_>>()
        .join("/");
    p.check(
        "recorder.authorization_header_start",
        scope,
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/DATE/<region>/ec2/aws4_request",
    );
    let calls = emu.recorded_calls_in(region);
    let actions: Vec<String> = calls.iter().map(|c| format!("{}:{}", c.service, c.action)).collect();
    p.check("recorder.actions_in_region", actions.join(","), "ec2:DescribeVpcs,ec2:CreateSecurityGroup,ec2:DescribeSecurityGroupRules,elasticloadbalancing:DescribeLoadBalancers");
    // The recorder is global: with tests running in parallel it also holds
    // their calls, which `recorded_calls_in(region)` leaves out.
    p.note(
        "recorder.calls_in_other_regions",
        (emu.recorded_calls().len() - calls.len()).to_string(),
    );
    p.finish();
}

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn probe_security_group_create_describe_tags() {
    require_acceptance!();
    let mut p = Probes::new();
    let emu = emulator();
    let region = emu.unique_region_with_zones();
    p.mask(region, "<region>");
    let ec2 = emu.ec2(region);
    let vpc = emu.create_vpc(region, "10.1.0.0/16");
    let vpc2 = emu.create_vpc(region, "10.2.0.0/16");
    p.mask(&vpc, "<vpc>");
    p.mask(&vpc2, "<vpc2>");

    let out = emu
        .block_on(
            ec2.create_security_group()
                .group_name("probe-a")
                .description("probe a")
                .vpc_id(&vpc)
                .tag_specifications(
                    TagSpecification::builder()
                        .resource_type(ResourceType::SecurityGroup)
                        .tags(Tag::builder().key("Name").value("probe-a").build())
                        .tags(Tag::builder().key("env").value("test").build())
                        .build(),
                )
                .send(),
        )
        .expect("CreateSecurityGroup");
    let g = out.group_id().unwrap().to_string();
    p.check(
        "id_format.security_group",
        format!("sg- + {} hex digits", g.len() - 3),
        "sg- + 17 hex digits",
    );
    p.mask(&g, "<G>");
    p.check(
        "create_sg.returns_arn",
        opt(out.security_group_arn()),
        "arn:aws:ec2:<region>:123456789012:security-group/<G>",
    );
    p.check("create_sg.returns_tags", tags_line(out.tags()), "[]");

    let d = emu
        .block_on(ec2.describe_security_groups().group_ids(&g).send())
        .expect("DescribeSecurityGroups");
    let sg = &d.security_groups()[0];
    p.check(
        "describe_sg.tags_from_tag_specifications",
        tags_line(sg.tags()),
        "[Name=probe-a,env=test]",
    );
    p.check(
        "describe_sg.security_group_arn",
        opt(sg.security_group_arn()),
        "arn:aws:ec2:<region>:123456789012:security-group/<G>",
    );
    p.check("describe_sg.owner_id", opt(sg.owner_id()), "123456789012");
    p.check(
        "describe_sg.name_description_vpc",
        format!("{} {} {}", opt(sg.group_name()), q(sg.description()), opt(sg.vpc_id())),
        r#"probe-a "probe a" <vpc>"#,
    );

    // Duplicate names.
    let dup = emu.block_on(
        ec2.create_security_group()
            .group_name("probe-a")
            .description("again")
            .vpc_id(&vpc)
            .send(),
    );
    p.outcome("create_sg.duplicate_name_same_vpc", &dup, "InvalidGroup.Duplicate");
    let other = emu.block_on(
        ec2.create_security_group()
            .group_name("probe-a")
            .description("other vpc")
            .vpc_id(&vpc2)
            .send(),
    );
    p.outcome("create_sg.same_name_other_vpc", &other, "ok");
    let default_name = emu.block_on(
        ec2.create_security_group()
            .group_name("default")
            .description("reserved")
            .vpc_id(&vpc)
            .send(),
    );
    p.outcome("create_sg.name_default", &default_name, "InvalidGroup.Duplicate");

    // Missing and malformed ids.
    let missing = "sg-0123456789abcdef0";
    let r = emu.block_on(ec2.describe_security_groups().group_ids(missing).send());
    p.outcome("describe_sg.missing_id", &r, "InvalidGroup.NotFound");
    let r = emu.block_on(ec2.describe_security_groups().group_ids(&g).group_ids(missing).send());
    p.outcome("describe_sg.one_present_one_missing", &r, "InvalidGroup.NotFound");
    let r = emu.block_on(ec2.describe_security_groups().group_ids("bogus").send());
    p.outcome("describe_sg.malformed_id", &r, "InvalidGroup.NotFound");
    let r = emu.block_on(
        ec2.describe_security_groups()
            .filters(group_filter("group-id", &[missing]))
            .send(),
    );
    p.check(
        "describe_sg.filter_group_id_missing",
        match &r {
            Ok(o) => format!("ok, {} groups", o.security_groups().len()),
            Err(e) => opt(e.code()),
        },
        "ok, 0 groups",
    );
    let r = emu.block_on(ec2.delete_security_group().group_id(missing).send());
    p.outcome("delete_sg.missing_id", &r, "InvalidGroup.NotFound");
    let r = emu.block_on(
        ec2.describe_security_group_rules()
            .filters(group_filter("group-id", &[missing]))
            .send(),
    );
    p.check(
        "describe_rules.filter_group_id_missing",
        match &r {
            Ok(o) => format!("ok, {} rules", o.security_group_rules().len()),
            Err(e) => opt(e.code()),
        },
        "ok, 0 rules",
    );
    let r = emu.block_on(
        ec2.describe_security_group_rules()
            .security_group_rule_ids("sgr-0123456789abcdef0")
            .send(),
    );
    p.check(
        "describe_rules.unknown_rule_id",
        match &r {
            Ok(o) => format!("ok, {} rules", o.security_group_rules().len()),
            Err(e) => opt(e.code()),
        },
        "InvalidSecurityGroupRuleId.NotFound",
    );

    // Tags.
    let r = emu.block_on(
        ec2.create_tags()
            .resources(&g)
            .tags(Tag::builder().key("team").value("iot").build())
            .tags(Tag::builder().key("env").value("prod").build())
            .send(),
    );
    p.outcome("create_tags", &r, "ok");
    let tags = |emu: &Emulator| {
        let d = emu
            .block_on(ec2.describe_security_groups().group_ids(&g).send())
            .expect("DescribeSecurityGroups");
        tags_line(d.security_groups()[0].tags())
    };
    p.check(
        "create_tags.adds_and_overwrites",
        tags(emu),
        "[Name=probe-a,env=prod,team=iot]",
    );
    let r = emu.block_on(
        ec2.delete_tags()
            .resources(&g)
            .tags(Tag::builder().key("Name").build())
            .send(),
    );
    p.outcome("delete_tags.key_only", &r, "ok");
    p.check("delete_tags.key_only.after", tags(emu), "[env=prod,team=iot]");
    let r = emu.block_on(
        ec2.delete_tags()
            .resources(&g)
            .tags(Tag::builder().key("team").value("not-iot").build())
            .send(),
    );
    p.outcome("delete_tags.wrong_value", &r, "ok");
    p.check(
        "delete_tags.wrong_value.after (AWS keeps the tag)",
        tags(emu),
        "[env=prod,team=iot]",
    );
    let r = emu.block_on(
        ec2.delete_tags()
            .resources(&g)
            .tags(Tag::builder().key("team").value("iot").build())
            .send(),
    );
    p.outcome("delete_tags.matching_value", &r, "ok");
    p.check("delete_tags.matching_value.after", tags(emu), "[env=prod]");
    let r = emu.block_on(
        ec2.create_tags()
            .resources(missing)
            .tags(Tag::builder().key("a").value("b").build())
            .send(),
    );
    p.outcome("create_tags.missing_group", &r, "InvalidGroup.NotFound");
    p.finish();
}

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn probe_default_egress_rule() {
    require_acceptance!();
    let mut p = Probes::new();
    let emu = emulator();
    let region = emu.unique_region_with_zones();
    p.mask(region, "<region>");
    let ec2 = emu.ec2(region);
    let vpc4 = emu.create_vpc(region, "10.3.0.0/16");
    let vpc6 = create_vpc6(emu, region, "10.4.0.0/16");
    p.mask(&vpc4, "<vpc4>");
    p.mask(&vpc6, "<vpc6>");
    let v = emu
        .block_on(ec2.describe_vpcs().vpc_ids(&vpc6).send())
        .expect("DescribeVpcs");
    let v6: Vec<String> = v.vpcs()[0]
        .ipv6_cidr_block_association_set()
        .iter()
        .map(|a| opt(a.ipv6_cidr_block()))
        .collect();
    p.note("vpc6.ipv6_blocks", format!("{v6:?}"));
    p.check("vpc6.has_ipv6_block", (!v6.is_empty()).to_string(), "true");

    let g4 = create_group(emu, region, "g4", &vpc4);
    let g6 = create_group(emu, region, "g6", &vpc6);
    let g4b = create_group(emu, region, "g4b", &vpc4);
    p.mask(&g4, "<G4>");
    p.mask(&g6, "<G6>");
    p.mask(&g4b, "<G4b>");

    let rules4 = emu.describe_rules(region, &g4);
    let rule_id = rules4[0].security_group_rule_id().unwrap_or("").to_string();
    p.check(
        "id_format.security_group_rule",
        format!("sgr- + {} hex digits", rule_id.len().saturating_sub(4)),
        "sgr- + 17 hex digits",
    );
    p.check(
        "default_egress.ipv4_vpc",
        p.rules(&rules4),
        "sgr-* out -1 -1..-1 cidr4=0.0.0.0/0 desc=None owner=None group=<G4> arn=None tags=0",
    );
    p.check(
        "default_egress.ipv6_vpc",
        p.rules(&emu.describe_rules(region, &g6)),
        "sgr-* out -1 -1..-1 cidr4=0.0.0.0/0 desc=None owner=None group=<G6> arn=None tags=0 | sgr-* out -1 -1..-1 cidr6=::/0 desc=None owner=None group=<G6> arn=None tags=0",
    );
    let d = emu
        .block_on(ec2.describe_security_groups().group_ids(&g4).send())
        .expect("DescribeSecurityGroups");
    p.check(
        "default_egress.describe_sg.ip_permissions_egress",
        p.perms(d.security_groups()[0].ip_permissions_egress()),
        "-1 None..None v4=[0.0.0.0/0 None] v6=[] pl=[] sg=[]",
    );
    p.check(
        "default_egress.describe_sg.ip_permissions",
        p.perms(d.security_groups()[0].ip_permissions()),
        "",
    );

    // The VPC's own default group.
    let d = emu
        .block_on(
            ec2.describe_security_groups()
                .filters(group_filter("vpc-id", &[&vpc4]))
                .filters(group_filter("group-name", &["default"]))
                .send(),
        )
        .expect("DescribeSecurityGroups default");
    let default_group = d.security_groups()[0].group_id().unwrap().to_string();
    p.mask(&default_group, "<default>");
    p.check(
        "vpc_default_group.rules",
        p.rules(&emu.describe_rules(region, &default_group)),
        "sgr-* out -1 -1..-1 cidr4=0.0.0.0/0 desc=None owner=None group=<default> arn=None tags=0",
    );
    let r = emu.block_on(ec2.delete_security_group().group_id(&default_group).send());
    p.outcome("vpc_default_group.delete", &r, "ok");

    // Revoke by IpPermissions.
    let all = IpPermission::builder()
        .ip_protocol("-1")
        .ip_ranges(v4("0.0.0.0/0", None))
        .build();
    let r = emu.block_on(
        ec2.revoke_security_group_egress()
            .group_id(&g4)
            .ip_permissions(all.clone())
            .send(),
    );
    p.outcome("revoke_egress.by_ip_permissions", &r, "ok");
    if let Ok(o) = &r {
        p.check(
            "revoke_egress.by_ip_permissions.response",
            format!(
                "return={} unknown=[{}] revoked_rules={}",
                opt(o.r#return()),
                p.perms(o.unknown_ip_permissions()),
                o.revoked_security_group_rules().len()
            ),
            "return=true unknown=[] revoked_rules=0",
        );
    }
    p.check(
        "revoke_egress.by_ip_permissions.rules_after",
        p.rules(&emu.describe_rules(region, &g4)),
        "",
    );
    let r = emu.block_on(
        ec2.revoke_security_group_egress()
            .group_id(&g4)
            .ip_permissions(all.clone())
            .send(),
    );
    p.outcome(
        "revoke_egress.by_ip_permissions.again",
        &r,
        "InvalidPermission.NotFound",
    );
    if let Ok(o) = &r {
        p.check(
            "revoke_egress.by_ip_permissions.again.response",
            format!(
                "return={} unknown=[{}]",
                opt(o.r#return()),
                p.perms(o.unknown_ip_permissions())
            ),
            "not reached: moto answers InvalidPermission.NotFound (AWS answers Return=true and lists the permission in UnknownIpPermissions)",
        );
    }

    // Revoke by rule id.
    let id = emu.describe_rules(region, &g4b)[0]
        .security_group_rule_id()
        .unwrap()
        .to_string();
    let r = emu.block_on(
        ec2.revoke_security_group_egress()
            .group_id(&g4b)
            .security_group_rule_ids(&id)
            .send(),
    );
    p.outcome("revoke_egress.by_rule_id", &r, "ok");
    if let Ok(o) = &r {
        p.check(
            "revoke_egress.by_rule_id.response",
            format!(
                "return={} unknown=[{}] revoked_rules={}",
                opt(o.r#return()),
                p.perms(o.unknown_ip_permissions()),
                o.revoked_security_group_rules().len()
            ),
            "return=true unknown=[] revoked_rules=0",
        );
    }
    p.check(
        "revoke_egress.by_rule_id.rules_after",
        p.rules(&emu.describe_rules(region, &g4b)),
        "",
    );
    let r = emu.block_on(
        ec2.revoke_security_group_egress()
            .group_id(&g4b)
            .security_group_rule_ids(&id)
            .send(),
    );
    p.outcome("revoke_egress.by_rule_id.again", &r, "InvalidPermission.NotFound");

    // IPv6 VPC: revoke both default rules (whatever there are) in one call.
    let ids: Vec<String> = emu
        .describe_rules(region, &g6)
        .iter()
        .filter_map(|r| r.security_group_rule_id().map(String::from))
        .collect();
    let r = emu.block_on(
        ec2.revoke_security_group_egress()
            .group_id(&g6)
            .set_security_group_rule_ids(Some(ids))
            .send(),
    );
    p.outcome("revoke_egress.ipv6_vpc.all_ids_in_one_call", &r, "ok");
    p.check(
        "revoke_egress.ipv6_vpc.rules_after",
        p.rules(&emu.describe_rules(region, &g6)),
        "",
    );
    p.finish();
}

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn probe_authorize_rules() {
    require_acceptance!();
    let mut p = Probes::new();
    let emu = emulator();
    let region = emu.unique_region_with_zones();
    p.mask(region, "<region>");
    let ec2 = emu.ec2(region);
    let vpc = create_vpc6(emu, region, "10.5.0.0/16");
    p.mask(&vpc, "<vpc>");
    let g = create_group(emu, region, "g", &vpc);
    let peer = create_group(emu, region, "peer", &vpc);
    p.mask(&g, "<G>");
    p.mask(&peer, "<P>");

    let pl = emu.block_on(
        ec2.create_managed_prefix_list()
            .prefix_list_name("probe-pl")
            .max_entries(5)
            .address_family("IPv4")
            .entries(
                AddPrefixListEntry::builder()
                    .cidr("10.9.0.0/16")
                    .description("pl entry")
                    .build(),
            )
            .send(),
    );
    p.outcome("create_managed_prefix_list", &pl, "ok");
    let pl_id = pl
        .ok()
        .and_then(|o| o.prefix_list().and_then(|l| l.prefix_list_id()).map(String::from));
    if let Some(id) = &pl_id {
        p.mask(id, "<pl>");
    }

    let mut req = ec2
        .authorize_security_group_ingress()
        .group_id(&g)
        .ip_permissions(
            tcp(80)
                .ip_ranges(v4("10.0.0.0/8", Some("http a")))
                .ip_ranges(v4("192.168.0.0/16", Some("http b")))
                .build(),
        )
        .ip_permissions(
            tcp(443)
                .ip_ranges(v4("10.0.0.0/8", Some("https a")))
                .ip_ranges(v4("192.168.0.0/16", None))
                .build(),
        )
        .ip_permissions(
            IpPermission::builder()
                .ip_protocol("-1")
                .user_id_group_pairs(sg_pair(&g, Some("self")))
                .build(),
        )
        .ip_permissions(
            tcp(6670)
                .user_id_group_pairs(
                    UserIdGroupPair::builder()
                        .group_id(&peer)
                        .user_id(ACCOUNT_ID)
                        .description("peer with user id")
                        .build(),
                )
                .build(),
        )
        .ip_permissions(tcp(8883).ipv6_ranges(v6("2001:db8::/32", Some("mqtts v6"))).build());
    if let Some(id) = &pl_id {
        req = req.ip_permissions(
            tcp(1883)
                .prefix_list_ids(
                    PrefixListId::builder()
                        .prefix_list_id(id)
                        .description("mqtt pl")
                        .build(),
                )
                .build(),
        );
    }
    let r = emu.block_on(req.send());
    p.outcome("authorize_ingress.many_permissions_one_call", &r, "ok");
    if let Ok(o) = &r {
        p.check(
            "authorize_ingress.response",
            format!(
                "return={} rules_returned={}",
                opt(o.r#return()),
                o.security_group_rules().len()
            ),
            "return=true rules_returned=1",
        );
        p.check(
            "authorize_ingress.response.rules",
            p.rules(o.security_group_rules()),
            "sgr-* in tcp 1883..1883 pl=<pl> desc=None owner=None group=<G> arn=None tags=0",
        );
    }
    let rules = emu.describe_rules(region, &g);
    p.check("authorize_ingress.describe_rules.count", rules.len().to_string(), "10");
    p.check("authorize_ingress.describe_rules", p.rules(&rules), r#"sgr-* in -1 -1..-1 ref(group=<G> user=123456789012 vpc=None peering=None) desc=None owner=None group=<G> arn=None tags=0 | sgr-* in tcp 1883..1883 pl=<pl> desc=None owner=None group=<G> arn=None tags=0 | sgr-* in tcp 443..443 cidr4=10.0.0.0/8 desc="https a" owner=None group=<G> arn=None tags=0 | sgr-* in tcp 443..443 cidr4=192.168.0.0/16 desc=None owner=None group=<G> arn=None tags=0 | sgr-* in tcp 6670..6670 ref(group=<P> user=123456789012 vpc=None peering=None) desc=None owner=None group=<G> arn=None tags=0 | sgr-* in tcp 80..80 cidr4=10.0.0.0/8 desc="http a" owner=None group=<G> arn=None tags=0 | sgr-* in tcp 80..80 cidr4=192.168.0.0/16 desc="http b" owner=None group=<G> arn=None tags=0 | sgr-* in tcp 8883..8883 cidr6=2001:db8::/32 desc="mqtts v6" owner=None group=<G> arn=None tags=0 | sgr-* out -1 -1..-1 cidr4=0.0.0.0/0 desc=None owner=None group=<G> arn=None tags=0 | sgr-* out -1 -1..-1 cidr6=::/0 desc=None owner=None group=<G> arn=None tags=0"#);
    let d = emu
        .block_on(ec2.describe_security_groups().group_ids(&g).send())
        .expect("DescribeSecurityGroups");
    p.check(
        "authorize_ingress.describe_sg.ip_permissions",
        p.perms(d.security_groups()[0].ip_permissions()),
        r#"-1 None..None v4=[] v6=[] pl=[] sg=[<G> user=123456789012 name=None vpc=None "self"] | tcp 1883..1883 v4=[] v6=[] pl=[<pl> None] sg=[] | tcp 443..443 v4=[10.0.0.0/8 "https a"; 192.168.0.0/16 None] v6=[] pl=[] sg=[] | tcp 6670..6670 v4=[] v6=[] pl=[] sg=[<P> user=123456789012 name=None vpc=None "peer with user id"] | tcp 80..80 v4=[10.0.0.0/8 "http a"; 192.168.0.0/16 "http b"] v6=[] pl=[] sg=[] | tcp 8883..8883 v4=[] v6=[2001:db8::/32 "mqtts v6"] pl=[] sg=[]"#,
    );

    let multi = create_group(emu, region, "multi", &vpc);
    p.mask(&multi, "<M>");
    let r = emu.block_on(
        ec2.authorize_security_group_ingress()
            .group_id(&multi)
            .ip_permissions(
                tcp(5000)
                    .ip_ranges(v4("10.1.0.0/16", None))
                    .ip_ranges(v4("10.2.0.0/16", None))
                    .build(),
            )
            .ip_permissions(
                tcp(5001)
                    .ip_ranges(v4("10.3.0.0/16", None))
                    .ip_ranges(v4("10.4.0.0/16", None))
                    .ipv6_ranges(v6("2001:db8::/32", None))
                    .build(),
            )
            .send(),
    );
    p.check(
        "authorize_ingress.response.rules_two_permissions_of_2_and_3_peers",
        match &r {
            Ok(o) => p.rules(o.security_group_rules()),
            Err(e) => opt(e.code()),
        },
        "sgr-* in tcp 5001..5001 cidr4=10.3.0.0/16 desc=None owner=None group=<M> arn=None tags=0 | sgr-* in tcp 5001..5001 cidr4=10.4.0.0/16 desc=None owner=None group=<M> arn=None tags=0 | sgr-* in tcp 5001..5001 cidr6=2001:db8::/32 desc=None owner=None group=<M> arn=None tags=0",
    );
    p.check(
        "authorize_ingress.two_permissions_of_2_and_3_peers.describe_count",
        emu.describe_rules(region, &multi)
            .iter()
            .filter(|r| r.is_egress() == Some(false))
            .count()
            .to_string(),
        "5",
    );

    // Duplicates.
    let r = emu.block_on(
        ec2.authorize_security_group_ingress()
            .group_id(&g)
            .ip_permissions(tcp(80).ip_ranges(v4("10.0.0.0/8", Some("http a"))).build())
            .send(),
    );
    p.outcome("authorize_ingress.duplicate", &r, "InvalidPermission.Duplicate");
    let r = emu.block_on(
        ec2.authorize_security_group_ingress()
            .group_id(&g)
            .ip_permissions(tcp(80).ip_ranges(v4("10.0.0.0/8", Some("other description"))).build())
            .send(),
    );
    p.outcome(
        "authorize_ingress.duplicate_other_description",
        &r,
        "InvalidPermission.Duplicate",
    );
    let r = emu.block_on(
        ec2.authorize_security_group_ingress()
            .group_id(&g)
            .ip_permissions(tcp(80).ip_ranges(v4("10.0.0.0/8", None)).build())
            .ip_permissions(tcp(81).ip_ranges(v4("10.0.0.0/8", None)).build())
            .send(),
    );
    p.outcome(
        "authorize_ingress.duplicate_plus_new_in_one_call",
        &r,
        "InvalidPermission.Duplicate",
    );
    p.check(
        "authorize_ingress.duplicate_plus_new_in_one_call.new_rule_added",
        emu.describe_rules(region, &g)
            .iter()
            .any(|r| r.from_port() == Some(81))
            .to_string(),
        "false",
    );
    let fresh = create_group(emu, region, "fresh", &vpc);
    p.mask(&fresh, "<F>");
    let r = emu.block_on(
        ec2.authorize_security_group_ingress()
            .group_id(&fresh)
            .ip_permissions(tcp(22).ip_ranges(v4("10.0.0.0/8", None)).build())
            .ip_permissions(tcp(22).ip_ranges(v4("10.0.0.0/8", None)).build())
            .send(),
    );
    p.outcome(
        "authorize_ingress.same_permission_twice_in_one_call",
        &r,
        "InvalidPermission.Duplicate",
    );
    let r = emu.block_on(
        ec2.authorize_security_group_ingress()
            .group_id(&fresh)
            .ip_permissions(tcp(22).ip_ranges(v4("10.0.0.1/8", None)).build())
            .send(),
    );
    p.outcome("authorize_ingress.cidr_with_host_bits", &r, "ok");
    let r = emu.block_on(
        ec2.authorize_security_group_ingress()
            .group_id("sg-0123456789abcdef0")
            .ip_permissions(tcp(22).ip_ranges(v4("10.0.0.0/8", None)).build())
            .send(),
    );
    p.outcome("authorize_ingress.missing_group", &r, "InvalidGroup.NotFound");
    let r = emu.block_on(
        ec2.authorize_security_group_ingress()
            .group_id(&fresh)
            .ip_permissions(
                tcp(22)
                    .user_id_group_pairs(sg_pair("sg-0123456789abcdef0", None))
                    .build(),
            )
            .send(),
    );
    p.outcome(
        "authorize_ingress.missing_referenced_group",
        &r,
        "InvalidGroup.NotFound",
    );

    // Protocol spellings: what goes in, what DescribeSecurityGroupRules says.
    let protos = create_group(emu, region, "protos", &vpc);
    p.mask(&protos, "<Q>");
    let cases: Vec<(&str, IpPermission, &str)> = vec![
        (
            "6",
            IpPermission::builder()
                .ip_protocol("6")
                .from_port(22)
                .to_port(22)
                .ip_ranges(v4("10.6.0.0/16", None))
                .build(),
            "ok",
        ),
        (
            "TCP",
            IpPermission::builder()
                .ip_protocol("TCP")
                .from_port(23)
                .to_port(23)
                .ip_ranges(v4("10.6.0.0/16", None))
                .build(),
            "ok",
        ),
        (
            "17",
            IpPermission::builder()
                .ip_protocol("17")
                .from_port(53)
                .to_port(53)
                .ip_ranges(v4("10.6.0.0/16", None))
                .build(),
            "ok",
        ),
        (
            "icmp",
            IpPermission::builder()
                .ip_protocol("icmp")
                .from_port(8)
                .to_port(-1)
                .ip_ranges(v4("10.6.0.0/16", None))
                .build(),
            "ok",
        ),
        (
            "icmpv6",
            IpPermission::builder()
                .ip_protocol("icmpv6")
                .from_port(-1)
                .to_port(-1)
                .ipv6_ranges(v6("::/0", None))
                .build(),
            "ok",
        ),
        (
            "58",
            IpPermission::builder()
                .ip_protocol("58")
                .from_port(-1)
                .to_port(-1)
                .ipv6_ranges(v6("2001:db8::/32", None))
                .build(),
            "ok",
        ),
        (
            "-1 with ports 0..65535",
            IpPermission::builder()
                .ip_protocol("-1")
                .from_port(0)
                .to_port(65535)
                .ip_ranges(v4("10.7.0.0/16", None))
                .build(),
            "ok",
        ),
        (
            "all",
            IpPermission::builder()
                .ip_protocol("all")
                .ip_ranges(v4("10.8.0.0/16", None))
                .build(),
            "HTTP 500 without error code",
        ),
        (
            "tcp 0..65535",
            IpPermission::builder()
                .ip_protocol("tcp")
                .from_port(0)
                .to_port(65535)
                .ip_ranges(v4("10.9.0.0/16", None))
                .build(),
            "ok",
        ),
    ];
    for (name, perm, expected) in cases {
        let r = emu.block_on(
            ec2.authorize_security_group_ingress()
                .group_id(&protos)
                .ip_permissions(perm)
                .send(),
        );
        p.outcome(&format!("protocol.{name}.authorize"), &r, expected);
    }
    p.check(
        "protocol.describe_rules",
        p.rules(&emu.describe_rules(region, &protos)),
        "sgr-* in -1 -1..-1 cidr4=10.7.0.0/16 desc=None owner=None group=<Q> arn=None tags=0 | sgr-* in 58 -1..-1 cidr6=2001:db8::/32 desc=None owner=None group=<Q> arn=None tags=0 | sgr-* in icmp 8..-1 cidr4=10.6.0.0/16 desc=None owner=None group=<Q> arn=None tags=0 | sgr-* in icmpv6 -1..-1 cidr6=::/0 desc=None owner=None group=<Q> arn=None tags=0 | sgr-* in tcp 0..65535 cidr4=10.9.0.0/16 desc=None owner=None group=<Q> arn=None tags=0 | sgr-* in tcp 22..22 cidr4=10.6.0.0/16 desc=None owner=None group=<Q> arn=None tags=0 | sgr-* in tcp 23..23 cidr4=10.6.0.0/16 desc=None owner=None group=<Q> arn=None tags=0 | sgr-* in udp 53..53 cidr4=10.6.0.0/16 desc=None owner=None group=<Q> arn=None tags=0 | sgr-* out -1 -1..-1 cidr4=0.0.0.0/0 desc=None owner=None group=<Q> arn=None tags=0 | sgr-* out -1 -1..-1 cidr6=::/0 desc=None owner=None group=<Q> arn=None tags=0",
    );

    // Egress.
    let r = emu.block_on(
        ec2.authorize_security_group_egress()
            .group_id(&g)
            .ip_permissions(tcp(443).ip_ranges(v4("0.0.0.0/0", Some("out https"))).build())
            .send(),
    );
    p.outcome("authorize_egress", &r, "ok");
    if let Ok(o) = &r {
        p.check(
            "authorize_egress.response.rules",
            p.rules(o.security_group_rules()),
            r#"sgr-* out tcp 443..443 cidr4=0.0.0.0/0 desc="out https" owner=None group=<G> arn=None tags=0"#,
        );
    }
    p.finish();
}

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn probe_revoke_and_modify_rules() {
    require_acceptance!();
    let mut p = Probes::new();
    let emu = emulator();
    let region = emu.unique_region_with_zones();
    p.mask(region, "<region>");
    let ec2 = emu.ec2(region);
    let vpc = emu.create_vpc(region, "10.10.0.0/16");
    let g = create_group(emu, region, "g", &vpc);
    let peer = create_group(emu, region, "peer", &vpc);
    p.mask(&g, "<G>");
    p.mask(&peer, "<P>");
    emu.block_on(
        ec2.authorize_security_group_ingress()
            .group_id(&g)
            .ip_permissions(tcp(80).ip_ranges(v4("10.0.0.0/8", Some("a"))).build())
            .ip_permissions(tcp(22).ip_ranges(v4("10.1.0.0/16", None)).build())
            .ip_permissions(
                IpPermission::builder()
                    .ip_protocol("-1")
                    .user_id_group_pairs(sg_pair(&peer, Some("from peer")))
                    .build(),
            )
            .send(),
    )
    .expect("AuthorizeSecurityGroupIngress");
    let egress = emu
        .block_on(
            ec2.authorize_security_group_egress()
                .group_id(&g)
                .ip_permissions(tcp(443).ip_ranges(v4("0.0.0.0/0", Some("e"))).build())
                .send(),
        )
        .expect("AuthorizeSecurityGroupEgress");
    let _ = egress;
    let rules = emu.describe_rules(region, &g);
    let find = |pred: &dyn Fn(&SecurityGroupRule) -> bool| -> String {
        rules
            .iter()
            .find(|r| pred(r))
            .and_then(|r| r.security_group_rule_id())
            .expect("rule present")
            .to_string()
    };
    let r80 = find(&|r| r.from_port() == Some(80));
    let r22 = find(&|r| r.from_port() == Some(22));
    let rpeer = find(&|r| r.referenced_group_info().is_some());
    let r443 = find(&|r| r.from_port() == Some(443) && r.is_egress() == Some(true));
    let rall_egress = rules
        .iter()
        .find(|r| r.is_egress() == Some(true) && r.ip_protocol() == Some("-1"))
        .and_then(|r| r.security_group_rule_id())
        .map(String::from);
    p.mask(&r80, "<r80>");
    p.mask(&r22, "<r22>");
    p.mask(&rpeer, "<rpeer>");
    p.mask(&r443, "<r443>");
    if let Some(id) = &rall_egress {
        p.mask(id, "<rall>");
    }
    p.check("setup.rules", p.rules(&rules), r#"<rpeer> in -1 -1..-1 ref(group=<P> user=123456789012 vpc=None peering=None) desc=None owner=None group=<G> arn=None tags=0 | <r22> in tcp 22..22 cidr4=10.1.0.0/16 desc=None owner=None group=<G> arn=None tags=0 | <r80> in tcp 80..80 cidr4=10.0.0.0/8 desc="a" owner=None group=<G> arn=None tags=0 | <rall> out -1 -1..-1 cidr4=0.0.0.0/0 desc=None owner=None group=<G> arn=None tags=0 | <r443> out tcp 443..443 cidr4=0.0.0.0/0 desc="e" owner=None group=<G> arn=None tags=0"#);

    // Revoke ingress by rule ids (one of them references a group).
    let r = emu.block_on(
        ec2.revoke_security_group_ingress()
            .group_id(&g)
            .security_group_rule_ids(&rpeer)
            .security_group_rule_ids(&r22)
            .send(),
    );
    p.outcome("revoke_ingress.by_rule_ids_incl_sg_reference", &r, "ok");
    if let Ok(o) = &r {
        p.check(
            "revoke_ingress.by_rule_ids.response",
            format!(
                "return={} unknown=[{}] revoked_rules={}",
                opt(o.r#return()),
                p.perms(o.unknown_ip_permissions()),
                o.revoked_security_group_rules().len()
            ),
            "return=true unknown=[] revoked_rules=0",
        );
    }
    p.check(
        "revoke_ingress.by_rule_ids.rules_after",
        p.rules(&emu.describe_rules(region, &g)),
        r#"<r80> in tcp 80..80 cidr4=10.0.0.0/8 desc="a" owner=None group=<G> arn=None tags=0 | <rall> out -1 -1..-1 cidr4=0.0.0.0/0 desc=None owner=None group=<G> arn=None tags=0 | <r443> out tcp 443..443 cidr4=0.0.0.0/0 desc="e" owner=None group=<G> arn=None tags=0"#,
    );
    let unknown = "sgr-0123456789abcdef0";
    let r = emu.block_on(
        ec2.revoke_security_group_ingress()
            .group_id(&g)
            .security_group_rule_ids(unknown)
            .send(),
    );
    p.outcome("revoke_ingress.unknown_rule_id", &r, "InvalidPermission.NotFound");
    let r = emu.block_on(
        ec2.revoke_security_group_ingress()
            .group_id(&g)
            .security_group_rule_ids(&r80)
            .security_group_rule_ids(unknown)
            .send(),
    );
    p.outcome(
        "revoke_ingress.known_plus_unknown_rule_id",
        &r,
        "InvalidPermission.NotFound",
    );
    p.check(
        "revoke_ingress.known_plus_unknown_rule_id.known_still_there",
        emu.describe_rules(region, &g)
            .iter()
            .any(|r| r.security_group_rule_id() == Some(&r80))
            .to_string(),
        "true",
    );
    let r = emu.block_on(
        ec2.revoke_security_group_ingress()
            .group_id(&g)
            .security_group_rule_ids(&r443)
            .send(),
    );
    p.outcome("revoke_ingress.with_egress_rule_id", &r, "InvalidPermission.NotFound");
    let r = emu.block_on(
        ec2.revoke_security_group_ingress()
            .group_id(&g)
            .ip_permissions(tcp(9999).ip_ranges(v4("10.0.0.0/8", None)).build())
            .send(),
    );
    p.outcome(
        "revoke_ingress.nonexistent_ip_permission",
        &r,
        "InvalidPermission.NotFound",
    );
    if let Ok(o) = &r {
        p.check(
            "revoke_ingress.nonexistent_ip_permission.response",
            format!(
                "return={} unknown=[{}]",
                opt(o.r#return()),
                p.perms(o.unknown_ip_permissions())
            ),
            "not reached: moto answers InvalidPermission.NotFound (AWS answers Return=true and lists the permission in UnknownIpPermissions)",
        );
    }
    let r = emu.block_on(
        ec2.revoke_security_group_ingress()
            .group_id("sg-0123456789abcdef0")
            .security_group_rule_ids(&r80)
            .send(),
    );
    p.outcome("revoke_ingress.missing_group", &r, "InvalidGroup.NotFound");

    // ModifySecurityGroupRules.
    let modify = |port: i32, desc: &str| {
        emu.block_on(
            ec2.modify_security_group_rules()
                .group_id(&g)
                .security_group_rules(
                    SecurityGroupRuleUpdate::builder()
                        .security_group_rule_id(&r80)
                        .security_group_rule(
                            SecurityGroupRuleRequest::builder()
                                .ip_protocol("tcp")
                                .from_port(port)
                                .to_port(port)
                                .cidr_ipv4("10.0.0.0/8")
                                .description(desc)
                                .build(),
                        )
                        .build(),
                )
                .send(),
        )
    };
    let rule80 = |emu: &Emulator| {
        emu.describe_rules(region, &g)
            .into_iter()
            .filter(|r| r.is_egress() == Some(false) && r.cidr_ipv4() == Some("10.0.0.0/8"))
            .map(|r| rule_line(&r))
            .collect::<Vec<_>>()
            .join(" | ")
    };
    let r = modify(80, "changed by modify");
    p.outcome("modify_rules.description", &r, "ok");
    if let Ok(o) = &r {
        p.check("modify_rules.description.return", opt(o.r#return()), "true");
    }
    p.check(
        "modify_rules.description.after (rule id kept)",
        rule80(emu),
        r#"<r80> in tcp 80..80 cidr4=10.0.0.0/8 desc="changed by modify" owner=None group=<G> arn=None tags=0"#,
    );
    let r = modify(8080, "port changed by modify");
    p.outcome("modify_rules.port", &r, "ok");
    p.check("modify_rules.port.after (rule id kept)", rule80(emu), r#"<r80> in tcp 8080..8080 cidr4=10.0.0.0/8 desc="port changed by modify" owner=None group=<G> arn=None tags=0"#);
    let r = emu.block_on(
        ec2.modify_security_group_rules()
            .group_id(&g)
            .security_group_rules(
                SecurityGroupRuleUpdate::builder()
                    .security_group_rule_id(unknown)
                    .security_group_rule(
                        SecurityGroupRuleRequest::builder()
                            .ip_protocol("tcp")
                            .from_port(1)
                            .to_port(1)
                            .cidr_ipv4("10.0.0.0/8")
                            .build(),
                    )
                    .build(),
            )
            .send(),
    );
    p.outcome(
        "modify_rules.unknown_rule_id",
        &r,
        "InvalidSecurityGroupRuleId.NotFound",
    );

    // UpdateSecurityGroupRuleDescriptions*.
    let r = emu.block_on(
        ec2.update_security_group_rule_descriptions_ingress()
            .group_id(&g)
            .security_group_rule_descriptions(
                SecurityGroupRuleDescription::builder()
                    .security_group_rule_id(&r80)
                    .description("via update by id")
                    .build(),
            )
            .send(),
    );
    p.outcome("update_descriptions_ingress.by_rule_id", &r, "ok");
    p.check("update_descriptions_ingress.by_rule_id.after", rule80(emu), r#"<r80> in tcp 8080..8080 cidr4=10.0.0.0/8 desc="port changed by modify" owner=None group=<G> arn=None tags=0"#);
    let current_port = emu
        .describe_rules(region, &g)
        .iter()
        .find(|r| r.security_group_rule_id() == Some(&r80))
        .and_then(|r| r.from_port())
        .unwrap_or(80);
    let r = emu.block_on(
        ec2.update_security_group_rule_descriptions_ingress()
            .group_id(&g)
            .ip_permissions(
                tcp(current_port)
                    .ip_ranges(v4("10.0.0.0/8", Some("via update by permission")))
                    .build(),
            )
            .send(),
    );
    p.outcome("update_descriptions_ingress.by_ip_permissions", &r, "ok");
    p.check("update_descriptions_ingress.by_ip_permissions.after", rule80(emu), r#"<r80> in tcp 8080..8080 cidr4=10.0.0.0/8 desc="via update by permission" owner=None group=<G> arn=None tags=0"#);
    let r = emu.block_on(
        ec2.update_security_group_rule_descriptions_ingress()
            .group_id(&g)
            .security_group_rule_descriptions(
                SecurityGroupRuleDescription::builder()
                    .security_group_rule_id(unknown)
                    .description("x")
                    .build(),
            )
            .send(),
    );
    p.outcome("update_descriptions_ingress.unknown_rule_id", &r, "ok");
    let r = emu.block_on(
        ec2.update_security_group_rule_descriptions_egress()
            .group_id(&g)
            .security_group_rule_descriptions(
                SecurityGroupRuleDescription::builder()
                    .security_group_rule_id(&r443)
                    .description("egress via update by id")
                    .build(),
            )
            .send(),
    );
    p.outcome("update_descriptions_egress.by_rule_id", &r, "ok");
    p.check(
        "update_descriptions_egress.by_rule_id.after",
        emu.describe_rules(region, &g)
            .iter()
            .filter(|r| r.security_group_rule_id() == Some(&r443))
            .map(rule_line)
            .collect::<Vec<_>>()
            .join(" | "),
        r#"<r443> out tcp 443..443 cidr4=0.0.0.0/0 desc="e" owner=None group=<G> arn=None tags=0"#,
    );
    let r = emu.block_on(
        ec2.update_security_group_rule_descriptions_egress()
            .group_id(&g)
            .ip_permissions(
                tcp(443)
                    .ip_ranges(v4("0.0.0.0/0", Some("egress via permission")))
                    .build(),
            )
            .send(),
    );
    p.outcome("update_descriptions_egress.by_ip_permissions", &r, "ok");
    p.check(
        "update_descriptions_egress.by_ip_permissions.after",
        emu.describe_rules(region, &g)
            .iter()
            .filter(|r| r.security_group_rule_id() == Some(&r443))
            .map(rule_line)
            .collect::<Vec<_>>()
            .join(" | "),
        r#"<r443> out tcp 443..443 cidr4=0.0.0.0/0 desc="egress via permission" owner=None group=<G> arn=None tags=0"#,
    );
    p.finish();
}

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn probe_dependencies_filters_and_batches() {
    require_acceptance!();
    let mut p = Probes::new();
    let emu = emulator();
    let region = emu.unique_region_with_zones();
    p.mask(region, "<region>");
    let ec2 = emu.ec2(region);
    let vpc = emu.create_vpc(region, "10.20.0.0/16");
    let a = create_group(emu, region, "a", &vpc);
    let b = create_group(emu, region, "b", &vpc);
    let c = create_group(emu, region, "c", &vpc);
    p.mask(&a, "<A>");
    p.mask(&b, "<B>");
    p.mask(&c, "<C>");
    emu.block_on(
        ec2.authorize_security_group_ingress()
            .group_id(&b)
            .ip_permissions(tcp(443).user_id_group_pairs(sg_pair(&a, None)).build())
            .send(),
    )
    .expect("B ingress from A");
    emu.block_on(
        ec2.authorize_security_group_egress()
            .group_id(&c)
            .ip_permissions(tcp(80).user_id_group_pairs(sg_pair(&a, None)).build())
            .send(),
    )
    .expect("C egress to A");

    let azs = emu
        .block_on(ec2.describe_availability_zones().send())
        .expect("DescribeAvailabilityZones");
    let az = azs.availability_zones()[0].zone_name().unwrap().to_string();
    let subnet = emu
        .block_on(
            ec2.create_subnet()
                .vpc_id(&vpc)
                .cidr_block("10.20.1.0/24")
                .availability_zone(&az)
                .send(),
        )
        .expect("CreateSubnet")
        .subnet()
        .and_then(|s| s.subnet_id())
        .unwrap()
        .to_string();
    let eni_out = emu.block_on(ec2.create_network_interface().subnet_id(&subnet).groups(&c).send());
    p.outcome("create_network_interface.with_groups", &eni_out, "ok");
    let eni = eni_out
        .expect("CreateNetworkInterface")
        .network_interface()
        .and_then(|n| n.network_interface_id())
        .unwrap()
        .to_string();
    p.mask(&eni, "<eni>");

    let r = emu.block_on(
        ec2.describe_network_interfaces()
            .filters(group_filter("group-id", &[&c]))
            .send(),
    );
    p.check(
        "describe_network_interfaces.filter_group_id",
        match &r {
            Ok(o) => {
                let ids: Vec<String> = o
                    .network_interfaces()
                    .iter()
                    .map(|n| opt(n.network_interface_id()))
                    .collect();
                format!("ok {ids:?}")
            }
            Err(e) => opt(e.code()),
        },
        r#"ok ["<eni>"]"#,
    );
    let r = emu.block_on(
        ec2.describe_network_interfaces()
            .filters(group_filter("group-id", &[&a]))
            .send(),
    );
    p.check(
        "describe_network_interfaces.filter_group_id_unused_group",
        match &r {
            Ok(o) => format!("ok, {} interfaces", o.network_interfaces().len()),
            Err(e) => opt(e.code()),
        },
        "ok, 0 interfaces",
    );

    type DescribeGroups = Result<
        aws_sdk_ec2::operation::describe_security_groups::DescribeSecurityGroupsOutput,
        SdkError<aws_sdk_ec2::operation::describe_security_groups::DescribeSecurityGroupsError>,
    >;
    let group_ids = |p: &Probes, r: &DescribeGroups| match r {
        Ok(o) => {
            let mut ids: Vec<String> = o
                .security_groups()
                .iter()
                .map(|g| p.masked(&opt(g.group_id())))
                .collect();
            ids.sort();
            format!("ok {ids:?}")
        }
        Err(e) => opt(e.code()),
    };
    let r = emu.block_on(
        ec2.describe_security_groups()
            .filters(group_filter("ip-permission.group-id", &[&a]))
            .send(),
    );
    p.check(
        "describe_sg.filter_ip_permission.group_id",
        group_ids(&p, &r),
        r#"ok ["<B>"]"#,
    );
    let r = emu.block_on(
        ec2.describe_security_groups()
            .filters(group_filter("egress.ip-permission.group-id", &[&a]))
            .send(),
    );
    p.check(
        "describe_sg.filter_egress.ip_permission.group_id",
        group_ids(&p, &r),
        r#"ok ["<C>"]"#,
    );
    let r = emu.block_on(ec2.describe_security_groups().group_ids(&a).group_ids(&b).send());
    p.check("describe_sg.two_group_ids", group_ids(&p, &r), r#"ok ["<A>", "<B>"]"#);
    let r = emu.block_on(
        ec2.describe_security_groups()
            .filters(group_filter("group-id", &[&a, &c]))
            .send(),
    );
    p.check(
        "describe_sg.filter_group_id_two_values",
        group_ids(&p, &r),
        r#"ok ["<A>", "<C>"]"#,
    );
    let r = emu.block_on(
        ec2.describe_security_groups()
            .filters(group_filter("vpc-id", &[&vpc]))
            .filters(group_filter("group-name", &["a", "b"]))
            .send(),
    );
    p.check(
        "describe_sg.filter_vpc_and_two_names",
        group_ids(&p, &r),
        r#"ok ["<A>", "<B>"]"#,
    );

    let r = emu.block_on(
        ec2.describe_security_group_rules()
            .filters(group_filter("group-id", &[&a, &b]))
            .send(),
    );
    p.check(
        "describe_rules.filter_group_id_two_values",
        match &r {
            Ok(o) => p.rules(o.security_group_rules()),
            Err(e) => opt(e.code()),
        },
        "sgr-* in tcp 443..443 ref(group=<A> user=123456789012 vpc=None peering=None) desc=None owner=None group=<B> arn=None tags=0 | sgr-* out -1 -1..-1 cidr4=0.0.0.0/0 desc=None owner=None group=<A> arn=None tags=0 | sgr-* out -1 -1..-1 cidr4=0.0.0.0/0 desc=None owner=None group=<B> arn=None tags=0",
    );
    let some_ids: Vec<String> = emu
        .describe_rules(region, &b)
        .iter()
        .chain(emu.describe_rules(region, &c).iter())
        .filter(|r| r.is_egress() == Some(false) || r.from_port() == Some(80))
        .filter_map(|r| r.security_group_rule_id().map(String::from))
        .collect();
    let r = emu.block_on(
        ec2.describe_security_group_rules()
            .set_security_group_rule_ids(Some(some_ids.clone()))
            .send(),
    );
    p.check(
        "describe_rules.by_two_rule_ids",
        match &r {
            Ok(o) => format!("{} asked, {} returned", some_ids.len(), o.security_group_rules().len()),
            Err(e) => opt(e.code()),
        },
        "2 asked, 2 returned",
    );
    let r = emu.block_on(ec2.describe_security_group_rules().max_results(5).send());
    p.check(
        "describe_rules.max_results_5_paginates",
        match &r {
            Ok(o) => format!(
                "{} rules, next_token={}",
                o.security_group_rules().len(),
                o.next_token().is_some()
            ),
            Err(e) => opt(e.code()),
        },
        "7 rules, next_token=false",
    );

    // Deleting groups that are still in use.
    let r = emu.block_on(ec2.delete_security_group().group_id(&a).send());
    p.outcome("delete_sg.referenced_by_other_groups_rules", &r, "ok");
    p.check(
        "delete_sg.referenced.still_exists",
        emu.group_exists(region, &a).to_string(),
        "false",
    );
    p.check(
        "delete_sg.referenced.rules_of_referencing_group_after",
        p.rules(&emu.describe_rules(region, &b)),
        "sgr-* in tcp 443..443 ref(group=<A> user=123456789012 vpc=None peering=None) desc=None owner=None group=<B> arn=None tags=0 | sgr-* out -1 -1..-1 cidr4=0.0.0.0/0 desc=None owner=None group=<B> arn=None tags=0",
    );
    let r = emu.block_on(ec2.delete_security_group().group_id(&c).send());
    p.outcome("delete_sg.attached_to_network_interface", &r, "ok");
    p.check(
        "delete_sg.attached_to_network_interface.still_exists",
        emu.group_exists(region, &c).to_string(),
        "false",
    );
    emu.block_on(ec2.delete_network_interface().network_interface_id(&eni).send())
        .expect("DeleteNetworkInterface");
    let r = emu.block_on(ec2.delete_security_group().group_id(&c).send());
    p.outcome("delete_sg.after_network_interface_deleted", &r, "InvalidGroup.NotFound");
    let r = emu.block_on(ec2.delete_security_group().group_id(&b).send());
    p.outcome("delete_sg.group_whose_rules_reference_another", &r, "ok");
    let r = emu.block_on(ec2.delete_security_group().group_id(&a).send());
    p.outcome(
        "delete_sg.after_referencing_groups_deleted",
        &r,
        "InvalidGroup.NotFound",
    );
    p.check("delete_sg.gone", emu.group_exists(region, &a).to_string(), "false");
    p.finish();
}

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn probe_load_balancer_timeouts() {
    require_acceptance!();
    let mut p = Probes::new();
    let emu = emulator();
    let region = emu.unique_region_with_zones();
    p.mask(region, "<region>");
    let ec2 = emu.ec2(region);
    let elb = emu.elbv2(region);
    let vpc = emu.create_vpc(region, "10.30.0.0/16");
    p.mask(&vpc, "<vpc>");
    let azs = emu
        .block_on(ec2.describe_availability_zones().send())
        .expect("DescribeAvailabilityZones");
    let mut subnets = Vec::new();
    for (i, az) in azs.availability_zones().iter().take(2).enumerate() {
        let s = emu
            .block_on(
                ec2.create_subnet()
                    .vpc_id(&vpc)
                    .cidr_block(format!("10.30.{i}.0/24"))
                    .availability_zone(az.zone_name().unwrap())
                    .send(),
            )
            .expect("CreateSubnet");
        subnets.push(s.subnet().and_then(|s| s.subnet_id()).unwrap().to_string());
    }
    let sg = create_group(emu, region, "lb", &vpc);
    p.mask(&sg, "<sg>");

    let nlb = emu
        .block_on(
            elb.create_load_balancer()
                .name("probe-nlb")
                .r#type(LoadBalancerTypeEnum::Network)
                .set_subnets(Some(subnets.clone()))
                .send(),
        )
        .expect("CreateLoadBalancer network");
    let nlb_arn = nlb.load_balancers()[0].load_balancer_arn().unwrap().to_string();
    p.check(
        "nlb.arn_format",
        nlb_arn.rsplit_once('/').unwrap().0,
        "arn:aws:elasticloadbalancing:<region>:123456789012:loadbalancer/app/probe-nlb",
    );
    let target_group = |name: &str, proto: ProtocolEnum, port: i32| -> String {
        emu.block_on(
            elb.create_target_group()
                .name(name)
                .protocol(proto)
                .port(port)
                .vpc_id(&vpc)
                .target_type(TargetTypeEnum::Ip)
                .send(),
        )
        .unwrap_or_else(|e| panic!("CreateTargetGroup {name}: {e:?}"))
        .target_groups()[0]
            .target_group_arn()
            .unwrap()
            .to_string()
    };
    let tg_tcp = target_group("probe-tcp", ProtocolEnum::Tcp, 1883);
    let tg_udp = target_group("probe-udp", ProtocolEnum::Udp, 53);
    let forward = |tg: &str| {
        Action::builder()
            .r#type(ActionTypeEnum::Forward)
            .target_group_arn(tg)
            .build()
    };

    let tcp_listener = emu.block_on(
        elb.create_listener()
            .load_balancer_arn(&nlb_arn)
            .protocol(ProtocolEnum::Tcp)
            .port(1883)
            .default_actions(forward(&tg_tcp))
            .send(),
    );
    p.outcome("nlb.create_listener.tcp", &tcp_listener, "ok");
    let tcp_arn = tcp_listener.unwrap().listeners()[0].listener_arn().unwrap().to_string();
    p.check(
        "nlb.listener_arn_format",
        tcp_arn.split('/').take(2).collect::<Vec<_>>().join("/"),
        "arn:aws:elasticloadbalancing:<region>:123456789012:listener/app",
    );
    let cert = emu.acm_certificate(region, "mqtt.example.com");
    let tls_listener = emu.block_on(
        elb.create_listener()
            .load_balancer_arn(&nlb_arn)
            .protocol(ProtocolEnum::Tls)
            .port(8883)
            .certificates(
                Certificate::builder()
                    .certificate_arn(format!(
                        "arn:aws:acm:{region}:{ACCOUNT_ID}:certificate/12345678-1234-1234-1234-123456789012"
                    ))
                    .build(),
            )
            .default_actions(forward(&tg_tcp))
            .send(),
    );
    p.outcome(
        "nlb.create_listener.tls_with_unknown_acm_cert",
        &tls_listener,
        "CertificateNotFound",
    );
    let tls_listener = emu.block_on(
        elb.create_listener()
            .load_balancer_arn(&nlb_arn)
            .protocol(ProtocolEnum::Tls)
            .port(8883)
            .certificates(Certificate::builder().certificate_arn(&cert).build())
            .default_actions(forward(&tg_tcp))
            .send(),
    );
    p.outcome("nlb.create_listener.tls_with_acm_certificate", &tls_listener, "ok");
    let tls_arn = tls_listener
        .ok()
        .and_then(|o| o.listeners()[0].listener_arn().map(String::from));
    let udp_listener = emu.block_on(
        elb.create_listener()
            .load_balancer_arn(&nlb_arn)
            .protocol(ProtocolEnum::Udp)
            .port(53)
            .default_actions(forward(&tg_udp))
            .send(),
    );
    p.outcome("nlb.create_listener.udp", &udp_listener, "ok");
    let udp_arn = udp_listener
        .ok()
        .and_then(|o| o.listeners()[0].listener_arn().map(String::from));

    let attrs = |arn: &str| -> String {
        match emu.block_on(elb.describe_listener_attributes().listener_arn(arn).send()) {
            Ok(o) => {
                let mut a: Vec<String> = o
                    .attributes()
                    .iter()
                    .map(|a| format!("{}={}", opt(a.key()), opt(a.value())))
                    .collect();
                a.sort();
                format!("ok [{}]", a.join(","))
            }
            Err(e) => opt(e.code()),
        }
    };
    let set_idle = |arn: &str, secs: &str| {
        emu.block_on(
            elb.modify_listener_attributes()
                .listener_arn(arn)
                .attributes(
                    ListenerAttribute::builder()
                        .key("tcp.idle_timeout.seconds")
                        .value(secs)
                        .build(),
                )
                .send(),
        )
    };
    p.check(
        "nlb.tcp.describe_listener_attributes.default",
        attrs(&tcp_arn),
        "ok [tcp.idle_timeout.seconds=350]",
    );
    let r = set_idle(&tcp_arn, "6000");
    p.outcome("nlb.tcp.modify_listener_attributes.6000", &r, "ok");
    if let Ok(o) = &r {
        let a: Vec<String> = o
            .attributes()
            .iter()
            .map(|a| format!("{}={}", opt(a.key()), opt(a.value())))
            .collect();
        p.check(
            "nlb.tcp.modify_listener_attributes.response",
            format!("{a:?}"),
            r#"["tcp.idle_timeout.seconds=6000"]"#,
        );
    }
    p.check(
        "nlb.tcp.describe_listener_attributes.after_6000",
        attrs(&tcp_arn),
        "ok [tcp.idle_timeout.seconds=6000]",
    );
    let r = set_idle(&tcp_arn, "14400");
    p.outcome(
        "nlb.tcp.modify_listener_attributes.14400 (on AWS ValidationError, max 6000)",
        &r,
        "ok",
    );
    p.check(
        "nlb.tcp.describe_listener_attributes.after_14400",
        attrs(&tcp_arn),
        "ok [tcp.idle_timeout.seconds=14400]",
    );
    let r = set_idle(&tcp_arn, "59");
    p.outcome("nlb.tcp.modify_listener_attributes.59 (on AWS min 60)", &r, "ok");
    let r = emu.block_on(
        elb.modify_listener_attributes()
            .listener_arn(&tcp_arn)
            .attributes(ListenerAttribute::builder().key("no.such.attribute").value("1").build())
            .send(),
    );
    p.outcome("nlb.tcp.modify_listener_attributes.unknown_key", &r, "ok");
    if let Some(arn) = &tls_arn {
        p.check(
            "nlb.tls.describe_listener_attributes",
            attrs(arn),
            "ok [tcp.idle_timeout.seconds=350]",
        );
        let r = set_idle(arn, "6000");
        p.outcome(
            "nlb.tls.modify_listener_attributes.6000 (on AWS not settable on TLS)",
            &r,
            "ok",
        );
    }
    if let Some(arn) = &udp_arn {
        p.check(
            "nlb.udp.describe_listener_attributes",
            attrs(arn),
            "ok [tcp.idle_timeout.seconds=350]",
        );
        let r = set_idle(arn, "6000");
        p.outcome(
            "nlb.udp.modify_listener_attributes.6000 (on AWS not settable on UDP)",
            &r,
            "ok",
        );
    }
    let missing_listener = format!(
        "arn:aws:elasticloadbalancing:{region}:{ACCOUNT_ID}:listener/net/nope/0123456789abcdef/0123456789abcdef"
    );
    p.check(
        "describe_listener_attributes.missing_listener",
        attrs(&missing_listener),
        "ListenerNotFound",
    );
    let r = emu.block_on(elb.describe_listeners().listener_arns(&missing_listener).send());
    p.outcome("describe_listeners.missing_listener", &r, "ListenerNotFound");
    let r = emu.block_on(elb.describe_listeners().listener_arns(&tcp_arn).send());
    p.check(
        "describe_listeners.by_arn",
        match &r {
            Ok(o) => {
                let l = &o.listeners()[0];
                format!(
                    "protocol={} port={}",
                    opt(l.protocol().map(|p| p.as_str())),
                    opt(l.port())
                )
            }
            Err(e) => opt(e.code()),
        },
        "protocol=TCP port=1883",
    );

    // ALB.
    let alb = emu.block_on(
        elb.create_load_balancer()
            .name("probe-alb")
            .r#type(LoadBalancerTypeEnum::Application)
            .set_subnets(Some(subnets.clone()))
            .security_groups(&sg)
            .send(),
    );
    p.outcome("alb.create_load_balancer", &alb, "ok");
    let alb_arn = alb.unwrap().load_balancers()[0]
        .load_balancer_arn()
        .unwrap()
        .to_string();
    let r = emu.block_on(
        elb.describe_load_balancers()
            .load_balancer_arns(&nlb_arn)
            .load_balancer_arns(&alb_arn)
            .send(),
    );
    p.check(
        "describe_load_balancers.type",
        match &r {
            Ok(o) => {
                let mut t: Vec<String> = o
                    .load_balancers()
                    .iter()
                    .map(|lb| {
                        format!(
                            "{}={}",
                            opt(lb.load_balancer_name()),
                            opt(lb.r#type().map(|t| t.as_str()))
                        )
                    })
                    .collect();
                t.sort();
                t.join(",")
            }
            Err(e) => opt(e.code()),
        },
        "probe-alb=application,probe-nlb=network",
    );
    p.check(
        "alb.arn_format",
        alb_arn.rsplit_once('/').unwrap().0,
        "arn:aws:elasticloadbalancing:<region>:123456789012:loadbalancer/app/probe-alb",
    );
    let lb_idle = || -> String {
        match emu.block_on(
            elb.describe_load_balancer_attributes()
                .load_balancer_arn(&alb_arn)
                .send(),
        ) {
            Ok(o) => opt(o
                .attributes()
                .iter()
                .find(|a| a.key() == Some("idle_timeout.timeout_seconds"))
                .and_then(|a| a.value())),
            Err(e) => opt(e.code()),
        }
    };
    p.check("alb.idle_timeout.default", lb_idle(), "None");
    let set_lb_idle = |secs: &str| {
        emu.block_on(
            elb.modify_load_balancer_attributes()
                .load_balancer_arn(&alb_arn)
                .attributes(
                    LoadBalancerAttribute::builder()
                        .key("idle_timeout.timeout_seconds")
                        .value(secs)
                        .build(),
                )
                .send(),
        )
    };
    let r = set_lb_idle("4000");
    p.outcome("alb.modify_load_balancer_attributes.4000", &r, "ok");
    p.check("alb.idle_timeout.after_4000", lb_idle(), "4000");
    let r = set_lb_idle("14400");
    p.outcome("alb.modify_load_balancer_attributes.14400 (on AWS max 4000)", &r, "ok");
    p.check("alb.idle_timeout.after_14400", lb_idle(), "14400");
    let tg_http = emu
        .block_on(
            elb.create_target_group()
                .name("probe-http")
                .protocol(ProtocolEnum::Http)
                .port(80)
                .vpc_id(&vpc)
                .target_type(TargetTypeEnum::Ip)
                .send(),
        )
        .expect("CreateTargetGroup http")
        .target_groups()[0]
        .target_group_arn()
        .unwrap()
        .to_string();
    let alb_listener = emu
        .block_on(
            elb.create_listener()
                .load_balancer_arn(&alb_arn)
                .protocol(ProtocolEnum::Http)
                .port(80)
                .default_actions(forward(&tg_http))
                .send(),
        )
        .expect("CreateListener http");
    let alb_listener_arn = alb_listener.listeners()[0].listener_arn().unwrap().to_string();
    p.check(
        "alb.listener_arn_format",
        alb_listener_arn.split('/').take(2).collect::<Vec<_>>().join("/"),
        "arn:aws:elasticloadbalancing:<region>:123456789012:listener/app",
    );
    p.check(
        "alb.listener.describe_listener_attributes",
        attrs(&alb_listener_arn),
        "ok [tcp.idle_timeout.seconds=350]",
    );
    let r = set_idle(&alb_listener_arn, "6000");
    p.outcome(
        "alb.listener.modify_listener_attributes.tcp_idle (on AWS ValidationError)",
        &r,
        "ok",
    );
    // Setting an NLB attribute on an ALB.
    let r = emu.block_on(
        elb.modify_load_balancer_attributes()
            .load_balancer_arn(&nlb_arn)
            .attributes(
                LoadBalancerAttribute::builder()
                    .key("idle_timeout.timeout_seconds")
                    .value("100")
                    .build(),
            )
            .send(),
    );
    p.outcome(
        "nlb.modify_load_balancer_attributes.idle_timeout (on AWS ValidationError)",
        &r,
        "ok",
    );

    // ENI connection tracking.
    let eni = emu
        .block_on(ec2.create_network_interface().subnet_id(&subnets[0]).groups(&sg).send())
        .expect("CreateNetworkInterface")
        .network_interface()
        .and_then(|n| n.network_interface_id())
        .unwrap()
        .to_string();
    let r = emu.block_on(
        ec2.modify_network_interface_attribute()
            .network_interface_id(&eni)
            .connection_tracking_specification(
                ConnectionTrackingSpecificationRequest::builder()
                    .tcp_established_timeout(6000)
                    .build(),
            )
            .send(),
    );
    p.outcome("eni.modify_connection_tracking", &r, "ok");
    let d = emu
        .block_on(ec2.describe_network_interfaces().network_interface_ids(&eni).send())
        .expect("DescribeNetworkInterfaces");
    p.check(
        "eni.describe.connection_tracking_configuration",
        format!(
            "{:?}",
            d.network_interfaces()[0].connection_tracking_configuration().map(|c| (
                c.tcp_established_timeout(),
                c.udp_timeout(),
                c.udp_stream_timeout()
            ))
        ),
        "None",
    );
    p.finish();
}
