//! Patient search over the stored, folded search text (see `iop_domain::search`): plain
//! `LIKE` on lower-case text without accents, so both backends match alike.

use super::episodes::PatientRow;
use crate::db::{DbConn, Result};
use crate::schema::patients;
use diesel::prelude::*;
use iop_domain::ids::PatientId;
use iop_domain::search::Term;

/// Patients matching every term, by last then first name; within `only` when given.
pub fn search(
    c: &mut DbConn,
    terms: &[Term],
    only: Option<&[PatientId]>,
    limit: i64,
) -> Result<Vec<PatientRow>> {
    let mut q = patients::table.into_boxed();
    // Folded terms hold letters and digits only: no LIKE wildcard can be among them.
    for t in terms {
        q = match t {
            Term::WordStart(w) => q.filter(
                patients::search_text
                    .like(format!("{w}%"))
                    .or(patients::search_text.like(format!("% {w}%"))),
            ),
            Term::Digits(d) => q.filter(patients::search_text.like(format!("%{d}%"))),
        };
    }
    if let Some(ids) = only {
        q = q.filter(patients::id.eq_any(ids.to_vec()));
    }
    Ok(q.order((
        patients::legal_last_name.asc(),
        patients::legal_first_name.asc(),
        patients::id.asc(),
    ))
    .limit(limit)
    .select(PatientRow::as_select())
    .load(c)?)
}

/// Patients stored before the search text existed, a batch at a time.
pub fn without_search_text(c: &mut DbConn, limit: i64) -> Result<Vec<PatientRow>> {
    Ok(patients::table
        .filter(patients::search_text.eq(""))
        .limit(limit)
        .select(PatientRow::as_select())
        .load(c)?)
}

pub fn set_search_text(c: &mut DbConn, id: PatientId, text: &str) -> Result<()> {
    diesel::update(patients::table.find(id))
        .set(patients::search_text.eq(text))
        .execute(c)?;
    Ok(())
}
