//! The resource's session-timeout arguments: `session_timeout_seconds`,
//! `session_timeout_policy`, `load_balancer_listener_arns` and
//! `target_network_interface_ids`, with the computed `listener_timeouts` and
//! `target_network_interface_timeouts`.
//!
//! Plans say what each listener will really get, from its ARN or (when the
//! provider can ask AWS) from DescribeListeners; `strict` turns a shortfall
//! into an error. Apply sets what AWS lets us set; read reports what AWS
//! holds, so drift shows; destroy restores AWS's defaults. This module only
//! translates: what to change and read is decided in `rules`
//! (`session_changes`, `session_reads`) and carried out by
//! `aws::SessionTimeouts`; here are the plan-time checks and warnings and
//! the conversions between Terraform values and those decisions.

use std::collections::BTreeMap;

use tf_provider::value::{Value, ValueList};
use tf_provider::Diagnostics;
use tokio::time::Instant;

use crate::aws::{AwsError, Clients, ListenerKinds, SessionTimeouts};
use crate::provider::common::diagnostics::{attribute_path, aws_error, error, warning};
use crate::provider::common::values::optional;
use crate::provider::firewall::schema::{FirewallState, ListenerTimeoutObject};
use crate::rules::arn::ListenerArn;
use crate::rules::session::{
    self, check_session_timeout, kind_from_arn, listener_timeout, parse_network_interface_id, shortfall_message,
    untracked_targets_message, ListenerKind, Policy, DOCUMENTED_SESSION_TIMEOUT,
};
use crate::rules::{
    session_changes, session_readings, session_reads, session_restores, with_captured, without_restored, AttrPath,
    SessionRecord, SessionWanted, Unsettable,
};

fn known_strings(list: &ValueList<Value<String>>) -> Option<Vec<String>> {
    match list {
        Value::Value(items) => items.iter().map(|i| i.as_ref_option().cloned()).collect(),
        Value::Null => Some(Vec::new()),
        Value::Unknown => None,
    }
}

/// The requested timeout; `None` while unknown. Absent means the firewall document's 14,400 s.
fn requested(state: &FirewallState) -> Option<u32> {
    match &state.session_timeout_seconds {
        Value::Value(v) => check_session_timeout(*v).ok(),
        Value::Null => Some(DOCUMENTED_SESSION_TIMEOUT),
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

/// Fills the planned session attributes and reports what each listener
/// will really get: a warning under `clamp`, an error under `strict`.
pub fn plan(diags: &mut Diagnostics, config: &FirewallState, state: &mut FirewallState, kinds: &ListenerKinds) {
    let requested = requested(config);
    let policy = policy(config);
    // Absent arguments stay absent (they mean the firewall document's 14,400 s and
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
        let (Some(requested), Some(kind)) = (requested, kinds.kind(arn)) else {
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

/// What `state`'s listeners and interfaces hold in AWS now, so that drift
/// shows in the next plan.
pub async fn read(
    clients: &Clients,
    kinds: &ListenerKinds,
    state: &mut FirewallState,
    deadline: Instant,
) -> Result<(), AwsError> {
    let aws = SessionTimeouts::new(clients);
    let requested = requested(state).unwrap_or(DOCUMENTED_SESSION_TIMEOUT);
    let arns = known_strings(&state.load_balancer_listener_arns).unwrap_or_default();
    if !arns.is_empty() {
        // A listener deleted outside Terraform drops out of
        // `listener_timeouts` (drift the next plan shows), rather than
        // failing every refresh: the user can then remove its ARN.
        let listeners = aws.existing_listeners(&arns, deadline).await?;
        kinds.remember(&listeners);
        let held = aws.read(&session_reads(&listeners), deadline).await?;
        let readings = session_readings(requested, &listeners, &held);
        state.listener_timeouts = Value::Value(
            readings
                .into_iter()
                .map(|(arn, reading)| {
                    let object = ListenerTimeoutObject {
                        seconds: optional(reading.seconds.map(i64::from)),
                        reason: optional(reading.reason),
                    };
                    (arn, Value::Value(object))
                })
                .collect(),
        );
    } else if state.listener_timeouts.is_unknown() {
        state.listener_timeouts = Value::Value(BTreeMap::new());
    }
    let ids = known_strings(&state.target_network_interface_ids).unwrap_or_default();
    // Likewise an interface deleted outside Terraform (a replaced target).
    let actual = aws.existing_interface_timeouts(&ids, deadline).await?;
    state.target_network_interface_timeouts = Value::Value(
        actual
            .into_iter()
            .map(|(id, s)| (id, optional(s.map(i64::from))))
            .collect(),
    );
    Ok(())
}

/// Why the session timeouts could not be applied: an AWS call failed, or
/// what AWS described of a wanted listener does not allow its timeout to be
/// set (`rules::Unsettable`, found before any change).
#[derive(Debug)]
pub enum SessionFailure {
    /// An AWS call failed.
    Aws(AwsError),
    /// A wanted listener's timeout cannot be set.
    Unsettable(Unsettable),
}

impl From<AwsError> for SessionFailure {
    fn from(err: AwsError) -> SessionFailure {
        SessionFailure::Aws(err)
    }
}

impl From<Unsettable> for SessionFailure {
    fn from(unsettable: Unsettable) -> SessionFailure {
        SessionFailure::Unsettable(unsettable)
    }
}

/// The diagnostic of a failed apply of the session timeouts: an AWS failure
/// as every other; a listener whose timeout cannot be set on
/// `load_balancer_listener_arns`, saying what to do.
pub fn report_failure(diags: &mut Diagnostics, failure: &SessionFailure) {
    let at = tf_provider::AttributePath::new("load_balancer_listener_arns");
    match failure {
        SessionFailure::Aws(err) => aws_error(diags, err),
        SessionFailure::Unsettable(Unsettable::NotDescribed(arn)) => error(
            diags,
            "A load balancer listener does not exist",
            format!(
                "AWS does not describe listener {arn}. If it was deleted outside Terraform, remove its ARN from \
                 `load_balancer_listener_arns`; otherwise check the ARN and that it is in the firewall's Region."
            ),
            at,
        ),
        SessionFailure::Unsettable(Unsettable::NoIdleTimeout(arn)) => error(
            diags,
            "A listener without an idle timeout",
            format!(
                "AWS describes listener {arn} as one whose idle timeout cannot be changed. Remove its ARN from \
                 `load_balancer_listener_arns`."
            ),
            at,
        ),
    }
}

/// Makes AWS match `planned`: sets the listeners' and interfaces' timeouts
/// that differ from `prior`, gives those no longer listed back what they had
/// before the firewall first changed them (`originals`, the private state's,
/// updated here: a place changed for the first time is read first), and
/// records the effective values. What to change is
/// `rules::session_changes`'s decision; `aws::SessionTimeouts` carries it
/// out. `originals` holds what was read even when a later call fails.
pub async fn apply(
    clients: &Clients,
    kinds: &ListenerKinds,
    planned: &mut FirewallState,
    prior: Option<&FirewallState>,
    originals: &mut BTreeMap<String, u32>,
    deadline: Instant,
) -> Result<(), SessionFailure> {
    let aws = SessionTimeouts::new(clients);
    let wanted = wanted(planned);
    let prior = match prior {
        Some(prior) => record(prior, originals),
        None => SessionRecord::default(),
    };
    let listeners = aws
        .describe_for_change(&wanted.listeners, &prior.gone_listeners(&wanted), deadline)
        .await?;
    kinds.remember(&listeners);
    let changes = session_changes(&wanted, &prior, &listeners)?;
    let captured = aws.capture(&changes, deadline).await?;
    *originals = with_captured(originals, &changes, &captured);
    aws.change_listeners(&changes, deadline).await?;
    planned.listener_timeouts = Value::Value(
        changes
            .listeners
            .iter()
            .map(|(arn, outcome)| (arn.clone(), outcome_object(outcome)))
            .collect(),
    );
    aws.change_interfaces(&changes, deadline).await?;
    *originals = without_restored(originals, &changes);
    planned.target_network_interface_timeouts = Value::Value(
        changes
            .interfaces
            .iter()
            .map(|(id, seconds)| (id.clone(), Value::Value(i64::from(*seconds))))
            .collect(),
    );
    Ok(())
}

/// Leaves nothing of the firewall behind: its listeners (those that still
/// exist) and interfaces get back the values they had before it first
/// changed them (`originals`), else AWS's defaults.
pub async fn restore_originals(
    clients: &Clients,
    state: &FirewallState,
    originals: &BTreeMap<String, u32>,
    deadline: Instant,
) -> Result<(), AwsError> {
    let aws = SessionTimeouts::new(clients);
    let prior = record(state, originals);
    let listeners = aws.existing_listeners(&prior.listeners, deadline).await?;
    let changes = session_restores(&prior, &listeners);
    aws.change_listeners(&changes, deadline).await?;
    aws.change_interfaces(&changes, deadline).await
}

/// What a planned state asks for (the Cumulocity firewall document's
/// 14,400 s when unset).
fn wanted(planned: &FirewallState) -> SessionWanted {
    SessionWanted {
        seconds: requested(planned).unwrap_or(DOCUMENTED_SESSION_TIMEOUT),
        listeners: known_strings(&planned.load_balancer_listener_arns).unwrap_or_default(),
        interfaces: known_strings(&planned.target_network_interface_ids).unwrap_or_default(),
    }
}

/// What a state records of its listeners and interfaces, with the
/// originals its private state keeps. A recorded value that is no timeout
/// AWS could hold is left out, so it is set again.
fn record(state: &FirewallState, originals: &BTreeMap<String, u32>) -> SessionRecord {
    let seconds = |value: Option<&i64>| value.and_then(|s| u32::try_from(*s).ok());
    SessionRecord {
        listeners: known_strings(&state.load_balancer_listener_arns).unwrap_or_default(),
        listener_seconds: state
            .listener_timeouts
            .as_ref_option()
            .into_iter()
            .flatten()
            .filter_map(|(arn, object)| {
                let recorded = object.as_ref_option()?.seconds.as_ref_option();
                Some((arn.clone(), seconds(recorded)?))
            })
            .collect(),
        interfaces: known_strings(&state.target_network_interface_ids).unwrap_or_default(),
        interface_seconds: state
            .target_network_interface_timeouts
            .as_ref_option()
            .into_iter()
            .flatten()
            .filter_map(|(id, value)| Some((id.clone(), seconds(value.as_ref_option())?)))
            .collect(),
        originals: originals.clone(),
    }
}

/// After a failed update: the session values are what they were.
pub fn keep_prior_session_values(state: &mut FirewallState, prior: &FirewallState) {
    state.listener_timeouts = prior.listener_timeouts.clone();
    state.target_network_interface_timeouts = prior.target_network_interface_timeouts.clone();
    settle_session_values(state);
}

/// After a failed apply, Terraform needs known values: what is not known is
/// recorded as empty, and the next refresh reads what AWS holds.
pub fn settle_session_values(state: &mut FirewallState) {
    if let Value::Value(map) = &mut state.listener_timeouts {
        map.retain(|_, v| !v.is_unknown());
    } else {
        state.listener_timeouts = Value::Value(BTreeMap::new());
    }
    if !matches!(state.target_network_interface_timeouts, Value::Value(_)) {
        state.target_network_interface_timeouts = Value::Value(BTreeMap::new());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::{ALB_LISTENER_ARN as ALB, NLB_LISTENER_ARN as NLB};

    #[test]
    fn a_listener_whose_timeout_cannot_be_set_is_told_on_the_listener_arns() {
        for (unsettable, summary) in [
            (
                Unsettable::NotDescribed(NLB.to_string()),
                "A load balancer listener does not exist",
            ),
            (
                Unsettable::NoIdleTimeout(NLB.to_string()),
                "A listener without an idle timeout",
            ),
        ] {
            let mut diags = Diagnostics::default();
            report_failure(&mut diags, &SessionFailure::Unsettable(unsettable));
            let [only] = diags.errors.as_slice() else {
                panic!("one error: {:?}", diags.errors)
            };
            assert_eq!(only.summary, summary);
            assert_eq!(only.attribute.to_string(), "load_balancer_listener_arns");
            assert!(
                only.detail.contains(NLB) && only.detail.to_lowercase().contains("remove its arn"),
                "{}",
                only.detail
            );
        }
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
        plan(&mut diags, &config, &mut state, &ListenerKinds::default());
        assert_eq!(diags.errors.len(), 1, "{:?}", diags.errors);
        assert_eq!(diags.errors[0].attribute.to_string(), "load_balancer_listener_arns");
    }
}
