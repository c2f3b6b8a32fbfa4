use super::*;
use jiff::civil::{date, time};
use proptest::prelude::*;
use strum::IntoEnumIterator;

#[test]
fn no_message_of_any_kind_carries_a_revealing_word() {
    for kind in MailKind::iter() {
        let m = compose(
            kind,
            "https://example.org/portal/welcome/abc",
            DEFAULT_SENDER_NAME,
        );
        assert_eq!(revealing_word(&m.subject, &[]), None, "{kind:?} subject");
        assert_eq!(revealing_word(&m.body, &[]), None, "{kind:?} body");
    }
    assert_eq!(revealing_word(DEFAULT_SENDER_NAME, &[]), None);
}

#[test]
fn revealing_words_are_caught_in_any_case_and_names_given_are_checked_too() {
    assert_eq!(revealing_word("Your Recovery group", &[]), Some("recovery"));
    assert_eq!(revealing_word("Harbor Counseling", &[]), Some("counsel"));
    assert_eq!(
        revealing_word("From Harbor House", &["Harbor House"]),
        Some("Harbor House")
    );
    assert_eq!(revealing_word("the IOP tonight", &[]), Some("iop"));
    // Short words count only on their own.
    assert_eq!(revealing_word("shipop.example", &[]), None);
    assert_eq!(revealing_word("nothing here", &["", "  "]), None);
}

#[test]
fn the_link_is_in_the_body_as_given() {
    let m = compose(
        MailKind::Invitation,
        "https://h/portal/welcome/t0k",
        "Front desk",
    );
    assert!(m.body.contains("https://h/portal/welcome/t0k\n"));
    assert!(m.body.ends_with("Front desk\n"));
}

#[test]
fn quiet_hours_past_midnight_hold_a_late_message_until_morning() {
    let q = QuietHours {
        from: time(21, 0, 0, 0),
        until: time(8, 0, 0, 0),
    };
    let late = date(2026, 12, 7).at(22, 30, 0, 0);
    assert_eq!(q.next_allowed(late), date(2026, 12, 8).at(8, 0, 0, 0));
    let early = date(2026, 12, 8).at(6, 0, 0, 0);
    assert_eq!(q.next_allowed(early), date(2026, 12, 8).at(8, 0, 0, 0));
    let day = date(2026, 12, 8).at(12, 0, 0, 0);
    assert_eq!(q.next_allowed(day), day);
}

#[test]
fn quiet_hours_within_a_day_hold_until_their_end() {
    let q = QuietHours {
        from: time(13, 0, 0, 0),
        until: time(14, 0, 0, 0),
    };
    let at = date(2026, 12, 7).at(13, 15, 0, 0);
    assert_eq!(q.next_allowed(at), date(2026, 12, 7).at(14, 0, 0, 0));
}

#[test]
fn sends_are_retried_with_growing_waits_then_given_up() {
    let waits: Vec<_> = (1..MAX_ATTEMPTS).map(retry_after).collect();
    assert!(waits.iter().all(Option::is_some));
    assert!(waits.windows(2).all(|w| w[0] <= w[1]));
    assert_eq!(retry_after(MAX_ATTEMPTS), None);
}

#[test]
fn only_reminders_and_waiting_notices_can_be_turned_off_or_held() {
    assert!(!MailKind::OPTIONAL.contains(&MailKind::Invitation));
    assert!(!MailKind::PasswordReset.waits_for_quiet_hours());
    assert!(MailKind::GroupReminder.opt_in());
    assert!(!MailKind::AppointmentReminder.opt_in());
}

fn arb_time() -> impl Strategy<Value = Time> {
    (0i8..24, 0i8..60).prop_map(|(h, m)| time(h, m, 0, 0))
}

proptest! {
    #[test]
    fn a_held_message_leaves_quiet_hours_within_a_day(
        from in arb_time(), until in arb_time(), at in arb_time(), day in 1i8..28
    ) {
        prop_assume!(from != until);
        let q = QuietHours { from, until };
        let at = date(2026, 3, day).to_datetime(at);
        let next = q.next_allowed(at);
        prop_assert!(next >= at);
        prop_assert!(!q.contains(next.time()));
        prop_assert!(next <= at.checked_add(jiff::Span::new().hours(24)).unwrap_or(at));
    }
}
