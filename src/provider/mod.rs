//! Terraform glue on the `tf-provider` crate: schemas, decoding of
//! configuration, diagnostics with attribute paths. Joins `rules` (the pure
//! domain) and `aws` to Terraform. One folder per Terraform object
//! (`firewall`, `firewall_rules`, `firewall_audit`), the provider block in
//! `configure`, and what they share in `common`.

pub mod common;
pub mod configure;
pub mod firewall;
pub mod firewall_audit;
pub mod firewall_rules;

use std::collections::HashMap;

use async_trait::async_trait;
use tf_provider::schema::Schema;
use tf_provider::{Diagnostics, DynamicDataSource, DynamicListResource, DynamicResource, Provider};

use configure::config::{self, ProviderConfig};
use configure::decode::decode;
use configure::state::Shared;

/// The provider's name: resources are `cumulocity_<name>`.
pub const PROVIDER_NAME: &str = "cumulocity";

/// The provider Terraform talks to: the `cumulocity_firewall` resource and
/// the `cumulocity_firewall_rules` and `cumulocity_firewall_audit` data
/// sources, which share one state that `configure` fills from the provider
/// block.
#[derive(Default)]
pub struct CumulocityProvider {
    state: Shared,
}

#[async_trait]
impl Provider for CumulocityProvider {
    type Config<'a> = ProviderConfig;
    type MetaState<'a> = tf_provider::value::ValueEmpty;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(config::provider_schema())
    }

    async fn validate<'a>(&self, diags: &mut Diagnostics, config: Self::Config<'a>) -> Option<()> {
        decode(diags, &config);
        Some(())
    }

    async fn configure<'a>(
        &self,
        diags: &mut Diagnostics,
        _terraform_version: String,
        config: Self::Config<'a>,
    ) -> Option<()> {
        let settings = decode(diags, &config)?;
        self.state.configure(settings);
        Some(())
    }

    fn get_resources(&self, _diags: &mut Diagnostics) -> Option<HashMap<String, Box<dyn DynamicResource>>> {
        let mut resources: HashMap<String, Box<dyn DynamicResource>> = HashMap::new();
        resources.insert(
            "firewall".to_string(),
            Box::new(firewall::resource::FirewallResource {
                state: self.state.clone(),
            }),
        );
        Some(resources)
    }

    fn get_data_sources(&self, _diags: &mut Diagnostics) -> Option<HashMap<String, Box<dyn DynamicDataSource>>> {
        let mut sources: HashMap<String, Box<dyn DynamicDataSource>> = HashMap::new();
        sources.insert(
            "firewall_rules".to_string(),
            Box::new(firewall_rules::data_source::FirewallRulesDataSource {
                state: self.state.clone(),
            }),
        );
        sources.insert(
            "firewall_audit".to_string(),
            Box::new(firewall_audit::data_source::FirewallAuditDataSource {
                state: self.state.clone(),
            }),
        );
        Some(sources)
    }

    /// `list "cumulocity_firewall"`, under the managed resource's name as
    /// Terraform requires.
    fn get_list_resources(&self, _diags: &mut Diagnostics) -> Option<HashMap<String, Box<dyn DynamicListResource>>> {
        let mut lists: HashMap<String, Box<dyn DynamicListResource>> = HashMap::new();
        lists.insert(
            "firewall".to_string(),
            Box::new(firewall::list_resource::FirewallListResource {
                state: self.state.clone(),
            }),
        );
        Some(lists)
    }
}
