//! Changing a group's rules: what `rules::diff` decided, applied in the
//! order that never leaves a desired rule missing.
//!
//! An update takes the new rules' ids from the Authorize answers when they
//! list every rule asked for, and reads the group otherwise; a rule already
//! gone when it is revoked is what was wanted.

use std::collections::BTreeMap;

use aws_sdk_ec2::types::{IpPermission, SecurityGroupRule, SecurityGroupRuleRequest, SecurityGroupRuleUpdate};
use tokio::time::Instant;

use super::call::{retrying, within, NOT_VISIBLE_YET};
use super::convert::{answered_rule, ip_permission, ip_protocol};
use super::error::{AwsError, ErrorKind};
use super::group::{Failure, SecurityGroups};
use crate::rules::{after_changes, AppliedRule, Direction, Peer, Rule, RuleChanges, RuleKey};

impl SecurityGroups<'_> {
    /// Applies `changes` (computed against `before`, the rules the group
    /// held), in the order that never leaves a desired rule missing:
    /// descriptions first, then new rules, then stale ones revoked. Returns
    /// the rules the group holds afterwards: from the Authorize answers, which
    /// list the new rules with their ids, or by reading the group when an
    /// answer does not account for every rule (see `rules::after_changes`).
    pub async fn apply_changes(
        &self,
        id: &str,
        before: &[AppliedRule],
        changes: &RuleChanges,
        deadline: Instant,
    ) -> Result<Vec<AppliedRule>, AwsError> {
        if !changes.describe.is_empty() {
            self.update_descriptions(id, &changes.describe, deadline).await?;
        }
        let new_rules: Vec<Rule> = changes.authorize.values().flatten().cloned().collect();
        let authorized = self.authorize(id, &new_rules, deadline).await?;
        self.revoke(id, changes, deadline).await?;
        match after_changes(before, changes, &authorized) {
            Some(rules) => Ok(rules),
            None => {
                let (read, _) = self.read_rules(id, deadline).await?;
                self.describe_as_asked(id, read, &new_rules, deadline).await
            }
        }
    }

    /// The rules read after an Authorize whose answer did not account for
    /// every rule, with the descriptions asked for: a new rule read without
    /// its description gets it once more (ModifySecurityGroupRules), as in
    /// `authorize` (an emulator that dropped it from the answer drops it from
    /// reads too, until it is set that way).
    async fn describe_as_asked(
        &self,
        id: &str,
        mut read: Vec<AppliedRule>,
        asked: &[Rule],
        deadline: Instant,
    ) -> Result<Vec<AppliedRule>, AwsError> {
        let asked: BTreeMap<&RuleKey, &Rule> = asked.iter().map(|r| (&r.key, r)).collect();
        let undescribed: Vec<(String, Rule)> = read
            .iter()
            .filter_map(|held| {
                let wanted = asked.get(&held.rule.key)?;
                (wanted.description != held.rule.description).then(|| (held.id.clone(), (*wanted).clone()))
            })
            .collect();
        if !undescribed.is_empty() {
            self.update_descriptions(id, &undescribed, deadline).await?;
            for held in &mut read {
                if let Some(wanted) = asked.get(&held.rule.key) {
                    held.rule.description = wanted.description.clone();
                }
            }
        }
        Ok(read)
    }

    /// Like `apply_changes`, and on failure reports what the group holds.
    pub async fn update(
        &self,
        id: &str,
        before: &[AppliedRule],
        changes: &RuleChanges,
        deadline: Instant,
    ) -> Result<Vec<AppliedRule>, Failure> {
        match self.apply_changes(id, before, changes, deadline).await {
            Ok(rules) => Ok(rules),
            Err(error) => Err(Failure {
                error,
                group: None,
                rules: self.rules_after_failure(id).await,
            }),
        }
    }

    /// One Authorize call per direction that has rules; returns the rules
    /// the answers list, with AWS's ids and the rules as asked (an answer's
    /// rule that cannot be paired with one asked for is left out, so that
    /// the caller reads the group instead).
    ///
    /// A rule asked for with a description that its answer lists without
    /// one gets the description once more, by ModifySecurityGroupRules: AWS
    /// always answers with the description, but an emulator that drops it
    /// (moto, for rules that reference a group) also leaves it out of every
    /// later read, and the next plan would want it back.
    pub(super) async fn authorize(
        &self,
        id: &str,
        rules: &[Rule],
        deadline: Instant,
    ) -> Result<Vec<AppliedRule>, AwsError> {
        let ec2 = &self.clients.ec2;
        let asked = |direction: Direction| -> Vec<Rule> {
            rules.iter().filter(|r| r.key.direction == direction).cloned().collect()
        };
        let permissions =
            |asked: &[Rule]| -> Vec<IpPermission> { asked.iter().map(|r| ip_permission(r, id)).collect() };
        let mut authorized = Vec::new();
        let mut undescribed = Vec::new();
        let asked_ingress = asked(Direction::Ingress);
        let ingress = permissions(&asked_ingress);
        if !ingress.is_empty() {
            use aws_sdk_ec2::operation::authorize_security_group_ingress::AuthorizeSecurityGroupIngressError as E;
            let call = ec2
                .authorize_security_group_ingress()
                .group_id(id)
                .set_ip_permissions(Some(ingress))
                .customize()
                .config_override(retrying::<E>(NOT_VISIBLE_YET))
                .send();
            let answer = within(deadline, "AuthorizeSecurityGroupIngress", call)
                .await
                .map_err(|err| err.for_rules_of(id))?;
            authorized.extend(understood(
                answer.security_group_rules(),
                id,
                &asked_ingress,
                &mut undescribed,
            ));
        }
        let asked_egress = asked(Direction::Egress);
        let egress = permissions(&asked_egress);
        if !egress.is_empty() {
            use aws_sdk_ec2::operation::authorize_security_group_egress::AuthorizeSecurityGroupEgressError as E;
            let call = ec2
                .authorize_security_group_egress()
                .group_id(id)
                .set_ip_permissions(Some(egress))
                .customize()
                .config_override(retrying::<E>(NOT_VISIBLE_YET))
                .send();
            let answer = within(deadline, "AuthorizeSecurityGroupEgress", call)
                .await
                .map_err(|err| err.for_rules_of(id))?;
            authorized.extend(understood(
                answer.security_group_rules(),
                id,
                &asked_egress,
                &mut undescribed,
            ));
        }
        if !undescribed.is_empty() {
            self.update_descriptions(id, &undescribed, deadline).await?;
        }
        Ok(authorized)
    }

    /// Revokes by rule id, one call per direction. A rule already gone is
    /// what was wanted; but AWS revokes all the ids of a call or none, so one
    /// rule removed by hand would keep the others: then the group is read
    /// and the ids it still holds are revoked again.
    pub(super) async fn revoke(&self, id: &str, changes: &RuleChanges, deadline: Instant) -> Result<(), AwsError> {
        for (&direction, ids) in changes.revoke.iter().filter(|(_, ids)| !ids.is_empty()) {
            match self.revoke_ids(id, direction, ids.clone(), deadline).await {
                Err(err) if is_rule_not_found(&err) && ids.len() > 1 => {
                    let (held, _) = self.read_rules(id, deadline).await?;
                    let still: Vec<String> = ids
                        .iter()
                        .filter(|i| held.iter().any(|h| &h.id == *i))
                        .cloned()
                        .collect();
                    if !still.is_empty() {
                        ignore_not_found(self.revoke_ids(id, direction, still, deadline).await)?;
                    }
                }
                other => ignore_not_found(other)?,
            }
        }
        Ok(())
    }

    /// One Revoke call for rule `ids` of one direction.
    async fn revoke_ids(
        &self,
        id: &str,
        direction: Direction,
        ids: Vec<String>,
        deadline: Instant,
    ) -> Result<(), AwsError> {
        let ec2 = &self.clients.ec2;
        match direction {
            Direction::Ingress => {
                let call = ec2
                    .revoke_security_group_ingress()
                    .group_id(id)
                    .set_security_group_rule_ids(Some(ids))
                    .send();
                within(deadline, "RevokeSecurityGroupIngress", call).await.map(drop)
            }
            Direction::Egress => {
                let call = ec2
                    .revoke_security_group_egress()
                    .group_id(id)
                    .set_security_group_rule_ids(Some(ids))
                    .send();
                within(deadline, "RevokeSecurityGroupEgress", call).await.map(drop)
            }
        }
    }

    /// Changes descriptions in place (one ModifySecurityGroupRules call):
    /// the rules keep their ids and never stop applying.
    async fn update_descriptions(&self, id: &str, rules: &[(String, Rule)], deadline: Instant) -> Result<(), AwsError> {
        let updates = rules
            .iter()
            .map(|(rule_id, rule)| {
                SecurityGroupRuleUpdate::builder()
                    .security_group_rule_id(rule_id)
                    .security_group_rule(rule_request(rule, id))
                    .build()
            })
            .collect::<Vec<_>>();
        let call = self
            .clients
            .ec2
            .modify_security_group_rules()
            .group_id(id)
            .set_security_group_rules(Some(updates))
            .send();
        within(deadline, "ModifySecurityGroupRules", call).await?;
        Ok(())
    }
}

/// A revoke of rules already gone did what was wanted.
fn ignore_not_found<T>(result: Result<T, AwsError>) -> Result<(), AwsError> {
    match result {
        Ok(_) => Ok(()),
        Err(err) if is_rule_not_found(&err) => Ok(()),
        Err(err) => Err(err),
    }
}

/// A rule (not the group) that does not exist.
fn is_rule_not_found(err: &AwsError) -> bool {
    err.is(ErrorKind::NotFound) && err.code.as_deref() != Some("InvalidGroup.NotFound")
}

/// A rule as ModifySecurityGroupRules takes it.
fn rule_request(rule: &Rule, own_group_id: &str) -> SecurityGroupRuleRequest {
    let key = &rule.key;
    let mut request = SecurityGroupRuleRequest::builder()
        .ip_protocol(ip_protocol(key.protocol))
        .from_port(key.from_port)
        .to_port(key.to_port)
        // No description is sent empty: a request without one may leave the
        // old description in place (the emulator does).
        .description(rule.description.clone().unwrap_or_default());
    request = match &key.peer {
        Peer::Ipv4(net) => request.cidr_ipv4(net.to_string()),
        Peer::Ipv6(net) => request.cidr_ipv6(net.to_string()),
        Peer::PrefixList(list) => request.prefix_list_id(list),
        Peer::SecurityGroup(group) => request.referenced_group_id(group),
        Peer::SelfGroup => request.referenced_group_id(own_group_id),
    };
    request.build()
}

/// The rules an Authorize answer lists, each paired with the rule of
/// `asked` it answers (see `convert::answered_rule`); a rule that cannot be
/// paired is left out, so that the caller reads the group instead (see
/// `rules::after_changes`). A paired rule listed without the description
/// it was asked with goes into `undescribed`.
fn understood(
    listed: &[SecurityGroupRule],
    id: &str,
    asked: &[Rule],
    undescribed: &mut Vec<(String, Rule)>,
) -> Vec<AppliedRule> {
    let mut paired = Vec::new();
    for rule in listed {
        if let Some(applied) = answered_rule(rule, id, asked) {
            let listed_description = rule.description().filter(|d| !d.is_empty());
            if listed_description.is_none() && applied.rule.description.is_some() {
                undescribed.push((applied.id.clone(), applied.rule.clone()));
            }
            paired.push(applied);
        }
    }
    paired
}
