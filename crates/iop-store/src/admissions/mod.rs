//! Inquiries, patients and their episodes of care.

pub mod episodes;
pub mod inquiries;
pub mod referrals;
pub mod search;
