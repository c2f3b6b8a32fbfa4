//! The patient and family portal: accounts, their sessions and one-time links, mail
//! preferences, and the mail outbox.

pub mod accounts;
pub mod drafts;
pub mod outbox;
