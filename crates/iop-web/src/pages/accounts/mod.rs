//! Signing in and staff accounts.

pub mod login;
pub mod manage;
pub mod own;
pub mod users;
