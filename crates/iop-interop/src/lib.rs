//! Outside formats, written and read without I/O: the caller passes data in and gets
//! text (or parsed values) back.

pub mod fhir;
pub mod ical;
pub mod x12;
