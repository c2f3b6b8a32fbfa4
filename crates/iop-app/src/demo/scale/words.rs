//! The made-up words of the scale seed: names, diagnoses, note text, and how marks fall.

use iop_domain::hours::Mark;
use rand::rngs::StdRng;
use rand::Rng;

pub(super) const FIRST: [&str; 24] = [
    "Avery", "Blake", "Cameron", "Drew", "Emerson", "Finley", "Gray", "Harper", "Indigo", "Jules",
    "Kai", "Logan", "Morgan", "Noel", "Oakley", "Parker", "Quinn", "Reese", "Sage", "Taylor",
    "Rowan", "Skyler", "Jamie", "Elliot",
];
pub(super) const LAST: [&str; 24] = [
    "Stone", "Rivera", "Brooks", "Patel", "Kim", "Ortiz", "Nguyen", "Young", "Hall", "Ward",
    "Foster", "Price", "Bell", "Hayes", "Reed", "Garcia", "Lopez", "Murphy", "Cohen", "Silva",
    "Okafor", "Novak", "Larsen", "Moreau",
];
pub(super) const DIAGNOSES: [&str; 6] = [
    "F10.20",
    "F10.20,F32.A",
    "F11.20,F17.210",
    "F14.20,F43.10",
    "F12.20,F41.1",
    "F15.20",
];
pub(super) const INTERVENTIONS: [&str; 3] = [
    "Psychoeducation on the topic; cognitive restructuring exercise in pairs.",
    "Motivational interviewing; skills rehearsal with role play.",
    "Review of homework; relapse-prevention worksheet completed in group.",
];
pub(super) const PROCESS: [&str; 3] = [
    "Members shared recent triggers and gave each other feedback.",
    "Group discussed coping plans for the coming weekend.",
    "Members practised refusal skills and reflected on progress.",
];
pub(super) const PARTICIPATION: [&str; 3] = ["active", "engaged", "attentive, spoke when invited"];
pub(super) const PROGRESS: [&str; 3] = [
    "Identified two triggers and a coping response for each.",
    "Reports steady recovery; applying skills at home.",
    "Working toward the goal of a written relapse prevention plan.",
];

pub(super) fn random_mark(rng: &mut StdRng) -> Mark {
    match rng.gen_range(0..100) {
        0..=84 => Mark::Present,
        85..=88 => Mark::Late,
        89..=90 => Mark::LeftEarly,
        91..=95 => Mark::AbsentExcused,
        _ => Mark::AbsentUnexcused,
    }
}

pub(super) fn minutes_for(mark: Mark, full: i32) -> i32 {
    match mark {
        Mark::Present => full,
        Mark::Late => full - 30,
        Mark::LeftEarly => full - 45,
        Mark::AbsentExcused | Mark::AbsentUnexcused => 0,
    }
}
