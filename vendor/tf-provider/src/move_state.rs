// This file is part of the tf-provider project
//
// Added by terraform-provider-cumulocity (protocol 6.5, used since
// Terraform 1.8): moving state across resource types and providers.
// Licensed under the Apache License, Version 2.0, like the rest of the
// crate.

//! [`MoveSource`]: what Terraform hands a resource when a `moved` block
//! changes an object's resource type (or provider).

use crate::diagnostics::Diagnostics;
use crate::raw::RawValue;
use crate::server::Server;
use crate::tfplugin6 as tf;
use crate::utils::CollectDiagnostics;

/// The object a `moved` block moves into a resource of this provider
///
/// Terraform sends the source as it is stored in the state file: the state
/// is raw JSON in the *source* type's schema at `schema_version`, not
/// upgraded, and the provider has not been configured when the call comes.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct MoveSource {
    /// Address of the source's provider, e.g.
    /// `registry.terraform.io/hashicorp/aws`
    pub provider_address: String,
    /// Resource type moved from, e.g. `aws_security_group`
    pub type_name: String,
    /// Schema version of the source state
    pub schema_version: i64,
    /// Source state, raw JSON ([`RawValue::Json`])
    pub state: RawValue,
    /// Private state the source provider stored with the object (opaque to
    /// other providers)
    pub private: Vec<u8>,
    /// Source identity, raw JSON, when the source resource had one
    pub identity: Option<RawValue>,
    /// Identity schema version of the source identity (Terraform 1.15 does
    /// not fill it in: always 0)
    pub identity_schema_version: i64,
    /// Resource type moved to (one of this provider's)
    pub target_type_name: String,
}

impl From<tf::move_resource_state::Request> for MoveSource {
    fn from(request: tf::move_resource_state::Request) -> Self {
        let json = |raw: Option<tf::RawState>| raw.map(|raw| raw.json).unwrap_or_default();
        let identity = json(request.source_identity);
        Self {
            provider_address: request.source_provider_address,
            type_name: request.source_type_name,
            schema_version: request.source_schema_version,
            state: RawValue::Json(json(request.source_state)),
            private: request.source_private,
            identity: if identity.is_empty() {
                None
            } else {
                Some(RawValue::Json(identity))
            },
            identity_schema_version: request.source_identity_schema_version,
            target_type_name: request.target_type_name,
        }
    }
}

impl MoveSource {
    /// Records the error a resource answers for a source it cannot take
    /// over: "Moving from `<type>` (`<provider>`) is not supported"
    pub fn unsupported(&self, diags: &mut Diagnostics) {
        diags.root_error(
            format!(
                "Moving from `{}` ({}) is not supported",
                self.type_name, self.provider_address
            ),
            format!(
                "`{}` cannot take over the state of a `{}` resource: a `moved` block from `{}` \
                 to `{}` does not work. Remove the `moved` block, and bring the object under \
                 management with an `import` block instead.",
                self.target_type_name, self.type_name, self.type_name, self.target_type_name
            ),
        );
    }
}

impl Server {
    /// MoveResourceState: asks the target resource to take the source over,
    /// then asks it for the identity of the result
    pub(crate) async fn move_state(
        &self,
        request: tf::move_resource_state::Request,
    ) -> tf::move_resource_state::Response {
        let mut diags = Diagnostics::default();
        let source = MoveSource::from(request);
        let target_type_name = source.target_type_name.clone();
        let moved = match self.get_resource(&mut diags, &target_type_name) {
            Some(resource) => resource.move_state(&mut diags, source).await,
            None => None,
        }
        .collect_diagnostics(&mut diags);
        let (target_state, target_private, target_identity) = match moved {
            Some((state, private)) => {
                let identity = self
                    .identity_of(&mut diags, &target_type_name, Some(&state), None)
                    .await;
                (Some(state.into()), private, identity)
            }
            None => (None, vec![], None),
        };
        tf::move_resource_state::Response {
            target_state,
            diagnostics: diags.into(),
            target_private,
            target_identity,
        }
    }
}
