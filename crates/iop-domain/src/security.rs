//! Login throttling and idle logoff as pure rules over instants.

use jiff::{SignedDuration, Timestamp};

/// Failed logins within the window that lock an account or an address.
pub const MAX_FAILURES: usize = 5;
/// How long an account or address waits after `MAX_FAILURES`, and how far back failures count.
pub const LOCKOUT: SignedDuration = SignedDuration::from_mins(15);

/// Given the failure instants for one key (an email or an address), when may it try again?
/// `None` means now. The lock runs from the fifth failure inside the window.
pub fn locked_until(failures: &[Timestamp], now: Timestamp) -> Option<Timestamp> {
    let since = now.checked_sub(LOCKOUT).ok()?;
    let mut recent: Vec<Timestamp> = failures
        .iter()
        .copied()
        .filter(|t| *t > since && *t <= now)
        .collect();
    if recent.len() < MAX_FAILURES {
        return None;
    }
    recent.sort();
    let nth = recent[recent.len() - MAX_FAILURES];
    let until = nth.checked_add(LOCKOUT).ok()?;
    (until > now).then_some(until)
}

/// A session is over once it has been idle for longer than `idle`.
pub fn is_idle_expired(last_seen: Timestamp, now: Timestamp, idle: SignedDuration) -> bool {
    now.duration_since(last_seen) > idle
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(mins: i64) -> Timestamp {
        Timestamp::UNIX_EPOCH + SignedDuration::from_mins(1_000_000 + mins)
    }

    #[test]
    fn four_failures_do_not_lock() {
        let f: Vec<_> = (0..4).map(at).collect();
        assert_eq!(locked_until(&f, at(4)), None);
    }

    #[test]
    fn fifth_failure_locks_for_fifteen_minutes_from_the_oldest_of_the_five() {
        let f: Vec<_> = (0..5).map(at).collect();
        assert_eq!(locked_until(&f, at(5)), Some(at(15)));
        assert_eq!(locked_until(&f, at(15)), None);
    }

    #[test]
    fn failures_older_than_the_window_are_forgotten() {
        let f = vec![at(0), at(1), at(2), at(3), at(20)];
        assert_eq!(locked_until(&f, at(20)), None);
    }

    #[test]
    fn idle_logoff_happens_only_after_the_limit() {
        let idle = SignedDuration::from_mins(15);
        assert!(!is_idle_expired(at(0), at(15), idle));
        assert!(is_idle_expired(at(0), at(16), idle));
    }

    proptest! {
        #[test]
        fn a_lock_never_outlasts_the_window(mins in proptest::collection::vec(0i64..60, 0..20), now in 0i64..80) {
            let f: Vec<_> = mins.into_iter().map(at).collect();
            if let Some(until) = locked_until(&f, at(now)) {
                prop_assert!(until > at(now));
                prop_assert!(until <= at(now) + LOCKOUT);
            }
        }
    }
}
