//! Pure types and rules of an intensive outpatient program.
//!
//! Nothing here does I/O or reads the clock: time is always a parameter, so every
//! rule can be tested with any instant, including both sides of a DST change.

pub mod account;
pub mod admissions;
pub mod appointments;
pub mod audit;
pub mod billing;
pub mod calendar;
pub mod consent;
pub mod curriculum;
pub mod graduation;
pub mod holidays;
pub mod hours;
pub mod icd10;
pub mod ids;
pub mod metrics;
pub mod money;
pub mod notes;
pub mod npi;
pub mod outcomes;
pub mod program;
pub mod ratio;
pub mod reminders;
pub mod role;
pub mod roster;
pub mod scoring;
pub mod security;
#[cfg(feature = "diesel")]
pub mod sql;
pub mod time;

pub use account::{Email, Password};
pub use ids::*;
pub use money::Cents;
pub use role::Role;
