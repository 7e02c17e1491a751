//! The checks of the arguments `cumulocity_firewall` adds to the rule
//! arguments: name and name prefix, VPC, Region, tags (AWS's limits on
//! names, keys, values and counts, which the emulator does not enforce).

use tf_provider::value::Value;

use crate::provider::firewall::schema::FirewallState;
use crate::rules::parse;
use crate::rules::AttrPath;

/// Checks of the resource's own arguments: (path, summary, detail).
pub fn argument_problems(state: &FirewallState) -> Vec<(AttrPath, String, String)> {
    let mut problems = Vec::new();
    if let (Value::Value(_), Value::Value(_)) = (&state.name, &state.name_prefix) {
        problems.push((
            AttrPath::attr("name_prefix"),
            "Conflicting name and name_prefix".to_string(),
            "Set name for a fixed name, or name_prefix for a unique name the provider chooses; not both.".to_string(),
        ));
    }
    for (attr, value, max) in [("name", &state.name, 255), ("name_prefix", &state.name_prefix, 100)] {
        if let Value::Value(text) = value {
            if let Err(detail) = check_group_name(text, max) {
                problems.push((AttrPath::attr(attr), format!("Invalid {attr}"), detail));
            }
        }
    }
    if let Value::Value(text) = &state.description {
        if let Err(detail) = parse::check_description(text) {
            problems.push((AttrPath::attr("description"), "Invalid description".to_string(), detail));
        }
    }
    if let Value::Value(vpc) = &state.vpc_id {
        if !is_vpc_id(vpc) {
            problems.push((
                AttrPath::attr("vpc_id"),
                "Invalid vpc_id".to_string(),
                format!("\"{vpc}\" is not a VPC id; ids look like \"vpc-0123456789abcdef0\"."),
            ));
        }
    }
    if let Value::Value(region) = &state.region {
        if let Err(detail) = parse::check_region(region) {
            problems.push((AttrPath::attr("region"), "Invalid region".to_string(), detail));
        }
    }
    if let Value::Value(tags) = &state.tags {
        for (key, value) in tags {
            if let Err(detail) = check_tag_key(key) {
                problems.push((AttrPath::attr("tags"), "Invalid tag key".to_string(), detail));
            }
            if let Value::Value(value) = value {
                if let Err(detail) = check_tag_value(key, value) {
                    problems.push((AttrPath::attr("tags"), "Invalid tag value".to_string(), detail));
                }
            }
        }
    }
    problems
}

/// AWS's limit on the tags of one resource.
pub const MAX_TAGS: usize = 50;

/// The tags the provider adds to every group it creates (the ownership tag
/// and the marker of an unfinished create), which count towards `MAX_TAGS`.
pub const BOOKKEEPING_TAGS: usize = 2;

/// `tags_all` (the provider's `default_tags` merged with `tags`) against
/// AWS's 50 tags per resource, counting the provider's own: an error
/// detail when there are too many.
pub fn too_many_tags(tags_all: usize) -> Option<String> {
    (tags_all + BOOKKEEPING_TAGS > MAX_TAGS).then(|| {
        format!(
            "The group would carry {tags_all} tags (default_tags merged with tags) plus the provider's \
             {BOOKKEEPING_TAGS}; AWS allows at most {MAX_TAGS} tags on a security group. Remove some, so that \
             default_tags and tags together give at most {}.",
            MAX_TAGS - BOOKKEEPING_TAGS
        )
    })
}

/// AWS takes tag values of at most 256 characters.
/// A tag value within AWS's 256 characters.
pub fn check_tag_value(key: &str, value: &str) -> Result<(), String> {
    let length = value.chars().count();
    if length > 256 {
        return Err(format!(
            "The value of tag \"{key}\" has {length} characters; AWS allows at most 256."
        ));
    }
    Ok(())
}

fn check_group_name(name: &str, max: usize) -> Result<(), String> {
    if name.is_empty() {
        return Err("The name is empty.".to_string());
    }
    if name.len() > max {
        return Err(format!(
            "The name has {} characters; at most {max} are allowed.",
            name.len()
        ));
    }
    if name.starts_with("sg-") {
        return Err(format!(
            "\"{name}\" starts with \"sg-\", which AWS reserves for group ids."
        ));
    }
    // AWS takes the same characters in group names as in rule descriptions.
    if let Some(bad) = name.chars().find(|c| !parse::is_description_char(*c)) {
        return Err(format!(
            "The name contains {bad:?}, which AWS does not allow in security group names. Allowed: letters, \
             digits, spaces and {}",
            parse::DESCRIPTION_EXTRA_CHARS
        ));
    }
    Ok(())
}

fn is_vpc_id(text: &str) -> bool {
    parse::parse_ec2_id(text, "vpc", "VPC").is_ok()
}

/// A tag key of 1 to 128 characters, not in AWS's reserved `aws:` space.
pub fn check_tag_key(key: &str) -> Result<(), String> {
    if key.is_empty() || key.chars().count() > 128 {
        return Err(format!("Tag key \"{key}\" must have 1 to 128 characters."));
    }
    if key.to_ascii_lowercase().starts_with("aws:") {
        return Err(format!("Tag key \"{key}\" starts with \"aws:\", which AWS reserves."));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    #[test]
    fn names_and_ids() {
        assert!(check_group_name("c8y-edge", 255).is_ok());
        assert!(check_group_name("sg-edge", 255).unwrap_err().contains("reserves"));
        assert!(check_group_name("", 255).is_err());
        assert!(check_group_name("edge\u{e9}", 255).unwrap_err().contains("name"));
        assert!(is_vpc_id("vpc-0123456789abcdef0") && is_vpc_id("vpc-12345678"));
        assert!(!is_vpc_id("vpc-xyz") && !is_vpc_id("sg-12345678"));
        assert!(check_tag_key("aws:cloudformation").is_err() && check_tag_key("env").is_ok());
    }

    #[test]
    fn a_name_with_a_character_aws_refuses_is_told_so_in_words_about_names() {
        let detail = check_group_name("edge\u{e9}", 255).unwrap_err();
        assert_eq!(
            detail,
            "The name contains '\u{e9}', which AWS does not allow in security group names. Allowed: letters, \
             digits, spaces and . _-:/()#,@[]+=&;{}!$*",
            "the same characters as rule descriptions, listed the same way"
        );
        assert!(check_group_name("c8y (edge) #1: a/b_c-d.e@f[g]+h=i&j;k{l}!m$n*o,p", 255).is_ok());
    }

    #[test]
    fn tag_values_over_256_characters_and_more_than_50_tags_are_refused() {
        let state = FirewallState {
            tags: Value::Value(BTreeMap::from([
                ("long".to_string(), Value::Value("x".repeat(257))),
                ("fits".to_string(), Value::Value("x".repeat(256))),
            ])),
            ..Default::default()
        };
        let problems = argument_problems(&state);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].1, "Invalid tag value");
        assert!(problems[0].2.contains("\"long\" has 257 characters"));
        assert_eq!(too_many_tags(48), None);
        assert!(too_many_tags(49).unwrap().contains("at most 48"));
    }

    #[test]
    fn name_and_prefix_conflict() {
        let state = FirewallState {
            name: Value::Value("a".into()),
            name_prefix: Value::Value("b".into()),
            ..Default::default()
        };
        let problems = argument_problems(&state);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].0.to_string(), "name_prefix");
    }
}
