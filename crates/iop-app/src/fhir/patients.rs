//! Patient read and search. A search answers only patients the caller may see (a
//! counselor's caseload); each patient it answers gets an audit row.

use super::{audited, MRN_SYSTEM};
use crate::ctx::Ctx;
use crate::error::{AppError, Result};
use crate::policy::Action;
use crate::App;
use iop_domain::ids::PatientId;
use iop_domain::search::{fold, Term};
use iop_interop::fhir::search::DateParam;
use iop_interop::fhir::PatientData;
use iop_store::admissions::episodes::{self, PatientRow};
use serde_json::Value;

/// Most patients one search answers (a search is for finding someone, not listing all).
const MOST_MATCHES: i64 = 1000;

/// What a Patient search asks for.
#[derive(Clone, Debug, Default)]
pub struct PatientSearch<'a> {
    /// `identifier=[system|]MRN`.
    pub identifier: Option<&'a str>,
    /// `name=`: every word starts one of the names (legal, preferred), accents ignored.
    pub name: Option<&'a str>,
    pub birthdate: &'a [DateParam],
}

impl App {
    /// `GET /fhir/r4/Patient/{id}`: demographics of a patient in the caller's caseload.
    pub fn fhir_patient(&self, ctx: &Ctx, id: PatientId) -> Result<Value> {
        ctx.require(Action::FhirReadPatient)?;
        self.store.read_audited(|c| {
            crate::scope::require_patient(c, ctx, id)?;
            let p = episodes::patient_by_id(c, id)?
                .ok_or_else(|| AppError::NotFound(format!("patient {id}")))?;
            audited(c, ctx, "fhir.read", &format!("Patient/{id}"), id, None)?;
            Ok(patient_resource(&p))
        })
    }

    /// `GET /fhir/r4/Patient?identifier=…&name=…&birthdate=…`: by last then first name.
    pub fn fhir_patients(&self, ctx: &Ctx, s: &PatientSearch<'_>) -> Result<Vec<Value>> {
        ctx.require(Action::FhirReadPatient)?;
        if s.identifier.is_none() && s.name.is_none() {
            return Err(AppError::Invalid(
                "search patients by identifier (the MRN) or name; birthdate narrows either".into(),
            ));
        }
        let words: Vec<String> = s
            .name
            .map(|n| {
                fold(n)
                    .split_whitespace()
                    .take(8)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        if s.identifier.is_none() && words.is_empty() {
            return Err(AppError::Invalid(
                "name: give a name's letters (the start of a first, last or preferred name)".into(),
            ));
        }
        self.store.read_audited(|c| {
            let caseload = crate::scope::caseload(c, ctx)?;
            let mut candidates: Vec<PatientRow> = match s.identifier {
                Some(raw) => {
                    let (system, mrn) = raw.split_once('|').unwrap_or(("", raw));
                    if system.is_empty() || system == MRN_SYSTEM {
                        episodes::patient_by_mrn(c, mrn)?.into_iter().collect()
                    } else {
                        Vec::new()
                    }
                }
                None => {
                    let terms: Vec<Term> = words.iter().cloned().map(Term::WordStart).collect();
                    // The caseload bounds the query itself, so the limit never hides
                    // one of the caller's own patients behind others.
                    let only: Option<Vec<PatientId>> = match &caseload {
                        crate::scope::Caseload::Everyone => None,
                        crate::scope::Caseload::Only(set) => Some(set.iter().copied().collect()),
                    };
                    iop_store::admissions::search::search(c, &terms, only.as_deref(), MOST_MATCHES)?
                }
            };
            candidates.retain(|p| {
                caseload.contains(p.id)
                    && s.birthdate.iter().all(|d| d.matches(p.date_of_birth.0))
                    && words
                        .iter()
                        .all(|w| names_of(p).iter().any(|n| n.starts_with(w.as_str())))
            });
            // The subject names the parameters, not what was typed (a name is not logged).
            let by: Vec<&str> = [
                s.identifier.map(|_| "identifier"),
                s.name.map(|_| "name"),
                (!s.birthdate.is_empty()).then_some("birthdate"),
            ]
            .into_iter()
            .flatten()
            .collect();
            let subject = format!("Patient?{}", by.join("&"));
            for p in &candidates {
                audited(
                    c,
                    ctx,
                    "fhir.search",
                    &subject,
                    p.id,
                    Some(candidates.len()),
                )?;
            }
            Ok(candidates.iter().map(patient_resource).collect())
        })
    }
}

/// Every word of a patient's names, folded as search folds them.
fn names_of(p: &PatientRow) -> Vec<String> {
    [
        Some(p.legal_first_name.as_str()),
        Some(p.legal_last_name.as_str()),
        p.preferred_name.as_deref(),
    ]
    .into_iter()
    .flatten()
    .flat_map(|n| {
        fold(n)
            .split_whitespace()
            .map(str::to_string)
            .collect::<Vec<_>>()
    })
    .collect()
}

pub(super) fn patient_resource(p: &PatientRow) -> Value {
    let id = p.id.to_string();
    iop_interop::fhir::patient(&PatientData {
        id: &id,
        mrn_system: MRN_SYSTEM,
        mrn: &p.mrn,
        family: &p.legal_last_name,
        given: &p.legal_first_name,
        preferred: p.preferred_name.as_deref(),
        birth_date: p.date_of_birth.0,
        sex: p.sex,
        phone: p.phone.as_deref(),
        email: p.email.as_deref(),
        line: p.address_line.as_deref(),
        city: p.city.as_deref(),
        state: p.state.as_deref(),
        postal_code: p.zip.as_deref(),
    })
}
