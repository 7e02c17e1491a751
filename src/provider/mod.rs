//! Terraform glue on the `tf-provider` crate: schemas, decoding of
//! configuration, diagnostics with attribute paths. Joins `rules` (the pure
//! domain) to Terraform.

pub mod config;
pub mod diagnostics;
pub mod firewall_rules_data_source;
pub mod rule_args;
pub mod schema_builder;
pub mod values;

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use async_trait::async_trait;
use tf_provider::schema::Schema;
use tf_provider::{Diagnostics, DynamicDataSource, Provider};

use config::{ProviderConfig, ProviderSettings};

/// The provider's name: resources are `cumulocity_<name>`.
pub const PROVIDER_NAME: &str = "cumulocity";

/// Settings from the provider block, shared with every resource and data
/// source. Terraform creates those before it configures the provider, so
/// they read the settings when they run, not when they are made.
pub type SharedSettings = Arc<RwLock<ProviderSettings>>;

#[derive(Default)]
pub struct CumulocityProvider {
    settings: SharedSettings,
}

#[async_trait]
impl Provider for CumulocityProvider {
    type Config<'a> = ProviderConfig;
    type MetaState<'a> = tf_provider::value::ValueEmpty;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(config::provider_schema())
    }

    async fn validate<'a>(&self, diags: &mut Diagnostics, config: Self::Config<'a>) -> Option<()> {
        config::decode(diags, &config);
        Some(())
    }

    async fn configure<'a>(
        &self,
        diags: &mut Diagnostics,
        _terraform_version: String,
        config: Self::Config<'a>,
    ) -> Option<()> {
        let settings = config::decode(diags, &config)?;
        match self.settings.write() {
            Ok(mut shared) => *shared = settings,
            Err(_) => {
                diagnostics::error(
                    diags,
                    "Provider settings are unavailable",
                    "A previous request failed while it held them; please report this bug.",
                    tf_provider::AttributePath::root(),
                );
                return None;
            }
        }
        Some(())
    }

    fn get_data_sources(&self, _diags: &mut Diagnostics) -> Option<HashMap<String, Box<dyn DynamicDataSource>>> {
        let mut sources: HashMap<String, Box<dyn DynamicDataSource>> = HashMap::new();
        sources.insert(
            "firewall_rules".to_string(),
            Box::new(firewall_rules_data_source::FirewallRulesDataSource {
                settings: self.settings.clone(),
            }),
        );
        Some(sources)
    }
}
