//! The ICD-10-CM code set in force on a date. Codes change every 1 October (the federal
//! fiscal year), so a diagnosis is checked against the year of the service, not today's.
//! The sets ship compressed in `data/icd10cm/` (sources in its SOURCE.md) and are
//! unpacked in memory on first use.

use jiff::civil::Date;
use std::io::Read;
use std::sync::OnceLock;

/// (fiscal year, gzip of `CODE<TAB>description` lines, sorted, codes without the dot).
const SETS: &[(i16, &[u8])] = &[
    (2025, include_bytes!("../data/icd10cm/FY2025.tsv.gz")),
    (2026, include_bytes!("../data/icd10cm/FY2026.tsv.gz")),
];

/// The fiscal year a date falls in: FY2026 runs from 1 October 2025 to 30 September 2026.
pub fn fiscal_year(d: Date) -> i16 {
    if d.month() >= 10 {
        d.year() + 1
    } else {
        d.year()
    }
}

/// One year's billable codes.
pub struct CodeSet {
    pub fiscal_year: i16,
    text: String,
    /// Byte offset of each line in `text`, in code order.
    lines: Vec<u32>,
}

impl CodeSet {
    fn unpack(fiscal_year: i16, gz: &[u8]) -> CodeSet {
        let mut text = String::new();
        // The data is compiled in and checked by the tests: a failure here is a build
        // defect, and an empty set then refuses every code rather than accepting any.
        if flate2::read::GzDecoder::new(gz)
            .read_to_string(&mut text)
            .is_err()
        {
            text.clear();
        }
        let mut lines = Vec::with_capacity(80_000);
        let mut at = 0usize;
        for line in text.split_inclusive('\n') {
            if !line.trim().is_empty() {
                lines.push(u32::try_from(at).unwrap_or(u32::MAX));
            }
            at += line.len();
        }
        CodeSet {
            fiscal_year,
            text,
            lines,
        }
    }

    fn line(&self, i: usize) -> (&str, &str) {
        let start = self.lines[i] as usize;
        let rest = &self.text[start..];
        let line = rest.split('\n').next().unwrap_or("");
        line.split_once('\t').unwrap_or((line, ""))
    }

    /// The description of a billable code (written without its dot), if it is one.
    pub fn describe(&self, undotted: &str) -> Option<&str> {
        self.lines
            .binary_search_by(|&off| {
                let start = off as usize;
                let code = self.text[start..].split('\t').next().unwrap_or("");
                code.cmp(undotted)
            })
            .ok()
            .map(|i| self.line(i).1)
    }

    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Every (code, description) whose code starts with `prefix`, in code order.
    pub fn starting_with<'a>(
        &'a self,
        prefix: &'a str,
    ) -> impl Iterator<Item = (&'a str, &'a str)> {
        let from = self.lines.partition_point(|&off| {
            let code = self.text[off as usize..].split('\t').next().unwrap_or("");
            code < prefix
        });
        (from..self.lines.len())
            .map(|i| self.line(i))
            .take_while(move |(c, _)| c.starts_with(prefix))
    }
}

fn loaded() -> &'static [CodeSet] {
    static ALL: OnceLock<Vec<CodeSet>> = OnceLock::new();
    ALL.get_or_init(|| SETS.iter().map(|(y, gz)| CodeSet::unpack(*y, gz)).collect())
}

/// The set in force on a date, and whether it is exactly that year's. A date after the
/// newest shipped year is checked against the newest (and `exact` is false); a date
/// before the oldest, against the oldest.
pub struct InForce {
    pub set: &'static CodeSet,
    pub exact: bool,
}

pub fn in_force(d: Date) -> Option<InForce> {
    let year = fiscal_year(d);
    let all = loaded();
    if let Some(set) = all.iter().find(|s| s.fiscal_year == year) {
        return Some(InForce { set, exact: true });
    }
    let nearest = if all.first().is_some_and(|s| year < s.fiscal_year) {
        all.first()
    } else {
        all.last()
    };
    nearest.map(|set| InForce { set, exact: false })
}

/// The newest shipped set: descriptions for display.
pub fn newest() -> Option<&'static CodeSet> {
    loaded().last()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn the_fiscal_year_starts_on_the_first_of_october() {
        assert_eq!(fiscal_year(date(2025, 9, 30)), 2025);
        assert_eq!(fiscal_year(date(2025, 10, 1)), 2026);
        assert_eq!(fiscal_year(date(2026, 12, 3)), 2027);
    }

    #[test]
    fn each_shipped_year_unpacks_whole_and_sorted() {
        for set in loaded() {
            assert!(set.len() > 70_000, "FY{}: {}", set.fiscal_year, set.len());
            let codes: Vec<&str> = (0..set.len()).map(|i| set.line(i).0).collect();
            assert!(
                codes.windows(2).all(|w| w[0] < w[1]),
                "FY{}",
                set.fiscal_year
            );
        }
    }

    #[test]
    fn a_code_is_billable_only_in_the_years_that_have_it() {
        let fy25 = in_force(date(2025, 3, 1)).expect("FY2025");
        let fy26 = in_force(date(2025, 10, 1)).expect("FY2026");
        assert!(fy25.exact && fy26.exact);
        assert_eq!(
            fy25.set.describe("F1020"),
            Some("Alcohol dependence, uncomplicated")
        );
        assert!(fy26.set.describe("F32A").is_some());
        // G35 (multiple sclerosis) was split into G35A–G35D on 1 October 2025.
        assert!(fy25.set.describe("G35").is_some());
        assert!(fy26.set.describe("G35").is_none());
        assert!(fy26.set.describe("G35A").is_some());
        // A category is not billable; only its leaves are.
        assert!(fy26.set.describe("F10").is_none());
        assert!(fy26.set.starting_with("F1020").count() >= 1);
    }

    #[test]
    fn a_date_past_the_newest_year_uses_the_newest_and_says_it_is_not_exact() {
        let later = in_force(date(2026, 12, 3)).expect("a set");
        assert!(!later.exact);
        assert_eq!(Some(later.set.fiscal_year), newest().map(|s| s.fiscal_year));
    }
}
