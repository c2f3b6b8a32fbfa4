//! Signing in and staff accounts.

pub mod login;
pub mod users;
