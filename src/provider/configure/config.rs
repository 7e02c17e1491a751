//! The provider block: its schema, shaped like the AWS provider's so users
//! feel at home, its validation, and the settings it yields.
//!
//! The AWS options are decoded and validated here already; the `aws` layer
//! turns them into clients.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use tf_provider::schema::{AttributeType, NestedBlock, Schema};
use tf_provider::value::{Value, ValueList};
use tf_provider::{AttributePath, Diagnostics};

use crate::aws::{AccountRule, AssumeRole, AwsOptions, Secret, StaticCredentials};
use crate::provider::common::diagnostics::error;
use crate::provider::common::schema_builder::{block, optional, required, sensitive, string_map};
use crate::rules::arn::is_role_arn;
use crate::rules::parse::{check_region, whole_number_in};
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
    let attributes = vec![
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
    ];
    let blocks = vec![
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
    ];
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

/// Validates the provider block. Unknown values pass (they are checked when
/// known); with `diags` free of errors and every value known, returns the
/// settings.
pub fn decode(diags: &mut Diagnostics, config: &ProviderConfig) -> Option<ProviderSettings> {
    let errors_before = diags.errors.len();
    let mut settings = ProviderSettings::default();
    let mut complete = true;
    let mut known = |v: &Value<String>| -> Option<String> {
        match v {
            Value::Value(s) => Some(s.clone()),
            Value::Null => None,
            Value::Unknown => {
                complete = false;
                None
            }
        }
    };

    settings.aws.region = known(&config.region);
    if let Some(region) = &settings.aws.region {
        if let Err(detail) = check_region(region) {
            error(diags, "Invalid region", detail, AttributePath::new("region"));
        }
    }
    settings.aws.profile = known(&config.profile);

    let access_key = known(&config.access_key);
    let secret_key = known(&config.secret_key);
    let token = known(&config.token);
    match (access_key, secret_key) {
        (Some(access_key), Some(secret_key)) => {
            settings.aws.credentials = Some(StaticCredentials {
                access_key,
                secret_key: Secret::new(secret_key),
                token: token.map(Secret::new),
            })
        }
        (Some(_), None) if config.secret_key.is_null() => error(
            diags,
            "secret_key is missing",
            "access_key and secret_key go together: set both, or neither to use the default credential chain.",
            AttributePath::new("secret_key"),
        ),
        (None, Some(_)) if config.access_key.is_null() => error(
            diags,
            "access_key is missing",
            "access_key and secret_key go together: set both, or neither to use the default credential chain.",
            AttributePath::new("access_key"),
        ),
        _ => {}
    }

    if let Some(n) = whole_in(diags, &config.max_retries, "max_retries", 0, 100, &mut complete) {
        settings.aws.max_retries = n as u32;
    }
    if let Some(n) = whole_in(
        diags,
        &config.max_rules_per_direction,
        "max_rules_per_direction",
        1,
        1000,
        &mut complete,
    ) {
        settings.max_rules_per_direction = n as usize;
    }

    settings.aws.accounts = account_rule(diags, config, &mut complete);

    if let Some(role) = single_block(&config.assume_role, &mut complete) {
        let path = AttributePath::new("assume_role").index(0);
        let role_arn = match &role.role_arn {
            Value::Value(arn) => Some(arn.clone()),
            Value::Unknown => {
                complete = false;
                None
            }
            Value::Null => {
                error(
                    diags,
                    "role_arn is missing",
                    "assume_role needs the ARN of the role to assume.",
                    path.clone().attribute("role_arn"),
                );
                None
            }
        };
        if let Some(arn) = &role_arn {
            if !is_role_arn(arn) {
                error(diags,
                    "Invalid role_arn",
                    format!("\"{arn}\" is not an IAM role ARN; role ARNs look like \"arn:aws:iam::123456789012:role/deployer\"."),
                    path.clone().attribute("role_arn"),
                );
            }
        }
        let session_name = match &role.session_name {
            Value::Value(name) => {
                if !is_session_name(name) {
                    error(
                        diags,
                        "Invalid session_name",
                        format!("\"{name}\" must be 2 to 64 characters of letters, digits and =,.@_-"),
                        path.clone().attribute("session_name"),
                    );
                }
                Some(name.clone())
            }
            Value::Unknown => {
                complete = false;
                None
            }
            Value::Null => None,
        };
        let external_id = match &role.external_id {
            Value::Value(id) => Some(id.clone()),
            Value::Unknown => {
                complete = false;
                None
            }
            Value::Null => None,
        };
        settings.aws.assume_role = role_arn.map(|role_arn| AssumeRole {
            role_arn,
            session_name,
            external_id,
        });
    }

    if let Some(endpoints) = single_block(&config.endpoints, &mut complete) {
        let path = AttributePath::new("endpoints").index(0);
        for (name, value, slot) in [
            ("ec2", &endpoints.ec2, &mut settings.aws.ec2_endpoint),
            ("elbv2", &endpoints.elbv2, &mut settings.aws.elbv2_endpoint),
            ("sts", &endpoints.sts, &mut settings.aws.sts_endpoint),
        ] {
            match value {
                Value::Value(text) => match check_endpoint(text) {
                    Ok(()) => *slot = Some(text.clone()),
                    Err(detail) => error(
                        diags,
                        format!("Invalid {name} endpoint"),
                        detail,
                        path.clone().attribute(name),
                    ),
                },
                Value::Unknown => complete = false,
                Value::Null => {}
            }
        }
    }

    if let Some(tags) = single_block(&config.default_tags, &mut complete) {
        match &tags.tags {
            Value::Value(map) => {
                for (key, value) in map {
                    match value {
                        Value::Value(v) => {
                            settings.default_tags.insert(key.clone(), v.clone());
                        }
                        Value::Unknown => complete = false,
                        Value::Null => {}
                    }
                }
            }
            Value::Unknown => complete = false,
            Value::Null => {}
        }
    }

    (complete && diags.errors.len() == errors_before).then_some(settings)
}

/// `allowed_account_ids` or `forbidden_account_ids`, each id 12 digits;
/// both set is an error naming both.
fn account_rule(diags: &mut Diagnostics, config: &ProviderConfig, complete: &mut bool) -> Option<AccountRule> {
    let mut ids = |name: &'static str, value: &Value<Vec<Value<String>>>| -> Option<Vec<String>> {
        let items = match value {
            Value::Value(items) => items,
            Value::Unknown => {
                *complete = false;
                return None;
            }
            Value::Null => return None,
        };
        let mut known = Vec::new();
        for item in items {
            match item {
                Value::Value(id) if id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit()) => known.push(id.clone()),
                Value::Value(id) => error(
                    diags,
                    format!("Invalid {name}"),
                    format!("\"{id}\" is not an AWS account id; account ids are 12 digits, like \"123456789012\"."),
                    AttributePath::new(name),
                ),
                Value::Unknown => *complete = false,
                Value::Null => {}
            }
        }
        Some(known)
    };
    let allowed = ids("allowed_account_ids", &config.allowed_account_ids);
    let forbidden = ids("forbidden_account_ids", &config.forbidden_account_ids);
    match (allowed, forbidden) {
        (Some(_), Some(_)) => {
            error(
                diags,
                "Conflicting account lists",
                "allowed_account_ids and forbidden_account_ids cannot both be set: keep the one that says \
                 what you mean (usually allowed_account_ids).",
                AttributePath::new("forbidden_account_ids"),
            );
            None
        }
        (Some(ids), None) => Some(AccountRule::Allowed(ids)),
        (None, Some(ids)) => Some(AccountRule::Forbidden(ids)),
        (None, None) => None,
    }
}

fn single_block<'c, T>(blocks: &'c ValueList<T>, complete: &mut bool) -> Option<&'c T> {
    match blocks {
        Value::Value(items) => items.first(),
        Value::Unknown => {
            *complete = false;
            None
        }
        Value::Null => None,
    }
}

fn whole_in(
    diags: &mut Diagnostics,
    value: &Value<f64>,
    name: &'static str,
    min: i32,
    max: i32,
    complete: &mut bool,
) -> Option<i32> {
    match value {
        Value::Value(v) => match whole_number_in(*v, min, max) {
            Ok(n) => Some(n),
            Err(detail) => {
                error(diags, format!("Invalid {name}"), detail, AttributePath::new(name));
                None
            }
        },
        Value::Unknown => {
            *complete = false;
            None
        }
        Value::Null => None,
    }
}

fn is_session_name(name: &str) -> bool {
    (2..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"=,.@_-".contains(&b))
}

fn check_endpoint(text: &str) -> Result<(), String> {
    let url = url::Url::parse(text).map_err(|e| format!("\"{text}\" is not a URL ({e}); write it like \"https://ec2.eu-central-1.amazonaws.com\" or \"http://127.0.0.1:5000\"."))?;
    if url.scheme() != "http" && url.scheme() != "https" {
        return Err(format!("\"{text}\" must start with http:// or https://."));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(format!("\"{text}\" names no host."));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints() {
        assert!(check_endpoint("http://127.0.0.1:5000").is_ok());
        assert!(check_endpoint("https://ec2.eu-central-1.amazonaws.com").is_ok());
        assert!(check_endpoint("127.0.0.1:5000").is_err());
        assert!(check_endpoint("ftp://host").is_err());
        assert!(check_endpoint("not a url").is_err());
    }

    #[test]
    fn secrets_do_not_print() {
        let creds = StaticCredentials {
            access_key: "AKIAEXAMPLE".into(),
            secret_key: Secret::new("wJalrXUtnFEMI".into()),
            token: Some(Secret::new("FwoGZXIvYXdzE".into())),
        };
        let printed = format!("{creds:?}");
        assert!(
            !printed.contains("wJalrXUtnFEMI") && !printed.contains("FwoGZXIvYXdzE"),
            "{printed}"
        );
    }

    #[test]
    fn empty_block_gives_defaults() {
        let mut diags = Diagnostics::default();
        let settings = decode(&mut diags, &ProviderConfig::default()).expect("defaults");
        assert!(diags.errors.is_empty());
        assert_eq!(settings, ProviderSettings::default());
        assert_eq!(settings.max_rules_per_direction, 60);
    }

    #[test]
    fn bad_values_name_their_attribute() {
        let config = ProviderConfig {
            region: Value::Value("Frankfurt".into()),
            access_key: Value::Value("AKIA".into()),
            max_rules_per_direction: Value::Value(0.0),
            max_retries: Value::Value(2.5),
            endpoints: Value::Value(vec![EndpointsConfig {
                ec2: Value::Value("localhost:5000".into()),
                elbv2: Value::Null,
                sts: Value::Null,
            }]),
            allowed_account_ids: Value::Value(vec![Value::Value("12345".into())]),
            ..Default::default()
        };
        let mut diags = Diagnostics::default();
        assert!(decode(&mut diags, &config).is_none());
        let paths: Vec<String> = diags.errors.iter().map(|d| d.attribute.to_string()).collect();
        for expected in [
            "region",
            "secret_key",
            "max_retries",
            "max_rules_per_direction",
            "endpoints[0].ec2",
            "allowed_account_ids",
        ] {
            assert!(
                paths.iter().any(|p| p.contains(expected)),
                "{expected} not in {paths:?}"
            );
        }
    }
}

#[cfg(test)]
mod account_tests {
    use super::*;

    fn ids(list: &[&str]) -> Value<Vec<Value<String>>> {
        Value::Value(list.iter().map(|id| Value::Value(id.to_string())).collect())
    }

    #[test]
    fn both_account_lists_are_an_error_naming_both() {
        let config = ProviderConfig {
            allowed_account_ids: ids(&["123456789012"]),
            forbidden_account_ids: ids(&["210987654321"]),
            ..Default::default()
        };
        let mut diags = Diagnostics::default();
        assert!(decode(&mut diags, &config).is_none());
        let [only] = diags.errors.as_slice() else {
            panic!("one error: {:?}", diags.errors)
        };
        assert!(only.attribute.to_string().contains("forbidden_account_ids"));
        assert!(only.detail.contains("allowed_account_ids") && only.detail.contains("forbidden_account_ids"));
    }

    #[test]
    fn one_account_list_gives_its_rule() {
        let config = ProviderConfig {
            allowed_account_ids: ids(&["123456789012"]),
            ..Default::default()
        };
        let mut diags = Diagnostics::default();
        let settings = decode(&mut diags, &config).expect("valid");
        let rule = settings.aws.accounts.expect("a rule");
        assert_eq!(rule, AccountRule::Allowed(vec!["123456789012".into()]));
        assert!(rule.permits("123456789012") && !rule.permits("210987654321"));
        let forbidden = AccountRule::Forbidden(vec!["123456789012".into()]);
        assert!(!forbidden.permits("123456789012") && forbidden.permits("210987654321"));
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
