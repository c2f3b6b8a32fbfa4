//! What the documentation says can be billed, before any payer is asked: each group
//! day or session a patient attended, each kept individual or family appointment, with
//! how far its note has got, who rendered it and where the patient was.

use super::charges::{payer_for, Coverages};
use crate::error::Result;
use iop_domain::appointments::{AppointmentKind, AppointmentMode, PatientLocation};
use iop_domain::billing::{
    minutes_in_session, per_diem_day, per_service, ChargeSource, Code, CodingMode, Decision,
    Documentation, PerDiemContract, Service,
};
use iop_domain::calendar::{SessionKind, SessionStatus};
use iop_domain::ids::*;
use iop_domain::notes::NoteStatus;
use iop_domain::time::{Day, Instant};
use iop_store::billing::ContractRow;
use iop_store::clinical::record::GroupNoteRow;
use iop_store::{calendar as cal, clinical::individual, clinical::record as clinical, DbConn};
use jiff::civil::Date;
use std::collections::{BTreeMap, HashMap};

/// One billable thing found in the documentation.
pub(super) struct Found {
    pub patient: PatientId,
    pub kind: ChargeSource,
    pub source: String,
    pub date: Day,
    pub decision: Decision,
    /// Where a patient seen by telehealth was; None in person.
    pub telehealth: Option<PatientLocation>,
    /// The clinician who rendered it (the note's signer, or the appointment's counselor).
    pub rendering: Option<StaffId>,
}

/// How far a note (group or individual) has got, from its stored signature fields.
fn signatures(status: NoteStatus, cosign_required: bool, cosigned: bool) -> Documentation {
    Documentation::of(status == NoteStatus::Signed, cosign_required, cosigned)
}

fn documentation(note: Option<&GroupNoteRow>) -> Documentation {
    note.map_or(Documentation::Unsigned, |n| {
        signatures(n.status, n.cosign_required, n.cosigned_at.is_some())
    })
}

/// The staff profile of the account that signed a note.
fn signer(
    c: &mut DbConn,
    note: Option<&GroupNoteRow>,
    cache: &mut HashMap<UserId, Option<StaffId>>,
) -> Result<Option<StaffId>> {
    let Some(ActorRef::User(user)) = note.and_then(|n| n.signed_by) else {
        return Ok(None);
    };
    if let Some(s) = cache.get(&user) {
        return Ok(*s);
    }
    let staff = cal::staff_by_user(c, user)?.map(|s| s.id);
    cache.insert(user, staff);
    Ok(staff)
}

/// A per-diem day: the minutes of its sessions, the least documented one, who signed.
struct Day_ {
    minutes: u32,
    doc: Documentation,
    attended: bool,
    rendering: Option<StaffId>,
}

/// Everything billable in one program's group documentation between two dates.
pub(super) fn in_program(
    c: &mut DbConn,
    program_id: ProgramId,
    contracts: &[ContractRow],
    coverages: &Coverages,
    from: Date,
    to: Date,
) -> Result<Vec<Found>> {
    let rows = clinical::attendance_between(c, program_id, Day(from), Day(to))?;
    let rules = iop_store::org::program_by_id(c, program_id)?
        .map(|p| p.rules)
        .unwrap_or_default();
    let program_minimum = u32::try_from(rules.per_diem_minimum_minutes).unwrap_or(180);
    let break_minutes = u32::try_from(rules.break_minutes).unwrap_or(0);
    let ids: Vec<SessionId> = rows.iter().map(|(a, _)| a.session_id).collect();
    let notes: HashMap<SessionId, GroupNoteRow> = clinical::notes_of_sessions(c, &ids)?
        .into_iter()
        .map(|n| (n.session_id, n))
        .collect();
    let mut relatives: HashMap<(SessionId, PatientId), u32> = HashMap::new();
    for key in iop_store::consent::relatives_present(c, &ids)? {
        *relatives.entry(key).or_default() += 1;
    }
    let mut signers = HashMap::new();
    let mut out = Vec::new();
    let mut days: BTreeMap<(PatientId, Day), Day_> = BTreeMap::new();
    for (a, s) in &rows {
        if s.kind == SessionKind::Alumni || s.status == SessionStatus::Cancelled {
            continue; // Alumni groups are free; nothing is ever charged for them.
        }
        let attended = !a.mark.is_absent();
        let note = notes.get(&s.id);
        let doc = documentation(note);
        let rendering = signer(c, note, &mut signers)?;
        let patient = a.patient_id;
        let mode =
            payer_for(coverages, contracts, patient, s.local_date).map(|(_, k)| k.coding_mode);
        if mode == Some(CodingMode::PerService) {
            let held = s.status == SessionStatus::Held;
            let decision = if s.kind == SessionKind::Family {
                let present = relatives.get(&(s.id, patient)).copied().unwrap_or(0);
                let service = Service::MultiFamilyGroup {
                    relatives_present: present,
                };
                per_service(service, held && (attended || present > 0), doc)
            } else {
                per_service(Service::CoreGroup, held && attended, doc)
            };
            out.push(Found {
                patient,
                kind: ChargeSource::Session,
                source: s.id.to_string(),
                date: s.local_date,
                decision,
                telehealth: None,
                rendering,
            });
        } else {
            // Per diem: the family night is that day's unit like a core night; no
            // family code is added on top.
            let d = days.entry((patient, s.local_date)).or_insert(Day_ {
                minutes: 0,
                doc: Documentation::Complete,
                attended: false,
                rendering: None,
            });
            if attended {
                let minutes = u32::try_from(a.minutes).unwrap_or(0);
                d.minutes += minutes_in_session(minutes, break_minutes);
                d.doc = d.doc.min(doc);
                d.attended = true;
                d.rendering = d.rendering.or(rendering);
            }
        }
    }
    for ((patient, date), d) in days {
        let contract = payer_for(coverages, contracts, patient, date).map(|(_, k)| k);
        let per_diem = PerDiemContract {
            code: contract.map_or(Code::H0015, |k| k.per_diem_code),
            minimum_minutes: contract.map_or(program_minimum, |k| {
                u32::try_from(k.minimum_minutes).unwrap_or(program_minimum)
            }),
        };
        let decision = if d.attended {
            per_diem_day(SessionKind::Core, Some(d.minutes), d.doc, &per_diem)
        } else {
            Decision::Nothing
        };
        out.push(Found {
            patient,
            kind: ChargeSource::Day,
            source: date.to_string(),
            date,
            decision,
            telehealth: None,
            rendering: d.rendering,
        });
    }
    Ok(out)
}

/// Kept individual and family appointments whose local date falls in [from, to], with
/// their program; a per-diem contract's rate already includes them, so only those under
/// a per-service contract (or the self-pay card) are returned.
pub(super) fn in_appointments(
    c: &mut DbConn,
    coverages: &Coverages,
    from: Date,
    to: Date,
) -> Result<Vec<(Found, ProgramId)>> {
    // A day either side: the local date is only known in the patient's zone.
    let wide_from = Instant(crate::clock::utc_start(from)? - jiff::SignedDuration::from_hours(24));
    let wide_to = Instant(crate::clock::utc_start(to)? + jiff::SignedDuration::from_hours(48));
    let mut out = Vec::new();
    for (a, note) in individual::kept_between(c, wide_from, wide_to)? {
        let Ok((_, pc)) = crate::clinical::individual::patient_program(c, a.patient_id) else {
            continue;
        };
        let day = a.starts_at.0.to_zoned(pc.tz.clone()).date();
        if day < from || day > to {
            continue;
        }
        let contracts = iop_store::billing::contracts_of(c, pc.program.id)?;
        let date = Day(day);
        let payer = payer_for(coverages, &contracts, a.patient_id, date);
        if payer.is_some_and(|(_, k)| k.coding_mode == CodingMode::PerDiem) {
            continue;
        }
        let doc = note.as_ref().map_or(Documentation::Unsigned, |n| {
            signatures(n.status, n.cosign_required, n.cosigned_at.is_some())
        });
        let minutes = note
            .as_ref()
            .map_or(0, |n| u32::try_from(n.minutes).unwrap_or(0));
        let service = match a.kind {
            AppointmentKind::Individual => Service::Individual {
                face_to_face_minutes: minutes,
            },
            AppointmentKind::Family | AppointmentKind::FamilyWithoutPatient => Service::Conjoint {
                patient_present: a.kind == AppointmentKind::Family,
                face_to_face_minutes: minutes,
            },
        };
        let decision = match note {
            // Minutes are unknown until the note records them: it waits for the note.
            None => Decision::Pending(vec![iop_domain::billing::Hold::Unsigned(
                iop_domain::billing::NoteOf::Session,
            )]),
            Some(_) => per_service(service, true, doc),
        };
        let telehealth = (a.mode == AppointmentMode::Telehealth).then(|| {
            note.as_ref()
                .and_then(|n| n.patient_location)
                .unwrap_or(PatientLocation::Home)
        });
        let found = Found {
            patient: a.patient_id,
            kind: ChargeSource::Appointment,
            source: a.id.to_string(),
            date,
            decision,
            telehealth,
            rendering: Some(a.staff_id),
        };
        out.push((found, pc.program.id));
    }
    Ok(out)
}
