//! The patient and family portal's rules: who the account is, what the messages say
//! (nothing that reveals treatment, 42 CFR 2.13 and §2.32), when they may be sent
//! (quiet hours) and how a failing send is retried.

use jiff::civil::{DateTime, Time};
use jiff::SignedDuration;

crate::code_enum! {
    /// Who a portal account belongs to (DESIGN §1).
    pub enum PortalRole {
        Patient,
        Family,
    }
}

impl PortalRole {
    pub fn label(self) -> &'static str {
        match self {
            PortalRole::Patient => "Patient",
            PortalRole::Family => "Family member",
        }
    }
}

crate::code_enum! {
    /// What an email is about.
    pub enum MailKind {
        Invitation,
        PasswordReset,
        GroupReminder,
        AppointmentReminder,
        FormWaiting,
        SignatureWaiting,
        Test,
    }
}

impl MailKind {
    /// The kinds a person may turn off; an invitation or a reset is only ever sent
    /// because they or staff asked for it.
    pub const OPTIONAL: [MailKind; 4] = [
        MailKind::GroupReminder,
        MailKind::AppointmentReminder,
        MailKind::FormWaiting,
        MailKind::SignatureWaiting,
    ];

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// How the kind is named on the preferences page.
    pub fn label(self) -> &'static str {
        match self {
            MailKind::Invitation => "Account invitation",
            MailKind::PasswordReset => "Password reset",
            MailKind::GroupReminder => "Reminder the day before a group night",
            MailKind::AppointmentReminder => "Reminder 24 hours before an appointment",
            MailKind::FormWaiting => "A form is waiting for me",
            MailKind::SignatureWaiting => "A document is waiting for my signature",
            MailKind::Test => "Test message",
        }
    }

    /// Whether the person has to opt in (reminders of group nights, as the issue asks)
    /// rather than out.
    pub fn opt_in(self) -> bool {
        matches!(self, MailKind::GroupReminder)
    }

    /// Whether quiet hours hold this kind back; a link the person just asked for does
    /// not wait.
    pub fn waits_for_quiet_hours(self) -> bool {
        Self::OPTIONAL.contains(&self)
    }
}

crate::code_enum! {
    pub enum MailStatus {
        Pending,
        Sent,
        /// Given up after the last retry, or refused for good by the receiving server.
        Failed,
    }
}

/// A message as it leaves: subject and plain-text body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Composed {
    pub subject: String,
    pub body: String,
}

/// The sender's display name when the organisation sets none: it says nothing about
/// what kind of service sends it.
pub const DEFAULT_SENDER_NAME: &str = "Appointments";

/// How long an invitation link works.
pub const INVITATION_VALID: SignedDuration = SignedDuration::from_hours(72);
/// How long a password-reset link works.
pub const RESET_VALID: SignedDuration = SignedDuration::from_hours(1);

/// The words no subject, body, sender name or link may carry: any of them tells a
/// reader of the mailbox that the person is in treatment.
pub const REVEALING_WORDS: &[&str] = &[
    "addiction",
    "substance",
    "recovery",
    "treatment",
    "rehab",
    "alcohol",
    "drug",
    "sober",
    "relapse",
    "counsel",
    "therapy",
    "clinic",
    "program",
    "diagnos",
    "iop",
    "outpatient",
];

/// The first revealing word (or one of `also`, e.g. the organisation's name) in
/// `text`, compared without case.
pub fn revealing_word<'a>(text: &str, also: &[&'a str]) -> Option<&'a str>
where
    'static: 'a,
{
    let lower = text.to_lowercase();
    REVEALING_WORDS
        .iter()
        .copied()
        .chain(also.iter().copied().filter(|w| !w.trim().is_empty()))
        .find(|w| contains_word_part(&lower, &w.to_lowercase()))
}

/// `iop` is also the tail of words such as "shipop"; short words count only where they
/// stand alone, longer ones anywhere (so "counselor" is caught by "counsel").
fn contains_word_part(text: &str, word: &str) -> bool {
    if word.len() > 4 {
        return text.contains(word);
    }
    text.split(|c: char| !c.is_alphanumeric())
        .any(|t| t == word)
}

/// The message of `kind` with the link to the portal page it is about. No names, no
/// dates of care, no place: only that something waits behind the link.
pub fn compose(kind: MailKind, link: &str, sender: &str) -> Composed {
    let (subject, lead) = match kind {
        MailKind::Invitation => (
            "Your account invitation",
            "An account has been set up for you. Choose your password with this link within 72 hours:",
        ),
        MailKind::PasswordReset => (
            "Password reset",
            "Someone asked to reset the password of your account. If it was you, choose a new one with this link within the hour:",
        ),
        MailKind::GroupReminder => (
            "Reminder for tomorrow",
            "You have something scheduled tomorrow. The time and place are in your account:",
        ),
        MailKind::AppointmentReminder => (
            "Appointment reminder",
            "You have an appointment in the next day. The time and place are in your account:",
        ),
        MailKind::FormWaiting => (
            "A form is waiting for you",
            "There is a short form waiting for you in your account:",
        ),
        MailKind::SignatureWaiting => (
            "A document is waiting for you",
            "There is a document waiting for your signature in your account:",
        ),
        MailKind::Test => (
            "Test message",
            "This message checks that email can be sent. Your account is here:",
        ),
    };
    let tail = match kind {
        MailKind::Invitation | MailKind::PasswordReset => {
            "If you did not expect this message, you can ignore it."
        }
        _ => "You can change which messages you get on the settings page of your account.",
    };
    Composed {
        subject: subject.to_string(),
        body: format!("Hello,\n\n{lead}\n{link}\n\n{tail}\n\n{sender}\n"),
    }
}

/// Quiet hours in the person's local time: nothing optional is sent from `from` until
/// `until` (which may be past midnight).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QuietHours {
    pub from: Time,
    pub until: Time,
}

impl QuietHours {
    pub fn contains(&self, t: Time) -> bool {
        if self.from <= self.until {
            self.from <= t && t < self.until
        } else {
            t >= self.from || t < self.until
        }
    }

    /// The earliest local time at or after `at` outside quiet hours.
    pub fn next_allowed(&self, at: DateTime) -> DateTime {
        if !self.contains(at.time()) {
            return at;
        }
        let end = at.date().to_datetime(self.until);
        if end > at {
            end
        } else {
            // Quiet hours run past midnight and `at` is before midnight.
            at.date()
                .tomorrow()
                .map(|d| d.to_datetime(self.until))
                .unwrap_or(at)
        }
    }
}

/// Attempts before a message is given up and shown to the admin as failed.
pub const MAX_ATTEMPTS: u32 = 6;

/// How long to wait after `attempts` failed sends, or None when it is time to give up.
pub fn retry_after(attempts: u32) -> Option<SignedDuration> {
    const MINUTES: [i64; 5] = [1, 5, 15, 60, 240];
    if attempts >= MAX_ATTEMPTS {
        return None;
    }
    let i = usize::try_from(attempts.saturating_sub(1)).unwrap_or(0);
    let m = MINUTES.get(i).copied().unwrap_or(240);
    Some(SignedDuration::from_mins(m))
}

#[cfg(test)]
#[path = "portal_tests.rs"]
mod tests;
