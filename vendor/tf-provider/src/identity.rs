// This file is part of the tf-provider project
//
// Added by terraform-provider-cumulocity (protocol 6.9, Terraform 1.12+):
// resource identity. Licensed under the Apache License, Version 2.0, like
// the rest of the crate.

//! Resource identity: the schema a resource declares for its identity, and
//! how identities travel between Terraform and a resource.
//!
//! A resource opts in by returning an [`IdentitySchema`] from
//! [`Resource::identity_schema`](crate::Resource::identity_schema). The
//! server then calls [`Resource::identity`](crate::Resource::identity) after
//! every read, plan, create, update, import and move, and sends the result to
//! Terraform. A resource that declares no identity schema behaves exactly as
//! it did before protocol 6.9: its hook is never called and no identity is
//! sent.

use std::collections::HashMap;

use crate::diagnostics::Diagnostics;
use crate::dyn_value::has_unknown;
use crate::raw::RawValue;
use crate::schema::Type;
use crate::server::Server;
use crate::tfplugin6 as tf;
use crate::utils::CollectDiagnostics;

/// Whether an identity attribute must be given in an `import` block's
/// `identity` argument
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum IdentityImport {
    /// The attribute must be given for an import by identity to work
    /// (`required_for_import`)
    Required,
    /// The attribute may be left out; the provider fills it in
    /// (`optional_for_import`)
    Optional,
}

/// One attribute of a resource identity
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct IdentityAttribute {
    /// Type of the attribute (identities hold primitives or lists of them)
    pub attr_type: Type,
    /// Whether the attribute must be given when importing by identity
    pub import: IdentityImport,
    /// Human-readable description, in Markdown
    pub description: String,
}

/// Identity schema of a managed resource type
///
/// The version is independent of the resource's schema version: bump it
/// whenever the attributes change, and upgrade older identities in
/// [`Resource::upgrade_identity`](crate::Resource::upgrade_identity).
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct IdentitySchema {
    /// Version of the identity schema (starts at 0 by convention)
    pub version: i64,
    /// Attributes of the identity, by name
    pub attributes: HashMap<String, IdentityAttribute>,
}

impl From<&IdentitySchema> for tf::ResourceIdentitySchema {
    fn from(value: &IdentitySchema) -> Self {
        let mut names: Vec<&String> = value.attributes.keys().collect();
        names.sort();
        Self {
            version: value.version,
            identity_attributes: names
                .into_iter()
                .map(|name| {
                    let attr = &value.attributes[name];
                    tf::resource_identity_schema::IdentityAttribute {
                        name: name.clone(),
                        r#type: attr.attr_type.to_string().into_bytes(),
                        required_for_import: attr.import == IdentityImport::Required,
                        optional_for_import: attr.import == IdentityImport::Optional,
                        description: attr.description.clone(),
                    }
                })
                .collect(),
        }
    }
}

/// The identity a request carries, if it carries a non-null one
pub(crate) fn from_request(identity: Option<tf::ResourceIdentityData>) -> Option<RawValue> {
    let value = RawValue::from(identity?.identity_data?);
    if value.is_null() {
        None
    } else {
        Some(value)
    }
}

/// An identity as the protocol sends it
pub(crate) fn to_response(identity: Option<RawValue>) -> Option<tf::ResourceIdentityData> {
    identity.map(|identity| tf::ResourceIdentityData {
        identity_data: Some(identity.into()),
    })
}

impl Server {
    /// Identity of the object `state` describes, for resources with an
    /// identity schema; `None` for the others and for a null state.
    ///
    /// `known` is the identity Terraform holds for the object (current,
    /// prior or planned identity, or the one an import asked for); it is the
    /// answer when the resource's hook gives none.
    pub(crate) async fn identity_of(
        &self,
        diags: &mut Diagnostics,
        type_name: &str,
        state: Option<&RawValue>,
        known: Option<RawValue>,
    ) -> Option<tf::ResourceIdentityData> {
        if !self.identity_schemas.contains_key(type_name) {
            return None;
        }
        let resource = self.resources.get(type_name)?.0.as_ref();
        let state = state.filter(|state| !state.is_null())?;
        let identity = match resource.identity(diags, state.clone(), known.clone()).await {
            Some(identity) => Some(identity),
            None => known,
        };
        to_response(identity.filter(|identity| !identity.is_null()))
    }

    /// [`identity_of`](Self::identity_of) a planned state, or none while it
    /// holds unknown values
    ///
    /// Terraform 1.12-1.15 accept an identity with unknown values in a plan
    /// that creates or replaces an object, but then cannot render the plan:
    /// it prints "Failed to marshal plan to json: value is not known" instead
    /// (`jsonplan` marshals `after_identity` with `ctyjson.Marshal`). A null
    /// planned identity is valid for every plan; the identity comes with the
    /// apply.
    pub(crate) async fn planned_identity_of(
        &self,
        diags: &mut Diagnostics,
        type_name: &str,
        state: Option<&RawValue>,
        known: Option<RawValue>,
    ) -> Option<tf::ResourceIdentityData> {
        self.identity_of(diags, type_name, state, known)
            .await
            .filter(|identity| match &identity.identity_data {
                Some(data) => !has_unknown(&RawValue::from(data.clone())),
                None => false,
            })
    }
}

impl Server {
    /// GetResourceIdentitySchemas: the identity schemas of the resources that
    /// declare one (an empty map for the others, which Terraform treats as it
    /// treats an Unimplemented answer: no identities)
    pub(crate) fn identity_schemas_response(&self) -> tf::get_resource_identity_schemas::Response {
        tf::get_resource_identity_schemas::Response {
            identity_schemas: self
                .identity_schemas
                .iter()
                .map(|(name, schema)| (name.clone(), schema.into()))
                .collect(),
            diagnostics: self.init_diags.clone().into(),
        }
    }

    /// UpgradeResourceIdentity
    pub(crate) async fn upgrade_identity(
        &self,
        request: tf::upgrade_resource_identity::Request,
    ) -> tf::upgrade_resource_identity::Response {
        let mut diags = Diagnostics::default();
        let upgraded = match (
            self.get_resource(&mut diags, &request.type_name),
            self.identity_schemas.get(&request.type_name),
        ) {
            (Some(_), None) => {
                diags.root_error_short(format!(
                    "Resource `{}` has no identity to upgrade",
                    request.type_name
                ));
                None
            }
            (Some(resource), Some(schema)) => {
                let json =
                    RawValue::Json(request.raw_identity.map(|raw| raw.json).unwrap_or_default());
                if request.version == schema.version {
                    Some(json)
                } else {
                    resource
                        .upgrade_identity(&mut diags, request.version, json)
                        .await
                }
            }
            (None, _) => None,
        }
        .collect_diagnostics(&mut diags);
        tf::upgrade_resource_identity::Response {
            upgraded_identity: to_response(upgraded),
            diagnostics: diags.into(),
        }
    }
}
