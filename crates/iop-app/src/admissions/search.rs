//! Finding a patient by name (any case, with or without accents), MRN, date of birth or
//! phone, within the caller's caseload. Audited like any list of patients; the query
//! itself is not kept (it may be a name).

use crate::clinical::chart::CHART_VIEW;
use crate::ctx::Ctx;
use crate::error::{AppError, Result};
use crate::policy::Action;
use crate::scope::Caseload;
use crate::App;
use iop_domain::ids::PatientId;
use iop_domain::time::Day;
use iop_store::admissions::search as store;

/// At most this many patients are shown; a longer list means the query needs a word more.
pub const SEARCH_LIMIT: i64 = 50;
/// Patients in the dashboard's recent list.
const RECENT: usize = 8;

/// A patient found: enough to tell two people with one name apart.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct PatientHit {
    #[schema(value_type = String, format = Uuid)]
    pub patient_id: PatientId,
    pub name: String,
    pub mrn: String,
    #[schema(value_type = String, format = Date)]
    pub date_of_birth: Day,
}

impl From<&iop_store::admissions::episodes::PatientRow> for PatientHit {
    fn from(r: &iop_store::admissions::episodes::PatientRow) -> Self {
        PatientHit {
            patient_id: r.id,
            name: r.shown_name(),
            mrn: r.mrn.clone(),
            date_of_birth: r.date_of_birth,
        }
    }
}

impl App {
    pub fn search_patients(&self, ctx: &Ctx, query: &str) -> Result<Vec<PatientHit>> {
        ctx.require(Action::ReadClinical)?;
        let terms = iop_domain::search::terms(query);
        if terms.is_empty() {
            return Err(AppError::Invalid(
                "type a name, an MRN, a date of birth or a phone number".into(),
            ));
        }
        self.store.read_audited(|c| {
            let only: Option<Vec<PatientId>> = match crate::scope::caseload(c, ctx)? {
                Caseload::Everyone => None,
                Caseload::Only(set) => Some(set.into_iter().collect()),
            };
            let rows = store::search(c, &terms, only.as_deref(), SEARCH_LIMIT)?;
            crate::audit::record_list(c, ctx, "patient.search", rows.iter().map(|r| r.id))?;
            Ok(rows.iter().map(PatientHit::from).collect())
        })
    }

    /// The patients whose charts the caller opened last (at most eight, newest first),
    /// still within their caseload: the dashboard's way back to them.
    pub fn recent_patients(&self, ctx: &Ctx) -> Result<Vec<PatientHit>> {
        ctx.require(Action::ReadClinical)?;
        let Some(actor) = ctx.actor().map(|a| a.user_id) else {
            return Ok(Vec::new());
        };
        self.store.read_audited(|c| {
            let caseload = crate::scope::caseload(c, ctx)?;
            let recent: Vec<PatientId> =
                iop_store::audit::recent_patients_of(c, actor, CHART_VIEW, 100)?
                    .into_iter()
                    .filter(|p| caseload.contains(*p))
                    .take(RECENT)
                    .collect();
            let rows = iop_store::admissions::episodes::patients_by_ids(c, &recent)?;
            crate::audit::record_list(c, ctx, "patient.recent", recent.iter().copied())?;
            Ok(recent
                .iter()
                .filter_map(|id| rows.iter().find(|r| r.id == *id))
                .map(PatientHit::from)
                .collect())
        })
    }

    /// Fills the search text of patients stored before it existed; the number filled.
    pub fn fill_patient_search_text(&self) -> Result<usize> {
        let mut filled = 0;
        loop {
            let done = self.store.write(|c| {
                let rows = store::without_search_text(c, 1000)?;
                for r in &rows {
                    store::set_search_text(c, r.id, &r.folded_search_text())?;
                }
                Ok::<_, AppError>(rows.len())
            })?;
            filled += done;
            // A short batch was the last: rows are never selected twice in one run.
            if done < 1000 {
                return Ok(filled);
            }
        }
    }
}
