//! One seeded site: its organisation rows and calendar, then its history.

use super::history::{self, SiteInput};
use super::ScaleReport;
use crate::calendar::sessions::generate_in;
use crate::ctx::Ctx;
use crate::error::{AppError, Result};
use iop_domain::account::Credentials;
use iop_domain::curriculum::SEED_TOPICS;
use iop_domain::ids::*;
use iop_domain::npi::Npi;
use iop_domain::time::{Day, Instant};
use iop_domain::Role;
use iop_store::accounts::users::UserRow;
use iop_store::calendar::{self as cal, StaffRow, TopicRow};
use iop_store::org::{self, SiteRow, TrackRow};
use iop_store::{audit, bulk, DbConn};
use jiff::Span;
use rand::rngs::StdRng;

const TOWNS: [(&str, &str); 12] = [
    ("Riverside", "America/New_York"),
    ("Lakeview", "America/Chicago"),
    ("Cedar Hill", "America/Denver"),
    ("Mesa Verde", "America/Phoenix"),
    ("Bayside", "America/Los_Angeles"),
    ("Oak Park", "America/Kentucky/Louisville"),
    ("Harbor Point", "America/Detroit"),
    ("Prairie View", "America/Indiana/Indianapolis"),
    ("Stone Creek", "America/Chicago"),
    ("Maple Grove", "America/New_York"),
    ("Silver Lake", "America/Los_Angeles"),
    ("Pine Ridge", "America/Denver"),
];

/// Counselors per site: two for each of the four tracks, taking turns.
const COUNSELORS_PER_SITE: u32 = 8;
const CREDENTIALS: [&str; 4] = ["LADC", "LCSW", "CADC", "LPC"];
const TAXONOMIES: [&str; 4] = ["101YA0400X", "1041C0700X", "101YA0400X", "101YP2500X"];

fn internal(e: impl std::fmt::Display) -> AppError {
    AppError::Internal(e.to_string())
}

/// A valid NPI (Luhn check digit over the 80840 prefix) for a made-up number.
fn npi_for(n: u32) -> Result<Npi> {
    let base = format!("1{:08}", 10_000_000 + n);
    (0..10)
        .find_map(|d| Npi::parse(&format!("{base}{d}")).ok())
        .ok_or_else(|| internal("no check digit"))
}

/// Counselors with accounts (so notes and marks name a user) and staff profiles.
fn counselors(
    c: &mut DbConn,
    n: u32,
    password_hash: &str,
    now: Instant,
) -> Result<Vec<(StaffId, UserId)>> {
    let mut accounts = Vec::new();
    let mut staff = Vec::new();
    for k in 0..COUNSELORS_PER_SITE {
        let user = UserRow {
            id: UserId::new_v7(),
            email: format!("counselor-{:03}-{}@scale.test", n + 1, k + 1),
            display_name: format!("Counselor {}-{}", n + 1, k + 1),
            role: Role::Counselor,
            password_hash: password_hash.to_string(),
            totp_secret: None,
            disabled_at: None,
            created_at: now,
            totp_last_step: None,
        };
        let i = k as usize % CREDENTIALS.len();
        staff.push(StaffRow {
            id: StaffId::new_v7(),
            user_id: Some(user.id),
            display_name: user.display_name.clone(),
            credentials: Credentials(vec![CREDENTIALS[i].parse().map_err(internal)?]),
            npi: Some(npi_for(n * COUNSELORS_PER_SITE + k)?),
            active: true,
            created_at: now,
            requires_cosign: false,
            taxonomy: Some(TAXONOMIES[i].into()),
        });
        accounts.push(user);
    }
    bulk::insert_users(c, &accounts)?;
    for s in &staff {
        cal::insert_staff(c, s)?;
    }
    Ok(staff
        .iter()
        .zip(&accounts)
        .map(|(s, u)| (s.id, u.id))
        .collect())
}

pub(super) fn seed_site(
    c: &mut DbConn,
    ctx: &Ctx,
    n: u32,
    years: u32,
    password_hash: &str,
    rng: &mut StdRng,
) -> Result<ScaleReport> {
    let now = Instant(ctx.now());
    let (town, zone) = TOWNS[n as usize % TOWNS.len()];
    let tz = jiff::tz::TimeZone::get(zone).map_err(internal)?;
    let today = ctx.now().to_zoned(tz.clone()).date();
    let start = today
        .checked_sub(Span::new().days(365 * i64::from(years)))
        .map_err(internal)?;
    let site = SiteRow {
        id: SiteId::new_v7(),
        name: format!("{town} Recovery Center {}", n + 1),
        time_zone: zone.parse().map_err(internal)?,
        address: format!("{} Main Street, {town}", 100 + n),
        admissions_phone: format!("(555) 555-{:04}", n % 10_000),
        created_at: now,
    };
    org::insert_site(c, &site)?;
    let program =
        super::super::evening_program(site.id, &format!("evening-iop-{:03}", n + 1), start, now);
    org::insert_program(c, &program)?;
    let mut tracks = Vec::new();
    for (name, days) in [
        ("Mon/Tue/Thu A", "mon,tue,thu"),
        ("Mon/Wed/Thu A", "mon,wed,thu"),
        ("Mon/Tue/Thu B", "mon,tue,thu"),
        ("Mon/Wed/Thu B", "mon,wed,thu"),
    ] {
        let id = TrackId::new_v7();
        let weekdays = days
            .parse()
            .map_err(|e: iop_domain::calendar::NotWeekdays| internal(e))?;
        org::insert_track(
            c,
            &TrackRow {
                id,
                program_id: program.id,
                name: name.into(),
                weekdays,
                created_at: now,
            },
        )?;
        tracks.push(id);
    }
    for (i, title) in SEED_TOPICS.iter().enumerate() {
        cal::insert_topic(
            c,
            &TopicRow {
                id: TopicId::new_v7(),
                program_id: program.id,
                position: i32::try_from(i).unwrap_or(0),
                title: (*title).into(),
                active: true,
                created_at: now,
            },
        )?;
    }
    super::super::calendar::federal_holidays(c, site.id, start.year()..=today.year() + 1, now)?;
    let staff = counselors(c, n, password_hash, now)?;
    let horizon = today
        .checked_add(Span::new().weeks(i64::from(program.horizon_weeks)))
        .map_err(internal)?;
    // The generator takes at most three years at a time.
    let mut from = start;
    while from < horizon {
        let to = from
            .checked_add(Span::new().days(365))
            .map_err(internal)?
            .min(horizon);
        generate_in(c, ctx.now(), program.id, from, to)?;
        from = to;
    }
    bulk::mark_held_before(c, program.id, Day(today), now)?;
    let sessions = cal::sessions_between(c, Some(&[program.id]), Day(start), Day(horizon))?;
    let h = history::build(
        &SiteInput {
            site_no: n,
            program: &program,
            tz: &tz,
            tracks: &tracks,
            staff: &staff,
            sessions: &sessions,
            from: start,
            today,
        },
        rng,
    )?;
    // Bulk inserts take rows as they are: the search text is derived here.
    let patients: Vec<_> = h
        .patients
        .iter()
        .map(|p| iop_store::admissions::episodes::PatientRow {
            search_text: p.folded_search_text(),
            ..p.clone()
        })
        .collect();
    bulk::insert_patients(c, &patients)?;
    bulk::insert_episodes(c, &h.episodes)?;
    bulk::insert_episode_tracks(c, &h.episode_tracks)?;
    bulk::insert_assignments(c, &h.assignments)?;
    bulk::insert_attendance(c, &h.attendance)?;
    bulk::insert_notes(c, &h.notes)?;
    bulk::insert_note_entries(c, &h.entries)?;
    bulk::insert_measures(c, &h.measures)?;
    let fields: Vec<_> = h.audit.iter().map(history::Entry::fields).collect();
    audit::append(c, &fields)?;
    let count = |v: usize| u64::try_from(v).unwrap_or(u64::MAX);
    Ok(ScaleReport {
        sites: 1,
        patients: count(h.patients.len()),
        episodes: count(h.episodes.len()),
        sessions: count(sessions.len()),
        attendance: count(h.attendance.len()),
        notes: count(h.notes.len()),
        note_entries: count(h.entries.len()),
        measures: count(h.measures.len()),
        audit_entries: count(h.audit.len()),
    })
}
