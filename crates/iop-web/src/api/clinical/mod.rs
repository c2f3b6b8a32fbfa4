//! The clinical record over the API: rosters, attendance, notes, the chart, measures and plans (`record`); individual counseling, treatment plans, co-signature, reminders and outcomes (`care`).

pub mod care;
pub mod record;
pub mod search;
