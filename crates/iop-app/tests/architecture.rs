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

/// `Row.field` for every `String` or `Option<String>` field of a row in the store.
fn text_fields_of_rows() -> std::collections::BTreeSet<String> {
    let mut out = std::collections::BTreeSet::new();
    let mut stack = vec![root().join("crates/iop-store/src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("store dir") {
            let path = entry.expect("entry").path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if !name.ends_with(".rs") || name == "schema.rs" || name == "testing.rs" {
                continue;
            }
            let src = std::fs::read_to_string(&path).expect("source");
            // Comments may hold braces ("{substance, result}"): leave them out.
            let src: String = src
                .lines()
                .filter(|l| !l.trim_start().starts_with("//"))
                .collect::<Vec<_>>()
                .join("\n");
            for (row, body) in row_bodies(&src) {
                for field in body.split([',', '\n']) {
                    let field = field.trim().trim_start_matches("pub ").trim();
                    if let Some((name, ty)) = field.split_once(':') {
                        let ty = ty.trim();
                        if ty == "String" || ty == "Option<String>" {
                            out.insert(format!("{row}.{}", name.trim()));
                        }
                    }
                }
            }
        }
    }
    out
}

/// The bodies of `pub struct Name { … }` and `row!(Name, table { … })`.
fn row_bodies(src: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (marker, name_end) in [("pub struct ", " {"), ("row!(", ",")] {
        let mut rest = src;
        while let Some(i) = rest.find(marker) {
            let after = &rest[i + marker.len()..];
            let name: String = after
                .trim_start()
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            let Some(open) = after.find('{') else { break };
            let Some(close) = after[open..].find('}') else {
                break;
            };
            if after[..open].contains(name_end.trim()) || marker == "pub struct " {
                out.push((name, after[open + 1..open + close].to_string()));
            }
            rest = &after[open + close..];
        }
    }
    out
}

/// `Row.field` named in the list under "Text that stays text" in docs/ARCHITECTURE.md:
/// lines `Row, Other: field, field` in its fenced block; `#` lines are headings.
fn listed_text_fields() -> std::collections::BTreeSet<String> {
    let doc = std::fs::read_to_string(root().join("docs/ARCHITECTURE.md")).expect("doc");
    let block = doc
        .split("## Text that stays text")
        .nth(1)
        .and_then(|s| s.split("```text").nth(1))
        .and_then(|s| s.split("```").next())
        .expect("the list of text fields");
    let mut out = std::collections::BTreeSet::new();
    for line in block.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (rows, fields) = line.split_once(':').expect("Row: fields");
        for row in rows.split(',').map(str::trim) {
            for field in fields.split(',').map(str::trim) {
                out.insert(format!("{row}.{field}"));
            }
        }
    }
    out
}

#[test]
fn rows_hold_strings_only_for_the_listed_text() {
    let found = text_fields_of_rows();
    let listed = listed_text_fields();
    let unlisted: Vec<_> = found.difference(&listed).collect();
    let stale: Vec<_> = listed.difference(&found).collect();
    assert!(
        unlisted.is_empty(),
        "these row fields are text but not listed in docs/ARCHITECTURE.md: {unlisted:?}"
    );
    assert!(
        stale.is_empty(),
        "docs/ARCHITECTURE.md lists text fields that are not text (or not there): {stale:?}"
    );
    assert!(found.len() > 100, "only {} text fields found", found.len());
}

#[test]
fn no_public_use_case_takes_an_id_as_text() {
    let mut offenders = Vec::new();
    let mut stack = vec![root().join("crates/iop-app/src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("app dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let src = std::fs::read_to_string(&path).expect("source");
            let mut rest = src.as_str();
            while let Some(i) = rest.find("pub fn ") {
                let sig = &rest[i..];
                let end = sig.find('{').unwrap_or(sig.len());
                let sig = &sig[..end];
                for param in sig.split([',', '(']) {
                    let param = param.trim();
                    let Some((name, ty)) = param.split_once(':') else {
                        continue;
                    };
                    let (name, ty) = (name.trim(), ty.trim());
                    // The insurer's number for the member is theirs, not one of our ids.
                    let id_name = (name == "id" || name.ends_with("_id")) && name != "member_id";
                    let text = matches!(ty, "&str" | "String" | "Option<&str>" | "Option<String>");
                    if id_name && text {
                        offenders.push(format!("{}: {param}", path.display()));
                    }
                }
                rest = &rest[i + end.max(7)..];
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "use cases taking ids as text: {offenders:#?}"
    );
}

#[test]
fn no_source_file_is_over_500_lines() {
    let mut long = Vec::new();
    let mut stack = vec![root().join("crates"), root().join("bench")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("dir") {
            let path = entry.expect("entry").path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if path.is_dir() {
                if name != "target" && name != "node_modules" {
                    stack.push(path);
                }
                continue;
            }
            // diesel's generated schema is the one exemption.
            if name.ends_with(".rs") && name != "schema.rs" {
                let lines = std::fs::read_to_string(&path)
                    .expect("source")
                    .lines()
                    .count();
                if lines > 500 {
                    long.push(format!("{} ({lines})", path.display()));
                }
            }
        }
    }
    assert!(long.is_empty(), "files over 500 lines: {long:#?}");
}

/// Ids that lead to one patient's record.
const PATIENT_IDS: &[&str] = &[
    "PatientId",
    "EpisodeId",
    "SessionId",
    "NoteId",
    "IndividualNoteId",
    "AppointmentId",
    "ConsentId",
    "RelatedPersonId",
    "AlertId",
    "CosignNote",
];

/// The body of the function whose signature starts at `start`, by brace counting.
fn body_at(src: &str, start: usize) -> &str {
    let Some(open) = src[start..].find('{').map(|o| start + o) else {
        return "";
    };
    let mut depth = 0;
    for (i, ch) in src[open..].char_indices() {
        match ch {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return &src[open..open + i];
                }
            }
            _ => {}
        }
    }
    &src[open..]
}

/// Scope is hard to forget: a public use case that takes an id leading to a patient,
/// under an action a counselor may take, must check the caseload (`scope::`, directly
/// or through `episode_in_scope`) or hand over to a use case that does (`self.…`).
#[test]
fn every_use_case_a_counselor_can_reach_with_a_patients_id_checks_scope() {
    use iop_app::policy::{allows, Action};
    use strum::IntoEnumIterator;
    let mut offenders = Vec::new();
    let mut checked = 0;
    let mut stack = vec![root().join("crates/iop-app/src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("app dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                // The demo acts as the system and staff it seeds; scope is checked inside.
                if !path.ends_with("demo") {
                    stack.push(path);
                }
                continue;
            }
            let src = std::fs::read_to_string(&path).expect("source");
            let mut at = 0;
            while let Some(i) = src[at..].find("    pub fn ").map(|i| at + i) {
                let sig_end = src[i..].find('{').map_or(src.len(), |e| i + e);
                let sig = &src[i..sig_end];
                at = sig_end;
                let params = sig.split("->").next().unwrap_or(sig);
                if !params.contains("ctx: &Ctx") || !PATIENT_IDS.iter().any(|t| params.contains(t))
                {
                    continue;
                }
                let body = body_at(&src, i);
                let counselor_may = Action::iter().any(|a| {
                    body.contains(&format!("Action::{a:?})"))
                        && allows(iop_domain::Role::Counselor, a)
                });
                if !counselor_may {
                    continue;
                }
                checked += 1;
                let hands_over = body
                    .match_indices("self.")
                    .any(|(j, _)| !body[j..].starts_with("self.store"));
                let scoped =
                    body.contains("scope::") || body.contains("episode_in_scope") || hands_over;
                if !scoped {
                    let name = sig.trim_start().split('(').next().unwrap_or(sig);
                    offenders.push(format!("{}: {name}", path.display()));
                }
            }
        }
    }
    assert!(checked > 20, "only {checked} use cases were checked");
    assert!(
        offenders.is_empty(),
        "use cases that take a patient's id without checking scope: {offenders:#?}"
    );
}
