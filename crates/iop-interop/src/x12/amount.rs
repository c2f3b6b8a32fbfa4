//! X12 decimal amounts ("R" elements) to and from integer cents, exactly: no float.

use iop_domain::Cents;

/// Parses "100", "100.5", "-12.34", ".5"; refuses a third decimal, a plus sign,
/// exponents, spaces and anything that would overflow.
pub fn parse_amount(raw: &str) -> Result<Cents, String> {
    let shown: String = raw.chars().take(24).collect();
    let bad = || format!("{shown:?} is not an amount (such as 100, 100.5 or -12.34)");
    let (negative, digits) = match raw.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, raw),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() && fraction.is_empty() || !all_digits(whole) || !all_digits(fraction) {
        return Err(bad());
    }
    if fraction.len() > 2 {
        return Err(format!("{shown:?} has more than two decimals"));
    }
    let mut cents: i64 = 0;
    let padded = fraction.bytes().chain(std::iter::repeat(b'0')).take(2);
    for b in whole.bytes().chain(padded) {
        cents = cents
            .checked_mul(10)
            .and_then(|c| c.checked_add(i64::from(b - b'0')))
            .ok_or_else(bad)?;
    }
    Ok(Cents(if negative { -cents } else { cents }))
}

/// "250" for 25000, "250.5" for 25050, "-0.05" for -5: X12 drops trailing zeros.
pub fn format_amount(c: Cents) -> String {
    let sign = if c.0 < 0 { "-" } else { "" };
    let abs = c.0.unsigned_abs();
    let (whole, frac) = (abs / 100, abs % 100);
    match frac {
        0 => format!("{sign}{whole}"),
        f if f % 10 == 0 => format!("{sign}{whole}.{}", f / 10),
        f => format!("{sign}{whole}.{f:02}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn amounts_parse_exactly_into_cents() {
        let cases = [
            ("100", 10000),
            ("100.5", 10050),
            ("100.05", 10005),
            ("-12.34", -1234),
            (".5", 50),
            ("0", 0),
            ("007.10", 710),
        ];
        for (raw, cents) in cases {
            assert_eq!(parse_amount(raw), Ok(Cents(cents)), "{raw}");
        }
    }

    #[test]
    fn three_decimals_signs_and_garbage_are_refused() {
        for raw in [
            "1.234",
            "",
            "-",
            ".",
            "+5",
            "1e3",
            "1,000",
            " 5",
            "5 ",
            "1.2.3",
            "--1",
            "abc",
            "99999999999999999999",
        ] {
            assert!(parse_amount(raw).is_err(), "{raw:?}");
        }
        assert!(parse_amount("1.234").unwrap_err().contains("two decimals"));
    }

    #[test]
    fn formatting_drops_trailing_zeros() {
        assert_eq!(format_amount(Cents(25000)), "250");
        assert_eq!(format_amount(Cents(25050)), "250.5");
        assert_eq!(format_amount(Cents(25005)), "250.05");
        assert_eq!(format_amount(Cents(-5)), "-0.05");
        assert_eq!(format_amount(Cents(0)), "0");
    }

    proptest! {
        #[test]
        fn formatted_amounts_parse_back_to_themselves(c in (i64::MIN + 1)..i64::MAX) {
            prop_assert_eq!(parse_amount(&format_amount(Cents(c))), Ok(Cents(c)));
        }

        #[test]
        fn any_text_parses_or_is_refused_without_panic(s in "\\PC{0,30}") {
            let _ = parse_amount(&s);
        }
    }
}
