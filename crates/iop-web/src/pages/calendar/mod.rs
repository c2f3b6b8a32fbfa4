//! The calendar pages: the week, tonight, staffing and closures.

pub mod changes;
pub mod closures;
pub mod week;
