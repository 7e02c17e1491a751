// This file is part of the tf-provider project
//
// Added by terraform-provider-cumulocity. Licensed under the Apache License,
// Version 2.0, like the rest of the crate.

//! Tests of the protocol 6.10 calls, made on the gRPC service the way
//! Terraform makes them: a small provider with an identity, a list resource,
//! generated configuration and moves (`test_thing`), and resources written
//! against the 6.5 API that opt into none of it (`test_plain`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use futures::StreamExt;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use tonic::{Code, Request};

use crate::schema::{
    Attribute, AttributeConstraint, AttributeType, Block, Description, IdentityAttribute,
    IdentityImport, IdentitySchema, Schema, Type,
};
use crate::server::Server;
use crate::tfplugin6 as tf;
use crate::tfplugin6::provider_server::Provider as Grpc;
use crate::value::{Value, ValueEmpty};
use crate::{
    AttributePath, ClientCapabilities, Diagnostics, DynamicListResource, DynamicResource,
    ListResource, ListResult, ListResults, MoveSource, Provider, RawValue, Resource,
};

// ---------------------------------------------------------------------------
// The test provider

const DEFAULT_REGION: &str = "eu-west-1";

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
struct ThingState {
    id: Value<String>,
    name: Value<String>,
    region: Value<String>,
    secret: Value<String>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
struct ThingIdentity {
    id: Value<String>,
    region: Value<String>,
}

/// What the resources saw, for the tests to check
#[derive(Default)]
struct Seen {
    capabilities: Vec<(&'static str, Option<ClientCapabilities>)>,
    known_identities: Vec<(&'static str, Option<ThingIdentity>)>,
    pushes: usize,
    list_done: bool,
}

type Shared = Arc<Mutex<Seen>>;

fn attribute(attr_type: AttributeType, constraint: AttributeConstraint) -> Attribute {
    Attribute {
        attr_type,
        description: Description::plain("test"),
        constraint,
        sensitive: false,
        deprecated: false,
    }
}

fn block(attributes: Vec<(&str, Attribute)>) -> Block {
    Block {
        attributes: attributes
            .into_iter()
            .map(|(name, attribute)| (name.to_string(), attribute))
            .collect(),
        ..Default::default()
    }
}

fn serialize<T: Serialize>(diags: &mut Diagnostics, value: &T) -> Option<RawValue> {
    RawValue::serialize(diags, value)
}

struct Thing {
    seen: Shared,
}

impl Thing {
    fn record_capabilities(&self, call: &'static str) {
        self.seen
            .lock()
            .unwrap()
            .capabilities
            .push((call, ClientCapabilities::current()));
    }
}

#[async_trait]
impl Resource for Thing {
    type State<'a> = ThingState;
    type PrivateState<'a> = ValueEmpty;
    type ProviderMetaState<'a> = ValueEmpty;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(Schema {
            version: 1,
            block: block(vec![
                (
                    "id",
                    attribute(AttributeType::String, AttributeConstraint::Computed),
                ),
                (
                    "name",
                    attribute(AttributeType::String, AttributeConstraint::Required),
                ),
                (
                    "region",
                    attribute(AttributeType::String, AttributeConstraint::OptionalComputed),
                ),
                (
                    "secret",
                    attribute(
                        AttributeType::String,
                        AttributeConstraint::WriteOnlyOptional,
                    ),
                ),
            ]),
        })
    }

    async fn validate<'a>(&self, _diags: &mut Diagnostics, _config: ThingState) -> Option<()> {
        self.record_capabilities("validate");
        Some(())
    }

    async fn read<'a>(
        &self,
        _diags: &mut Diagnostics,
        state: ThingState,
        private_state: ValueEmpty,
        _provider_meta_state: ValueEmpty,
    ) -> Option<(ThingState, ValueEmpty)> {
        self.record_capabilities("read");
        Some((state, private_state))
    }

    async fn plan_create<'a>(
        &self,
        _diags: &mut Diagnostics,
        proposed_state: ThingState,
        _config_state: ThingState,
        _provider_meta_state: ValueEmpty,
    ) -> Option<(ThingState, ValueEmpty)> {
        self.record_capabilities("plan_create");
        let region = proposed_state
            .region
            .or(Value::Value(DEFAULT_REGION.to_string()));
        Some((
            ThingState {
                id: Value::Unknown,
                region,
                secret: Value::Null,
                ..proposed_state
            },
            Value::Null,
        ))
    }

    async fn plan_update<'a>(
        &self,
        _diags: &mut Diagnostics,
        prior_state: ThingState,
        proposed_state: ThingState,
        _config_state: ThingState,
        prior_private_state: ValueEmpty,
        _provider_meta_state: ValueEmpty,
    ) -> Option<(ThingState, ValueEmpty, Vec<AttributePath>)> {
        let mut replace = vec![];
        if proposed_state.region != prior_state.region {
            replace.push(AttributePath::new("region"));
        }
        Some((
            ThingState {
                secret: Value::Null,
                ..proposed_state
            },
            prior_private_state,
            replace,
        ))
    }

    async fn plan_destroy<'a>(
        &self,
        _diags: &mut Diagnostics,
        _prior_state: ThingState,
        prior_private_state: ValueEmpty,
        _provider_meta_state: ValueEmpty,
    ) -> Option<ValueEmpty> {
        Some(prior_private_state)
    }

    async fn create<'a>(
        &self,
        _diags: &mut Diagnostics,
        planned_state: ThingState,
        _config_state: ThingState,
        planned_private_state: ValueEmpty,
        _provider_meta_state: ValueEmpty,
    ) -> Option<(ThingState, ValueEmpty)> {
        self.record_capabilities("create");
        Some((
            ThingState {
                id: Value::Value("thing-1".into()),
                ..planned_state
            },
            planned_private_state,
        ))
    }

    async fn update<'a>(
        &self,
        _diags: &mut Diagnostics,
        _prior_state: ThingState,
        planned_state: ThingState,
        _config_state: ThingState,
        planned_private_state: ValueEmpty,
        _provider_meta_state: ValueEmpty,
    ) -> Option<(ThingState, ValueEmpty)> {
        Some((planned_state, planned_private_state))
    }

    async fn destroy<'a>(
        &self,
        _diags: &mut Diagnostics,
        _prior_state: ThingState,
        _planned_private_state: ValueEmpty,
        _provider_meta_state: ValueEmpty,
    ) -> Option<()> {
        Some(())
    }

    async fn import<'a>(
        &self,
        diags: &mut Diagnostics,
        id: String,
    ) -> Option<(ThingState, ValueEmpty)> {
        self.record_capabilities("import");
        let Some((id, region)) = id.split_once('@') else {
            diags.root_error_short("expected <id>@<region>");
            return None;
        };
        Some((
            ThingState {
                id: Value::Value(id.into()),
                name: Value::Value(format!("imported {id}")),
                region: Value::Value(region.into()),
                secret: Value::Null,
            },
            Value::Null,
        ))
    }

    fn identity_schema(&self, _diags: &mut Diagnostics) -> Option<IdentitySchema> {
        let mut attributes = HashMap::new();
        attributes.insert(
            "id".to_string(),
            IdentityAttribute {
                attr_type: Type::String,
                import: IdentityImport::Required,
                description: "Id of the thing".into(),
            },
        );
        attributes.insert(
            "region".to_string(),
            IdentityAttribute {
                attr_type: Type::String,
                import: IdentityImport::Optional,
                description: "Region of the thing".into(),
            },
        );
        Some(IdentitySchema {
            version: 1,
            attributes,
        })
    }

    async fn identity<'a>(
        &self,
        diags: &mut Diagnostics,
        state: &ThingState,
        known: Option<RawValue>,
    ) -> Option<RawValue> {
        let known = known.and_then(|known| known.deserialize::<ThingIdentity>(diags));
        self.seen
            .lock()
            .unwrap()
            .known_identities
            .push(("identity", known));
        serialize(
            diags,
            &ThingIdentity {
                id: state.id.clone(),
                region: state.region.clone(),
            },
        )
    }

    async fn import_by_identity<'a>(
        &self,
        diags: &mut Diagnostics,
        identity: RawValue,
    ) -> Option<(ThingState, ValueEmpty)> {
        let identity: ThingIdentity = identity.deserialize(diags)?;
        let Value::Value(id) = identity.id else {
            diags.root_error_short("identity without id");
            return None;
        };
        Some((
            ThingState {
                name: Value::Value(format!("imported {id}")),
                id: Value::Value(id),
                region: identity.region.or(Value::Value(DEFAULT_REGION.to_string())),
                secret: Value::Null,
            },
            Value::Null,
        ))
    }

    async fn upgrade_identity(
        &self,
        diags: &mut Diagnostics,
        version: i64,
        prior_identity: RawValue,
    ) -> Option<RawValue> {
        #[derive(Deserialize)]
        struct V0 {
            thing_id: String,
        }
        if version != 0 {
            diags.root_error_short(format!("unknown identity version {version}"));
            return None;
        }
        let v0: V0 = prior_identity.deserialize(diags)?;
        serialize(
            diags,
            &ThingIdentity {
                id: Value::Value(v0.thing_id),
                region: Value::Value(DEFAULT_REGION.into()),
            },
        )
    }

    fn generates_config(&self) -> bool {
        true
    }

    async fn generate_config<'a>(
        &self,
        _diags: &mut Diagnostics,
        state: ThingState,
    ) -> Option<ThingState> {
        Some(ThingState {
            id: Value::Null,
            name: state.name,
            region: state
                .region
                .filter(|region| region.as_str() != DEFAULT_REGION),
            secret: Value::Null,
        })
    }

    async fn move_state<'a>(
        &self,
        diags: &mut Diagnostics,
        source: MoveSource,
    ) -> Option<(ThingState, ValueEmpty)> {
        #[derive(Deserialize)]
        struct OldThing {
            thing_id: String,
            label: String,
        }
        if source.type_name != "old_thing" {
            source.unsupported(diags);
            return None;
        }
        let old: OldThing = source.state.deserialize(diags)?;
        Some((
            ThingState {
                id: Value::Value(old.thing_id),
                name: Value::Value(old.label),
                region: Value::Null,
                secret: Value::Null,
            },
            Value::Null,
        ))
    }
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
struct PlainState {
    id: Value<String>,
    name: Value<String>,
    note: Value<String>,
    arn: Value<String>,
}

/// A resource written against the 6.5 API: no identity, no generated
/// configuration, no moves
struct Plain;

#[async_trait]
impl Resource for Plain {
    type State<'a> = PlainState;
    type PrivateState<'a> = ValueEmpty;
    type ProviderMetaState<'a> = ValueEmpty;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(Schema {
            version: 1,
            block: block(vec![
                (
                    "id",
                    attribute(AttributeType::String, AttributeConstraint::OptionalComputed),
                ),
                (
                    "name",
                    attribute(AttributeType::String, AttributeConstraint::Required),
                ),
                (
                    "note",
                    attribute(AttributeType::String, AttributeConstraint::Optional),
                ),
                (
                    "arn",
                    attribute(AttributeType::String, AttributeConstraint::Computed),
                ),
            ]),
        })
    }

    async fn read<'a>(
        &self,
        _diags: &mut Diagnostics,
        state: PlainState,
        private_state: ValueEmpty,
        _provider_meta_state: ValueEmpty,
    ) -> Option<(PlainState, ValueEmpty)> {
        Some((state, private_state))
    }

    async fn plan_create<'a>(
        &self,
        _diags: &mut Diagnostics,
        proposed_state: PlainState,
        _config_state: PlainState,
        _provider_meta_state: ValueEmpty,
    ) -> Option<(PlainState, ValueEmpty)> {
        Some((proposed_state, Value::Null))
    }

    async fn plan_update<'a>(
        &self,
        _diags: &mut Diagnostics,
        _prior_state: PlainState,
        proposed_state: PlainState,
        _config_state: PlainState,
        prior_private_state: ValueEmpty,
        _provider_meta_state: ValueEmpty,
    ) -> Option<(PlainState, ValueEmpty, Vec<AttributePath>)> {
        Some((proposed_state, prior_private_state, vec![]))
    }

    async fn plan_destroy<'a>(
        &self,
        _diags: &mut Diagnostics,
        _prior_state: PlainState,
        prior_private_state: ValueEmpty,
        _provider_meta_state: ValueEmpty,
    ) -> Option<ValueEmpty> {
        Some(prior_private_state)
    }

    async fn create<'a>(
        &self,
        _diags: &mut Diagnostics,
        planned_state: PlainState,
        _config_state: PlainState,
        planned_private_state: ValueEmpty,
        _provider_meta_state: ValueEmpty,
    ) -> Option<(PlainState, ValueEmpty)> {
        Some((planned_state, planned_private_state))
    }

    async fn update<'a>(
        &self,
        _diags: &mut Diagnostics,
        _prior_state: PlainState,
        planned_state: PlainState,
        _config_state: PlainState,
        planned_private_state: ValueEmpty,
        _provider_meta_state: ValueEmpty,
    ) -> Option<(PlainState, ValueEmpty)> {
        Some((planned_state, planned_private_state))
    }

    async fn destroy<'a>(
        &self,
        _diags: &mut Diagnostics,
        _prior_state: PlainState,
        _planned_private_state: ValueEmpty,
        _provider_meta_state: ValueEmpty,
    ) -> Option<()> {
        Some(())
    }

    async fn import<'a>(
        &self,
        _diags: &mut Diagnostics,
        id: String,
    ) -> Option<(PlainState, ValueEmpty)> {
        Some((
            PlainState {
                id: Value::Value(id),
                name: Value::Value("plain".into()),
                note: Value::Null,
                arn: Value::Value("arn:plain".into()),
            },
            Value::Null,
        ))
    }
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
struct ThingListConfig {
    prefix: Value<String>,
    count: Value<i64>,
}

struct ThingList {
    seen: Shared,
}

#[async_trait]
impl ListResource for ThingList {
    type Config<'a> = ThingListConfig;
    type Identity = ThingIdentity;
    type ResourceState = ThingState;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(Schema {
            version: 0,
            block: block(vec![
                (
                    "prefix",
                    attribute(AttributeType::String, AttributeConstraint::Optional),
                ),
                (
                    "count",
                    attribute(AttributeType::Number, AttributeConstraint::Optional),
                ),
            ]),
        })
    }

    async fn validate<'a>(&self, diags: &mut Diagnostics, config: ThingListConfig) -> Option<()> {
        if matches!(config.count, Value::Value(count) if count < 0) {
            diags.error_short("count must not be negative", AttributePath::new("count"));
        }
        Some(())
    }

    async fn list<'a>(
        &self,
        diags: &mut Diagnostics,
        config: ThingListConfig,
        results: &mut ListResults<'_, ThingIdentity, ThingState>,
    ) -> Option<()> {
        let prefix = config.prefix.unwrap_or_else(|| "thing".into());
        if prefix == "panic" {
            panic!("the listing crashed");
        }
        let count = config.count.unwrap_or(3);
        let mut listed = 0;
        for i in 0..count {
            let id = format!("{prefix}-{i}");
            let mut result_diags = Diagnostics::default();
            if i == 1 {
                result_diags.root_warning_short(format!("{id} looks odd"));
            }
            self.seen.lock().unwrap().pushes += 1;
            listed += 1;
            let more = results
                .push(
                    diags,
                    ListResult {
                        identity: ThingIdentity {
                            id: Value::Value(id.clone()),
                            region: Value::Value(DEFAULT_REGION.into()),
                        },
                        display_name: format!("Thing {id}"),
                        resource_object: Some(ThingState {
                            id: Value::Value(id.clone()),
                            name: Value::Value(id),
                            region: Value::Value(DEFAULT_REGION.into()),
                            secret: Value::Null,
                        }),
                        diagnostics: result_diags,
                    },
                )
                .await;
            if !more {
                break;
            }
        }
        diags.root_warning_short(format!("listed {listed} of {count}"));
        self.seen.lock().unwrap().list_done = true;
        Some(())
    }
}

/// A list resource named after a resource without identity: a provider bug
struct PlainList;

#[async_trait]
impl ListResource for PlainList {
    type Config<'a> = ValueEmpty;
    type Identity = ValueEmpty;
    type ResourceState = ValueEmpty;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(Schema {
            version: 0,
            block: Block::default(),
        })
    }

    async fn list<'a>(
        &self,
        _diags: &mut Diagnostics,
        _config: ValueEmpty,
        _results: &mut ListResults<'_, ValueEmpty, ValueEmpty>,
    ) -> Option<()> {
        Some(())
    }
}

struct TestProvider {
    seen: Shared,
    /// Serve `test_thing` (identity, list, config, move) besides `test_plain`
    with_thing: bool,
    /// Also register a list resource for `test_plain`
    with_plain_list: bool,
}

#[async_trait]
impl Provider for TestProvider {
    type Config<'a> = ValueEmpty;
    type MetaState<'a> = ValueEmpty;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(Schema {
            version: 1,
            block: Block::default(),
        })
    }

    async fn configure<'a>(
        &self,
        _diags: &mut Diagnostics,
        _terraform_version: String,
        _config: ValueEmpty,
    ) -> Option<()> {
        self.seen
            .lock()
            .unwrap()
            .capabilities
            .push(("configure", ClientCapabilities::current()));
        Some(())
    }

    fn get_resources(
        &self,
        _diags: &mut Diagnostics,
    ) -> Option<HashMap<String, Box<dyn DynamicResource>>> {
        let mut resources: HashMap<String, Box<dyn DynamicResource>> = HashMap::new();
        resources.insert("plain".into(), Box::new(Plain));
        if self.with_thing {
            resources.insert(
                "thing".into(),
                Box::new(Thing {
                    seen: self.seen.clone(),
                }),
            );
        }
        Some(resources)
    }

    fn get_list_resources(
        &self,
        _diags: &mut Diagnostics,
    ) -> Option<HashMap<String, Box<dyn DynamicListResource>>> {
        let mut lists: HashMap<String, Box<dyn DynamicListResource>> = HashMap::new();
        if self.with_thing {
            lists.insert(
                "thing".into(),
                Box::new(ThingList {
                    seen: self.seen.clone(),
                }),
            );
        }
        if self.with_plain_list {
            lists.insert("plain".into(), Box::new(PlainList));
        }
        Some(lists)
    }
}

/// A provider implemented only through the 6.5 API: it overrides none of
/// the new methods
struct OldProvider;

#[async_trait]
impl Provider for OldProvider {
    type Config<'a> = ValueEmpty;
    type MetaState<'a> = ValueEmpty;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(Schema {
            version: 1,
            block: Block::default(),
        })
    }

    fn get_resources(
        &self,
        _diags: &mut Diagnostics,
    ) -> Option<HashMap<String, Box<dyn DynamicResource>>> {
        let mut resources: HashMap<String, Box<dyn DynamicResource>> = HashMap::new();
        resources.insert("plain".into(), Box::new(Plain));
        Some(resources)
    }
}

// ---------------------------------------------------------------------------
// Helpers

fn server(with_thing: bool) -> (Arc<Server>, Shared) {
    let seen = Shared::default();
    let provider = TestProvider {
        seen: seen.clone(),
        with_thing,
        with_plain_list: false,
    };
    (
        Arc::new(Server::new("test".into(), Box::new(provider))),
        seen,
    )
}

fn old_server() -> Arc<Server> {
    Arc::new(Server::new("test".into(), Box::new(OldProvider)))
}

fn dv<T: Serialize>(value: &T) -> Option<tf::DynamicValue> {
    let mut diags = Diagnostics::default();
    Some(RawValue::serialize(&mut diags, value).unwrap().into())
}

fn null() -> Option<tf::DynamicValue> {
    Some(RawValue::default().into())
}

fn decode<T: DeserializeOwned>(value: Option<tf::DynamicValue>) -> T {
    let mut diags = Diagnostics::default();
    let value = RawValue::from(value.expect("a value"));
    let decoded = value.deserialize(&mut diags);
    assert!(diags.errors.is_empty(), "{diags:?}");
    decoded.unwrap()
}

fn identity_data<T: Serialize>(value: &T) -> Option<tf::ResourceIdentityData> {
    Some(tf::ResourceIdentityData {
        identity_data: dv(value),
    })
}

fn decode_identity(identity: Option<tf::ResourceIdentityData>) -> ThingIdentity {
    decode(identity.expect("an identity").identity_data)
}

fn summaries(diags: &[tf::Diagnostic]) -> Vec<String> {
    diags.iter().map(|diag| diag.summary.clone()).collect()
}

fn errors(diags: &[tf::Diagnostic]) -> Vec<String> {
    diags
        .iter()
        .filter(|diag| diag.severity == tf::diagnostic::Severity::Error as i32)
        .map(|diag| diag.summary.clone())
        .collect()
}

fn thing(id: Value<String>) -> ThingState {
    ThingState {
        id,
        name: Value::Value("a thing".into()),
        region: Value::Value("us-east-2".into()),
        secret: Value::Null,
    }
}

fn capabilities() -> Option<tf::ClientCapabilities> {
    Some(tf::ClientCapabilities {
        deferral_allowed: true,
        write_only_attributes_allowed: true,
    })
}

async fn list(
    server: &Arc<Server>,
    config: ThingListConfig,
    include_resource_object: bool,
    limit: i64,
) -> Vec<tf::list_resource::Event> {
    let request = tf::list_resource::Request {
        type_name: "test_thing".into(),
        config: dv(&config),
        include_resource_object,
        limit,
    };
    let stream = Grpc::list_resource(server, Request::new(request))
        .await
        .unwrap()
        .into_inner();
    stream.map(|event| event.unwrap()).collect().await
}

// ---------------------------------------------------------------------------
// Schemas and metadata

#[tokio::test]
async fn the_schema_announces_list_resources_capabilities_and_write_only_attributes() {
    let (server, _) = server(true);
    let schema = Grpc::get_provider_schema(&server, Request::new(Default::default()))
        .await
        .unwrap()
        .into_inner();
    assert!(schema.diagnostics.is_empty(), "{:?}", schema.diagnostics);
    assert_eq!(
        schema.list_resource_schemas.keys().collect::<Vec<_>>(),
        ["test_thing"]
    );
    let list_block = schema.list_resource_schemas["test_thing"]
        .block
        .as_ref()
        .unwrap();
    let mut list_attributes: Vec<_> = list_block.attributes.iter().map(|a| &a.name).collect();
    list_attributes.sort();
    assert_eq!(list_attributes, ["count", "prefix"]);
    assert!(schema.ephemeral_resource_schemas.is_empty());
    assert!(schema.state_store_schemas.is_empty());
    assert!(schema.action_schemas.is_empty());

    let caps = schema.server_capabilities.unwrap();
    assert!(caps.plan_destroy);
    assert!(caps.move_resource_state);
    assert!(caps.generate_resource_config);
    assert!(!caps.get_provider_schema_optional);

    let attributes = &schema.resource_schemas["test_thing"]
        .block
        .as_ref()
        .unwrap()
        .attributes;
    let secret = attributes.iter().find(|a| a.name == "secret").unwrap();
    assert!(secret.write_only && secret.optional && !secret.required && !secret.computed);
    let name = attributes.iter().find(|a| a.name == "name").unwrap();
    assert!(!name.write_only && name.required);
}

#[tokio::test]
async fn metadata_names_the_list_resources() {
    let (server, _) = server(true);
    let metadata = Grpc::get_metadata(&server, Request::new(Default::default()))
        .await
        .unwrap()
        .into_inner();
    let names: Vec<_> = metadata
        .list_resources
        .iter()
        .map(|l| l.type_name.as_str())
        .collect();
    assert_eq!(names, ["test_thing"]);
    assert!(metadata.ephemeral_resources.is_empty());
    assert!(
        metadata
            .server_capabilities
            .unwrap()
            .generate_resource_config
    );
}

#[tokio::test]
async fn identity_schemas_are_those_resources_declare() {
    let (server, _) = server(true);
    let response = Grpc::get_resource_identity_schemas(&server, Request::new(Default::default()))
        .await
        .unwrap()
        .into_inner();
    assert!(response.diagnostics.is_empty());
    assert_eq!(
        response.identity_schemas.keys().collect::<Vec<_>>(),
        ["test_thing"]
    );
    let schema = &response.identity_schemas["test_thing"];
    assert_eq!(schema.version, 1);
    let attributes: Vec<_> = schema
        .identity_attributes
        .iter()
        .map(|a| {
            (
                a.name.as_str(),
                String::from_utf8(a.r#type.clone()).unwrap(),
                a.required_for_import,
                a.optional_for_import,
                a.description.as_str(),
            )
        })
        .collect();
    assert_eq!(
        attributes,
        [
            (
                "id",
                "\"string\"".to_string(),
                true,
                false,
                "Id of the thing"
            ),
            (
                "region",
                "\"string\"".to_string(),
                false,
                true,
                "Region of the thing"
            ),
        ]
    );
}

#[tokio::test]
async fn a_provider_written_against_the_old_api_answers_as_before() {
    let server = old_server();
    let schema = Grpc::get_provider_schema(&server, Request::new(Default::default()))
        .await
        .unwrap()
        .into_inner();
    assert!(schema.diagnostics.is_empty());
    assert!(schema.list_resource_schemas.is_empty());
    let caps = schema.server_capabilities.unwrap();
    assert!(caps.plan_destroy && !caps.generate_resource_config);
    let identities = Grpc::get_resource_identity_schemas(&server, Request::new(Default::default()))
        .await
        .unwrap()
        .into_inner();
    assert!(identities.identity_schemas.is_empty());
    assert!(identities.diagnostics.is_empty());

    let plain = PlainState {
        id: Value::Value("p-1".into()),
        name: Value::Value("plain".into()),
        note: Value::Null,
        arn: Value::Value("arn:p".into()),
    };
    let read = Grpc::read_resource(
        &server,
        Request::new(tf::read_resource::Request {
            type_name: "test_plain".into(),
            current_state: dv(&plain),
            provider_meta: null(),
            ..Default::default()
        }),
    )
    .await
    .unwrap()
    .into_inner();
    assert!(read.diagnostics.is_empty());
    assert_eq!(decode::<PlainState>(read.new_state), plain);
    assert!(read.new_identity.is_none());

    let imported = Grpc::import_resource_state(
        &server,
        Request::new(tf::import_resource_state::Request {
            type_name: "test_plain".into(),
            id: "p-2".into(),
            ..Default::default()
        }),
    )
    .await
    .unwrap()
    .into_inner();
    assert!(imported.diagnostics.is_empty());
    assert_eq!(imported.imported_resources.len(), 1);
    assert!(imported.imported_resources[0].identity.is_none());
}

#[tokio::test]
async fn a_list_resource_without_an_identity_resource_is_reported() {
    let provider = TestProvider {
        seen: Shared::default(),
        with_thing: true,
        with_plain_list: true,
    };
    let server = Arc::new(Server::new("test".into(), Box::new(provider)));
    let schema = Grpc::get_provider_schema(&server, Request::new(Default::default()))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        errors(&schema.diagnostics),
        ["List resource `test_plain` lists no resource with an identity"]
    );
}

// ---------------------------------------------------------------------------
// Identity through the lifecycle

#[tokio::test]
async fn read_answers_the_identity_of_the_state_it_read() {
    let (server, seen) = server(true);
    let current = ThingIdentity {
        id: Value::Value("t-1".into()),
        region: Value::Value("us-east-2".into()),
    };
    let read = Grpc::read_resource(
        &server,
        Request::new(tf::read_resource::Request {
            type_name: "test_thing".into(),
            current_state: dv(&thing(Value::Value("t-1".into()))),
            provider_meta: null(),
            current_identity: identity_data(&current),
            ..Default::default()
        }),
    )
    .await
    .unwrap()
    .into_inner();
    assert!(read.diagnostics.is_empty(), "{:?}", read.diagnostics);
    assert_eq!(decode_identity(read.new_identity), current);
    assert_eq!(
        seen.lock().unwrap().known_identities,
        [("identity", Some(current))]
    );
}

#[tokio::test]
async fn a_state_without_identity_gets_one_on_read() {
    // State written before the resource had an identity (or by Terraform
    // before 1.12): no current identity.
    let (server, seen) = server(true);
    let read = Grpc::read_resource(
        &server,
        Request::new(tf::read_resource::Request {
            type_name: "test_thing".into(),
            current_state: dv(&thing(Value::Value("t-9".into()))),
            provider_meta: null(),
            ..Default::default()
        }),
    )
    .await
    .unwrap()
    .into_inner();
    assert_eq!(
        decode_identity(read.new_identity).id,
        Value::Value("t-9".into())
    );
    assert_eq!(seen.lock().unwrap().known_identities, [("identity", None)]);
}

#[tokio::test]
async fn a_gone_object_has_no_identity() {
    struct Gone;
    #[async_trait]
    impl Resource for Gone {
        type State<'a> = ThingState;
        type PrivateState<'a> = ValueEmpty;
        type ProviderMetaState<'a> = ValueEmpty;
        fn schema(&self, diags: &mut Diagnostics) -> Option<Schema> {
            Resource::schema(
                &Thing {
                    seen: Shared::default(),
                },
                diags,
            )
        }
        fn identity_schema(&self, diags: &mut Diagnostics) -> Option<IdentitySchema> {
            Resource::identity_schema(
                &Thing {
                    seen: Shared::default(),
                },
                diags,
            )
        }
        async fn read<'a>(
            &self,
            _: &mut Diagnostics,
            _: ThingState,
            _: ValueEmpty,
            _: ValueEmpty,
        ) -> Option<(ThingState, ValueEmpty)> {
            None
        }
        async fn plan_create<'a>(
            &self,
            _: &mut Diagnostics,
            s: ThingState,
            _: ThingState,
            _: ValueEmpty,
        ) -> Option<(ThingState, ValueEmpty)> {
            Some((s, Value::Null))
        }
        async fn plan_update<'a>(
            &self,
            _: &mut Diagnostics,
            _: ThingState,
            s: ThingState,
            _: ThingState,
            p: ValueEmpty,
            _: ValueEmpty,
        ) -> Option<(ThingState, ValueEmpty, Vec<AttributePath>)> {
            Some((s, p, vec![]))
        }
        async fn plan_destroy<'a>(
            &self,
            _: &mut Diagnostics,
            _: ThingState,
            p: ValueEmpty,
            _: ValueEmpty,
        ) -> Option<ValueEmpty> {
            Some(p)
        }
        async fn create<'a>(
            &self,
            _: &mut Diagnostics,
            s: ThingState,
            _: ThingState,
            p: ValueEmpty,
            _: ValueEmpty,
        ) -> Option<(ThingState, ValueEmpty)> {
            Some((s, p))
        }
        async fn update<'a>(
            &self,
            _: &mut Diagnostics,
            _: ThingState,
            s: ThingState,
            _: ThingState,
            p: ValueEmpty,
            _: ValueEmpty,
        ) -> Option<(ThingState, ValueEmpty)> {
            Some((s, p))
        }
        async fn destroy<'a>(
            &self,
            _: &mut Diagnostics,
            _: ThingState,
            _: ValueEmpty,
            _: ValueEmpty,
        ) -> Option<()> {
            Some(())
        }
    }
    struct GoneProvider;
    #[async_trait]
    impl Provider for GoneProvider {
        type Config<'a> = ValueEmpty;
        type MetaState<'a> = ValueEmpty;
        fn schema(&self, _: &mut Diagnostics) -> Option<Schema> {
            Some(Schema {
                version: 1,
                block: Block::default(),
            })
        }
        fn get_resources(
            &self,
            _: &mut Diagnostics,
        ) -> Option<HashMap<String, Box<dyn DynamicResource>>> {
            Some(HashMap::from([(
                "gone".to_string(),
                Box::new(Gone) as Box<dyn DynamicResource>,
            )]))
        }
    }
    let server = Arc::new(Server::new("test".into(), Box::new(GoneProvider)));
    let read = Grpc::read_resource(
        &server,
        Request::new(tf::read_resource::Request {
            type_name: "test_gone".into(),
            current_state: dv(&thing(Value::Value("t-1".into()))),
            provider_meta: null(),
            current_identity: identity_data(&ThingIdentity::default()),
            ..Default::default()
        }),
    )
    .await
    .unwrap()
    .into_inner();
    assert!(read.new_state.is_none());
    assert!(read.new_identity.is_none());
}

#[tokio::test]
async fn a_plan_to_create_sends_no_identity_while_the_id_is_unknown() {
    let (server, _) = server(true);
    let proposed = ThingState {
        id: Value::Unknown,
        region: Value::Null,
        ..thing(Value::Null)
    };
    let plan = Grpc::plan_resource_change(
        &server,
        Request::new(tf::plan_resource_change::Request {
            type_name: "test_thing".into(),
            prior_state: null(),
            proposed_new_state: dv(&proposed),
            config: dv(&proposed),
            provider_meta: null(),
            ..Default::default()
        }),
    )
    .await
    .unwrap()
    .into_inner();
    assert!(plan.diagnostics.is_empty(), "{:?}", plan.diagnostics);
    let planned: ThingState = decode(plan.planned_state);
    assert_eq!(planned.id, Value::Unknown);
    assert!(plan.planned_identity.is_none());
}

#[tokio::test]
async fn a_plan_to_update_keeps_the_identity_and_a_plan_to_destroy_has_none() {
    let (server, seen) = server(true);
    let prior = thing(Value::Value("t-1".into()));
    let proposed = ThingState {
        name: Value::Value("renamed".into()),
        ..prior.clone()
    };
    let prior_identity = ThingIdentity {
        id: Value::Value("t-1".into()),
        region: Value::Value("us-east-2".into()),
    };
    let plan = Grpc::plan_resource_change(
        &server,
        Request::new(tf::plan_resource_change::Request {
            type_name: "test_thing".into(),
            prior_state: dv(&prior),
            proposed_new_state: dv(&proposed),
            config: dv(&proposed),
            provider_meta: null(),
            prior_identity: identity_data(&prior_identity),
            client_capabilities: capabilities(),
            ..Default::default()
        }),
    )
    .await
    .unwrap()
    .into_inner();
    assert!(plan.diagnostics.is_empty(), "{:?}", plan.diagnostics);
    assert_eq!(decode_identity(plan.planned_identity), prior_identity);
    assert_eq!(
        seen.lock().unwrap().known_identities,
        [("identity", Some(prior_identity.clone()))]
    );

    let destroy = Grpc::plan_resource_change(
        &server,
        Request::new(tf::plan_resource_change::Request {
            type_name: "test_thing".into(),
            prior_state: dv(&prior),
            proposed_new_state: null(),
            config: null(),
            provider_meta: null(),
            prior_identity: identity_data(&prior_identity),
            ..Default::default()
        }),
    )
    .await
    .unwrap()
    .into_inner();
    assert!(destroy.diagnostics.is_empty());
    assert!(destroy.planned_identity.is_none());
}

#[tokio::test]
async fn apply_answers_the_identity_of_the_created_object() {
    let (server, seen) = server(true);
    let planned = ThingState {
        id: Value::Unknown,
        ..thing(Value::Null)
    };
    let planned_identity = ThingIdentity {
        id: Value::Unknown,
        region: Value::Value("us-east-2".into()),
    };
    let apply = Grpc::apply_resource_change(
        &server,
        Request::new(tf::apply_resource_change::Request {
            type_name: "test_thing".into(),
            prior_state: null(),
            planned_state: dv(&planned),
            config: dv(&planned),
            provider_meta: null(),
            planned_identity: identity_data(&planned_identity),
            ..Default::default()
        }),
    )
    .await
    .unwrap()
    .into_inner();
    assert!(apply.diagnostics.is_empty(), "{:?}", apply.diagnostics);
    assert_eq!(
        decode_identity(apply.new_identity),
        ThingIdentity {
            id: Value::Value("thing-1".into()),
            region: Value::Value("us-east-2".into()),
        }
    );
    assert_eq!(
        seen.lock().unwrap().known_identities,
        [("identity", Some(planned_identity))]
    );

    let destroyed = Grpc::apply_resource_change(
        &server,
        Request::new(tf::apply_resource_change::Request {
            type_name: "test_thing".into(),
            prior_state: dv(&thing(Value::Value("thing-1".into()))),
            planned_state: null(),
            config: null(),
            provider_meta: null(),
            ..Default::default()
        }),
    )
    .await
    .unwrap()
    .into_inner();
    assert!(destroyed.diagnostics.is_empty());
    assert!(destroyed.new_identity.is_none());
}

#[tokio::test]
async fn import_by_id_returns_the_identity_of_the_imported_object() {
    let (server, seen) = server(true);
    let imported = Grpc::import_resource_state(
        &server,
        Request::new(tf::import_resource_state::Request {
            type_name: "test_thing".into(),
            id: "t-7@ap-south-1".into(),
            client_capabilities: capabilities(),
            ..Default::default()
        }),
    )
    .await
    .unwrap()
    .into_inner();
    assert!(
        imported.diagnostics.is_empty(),
        "{:?}",
        imported.diagnostics
    );
    let [object] = imported.imported_resources.try_into().unwrap();
    assert_eq!(object.type_name, "test_thing");
    assert_eq!(
        decode_identity(object.identity),
        ThingIdentity {
            id: Value::Value("t-7".into()),
            region: Value::Value("ap-south-1".into()),
        }
    );
    assert_eq!(seen.lock().unwrap().known_identities, [("identity", None)]);
}

#[tokio::test]
async fn import_by_identity_fills_in_what_is_optional_for_import() {
    let (server, seen) = server(true);
    let asked = ThingIdentity {
        id: Value::Value("t-8".into()),
        region: Value::Null,
    };
    let imported = Grpc::import_resource_state(
        &server,
        Request::new(tf::import_resource_state::Request {
            type_name: "test_thing".into(),
            identity: identity_data(&asked),
            ..Default::default()
        }),
    )
    .await
    .unwrap()
    .into_inner();
    assert!(
        imported.diagnostics.is_empty(),
        "{:?}",
        imported.diagnostics
    );
    let [object] = imported.imported_resources.try_into().unwrap();
    let state: ThingState = decode(object.state);
    assert_eq!(state.id, Value::Value("t-8".into()));
    assert_eq!(
        decode_identity(object.identity),
        ThingIdentity {
            id: Value::Value("t-8".into()),
            region: Value::Value(DEFAULT_REGION.into()),
        }
    );
    assert_eq!(
        seen.lock().unwrap().known_identities,
        [("identity", Some(asked))]
    );
}

#[tokio::test]
async fn import_by_identity_is_refused_by_default() {
    // Terraform only imports by identity resources with an identity schema;
    // one whose resource does not implement it answers an error.
    struct Half;
    #[async_trait]
    impl crate::DynamicResource for Half {
        fn schema(&self, diags: &mut Diagnostics) -> Option<Schema> {
            Resource::schema(&Plain, diags)
        }
        fn identity_schema(&self, diags: &mut Diagnostics) -> Option<IdentitySchema> {
            Resource::identity_schema(
                &Thing {
                    seen: Shared::default(),
                },
                diags,
            )
        }
        async fn read(
            &self,
            _: &mut Diagnostics,
            s: RawValue,
            p: Vec<u8>,
            _: RawValue,
        ) -> Option<(RawValue, Vec<u8>)> {
            Some((s, p))
        }
        async fn plan_create(
            &self,
            _: &mut Diagnostics,
            s: RawValue,
            _: RawValue,
            _: RawValue,
        ) -> Option<(RawValue, Vec<u8>)> {
            Some((s, vec![]))
        }
        async fn plan_update(
            &self,
            _: &mut Diagnostics,
            _: RawValue,
            s: RawValue,
            _: RawValue,
            p: Vec<u8>,
            _: RawValue,
        ) -> Option<(RawValue, Vec<u8>, Vec<AttributePath>)> {
            Some((s, p, vec![]))
        }
        async fn plan_destroy(
            &self,
            _: &mut Diagnostics,
            _: RawValue,
            p: Vec<u8>,
            _: RawValue,
        ) -> Option<Vec<u8>> {
            Some(p)
        }
        async fn create(
            &self,
            _: &mut Diagnostics,
            s: RawValue,
            _: RawValue,
            p: Vec<u8>,
            _: RawValue,
        ) -> Option<(RawValue, Vec<u8>)> {
            Some((s, p))
        }
        async fn update(
            &self,
            _: &mut Diagnostics,
            _: RawValue,
            s: RawValue,
            _: RawValue,
            p: Vec<u8>,
            _: RawValue,
        ) -> Option<(RawValue, Vec<u8>)> {
            Some((s, p))
        }
        async fn destroy(
            &self,
            _: &mut Diagnostics,
            _: RawValue,
            _: Vec<u8>,
            _: RawValue,
        ) -> Option<()> {
            Some(())
        }
    }
    struct HalfProvider;
    #[async_trait]
    impl crate::DynamicProvider for HalfProvider {
        fn schema(&self, _: &mut Diagnostics) -> Option<Schema> {
            Some(Schema {
                version: 1,
                block: Block::default(),
            })
        }
        fn get_resources(
            &self,
            _: &mut Diagnostics,
        ) -> Option<HashMap<String, Box<dyn DynamicResource>>> {
            Some(HashMap::from([(
                "half".to_string(),
                Box::new(Half) as Box<dyn DynamicResource>,
            )]))
        }
    }
    let server = Arc::new(Server::new("test".into(), Box::new(HalfProvider)));
    let imported = Grpc::import_resource_state(
        &server,
        Request::new(tf::import_resource_state::Request {
            type_name: "test_half".into(),
            identity: identity_data(&ThingIdentity {
                id: Value::Value("x".into()),
                region: Value::Null,
            }),
            ..Default::default()
        }),
    )
    .await
    .unwrap()
    .into_inner();
    assert_eq!(
        errors(&imported.diagnostics),
        ["Import by identity is not supported"]
    );
    assert!(imported.imported_resources.is_empty());
}

#[tokio::test]
async fn identities_of_older_versions_are_upgraded() {
    let (server, _) = server(true);
    let upgrade = |version: i64, json: &str| tf::upgrade_resource_identity::Request {
        type_name: "test_thing".into(),
        version,
        raw_identity: Some(tf::RawState {
            json: json.as_bytes().to_vec(),
            flatmap: Default::default(),
        }),
    };
    let upgraded =
        Grpc::upgrade_resource_identity(&server, Request::new(upgrade(0, r#"{"thing_id":"t-3"}"#)))
            .await
            .unwrap()
            .into_inner();
    assert!(
        upgraded.diagnostics.is_empty(),
        "{:?}",
        upgraded.diagnostics
    );
    assert_eq!(
        decode_identity(upgraded.upgraded_identity),
        ThingIdentity {
            id: Value::Value("t-3".into()),
            region: Value::Value(DEFAULT_REGION.into()),
        }
    );

    let current = Grpc::upgrade_resource_identity(
        &server,
        Request::new(upgrade(1, r#"{"id":"t-4","region":"us-west-1"}"#)),
    )
    .await
    .unwrap()
    .into_inner();
    assert!(current.diagnostics.is_empty());
    assert_eq!(
        decode_identity(current.upgraded_identity).region,
        Value::Value("us-west-1".into())
    );

    let plain = Grpc::upgrade_resource_identity(
        &server,
        Request::new(tf::upgrade_resource_identity::Request {
            type_name: "test_plain".into(),
            ..upgrade(0, "{}")
        }),
    )
    .await
    .unwrap()
    .into_inner();
    assert_eq!(
        errors(&plain.diagnostics),
        ["Resource `test_plain` has no identity to upgrade"]
    );
    assert!(plain.upgraded_identity.is_none());
}

// ---------------------------------------------------------------------------
// Client capabilities

#[tokio::test]
async fn client_capabilities_are_visible_while_the_call_runs() {
    let (server, seen) = server(true);
    Grpc::configure_provider(
        &server,
        Request::new(tf::configure_provider::Request {
            terraform_version: "1.15.5".into(),
            config: null(),
            client_capabilities: capabilities(),
        }),
    )
    .await
    .unwrap();
    Grpc::validate_resource_config(
        &server,
        Request::new(tf::validate_resource_config::Request {
            type_name: "test_thing".into(),
            config: dv(&thing(Value::Null)),
            client_capabilities: Some(tf::ClientCapabilities {
                deferral_allowed: false,
                write_only_attributes_allowed: true,
            }),
        }),
    )
    .await
    .unwrap();
    Grpc::read_resource(
        &server,
        Request::new(tf::read_resource::Request {
            type_name: "test_thing".into(),
            current_state: dv(&thing(Value::Value("t-1".into()))),
            provider_meta: null(),
            client_capabilities: capabilities(),
            ..Default::default()
        }),
    )
    .await
    .unwrap();
    Grpc::plan_resource_change(
        &server,
        Request::new(tf::plan_resource_change::Request {
            type_name: "test_thing".into(),
            prior_state: null(),
            proposed_new_state: dv(&thing(Value::Unknown)),
            config: dv(&thing(Value::Null)),
            provider_meta: null(),
            client_capabilities: capabilities(),
            ..Default::default()
        }),
    )
    .await
    .unwrap();
    // ApplyResourceChange carries no capabilities.
    Grpc::apply_resource_change(
        &server,
        Request::new(tf::apply_resource_change::Request {
            type_name: "test_thing".into(),
            prior_state: null(),
            planned_state: dv(&thing(Value::Unknown)),
            config: dv(&thing(Value::Null)),
            provider_meta: null(),
            ..Default::default()
        }),
    )
    .await
    .unwrap();
    // Nor does a request from Terraform before protocol 6.6.
    Grpc::read_resource(
        &server,
        Request::new(tf::read_resource::Request {
            type_name: "test_thing".into(),
            current_state: dv(&thing(Value::Value("t-1".into()))),
            provider_meta: null(),
            ..Default::default()
        }),
    )
    .await
    .unwrap();

    let both = ClientCapabilities {
        deferral_allowed: true,
        write_only_attributes_allowed: true,
    };
    let write_only = ClientCapabilities {
        deferral_allowed: false,
        write_only_attributes_allowed: true,
    };
    assert_eq!(
        seen.lock().unwrap().capabilities,
        [
            ("configure", Some(both)),
            ("validate", Some(write_only)),
            ("read", Some(both)),
            ("plan_create", Some(both)),
            ("create", None),
            ("read", None),
        ]
    );
    assert_eq!(ClientCapabilities::current(), None);
}

// ---------------------------------------------------------------------------
// List resources

#[tokio::test]
async fn listing_streams_identities_and_display_names() {
    let (server, seen) = server(true);
    let config = ThingListConfig {
        prefix: Value::Value("edge".into()),
        count: Value::Value(2),
    };
    let events = list(&server, config, false, 100).await;
    assert_eq!(events.len(), 3, "{events:?}");
    let identities: Vec<_> = events[..2]
        .iter()
        .map(|event| decode_identity(event.identity.clone()).id)
        .collect();
    assert_eq!(
        identities,
        [Value::Value("edge-0".into()), Value::Value("edge-1".into())]
    );
    assert_eq!(events[0].display_name, "Thing edge-0");
    // Terraform did not ask for the objects: none are sent.
    assert!(events.iter().all(|event| event.resource_object.is_none()));
    // Diagnostics of one result travel with it ...
    assert!(events[0].diagnostic.is_empty());
    assert_eq!(summaries(&events[1].diagnostic), ["edge-1 looks odd"]);
    // ... and those of the listing in a last event without identity, which
    // Terraform accepts because it carries a warning.
    assert!(events[2].identity.is_none());
    assert_eq!(summaries(&events[2].diagnostic), ["listed 2 of 2"]);
    assert!(seen.lock().unwrap().list_done);
}

#[tokio::test]
async fn listing_sends_the_objects_when_asked() {
    let (server, _) = server(true);
    let events = list(&server, ThingListConfig::default(), true, 100).await;
    let objects: Vec<ThingState> = events
        .iter()
        .filter(|event| event.identity.is_some())
        .map(|event| decode(event.resource_object.clone()))
        .collect();
    assert_eq!(objects.len(), 3);
    assert_eq!(objects[2].id, Value::Value("thing-2".into()));
    assert_eq!(objects[2].region, Value::Value(DEFAULT_REGION.into()));
}

#[tokio::test]
async fn listing_stops_at_the_limit() {
    let (server, seen) = server(true);
    let config = ThingListConfig {
        prefix: Value::Null,
        count: Value::Value(50),
    };
    let events = list(&server, config, true, 3).await;
    let with_identity = events.iter().filter(|e| e.identity.is_some()).count();
    assert_eq!(with_identity, 3);
    // The third push told the listing to stop.
    assert_eq!(seen.lock().unwrap().pushes, 3);
    assert_eq!(
        summaries(&events.last().unwrap().diagnostic),
        ["listed 3 of 50"]
    );

    let nothing = list(&server, ThingListConfig::default(), true, 0).await;
    assert!(nothing.iter().all(|event| event.identity.is_none()));
}

#[tokio::test]
async fn listing_stops_when_terraform_stops_reading() {
    let (server, seen) = server(true);
    let request = tf::list_resource::Request {
        type_name: "test_thing".into(),
        config: dv(&ThingListConfig {
            prefix: Value::Null,
            count: Value::Value(100_000),
        }),
        include_resource_object: false,
        limit: 100_000,
    };
    let mut stream = Grpc::list_resource(&server, Request::new(request))
        .await
        .unwrap()
        .into_inner();
    stream.next().await.unwrap().unwrap();
    drop(stream);
    for _ in 0..200 {
        if seen.lock().unwrap().list_done {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let seen = seen.lock().unwrap();
    assert!(seen.list_done);
    assert!(seen.pushes < 100, "{} pushes", seen.pushes);
}

#[tokio::test]
async fn a_crash_while_listing_is_an_error_not_an_end() {
    let (server, _) = server(true);
    let config = ThingListConfig {
        prefix: Value::Value("panic".into()),
        count: Value::Null,
    };
    let events = list(&server, config, false, 10).await;
    let [event] = events.try_into().unwrap();
    assert_eq!(errors(&event.diagnostic), ["Listing `test_thing` failed"]);
}

#[tokio::test]
async fn list_configuration_is_validated() {
    let (server, _) = server(true);
    let validate = |count: i64| tf::validate_list_resource_config::Request {
        type_name: "test_thing".into(),
        config: dv(&ThingListConfig {
            prefix: Value::Null,
            count: Value::Value(count),
        }),
        include_resource_object: None,
        limit: None,
    };
    let ok = Grpc::validate_list_resource_config(&server, Request::new(validate(2)))
        .await
        .unwrap()
        .into_inner();
    assert!(ok.diagnostics.is_empty());
    let bad = Grpc::validate_list_resource_config(&server, Request::new(validate(-1)))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(errors(&bad.diagnostics), ["count must not be negative"]);
    assert_eq!(
        bad.diagnostics[0].attribute,
        Some(AttributePath::new("count").into())
    );
}

#[tokio::test]
async fn an_unknown_list_resource_is_an_error() {
    let server = old_server();
    let request = tf::list_resource::Request {
        type_name: "test_plain".into(),
        config: null(),
        include_resource_object: false,
        limit: 10,
    };
    let events: Vec<_> = Grpc::list_resource(&server, Request::new(request))
        .await
        .unwrap()
        .into_inner()
        .collect()
        .await;
    let [event] = events.try_into().unwrap();
    assert_eq!(
        errors(&event.unwrap().diagnostic),
        ["Could not find list resource `test_plain` in provider"]
    );
}

// ---------------------------------------------------------------------------
// Generated configuration

async fn generate(
    server: &Arc<Server>,
    type_name: &str,
    state: Option<tf::DynamicValue>,
) -> tf::generate_resource_config::Response {
    Grpc::generate_resource_config(
        server,
        Request::new(tf::generate_resource_config::Request {
            type_name: type_name.into(),
            state,
        }),
    )
    .await
    .unwrap()
    .into_inner()
}

#[tokio::test]
async fn a_resource_writes_its_own_configuration() {
    let (server, _) = server(true);
    let response = generate(
        &server,
        "test_thing",
        dv(&thing(Value::Value("t-1".into()))),
    )
    .await;
    assert!(response.diagnostics.is_empty());
    assert_eq!(
        decode::<ThingState>(response.config),
        ThingState {
            id: Value::Null,
            name: Value::Value("a thing".into()),
            region: Value::Value("us-east-2".into()),
            secret: Value::Null,
        }
    );
}

#[tokio::test]
async fn resources_that_do_not_write_configuration_get_terraforms_filtering() {
    let (server, _) = server(true);
    let state = PlainState {
        id: Value::Value("p-1".into()),
        name: Value::Value("plain".into()),
        note: Value::Value(String::new()),
        arn: Value::Value("arn:p".into()),
    };
    let response = generate(&server, "test_plain", dv(&state)).await;
    assert!(response.diagnostics.is_empty());
    assert_eq!(
        decode::<PlainState>(response.config),
        PlainState {
            id: Value::Null,
            name: Value::Value("plain".into()),
            note: Value::Null,
            arn: Value::Null,
        }
    );
}

#[tokio::test]
async fn a_result_without_object_gives_a_null_configuration() {
    let (server, _) = server(true);
    let response = generate(&server, "test_thing", null()).await;
    assert!(response.diagnostics.is_empty());
    assert!(RawValue::from(response.config.unwrap()).is_null());
}

// ---------------------------------------------------------------------------
// Moves

fn move_request(source_type: &str, state_json: &str) -> tf::move_resource_state::Request {
    tf::move_resource_state::Request {
        source_provider_address: "registry.terraform.io/example/test".into(),
        source_type_name: source_type.into(),
        source_schema_version: 2,
        source_state: Some(tf::RawState {
            json: state_json.as_bytes().to_vec(),
            flatmap: Default::default(),
        }),
        target_type_name: "test_thing".into(),
        source_private: b"private".to_vec(),
        source_identity: None,
        source_identity_schema_version: 0,
    }
}

#[tokio::test]
async fn a_move_from_a_known_source_gives_state_and_identity() {
    let (server, _) = server(true);
    let moved = Grpc::move_resource_state(
        &server,
        Request::new(move_request(
            "old_thing",
            r#"{"thing_id":"t-5","label":"moved thing"}"#,
        )),
    )
    .await
    .unwrap()
    .into_inner();
    assert!(moved.diagnostics.is_empty(), "{:?}", moved.diagnostics);
    let state: ThingState = decode(moved.target_state);
    assert_eq!(state.name, Value::Value("moved thing".into()));
    assert_eq!(
        decode_identity(moved.target_identity).id,
        Value::Value("t-5".into())
    );
}

#[tokio::test]
async fn a_move_from_another_source_is_refused_naming_it() {
    let (server, _) = server(true);
    let moved = Grpc::move_resource_state(
        &server,
        Request::new(move_request("aws_security_group", "{}")),
    )
    .await
    .unwrap()
    .into_inner();
    assert_eq!(
        errors(&moved.diagnostics),
        ["Moving from `aws_security_group` (registry.terraform.io/example/test) is not supported"]
    );
    assert!(moved.target_state.is_none());
    assert!(moved.target_identity.is_none());
}

#[tokio::test]
async fn a_resource_without_moves_refuses_them() {
    let server = old_server();
    let moved = Grpc::move_resource_state(
        &server,
        Request::new(tf::move_resource_state::Request {
            target_type_name: "test_plain".into(),
            ..move_request("old_thing", "{}")
        }),
    )
    .await
    .unwrap()
    .into_inner();
    assert_eq!(
        errors(&moved.diagnostics),
        ["Moving from `old_thing` (registry.terraform.io/example/test) is not supported"]
    );
    assert!(moved.diagnostics[0]
        .detail
        .contains("`test_plain` cannot take over"));
}

#[test]
fn move_sources_are_read_from_the_request() {
    let source = MoveSource::from(tf::move_resource_state::Request {
        source_identity: Some(tf::RawState {
            json: br#"{"id":"sg-1"}"#.to_vec(),
            flatmap: Default::default(),
        }),
        ..move_request("aws_security_group", r#"{"id":"sg-1"}"#)
    });
    assert_eq!(
        source.provider_address,
        "registry.terraform.io/example/test"
    );
    assert_eq!(source.type_name, "aws_security_group");
    assert_eq!(source.schema_version, 2);
    assert_eq!(source.state, RawValue::Json(br#"{"id":"sg-1"}"#.to_vec()));
    assert_eq!(source.private, b"private");
    assert_eq!(
        source.identity,
        Some(RawValue::Json(br#"{"id":"sg-1"}"#.to_vec()))
    );
    assert_eq!(source.target_type_name, "test_thing");
    let without = MoveSource::from(move_request("aws_security_group", "{}"));
    assert_eq!(without.identity, None);
}

// ---------------------------------------------------------------------------
// What this crate does not offer

#[tokio::test]
async fn ephemeral_resources_state_stores_and_actions_are_unimplemented() {
    let server = old_server();
    let ephemeral = Grpc::open_ephemeral_resource(&server, Request::new(Default::default()))
        .await
        .unwrap_err();
    assert_eq!(ephemeral.code(), Code::Unimplemented);
    let store = Grpc::lock_state(&server, Request::new(Default::default()))
        .await
        .unwrap_err();
    assert_eq!(store.code(), Code::Unimplemented);
    let action = Grpc::plan_action(&server, Request::new(Default::default()))
        .await
        .unwrap_err();
    assert_eq!(action.code(), Code::Unimplemented);
}
