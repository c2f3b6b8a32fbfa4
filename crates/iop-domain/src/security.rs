//! Sign-in throttling (exponential backoff), idle logoff and the session lifetime as
//! pure rules over instants.

use jiff::{SignedDuration, Timestamp};

/// Failures that cost nothing (typos): the wait starts after this many in a row.
pub const FREE_FAILURES: usize = 3;
/// The longest wait between attempts.
pub const MAX_BACKOFF: SignedDuration = SignedDuration::from_mins(15);
/// How far back failures count.
pub const FAILURE_WINDOW: SignedDuration = SignedDuration::from_hours(24);

/// The wait after `n` failures in a row: none for the first [`FREE_FAILURES`], then
/// 1 s, doubling each time, never more than [`MAX_BACKOFF`]. No account is ever locked
/// outright, so no one can lock a colleague out by guessing at their address.
pub fn backoff(n: usize) -> SignedDuration {
    let Some(over) = n.checked_sub(FREE_FAILURES).filter(|o| *o > 0) else {
        return SignedDuration::ZERO;
    };
    let secs = 1i64
        .checked_shl(u32::try_from(over - 1).unwrap_or(u32::MAX))
        .filter(|s| *s > 0)
        .unwrap_or(i64::MAX);
    SignedDuration::from_secs(secs).min(MAX_BACKOFF)
}

/// Given the failure instants for one key (an email or an address) since its last
/// success, when may it try again? `None` means now.
pub fn retry_at(failures: &[Timestamp], now: Timestamp) -> Option<Timestamp> {
    let since = now.checked_sub(FAILURE_WINDOW).ok()?;
    let recent: Vec<Timestamp> = failures
        .iter()
        .copied()
        .filter(|t| *t > since && *t <= now)
        .collect();
    let last = recent.iter().max()?;
    let until = last.checked_add(backoff(recent.len())).ok()?;
    (until > now).then_some(until)
}

/// A session is over once it has been idle for longer than `idle`.
pub fn is_idle_expired(last_seen: Timestamp, now: Timestamp, idle: SignedDuration) -> bool {
    now.duration_since(last_seen) > idle
}

/// Why a web session ends on its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionEnd {
    /// No request for longer than the idle timeout (HIPAA automatic logoff).
    Idle,
    /// Older than the absolute lifetime, however busy (ASVS V7.3.2): a session
    /// left signed in on a shared workstation does not outlive the working day.
    Lifetime,
}

/// Whether a session begun at `created` and last used at `last_seen` is over at `now`.
pub fn session_end(
    created: Timestamp,
    last_seen: Timestamp,
    now: Timestamp,
    idle: SignedDuration,
    lifetime: SignedDuration,
) -> Option<SessionEnd> {
    if now.duration_since(created) > lifetime {
        Some(SessionEnd::Lifetime)
    } else if is_idle_expired(last_seen, now, idle) {
        Some(SessionEnd::Idle)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(mins: i64) -> Timestamp {
        Timestamp::UNIX_EPOCH + SignedDuration::from_mins(1_000_000 + mins)
    }

    #[test]
    fn three_failures_cost_nothing_then_the_wait_doubles_from_one_second() {
        let waits: Vec<i64> = (0..8).map(|n| backoff(n).as_secs()).collect();
        assert_eq!(waits, vec![0, 0, 0, 0, 1, 2, 4, 8]);
        assert_eq!(backoff(14), MAX_BACKOFF);
        assert_eq!(backoff(10_000), MAX_BACKOFF);
    }

    #[test]
    fn the_wait_runs_from_the_last_failure() {
        let f: Vec<_> = (0..5).map(at).collect();
        let last = at(4);
        assert_eq!(
            retry_at(&f, last),
            Some(last + SignedDuration::from_secs(2))
        );
        assert_eq!(retry_at(&f, last + SignedDuration::from_secs(2)), None);
    }

    #[test]
    fn failures_older_than_the_window_are_forgotten() {
        let f: Vec<_> = (0..20).map(at).collect();
        assert_eq!(retry_at(&f, at(19) + FAILURE_WINDOW), None);
    }

    #[test]
    fn idle_logoff_happens_only_after_the_limit() {
        let idle = SignedDuration::from_mins(15);
        assert!(!is_idle_expired(at(0), at(15), idle));
        assert!(is_idle_expired(at(0), at(16), idle));
    }

    proptest! {
        #[test]
        fn a_wait_is_in_the_future_and_never_longer_than_fifteen_minutes(mins in proptest::collection::vec(0i64..60, 0..40), now in 0i64..80) {
            let f: Vec<_> = mins.into_iter().map(at).collect();
            if let Some(until) = retry_at(&f, at(now)) {
                prop_assert!(until > at(now));
                prop_assert!(until <= at(now) + MAX_BACKOFF);
            }
        }

        #[test]
        fn one_more_failure_never_shortens_the_wait(n in 0usize..100) {
            prop_assert!(backoff(n + 1) >= backoff(n));
        }
    }

    #[test]
    fn a_busy_session_still_ends_at_its_lifetime_and_a_quiet_one_when_idle() {
        let (idle, life) = (
            SignedDuration::from_mins(15),
            SignedDuration::from_hours(12),
        );
        let start = at(0);
        assert_eq!(session_end(start, at(5), at(10), idle, life), None);
        assert_eq!(
            session_end(start, at(5), at(21), idle, life),
            Some(SessionEnd::Idle)
        );
        assert_eq!(
            session_end(start, at(12 * 60), at(12 * 60 + 1), idle, life),
            Some(SessionEnd::Lifetime),
            "used a minute ago, but begun twelve hours ago"
        );
    }
}
