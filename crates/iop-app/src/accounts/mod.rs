//! Staff accounts, signing in, sessions, tokens and the second factor.

pub mod auth;
pub mod own;
pub mod secret;
pub mod users;
