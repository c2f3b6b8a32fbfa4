//! The audit trail: appending an entry in each use case's transaction, verifying the
//! hash chain, and searching it.

pub mod chain;
pub mod checkpoint;
pub mod record;
pub mod refusals;
pub mod search;

pub use record::{record, record_as, record_list, Event};
