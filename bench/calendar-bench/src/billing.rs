//! Billing at scale: charges from four weeks of documented groups at every program, and
//! one 837P batch of 10,000 claims.

use iop_app::billing::setup::NewContract;
use iop_app::{App, Ctx, RequestMeta, Store};
use iop_domain::calendar::{SessionKind, SessionStatus};
use iop_domain::hours::Mark;
use iop_domain::ids::{ActorRef, AttendanceId, NoteId};
use iop_domain::notes::NoteStatus;
use iop_domain::time::{Day, Instant as At};
use iop_domain::Cents;
use iop_interop::x12::{
    self, Address, Batch, BillingProvider, Claim, Frequency, Line, Payer, Receiver, Sex, Submitter,
    Subscriber, Usage,
};
use iop_store::clinical::record::{self as clinical, AttendanceRow, GroupNoteRow};
use std::time::Instant;

type Res<T> = Result<T, Box<dyn std::error::Error>>;

/// Every core session of the next four weeks attended in full by its expected
/// patients, with a signed group note; a self-pay rate card at every program.
fn document(
    app: &App,
    store: &Store,
    programs: &[iop_domain::ids::ProgramId],
    today: jiff::civil::Date,
) -> Res<usize> {
    let ctx = Ctx::system(RequestMeta::cli(jiff::Timestamp::now()));
    let to = today.checked_add(jiff::Span::new().days(27))?;
    for p in programs {
        app.add_contract(
            &ctx,
            NewContract {
                program_id: *p,
                payer_id: None,
                coding_mode: iop_domain::billing::CodingMode::PerDiem,
                per_diem_code: "H0015".into(),
                minimum_minutes: 180,
                fees: [("H0015".to_string(), 25_000)].into_iter().collect(),
                place_of_service: "57".into(),
                modifiers: Vec::new(),
                authorization_required: false,
                effective_from: today,
                effective_to: None,
                telehealth_modifier_95: false,
            },
        )
        .map_err(|e| format!("{e:?}"))?;
    }
    let now = At(jiff::Timestamp::now());
    let rows = store.write(|c| -> Res<usize> {
        let mut n = 0;
        let sessions =
            iop_store::calendar::sessions_between(c, Some(programs), Day(today), Day(to))?;
        let (_, periods) =
            iop_store::admissions::episodes::episodes_with_tracks(c, programs, None)?;
        let eps: Vec<(
            iop_domain::ids::PatientId,
            iop_domain::ids::ProgramId,
            iop_domain::ids::TrackId,
        )> = iop_store::admissions::episodes::episodes_with_tracks(c, programs, None)?
            .0
            .into_iter()
            .filter_map(|e| {
                Some((
                    e.patient_id,
                    e.program_id,
                    periods.iter().find(|p| p.episode_id == e.id)?.track_id,
                ))
            })
            .collect();
        for s in sessions
            .iter()
            .filter(|s| s.kind == SessionKind::Core && s.status != SessionStatus::Cancelled)
        {
            for (patient, _, _) in eps
                .iter()
                .filter(|(_, prog, track)| *prog == s.program_id && Some(*track) == s.track_id)
            {
                clinical::upsert_attendance(
                    c,
                    &AttendanceRow {
                        id: AttendanceId::new_v7(),
                        session_id: s.id,
                        patient_id: *patient,
                        mark: Mark::Present,
                        minutes: 180,
                        recorded_by: ActorRef::System,
                        recorded_at: now,
                    },
                )?;
                n += 1;
            }
            clinical::insert_note(
                c,
                &GroupNoteRow {
                    id: NoteId::new_v7(),
                    session_id: s.id,
                    topic: "Bench".into(),
                    interventions: "-".into(),
                    group_process: "-".into(),
                    status: NoteStatus::Signed,
                    author_id: ActorRef::System,
                    signed_by: Some(ActorRef::System),
                    signed_at: Some(now),
                    created_at: now,
                    updated_at: now,
                    cosign_required: false,
                    cosigned_by: None,
                    cosigned_at: None,
                },
            )?;
        }
        Ok(n)
    })?;
    Ok(rows)
}

fn claims(n: usize) -> Res<Batch> {
    let addr = Address {
        line: "100 River Road".into(),
        city: "Louisville".into(),
        state: "KY".into(),
        zip: "402021234".into(),
    };
    let day = jiff::civil::date(2026, 11, 2);
    let claims = (0..n)
        .map(|i| Claim {
            claim_id: format!("IOP{i:07}"),
            place_of_service: "57".into(),
            frequency: Frequency::Original,
            prior_authorization: None,
            diagnoses: vec!["F1020".into()],
            subscriber: Subscriber {
                last: "DOE".into(),
                first: format!("PAT{i}"),
                member_id: format!("M{i:09}"),
                group_number: None,
                address: addr.clone(),
                dob: jiff::civil::date(1980, 1, 1),
                sex: Sex::Unknown,
            },
            patient: None,
            payer: Payer {
                name: "BLUEGRASS HEALTH PLAN".into(),
                payer_id: "60054".into(),
                filing_indicator: "CI".into(),
            },
            rendering_provider: None,
            lines: (0..12)
                .map(|k| Line {
                    procedure_code: "H0015".into(),
                    modifiers: Vec::new(),
                    charge: Cents(45_000),
                    units: 1,
                    date: day.checked_add(jiff::Span::new().days(k)).unwrap_or(day),
                    diagnosis_pointers: vec![1],
                    place_of_service: None,
                    prior_authorization: None,
                    line_control: Some(format!("L{i}X{k}")),
                })
                .collect(),
        })
        .collect();
    Ok(Batch {
        interchange_control_number: 1,
        group_control_number: 1,
        transaction_control_number: 1,
        created: jiff::civil::date(2026, 11, 27).at(9, 0, 0, 0),
        usage: Usage::Test,
        submitter: Submitter {
            name: "RIVERSIDE".into(),
            id: "RIVERSIDE01".into(),
            contact_name: "BILLING".into(),
            phone: "5025550142".into(),
        },
        receiver: Receiver {
            name: "CLEARINGHOUSE".into(),
            id: "BGCH".into(),
        },
        billing_provider: BillingProvider {
            name: "RIVERSIDE RECOVERY CENTER".into(),
            npi: "1543219871".into(),
            tax_id: "611234567".into(),
            address: addr,
        },
        claims,
    })
}

pub fn run(
    app: &App,
    store: &Store,
    programs: &[iop_domain::ids::ProgramId],
    today: jiff::civil::Date,
) -> Res<()> {
    let attended = document(app, store, programs, today)?;
    // Timed steps run on planner statistics as autovacuum leaves them a minute after a
    // bulk load; right after one, PostgreSQL plans on empty tables (docs/benchmarks.md).
    store.refresh_statistics()?;
    let ctx = Ctx::system(RequestMeta::cli(jiff::Timestamp::now()));
    let to = today.checked_add(jiff::Span::new().days(27))?;
    let t = Instant::now();
    let first = app
        .generate_charges(&ctx, today, to)
        .map_err(|e| format!("{e:?}"))?;
    let gen = t.elapsed();
    store.refresh_statistics()?;
    let t = Instant::now();
    let again = app
        .generate_charges(&ctx, today, to)
        .map_err(|e| format!("{e:?}"))?;
    let regen = t.elapsed();
    println!(
        "charges from 4 weeks of documented groups, {} programs ({attended} attendances): {} ready, {} pending in {:.2?}; again (no change, {} unchanged) {:.2?}",
        programs.len(),
        first.ready,
        first.pending,
        gen,
        again.unchanged,
        regen
    );
    crate::remit::run(app, store, Day(today), Day(to))?;
    let batch = claims(10_000)?;
    let t = Instant::now();
    let file = x12::write_837p(&batch).map_err(|e| format!("{e}"))?;
    let write = t.elapsed();
    let t = Instant::now();
    let tokens = x12::tokenize(&file)?;
    x12::transactions(&tokens)?;
    let read = t.elapsed();
    println!(
        "837P batch of 10,000 claims x 12 lines: written in {:.2?} ({:.1} MB); tokenized and envelope-checked in {:.2?}",
        write,
        file.len() as f64 / 1e6,
        read
    );
    Ok(())
}
