//! Related persons, consents with their recipients, family-group attendance, and the
//! hash-chained disclosure log.

use crate::db::{DbConn, Result};
use crate::dialect::{lock_chain, ChainLock};
use crate::schema::{
    consent_recipients, consents, disclosure_log, family_attendance, related_persons,
};
use diesel::prelude::*;
use iop_domain::audit::{hash_fields, GENESIS};
use iop_domain::ids::*;
use iop_domain::time::{Day, Instant};

#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize, utoipa::ToSchema)]
#[diesel(table_name = related_persons)]
pub struct RelatedPersonRow {
    pub id: RelatedPersonId,
    pub patient_id: PatientId,
    pub name: String,
    pub relationship: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub created_by: ActorRef,
    pub created_at: Instant,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize, utoipa::ToSchema)]
#[diesel(table_name = consents)]
pub struct ConsentRow {
    pub id: ConsentId,
    pub patient_id: PatientId,
    /// Versions of one consent share it.
    pub series_id: ConsentSeriesId,
    pub version: i32,
    pub discloser: String,
    /// Comma-separated information kinds.
    pub information: iop_domain::consent::InfoKinds,
    pub purpose: String,
    pub tpo: bool,
    pub expiry_kind: iop_domain::consent::ExpiryKind,
    pub expiry_date: Option<Day>,
    pub signer_kind: iop_domain::consent::SignerKind,
    /// The typed signature, or "signed on paper".
    pub signature: String,
    pub signer_name: Option<String>,
    pub signer_authority: Option<String>,
    pub signed_at: Instant,
    pub recorded_by: ActorRef,
    pub recorded_at: Instant,
    pub superseded_at: Option<Instant>,
    /// The patient signed (alone, or with the representative named above).
    pub patient_signed: bool,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize, utoipa::ToSchema)]
#[diesel(table_name = consent_recipients)]
pub struct RecipientRow {
    pub id: RecipientId,
    pub consent_id: ConsentId,
    pub kind: iop_domain::consent::RecipientKind,
    pub ref_id: Option<String>,
    pub name: String,
    pub revoked_at: Option<Instant>,
    pub revoked_by: Option<ActorRef>,
    pub revocation_note: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize, utoipa::ToSchema)]
#[diesel(table_name = family_attendance)]
pub struct FamilyAttendanceRow {
    pub id: FamilyAttendanceId,
    pub session_id: SessionId,
    pub related_person_id: RelatedPersonId,
    pub patient_id: PatientId,
    pub present: bool,
    pub consent_id: ConsentId,
    pub recorded_by: ActorRef,
    pub recorded_at: Instant,
}

pub fn insert_person(conn: &mut DbConn, row: &RelatedPersonRow) -> Result<()> {
    diesel::insert_into(related_persons::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn persons_of(conn: &mut DbConn, patient_ids: &[PatientId]) -> Result<Vec<RelatedPersonRow>> {
    Ok(related_persons::table
        .filter(related_persons::patient_id.eq_any(patient_ids))
        .order((related_persons::patient_id, related_persons::name))
        .select(RelatedPersonRow::as_select())
        .load(conn)?)
}

pub fn person(conn: &mut DbConn, id: RelatedPersonId) -> Result<Option<RelatedPersonRow>> {
    Ok(related_persons::table
        .find(id)
        .select(RelatedPersonRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn insert_consent(
    conn: &mut DbConn,
    row: &ConsentRow,
    recipients: &[RecipientRow],
) -> Result<()> {
    diesel::insert_into(consents::table)
        .values(row)
        .execute(conn)?;
    for r in recipients {
        diesel::insert_into(consent_recipients::table)
            .values(r)
            .execute(conn)?;
    }
    Ok(())
}

pub fn consent(conn: &mut DbConn, id: ConsentId) -> Result<Option<ConsentRow>> {
    Ok(consents::table
        .find(id)
        .select(ConsentRow::as_select())
        .first(conn)
        .optional()?)
}

/// Marks a version replaced by a newer one; false when it already was.
pub fn supersede(conn: &mut DbConn, id: ConsentId, at: Instant) -> Result<bool> {
    Ok(diesel::update(
        consents::table
            .find(id)
            .filter(consents::superseded_at.is_null()),
    )
    .set(consents::superseded_at.eq(at))
    .execute(conn)?
        == 1)
}

/// Every version of every consent of the listed patients, with their recipients.
pub fn consents_of(
    conn: &mut DbConn,
    patient_ids: &[PatientId],
) -> Result<Vec<(ConsentRow, Vec<RecipientRow>)>> {
    let rows: Vec<ConsentRow> = consents::table
        .filter(consents::patient_id.eq_any(patient_ids))
        .order((consents::signed_at.desc(), consents::version.desc()))
        .select(ConsentRow::as_select())
        .load(conn)?;
    let ids: Vec<ConsentId> = rows.iter().map(|r| r.id).collect();
    let mut recipients: Vec<RecipientRow> = consent_recipients::table
        .filter(consent_recipients::consent_id.eq_any(ids))
        .order(consent_recipients::name)
        .select(RecipientRow::as_select())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|c| {
            let (mine, rest): (Vec<_>, Vec<_>) =
                recipients.drain(..).partition(|r| r.consent_id == c.id);
            recipients = rest;
            (c, mine)
        })
        .collect())
}

/// Revokes one recipient of a consent from `at`; false when already revoked.
pub fn revoke(
    conn: &mut DbConn,
    recipient_id: RecipientId,
    at: Instant,
    by: ActorRef,
    note: &str,
) -> Result<bool> {
    Ok(diesel::update(
        consent_recipients::table
            .find(recipient_id)
            .filter(consent_recipients::revoked_at.is_null()),
    )
    .set((
        consent_recipients::revoked_at.eq(at),
        consent_recipients::revoked_by.eq(by),
        consent_recipients::revocation_note.eq(note),
    ))
    .execute(conn)?
        == 1)
}

pub fn recipient(conn: &mut DbConn, id: RecipientId) -> Result<Option<RecipientRow>> {
    Ok(consent_recipients::table
        .find(id)
        .select(RecipientRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn family_attendance_of(
    conn: &mut DbConn,
    session_id: SessionId,
) -> Result<Vec<FamilyAttendanceRow>> {
    Ok(family_attendance::table
        .filter(family_attendance::session_id.eq(session_id))
        .select(FamilyAttendanceRow::as_select())
        .load(conn)?)
}

/// (session, patient) for every relative marked present at these sessions: a patient
/// appears once per relative who came.
pub fn relatives_present(
    conn: &mut DbConn,
    session_ids: &[SessionId],
) -> Result<Vec<(SessionId, PatientId)>> {
    Ok(family_attendance::table
        .filter(family_attendance::session_id.eq_any(session_ids))
        .filter(family_attendance::present.eq(true))
        .select((family_attendance::session_id, family_attendance::patient_id))
        .load(conn)?)
}

/// Records a relative's attendance; returns whether they were already marked present.
pub fn upsert_family_attendance(conn: &mut DbConn, row: &FamilyAttendanceRow) -> Result<bool> {
    let before: Option<bool> = family_attendance::table
        .filter(family_attendance::session_id.eq(&row.session_id))
        .filter(family_attendance::related_person_id.eq(&row.related_person_id))
        .select(family_attendance::present)
        .first(conn)
        .optional()?;
    match before {
        Some(_) => {
            diesel::update(
                family_attendance::table
                    .filter(family_attendance::session_id.eq(&row.session_id))
                    .filter(family_attendance::related_person_id.eq(&row.related_person_id)),
            )
            .set((
                family_attendance::present.eq(row.present),
                family_attendance::consent_id.eq(&row.consent_id),
                family_attendance::recorded_by.eq(&row.recorded_by),
                family_attendance::recorded_at.eq(&row.recorded_at),
            ))
            .execute(conn)?;
        }
        None => {
            diesel::insert_into(family_attendance::table)
                .values(row)
                .execute(conn)?;
        }
    }
    Ok(before == Some(true))
}

/// One disclosure: who learned what about whom, when, under which consent and notice.
#[derive(Debug, Clone)]
pub struct Disclosure<'a> {
    pub at: Instant,
    pub patient_id: PatientId,
    pub recipient_kind: iop_domain::consent::RecipientKind,
    pub recipient_ref: Option<&'a str>,
    pub recipient_name: &'a str,
    pub information: &'a iop_domain::consent::InfoKinds,
    pub purpose: &'a str,
    pub channel: iop_domain::consent::DisclosureChannel,
    pub consent_id: ConsentId,
    pub consent_version: i32,
    pub notice_version: &'a str,
    pub actor_id: Option<UserId>,
    pub subject: Option<&'a str>,
}

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize, utoipa::ToSchema)]
#[diesel(table_name = disclosure_log)]
pub struct DisclosureRow {
    pub seq: i64,
    pub at: Instant,
    pub patient_id: PatientId,
    pub recipient_kind: iop_domain::consent::RecipientKind,
    pub recipient_ref: Option<String>,
    pub recipient_name: String,
    pub information: iop_domain::consent::InfoKinds,
    pub purpose: String,
    pub channel: iop_domain::consent::DisclosureChannel,
    pub consent_id: ConsentId,
    pub consent_version: i32,
    pub notice_version: String,
    pub actor_id: Option<UserId>,
    pub subject: Option<String>,
    pub prev_hash: String,
    pub hash: String,
    pub key_id: Option<String>,
    pub mac: Option<String>,
}

/// The hash of a disclosure row over the previous row's hash.
pub fn disclosure_hash(prev: &str, d: &Disclosure<'_>) -> String {
    // The text of each field as stored, so a row read back hashes alike.
    let version = d.consent_version.to_string();
    let at = d.at.to_string();
    let patient_id = d.patient_id.to_string();
    let consent_id = d.consent_id.to_string();
    let actor_id = d.actor_id.map(|a| a.to_string());
    let information = d.information.to_string();
    hash_fields(
        prev,
        &[
            Some(&at),
            Some(&patient_id),
            Some(d.recipient_kind.into()),
            d.recipient_ref,
            Some(d.recipient_name),
            Some(&information),
            Some(d.purpose),
            Some(d.channel.into()),
            Some(&consent_id),
            Some(&version),
            Some(d.notice_version),
            actor_id.as_deref(),
            d.subject,
        ],
    )
}

impl DisclosureRow {
    pub fn fields(&self) -> Disclosure<'_> {
        Disclosure {
            at: self.at,
            patient_id: self.patient_id,
            recipient_kind: self.recipient_kind,
            recipient_ref: self.recipient_ref.as_deref(),
            recipient_name: &self.recipient_name,
            information: &self.information,
            purpose: &self.purpose,
            channel: self.channel,
            consent_id: self.consent_id,
            consent_version: self.consent_version,
            notice_version: &self.notice_version,
            actor_id: self.actor_id,
            subject: self.subject.as_deref(),
        }
    }
}

/// Appends a disclosure inside the caller's transaction.
pub fn append_disclosure(conn: &mut DbConn, d: &Disclosure<'_>) -> Result<()> {
    lock_chain(conn, ChainLock::Disclosures)?;
    let prev: String = disclosure_log::table
        .order(disclosure_log::seq.desc())
        .select(disclosure_log::hash)
        .first(conn)
        .optional()?
        .unwrap_or_else(|| GENESIS.to_string());
    let hash = disclosure_hash(&prev, d);
    let (key_id, mac) = crate::audit::seal(&hash);
    diesel::insert_into(disclosure_log::table)
        .values((
            disclosure_log::at.eq(d.at),
            disclosure_log::patient_id.eq(d.patient_id),
            disclosure_log::recipient_kind.eq(d.recipient_kind),
            disclosure_log::recipient_ref.eq(d.recipient_ref),
            disclosure_log::recipient_name.eq(d.recipient_name),
            disclosure_log::information.eq(d.information),
            disclosure_log::purpose.eq(d.purpose),
            disclosure_log::channel.eq(d.channel),
            disclosure_log::consent_id.eq(d.consent_id),
            disclosure_log::consent_version.eq(d.consent_version),
            disclosure_log::notice_version.eq(d.notice_version),
            disclosure_log::actor_id.eq(d.actor_id),
            disclosure_log::subject.eq(d.subject),
            disclosure_log::prev_hash.eq(&prev),
            disclosure_log::hash.eq(&hash),
            disclosure_log::key_id.eq(key_id),
            disclosure_log::mac.eq(mac),
        ))
        .execute(conn)?;
    Ok(())
}

/// A patient's disclosures at or after `from` (stored instant), newest first.
pub fn disclosures_of(
    conn: &mut DbConn,
    patient_id: PatientId,
    from: Instant,
) -> Result<Vec<DisclosureRow>> {
    Ok(disclosure_log::table
        .filter(disclosure_log::patient_id.eq(patient_id))
        .filter(disclosure_log::at.ge(from))
        .order(disclosure_log::seq.desc())
        .select(DisclosureRow::as_select())
        .load(conn)?)
}

/// Rows in chain order after `after_seq` (for verification).
pub fn disclosures_after(
    conn: &mut DbConn,
    after_seq: i64,
    limit: i64,
) -> Result<Vec<DisclosureRow>> {
    Ok(disclosure_log::table
        .filter(disclosure_log::seq.gt(after_seq))
        .order(disclosure_log::seq.asc())
        .limit(limit)
        .select(DisclosureRow::as_select())
        .load(conn)?)
}
