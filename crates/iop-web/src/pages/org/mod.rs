//! Setting up the organisation and its staff.

pub mod setup;
pub mod staff;
