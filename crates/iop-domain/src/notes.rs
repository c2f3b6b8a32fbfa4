//! Group notes: catching cloned individual entries before they are signed (payers deny
//! claims whose notes read the same for every patient).

crate::code_enum! {
        /// Where a note stands: a draft is edited; a signed note is never changed again
        /// (corrections are addenda).
        pub enum NoteStatus {
            Draft,
            Signed,
        }
}

use std::collections::BTreeSet;

fn words(s: &str) -> BTreeSet<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Jaccard similarity of the word sets of two texts (0.0 to 1.0).
pub fn similarity(a: &str, b: &str) -> f64 {
    let (x, y) = (words(a), words(b));
    if x.is_empty() && y.is_empty() {
        return 1.0;
    }
    let inter = x.intersection(&y).count() as f64;
    let union = x.union(&y).count() as f64;
    inter / union
}

/// Texts at least this similar read as copies.
pub const NEAR_IDENTICAL: f64 = 0.85;

/// Pairs of entries (by index) that read as copies of each other.
pub fn near_identical_pairs(entries: &[String]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for i in 0..entries.len() {
        for j in i + 1..entries.len() {
            if similarity(&entries[i], &entries[j]) >= NEAR_IDENTICAL {
                out.push((i, j));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_with_a_changed_name_are_caught_and_distinct_entries_are_not() {
        let e = vec![
            "Engaged well, shared about triggers at work and practiced the urge-surfing skill.".to_string(),
            "Engaged well, shared about triggers at work and practiced the urge surfing skill!".to_string(),
            "Quiet at first; later named loneliness on weekends as a risk and set a plan to call a sponsor.".to_string(),
        ];
        assert_eq!(near_identical_pairs(&e), vec![(0, 1)]);
    }

    #[test]
    fn similarity_is_symmetric_and_bounded() {
        let (a, b) = ("one two three", "two three four");
        assert_eq!(similarity(a, b), similarity(b, a));
        assert!((0.0..=1.0).contains(&similarity(a, b)));
        assert_eq!(similarity("Same words", "same, words."), 1.0);
    }
}
