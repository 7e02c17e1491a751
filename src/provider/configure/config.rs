//! The provider block: its schema, shaped like the AWS provider's so users
//! feel at home, and the settings it yields (validated in `decode`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use tf_provider::schema::{Attribute, AttributeType, NestedBlock, Schema};
use tf_provider::value::{Value, ValueList};

use crate::aws::AwsOptions;
use crate::provider::common::schema_builder::{block, optional, required, sensitive, string_map};
use crate::rules::DEFAULT_MAX_RULES_PER_DIRECTION;

/// The provider block as Terraform sends it.
///
/// No `Debug`: it holds secrets. See `Secret` for the decoded form.
#[derive(Clone, Default, Serialize, Deserialize)]
pub struct ProviderConfig {
    /// `region`: the AWS Region.
    pub region: Value<String>,
    /// `profile`: a named profile of the shared config and credentials files.
    pub profile: Value<String>,
    /// `access_key`: with `secret_key`, static credentials instead of the
    /// default credential chain.
    pub access_key: Value<String>,
    /// `secret_key`: goes with `access_key`.
    pub secret_key: Value<String>,
    /// `token`: a session token, for temporary static credentials.
    pub token: Value<String>,
    /// `max_retries`: how often an AWS call is retried; a whole number from
    /// 0 to 100.
    pub max_retries: Value<f64>,
    /// `max_rules_per_direction`: how many rules one group may hold per
    /// direction and IP family (AWS quota L-0EA8095F); a whole number from 1
    /// to 1000.
    pub max_rules_per_direction: Value<f64>,
    /// `allowed_account_ids`: the only AWS accounts the credentials may
    /// belong to; conflicts with `forbidden_account_ids`.
    pub allowed_account_ids: Value<Vec<Value<String>>>,
    /// `forbidden_account_ids`: AWS accounts the credentials must not
    /// belong to; conflicts with `allowed_account_ids`.
    pub forbidden_account_ids: Value<Vec<Value<String>>>,
    /// The `assume_role` block: a list of at most one, as Terraform sends
    /// such blocks.
    pub assume_role: ValueList<AssumeRoleConfig>,
    /// The `endpoints` block: a list of at most one.
    pub endpoints: ValueList<EndpointsConfig>,
    /// The `default_tags` block: a list of at most one.
    pub default_tags: ValueList<DefaultTagsConfig>,
}

/// The `assume_role` block as Terraform sends it.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct AssumeRoleConfig {
    /// `role_arn`: the role to assume; the block requires it.
    pub role_arn: Value<String>,
    /// `session_name`: the name of the role session;
    /// `terraform-provider-cumulocity` when absent.
    pub session_name: Value<String>,
    /// `external_id`: what the role's trust policy asks for, if anything.
    pub external_id: Value<String>,
}

/// The `endpoints` block as Terraform sends it: URLs that replace the AWS
/// endpoints, for an emulator or VPC endpoints.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct EndpointsConfig {
    /// `ec2`: the EC2 endpoint URL.
    pub ec2: Value<String>,
    /// `elbv2`: the Elastic Load Balancing v2 endpoint URL.
    pub elbv2: Value<String>,
    /// `sts`: the STS endpoint URL, used by `assume_role`.
    pub sts: Value<String>,
}

/// The `default_tags` block as Terraform sends it.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct DefaultTagsConfig {
    /// `tags`: added to every security group the provider creates; each
    /// value may be unknown until apply.
    pub tags: Value<BTreeMap<String, Value<String>>>,
}

/// The schema of the provider block, with the descriptions the generated
/// docs show.
pub fn provider_schema() -> Schema {
    let attributes = provider_attributes();
    let blocks = provider_blocks();
    Schema {
        version: 1,
        block: block(
            "The Cumulocity firewall provider turns the documented Cumulocity IoT firewall rule sets into \
             AWS security groups. Credentials and Region follow the AWS provider's rules.",
            attributes,
            blocks,
        ),
    }
}

/// The provider block's attributes: where and as whom to reach AWS, retries,
/// the rule quota, and the account rails.
fn provider_attributes() -> Vec<(&'static str, Attribute)> {
    vec![
        (
            "region",
            optional(
                AttributeType::String,
                "AWS Region, e.g. `eu-central-1`. Defaults to `AWS_REGION` / `AWS_DEFAULT_REGION` or the \
                 shared config file's region.",
            ),
        ),
        (
            "profile",
            optional(
                AttributeType::String,
                "Named profile of the shared config and credentials files. Defaults to `AWS_PROFILE`.",
            ),
        ),
        (
            "access_key",
            sensitive(optional(
                AttributeType::String,
                "AWS access key id. Overrides the default credential chain together with `secret_key`.",
            )),
        ),
        (
            "secret_key",
            sensitive(optional(AttributeType::String, "AWS secret access key.")),
        ),
        (
            "token",
            sensitive(optional(
                AttributeType::String,
                "Session token for temporary credentials.",
            )),
        ),
        (
            "max_retries",
            optional(
                AttributeType::Number,
                "How many times an AWS call is retried (throttling included) with exponential backoff. \
                 Defaults to 25, as in the AWS provider; 0 to 100. An attempt that gets no answer within \
                 30 seconds (a dead connection) counts as failed and is retried too.",
            ),
        ),
        (
            "max_rules_per_direction",
            optional(
                AttributeType::Number,
                "Inbound (and outbound) rules one security group may hold per IP family: the AWS quota \
                 L-0EA8095F. Defaults to 60, AWS's default; set it when your account's quota was raised \
                 (at most 1000). Rule sets that would exceed it fail at plan time.",
            ),
        ),
        (
            "allowed_account_ids",
            optional(
                AttributeType::Set(Box::new(AttributeType::String)),
                "The only AWS account ids (12 digits) the credentials may belong to. Checked once, with \
                 `sts:GetCallerIdentity`, before the first AWS call of a plan or apply; a different account \
                 stops it before anything is changed. Conflicts with `forbidden_account_ids`.",
            ),
        ),
        (
            "forbidden_account_ids",
            optional(
                AttributeType::Set(Box::new(AttributeType::String)),
                "AWS account ids (12 digits) the credentials must not belong to. Checked once, with \
                 `sts:GetCallerIdentity`, before the first AWS call of a plan or apply. Conflicts with \
                 `allowed_account_ids`.",
            ),
        ),
    ]
}

/// The provider block's nested blocks: `assume_role`, `endpoints`,
/// `default_tags`.
fn provider_blocks() -> Vec<(&'static str, NestedBlock)> {
    vec![
        (
            "assume_role",
            NestedBlock::Optional(block(
                "Assume this IAM role with the credentials found, and use the role's credentials.",
                vec![
                    (
                        "role_arn",
                        required(
                            AttributeType::String,
                            "ARN of the role, `arn:aws:iam::<account>:role/<name>`.",
                        ),
                    ),
                    (
                        "session_name",
                        optional(AttributeType::String, "Session name (2–64 characters of `\\w+=,.@-`)."),
                    ),
                    (
                        "external_id",
                        optional(AttributeType::String, "External id the role's trust policy asks for."),
                    ),
                ],
                vec![],
            )),
        ),
        (
            "endpoints",
            NestedBlock::Optional(block(
                "Custom service endpoints, for an AWS emulator, LocalStack or VPC endpoints.",
                vec![
                    (
                        "ec2",
                        optional(AttributeType::String, "EC2 endpoint URL, e.g. `http://127.0.0.1:5000`."),
                    ),
                    (
                        "elbv2",
                        optional(AttributeType::String, "Elastic Load Balancing v2 endpoint URL."),
                    ),
                    (
                        "sts",
                        optional(AttributeType::String, "STS endpoint URL, used by `assume_role`."),
                    ),
                ],
                vec![],
            )),
        ),
        (
            "default_tags",
            NestedBlock::Optional(block(
                "Tags added to every security group this provider creates; a resource's own `tags` win \
                 on conflicts.",
                vec![("tags", optional(string_map(), "The tags."))],
                vec![],
            )),
        ),
    ]
}

/// Everything the provider block decides, validated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProviderSettings {
    /// How to reach AWS: Region, credentials, endpoints, retries.
    pub aws: AwsOptions,
    /// `max_rules_per_direction`, or AWS's default quota when absent.
    pub max_rules_per_direction: usize,
    /// The `default_tags`, every value known.
    pub default_tags: BTreeMap<String, String>,
}

impl Default for ProviderSettings {
    fn default() -> Self {
        ProviderSettings {
            aws: AwsOptions::default(),
            max_rules_per_direction: DEFAULT_MAX_RULES_PER_DIRECTION,
            default_tags: BTreeMap::new(),
        }
    }
}

#[cfg(test)]
mod schema_tests {
    use super::*;
    use crate::provider::common::schema_builder::{block_names, field_names};

    /// A block field the schema lacks makes every provider block fail to
    /// decode; keep struct and schema in step.
    #[test]
    fn config_structs_and_schema_name_the_same_attributes() {
        let block = provider_schema().block;
        assert_eq!(field_names(&ProviderConfig::default()), block_names(&block));
        for (name, fields) in [
            ("endpoints", field_names(&EndpointsConfig::default())),
            ("assume_role", field_names(&AssumeRoleConfig::default())),
            ("default_tags", field_names(&DefaultTagsConfig::default())),
        ] {
            let NestedBlock::Optional(nested) = &block.blocks[name] else {
                panic!("{name} is a block")
            };
            assert_eq!(fields, block_names(nested), "{name}");
        }
    }
}
