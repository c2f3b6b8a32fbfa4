//! The audit trail's hash chain: each entry's hash covers its fields and the previous
//! entry's hash, so editing or removing any row behind the application's back breaks
//! every hash after it.

use sha2::{Digest, Sha256};

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The fields of one audit entry that the hash covers. Never names, diagnoses or note
/// text: only ids and the action.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditFields<'a> {
    pub at: crate::time::Instant,
    pub actor_id: Option<&'a str>,
    pub actor_role: Option<&'a str>,
    pub action: &'a str,
    pub outcome: &'a str,
    pub patient_id: Option<&'a str>,
    pub subject: Option<&'a str>,
    pub request_id: Option<&'a str>,
    pub detail: &'a str,
}

/// SHA-256 over the previous hash and each field, length-prefixed so that moving text
/// between fields changes the hash.
pub fn chain_hash(prev_hash: &str, f: &AuditFields<'_>) -> String {
    let at = f.at.to_string();
    hash_fields(
        prev_hash,
        &[
            Some(&at),
            f.actor_id,
            f.actor_role,
            Some(f.action),
            Some(f.outcome),
            f.patient_id,
            f.subject,
            f.request_id,
            Some(f.detail),
        ],
    )
}

/// The chain hash of any log: the previous hash, then each field length-prefixed (an
/// absent field has its own marker), so no two different rows hash alike.
pub fn hash_fields(prev_hash: &str, fields: &[Option<&str>]) -> String {
    let mut h = Sha256::new();
    let mut put = |v: Option<&str>| match v {
        Some(s) => {
            h.update((s.len() as u64).to_be_bytes());
            h.update(s.as_bytes());
        }
        None => h.update(u64::MAX.to_be_bytes()),
    };
    put(Some(prev_hash));
    for f in fields {
        put(*f);
    }
    hex::encode(h.finalize())
}

/// Why a stored row does not fit the chain.
#[derive(Debug, PartialEq, Eq)]
pub enum ChainBreak {
    /// The row's `prev_hash` is not the hash of the row before it (a row was removed or inserted).
    Link,
    /// The row's own hash does not match its fields (a row was edited).
    Content,
}

/// Checks one stored row against the hash of the row before it.
pub fn check_link(
    expected_prev: &str,
    stored_prev: &str,
    stored_hash: &str,
    f: &AuditFields<'_>,
) -> Result<(), ChainBreak> {
    if stored_prev != expected_prev {
        return Err(ChainBreak::Link);
    }
    if chain_hash(stored_prev, f) != stored_hash {
        return Err(ChainBreak::Content);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(detail: &str) -> AuditFields<'_> {
        AuditFields {
            at: crate::time::Instant(
                jiff::Timestamp::from_second(1_795_750_000).unwrap_or_default(),
            ),
            actor_id: Some("u1"),
            actor_role: Some("counselor"),
            action: "auth.login",
            outcome: "ok",
            patient_id: None,
            subject: None,
            request_id: Some("r1"),
            detail,
        }
    }

    #[test]
    fn any_change_of_a_field_changes_the_hash() {
        let base = chain_hash(GENESIS, &fields("{}"));
        assert_ne!(base, chain_hash(GENESIS, &fields("{ }")));
        let mut moved = fields("{}");
        moved.actor_id = None;
        assert_ne!(base, chain_hash(GENESIS, &moved));
        assert_ne!(base, chain_hash(&base, &fields("{}")));
    }

    #[test]
    fn check_link_tells_an_edit_from_a_broken_link() {
        let f = fields("{}");
        let h = chain_hash(GENESIS, &f);
        assert_eq!(check_link(GENESIS, GENESIS, &h, &f), Ok(()));
        assert_eq!(
            check_link(GENESIS, GENESIS, &h, &fields("{\"x\":1}")),
            Err(ChainBreak::Content)
        );
        assert_eq!(check_link(&h, GENESIS, &h, &f), Err(ChainBreak::Link));
    }

    #[test]
    fn empty_and_absent_fields_hash_differently() {
        let mut a = fields("{}");
        a.subject = Some("");
        assert_ne!(chain_hash(GENESIS, &a), chain_hash(GENESIS, &fields("{}")));
    }
}
