//! The two error types of X12: a file that cannot be read (located by segment and line)
//! and a claim that cannot be written (located by the path of the offending field).

use std::fmt;

/// A problem in an X12 file: `segment` is the 1-based count of segments from the ISA,
/// `line` the physical line (files often put a newline after each terminator, often not).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("segment {segment} (line {line}): {message}")]
pub struct ParseError {
    pub segment: usize,
    pub line: usize,
    pub message: String,
}

/// Input to the 837P writer that would make an invalid or misleading claim.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{at}: {problem}")]
pub struct X12Error {
    /// Where in the batch, such as `claims[0] (PCN0001).lines[2].charge`.
    pub at: String,
    pub problem: Problem,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    NoClaims,
    NoLines,
    TooManyLines(usize),
    NoDiagnoses,
    TooManyDiagnoses(usize),
    TooManyModifiers(usize),
    PointerCount(usize),
    PointerOutOfRange {
        pointer: u8,
        diagnoses: usize,
    },
    NegativeCharge,
    ZeroUnits,
    TotalOverflow,
    Empty,
    TooLong {
        max: usize,
    },
    /// An identifier holding `~ * : ^`: stripping them would change whom it names.
    SeparatorInId,
    /// The NPI's shape or Luhn check digit is wrong (the text says which).
    BadNpi(String),
    /// The value does not have the shape the guide requires (`expected` says which).
    Shape {
        expected: &'static str,
    },
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::NoClaims => f.write_str("a batch needs at least one claim"),
            Problem::NoLines => f.write_str("a claim needs at least one service line"),
            Problem::TooManyLines(n) => write!(f, "{n} service lines; an 837P claim holds 50"),
            Problem::NoDiagnoses => f.write_str("a claim needs a principal diagnosis"),
            Problem::TooManyDiagnoses(n) => write!(f, "{n} diagnoses; an 837P claim holds 12"),
            Problem::TooManyModifiers(n) => write!(f, "{n} modifiers; a line holds 4"),
            Problem::PointerCount(n) => {
                write!(f, "{n} diagnosis pointers; a line needs 1 to 4")
            }
            Problem::PointerOutOfRange { pointer, diagnoses } => write!(
                f,
                "diagnosis pointer {pointer} points past the claim's {diagnoses} diagnoses"
            ),
            Problem::NegativeCharge => f.write_str("a charge cannot be negative"),
            Problem::ZeroUnits => f.write_str("a line needs at least one unit"),
            Problem::TotalOverflow => f.write_str("the line charges overflow when added"),
            Problem::Empty => f.write_str("required, but empty"),
            Problem::TooLong { max } => write!(f, "longer than {max} characters"),
            Problem::SeparatorInId => {
                f.write_str("an identifier cannot contain the X12 separators ~ * : ^")
            }
            Problem::BadNpi(e) => f.write_str(e),
            Problem::Shape { expected } => write!(f, "expected {expected}"),
        }
    }
}
