//! Outcome measures: PHQ-9, GAD-7 and the BAM, scored when recorded. A PHQ-9 with
//! item 9 above 0 raises a safety alert to the primary counselor and the clinical
//! directors, whatever the total.

use crate::audit::{record, Event};
use crate::ctx::Ctx;
use crate::error::{AppError, Result};
use crate::policy::Action;
use crate::App;
use iop_domain::ids::PatientId;
use iop_domain::ids::*;
use iop_domain::scoring::{bam, gad7, phq9};
use iop_domain::time::{Day, Instant};
use iop_store::admissions::episodes;
use iop_store::clinical::measures::DrugScreenRow;
use iop_store::clinical::measures::{self as store, AlertRow, MeasureRow};
use jiff::civil::Date;

pub const INSTRUMENTS: &[(&str, &str, usize)] = &[
    ("phq9", "PHQ-9", 9),
    ("gad7", "GAD-7", 7),
    ("bam", "BAM (17 items)", 17),
];
pub const OCCASIONS: &[&str] = &["intake", "biweekly", "discharge", "other"];

pub struct NewMeasure {
    pub instrument: String,
    pub occasion: String,
    pub taken_on: Date,
    pub items: Vec<u8>,
}

impl App {
    /// What a measure form shows about the patient it is for: "Name (MRN)" and today
    /// where they are treated (the form's default date). Scoped and audited as a read.
    pub fn measure_form_patient(&self, ctx: &Ctx, patient: PatientId) -> Result<(String, Date)> {
        ctx.require(Action::RecordAttendance)?;
        let label = self.store.read_audited(|c| {
            crate::scope::require_patient(c, ctx, patient)?;
            let p = iop_store::admissions::episodes::patient_by_id(c, patient)?
                .ok_or_else(|| AppError::NotFound(format!("patient {patient}")))?;
            let mut event = crate::audit::Event::ok("clinical.measure.form");
            event.patient_id = Some(patient);
            crate::audit::record(c, ctx, event)?;
            Ok::<_, AppError>(format!("{} ({})", p.shown_name(), p.mrn))
        })?;
        Ok((label, self.patient_today(ctx, patient)?))
    }

    pub fn record_measure(
        &self,
        ctx: &Ctx,
        patient: PatientId,
        m: NewMeasure,
    ) -> Result<MeasureId> {
        ctx.require(Action::RecordAttendance)?;
        self.save_measure(ctx, patient, m)
    }

    /// Scores and stores a measure (and raises the item-9 alert) for a caller already
    /// allowed to record it: staff by the policy, a patient for themself in the portal.
    pub(crate) fn save_measure(
        &self,
        ctx: &Ctx,
        patient: PatientId,
        m: NewMeasure,
    ) -> Result<MeasureId> {
        let patient_id = patient;
        let occasion: iop_domain::scoring::Occasion = m.occasion.parse().map_err(|_| {
            AppError::Invalid(format!(
                "the occasion must be one of {}",
                OCCASIONS.join(", ")
            ))
        })?;
        if m.taken_on > self.patient_today(ctx, patient_id)? {
            return Err(AppError::Invalid(
                "a measure cannot be taken in the future".into(),
            ));
        }
        let invalid = |e: iop_domain::scoring::ScoringError| AppError::Invalid(e.to_string());
        use iop_domain::scoring::Instrument;
        let instrument: Instrument = m.instrument.parse().map_err(|_| {
            AppError::Invalid(format!(
                "unknown instrument {:?}; use phq9, gad7 or bam",
                m.instrument
            ))
        })?;
        let (version, total, band, subscales, safety) = match instrument {
            Instrument::Phq9 => {
                let s = phq9(&m.items).map_err(invalid)?;
                (
                    "PHQ-9",
                    Some(i32::from(s.total)),
                    Some(s.band.to_string()),
                    None,
                    s.safety_alert,
                )
            }
            Instrument::Gad7 => {
                let s = gad7(&m.items).map_err(invalid)?;
                (
                    "GAD-7",
                    Some(i32::from(s.total)),
                    Some(s.band.to_string()),
                    None,
                    false,
                )
            }
            Instrument::Bam => {
                let s = bam(&m.items).map_err(invalid)?;
                (
                    iop_domain::bam::VERSION,
                    None,
                    None,
                    Some(serde_json::to_string(&s).map_err(|e| AppError::Internal(e.to_string()))?),
                    false,
                )
            }
        };
        let actor = ctx.actor_ref();
        let id = MeasureId::new_v7();
        self.store.write(|c| {
            crate::scope::require_patient(c, ctx, patient_id)?;
            episodes::patient_by_id(c, patient_id)?
                .ok_or_else(|| AppError::NotFound(format!("patient {patient_id}")))?;
            let now = Instant(ctx.now());
            store::insert_measure(
                c,
                &MeasureRow {
                    id,
                    patient_id,
                    instrument,
                    instrument_version: version.into(),
                    occasion,
                    taken_on: Day(m.taken_on),
                    items: serde_json::to_string(&m.items)
                        .map_err(|e| AppError::Internal(e.to_string()))?,
                    total,
                    band,
                    subscales,
                    recorded_by: actor,
                    recorded_at: now,
                },
            )?;
            let subject = format!("measure:{id}");
            let mut event = Event::ok("clinical.measure")
                .subject(&subject)
                .detail(serde_json::json!({ "instrument": m.instrument, "safety_alert": safety }));
            event.patient_id = Some(patient);
            record(c, ctx, event)?;
            if safety {
                let detail = format!(
                    "PHQ-9 item 9 above 0 on {}: safety follow-up due",
                    m.taken_on
                );
                crate::clinical::alerts::raise(
                    c,
                    ctx,
                    patient_id,
                    iop_domain::scoring::AlertKind::Phq9Item9,
                    &detail,
                    crate::clinical::alerts::Addressees {
                        directors: true,
                        primary_counselor: true,
                    },
                )?;
            }
            Ok(id)
        })
    }

    pub fn measures(&self, ctx: &Ctx, patient: PatientId) -> Result<Vec<Measure>> {
        let patient_id = patient;
        ctx.require(Action::ReadClinical)?;
        let rows: Vec<MeasureRow> = self.store.read_audited::<_, AppError>(|c| {
            crate::scope::require_patient(c, ctx, patient_id)?;
            let rows = store::measures_of(c, patient_id)?;
            let mut event = Event::ok("clinical.measures.view");
            event.patient_id = Some(patient);
            record(c, ctx, event)?;
            Ok(rows)
        })?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    /// Open alerts for the signed-in clinician (addressed to them or to their role).
    pub fn my_alerts(&self, ctx: &Ctx) -> Result<Vec<SafetyAlert>> {
        ctx.require(Action::ReadClinical)?;
        let Some(a) = ctx.actor() else {
            return Ok(Vec::new());
        };
        let (uid, role) = (a.user_id, a.role);
        let rows = self.store.read_audited(|c| {
            let rows = store::open_alerts_for(c, uid, role)?;
            crate::audit::record_list(c, ctx, "alerts.read", rows.iter().map(|r| r.patient_id))?;
            Ok::<_, AppError>(rows)
        })?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    /// Who each alert is about, as "Name (MRN)": a safety alert names its patient.
    pub fn alert_patients(
        &self,
        ctx: &Ctx,
        alerts: &[SafetyAlert],
    ) -> Result<std::collections::HashMap<PatientId, String>> {
        ctx.require(Action::ReadClinical)?;
        self.store.read_audited(|c| {
            let mut out = std::collections::HashMap::new();
            for a in alerts {
                if let Some(p) = episodes::patient_by_id(c, a.patient_id)? {
                    out.insert(a.patient_id, format!("{} ({})", p.shown_name(), p.mrn));
                }
            }
            crate::audit::record_list(c, ctx, "alerts.patients.read", out.keys().copied())?;
            Ok(out)
        })
    }

    /// The addressee acknowledges an alert, saying what they did about it (called the
    /// patient, safety plan reviewed, referred for evaluation …).
    pub fn acknowledge_alert(
        &self,
        ctx: &Ctx,
        alert_id: AlertId,
        action_taken: &str,
    ) -> Result<()> {
        ctx.require(Action::ReadClinical)?;
        let action_taken = crate::input::lines(action_taken, 2000, "the action taken")?;
        let actor = ctx.actor().ok_or(AppError::Forbidden(
            "acknowledge an alert without an account",
        ))?;
        let (by, role) = (actor.user_id, actor.role);
        self.store.write(|c| {
            let alert = store::alert_by_id(c, alert_id)?
                .ok_or_else(|| AppError::NotFound(format!("alert {alert_id}")))?;
            // Whoever acknowledges, addressee or another clinician who called the patient
            // back, must have the patient in their caseload now.
            crate::scope::require_patient(c, ctx, alert.patient_id)?;
            let addressee = alert.for_user_id == Some(by) || alert.for_role == Some(role);
            let at = Instant(ctx.now());
            if !store::acknowledge(c, alert_id, by, at, &action_taken)? {
                return Err(AppError::Conflict(format!(
                    "alert {alert_id} was already acknowledged"
                )));
            }
            // One follow-up answers the alert for everyone it went to.
            let copies = store::acknowledge_copies(c, &alert, by, at, &action_taken)?;
            let subject = format!("alert:{alert_id}");
            let mut event = Event::ok("clinical.alert.acknowledge")
                .subject(&subject)
                .detail(serde_json::json!({ "copies": copies, "addressee": addressee }));
            event.patient_id = Some(alert.patient_id);
            record(c, ctx, event)
        })
    }
}

pub const SPECIMENS: &[&str] = &["urine", "oral_fluid", "breath", "blood", "hair"];
pub const SCREEN_METHODS: &[&str] = &["point_of_care", "lab"];
pub const SCREEN_RESULTS: &[&str] = &["negative", "positive", "invalid"];

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct SubstanceResult {
    pub substance: String,
    /// negative, positive or invalid.
    pub result: String,
}

pub struct NewScreen {
    pub collected_on: Date,
    pub specimen: String,
    pub method: String,
    pub results: Vec<SubstanceResult>,
}

impl App {
    /// Records a drug screen; positives show on the chart.
    pub fn record_screen(
        &self,
        ctx: &Ctx,
        patient: PatientId,
        s: NewScreen,
    ) -> Result<DrugScreenId> {
        let patient_id = patient;
        ctx.require(Action::RecordAttendance)?;
        let specimen: iop_domain::scoring::Specimen = s.specimen.parse().map_err(|_| {
            AppError::Invalid(format!(
                "the specimen must be one of {}",
                SPECIMENS.join(", ")
            ))
        })?;
        let method: iop_domain::scoring::ScreenMethod = s
            .method
            .parse()
            .map_err(|_| AppError::Invalid("the method must be point_of_care or lab".into()))?;
        if s.results.is_empty() || s.results.len() > 20 {
            return Err(AppError::Invalid(
                "give a result for 1 to 20 substances".into(),
            ));
        }
        for r in &s.results {
            crate::input::line(&r.substance, 60, "each substance's name")?;
            if !SCREEN_RESULTS.contains(&r.result.as_str()) {
                return Err(AppError::Invalid(format!(
                    "the result for {} must be negative, positive or invalid",
                    r.substance.trim()
                )));
            }
        }
        if s.collected_on > self.patient_today(ctx, patient_id)? {
            return Err(AppError::Invalid(
                "a specimen cannot be collected in the future".into(),
            ));
        }
        let any_positive = s.results.iter().any(|r| r.result == "positive");
        let id = DrugScreenId::new_v7();
        let actor = ctx.actor_ref();
        self.store.write(|c| {
            crate::scope::require_patient(c, ctx, patient_id)?;
            episodes::patient_by_id(c, patient_id)?
                .ok_or_else(|| AppError::NotFound(format!("patient {patient_id}")))?;
            store::insert_screen(
                c,
                &store::DrugScreenRow {
                    id,
                    patient_id,
                    collected_on: Day(s.collected_on),
                    specimen,
                    method,
                    results: serde_json::to_string(&s.results)
                        .map_err(|e| AppError::Internal(e.to_string()))?,
                    any_positive,
                    recorded_by: actor,
                    recorded_at: Instant(ctx.now()),
                },
            )?;
            let subject = format!("drug_screen:{id}");
            let mut event = Event::ok("clinical.drug_screen").subject(&subject);
            event.patient_id = Some(patient);
            record(c, ctx, event)?;
            Ok(id)
        })
    }

    pub fn screens(&self, ctx: &Ctx, patient: PatientId) -> Result<Vec<DrugScreen>> {
        let patient_id = patient;
        ctx.require(Action::ReadClinical)?;
        let rows: Vec<store::DrugScreenRow> = self.store.read_audited::<_, AppError>(|c| {
            crate::scope::require_patient(c, ctx, patient_id)?;
            let rows = store::screens_of(c, patient_id)?;
            let mut event = Event::ok("clinical.drug_screens.view");
            event.patient_id = Some(patient);
            record(c, ctx, event)?;
            Ok(rows)
        })?;
        Ok(rows.into_iter().map(Into::into).collect())
    }
}

crate::view::view!(
/// An outcome measure as recorded and scored.
Measure from MeasureRow {
    id: MeasureId,
    patient_id: PatientId,
    instrument: iop_domain::scoring::Instrument,
    instrument_version: String,
    occasion: iop_domain::scoring::Occasion,
    taken_on: Day,
    items: String,
    total: Option<i32>,
    band: Option<String>,
    subscales: Option<String>,
    recorded_by: ActorRef,
    recorded_at: Instant,
});

crate::view::view!(
/// A safety alert raised by a measure, for one clinician.
SafetyAlert from AlertRow {
    id: AlertId,
    kind: iop_domain::scoring::AlertKind,
    patient_id: PatientId,
    for_user_id: Option<UserId>,
    for_role: Option<iop_domain::Role>,
    detail: String,
    created_at: Instant,
    acknowledged_at: Option<Instant>,
    acknowledged_by: Option<UserId>,
    action_taken: Option<String>,
});

crate::view::view!(
/// A drug screen: specimen, kind and when it was collected.
DrugScreen from DrugScreenRow {
    id: DrugScreenId,
    patient_id: PatientId,
    collected_on: Day,
    specimen: iop_domain::scoring::Specimen,
    method: iop_domain::scoring::ScreenMethod,
    results: String,
    any_positive: bool,
    recorded_by: ActorRef,
    recorded_at: Instant,
});
