//! Operation timeouts: the resource's `timeouts { create, delete }` block,
//! durations in Terraform's usual notation ("10m", "1h30m", "90s").
//!
//! Not to be confused with session (idle) timeouts, which the firewall sets
//! on load balancers (`session_timeouts`): these bound how long the provider
//! may spend on one operation before it gives up. `create` also bounds
//! updates and refreshes, `delete` a destroy (which may wait while something
//! still uses the group).

use std::time::Duration;

use serde::{Deserialize, Serialize};
use tf_provider::schema::{AttributeType, NestedBlock};
use tf_provider::value::{Value, ValueList};

use crate::provider::common::schema_builder::{block, optional};
use crate::rules::AttrPath;

/// `create`'s default: creating a group and its rules, updates, refreshes
/// and imports.
pub const DEFAULT_CREATE: Duration = Duration::from_secs(10 * 60);
/// `delete`'s default: longer, since a delete waits while network interfaces
/// or other groups' rules still use the group.
pub const DEFAULT_DELETE: Duration = Duration::from_secs(15 * 60);

/// The `timeouts` block as Terraform sends it.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct TimeoutsConfig {
    /// Bounds create, update and read.
    pub create: Value<String>,
    /// Bounds destroy.
    pub delete: Value<String>,
}

/// The block's schema: optional, with `create` and `delete` only.
pub fn timeouts_block() -> NestedBlock {
    NestedBlock::Optional(block(
        "How long operations may take, as `10m`, `1h30m` or `90s`.",
        vec![
            (
                "create",
                optional(
                    AttributeType::String,
                    "For creating the group and its rules, and for updates. Default `10m`.",
                ),
            ),
            (
                "delete",
                optional(
                    AttributeType::String,
                    "For deleting the group, including waiting while something still uses it. Default `15m`.",
                ),
            ),
        ],
        vec![],
    ))
}

/// One duration as the block takes it; a sentence the user can act on when
/// it is not one (zero counts as none).
pub fn parse(text: &str) -> Result<Duration, String> {
    match humantime::parse_duration(text) {
        Ok(d) if d.is_zero() => Err(format!("\"{text}\" is zero; give a positive duration such as \"10m\".")),
        Ok(d) => Ok(d),
        Err(e) => Err(format!(
            "\"{text}\" is not a duration ({e}); write it like \"10m\", \"1h30m\" or \"90s\"."
        )),
    }
}

/// The create and delete durations; invalid or absent values give the
/// defaults (validation reports invalid ones).
pub fn durations(timeouts: &ValueList<TimeoutsConfig>) -> (Duration, Duration) {
    let block = timeouts.as_ref_option().and_then(|b| b.first());
    let pick = |value: Option<&Value<String>>, default| {
        value
            .and_then(|v| v.as_ref_option())
            .and_then(|t| parse(t).ok())
            .unwrap_or(default)
    };
    (
        pick(block.map(|b| &b.create), DEFAULT_CREATE),
        pick(block.map(|b| &b.delete), DEFAULT_DELETE),
    )
}

/// Problems with the block: (path, message).
pub fn problems(timeouts: &ValueList<TimeoutsConfig>) -> Vec<(AttrPath, String)> {
    let Some(block) = timeouts.as_ref_option().and_then(|b| b.first()) else {
        return Vec::new();
    };
    let path = AttrPath::attr("timeouts").index(0);
    [("create", &block.create), ("delete", &block.delete)]
        .into_iter()
        .filter_map(|(name, value)| {
            let text = value.as_ref_option()?;
            parse(text).err().map(|message| (path.then(name), message))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terraform_style_durations() {
        assert_eq!(parse("10m"), Ok(Duration::from_secs(600)));
        assert_eq!(parse("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse("90s"), Ok(Duration::from_secs(90)));
        assert!(parse("0s").is_err());
        assert!(parse("ten minutes").unwrap_err().contains("10m"));
        assert!(parse("").is_err());
    }

    #[test]
    fn defaults_when_absent() {
        assert_eq!(durations(&Value::Null), (DEFAULT_CREATE, DEFAULT_DELETE));
        let custom = Value::Value(vec![TimeoutsConfig {
            create: Value::Value("2m".into()),
            delete: Value::Null,
        }]);
        assert_eq!(durations(&custom), (Duration::from_secs(120), DEFAULT_DELETE));
    }
}
