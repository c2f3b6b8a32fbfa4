//! Keys kept outside the database (in the data directory's `keys.json`, mode 0600): one
//! to key the audit and disclosure chains (HMAC-SHA256), one to encrypt secrets stored
//! in rows (TOTP seeds, XChaCha20-Poly1305). Someone holding only the database, or a
//! backup of it, can neither forge the chains nor read the seeds.

use crate::error::{AppError, Result};
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;

/// Marks a sealed value in a text column: `sealed1:<key id>:<hex nonce>:<hex ciphertext>`.
const SEALED: &str = "sealed1";

#[derive(Clone)]
pub struct Keys {
    /// Names this set of keys on every row it signs or seals.
    pub id: String,
    audit_mac: [u8; 32],
    secrets: [u8; 32],
}

/// `keys.json` as it is written: the keys in hex.
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct KeysFile {
    id: String,
    audit_mac: String,
    secrets: String,
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Keys({}, ***)", self.id)
    }
}

fn random32() -> [u8; 32] {
    let mut b = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut b);
    b
}

fn key32(hex_text: &str, what: &str) -> Result<[u8; 32]> {
    hex::decode(hex_text)
        .ok()
        .and_then(|v| <[u8; 32]>::try_from(v).ok())
        .ok_or_else(|| {
            AppError::Invalid(format!("the {what} key in keys.json is not 64 hex digits"))
        })
}

impl Keys {
    /// A new set, named by the day it was made and a random suffix.
    pub fn generate(today: jiff::civil::Date) -> Self {
        let suffix = hex::encode(&random32()[..4]);
        Self {
            id: format!("k{}-{suffix}", today.strftime("%Y%m%d")),
            audit_mac: random32(),
            secrets: random32(),
        }
    }

    /// Reads `keys.json` and checks both keys are well formed.
    pub fn from_json(text: &str) -> Result<Self> {
        let file: KeysFile = serde_json::from_str(text)
            .map_err(|e| AppError::Invalid(format!("keys.json cannot be read: {e}")))?;
        if file.id.is_empty() || file.id.contains(':') {
            return Err(AppError::Invalid("keys.json has no usable id".into()));
        }
        Ok(Keys {
            audit_mac: key32(&file.audit_mac, "audit")?,
            secrets: key32(&file.secrets, "secrets")?,
            id: file.id,
        })
    }

    pub fn to_json(&self) -> Result<String> {
        let file = KeysFile {
            id: self.id.clone(),
            audit_mac: hex::encode(self.audit_mac),
            secrets: hex::encode(self.secrets),
        };
        serde_json::to_string_pretty(&file)
            .map_err(|e| AppError::Internal(format!("keys.json cannot be written: {e}")))
    }

    /// The key that seals the audit and disclosure chains.
    pub fn chain_key(&self) -> iop_store::audit::ChainKey {
        iop_store::audit::ChainKey {
            id: self.id.clone(),
            key: self.audit_mac,
        }
    }

    /// Checks a chain row's seal against its (verified) hash.
    pub fn check_seal(
        &self,
        hash: &str,
        key_id: &Option<String>,
        mac: &Option<String>,
    ) -> crate::audit::chain::Seal {
        use crate::audit::chain::Seal;
        match (key_id, mac) {
            (None, None) => Seal::None,
            (Some(id), Some(mac)) if *id == self.id => {
                let expected = iop_domain::audit::chain_mac(&self.audit_mac, hash);
                if crate::accounts::secret::constant_time_eq(&expected, mac) {
                    Seal::Good
                } else {
                    Seal::Bad
                }
            }
            (Some(id), Some(_)) if *id != self.id => Seal::OtherKeys,
            _ => Seal::Bad,
        }
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(&self.secrets.into())
    }

    /// Encrypts a secret for a text column.
    pub fn seal(&self, plain: &str) -> Result<String> {
        let mut nonce = [0u8; 24];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let ct = self
            .cipher()
            .encrypt(XNonce::from_slice(&nonce), plain.as_bytes())
            .map_err(|_| AppError::Internal("sealing a secret failed".into()))?;
        Ok(format!(
            "{SEALED}:{}:{}:{}",
            self.id,
            hex::encode(nonce),
            hex::encode(ct)
        ))
    }

    /// Whether a stored value is sealed (not yet-to-be-sealed plain text from before).
    pub fn is_sealed(stored: &str) -> bool {
        stored.starts_with(SEALED) && stored.split(':').count() == 4
    }

    /// Decrypts what [`Keys::seal`] made. A value sealed under other keys, or altered,
    /// is an internal error: the operator has the wrong keys.json.
    pub fn open(&self, stored: &str) -> Result<String> {
        let parts: Vec<&str> = stored.split(':').collect();
        let [SEALED, id, nonce, ct] = parts.as_slice() else {
            return Err(AppError::Internal("a stored secret is not sealed".into()));
        };
        if *id != self.id {
            return Err(AppError::Internal(format!(
                "a stored secret was sealed with keys {id}, not with the keys.json in use ({})",
                self.id
            )));
        }
        let nonce = hex::decode(nonce).ok().filter(|n| n.len() == 24);
        let (Some(nonce), Ok(ct)) = (nonce, hex::decode(ct)) else {
            return Err(AppError::Internal("a stored secret is malformed".into()));
        };
        let plain = self
            .cipher()
            .decrypt(XNonce::from_slice(&nonce), ct.as_slice())
            .map_err(|_| {
                AppError::Internal("a stored secret does not open with these keys".into())
            })?;
        String::from_utf8(plain)
            .map_err(|_| AppError::Internal("a stored secret is not text".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> Keys {
        Keys::generate(jiff::civil::date(2026, 12, 2))
    }

    #[test]
    fn a_sealed_secret_opens_with_its_keys_only_and_does_not_show_the_secret() {
        let (k, other) = (keys(), keys());
        let sealed = k.seal("JBSWY3DPEHPK3PXP").expect("seal");
        assert!(Keys::is_sealed(&sealed) && !sealed.contains("JBSWY3DPEHPK3PXP"));
        assert_ne!(
            sealed,
            k.seal("JBSWY3DPEHPK3PXP").expect("seal"),
            "a fresh nonce each time"
        );
        assert_eq!(k.open(&sealed).expect("open"), "JBSWY3DPEHPK3PXP");
        assert!(other.open(&sealed).is_err());
        let mut tampered = sealed.clone();
        tampered.pop();
        tampered.push(if sealed.ends_with('0') { '1' } else { '0' });
        assert!(k.open(&tampered).is_err());
    }

    #[test]
    fn keys_round_trip_through_their_file_and_debug_hides_them() {
        let k = keys();
        let json = k.to_json().expect("json");
        let back = Keys::from_json(&json).expect("read back");
        assert_eq!(back.id, k.id);
        assert!(!format!("{k:?}").contains(&hex::encode(k.secrets)));
        assert_eq!(back.to_json().expect("json"), json);
        assert!(Keys::from_json("{\"id\":\"x\",\"audit_mac\":\"00\",\"secrets\":\"00\"}").is_err());
    }
}
