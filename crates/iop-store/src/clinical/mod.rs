//! The clinical record: attendance and group notes, individual counseling, measures, plans.

pub mod individual;
pub mod measures;
pub mod plans;
pub mod record;
