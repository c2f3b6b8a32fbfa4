//! Signing in and staff accounts.

pub mod login;
pub mod own;
pub mod users;
