//! Scoring of the outcome measures: PHQ-9, GAD-7 and the Brief Addiction Monitor.

use serde::Serialize;

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum ScoringError {
    #[error("{instrument} has {expected} items; {got} were given")]
    ItemCount {
        instrument: &'static str,
        expected: usize,
        got: usize,
    },
    #[error("item {item} of {instrument} must be between 0 and {max}")]
    ItemRange {
        instrument: &'static str,
        item: usize,
        max: u8,
    },
}

fn check(
    instrument: &'static str,
    items: &[u8],
    expected: usize,
    max: u8,
) -> Result<(), ScoringError> {
    if items.len() != expected {
        return Err(ScoringError::ItemCount {
            instrument,
            expected,
            got: items.len(),
        });
    }
    if let Some((i, _)) = items.iter().enumerate().find(|(_, v)| **v > max) {
        return Err(ScoringError::ItemRange {
            instrument,
            item: i + 1,
            max,
        });
    }
    Ok(())
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Phq9 {
    pub total: u8,
    pub band: &'static str,
    /// Item 9 (thoughts of being better off dead or of self-harm) above 0: a safety
    /// follow-up is due whatever the total.
    pub safety_alert: bool,
}

/// PHQ-9: nine items 0–3, total 0–27; bands 0–4 minimal, 5–9 mild, 10–14 moderate,
/// 15–19 moderately severe, 20–27 severe.
pub fn phq9(items: &[u8]) -> Result<Phq9, ScoringError> {
    check("PHQ-9", items, 9, 3)?;
    let total: u8 = items.iter().sum();
    let band = match total {
        0..=4 => "minimal",
        5..=9 => "mild",
        10..=14 => "moderate",
        15..=19 => "moderately severe",
        _ => "severe",
    };
    Ok(Phq9 {
        total,
        band,
        safety_alert: items.get(8).is_some_and(|v| *v > 0),
    })
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Gad7 {
    pub total: u8,
    pub band: &'static str,
    /// 10 or more calls for further evaluation.
    pub evaluate_further: bool,
}

/// GAD-7: seven items 0–3, total 0–21; cuts at 5, 10 and 15.
pub fn gad7(items: &[u8]) -> Result<Gad7, ScoringError> {
    check("GAD-7", items, 7, 3)?;
    let total: u8 = items.iter().sum();
    let band = match total {
        0..=4 => "minimal",
        5..=9 => "mild",
        10..=14 => "moderate",
        _ => "severe",
    };
    Ok(Gad7 {
        total,
        band,
        evaluate_further: total >= 10,
    })
}

pub use crate::bam::{bam, Bam, BAM_PROTECTIVE, BAM_RISK, BAM_USE};

#[cfg(test)]
mod tests {
    use super::*;

    fn with_total(n: usize, len: usize, last_zero: bool) -> Vec<u8> {
        // Spread `total` over items, 3 at most each, keeping the last item 0 if asked.
        let mut v = vec![0u8; len];
        let mut left = n;
        let usable = if last_zero { len - 1 } else { len };
        for x in v.iter_mut().take(usable) {
            let put = left.min(3);
            *x = put as u8;
            left -= put;
        }
        v
    }

    #[test]
    fn phq9_bands_at_every_boundary() {
        for (total, band) in [
            (0, "minimal"),
            (4, "minimal"),
            (5, "mild"),
            (9, "mild"),
            (10, "moderate"),
            (14, "moderate"),
            (15, "moderately severe"),
            (19, "moderately severe"),
            (20, "severe"),
            (24, "severe"),
        ] {
            let r = phq9(&with_total(total, 9, true)).unwrap();
            assert_eq!((r.total as usize, r.band), (total, band));
        }
        assert_eq!(phq9(&[3; 9]).unwrap().band, "severe");
        assert_eq!(phq9(&[3; 9]).unwrap().total, 27);
    }

    #[test]
    fn phq9_item_nine_above_zero_raises_the_safety_alert_whatever_the_total() {
        let mut items = [0u8; 9];
        assert!(!phq9(&items).unwrap().safety_alert);
        items[8] = 1;
        let r = phq9(&items).unwrap();
        assert!(r.safety_alert && r.band == "minimal");
    }

    #[test]
    fn gad7_bands_at_every_boundary() {
        for (total, band, further) in [
            (0, "minimal", false),
            (4, "minimal", false),
            (5, "mild", false),
            (9, "mild", false),
            (10, "moderate", true),
            (14, "moderate", true),
            (15, "severe", true),
            (21, "severe", true),
        ] {
            let r = gad7(&with_total(total, 7, false)).unwrap();
            assert_eq!(
                (r.total as usize, r.band, r.evaluate_further),
                (total, band, further)
            );
        }
    }

    #[test]
    fn wrong_item_counts_and_values_are_refused() {
        assert_eq!(
            phq9(&[0; 8]),
            Err(ScoringError::ItemCount {
                instrument: "PHQ-9",
                expected: 9,
                got: 8
            })
        );
        assert_eq!(
            gad7(&[0, 0, 4, 0, 0, 0, 0]),
            Err(ScoringError::ItemRange {
                instrument: "GAD-7",
                item: 3,
                max: 3
            })
        );
    }
}

crate::code_enum! {
    /// What an alert is about.
    pub enum AlertKind {
        /// A PHQ-9 answer above zero on item 9 (thoughts of self-harm).
        #[serde(rename = "phq9_item9")]
        #[strum(serialize = "phq9_item9")]
        Phq9Item9,
        /// The patient's two latest groups were unexcused absences.
        TwoUnexcusedAbsences,
        /// Checking the patient in put the group over the staff-to-patient ratio.
        RatioAtCheckIn,
    }
}

crate::code_enum! {
    /// The instruments the program scores.
    pub enum Instrument {
        #[serde(rename = "phq9")]
        #[strum(serialize = "phq9")]
        Phq9,
        #[serde(rename = "gad7")]
        #[strum(serialize = "gad7")]
        Gad7,
        Bam,
    }
}

crate::code_enum! {
    /// When in an episode a measure was taken.
    pub enum Occasion {
        Intake,
        Biweekly,
        Discharge,
        Other,
    }
}

crate::code_enum! {
    /// What a drug screen tested.
    pub enum Specimen {
        Urine,
        OralFluid,
        Breath,
        Blood,
        Hair,
    }
}

crate::code_enum! {
    /// How a drug screen was read.
    pub enum ScreenMethod {
        PointOfCare,
        Lab,
    }
}

crate::code_enum! {
    /// One substance's result on a drug screen.
    pub enum ScreenResult {
        Negative,
        Positive,
        /// The specimen could not be read (adulterated, dilute, too little).
        Invalid,
    }
}
