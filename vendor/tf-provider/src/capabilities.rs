// This file is part of the tf-provider project
//
// Added by terraform-provider-cumulocity (protocol 6.6+): client
// capabilities. Licensed under the Apache License, Version 2.0, like the
// rest of the crate.

//! [`ClientCapabilities`]: what the calling Terraform says it can handle.

use std::future::Future;

use crate::tfplugin6 as tf;

tokio::task_local! {
    static CURRENT: Option<ClientCapabilities>;
}

/// Capabilities Terraform announces in a request
///
/// Terraform sends them with ConfigureProvider, ValidateResourceConfig,
/// ReadResource, PlanResourceChange, ImportResourceState and
/// ReadDataSource. While the server runs the provider's code for one of
/// these calls, [`ClientCapabilities::current`] returns them; the trait
/// methods' signatures do not change.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]
#[non_exhaustive]
pub struct ClientCapabilities {
    /// Terraform can handle deferred answers (`deferral_allowed`; sent as
    /// true only by Terraform runs with deferrals enabled)
    pub deferral_allowed: bool,
    /// Terraform handles write-only attributes (`write_only_attributes_allowed`,
    /// Terraform 1.11+)
    pub write_only_attributes_allowed: bool,
}

impl ClientCapabilities {
    /// Capabilities sent with the request being served
    ///
    /// [`None`] outside a request that carries them: older Terraform (before
    /// protocol 6.6) and the calls without capabilities (e.g.
    /// ApplyResourceChange). Only the task serving the request sees them:
    /// code that spawns tasks must pass them on itself.
    pub fn current() -> Option<ClientCapabilities> {
        CURRENT.try_with(|caps| *caps).ok().flatten()
    }
}

impl From<&tf::ClientCapabilities> for ClientCapabilities {
    fn from(value: &tf::ClientCapabilities) -> Self {
        Self {
            deferral_allowed: value.deferral_allowed,
            write_only_attributes_allowed: value.write_only_attributes_allowed,
        }
    }
}

/// The capabilities a request carries
pub(crate) fn of(capabilities: Option<tf::ClientCapabilities>) -> Option<ClientCapabilities> {
    capabilities.as_ref().map(Into::into)
}

/// Runs `future` with `capabilities` visible through
/// [`ClientCapabilities::current`]
pub(crate) async fn scope<F: Future>(
    capabilities: Option<ClientCapabilities>,
    future: F,
) -> F::Output {
    CURRENT.scope(capabilities, future).await
}

/// [`scope`] with the capabilities as the request carries them
pub(crate) async fn scope_of<F: Future>(
    capabilities: Option<tf::ClientCapabilities>,
    future: F,
) -> F::Output {
    scope(of(capabilities), future).await
}
