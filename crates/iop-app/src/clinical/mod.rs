//! The clinical record: roster, attendance and group notes, individual counseling, measures, plans, the chart.

pub mod alerts;
pub mod appointment_times;
pub mod attendance;
pub mod chart;
pub mod cosign;
pub mod hours;
pub mod individual;
pub mod measures;
pub mod notes;
pub mod outcomes;
pub mod plans;
pub mod reminders;
pub mod roster;
pub mod session_form;
pub mod treatment;
mod when;
