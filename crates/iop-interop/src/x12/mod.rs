//! ASC X12 for claims: the 837P professional claim (005010X222A1) written from a plain
//! model, and the 835 remittance (005010X221A1) read into one, with amounts in cents.
//!
//! `tokenizer` and `envelope` know X12 in general; the rest knows the two guides.

pub mod amount;
pub mod claim;
pub mod envelope;
pub mod error;
mod parse_835;
pub mod remit;
pub mod tokenizer;
mod validate;
mod write_837;
mod write_claim;

pub use claim::*;
pub use envelope::{transactions, Transaction};
pub use error::{ParseError, Problem, X12Error};
pub use parse_835::parse_835;
pub use remit::*;
pub use tokenizer::{tokenize, Segment, Separators, Tokens};
pub use write_837::write_837p;
