//! Outcome measures and clinical alerts.

use crate::db::{DbConn, Result};
use crate::schema::{alerts, measures};
use diesel::prelude::*;
use iop_domain::ids::*;
use iop_domain::time::{Day, Instant};

#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize, utoipa::ToSchema)]
#[diesel(table_name = measures)]
pub struct MeasureRow {
    pub id: MeasureId,
    pub patient_id: PatientId,
    pub instrument: iop_domain::scoring::Instrument,
    pub instrument_version: String,
    pub occasion: iop_domain::scoring::Occasion,
    pub taken_on: Day,
    /// JSON array of item values.
    pub items: String,
    pub total: Option<i32>,
    pub band: Option<String>,
    /// JSON object of subscale scores (BAM).
    pub subscales: Option<String>,
    pub recorded_by: ActorRef,
    pub recorded_at: Instant,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize, utoipa::ToSchema)]
#[diesel(table_name = alerts)]
pub struct AlertRow {
    pub id: AlertId,
    pub kind: iop_domain::scoring::AlertKind,
    pub patient_id: PatientId,
    pub for_user_id: Option<UserId>,
    pub for_role: Option<iop_domain::Role>,
    pub detail: String,
    pub created_at: Instant,
    pub acknowledged_at: Option<Instant>,
    pub acknowledged_by: Option<UserId>,
    pub action_taken: Option<String>,
}

pub fn insert_measure(conn: &mut DbConn, row: &MeasureRow) -> Result<()> {
    diesel::insert_into(measures::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn measure_by_id(conn: &mut DbConn, id: MeasureId) -> Result<Option<MeasureRow>> {
    Ok(measures::table
        .find(id)
        .select(MeasureRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn measures_of(conn: &mut DbConn, patient_id: PatientId) -> Result<Vec<MeasureRow>> {
    Ok(measures::table
        .filter(measures::patient_id.eq(patient_id))
        .order((measures::taken_on.asc(), measures::recorded_at.asc()))
        .select(MeasureRow::as_select())
        .load(conn)?)
}

/// A patient's measures taken `from` up to (not including) `to`, oldest first.
pub fn measures_of_in(
    conn: &mut DbConn,
    patient_id: PatientId,
    from: Day,
    to: Option<Day>,
) -> Result<Vec<MeasureRow>> {
    let mut q = measures::table
        .filter(measures::patient_id.eq(patient_id))
        .filter(measures::taken_on.ge(from))
        .into_boxed();
    if let Some(to) = to {
        q = q.filter(measures::taken_on.lt(to));
    }
    Ok(
        q.order((measures::taken_on.asc(), measures::recorded_at.asc()))
            .select(MeasureRow::as_select())
            .load(conn)?,
    )
}

/// The date of a patient's first measure.
pub fn first_measure_day(conn: &mut DbConn, patient_id: PatientId) -> Result<Option<Day>> {
    Ok(measures::table
        .filter(measures::patient_id.eq(patient_id))
        .order(measures::taken_on.asc())
        .select(measures::taken_on)
        .first(conn)
        .optional()?)
}

/// What the outcome report needs of a measure: patient, date, occasion, total, and the
/// BAM's version and subscales.
pub type Score = (
    PatientId,
    Day,
    iop_domain::scoring::Occasion,
    Option<i32>,
    String,
    Option<String>,
);

/// The measures of one instrument taken on or after a day, only the columns a score
/// needs (the outcome report reads a year's: 136,000 of each at 100 sites).
///
/// Only the BAM's scores need `subscales`; without it the others are read from the
/// `measures_outcome` index alone, never from the table.
pub fn scores_of_instrument(
    conn: &mut DbConn,
    instrument: &str,
    since: Day,
    with_subscales: bool,
) -> Result<Vec<Score>> {
    let period = measures::table
        .filter(measures::instrument.eq(instrument))
        .filter(measures::taken_on.ge(since));
    let columns = (
        measures::patient_id,
        measures::taken_on,
        measures::occasion,
        measures::total,
        measures::instrument_version,
    );
    if with_subscales {
        return Ok(period
            .select((columns, measures::subscales))
            .load::<(_, _)>(conn)?
            .into_iter()
            .map(|((p, d, o, t, v), s)| (p, d, o, t, v, s))
            .collect());
    }
    Ok(period
        .select(columns)
        .load::<(
            PatientId,
            Day,
            iop_domain::scoring::Occasion,
            Option<i32>,
            String,
        )>(conn)?
        .into_iter()
        .map(|(p, d, o, t, v)| (p, d, o, t, v, None))
        .collect())
}

/// The date of each listed patient's latest measure of one instrument.
pub fn latest_taken(
    conn: &mut DbConn,
    instrument: &str,
    patient_ids: &[PatientId],
) -> Result<Vec<(PatientId, Option<Day>)>> {
    use diesel::dsl::max;
    Ok(measures::table
        .filter(measures::instrument.eq(instrument))
        .filter(measures::patient_id.eq_any(patient_ids))
        .group_by(measures::patient_id)
        .select((measures::patient_id, max(measures::taken_on)))
        .load(conn)?)
}

pub fn insert_alert(conn: &mut DbConn, row: &AlertRow) -> Result<()> {
    diesel::insert_into(alerts::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// The open alert of this kind about this patient for exactly this addressee, if any.
pub fn open_alert_like(
    conn: &mut DbConn,
    patient: PatientId,
    kind: iop_domain::scoring::AlertKind,
    user: Option<UserId>,
    role: Option<iop_domain::Role>,
) -> Result<Option<AlertRow>> {
    let mut q = alerts::table
        .filter(alerts::acknowledged_at.is_null())
        .filter(alerts::patient_id.eq(patient))
        .filter(alerts::kind.eq(kind))
        .into_boxed();
    q = match user {
        Some(u) => q.filter(alerts::for_user_id.eq(u)),
        None => q.filter(alerts::for_user_id.is_null()),
    };
    q = match role {
        Some(r) => q.filter(alerts::for_role.eq(r)),
        None => q.filter(alerts::for_role.is_null()),
    };
    Ok(q.select(AlertRow::as_select()).first(conn).optional()?)
}

/// Adds a repeat's detail to an open alert.
pub fn set_alert_detail(conn: &mut DbConn, id: AlertId, detail: &str) -> Result<()> {
    diesel::update(alerts::table.find(id))
        .set(alerts::detail.eq(detail))
        .execute(conn)?;
    Ok(())
}

/// Open alerts addressed to this user or to their role, newest first.
pub fn open_alerts_for(
    conn: &mut DbConn,
    user_id: UserId,
    role: iop_domain::Role,
) -> Result<Vec<AlertRow>> {
    Ok(alerts::table
        .filter(alerts::acknowledged_at.is_null())
        .filter(
            alerts::for_user_id
                .eq(user_id)
                .or(alerts::for_role.eq(role)),
        )
        .order(alerts::created_at.desc())
        .select(AlertRow::as_select())
        .load(conn)?)
}

/// A patient's alerts still open, and those acknowledged at or after `since`, newest first.
pub fn alerts_of_patient(
    conn: &mut DbConn,
    patient_id: PatientId,
    since: Instant,
) -> Result<Vec<AlertRow>> {
    Ok(alerts::table
        .filter(alerts::patient_id.eq(patient_id))
        .filter(
            alerts::acknowledged_at
                .is_null()
                .or(alerts::acknowledged_at.ge(since)),
        )
        .order(alerts::created_at.desc())
        .select(AlertRow::as_select())
        .load(conn)?)
}

/// Acknowledges the other open copies of one raised alert (the same patient, kind and
/// moment, sent to other addressees) with the same action; their ids.
pub fn acknowledge_copies(
    conn: &mut DbConn,
    of: &AlertRow,
    by: UserId,
    at: Instant,
    action_taken: &str,
) -> Result<Vec<AlertId>> {
    let ids: Vec<AlertId> = alerts::table
        .filter(alerts::patient_id.eq(of.patient_id))
        .filter(alerts::kind.eq(of.kind))
        .filter(alerts::created_at.eq(of.created_at))
        .filter(alerts::acknowledged_at.is_null())
        .select(alerts::id)
        .load(conn)?;
    diesel::update(alerts::table.filter(alerts::id.eq_any(&ids)))
        .set((
            alerts::acknowledged_at.eq(at),
            alerts::acknowledged_by.eq(by),
            alerts::action_taken.eq(action_taken),
        ))
        .execute(conn)?;
    Ok(ids)
}

pub fn alert_by_id(conn: &mut DbConn, id: AlertId) -> Result<Option<AlertRow>> {
    Ok(alerts::table
        .find(id)
        .select(AlertRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn acknowledge(
    conn: &mut DbConn,
    id: AlertId,
    by: UserId,
    at: Instant,
    action_taken: &str,
) -> Result<bool> {
    Ok(diesel::update(
        alerts::table
            .find(id)
            .filter(alerts::acknowledged_at.is_null()),
    )
    .set((
        alerts::acknowledged_at.eq(at),
        alerts::acknowledged_by.eq(by),
        alerts::action_taken.eq(action_taken),
    ))
    .execute(conn)?
        == 1)
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize, utoipa::ToSchema)]
#[diesel(table_name = crate::schema::drug_screens)]
pub struct DrugScreenRow {
    pub id: DrugScreenId,
    pub patient_id: PatientId,
    pub collected_on: Day,
    pub specimen: iop_domain::scoring::Specimen,
    pub method: iop_domain::scoring::ScreenMethod,
    /// JSON array of {substance, result}.
    pub results: String,
    pub any_positive: bool,
    pub recorded_by: ActorRef,
    pub recorded_at: Instant,
}

pub fn insert_screen(conn: &mut DbConn, row: &DrugScreenRow) -> Result<()> {
    diesel::insert_into(crate::schema::drug_screens::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn screens_of(conn: &mut DbConn, patient_id: PatientId) -> Result<Vec<DrugScreenRow>> {
    use crate::schema::drug_screens;
    Ok(drug_screens::table
        .filter(drug_screens::patient_id.eq(patient_id))
        .order(drug_screens::collected_on.desc())
        .select(DrugScreenRow::as_select())
        .load(conn)?)
}
