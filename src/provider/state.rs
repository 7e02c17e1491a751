//! What the provider block decides, shared by every resource and data
//! source of one provider configuration.
//!
//! Terraform creates resources and data sources before it configures the
//! provider, so they hold this shared state and read it when they run. AWS
//! clients are built on first use, once, so that a plan with only the data
//! source never looks for credentials.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};

use tf_provider::Diagnostics;
use tokio::sync::OnceCell;

use super::config::ProviderSettings;
use super::diagnostics::aws_error;
use crate::aws::{connect, AwsError, Clients, GroupReads};

/// One provider configuration's runtime state, shared by its resources and
/// data sources (not to be confused with Terraform's state of a resource).
#[derive(Default)]
pub struct ProviderState {
    settings: RwLock<ProviderSettings>,
    /// Whether Terraform configured the provider (it does not before a
    /// move, which still asks for identities).
    configured: AtomicBool,
    clients: OnceCell<Result<Clients, AwsError>>,
    /// Listener kinds learned from AWS by this provider process.
    pub listener_kinds: super::session_timeouts::KindCache,
    /// Serves the firewall reads of a refresh with few AWS calls.
    pub reads: GroupReads,
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

    /// The AWS clients, built on first use (so that a plan with only the
    /// data source never looks for credentials) and kept.
    pub async fn clients(&self) -> Result<&Clients, AwsError> {
        let options = self.settings().aws;
        self.clients
            .get_or_init(|| async move { connect(&options).await })
            .await
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The AWS clients; `None`, with the failure reported, when they cannot
    /// be built (no credentials or no Region, say).
    pub async fn clients_or_report(&self, diags: &mut Diagnostics) -> Option<&Clients> {
        match self.clients().await {
            Ok(clients) => Some(clients),
            Err(err) => {
                aws_error(diags, &err);
                None
            }
        }
    }
}
