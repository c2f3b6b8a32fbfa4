#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The in-memory copy of the organisation rows is never stale across processes and never
//! holds a change that was rolled back.

use iop_store::org::{self, SiteRow};
use iop_store::testing::TestDb;
use iop_store::{Store, StoreError};

fn site(name: &str) -> SiteRow {
    SiteRow {
        id: "01900000-0000-7000-8000-0000000000a1".parse().unwrap(),
        name: name.into(),
        time_zone: "America/Chicago".parse().unwrap(),
        address: "1 Main St".into(),
        admissions_phone: "(502) 555-0100".into(),
        created_at: "2026-12-02T00:00:00Z".parse().unwrap(),
    }
}

fn site_name(store: &Store) -> String {
    let id = site("").id;
    store
        .read(|c| org::site_by_id(c, id))
        .expect("read")
        .expect("the site exists")
        .name
}

fn open(db: &TestDb) -> Store {
    let store = Store::open(&db.url, 2).expect("open");
    store.migrate().expect("migrate");
    store
}

#[test]
fn a_site_renamed_by_another_process_is_read_renamed_at_once() {
    let db = TestDb::new().expect("test database");
    let (one, other) = (open(&db), open(&db));
    one.write(|c| org::insert_site(c, &site("North"))).unwrap();
    assert_eq!(site_name(&one), "North");
    other
        .write(|c| org::update_site(c, &site("North Campus")))
        .unwrap();
    assert_eq!(site_name(&one), "North Campus");
    assert_eq!(
        one.read(org::sites).unwrap().len(),
        1,
        "lists come from the same copy"
    );
}

#[test]
fn a_rolled_back_rename_is_seen_only_inside_its_transaction() {
    let db = TestDb::new().expect("test database");
    let store = open(&db);
    store
        .write(|c| org::insert_site(c, &site("North")))
        .unwrap();
    assert_eq!(site_name(&store), "North");
    let inside = store.write(|c| -> Result<String, StoreError> {
        org::update_site(c, &site("Renamed, then rolled back"))?;
        let seen = org::site_by_id(c, site("").id)?.expect("exists").name;
        Err(StoreError::Migration(seen))
    });
    let Err(StoreError::Migration(seen)) = inside else {
        panic!("the transaction was meant to fail")
    };
    assert_eq!(
        seen, "Renamed, then rolled back",
        "a write reads its own change"
    );
    // The next committed change takes the version the rolled-back one had: a copy
    // filled inside the rolled-back transaction would now pass for current.
    open(&db)
        .write(|c| org::update_site(c, &site("North Campus")))
        .unwrap();
    assert_eq!(site_name(&store), "North Campus");
}
