//! Counselors work with their own patients and groups; clinical directors with everyone
//! (DESIGN §1). A counselor's patients are those they are primary counselor for, those
//! on the roster of a group they facilitate during the episode (the patient's core track,
//! or the family group), make-ups in their groups, and those they see individually.

use crate::ctx::Ctx;
use crate::error::{AppError, Result};
use iop_domain::calendar::SessionKind;
use iop_domain::ids::SessionId;
use iop_domain::ids::*;
use iop_domain::Role;
use iop_store::{
    admissions::episodes, calendar as cal, clinical::individual, clinical::record as clinical,
    DbConn,
};

const OUTSIDE: AppError =
    AppError::Forbidden("work with patients outside your caseload and groups");

/// The counselor's staff id, or None when the caller is not a counselor (no limit).
fn counselor_staff(c: &mut DbConn, ctx: &Ctx) -> Result<Option<StaffId>> {
    match ctx.actor() {
        Some(a) if a.role == Role::Counselor => match cal::staff_by_user(c, a.user_id)? {
            Some(s) => Ok(Some(s.id)),
            None => Err(OUTSIDE),
        },
        _ => Ok(None),
    }
}

fn is_mine(c: &mut DbConn, staff_id: StaffId, patient_id: PatientId) -> Result<bool> {
    let eps = episodes::episodes_with_patient_id(c, patient_id)?;
    if eps.iter().any(|e| e.primary_counselor_id == Some(staff_id)) {
        return Ok(true);
    }
    if individual::appointments_of_patient(c, patient_id)?
        .iter()
        .any(|a| a.staff_id == staff_id)
    {
        return Ok(true);
    }
    let program_ids: Vec<_> = eps.iter().map(|e| e.program_id).collect();
    let (_, periods) = episodes::episodes_with_tracks(c, &program_ids)?;
    for e in &eps {
        let until = e.ended_on.unwrap_or(e.planned_end_date);
        let tracks: Vec<_> = periods.iter().filter(|p| p.episode_id == e.id).collect();
        for s in cal::sessions_of_staff(c, staff_id, e.admit_date, until)? {
            if s.program_id != e.program_id {
                continue;
            }
            let on_track = tracks.iter().any(|p| {
                Some(&p.track_id) == s.track_id.as_ref()
                    && p.from_date <= s.local_date
                    && p.to_date.is_none_or(|t| s.local_date < t)
            });
            if s.kind == SessionKind::Family || (s.kind == SessionKind::Core && on_track) {
                return Ok(true);
            }
            if clinical::makeups_of_session(c, s.id)?
                .iter()
                .any(|m| m.patient_id == patient_id)
            {
                return Ok(true);
            }
        }
    }
    Ok(false)
}

/// Refuses a counselor a patient outside their caseload and groups (a patient who does
/// not exist is not found, for everyone).
pub(crate) fn require_patient(c: &mut DbConn, ctx: &Ctx, patient_id: PatientId) -> Result<()> {
    episodes::patient_by_id(c, patient_id)?
        .ok_or_else(|| AppError::NotFound(format!("patient {patient_id}")))?;
    match counselor_staff(c, ctx)? {
        Some(staff) if !is_mine(c, staff, patient_id)? => Err(OUTSIDE),
        _ => Ok(()),
    }
}

/// Refuses a counselor a group they do not facilitate.
pub(crate) fn require_session(c: &mut DbConn, ctx: &Ctx, session_id: SessionId) -> Result<()> {
    cal::session_by_id(c, session_id)?
        .ok_or_else(|| AppError::NotFound(format!("session {session_id}")))?;
    match counselor_staff(c, ctx)? {
        Some(staff) => {
            let mine = cal::current_assignments(c, &[session_id])?
                .iter()
                .any(|a| a.staff_id == staff);
            if mine {
                Ok(())
            } else {
                Err(AppError::Forbidden(
                    "work with a group you do not facilitate",
                ))
            }
        }
        None => Ok(()),
    }
}
