//! Which changes of a `cumulocity_firewall` need a new group: AWS cannot
//! rename a group, change its description, move it to another VPC or
//! Region.

use tf_provider::value::Value;

use crate::provider::firewall::schema::FirewallState;

/// The attributes whose change from `prior` to `config` (and the planned
/// Region `planned_region`) replaces the group.
///
/// A changed `name_prefix` replaces it, but a group imported or moved (whose
/// state records no `name_prefix`) into a configuration with the prefix its
/// name starts with is kept, as is a group whose configuration drops the
/// prefix (its name stays valid).
pub fn replaced_attributes(
    config: &FirewallState,
    prior: &FirewallState,
    planned_region: &Value<String>,
) -> Vec<&'static str> {
    let mut replace = Vec::new();
    for (name, configured, before) in [
        ("name", &config.name, &prior.name),
        ("description", &config.description, &prior.description),
        ("vpc_id", &config.vpc_id, &prior.vpc_id),
    ] {
        if !configured.is_null() && configured != before {
            replace.push(name);
        }
    }
    // A state from before `region` existed (null) is in the provider's
    // Region.
    if !prior.region.is_null() && *planned_region != prior.region {
        replace.push("region");
    }
    if let Value::Value(prefix) = &config.name_prefix {
        let kept = match &prior.name_prefix {
            Value::Value(before) => before == prefix,
            // Imported or moved: no prefix recorded, the name tells.
            _ => matches!(&prior.name, Value::Value(name) if name.starts_with(prefix.as_str())),
        };
        if !kept {
            replace.push("name_prefix");
        }
    }
    replace
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(name: &str, prefix: Option<&str>) -> FirewallState {
        FirewallState {
            name: Value::Value(name.to_string()),
            name_prefix: prefix.map_or(Value::Null, |p| Value::Value(p.to_string())),
            region: Value::Value("eu-west-1".to_string()),
            ..Default::default()
        }
    }

    fn config(prefix: Option<&str>) -> FirewallState {
        FirewallState {
            name_prefix: prefix.map_or(Value::Null, |p| Value::Value(p.to_string())),
            ..Default::default()
        }
    }

    #[test]
    fn a_group_named_by_its_prefix_is_kept_after_an_import() {
        let region = Value::Value("eu-west-1".to_string());
        let imported = named("edge-20261205120000000000001", None);
        assert!(replaced_attributes(&config(Some("edge-")), &imported, &region).is_empty());
        assert_eq!(
            replaced_attributes(&config(Some("core-")), &imported, &region),
            ["name_prefix"]
        );
        let made = named("edge-20261205120000000000001", Some("edge-"));
        assert!(
            replaced_attributes(&config(None), &made, &region).is_empty(),
            "dropping the prefix"
        );
        assert_eq!(
            replaced_attributes(&config(Some("edge-")), &made, &Value::Value("eu-central-1".into())),
            ["region"]
        );
        assert_eq!(
            replaced_attributes(&config(Some("edg")), &made, &region),
            ["name_prefix"],
            "a changed prefix replaces, even one the name starts with"
        );
    }

    #[test]
    fn name_description_and_vpc_replace_when_configured_and_different() {
        let region = Value::Value("eu-west-1".to_string());
        let prior = named("edge", None);
        let mut renamed = config(None);
        renamed.name = Value::Value("core".into());
        renamed.description = Value::Value("other".into());
        assert_eq!(replaced_attributes(&renamed, &prior, &region), ["name", "description"]);
        assert!(
            replaced_attributes(&config(None), &prior, &region).is_empty(),
            "left out: kept"
        );
    }
}
