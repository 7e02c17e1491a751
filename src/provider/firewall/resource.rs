//! `resource "cumulocity_firewall"`: the Terraform lifecycle of one security
//! group holding the rules of the chosen rule sets.
//!
//! Plans show every rule (ids unknown only for new ones). Apply changes only
//! what differs, through the `aws` layer. Nothing is ever orphaned: if a
//! step fails once the group exists, the group goes into the state with the
//! rules it really holds, so Terraform taints it or the next apply
//! converges.
//!
//! Each operation reads down the layers: `rules` decides (expansion,
//! checks, `diff`, names and tags by `rules::naming`), `aws` does
//! (`SecurityGroups`), and `session_timeouts` does the same for the listeners'
//! and interfaces' idle timeouts. This file only translates between
//! Terraform's values and those layers (the conversions of tags,
//! descriptions and rules are in `group_values`, the checks right after an
//! import in `import`, the written configuration in `generated_config`).
//! Each firewall talks to AWS with the clients of its own `region`.

use async_trait::async_trait;
use tf_provider::schema::{IdentitySchema, Schema};
use tf_provider::value::{Value, ValueEmpty};
use tf_provider::{AttributePath, Diagnostics, MoveSource, RawValue, Resource};
use tokio::time::Instant;

use crate::aws::SecurityGroups;
use crate::provider::common::diagnostics::{
    adopted, attribute_path, aws_error, aws_error_in_rules, error, report, Report,
};
use crate::provider::common::rule_args::RuleArgsConfig;
use crate::provider::configure::state::Shared;
use crate::provider::firewall::argument_checks::{argument_problems, too_many_tags};
use crate::provider::firewall::generated_config::generated_config;
use crate::provider::firewall::group_values::{
    annotated_objects, applied_rules, default_description, group_spec, known_tags, lacks_rule_ids, merged_tags,
    refreshed, rule_objects,
};
use crate::provider::firewall::identity::{self, FirewallIdentity};
use crate::provider::firewall::import;
use crate::provider::firewall::moves;
use crate::provider::firewall::operation_timeouts;
use crate::provider::firewall::private_state::FirewallPrivate;
use crate::provider::firewall::replacement::replaced_attributes;
use crate::provider::firewall::schema::{firewall_schema, plan_arguments, FirewallState, TagMap};
use crate::provider::firewall::session_timeouts;
use crate::rules::{self, AppliedRule, Rule};
use crate::rules::{keep_descriptions, with_known_ids};

/// `resource "cumulocity_firewall"`, registered by the provider.
pub struct FirewallResource {
    /// The provider configuration's settings, clients and caches.
    pub state: Shared,
}

#[async_trait]
impl Resource for FirewallResource {
    type State<'a> = FirewallState;
    /// The import flag and the session timeouts to restore
    /// (`private_state`).
    type PrivateState<'a> = FirewallPrivate;
    type ProviderMetaState<'a> = ValueEmpty;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(firewall_schema())
    }

    async fn validate<'a>(&self, diags: &mut Diagnostics, config: Self::State<'a>) -> Option<()> {
        config.args.checked(diags, Report::ErrorsOnly);
        report_own_problems(diags, &config);
        session_timeouts::validate(diags, &config);
        Some(())
    }

    async fn read<'a>(
        &self,
        diags: &mut Diagnostics,
        state: Self::State<'a>,
        private: Self::PrivateState<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>)> {
        let Value::Value(id) = state.id.clone() else {
            return Some((state, private));
        };
        let Some(clients) = self.state.clients_or_report(diags, region_of(&state)).await else {
            return Some((state, private));
        };
        let deadline = Instant::now() + operation_timeouts::durations(&state.timeouts).0;
        // Reads that Terraform sends together go to AWS as one batch, or come
        // from a snapshot of the VPC (see aws::GroupReads), per Region.
        let vpc = state.vpc_id.as_ref_option().map(String::as_str);
        match clients.reads.read(&clients, &id, vpc, deadline).await {
            // Deleted outside Terraform: dropping it from the state makes
            // the next plan create it again.
            Ok(None) => None,
            Ok(Some((group, applied))) => {
                let default_tags = self.state.settings().default_tags;
                let mut state = refreshed(state, &group, applied, &default_tags);
                // A state written before `region` existed gets it here.
                state.region = Value::Value(clients.region.clone());
                if let Err(err) =
                    session_timeouts::read(&clients, &self.state.listener_kinds, &mut state, deadline).await
                {
                    aws_error(diags, &err);
                }
                Some((state, private))
            }
            Err(err) => {
                aws_error(diags, &err);
                Some((state, private))
            }
        }
    }

    async fn plan_create<'a>(
        &self,
        diags: &mut Diagnostics,
        proposed: Self::State<'a>,
        config: Self::State<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>)> {
        let mut state = proposed;
        planned_arguments(diags, &mut state, &config)?;
        let desired = self.checked_rules(diags, &config.args, Report::Everything);
        state.region = match &config.region {
            Value::Null => self.state.region().await.map_or(Value::Unknown, Value::Value),
            configured => configured.clone(),
        };
        state.id = Value::Unknown;
        state.arn = Value::Unknown;
        state.owner_id = Value::Unknown;
        if state.name.is_null() {
            // Chosen at create: from name_prefix, or "terraform-...".
            state.name = Value::Unknown;
        }
        if state.description.is_null() {
            state.description = match &desired {
                Some(_) => Value::Value(default_description(&state.args)),
                None => Value::Unknown,
            };
        }
        if state.vpc_id.is_null() {
            state.vpc_id = Value::Unknown;
        }
        state.tags_all = merged_tags(&self.state.settings().default_tags, &state.tags);
        report_tag_count(diags, &state.tags_all);
        state.rules = match desired {
            Some(desired) => Value::Value(rule_objects(with_known_ids(&desired, &[]))),
            None => Value::Unknown,
        };
        self.plan_session(diags, &config, &mut state).await;
        Some((state, FirewallPrivate::default()))
    }

    async fn plan_update<'a>(
        &self,
        diags: &mut Diagnostics,
        prior: Self::State<'a>,
        proposed: Self::State<'a>,
        config: Self::State<'a>,
        private: Self::PrivateState<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>, Vec<AttributePath>)> {
        let mut state = proposed;
        planned_arguments(diags, &mut state, &config)?;
        let desired = self.checked_rules(diags, &config.args, Report::Everything);
        state.region = self.planned_region(&config, &prior).await;
        state.tags_all = merged_tags(&self.state.settings().default_tags, &state.tags);
        report_tag_count(diags, &state.tags_all);
        let before = applied_rules(&prior);
        state.rules = match desired {
            Some(mut desired) => {
                if leaves_descriptions(&config) {
                    keep_descriptions(&mut desired, &before);
                }
                Value::Value(rule_objects(with_known_ids(&desired, &before)))
            }
            None => Value::Unknown,
        };
        self.plan_session(diags, &config, &mut state).await;
        if private.imported {
            import::check_import_matches(diags, &config, &prior);
            import::check_import_region(diags, &state.region, &prior);
        }
        // AWS cannot rename a group, move it or change its description.
        let replace = replaced_attributes(&config, &prior, &state.region)
            .into_iter()
            .map(AttributePath::new)
            .collect();
        Some((state, private, replace))
    }

    async fn plan_destroy<'a>(
        &self,
        _diags: &mut Diagnostics,
        _prior: Self::State<'a>,
        private: Self::PrivateState<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<Self::PrivateState<'a>> {
        Some(private)
    }

    async fn create<'a>(
        &self,
        diags: &mut Diagnostics,
        planned: Self::State<'a>,
        config: Self::State<'a>,
        mut private: Self::PrivateState<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>)> {
        let desired = self.checked_rules(diags, &config.args, Report::ErrorsOnly)?;
        let clients = self.state.clients_or_report(diags, region_of(&planned)).await?;
        let spec = group_spec(&planned);
        let deadline = Instant::now() + operation_timeouts::durations(&planned.timeouts).0;
        let default_tags = self.state.settings().default_tags;
        match SecurityGroups::new(&clients).create(&spec, &desired, deadline).await {
            Ok(created) => {
                let (group, applied) = (created.group, created.rules);
                if created.adopted {
                    adopted(diags, &group);
                }
                // Adopted after an interrupted apply, the group may be in a
                // refresh snapshot of this process.
                clients.reads.forget(&group.id);
                let mut state = refreshed(planned, &group, applied, &default_tags);
                state.region = Value::Value(clients.region.clone());
                let cache = &self.state.listener_kinds;
                let originals = &mut private.session_originals;
                if let Err(err) = session_timeouts::apply(&clients, cache, &mut state, None, originals, deadline).await
                {
                    session_timeouts::report_failure(diags, &err);
                    error(
                        diags,
                        "Security group created, session timeouts not set",
                        format!(
                            "{} exists and is saved in the state with its rules. {}",
                            group.id, TAINTED
                        ),
                        AttributePath::root(),
                    );
                    session_timeouts::settle_session_values(&mut state);
                }
                Some((state, private))
            }
            Err(failure) => {
                aws_error_in_rules(diags, &failure.error, |id| config.args.element_naming(id));
                let group = failure.group?;
                clients.reads.forget(&group.id);
                error(
                    diags,
                    "Security group created, but not completely",
                    format!(
                        "{} exists and is saved in the state with the rules it holds. {}",
                        group.id, TAINTED
                    ),
                    AttributePath::root(),
                );
                let mut state = refreshed(planned, &group, failure.rules.unwrap_or_default(), &default_tags);
                state.region = Value::Value(clients.region.clone());
                session_timeouts::settle_session_values(&mut state);
                Some((state, private))
            }
        }
    }

    async fn update<'a>(
        &self,
        diags: &mut Diagnostics,
        prior: Self::State<'a>,
        planned: Self::State<'a>,
        config: Self::State<'a>,
        private: Self::PrivateState<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>)> {
        let desired = self.checked_rules(diags, &config.args, Report::ErrorsOnly)?;
        let clients = self.state.clients_or_report(diags, region_of(&prior)).await?;
        // Applied: no longer "just imported"; the originals stay.
        let mut private = FirewallPrivate {
            imported: false,
            ..private
        };
        let Value::Value(id) = prior.id.clone() else {
            error(
                diags,
                "The state has no group id",
                "Remove the resource from the state and import it.",
                AttributePath::new("id"),
            );
            return None;
        };
        let groups = SecurityGroups::new(&clients);
        let deadline = Instant::now() + operation_timeouts::durations(&planned.timeouts).0;
        clients.reads.forget(&id);
        let before = rules_before_update(diags, &groups, &id, &prior, deadline).await?;
        let mut desired = desired;
        if leaves_descriptions(&config) {
            keep_descriptions(&mut desired, &before);
        }
        let changes = rules::diff(&desired, &before);
        let mut state = planned;
        let applied = if changes.is_empty() {
            before
        } else {
            match groups.update(&id, &before, &changes, deadline).await {
                Ok(applied) => applied,
                Err(failure) => {
                    aws_error_in_rules(diags, &failure.error, |id| config.args.element_naming(id));
                    // The state records what the group holds now; the next
                    // plan shows what is still to do.
                    state.tags_all = prior.tags_all.clone();
                    state.rules = Value::Value(annotated_objects(failure.rules.unwrap_or(before), &desired));
                    session_timeouts::keep_prior_session_values(&mut state, &prior);
                    return Some((state, private));
                }
            }
        };
        let (old_tags, new_tags) = (known_tags(&prior.tags_all), known_tags(&state.tags_all));
        if old_tags != new_tags {
            if let Err(err) = groups.update_tags(&id, &old_tags, &new_tags, deadline).await {
                aws_error(diags, &err);
                state.tags_all = prior.tags_all.clone();
            }
        }
        state.rules = Value::Value(annotated_objects(applied, &desired));
        if let Err(err) = session_timeouts::apply(
            &clients,
            &self.state.listener_kinds,
            &mut state,
            Some(&prior),
            &mut private.session_originals,
            deadline,
        )
        .await
        {
            session_timeouts::report_failure(diags, &err);
            session_timeouts::keep_prior_session_values(&mut state, &prior);
        }
        Some((state, private))
    }

    async fn destroy<'a>(
        &self,
        diags: &mut Diagnostics,
        state: Self::State<'a>,
        private: Self::PrivateState<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<()> {
        let Value::Value(id) = &state.id else {
            return Some(());
        };
        let clients = self.state.clients_or_report(diags, region_of(&state)).await?;
        let revoke_first = match state.revoke_rules_on_delete {
            Value::Value(true) => applied_rules(&state),
            _ => Vec::new(),
        };
        let deadline = Instant::now() + operation_timeouts::durations(&state.timeouts).1;
        clients.reads.forget(id);
        if let Err(err) = SecurityGroups::new(&clients).delete(id, &revoke_first, deadline).await {
            aws_error(diags, &err);
            return None;
        }
        // After the group is gone: a failure here keeps the resource in the
        // state, and the next destroy finds the group gone and tries again.
        if let Err(err) =
            session_timeouts::restore_originals(&clients, &state, &private.session_originals, deadline).await
        {
            aws_error(diags, &err);
            return None;
        }
        Some(())
    }

    /// Terraform 1.14+ asks for the configuration of an imported or listed
    /// firewall: only the arguments that carry meaning (`generated_config`).
    fn generates_config(&self) -> bool {
        true
    }

    async fn generate_config<'a>(&self, _diags: &mut Diagnostics, state: Self::State<'a>) -> Option<Self::State<'a>> {
        let provider_region = self.state.region().await;
        Some(generated_config(&state, provider_region.as_deref()))
    }

    async fn import<'a>(
        &self,
        diags: &mut Diagnostics,
        id: String,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>)> {
        let (id, region) = match import::parse_import_id(&id) {
            Ok(parsed) => parsed,
            Err(detail) => {
                error(diags, "Invalid import id", detail, AttributePath::root());
                return None;
            }
        };
        let clients = self.state.clients_or_report(diags, region.as_deref()).await?;
        let not_found = format!(
            "There is no security group {id} in {} for these credentials.",
            clients.region
        );
        let (group, applied) = import::read_group(diags, &clients, &id, not_found).await?;
        let default_tags = self.state.settings().default_tags;
        Some((
            import::imported(&group, applied, &default_tags, &clients.region),
            FirewallPrivate::imported(),
        ))
    }

    fn identity_schema(&self, _diags: &mut Diagnostics) -> Option<IdentitySchema> {
        Some(identity::identity_schema())
    }

    /// From the state alone (no AWS call); none before the group exists, or
    /// before Terraform configured the provider (a move).
    async fn identity<'a>(
        &self,
        diags: &mut Diagnostics,
        state: &Self::State<'a>,
        _known: Option<RawValue>,
    ) -> Option<RawValue> {
        let provider_region = match &state.region {
            Value::Value(_) => None,
            _ => self.state.region().await,
        };
        let identity = identity::identity_of(state, provider_region.as_deref())?;
        RawValue::serialize(diags, &identity)
    }

    /// `import { identity = { id = "sg-..." } }`: checked before any AWS
    /// call, then as an import by id (the same inference of rule sets).
    async fn import_by_identity<'a>(
        &self,
        diags: &mut Diagnostics,
        identity: RawValue,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>)> {
        let identity: FirewallIdentity = identity.deserialize(diags)?;
        let request = identity::checked_import(diags, &identity)?;
        let clients = self.state.clients_or_report(diags, request.region.as_deref()).await?;
        let not_found = identity::not_found_detail(&request, &clients.region);
        let (group, applied) = import::read_group(diags, &clients, &request.id, not_found).await?;
        identity::check_owner(diags, &request, &group.owner_id)?;
        let default_tags = self.state.settings().default_tags;
        Some((
            import::imported(&group, applied, &default_tags, &clients.region),
            FirewallPrivate::imported(),
        ))
    }

    /// `moved` from hashicorp/aws's `aws_security_group` (see
    /// `moves`): pure, since Terraform does not configure the
    /// provider for it; the refresh that follows reads the rules' ids.
    async fn move_state<'a>(
        &self,
        diags: &mut Diagnostics,
        source: MoveSource,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>)> {
        let state = moves::moved_state(diags, &source)?;
        Some((state, FirewallPrivate::imported()))
    }
}

/// The rules the group holds before an update: the prior state's, or, for
/// a group moved from hashicorp/aws and planned without a refresh
/// (`-refresh=false`), whose state has the rules but not their ids yet, what
/// the group holds (rather than adding it all again). `None`, with the
/// error reported, when the group cannot be read.
async fn rules_before_update(
    diags: &mut Diagnostics,
    groups: &SecurityGroups<'_>,
    id: &str,
    prior: &FirewallState,
    deadline: Instant,
) -> Option<Vec<AppliedRule>> {
    if !lacks_rule_ids(prior) {
        return Some(applied_rules(prior));
    }
    match groups.read(id, deadline).await {
        Ok(Some((_, applied))) => Some(applied),
        Ok(None) => {
            error(
                diags,
                "The security group no longer exists",
                format!("{id} was deleted outside Terraform; the next plan creates it again."),
                AttributePath::new("id"),
            );
            None
        }
        Err(err) => {
            aws_error(diags, &err);
            None
        }
    }
}

impl FirewallResource {
    /// The desired rules, with every problem reported; `None` while values
    /// are unknown or wrong.
    ///
    /// Always give the configuration's arguments, never a planned state's:
    /// a planned state holds the defaults filled in, and an argument the
    /// user never wrote must not draw "is not used" warnings.
    fn checked_rules(&self, diags: &mut Diagnostics, config: &RuleArgsConfig, which: Report) -> Option<Vec<Rule>> {
        let desired = rules::expand(&config.checked(diags, which)?);
        let max = self.state.settings().max_rules_per_direction;
        let quota = rules::check_quota(&desired, max);
        report(diags, &quota, which);
        quota.is_empty().then_some(desired)
    }

    /// The planned `region` of an existing firewall: the configuration's,
    /// else the provider's Region (a firewall whose provider moved to
    /// another Region is replaced there, as in hashicorp/aws); a state from
    /// before `region` existed keeps null until its next refresh fills it.
    async fn planned_region(&self, config: &FirewallState, prior: &FirewallState) -> Value<String> {
        match &config.region {
            Value::Null if prior.region.is_null() => Value::Null,
            Value::Null => self
                .state
                .region()
                .await
                .map_or_else(|| prior.region.clone(), Value::Value),
            configured => configured.clone(),
        }
    }

    /// The session-timeout part of a plan. Listener kinds come from AWS when
    /// the provider can ask (one DescribeListeners and one
    /// DescribeLoadBalancers, once per provider process), else from the ARNs.
    async fn plan_session(&self, diags: &mut Diagnostics, config: &FirewallState, state: &mut FirewallState) {
        if let Value::Value(arns) = &config.load_balancer_listener_arns {
            let arns: Option<Vec<String>> = arns.iter().map(|a| a.as_ref_option().cloned()).collect();
            let arns = arns.filter(|a| !a.is_empty());
            // A failure to reach AWS here (no credentials, a wrong account)
            // is reported now rather than at apply.
            let clients = match &arns {
                Some(_) if !state.region.is_unknown() => self.state.clients_or_report(diags, region_of(state)).await,
                _ => None,
            };
            if let (Some(arns), Some(clients)) = (arns, clients) {
                let deadline = Instant::now() + std::time::Duration::from_secs(60);
                self.state.listener_kinds.learn(&clients, &arns, deadline).await;
            }
        }
        session_timeouts::plan(diags, config, state, &self.state.listener_kinds);
    }
}

/// The Region a state or plan names; `None` for the provider's (a state
/// from before `region` existed).
fn region_of(state: &FirewallState) -> Option<&str> {
    state.region.as_ref_option().map(String::as_str)
}

fn report_own_problems(diags: &mut Diagnostics, config: &FirewallState) {
    for (path, summary, detail) in argument_problems(config) {
        error(diags, summary, detail, attribute_path(&path));
    }
    for (path, detail) in operation_timeouts::problems(&config.timeouts) {
        error(diags, "Invalid timeout", detail, attribute_path(&path));
    }
}

/// What a create that failed after making its group means for the next
/// apply, and how to keep the group.
const TAINTED: &str = "Terraform marks it tainted: the next apply destroys it and creates a new group (new id, \
     rules added again). To keep this group instead, run `terraform untaint <address of this firewall>` once the \
     cause above is fixed; the next apply then completes it in place.";

/// The configuration's arguments in the plan (`plan_arguments`); `None`,
/// with an error, if they cannot be carried over.
fn planned_arguments(diags: &mut Diagnostics, state: &mut FirewallState, config: &FirewallState) -> Option<()> {
    match plan_arguments(state, config) {
        Ok(()) => Some(()),
        Err(detail) => {
            error(
                diags,
                "Cannot plan the firewall's arguments",
                format!("The planned arguments could not be read back ({detail}). This is a bug in the provider."),
                AttributePath::root(),
            );
            None
        }
    }
}

/// Too many tags for AWS (see `argument_checks::too_many_tags`), at plan.
fn report_tag_count(diags: &mut Diagnostics, tags_all: &TagMap) {
    if let Value::Value(tags) = tags_all {
        if let Some(detail) = too_many_tags(tags.len()) {
            error(diags, "Too many tags", detail, AttributePath::new("tags"));
        }
    }
}

/// `manage_rule_descriptions = false`: existing rules keep their descriptions.
fn leaves_descriptions(config: &FirewallState) -> bool {
    config.manage_rule_descriptions == Value::Value(false)
}
