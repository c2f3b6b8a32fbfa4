//! The staff ratio: no group has more patients per facilitator than the program allows.

use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Staffing {
    Ok,
    /// This many more facilitators are needed.
    Needs {
        more: u32,
    },
}

/// Facilitators a session needs: one per `max_per_facilitator` patients, rounded up, and
/// none for a session nobody is expected at.
pub fn required_facilitators(expected: u32, max_per_facilitator: u32) -> u32 {
    if expected == 0 {
        return 0;
    }
    expected.div_ceil(max_per_facilitator.max(1))
}

pub fn staffing(expected: u32, facilitators: u32, max_per_facilitator: u32) -> Staffing {
    let need = required_facilitators(expected, max_per_facilitator);
    if facilitators >= need {
        Staffing::Ok
    } else {
        Staffing::Needs {
            more: need - facilitators,
        }
    }
}

impl Staffing {
    pub fn more(self) -> u32 {
        match self {
            Staffing::Ok => 0,
            Staffing::Needs { more } => more,
        }
    }

    /// "ok" or "needs 1 more", as the staffing view says it.
    pub fn describe(self) -> String {
        match self {
            Staffing::Ok => "ok".into(),
            Staffing::Needs { more } => format!("needs {more} more"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn seven_patients_and_one_facilitator_need_one_more() {
        assert_eq!(staffing(7, 1, 6), Staffing::Needs { more: 1 });
        assert_eq!(staffing(7, 1, 6).describe(), "needs 1 more");
    }

    #[test]
    fn six_patients_and_one_facilitator_are_ok_and_empty_sessions_need_nobody() {
        assert_eq!(staffing(6, 1, 6), Staffing::Ok);
        assert_eq!(staffing(0, 0, 6), Staffing::Ok);
        assert_eq!(staffing(1, 0, 6), Staffing::Needs { more: 1 });
        assert_eq!(staffing(13, 0, 6), Staffing::Needs { more: 3 });
    }

    proptest! {
        #[test]
        fn after_adding_the_missing_facilitators_the_ratio_holds(expected in 0u32..500, have in 0u32..100, max in 1u32..20) {
            let more = staffing(expected, have, max).more();
            let total = have + more;
            prop_assert!(expected <= total * max);
            prop_assert_eq!(staffing(expected, total, max), Staffing::Ok);
            if more > 0 {
                // And not one facilitator fewer would do.
                prop_assert!(expected > (total - 1) * max);
            }
        }

        #[test]
        fn more_facilitators_never_need_more(expected in 0u32..500, have in 0u32..100, max in 1u32..20) {
            prop_assert!(staffing(expected, have + 1, max).more() <= staffing(expected, have, max).more());
        }
    }
}
