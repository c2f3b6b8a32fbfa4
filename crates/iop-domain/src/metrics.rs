//! Admissions metrics: median and 90th percentile of days from first contact to the
//! first attended session (nearest-rank percentiles over whole days).

use jiff::civil::Date;

/// Days from first contact to first attended session, for those who attended.
pub fn days_to_first_session(cases: &[(Date, Option<Date>)]) -> Vec<i32> {
    let mut v: Vec<i32> = cases
        .iter()
        .filter_map(|(c, s)| s.map(|s| (s - *c).get_days()))
        .filter(|d| *d >= 0)
        .collect();
    v.sort_unstable();
    v
}

/// Nearest-rank percentile of sorted values (`p` in 1..=100); `None` for no values.
pub fn percentile(sorted: &[i32], p: u32) -> Option<i32> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (u64::from(p.clamp(1, 100)) * sorted.len() as u64).div_ceil(100);
    sorted
        .get(usize::try_from(rank).unwrap_or(1).saturating_sub(1))
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn constructed_cases_give_the_expected_median_and_ninetieth_percentile() {
        let c = date(2026, 3, 2);
        let d = |n: i64| Some(c.checked_add(jiff::Span::new().days(n)).unwrap_or(c));
        // 10 people: 1,1,2,2,3,3,4,5,8,14 days; one never came.
        let cases: Vec<_> = [1, 2, 14, 3, 1, 2, 8, 3, 4, 5]
            .iter()
            .map(|n| (c, d(*n)))
            .chain([(c, None)])
            .collect();
        let days = days_to_first_session(&cases);
        assert_eq!(days, vec![1, 1, 2, 2, 3, 3, 4, 5, 8, 14]);
        assert_eq!(percentile(&days, 50), Some(3));
        assert_eq!(percentile(&days, 90), Some(8));
        assert_eq!(percentile(&[], 50), None);
        assert_eq!(percentile(&[7], 90), Some(7));
    }
}
