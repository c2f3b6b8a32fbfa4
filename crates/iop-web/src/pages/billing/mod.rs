//! Billing's work and a patient's money.

pub mod patient;
pub mod queues;
pub mod setup;
