//! Billing setup over the API and money over the api.

pub mod claims;
pub mod setup;
