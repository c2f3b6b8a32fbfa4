//! Billing: payers and contracts, charges, claims, remittances, receivables.

pub mod charges;
mod claim_form;
pub mod claims;
pub mod corrections;
pub mod coverage;
mod found;
mod posting;
pub mod receivables;
pub mod remittances;
pub mod setup;
