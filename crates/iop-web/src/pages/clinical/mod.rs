//! The clinical pages: the session screen and the chart (`record`), individual counseling and plans (`care`), the measures trend.

pub mod alerts;
pub mod care;
pub mod chart;
pub mod measure_form;
pub mod plan_editor;
pub mod record;
pub mod records;
pub mod search;
pub mod trend;
