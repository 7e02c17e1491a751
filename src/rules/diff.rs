//! Desired rules vs the rules a group holds -> the changes that make AWS
//! match, and nothing more.
//!
//! A rule is matched by its `RuleKey` (direction, protocol, ports, peer):
//! a kept rule keeps its `sgr-` id; a rule whose description alone differs is
//! updated in place rather than revoked and authorized again, so that it
//! never disappears, not even for a moment.

use std::collections::{BTreeMap, BTreeSet};

use super::model::{Direction, Rule, RuleKey};

/// A rule a security group holds, with the id AWS gave it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppliedRule {
    /// The rule's id (`sgr-...`).
    pub id: String,
    /// The rule as the group holds it.
    pub rule: Rule,
}

/// What to change on one group.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RuleChanges {
    /// Rule ids to revoke, by direction.
    pub revoke: BTreeMap<Direction, Vec<String>>,
    /// Rules to authorize, by direction.
    pub authorize: BTreeMap<Direction, Vec<Rule>>,
    /// Rules to keep whose description must change: (id, rule as desired).
    pub describe: Vec<(String, Rule)>,
}

impl RuleChanges {
    /// Whether nothing needs to change: the group already matches.
    pub fn is_empty(&self) -> bool {
        self.revoke.values().all(Vec::is_empty)
            && self.authorize.values().all(Vec::is_empty)
            && self.describe.is_empty()
    }
}

/// The changes that make the rules a group holds (`actual`) the `desired`
/// ones: revoke the rules no desired key matches, authorize the desired
/// keys the group lacks, and update the description of a kept rule whose
/// description differs. A rule that matches in key and description is left
/// alone.
pub fn diff(desired: &[Rule], actual: &[AppliedRule]) -> RuleChanges {
    let actual_by_key: BTreeMap<&RuleKey, &AppliedRule> = actual.iter().map(|a| (&a.rule.key, a)).collect();
    let desired_by_key: BTreeMap<&RuleKey, &Rule> = desired.iter().map(|d| (&d.key, d)).collect();
    let mut changes = RuleChanges::default();
    for rule in desired {
        match actual_by_key.get(&rule.key) {
            None => changes
                .authorize
                .entry(rule.key.direction)
                .or_default()
                .push(rule.clone()),
            Some(applied) if applied.rule.description != rule.description => {
                changes.describe.push((applied.id.clone(), rule.clone()))
            }
            Some(_) => {}
        }
    }
    for applied in actual {
        if !desired_by_key.contains_key(&applied.rule.key) {
            changes
                .revoke
                .entry(applied.rule.key.direction)
                .or_default()
                .push(applied.id.clone());
        }
    }
    changes
}

/// The rules a group holds after `changes` were applied to `before`, given
/// the rules the Authorize calls answered with (`authorized`, with their new
/// ids): so an update need not read the group back, which on AWS could also
/// miss rules just added (eventual consistency). `None` when `authorized`
/// does not account for exactly the rules asked for (an answer that lists
/// fewer, as some emulators give): then only reading the group tells.
pub fn after_changes(
    before: &[AppliedRule],
    changes: &RuleChanges,
    authorized: &[AppliedRule],
) -> Option<Vec<AppliedRule>> {
    let asked: BTreeSet<&RuleKey> = changes.authorize.values().flatten().map(|r| &r.key).collect();
    let answered: BTreeSet<&RuleKey> = authorized.iter().map(|a| &a.rule.key).collect();
    if asked != answered || answered.len() != authorized.len() {
        return None;
    }
    let revoked: BTreeSet<&String> = changes.revoke.values().flatten().collect();
    let described: BTreeMap<&String, &Rule> = changes.describe.iter().map(|(id, rule)| (id, rule)).collect();
    let mut after: Vec<AppliedRule> = before
        .iter()
        .filter(|a| !revoked.contains(&a.id))
        .map(|a| {
            let mut kept = a.clone();
            if let Some(desired) = described.get(&a.id) {
                kept.rule.description = desired.description.clone();
            }
            kept
        })
        .chain(authorized.iter().cloned())
        .collect();
    after.sort_by(|a, b| a.rule.key.cmp(&b.rule.key));
    Some(after)
}

/// The desired rules with the ids of the rules already in place: `None` for
/// a rule that does not exist yet. Used at plan time, so that a plan shows
/// exactly which rules keep their ids and which are new.
pub fn with_known_ids(desired: &[Rule], actual: &[AppliedRule]) -> Vec<(Option<String>, Rule)> {
    let ids: BTreeMap<&RuleKey, &str> = actual.iter().map(|a| (&a.rule.key, a.id.as_str())).collect();
    desired
        .iter()
        .map(|rule| (ids.get(&rule.key).map(|id| id.to_string()), rule.clone()))
        .collect()
}

/// Gives desired rules that already exist the descriptions they have: for a
/// firewall told to leave descriptions alone (a hand-made group, imported).
pub fn keep_descriptions(desired: &mut [Rule], actual: &[AppliedRule]) {
    let existing: BTreeMap<&RuleKey, &Option<String>> =
        actual.iter().map(|a| (&a.rule.key, &a.rule.description)).collect();
    for rule in desired.iter_mut() {
        if let Some(description) = existing.get(&rule.key) {
            rule.description = (*description).clone();
        }
    }
}

/// Copies the rule sets of the desired rules onto the rules AWS holds, so
/// that a read shows which documented set each rule stands for. A rule no
/// set asks for keeps an empty `rule_sets`.
pub fn annotate(actual: &mut [AppliedRule], desired: &[Rule]) {
    let sets: BTreeMap<&RuleKey, &Rule> = desired.iter().map(|d| (&d.key, d)).collect();
    for applied in actual.iter_mut() {
        applied.rule.rule_sets = sets
            .get(&applied.rule.key)
            .map(|d| d.rule_sets.clone())
            .unwrap_or_default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::model::{Peer, Protocol};
    use crate::rules::RuleSetName;

    fn rule(direction: Direction, port: i32, cidr: &str, description: &str) -> Rule {
        Rule {
            key: RuleKey {
                direction,
                protocol: Protocol::Tcp,
                from_port: port,
                to_port: port,
                peer: Peer::Ipv4(cidr.parse().unwrap()),
            },
            description: Some(description.to_string()),
            rule_sets: [RuleSetName::External].into(),
        }
    }

    fn applied(id: &str, mut rule: Rule) -> AppliedRule {
        rule.rule_sets.clear();
        AppliedRule {
            id: id.to_string(),
            rule,
        }
    }

    /// `rules` as AWS would hold them, with ids `<prefix><n>`.
    fn with_ids(prefix: &str, rules: &[Rule]) -> Vec<AppliedRule> {
        rules
            .iter()
            .enumerate()
            .map(|(n, r)| applied(&format!("{prefix}{n}"), r.clone()))
            .collect()
    }

    #[test]
    fn after_changes_keeps_ids_updates_descriptions_and_adds_the_authorized() {
        let before = vec![
            applied("sgr-1", rule(Direction::Ingress, 443, "0.0.0.0/0", "HTTPS")),
            applied("sgr-2", rule(Direction::Egress, 80, "0.0.0.0/0", "HTTP, opcua agent")),
            applied("sgr-3", rule(Direction::Egress, 25, "0.0.0.0/0", "SMTP")),
        ];
        let desired = vec![
            rule(Direction::Ingress, 443, "0.0.0.0/0", "HTTPS"),
            rule(Direction::Egress, 80, "0.0.0.0/0", "opcua agent"),
            rule(Direction::Egress, 53, "0.0.0.0/0", "DNS"),
        ];
        let changes = diff(&desired, &before);
        let authorized = with_ids("sgr-new", &changes.authorize[&Direction::Egress]);

        let after = after_changes(&before, &changes, &authorized).expect("the answer is complete");

        assert!(diff(&desired, &after).is_empty(), "{after:?}");
        let ids: Vec<&str> = after.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["sgr-1", "sgr-new0", "sgr-2"], "sorted by key, kept ids kept");
    }

    #[test]
    fn after_changes_needs_every_authorized_rule_in_the_answer() {
        let before = vec![applied("sgr-1", rule(Direction::Ingress, 443, "0.0.0.0/0", "HTTPS"))];
        let desired = vec![
            rule(Direction::Ingress, 443, "0.0.0.0/0", "HTTPS"),
            rule(Direction::Egress, 53, "0.0.0.0/0", "DNS"),
            rule(Direction::Egress, 123, "0.0.0.0/0", "NTP"),
        ];
        let changes = diff(&desired, &before);
        let all = with_ids("sgr-new", &changes.authorize[&Direction::Egress]);
        assert!(after_changes(&before, &changes, &all).is_some());
        // Only the last permission's rule, as moto answers.
        assert_eq!(after_changes(&before, &changes, &all[1..]), None);
        // A rule that was not asked for.
        let stray = with_ids("sgr-x", &[rule(Direction::Egress, 22, "10.0.0.0/8", "SSH")]);
        let more: Vec<AppliedRule> = all.iter().chain(&stray).cloned().collect();
        assert_eq!(after_changes(&before, &changes, &more), None);
    }

    proptest::proptest! {
        /// Whatever the firewall was and becomes: the rules computed from the
        /// Authorize answers are the desired ones, and a rule both sides
        /// share keeps its id.
        #[test]
        fn after_changes_yields_the_desired_rules(
            was in crate::rules::test_support::firewall_args(),
            becomes in crate::rules::test_support::firewall_args(),
        ) {
            let before = with_ids("sgr-old", &crate::rules::expand(&was));
            let desired = crate::rules::expand(&becomes);
            let changes = diff(&desired, &before);
            let asked: Vec<Rule> = changes.authorize.values().flatten().cloned().collect();
            let authorized = with_ids("sgr-new", &asked);

            let after = after_changes(&before, &changes, &authorized).expect("a complete answer");

            proptest::prop_assert!(diff(&desired, &after).is_empty());
            for kept in &after {
                if let Some(old) = before.iter().find(|b| b.rule.key == kept.rule.key) {
                    proptest::prop_assert_eq!(&kept.id, &old.id);
                }
            }
        }
    }

    #[test]
    fn nothing_to_do_when_aws_matches() {
        let desired = vec![rule(Direction::Ingress, 443, "0.0.0.0/0", "HTTPS")];
        let actual = vec![applied("sgr-1", desired[0].clone())];
        assert!(diff(&desired, &actual).is_empty());
    }

    #[test]
    fn new_rules_are_authorized_and_stale_ones_revoked_by_id_per_direction() {
        let desired = vec![
            rule(Direction::Ingress, 443, "0.0.0.0/0", "HTTPS"),
            rule(Direction::Egress, 25, "0.0.0.0/0", "SMTP"),
        ];
        let actual = vec![
            applied("sgr-in", rule(Direction::Ingress, 80, "0.0.0.0/0", "HTTP")),
            applied("sgr-out", rule(Direction::Egress, 80, "0.0.0.0/0", "HTTP")),
            applied("sgr-keep", rule(Direction::Egress, 25, "0.0.0.0/0", "SMTP")),
        ];
        let changes = diff(&desired, &actual);
        assert_eq!(changes.revoke[&Direction::Ingress], vec!["sgr-in"]);
        assert_eq!(changes.revoke[&Direction::Egress], vec!["sgr-out"]);
        assert_eq!(changes.authorize[&Direction::Ingress], vec![desired[0].clone()]);
        assert!(!changes.authorize.contains_key(&Direction::Egress));
        assert!(changes.describe.is_empty());
    }

    #[test]
    fn a_changed_description_is_updated_in_place() {
        let desired = vec![rule(Direction::Ingress, 443, "0.0.0.0/0", "HTTPS")];
        let actual = vec![applied("sgr-1", rule(Direction::Ingress, 443, "0.0.0.0/0", "web"))];
        let changes = diff(&desired, &actual);
        assert_eq!(changes.describe, vec![("sgr-1".to_string(), desired[0].clone())]);
        assert!(changes.revoke.is_empty() && changes.authorize.is_empty());
    }

    #[test]
    fn known_ids_are_kept_and_new_rules_have_none() {
        let desired = vec![
            rule(Direction::Ingress, 443, "0.0.0.0/0", "HTTPS"),
            rule(Direction::Ingress, 8883, "0.0.0.0/0", "MQTT/TLS"),
        ];
        let actual = vec![applied("sgr-1", desired[0].clone())];
        let ids: Vec<Option<String>> = with_known_ids(&desired, &actual)
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        assert_eq!(ids, vec![Some("sgr-1".to_string()), None]);
    }

    #[test]
    fn kept_descriptions_make_no_description_change() {
        let mut desired = vec![
            rule(Direction::Ingress, 443, "0.0.0.0/0", "HTTPS"),
            rule(Direction::Ingress, 8883, "0.0.0.0/0", "MQTT/TLS"),
        ];
        let actual = vec![applied(
            "sgr-1",
            rule(Direction::Ingress, 443, "0.0.0.0/0", "web (by hand)"),
        )];
        keep_descriptions(&mut desired, &actual);
        assert_eq!(desired[0].description.as_deref(), Some("web (by hand)"));
        assert_eq!(
            desired[1].description.as_deref(),
            Some("MQTT/TLS"),
            "a new rule keeps its own"
        );
        let changes = diff(&desired, &actual);
        assert!(changes.describe.is_empty());
        assert_eq!(changes.authorize[&Direction::Ingress].len(), 1);
    }

    #[test]
    fn annotate_copies_rule_sets_and_leaves_strangers_empty() {
        let desired = vec![rule(Direction::Ingress, 443, "0.0.0.0/0", "HTTPS")];
        let mut actual = vec![
            applied("sgr-1", desired[0].clone()),
            applied("sgr-2", rule(Direction::Ingress, 22, "0.0.0.0/0", "ssh by hand")),
        ];
        annotate(&mut actual, &desired);
        assert_eq!(actual[0].rule.rule_sets, desired[0].rule_sets);
        assert!(actual[1].rule.rule_sets.is_empty());
    }
}
