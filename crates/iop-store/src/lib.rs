//! Persistence: diesel over SQLite and PostgreSQL behind one connection type.
//!
//! Every function here takes a `&mut DbConn` that the caller got from [`Store::read`] or
//! [`Store::write`]; use cases in `iop-app` decide the transaction, this crate the SQL.

pub mod accounts;
pub mod admissions;
pub mod audit;
mod audit_writer;
pub mod backup;
pub mod billing;
pub mod bulk;
pub mod calendar;
pub mod caseload;
pub mod clinical;
mod columns;
pub mod consent;
pub mod db;
pub mod dialect;
pub mod exports;
pub mod fhir;
pub mod meta;
pub mod notices;
pub mod org;
mod org_cache;
pub mod portal;
pub mod schema;
pub mod testing;
pub mod upgrade;

pub use db::{Backend, DbConn, Store, StoreError};
