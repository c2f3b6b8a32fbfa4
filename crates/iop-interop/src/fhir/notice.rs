//! The 42 CFR §2.32 notice that travels with every export, as a DocumentReference of its
//! own in the export's files (the text as a plain-text attachment).

use super::part2_meta;
use base64::Engine;
use jiff::Timestamp;
use serde_json::{json, Value};

/// The DocumentReference of the notice accompanying export `id`.
pub fn notice_document(id: &str, notice: &str, version: &str, at: Timestamp) -> Value {
    let data = base64::engine::general_purpose::STANDARD.encode(notice.as_bytes());
    json!({
        "resourceType": "DocumentReference",
        "id": id,
        "meta": part2_meta(),
        "status": "current",
        "type": { "text": "Notice accompanying disclosure (42 CFR 2.32)" },
        "date": at.to_string(),
        "description": notice,
        "content": [{
            "attachment": {
                "contentType": "text/plain; charset=utf-8",
                "language": "en",
                "data": data,
                "title": format!("42 CFR 2.32 notice, version {version}")
            }
        }]
    })
}
