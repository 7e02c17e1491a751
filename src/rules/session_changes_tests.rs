//! Tests of `session_changes`: what is set, restored and read for NLB
//! listeners, ALBs and interfaces as firewalls gain, lose and keep them.

use super::*;

const NLB: &str = "lb/net/c8y-nlb";
const ALB: &str = "lb/app/c8y-alb";
const TCP_1883: &str = "listener/net/1883";
const TCP_443: &str = "listener/net/443";
const TLS_8883: &str = "listener/net/8883";
const ALB_443: &str = "listener/app/443";
const ALB_8443: &str = "listener/app/8443";
const ALL: [&str; 5] = [TCP_1883, TCP_443, TLS_8883, ALB_443, ALB_8443];
const ENI_A: &str = "eni-0a1b2c3d4e5f60718";
const ENI_B: &str = "eni-0f9e8d7c6b5a49382";

/// An NLB with TCP 1883, TCP 443 and TLS 8883 listeners; an ALB with two.
fn described() -> Vec<Listener> {
    let listener = |arn: &str, lb: &str, kind| Listener {
        arn: arn.to_string(),
        load_balancer_arn: lb.to_string(),
        kind: Some(kind),
    };
    vec![
        listener(TCP_1883, NLB, ListenerKind::NlbTcp),
        listener(TCP_443, NLB, ListenerKind::NlbTcp),
        listener(TLS_8883, NLB, ListenerKind::NlbTls),
        listener(ALB_443, ALB, ListenerKind::Alb),
        listener(ALB_8443, ALB, ListenerKind::Alb),
    ]
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn wanted(seconds: u32, listeners: &[&str], interfaces: &[&str]) -> SessionWanted {
    SessionWanted {
        seconds,
        listeners: strings(listeners),
        interfaces: strings(interfaces),
    }
}

/// What applying 14,400 s to `listeners` and `interfaces` recorded.
fn recorded(listeners: &[&str], interfaces: &[&str]) -> SessionRecord {
    let changes = session_changes(
        &wanted(14400, listeners, interfaces),
        &SessionRecord::default(),
        &described(),
    )
    .expect("decided");
    SessionRecord {
        listeners: strings(listeners),
        listener_seconds: changes
            .listeners
            .iter()
            .filter_map(|(arn, outcome)| Some((arn.clone(), outcome.seconds?)))
            .collect(),
        interfaces: strings(interfaces),
        interface_seconds: changes.interfaces,
        originals: BTreeMap::new(),
    }
}

fn listener(arn: &str) -> SessionPlace {
    SessionPlace::Listener(arn.to_string())
}

fn balancer(arn: &str) -> SessionPlace {
    SessionPlace::LoadBalancer(arn.to_string())
}

fn interface(id: &str, seconds: u32) -> (String, u32) {
    (id.to_string(), seconds)
}

#[test]
fn a_new_firewall_sets_every_place_once_and_records_what_each_listener_gets() {
    let changes = session_changes(
        &wanted(14400, &ALL, &[ENI_A, ENI_B]),
        &SessionRecord::default(),
        &described(),
    )
    .unwrap();
    assert_eq!(
        changes.set,
        [
            (listener(TCP_1883), 6000),
            (listener(TCP_443), 6000),
            (balancer(ALB), 4000)
        ],
        "the TLS listener is fixed; the ALB is set once for both of its listeners"
    );
    assert!(changes.restore.is_empty() && changes.restore_interfaces.is_empty());
    assert_eq!(
        changes.set_interfaces,
        [interface(ENI_A, 14400), interface(ENI_B, 14400)]
    );
    let seconds: Vec<(&str, Option<u32>)> = changes
        .listeners
        .iter()
        .map(|(arn, outcome)| (arn.as_str(), outcome.seconds))
        .collect();
    assert_eq!(
        seconds,
        [
            (ALB_443, Some(4000)),
            (ALB_8443, Some(4000)),
            (TCP_1883, Some(6000)),
            (TCP_443, Some(6000)),
            (TLS_8883, Some(350)),
        ]
    );
    assert!(changes.listeners[TLS_8883]
        .reason
        .as_ref()
        .unwrap()
        .contains("fixed at 350 s"));
    assert_eq!(
        changes.interfaces,
        BTreeMap::from([interface(ENI_A, 14400), interface(ENI_B, 14400)])
    );
}

#[test]
fn a_first_change_captures_each_place_once_and_a_kept_original_is_not_read_again() {
    let first = session_changes(
        &wanted(14400, &ALL, &[ENI_A, ENI_B]),
        &SessionRecord::default(),
        &described(),
    )
    .unwrap();
    assert_eq!(first.capture, [listener(TCP_1883), listener(TCP_443), balancer(ALB)]);
    assert_eq!(first.capture_interfaces, strings(&[ENI_A, ENI_B]));

    // Drifted, so set again: the kept original is not read again.
    let mut prior = recorded(&ALL, &[ENI_A, ENI_B]);
    prior.originals = BTreeMap::from([(TCP_1883.to_string(), 700), (ENI_B.to_string(), 432000)]);
    prior.listener_seconds.insert(TCP_1883.to_string(), 999);
    prior.interface_seconds.remove(ENI_B);
    let again = session_changes(&wanted(14400, &ALL, &[ENI_A, ENI_B]), &prior, &described()).unwrap();
    assert_eq!(again.set, [(listener(TCP_1883), 6000)]);
    assert!(
        again.capture.is_empty() && again.capture_interfaces.is_empty(),
        "{again:?}"
    );
}

#[test]
fn what_was_there_before_is_given_back_and_forgotten() {
    let mut prior = recorded(&ALL, &[ENI_A, ENI_B]);
    prior.originals = BTreeMap::from([
        (TCP_443.to_string(), 1200),
        (ALB.to_string(), 600),
        (ENI_B.to_string(), 900),
        (TCP_1883.to_string(), 350),
    ]);
    let changes = session_changes(&wanted(14400, &[TCP_1883], &[ENI_A]), &prior, &described()).unwrap();
    assert_eq!(changes.restore, [(listener(TCP_443), 1200), (balancer(ALB), 600)]);
    assert_eq!(changes.restore_interfaces, [interface(ENI_B, 900)]);
    assert_eq!(
        without_restored(&prior.originals, &changes),
        BTreeMap::from([(TCP_1883.to_string(), 350)]),
        "a place given back is forgotten"
    );
    let destroyed = session_restores(&prior, &described());
    assert_eq!(
        destroyed.restore,
        [
            (listener(TCP_1883), 350),
            (listener(TCP_443), 1200),
            (balancer(ALB), 600)
        ]
    );
    assert_eq!(
        destroyed.restore_interfaces,
        [interface(ENI_A, 432000), interface(ENI_B, 900)],
        "nothing kept for ENI_A: AWS's default"
    );
}

#[test]
fn captured_values_are_kept_and_no_value_means_the_default() {
    let changes = session_changes(&wanted(14400, &ALL, &[ENI_A]), &SessionRecord::default(), &described()).unwrap();
    let captured = BTreeMap::from([
        (TCP_1883.to_string(), Some(1200)),
        (TCP_443.to_string(), None),
        (ALB.to_string(), Some(600)),
        (ENI_A.to_string(), None),
    ]);
    let kept = BTreeMap::from([(TCP_1883.to_string(), 700)]);
    assert_eq!(
        with_captured(&kept, &changes, &captured),
        BTreeMap::from([
            (TCP_1883.to_string(), 700),
            (TCP_443.to_string(), 350),
            (ALB.to_string(), 600),
            (ENI_A.to_string(), 432000),
        ]),
        "a value kept before is never replaced; no value is AWS's default"
    );
}

#[test]
fn nothing_changed_changes_nothing() {
    let prior = recorded(&ALL, &[ENI_A, ENI_B]);
    let changes = session_changes(&wanted(14400, &ALL, &[ENI_A, ENI_B]), &prior, &described()).unwrap();
    assert!(changes.set.is_empty() && changes.restore.is_empty(), "{changes:?}");
    assert!(changes.set_interfaces.is_empty() && changes.restore_interfaces.is_empty());
    assert_eq!(changes.listeners.len(), ALL.len());
}

#[test]
fn what_drifted_is_set_back_and_nothing_else() {
    let mut prior = recorded(&ALL, &[ENI_A, ENI_B]);
    prior.listener_seconds.insert(TCP_1883.to_string(), 999);
    prior.interface_seconds.remove(ENI_B);
    let changes = session_changes(&wanted(14400, &ALL, &[ENI_A, ENI_B]), &prior, &described()).unwrap();
    assert_eq!(changes.set, [(listener(TCP_1883), 6000)]);
    assert_eq!(changes.set_interfaces, [interface(ENI_B, 14400)]);
}

#[test]
fn listeners_and_interfaces_taken_off_get_aws_defaults_back() {
    let prior = recorded(&ALL, &[ENI_A, ENI_B]);
    let changes = session_changes(&wanted(14400, &[TCP_1883], &[ENI_A]), &prior, &described()).unwrap();
    assert!(changes.set.is_empty());
    assert_eq!(
        changes.restore,
        [(listener(TCP_443), 350), (balancer(ALB), 60)],
        "nothing for TLS (fixed); the ALB once for both of its listeners"
    );
    assert_eq!(changes.restore_interfaces, [interface(ENI_B, 432000)]);
    assert_eq!(changes.listeners.keys().collect::<Vec<_>>(), [TCP_1883]);
    assert_eq!(changes.interfaces, BTreeMap::from([interface(ENI_A, 14400)]));
}

#[test]
fn an_alb_keeps_its_timeout_while_one_of_its_listeners_stays() {
    let prior = recorded(&ALL, &[]);
    for stays in [ALB_443, ALB_8443] {
        let changes = session_changes(&wanted(14400, &[TCP_1883, stays], &[]), &prior, &described()).unwrap();
        assert_eq!(changes.restore, [(listener(TCP_443), 350)], "{stays}");
    }
}

#[test]
fn a_lower_request_sets_every_place_again() {
    let prior = recorded(&ALL, &[ENI_A]);
    let changes = session_changes(&wanted(3000, &ALL, &[ENI_A]), &prior, &described()).unwrap();
    assert_eq!(
        changes.set,
        [
            (listener(TCP_1883), 3000),
            (listener(TCP_443), 3000),
            (balancer(ALB), 3000)
        ]
    );
    assert_eq!(changes.set_interfaces, [interface(ENI_A, 3000)]);
    assert_eq!(changes.listeners[ALB_443].reason, None);
}

#[test]
fn a_removed_listener_aws_no_longer_describes_is_skipped() {
    let prior = recorded(&ALL, &[]);
    let mut left = described();
    left.retain(|l| l.load_balancer_arn != ALB);
    let changes = session_changes(&wanted(14400, &[TCP_1883, TCP_443, TLS_8883], &[]), &prior, &left).unwrap();
    assert!(changes.set.is_empty() && changes.restore.is_empty(), "{changes:?}");
}

#[test]
fn a_wanted_listener_aws_cannot_set_stops_the_decision() {
    let mut gateway = described();
    gateway[0].kind = None;
    assert_eq!(
        session_changes(&wanted(14400, &ALL, &[]), &SessionRecord::default(), &gateway),
        Err(Unsettable::NoIdleTimeout(TCP_1883.to_string()))
    );
    assert_eq!(
        session_changes(&wanted(14400, &ALL, &[]), &SessionRecord::default(), &described()[1..]),
        Err(Unsettable::NotDescribed(TCP_1883.to_string()))
    );
}

#[test]
fn destroy_restores_every_place_once_and_every_interface() {
    let prior = recorded(&ALL, &[ENI_A, ENI_B]);
    let changes = session_restores(&prior, &described());
    assert_eq!(
        changes.restore,
        [(listener(TCP_1883), 350), (listener(TCP_443), 350), (balancer(ALB), 60)]
    );
    assert_eq!(
        changes.restore_interfaces,
        [interface(ENI_A, 432000), interface(ENI_B, 432000)]
    );
    assert!(changes.set.is_empty() && changes.set_interfaces.is_empty());
    assert!(
        session_restores(&prior, &[]).restore.is_empty(),
        "load balancers deleted first"
    );
}

#[test]
fn reads_ask_each_place_once_and_fill_what_aws_fixes_or_leaves_at_its_default() {
    assert_eq!(
        session_reads(&described()),
        [listener(TCP_1883), listener(TCP_443), balancer(ALB)]
    );
    let held = BTreeMap::from([
        (listener(TCP_1883), Some(999)),
        (listener(TCP_443), None),
        (balancer(ALB), Some(4000)),
    ]);
    let readings = session_readings(14400, &described(), &held);
    let seconds: BTreeMap<&str, Option<u32>> = readings.iter().map(|(arn, r)| (arn.as_str(), r.seconds)).collect();
    assert_eq!(
        seconds,
        BTreeMap::from([
            (TCP_1883, Some(999)),
            (TCP_443, Some(350)),
            (TLS_8883, Some(350)),
            (ALB_443, Some(4000)),
            (ALB_8443, Some(4000)),
        ])
    );
    assert!(
        readings[TCP_1883].reason.as_ref().unwrap().contains("at most 6000 s"),
        "the reason is the request's"
    );
    let mut unknown_kind = described();
    unknown_kind[0].kind = None;
    assert!(!session_readings(14400, &unknown_kind, &held).contains_key(TCP_1883));
}
