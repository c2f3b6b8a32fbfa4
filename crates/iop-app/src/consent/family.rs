//! The family group: its roster is the week's patients and those of their relatives
//! whom a valid, unrevoked consent names at the session's start. A relative without one
//! cannot be added, and the roster says why. Marking a relative present is a disclosure.

use crate::audit::{record, Event};
use crate::consent::disclosures::{disclose, Outgoing, PatientGate};
use crate::ctx::Ctx;
use crate::error::{AppError, Result};
use crate::policy::Action;
use crate::App;
use iop_domain::calendar::SessionKind;
use iop_domain::calendar::SessionStatus;
use iop_domain::consent::{InfoKind, Recipient};
use iop_domain::ids::SessionId;
use iop_domain::ids::*;
use iop_domain::time::Instant;
use iop_store::consent::{self as store, FamilyAttendanceRow};
use iop_store::DbConn;

/// What a relative in the family group learns: that the patient is in treatment, and
/// what is shared in the group.
pub const FAMILY_KINDS: [InfoKind; 2] = [InfoKind::Enrollment, InfoKind::FamilyParticipation];

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct FamilyLine {
    pub related_person_id: RelatedPersonId,
    pub patient_id: PatientId,
    pub patient_name: String,
    pub name: String,
    pub relationship: String,
    /// Covered by a valid consent at the session's start.
    pub allowed: bool,
    pub consent_id: Option<ConsentId>,
    pub consent_version: Option<i32>,
    /// Why they are not on the roster.
    pub reason: Option<String>,
    pub present: Option<bool>,
}

/// Every relative of the session's patients, with whether they may attend.
pub(crate) fn family_lines(
    c: &mut DbConn,
    roster: &crate::clinical::roster::Roster,
) -> Result<Vec<FamilyLine>> {
    if roster.session.kind != SessionKind::Family {
        return Ok(Vec::new());
    }
    let ids: Vec<PatientId> = roster.lines.iter().map(|l| l.patient_id).collect();
    let marks = store::family_attendance_of(c, roster.session.id)?;
    let mut out = Vec::new();
    // Each patient's consents are read once, however many relatives they bring.
    let mut gates: std::collections::HashMap<_, PatientGate> = Default::default();
    for p in store::persons_of(c, &ids)? {
        if let std::collections::hash_map::Entry::Vacant(e) = gates.entry(p.patient_id) {
            let g = PatientGate::load(c, p.patient_id, roster.session.starts_at)?;
            e.insert(g);
        }
        let gate = gates
            .get(&p.patient_id)
            .ok_or_else(|| AppError::Internal("gate".into()))?;
        let mut verdict = None;
        for kind in FAMILY_KINDS {
            let v = gate.ask(&Recipient::Person(p.id), kind);
            if v.is_err() || verdict.is_none() {
                verdict = Some(v);
            }
        }
        let patient_name = roster
            .lines
            .iter()
            .find(|l| l.patient_id == p.patient_id)
            .map(|l| l.name.clone())
            .unwrap_or_default();
        let (allowed, consent_id, consent_version, reason) = match verdict {
            Some(Ok(g)) => (true, Some(g.consent_id), Some(g.version), None),
            Some(Err(why)) => (false, None, None, Some(why.to_string())),
            None => (
                false,
                None,
                None,
                Some("no signed consent names them".into()),
            ),
        };
        out.push(FamilyLine {
            present: marks
                .iter()
                .find(|m| m.related_person_id == p.id)
                .map(|m| m.present),
            related_person_id: p.id,
            patient_id: p.patient_id,
            patient_name,
            name: p.name,
            relationship: p.relationship,
            allowed,
            consent_id,
            consent_version,
            reason,
        });
    }
    out.sort_by(|a, b| (&a.patient_name, &a.name).cmp(&(&b.patient_name, &b.name)));
    Ok(out)
}

impl App {
    /// Records which relatives came to a family group. A relative whom no valid consent
    /// names at the session's start is refused with the reason; each relative marked
    /// present for the first time is a disclosure, logged under the consent.
    pub fn record_family_attendance(
        &self,
        ctx: &Ctx,
        session_id: SessionId,
        marks: Vec<(RelatedPersonId, bool)>,
    ) -> Result<()> {
        ctx.require(Action::RecordAttendance)?;
        self.store.write(|c| {
            crate::scope::require_session(c, ctx, session_id)?;
            for done in family_attendance_in(c, ctx, session_id, &marks)? {
                let subject = format!("related_person:{}", done.related_person_id);
                let mut event = Event::ok("clinical.family_attendance")
                    .subject(&subject)
                    .detail(serde_json::json!({ "session": session_id, "present": done.present }));
                event.patient_id = Some(done.patient_id);
                record(c, ctx, event)?;
            }
            Ok(())
        })
    }
}

/// One relative's mark as stored by [`family_attendance_in`].
pub(crate) struct FamilyMarkDone {
    pub related_person_id: RelatedPersonId,
    pub patient_id: PatientId,
    pub present: bool,
}

/// Checks and stores a family group's relatives in the caller's transaction (scope
/// already checked), logging each first presence as a disclosure; the caller audits.
pub(crate) fn family_attendance_in(
    c: &mut DbConn,
    ctx: &Ctx,
    session_id: SessionId,
    marks: &[(RelatedPersonId, bool)],
) -> Result<Vec<FamilyMarkDone>> {
    let actor = ctx.actor_ref();
    let roster = crate::clinical::roster::load_roster(c, session_id)?;
    if roster.session.kind != SessionKind::Family {
        return Err(AppError::Invalid(
            "relatives attend the family group only".into(),
        ));
    }
    if roster.session.status == SessionStatus::Cancelled {
        return Err(AppError::Conflict(format!(
            "session {session_id} is cancelled"
        )));
    }
    if roster.session.starts_at > ctx.now() {
        return Err(AppError::Invalid(
            "attendance is taken once the session has started".into(),
        ));
    }
    let lines = family_lines(c, &roster)?;
    let mut done = Vec::new();
    for (relative, present) in marks {
        let present = *present;
        let line = lines
            .iter()
            .find(|l| l.related_person_id == *relative)
            .ok_or_else(|| {
                AppError::Invalid(format!(
                    "relative {relative} is not a relative of a patient in this group"
                ))
            })?;
        if !line.allowed {
            return Err(AppError::Conflict(format!(
                "relative {relative} cannot join this family group: {}",
                line.reason.as_deref().unwrap_or("no consent")
            )));
        }
        let consent_id = line
            .consent_id
            .ok_or_else(|| AppError::Internal("an allowed relative without a consent".into()))?;
        let was_present = store::upsert_family_attendance(
            c,
            &FamilyAttendanceRow {
                id: FamilyAttendanceId::new_v7(),
                session_id,
                related_person_id: *relative,
                patient_id: line.patient_id,
                present,
                consent_id,
                recorded_by: actor,
                recorded_at: Instant(ctx.now()),
            },
        )?;
        if present && !was_present {
            let subject = format!("session:{session_id}");
            disclose(
                c,
                ctx,
                &Outgoing {
                    patient_id: line.patient_id,
                    recipient: &Recipient::Person(*relative),
                    recipient_name: &line.name,
                    kinds: &FAMILY_KINDS,
                    purpose: "family involvement in treatment (family group)",
                    channel: iop_domain::consent::DisclosureChannel::FamilyGroup,
                    subject: Some(&subject),
                    as_of: Some(roster.session.starts_at),
                },
            )?;
        }
        done.push(FamilyMarkDone {
            related_person_id: *relative,
            patient_id: line.patient_id,
            present,
        });
    }
    Ok(done)
}
