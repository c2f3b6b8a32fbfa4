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

impl Default for MailSettings {
    fn default() -> Self {
        Self {
            sender_name: iop_domain::portal::DEFAULT_SENDER_NAME.into(),
            sender_address: "no-reply@localhost.localdomain".into(),
            public_url: "http://127.0.0.1:8080".into(),
        }
    }
}
