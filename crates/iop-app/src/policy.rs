//! Who may do what: the one table of role × action. Every use case checks it through
//! `Ctx::require`, and every route declares its action, so the web test can walk all
//! routes for all roles and compare with this table.

use iop_domain::Role;
use strum::{EnumIter, IntoStaticStr};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum Action {
    ViewDashboard,
    ManageOwnTokens,
    ViewOrganisation,
    ViewUsers,
    ManageUsers,
    ViewAuditLog,
    ViewCalendar,
    ManageCalendar,
    ManageProgramPrivacy,
    ManageProgramRules,
    ViewStaffing,
    ManageStaffing,
    ManageCalendarFeeds,
    ManageInquiries,
    AdmitPatient,
    InviteToPortal,
    ViewMailQueue,
    OverrideRatio,
    ManageEpisodes,
    ViewCensus,
    RecordAttendance,
    ReadClinical,
    CosignNotes,
    ViewOutcomes,
    ManageConsents,
    DiscloseRecords,
    ViewBillingSetup,
    ViewBilling,
    /// Read a patient's demographics as a FHIR Patient (claims need them too).
    FhirReadPatient,
    ManageBilling,
    ManageBillingSetup,
    ManageCoverage,
}

use Role::*;

/// The policy. An action missing here is refused for everyone (and fails the tests).
pub const POLICY: &[(Action, &[Role])] = &[
    (
        Action::ViewDashboard,
        &[Admin, ClinicalDirector, Counselor, Admissions, Billing],
    ),
    (
        Action::ManageOwnTokens,
        &[Admin, ClinicalDirector, Counselor, Admissions, Billing],
    ),
    (
        Action::ViewOrganisation,
        &[Admin, ClinicalDirector, Counselor, Admissions, Billing],
    ),
    (Action::ViewUsers, &[Admin, ClinicalDirector]),
    (Action::ManageUsers, &[Admin]),
    (Action::ViewAuditLog, &[Admin, ClinicalDirector]),
    (
        Action::ViewCalendar,
        &[Admin, ClinicalDirector, Counselor, Admissions, Billing],
    ),
    (Action::ManageCalendar, &[Admin, ClinicalDirector]),
    (Action::ManageProgramPrivacy, &[Admin, ClinicalDirector]),
    (Action::ManageProgramRules, &[Admin, ClinicalDirector]),
    (Action::ViewStaffing, &[Admin, ClinicalDirector, Counselor]),
    (Action::ManageStaffing, &[Admin, ClinicalDirector]),
    (
        Action::ManageCalendarFeeds,
        &[Admin, ClinicalDirector, Counselor],
    ),
    (Action::ManageInquiries, &[ClinicalDirector, Admissions]),
    (Action::AdmitPatient, &[ClinicalDirector, Admissions]),
    (
        Action::InviteToPortal,
        &[ClinicalDirector, Counselor, Admissions],
    ),
    (Action::ViewMailQueue, &[Admin]),
    (Action::OverrideRatio, &[ClinicalDirector]),
    (Action::ManageEpisodes, &[ClinicalDirector, Counselor]),
    (
        Action::ViewCensus,
        &[Admin, ClinicalDirector, Counselor, Admissions],
    ),
    (Action::RecordAttendance, &[ClinicalDirector, Counselor]),
    (Action::ReadClinical, &[ClinicalDirector, Counselor]),
    (Action::CosignNotes, &[ClinicalDirector]),
    (Action::ViewOutcomes, &[Admin, ClinicalDirector]),
    (
        Action::ManageConsents,
        &[ClinicalDirector, Counselor, Admissions],
    ),
    (Action::DiscloseRecords, &[ClinicalDirector, Counselor]),
    (Action::ViewBillingSetup, &[Admin, Billing]),
    // Claims, statements and 837 files carry diagnoses: the admin runs the
    // organisation and does not read them (least privilege).
    (Action::ViewBilling, &[Billing]),
    (
        Action::FhirReadPatient,
        &[ClinicalDirector, Counselor, Billing],
    ),
    (Action::ManageBilling, &[Billing]),
    (Action::ManageBillingSetup, &[Admin, Billing]),
    (Action::ManageCoverage, &[Admissions, Billing]),
];

pub fn allows(role: Role, action: Action) -> bool {
    POLICY
        .iter()
        .any(|(a, roles)| *a == action && roles.contains(&role))
}

/// Whether the table has a row for the action at all.
pub fn has_entry(action: Action) -> bool {
    POLICY.iter().any(|(a, _)| *a == action)
}

impl Action {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Completes "your role may not …".
    pub fn describe(self) -> &'static str {
        match self {
            Action::ViewDashboard => "view the dashboard",
            Action::ManageOwnTokens => "manage API tokens",
            Action::ViewOrganisation => "view the organisation",
            Action::ViewUsers => "view staff accounts",
            Action::ManageUsers => "manage staff accounts",
            Action::ViewAuditLog => "view the audit log",
            Action::ViewCalendar => "view the program calendar",
            Action::ManageCalendar => "change the program calendar",
            Action::ManageProgramPrivacy => "change the program's Part 2 privacy settings",
            Action::ManageProgramRules => "change the program's clinical and billing rules",
            Action::ViewStaffing => "view staffing",
            Action::ManageStaffing => "change staff and facilitator assignments",
            Action::ManageCalendarFeeds => "manage calendar feeds",
            Action::ManageInquiries => "work with admissions inquiries",
            Action::AdmitPatient => "admit patients",
            Action::InviteToPortal => "invite patients and relatives to the portal",
            Action::ViewMailQueue => "see and retry outgoing email",
            Action::OverrideRatio => "override the staff ratio",
            Action::ManageEpisodes => "transfer, graduate or discharge patients",
            Action::ViewCensus => "view the census",
            Action::RecordAttendance => "record attendance, clinical notes, plans and measures",
            Action::ReadClinical => "read clinical records",
            Action::CosignNotes => "co-sign clinical notes",
            Action::ViewOutcomes => "view the program outcome report",
            Action::ManageConsents => {
                "manage relatives, consents and the accounting of disclosures"
            }
            Action::DiscloseRecords => "release records to an outside party",
            Action::ViewBillingSetup => "view payers and contracts",
            Action::ViewBilling => "view charges, claims and payments",
            Action::FhirReadPatient => "read patients' demographics and diagnoses over FHIR",
            Action::ManageBilling => "make charges and claims and post payments",
            Action::ManageBillingSetup => "set up payers, contracts and the billing identity",
            Action::ManageCoverage => "record insurance coverage",
        }
    }
}

/// What a patient or relative may do in the portal: the portal roles' own policy rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum PortalAction {
    /// Their own schedule (a relative: the family group dates).
    ViewSchedule,
    /// Their own account: password, second factor, mail preferences.
    ManageAccount,
    AnswerQuestionnaires,
    /// Read and sign their relapse prevention and treatment plans.
    SignPlans,
    /// Read, sign and revoke their consents; read the accounting of disclosures.
    ManageConsents,
    ViewStatement,
    /// What the patient's consent lets a relative see of the family group.
    ViewFamilyAttendance,
}

use iop_domain::portal::PortalRole::{Family, Patient};

const PORTAL_POLICY: &[(PortalAction, &[iop_domain::portal::PortalRole])] = &[
    (PortalAction::ViewSchedule, &[Patient, Family]),
    (PortalAction::ManageAccount, &[Patient, Family]),
    (PortalAction::AnswerQuestionnaires, &[Patient]),
    (PortalAction::SignPlans, &[Patient]),
    (PortalAction::ManageConsents, &[Patient]),
    (PortalAction::ViewStatement, &[Patient]),
    (PortalAction::ViewFamilyAttendance, &[Family]),
];

pub fn portal_allows(role: iop_domain::portal::PortalRole, action: PortalAction) -> bool {
    PORTAL_POLICY
        .iter()
        .any(|(a, roles)| *a == action && roles.contains(&role))
}

impl PortalAction {
    pub fn describe(self) -> &'static str {
        match self {
            PortalAction::ViewSchedule => "see this schedule",
            PortalAction::ManageAccount => "change this account",
            PortalAction::AnswerQuestionnaires => "answer questionnaires",
            PortalAction::SignPlans => "read and sign plans",
            PortalAction::ManageConsents => "manage consents",
            PortalAction::ViewStatement => "see the statement",
            PortalAction::ViewFamilyAttendance => "see family group attendance",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::IntoEnumIterator;

    #[test]
    fn every_action_has_exactly_one_policy_row() {
        for action in Action::iter() {
            let rows = POLICY.iter().filter(|(a, _)| *a == action).count();
            assert_eq!(rows, 1, "{action:?} has {rows} policy rows");
        }
    }

    #[test]
    fn only_admins_manage_users_and_billing_never_reads_the_audit_log() {
        for role in Role::iter() {
            assert_eq!(allows(role, Action::ManageUsers), role == Role::Admin);
        }
        assert!(!allows(Role::Billing, Action::ViewAuditLog));
    }

    #[test]
    fn every_portal_action_has_exactly_one_row_and_a_relative_only_sees_schedule_and_family() {
        for action in PortalAction::iter() {
            let rows = PORTAL_POLICY.iter().filter(|(a, _)| *a == action).count();
            assert_eq!(rows, 1, "{action:?} has {rows} portal policy rows");
        }
        let family: Vec<_> = PortalAction::iter()
            .filter(|a| portal_allows(Family, *a))
            .collect();
        assert_eq!(
            family,
            [
                PortalAction::ViewSchedule,
                PortalAction::ManageAccount,
                PortalAction::ViewFamilyAttendance
            ]
        );
    }

    #[test]
    fn the_admin_reads_no_claims_statements_or_837_files() {
        assert!(!allows(Role::Admin, Action::ViewBilling));
        assert!(allows(Role::Admin, Action::ViewBillingSetup));
        assert!(allows(Role::Billing, Action::ViewBilling));
    }
}
