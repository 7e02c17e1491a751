//! The identity of a `cumulocity_firewall` (Terraform 1.12+): the group's
//! id, the Region it is in and the account that owns it, the shape of
//! hashicorp/aws's `aws_security_group` identity, so that
//! `import { to = ..., identity = { id = "sg-..." } }` reads the same for
//! both providers.
//!
//! Identities are built from a state alone (no AWS call): `id` and
//! `account_id` are the state's `id` and `owner_id`, `region` is decided by
//! `firewall_region`. An identity in an `import` block is checked here too,
//! before any AWS call.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use tf_provider::schema::{IdentityAttribute, IdentityImport, IdentitySchema, Type};
use tf_provider::value::Value;
use tf_provider::{AttributePath, Diagnostics};

use crate::provider::common::diagnostics::error;
use crate::provider::firewall::schema::FirewallState;
use crate::rules::arn::is_account_id;
use crate::rules::parse::check_region;
use crate::rules::parse::parse_security_group_id;

/// The identity schema's version; bump it (and upgrade older identities)
/// when the attributes change.
pub const IDENTITY_VERSION: i64 = 0;

/// A firewall's identity as Terraform stores it and `import` blocks write it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirewallIdentity {
    /// The AWS account that owns the group.
    pub account_id: Value<String>,
    /// The group's id, `sg-...`.
    pub id: Value<String>,
    /// The Region the group is in.
    pub region: Value<String>,
}

/// `id` required for import; `region` and `account_id` optional, as in
/// hashicorp/aws.
pub fn identity_schema() -> IdentitySchema {
    let attribute = |import, description: &str| IdentityAttribute {
        attr_type: Type::String,
        import,
        description: description.to_string(),
    };
    IdentitySchema {
        version: IDENTITY_VERSION,
        attributes: HashMap::from([
            (
                "id".to_string(),
                attribute(IdentityImport::Required, "The security group's id, `sg-...`."),
            ),
            (
                "region".to_string(),
                attribute(
                    IdentityImport::Optional,
                    "The Region the group is in, such as `eu-west-1`. Defaults to the provider's Region.",
                ),
            ),
            (
                "account_id".to_string(),
                attribute(
                    IdentityImport::Optional,
                    "The AWS account that owns the group. Defaults to the account of the provider's credentials; \
                     an import naming another account fails.",
                ),
            ),
        ]),
    }
}

/// The Region the firewall `state` describes is in: its `region`, else
/// (a state from before `region` existed) its provider's Region
/// (`provider_region`, the clients'); `None` when neither is known. The one
/// place that decides, for identities, listings and imports.
pub fn firewall_region(state: &FirewallState, provider_region: Option<&str>) -> Option<String> {
    match &state.region {
        Value::Value(region) => Some(region.clone()),
        _ => provider_region.map(str::to_string),
    }
}

/// The identity of the group `state` describes; `None` while its id, its
/// owner or its Region is not known (a firewall about to be created).
pub fn identity_of(state: &FirewallState, provider_region: Option<&str>) -> Option<FirewallIdentity> {
    let id = state.id.as_ref_option()?;
    let account = state.owner_id.as_ref_option()?;
    Some(FirewallIdentity {
        account_id: Value::Value(account.clone()),
        id: Value::Value(id.clone()),
        region: Value::Value(firewall_region(state, provider_region)?),
    })
}

/// What an `import` block's identity asks for, once checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportRequest {
    /// The group's id.
    pub id: String,
    /// The account the identity names, if it names one.
    pub account_id: Option<String>,
    /// The Region the identity names; the provider's when `None`.
    pub region: Option<String>,
}

/// Checks an identity from an `import` block before any AWS call: `id` is
/// given and is a group id, `account_id` (when given) is an account id, and
/// `region` (when given) is a Region name. Every problem is reported on the
/// attribute at fault.
pub fn checked_import(diags: &mut Diagnostics, identity: &FirewallIdentity) -> Option<ImportRequest> {
    let errors_before = diags.errors.len();
    let id = match &identity.id {
        Value::Value(id) => match parse_security_group_id(id) {
            Ok(id) => Some(id),
            Err(detail) => {
                error(
                    diags,
                    "Invalid identity id",
                    format!("{detail} The identity's `id` is the id of the security group to import."),
                    AttributePath::new("id"),
                );
                None
            }
        },
        _ => {
            error(
                diags,
                "Missing identity id",
                "The import block's identity has no `id`: write `identity = { id = \"sg-...\" }` with the id of \
                 the security group to import.",
                AttributePath::new("id"),
            );
            None
        }
    };
    let account_id = identity.account_id.as_ref_option().cloned();
    if let Some(account) = &account_id {
        if !is_account_id(account) {
            error(
                diags,
                "Invalid identity account_id",
                format!("\"{account}\" is not an AWS account id; account ids are 12 digits."),
                AttributePath::new("account_id"),
            );
        }
    }
    let region = identity.region.as_ref_option().cloned();
    if let Some(region) = &region {
        if let Err(detail) = check_region(region) {
            error(
                diags,
                "Invalid identity region",
                format!(
                    "{detail} The identity's `region` is the Region of the group; leave it out for the provider's."
                ),
                AttributePath::new("region"),
            );
        }
    }
    (diags.errors.len() == errors_before).then(|| ImportRequest {
        id: id.unwrap_or_default(),
        account_id,
        region,
    })
}

/// After the group is found: it must be owned by the account the identity
/// names (`owner` is the group's owner, the account the credentials reach).
pub fn check_owner(diags: &mut Diagnostics, request: &ImportRequest, owner: &str) -> Option<()> {
    match &request.account_id {
        Some(account) if account != owner => {
            error(
                diags,
                "Identity in another account",
                format!(
                    "The identity names account {account}, but {} is owned by account {owner}, the one these \
                     credentials reach. Correct `account_id` (or leave it out), or import with credentials of \
                     account {account}.",
                    request.id
                ),
                AttributePath::new("account_id"),
            );
            None
        }
        _ => Some(()),
    }
}

/// The not-found message of an import by identity: where the group was
/// looked for, and, when the identity names an account, that it may be
/// another account's.
pub fn not_found_detail(request: &ImportRequest, region: &str) -> String {
    let mut detail = format!(
        "There is no security group {} in {region} for these credentials.",
        request.id
    );
    if let Some(account) = &request.account_id {
        detail.push_str(&format!(
            " The identity names account {account}: if the group is that account's and these credentials are \
             another's, import with credentials of account {account} (or `assume_role` into it)."
        ));
    }
    detail
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::common::diagnostics::errors_by_attribute;

    const REGION: &str = "eu-central-1";

    fn state(id: Value<String>, owner: Value<String>) -> FirewallState {
        FirewallState {
            id,
            owner_id: owner,
            ..FirewallState::default()
        }
    }

    fn identity(id: Option<&str>, region: Option<&str>, account: Option<&str>) -> FirewallIdentity {
        let value = |v: Option<&str>| v.map_or(Value::Null, |v| Value::Value(v.to_string()));
        FirewallIdentity {
            account_id: value(account),
            id: value(id),
            region: value(region),
        }
    }

    #[test]
    fn schema_has_aws_shape() {
        let schema = identity_schema();
        let import = |name: &str| schema.attributes[name].import;
        assert_eq!(schema.attributes.len(), 3);
        assert_eq!(import("id"), IdentityImport::Required);
        assert_eq!(import("region"), IdentityImport::Optional);
        assert_eq!(import("account_id"), IdentityImport::Optional);
        assert!(schema.attributes.values().all(|a| a.attr_type == Type::String));
    }

    #[test]
    fn struct_and_schema_name_the_same_attributes() {
        let names = crate::provider::common::schema_builder::field_names(&FirewallIdentity::default());
        let schema: std::collections::BTreeSet<String> = identity_schema().attributes.into_keys().collect();
        assert_eq!(names, schema);
    }

    #[test]
    fn identity_comes_from_the_state_and_the_firewalls_region() {
        let s = state(
            Value::Value("sg-0123456789abcdef0".into()),
            Value::Value("123456789012".into()),
        );
        assert_eq!(
            identity_of(&s, Some(REGION)),
            Some(identity(
                Some("sg-0123456789abcdef0"),
                Some(REGION),
                Some("123456789012")
            )),
            "a state from before `region` existed is in the provider's Region"
        );
        assert_eq!(firewall_region(&s, Some(REGION)).as_deref(), Some(REGION));
        assert_eq!(identity_of(&s, None), None, "no Region known, no identity");

        let away = FirewallState {
            region: Value::Value("eu-west-1".into()),
            ..s
        };
        assert_eq!(firewall_region(&away, Some(REGION)).as_deref(), Some("eu-west-1"));
        assert_eq!(
            identity_of(&away, None).map(|i| i.region),
            Some(Value::Value("eu-west-1".into())),
            "the firewall's own Region wins, and needs no provider"
        );
    }

    #[test]
    fn no_identity_before_the_group_exists() {
        assert_eq!(identity_of(&state(Value::Unknown, Value::Unknown), Some(REGION)), None);
        assert_eq!(identity_of(&state(Value::Null, Value::Null), Some(REGION)), None);
        let half = state(Value::Value("sg-0123456789abcdef0".into()), Value::Unknown);
        assert_eq!(identity_of(&half, Some(REGION)), None);
    }

    #[test]
    fn identity_serializes_as_terraform_stores_it() {
        let json = serde_json::to_value(identity(Some("sg-12345678"), Some(REGION), None)).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"id": "sg-12345678", "region": REGION, "account_id": null})
        );
    }

    fn errors(identity: &FirewallIdentity) -> Vec<(AttributePath, String)> {
        let mut diags = Diagnostics::default();
        let checked = checked_import(&mut diags, identity);
        assert_eq!(checked.is_some(), diags.errors.is_empty());
        errors_by_attribute(&diags)
    }

    #[test]
    fn a_good_identity_passes_with_or_without_the_optional_attributes() {
        let mut diags = Diagnostics::default();
        let full = identity(Some("sg-12345678"), Some(REGION), Some("123456789012"));
        assert_eq!(
            checked_import(&mut diags, &full),
            Some(ImportRequest {
                id: "sg-12345678".into(),
                account_id: Some("123456789012".into()),
                region: Some(REGION.into()),
            })
        );
        let bare = identity(Some("sg-0123456789abcdef0"), None, None);
        assert_eq!(
            checked_import(&mut diags, &bare),
            Some(ImportRequest {
                id: "sg-0123456789abcdef0".into(),
                account_id: None,
                region: None,
            })
        );
        assert!(diags.errors.is_empty());
    }

    #[test]
    fn every_bad_attribute_is_reported_on_itself() {
        let found = errors(&identity(None, None, None));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0], (AttributePath::new("id"), "Missing identity id".to_string()));

        let found = errors(&identity(Some("vpc-12345678"), Some("Frankfurt"), Some("12345")));
        let expected = [
            ("id", "Invalid identity id"),
            ("account_id", "Invalid identity account_id"),
            ("region", "Invalid identity region"),
        ]
        .map(|(path, summary)| (AttributePath::new(path), summary.to_string()));
        assert_eq!(found, expected);
    }

    #[test]
    fn another_region_is_imported_from_there() {
        let mut diags = Diagnostics::default();
        let request = checked_import(&mut diags, &identity(Some("sg-12345678"), Some("us-east-1"), None));
        assert!(diags.errors.is_empty());
        assert_eq!(request.and_then(|r| r.region).as_deref(), Some("us-east-1"));
        let found = errors(&identity(Some("sg-12345678"), Some(""), None));
        assert_eq!(
            found,
            [(AttributePath::new("region"), "Invalid identity region".to_string())]
        );
    }

    #[test]
    fn the_owner_must_be_the_identitys_account() {
        let request = ImportRequest {
            id: "sg-12345678".into(),
            account_id: Some("111111111111".into()),
            region: None,
        };
        let mut diags = Diagnostics::default();
        assert_eq!(check_owner(&mut diags, &request, "111111111111"), Some(()));
        assert_eq!(check_owner(&mut diags, &request, "123456789012"), None);
        let detail = diags.errors[0].detail.to_string();
        assert!(
            detail.contains("111111111111") && detail.contains("123456789012"),
            "{detail}"
        );
        let any = ImportRequest {
            account_id: None,
            ..request.clone()
        };
        assert_eq!(check_owner(&mut Diagnostics::default(), &any, "123456789012"), Some(()));
        assert!(not_found_detail(&request, REGION).contains("111111111111"));
        assert!(!not_found_detail(&any, REGION).contains("account"));
    }
}
