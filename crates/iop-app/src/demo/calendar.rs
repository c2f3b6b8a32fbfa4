//! The demo's calendar: curriculum, four counselors (each with an account; one
//! supervised), patients in weeks 1 to 9 of treatment on both tracks (one eligible to
//! graduate, one past the maximum awaiting review), two alumni, one discharged, one
//! admitted to start in eight days, federal holiday closures (Thanksgiving among them), sessions
//! from before the earliest admission to the horizon, and one upcoming session short
//! of staff.

use crate::calendar::sessions::generate_in;
use crate::ctx::Ctx;
use crate::error::{AppError, Result};
use crate::org::staffing::{insert_staff_row, NewStaff};
use iop_domain::calendar::SessionKind;
use iop_domain::calendar::SessionStatus;
use iop_domain::curriculum::SEED_TOPICS;
use iop_domain::ids::*;
use iop_domain::roster::EpisodeStatus;
use iop_domain::time::{Day, Instant};
use iop_store::admissions::episodes::{self, EpisodeRow, EpisodeTrackRow, PatientRow};
use iop_store::calendar::{self as cal, AssignmentRow, ClosureRow, TopicRow};
use iop_store::DbConn;
use jiff::civil::Date;
use jiff::Span;

/// (name, credential, NPI, account, notes need a clinical director's co-signature).
/// Name, credential, individual NPI, taxonomy (NUCC), account, notes need co-signature.
type Counselor = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    bool,
);

const COUNSELORS: [Counselor; 4] = [
    (
        "Casey Counselor",
        "LADC",
        "1234567893",
        "101YA0400X",
        "counselor@demo.test",
        false,
    ),
    (
        "Morgan Lee",
        "LCSW",
        "1987654328",
        "1041C0700X",
        "morgan@demo.test",
        false,
    ),
    (
        "Jordan Reyes",
        "CADC",
        "1456789019",
        "101YA0400X",
        "jordan@demo.test",
        true,
    ),
    (
        "Riley Chen",
        "LPC",
        "1765432103",
        "101YP2500X",
        "riley@demo.test",
        false,
    ),
];

/// Admitted 52 days ago with every group attended and a signed relapse plan.
pub(crate) const ELIGIBLE_MRN: &str = "DEMO-0006";
/// Admitted 66 days ago, past the 9-week maximum, without a relapse plan.
pub(crate) const REVIEW_MRN: &str = "DEMO-0007";

const PATIENTS: [(&str, &str); 16] = [
    ("Avery", "Stone"),
    ("Blake", "Rivera"),
    ("Cameron", "Brooks"),
    ("Drew", "Patel"),
    ("Emerson", "Kim"),
    ("Finley", "Ortiz"),
    ("Gray", "Nguyen"),
    ("Harper", "Young"),
    ("Indigo", "Hall"),
    ("Jules", "Ward"),
    ("Kai", "Foster"),
    ("Logan", "Price"),
    ("Morgan", "Bell"),
    ("Noel", "Hayes"),
    ("Oakley", "Reed"),
    ("Parker", "Quinn"),
];

const DIAGNOSES: [&str; 4] = [
    "F10.20,F32.A",
    "F11.20,F17.210",
    "F14.20,F43.10",
    "F12.20,F41.1",
];

fn days(d: Date, n: i64) -> Date {
    d.checked_add(Span::new().days(n)).unwrap_or(d)
}

/// The inquiry a demo patient came through: first contact one to four days before
/// admission (so the funnel's days to first group have figures), now admitted.
fn admitted_inquiry(
    c: &mut DbConn,
    i: usize,
    patient: PatientId,
    program: ProgramId,
    admit: Date,
    tz: &jiff::tz::TimeZone,
) -> Result<InquiryId> {
    use iop_domain::admissions::{InquiryChannel, InquiryStatus, InsuranceStatus};
    let contact = days(admit, -1 - i64::try_from(i % 4).unwrap_or(0))
        .to_datetime(jiff::civil::time(10, 0, 0, 0))
        .to_zoned(tz.clone())
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let at = Instant(contact.timestamp());
    let (first, last) = PATIENTS[i];
    let id = InquiryId::new_v7();
    iop_store::admissions::inquiries::insert(
        c,
        &iop_store::admissions::inquiries::InquiryRow {
            id,
            channel: [
                InquiryChannel::Phone,
                InquiryChannel::Referral,
                InquiryChannel::Web,
            ][i % 3],
            referral_source: (i % 3 == 1).then(|| "Primary care".into()),
            first_name: first.into(),
            last_name: Some(last.into()),
            phone: format!("(502) 555-01{i:02}"),
            best_time: None,
            may_leave_message: false,
            program_id: Some(program),
            status: InquiryStatus::Admitted,
            status_reason: None,
            screening: None,
            disposition: Some("proceed".into()),
            insurance_payer: None,
            insurance_member_id: None,
            insurance_status: InsuranceStatus::NotCaptured,
            intake_at: None,
            patient_id: Some(patient),
            first_contact_at: at,
            created_at: at,
            updated_at: at,
            payer_id: None,
        },
    )?;
    Ok(id)
}

/// The site closed on every US federal holiday of `years`.
pub(crate) fn federal_holidays(
    c: &mut DbConn,
    site_id: SiteId,
    years: std::ops::RangeInclusive<i16>,
    now: Instant,
) -> Result<()> {
    for year in years {
        for (date, name) in iop_domain::holidays::us_federal(year) {
            cal::insert_closure(
                c,
                &ClosureRow {
                    id: ClosureId::new_v7(),
                    site_id,
                    local_date: Day(date),
                    reason: name.into(),
                    created_at: now,
                    voided_at: None,
                    void_reason: None,
                },
            )?;
        }
    }
    Ok(())
}

pub fn seed(
    c: &mut DbConn,
    ctx: &Ctx,
    site_id: SiteId,
    program_id: ProgramId,
    tracks: &[TrackId],
    today: Date,
) -> Result<()> {
    let now = Instant(ctx.now());
    for (i, title) in SEED_TOPICS.iter().enumerate() {
        cal::insert_topic(
            c,
            &TopicRow {
                id: TopicId::new_v7(),
                program_id,
                position: i32::try_from(i).unwrap_or(0),
                title: (*title).into(),
                active: true,
                created_at: now,
            },
        )?;
    }
    let mut staff = Vec::new();
    for (name, cred, npi, taxonomy, email, supervised) in COUNSELORS {
        staff.push(insert_staff_row(
            c,
            ctx,
            NewStaff {
                display_name: name.into(),
                credentials: vec![cred.into()],
                npi: Some(npi.into()),
                taxonomy: Some(taxonomy.into()),
                user_email: Some(email.into()),
                requires_cosign: supervised,
            },
        )?);
    }
    federal_holidays(c, site_id, today.year()..=today.year() + 1, now)?;
    // Seven patients on the first track, five on the second, two alumni, one
    // discharged, one starting in eight days; planned ends from the real rule.
    let pc = crate::calendar::sessions::load_program(c, program_id)?;
    let (mtt, mwt) = match tracks {
        [a, b, ..] => (*a, *b),
        _ => return Err(AppError::Internal("the demo needs two tracks".into())),
    };
    for (i, (first, last)) in PATIENTS.iter().enumerate() {
        let n = i64::try_from(i).unwrap_or(0);
        let pid = iop_domain::ids::PatientId::new_v7();
        episodes::insert_patient(
            c,
            &PatientRow {
                id: pid,
                mrn: format!("DEMO-{:04}", i + 1),
                legal_first_name: (*first).into(),
                legal_last_name: (*last).into(),
                preferred_name: None,
                date_of_birth: Day(jiff::civil::date(
                    1970 + i16::try_from(i).unwrap_or(0),
                    1 + i8::try_from(i % 9).unwrap_or(0),
                    10 + i8::try_from(i % 10).unwrap_or(0),
                )),
                created_at: now,
                phone: Some(format!("(502) 555-01{:02}", i)),
                email: None,
                address: None,
                emergency_contact_name: Some("Emergency Contact".into()),
                emergency_contact_phone: Some(format!("(502) 555-02{:02}", i)),
                minor_self_consent: false,
                sex: if i % 2 == 0 {
                    iop_domain::admissions::Sex::Female
                } else {
                    iop_domain::admissions::Sex::Male
                },
                address_line: None,
                city: None,
                state: None,
                zip: None,
                search_text: String::new(),
            },
        )?;
        let (track, admit, status, ended) = match i {
            // Weeks 1 to 10 of treatment: 5 is eligible to graduate, 6 is past the maximum.
            0..=6 => (
                &mtt,
                days(today, -[3, 10, 17, 24, 31, 52, 66][i]),
                EpisodeStatus::Active,
                None,
            ),
            7..=11 => (
                &mwt,
                days(today, -[2, 9, 38, 45, 59][i - 7]),
                EpisodeStatus::Active,
                None,
            ),
            12 | 13 => (
                &mtt,
                days(today, -80 - n),
                EpisodeStatus::Graduated,
                Some(days(today, -20 - n)),
            ),
            14 => (
                &mwt,
                days(today, -30),
                EpisodeStatus::Discharged,
                Some(days(today, -9)),
            ),
            // Starts after the short-staffed session below, so that one stays at seven.
            _ => (&mtt, days(today, 8), EpisodeStatus::Active, None),
        };
        let planned_end = crate::admissions::eligibility::planned_end_of(c, &pc, *track, admit)?;
        let inquiry_id = admitted_inquiry(c, i, pid, program_id, admit, &pc.tz)?;
        let eid = EpisodeId::new_v7();
        episodes::insert_episode(
            c,
            &EpisodeRow {
                id: eid,
                patient_id: pid,
                program_id,
                admit_date: Day(admit),
                planned_end_date: Day(planned_end),
                status,
                ended_on: ended.map(Day),
                created_at: now,
                inquiry_id: Some(inquiry_id),
                primary_counselor_id: Some(if track == &mtt { staff[0] } else { staff[2] }),
                level_of_care: iop_domain::admissions::LevelOfCare::IntensiveOutpatient,
                diagnoses: DIAGNOSES[i % DIAGNOSES.len()].parse().map_err(
                    |e: iop_domain::icd10::Icd10Error| AppError::Internal(e.to_string()),
                )?,
                ratio_override_reason: None,
                end_reason: ended.map(|_| match status {
                    EpisodeStatus::Discharged => iop_domain::admissions::DischargeReason::Ama,
                    _ => iop_domain::admissions::DischargeReason::Completed,
                }),
                end_summary: None,
                extension_reason: None,
            },
        )?;
        episodes::insert_episode_track(
            c,
            &EpisodeTrackRow {
                id: EpisodeTrackId::new_v7(),
                episode_id: eid,
                track_id: *track,
                from_date: Day(admit),
                to_date: ended.map(Day),
            },
        )?;
    }
    // From before the earliest admission (the alumni's) to the program's horizon.
    let from = days(today, -100);
    let to = days(today, 7 * i64::from(pc.program.horizon_weeks));
    generate_in(c, ctx.now(), program_id, from, to)?;
    // Two facilitators on the seven-patient track, one on the five-patient track, one
    // on the family and alumni groups; past sessions were held.
    let sessions = cal::sessions_between(c, Some(&[program_id]), Day(from), Day(to))?;
    let short = sessions
        .iter()
        .filter(|s| {
            s.kind == SessionKind::Core
                && s.track_id == Some(mtt)
                && s.status == SessionStatus::Scheduled
        })
        .find(|s| s.local_date.0 > today)
        .map(|s| s.id);
    for s in &sessions {
        let who: Vec<&StaffId> = match (s.kind, s.track_id) {
            (SessionKind::Core, Some(t)) if t == mtt && Some(&s.id) == short.as_ref() => {
                vec![&staff[0]]
            }
            (SessionKind::Core, Some(t)) if t == mtt => vec![&staff[0], &staff[1]],
            (SessionKind::Core, _) => vec![&staff[2]],
            // Every patient comes to the family group: it needs three.
            (SessionKind::Family, _) => vec![&staff[3], &staff[1], &staff[0]],
            (SessionKind::Alumni, _) => vec![&staff[3]],
        };
        if s.status == SessionStatus::Cancelled {
            continue;
        }
        for st in who {
            cal::insert_assignment(
                c,
                &AssignmentRow {
                    id: AssignmentId::new_v7(),
                    session_id: s.id,
                    staff_id: *st,
                    assigned_at: now,
                    unassigned_at: None,
                    unassigned_reason: None,
                },
            )?;
        }
        if s.local_date.0 < today {
            let mut held = s.clone();
            held.status = SessionStatus::Held;
            cal::update_session(c, &held)?;
        }
    }
    Ok(())
}
