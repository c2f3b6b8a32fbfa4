#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Domain values in text columns, on both backends: they go in as their code or UUID
//! and come back typed; text that is none of the type's values is an error that names
//! the type and the text, never a silent default.

use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::Text;
use iop_domain::hours::Mark;
use iop_domain::ids::{ActorRef, PatientId};
use iop_domain::notes::NoteStatus;
use iop_store::testing::TestDb;
use iop_store::Store;

fn store() -> (TestDb, Store) {
    let db = TestDb::new().expect("test database");
    let store = Store::open(&db.url, 2).expect("open");
    (db, store)
}

#[test]
fn typed_values_round_trip_through_a_text_column() {
    let (_db, store) = store();
    let patient = PatientId::new_v7();
    let back: (Mark, NoteStatus, PatientId, ActorRef) = store
        .read(|c| {
            diesel::select((
                Mark::AbsentExcused.into_sql::<Text>(),
                NoteStatus::Signed.into_sql::<Text>(),
                patient.into_sql::<Text>(),
                ActorRef::System.into_sql::<Text>(),
            ))
            .get_result(c)
            .map_err(iop_store::StoreError::from)
        })
        .expect("read back");
    assert_eq!(
        back,
        (
            Mark::AbsentExcused,
            NoteStatus::Signed,
            patient,
            ActorRef::System
        )
    );
}

#[test]
fn an_unknown_stored_code_is_an_error_naming_the_type_and_the_text() {
    let (_db, store) = store();
    let err = store
        .read(|c| {
            diesel::select(sql::<Text>("'absent-ish'"))
                .get_result::<Mark>(c)
                .map_err(iop_store::StoreError::from)
        })
        .expect_err("not a mark");
    // diesel names the column (here the literal) and the cause names type and text.
    let mut text = err.to_string();
    let mut source = std::error::Error::source(&err);
    while let Some(e) = source {
        text.push_str(&format!(" / {e}"));
        source = e.source();
    }
    assert!(
        text.contains("is not a Mark") && text.contains("absent-ish"),
        "{text}"
    );
}
