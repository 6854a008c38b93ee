//! What the document's schemas must say that utoipa's derive cannot know:
//!
//! - A page's items are a reference to the item's own component. utoipa writes a generic
//!   type's argument inline (`Page<ReportView>` would repeat `ReportView`), so a generated
//!   client would get one item class per listing instead of the item type itself.
//! - A schema that is only ever answered lists every property as required. No response type
//!   skips a field when serialising (`Option` is sent as null), so an answer always holds them
//!   all; utoipa marks `Option` fields optional, which would type them as maybe-absent. Schemas
//!   that requests use too keep utoipa's reading, since a request may leave those fields out.

use std::collections::{BTreeMap, BTreeSet};

use utoipa::openapi::schema::{ArrayItems, Schema};
use utoipa::openapi::{OpenApi, Ref, RefOr};

/// The prefix utoipa gives a `Page<T>` component: `Page_` and then `T`'s component name.
const PAGE_PREFIX: &str = "Page_";

pub(super) fn complete(doc: &mut OpenApi) {
    let Some(components) = doc.components.as_mut() else {
        return;
    };
    reference_page_items(&mut components.schemas);
    let (answered, sent) = reached(doc);
    let Some(components) = doc.components.as_mut() else {
        return;
    };
    for name in answered.difference(&sent) {
        if let Some(RefOr::T(schema)) = components.schemas.get_mut(name) {
            require_every_property(schema);
        }
    }
}

/// Replaces each page's inline item schema with a reference to the item's component, adding
/// the component when nothing else named it (an item only ever listed in pages).
fn reference_page_items(schemas: &mut BTreeMap<String, RefOr<Schema>>) {
    let mut items_found = Vec::new();
    for (name, schema) in schemas.iter_mut() {
        let Some(item_name) = name.strip_prefix(PAGE_PREFIX) else {
            continue;
        };
        let RefOr::T(Schema::Object(page)) = schema else {
            continue;
        };
        let Some(RefOr::T(Schema::Array(items))) = page.properties.get_mut("items") else {
            continue;
        };
        let ArrayItems::RefOrSchema(item) = &mut items.items else {
            continue;
        };
        let reference = RefOr::Ref(Ref::from_schema_name(item_name));
        if let RefOr::T(inline) = std::mem::replace(item.as_mut(), reference) {
            items_found.push((item_name.to_owned(), inline));
        }
    }
    for (name, inline) in items_found {
        schemas.entry(name).or_insert(RefOr::T(inline));
    }
}

/// The components reachable from the answers, and those reachable from what clients send
/// (request bodies and parameters).
fn reached(doc: &OpenApi) -> (BTreeSet<String>, BTreeSet<String>) {
    let mut answered = BTreeSet::new();
    let mut sent = BTreeSet::new();
    for item in doc.paths.paths.values() {
        let operations = [&item.get, &item.post, &item.put, &item.delete, &item.patch];
        for operation in operations.into_iter().flatten() {
            references(&operation.responses, &mut answered);
            references(&operation.request_body, &mut sent);
            references(&operation.parameters, &mut sent);
        }
    }
    let schemas = doc
        .components
        .as_ref()
        .map(|c| &c.schemas)
        .cloned()
        .unwrap_or_default();
    (closure(answered, &schemas), closure(sent, &schemas))
}

/// Every component name that `start` names, directly or through other components.
fn closure(
    mut todo: BTreeSet<String>,
    schemas: &BTreeMap<String, RefOr<Schema>>,
) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    while let Some(name) = todo.pop_first() {
        if let Some(schema) = schemas.get(&name) {
            references(schema, &mut todo);
            seen.insert(name);
        }
        todo.retain(|n| !seen.contains(n));
    }
    seen
}

/// Collects the component names of every `$ref` in a part of the document. Read through its
/// JSON, which names every reference the same way whatever the part is.
fn references(part: &impl serde::Serialize, names: &mut BTreeSet<String>) {
    fn walk(value: &serde_json::Value, names: &mut BTreeSet<String>) {
        match value {
            serde_json::Value::Object(map) => {
                if let Some(serde_json::Value::String(target)) = map.get("$ref")
                    && let Some(name) = target.strip_prefix("#/components/schemas/")
                {
                    names.insert(name.to_owned());
                }
                map.values().for_each(|v| walk(v, names));
            }
            serde_json::Value::Array(values) => values.iter().for_each(|v| walk(v, names)),
            _ => {}
        }
    }
    if let Ok(value) = serde_json::to_value(part) {
        walk(&value, names);
    }
}

/// Marks every property required, in an object or in each object part of a flattened one.
fn require_every_property(schema: &mut Schema) {
    match schema {
        Schema::Object(object) => {
            object.required = object.properties.keys().cloned().collect();
        }
        Schema::AllOf(all_of) => {
            for part in &mut all_of.items {
                if let RefOr::T(part) = part {
                    require_every_property(part);
                }
            }
        }
        _ => {}
    }
}
