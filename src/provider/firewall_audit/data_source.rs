//! `data "cumulocity_firewall_audit"`: reads a security group Terraform
//! need not own and audits its rules against an expected profile (the same
//! rule arguments as `cumulocity_firewall`), for `check` blocks and
//! postconditions in CI. The audit itself is `rules::audit`.

use std::collections::HashMap;
use std::time::Duration;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tf_provider::schema::{AttributeType, Schema};
use tf_provider::value::{Value, ValueEmpty, ValueList};
use tf_provider::{AttributePath, DataSource, Diagnostics};
use tokio::time::Instant;

use crate::aws::SecurityGroups;
use crate::provider::common::diagnostics::{aws_error_fixed_time, error, not_known_at_read, Report};
use crate::provider::common::rule_args::{
    argument_attributes, extra_rule_block, rule_object_type, RuleArgsConfig, RuleObject, RULE_FIELDS_AFTER_RULE_SETS,
};
use crate::provider::common::schema_builder::{block, computed, optional_with_default, required};
use crate::provider::configure::state::Shared;
use crate::rules::arg_names;
use crate::rules::parse::check_region;
use crate::rules::{self, parse::parse_security_group_id, Finding, Rule};

/// How long the two reads (DescribeSecurityGroups and
/// DescribeSecurityGroupRules, retries included) may take together.
const READ_TIMEOUT: Duration = Duration::from_secs(5 * 60);

/// The configuration and state of `data "cumulocity_firewall_audit"`: the
/// group, the expected profile and what the audit found.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct FirewallAuditState {
    /// `security_group_id`: the group to audit.
    pub security_group_id: Value<String>,
    /// `region`: the group's Region; the provider's when absent.
    pub region: Value<String>,
    /// The expected profile: the rule arguments, at the top level of the
    /// block.
    #[serde(flatten)]
    pub args: RuleArgsConfig,
    /// `compliant`: as [`rules::Audit::compliant`] decides.
    pub compliant: Value<bool>,
    /// `missing_rules`: rules the profile asks for that the group lacks.
    pub missing_rules: ValueList<RuleObject>,
    /// `unexpected_rules`: rules the group holds that the profile does not
    /// ask for.
    pub unexpected_rules: ValueList<RuleObject>,
    /// `findings`: the over-permissive rules the group holds.
    pub findings: ValueList<FindingObject>,
}

/// One element of `findings`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct FindingObject {
    /// `kind`: the kind's stable name, such as `ssh_open_to_world`.
    pub kind: String,
    /// `severity`: `error` or `warning`.
    pub severity: String,
    /// `rule`: the rule as text, such as `ingress tcp 22 from 0.0.0.0/0`.
    pub rule: String,
    /// `message`: what is wrong and what to do.
    pub message: String,
}

impl FindingObject {
    /// The object that shows `finding` in `findings`.
    pub fn from_finding(finding: &Finding) -> FindingObject {
        FindingObject {
            kind: finding.kind.to_string(),
            severity: finding.severity_name().to_string(),
            rule: finding.rule.to_string(),
            message: finding.message.clone(),
        }
    }
}

/// The object type of one `findings` element.
pub fn finding_object_type() -> AttributeType {
    let fields: HashMap<String, AttributeType> = ["kind", "severity", "rule", "message"]
        .into_iter()
        .map(|name| (name.to_string(), AttributeType::String))
        .collect();
    AttributeType::Object(fields)
}

/// `data "cumulocity_firewall_audit"`: reads a group and audits it against
/// the profile; never changes it.
pub struct FirewallAuditDataSource {
    /// The provider's shared state: settings and AWS clients.
    pub state: Shared,
}

#[async_trait]
impl DataSource for FirewallAuditDataSource {
    type State<'a> = FirewallAuditState;
    type ProviderMetaState<'a> = ValueEmpty;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        let rule_list = AttributeType::List(Box::new(rule_object_type()));
        // The fields of a rule object, as the `rules` of the other data
        // source and the resource document them.
        let rule_fields = format!(
            "Each has `rule_sets`, {RULE_FIELDS_AFTER_RULE_SETS}, like the `rules` of `cumulocity_firewall_rules`."
        );
        let mut attributes = vec![(
            "security_group_id",
            required(
                AttributeType::String,
                "The id (`sg-...`) of the security group to audit, in `region`. It need not be managed by \
                 Terraform. A group that does not exist is an error.",
            ),
        )];
        attributes.push((
            "region",
            optional_with_default(
                AttributeType::String,
                "The Region of the group, such as `eu-west-1`; the provider's Region when absent (the read \
                 then sets it to that Region).",
            ),
        ));
        attributes.extend(argument_attributes());
        attributes.push((
            "compliant",
            computed(
                AttributeType::Bool,
                "`true` when the group holds every rule of the expected profile, nothing else, and no \
                 finding is an `error`. Warnings do not count: a warning is only ever about a rule the \
                 profile itself asks for. Use it in a `check` block's `assert` (warns) or in a \
                 `postcondition` (fails the plan).",
            ),
        ));
        attributes.push((
            "missing_rules",
            computed(
                rule_list.clone(),
                &format!(
                    "Rules the profile asks for that the group lacks, as `cumulocity_firewall_rules` would \
                     list them (with the rule sets that ask for them). {rule_fields}"
                ),
            ),
        ));
        attributes.push((
            "unexpected_rules",
            computed(
                rule_list,
                &format!(
                    "Rules the group holds that the profile does not ask for, with the descriptions the group \
                     gives them; `rule_sets` is empty. Rules are matched by direction, protocol, ports and \
                     peer: a different description is not a deviation. {rule_fields}"
                ),
            ),
        ));
        attributes.push((
            "findings",
            computed(
                AttributeType::List(Box::new(finding_object_type())),
                "Over-permissive rules the group holds, sorted by rule. Each has `kind`, `severity` \
                 (`error` or `warning`), `rule` (the rule rendered, e.g. `ingress tcp 22 from 0.0.0.0/0`) \
                 and `message` (what is wrong and what to do). Kinds:\n\n\
                 - `ssh_open_to_world`: ingress TCP whose port range covers 22, from `0.0.0.0/0` or `::/0`.\n\
                 - `all_traffic_from_world`: ingress of every protocol from `0.0.0.0/0` or `::/0`.\n\
                 - `egress_to_everything`: egress of every protocol to `0.0.0.0/0` or `::/0`, such as the \
                 allow-all egress rule AWS adds to every new group.\n\
                 - `wide_port_range`: TCP or UDP over more than one port (every documented rule opens one).\n\
                 - `wider_than_configured`: a rule set's port open to a block that strictly contains a block \
                 configured for it (configured `10.0.0.0/16`, open to `10.0.0.0/8` or `0.0.0.0/0`).\n\n\
                 The first three are always errors, even when the profile asks for the rule (the Cumulocity firewall document asks for \
                 a firewall \"as restrictive as it can be\"). The last two are errors for a rule the profile \
                 does not ask for and warnings for one it does (an `extra_rule` with a port range, say).",
            ),
        ));
        Some(Schema {
            version: 1,
            block: block(
                "Audits an existing security group against the documented Cumulocity firewall rule sets: the \
                 rule arguments (the same as `cumulocity_firewall`'s) describe the expected profile, and the \
                 group's rules are read with two AWS calls (DescribeSecurityGroups, \
                 DescribeSecurityGroupRules) and never changed. Reports `missing_rules`, `unexpected_rules` \
                 and over-permissive `findings`, and whether the group is `compliant`. Built for groups that \
                 Terraform does not own: use it in a `check` block to warn, or with a `postcondition` to fail \
                 the plan.",
                attributes,
                vec![(arg_names::EXTRA_RULE, extra_rule_block())],
            ),
        })
    }

    async fn validate<'a>(&self, diags: &mut Diagnostics, config: Self::State<'a>) -> Option<()> {
        check_group_id(diags, &config.security_group_id);
        check_region_argument(diags, &config.region);
        config.args.checked(diags, Report::ErrorsOnly);
        Some(())
    }

    async fn read<'a>(
        &self,
        diags: &mut Diagnostics,
        config: Self::State<'a>,
        _provider_meta_state: Self::ProviderMetaState<'a>,
    ) -> Option<Self::State<'a>> {
        let id = check_group_id(diags, &config.security_group_id);
        let region_ok = check_region_argument(diags, &config.region);
        let (Some(id), Some(args), true) = (id, config.args.checked(diags, Report::Everything), region_ok) else {
            not_known_at_read(diags, "The arguments");
            return None;
        };

        let region = config.region.as_ref_option().map(String::as_str);
        let clients = self.state.clients_or_report(diags, region).await?;
        let deadline = Instant::now() + READ_TIMEOUT;
        let applied = match SecurityGroups::new(&clients).read(&id, deadline).await {
            Ok(Some((_group, applied))) => applied,
            Ok(None) => {
                error(
                    diags,
                    format!("Security group {id} not found"),
                    format!(
                        "There is no security group {id} in {} for these credentials, so it cannot be \
                         audited. Check security_group_id and region.",
                        clients.region
                    ),
                    AttributePath::new("security_group_id"),
                );
                return None;
            }
            Err(err) => {
                aws_error_fixed_time(diags, &err);
                return None;
            }
        };
        let actual: Vec<Rule> = applied.into_iter().map(|a| a.rule).collect();
        let result = rules::audit(&args, &actual);

        let mut state = config;
        state.region = Value::Value(clients.region.clone());
        state.args.fill_defaults();
        state.compliant = Value::Value(result.compliant());
        state.missing_rules = Value::Value(result.missing.iter().map(RuleObject::from_rule).collect());
        state.unexpected_rules = Value::Value(result.unexpected.iter().map(RuleObject::from_rule).collect());
        state.findings = Value::Value(result.findings.iter().map(FindingObject::from_finding).collect());
        Some(state)
    }
}

/// Whether `region` is well-formed (or absent, or unknown); an error on the
/// attribute when it is not.
fn check_region_argument(diags: &mut Diagnostics, region: &Value<String>) -> bool {
    let Value::Value(region) = region else {
        return true;
    };
    match check_region(region) {
        Ok(()) => true,
        Err(detail) => {
            error(diags, "Invalid region", detail, AttributePath::new("region"));
            false
        }
    }
}

/// The group id when it is known and well-formed; an error on the attribute
/// when it is malformed. `None` and no error while it is unknown.
fn check_group_id(diags: &mut Diagnostics, value: &Value<String>) -> Option<String> {
    let Value::Value(id) = value else {
        return None;
    };
    match parse_security_group_id(id) {
        Ok(id) => Some(id),
        Err(detail) => {
            error(
                diags,
                "Invalid security_group_id",
                detail,
                AttributePath::new("security_group_id"),
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use tf_provider::schema::AttributeConstraint;

    use super::*;
    use crate::provider::common::schema_builder::{block_names, field_names, object_field_names};
    use crate::rules::{Direction, FindingKind, Peer, Protocol, RuleKey, Severity};

    fn schema() -> Schema {
        let source = FirewallAuditDataSource {
            state: Shared::default(),
        };
        source.schema(&mut Diagnostics::default()).expect("a schema")
    }

    #[test]
    fn state_struct_and_schema_name_the_same_attributes() {
        assert_eq!(
            field_names(&FirewallAuditState::default()),
            block_names(&schema().block)
        );
    }

    #[test]
    fn finding_struct_and_type_name_the_same_fields() {
        assert_eq!(
            field_names(&FindingObject::default()),
            object_field_names(&finding_object_type())
        );
    }

    #[test]
    fn only_the_results_are_computed_and_every_attribute_is_described() {
        let schema = schema();
        for (name, attribute) in &schema.block.attributes {
            let computed = matches!(attribute.constraint, AttributeConstraint::Computed);
            let result = ["compliant", "missing_rules", "unexpected_rules", "findings"].contains(&name.as_str());
            assert_eq!(computed, result, "{name}");
            assert!(!attribute.description.content.is_empty(), "{name}");
        }
        assert!(matches!(
            schema.block.attributes["security_group_id"].constraint,
            AttributeConstraint::Required
        ));
    }

    #[test]
    fn findings_render_their_rule_and_names() {
        let finding = Finding {
            kind: FindingKind::SshOpenToWorld,
            severity: Severity::Error,
            rule: RuleKey {
                direction: Direction::Ingress,
                protocol: Protocol::Tcp,
                from_port: 22,
                to_port: 22,
                peer: Peer::Ipv4("0.0.0.0/0".parse().unwrap()),
            },
            message: "open".to_string(),
        };
        let object = FindingObject::from_finding(&finding);
        assert_eq!(object.kind, "ssh_open_to_world");
        assert_eq!(object.severity, "error");
        assert_eq!(object.rule, "ingress tcp 22 from 0.0.0.0/0");
        assert_eq!(object.message, "open");
    }

    #[test]
    fn malformed_group_ids_are_errors_on_the_attribute_and_unknown_ones_wait() {
        let mut diags = Diagnostics::default();
        assert_eq!(check_group_id(&mut diags, &Value::Unknown), None);
        assert!(diags.errors.is_empty());
        assert_eq!(
            check_group_id(&mut diags, &Value::Value("sg-0123456789abcdef0".into())),
            Some("sg-0123456789abcdef0".to_string())
        );
        assert!(diags.errors.is_empty());
        assert_eq!(check_group_id(&mut diags, &Value::Value("sg-nope".into())), None);
        assert_eq!(diags.errors.len(), 1);
        assert!(diags.errors[0].detail.contains("not a security group id"));
    }
}
