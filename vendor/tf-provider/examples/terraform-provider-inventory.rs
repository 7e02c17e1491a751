// This file is part of the tf-provider project
//
// Added by terraform-provider-cumulocity. Licensed under the Apache License,
// Version 2.0, like the rest of the crate.

//! An example provider for the protocol 6.10 features: resource identity,
//! a list resource for `terraform query`, generated configuration and moves.
//!
//! `inventory_item` manages JSON files in the directory `INVENTORY_DIR`
//! (one `<id>.json` per item), so that objects outlive the plugin process
//! and can be made "by hand" for `terraform query` to find. It has an
//! identity (`id`, required for import, and `zone`, optional), a list
//! resource of the same name (config: `prefix`), writes its own
//! configuration for `-generate-config-out` (only the arguments that differ
//! from their defaults) unless `INVENTORY_GENERATE=0`, and takes over
//! `inventory_legacy_item` objects (attributes `item_id`, `title`) in a
//! `moved` block. `tests/terraform_query.rs` drives it with Terraform 1.15.

use std::collections::HashMap;
use std::path::PathBuf;

use anyhow::Result;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use tf_provider::schema::{
    Attribute, AttributeConstraint, AttributeType, Block, Description, IdentityAttribute,
    IdentityImport, IdentitySchema, Schema, Type,
};
use tf_provider::value::{Value, ValueEmpty};
use tf_provider::{
    serve, AttributePath, Diagnostics, DynamicListResource, DynamicResource, ListResource,
    ListResult, ListResults, MoveSource, Provider, RawValue, Resource,
};

const DEFAULT_SIZE: i64 = 1;
const DEFAULT_ZONE: &str = "zone-a";

#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq)]
struct Item {
    id: Value<String>,
    name: Value<String>,
    note: Value<String>,
    size: Value<i64>,
    zone: Value<String>,
    arn: Value<String>,
    /// Write-only: used at create, never stored
    token: Value<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
struct ItemIdentity {
    id: Value<String>,
    zone: Value<String>,
}

/// An item as stored in its file
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Stored {
    name: String,
    note: Option<String>,
    size: i64,
    zone: String,
}

fn store_dir() -> PathBuf {
    PathBuf::from(std::env::var_os("INVENTORY_DIR").unwrap_or_else(|| ".".into()))
}

fn load(id: &str) -> Option<Stored> {
    let text = std::fs::read_to_string(store_dir().join(format!("{id}.json"))).ok()?;
    serde_json::from_str(&text).ok()
}

fn save(diags: &mut Diagnostics, id: &str, stored: &Stored) -> Option<()> {
    let text = serde_json::to_string_pretty(stored).ok()?;
    if let Err(err) = std::fs::write(store_dir().join(format!("{id}.json")), text) {
        diags.root_error("Cannot write the item", err.to_string());
        return None;
    }
    Some(())
}

fn to_state(id: &str, stored: Stored) -> Item {
    Item {
        id: Value::Value(id.to_string()),
        arn: Value::Value(format!("inv:{}:{}", stored.zone, id)),
        name: Value::Value(stored.name),
        note: stored.note.into(),
        size: Value::Value(stored.size),
        zone: Value::Value(stored.zone),
        token: Value::Null,
    }
}

fn attribute(attr_type: AttributeType, constraint: AttributeConstraint, text: &str) -> Attribute {
    Attribute {
        attr_type,
        description: Description::plain(text),
        constraint,
        ..Default::default()
    }
}

fn block(attributes: Vec<(&str, Attribute)>) -> Block {
    Block {
        attributes: attributes
            .into_iter()
            .map(|(name, attribute)| (name.to_string(), attribute))
            .collect(),
        description: Description::plain("An inventory item"),
        ..Default::default()
    }
}

struct ItemResource;

#[async_trait]
impl Resource for ItemResource {
    type State<'a> = Item;
    type PrivateState<'a> = ValueEmpty;
    type ProviderMetaState<'a> = ValueEmpty;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        use AttributeConstraint::*;
        Some(Schema {
            version: 1,
            block: block(vec![
                ("id", attribute(AttributeType::String, Computed, "Id")),
                ("name", attribute(AttributeType::String, Required, "Name")),
                ("note", attribute(AttributeType::String, Optional, "Note")),
                (
                    "size",
                    attribute(AttributeType::Number, OptionalComputed, "Size"),
                ),
                (
                    "zone",
                    attribute(AttributeType::String, OptionalComputed, "Zone"),
                ),
                ("arn", attribute(AttributeType::String, Computed, "ARN")),
                (
                    "token",
                    attribute(AttributeType::String, WriteOnlyOptional, "Token"),
                ),
            ]),
        })
    }

    async fn read<'a>(
        &self,
        _diags: &mut Diagnostics,
        state: Item,
        private_state: ValueEmpty,
        _meta: ValueEmpty,
    ) -> Option<(Item, ValueEmpty)> {
        let id = state.id.as_option()?;
        Some((to_state(&id, load(&id)?), private_state))
    }

    async fn plan_create<'a>(
        &self,
        _diags: &mut Diagnostics,
        proposed: Item,
        _config: Item,
        _meta: ValueEmpty,
    ) -> Option<(Item, ValueEmpty)> {
        let zone = proposed.zone.or(Value::Value(DEFAULT_ZONE.into()));
        Some((
            Item {
                id: Value::Unknown,
                arn: Value::Unknown,
                size: proposed.size.or(Value::Value(DEFAULT_SIZE)),
                zone,
                token: Value::Null,
                ..proposed
            },
            Value::Null,
        ))
    }

    async fn plan_update<'a>(
        &self,
        _diags: &mut Diagnostics,
        prior: Item,
        proposed: Item,
        _config: Item,
        private_state: ValueEmpty,
        _meta: ValueEmpty,
    ) -> Option<(Item, ValueEmpty, Vec<AttributePath>)> {
        let mut replace = vec![];
        if proposed.zone != prior.zone {
            replace.push(AttributePath::new("zone"));
        }
        Some((
            Item {
                token: Value::Null,
                ..proposed
            },
            private_state,
            replace,
        ))
    }

    async fn plan_destroy<'a>(
        &self,
        _diags: &mut Diagnostics,
        _prior: Item,
        private_state: ValueEmpty,
        _meta: ValueEmpty,
    ) -> Option<ValueEmpty> {
        Some(private_state)
    }

    async fn create<'a>(
        &self,
        diags: &mut Diagnostics,
        planned: Item,
        _config: Item,
        private_state: ValueEmpty,
        _meta: ValueEmpty,
    ) -> Option<(Item, ValueEmpty)> {
        let name = planned.name.as_option()?;
        let id = format!("item-{name}");
        let stored = Stored {
            name,
            note: planned.note.as_option(),
            size: planned.size.unwrap_or(DEFAULT_SIZE),
            zone: planned.zone.unwrap_or_else(|| DEFAULT_ZONE.into()),
        };
        save(diags, &id, &stored)?;
        Some((to_state(&id, stored), private_state))
    }

    async fn update<'a>(
        &self,
        diags: &mut Diagnostics,
        prior: Item,
        planned: Item,
        _config: Item,
        private_state: ValueEmpty,
        _meta: ValueEmpty,
    ) -> Option<(Item, ValueEmpty)> {
        let id = prior.id.as_option()?;
        let stored = Stored {
            name: planned.name.as_option()?,
            note: planned.note.as_option(),
            size: planned.size.unwrap_or(DEFAULT_SIZE),
            zone: planned.zone.unwrap_or_else(|| DEFAULT_ZONE.into()),
        };
        save(diags, &id, &stored)?;
        Some((to_state(&id, stored), private_state))
    }

    async fn destroy<'a>(
        &self,
        _diags: &mut Diagnostics,
        prior: Item,
        _private_state: ValueEmpty,
        _meta: ValueEmpty,
    ) -> Option<()> {
        let id = prior.id.as_option()?;
        _ = std::fs::remove_file(store_dir().join(format!("{id}.json")));
        Some(())
    }

    async fn import<'a>(&self, diags: &mut Diagnostics, id: String) -> Option<(Item, ValueEmpty)> {
        let Some(stored) = load(&id) else {
            diags.root_error_short(format!("No item `{id}`"));
            return None;
        };
        Some((to_state(&id, stored), Value::Null))
    }

    fn identity_schema(&self, _diags: &mut Diagnostics) -> Option<IdentitySchema> {
        let attribute = |import, description: &str| IdentityAttribute {
            attr_type: Type::String,
            import,
            description: description.into(),
        };
        Some(IdentitySchema {
            version: 0,
            attributes: HashMap::from([
                (
                    "id".to_string(),
                    attribute(IdentityImport::Required, "Id of the item"),
                ),
                (
                    "zone".to_string(),
                    attribute(IdentityImport::Optional, "Zone of the item"),
                ),
            ]),
        })
    }

    async fn identity<'a>(
        &self,
        diags: &mut Diagnostics,
        state: &Item,
        _known: Option<RawValue>,
    ) -> Option<RawValue> {
        RawValue::serialize(
            diags,
            &ItemIdentity {
                id: state.id.clone(),
                zone: state.zone.clone(),
            },
        )
    }

    async fn import_by_identity<'a>(
        &self,
        diags: &mut Diagnostics,
        identity: RawValue,
    ) -> Option<(Item, ValueEmpty)> {
        let identity: ItemIdentity = identity.deserialize(diags)?;
        let id = identity.id.as_option()?;
        let (state, private_state) = Resource::import(self, diags, id.clone()).await?;
        if let Value::Value(zone) = &identity.zone {
            if state.zone.as_ref_option() != Some(zone) {
                diags.root_error_short(format!("Item `{id}` is not in zone `{zone}`"));
                return None;
            }
        }
        Some((state, private_state))
    }

    fn generates_config(&self) -> bool {
        std::env::var("INVENTORY_GENERATE").as_deref() != Ok("0")
    }

    async fn generate_config<'a>(&self, _diags: &mut Diagnostics, state: Item) -> Option<Item> {
        Some(Item {
            id: Value::Null,
            name: state.name,
            note: state.note,
            size: state.size.filter(|size| *size != DEFAULT_SIZE),
            zone: state.zone.filter(|zone| zone.as_str() != DEFAULT_ZONE),
            arn: Value::Null,
            token: Value::Null,
        })
    }

    async fn move_state<'a>(
        &self,
        diags: &mut Diagnostics,
        source: MoveSource,
    ) -> Option<(Item, ValueEmpty)> {
        #[derive(Deserialize)]
        struct Legacy {
            item_id: String,
            title: String,
        }
        if source.type_name != "inventory_legacy_item" {
            source.unsupported(diags);
            return None;
        }
        let legacy: Legacy = source.state.deserialize(diags)?;
        let stored = load(&legacy.item_id).unwrap_or(Stored {
            name: legacy.title,
            note: None,
            size: DEFAULT_SIZE,
            zone: DEFAULT_ZONE.into(),
        });
        Some((to_state(&legacy.item_id, stored), Value::Null))
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
struct ListConfig {
    prefix: Value<String>,
}

struct ItemList;

#[async_trait]
impl ListResource for ItemList {
    type Config<'a> = ListConfig;
    type Identity = ItemIdentity;
    type ResourceState = Item;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(Schema {
            version: 0,
            block: block(vec![(
                "prefix",
                attribute(
                    AttributeType::String,
                    AttributeConstraint::Optional,
                    "Only items whose name starts with this",
                ),
            )]),
        })
    }

    async fn list<'a>(
        &self,
        diags: &mut Diagnostics,
        config: ListConfig,
        results: &mut ListResults<'_, ItemIdentity, Item>,
    ) -> Option<()> {
        let prefix = config.prefix.unwrap_or_default();
        let mut ids: Vec<String> = match std::fs::read_dir(store_dir()) {
            Ok(entries) => entries
                .filter_map(|entry| {
                    let name = entry.ok()?.file_name().into_string().ok()?;
                    Some(name.strip_suffix(".json")?.to_string())
                })
                .collect(),
            Err(err) => {
                diags.root_error("Cannot list the items", err.to_string());
                return None;
            }
        };
        ids.sort();
        for id in ids {
            let Some(stored) = load(&id) else { continue };
            if !stored.name.starts_with(&prefix) {
                continue;
            }
            let display_name = format!("{} ({id})", stored.name);
            let state = to_state(&id, stored);
            let identity = ItemIdentity {
                id: state.id.clone(),
                zone: state.zone.clone(),
            };
            let result = ListResult {
                identity,
                display_name,
                resource_object: Some(state),
                diagnostics: Diagnostics::default(),
            };
            if !results.push(diags, result).await {
                break;
            }
        }
        Some(())
    }
}

struct InventoryProvider;

#[async_trait]
impl Provider for InventoryProvider {
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
        Some(HashMap::from([(
            "item".to_string(),
            Box::new(ItemResource) as Box<dyn DynamicResource>,
        )]))
    }

    fn get_list_resources(
        &self,
        _diags: &mut Diagnostics,
    ) -> Option<HashMap<String, Box<dyn DynamicListResource>>> {
        Some(HashMap::from([(
            "item".to_string(),
            Box::new(ItemList) as Box<dyn DynamicListResource>,
        )]))
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<()> {
    // rustls picks its process-wide crypto back end by itself only when the
    // build has exactly one; a workspace that brings a second (aws-lc-rs)
    // would make the TLS handshake panic. Choose ring, as the provider does.
    let _ = rustls::crypto::ring::default_provider().install_default();
    serve("inventory", InventoryProvider).await
}
