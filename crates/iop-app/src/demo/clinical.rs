//! The demo's clinical record, written through the same use cases a counselor uses:
//! attendance with realistic absences and signed group notes for the weeks before last
//! (last week and this week are left for the visitor to document), measure series that
//! improve with one open safety alert, treatment and relapse prevention plans, drug
//! screens and individual sessions.

use crate::accounts::auth::actor_of;
use crate::audit::{record, Event};
use crate::clinical::individual::NewAppointment;
use crate::clinical::measures::{NewMeasure, NewScreen, SubstanceResult};
use crate::clinical::plans::{PlanContent, Support};
use crate::clinical::treatment::{Goal, Objective, Problem, TreatmentPlanContent};
use crate::ctx::{Ctx, RequestMeta};
use crate::error::{AppError, Result};
use crate::App;
use iop_domain::ids::PatientId;
use iop_domain::ids::*;
use iop_domain::time::Instant;
use iop_store::clinical::individual::{self as ind, AppointmentRow, IndividualNoteRow};
use iop_store::{accounts::users, admissions::episodes, calendar as cal};
use jiff::civil::{Date, Time};
use jiff::{SignedDuration, Span};

pub(super) const PARTICIPATION: [&str; 10] = [
    "Opened the check-in and named a craving at work on Tuesday.",
    "Listened closely and gave a peer feedback about boundaries with a roommate.",
    "Practiced urge surfing and rated a craving from 7 down to 3.",
    "Shared the argument with a sibling that came before the last use.",
    "Arrived quiet; joined the role play on refusing a drink at a party.",
    "Described poor sleep and agreed to keep a sleep log this week.",
    "Led the review of the coping card and read out three of their own strategies.",
    "Talked about returning to work and the stress of the commute.",
    "Challenged a peer's 'just one' thinking with their own experience.",
    "Brought a list of people to call and practiced asking one of them for help.",
];

pub(super) const PROGRESS: [&str; 10] = [
    "Goal 1 (abstinence): reports 12 days without use; urges lower than last week.",
    "Goal 2 (triggers): named two new triggers and one plan for each.",
    "Goal 1: one lapse disclosed honestly; reviewed what the plan says to do next.",
    "Goal 3 (support): went to a mutual-help meeting twice.",
    "Goal 2: avoided the bar on the way home by changing the route.",
    "Goal 4 (sleep and mood): PHQ-9 trend improving; still waking early.",
    "Goal 3: asked a family member to come to the family group.",
    "Goal 1: urine screen negative; confidence rated 7 of 10.",
    "Goal 2: used the HALT check twice when irritable at work.",
    "Goal 4: walked three evenings this week as planned.",
];

pub(super) fn days(d: Date, n: i64) -> Date {
    d.checked_add(Span::new().days(n)).unwrap_or(d)
}

pub(super) fn internal(e: impl std::fmt::Display) -> AppError {
    AppError::Internal(e.to_string())
}

impl App {
    pub(crate) fn seed_demo_clinical(
        &self,
        system: &Ctx,
        program_id: ProgramId,
        today: Date,
    ) -> Result<()> {
        let meta = RequestMeta::cli(system.now());
        let (casey, staff_id, director) = self.store.read(|c| -> Result<_> {
            let casey = users::by_email(c, "counselor@demo.test")?
                .ok_or_else(|| internal("no demo counselor"))?;
            let staff =
                cal::staff_by_user(c, casey.id)?.ok_or_else(|| internal("no demo staff"))?;
            let director = users::by_email(c, "director@demo.test")?
                .ok_or_else(|| internal("no demo director"))?;
            Ok((actor_of(&casey)?, staff.id, actor_of(&director)?))
        })?;
        let ctx = Ctx::staff(casey, meta.clone());
        // Casey records for her own patients; the director for the others' (their
        // counselors have no account in the demo).
        let director = Ctx::staff(director, meta);
        self.seed_demo_family(&director, program_id, today)?;
        self.seed_demo_groups(&ctx, program_id, today)?;
        let active = self
            .store
            .read(|c| -> Result<_> { Ok(episodes::active_with_patients(c, &[program_id])?) })?;
        for (i, (e, p)) in active.iter().enumerate() {
            let admitted: Date = e.admit_date.0;
            if admitted > today {
                continue; // Starts in a few days: nothing happened yet.
            }
            use super::calendar::{ELIGIBLE_MRN, REVIEW_MRN};
            let relapse_plan = (i < 4 && p.mrn != REVIEW_MRN) || p.mrn == ELIGIBLE_MRN;
            let ctx = if e.primary_counselor_id == Some(staff_id) {
                &ctx
            } else {
                &director
            };
            self.seed_demo_measures(ctx, p.id, admitted, today, i)?;
            self.seed_demo_plans(ctx, p.id, today, i, relapse_plan)?;
            if i % 3 == 0 {
                let positive = i == 3;
                let results = ["alcohol", "cocaine", "opioids", "THC"]
                    .iter()
                    .map(|s| SubstanceResult {
                        substance: (*s).into(),
                        result: if positive && *s == "THC" {
                            "positive"
                        } else {
                            "negative"
                        }
                        .into(),
                    })
                    .collect();
                let on = days(admitted, 7).min(today);
                self.record_screen(
                    ctx,
                    p.id,
                    NewScreen {
                        collected_on: on,
                        specimen: "urine".into(),
                        method: "point_of_care".into(),
                        results,
                    },
                )?;
            }
            if i < 4 {
                self.seed_demo_individual(ctx, staff_id, p.id, admitted, today, i)?;
            }
        }
        self.seed_demo_billing(&director, program_id, today)?;
        self.seed_demo_inquiries(system, program_id, today)?;
        Ok(())
    }

    /// PHQ-9, GAD-7 and BAM at intake and every two weeks, improving; the fourth
    /// patient's latest PHQ-9 has item 9 at 1, which opens a safety alert.
    fn seed_demo_measures(
        &self,
        ctx: &Ctx,
        patient: PatientId,
        admitted: Date,
        today: Date,
        i: usize,
    ) -> Result<()> {
        let mut on = admitted;
        let mut k = 0u8;
        while on <= today {
            let level = 3u8.saturating_sub(k);
            let mut phq = vec![
                level.min(3),
                level.min(2),
                level.min(3),
                level.saturating_sub(1),
                1,
                level.min(2),
                level.saturating_sub(1),
                0,
                0,
            ];
            let latest = days(on, 14) > today;
            // Some patients missed the latest round: the reminders show it due.
            if i % 4 == 2 && latest && k > 0 {
                break;
            }
            if i == 3 && latest {
                phq[8] = 1;
            }
            let gad = vec![
                level.min(3),
                level.min(2),
                level.saturating_sub(1),
                1,
                level.saturating_sub(1),
                1,
                0,
            ];
            // Raw answers: ratings 0–4, day counts 0–30, item 14 yes (1).
            let bam = vec![
                1,
                level * 4,
                level * 3,
                level,
                level / 2,
                level.min(3),
                level.min(3),
                2,
                3,
                8,
                2,
                2,
                12,
                1,
                1,
                20,
                3,
            ];
            let occasion = if k == 0 { "intake" } else { "biweekly" };
            for (instrument, items) in [("phq9", phq), ("gad7", gad), ("bam", bam)] {
                self.record_measure(
                    ctx,
                    patient,
                    NewMeasure {
                        instrument: instrument.into(),
                        occasion: occasion.into(),
                        taken_on: on,
                        items,
                    },
                )?;
            }
            k += 1;
            on = days(on, 14);
        }
        Ok(())
    }

    fn seed_demo_plans(
        &self,
        ctx: &Ctx,
        patient: PatientId,
        today: Date,
        i: usize,
        relapse_plan: bool,
    ) -> Result<()> {
        let goal = |g: &str, o: &str, d: i64, iv: &str| Goal {
            goal: g.into(),
            objectives: vec![Objective {
                objective: o.into(),
                target_date: days(today, d),
            }],
            interventions: vec![iv.into()],
        };
        let plan = TreatmentPlanContent {
            problems: vec![
                Problem {
                    problem: "Substance use continues despite harm to work and family".into(),
                    goals: vec![goal(
                        "Stop using",
                        "Negative screens at every collection for 4 weeks",
                        28,
                        "Group CBT three nights a week; weekly individual session",
                    )],
                },
                Problem {
                    problem: "Few people to call when cravings come".into(),
                    goals: vec![goal(
                        "Build a support network",
                        "Names 3 people and calls one each week, logged in the planner",
                        21,
                        "Family group every other week; mutual-help meeting referral",
                    )],
                },
            ],
        };
        let version = self.save_treatment_plan(ctx, patient, plan)?;
        if i % 4 != 1 {
            self.sign_treatment_plan(ctx, patient, version, Some("signed on paper"))?;
            self.sign_treatment_plan(ctx, patient, version, None)?;
        }
        if relapse_plan {
            let content = PlanContent {
                reasons_for_recovery: vec!["My kids".into(), "Keeping my job".into()],
                external_triggers: vec!["Payday Fridays".into(), "Old friends from the bar".into()],
                internal_triggers: vec!["Loneliness after work".into()],
                early_warning_signs: vec!["Skipping meetings".into(), "Not sleeping".into()],
                coping_strategies: vec!["Call my sponsor".into(), "Walk the dog".into(), "HALT check".into()],
                supports: vec![Support { name: "Sponsor".into(), phone: "(502) 555-0199".into() }],
                lapse_plan: "Tell my counselor within a day; remove what is left; go to a meeting that evening. In crisis call or text 988.".into(),
            };
            let v = self.save_relapse_plan(ctx, patient, content)?;
            self.sign_relapse_plan(ctx, patient, v, Some("signed on paper"))?;
            self.sign_relapse_plan(ctx, patient, v, None)?;
        }
        Ok(())
    }

    /// A kept, signed session a week after admission (written straight to the store:
    /// the booking use case only books times still to come), and one booked ahead.
    fn seed_demo_individual(
        &self,
        ctx: &Ctx,
        staff_id: StaffId,
        patient: PatientId,
        admitted: Date,
        today: Date,
        i: usize,
    ) -> Result<()> {
        let day = days(admitted, 6);
        if day < today {
            self.store.write(|c| {
                let (_, pc) = crate::clinical::individual::patient_program(c, patient)?;
                let start = day.to_datetime(Time::constant(10 + i as i8, 0, 0, 0)).to_zoned(pc.tz.clone()).map_err(internal)?.timestamp();
                let now = Instant(ctx.now());
                let author = ctx.actor_ref();
                let appt = AppointmentRow {
                    id: AppointmentId::new_v7(),
                    patient_id: patient,
                    staff_id,
                    starts_at: Instant(start),
                    planned_minutes: 50,
                    mode: iop_domain::appointments::AppointmentMode::InPerson,
                    telehealth_link: None,
                    status: iop_domain::appointments::AppointmentStatus::Kept,
                    status_reason: None,
                    created_by: author,
                    created_at: now,
                    updated_at: now,
                    kind: iop_domain::appointments::AppointmentKind::Individual,
                };
                ind::insert_appointment(c, &appt)?;
                ind::insert_note(c, &IndividualNoteRow {
                    id: IndividualNoteId::new_v7(),
                    appointment_id: appt.id,
                    started_at: Instant(start + SignedDuration::from_mins(2)),
                    ended_at: Instant(start + SignedDuration::from_mins(50)),
                    minutes: 48,
                    goal: "Stop using".into(),
                    narrative: "Reviewed the week's cravings and the situations around them; practiced a refusal script.".into(),
                    plan: "Use the script at the Friday gathering; report back next session.".into(),
                    status: iop_domain::notes::NoteStatus::Signed,
                    author_id: author,
                    signed_by: Some(author),
                    signed_at: Some(now),
                    cosign_required: false,
                    cosigned_by: None,
                    cosigned_at: None,
                    created_at: now,
                    updated_at: now,
                    patient_location: None,
                })?;
                let subject = format!("appointment:{}", appt.id);
                let mut event = Event::ok("demo.seed.individual").subject(&subject);
                event.patient_id = Some(patient);
                record(c, ctx, event)
            })?;
        }
        let ahead = days(today, 7 + i as i64);
        let weekday = ahead.weekday().to_monday_one_offset();
        let ahead = if weekday > 5 {
            days(ahead, 8 - i64::from(weekday))
        } else {
            ahead
        };
        let link = (i % 2 == 1).then(|| "https://telehealth.example.org/room/demo".to_string());
        self.schedule_appointment(
            ctx,
            NewAppointment {
                patient_id: patient,
                staff_id,
                starts: ahead.to_datetime(Time::constant(10 + i as i8, 0, 0, 0)),
                minutes: 50,
                telehealth_link: link,
                kind: iop_domain::appointments::AppointmentKind::Individual,
            },
        )?;
        Ok(())
    }
}
