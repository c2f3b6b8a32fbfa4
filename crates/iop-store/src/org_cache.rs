//! The organisation's sites, programs, tracks and staff, kept in memory.
//!
//! Nearly every page reads them (time zones, program rules, names) and they change a
//! few times a year. Triggers bump `org_version` in every transaction that changes one
//! of those tables (migration `org_version`, both backends), so a single one-row read
//! tells whether the copy is current, whichever process made the change.
//!
//! Only reads fill the copy: a write transaction that changed an organisation row sees
//! a version no copy has and reads the tables themselves, so nothing uncommitted (or
//! later rolled back) is ever shared.

use crate::calendar::StaffRow;
use crate::db::{DbConn, Result};
use crate::org::{ProgramRow, SiteRow, TrackRow};
use crate::schema::org_version;
use diesel::prelude::*;
use std::cell::RefCell;
use std::sync::{Arc, RwLock};

/// The organisation rows as of one version, in the order their list queries give.
pub(crate) struct OrgSnapshot {
    version: i64,
    pub(crate) sites: Vec<SiteRow>,
    pub(crate) programs: Vec<ProgramRow>,
    /// By program, then name.
    pub(crate) tracks: Vec<TrackRow>,
    /// By display name.
    pub(crate) staff: Vec<StaffRow>,
}

/// The copy one [`crate::Store`] (and its clones) share.
#[derive(Default)]
pub(crate) struct OrgCache {
    current: RwLock<Option<Arc<OrgSnapshot>>>,
}

struct Scope {
    cache: Arc<OrgCache>,
    /// Reads may fill the copy; writes only use a current one.
    may_fill: bool,
    /// A read checks the version once: its statements belong to one request.
    checked: Option<Arc<OrgSnapshot>>,
}

thread_local! {
    static SCOPE: RefCell<Option<Scope>> = const { RefCell::new(None) };
}

/// Puts the previous scope back even if `f` unwinds.
struct Restore(Option<Option<Scope>>);

impl Drop for Restore {
    fn drop(&mut self) {
        if let Some(before) = self.0.take() {
            SCOPE.with(|s| *s.borrow_mut() = before);
        }
    }
}

/// Runs `f` with `cache` serving this thread's organisation reads.
pub(crate) fn with_cache<T>(cache: &Arc<OrgCache>, may_fill: bool, f: impl FnOnce() -> T) -> T {
    let scope = Scope {
        cache: cache.clone(),
        may_fill,
        checked: None,
    };
    let _restore = Restore(Some(SCOPE.with(|s| s.replace(Some(scope)))));
    f()
}

/// The current organisation rows, or `None` when the caller must query the tables (no
/// cache in scope, or a write transaction that changed them).
pub(crate) fn snapshot(c: &mut DbConn) -> Result<Option<Arc<OrgSnapshot>>> {
    let Some((cache, may_fill, checked)) = SCOPE.with(|s| {
        s.borrow()
            .as_ref()
            .map(|s| (s.cache.clone(), s.may_fill, s.checked.clone()))
    }) else {
        return Ok(None);
    };
    if checked.is_some() {
        return Ok(checked);
    }
    // Without the row (a database restored from before the migration) nothing is cached.
    let Some(version) = org_version::table
        .select(org_version::version)
        .first::<i64>(c)
        .optional()?
    else {
        return Ok(None);
    };
    let held = cache.current.read().map(|g| g.clone()).unwrap_or_default();
    let snap = match held {
        Some(s) if s.version == version => s,
        _ if may_fill => {
            // Read after the version: a change committed in between makes the copy
            // newer than its label, and the next check reloads it.
            let fresh = Arc::new(OrgSnapshot {
                version,
                sites: crate::org::load_sites(c)?,
                programs: crate::org::load_programs(c)?,
                tracks: crate::org::load_tracks(c)?,
                staff: crate::calendar::load_staff(c)?,
            });
            if let Ok(mut g) = cache.current.write() {
                *g = Some(fresh.clone());
            }
            fresh
        }
        _ => return Ok(None),
    };
    if may_fill {
        SCOPE.with(|s| {
            if let Some(s) = s.borrow_mut().as_mut() {
                s.checked = Some(snap.clone());
            }
        });
    }
    Ok(Some(snap))
}
