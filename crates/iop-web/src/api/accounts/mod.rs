//! Accounts over the API: tokens, the caller, staff accounts.

pub mod auth;
pub mod me;
pub mod users;
