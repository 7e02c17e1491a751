//! What the provider block decides, shared by every resource and data
//! source of one provider configuration.
//!
//! Terraform creates resources and data sources before it configures the
//! provider, so they hold this shared state and read it when they run. AWS
//! clients are built on first use, once per Region, so that a plan with only
//! the data source never looks for credentials, and every firewall of a
//! Region shares its clients and its coalesced refresh reads
//! (`aws::GroupReads`): a batch or a VPC snapshot never mixes Regions.

use std::collections::HashMap;
use std::ops::Deref;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use tf_provider::Diagnostics;
use tokio::sync::OnceCell;

use crate::aws::{check_account, connect, AwsError, Clients, GroupReads, ListenerKinds};
use crate::provider::common::diagnostics::aws_error_fixed_time;
use crate::provider::configure::config::ProviderSettings;

/// The AWS clients of one Region and the refresh reads that go through
/// them. Dereferences to the clients.
pub struct RegionClients {
    /// The clients; `clients.region` is the Region.
    pub clients: Clients,
    /// Serves the firewall reads of a refresh in this Region with few AWS
    /// calls.
    pub reads: GroupReads,
}

impl Deref for RegionClients {
    type Target = Clients;

    fn deref(&self) -> &Clients {
        &self.clients
    }
}

type Connected = Result<Arc<RegionClients>, AwsError>;

/// One provider configuration's runtime state, shared by its resources and
/// data sources (not to be confused with Terraform's state of a resource).
#[derive(Default)]
pub struct ProviderState {
    settings: RwLock<ProviderSettings>,
    /// Whether Terraform configured the provider (it does not before a
    /// move, which still asks for identities).
    configured: AtomicBool,
    /// The provider's own Region (the block's `region`, else the SDK's).
    default: OnceCell<Connected>,
    /// Other Regions, by name, each built once.
    others: Mutex<HashMap<String, Arc<OnceCell<Connected>>>>,
    /// The outcome of the account check (`allowed_account_ids` /
    /// `forbidden_account_ids`), made once per provider configuration.
    account: OnceCell<Result<(), AwsError>>,
    /// Listener kinds learned from AWS by this provider process (by ARN,
    /// which names the Region).
    pub listener_kinds: ListenerKinds,
}

/// How resources and data sources hold the provider's runtime state.
pub type Shared = Arc<ProviderState>;

impl ProviderState {
    /// What the provider block decided (defaults before `configure`).
    pub fn settings(&self) -> ProviderSettings {
        // A poisoned lock still holds the last settings written; they are
        // plain data, so reading them is safe.
        match self.settings.read() {
            Ok(settings) => settings.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Records what the provider block decided.
    pub fn configure(&self, settings: ProviderSettings) {
        match self.settings.write() {
            Ok(mut shared) => *shared = settings,
            Err(poisoned) => *poisoned.into_inner() = settings,
        }
        self.configured.store(true, Ordering::Release);
    }

    /// The Region the provider reaches (its clients'), without any AWS
    /// call; `None` before Terraform configured the provider (the clients
    /// would then be built from defaults, and kept) or when no Region is set.
    pub async fn region(&self) -> Option<String> {
        if !self.configured.load(Ordering::Acquire) {
            return None;
        }
        self.clients().await.ok().map(|clients| clients.region.clone())
    }

    /// The clients of the provider's Region, built on first use (so that a
    /// plan with only the data source never looks for credentials) and kept;
    /// without the account check, which `clients_in` makes.
    async fn clients(&self) -> Connected {
        let options = self.settings().aws;
        self.default
            .get_or_init(|| async move { connect(&options).await.map(regional) })
            .await
            .clone()
    }

    /// The clients of `region`, or of the provider's Region for `None`:
    /// built once per Region (the provider's Region named explicitly gets
    /// the provider's clients) and shared. When the provider block restricts
    /// the accounts, the caller's account is checked first, once, and a
    /// forbidden one yields that failure instead of clients.
    pub async fn clients_in(&self, region: Option<&str>) -> Connected {
        let clients = self.unchecked_clients_in(region).await?;
        let mut options = self.settings().aws;
        if options.accounts.is_some() {
            options.region = Some(clients.region.clone());
            self.account
                .get_or_init(|| async move { check_account(&options).await })
                .await
                .clone()?;
        }
        Ok(clients)
    }

    async fn unchecked_clients_in(&self, region: Option<&str>) -> Connected {
        let default = self.clients().await;
        let Some(region) = region else {
            return default;
        };
        if let Ok(clients) = &default {
            if clients.region == region {
                return default;
            }
        }
        let cell = {
            let mut others = match self.others.lock() {
                Ok(others) => others,
                Err(poisoned) => poisoned.into_inner(),
            };
            others.entry(region.to_string()).or_default().clone()
        };
        let mut options = self.settings().aws;
        options.region = Some(region.to_string());
        cell.get_or_init(|| async move { connect(&options).await.map(regional) })
            .await
            .clone()
    }

    /// The clients of `region` (the provider's for `None`); `None`, with the
    /// failure reported, when they cannot be built (no credentials or no
    /// Region, say).
    pub async fn clients_or_report(&self, diags: &mut Diagnostics, region: Option<&str>) -> Option<Arc<RegionClients>> {
        match self.clients_in(region).await {
            Ok(clients) => Some(clients),
            Err(err) => {
                aws_error_fixed_time(diags, &err);
                None
            }
        }
    }
}

/// How many resources Terraform refreshes at once by default (`-parallelism`
/// 10); the next read starts only when one has finished. A VPC with more
/// firewalls than this in one state is read from a snapshot of the VPC
/// (`aws::GroupReads`): each plan starts a provider process of its own, so a
/// snapshot serves one plan's refresh.
pub const TERRAFORM_PARALLELISM: usize = 10;

fn regional(clients: Clients) -> Arc<RegionClients> {
    Arc::new(RegionClients {
        clients,
        reads: GroupReads::new(TERRAFORM_PARALLELISM),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn configured(region: &str) -> ProviderState {
        let state = ProviderState::default();
        let mut settings = ProviderSettings::default();
        settings.aws.region = Some(region.to_string());
        settings.aws.ec2_endpoint = Some("http://127.0.0.1:9".to_string());
        state.configure(settings);
        state
    }

    #[tokio::test]
    async fn clients_are_made_once_per_region_and_shared() {
        let state = configured("eu-central-1");
        let home = state.clients().await.expect("clients");
        assert_eq!(home.region, "eu-central-1");
        let named = state.clients_in(Some("eu-central-1")).await.expect("clients");
        assert!(
            Arc::ptr_eq(&home, &named),
            "the provider's Region, named, is the provider's clients"
        );
        let away = state.clients_in(Some("eu-west-1")).await.expect("clients");
        assert_eq!(away.region, "eu-west-1");
        assert!(!Arc::ptr_eq(&home, &away));
        let again = state.clients_in(Some("eu-west-1")).await.expect("clients");
        assert!(Arc::ptr_eq(&away, &again), "made once, with its own reads");
        let default = state.clients_in(None).await.expect("clients");
        assert!(Arc::ptr_eq(&home, &default));
        assert_eq!(state.region().await.as_deref(), Some("eu-central-1"));
    }

    #[tokio::test]
    async fn no_region_before_the_provider_is_configured() {
        assert_eq!(ProviderState::default().region().await, None);
    }
}
