//! The program calendar: generated sessions, closures, the session read model and feeds.

pub mod appointments;
pub mod closures;
pub mod feeds;
pub mod rolling;
pub mod sessions;
pub mod views;
