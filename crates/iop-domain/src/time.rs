//! Instants as stored: fixed-width UTC text, so the text order is the time order on
//! both backends and an auditor can read a row without converting anything.

use jiff::Timestamp;

/// `2026-11-27T03:26:10.123456Z`: always microseconds, always `Z`.
pub fn stored(ts: Timestamp) -> String {
    ts.strftime("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

pub fn parse_stored(s: &str) -> Option<Timestamp> {
    s.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn stored_form_has_fixed_width() {
        let ts: Timestamp = "2026-03-08T07:00:00Z".parse().unwrap_or_default();
        assert_eq!(stored(ts), "2026-03-08T07:00:00.000000Z");
    }

    proptest! {
        #[test]
        fn text_order_equals_time_order(a in 0i64..4_102_444_800_000_000, b in 0i64..4_102_444_800_000_000) {
            let (ta, tb) = (Timestamp::from_microsecond(a), Timestamp::from_microsecond(b));
            if let (Ok(ta), Ok(tb)) = (ta, tb) {
                prop_assert_eq!(stored(ta).cmp(&stored(tb)), ta.cmp(&tb));
                prop_assert_eq!(parse_stored(&stored(ta)), Some(ta));
            }
        }
    }
}
