//! The organisation: sites, programs and tracks, their settings, staff profiles and assignments.

pub mod program_rules;
pub mod program_settings;
pub mod read;
pub mod setup;
pub mod staffing;
