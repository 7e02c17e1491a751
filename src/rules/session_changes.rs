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
#[path = "session_changes_tests.rs"]
mod tests;
