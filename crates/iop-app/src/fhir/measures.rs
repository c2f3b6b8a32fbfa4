//! Observations (a measure's scores and items; each substance of a drug screen) and
//! QuestionnaireResponses (a measure's answers in the form's words), with the checks of
//! every FHIR use case: role, caseload, an audit row in the read's transaction.

use super::audited;
use crate::clinical::measures::SubstanceResult;
use crate::ctx::Ctx;
use crate::error::{AppError, Result};
use crate::policy::Action;
use crate::App;
use iop_domain::ids::{DrugScreenId, MeasureId, PatientId};
use iop_domain::scoring::ScreenResult;
use iop_interop::fhir::search::DateParam;
use iop_interop::fhir::{MeasureData, ScreenData};
use iop_store::clinical::measures::{self as store, DrugScreenRow, MeasureRow};
use serde_json::Value;

impl App {
    /// `GET /fhir/r4/Observation/{id}`: a measure (its id) or one substance of a drug
    /// screen (`{screen id}-{n}`).
    pub fn fhir_observation(&self, ctx: &Ctx, id: &str) -> Result<Value> {
        ctx.require(Action::ReadClinical)?;
        let not_found = || AppError::NotFound(format!("observation {id}"));
        self.store.read_audited(|c| {
            let (patient, resource) = match iop_interop::fhir::split_screen_result_id(id) {
                Some((screen, _)) => {
                    let screen: DrugScreenId = screen.parse().map_err(|_| not_found())?;
                    let s = iop_store::fhir::screen_by_id(c, screen)?.ok_or_else(not_found)?;
                    crate::scope::require_patient(c, ctx, s.patient_id)?;
                    let r = screen_observations(&s).into_iter().find(|r| r["id"] == id);
                    (s.patient_id, r.ok_or_else(not_found)?)
                }
                None => {
                    let measure: MeasureId = id.parse().map_err(|_| not_found())?;
                    let m = store::measure_by_id(c, measure)?.ok_or_else(not_found)?;
                    crate::scope::require_patient(c, ctx, m.patient_id)?;
                    (m.patient_id, measure_observation(&m).ok_or_else(not_found)?)
                }
            };
            let subject = format!("Observation/{id}");
            audited(c, ctx, "fhir.read", &subject, patient, None)?;
            Ok(resource)
        })
    }

    /// `GET /fhir/r4/Observation?patient=…[&code=…][&date=…]`: the patient's measures and
    /// screen results, oldest first; `code` matches the Observation's code (a screen
    /// result is coded by text only, so a code search leaves it out).
    pub fn fhir_observations(
        &self,
        ctx: &Ctx,
        patient: PatientId,
        code: Option<&str>,
        dates: &[DateParam],
    ) -> Result<Vec<Value>> {
        ctx.require(Action::ReadClinical)?;
        self.store.read_audited(|c| {
            crate::scope::require_patient(c, ctx, patient)?;
            // By day, the moment recorded and the row's id: one order on every backend,
            // so pages neither skip nor repeat (a screen's results keep their order:
            // the sort is stable).
            type Dated = ((jiff::civil::Date, jiff::Timestamp, String), Value);
            let mut dated: Vec<Dated> = Vec::new();
            for m in store::measures_of(c, patient)? {
                if dates.iter().all(|d| d.matches(m.taken_on.0)) {
                    let key = (m.taken_on.0, m.recorded_at.0, m.id.to_string());
                    dated.extend(measure_observation(&m).map(|r| (key, r)));
                }
            }
            for s in store::screens_of(c, patient)? {
                if dates.iter().all(|d| d.matches(s.collected_on.0)) {
                    let key = (s.collected_on.0, s.recorded_at.0, s.id.to_string());
                    dated.extend(
                        screen_observations(&s)
                            .into_iter()
                            .map(|r| (key.clone(), r)),
                    );
                }
            }
            dated.sort_by(|(a, _), (b, _)| a.cmp(b));
            let found: Vec<Value> = dated
                .into_iter()
                .map(|(_, r)| r)
                .filter(|r| code.is_none_or(|raw| has_code(r, raw)))
                .collect();
            let subject = format!("Observation?patient={patient}");
            audited(c, ctx, "fhir.search", &subject, patient, Some(found.len()))?;
            Ok(found)
        })
    }

    /// `GET /fhir/r4/QuestionnaireResponse/{id}`: a measure's answers (the measure's id).
    pub fn fhir_questionnaire_response(&self, ctx: &Ctx, id: MeasureId) -> Result<Value> {
        ctx.require(Action::ReadClinical)?;
        let not_found = || AppError::NotFound(format!("questionnaire response {id}"));
        self.store.read_audited(|c| {
            let m = store::measure_by_id(c, id)?.ok_or_else(not_found)?;
            crate::scope::require_patient(c, ctx, m.patient_id)?;
            let resource = questionnaire_response(&m).ok_or_else(not_found)?;
            let subject = format!("QuestionnaireResponse/{id}");
            audited(c, ctx, "fhir.read", &subject, m.patient_id, None)?;
            Ok(resource)
        })
    }

    /// `GET /fhir/r4/QuestionnaireResponse?patient=…`: every measure's answers, oldest
    /// first.
    pub fn fhir_questionnaire_responses(
        &self,
        ctx: &Ctx,
        patient: PatientId,
    ) -> Result<Vec<Value>> {
        ctx.require(Action::ReadClinical)?;
        self.store.read_audited(|c| {
            crate::scope::require_patient(c, ctx, patient)?;
            let mut rows = store::measures_of(c, patient)?;
            rows.sort_by_key(|m| (m.taken_on, m.recorded_at, m.id));
            let found: Vec<Value> = rows.iter().filter_map(questionnaire_response).collect();
            let subject = format!("QuestionnaireResponse?patient={patient}");
            audited(c, ctx, "fhir.search", &subject, patient, Some(found.len()))?;
            Ok(found)
        })
    }
}

/// Whether any coding of the resource's code matches a token search (commas: "or").
fn has_code(resource: &Value, raw: &str) -> bool {
    let codings = resource["code"]["coding"].as_array();
    raw.split(',').any(|one| {
        codings.into_iter().flatten().any(|coding| {
            let (system, code) = (coding["system"].as_str(), coding["code"].as_str());
            iop_interop::fhir::search::token_matches(
                one,
                system.unwrap_or_default(),
                code.unwrap_or_default(),
            )
        })
    })
}

/// A measure's answers as stored (a JSON array of small numbers).
fn items_of(m: &MeasureRow) -> Vec<u8> {
    serde_json::from_str(&m.items).unwrap_or_default()
}

fn with_data<T>(m: &MeasureRow, f: impl FnOnce(&MeasureData<'_>) -> T) -> T {
    let (id, patient, items) = (m.id.to_string(), m.patient_id.to_string(), items_of(m));
    f(&MeasureData {
        id: &id,
        patient_id: &patient,
        instrument: m.instrument,
        version: &m.instrument_version,
        items: &items,
        total: m.total,
        taken_on: m.taken_on.0,
    })
}

/// The Observation of a measure, when it has one to report.
pub(super) fn measure_observation(m: &MeasureRow) -> Option<Value> {
    with_data(m, iop_interop::fhir::measure_observation)
}

/// A measure's Observation without its item answers (the scores alone): a PHQ-9 or
/// GAD-7 keeps its total, a BAM its subscales.
pub(super) fn scores_only(mut r: Value) -> Value {
    let coded_total = r["code"]["coding"][0]["system"] == "http://loinc.org";
    if let (true, Some(obj)) = (coded_total, r.as_object_mut()) {
        obj.remove("component");
    }
    r
}

/// The QuestionnaireResponse of a measure.
pub(super) fn questionnaire_response(m: &MeasureRow) -> Option<Value> {
    with_data(m, iop_interop::fhir::questionnaire_response)
}

/// One Observation per substance of a screen, in the order recorded.
pub(super) fn screen_observations(s: &DrugScreenRow) -> Vec<Value> {
    let results: Vec<SubstanceResult> = serde_json::from_str(&s.results).unwrap_or_default();
    let (screen, patient) = (s.id.to_string(), s.patient_id.to_string());
    results
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            let result: ScreenResult = r.result.parse().ok()?;
            let id = iop_interop::fhir::screen_result_id(&screen, i + 1);
            Some(iop_interop::fhir::screen_observation(&ScreenData {
                id: &id,
                patient_id: &patient,
                collected_on: s.collected_on.0,
                specimen: s.specimen,
                method: s.method,
                substance: &r.substance,
                result,
            }))
        })
        .collect()
}
