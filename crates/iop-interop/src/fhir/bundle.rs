//! A searchset Bundle: one page of matches, with `self` and `next` links.

use super::part2_meta;
use serde_json::{json, Value};

/// Where one page of a search sits among all its matches.
#[derive(Clone, Debug)]
pub struct SearchPage<'a> {
    /// The server's base, `https://…/fhir/r4` (entries' fullUrl start with it).
    pub base: &'a str,
    /// This page's URL, and the next page's when there are more matches.
    pub self_url: &'a str,
    pub next_url: Option<&'a str>,
    /// How many resources match the search in all.
    pub total: usize,
}

/// The Bundle of one page of `resources` (each with `resourceType` and `id`) and the
/// resources `_include` asked for beside them. It holds Part 2 records, so it carries
/// their labels too.
pub fn searchset(page: &SearchPage<'_>, resources: Vec<Value>, included: Vec<Value>) -> Value {
    let mut links = vec![json!({ "relation": "self", "url": page.self_url })];
    if let Some(next) = page.next_url {
        links.push(json!({ "relation": "next", "url": next }));
    }
    let modes = resources
        .into_iter()
        .map(|r| (r, "match"))
        .chain(included.into_iter().map(|r| (r, "include")));
    let entries: Vec<Value> = modes
        .map(|(r, mode)| {
            let full = format!(
                "{}/{}/{}",
                page.base,
                r["resourceType"].as_str().unwrap_or_default(),
                r["id"].as_str().unwrap_or_default()
            );
            json!({ "fullUrl": full, "resource": r, "search": { "mode": mode } })
        })
        .collect();
    let mut bundle = json!({
        "resourceType": "Bundle",
        "meta": part2_meta(),
        "type": "searchset",
        "total": page.total,
        "link": links
    });
    // FHIR JSON has no empty arrays: a search that matched nothing has no `entry`.
    if let (false, Some(obj)) = (entries.is_empty(), bundle.as_object_mut()) {
        obj.insert("entry".into(), Value::Array(entries));
    }
    bundle
}
