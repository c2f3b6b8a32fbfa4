//! The organisation over the API: reading it, setting it up, staff and facilitators.

pub mod read;
pub mod setup;
pub mod staffing;
