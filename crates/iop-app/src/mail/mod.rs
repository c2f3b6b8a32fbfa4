//! Email: the outbox written in the transaction of the event (invitation, reset,
//! reminder), and the sender that empties it with retries. Every message is composed
//! by `iop_domain::portal::compose` and says only that something waits in the portal.

mod outbox;
mod reminders;
mod sender;
pub mod transport;

pub use outbox::Outgoing;
pub use sender::{MailQueue, MailView, SendReport};
pub use transport::{SendError, Transport};

/// Who mail comes from and where its links lead.
#[derive(Clone, Debug)]
pub struct MailSettings {
    /// The sender's display name (organisation setting; neutral by default).
    pub sender_name: String,
    pub sender_address: String,
    /// The address people reach the server at, for links ("https://portal.example.org").
    pub public_url: String,
}

impl MailSettings {
    /// `public_url` without a trailing slash: links are this and a path ("/portal").
    pub fn public_base(&self) -> &str {
        self.public_url.trim_end_matches('/')
    }
}

impl Default for MailSettings {
    fn default() -> Self {
        Self {
            sender_name: iop_domain::portal::DEFAULT_SENDER_NAME.into(),
            sender_address: "no-reply@localhost.localdomain".into(),
            public_url: "http://127.0.0.1:8080".into(),
        }
    }
}

impl crate::App {
    /// Refuses mail settings that name the organisation: its sites' and programs' names
    /// in the sender or the links would say where the person is treated.
    pub fn check_mail_settings(&self) -> crate::error::Result<()> {
        let names = self.store.read(|c| {
            let mut n: Vec<String> = iop_store::org::sites(c)?
                .into_iter()
                .map(|s| s.name)
                .collect();
            n.extend(iop_store::org::programs(c)?.into_iter().map(|p| p.name));
            Ok::<_, crate::AppError>(n)
        })?;
        let also: Vec<&str> = names.iter().map(String::as_str).collect();
        let m = &self.settings.mail;
        for (key, value) in [
            ("mail_from_name", &m.sender_name),
            ("mail_from_address", &m.sender_address),
            ("public_url", &m.public_url),
        ] {
            if let Some(word) = iop_domain::portal::revealing_word(value, &also) {
                return Err(crate::AppError::Invalid(format!(
                    "{key} must not say {word:?}: the organisation's names in a message say where the person is treated"
                )));
            }
        }
        Ok(())
    }
}
