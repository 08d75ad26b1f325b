//! Snapshots of the generated API, one per operation and one per schema type, so that a
//! pull request that changes the spec shows exactly which operation or type changed.
//!
//! Update after an intended change with `INSTA_UPDATE=always cargo test -p webex-broadworks-api
//! --test generated_surface` (or `cargo insta review`), then review the `.snap` diffs.
// A test: a panic is its failure, with its line.
#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use syn::{ImplItem, Item};

const SNAPSHOT_DIR: &str = "tests/snapshots";

fn generated_file() -> syn::File {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/generated.rs"))
            .expect("src/generated.rs exists");
    syn::parse_file(&text).expect("src/generated.rs parses")
}

fn module<'a>(items: &'a [Item], name: &str) -> &'a [Item] {
    items
        .iter()
        .find_map(|item| match item {
            Item::Mod(m) if m.ident == name => {
                m.content.as_ref().map(|(_, items)| items.as_slice())
            }
            _ => None,
        })
        .unwrap_or_else(|| panic!("generated code has no `mod {name}`"))
}

fn type_name(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        syn::Type::Reference(r) => type_name(&r.elem),
        _ => None,
    }
}

/// The types an item is about: a type's own name; for an impl, the type it is for and the
/// types named in its trait (`impl From<WorkspaceId> for String` is about `WorkspaceId`).
fn subjects(item: &Item) -> Vec<String> {
    match item {
        Item::Struct(s) => vec![s.ident.to_string()],
        Item::Enum(e) => vec![e.ident.to_string()],
        Item::Impl(i) => {
            let mut names: Vec<String> = type_name(&i.self_ty).into_iter().collect();
            if let Some((path, _)) = &i.trait_ {
                for segment in &path.segments {
                    if let syn::PathArguments::AngleBracketed(args) = &segment.arguments {
                        for arg in &args.args {
                            if let syn::GenericArgument::Type(ty) = arg {
                                names.extend(type_name(ty));
                            }
                        }
                    }
                }
            }
            names
        }
        _ => Vec::new(),
    }
}

/// The first of `item`'s subjects that is one of `defined`.
fn subject_among(item: &Item, defined: &BTreeSet<String>) -> Option<String> {
    subjects(item)
        .into_iter()
        .find(|name| defined.contains(name))
}

fn render(items: Vec<Item>) -> String {
    let mut file: syn::File = syn::parse_quote!();
    file.items = items;
    prettyplease::unparse(&file)
}

/// Every snapshot this test should produce: name -> content.
fn surfaces() -> BTreeMap<String, String> {
    let file = generated_file();
    let mut grouped: BTreeMap<String, Vec<Item>> = BTreeMap::new();

    // Schema types, with their impls and their struct builders.
    let types = module(&file.items, "types");
    let type_builders = module(types, "builder");
    let defined: BTreeSet<String> = types
        .iter()
        .filter(|item| matches!(item, Item::Struct(_) | Item::Enum(_)))
        .flat_map(subjects)
        .collect();
    for item in types.iter().chain(type_builders) {
        if let Some(name) = subject_among(item, &defined) {
            grouped
                .entry(format!("type__{name}"))
                .or_default()
                .push(item.clone());
        }
    }

    // Operations: the `Client` method and the operation's request builder.
    let builders = module(&file.items, "builder");
    let operation_builders: BTreeSet<String> = builders
        .iter()
        .filter(|item| matches!(item, Item::Struct(_)))
        .flat_map(subjects)
        .collect();
    let client_impls = file.items.iter().filter_map(|item| match item {
        Item::Impl(i)
            if i.trait_.is_none() && type_name(&i.self_ty).as_deref() == Some("Client") =>
        {
            Some(i)
        }
        _ => None,
    });
    for client_impl in client_impls {
        for method in &client_impl.items {
            let ImplItem::Fn(method) = method else {
                continue;
            };
            let syn::ReturnType::Type(_, returned) = &method.sig.output else {
                continue;
            };
            let Some(builder_name) = type_name(returned).filter(|n| operation_builders.contains(n))
            else {
                continue;
            };
            let mut only_method = client_impl.clone();
            only_method.items = vec![ImplItem::Fn(method.clone())];
            let mut items = vec![Item::Impl(only_method)];
            items.extend(
                builders
                    .iter()
                    .filter(|item| subjects(item).first() == Some(&builder_name))
                    .cloned(),
            );
            grouped.insert(format!("operation__{}", method.sig.ident), items);
        }
    }

    grouped
        .into_iter()
        .map(|(name, items)| (name, render(items)))
        .collect()
}

#[test]
fn generated_api_surface() {
    let surfaces = surfaces();
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_snapshot_path(Path::new(env!("CARGO_MANIFEST_DIR")).join(SNAPSHOT_DIR));
    settings.bind(|| {
        for (name, content) in &surfaces {
            insta::assert_snapshot!(name.as_str(), content);
        }
    });
}

#[test]
fn no_snapshot_outlives_its_operation_or_type() {
    let surfaces = surfaces();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(SNAPSHOT_DIR);
    let stale: Vec<String> = std::fs::read_dir(&dir)
        .expect("the snapshot directory exists")
        .filter_map(|entry| {
            let name = entry.ok()?.file_name().into_string().ok()?;
            let stem = name.strip_suffix(".snap")?;
            (!surfaces.contains_key(stem)).then_some(name)
        })
        .collect();
    assert!(
        stale.is_empty(),
        "snapshots of operations or types that no longer exist: {stale:?}; delete them from {SNAPSHOT_DIR}"
    );
}

#[test]
fn every_operation_of_the_spec_has_a_snapshot() {
    let surfaces = surfaces();
    let operations = surfaces
        .keys()
        .filter(|k| k.starts_with("operation__"))
        .count();
    let spec_path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../openapi/webex-broadworks.yaml");
    let spec: serde_json::Value =
        serde_norway::from_str(&std::fs::read_to_string(spec_path).unwrap()).unwrap();
    let in_spec: usize = spec["paths"]
        .as_object()
        .unwrap()
        .values()
        .map(|item| {
            item.as_object()
                .unwrap()
                .keys()
                .filter(|key| ["get", "put", "post", "delete", "patch"].contains(&key.as_str()))
                .count()
        })
        .sum();
    assert_eq!(
        operations, in_spec,
        "one operation snapshot per operation of the spec"
    );
}
