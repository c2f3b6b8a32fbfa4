//! Many rows per statement: for loading years of history at once (the scale seed), the
//! calendar's new sessions, a charge run's new charges and an 835's postings. Nothing here checks anything the use cases check.

use crate::accounts::users::UserRow;
use crate::admissions::episodes::{EpisodeRow, EpisodeTrackRow, PatientRow};
use crate::calendar::AssignmentRow;
use crate::clinical::measures::MeasureRow;
use crate::clinical::record::{AttendanceRow, GroupNoteRow, NoteEntryRow};
use crate::db::{DbConn, Result};
use crate::schema::{
    adjustments, attendance, charges, claims, episode_tracks, episodes, group_notes, measures,
    note_entries, patients, payments, session_facilitators, sessions, users,
};
use diesel::prelude::*;
use iop_domain::calendar::SessionStatus;
use iop_domain::ids::ProgramId;
use iop_domain::time::{Day, Instant};

/// `$1, $2, …, $n`: PostgreSQL's placeholders for `n` bound arrays.
fn pg_params(n: usize) -> String {
    (1..=n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Bound parameters per statement: below SQLite's 32,766 and PostgreSQL's 65,535.
const PARAMS_PER_STATEMENT: usize = 30_000;

/// Rows per PostgreSQL statement, whose parameters are one array per column: large enough
/// that round trips do not count, small enough that one statement's arrays stay a few MB.
const PG_ROWS_PER_STATEMENT: usize = 20_000;

/// diesel's multi-row insert is per backend, not over the two-backend connection, so
/// each function matches on the backend once per slice. Rows go in as tuples of
/// `column = value`: a derived `Insertable` turns `None` into `DEFAULT`, which SQLite
/// cannot take in a multi-row `VALUES`, and diesel then opens a transaction of its own
/// per row (refused inside ours).
/// On PostgreSQL the rows go in as `INSERT … SELECT * FROM unnest(…)`, one array per
/// column, for the reason `update_many` gives.
macro_rules! insert_many {
    ($fn:ident, $row:ty, $table:ident, [$($field:ident),+ $(,)?]) => {
        pub fn $fn(conn: &mut DbConn, rows: &[$row]) -> Result<()> {
            let c = match conn {
                DbConn::Pg(c) => {
                    for chunk in rows.chunks(PG_ROWS_PER_STATEMENT) {
                        use diesel::sql_types::Array;
                        use diesel::Expression;
                        let names = [$(stringify!($field)),+];
                        let sql = format!(
                            "INSERT INTO {} ({}) SELECT * FROM unnest({})",
                            stringify!($table),
                            names.join(", "),
                            pg_params(names.len()),
                        );
                        diesel::sql_query(sql)
                            $(.bind::<Array<<$table::$field as Expression>::SqlType>, _>(
                                chunk.iter().map(|r| &r.$field).collect::<Vec<_>>(),
                            ))+
                            .execute(c)?;
                    }
                    return Ok(());
                }
                DbConn::Sqlite(c) => c,
            };
            const COLUMNS: usize = [$(stringify!($field)),+].len();
            for chunk in rows.chunks(PARAMS_PER_STATEMENT / COLUMNS) {
                let values: Vec<_> = chunk
                    .iter()
                    .map(|r| ($($table::$field.eq(&r.$field)),+))
                    .collect();
                diesel::insert_into($table::table).values(values).execute(c)?;
            }
            Ok(())
        }
    };
}

insert_many!(
    insert_sessions,
    crate::calendar::SessionRow,
    sessions,
    [
        id,
        program_id,
        track_id,
        kind,
        gen_key,
        local_date,
        starts_at,
        ends_at,
        status,
        cancel_source,
        cancel_reason,
        topic_id,
        topic_locked,
        original_starts_at,
        sequence,
        created_at,
        updated_at,
    ]
);
/// Stored rows changed in a few columns, many per statement, instead of one UPDATE per
/// row. On SQLite an insert that meets the key and updates the `set` columns (`ON CONFLICT
/// (id) DO UPDATE`); only for rows read from the table, since a row that is not there would
/// be inserted. On PostgreSQL one `UPDATE … FROM unnest(…)` with one array per column:
/// the upsert sent every column of every row as its own parameter, and parsing them was
/// most of the server's time posting a large 835 (docs/benchmarks.md).
macro_rules! update_many {
    ($fn:ident, $row:ty, $table:ident, [$($field:ident),+ $(,)?], set [$($set:ident),+ $(,)?]) => {
        pub fn $fn(conn: &mut DbConn, rows: &[$row]) -> Result<()> {
            use diesel::upsert::excluded;
            let c = match conn {
                DbConn::Pg(c) => {
                    if !rows.is_empty() {
                        pg_update_from_arrays!(c, rows, $table, [$($set),+]);
                    }
                    return Ok(());
                }
                DbConn::Sqlite(c) => c,
            };
            const COLUMNS: usize = [$(stringify!($field)),+].len();
            for chunk in rows.chunks(PARAMS_PER_STATEMENT / COLUMNS) {
                let values: Vec<_> = chunk
                    .iter()
                    .map(|r| ($($table::$field.eq(&r.$field)),+))
                    .collect();
                diesel::insert_into($table::table)
                    .values(values)
                    .on_conflict($table::id)
                    .do_update()
                    .set(($($table::$set.eq(excluded($table::$set))),+,))
                    .execute(c)?;
            }
            Ok(())
        }
    };
}

/// `UPDATE table SET col = v.col, … FROM unnest($1, $2, …) AS v(id, col, …) WHERE
/// table.id = v.id`, the ids and each column bound as one array.
macro_rules! pg_update_from_arrays {
    ($c:expr, $rows:expr, $table:ident, [$($set:ident),+]) => {{
        use diesel::sql_types::Array;
        use diesel::Expression;
        let names = [$(stringify!($set)),+];
        let sets: Vec<String> = names.iter().map(|n| format!("{n} = v.{n}")).collect();
        let sql = format!(
            "UPDATE {table} SET {sets} FROM unnest({params}) AS v(id, {names}) WHERE {table}.id = v.id",
            table = stringify!($table),
            sets = sets.join(", "),
            params = pg_params(names.len() + 1),
            names = names.join(", "),
        );
        diesel::sql_query(sql)
            .bind::<Array<<$table::id as Expression>::SqlType>, _>(
                $rows.iter().map(|r| &r.id).collect::<Vec<_>>(),
            )
            $(.bind::<Array<<$table::$set as Expression>::SqlType>, _>(
                $rows.iter().map(|r| &r.$set).collect::<Vec<_>>(),
            ))+
            .execute($c)?;
    }};
}

update_many!(
    update_claims_posted,
    crate::billing::ClaimRow,
    claims,
    [
        id,
        claim_number,
        patient_id,
        coverage_id,
        payer_id,
        period_from,
        period_to,
        total_cents,
        status,
        problems,
        batch_id,
        payer_claim_number,
        paid_cents,
        patient_resp_cents,
        created_at,
        updated_at,
        submitted_on,
        frequency,
        corrects_claim_id,
        correction_reason,
    ],
    set [status, payer_claim_number, paid_cents, patient_resp_cents, updated_at]
);
insert_many!(
    insert_payments,
    crate::billing::PaymentRow,
    payments,
    [
        id,
        patient_id,
        claim_id,
        remittance_id,
        source,
        method,
        reference,
        amount_cents,
        received_on,
        created_by,
        created_at,
        voided_at,
        void_reason,
        as_credit,
    ]
);
insert_many!(
    insert_adjustments,
    crate::billing::AdjustmentRow,
    adjustments,
    [
        id,
        claim_id,
        remittance_id,
        procedure_code,
        group_code,
        reason_code,
        amount_cents,
        created_at,
        charge_id,
    ]
);
/// A charge run inserts whole charges; an 835 updates what it paid on them.
macro_rules! charge_rows {
    ($($field:ident),+ $(,)?) => {
        insert_many!(insert_charges, crate::billing::ChargeRow, charges, [$($field),+]);
        update_many!(
            update_charges_paid,
            crate::billing::ChargeRow,
            charges,
            [$($field),+],
            set [paid_cents, patient_resp_cents, updated_at]
        );
    };
}

charge_rows!(
    id,
    patient_id,
    source_kind,
    source_id,
    service_date,
    code,
    modifiers,
    units,
    amount_cents,
    payer,
    coverage_id,
    contract_id,
    authorization_id,
    place_of_service,
    status,
    pending_reason,
    claim_id,
    created_at,
    updated_at,
    void_reason,
    rendering_staff_id,
    paid_cents,
    patient_resp_cents,
);
insert_many!(
    insert_users,
    UserRow,
    users,
    [
        id,
        email,
        display_name,
        role,
        password_hash,
        totp_secret,
        disabled_at,
        created_at,
        totp_last_step,
    ]
);
insert_many!(
    insert_patients,
    PatientRow,
    patients,
    [
        id,
        mrn,
        legal_first_name,
        legal_last_name,
        preferred_name,
        date_of_birth,
        created_at,
        phone,
        email,
        address,
        emergency_contact_name,
        emergency_contact_phone,
        minor_self_consent,
        sex,
        address_line,
        city,
        state,
        zip,
        search_text,
    ]
);
insert_many!(
    insert_episodes,
    EpisodeRow,
    episodes,
    [
        id,
        patient_id,
        program_id,
        admit_date,
        planned_end_date,
        status,
        ended_on,
        created_at,
        inquiry_id,
        primary_counselor_id,
        level_of_care,
        diagnoses,
        ratio_override_reason,
        end_reason,
        end_summary,
        extension_reason,
    ]
);
insert_many!(
    insert_episode_tracks,
    EpisodeTrackRow,
    episode_tracks,
    [id, episode_id, track_id, from_date, to_date,]
);
insert_many!(
    insert_assignments,
    AssignmentRow,
    session_facilitators,
    [
        id,
        session_id,
        staff_id,
        assigned_at,
        unassigned_at,
        unassigned_reason,
    ]
);
insert_many!(
    insert_attendance,
    AttendanceRow,
    attendance,
    [
        id,
        session_id,
        patient_id,
        mark,
        minutes,
        recorded_by,
        recorded_at,
    ]
);
insert_many!(
    insert_notes,
    GroupNoteRow,
    group_notes,
    [
        id,
        session_id,
        topic,
        interventions,
        group_process,
        status,
        author_id,
        signed_by,
        signed_at,
        created_at,
        updated_at,
        cosign_required,
        cosigned_by,
        cosigned_at,
    ]
);
insert_many!(
    insert_note_entries,
    NoteEntryRow,
    note_entries,
    [id, note_id, patient_id, participation, progress,]
);
insert_many!(
    insert_measures,
    MeasureRow,
    measures,
    [
        id,
        patient_id,
        instrument,
        instrument_version,
        occasion,
        taken_on,
        items,
        total,
        band,
        subscales,
        recorded_by,
        recorded_at,
    ]
);

/// Marks a program's scheduled sessions before `day` as held; returns how many.
pub fn mark_held_before(
    conn: &mut DbConn,
    program: ProgramId,
    day: Day,
    at: Instant,
) -> Result<usize> {
    Ok(diesel::update(
        sessions::table
            .filter(sessions::program_id.eq(program))
            .filter(sessions::local_date.lt(day))
            .filter(sessions::status.eq(SessionStatus::Scheduled)),
    )
    .set((
        sessions::status.eq(SessionStatus::Held),
        sessions::updated_at.eq(at),
    ))
    .execute(conn)?)
}
