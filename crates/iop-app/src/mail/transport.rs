//! Where composed messages go: an SMTP server (lettre), the log (demo), or memory (tests).

use iop_domain::portal::Composed;
use std::sync::{Arc, Mutex};

/// Why a send failed: worth another try later, or refused for good (the address
/// bounces).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SendError {
    Temporary(String),
    Permanent(String),
}

pub struct Envelope<'a> {
    pub from_name: &'a str,
    pub from_address: &'a str,
    pub to: &'a str,
    pub message: &'a Composed,
}

pub trait Transport: Send + Sync {
    fn send(&self, e: &Envelope<'_>) -> Result<(), SendError>;
}

/// An SMTP relay from `smtp_url`: `smtp://host:port` (plain, for a local relay),
/// `smtp://host?tls=required` (STARTTLS) or `smtps://host` (TLS), with
/// `user:password@` when the relay wants it.
pub struct Smtp(lettre::SmtpTransport);

impl Smtp {
    pub fn from_url(url: &str) -> Result<Self, String> {
        lettre::SmtpTransport::from_url(url)
            .map(|b| Smtp(b.timeout(Some(std::time::Duration::from_secs(20))).build()))
            .map_err(|e| format!("smtp_url is not usable: {e}"))
    }
}

impl Transport for Smtp {
    fn send(&self, e: &Envelope<'_>) -> Result<(), SendError> {
        use lettre::message::{header::ContentType, Mailbox};
        use lettre::Transport as _;
        let bad = |what: &str, err: String| SendError::Permanent(format!("{what}: {err}"));
        let from = Mailbox::new(
            Some(e.from_name.to_string()),
            e.from_address
                .parse()
                .map_err(|x: lettre::address::AddressError| bad("sender", x.to_string()))?,
        );
        let to: Mailbox =
            e.to.parse()
                .map_err(|x: lettre::address::AddressError| bad("recipient", x.to_string()))?;
        let msg = lettre::Message::builder()
            .from(from)
            .to(to)
            .subject(e.message.subject.clone())
            .header(ContentType::TEXT_PLAIN)
            .body(e.message.body.clone())
            .map_err(|x| bad("message", x.to_string()))?;
        self.0.send(&msg).map(|_| ()).map_err(|x| {
            if x.is_permanent() {
                SendError::Permanent(x.to_string())
            } else {
                SendError::Temporary(x.to_string())
            }
        })
    }
}

/// The demo's transport: each message's kind of link goes to the log, so a person
/// trying the demo can follow an invitation without a mail server.
pub struct Log;

impl Transport for Log {
    fn send(&self, e: &Envelope<'_>) -> Result<(), SendError> {
        let link = e
            .message
            .body
            .lines()
            .find(|l| l.starts_with("http"))
            .unwrap_or("");
        tracing::info!(subject = %e.message.subject, %link, "mail written to the log (no smtp_url set)");
        Ok(())
    }
}

/// Messages kept in memory; `fail_with` makes every send fail (tests).
#[derive(Clone, Default)]
pub struct Capture {
    pub sent: Arc<Mutex<Vec<(String, String, Composed)>>>,
    pub fail_with: Arc<Mutex<Option<SendError>>>,
}

impl Capture {
    /// (to, from display name, message) of each message sent so far.
    pub fn messages(&self) -> Vec<(String, String, Composed)> {
        self.sent.lock().map(|v| v.clone()).unwrap_or_default()
    }

    pub fn set_failure(&self, e: Option<SendError>) {
        if let Ok(mut f) = self.fail_with.lock() {
            *f = e;
        }
    }
}

impl Transport for Capture {
    fn send(&self, e: &Envelope<'_>) -> Result<(), SendError> {
        if let Some(err) = self.fail_with.lock().ok().and_then(|f| f.clone()) {
            return Err(err);
        }
        if let Ok(mut v) = self.sent.lock() {
            v.push((e.to.to_string(), e.from_name.to_string(), e.message.clone()));
        }
        Ok(())
    }
}
