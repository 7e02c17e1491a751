//! A test-only stand-in for `registry.terraform.io/hashicorp/aws`, served
//! through `dev_overrides` by `tests/acceptance/migrate.rs`. Never shipped,
//! never in a release.
//!
//! Terraform refuses to plan a state that names a provider it cannot load,
//! and the real hashicorp/aws cannot be installed on the test machines. The
//! migration test only needs a provider that *has state to forget*: the
//! state of `aws_security_group` resources moved to `cumulocity_firewall`,
//! and of the rule resources dropped with `removed` blocks. So this serves
//! the schemas of the four resource types as hashicorp/aws 6.x defines them
//! (`aws_security_group` at schema version 1, `aws_security_group_rule` at
//! 2, the two `aws_vpc_security_group_*_rule` at 0; attributes and types
//! from `internal/service/ec2` of hashicorp/terraform-provider-aws), an
//! empty provider configuration, `aws_security_group`'s resource identity
//! (6.8.0 and later), state upgrades at the current version (handed back as
//! they are), and reads that return the prior state and identity. It
//! talks to no AWS: every other operation (plan a change, create, update,
//! delete, import) fails with an error, so a test in which Terraform asked
//! hashicorp/aws to change anything fails.
//!
//! What Terraform 1.15 asks of it (traced with `TF_LOG=trace`): for a moved
//! `aws_security_group` only its schema (the move itself goes to the
//! target provider, unconfigured, with the raw state); for each forgotten
//! rule resource ValidateProviderConfig, ConfigureProvider,
//! UpgradeResourceState and, when the plan refreshes, ReadResource.

use std::collections::HashMap;

use async_trait::async_trait;
use tf_provider::schema::{
    Attribute, AttributeConstraint, AttributeType, Block, Description, IdentityAttribute, IdentityImport,
    IdentitySchema, NestedBlock, Schema, Type,
};
use tf_provider::value::ValueEmpty;
use tf_provider::{AttributePath, Diagnostics, DynamicDataSource, DynamicResource, Provider, RawValue};

use AttributeConstraint::{Computed, Optional, OptionalComputed, Required};

fn attribute(attr_type: AttributeType, constraint: AttributeConstraint) -> Attribute {
    Attribute {
        attr_type,
        description: Description::plain(""),
        constraint,
        ..Default::default()
    }
}

fn string() -> AttributeType {
    AttributeType::String
}

fn strings(set: bool) -> AttributeType {
    if set {
        AttributeType::Set(Box::new(AttributeType::String))
    } else {
        AttributeType::List(Box::new(AttributeType::String))
    }
}

fn tags() -> AttributeType {
    AttributeType::Map(Box::new(AttributeType::String))
}

fn block(attributes: Vec<(&str, Attribute)>, blocks: Vec<(&str, NestedBlock)>) -> Block {
    Block {
        attributes: attributes.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
        blocks: blocks.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
        ..Default::default()
    }
}

/// The SDKv2 `timeouts` block with the given operations.
fn timeouts(operations: &[&str]) -> NestedBlock {
    NestedBlock::Optional(block(
        operations.iter().map(|o| (*o, attribute(string(), Optional))).collect(),
        vec![],
    ))
}

/// `securityGroupRuleNestedBlock`: one object of `ingress` / `egress`.
fn inline_rule() -> AttributeType {
    let fields = [
        ("cidr_blocks", strings(false)),
        ("description", string()),
        ("from_port", AttributeType::Number),
        ("ipv6_cidr_blocks", strings(false)),
        ("prefix_list_ids", strings(false)),
        ("protocol", string()),
        ("security_groups", strings(true)),
        ("self", AttributeType::Bool),
        ("to_port", AttributeType::Number),
    ];
    AttributeType::Set(Box::new(AttributeType::Object(
        fields.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
    )))
}

fn security_group() -> Schema {
    Schema {
        version: 1,
        block: block(
            vec![
                ("arn", attribute(string(), Computed)),
                ("description", attribute(string(), Optional)),
                ("egress", attribute(inline_rule(), OptionalComputed)),
                ("id", attribute(string(), OptionalComputed)),
                ("ingress", attribute(inline_rule(), OptionalComputed)),
                ("name", attribute(string(), OptionalComputed)),
                ("name_prefix", attribute(string(), OptionalComputed)),
                ("owner_id", attribute(string(), Computed)),
                ("region", attribute(string(), OptionalComputed)),
                ("revoke_rules_on_delete", attribute(AttributeType::Bool, Optional)),
                ("tags", attribute(tags(), Optional)),
                ("tags_all", attribute(tags(), OptionalComputed)),
                ("vpc_id", attribute(string(), OptionalComputed)),
            ],
            vec![("timeouts", timeouts(&["create", "delete"]))],
        ),
    }
}

/// `aws_vpc_security_group_ingress_rule` and `_egress_rule` (Plugin
/// Framework resources, schema version 0).
fn vpc_security_group_rule() -> Schema {
    Schema {
        version: 0,
        block: block(
            vec![
                ("arn", attribute(string(), Computed)),
                ("cidr_ipv4", attribute(string(), Optional)),
                ("cidr_ipv6", attribute(string(), Optional)),
                ("description", attribute(string(), Optional)),
                ("from_port", attribute(AttributeType::Number, Optional)),
                ("id", attribute(string(), Computed)),
                ("ip_protocol", attribute(string(), Required)),
                ("prefix_list_id", attribute(string(), Optional)),
                ("referenced_security_group_id", attribute(string(), Optional)),
                ("region", attribute(string(), OptionalComputed)),
                ("security_group_id", attribute(string(), Required)),
                ("security_group_rule_id", attribute(string(), Computed)),
                ("tags", attribute(tags(), Optional)),
                ("tags_all", attribute(tags(), Computed)),
                ("to_port", attribute(AttributeType::Number, Optional)),
            ],
            vec![],
        ),
    }
}

fn security_group_rule() -> Schema {
    Schema {
        version: 2,
        block: block(
            vec![
                ("cidr_blocks", attribute(strings(false), Optional)),
                ("description", attribute(string(), Optional)),
                ("from_port", attribute(AttributeType::Number, Required)),
                ("id", attribute(string(), OptionalComputed)),
                ("ipv6_cidr_blocks", attribute(strings(false), Optional)),
                ("prefix_list_ids", attribute(strings(false), Optional)),
                ("protocol", attribute(string(), Required)),
                ("region", attribute(string(), OptionalComputed)),
                ("security_group_id", attribute(string(), Required)),
                ("security_group_rule_id", attribute(string(), Computed)),
                ("self", attribute(AttributeType::Bool, Optional)),
                ("source_security_group_id", attribute(string(), OptionalComputed)),
                ("to_port", attribute(AttributeType::Number, Required)),
                ("type", attribute(string(), Required)),
            ],
            vec![("timeouts", timeouts(&["create"]))],
        ),
    }
}

/// `aws_security_group`'s resource identity (hashicorp/aws 6.8.0 and
/// later): `id`, and the `account_id` and `region` it is in.
fn security_group_identity() -> IdentitySchema {
    let attribute = |import| IdentityAttribute {
        attr_type: Type::String,
        import,
        description: String::new(),
    };
    IdentitySchema {
        version: 0,
        attributes: HashMap::from([
            ("account_id".to_string(), attribute(IdentityImport::Optional)),
            ("id".to_string(), attribute(IdentityImport::Required)),
            ("region".to_string(), attribute(IdentityImport::Optional)),
        ]),
    }
}

/// One resource type that only keeps state (and the identity stored with
/// it): reads return it unchanged, and anything that would change an
/// object is refused.
struct StateOnly(Schema, Option<IdentitySchema>);

fn refuse(diags: &mut Diagnostics, what: &str) {
    diags.error(
        "The hashicorp/aws stand-in changes nothing",
        format!(
            "Terraform asked the test stand-in for hashicorp/aws to {what}. It only keeps state to move or forget; \
             a migration must not need hashicorp/aws to change anything."
        ),
        AttributePath::root(),
    );
}

#[async_trait]
impl DynamicResource for StateOnly {
    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(self.0.clone())
    }

    fn identity_schema(&self, _diags: &mut Diagnostics) -> Option<IdentitySchema> {
        self.1.clone()
    }

    /// The identity the state holds, unchanged.
    async fn identity(&self, _diags: &mut Diagnostics, _state: RawValue, known: Option<RawValue>) -> Option<RawValue> {
        known
    }

    async fn read(
        &self,
        _diags: &mut Diagnostics,
        state: RawValue,
        private_state: Vec<u8>,
        _meta: RawValue,
    ) -> Option<(RawValue, Vec<u8>)> {
        Some((state, private_state))
    }

    async fn plan_create(
        &self,
        diags: &mut Diagnostics,
        _proposed: RawValue,
        _config: RawValue,
        _meta: RawValue,
    ) -> Option<(RawValue, Vec<u8>)> {
        refuse(diags, "plan a new object");
        None
    }

    async fn plan_update(
        &self,
        diags: &mut Diagnostics,
        _prior: RawValue,
        _proposed: RawValue,
        _config: RawValue,
        _private: Vec<u8>,
        _meta: RawValue,
    ) -> Option<(RawValue, Vec<u8>, Vec<AttributePath>)> {
        refuse(diags, "plan a change");
        None
    }

    async fn plan_destroy(
        &self,
        diags: &mut Diagnostics,
        _prior: RawValue,
        _private: Vec<u8>,
        _meta: RawValue,
    ) -> Option<Vec<u8>> {
        refuse(diags, "plan a destroy");
        None
    }

    async fn create(
        &self,
        diags: &mut Diagnostics,
        _planned: RawValue,
        _config: RawValue,
        _private: Vec<u8>,
        _meta: RawValue,
    ) -> Option<(RawValue, Vec<u8>)> {
        refuse(diags, "create an object");
        None
    }

    async fn update(
        &self,
        diags: &mut Diagnostics,
        _prior: RawValue,
        _planned: RawValue,
        _config: RawValue,
        _private: Vec<u8>,
        _meta: RawValue,
    ) -> Option<(RawValue, Vec<u8>)> {
        refuse(diags, "update an object");
        None
    }

    async fn destroy(
        &self,
        diags: &mut Diagnostics,
        _prior: RawValue,
        _private: Vec<u8>,
        _meta: RawValue,
    ) -> Option<()> {
        refuse(diags, "destroy an object");
        None
    }
}

/// The provider: no configuration, the four resource types, no data sources.
struct HashicorpAws;

#[async_trait]
impl Provider for HashicorpAws {
    type Config<'a> = ValueEmpty;
    type MetaState<'a> = ValueEmpty;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(Schema {
            version: 0,
            block: Block::default(),
        })
    }

    async fn validate<'a>(&self, _diags: &mut Diagnostics, _config: Self::Config<'a>) -> Option<()> {
        Some(())
    }

    async fn configure<'a>(
        &self,
        _diags: &mut Diagnostics,
        _terraform_version: String,
        _config: Self::Config<'a>,
    ) -> Option<()> {
        Some(())
    }

    fn get_resources(&self, _diags: &mut Diagnostics) -> Option<HashMap<String, Box<dyn DynamicResource>>> {
        let mut resources: HashMap<String, Box<dyn DynamicResource>> = HashMap::new();
        resources.insert(
            "security_group".into(),
            Box::new(StateOnly(security_group(), Some(security_group_identity()))),
        );
        resources.insert(
            "security_group_rule".into(),
            Box::new(StateOnly(security_group_rule(), None)),
        );
        resources.insert(
            "vpc_security_group_ingress_rule".into(),
            Box::new(StateOnly(vpc_security_group_rule(), None)),
        );
        resources.insert(
            "vpc_security_group_egress_rule".into(),
            Box::new(StateOnly(vpc_security_group_rule(), None)),
        );
        Some(resources)
    }

    fn get_data_sources(&self, _diags: &mut Diagnostics) -> Option<HashMap<String, Box<dyn DynamicDataSource>>> {
        Some(HashMap::new())
    }
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    // As in src/main.rs: the gRPC server's TLS takes ring, chosen here.
    let _ = rustls::crypto::ring::default_provider().install_default();
    match tf_provider::serve("aws", HashicorpAws).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("hashicorp/aws stand-in: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
