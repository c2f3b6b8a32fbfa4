//! The audit trail's hash chain: each entry's hash covers its fields and the previous
//! entry's hash, so editing or removing any row behind the application's back breaks
//! every hash after it.

use crate::ids::{PatientId, UserId};
use crate::role::Role;
use sha2::{Digest, Sha256};
use std::fmt;
use std::str::FromStr;

crate::code_enum! {
        /// How a use case ended, as the trail records it.
        pub enum Outcome {
            Ok,
            /// Refused by policy or scope.
            Denied,
            /// Refused because of too many attempts.
            Throttled,
        }
}

/// The role an entry was recorded under: a staff role, or the system itself (the
/// demo, a scheduled job). Stored as the role's code or `system`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "diesel", derive(diesel::AsExpression, diesel::FromSqlRow))]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
#[serde(into = "String", try_from = "String")]
pub enum ActorRole {
    Staff(Role),
    System,
    /// Someone without an account: the public call-back form.
    Public,
    /// A patient or relative signed in to the portal.
    Portal(crate::portal::PortalRole),
}

impl fmt::Display for ActorRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ActorRole::Staff(r) => r.fmt(f),
            ActorRole::System => f.write_str("system"),
            ActorRole::Public => f.write_str("public"),
            ActorRole::Portal(r) => r.fmt(f),
        }
    }
}

impl FromStr for ActorRole {
    type Err = strum::ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "system" => Ok(ActorRole::System),
            "public" => Ok(ActorRole::Public),
            _ => s
                .parse()
                .map(ActorRole::Staff)
                .or_else(|_| s.parse().map(ActorRole::Portal)),
        }
    }
}

impl utoipa::PartialSchema for ActorRole {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .description(Some(
                "a staff role's code, a portal role (patient, family), system or public",
            ))
            .into()
    }
}

impl utoipa::ToSchema for ActorRole {}

impl From<ActorRole> for String {
    fn from(r: ActorRole) -> String {
        r.to_string()
    }
}

impl TryFrom<String> for ActorRole {
    type Error = strum::ParseError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

#[cfg(feature = "diesel")]
crate::sql::text_column!(ActorRole);

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The fields of one audit entry that the hash covers. Never names, diagnoses or note
/// text: only ids and the action.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditFields<'a> {
    pub at: crate::time::Instant,
    pub actor_id: Option<UserId>,
    pub actor_role: Option<ActorRole>,
    pub action: &'a str,
    pub outcome: Outcome,
    pub patient_id: Option<PatientId>,
    pub subject: Option<&'a str>,
    pub request_id: Option<&'a str>,
    pub detail: &'a str,
}

/// SHA-256 over the previous hash and each field, length-prefixed so that moving text
/// between fields changes the hash.
pub fn chain_hash(prev_hash: &str, f: &AuditFields<'_>) -> String {
    // The text of each field as stored, so a row read back hashes alike.
    let at = f.at.to_string();
    let actor_id = f.actor_id.map(|a| a.to_string());
    let actor_role = f.actor_role.map(|r| r.to_string());
    let outcome: &str = f.outcome.into();
    let patient_id = f.patient_id.map(|p| p.to_string());
    hash_fields(
        prev_hash,
        &[
            Some(&at),
            actor_id.as_deref(),
            actor_role.as_deref(),
            Some(f.action),
            Some(outcome),
            patient_id.as_deref(),
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

/// The keyed seal of a row: HMAC-SHA256 over its chain hash with a key kept outside the
/// database. The hash already covers every earlier row, so whoever rewrites a row and
/// recomputes every later hash still cannot make the seals match without the key.
pub fn chain_mac(key: &[u8; 32], hash: &str) -> String {
    use hmac::{Mac, SimpleHmac};
    let mut mac = match <SimpleHmac<sha2::Sha256> as Mac>::new_from_slice(key) {
        Ok(m) => m,
        // HMAC takes a key of any length; this arm cannot be reached.
        Err(_) => return String::new(),
    };
    mac.update(hash.as_bytes());
    hex::encode(mac.finalize().into_bytes())
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
            actor_id: "01900000-0000-7000-8000-000000000001".parse().ok(),
            actor_role: Some(ActorRole::Staff(Role::Counselor)),
            action: "auth.login",
            outcome: Outcome::Ok,
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
    fn the_seal_depends_on_the_key_and_the_hash() {
        let h = chain_hash(GENESIS, &fields("{}"));
        let (k1, k2) = ([1u8; 32], [2u8; 32]);
        assert_eq!(chain_mac(&k1, &h), chain_mac(&k1, &h));
        assert_ne!(chain_mac(&k1, &h), chain_mac(&k2, &h));
        assert_ne!(
            chain_mac(&k1, &h),
            chain_mac(&k1, &chain_hash(&h, &fields("{}")))
        );
        assert_eq!(chain_mac(&k1, &h).len(), 64);
    }

    #[test]
    fn empty_and_absent_fields_hash_differently() {
        let mut a = fields("{}");
        a.subject = Some("");
        assert_ne!(chain_hash(GENESIS, &a), chain_hash(GENESIS, &fields("{}")));
    }
}
