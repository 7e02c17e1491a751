//! The resource's session-timeout arguments: `session_timeout_seconds`,
//! `session_timeout_policy`, `load_balancer_listener_arns` and
//! `target_network_interface_ids`, with the computed `listener_timeouts` and
//! `target_network_interface_timeouts`.
//!
//! Plans say what each listener will really get, from its ARN or (when the
//! provider can ask AWS) from DescribeListeners; `strict` turns a shortfall
//! into an error. Apply sets what AWS lets us set; read reports what AWS
//! holds, so drift shows; destroy restores AWS's defaults.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use tf_provider::value::{Value, ValueList};
use tf_provider::Diagnostics;
use tokio::time::Instant;

use super::diagnostics::{attribute_path, error, warning};
use super::firewall_schema::FirewallState;
use crate::aws::{AwsError, Clients, Listener, SessionTimeouts};
use crate::rules::arn::ListenerArn;
use crate::rules::session::{
    self, check_session_timeout, kind_from_arn, listener_timeout, parse_network_interface_id, shortfall_message,
    untracked_targets_message, ListenerKind, Policy, ENI_DEFAULT, SEED_SESSION_TIMEOUT,
};
use crate::rules::AttrPath;

/// One value of `listener_timeouts`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ListenerTimeoutObject {
    pub seconds: Value<i64>,
    pub reason: Value<String>,
}

pub type ListenerTimeouts = Value<BTreeMap<String, Value<ListenerTimeoutObject>>>;
pub type InterfaceTimeouts = Value<BTreeMap<String, Value<i64>>>;

fn known_strings(list: &ValueList<Value<String>>) -> Option<Vec<String>> {
    match list {
        Value::Value(items) => items.iter().map(|i| i.as_ref_option().cloned()).collect(),
        Value::Null => Some(Vec::new()),
        Value::Unknown => None,
    }
}

/// The requested timeout; `None` while unknown. Absent means the seed's.
fn requested(state: &FirewallState) -> Option<u32> {
    match &state.session_timeout_seconds {
        Value::Value(v) => check_session_timeout(*v).ok(),
        Value::Null => Some(SEED_SESSION_TIMEOUT),
        Value::Unknown => None,
    }
}

fn policy(state: &FirewallState) -> Option<Policy> {
    match &state.session_timeout_policy {
        Value::Value(p) => Policy::parse(p),
        Value::Null => Some(Policy::Clamp),
        Value::Unknown => None,
    }
}

/// Checks that need no API call: ranges, names, ARN and id formats, and
/// the shortfalls an ARN alone proves under `strict`.
pub fn validate(diags: &mut Diagnostics, config: &FirewallState) {
    let path = |name| attribute_path(&AttrPath::attr(name));
    if let Value::Value(v) = &config.session_timeout_seconds {
        if let Err(detail) = check_session_timeout(*v) {
            error(
                diags,
                "Invalid session_timeout_seconds",
                detail,
                path("session_timeout_seconds"),
            );
        }
    }
    if let Value::Value(p) = &config.session_timeout_policy {
        if Policy::parse(p).is_none() {
            error(
                diags,
                "Invalid session_timeout_policy",
                format!(
                    "\"{p}\" is not one of \"clamp\" (set the most AWS allows and warn) or \"strict\" (fail the plan)."
                ),
                path("session_timeout_policy"),
            );
        }
    }
    // Both lists are sets, whose elements have no index in Terraform: a
    // diagnostic points at the set, and its detail names the element.
    if let Value::Value(ids) = &config.target_network_interface_ids {
        for id in ids {
            if let Some(Err(detail)) = id.as_ref_option().map(|id| parse_network_interface_id(id)) {
                error(
                    diags,
                    "Invalid network interface id",
                    detail,
                    path("target_network_interface_ids"),
                );
            }
        }
    }
    let (requested, policy) = (requested(config), policy(config));
    if let Value::Value(arns) = &config.load_balancer_listener_arns {
        for arn in arns {
            let Some(arn) = arn.as_ref_option() else { continue };
            let at = path("load_balancer_listener_arns");
            match kind_from_arn(arn) {
                Err(detail) => error(diags, "Invalid listener ARN", detail, at),
                Ok(kind) => {
                    // Before any API call, strict fails where every
                    // listener of this kind falls short: an NLB's protocol
                    // is not known yet, but none of them exceeds 6000 s.
                    let certain = if kind == ListenerKind::Nlb {
                        ListenerKind::NlbTcp
                    } else {
                        kind
                    };
                    if let (Some(requested), Some(Policy::Strict)) = (requested, policy) {
                        let outcome = listener_timeout(certain, requested);
                        if let Some(message) = shortfall_message(arn, requested, &outcome) {
                            error(
                                diags,
                                format!("Session timeout not possible on listener {}", short_listener(arn)),
                                strict_detail(message),
                                at,
                            );
                        }
                    }
                }
            }
        }
    }
}

/// `<load balancer name>/<listener id>`: enough to tell listeners apart in
/// a summary line; the detail gives the whole ARN.
fn short_listener(arn: &str) -> String {
    ListenerArn::parse(arn).map_or_else(|| arn.to_string(), |l| l.short_name())
}

fn strict_detail(message: String) -> String {
    format!(
        "{message} session_timeout_policy is \"strict\": lower session_timeout_seconds to at most what every \
         listener takes, or set the policy to \"clamp\" to accept the effective values."
    )
}

/// Kinds of listeners, learned from AWS, by ARN: filled by reads and plans
/// of one provider process, so that a plan after a refresh asks nothing new.
pub type KindCache = std::sync::Mutex<HashMap<String, Option<ListenerKind>>>;

/// Looks up the kinds of `arns` not yet in `cache`: one DescribeListeners
/// and one DescribeLoadBalancers for all of them. A failure is not
/// reported: the ARNs then decide, and apply confirms.
pub async fn learn_kinds(clients: &Clients, cache: &KindCache, arns: &[String], deadline: Instant) {
    let missing = not_cached(cache, arns);
    if missing.is_empty() {
        return;
    }
    let found = SessionTimeouts::new(clients)
        .describe_listeners(&missing, deadline)
        .await;
    learned(cache, &missing, found);
}

fn not_cached(cache: &KindCache, arns: &[String]) -> Vec<String> {
    let known = cache.lock().unwrap_or_else(|p| p.into_inner());
    arns.iter().filter(|a| !known.contains_key(*a)).cloned().collect()
}

/// Records what DescribeListeners answered for `asked`. After a failure the
/// ARNs' own kinds are recorded (what `cached_kind` would take anyway), so
/// that later plans of this process do not ask again; a read or apply that
/// reaches AWS replaces them, and what one learned meanwhile stays.
fn learned(cache: &KindCache, asked: &[String], found: Result<Vec<Listener>, AwsError>) {
    match found {
        Ok(listeners) => remember(cache, &listeners),
        Err(_) => {
            let mut known = cache.lock().unwrap_or_else(|p| p.into_inner());
            for arn in asked {
                known.entry(arn.clone()).or_insert_with(|| kind_from_arn(arn).ok());
            }
        }
    }
}

fn cached_kind(cache: &KindCache, arn: &str) -> Option<ListenerKind> {
    let known = cache.lock().unwrap_or_else(|p| p.into_inner());
    match known.get(arn) {
        Some(kind) => *kind,
        None => kind_from_arn(arn).ok(),
    }
}

/// Fills the planned session attributes and reports what each listener
/// will really get: a warning under `clamp`, an error under `strict`.
pub fn plan(diags: &mut Diagnostics, config: &FirewallState, state: &mut FirewallState, cache: &KindCache) {
    let requested = requested(config);
    let policy = policy(config);
    // Absent arguments stay absent (they mean the seed's 14,400 s and
    // "clamp"), so that an imported group's generated configuration need
    // not spell them out.
    state.session_timeout_seconds = config.session_timeout_seconds;
    state.session_timeout_policy = config.session_timeout_policy.clone();
    let interfaces = known_strings(&config.target_network_interface_ids);
    state.target_network_interface_timeouts = match (&interfaces, requested) {
        (Some(ids), Some(r)) => Value::Value(ids.iter().map(|id| (id.clone(), Value::Value(i64::from(r)))).collect()),
        _ => Value::Unknown,
    };
    let Some(arns) = known_strings(&config.load_balancer_listener_arns) else {
        state.listener_timeouts = Value::Unknown;
        return;
    };
    let mut timeouts = BTreeMap::new();
    let mut longest_nlb: Option<(u32, String)> = None;
    for arn in &arns {
        // A set: its elements have no index; the messages name the listener.
        let at = attribute_path(&AttrPath::attr("load_balancer_listener_arns"));
        let (Some(requested), Some(kind)) = (requested, cached_kind(cache, arn)) else {
            timeouts.insert(arn.clone(), Value::Unknown);
            continue;
        };
        let outcome = listener_timeout(kind, requested);
        if let Some(message) = shortfall_message(arn, requested, &outcome) {
            // Terraform folds warnings with one summary into one; naming the
            // listener keeps one warning per listener.
            let short = short_listener(arn);
            match policy {
                Some(Policy::Strict) => error(
                    diags,
                    format!("Session timeout not possible on listener {short}"),
                    strict_detail(message),
                    at.clone(),
                ),
                _ => warning(
                    diags,
                    format!(
                        "Session timeout reduced to {} s on listener {short}",
                        outcome.seconds.unwrap_or(0)
                    ),
                    message,
                    at.clone(),
                ),
            }
        }
        // An ALB ends connections itself; an NLB passes them to targets
        // that must track them at least as long.
        if !matches!(kind, ListenerKind::Alb) {
            if let Some(seconds) = outcome.seconds {
                longest_nlb = longest_nlb.max(Some((seconds, arn.clone())));
            }
        }
        timeouts.insert(arn.clone(), outcome_object(&outcome));
    }
    state.listener_timeouts = Value::Value(timeouts);
    if interfaces.as_ref().is_some_and(|ids| ids.is_empty()) {
        if let Some(message) = longest_nlb.and_then(|(seconds, arn)| untracked_targets_message(&arn, seconds)) {
            let at = attribute_path(&AttrPath::attr("target_network_interface_ids"));
            warning(diags, "Targets may drop long connections", message, at);
        }
    }
}

fn outcome_object(outcome: &session::ListenerTimeout) -> Value<ListenerTimeoutObject> {
    match outcome.seconds {
        Some(seconds) => Value::Value(ListenerTimeoutObject {
            seconds: Value::Value(i64::from(seconds)),
            reason: outcome.reason.clone().map_or(Value::Null, Value::Value),
        }),
        None => Value::Unknown,
    }
}

/// What `state`'s listeners and interfaces hold in AWS now.
pub async fn read(
    clients: &Clients,
    cache: &KindCache,
    state: &mut FirewallState,
    deadline: Instant,
) -> Result<(), AwsError> {
    let aws = SessionTimeouts::new(clients);
    let requested = requested(state).unwrap_or(SEED_SESSION_TIMEOUT);
    let arns = known_strings(&state.load_balancer_listener_arns).unwrap_or_default();
    if !arns.is_empty() {
        let listeners = aws.describe_listeners(&arns, deadline).await?;
        remember(cache, &listeners);
        let mut timeouts = BTreeMap::new();
        // An ALB's timeout is its load balancer's: asked once per ALB.
        let mut albs: HashMap<&str, Option<u32>> = HashMap::new();
        for listener in &listeners {
            let Some(kind) = listener.kind else { continue };
            let outcome = listener_timeout(kind, requested);
            let held = match albs.get(listener.load_balancer_arn.as_str()) {
                Some(seconds) if kind == ListenerKind::Alb => *seconds,
                _ => aws.listener_timeout(listener, deadline).await?,
            };
            if kind == ListenerKind::Alb {
                albs.insert(&listener.load_balancer_arn, held);
            }
            let actual = held.or(outcome.seconds);
            timeouts.insert(
                listener.arn.clone(),
                Value::Value(ListenerTimeoutObject {
                    seconds: actual.map_or(Value::Null, |s| Value::Value(i64::from(s))),
                    reason: outcome.reason.clone().map_or(Value::Null, Value::Value),
                }),
            );
        }
        state.listener_timeouts = Value::Value(timeouts);
    } else if state.listener_timeouts.is_unknown() {
        state.listener_timeouts = Value::Value(BTreeMap::new());
    }
    let ids = known_strings(&state.target_network_interface_ids).unwrap_or_default();
    let actual = aws.interface_timeouts(&ids, deadline).await?;
    state.target_network_interface_timeouts = Value::Value(
        actual
            .into_iter()
            .map(|(id, s)| (id, s.map_or(Value::Null, |s| Value::Value(i64::from(s)))))
            .collect(),
    );
    Ok(())
}

fn remember(cache: &KindCache, listeners: &[Listener]) {
    let mut known = cache.lock().unwrap_or_else(|p| p.into_inner());
    for listener in listeners {
        known.insert(listener.arn.clone(), listener.kind);
    }
}

/// Makes AWS match `planned`: sets the listeners' and interfaces' timeouts
/// that differ from `prior`, restores AWS's defaults on those no longer
/// listed, and records the effective values.
pub async fn apply(
    clients: &Clients,
    cache: &KindCache,
    planned: &mut FirewallState,
    prior: Option<&FirewallState>,
    deadline: Instant,
) -> Result<(), AwsError> {
    let aws = SessionTimeouts::new(clients);
    let requested = requested(planned).unwrap_or(SEED_SESSION_TIMEOUT);
    let wanted = known_strings(&planned.load_balancer_listener_arns).unwrap_or_default();
    let before = prior
        .map(|p| known_strings(&p.load_balancer_listener_arns).unwrap_or_default())
        .unwrap_or_default();
    let prior_seconds = |arn: &str| -> Option<i64> {
        let map = prior?.listener_timeouts.as_ref_option()?;
        map.get(arn)?.as_ref_option()?.seconds.as_ref_option().copied()
    };
    let gone: Vec<String> = before.iter().filter(|a| !wanted.contains(a)).cloned().collect();
    // One DescribeListeners for all. Wanted listeners must exist; a listener
    // no longer wanted may be gone with its load balancer (nothing left to
    // restore), which fails the batch: then it is asked for alone.
    let all: Vec<String> = wanted.iter().chain(gone.iter()).cloned().collect();
    let listeners = match aws.describe_listeners(&all, deadline).await {
        Err(err) if err.code.as_deref() == Some("ListenerNotFound") && !gone.is_empty() => {
            let mut listeners = if wanted.is_empty() {
                Vec::new()
            } else {
                aws.describe_listeners(&wanted, deadline).await?
            };
            listeners.extend(existing_listeners(&aws, &gone, deadline).await?);
            listeners
        }
        other => other?,
    };
    remember(cache, &listeners);
    let by_arn: HashMap<&str, &Listener> = listeners.iter().map(|l| (l.arn.as_str(), l)).collect();

    let mut timeouts = BTreeMap::new();
    let mut albs_done = Vec::new();
    for arn in &wanted {
        let Some(listener) = by_arn.get(arn.as_str()) else {
            return Err(AwsError::other(
                "DescribeListeners",
                format!("listener {arn} was not found"),
            ));
        };
        let Some(kind) = listener.kind else {
            return Err(AwsError::other(
                "DescribeListeners",
                format!("listener {arn} has no idle timeout to set"),
            ));
        };
        let outcome = listener_timeout(kind, requested);
        if let (true, Some(seconds)) = (outcome.settable, outcome.seconds) {
            let alb_again = kind == ListenerKind::Alb && albs_done.contains(&listener.load_balancer_arn);
            if !alb_again && prior_seconds(arn) != Some(i64::from(seconds)) {
                aws.set_listener_timeout(listener, seconds, deadline).await?;
            }
            if kind == ListenerKind::Alb {
                albs_done.push(listener.load_balancer_arn.clone());
            }
        }
        timeouts.insert(arn.clone(), outcome_object(&outcome));
    }
    for arn in &gone {
        let Some(listener) = by_arn.get(arn.as_str()) else {
            continue;
        };
        // An ALB's timeout is its load balancer's: it stays while one of
        // its listeners is still listed, and is restored once.
        if listener.kind == Some(ListenerKind::Alb) {
            if albs_done.contains(&listener.load_balancer_arn) {
                continue;
            }
            albs_done.push(listener.load_balancer_arn.clone());
        }
        restore_listener(&aws, listener, deadline).await?;
    }
    planned.listener_timeouts = Value::Value(timeouts);

    let ids = known_strings(&planned.target_network_interface_ids).unwrap_or_default();
    let prior_ids = prior
        .map(|p| known_strings(&p.target_network_interface_ids).unwrap_or_default())
        .unwrap_or_default();
    let prior_eni = |id: &str| -> Option<i64> {
        prior?
            .target_network_interface_timeouts
            .as_ref_option()?
            .get(id)?
            .as_ref_option()
            .copied()
    };
    for id in &ids {
        if prior_eni(id) != Some(i64::from(requested)) {
            aws.set_interface_timeout(id, requested, deadline).await?;
        }
    }
    for id in prior_ids.iter().filter(|id| !ids.contains(id)) {
        ignore_missing_interface(aws.set_interface_timeout(id, ENI_DEFAULT, deadline).await)?;
    }
    planned.target_network_interface_timeouts = Value::Value(
        ids.iter()
            .map(|id| (id.clone(), Value::Value(i64::from(requested))))
            .collect(),
    );
    Ok(())
}

/// The listeners of `arns` that still exist. DescribeListeners fails the
/// whole batch on one missing listener (its load balancer deleted first);
/// then each is asked for alone, so the others are still found.
async fn existing_listeners(
    aws: &SessionTimeouts<'_>,
    arns: &[String],
    deadline: Instant,
) -> Result<Vec<Listener>, AwsError> {
    if arns.is_empty() {
        return Ok(Vec::new());
    }
    match aws.describe_listeners(arns, deadline).await {
        Err(err) if err.code.as_deref() == Some("ListenerNotFound") => {}
        other => return other,
    }
    let mut found = Vec::new();
    for arn in arns {
        match aws.describe_listeners(std::slice::from_ref(arn), deadline).await {
            Ok(listeners) => found.extend(listeners),
            Err(err) if err.code.as_deref() == Some("ListenerNotFound") => {}
            Err(err) => return Err(err),
        }
    }
    Ok(found)
}

/// Restoring a deleted interface's default has nothing left to do.
fn ignore_missing_interface(result: Result<(), AwsError>) -> Result<(), AwsError> {
    match result {
        Err(err) if err.code.as_deref() == Some("InvalidNetworkInterfaceID.NotFound") => Ok(()),
        other => other,
    }
}

async fn restore_listener(aws: &SessionTimeouts<'_>, listener: &Listener, deadline: Instant) -> Result<(), AwsError> {
    match listener.kind {
        Some(kind @ (ListenerKind::Alb | ListenerKind::NlbTcp)) => {
            aws.set_listener_timeout(listener, SessionTimeouts::default_timeout(kind), deadline)
                .await
        }
        _ => Ok(()),
    }
}

/// Leaves nothing of the firewall behind: AWS's default idle timeouts on
/// its listeners, AWS's default connection tracking on its interfaces.
pub async fn restore_defaults(clients: &Clients, state: &FirewallState, deadline: Instant) -> Result<(), AwsError> {
    let aws = SessionTimeouts::new(clients);
    let arns = known_strings(&state.load_balancer_listener_arns).unwrap_or_default();
    if !arns.is_empty() {
        let listeners = existing_listeners(&aws, &arns, deadline).await?;
        let mut albs_done = Vec::new();
        for listener in &listeners {
            if listener.kind == Some(ListenerKind::Alb) {
                if albs_done.contains(&listener.load_balancer_arn) {
                    continue;
                }
                albs_done.push(listener.load_balancer_arn.clone());
            }
            restore_listener(&aws, listener, deadline).await?;
        }
    }
    for id in known_strings(&state.target_network_interface_ids).unwrap_or_default() {
        ignore_missing_interface(aws.set_interface_timeout(&id, ENI_DEFAULT, deadline).await)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const NLB: &str =
        "arn:aws:elasticloadbalancing:eu-central-1:123456789012:listener/net/c8y/50dc6c495c0c9188/f2f7dc8efc522ab2";
    const ALB: &str =
        "arn:aws:elasticloadbalancing:eu-central-1:123456789012:listener/app/c8y/50dc6c495c0c9188/f2f7dc8efc522ab2";

    fn listener(arn: &str, kind: ListenerKind) -> Listener {
        Listener {
            arn: arn.to_string(),
            load_balancer_arn: String::new(),
            kind: Some(kind),
        }
    }

    #[test]
    fn a_failed_lookup_is_remembered_with_the_kinds_the_arns_give() {
        let cache = KindCache::default();
        let asked = vec![NLB.to_string(), ALB.to_string()];
        assert_eq!(not_cached(&cache, &asked), asked);
        learned(&cache, &asked, Err(AwsError::other("DescribeListeners", "unreachable")));
        assert!(not_cached(&cache, &asked).is_empty(), "a later plan asks again");
        assert_eq!(cached_kind(&cache, NLB), Some(ListenerKind::Nlb));
        assert_eq!(cached_kind(&cache, ALB), Some(ListenerKind::Alb));
    }

    #[test]
    fn a_failed_lookup_keeps_what_was_learned_and_answers_replace_guesses() {
        let cache = KindCache::default();
        remember(&cache, &[listener(NLB, ListenerKind::NlbTls)]);
        learned(
            &cache,
            &[NLB.to_string()],
            Err(AwsError::other("DescribeListeners", "unreachable")),
        );
        assert_eq!(cached_kind(&cache, NLB), Some(ListenerKind::NlbTls));
        learned(
            &cache,
            &[ALB.to_string()],
            Err(AwsError::other("DescribeListeners", "unreachable")),
        );
        learned(&cache, &[ALB.to_string()], Ok(vec![listener(ALB, ListenerKind::Alb)]));
        assert_eq!(cached_kind(&cache, ALB), Some(ListenerKind::Alb));
    }

    #[test]
    fn diagnostics_about_set_elements_point_at_the_set() {
        let config = FirewallState {
            session_timeout_policy: Value::Value("strict".into()),
            load_balancer_listener_arns: Value::Value(vec![
                Value::Value("arn:aws:nope".into()),
                Value::Value(NLB.to_string()),
            ]),
            target_network_interface_ids: Value::Value(vec![Value::Value("eni-xyz".into())]),
            ..Default::default()
        };
        let mut diags = Diagnostics::default();
        validate(&mut diags, &config);
        let paths: Vec<String> = diags.errors.iter().map(|d| d.attribute.to_string()).collect();
        assert_eq!(
            paths,
            [
                "target_network_interface_ids",
                "load_balancer_listener_arns",
                "load_balancer_listener_arns"
            ],
            "{:?}",
            diags.errors
        );
        assert!(diags.errors[1].detail.contains("arn:aws:nope"));
        assert!(diags.errors[2].detail.contains(NLB));

        let config = FirewallState {
            load_balancer_listener_arns: Value::Value(vec![Value::Value(ALB.to_string())]),
            target_network_interface_ids: Value::Null,
            ..config
        };
        let mut diags = Diagnostics::default();
        let mut state = config.clone();
        plan(&mut diags, &config, &mut state, &KindCache::default());
        assert_eq!(diags.errors.len(), 1, "{:?}", diags.errors);
        assert_eq!(diags.errors[0].attribute.to_string(), "load_balancer_listener_arns");
    }
}
