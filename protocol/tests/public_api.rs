//! chatwire's public API names no type of its dependencies, except the few it means to:
//! `bytes`' buffers, `serde`'s traits, and the traits the adapters implement.
//!
//! The check reads what rustdoc itself resolved: the crate's JSON documentation (all
//! features on), made by the machine's own toolchain (`RUSTC_BOOTSTRAP=1` unlocks rustdoc's
//! JSON output on a stable toolchain; cargo-check-external-types would need one specific
//! nightly). Every path that a public item, field, variant, signature, bound or trait impl
//! refers to is looked up; one from another crate must be on the list in [`allowed`].
//! Blanket impls (`impl<T> Into<U> for T`) and auto-trait impls are the dependencies' own
//! and are not read.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::Command;

use serde_json::{json, Value};

/// Whether a public item may name the item `path` (of kind `kind`) of crate `krate`.
fn allowed(krate: &str, kind: &str, path: &str) -> bool {
    match krate {
        "core" | "alloc" | "std" => true,
        // The encoder writes into any `BufMut`; the codecs read `FramedRead`'s `BytesMut`.
        "bytes" => matches!(last_segment(path), "Bytes" | "BytesMut" | "BufMut"),
        // Serialize/Deserialize impls; `futures_core::Stream` and `FusedStream` for
        // `ChunkStream`; `tokio_util::codec::Decoder` for the codecs. Traits only.
        "serde" | "serde_core" | "futures_core" | "tokio_util" => kind == "trait",
        // The `Unpin` impl that `pin_project!` writes names the macro's private helpers.
        "pin_project_lite" => path.starts_with("pin_project_lite::__private::"),
        _ => false,
    }
}

fn last_segment(path: &str) -> &str {
    path.rsplit("::").next().unwrap_or(path)
}

/// Every path of another crate that a local item refers to, with the local items that
/// refer to it.
fn external_references(doc: &Value) -> Result<BTreeMap<Reference, BTreeSet<String>>, String> {
    let index = doc["index"].as_object().ok_or("no `index` in the JSON")?;
    let paths = doc["paths"].as_object().ok_or("no `paths` in the JSON")?;
    let crates = doc["external_crates"]
        .as_object()
        .ok_or("no `external_crates` in the JSON")?;
    let local = doc["index"][id_key(&doc["root"])]["crate_id"].clone();
    if local.is_null() {
        return Err("the root item is not in the index".to_owned());
    }
    let mut found = BTreeMap::new();
    for item in index.values() {
        if item["crate_id"] != local || is_foreign_impl(item) {
            continue;
        }
        let name = item_name(item, paths);
        walk(item, &mut |id| {
            let Some(summary) = paths.get(&id_key(id)) else {
                return;
            };
            if summary["crate_id"] == local {
                return;
            }
            let krate = crates
                .get(&id_key(&summary["crate_id"]))
                .and_then(|c| c["name"].as_str())
                .unwrap_or("?");
            let path = summary["path"]
                .as_array()
                .map(|segments| {
                    let segments: Vec<&str> = segments.iter().filter_map(Value::as_str).collect();
                    segments.join("::")
                })
                .unwrap_or_default();
            let reference = Reference {
                krate: krate.to_owned(),
                kind: summary["kind"].as_str().unwrap_or("?").to_owned(),
                path,
            };
            found
                .entry(reference)
                .or_insert_with(BTreeSet::new)
                .insert(name.clone());
        });
    }
    Ok(found)
}

/// An item of another crate.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Reference {
    krate: String,
    kind: String,
    path: String,
}

/// Blanket and auto-trait impls, which rustdoc lists on every type they may apply to.
fn is_foreign_impl(item: &Value) -> bool {
    let imp = &item["inner"]["impl"];
    imp.is_object() && (!imp["blanket_impl"].is_null() || imp["is_synthetic"] == true)
}

/// A readable name for a local item: its path, or its name, or its id.
fn item_name(item: &Value, paths: &serde_json::Map<String, Value>) -> String {
    if let Some(path) = paths
        .get(&id_key(&item["id"]))
        .and_then(|p| p["path"].as_array())
    {
        let segments: Vec<&str> = path.iter().filter_map(Value::as_str).collect();
        return segments.join("::");
    }
    match item["name"].as_str() {
        Some(name) => format!("{name} (id {})", id_key(&item["id"])),
        None => format!("an impl (id {})", id_key(&item["id"])),
    }
}

/// Calls `on_id` with every `id` a value refers to, but not from its docs: links and
/// attributes say nothing about the API's types.
fn walk(value: &Value, on_id: &mut impl FnMut(&Value)) {
    match value {
        Value::Object(map) => {
            if let Some(id) = map.get("id") {
                on_id(id);
            }
            for (key, inner) in map {
                if !matches!(key.as_str(), "links" | "docs" | "attrs" | "span") {
                    walk(inner, on_id);
                }
            }
        }
        Value::Array(values) => values.iter().for_each(|v| walk(v, on_id)),
        _ => {}
    }
}

/// Ids are numbers in recent formats and strings in older ones; map keys are strings.
fn id_key(id: &Value) -> String {
    match id {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// The references `allowed` refuses, one line each.
fn violations(found: &BTreeMap<Reference, BTreeSet<String>>) -> Vec<String> {
    found
        .iter()
        .filter(|(r, _)| !allowed(&r.krate, &r.kind, &r.path))
        .map(|(r, items)| {
            let items: Vec<&str> = items.iter().map(String::as_str).collect();
            format!(
                "{} `{}` ({}), named by: {}",
                r.kind,
                r.path,
                r.krate,
                items.join(", ")
            )
        })
        .collect()
}

/// Builds chatwire's JSON documentation with every feature on and reads it.
fn rustdoc_json() -> Value {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
    let target = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("public-api");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .args([
            "rustdoc",
            "-p",
            "chatwire",
            "--all-features",
            "--locked",
            "--manifest-path",
        ])
        .arg(&manifest)
        .arg("--target-dir")
        .arg(&target)
        .args(["--", "-Zunstable-options", "--output-format", "json"])
        .env("RUSTC_BOOTSTRAP", "1")
        .env_remove("RUSTDOCFLAGS")
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "cargo rustdoc failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = std::fs::read_to_string(target.join("doc").join("chatwire.json"))
        .expect("rustdoc wrote chatwire.json");
    serde_json::from_str(&text).expect("rustdoc's JSON parses")
}

#[test]
fn the_public_api_names_no_dependency_type_but_the_allowed_ones() {
    let doc = rustdoc_json();
    let found = external_references(&doc).unwrap();

    // The walk sees the references it must see: if rustdoc's format moved them, this fails
    // instead of finding nothing.
    let names: BTreeSet<&str> = found.keys().map(|r| last_segment(&r.path)).collect();
    for expected in [
        "BufMut",
        "BytesMut",
        "Serialize",
        "Stream",
        "Decoder",
        "Vec",
        "Option",
    ] {
        assert!(
            names.contains(expected),
            "no reference to {expected} found: {names:?}"
        );
    }

    let bad = violations(&found);
    assert!(
        bad.is_empty(),
        "chatwire's public API names dependency types that are not allowed:\n{}",
        bad.join("\n")
    );
}

#[test]
fn the_check_finds_a_leaked_type_and_passes_over_blanket_impls() {
    // A miniature rustdoc JSON: a public function returning `serde_json::Value`, a struct
    // with a `bytes::Bytes` field, and a blanket impl naming a `memchr` type.
    let doc = json!({
        "root": 0,
        "index": {
            "0": {"id": 0, "crate_id": 0, "name": "chatwire", "inner": {"module": {"items": [1, 2, 3]}}},
            "1": {"id": 1, "crate_id": 0, "name": "leak", "docs": "See [`Finder`].", "links": {"Finder": 12},
                  "inner": {"function": {"sig": {"inputs": [], "output": {"resolved_path": {"path": "serde_json::Value", "id": 10, "args": null}}}}}},
            "2": {"id": 2, "crate_id": 0, "name": "Frame",
                  "inner": {"struct": {"fields": [{"resolved_path": {"path": "bytes::Bytes", "id": 11}}]}}},
            "3": {"id": 3, "crate_id": 0, "name": null,
                  "inner": {"impl": {"blanket_impl": {"generic": "T"}, "trait": {"path": "Finder", "id": 12}, "for": {"generic": "T"}}}}
        },
        "paths": {
            "1": {"crate_id": 0, "path": ["chatwire", "leak"], "kind": "function"},
            "2": {"crate_id": 0, "path": ["chatwire", "Frame"], "kind": "struct"},
            "10": {"crate_id": 7, "path": ["serde_json", "value", "Value"], "kind": "enum"},
            "11": {"crate_id": 8, "path": ["bytes", "bytes", "Bytes"], "kind": "struct"},
            "12": {"crate_id": 9, "path": ["memchr", "memmem", "Finder"], "kind": "struct"}
        },
        "external_crates": {"7": {"name": "serde_json"}, "8": {"name": "bytes"}, "9": {"name": "memchr"}}
    });
    let found = external_references(&doc).unwrap();
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(
        violations(&found),
        ["enum `serde_json::value::Value` (serde_json), named by: chatwire::leak"]
    );
    assert!(external_references(&json!({"index": {}})).is_err());
}
