//! Mock-server tests of the session timeouts: the exact ELBv2 and EC2 calls
//! `SessionTimeouts` and `provider::session_timeouts` make on create,
//! update, refresh and destroy, with the parameters that matter.
//!
//! The AWS emulator silently ignores ENI connection tracking and does not
//! validate listener attributes, so these use wiremock (see
//! `support.rs`): one server answers both EC2 and ELBv2 (both speak
//! the query protocol, told apart by `Action`). No network, no credentials.
//!
//! Run: `cargo test --test mock session_timeouts::`

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use terraform_provider_cumulocity::aws::ListenerKinds;
use terraform_provider_cumulocity::aws::{Clients, ErrorKind, SessionTimeouts};
use terraform_provider_cumulocity::provider::firewall::schema::{FirewallState, ListenerTimeoutObject};
use terraform_provider_cumulocity::provider::firewall::session_timeouts;
use terraform_provider_cumulocity::rules::session::{Listener, ListenerKind};
use tf_provider::value::{Value, ValueList};
use tokio::time::Instant;
use wiremock::{Mock, Request, Respond, ResponseTemplate};

use crate::support::*;

const NLB: &str = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/net/c8y-nlb/50dc6c495c0c9188";
const ALB: &str = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/c8y-alb/7e3a2b1c0d9f8e76";
const TCP_1883: &str =
    "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/net/c8y-nlb/50dc6c495c0c9188/f2f7dc8efc522ab2";
const TCP_443: &str =
    "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/net/c8y-nlb/50dc6c495c0c9188/0c1d2e3f4a5b6c7d";
const TLS_8883: &str =
    "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/net/c8y-nlb/50dc6c495c0c9188/8883a1b2c3d4e5f6";
const ALB_443: &str =
    "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/c8y-alb/7e3a2b1c0d9f8e76/a1b2c3d4e5f60718";
const ALB_8443: &str =
    "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/c8y-alb/7e3a2b1c0d9f8e76/b2c3d4e5f6071829";
const ENI_A: &str = "eni-0a1b2c3d4e5f60718";
const ENI_B: &str = "eni-0f9e8d7c6b5a49382";

/// Every listener of the fixture, in the order the configuration lists them.
const ALL: [&str; 5] = [TCP_1883, TCP_443, TLS_8883, ALB_443, ALB_8443];

const NLB_ATTRIBUTE: &str = "tcp.idle_timeout.seconds";
const ALB_ATTRIBUTE: &str = "idle_timeout.timeout_seconds";

fn deadline() -> Instant {
    Instant::now() + Duration::from_secs(30)
}

// --- What the mock's ELBv2 knows -------------------------------------------

/// Listeners as (ARN, load balancer ARN, protocol, port) and load balancers
/// as (ARN, type).
#[derive(Clone)]
struct Catalog {
    listeners: Vec<(String, String, &'static str, u16)>,
    balancers: Vec<(String, &'static str)>,
}

/// An NLB with TCP 1883, TCP 443 and TLS 8883 listeners; an ALB with HTTPS
/// 443 and 8443 listeners.
fn catalog() -> Catalog {
    Catalog {
        listeners: vec![
            (TCP_1883.into(), NLB.into(), "TCP", 1883),
            (TCP_443.into(), NLB.into(), "TCP", 443),
            (TLS_8883.into(), NLB.into(), "TLS", 8883),
            (ALB_443.into(), ALB.into(), "HTTPS", 443),
            (ALB_8443.into(), ALB.into(), "HTTPS", 8443),
        ],
        balancers: vec![(NLB.into(), "network"), (ALB.into(), "application")],
    }
}

/// DescribeListeners as AWS answers it: the listeners asked for, in that
/// order; `ListenerNotFound` when one is unknown.
struct DescribeListeners(Catalog);

impl Respond for DescribeListeners {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut members = String::new();
        for arn in indexed(&form(request), "ListenerArns.member.{}") {
            match self.0.listeners.iter().find(|l| l.0 == arn) {
                Some((arn, lb, protocol, port)) => members.push_str(&listener_member(arn, lb, protocol, *port)),
                None => return elb_error(400, "ListenerNotFound", "One or more listeners not found"),
            }
        }
        elb_ok("DescribeListeners", &format!("<Listeners>{members}</Listeners>"))
    }
}

/// DescribeLoadBalancers as AWS answers it.
struct DescribeLoadBalancers(Catalog);

impl Respond for DescribeLoadBalancers {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut members = String::new();
        for arn in indexed(&form(request), "LoadBalancerArns.member.{}") {
            match self.0.balancers.iter().find(|b| b.0 == arn) {
                Some((arn, kind)) => members.push_str(&load_balancer_member(arn, kind)),
                None => return elb_error(400, "LoadBalancerNotFound", "One or more load balancers not found"),
            }
        }
        elb_ok(
            "DescribeLoadBalancers",
            &format!("<LoadBalancers>{members}</LoadBalancers>"),
        )
    }
}

/// The originals a firewall that created its settings keeps: what AWS held
/// before (its defaults: 350 s, 60 s, no tracking configuration).
fn kept() -> BTreeMap<String, u32> {
    BTreeMap::from([
        (TCP_1883.to_string(), 350),
        (TCP_443.to_string(), 350),
        (ALB.to_string(), 60),
        (ENI_A.to_string(), 432000),
        (ENI_B.to_string(), 432000),
    ])
}

/// A mock that describes `catalog`, answers reads of attributes and
/// interfaces with AWS's defaults (unless a test mounts its own answer),
/// and accepts every Modify call.
async fn mock_with(catalog: Catalog) -> (Ec2Mock, Clients) {
    let mock = Ec2Mock::start().await;
    for (action, body) in [
        ("DescribeListenerAttributes", elb_attributes(&[(NLB_ATTRIBUTE, "350")])),
        (
            "DescribeLoadBalancerAttributes",
            elb_attributes(&[(ALB_ATTRIBUTE, "60")]),
        ),
    ] {
        Mock::given(Action(action))
            .respond_with(elb_ok(action, &body))
            .with_priority(10)
            .mount(&mock.server)
            .await;
    }
    Mock::given(Action("DescribeNetworkInterfaces"))
        .respond_with(described_interfaces(&[
            interface_item(ENI_A, None),
            interface_item(ENI_B, None),
        ]))
        .with_priority(10)
        .mount(&mock.server)
        .await;
    Mock::given(Action("DescribeListeners"))
        .respond_with(DescribeListeners(catalog.clone()))
        .mount(&mock.server)
        .await;
    Mock::given(Action("DescribeLoadBalancers"))
        .respond_with(DescribeLoadBalancers(catalog))
        .mount(&mock.server)
        .await;
    for action in ["ModifyListenerAttributes", "ModifyLoadBalancerAttributes"] {
        Mock::given(Action(action))
            .respond_with(EchoAttributes(action))
            .mount(&mock.server)
            .await;
    }
    mock.on(
        "ModifyNetworkInterfaceAttribute",
        done("ModifyNetworkInterfaceAttribute"),
    )
    .await;
    let clients = mock.clients(3);
    (mock, clients)
}

// --- What the mock was asked --------------------------------------------------

/// (ListenerArn, attributes) of every ModifyListenerAttributes, in order.
async fn listener_modifications(mock: &Ec2Mock) -> Vec<(String, Vec<(String, String)>)> {
    mock.requests_for("ModifyListenerAttributes")
        .await
        .iter()
        .map(|f| (param(f, "ListenerArn").unwrap_or_default(), elb_form_attributes(f)))
        .collect()
}

/// (LoadBalancerArn, attributes) of every ModifyLoadBalancerAttributes.
async fn balancer_modifications(mock: &Ec2Mock) -> Vec<(String, Vec<(String, String)>)> {
    mock.requests_for("ModifyLoadBalancerAttributes")
        .await
        .iter()
        .map(|f| (param(f, "LoadBalancerArn").unwrap_or_default(), elb_form_attributes(f)))
        .collect()
}

/// (NetworkInterfaceId, TcpEstablishedTimeout) of every
/// ModifyNetworkInterfaceAttribute; each call must set nothing else.
async fn interface_modifications(mock: &Ec2Mock) -> Vec<(String, String)> {
    let forms = mock.requests_for("ModifyNetworkInterfaceAttribute").await;
    forms
        .iter()
        .map(|f| {
            let keys: BTreeSet<&str> = f.iter().map(|(k, _)| k.as_str()).collect();
            assert_eq!(
                keys,
                BTreeSet::from([
                    "Action",
                    "Version",
                    "NetworkInterfaceId",
                    "ConnectionTrackingSpecification.TcpEstablishedTimeout"
                ]),
                "{f:?}"
            );
            (
                param(f, "NetworkInterfaceId").unwrap_or_default(),
                param(f, "ConnectionTrackingSpecification.TcpEstablishedTimeout").unwrap_or_default(),
            )
        })
        .collect()
}

fn attr(key: &str, value: u32) -> Vec<(String, String)> {
    vec![(key.to_string(), value.to_string())]
}

fn set(arn: &str, key: &str, value: u32) -> (String, Vec<(String, String)>) {
    (arn.to_string(), attr(key, value))
}

fn eni(id: &str, seconds: u32) -> (String, String) {
    (id.to_string(), seconds.to_string())
}

fn strs(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

// --- States ---------------------------------------------------------------------

fn string_list(items: &[&str]) -> ValueList<Value<String>> {
    Value::Value(items.iter().map(|s| Value::Value(s.to_string())).collect())
}

/// The planned state of a firewall asking for `seconds` on `listeners` and
/// `interfaces`, its computed timeouts unknown (as a plan leaves them).
fn planned(seconds: f64, listeners: &[&str], interfaces: &[&str]) -> FirewallState {
    FirewallState {
        session_timeout_seconds: Value::Value(seconds),
        session_timeout_policy: Value::Value("clamp".to_string()),
        load_balancer_listener_arns: string_list(listeners),
        target_network_interface_ids: string_list(interfaces),
        listener_timeouts: Value::Unknown,
        target_network_interface_timeouts: Value::Unknown,
        ..Default::default()
    }
}

/// What a 14,400 s firewall on `listeners` and `interfaces` holds after it
/// was applied: 6000 s on NLB TCP listeners, 350 s on TLS, 4000 s on the
/// ALB, 14,400 s on every interface.
fn applied(listeners: &[&str], interfaces: &[&str]) -> FirewallState {
    let mut state = planned(14400.0, listeners, interfaces);
    state.listener_timeouts = Value::Value(
        listeners
            .iter()
            .map(|arn| {
                let seconds = match *arn {
                    TLS_8883 => 350,
                    ALB_443 | ALB_8443 => 4000,
                    _ => 6000,
                };
                let object = ListenerTimeoutObject {
                    seconds: Value::Value(seconds),
                    reason: Value::Null,
                };
                (arn.to_string(), Value::Value(object))
            })
            .collect(),
    );
    state.target_network_interface_timeouts = Value::Value(
        interfaces
            .iter()
            .map(|id| (id.to_string(), Value::Value(14400)))
            .collect(),
    );
    state
}

/// `listener_timeouts` as ARN → seconds (`None`: null or unknown).
fn listener_seconds(state: &FirewallState) -> BTreeMap<String, Option<i64>> {
    state
        .listener_timeouts
        .as_ref_option()
        .expect("listener_timeouts is known")
        .iter()
        .map(|(arn, object)| {
            let seconds = object.as_ref_option().and_then(|o| o.seconds.as_ref_option().copied());
            (arn.clone(), seconds)
        })
        .collect()
}

fn listener_reason(state: &FirewallState, arn: &str) -> Option<String> {
    let map = state.listener_timeouts.as_ref_option()?;
    map.get(arn)?.as_ref_option()?.reason.as_ref_option().cloned()
}

/// `target_network_interface_timeouts` as id → seconds (`None`: null).
fn interface_seconds(state: &FirewallState) -> BTreeMap<String, Option<i64>> {
    state
        .target_network_interface_timeouts
        .as_ref_option()
        .expect("target_network_interface_timeouts is known")
        .iter()
        .map(|(id, seconds)| (id.clone(), seconds.as_ref_option().copied()))
        .collect()
}

fn seconds_map(pairs: &[(&str, Option<i64>)]) -> BTreeMap<String, Option<i64>> {
    pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
}

// --- 1. describe_listeners ----------------------------------------------------

/// One DescribeListeners naming every listener, one DescribeLoadBalancers
/// naming each load balancer once; kinds from LB type and protocol.
#[tokio::test]
async fn describe_listeners_asks_once_per_service_and_derives_kinds() {
    let (mock, clients) = mock_with(catalog()).await;

    let listeners = SessionTimeouts::new(&clients)
        .describe_listeners(&strs(&ALL), deadline())
        .await
        .expect("described");

    assert_eq!(mock.actions().await, ["DescribeListeners", "DescribeLoadBalancers"]);
    let forms = mock.requests().await;
    assert_eq!(param(&forms[0], "Version").as_deref(), Some("2015-12-01"));
    assert_eq!(indexed(&forms[0], "ListenerArns.member.{}"), ALL);
    // Each load balancer once, though five listeners name them.
    assert_eq!(indexed(&forms[1], "LoadBalancerArns.member.{}"), [ALB, NLB]);

    let listener = |arn: &str, lb: &str, kind| Listener {
        arn: arn.to_string(),
        load_balancer_arn: lb.to_string(),
        kind: Some(kind),
    };
    assert_eq!(
        listeners,
        [
            listener(TCP_1883, NLB, ListenerKind::NlbTcp),
            listener(TCP_443, NLB, ListenerKind::NlbTcp),
            listener(TLS_8883, NLB, ListenerKind::NlbTls),
            listener(ALB_443, ALB, ListenerKind::Alb),
            listener(ALB_8443, ALB, ListenerKind::Alb),
        ]
    );
}

/// AWS describes at most 20 listeners per call: 21 take two
/// DescribeListeners, and still one DescribeLoadBalancers.
#[tokio::test]
async fn describe_listeners_pages_by_twenty() {
    let arns: Vec<String> = (0..21)
        .map(|i| {
            format!(
                "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/net/c8y-nlb/50dc6c495c0c9188/{i:016x}"
            )
        })
        .collect();
    let many = Catalog {
        listeners: arns.iter().map(|a| (a.clone(), NLB.to_string(), "TCP", 1883)).collect(),
        balancers: vec![(NLB.into(), "network")],
    };
    let (mock, clients) = mock_with(many).await;

    let listeners = SessionTimeouts::new(&clients)
        .describe_listeners(&arns, deadline())
        .await
        .expect("described");

    assert_eq!(
        mock.actions().await,
        ["DescribeListeners", "DescribeListeners", "DescribeLoadBalancers"]
    );
    let forms = mock.requests().await;
    assert_eq!(indexed(&forms[0], "ListenerArns.member.{}"), arns[..20]);
    assert_eq!(indexed(&forms[1], "ListenerArns.member.{}"), arns[20..]);
    assert_eq!(indexed(&forms[2], "LoadBalancerArns.member.{}"), [NLB]);
    assert_eq!(listeners.len(), 21);
    assert!(listeners.iter().all(|l| l.kind == Some(ListenerKind::NlbTcp)));
}

// --- 2. apply on create ---------------------------------------------------------

/// 14,400 s on two NLB TCP listeners, a TLS listener, two listeners of one
/// ALB and two interfaces: 6000 s on each TCP listener, nothing for TLS,
/// 4000 s on the ALB once, 14,400 s on each interface, in that order.
#[tokio::test]
async fn create_sets_tcp_listeners_the_alb_once_and_every_interface() {
    let (mock, clients) = mock_with(catalog()).await;
    let cache = ListenerKinds::default();
    let mut state = planned(14400.0, &ALL, &[ENI_A, ENI_B]);

    session_timeouts::apply(&clients, &cache, &mut state, None, &mut BTreeMap::new(), deadline())
        .await
        .expect("applied");

    assert_eq!(
        mock.actions().await,
        [
            "DescribeListeners",
            "DescribeLoadBalancers",
            // What each place holds before its first change, to restore.
            "DescribeListenerAttributes",
            "DescribeListenerAttributes",
            "DescribeLoadBalancerAttributes",
            "DescribeNetworkInterfaces",
            "ModifyListenerAttributes",
            "ModifyListenerAttributes",
            "ModifyLoadBalancerAttributes",
            "ModifyNetworkInterfaceAttribute",
            "ModifyNetworkInterfaceAttribute",
        ]
    );
    let forms = mock.requests().await;
    assert_eq!(indexed(&forms[0], "ListenerArns.member.{}"), ALL);
    assert_eq!(indexed(&forms[1], "LoadBalancerArns.member.{}"), [ALB, NLB]);
    assert_eq!(
        listener_modifications(&mock).await,
        [set(TCP_1883, NLB_ATTRIBUTE, 6000), set(TCP_443, NLB_ATTRIBUTE, 6000)]
    );
    assert_eq!(balancer_modifications(&mock).await, [set(ALB, ALB_ATTRIBUTE, 4000)]);
    assert_eq!(
        interface_modifications(&mock).await,
        [eni(ENI_A, 14400), eni(ENI_B, 14400)]
    );

    assert_eq!(
        listener_seconds(&state),
        seconds_map(&[
            (TCP_1883, Some(6000)),
            (TCP_443, Some(6000)),
            (TLS_8883, Some(350)),
            (ALB_443, Some(4000)),
            (ALB_8443, Some(4000)),
        ])
    );
    assert!(listener_reason(&state, TCP_1883).unwrap().contains("at most 6000 s"));
    assert!(listener_reason(&state, TLS_8883).unwrap().contains("fixed at 350 s"));
    assert!(listener_reason(&state, ALB_8443).unwrap().contains("at most 4000 s"));
    assert_eq!(
        interface_seconds(&state),
        seconds_map(&[(ENI_A, Some(14400)), (ENI_B, Some(14400))])
    );
    // What AWS said the listeners are is kept for the next plan.
    // TLS_8883's ARN says only "an NLB listener": its kind was learned.
    assert_eq!(cache.kind(TCP_443), Some(ListenerKind::NlbTcp));
    assert_eq!(cache.kind(TLS_8883), Some(ListenerKind::NlbTls));
    assert_eq!(cache.kind(ALB_8443), Some(ListenerKind::Alb));
}

/// What a place held before the firewall first changed it is read once,
/// kept, and given back when the firewall lets the place go: an NLB
/// listener someone had set to 1200 s and an ALB at 600 s get those back,
/// not AWS's defaults; an interface with no configuration gets AWS's
/// default. Destroy gives back what is left.
#[tokio::test]
async fn originals_are_read_before_the_first_change_and_given_back() {
    let (mock, clients) = mock_with(catalog()).await;
    let held = |seconds: &str| {
        elb_ok(
            "DescribeListenerAttributes",
            &elb_attributes(&[(NLB_ATTRIBUTE, seconds)]),
        )
    };
    mock.on_param("DescribeListenerAttributes", "ListenerArn", TCP_443, held("1200"))
        .await;
    mock.on_param(
        "DescribeLoadBalancerAttributes",
        "LoadBalancerArn",
        ALB,
        elb_ok(
            "DescribeLoadBalancerAttributes",
            &elb_attributes(&[(ALB_ATTRIBUTE, "600")]),
        ),
    )
    .await;
    let cache = ListenerKinds::default();
    let mut originals = BTreeMap::new();
    let mut created = planned(14400.0, &ALL, &[ENI_A]);
    session_timeouts::apply(&clients, &cache, &mut created, None, &mut originals, deadline())
        .await
        .expect("created");
    assert_eq!(
        originals,
        BTreeMap::from([
            (TCP_1883.to_string(), 350),
            (TCP_443.to_string(), 1200),
            (ALB.to_string(), 600),
            (ENI_A.to_string(), 432000),
        ])
    );

    // Re-applied: nothing read again, nothing kept changes.
    let before = mock.actions().await.len();
    let mut again = planned(14400.0, &ALL, &[ENI_A]);
    session_timeouts::apply(&clients, &cache, &mut again, Some(&created), &mut originals, deadline())
        .await
        .expect("re-applied");
    assert_eq!(
        mock.actions().await[before..],
        ["DescribeListeners", "DescribeLoadBalancers"]
    );

    let before = mock.actions().await.len();
    let mut state = planned(14400.0, &[TCP_1883], &[]);
    session_timeouts::apply(&clients, &cache, &mut state, Some(&created), &mut originals, deadline())
        .await
        .expect("updated");
    let modifications = listener_modifications(&mock).await;
    assert_eq!(modifications.last(), Some(&set(TCP_443, NLB_ATTRIBUTE, 1200)));
    assert_eq!(
        balancer_modifications(&mock).await.last(),
        Some(&set(ALB, ALB_ATTRIBUTE, 600))
    );
    assert_eq!(interface_modifications(&mock).await.last(), Some(&eni(ENI_A, 432000)));
    assert!(!mock.actions().await[before..].contains(&"DescribeListenerAttributes".to_string()));
    assert_eq!(originals, BTreeMap::from([(TCP_1883.to_string(), 350)]));

    session_timeouts::restore_originals(&clients, &state, &originals, deadline())
        .await
        .expect("restored");
    assert_eq!(
        listener_modifications(&mock).await.last(),
        Some(&set(TCP_1883, NLB_ATTRIBUTE, 350))
    );
}

// --- 3. apply on update -------------------------------------------------------

/// What create recorded is what the next apply compares with: with nothing
/// changed, it only describes the listeners.
#[tokio::test]
async fn update_with_nothing_changed_only_describes() {
    let (mock, clients) = mock_with(catalog()).await;
    let cache = ListenerKinds::default();
    let mut created = planned(14400.0, &ALL, &[ENI_A, ENI_B]);
    session_timeouts::apply(&clients, &cache, &mut created, None, &mut BTreeMap::new(), deadline())
        .await
        .expect("created");
    let before = mock.actions().await.len();

    let mut state = planned(14400.0, &ALL, &[ENI_A, ENI_B]);
    session_timeouts::apply(&clients, &cache, &mut state, Some(&created), &mut kept(), deadline())
        .await
        .expect("updated");

    assert_eq!(
        mock.actions().await[before..],
        ["DescribeListeners", "DescribeLoadBalancers"]
    );
    assert_eq!(listener_seconds(&state), listener_seconds(&created));
    assert_eq!(interface_seconds(&state), interface_seconds(&created));
}

/// An interface taken off the list gets AWS's default tracking (432,000 s)
/// back; the one that stays is left alone.
#[tokio::test]
async fn update_restores_default_tracking_on_a_removed_interface() {
    let (mock, clients) = mock_with(catalog()).await;
    let prior = applied(&ALL, &[ENI_A, ENI_B]);
    let mut state = planned(14400.0, &ALL, &[ENI_A]);

    session_timeouts::apply(
        &clients,
        &ListenerKinds::default(),
        &mut state,
        Some(&prior),
        &mut kept(),
        deadline(),
    )
    .await
    .expect("updated");

    assert_eq!(
        mock.actions().await,
        [
            "DescribeListeners",
            "DescribeLoadBalancers",
            "ModifyNetworkInterfaceAttribute"
        ]
    );
    assert_eq!(interface_modifications(&mock).await, [eni(ENI_B, 432000)]);
    assert_eq!(interface_seconds(&state), seconds_map(&[(ENI_A, Some(14400))]));
}

/// Listeners taken off the list get AWS's defaults back: 350 s on an NLB
/// TCP listener, nothing for TLS (fixed), 60 s on the ALB, once for both
/// of its listeners. Removed listeners are described with the others.
#[tokio::test]
async fn update_restores_default_idle_timeouts_on_removed_listeners() {
    let (mock, clients) = mock_with(catalog()).await;
    let prior = applied(&ALL, &[ENI_A]);
    let mut state = planned(14400.0, &[TCP_1883], &[ENI_A]);

    session_timeouts::apply(
        &clients,
        &ListenerKinds::default(),
        &mut state,
        Some(&prior),
        &mut kept(),
        deadline(),
    )
    .await
    .expect("updated");

    assert_eq!(
        mock.actions().await,
        [
            "DescribeListeners",
            "DescribeLoadBalancers",
            "ModifyListenerAttributes",
            "ModifyLoadBalancerAttributes",
        ]
    );
    let forms = mock.requests().await;
    assert_eq!(
        indexed(&forms[0], "ListenerArns.member.{}"),
        [TCP_1883, TCP_443, TLS_8883, ALB_443, ALB_8443]
    );
    assert_eq!(listener_modifications(&mock).await, [set(TCP_443, NLB_ATTRIBUTE, 350)]);
    assert_eq!(balancer_modifications(&mock).await, [set(ALB, ALB_ATTRIBUTE, 60)]);
    assert_eq!(listener_seconds(&state), seconds_map(&[(TCP_1883, Some(6000))]));
}

/// An ALB's idle timeout belongs to the load balancer: taking one of its
/// listeners off the list while another stays must not reset it to 60 s.
#[tokio::test]
async fn update_keeps_the_alb_timeout_while_one_of_its_listeners_stays() {
    let (mock, clients) = mock_with(catalog()).await;
    let prior = applied(&ALL, &[]);
    let mut state = planned(14400.0, &[TCP_1883, TCP_443, TLS_8883, ALB_8443], &[]);

    session_timeouts::apply(
        &clients,
        &ListenerKinds::default(),
        &mut state,
        Some(&prior),
        &mut kept(),
        deadline(),
    )
    .await
    .expect("updated");

    assert_eq!(mock.actions().await, ["DescribeListeners", "DescribeLoadBalancers"]);
    assert_eq!(balancer_modifications(&mock).await, []);
    assert_eq!(listener_seconds(&state)[ALB_8443], Some(4000));
}

/// A lower request (3000 s) reaches every place again: both TCP listeners,
/// the ALB once, both interfaces; the TLS listener stays at 350 s.
#[tokio::test]
async fn update_to_a_lower_timeout_sets_every_place_again() {
    let (mock, clients) = mock_with(catalog()).await;
    let prior = applied(&ALL, &[ENI_A, ENI_B]);
    let mut state = planned(3000.0, &ALL, &[ENI_A, ENI_B]);

    session_timeouts::apply(
        &clients,
        &ListenerKinds::default(),
        &mut state,
        Some(&prior),
        &mut kept(),
        deadline(),
    )
    .await
    .expect("updated");

    assert_eq!(
        listener_modifications(&mock).await,
        [set(TCP_1883, NLB_ATTRIBUTE, 3000), set(TCP_443, NLB_ATTRIBUTE, 3000)]
    );
    assert_eq!(balancer_modifications(&mock).await, [set(ALB, ALB_ATTRIBUTE, 3000)]);
    assert_eq!(
        interface_modifications(&mock).await,
        [eni(ENI_A, 3000), eni(ENI_B, 3000)]
    );
    assert_eq!(
        listener_seconds(&state),
        seconds_map(&[
            (TCP_1883, Some(3000)),
            (TCP_443, Some(3000)),
            (TLS_8883, Some(350)),
            (ALB_443, Some(3000)),
            (ALB_8443, Some(3000)),
        ])
    );
    assert_eq!(listener_reason(&state, TCP_1883), None);
    assert!(listener_reason(&state, TLS_8883).unwrap().contains("fixed at 350 s"));
}

// --- 4. read ------------------------------------------------------------------

/// What AWS holds after someone changed things outside Terraform: TCP 1883
/// at 999 s, the ALB still at 4000 s, interface A at 350 s, interface B
/// with no connection-tracking configuration (AWS's default).
async fn mount_drift(mock: &Ec2Mock) {
    let listener_attributes = |seconds: &str| {
        elb_ok(
            "DescribeListenerAttributes",
            &elb_attributes(&[(NLB_ATTRIBUTE, seconds)]),
        )
    };
    mock.on_param(
        "DescribeListenerAttributes",
        "ListenerArn",
        TCP_1883,
        listener_attributes("999"),
    )
    .await;
    mock.on_param(
        "DescribeListenerAttributes",
        "ListenerArn",
        TCP_443,
        listener_attributes("6000"),
    )
    .await;
    mock.on_param(
        "DescribeLoadBalancerAttributes",
        "LoadBalancerArn",
        ALB,
        elb_ok(
            "DescribeLoadBalancerAttributes",
            &elb_attributes(&[
                ("deletion_protection.enabled", "false"),
                (ALB_ATTRIBUTE, "4000"),
                ("routing.http2.enabled", "true"),
            ]),
        ),
    )
    .await;
    mock.on(
        "DescribeNetworkInterfaces",
        described_interfaces(&[interface_item(ENI_A, Some(350)), interface_item(ENI_B, None)]),
    )
    .await;
}

/// Read asks each place what it holds: listener attributes per NLB TCP
/// listener, the ALB's attributes once, every interface in one call; and
/// reports it, so the next plan shows the drift.
#[tokio::test]
async fn read_reports_what_aws_holds_so_drift_shows() {
    let (mock, clients) = mock_with(catalog()).await;
    mount_drift(&mock).await;
    let mut state = applied(&ALL, &[ENI_A, ENI_B]);

    session_timeouts::read(&clients, &ListenerKinds::default(), &mut state, deadline())
        .await
        .expect("read");

    assert_eq!(
        mock.actions().await,
        [
            "DescribeListeners",
            "DescribeLoadBalancers",
            "DescribeListenerAttributes",
            "DescribeListenerAttributes",
            "DescribeLoadBalancerAttributes",
            "DescribeNetworkInterfaces",
        ]
    );
    let attribute_reads: Vec<String> = mock
        .requests_for("DescribeListenerAttributes")
        .await
        .iter()
        .filter_map(|f| param(f, "ListenerArn"))
        .collect();
    assert_eq!(attribute_reads, [TCP_1883, TCP_443]);
    let balancer_reads = mock.requests_for("DescribeLoadBalancerAttributes").await;
    assert_eq!(param(&balancer_reads[0], "LoadBalancerArn").as_deref(), Some(ALB));
    let interface_read = &mock.requests_for("DescribeNetworkInterfaces").await[0];
    assert_eq!(indexed(interface_read, "NetworkInterfaceId.{}"), [ENI_A, ENI_B]);

    assert_eq!(
        listener_seconds(&state),
        seconds_map(&[
            (TCP_1883, Some(999)),
            (TCP_443, Some(6000)),
            (TLS_8883, Some(350)),
            (ALB_443, Some(4000)),
            (ALB_8443, Some(4000)),
        ])
    );
    // The reason is the request's, whatever AWS holds.
    assert!(listener_reason(&state, TCP_1883).unwrap().contains("at most 6000 s"));
    assert_eq!(
        interface_seconds(&state),
        seconds_map(&[(ENI_A, Some(350)), (ENI_B, None)])
    );
}

/// The apply after a drifted read sets back only what drifted: TCP 1883,
/// interface A (350 s) and interface B (no configuration).
#[tokio::test]
async fn apply_after_drift_sets_back_only_what_drifted() {
    let (mock, clients) = mock_with(catalog()).await;
    mount_drift(&mock).await;
    let cache = ListenerKinds::default();
    let mut refreshed = applied(&ALL, &[ENI_A, ENI_B]);
    session_timeouts::read(&clients, &cache, &mut refreshed, deadline())
        .await
        .expect("read");
    let before = mock.actions().await.len();

    let mut state = planned(14400.0, &ALL, &[ENI_A, ENI_B]);
    session_timeouts::apply(&clients, &cache, &mut state, Some(&refreshed), &mut kept(), deadline())
        .await
        .expect("applied");

    assert_eq!(
        mock.actions().await[before..],
        [
            "DescribeListeners",
            "DescribeLoadBalancers",
            "ModifyListenerAttributes",
            "ModifyNetworkInterfaceAttribute",
            "ModifyNetworkInterfaceAttribute",
        ]
    );
    assert_eq!(
        listener_modifications(&mock).await,
        [set(TCP_1883, NLB_ATTRIBUTE, 6000)]
    );
    assert_eq!(
        interface_modifications(&mock).await,
        [eni(ENI_A, 14400), eni(ENI_B, 14400)]
    );
}

// --- 5. restore_defaults (destroy) ------------------------------------------

/// Destroy leaves AWS's defaults: 350 s on each NLB TCP listener, 60 s on
/// the ALB once, 432,000 s on each interface; nothing for TLS.
#[tokio::test]
async fn destroy_restores_aws_defaults() {
    let (mock, clients) = mock_with(catalog()).await;
    let state = applied(&ALL, &[ENI_A, ENI_B]);

    session_timeouts::restore_originals(&clients, &state, &BTreeMap::new(), deadline())
        .await
        .expect("restored");

    assert_eq!(
        mock.actions().await,
        [
            "DescribeListeners",
            "DescribeLoadBalancers",
            "ModifyListenerAttributes",
            "ModifyListenerAttributes",
            "ModifyLoadBalancerAttributes",
            "ModifyNetworkInterfaceAttribute",
            "ModifyNetworkInterfaceAttribute",
        ]
    );
    assert_eq!(
        listener_modifications(&mock).await,
        [set(TCP_1883, NLB_ATTRIBUTE, 350), set(TCP_443, NLB_ATTRIBUTE, 350)]
    );
    assert_eq!(balancer_modifications(&mock).await, [set(ALB, ALB_ATTRIBUTE, 60)]);
    assert_eq!(
        interface_modifications(&mock).await,
        [eni(ENI_A, 432000), eni(ENI_B, 432000)]
    );
}

/// A load balancer deleted before the firewall: DescribeListeners answers
/// ListenerNotFound, which is no error; the interfaces are still restored,
/// one already deleted (InvalidNetworkInterfaceID.NotFound) is skipped.
#[tokio::test]
async fn destroy_after_the_load_balancer_went_restores_the_interfaces() {
    let (mock, clients) = mock_with(Catalog {
        listeners: Vec::new(),
        balancers: Vec::new(),
    })
    .await;
    mock.on_param(
        "ModifyNetworkInterfaceAttribute",
        "NetworkInterfaceId",
        ENI_A,
        aws_error(
            400,
            "InvalidNetworkInterfaceID.NotFound",
            &format!("The networkInterface ID '{ENI_A}' does not exist"),
        ),
    )
    .await;
    let state = applied(&ALL, &[ENI_A, ENI_B]);

    session_timeouts::restore_originals(&clients, &state, &BTreeMap::new(), deadline())
        .await
        .expect("restored");

    // The batch fails on the missing listeners; each is then asked for
    // alone, so that listeners of load balancers that still exist would be
    // found and restored.
    let mut expected = vec!["DescribeListeners"; 1 + ALL.len()];
    expected.extend(["ModifyNetworkInterfaceAttribute", "ModifyNetworkInterfaceAttribute"]);
    assert_eq!(mock.actions().await, expected);
    assert_eq!(
        interface_modifications(&mock).await,
        [eni(ENI_A, 432000), eni(ENI_B, 432000)]
    );
}

/// A listener taken off the list whose load balancer was deleted: the batch
/// fails on it, the wanted listeners are described again, the gone one is
/// skipped, and the update succeeds.
#[tokio::test]
async fn update_skips_a_removed_listener_that_no_longer_exists() {
    let mut gone_alb = catalog();
    gone_alb.listeners.retain(|(arn, ..)| arn != ALB_443 && arn != ALB_8443);
    gone_alb.balancers.retain(|(arn, _)| arn != ALB);
    let (mock, clients) = mock_with(gone_alb).await;
    let prior = applied(&ALL, &[]);
    let mut state = planned(14400.0, &[TCP_1883, TCP_443, TLS_8883], &[]);

    session_timeouts::apply(
        &clients,
        &ListenerKinds::default(),
        &mut state,
        Some(&prior),
        &mut kept(),
        deadline(),
    )
    .await
    .expect("updated");

    assert_eq!(
        mock.actions().await,
        [
            // All at once: fails on the gone listeners.
            "DescribeListeners",
            // The wanted ones.
            "DescribeListeners",
            "DescribeLoadBalancers",
            // The gone ones together, then each alone.
            "DescribeListeners",
            "DescribeListeners",
            "DescribeListeners",
        ]
    );
    assert!(
        listener_modifications(&mock).await.is_empty(),
        "nothing changed on the wanted listeners"
    );
    assert!(
        balancer_modifications(&mock).await.is_empty(),
        "the deleted ALB is left alone"
    );
}

// --- 6. failures --------------------------------------------------------------

/// AWS rejecting a listener attribute fails the apply with AWS's code and
/// message, on the first attempt (a 400 is not retried), and nothing after
/// it is attempted: no other listener, no ALB, no interface.
#[tokio::test]
async fn a_rejected_listener_attribute_fails_apply_and_stops_there() {
    let (mock, clients) = mock_with(catalog()).await;
    let message = "The value of 'tcp.idle_timeout.seconds' must be between '60' and '6000'";
    Mock::given(Action("ModifyListenerAttributes"))
        .respond_with(elb_error(400, "ValidationError", message))
        .with_priority(1)
        .mount(&mock.server)
        .await;
    let mut state = planned(14400.0, &ALL, &[ENI_A, ENI_B]);
    let mut originals = BTreeMap::new();

    let err = session_timeouts::apply(
        &clients,
        &ListenerKinds::default(),
        &mut state,
        None,
        &mut originals,
        deadline(),
    )
    .await
    .expect_err("ModifyListenerAttributes fails");
    let session_timeouts::SessionFailure::Aws(err) = err else {
        panic!("an AWS failure: {err:?}")
    };

    assert_eq!(err.action, "ModifyListenerAttributes");
    assert_eq!(err.code.as_deref(), Some("ValidationError"));
    assert_eq!(err.kind, ErrorKind::Other);
    assert_eq!(err.message, message);
    assert_eq!(
        mock.actions().await,
        [
            "DescribeListeners",
            "DescribeLoadBalancers",
            "DescribeListenerAttributes",
            "DescribeListenerAttributes",
            "DescribeLoadBalancerAttributes",
            "DescribeNetworkInterfaces",
            "ModifyListenerAttributes"
        ]
    );
    assert_eq!(
        param(&mock.requests_for("ModifyListenerAttributes").await[0], "ListenerArn").as_deref(),
        Some(TCP_1883)
    );
    assert_eq!(
        originals.len(),
        5,
        "what was read before the failure is kept, for the restore: {originals:?}"
    );
}

/// A target interface deleted outside Terraform: the refresh leaves it out
/// of `target_network_interface_timeouts` (drift the next plan shows, and
/// the user can remove its id) instead of failing every refresh.
#[tokio::test]
async fn read_leaves_out_an_interface_deleted_outside_terraform() {
    let (mock, clients) = mock_with(catalog()).await;
    mock.on(
        "DescribeNetworkInterfaces",
        described_interfaces(&[interface_item(ENI_A, Some(14400))]),
    )
    .await;
    let mut state = applied(&[], &[ENI_A, ENI_B]);

    session_timeouts::read(&clients, &ListenerKinds::default(), &mut state, deadline())
        .await
        .expect("read");

    // Both at once (ENI_B missing), then each alone.
    assert_eq!(mock.actions().await, ["DescribeNetworkInterfaces"; 3]);
    assert_eq!(
        interface_seconds(&state),
        BTreeMap::from([(ENI_A.to_string(), Some(14400))])
    );
}
