//! The provider block checked and turned into `ProviderSettings`: every
//! problem on its attribute, unknown values let through until they are
//! known. `decode` reads as its steps, one a setting.

use tf_provider::value::Value;
use tf_provider::{AttributePath, Diagnostics};

use crate::aws::{AccountRule, AssumeRole, Secret, StaticCredentials};
use crate::provider::common::diagnostics::error;
use crate::provider::common::values::Known;
use crate::provider::configure::config::{AssumeRoleConfig, EndpointsConfig, ProviderConfig, ProviderSettings};
use crate::provider::firewall::argument_checks::{check_tag_key, check_tag_value};
use crate::rules::arn::is_role_arn;
use crate::rules::parse::{check_region, whole_number_in};

/// Validates the provider block. Unknown values pass (they are checked when
/// known); with `diags` free of errors and every value known, returns the
/// settings.
pub fn decode(diags: &mut Diagnostics, config: &ProviderConfig) -> Option<ProviderSettings> {
    let errors_before = diags.errors.len();
    let mut d = Decode {
        diags,
        known: Known::default(),
    };
    let mut settings = ProviderSettings::default();
    settings.aws.region = d.region(&config.region);
    settings.aws.profile = d.known.get(&config.profile).cloned();
    settings.aws.credentials = d.static_credentials(config);
    if let Some(n) = d.whole_in(&config.max_retries, "max_retries", 0, 100) {
        settings.aws.max_retries = n as u32;
    }
    if let Some(n) = d.whole_in(&config.max_rules_per_direction, "max_rules_per_direction", 1, 1000) {
        settings.max_rules_per_direction = n as usize;
    }
    settings.aws.accounts = d.account_rule(config);
    if let Some(role) = d.known.first(&config.assume_role) {
        settings.aws.assume_role = d.assume_role(role);
    }
    if let Some(endpoints) = d.known.first(&config.endpoints) {
        d.endpoints(endpoints, &mut settings);
    }
    if let Some(tags) = d.known.first(&config.default_tags) {
        for (key, value) in d.known.get(&tags.tags).into_iter().flatten() {
            let value = d.known.get(value).cloned();
            d.default_tag(key, value.as_deref());
            if let Some(value) = value {
                settings.default_tags.insert(key.clone(), value);
            }
        }
    }
    let complete = d.known.complete;
    (complete && diags.errors.len() == errors_before).then_some(settings)
}

/// The decoding's shared state: where problems go, and whether every value
/// read was known.
struct Decode<'d> {
    diags: &'d mut Diagnostics,
    known: Known,
}

impl Decode<'_> {
    fn region(&mut self, region: &Value<String>) -> Option<String> {
        let region = self.known.get(region)?;
        if let Err(detail) = check_region(region) {
            error(self.diags, "Invalid region", detail, AttributePath::new("region"));
        }
        Some(region.clone())
    }

    /// `access_key` with `secret_key` (and `token`); one without the other
    /// is an error on the missing one.
    fn static_credentials(&mut self, config: &ProviderConfig) -> Option<StaticCredentials> {
        let access_key = self.known.get(&config.access_key).cloned();
        let secret_key = self.known.get(&config.secret_key).cloned();
        let token = self.known.get(&config.token).cloned();
        let missing = match (&access_key, &secret_key) {
            (Some(_), None) if config.secret_key.is_null() => "secret_key",
            (None, Some(_)) if config.access_key.is_null() => "access_key",
            _ => "",
        };
        if !missing.is_empty() {
            error(
                self.diags,
                format!("{missing} is missing"),
                "access_key and secret_key go together: set both, or neither to use the default credential chain.",
                AttributePath::new(missing),
            );
        }
        Some(StaticCredentials {
            access_key: access_key?,
            secret_key: Secret::new(secret_key?),
            token: token.map(Secret::new),
        })
    }

    fn whole_in(&mut self, value: &Value<f64>, name: &'static str, min: i32, max: i32) -> Option<i32> {
        let value = self.known.get(value)?;
        whole_number_in(*value, min, max)
            .map_err(|detail| error(self.diags, format!("Invalid {name}"), detail, AttributePath::new(name)))
            .ok()
    }

    /// The account ids of one list, each 12 digits.
    fn account_ids(&mut self, name: &'static str, value: &Value<Vec<Value<String>>>) -> Option<Vec<String>> {
        let items = self.known.get(value)?;
        let mut ids = Vec::new();
        for id in items.iter().filter_map(|item| self.known.get(item)) {
            if id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit()) {
                ids.push(id.clone());
            } else {
                error(
                    self.diags,
                    format!("Invalid {name}"),
                    format!("\"{id}\" is not an AWS account id; account ids are 12 digits, like \"123456789012\"."),
                    AttributePath::new(name),
                );
            }
        }
        Some(ids)
    }

    /// `allowed_account_ids` or `forbidden_account_ids`; both set is an
    /// error naming both.
    fn account_rule(&mut self, config: &ProviderConfig) -> Option<AccountRule> {
        let allowed = self.account_ids("allowed_account_ids", &config.allowed_account_ids);
        let forbidden = self.account_ids("forbidden_account_ids", &config.forbidden_account_ids);
        match (allowed, forbidden) {
            (Some(_), Some(_)) => {
                error(
                    self.diags,
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

    fn assume_role(&mut self, role: &AssumeRoleConfig) -> Option<AssumeRole> {
        let path = AttributePath::new("assume_role").index(0);
        if role.role_arn.is_null() {
            error(
                self.diags,
                "role_arn is missing",
                "assume_role needs the ARN of the role to assume.",
                path.clone().attribute("role_arn"),
            );
        }
        let role_arn = self.known.get(&role.role_arn).cloned();
        if let Some(arn) = role_arn.as_deref().filter(|arn| !is_role_arn(arn)) {
            error(
                self.diags,
                "Invalid role_arn",
                format!(
                    "\"{arn}\" is not an IAM role ARN; role ARNs look like \"arn:aws:iam::123456789012:role/deployer\"."
                ),
                path.clone().attribute("role_arn"),
            );
        }
        let session_name = self.known.get(&role.session_name).cloned();
        if let Some(name) = session_name.as_deref().filter(|name| !is_session_name(name)) {
            error(
                self.diags,
                "Invalid session_name",
                format!("\"{name}\" must be 2 to 64 characters of letters, digits and =,.@_-"),
                path.attribute("session_name"),
            );
        }
        let external_id = self.known.get(&role.external_id).cloned();
        Some(AssumeRole {
            role_arn: role_arn?,
            session_name,
            external_id,
        })
    }

    /// A default tag within AWS's limits (key 1 to 128 characters, not
    /// `aws:`; value at most 256), checked at plan as a resource's `tags` are.
    fn default_tag(&mut self, key: &str, value: Option<&str>) {
        let path = AttributePath::new("default_tags").index(0).attribute("tags");
        if let Err(detail) = check_tag_key(key) {
            error(self.diags, "Invalid default tag key", detail, path.clone());
        }
        if let Some(Err(detail)) = value.map(|value| check_tag_value(key, value)) {
            error(self.diags, "Invalid default tag value", detail, path);
        }
    }

    fn endpoints(&mut self, endpoints: &EndpointsConfig, settings: &mut ProviderSettings) {
        let path = AttributePath::new("endpoints").index(0);
        for (name, value, slot) in [
            ("ec2", &endpoints.ec2, &mut settings.aws.ec2_endpoint),
            ("elbv2", &endpoints.elbv2, &mut settings.aws.elbv2_endpoint),
            ("sts", &endpoints.sts, &mut settings.aws.sts_endpoint),
        ] {
            let Some(text) = self.known.get(value) else {
                continue;
            };
            match check_endpoint(text) {
                Ok(()) => *slot = Some(text.clone()),
                Err(detail) => error(
                    self.diags,
                    format!("Invalid {name} endpoint"),
                    detail,
                    path.clone().attribute(name),
                ),
            }
        }
    }
}

fn is_session_name(name: &str) -> bool {
    (2..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"=,.@_-".contains(&b))
}

fn check_endpoint(text: &str) -> Result<(), String> {
    let url = url::Url::parse(text).map_err(|e| {
        format!(
            "\"{text}\" is not a URL ({e}); write it like \"https://ec2.eu-central-1.amazonaws.com\" or \
             \"http://127.0.0.1:5000\"."
        )
    })?;
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
    use crate::provider::configure::config::EndpointsConfig;

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
mod default_tags_tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::provider::configure::config::DefaultTagsConfig;

    #[test]
    fn default_tags_over_aws_limits_are_refused_on_default_tags() {
        let tags = BTreeMap::from([
            ("team".to_string(), Value::Value("x".repeat(257))),
            ("aws:owner".to_string(), Value::Value("me".to_string())),
            ("fits".to_string(), Value::Value("x".repeat(256))),
        ]);
        let config = ProviderConfig {
            default_tags: Value::Value(vec![DefaultTagsConfig {
                tags: Value::Value(tags),
            }]),
            ..Default::default()
        };
        let mut diags = Diagnostics::default();
        assert!(decode(&mut diags, &config).is_none());
        let found: Vec<(String, String)> = diags
            .errors
            .iter()
            .map(|d| (d.summary.to_string(), d.attribute.to_string()))
            .collect();
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found.iter().all(|(_, path)| path.contains("default_tags")), "{found:?}");
        assert!(diags
            .errors
            .iter()
            .any(|d| d.summary == "Invalid default tag value" && d.detail.contains("\"team\" has 257 characters")));
        assert!(diags
            .errors
            .iter()
            .any(|d| d.summary == "Invalid default tag key" && d.detail.contains("aws:")));
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
