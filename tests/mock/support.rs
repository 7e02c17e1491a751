//! A wiremock stand-in for the EC2 and ELBv2 query protocols, shared by the
//! mock-server tests (`tests/mock/`).
//!
//! EC2 takes `POST /` with a form-encoded body (`Action=...&Version=2016-11-15&...`)
//! and answers XML: `<{Action}Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">`
//! on success, `<Response><Errors><Error><Code>..` with HTTP 400 (503 for
//! `RequestLimitExceeded`) on failure. Requests are matched on the form's
//! `Action` (and other parameters when needed); the XML element names follow
//! aws-sdk-ec2 1.274's deserializers (`src/protocol_serde/shape_*.rs`).

#![allow(dead_code)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use aws_sdk_ec2::config::retry::{RetryConfig, RetryPartition};
use aws_sdk_ec2::config::{BehaviorVersion, Credentials, Region};
use terraform_provider_cumulocity::aws::{self, Clients};
use terraform_provider_cumulocity::rules::{AppliedRule, Direction, Peer, Protocol, Rule};
use wiremock::{Match, Mock, MockServer, Request, ResponseTemplate};

pub const NS: &str = "http://ec2.amazonaws.com/doc/2016-11-15/";
pub const REGION: &str = "eu-west-1";
pub const ACCOUNT: &str = "123456789012";

/// The form parameters of a query-protocol request, in the order sent.
pub fn form(request: &Request) -> Vec<(String, String)> {
    url::form_urlencoded::parse(&request.body).into_owned().collect()
}

/// One parameter of a request's form.
pub fn param(form: &[(String, String)], key: &str) -> Option<String> {
    form.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone())
}

/// The values of every parameter whose name matches `prefix.N.suffix`
/// (`IpPermissions.{}.FromPort`, say), in N order.
pub fn indexed(form: &[(String, String)], pattern: &str) -> Vec<String> {
    let (head, tail) = pattern.split_once("{}").expect("pattern holds {}");
    let mut found: Vec<(u32, String)> = form
        .iter()
        .filter_map(|(k, v)| {
            let n = k.strip_prefix(head)?.strip_suffix(tail)?;
            Some((n.parse().ok()?, v.clone()))
        })
        .collect();
    found.sort();
    found.into_iter().map(|(_, v)| v).collect()
}

/// Matches a request whose form has `Action=<name>`.
pub struct Action(pub &'static str);

impl Match for Action {
    fn matches(&self, request: &Request) -> bool {
        param(&form(request), "Action").as_deref() == Some(self.0)
    }
}

/// Matches a request whose form has `<key>=<value>`.
pub struct Param(pub &'static str, pub String);

impl Match for Param {
    fn matches(&self, request: &Request) -> bool {
        param(&form(request), self.0).as_deref() == Some(self.1.as_str())
    }
}

/// A successful answer of `action`, its body `inner` (without the wrapper).
pub fn ok(action: &str, inner: &str) -> ResponseTemplate {
    let body = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<{action}Response xmlns="{NS}">
    <requestId>{}</requestId>
    {inner}
</{action}Response>"#,
        request_id()
    );
    ResponseTemplate::new(200).set_body_raw(body, "text/xml;charset=UTF-8")
}

/// An EC2 error answer.
pub fn aws_error(status: u16, code: &str, message: &str) -> ResponseTemplate {
    let body = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<Response><Errors><Error><Code>{code}</Code><Message>{}</Message></Error></Errors><RequestID>{}</RequestID></Response>"#,
        xml_escape(message),
        request_id()
    );
    ResponseTemplate::new(status).set_body_raw(body, "text/xml;charset=UTF-8")
}

/// What EC2 answers when the account's request bucket is empty.
pub fn throttled() -> ResponseTemplate {
    aws_error(503, "RequestLimitExceeded", "Request limit exceeded.")
}

pub fn group_not_found(id: &str) -> ResponseTemplate {
    aws_error(
        400,
        "InvalidGroup.NotFound",
        &format!("The security group '{id}' does not exist"),
    )
}

fn request_id() -> String {
    static N: AtomicUsize = AtomicUsize::new(0);
    format!("59dbff89-35bd-4eac-99ed-{:012x}", N.fetch_add(1, Ordering::Relaxed))
}

pub fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

pub fn group_arn(id: &str) -> String {
    format!("arn:aws:ec2:{REGION}:{ACCOUNT}:security-group/{id}")
}

/// `<groupId>` and `<securityGroupArn>`, as CreateSecurityGroup answers.
pub fn created(id: &str) -> ResponseTemplate {
    ok(
        "CreateSecurityGroup",
        &format!(
            "<return>true</return><groupId>{id}</groupId><securityGroupArn>{}</securityGroupArn>",
            group_arn(id)
        ),
    )
}

/// `<return>true</return>`, for calls that answer nothing else.
pub fn done(action: &str) -> ResponseTemplate {
    ok(action, "<return>true</return>")
}

/// One `<item>` of a `securityGroupRuleSet`.
pub fn rule_item(group_id: &str, rule_id: &str, rule: &Rule) -> String {
    let key = &rule.key;
    let protocol = match key.protocol {
        Protocol::All => "-1".to_string(),
        Protocol::Number(n) => n.to_string(),
        named => named.to_string(),
    };
    let (from, to) = if key.protocol == Protocol::All {
        (-1, -1)
    } else {
        (key.from_port, key.to_port)
    };
    let peer = match &key.peer {
        Peer::Ipv4(net) => format!("<cidrIpv4>{net}</cidrIpv4>"),
        Peer::Ipv6(net) => format!("<cidrIpv6>{net}</cidrIpv6>"),
        Peer::PrefixList(id) => format!("<prefixListId>{id}</prefixListId>"),
        Peer::SecurityGroup(id) => {
            format!("<referencedGroupInfo><groupId>{id}</groupId><userId>{ACCOUNT}</userId></referencedGroupInfo>")
        }
        Peer::SelfGroup => {
            format!(
                "<referencedGroupInfo><groupId>{group_id}</groupId><userId>{ACCOUNT}</userId></referencedGroupInfo>"
            )
        }
    };
    let description = rule
        .description
        .as_deref()
        .map(|d| format!("<description>{}</description>", xml_escape(d)))
        .unwrap_or_default();
    format!(
        "<item>
            <securityGroupRuleId>{rule_id}</securityGroupRuleId>
            <groupId>{group_id}</groupId>
            <groupOwnerId>{ACCOUNT}</groupOwnerId>
            <isEgress>{}</isEgress>
            <ipProtocol>{protocol}</ipProtocol>
            <fromPort>{from}</fromPort>
            <toPort>{to}</toPort>
            {peer}
            {description}
            <tagSet/>
            <securityGroupRuleArn>arn:aws:ec2:{REGION}:{ACCOUNT}:security-group-rule/{rule_id}</securityGroupRuleArn>
        </item>",
        key.direction == Direction::Egress
    )
}

/// DescribeSecurityGroupRules' answer: `rules` as (id, rule) of `group_id`.
pub fn described_rules(group_id: &str, rules: &[(String, Rule)]) -> ResponseTemplate {
    let items: String = rules.iter().map(|(id, rule)| rule_item(group_id, id, rule)).collect();
    ok(
        "DescribeSecurityGroupRules",
        &format!("<securityGroupRuleSet>{items}</securityGroupRuleSet>"),
    )
}

/// An Authorize answer that lists `rules` as created, under ids of its own.
pub fn authorized(action: &str, group_id: &str, rules: &[(String, Rule)]) -> ResponseTemplate {
    let items: String = rules.iter().map(|(id, rule)| rule_item(group_id, id, rule)).collect();
    ok(
        action,
        &format!("<return>true</return><securityGroupRuleSet>{items}</securityGroupRuleSet>"),
    )
}

/// One `<item>` of a `securityGroupInfo`.
pub fn group_item(id: &str, name: &str, description: &str, vpc_id: &str, tags: &[(&str, &str)]) -> String {
    let tags: String = tags
        .iter()
        .map(|(k, v)| format!("<item><key>{k}</key><value>{v}</value></item>"))
        .collect();
    format!(
        "<item>
            <ownerId>{ACCOUNT}</ownerId>
            <groupId>{id}</groupId>
            <groupName>{name}</groupName>
            <groupDescription>{}</groupDescription>
            <ipPermissions/>
            <ipPermissionsEgress/>
            <vpcId>{vpc_id}</vpcId>
            <securityGroupArn>{}</securityGroupArn>
            <tagSet>{tags}</tagSet>
        </item>",
        xml_escape(description),
        group_arn(id)
    )
}

/// DescribeSecurityGroups' answer holding `items` (from `group_item`).
pub fn described_groups(items: &[String]) -> ResponseTemplate {
    ok(
        "DescribeSecurityGroups",
        &format!("<securityGroupInfo>{}</securityGroupInfo>", items.concat()),
    )
}

/// DescribeNetworkInterfaces' answer: one interface attached to `instance`.
pub fn described_interface(eni: &str, group_id: &str, instance: &str) -> ResponseTemplate {
    ok(
        "DescribeNetworkInterfaces",
        &format!(
            "<networkInterfaceSet><item>
                <networkInterfaceId>{eni}</networkInterfaceId>
                <subnetId>subnet-0a1b2c3d4e5f60718</subnetId>
                <vpcId>vpc-0f1e2d3c4b5a69788</vpcId>
                <availabilityZone>{REGION}a</availabilityZone>
                <description>Primary network interface</description>
                <ownerId>{ACCOUNT}</ownerId>
                <requesterManaged>false</requesterManaged>
                <status>in-use</status>
                <macAddress>02:42:ac:11:00:02</macAddress>
                <privateIpAddress>10.0.1.17</privateIpAddress>
                <sourceDestCheck>true</sourceDestCheck>
                <interfaceType>interface</interfaceType>
                <groupSet><item><groupId>{group_id}</groupId><groupName>c8y-edge</groupName></item></groupSet>
                <attachment>
                    <attachmentId>eni-attach-0123456789abcdef0</attachmentId>
                    <instanceId>{instance}</instanceId>
                    <instanceOwnerId>{ACCOUNT}</instanceOwnerId>
                    <deviceIndex>0</deviceIndex>
                    <status>attached</status>
                    <deleteOnTermination>true</deleteOnTermination>
                </attachment>
                <tagSet/>
            </item></networkInterfaceSet>"
        ),
    )
}

/// A mock EC2 endpoint and what it was asked.
pub struct Ec2Mock {
    pub server: MockServer,
}

impl Ec2Mock {
    pub async fn start() -> Ec2Mock {
        Ec2Mock {
            server: MockServer::start().await,
        }
    }

    /// Clients pointed at the mock, with static credentials and `attempts`
    /// attempts per call (1 ms initial backoff). Each client gets a retry
    /// partition of its own, so that tests running in parallel do not share
    /// the SDK's process-wide retry token bucket.
    pub fn clients(&self, attempts: u32) -> Clients {
        let credentials = Credentials::new("AKIAMOCKMOCKMOCKMOCK", "mock-secret", None, None, "aws-mock-test");
        self.clients_with(attempts, |b| b.credentials_provider(credentials))
    }

    /// Like `clients`, letting `configure` set the EC2 client's credentials.
    pub fn clients_with(
        &self,
        attempts: u32,
        configure: impl FnOnce(aws_sdk_ec2::config::Builder) -> aws_sdk_ec2::config::Builder,
    ) -> Clients {
        static PARTITION: AtomicUsize = AtomicUsize::new(0);
        let partition = format!("aws-mock-{}", PARTITION.fetch_add(1, Ordering::Relaxed));
        let retry = RetryConfig::standard()
            .with_max_attempts(attempts)
            .with_initial_backoff(Duration::from_millis(1));
        let ec2 = aws_sdk_ec2::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .http_client(aws::https_client())
            .region(Region::new(REGION))
            .endpoint_url(self.server.uri())
            .retry_config(retry.clone())
            .retry_partition(RetryPartition::new(partition.clone()));
        let elbv2 = aws_sdk_elasticloadbalancingv2::Config::builder()
            .behavior_version(aws_sdk_elasticloadbalancingv2::config::BehaviorVersion::latest())
            .http_client(aws::https_client())
            .region(aws_sdk_elasticloadbalancingv2::config::Region::new(REGION))
            .credentials_provider(aws_sdk_elasticloadbalancingv2::config::Credentials::new(
                "AKIAMOCKMOCKMOCKMOCK",
                "mock-secret",
                None,
                None,
                "aws-mock-test",
            ))
            .endpoint_url(self.server.uri())
            .retry_config(retry)
            .retry_partition(aws_sdk_elasticloadbalancingv2::config::retry::RetryPartition::new(
                partition,
            ));
        Clients {
            ec2: aws_sdk_ec2::Client::from_conf(configure(ec2).build()),
            elbv2: aws_sdk_elasticloadbalancingv2::Client::from_conf(elbv2.build()),
            region: REGION.to_string(),
        }
    }

    /// Answers every `action` request with `response`.
    pub async fn on(&self, action: &'static str, response: ResponseTemplate) {
        Mock::given(Action(action))
            .respond_with(response)
            .mount(&self.server)
            .await;
    }

    /// Answers the first `times` `action` requests with `response`, before
    /// any answer mounted with `on`.
    pub async fn first(&self, action: &'static str, times: u64, response: ResponseTemplate) {
        Mock::given(Action(action))
            .respond_with(response)
            .up_to_n_times(times)
            .with_priority(1)
            .mount(&self.server)
            .await;
    }

    /// Answers `action` requests whose form has `key=value` with `response`,
    /// before any answer mounted with `on`.
    pub async fn on_param(&self, action: &'static str, key: &'static str, value: &str, response: ResponseTemplate) {
        Mock::given(Action(action))
            .and(Param(key, value.to_string()))
            .respond_with(response)
            .with_priority(2)
            .mount(&self.server)
            .await;
    }

    /// Every request received, as forms, in order.
    pub async fn requests(&self) -> Vec<Vec<(String, String)>> {
        self.server
            .received_requests()
            .await
            .expect("request recording is on")
            .iter()
            .map(form)
            .collect()
    }

    /// The `Action` of every request received, in order.
    pub async fn actions(&self) -> Vec<String> {
        self.requests()
            .await
            .iter()
            .map(|f| param(f, "Action").unwrap_or_else(|| "<no Action>".to_string()))
            .collect()
    }

    /// The forms of the requests for `action`, in order.
    pub async fn requests_for(&self, action: &str) -> Vec<Vec<(String, String)>> {
        self.requests()
            .await
            .into_iter()
            .filter(|f| param(f, "Action").as_deref() == Some(action))
            .collect()
    }
}

// --- Elastic Load Balancing v2 -------------------------------------------
//
// ELBv2 speaks the query protocol too (`Action=...&Version=2015-12-01&...`,
// lists as `Name.member.N`), but answers
// `<{Action}Response xmlns="{ELB_NS}"><{Action}Result>...</{Action}Result>`
// and fails with `<ErrorResponse><Error><Type>Sender</Type><Code>..`.
// Element names follow aws-sdk-elasticloadbalancingv2 1.134's deserializers.

pub const ELB_NS: &str = "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/";

/// A successful ELBv2 answer of `action`, `inner` inside its `Result`.
pub fn elb_ok(action: &str, inner: &str) -> ResponseTemplate {
    let body = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<{action}Response xmlns="{ELB_NS}">
    <{action}Result>{inner}</{action}Result>
    <ResponseMetadata><RequestId>{}</RequestId></ResponseMetadata>
</{action}Response>"#,
        request_id()
    );
    ResponseTemplate::new(200).set_body_raw(body, "text/xml")
}

/// An ELBv2 error answer (`ListenerNotFound`, `ValidationError`, ...).
pub fn elb_error(status: u16, code: &str, message: &str) -> ResponseTemplate {
    let body = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<ErrorResponse xmlns="{ELB_NS}"><Error><Type>Sender</Type><Code>{code}</Code><Message>{}</Message></Error><RequestId>{}</RequestId></ErrorResponse>"#,
        xml_escape(message),
        request_id()
    );
    ResponseTemplate::new(status).set_body_raw(body, "text/xml")
}

/// `<Attributes>` of key/value `<member>`s, as the attribute calls answer.
pub fn elb_attributes(attributes: &[(&str, &str)]) -> String {
    let members: String = attributes
        .iter()
        .map(|(k, v)| format!("<member><Key>{k}</Key><Value>{v}</Value></member>"))
        .collect();
    format!("<Attributes>{members}</Attributes>")
}

/// The `Attributes.member.N.Key`/`.Value` pairs of a Modify...Attributes form.
pub fn elb_form_attributes(form: &[(String, String)]) -> Vec<(String, String)> {
    let keys = indexed(form, "Attributes.member.{}.Key");
    let values = indexed(form, "Attributes.member.{}.Value");
    keys.into_iter().zip(values).collect()
}

/// Answers a ModifyListenerAttributes or ModifyLoadBalancerAttributes call
/// with the attributes it was sent, as AWS does.
pub struct EchoAttributes(pub &'static str);

impl wiremock::Respond for EchoAttributes {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let sent = elb_form_attributes(&form(request));
        let pairs: Vec<(&str, &str)> = sent.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        elb_ok(self.0, &elb_attributes(&pairs))
    }
}

/// One `<member>` of DescribeListeners' `<Listeners>`.
pub fn listener_member(arn: &str, load_balancer_arn: &str, protocol: &str, port: u16) -> String {
    format!(
        "<member>
            <ListenerArn>{arn}</ListenerArn>
            <LoadBalancerArn>{load_balancer_arn}</LoadBalancerArn>
            <Port>{port}</Port>
            <Protocol>{protocol}</Protocol>
            <DefaultActions><member>
                <Type>forward</Type>
                <TargetGroupArn>arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:targetgroup/c8y/0123456789abcdef</TargetGroupArn>
            </member></DefaultActions>
        </member>"
    )
}

/// One `<member>` of DescribeLoadBalancers' `<LoadBalancers>`; `kind` is
/// AWS's `Type` (`network`, `application`, `gateway`).
pub fn load_balancer_member(arn: &str, kind: &str) -> String {
    let name = arn.rsplit('/').nth(1).unwrap_or("lb");
    format!(
        "<member>
            <LoadBalancerArn>{arn}</LoadBalancerArn>
            <DNSName>{name}.elb.{REGION}.amazonaws.com</DNSName>
            <LoadBalancerName>{name}</LoadBalancerName>
            <Scheme>internet-facing</Scheme>
            <VpcId>vpc-0f1e2d3c4b5a69788</VpcId>
            <State><Code>active</Code></State>
            <Type>{kind}</Type>
            <IpAddressType>ipv4</IpAddressType>
        </member>"
    )
}

/// One `<item>` of DescribeNetworkInterfaces' `networkInterfaceSet`, with a
/// `connectionTrackingConfiguration` when `tcp_established` is given.
pub fn interface_item(eni: &str, tcp_established: Option<u32>) -> String {
    let tracking = tcp_established
        .map(|s| {
            format!(
                "<connectionTrackingConfiguration>
                    <tcpEstablishedTimeout>{s}</tcpEstablishedTimeout>
                    <udpStreamTimeout>180</udpStreamTimeout>
                    <udpTimeout>30</udpTimeout>
                </connectionTrackingConfiguration>"
            )
        })
        .unwrap_or_default();
    format!(
        "<item>
            <networkInterfaceId>{eni}</networkInterfaceId>
            <subnetId>subnet-0a1b2c3d4e5f60718</subnetId>
            <vpcId>vpc-0f1e2d3c4b5a69788</vpcId>
            <availabilityZone>{REGION}a</availabilityZone>
            <ownerId>{ACCOUNT}</ownerId>
            <requesterManaged>false</requesterManaged>
            <status>in-use</status>
            <privateIpAddress>10.0.1.17</privateIpAddress>
            <sourceDestCheck>true</sourceDestCheck>
            <interfaceType>interface</interfaceType>
            {tracking}
            <tagSet/>
        </item>"
    )
}

/// DescribeNetworkInterfaces' answer holding `items` (from `interface_item`).
pub fn described_interfaces(items: &[String]) -> ResponseTemplate {
    ok(
        "DescribeNetworkInterfaces",
        &format!("<networkInterfaceSet>{}</networkInterfaceSet>", items.concat()),
    )
}

/// The rules as `read`/`create` return them: rule sets are the provider's
/// business, the aws layer leaves them empty.
pub fn applied(rules: &[(String, Rule)]) -> Vec<AppliedRule> {
    let mut applied: Vec<AppliedRule> = rules
        .iter()
        .map(|(id, rule)| AppliedRule {
            id: id.clone(),
            rule: Rule {
                rule_sets: Default::default(),
                ..rule.clone()
            },
        })
        .collect();
    applied.sort_by(|a, b| a.rule.key.cmp(&b.rule.key));
    applied
}
