//! A patient's chart in one read (one transaction, one audit entry): hours per week
//! against the 9-hour floor, attendance, signed group notes with this patient's own
//! entry, individual sessions, measures, drug screens, plans, and a timeline of it all.

use crate::audit::{record, Event};
use crate::clinical::individual::Appointment;
use crate::clinical::measures::{DrugScreen, Measure};
use crate::clinical::plans::PlanVersion;
use crate::clinical::treatment::TreatmentPlanVersion;
use crate::ctx::Ctx;
use crate::error::{AppError, Result};
use crate::policy::Action;
use crate::App;
use iop_domain::hours::{two_unexcused_in_a_row, Mark, WeekHours};
use iop_domain::ids::{NoteId, PatientId};
use iop_domain::roster::EpisodeStatus;
use iop_domain::time::{Day, Instant};
use iop_store::clinical::record::{self as store};
use iop_store::{admissions::episodes, clinical::individual, clinical::measures, clinical::plans};

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ChartNote {
    pub note_id: NoteId,
    pub date: Day,
    pub topic: String,
    pub interventions: String,
    pub group_process: String,
    pub participation: String,
    pub progress: String,
    pub signed_at: Option<Instant>,
    pub cosign_required: bool,
    pub cosigned_at: Option<Instant>,
    pub addenda: Vec<crate::clinical::notes::Addendum>,
}

/// One dated line of the chart timeline.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct TimelineItem {
    pub date: Day,
    /// session, group_note, individual, measure, drug_screen, treatment_plan, relapse_plan
    pub kind: &'static str,
    pub summary: String,
    /// Needs attention: a positive screen, a safety item, an absence.
    pub flag: bool,
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Chart {
    pub patient_id: PatientId,
    pub mrn: String,
    pub name: String,
    pub date_of_birth: Day,
    /// Today where the patient is treated: the default date of the chart's forms.
    pub today: Day,
    /// In an active episode (individual sessions can be booked).
    pub treatment_active: bool,
    /// The latest episode (its page graduates, discharges, extends or moves it).
    pub latest_episode: Option<iop_domain::ids::EpisodeId>,
    /// Skilled treatment hours per week of the latest episode against each week's floor.
    pub weeks: Vec<WeekHours>,
    /// The two latest group marks in a row are unexcused absences.
    pub two_absences_in_a_row: bool,
    /// (local date, mark, minutes attended), oldest first.
    pub attendance: Vec<(Day, Mark, i32)>,
    pub notes: Vec<ChartNote>,
    pub appointments: Vec<Appointment>,
    pub measures: Vec<Measure>,
    pub drug_screens: Vec<DrugScreen>,
    pub treatment_plans: Vec<TreatmentPlanVersion>,
    pub relapse_plans: Vec<PlanVersion>,
    /// Newest first.
    pub timeline: Vec<TimelineItem>,
    /// The first day this page shows: dated records before it are on older pages.
    pub shown_from: Day,
    /// The day this page stops before; none for the latest page (through today and what
    /// is booked after).
    pub shown_before: Option<Day>,
    /// `before` of the page of older records, when there are any.
    pub older_before: Option<Day>,
    /// `before` of the page of newer records when that is not the latest page.
    pub newer_before: Option<Day>,
}

/// Days of history one page of the chart shows (the latest page also shows the whole
/// current episode): a chart costs what it shows, not the years behind it.
pub const CHART_PAGE_DAYS: i64 = 90;

fn days_before(d: jiff::civil::Date, n: i64) -> jiff::civil::Date {
    d.checked_sub(jiff::Span::new().days(n)).unwrap_or(d)
}

/// The latest page: the current episode (or one that ended within the page) and the
/// [`CHART_PAGE_DAYS`] before today.
fn latest_page_from(eps: &[episodes::EpisodeRow], today: jiff::civil::Date) -> Day {
    let recent = days_before(today, CHART_PAGE_DAYS);
    let current = eps
        .iter()
        .filter(|e| e.status == EpisodeStatus::Active || e.ended_on.is_some_and(|d| d.0 >= recent))
        .map(|e| e.admit_date.0)
        .min();
    Day(current.map_or(recent, |admit| admit.min(recent)))
}

fn timeline(c: &Chart, style: &iop_domain::display::Style) -> Vec<TimelineItem> {
    let date_of = |at: Instant| Day(crate::clock::date_in(&style.tz, at.0));
    let mut t = Vec::new();
    for (date, mark, minutes) in &c.attendance {
        t.push(TimelineItem {
            date: *date,
            kind: "session",
            summary: format!("Group: {} ({minutes} min)", mark.label()),
            flag: mark.is_absent(),
        });
    }
    for n in &c.notes {
        t.push(TimelineItem {
            date: n.date,
            kind: "group_note",
            summary: format!("Group note signed: {}", n.topic),
            flag: false,
        });
    }
    for a in &c.appointments {
        let minutes = a
            .note
            .as_ref()
            .map(|n| format!(", {} min face to face", n.minutes))
            .unwrap_or_default();
        t.push(TimelineItem {
            date: a.local_date,
            kind: "individual",
            summary: format!(
                "Individual session ({}): {}{minutes}",
                a.row.mode.to_string().replace('_', " "),
                a.row.status.to_string().replace('_', " ")
            ),
            flag: a.row.status == iop_domain::appointments::AppointmentStatus::NoShow,
        });
    }
    for m in &c.measures {
        let score = match (m.total, m.subscales.as_deref()) {
            (Some(v), _) => format!("{v} ({})", m.band.as_deref().unwrap_or("")),
            (None, Some(sub)) => serde_json::from_str::<serde_json::Value>(sub)
                .map(|v| {
                    format!(
                        "use {}, risk {}, protective {}",
                        v["use_score"], v["risk"], v["protective"]
                    )
                })
                .unwrap_or_default(),
            (None, None) => String::new(),
        };
        t.push(TimelineItem {
            date: m.taken_on,
            kind: "measure",
            summary: format!(
                "{} at {}: {score}",
                m.instrument_version,
                style.words(m.occasion)
            ),
            flag: false,
        });
    }
    for s in &c.drug_screens {
        t.push(TimelineItem {
            date: s.collected_on,
            kind: "drug_screen",
            summary: format!(
                "Drug screen ({}, {}): {}",
                style.words(s.specimen),
                style.words(s.method),
                if s.any_positive {
                    "positive"
                } else {
                    "negative"
                }
            ),
            flag: s.any_positive,
        });
    }
    for p in &c.treatment_plans {
        t.push(TimelineItem {
            date: date_of(p.created_at),
            kind: "treatment_plan",
            summary: format!(
                "Treatment plan version {} (review due {})",
                p.version,
                style.date(p.review_due)
            ),
            flag: false,
        });
    }
    for p in &c.relapse_plans {
        t.push(TimelineItem {
            date: date_of(p.created_at),
            kind: "relapse_plan",
            summary: format!("Relapse prevention plan version {}", p.version),
            flag: false,
        });
    }
    t.sort_by_key(|i| std::cmp::Reverse(i.date));
    t
}

/// The audit action of opening a chart (the dashboard's recent patients are read from it).
pub const CHART_VIEW: &str = "clinical.chart.view";

impl App {
    /// One page of a patient's chart: the latest (`before` none) or the
    /// [`CHART_PAGE_DAYS`] before `before`.
    pub fn chart(&self, ctx: &Ctx, patient: PatientId, before: Option<Day>) -> Result<Chart> {
        ctx.require(Action::ReadClinical)?;
        let patient_id = patient;
        self.store.read_audited(|c| {
            crate::scope::require_patient(c, ctx, patient_id)?;
            let p = episodes::patient_by_id(c, patient_id)?
                .ok_or_else(|| AppError::NotFound(format!("patient {patient_id}")))?;
            let tz = crate::clock::patient_zone(c, patient_id)?;
            let today = crate::clock::date_in(&tz, ctx.now());
            let eps = episodes::episodes_with_patient_id(c, patient_id)?;
            let from = match before {
                None => latest_page_from(&eps, today),
                Some(b) => Day(days_before(b.0, CHART_PAGE_DAYS)),
            };
            let in_page = |d: Day| d >= from && before.is_none_or(|b| d < b);
            let first = [
                store::first_marked_day(c, patient_id)?,
                measures::first_measure_day(c, patient_id)?,
            ]
            .into_iter()
            .flatten()
            .min();
            let older_before = first.filter(|f| *f < from).map(|_| from);
            let newer_before = before
                .map(|b| Day(days_before(b.0, -CHART_PAGE_DAYS)))
                .filter(|n| n.0 <= today);
            let att = store::attendance_of_patient_in(c, patient, from, before)?;
            let mut latest = store::latest_marks(c, patient, 2)?;
            latest.reverse();
            let marks: Vec<(jiff::civil::Date, Mark)> =
                latest.iter().map(|(m, d)| (d.0, *m)).collect();
            let weeks = crate::clinical::hours::weeks_of_patient(c, patient_id, ctx.now())?;
            let signed = store::signed_notes_of_patient_in(c, patient, from, before)?;
            let ids: Vec<NoteId> = signed.iter().map(|(n, _, _)| n.id).collect();
            let mut addenda_of: std::collections::HashMap<NoteId, Vec<_>> =
                std::collections::HashMap::new();
            for a in store::addenda_of_notes(c, &ids)? {
                addenda_of.entry(a.note_id).or_default().push(a);
            }
            let mut notes = Vec::new();
            for (n, e, date) in signed {
                let addenda = addenda_of.remove(&n.id).unwrap_or_default();
                notes.push(ChartNote {
                    note_id: n.id,
                    date,
                    topic: n.topic,
                    interventions: n.interventions,
                    group_process: n.group_process,
                    participation: e.participation,
                    progress: e.progress,
                    signed_at: n.signed_at,
                    cosign_required: n.cosign_required,
                    cosigned_at: n.cosigned_at,
                    addenda: addenda.into_iter().map(Into::into).collect(),
                });
            }
            let treatment_active = eps.iter().any(|e| e.status == EpisodeStatus::Active);
            let mut appointments = Vec::new();
            let rows = individual::appointments_of_patient(c, patient_id)?;
            if !rows.is_empty() {
                let (_, pc) = crate::clinical::individual::patient_program(c, patient_id)?;
                let mut written: Vec<_> = individual::notes_of_patient(c, patient_id)?;
                for row in rows
                    .into_iter()
                    .filter(|r| in_page(crate::clinical::individual::local_date(r, &pc.tz)))
                {
                    let note = written
                        .iter()
                        .position(|(n, _)| n.appointment_id == row.id)
                        .map(|i| written.swap_remove(i).0);
                    appointments.push(Appointment {
                        local_start: crate::clinical::individual::local_start(&row, &pc.tz),
                        local_date: crate::clinical::individual::local_date(&row, &pc.tz),
                        started: row.starts_at.0 <= ctx.now(),
                        row: row.into(),
                        note: note.map(Into::into),
                    });
                }
            }
            let mut event = Event::ok(CHART_VIEW);
            event.patient_id = Some(patient);
            record(c, ctx, event)?;
            let name = p.shown_name();
            let mut chart = Chart {
                patient_id: p.id,
                name,
                mrn: p.mrn,
                date_of_birth: p.date_of_birth,
                today: Day(today),
                treatment_active,
                latest_episode: eps.iter().max_by_key(|e| e.admit_date).map(|e| e.id),
                weeks,
                two_absences_in_a_row: two_unexcused_in_a_row(&marks),
                attendance: att
                    .into_iter()
                    .map(|(a, d)| (d, a.mark, a.minutes))
                    .collect(),
                notes,
                appointments,
                measures: measures::measures_of_in(c, patient_id, from, before)?
                    .into_iter()
                    .map(Into::into)
                    .collect(),
                drug_screens: measures::screens_of(c, patient_id)?
                    .into_iter()
                    .filter(|s| in_page(s.collected_on))
                    .map(Into::into)
                    .collect(),
                treatment_plans: plans::treatment_versions(c, patient_id)?
                    .into_iter()
                    .map(TreatmentPlanVersion::from)
                    .collect(),
                relapse_plans: plans::versions(c, patient_id)?
                    .into_iter()
                    .map(PlanVersion::from)
                    .collect(),
                timeline: Vec::new(),
                shown_from: from,
                shown_before: before,
                older_before,
                newer_before,
            };
            let style =
                iop_domain::display::Style::new(tz.clone(), self.settings.locale, ctx.now());
            chart.timeline = timeline(&chart, &style);
            Ok(chart)
        })
    }
}
