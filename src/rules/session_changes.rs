//! Session timeouts wanted vs what the prior state recorded -> the idle
//! timeouts to set, the values to restore, and the places to read.
//!
//! A listener or interface the firewall stops managing (or all of them, on
//! destroy) gets back the value it had before this firewall first changed
//! it: the first change of a place reads its value first (`capture`), the
//! record keeps it (`SessionRecord::originals`), a restore uses it. Where
//! nothing was kept (a firewall imported with its timeouts already set, or
//! state written before values were kept), AWS's default is restored.
//!
//! The session-timeout counterpart of `diff`: the `aws` layer describes the
//! listeners, these functions decide, and the `aws` layer carries the
//! decision out. Deciding here, without I/O, is what keeps "each ALB once"
//! in one place: an ALB's idle timeout is its load balancer's, shared by
//! all its listeners, so it is set, restored and read once however many of
//! its listeners a firewall lists; an NLB TCP listener's is its own; TLS,
//! UDP and TCP_UDP listeners have none to change.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::session::{
    listener_timeout, Listener, ListenerKind, ListenerTimeout, ALB_DEFAULT, ENI_DEFAULT, NLB_TCP_DEFAULT,
};

/// Where AWS keeps a listener's idle timeout, for the listeners whose
/// timeout can be changed.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SessionPlace {
    /// An NLB TCP listener's own attribute (`tcp.idle_timeout.seconds`),
    /// by listener ARN.
    Listener(String),
    /// An ALB's attribute (`idle_timeout.timeout_seconds`), by load
    /// balancer ARN: one for all of its listeners.
    LoadBalancer(String),
}

impl SessionPlace {
    /// Where `listener`'s timeout lives; `None` when AWS fixes it (or the
    /// kind is not known).
    pub fn of(listener: &Listener) -> Option<SessionPlace> {
        match listener.kind? {
            ListenerKind::NlbTcp => Some(SessionPlace::Listener(listener.arn.clone())),
            ListenerKind::Alb => Some(SessionPlace::LoadBalancer(listener.load_balancer_arn.clone())),
            _ => None,
        }
    }

    /// The ARN of the listener or load balancer that holds the value.
    pub fn arn(&self) -> &str {
        match self {
            SessionPlace::Listener(arn) | SessionPlace::LoadBalancer(arn) => arn,
        }
    }

    /// The timeout AWS gives this place when nobody sets one.
    pub fn aws_default(&self) -> u32 {
        match self {
            SessionPlace::Listener(_) => NLB_TCP_DEFAULT,
            SessionPlace::LoadBalancer(_) => ALB_DEFAULT,
        }
    }
}

/// What a firewall's configuration asks for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SessionWanted {
    /// The requested session timeout (`session_timeout_seconds`).
    pub seconds: u32,
    /// Listener ARNs whose idle timeout the firewall manages, in the
    /// configuration's order (which is the order of the calls).
    pub listeners: Vec<String>,
    /// Target network interfaces whose connection tracking it manages.
    pub interfaces: Vec<String>,
}

/// What the prior state says the firewall manages and set.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SessionRecord {
    /// The listener ARNs it managed, in the state's order.
    pub listeners: Vec<String>,
    /// The timeout recorded for each listener, where one is.
    pub listener_seconds: BTreeMap<String, u32>,
    /// The interfaces it managed, in the state's order.
    pub interfaces: Vec<String>,
    /// The connection tracking recorded for each interface, where one is.
    pub interface_seconds: BTreeMap<String, u32>,
    /// What each place (by its ARN, `SessionPlace::arn`) and interface (by
    /// id) held before this firewall first changed it.
    pub originals: BTreeMap<String, u32>,
}

impl SessionRecord {
    /// The listeners managed before and no longer wanted: their timeouts
    /// go back to AWS's defaults, if they still exist.
    pub fn gone_listeners(&self, wanted: &SessionWanted) -> Vec<String> {
        self.listeners
            .iter()
            .filter(|arn| !wanted.listeners.contains(arn))
            .cloned()
            .collect()
    }
}

/// What to do on AWS, in this order, and what to record afterwards.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SessionChanges {
    /// Idle timeouts to set: each place once, only where the prior state
    /// does not record the value already.
    pub set: Vec<(SessionPlace, u32)>,
    /// Places of listeners no longer managed that go back to their
    /// original (else AWS's default), each once, and never one a managed
    /// listener still shares.
    pub restore: Vec<(SessionPlace, u32)>,
    /// Interfaces whose connection tracking is set (id, seconds).
    pub set_interfaces: Vec<(String, u32)>,
    /// Interfaces no longer managed, given back their original (id,
    /// seconds). One deleted meanwhile has nothing left to restore.
    pub restore_interfaces: Vec<(String, u32)>,
    /// Places about to be changed for the first time: their values are read
    /// before any change, and kept (`with_captured`).
    pub capture: Vec<SessionPlace>,
    /// Interfaces about to be changed for the first time, likewise.
    pub capture_interfaces: Vec<String>,
    /// What each wanted listener gets, by ARN: the state's
    /// `listener_timeouts` once the changes are made.
    pub listeners: BTreeMap<String, ListenerTimeout>,
    /// What each wanted interface gets, by id.
    pub interfaces: BTreeMap<String, u32>,
}

/// Why a wanted listener's timeout cannot be decided: what AWS described
/// does not allow it. Apply stops before any change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unsettable {
    /// AWS did not describe the listener (by ARN).
    NotDescribed(String),
    /// The listener's kind has no idle timeout (by ARN).
    NoIdleTimeout(String),
}

/// The changes that bring AWS from `prior` to `wanted`, given the listeners
/// AWS described (the wanted ones and those of `prior.gone_listeners` that
/// still exist).
pub fn session_changes(
    wanted: &SessionWanted,
    prior: &SessionRecord,
    described: &[Listener],
) -> Result<SessionChanges, Unsettable> {
    let by_arn = by_arn(described);
    let mut changes = SessionChanges::default();
    // Each place is decided once: by the first wanted listener that lives
    // there, then by no other, wanted or gone.
    let mut decided = BTreeSet::new();
    for arn in &wanted.listeners {
        let listener = by_arn
            .get(arn.as_str())
            .ok_or_else(|| Unsettable::NotDescribed(arn.clone()))?;
        let kind = listener.kind.ok_or_else(|| Unsettable::NoIdleTimeout(arn.clone()))?;
        let outcome = listener_timeout(kind, wanted.seconds);
        if let (true, Some(seconds), Some(place)) = (outcome.settable, outcome.seconds, SessionPlace::of(listener)) {
            if decided.insert(place.clone()) && prior.listener_seconds.get(arn) != Some(&seconds) {
                if !prior.originals.contains_key(place.arn()) {
                    changes.capture.push(place.clone());
                }
                changes.set.push((place, seconds));
            }
        }
        changes.listeners.insert(arn.clone(), outcome);
    }
    changes.restore = restores(&prior.gone_listeners(wanted), &by_arn, &mut decided, &prior.originals);
    for id in &wanted.interfaces {
        if prior.interface_seconds.get(id) != Some(&wanted.seconds) {
            if !prior.originals.contains_key(id) {
                changes.capture_interfaces.push(id.clone());
            }
            changes.set_interfaces.push((id.clone(), wanted.seconds));
        }
        changes.interfaces.insert(id.clone(), wanted.seconds);
    }
    let gone: Vec<&String> = prior
        .interfaces
        .iter()
        .filter(|id| !wanted.interfaces.contains(id))
        .collect();
    changes.restore_interfaces = interface_restores(gone, &prior.originals);
    Ok(changes)
}

/// The originals a firewall keeps once `changes.capture` and
/// `capture_interfaces` are read: those kept before, plus the values read
/// (`captured`, by place ARN or interface id; `None` where AWS reported no
/// value, meaning its default). A value kept before is never replaced.
pub fn with_captured(
    kept: &BTreeMap<String, u32>,
    changes: &SessionChanges,
    captured: &BTreeMap<String, Option<u32>>,
) -> BTreeMap<String, u32> {
    let mut originals = kept.clone();
    for place in &changes.capture {
        let value = captured.get(place.arn()).copied().flatten();
        originals
            .entry(place.arn().to_string())
            .or_insert_with(|| value.unwrap_or_else(|| place.aws_default()));
    }
    for id in &changes.capture_interfaces {
        let value = captured.get(id).copied().flatten();
        originals
            .entry(id.clone())
            .or_insert_with(|| value.unwrap_or(ENI_DEFAULT));
    }
    originals
}

/// The originals a firewall keeps once `changes` are made: the places and
/// interfaces it gave back are forgotten.
pub fn without_restored(kept: &BTreeMap<String, u32>, changes: &SessionChanges) -> BTreeMap<String, u32> {
    let mut originals = kept.clone();
    for (place, _) in &changes.restore {
        originals.remove(place.arn());
    }
    for (id, _) in &changes.restore_interfaces {
        originals.remove(id);
    }
    originals
}

fn interface_restores<'a>(
    ids: impl IntoIterator<Item = &'a String>,
    originals: &BTreeMap<String, u32>,
) -> Vec<(String, u32)> {
    ids.into_iter()
        .map(|id| (id.clone(), originals.get(id).copied().unwrap_or(ENI_DEFAULT)))
        .collect()
}

/// Destroy: everything `prior` manages goes back to its original, else
/// AWS's default (the listeners among `described`, which still exist), each
/// place once.
pub fn session_restores(prior: &SessionRecord, described: &[Listener]) -> SessionChanges {
    SessionChanges {
        restore: restores(
            &prior.listeners,
            &by_arn(described),
            &mut BTreeSet::new(),
            &prior.originals,
        ),
        restore_interfaces: interface_restores(&prior.interfaces, &prior.originals),
        ..SessionChanges::default()
    }
}

/// The places to read for `described`'s timeouts, each once, in the order
/// their listeners come.
pub fn session_reads(described: &[Listener]) -> Vec<SessionPlace> {
    let mut seen = BTreeSet::new();
    described
        .iter()
        .filter_map(SessionPlace::of)
        .filter(|place| seen.insert(place.clone()))
        .collect()
}

/// What each described listener has now, by ARN, from what its place holds
/// (`held`, as read; `None` where AWS reports no value, meaning its default);
/// a listener whose timeout AWS fixes has the fixed value. The reason is the
/// one for `requested`, whatever AWS holds, so that a plan explains a
/// shortfall the same way before and after a refresh. Listeners of kinds
/// without an idle timeout are left out.
pub fn session_readings(
    requested: u32,
    described: &[Listener],
    held: &BTreeMap<SessionPlace, Option<u32>>,
) -> BTreeMap<String, ListenerTimeout> {
    let mut readings = BTreeMap::new();
    for listener in described {
        let Some(kind) = listener.kind else { continue };
        let mut outcome = listener_timeout(kind, requested);
        if let Some(place) = SessionPlace::of(listener) {
            let value = held.get(&place).copied().flatten();
            outcome.seconds = Some(value.unwrap_or_else(|| place.aws_default()));
        }
        readings.insert(listener.arn.clone(), outcome);
    }
    readings
}

fn by_arn(described: &[Listener]) -> HashMap<&str, &Listener> {
    described.iter().map(|l| (l.arn.as_str(), l)).collect()
}

/// The restores for `arns`, in that order, each to its original (else
/// AWS's default): a listener AWS no longer describes has nothing left to
/// restore; a place already decided (one a wanted listener shares, or
/// restored already) is left alone.
fn restores(
    arns: &[String],
    by_arn: &HashMap<&str, &Listener>,
    decided: &mut BTreeSet<SessionPlace>,
    originals: &BTreeMap<String, u32>,
) -> Vec<(SessionPlace, u32)> {
    arns.iter()
        .filter_map(|arn| SessionPlace::of(by_arn.get(arn.as_str())?))
        .filter(|place| decided.insert(place.clone()))
        .map(|place| {
            let seconds = originals
                .get(place.arn())
                .copied()
                .unwrap_or_else(|| place.aws_default());
            (place, seconds)
        })
        .collect()
}

#[cfg(test)]
mod tests {
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
}
