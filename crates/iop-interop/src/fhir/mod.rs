//! FHIR R4 (4.0.1) resources written from the record, as JSON values: pure mapping, no
//! I/O. Every resource derived from the Part 2 record carries the security labels of
//! `meta.security` (42 CFR §2.32's refrain travels with it); callers add nothing else.
//!
//! Codes are bound to their R4 value sets; `codes` lists the ones written here and the
//! tests check every emitted code against them (the validators used in the test suite
//! do not check codes).

mod bundle;
mod care_plan;
mod consent;
mod coverage;
mod directory;
mod encounter;
mod episode;
mod notice;
mod observation;
mod outcome;
mod patient;
mod questionnaire;
mod referral;
pub mod search;

pub use bundle::{searchset, SearchPage};
pub use care_plan::{
    care_plan, goal, goal_id, split_goal_id, ActivityData, CarePlanData, GoalData, PlanKind,
    PlanStatus,
};
pub use consent::{consent, ConsentActor, ConsentData, INFORMATION_KIND_SYSTEM};
pub use coverage::{coverage, CoverageData};
pub use directory::{
    location, organization, practitioner, practitioner_role, related_person, AddressData,
    LocationData, OrganizationData, PractitionerData, PractitionerRoleData, RelatedPersonData,
    NPI_SYSTEM, NUCC_SYSTEM,
};
pub use encounter::{encounter, encounter_class, EncounterData, EncounterKind};
pub use episode::{
    condition, condition_id, episode_of_care, episode_status_code, split_condition_id, EpisodeData,
    ICD10CM,
};
pub use notice::notice_document;
pub use observation::{
    loinc_total, measure_observation, screen_observation, screen_result_id, split_screen_result_id,
    MeasureData, ScreenData, MEASURE_SYSTEM,
};
pub use outcome::{operation_outcome, outcome_of, Issue, IssueSeverity, IssueType};
pub use patient::{patient, PatientData};
pub use questionnaire::{questionnaire_response, questionnaire_url, BAM_ANSWER_SYSTEM};
pub use referral::{
    parse_referral, parse_referral_bytes, Referral, ReferredCoverage, ReferredPerson,
    ReferredRelative, EXAMPLE_REFERRAL,
};

use serde_json::{json, Value};

/// The FHIR version every resource here follows.
pub const FHIR_VERSION: &str = "4.0.1";
/// The media type of FHIR JSON.
pub const MEDIA_TYPE: &str = "application/fhir+json";

/// `http://terminology.hl7.org/CodeSystem/v3-Confidentiality`
pub const CONFIDENTIALITY: &str = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality";
/// `http://terminology.hl7.org/CodeSystem/v3-ActCode`
pub const ACT_CODE: &str = "http://terminology.hl7.org/CodeSystem/v3-ActCode";

/// The labels a resource of the Part 2 record carries: restricted confidentiality, the
/// 42 CFR Part 2 policy, and the refrain "no redisclosure without consent" (§2.32).
pub fn security_labels() -> Value {
    json!([
        { "system": CONFIDENTIALITY, "code": "R", "display": "restricted" },
        { "system": ACT_CODE, "code": "42CFRPart2", "display": "42 CFR Part2" },
        { "system": ACT_CODE, "code": "NORDSCLCD", "display": "no redisclosure without consent directive" }
    ])
}

/// `meta` of a resource of the Part 2 record.
pub fn part2_meta() -> Value {
    json!({ "security": security_labels() })
}

/// A reference inside this server: `Patient/…`.
pub fn reference(resource_type: &str, id: &str) -> Value {
    json!({ "reference": format!("{resource_type}/{id}") })
}

/// The parent and the rest of an id made of a parent's UUID (36 characters), `-` and a
/// suffix: a Condition (episode, code), a screen result or a goal (row, place).
fn split_child_id(id: &str) -> Option<(&str, &str)> {
    Some((id.get(..36)?, id.get(36..)?.strip_prefix('-')?))
}

/// The parent and the place (from 1) of a child id whose suffix is its place.
fn split_place_id(id: &str) -> Option<(&str, usize)> {
    let (parent, n) = split_child_id(id)?;
    Some((parent, n.parse().ok().filter(|n| *n > 0)?))
}

/// The codes this module writes, by the R4 value set they belong to.
pub mod codes {
    /// administrative-gender (required binding of Patient.gender).
    pub const ADMINISTRATIVE_GENDER: &[&str] = &["male", "female", "other", "unknown"];
    /// observation-status (required binding of Observation.status).
    pub const OBSERVATION_STATUS: &[&str] = &[
        "registered",
        "preliminary",
        "final",
        "amended",
        "corrected",
        "cancelled",
        "entered-in-error",
        "unknown",
    ];
    /// observation-category codes (preferred binding of Observation.category).
    pub const OBSERVATION_CATEGORY: &[&str] = &[
        "social-history",
        "vital-signs",
        "imaging",
        "laboratory",
        "procedure",
        "survey",
        "exam",
        "therapy",
        "activity",
    ];
    /// issue-severity (required binding of OperationOutcome.issue.severity).
    pub const ISSUE_SEVERITY: &[&str] = &["fatal", "error", "warning", "information"];
    /// issue-type (required binding of OperationOutcome.issue.code).
    pub const ISSUE_TYPE: &[&str] = &[
        "invalid",
        "structure",
        "required",
        "value",
        "invariant",
        "security",
        "login",
        "unknown",
        "expired",
        "forbidden",
        "suppressed",
        "processing",
        "not-supported",
        "duplicate",
        "multiple-matches",
        "not-found",
        "deleted",
        "too-long",
        "code-invalid",
        "extension",
        "too-costly",
        "business-rule",
        "conflict",
        "transient",
        "lock-error",
        "no-store",
        "exception",
        "timeout",
        "incomplete",
        "throttled",
        "informational",
    ];
    /// fm-status (required binding of Coverage.status).
    pub const COVERAGE_STATUS: &[&str] = &["active", "cancelled", "draft", "entered-in-error"];
    /// subscriber-relationship codes (extensible binding of Coverage.relationship).
    pub const SUBSCRIBER_RELATIONSHIP: &[&str] = &[
        "child", "parent", "spouse", "common", "other", "self", "injured",
    ];
    /// episode-of-care-status (required binding of EpisodeOfCare.status).
    pub const EPISODE_STATUS: &[&str] = &[
        "planned",
        "waitlist",
        "active",
        "onhold",
        "finished",
        "cancelled",
        "entered-in-error",
    ];
    /// episodeofcare-type codes (example binding of EpisodeOfCare.type).
    pub const EPISODE_TYPE: &[&str] = &["hacc", "pac", "diab", "da", "cacp"];
    /// diagnosis-role codes (preferred binding of EpisodeOfCare.diagnosis.role).
    pub const DIAGNOSIS_ROLE: &[&str] = &["AD", "DD", "CC", "CM", "pre-op", "post-op", "billing"];
    /// condition-clinical (required binding of Condition.clinicalStatus).
    pub const CONDITION_CLINICAL: &[&str] = &[
        "active",
        "recurrence",
        "relapse",
        "inactive",
        "remission",
        "resolved",
    ];
    /// condition-ver-status (required binding of Condition.verificationStatus).
    pub const CONDITION_VERIFICATION: &[&str] = &[
        "unconfirmed",
        "provisional",
        "differential",
        "confirmed",
        "refuted",
        "entered-in-error",
    ];
    /// condition-category codes (extensible binding of Condition.category).
    pub const CONDITION_CATEGORY: &[&str] = &["problem-list-item", "encounter-diagnosis"];
    /// encounter-status (required binding of Encounter.status).
    pub const ENCOUNTER_STATUS: &[&str] = &[
        "planned",
        "arrived",
        "triaged",
        "in-progress",
        "onleave",
        "finished",
        "cancelled",
        "entered-in-error",
        "unknown",
    ];
    /// v3-ActEncounterCode (extensible binding of Encounter.class).
    pub const ENCOUNTER_CLASS: &[&str] = &[
        "AMB", "EMER", "FLD", "HH", "IMP", "ACUTE", "NONAC", "OBSENC", "PRENC", "SS", "VR",
    ];
    /// v3-ParticipationType codes of Encounter.participant.type (extensible).
    pub const PARTICIPATION_TYPE: &[&str] = &[
        "ADM",
        "ATND",
        "CALLBCK",
        "CON",
        "DIS",
        "ESC",
        "REF",
        "SPRF",
        "PPRF",
        "PART",
        "translator",
        "emergency",
    ];
    /// consent-state-codes (required binding of Consent.status).
    pub const CONSENT_STATUS: &[&str] = &[
        "draft",
        "proposed",
        "active",
        "rejected",
        "inactive",
        "entered-in-error",
    ];
    /// consent-scope (extensible binding of Consent.scope).
    pub const CONSENT_SCOPE: &[&str] = &["adr", "research", "patient-privacy", "treatment"];
    /// consent-provision-type (required binding of Consent.provision.type).
    pub const CONSENT_PROVISION_TYPE: &[&str] = &["deny", "permit"];
    /// v3-PurposeOfUse codes written in a TPO consent (extensible binding).
    pub const PURPOSE_OF_USE: &[&str] = &["TREAT", "HPAYMT", "HOPERAT"];
    /// v3-Confidentiality codes.
    pub const CONFIDENTIALITY: &[&str] = &["U", "L", "M", "N", "R", "V"];
    /// The v3-ActCode codes written as security labels.
    pub const ACT_CODE_LABELS: &[&str] = &["42CFRPart2", "NORDSCLCD"];
    /// LOINC codes of the PHQ-9's items, in the form's order.
    pub const PHQ9_ITEMS: &[&str] = &[
        "44250-9", "44255-8", "44259-0", "44254-1", "44251-7", "44258-2", "44252-5", "44253-3",
        "44260-8",
    ];
    /// LOINC codes of the GAD-7's items, in the form's order.
    pub const GAD7_ITEMS: &[&str] = &[
        "69725-0", "68509-9", "69733-4", "69734-2", "69735-9", "69689-8", "69736-7",
    ];
    /// LOINC answer list LL358-3 (the PHQ's frequency answers), in score order.
    pub const FREQUENCY_ANSWERS: &[(&str, &str)] = &[
        ("LA6568-5", "Not at all"),
        ("LA6569-3", "Several days"),
        ("LA6570-1", "More than half the days"),
        ("LA6571-9", "Nearly every day"),
    ];
    /// This server's measure codes (`MEASURE_SYSTEM`): the BAM, then its subscales.
    pub const BAM_CODES: &[(&str, &str)] = &[
        (
            "bam",
            "Brief Addiction Monitor (BAM-17, Likert scoring) subscales",
        ),
        ("bam-use", "BAM Use subscale (items 4, 5, 6; 0-12)"),
        (
            "bam-risk",
            "BAM Risk subscale (items 1, 2, 3, 8, 11, 15; 0-24)",
        ),
        (
            "bam-protective",
            "BAM Protective subscale (items 9, 10, 12, 13, 14, 16; 0-24)",
        ),
    ];
    /// SNOMED CT qualifier values of a screen result: positive, negative.
    pub const SCREEN_RESULTS: [(&str, &str); 2] =
        [("10828004", "Positive"), ("260385009", "Negative")];
    /// data-absent-reason codes (extensible binding of Observation.dataAbsentReason).
    pub const DATA_ABSENT_REASON: &[&str] = &[
        "unknown",
        "asked-unknown",
        "temp-unknown",
        "not-asked",
        "asked-declined",
        "masked",
        "not-applicable",
        "unsupported",
        "as-text",
        "error",
        "not-a-number",
        "negative-infinity",
        "positive-infinity",
        "not-performed",
        "not-permitted",
    ];
    /// questionnaire-answers-status (required binding of QuestionnaireResponse.status).
    pub const QUESTIONNAIRE_RESPONSE_STATUS: &[&str] = &[
        "in-progress",
        "completed",
        "amended",
        "entered-in-error",
        "stopped",
    ];
    /// request-status (required binding of CarePlan.status).
    pub const CARE_PLAN_STATUS: &[&str] = &[
        "draft",
        "active",
        "on-hold",
        "revoked",
        "completed",
        "entered-in-error",
        "unknown",
    ];
    /// care-plan-intent (required binding of CarePlan.intent).
    pub const CARE_PLAN_INTENT: &[&str] = &["proposal", "plan", "order", "option"];
    /// care-plan-activity-status (required binding of CarePlan.activity.detail.status).
    pub const CARE_PLAN_ACTIVITY_STATUS: &[&str] = &[
        "not-started",
        "scheduled",
        "in-progress",
        "on-hold",
        "completed",
        "cancelled",
        "stopped",
        "unknown",
        "entered-in-error",
    ];
    /// goal-status (required binding of Goal.lifecycleStatus).
    pub const GOAL_STATUS: &[&str] = &[
        "proposed",
        "planned",
        "accepted",
        "active",
        "on-hold",
        "completed",
        "cancelled",
        "entered-in-error",
        "rejected",
    ];
    /// organization-type codes (example binding of Organization.type).
    pub const ORGANIZATION_TYPE: &[&str] = &[
        "prov", "dept", "team", "govt", "ins", "pay", "edu", "reli", "crs", "cg", "bus", "other",
    ];
    /// location-status (required binding of Location.status).
    pub const LOCATION_STATUS: &[&str] = &["active", "suspended", "inactive"];
    /// location-mode (required binding of Location.mode).
    pub const LOCATION_MODE: &[&str] = &["instance", "kind"];
    /// contact-point-system (required binding of ContactPoint.system).
    pub const CONTACT_POINT_SYSTEM: &[&str] =
        &["phone", "fax", "email", "pager", "url", "sms", "other"];
    /// address-use (required binding of Address.use).
    pub const ADDRESS_USE: &[&str] = &["home", "work", "temp", "old", "billing"];
    /// LOINC codes of the instruments' total scores.
    pub const LOINC_TOTALS: &[(&str, &str)] = &[
        (
            "44261-6",
            "Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]",
        ),
        (
            "70274-6",
            "Generalized anxiety disorder 7 item (GAD-7) total score [Reported.PHQ]",
        ),
    ];
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_records;
