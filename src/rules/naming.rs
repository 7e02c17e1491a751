//! Naming and tag policy: the tags a resource's group carries (the
//! provider's `default_tags` joined with the resource's own) and the name
//! and description a group gets when the configuration gives none. Pure
//! decisions; `aws` writes what they decide.

use std::collections::BTreeMap;

use super::rule_set_name::RuleSetName;

/// All of a resource's tags (`tags_all`): the provider's default tags
/// overlaid by the resource's own. Generic over the value, so that the
/// provider can join values not known yet without losing them.
pub fn all_tags<V: Clone>(default_tags: &BTreeMap<String, V>, own: &BTreeMap<String, V>) -> BTreeMap<String, V> {
    let mut all = default_tags.clone();
    all.extend(own.iter().map(|(k, v)| (k.clone(), v.clone())));
    all
}

/// The tags of a group that are the resource's own (`tags`): all but those
/// that only repeat a default tag. A key the configuration sets itself
/// (`configured`) stays, even when its value equals the default, or the
/// plan would never settle.
pub fn own_tags(
    actual: &BTreeMap<String, String>,
    default_tags: &BTreeMap<String, String>,
    configured: impl Fn(&str) -> bool,
) -> BTreeMap<String, String> {
    actual
        .iter()
        .filter(|(k, v)| configured(k) || default_tags.get(*k) != Some(*v))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// The prefix of a name chosen for a group that the configuration names
/// neither by `name` nor `name_prefix`, as the AWS provider does.
pub const DEFAULT_NAME_PREFIX: &str = "terraform-";

/// A group name chosen from `prefix`: the prefix, then the creation time in
/// nanoseconds since the Unix epoch and a sequence number (its last four
/// digits), so that names sort by creation like the AWS provider's and two
/// names chosen in the same nanosecond still differ.
pub fn unique_name(prefix: &str, nanos: u128, sequence: u32) -> String {
    format!("{prefix}{nanos}{:04}", sequence % 10_000)
}

/// The description a group gets when the configuration gives none: a
/// sentence naming its rule sets at creation. AWS cannot change a group's
/// description, so it stays when the rule sets change later.
pub fn default_description(rule_sets: &[RuleSetName]) -> String {
    if rule_sets.is_empty() {
        "Cumulocity firewall (extra rules only). Managed by Terraform.".to_string()
    } else {
        let names: Vec<String> = rule_sets.iter().map(ToString::to_string).collect();
        format!("Cumulocity firewall: {}. Managed by Terraform.", names.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn own_tags_override_defaults_and_only_repeats_of_defaults_are_dropped() {
        let defaults = tags(&[("team", "iot"), ("env", "dev")]);
        assert_eq!(
            all_tags(&defaults, &tags(&[("env", "prod"), ("app", "c8y")])),
            tags(&[("team", "iot"), ("env", "prod"), ("app", "c8y")])
        );
        let actual = tags(&[("team", "iot"), ("env", "prod"), ("app", "c8y")]);
        assert_eq!(
            own_tags(&actual, &defaults, |_| false),
            tags(&[("env", "prod"), ("app", "c8y")])
        );
        assert_eq!(
            own_tags(&actual, &defaults, |k| k == "team"),
            actual,
            "a key the configuration sets stays"
        );
    }

    #[test]
    fn names_carry_time_and_sequence_and_descriptions_name_the_rule_sets() {
        let (a, b) = (
            unique_name(DEFAULT_NAME_PREFIX, 17, 1),
            unique_name(DEFAULT_NAME_PREFIX, 17, 10_002),
        );
        assert_eq!(a, "terraform-170001");
        assert_eq!(b, "terraform-170002", "the sequence's last four digits");
        assert_eq!(
            default_description(&[RuleSetName::External, RuleSetName::Ssh]),
            "Cumulocity firewall: external, ssh. Managed by Terraform."
        );
        assert_eq!(
            default_description(&[]),
            "Cumulocity firewall (extra rules only). Managed by Terraform."
        );
    }
}
