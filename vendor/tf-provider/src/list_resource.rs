// This file is part of the tf-provider project
//
// Added by terraform-provider-cumulocity (protocol 6.10, `terraform query`
// in Terraform 1.14+): list resources. Licensed under the Apache License,
// Version 2.0, like the rest of the crate.

//! [`ListResource`]: finding existing remote objects for `terraform query`.
//!
//! A `list "<type>" "<name>"` block in a `.tfquery.hcl` file asks the
//! provider for the objects of a managed resource type. Terraform needs a
//! managed resource of the same type name with an
//! [identity schema](crate::Resource::identity_schema): each result carries
//! the identity of one object (that is what `-generate-config-out` writes
//! into the `import` blocks), a display name, and, when the `list` block asks
//! for it with `include_resource = true` (always with
//! `-generate-config-out`), the object's state in the managed resource's
//! schema.

use std::marker::PhantomData;
use std::sync::Arc;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;

use crate::diagnostics::Diagnostics;
use crate::raw::RawValue;
use crate::schema::Schema;
use crate::server::Server;
use crate::tfplugin6 as tf;

/// One object found by a list resource, its values already encoded
///
/// See also: [`ListResult`]
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct DynamicListResult {
    /// Identity of the object, in the managed resource's identity schema
    pub identity: RawValue,
    /// Name for humans, shown by `terraform query`
    pub display_name: String,
    /// State of the object in the managed resource's schema; sent only when
    /// Terraform asked for it ([`DynamicListResults::include_resource`])
    pub resource_object: Option<RawValue>,
    /// Warnings (and errors) about this object; an error stops Terraform's
    /// listing
    pub diagnostics: Diagnostics,
}

/// One object found by a list resource
///
/// See also: [`DynamicListResult`]
#[derive(Debug)]
pub struct ListResult<I, S> {
    /// Identity of the object
    pub identity: I,
    /// Name for humans, shown by `terraform query`
    pub display_name: String,
    /// State of the object; sent only when Terraform asked for it
    /// ([`ListResults::include_resource`])
    pub resource_object: Option<S>,
    /// Warnings (and errors) about this object; an error stops Terraform's
    /// listing
    pub diagnostics: Diagnostics,
}

/// Where a list resource sends the objects it finds, as it finds them
///
/// Results go to Terraform one by one while the listing goes on. The sink
/// enforces Terraform's `limit`: once that many results are sent,
/// [`push`](Self::push) sends nothing more and answers `false`, as it does
/// when Terraform stops listening.
///
/// See also: [`ListResults`]
pub struct DynamicListResults {
    sender: mpsc::Sender<Result<tf::list_resource::Event, tonic::Status>>,
    include_resource: bool,
    limit: i64,
    sent: i64,
}

impl DynamicListResults {
    pub(crate) fn new(
        sender: mpsc::Sender<Result<tf::list_resource::Event, tonic::Status>>,
        include_resource: bool,
        limit: i64,
    ) -> Self {
        Self {
            sender,
            include_resource,
            limit,
            sent: 0,
        }
    }

    /// Whether Terraform wants the state of every object
    /// (`include_resource = true`, or `-generate-config-out`)
    pub fn include_resource(&self) -> bool {
        self.include_resource
    }

    /// Most results Terraform takes (the `list` block's `limit`, 100 unless
    /// set)
    pub fn limit(&self) -> i64 {
        self.limit
    }

    /// How many more results Terraform takes
    pub fn remaining(&self) -> i64 {
        (self.limit - self.sent).max(0)
    }

    /// Whether the listing should go on: the limit is not reached and
    /// Terraform still listens
    pub fn wants_more(&self) -> bool {
        self.remaining() > 0 && !self.sender.is_closed()
    }

    /// Sends one result to Terraform
    ///
    /// Returns whether the listing should go on ([`wants_more`](Self::wants_more)
    /// after this result). The resource object is dropped unless Terraform
    /// asked for it.
    pub async fn push(&mut self, result: DynamicListResult) -> bool {
        if !self.wants_more() {
            return false;
        }
        let event = tf::list_resource::Event {
            identity: Some(tf::ResourceIdentityData {
                identity_data: Some(result.identity.into()),
            }),
            display_name: result.display_name,
            resource_object: result
                .resource_object
                .filter(|_| self.include_resource)
                .map(Into::into),
            diagnostic: result.diagnostics.into(),
        };
        if self.sender.send(Ok(event)).await.is_err() {
            return false;
        }
        self.sent += 1;
        self.wants_more()
    }

    /// Sends diagnostics that concern no single object. Terraform drops an
    /// event without identity unless it carries a warning or an error, so
    /// nothing is sent for empty diagnostics.
    pub(crate) async fn push_diagnostics(&mut self, diags: Diagnostics) {
        if diags.errors.is_empty() && diags.warnings.is_empty() {
            return;
        }
        let event = tf::list_resource::Event {
            identity: None,
            display_name: String::new(),
            resource_object: None,
            diagnostic: diags.into(),
        };
        _ = self.sender.send(Ok(event)).await;
    }
}

/// Typed view of [`DynamicListResults`]: serializes identities (`I`) and
/// resource objects (`S`) as they are pushed
pub struct ListResults<'r, I, S> {
    inner: &'r mut DynamicListResults,
    types: PhantomData<fn(I, S)>,
}

impl<'r, I: Serialize, S: Serialize> ListResults<'r, I, S> {
    /// Whether Terraform wants the state of every object
    pub fn include_resource(&self) -> bool {
        self.inner.include_resource()
    }

    /// Most results Terraform takes
    pub fn limit(&self) -> i64 {
        self.inner.limit()
    }

    /// How many more results Terraform takes
    pub fn remaining(&self) -> i64 {
        self.inner.remaining()
    }

    /// Whether the listing should go on
    pub fn wants_more(&self) -> bool {
        self.inner.wants_more()
    }

    /// Sends one result to Terraform; returns whether the listing should go
    /// on. A value that cannot be serialized is reported in `diags` and
    /// skipped.
    pub async fn push(&mut self, diags: &mut Diagnostics, result: ListResult<I, S>) -> bool {
        let Some(identity) = RawValue::serialize(diags, &result.identity) else {
            return self.wants_more();
        };
        let resource_object = match result.resource_object {
            Some(state) if self.include_resource() => match RawValue::serialize(diags, &state) {
                Some(state) => Some(state),
                None => return self.wants_more(),
            },
            _ => None,
        };
        self.inner
            .push(DynamicListResult {
                identity,
                display_name: result.display_name,
                resource_object,
                diagnostics: result.diagnostics,
            })
            .await
    }
}

/// Trait for implementing a list resource with automatic
/// serialization/deserialization
///
/// Register it with [`Provider::get_list_resources`](crate::Provider::get_list_resources)
/// under the same name as the managed resource whose objects it lists.
///
/// See also: [`DynamicListResource`]
#[async_trait]
pub trait ListResource: Send + Sync {
    /// Configuration of the `list` block's `config` argument
    type Config<'a>: Serialize + Deserialize<'a> + Send;

    /// Identity of a listed object (the managed resource's identity)
    type Identity: Serialize + Send;

    /// State of a listed object (the managed resource's state)
    type ResourceState: Serialize + Send;

    /// Get the schema of the `config` argument
    ///
    /// # Remarks
    ///
    /// The return is ignored if there is an error in diagnostics.
    /// If the return is [`None`], an ad-hoc error is added to diagnostics.
    fn schema(&self, diags: &mut Diagnostics) -> Option<Schema>;

    /// Validate the configuration (ValidateListResourceConfig)
    ///
    /// Terraform validates the whole query before listing; a `config`
    /// without a value comes as all-null attributes.
    ///
    /// # Remarks
    ///
    /// The return is ignored if there is an error in diagnostics.
    /// If the return is [`None`], an ad-hoc error is added to diagnostics.
    async fn validate<'a>(&self, diags: &mut Diagnostics, config: Self::Config<'a>) -> Option<()> {
        _ = diags;
        _ = config;
        Some(())
    }

    /// List the objects (ListResource), pushing each into `results`
    ///
    /// Stop when [`ListResults::push`] returns `false`. Diagnostics left in
    /// `diags` reach Terraform after the results; an error there fails the
    /// query.
    ///
    /// # Remarks
    ///
    /// If the return is [`None`] and `diags` holds no error, an ad-hoc error
    /// is added to diagnostics.
    async fn list<'a>(
        &self,
        diags: &mut Diagnostics,
        config: Self::Config<'a>,
        results: &mut ListResults<'_, Self::Identity, Self::ResourceState>,
    ) -> Option<()>;
}

/// Trait for implementing a list resource *without* automatic
/// serialization/deserialization
///
/// See also: [`ListResource`]
#[async_trait]
pub trait DynamicListResource: Send + Sync {
    /// Get the schema of the `config` argument
    fn schema(&self, diags: &mut Diagnostics) -> Option<Schema>;

    /// Validate the configuration (ValidateListResourceConfig)
    async fn validate(&self, diags: &mut Diagnostics, config: RawValue) -> Option<()> {
        _ = diags;
        _ = config;
        Some(())
    }

    /// List the objects (ListResource), pushing each into `results`
    async fn list(
        &self,
        diags: &mut Diagnostics,
        config: RawValue,
        results: &mut DynamicListResults,
    ) -> Option<()>;
}

#[async_trait]
impl<T: ListResource> DynamicListResource for T {
    fn schema(&self, diags: &mut Diagnostics) -> Option<Schema> {
        <T as ListResource>::schema(self, diags)
    }
    async fn validate(&self, diags: &mut Diagnostics, config: RawValue) -> Option<()> {
        let config = config.deserialize(diags)?;
        <T as ListResource>::validate(self, diags, config).await
    }
    async fn list(
        &self,
        diags: &mut Diagnostics,
        config: RawValue,
        results: &mut DynamicListResults,
    ) -> Option<()> {
        let config = config.deserialize(diags)?;
        let mut results = ListResults {
            inner: results,
            types: PhantomData,
        };
        <T as ListResource>::list(self, diags, config, &mut results).await
    }
}

impl<T: ListResource + 'static> From<T> for Box<dyn DynamicListResource> {
    fn from(value: T) -> Self {
        Box::new(value)
    }
}

/// Results Terraform's ListResource stream is made of
pub(crate) type ListStream = std::pin::Pin<
    Box<dyn futures::Stream<Item = Result<tf::list_resource::Event, tonic::Status>> + Send>,
>;

/// How many results wait for Terraform before the listing waits in turn
const BUFFER: usize = 16;

impl Server {
    pub(crate) fn get_list_resource<'a>(
        &'a self,
        diags: &mut Diagnostics,
        name: &str,
    ) -> Option<&'a dyn DynamicListResource> {
        if let Some(list_resource) = self.list_resources.get(name) {
            Some(list_resource.0.as_ref())
        } else {
            diags.root_error_short(format!(
                "Could not find list resource `{}` in provider",
                name
            ));
            None
        }
    }

    /// ValidateListResourceConfig
    pub(crate) async fn validate_list_config(
        &self,
        request: tf::validate_list_resource_config::Request,
    ) -> tf::validate_list_resource_config::Response {
        let mut diags = Diagnostics::default();
        if let Some(list_resource) = self.get_list_resource(&mut diags, &request.type_name) {
            let config = request.config.map(RawValue::from).unwrap_or_default();
            if list_resource.validate(&mut diags, config).await.is_none() {
                diags.internal_error();
            }
        }
        tf::validate_list_resource_config::Response {
            diagnostics: diags.into(),
        }
    }

    /// ListResource: runs the listing in its own task, which sends the
    /// results into the stream Terraform reads
    pub(crate) fn list(self: Arc<Self>, request: tf::list_resource::Request) -> ListStream {
        let (sender, receiver) = mpsc::channel(BUFFER);
        let mut crash_report = DynamicListResults::new(sender.clone(), false, 0);
        let type_name = request.type_name.clone();
        let listing = tokio::spawn(async move {
            let mut results =
                DynamicListResults::new(sender, request.include_resource_object, request.limit);
            let mut diags = Diagnostics::default();
            if let Some(list_resource) = self.get_list_resource(&mut diags, &request.type_name) {
                let config = request.config.map(RawValue::from).unwrap_or_default();
                if list_resource
                    .list(&mut diags, config, &mut results)
                    .await
                    .is_none()
                {
                    diags.internal_error();
                }
            }
            results.push_diagnostics(diags).await;
        });
        // A panic would end the stream as if the listing were complete: say
        // it failed instead.
        tokio::spawn(async move {
            if listing.await.is_err() {
                let mut diags = Diagnostics::default();
                diags.root_error(
                    format!("Listing `{type_name}` failed"),
                    "The provider crashed while listing; the results are incomplete.",
                );
                crash_report.push_diagnostics(diags).await;
            }
        });
        Box::pin(ReceiverStream::new(receiver))
    }
}
