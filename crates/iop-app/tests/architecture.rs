#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The concept table in docs/ARCHITECTURE.md names files that exist, so "where is
//! attendance?" has the same answer in the document and in the tree.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `clinical/` (record, care) → clinical/record.rs, clinical/care.rs; `org.rs` → org.rs.
fn paths_in(cell: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = cell;
    while let Some(start) = rest.find('`') {
        let after = &rest[start + 1..];
        let Some(end) = after.find('`') else { break };
        let name = &after[..end];
        rest = &after[end + 1..];
        if let Some(folder) = name.strip_suffix('/') {
            let listed = rest
                .trim_start()
                .strip_prefix('(')
                .and_then(|r| r.split_once(')'))
                .map(|(inside, _)| inside)
                .unwrap_or("");
            if listed.is_empty() {
                out.push(format!("{folder}/mod.rs"));
            }
            for file in listed.split(',').map(str::trim).filter(|f| !f.is_empty()) {
                out.push(format!("{folder}/{file}.rs"));
            }
        } else {
            out.push(name.to_string());
        }
    }
    out
}

#[test]
fn every_file_the_concept_table_names_exists() {
    let doc = std::fs::read_to_string(root().join("docs/ARCHITECTURE.md")).expect("doc");
    let section = doc
        .split("## Concepts in every layer")
        .nth(1)
        .and_then(|s| s.split("\n## ").next())
        .expect("the concept table");
    let layers = [
        "crates/iop-store/src",
        "crates/iop-app/src",
        "crates/iop-web/src/api",
        "crates/iop-web/src/pages",
    ];
    let mut checked = 0;
    for row in section
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| concept"))
    {
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        for (layer, cell) in layers.iter().zip(cells.iter().skip(2)) {
            for p in paths_in(cell) {
                let file = root().join(layer).join(&p);
                assert!(
                    file.exists(),
                    "{layer}/{p} is in the concept table but not in the tree"
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 40, "the table names only {checked} files");
}
