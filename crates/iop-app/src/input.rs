//! Text fields of the use cases, checked one way: trimmed, within a length, no
//! character any field refuses, and line breaks only where a field holds several lines.
//! The message names the field and the fault ("the reason must be on one line …").

use crate::error::{AppError, Result};
use iop_domain::text::{field, BadField, Shape};

fn checked(v: &str, shape: Shape, max: usize, what: &str) -> Result<Option<String>> {
    match field(v, shape, max) {
        Ok(v) => Ok(Some(v.to_string())),
        Err(BadField::Empty) => Ok(None),
        Err(bad) => Err(AppError::Invalid(format!("{what} {bad}"))),
    }
}

fn required(v: Option<String>, what: &str) -> Result<String> {
    v.ok_or_else(|| AppError::Invalid(format!("{what} {}", BadField::Empty)))
}

/// A required one-line text: a name, a reason, a goal.
pub(crate) fn line(v: &str, max: usize, what: &str) -> Result<String> {
    required(checked(v, Shape::Line, max, what)?, what)
}

/// A required text of several lines: a session narrative.
pub(crate) fn lines(v: &str, max: usize, what: &str) -> Result<String> {
    required(checked(v, Shape::Lines, max, what)?, what)
}

/// A one-line text that may be left blank (`None`).
pub(crate) fn optional_line(v: Option<&str>, max: usize, what: &str) -> Result<Option<String>> {
    checked(v.unwrap_or(""), Shape::Line, max, what)
}

/// A text of several lines that may be left blank (empty), as a draft note's sections.
pub(crate) fn draft_lines(v: &str, max: usize, what: &str) -> Result<String> {
    Ok(checked(v, Shape::Lines, max, what)?.unwrap_or_default())
}

/// A one-line text that may be left blank (empty), as a draft note's topic.
pub(crate) fn draft_line(v: &str, max: usize, what: &str) -> Result<String> {
    Ok(checked(v, Shape::Line, max, what)?.unwrap_or_default())
}
