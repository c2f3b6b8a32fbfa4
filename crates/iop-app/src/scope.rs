//! Who a counselor may work with: their **caseload**, defined once here and used by every
//! use case that touches a patient (chart, episode changes, census, search; the portal and
//! FHIR are to use it too). Clinical directors, and roles whose actions the policy table
//! already limits, are not limited by caseload (DESIGN §1).
//!
//! A counselor's caseload is every patient who
//! - has an episode naming them primary counselor,
//! - has an individual appointment with them, or
//! - was on the roster of a core group they facilitated that has begun (expected on the
//!   track that night during the episode, marked in, or made up into it).
//!
//! Facilitating a family group gives no chart access: the facilitator works with that
//! session (roster, attendance, note) from 24 hours before it starts until its note is
//! signed, and no longer.

use crate::ctx::Ctx;
use crate::error::{AppError, Result};
use iop_domain::calendar::SessionKind;
use iop_domain::ids::*;
use iop_domain::time::Instant;
use iop_domain::Role;
use iop_store::{calendar as cal, caseload as store, clinical::record as clinical, DbConn};
use std::collections::BTreeSet;

/// How long before a family group its facilitator may open it.
pub const FAMILY_GROUP_LEAD: jiff::SignedDuration = jiff::SignedDuration::from_hours(24);

/// The patients a caller may work with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Caseload {
    /// Not limited by caseload (the policy table still limits what the role may do).
    Everyone,
    Only(BTreeSet<PatientId>),
}

impl Caseload {
    pub fn contains(&self, patient: PatientId) -> bool {
        match self {
            Caseload::Everyone => true,
            Caseload::Only(set) => set.contains(&patient),
        }
    }
}

/// The counselor's staff id, or None when the caller is not a counselor (no limit).
/// A counselor without a staff profile has Some(None): an empty caseload.
fn counselor_staff(c: &mut DbConn, ctx: &Ctx) -> Result<Option<Option<StaffId>>> {
    match ctx.actor() {
        Some(a) if a.role == Role::Counselor => {
            Ok(Some(cal::staff_by_user(c, a.user_id)?.map(|s| s.id)))
        }
        _ => Ok(None),
    }
}

/// The caseload of one staff member at `now` (see the module comment).
pub fn caseload_of_staff(
    c: &mut DbConn,
    staff: StaffId,
    now: Instant,
) -> Result<BTreeSet<PatientId>> {
    let mut set: BTreeSet<PatientId> = store::primary_patients(c, staff)?.into_iter().collect();
    set.extend(store::individual_patients(c, staff)?);
    let groups = store::groups_facilitated(c, staff, now)?;
    let ids: Vec<SessionId> = groups.iter().map(|g| g.0).collect();
    set.extend(store::marked_or_made_up(c, &ids)?);
    let tracks: BTreeSet<TrackId> = groups.iter().filter_map(|g| g.1).collect();
    let tracks: Vec<TrackId> = tracks.into_iter().collect();
    for (period, patient, first, last) in store::periods_on_tracks(c, &tracks)? {
        let expected = groups.iter().any(|(_, track, day)| {
            *track == Some(period.track_id)
                && period.from_date <= *day
                && period.to_date.is_none_or(|to| *day < to)
                && first <= *day
                && *day <= last
        });
        if expected {
            set.insert(patient);
        }
    }
    Ok(set)
}

/// The caller's caseload: the one rule for the census, search, charts and episodes.
pub fn caseload(c: &mut DbConn, ctx: &Ctx) -> Result<Caseload> {
    // A portal account reaches its own patient and no one else, wherever it asks from.
    if let Some(p) = ctx.portal_actor() {
        return Ok(Caseload::Only(BTreeSet::from([p.patient_id])));
    }
    Ok(match counselor_staff(c, ctx)? {
        None => Caseload::Everyone,
        Some(None) => Caseload::Only(BTreeSet::new()),
        Some(Some(staff)) => Caseload::Only(caseload_of_staff(c, staff, Instant(ctx.now()))?),
    })
}

/// Refuses a counselor a patient outside their caseload (a patient who does not exist
/// is not found, for everyone). The refusal carries the patient for its audit row.
pub(crate) fn require_patient(c: &mut DbConn, ctx: &Ctx, patient_id: PatientId) -> Result<()> {
    // In the portal another patient does not exist: the same answer as an unknown id.
    if ctx
        .portal_actor()
        .is_some_and(|p| p.patient_id != patient_id)
    {
        return Err(crate::portal::not_found());
    }
    iop_store::admissions::episodes::patient_by_id(c, patient_id)?
        .ok_or_else(|| AppError::NotFound(format!("patient {patient_id}")))?;
    if caseload(c, ctx)?.contains(patient_id) {
        Ok(())
    } else {
        Err(AppError::OutOfScope {
            what: "work with a patient outside your caseload",
            patient_id: Some(patient_id),
        })
    }
}

/// Refuses a counselor a group they do not facilitate, and a family group outside its
/// window (from 24 hours before it starts until its note is signed).
pub(crate) fn require_session(c: &mut DbConn, ctx: &Ctx, session_id: SessionId) -> Result<()> {
    let session = cal::session_by_id(c, session_id)?
        .ok_or_else(|| AppError::NotFound(format!("session {session_id}")))?;
    if ctx.portal_actor().is_some() {
        return Err(AppError::NotFound(format!("session {session_id}")));
    }
    let staff = match counselor_staff(c, ctx)? {
        None => return Ok(()),
        Some(staff) => staff,
    };
    let refused = |what| AppError::OutOfScope {
        what,
        patient_id: None,
    };
    let mine = match staff {
        Some(staff) => cal::current_assignments(c, &[session_id])?
            .iter()
            .any(|a| a.staff_id == staff),
        None => false,
    };
    if !mine {
        return Err(refused("work with a group you do not facilitate"));
    }
    if session.kind == SessionKind::Family {
        let opens = session.starts_at.0.checked_sub(FAMILY_GROUP_LEAD);
        if opens.is_ok_and(|opens| ctx.now() < opens) {
            return Err(refused(
                "open a family group more than 24 hours before it starts",
            ));
        }
        let signed =
            clinical::note_of_session(c, session_id)?.is_some_and(|n| n.signed_at.is_some());
        if signed {
            return Err(refused(
                "open a family group after its note is signed (ask the clinical director)",
            ));
        }
    }
    Ok(())
}
