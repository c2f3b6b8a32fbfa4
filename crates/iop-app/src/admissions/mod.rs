//! From the first call to the episode: inquiries, admission, the episode lifecycle, census.

pub mod admit;
pub mod carry_forward;
pub mod census;
pub mod eligibility;
pub mod episode_view;
pub mod episodes;
pub mod inquiries;
pub mod screening;
pub mod search;
