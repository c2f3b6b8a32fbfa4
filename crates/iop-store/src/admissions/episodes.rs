//! Patients and episodes of care, as far as the calendar needs them: who is expected
//! at which session.

use crate::db::{DbConn, Result};
use crate::schema::{episode_tracks, episodes, patients};
use diesel::prelude::*;
use iop_domain::ids::PatientId;
use iop_domain::ids::*;
use iop_domain::roster::EpisodeStatus;
use iop_domain::time::{Day, Instant};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = patients)]
pub struct PatientRow {
    pub id: PatientId,
    pub mrn: String,
    pub legal_first_name: String,
    pub legal_last_name: String,
    pub preferred_name: Option<String>,
    pub date_of_birth: Day,
    pub created_at: Instant,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub emergency_contact_name: Option<String>,
    pub emergency_contact_phone: Option<String>,
    /// A minor who consented to their own treatment: only they consent to disclosure.
    pub minor_self_consent: bool,
    /// F, M or U (claims need it).
    pub sex: iop_domain::admissions::Sex,
    pub address_line: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub zip: Option<String>,
    /// What search matches (`iop_domain::search::patient_text`).
    pub search_text: String,
}

impl PatientRow {
    /// The search text of this row's names, MRN, phone and date of birth.
    pub fn folded_search_text(&self) -> String {
        iop_domain::search::patient_text(
            &self.legal_first_name,
            &self.legal_last_name,
            self.preferred_name.as_deref(),
            &self.mrn,
            self.phone.as_deref(),
            self.date_of_birth.0,
        )
    }

    /// The name staff use: the preferred first name when there is one, and the last name.
    pub fn shown_name(&self) -> String {
        let first = self
            .preferred_name
            .as_deref()
            .unwrap_or(&self.legal_first_name);
        format!("{first} {}", self.legal_last_name)
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = episodes)]
pub struct EpisodeRow {
    pub id: EpisodeId,
    pub patient_id: PatientId,
    pub program_id: ProgramId,
    pub admit_date: Day,
    pub planned_end_date: Day,
    pub status: EpisodeStatus,
    pub ended_on: Option<Day>,
    pub created_at: Instant,
    pub inquiry_id: Option<InquiryId>,
    pub primary_counselor_id: Option<StaffId>,
    pub level_of_care: iop_domain::admissions::LevelOfCare,
    /// Comma-separated ICD-10-CM codes, principal first.
    pub diagnoses: iop_domain::icd10::Diagnoses,
    pub ratio_override_reason: Option<String>,
    pub end_reason: Option<iop_domain::admissions::DischargeReason>,
    pub end_summary: Option<String>,
    pub extension_reason: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = episode_tracks)]
pub struct EpisodeTrackRow {
    pub id: EpisodeTrackId,
    pub episode_id: EpisodeId,
    pub track_id: TrackId,
    pub from_date: Day,
    pub to_date: Option<Day>,
}

/// Inserts the patient with the search text derived from the row (whatever the caller
/// put in that field), so the two cannot disagree.
pub fn insert_patient(conn: &mut DbConn, row: &PatientRow) -> Result<()> {
    let row = PatientRow {
        search_text: row.folded_search_text(),
        ..row.clone()
    };
    diesel::insert_into(patients::table)
        .values(&row)
        .execute(conn)?;
    Ok(())
}

pub fn insert_episode(conn: &mut DbConn, row: &EpisodeRow) -> Result<()> {
    diesel::insert_into(episodes::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn insert_episode_track(conn: &mut DbConn, row: &EpisodeTrackRow) -> Result<()> {
    diesel::insert_into(episode_tracks::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// Episodes of the given programs with their track periods: everything a roster count needs.
/// The dates a roster looks at: episodes that ended before `from` or start after `to`
/// cannot be on it, except recent graduates when the window has an alumni group.
#[derive(Clone, Copy, Debug)]
pub struct Window {
    pub from: Day,
    pub to: Day,
    pub alumni: bool,
}

/// Episodes of the programs (within `window` when given) and their track periods.
pub fn episodes_with_tracks(
    conn: &mut DbConn,
    program_ids: &[ProgramId],
    window: Option<Window>,
) -> Result<(Vec<EpisodeRow>, Vec<EpisodeTrackRow>)> {
    let mut q = episodes::table
        .filter(episodes::program_id.eq_any(program_ids.to_vec()))
        .into_boxed();
    if let Some(w) = window {
        q = q.filter(episodes::admit_date.le(w.to));
        let open = episodes::ended_on
            .is_null()
            .or(episodes::ended_on.ge(w.from));
        q = if w.alumni {
            let since = Day(iop_domain::roster::alumni_graduated_since(w.from.0));
            q.filter(
                open.or(episodes::status
                    .eq(EpisodeStatus::Graduated)
                    .and(episodes::ended_on.ge(since))),
            )
        } else {
            q.filter(open)
        };
    }
    let eps: Vec<EpisodeRow> = q.select(EpisodeRow::as_select()).load(conn)?;
    let ids: Vec<EpisodeId> = eps.iter().map(|e| e.id).collect();
    let tracks = crate::dialect::load_in_chunks(&ids, |chunk| {
        episode_tracks::table
            .filter(episode_tracks::episode_id.eq_any(chunk))
            .select(EpisodeTrackRow::as_select())
            .load(conn)
    })?;
    Ok((eps, tracks))
}

/// An episode with its patient.
pub type EpisodeOfPatient = (EpisodeRow, PatientRow);

/// The episodes of one program that `w` can show, as `episodes_with_tracks` reads them,
/// with each episode's patient. Two statements whose text does not depend on the window
/// or the number of rows, so each connection prepares them once: the IN lists of the
/// general reader were parsed again on every roster.
pub fn roster_episodes(
    conn: &mut DbConn,
    program_id: ProgramId,
    w: Window,
) -> Result<(Vec<EpisodeOfPatient>, Vec<EpisodeTrackRow>)> {
    // Without an alumni group, graduates ended before `from` are out like any ended
    // episode: the same condition with `since = from` adds nothing to `open`.
    let since = if w.alumni {
        Day(iop_domain::roster::alumni_graduated_since(w.from.0))
    } else {
        w.from
    };
    macro_rules! shown {
        () => {
            episodes::program_id
                .eq(program_id)
                .and(episodes::admit_date.le(w.to))
                .and(
                    episodes::ended_on
                        .is_null()
                        .or(episodes::ended_on.ge(w.from))
                        .or(episodes::status
                            .eq(EpisodeStatus::Graduated)
                            .and(episodes::ended_on.ge(since))),
                )
        };
    }
    let eps = episodes::table
        .inner_join(patients::table)
        .filter(shown!())
        .select((EpisodeRow::as_select(), PatientRow::as_select()))
        .load(conn)?;
    let tracks = episode_tracks::table
        .inner_join(episodes::table)
        .filter(shown!())
        .select(EpisodeTrackRow::as_select())
        .load(conn)?;
    Ok((eps, tracks))
}

/// (patient, track, first day) of every track period of the programs' episodes admitted
/// on or after a day, oldest first: one join instead of every episode and its periods.
pub fn track_periods_of_programs(
    conn: &mut DbConn,
    program_ids: &[ProgramId],
    admitted_since: Day,
) -> Result<Vec<(PatientId, TrackId, Day)>> {
    Ok(episode_tracks::table
        .inner_join(episodes::table)
        .filter(episodes::program_id.eq_any(program_ids.to_vec()))
        .filter(episodes::admit_date.ge(admitted_since))
        .order(episode_tracks::from_date.asc())
        .select((
            episodes::patient_id,
            episode_tracks::track_id,
            episode_tracks::from_date,
        ))
        .load(conn)?)
}

/// Patients by id.
pub fn patients_by_ids(conn: &mut DbConn, ids: &[PatientId]) -> Result<Vec<PatientRow>> {
    crate::dialect::load_in_chunks(ids, |chunk| {
        patients::table
            .filter(patients::id.eq_any(chunk))
            .select(PatientRow::as_select())
            .load(conn)
    })
}

pub fn episode_by_id(conn: &mut DbConn, id: EpisodeId) -> Result<Option<EpisodeRow>> {
    Ok(episodes::table
        .find(id)
        .select(EpisodeRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn update_episode_end(
    conn: &mut DbConn,
    id: EpisodeId,
    status: EpisodeStatus,
    ended_on: Day,
    reason: &str,
    summary: Option<&str>,
) -> Result<bool> {
    Ok(diesel::update(
        episodes::table
            .find(id)
            .filter(episodes::status.eq(EpisodeStatus::Active)),
    )
    .set((
        episodes::status.eq(status),
        episodes::ended_on.eq(ended_on),
        episodes::end_reason.eq(reason),
        episodes::end_summary.eq(summary),
    ))
    .execute(conn)?
        == 1)
}

pub fn mrn_taken(conn: &mut DbConn, mrn: &str) -> Result<bool> {
    Ok(patients::table
        .filter(patients::mrn.eq(mrn))
        .count()
        .get_result::<i64>(conn)?
        > 0)
}

pub fn patient_by_id(conn: &mut DbConn, id: PatientId) -> Result<Option<PatientRow>> {
    Ok(patients::table
        .find(id)
        .select(PatientRow::as_select())
        .first(conn)
        .optional()?)
}

/// The open track period of an episode.
pub fn open_track(conn: &mut DbConn, episode_id: EpisodeId) -> Result<Option<EpisodeTrackRow>> {
    Ok(episode_tracks::table
        .filter(episode_tracks::episode_id.eq(episode_id))
        .filter(episode_tracks::to_date.is_null())
        .select(EpisodeTrackRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn close_track(conn: &mut DbConn, period_id: EpisodeTrackId, to_date: Day) -> Result<()> {
    diesel::update(episode_tracks::table.find(period_id))
        .set(episode_tracks::to_date.eq(to_date))
        .execute(conn)?;
    Ok(())
}

/// Episodes of a program with their patients (census lists).
pub fn episodes_with_patients(
    conn: &mut DbConn,
    program_id: ProgramId,
) -> Result<Vec<(EpisodeRow, PatientRow)>> {
    Ok(episodes::table
        .inner_join(patients::table)
        .filter(episodes::program_id.eq(program_id))
        .order(episodes::admit_date.desc())
        .select((EpisodeRow::as_select(), PatientRow::as_select()))
        .load(conn)?)
}

/// (inquiry, patient, admit day, program) of the episodes that came from these inquiries.
pub fn admitted_from_inquiries(
    conn: &mut DbConn,
    inquiry_ids: &[InquiryId],
) -> Result<Vec<(InquiryId, PatientId, Day, ProgramId)>> {
    let rows: Vec<(Option<InquiryId>, PatientId, Day, ProgramId)> =
        crate::dialect::load_in_chunks(inquiry_ids, |chunk| {
            episodes::table
                .filter(episodes::inquiry_id.eq_any(chunk))
                .select((
                    episodes::inquiry_id,
                    episodes::patient_id,
                    episodes::admit_date,
                    episodes::program_id,
                ))
                .load(conn)
        })?;
    Ok(rows
        .into_iter()
        .filter_map(|(i, p, d, g)| Some((i?, p, d, g)))
        .collect())
}

/// The track an episode started on.
pub fn first_track(conn: &mut DbConn, episode_id: EpisodeId) -> Result<Option<TrackId>> {
    Ok(episode_tracks::table
        .filter(episode_tracks::episode_id.eq(episode_id))
        .order(episode_tracks::from_date.asc())
        .select(episode_tracks::track_id)
        .first(conn)
        .optional()?)
}

pub fn extend_episode(
    conn: &mut DbConn,
    id: EpisodeId,
    planned_end: Day,
    reason: &str,
) -> Result<bool> {
    Ok(diesel::update(
        episodes::table
            .find(id)
            .filter(episodes::status.eq(EpisodeStatus::Active)),
    )
    .set((
        episodes::planned_end_date.eq(planned_end),
        episodes::extension_reason.eq(reason),
    ))
    .execute(conn)?
        == 1)
}

/// Active episodes of the given programs with their patients, in one query.
pub fn active_with_patients(
    conn: &mut DbConn,
    program_ids: &[ProgramId],
) -> Result<Vec<(EpisodeRow, PatientRow)>> {
    Ok(episodes::table
        .inner_join(patients::table)
        .filter(episodes::program_id.eq_any(program_ids.to_vec()))
        .filter(episodes::status.eq(EpisodeStatus::Active))
        .order(episodes::admit_date.desc())
        .select((EpisodeRow::as_select(), PatientRow::as_select()))
        .load(conn)?)
}

/// Every open track period (episode id → track id) of the given programs.
pub fn open_tracks(
    conn: &mut DbConn,
    program_ids: &[ProgramId],
) -> Result<Vec<(EpisodeId, TrackId)>> {
    Ok(episode_tracks::table
        .inner_join(episodes::table)
        .filter(episodes::program_id.eq_any(program_ids.to_vec()))
        .filter(episode_tracks::to_date.is_null())
        .select((episode_tracks::episode_id, episode_tracks::track_id))
        .load(conn)?)
}

pub fn episodes_with_patient_id(
    conn: &mut DbConn,
    patient_id: PatientId,
) -> Result<Vec<EpisodeRow>> {
    Ok(episodes::table
        .filter(episodes::patient_id.eq(patient_id))
        .select(EpisodeRow::as_select())
        .load(conn)?)
}

pub fn set_minor_self_consent(
    conn: &mut DbConn,
    patient_id: PatientId,
    value: bool,
) -> Result<bool> {
    Ok(diesel::update(patients::table.find(patient_id))
        .set(patients::minor_self_consent.eq(value))
        .execute(conn)?
        == 1)
}

/// The patient's postal address, as claims need it.
pub fn set_patient_address(
    conn: &mut DbConn,
    patient_id: PatientId,
    line: &str,
    city: &str,
    state: &str,
    zip: &str,
) -> Result<()> {
    diesel::update(patients::table.find(patient_id))
        .set((
            patients::address_line.eq(line),
            patients::city.eq(city),
            patients::state.eq(state),
            patients::zip.eq(zip),
        ))
        .execute(conn)?;
    Ok(())
}

/// Every track period of an episode, first to last.
pub fn tracks_of_episode(conn: &mut DbConn, episode_id: EpisodeId) -> Result<Vec<EpisodeTrackRow>> {
    Ok(episode_tracks::table
        .filter(episode_tracks::episode_id.eq(episode_id))
        .order(episode_tracks::from_date.asc())
        .select(EpisodeTrackRow::as_select())
        .load(conn)?)
}

/// Moves an active episode's planned end (closures moved it).
pub fn set_planned_end(conn: &mut DbConn, id: EpisodeId, planned_end: Day) -> Result<bool> {
    Ok(diesel::update(
        episodes::table
            .find(id)
            .filter(episodes::status.eq(EpisodeStatus::Active)),
    )
    .set(episodes::planned_end_date.eq(planned_end))
    .execute(conn)?
        == 1)
}

pub fn set_patient_sex(
    conn: &mut DbConn,
    patient_id: PatientId,
    sex: iop_domain::admissions::Sex,
) -> Result<()> {
    diesel::update(patients::table.find(patient_id))
        .set(patients::sex.eq(sex))
        .execute(conn)?;
    Ok(())
}

pub fn patient_by_mrn(conn: &mut DbConn, mrn: &str) -> Result<Option<PatientRow>> {
    Ok(patients::table
        .filter(patients::mrn.eq(mrn))
        .select(PatientRow::as_select())
        .first(conn)
        .optional()?)
}
