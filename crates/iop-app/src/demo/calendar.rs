//! The demo's calendar: curriculum, four counselors, patients on both tracks and two
//! alumni, federal holiday closures (Thanksgiving among them), sessions from five weeks
//! back to eight weeks ahead, and one upcoming session short of staff.

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

const COUNSELORS: [(&str, &str, Option<&str>, Option<&str>); 4] = [
    (
        "Casey Counselor",
        "LADC",
        Some("1234567893"),
        Some("counselor@demo.test"),
    ),
    ("Morgan Lee", "LCSW", None, None),
    ("Jordan Reyes", "CADC", None, None),
    ("Riley Chen", "LPC", None, None),
];

const PATIENTS: [(&str, &str); 14] = [
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
];

const DIAGNOSES: [&str; 4] = ["F10.20", "F11.20,F17.210", "F14.20", "F12.20"];

fn days(d: Date, n: i64) -> Date {
    d.checked_add(Span::new().days(n)).unwrap_or(d)
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
    for (name, cred, npi, email) in COUNSELORS {
        staff.push(insert_staff_row(
            c,
            ctx,
            NewStaff {
                display_name: name.into(),
                credentials: vec![cred.into()],
                npi: npi.map(str::to_string),
                user_email: email.map(str::to_string),
                requires_cosign: false,
            },
        )?);
    }
    for year in [today.year(), today.year() + 1] {
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
    // Seven patients on the first track, five on the second, two alumni.
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
                sex: iop_domain::admissions::Sex::Unknown,
                address_line: None,
                city: None,
                state: None,
                zip: None,
            },
        )?;
        let (track, admit, status, ended) = match i {
            // Admitted 3 to 45 days ago: last week's groups had six of them, this week's seven.
            0..=6 => (
                &mtt,
                days(today, -[3, 10, 17, 24, 31, 10, 45][i]),
                EpisodeStatus::Active,
                None,
            ),
            7..=11 => (
                &mwt,
                days(today, -7 * (n % 4) - 2),
                EpisodeStatus::Active,
                None,
            ),
            _ => (
                &mtt,
                days(today, -80 - n),
                EpisodeStatus::Graduated,
                Some(days(today, -20 - n)),
            ),
        };
        let eid = EpisodeId::new_v7();
        episodes::insert_episode(
            c,
            &EpisodeRow {
                id: eid,
                patient_id: pid,
                program_id,
                admit_date: Day(admit),
                planned_end_date: Day(days(admit, 56)),
                status,
                ended_on: ended.map(Day),
                created_at: now,
                inquiry_id: None,
                primary_counselor_id: Some(if track == &mtt { staff[0] } else { staff[2] }),
                level_of_care: iop_domain::admissions::LevelOfCare::IntensiveOutpatient,
                diagnoses: DIAGNOSES[i % DIAGNOSES.len()].parse().map_err(
                    |e: iop_domain::icd10::Icd10Error| AppError::Internal(e.to_string()),
                )?,
                ratio_override_reason: None,
                end_reason: ended.map(|_| iop_domain::admissions::DischargeReason::Completed),
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
    let from = days(today, -35);
    let to = days(today, 56);
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
