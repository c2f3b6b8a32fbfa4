//! The questionnaires as they are printed, item by item, with their own answer options:
//! staff enter a PHQ-9, GAD-7 or BAM the way the patient answered it on paper. The
//! wording is the instruments' own (never paraphrase a validated instrument); the
//! sources are in docs/program-rules.md ("Measure forms").

/// How one item is answered; each option's value is what the scoring functions take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answers {
    /// One of labelled options, scored 0, 1, 2 … in order.
    Options(&'static [&'static str]),
    /// A count of days in the past 30 (0–30).
    Days,
}

pub const FREQUENCY: Answers = Answers::Options(&[
    "Not at all",
    "Several days",
    "More than half the days",
    "Nearly every day",
]);
const HEALTH: Answers = Answers::Options(&["Excellent", "Very Good", "Good", "Fair", "Poor"]);
const EXTENT: Answers = Answers::Options(&[
    "Not at all",
    "Slightly",
    "Moderately",
    "Considerably",
    "Extremely",
]);
const NO_YES: Answers = Answers::Options(&["No", "Yes"]);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Item {
    /// As numbered on the form: "1", "7A".
    pub number: &'static str,
    pub text: &'static str,
    pub answers: Answers,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Form {
    /// The measure's code (`phq9`, `gad7`, `bam`).
    pub code: &'static str,
    pub title: &'static str,
    pub instructions: &'static str,
    /// A heading printed above some items (the BAM's item 7), by the item it precedes.
    pub headings: &'static [(&'static str, &'static str)],
    pub items: &'static [Item],
    pub source: &'static str,
}

impl Form {
    pub fn by_code(code: &str) -> Option<&'static Form> {
        [&PHQ9, &GAD7, &BAM].into_iter().find(|f| f.code == code)
    }

    /// The heading printed just before an item, if any.
    pub fn heading_before(&self, number: &str) -> Option<&'static str> {
        self.headings
            .iter()
            .find(|(n, _)| *n == number)
            .map(|(_, h)| *h)
    }
}

const PFIZER: &str = "Developed by Drs. Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke and colleagues, with an educational grant from Pfizer Inc. No permission required to reproduce, translate, display or distribute.";

const fn frequency(number: &'static str, text: &'static str) -> Item {
    Item {
        number,
        text,
        answers: FREQUENCY,
    }
}

pub const PHQ9: Form = Form {
    code: "phq9",
    title: "Patient Health Questionnaire (PHQ-9)",
    instructions: "Over the last 2 weeks, how often have you been bothered by any of the following problems?",
    headings: &[],
    items: &[
        frequency("1", "Little interest or pleasure in doing things"),
        frequency("2", "Feeling down, depressed, or hopeless"),
        frequency("3", "Trouble falling or staying asleep, or sleeping too much"),
        frequency("4", "Feeling tired or having little energy"),
        frequency("5", "Poor appetite or overeating"),
        frequency("6", "Feeling bad about yourself — or that you are a failure or have let yourself or your family down"),
        frequency("7", "Trouble concentrating on things, such as reading the newspaper or watching television"),
        frequency("8", "Moving or speaking so slowly that other people could have noticed? Or the opposite — being so fidgety or restless that you have been moving around a lot more than usual"),
        frequency("9", "Thoughts that you would be better off dead or of hurting yourself in some way"),
    ],
    source: PFIZER,
};

pub const GAD7: Form = Form {
    code: "gad7",
    title: "Generalized Anxiety Disorder scale (GAD-7)",
    instructions:
        "Over the last 2 weeks, how often have you been bothered by the following problems?",
    headings: &[],
    items: &[
        frequency("1", "Feeling nervous, anxious or on edge"),
        frequency("2", "Not being able to stop or control worrying"),
        frequency("3", "Worrying too much about different things"),
        frequency("4", "Trouble relaxing"),
        frequency("5", "Being so restless that it is hard to sit still"),
        frequency("6", "Becoming easily annoyed or irritable"),
        frequency("7", "Feeling afraid as if something awful might happen"),
    ],
    source: PFIZER,
};

const fn days(number: &'static str, text: &'static str) -> Item {
    Item {
        number,
        text,
        answers: Answers::Days,
    }
}

const fn rated(number: &'static str, text: &'static str, answers: Answers) -> Item {
    Item {
        number,
        text,
        answers,
    }
}

/// The BAM in the order `bam::bam` scores 23 answers: items 1–6, 7A–7G, 8–17.
pub const BAM: Form = Form {
    code: "bam",
    title: "Brief Addiction Monitor (BAM)",
    instructions: "The following questions ask about several areas of your life such as your health, alcohol and drug use, thinking about the last 30 days.",
    headings: &[("7A", "In the past 30 days, how many days did you use any of the following drugs:")],
    items: &[
        rated("1", "In the past 30 days, would you say your physical health has been?", HEALTH),
        days("2", "In the past 30 days, how many nights did you have trouble falling asleep or staying asleep?"),
        days("3", "In the past 30 days, how many days have you felt depressed, anxious, angry or very upset throughout most of the day?"),
        days("4", "In the past 30 days, how many days did you drink ANY alcohol?"),
        days("5", "In the past 30 days, how many days did you have at least 5 drinks (4 if patient is female or over 65)?"),
        days("6", "In the past 30 days, how many days did you use any illegal/street drugs or abuse any prescription medications?"),
        days("7A", "Marijuana (cannabis, pot, weed)?"),
        days("7B", "Sedatives/Tranquilizers (e.g., \"benzos\", Valium, Xanax, Ativan, Ambien, \"barbs\", Phenobarbital, downers, etc.)?"),
        days("7C", "Cocaine/Crack?"),
        days("7D", "Other Stimulants (amphetamine, methamphetamine, Dexedrine, Ritalin, Adderall, speed, crystal meth, ice, etc.)"),
        days("7E", "Opiates (heroin, morphine, dilaudid, demerol, oxycontin, oxy, codeine, Tylenol #2/3/4, Percocet, Vicodin, Fentanyl, etc.)"),
        days("7F", "Inhalants (glues/adhesives, nail polish remover, paint thinner, etc.)"),
        days("7G", "Other drugs (steroids, non-prescription sleep/diet pills, Benadryl, Ephedra, other over-the-counter/unknown medications)"),
        rated("8", "In the past 30 days, how much were you bothered by cravings or urges to drink alcohol or use drugs?", EXTENT),
        rated("9", "How confident are you in your ability to be completely abstinent (clean) from alcohol and drugs in the next 30 days?", EXTENT),
        days("10", "In the past 30 days, how many days did you attend self-help meetings like AA or NA to support your recovery?"),
        days("11", "In the past 30 days, how many days were you in any situations or with any people that might put you at an increased risk for using alcohol or drugs (i.e., around risky \"people, places or things\")?"),
        rated("12", "Does your religion or spirituality help support your recovery?", EXTENT),
        days("13", "In the past 30 days, how many days did you spend much of the time at work, school, or doing volunteer work?"),
        rated("14", "Do you have enough income (from legal sources) to pay for necessities such as housing, transportation, food and clothing for yourself and your dependents?", NO_YES),
        rated("15", "In the past 30 days, how much have you been bothered by arguments or problems getting along with any family members or friends?", EXTENT),
        days("16", "In the past 30 days, how many days were you in contact or spent time with any family members or friends who are supportive of your recovery?"),
        rated("17", "How satisfied are you with your progress toward achieving your recovery goals?", EXTENT),
    ],
    source: "Brief Addiction Monitor (BAM), U.S. Department of Veterans Affairs. Cacciola JS, Alterman AI, DePhilippis D, et al. J Subst Abuse Treat. 2013;44(3):256–263. doi:10.1016/j.jsat.2012.07.013.",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_form_has_as_many_items_as_its_scoring_takes() {
        assert_eq!(PHQ9.items.len(), 9);
        assert_eq!(GAD7.items.len(), 7);
        assert_eq!(BAM.items.len(), 23);
        let answers: Vec<u8> = BAM
            .items
            .iter()
            .map(|i| match i.answers {
                Answers::Days => 3,
                Answers::Options(_) => 1,
            })
            .collect();
        assert!(crate::bam::bam(&answers).is_ok());
    }

    #[test]
    fn the_option_answers_of_the_bam_fit_the_items_the_scorer_reads_as_ratings_or_yes_no() {
        for (i, item) in BAM.items.iter().enumerate() {
            // Items 1–6 are answers 0–5; 7A–G are 6–12; 8–17 are 13–22.
            let scored = match i {
                0..=5 => Some(i),
                6..=12 => None,
                _ => Some(i - 6),
            };
            if let Some(k) = scored {
                let days = crate::bam::ITEMS[k].0 == crate::bam::Answer::Days;
                assert_eq!(days, item.answers == Answers::Days, "item {}", item.number);
            }
        }
    }

    #[test]
    fn forms_are_found_by_their_measure_code() {
        assert_eq!(Form::by_code("gad7").map(|f| f.items.len()), Some(7));
        assert!(Form::by_code("audit").is_none());
        assert_eq!(
            BAM.heading_before("7A").map(|h| h.ends_with("drugs:")),
            Some(true)
        );
    }
}
