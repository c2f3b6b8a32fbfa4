//! Questionnaires the patient answers in the portal, scored exactly as staff entries
//! are (the same use case stores them); a PHQ-9 item 9 above 0 raises the same safety
//! alert for the counselor, and the page shows the 988 line at once.

use crate::clinical::measures::NewMeasure;
use crate::ctx::Ctx;
use crate::error::{AppError, Result};
use crate::policy::PortalAction;
use crate::App;
use iop_domain::ids::PatientId;
use iop_domain::reminders::measure_due;
use iop_domain::roster::EpisodeStatus;
use iop_domain::scoring::{phq9, Instrument};
use iop_store::admissions::episodes;
use iop_store::DbConn;
use jiff::civil::Date;

#[derive(Clone, Debug)]
pub struct DueForm {
    pub instrument: Instrument,
    pub title: &'static str,
    pub due_on: Date,
}

/// What the patient sees after answering.
#[derive(Clone, Debug)]
pub struct FormAnswer {
    /// Item 9 of a PHQ-9 above 0: show the crisis line now.
    pub safety: bool,
}

pub(crate) fn title(i: Instrument) -> &'static str {
    match i {
        Instrument::Phq9 => "How you have been feeling (PHQ-9)",
        Instrument::Gad7 => "Worry and nerves (GAD-7)",
        Instrument::Bam => "The past 30 days (BAM)",
    }
}

/// The questionnaires due today or earlier during an active episode.
pub(crate) fn due_forms(c: &mut DbConn, patient: PatientId, today: Date) -> Result<Vec<DueForm>> {
    let eps = episodes::episodes_with_patient_id(c, patient)?;
    let Some(ep) = eps
        .iter()
        .filter(|e| e.status == EpisodeStatus::Active)
        .max_by_key(|e| e.admit_date)
    else {
        return Ok(Vec::new());
    };
    let taken = iop_store::clinical::measures::measures_of(c, patient)?;
    let mut out = Vec::new();
    for instrument in [Instrument::Phq9, Instrument::Gad7, Instrument::Bam] {
        let last = taken
            .iter()
            .filter(|m| m.instrument == instrument)
            .map(|m| m.taken_on.0)
            .max();
        let due = measure_due(ep.admit_date.0, last);
        if due <= today {
            out.push(DueForm {
                instrument,
                title: title(instrument),
                due_on: due,
            });
        }
    }
    Ok(out)
}

impl App {
    /// The questionnaires waiting for the signed-in patient.
    pub fn portal_forms_due(&self, ctx: &Ctx) -> Result<Vec<DueForm>> {
        let me = ctx.require_portal(PortalAction::AnswerQuestionnaires)?;
        let patient = me.patient_id;
        let today = self.patient_today(ctx, patient)?;
        self.store.read_audited(|c| {
            let forms = due_forms(c, patient, today)?;
            let mut e = crate::audit::Event::ok("portal.forms.read");
            e.patient_id = Some(patient);
            crate::audit::record(c, ctx, e)?;
            Ok(forms)
        })
    }

    /// Stores the patient's answers to a questionnaire that is due, dated today where
    /// they are treated. A questionnaire that is not due answers as a page not found.
    pub fn portal_answer_form(
        &self,
        ctx: &Ctx,
        instrument: Instrument,
        items: Vec<u8>,
    ) -> Result<FormAnswer> {
        let me = ctx.require_portal(PortalAction::AnswerQuestionnaires)?;
        let patient = me.patient_id;
        let today = self.patient_today(ctx, patient)?;
        let due = self.store.read(|c| due_forms(c, patient, today))?;
        if !due.iter().any(|f| f.instrument == instrument) {
            return Err(super::not_found());
        }
        let safety = instrument == Instrument::Phq9
            && phq9(&items)
                .map_err(|e| AppError::Invalid(e.to_string()))?
                .safety_alert;
        let occasion = if self.store.read(|c| {
            Ok::<_, AppError>(iop_store::clinical::measures::measures_of(c, patient)?.is_empty())
        })? {
            "intake"
        } else {
            "biweekly"
        };
        self.save_measure(
            ctx,
            patient,
            NewMeasure {
                instrument: instrument.to_string(),
                occasion: occasion.into(),
                taken_on: today,
                items,
            },
        )?;
        Ok(FormAnswer { safety })
    }
}
