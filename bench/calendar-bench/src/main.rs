//! `calendar-bench [DATABASE_URL]`: 100 sites, each with one program of two tracks and
//! twelve patients in treatment; times generating one year of sessions for all 100
//! programs, the staffing view over every site's next 14 days, the live census, charge
//! generation from four weeks of documented groups, and writing one 837P batch of
//! 10,000 claims. SQLite in a temporary directory unless a PostgreSQL URL is given.

mod billing;
mod remit;

use iop_app::{App, AppSettings, Ctx, RequestMeta, Store};
use iop_domain::time::{Day, Instant as At};
use iop_store::admissions::episodes::{self, EpisodeRow, EpisodeTrackRow, PatientRow};
use iop_store::org::{self, ProgramRow, SiteRow, TrackRow};
use std::time::Instant;

const SITES: usize = 100;
const PATIENTS: usize = 12;

/// A new time-ordered id of whatever kind the row needs.
fn id<T: From<uuid::Uuid>>() -> T {
    T::from(uuid::Uuid::now_v7())
}

// The seed's literals (a zone name, day lists) are valid by construction.
#[allow(clippy::expect_used)]
fn seed(
    c: &mut iop_store::DbConn,
    today: jiff::civil::Date,
    now: At,
) -> Result<Vec<iop_domain::ids::ProgramId>, iop_store::StoreError> {
    let mut programs = Vec::new();
    for s in 0..SITES {
        let site = SiteRow {
            id: id(),
            name: format!("Site {s}"),
            time_zone: "America/New_York".parse().expect("zone"),
            address: "-".into(),
            admissions_phone: "-".into(),
            created_at: now,
        };
        org::insert_site(c, &site)?;
        let program = ProgramRow {
            id: id(),
            site_id: site.id,
            slug: format!("p{s}"),
            name: format!("Program {s}"),
            level_of_care: iop_domain::admissions::LevelOfCare::IntensiveOutpatient,
            session_start: iop_domain::time::ClockTime(jiff::civil::time(18, 0, 0, 0)),
            session_minutes: 180,
            min_weeks: 7,
            max_weeks: 9,
            max_patients_per_facilitator: 6,
            family_every_weeks: 2,
            family_minutes: 180,
            alumni_weekday: iop_domain::calendar::WeekdayCode(jiff::civil::Weekday::Wednesday),
            created_at: now,
            family_weekday: iop_domain::calendar::WeekdayCode(jiff::civil::Weekday::Thursday),
            family_anchor: Day(jiff::civil::date(2026, 1, 5)),
            alumni_minutes: 90,
            horizon_weeks: 12,
            minors_need_parent_consent: false,
            age_of_majority: iop_domain::consent::DEFAULT_AGE_OF_MAJORITY,
            privacy_notice_version: iop_domain::consent::DEFAULT_PRIVACY_NOTICE_VERSION.into(),
            rules: org::ProgramRules::default(),
        };
        org::insert_program(c, &program)?;
        let mut tracks = Vec::new();
        for (name, days) in [
            ("Mon/Tue/Thu", "mon,tue,thu"),
            ("Mon/Wed/Thu", "mon,wed,thu"),
        ] {
            let t = TrackRow {
                id: id(),
                program_id: program.id,
                name: name.into(),
                weekdays: days.parse().expect("weekdays"),
                created_at: now,
            };
            org::insert_track(c, &t)?;
            tracks.push(t.id);
        }
        for (i, title) in iop_domain::curriculum::SEED_TOPICS.iter().enumerate() {
            iop_store::calendar::insert_topic(
                c,
                &iop_store::calendar::TopicRow {
                    id: id(),
                    program_id: program.id,
                    position: i as i32,
                    title: (*title).into(),
                    active: true,
                    created_at: now,
                },
            )?;
        }
        for p in 0..PATIENTS {
            let pid = iop_domain::ids::PatientId::new_v7();
            episodes::insert_patient(
                c,
                &PatientRow {
                    id: pid,
                    mrn: format!("B{s}-{p}"),
                    legal_first_name: "A".into(),
                    legal_last_name: "B".into(),
                    preferred_name: None,
                    date_of_birth: Day(jiff::civil::date(1980, 1, 1)),
                    created_at: now,
                    phone: None,
                    email: None,
                    address: None,
                    emergency_contact_name: None,
                    emergency_contact_phone: None,
                    minor_self_consent: false,
                    sex: iop_domain::admissions::Sex::Unknown,
                    address_line: None,
                    city: None,
                    state: None,
                    zip: None,
                    search_text: String::new(),
                },
            )?;
            let eid: iop_domain::ids::EpisodeId = id();
            episodes::insert_episode(
                c,
                &EpisodeRow {
                    id: eid,
                    patient_id: pid,
                    program_id: program.id,
                    admit_date: Day(today),
                    planned_end_date: Day(today),
                    status: iop_domain::roster::EpisodeStatus::Active,
                    ended_on: None,
                    created_at: now,
                    inquiry_id: None,
                    primary_counselor_id: None,
                    level_of_care: iop_domain::admissions::LevelOfCare::IntensiveOutpatient,
                    diagnoses: "F10.20".parse().unwrap_or_default(),
                    ratio_override_reason: None,
                    end_reason: None,
                    end_summary: None,
                    extension_reason: None,
                },
            )?;
            episodes::insert_episode_track(
                c,
                &EpisodeTrackRow {
                    id: id(),
                    episode_id: eid,
                    track_id: tracks[p % 2],
                    from_date: Day(today),
                    to_date: None,
                },
            )?;
        }
        programs.push(program.id);
    }
    Ok(programs)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::temp_dir().join(format!("iop-calbench-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir)?;
    let url = std::env::args()
        .nth(1)
        .unwrap_or_else(|| dir.join("iop.sqlite3").to_string_lossy().into_owned());
    let store = Store::open(&url, 4)?;
    store.migrate()?;
    let app = App::new(store.clone(), AppSettings::default());
    let now = jiff::Timestamp::now();
    let today = now
        .to_zoned(jiff::tz::TimeZone::get("America/New_York")?)
        .date();
    let programs = store.write(|c| seed(c, today, At(now)))?;
    let ctx = Ctx::system(RequestMeta::cli(now));
    let end = today.checked_add(jiff::Span::new().days(364))?;
    // As in billing.rs: timed steps see the statistics autovacuum would have left.
    store.refresh_statistics()?;
    // A running server's first page fills its copy of the organisation rows, which
    // writes then use; without a read first, every timed write would query them.
    app.sessions(&ctx, today, today, None)
        .map_err(|e| format!("{e:?}"))?;

    let t = Instant::now();
    let mut created = 0;
    for p in &programs {
        created += app
            .generate_sessions(&ctx, *p, Some(today), Some(end))
            .map_err(|e| format!("{e:?}"))?
            .created;
    }
    let gen = t.elapsed();
    store.refresh_statistics()?;
    let t = Instant::now();
    for p in &programs {
        app.generate_sessions(&ctx, *p, Some(today), Some(end))
            .map_err(|e| format!("{e:?}"))?;
    }
    let regen = t.elapsed();

    let to = today.checked_add(jiff::Span::new().days(13))?;
    let mut runs = Vec::new();
    let mut rows = 0;
    for _ in 0..7 {
        let t = Instant::now();
        rows = app
            .staffing_view(&ctx, today, to, None)
            .map_err(|e| format!("{e:?}"))?
            .len();
        runs.push(t.elapsed());
    }
    runs.sort();
    let mut census_runs = Vec::new();
    for _ in 0..7 {
        let t = Instant::now();
        let c = app.census(&ctx, None).map_err(|e| format!("{e:?}"))?;
        census_runs.push(t.elapsed());
        if c.iter().map(|p| p.active).sum::<usize>() != SITES * PATIENTS {
            return Err("the census does not count every patient".into());
        }
    }
    census_runs.sort();
    println!(
        "backend: {}",
        if url.starts_with("postgres") {
            "postgres"
        } else {
            "sqlite"
        }
    );
    println!(
        "generate 1 year x {SITES} programs: {created} sessions in {:.2?} ({:.0} sessions/s)",
        gen,
        created as f64 / gen.as_secs_f64()
    );
    println!(
        "regenerate (no change) 1 year x {SITES} programs: {:.2?}",
        regen
    );
    println!("staffing view, {SITES} sites, next 14 days: {rows} sessions; median {:.2?}, max {:.2?} (7 runs)", runs[3], runs[6]);
    println!(
        "live census, {SITES} programs, {} patients: median {:.2?}, max {:.2?} (7 runs)",
        SITES * PATIENTS,
        census_runs[3],
        census_runs[6]
    );
    billing::run(&app, &store, &programs, today)?;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
