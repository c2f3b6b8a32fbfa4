//! The route registry: every route with its method, path, access rule and surface.
//! The router is built from this list, and tests walk the same list, so a route
//! cannot exist without a declared policy action.

use crate::access::{guard, Access, Surface};
use crate::layers::{
    drop_odd_request_ids, error_bodies, log_requests, request_scope, security_headers,
};
use crate::{api, pages, AppState};
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, Method};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{on, MethodFilter, MethodRouter};
use axum::{Extension, Router};
use iop_app::Action;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};

pub struct Route {
    pub method: Method,
    pub path: &'static str,
    pub access: Access,
    pub surface: Surface,
    pub handler: MethodRouter<AppState>,
}

fn filter(m: &Method) -> MethodFilter {
    match *m {
        Method::POST => MethodFilter::POST,
        Method::PUT => MethodFilter::PUT,
        Method::PATCH => MethodFilter::PATCH,
        Method::DELETE => MethodFilter::DELETE,
        _ => MethodFilter::GET,
    }
}

macro_rules! route {
    ($method:ident $path:literal, $access:expr, $surface:ident, $handler:path) => {
        Route {
            method: Method::$method,
            path: $path,
            access: $access,
            surface: Surface::$surface,
            handler: on(filter(&Method::$method), $handler),
        }
    };
}

use Access::{Public, Staff};

pub fn registry() -> Vec<Route> {
    vec![
        route!(GET "/healthz", Public, Api, pages::health::healthz),
        route!(GET "/static/app.css", Public, Page, pages::assets::css),
        route!(GET "/favicon.svg", Public, Page, pages::assets::favicon),
        route!(GET "/favicon.ico", Public, Page, pages::assets::favicon),
        route!(GET "/login", Public, Page, pages::accounts::login::form),
        route!(GET "/programs/{slug}", Public, Page, pages::public::show),
        route!(POST "/programs/{slug}/callback", Public, Page, pages::public::callback),
        route!(POST "/login", Public, Page, pages::accounts::login::submit),
        route!(POST "/logout", Staff(Action::ViewDashboard), Page, pages::accounts::login::logout),
        route!(GET "/account", Staff(Action::ViewDashboard), Page, pages::accounts::own::show),
        route!(POST "/account/password", Staff(Action::ViewDashboard), Page, pages::accounts::own::change_password),
        route!(GET "/", Public, Page, pages::public::home),
        route!(GET "/dashboard", Staff(Action::ViewDashboard), Page, pages::dashboard::show),
        route!(GET "/organisation", Staff(Action::ViewOrganisation), Page, pages::org::setup::show),
        route!(POST "/organisation/sites", Staff(Action::ManageCalendar), Page, pages::org::setup::add_site),
        route!(POST "/organisation/time-zone", Staff(Action::ManageCalendar), Page, pages::org::setup::set_zone),
        route!(POST "/organisation/sites/{id}", Staff(Action::ManageCalendar), Page, pages::org::setup::update_site),
        route!(POST "/organisation/programs", Staff(Action::ManageCalendar), Page, pages::org::setup::add_program),
        route!(POST "/organisation/programs/{id}", Staff(Action::ManageCalendar), Page, pages::org::setup::update_program),
        route!(POST "/organisation/programs/{id}/privacy", Staff(Action::ManageProgramPrivacy), Page, pages::org::setup::update_privacy),
        route!(POST "/organisation/programs/{id}/tracks", Staff(Action::ManageCalendar), Page, pages::org::setup::add_track),
        route!(POST "/organisation/tracks/{id}", Staff(Action::ManageCalendar), Page, pages::org::setup::set_track),
        route!(GET "/admin/users", Staff(Action::ViewUsers), Page, pages::accounts::users::list),
        route!(POST "/admin/users", Staff(Action::ManageUsers), Page, pages::accounts::users::add),
        route!(POST "/admin/users/status", Staff(Action::ManageUsers), Page, pages::accounts::users::set_status),
        route!(GET "/admin/users/{id}", Staff(Action::ManageUsers), Page, pages::accounts::manage::show),
        route!(POST "/admin/users/{id}/{change}", Staff(Action::ManageUsers), Page, pages::accounts::manage::change),
        route!(GET "/admin/audit", Staff(Action::ViewAuditLog), Page, pages::audit::list),
        route!(GET "/calendar", Staff(Action::ViewCalendar), Page, pages::calendar::week::week),
        route!(POST "/calendar/topic", Staff(Action::ManageCalendar), Page, pages::calendar::week::set_topic),
        route!(POST "/calendar/sessions/{id}/{change}", Staff(Action::ManageCalendar), Page, pages::calendar::changes::change),
        route!(POST "/calendar/feeds", Staff(Action::ManageCalendarFeeds), Page, pages::calendar::changes::create_feed),
        route!(POST "/calendar/feeds/{id}/revoke", Staff(Action::ManageCalendarFeeds), Page, pages::calendar::changes::revoke_feed),
        route!(GET "/tonight", Staff(Action::ViewCalendar), Page, pages::calendar::week::tonight),
        route!(GET "/staffing", Staff(Action::ViewStaffing), Page, pages::calendar::week::staffing),
        route!(POST "/staffing/assign", Staff(Action::ManageStaffing), Page, pages::org::staff::assign_one),
        route!(POST "/staffing/unassign", Staff(Action::ManageStaffing), Page, pages::org::staff::unassign_one),
        route!(GET "/staff", Staff(Action::ViewStaffing), Page, pages::org::staff::list),
        route!(POST "/staff", Staff(Action::ManageStaffing), Page, pages::org::staff::add),
        route!(POST "/staff/bulk", Staff(Action::ManageStaffing), Page, pages::org::staff::bulk),
        route!(POST "/staff/{id}", Staff(Action::ManageStaffing), Page, pages::org::staff::update),
        route!(GET "/admissions", Staff(Action::ManageInquiries), Page, pages::admissions::list),
        route!(POST "/admissions", Staff(Action::ManageInquiries), Page, pages::admissions::create),
        route!(GET "/admissions/{id}", Staff(Action::ManageInquiries), Page, pages::admissions::show),
        route!(POST "/admissions/{id}/status", Staff(Action::ManageInquiries), Page, pages::admissions::set_status),
        route!(POST "/admissions/{id}/screening", Staff(Action::ManageInquiries), Page, pages::admissions::screening),
        route!(POST "/admissions/{id}/insurance", Staff(Action::ManageInquiries), Page, pages::admissions::insurance),
        route!(POST "/admissions/{id}/intake", Staff(Action::ManageInquiries), Page, pages::admissions::intake),
        route!(POST "/admissions/{id}/admit", Staff(Action::AdmitPatient), Page, pages::admit::admit),
        route!(GET "/sessions/{id}", Staff(Action::ReadClinical), Page, pages::clinical::record::show),
        route!(POST "/sessions/{id}", Staff(Action::RecordAttendance), Page, pages::clinical::record::save),
        route!(POST "/notes/{id}/addenda", Staff(Action::RecordAttendance), Page, pages::clinical::record::addendum),
        route!(GET "/patients", Staff(Action::ReadClinical), Page, pages::clinical::search::show),
        route!(POST "/patients", Staff(Action::ReadClinical), Page, pages::clinical::search::search),
        route!(GET "/patients/{id}", Staff(Action::ReadClinical), Page, pages::clinical::chart::chart),
        route!(GET "/patients/{id}/measures/new", Staff(Action::RecordAttendance), Page, pages::clinical::measure_form::new),
        route!(POST "/patients/{id}/measures", Staff(Action::RecordAttendance), Page, pages::clinical::measure_form::save),
        route!(GET "/patients/{id}/relapse-plan", Staff(Action::ReadClinical), Page, pages::clinical::record::plan_print),
        route!(GET "/patients/{id}/relapse-plan/edit", Staff(Action::RecordAttendance), Page, pages::clinical::records::edit_plan),
        route!(POST "/patients/{id}/relapse-plan", Staff(Action::RecordAttendance), Page, pages::clinical::records::save_plan),
        route!(POST "/patients/{id}/drug-screens", Staff(Action::RecordAttendance), Page, pages::clinical::records::add_screen),
        route!(GET "/patients/{id}/measures.svg", Staff(Action::ReadClinical), Page, pages::clinical::record::trend_svg),
        route!(POST "/patients/{id}/appointments", Staff(Action::RecordAttendance), Page, pages::clinical::care::book),
        route!(POST "/appointments/{id}/status", Staff(Action::RecordAttendance), Page, pages::clinical::care::set_status),
        route!(POST "/appointments/{id}/note", Staff(Action::RecordAttendance), Page, pages::clinical::care::note),
        route!(GET "/patients/{id}/treatment-plan/edit", Staff(Action::RecordAttendance), Page, pages::clinical::plan_editor::edit),
        route!(POST "/patients/{id}/treatment-plan", Staff(Action::RecordAttendance), Page, pages::clinical::plan_editor::save),
        route!(POST "/patients/{id}/treatment-plan/sign", Staff(Action::RecordAttendance), Page, pages::clinical::care::sign_plan),
        route!(POST "/sessions/{id}/makeups", Staff(Action::RecordAttendance), Page, pages::clinical::care::add_makeup),
        route!(POST "/alerts/{id}/acknowledge", Staff(Action::ReadClinical), Page, pages::clinical::alerts::acknowledge),
        route!(POST "/notes/{id}/cosign", Staff(Action::CosignNotes), Page, pages::clinical::care::cosign),
        route!(GET "/reports/outcomes", Staff(Action::ViewOutcomes), Page, pages::clinical::care::outcomes),
        route!(GET "/patients/{id}/consents", Staff(Action::ManageConsents), Page, pages::consent::show),
        route!(POST "/patients/{id}/related-persons", Staff(Action::ManageConsents), Page, pages::consent::add_related),
        route!(POST "/patients/{id}/consents", Staff(Action::ManageConsents), Page, pages::consent::record),
        route!(POST "/patients/{id}/privacy-notice", Staff(Action::ManageConsents), Page, pages::consent::give_privacy_notice),
        route!(POST "/patients/{id}/minor-self-consent", Staff(Action::ManageConsents), Page, pages::consent::minor),
        route!(POST "/consent-recipients/{id}/revoke", Staff(Action::ManageConsents), Page, pages::consent::revoke),
        route!(GET "/patients/{id}/consents/{consent}/print", Staff(Action::ManageConsents), Page, pages::consent::print),
        route!(POST "/patients/{id}/releases", Staff(Action::DiscloseRecords), Page, pages::consent::release),
        route!(GET "/patients/{id}/disclosures", Staff(Action::ManageConsents), Page, pages::consent::accounting),
        route!(GET "/billing", Staff(Action::ViewBilling), Page, pages::billing::queues::show),
        route!(POST "/billing/charges", Staff(Action::ManageBilling), Page, pages::billing::queues::generate),
        route!(POST "/billing/claims", Staff(Action::ManageBilling), Page, pages::billing::queues::build),
        route!(POST "/billing/claims/{id}/correct", Staff(Action::ManageBilling), Page, pages::billing::queues::correct),
        route!(POST "/billing/batches", Staff(Action::ManageBilling), Page, pages::billing::queues::batch),
        route!(GET "/billing/batches/{id}/837", Staff(Action::ViewBilling), Page, pages::billing::queues::batch_file),
        route!(POST "/billing/remittances", Staff(Action::ManageBilling), Page, pages::billing::queues::import),
        route!(GET "/billing/sample-835", Staff(Action::ManageBilling), Page, pages::billing::queues::sample_835),
        route!(POST "/billing/unmatched/{id}/resolve", Staff(Action::ManageBilling), Page, pages::billing::queues::resolve),
        route!(POST "/billing/unmatched/{id}/match", Staff(Action::ManageBilling), Page, pages::billing::queues::match_item),
        route!(GET "/patients/{id}/statement", Staff(Action::ViewBilling), Page, pages::billing::patient::statement),
        route!(POST "/patients/{id}/payments", Staff(Action::ManageBilling), Page, pages::billing::patient::payment),
        route!(POST "/payments/{id}/void", Staff(Action::ManageBilling), Page, pages::billing::patient::void_payment),
        route!(GET "/billing/setup", Staff(Action::ViewBillingSetup), Page, pages::billing::setup::show),
        route!(POST "/billing/setup/payers", Staff(Action::ManageBillingSetup), Page, pages::billing::setup::add_payer),
        route!(POST "/billing/setup/contracts", Staff(Action::ManageBillingSetup), Page, pages::billing::setup::add_contract),
        route!(POST "/patients/{id}/authorizations", Staff(Action::ManageBilling), Page, pages::billing::setup::add_authorization),
        route!(POST "/billing/authorizations/{id}", Staff(Action::ManageBilling), Page, pages::billing::setup::change_authorization),
        route!(GET "/patients/{id}/coverage", Staff(Action::ManageCoverage), Page, pages::billing::patient::coverage),
        route!(POST "/patients/{id}/coverage", Staff(Action::ManageCoverage), Page, pages::billing::patient::add_coverage),
        route!(GET "/census", Staff(Action::ViewCensus), Page, pages::census::census),
        route!(GET "/episodes/{id}", Staff(Action::ViewCensus), Page, pages::episode::show),
        route!(POST "/episodes/{id}/{action}", Staff(Action::ManageEpisodes), Page, pages::episode::act),
        route!(GET "/closures", Staff(Action::ViewCalendar), Page, pages::calendar::closures::list),
        route!(POST "/closures", Staff(Action::ManageCalendar), Page, pages::calendar::closures::add),
        route!(POST "/closures/void", Staff(Action::ManageCalendar), Page, pages::calendar::closures::void),
        route!(POST "/closures/federal-holidays", Staff(Action::ManageCalendar), Page, pages::calendar::closures::federal),
        route!(GET "/calendar/{file}", Public, Api, pages::calendar::week::feed),
        route!(GET "/api/openapi.json", Public, Api, api::openapi::spec),
        route!(POST "/api/v1/auth/token", Public, Api, api::accounts::auth::create_token),
        route!(DELETE "/api/v1/auth/token/{id}", Staff(Action::ManageOwnTokens), Api, api::accounts::auth::revoke_token),
        route!(GET "/api/v1/me", Staff(Action::ViewDashboard), Api, api::accounts::me::me),
        route!(PUT "/api/v1/me/password", Staff(Action::ViewDashboard), Api, api::accounts::me::change_password),
        route!(GET "/api/v1/users", Staff(Action::ViewUsers), Api, api::accounts::users::list),
        route!(POST "/api/v1/users", Staff(Action::ManageUsers), Api, api::accounts::users::add),
        route!(GET "/api/v1/programs", Staff(Action::ViewOrganisation), Api, api::org::read::programs),
        route!(POST "/api/v1/programs", Staff(Action::ManageCalendar), Api, api::org::setup::add_program),
        route!(PUT "/api/v1/programs/{id}", Staff(Action::ManageCalendar), Api, api::org::setup::update_program),
        route!(PUT "/api/v1/programs/{id}/privacy", Staff(Action::ManageProgramPrivacy), Api, api::org::setup::update_privacy),
        route!(GET "/api/v1/programs/{id}/rules", Staff(Action::ViewCalendar), Api, api::org::setup::rules),
        route!(PUT "/api/v1/programs/{id}/rules", Staff(Action::ManageProgramRules), Api, api::org::setup::update_rules),
        route!(POST "/api/v1/programs/{id}/tracks", Staff(Action::ManageCalendar), Api, api::org::setup::add_track),
        route!(POST "/api/v1/sites", Staff(Action::ManageCalendar), Api, api::org::setup::add_site),
        route!(PUT "/api/v1/sites/{id}", Staff(Action::ManageCalendar), Api, api::org::setup::update_site),
        route!(GET "/api/v1/audit-events", Staff(Action::ViewAuditLog), Api, api::audit::list),
        route!(GET "/api/v1/sessions", Staff(Action::ViewCalendar), Api, api::calendar::sessions),
        route!(GET "/api/v1/staffing", Staff(Action::ViewStaffing), Api, api::calendar::staffing),
        route!(POST "/api/v1/programs/{id}/generate", Staff(Action::ManageCalendar), Api, api::calendar::generate),
        route!(POST "/api/v1/sessions/{id}/cancel", Staff(Action::ManageCalendar), Api, api::calendar::cancel),
        route!(POST "/api/v1/sessions/{id}/move", Staff(Action::ManageCalendar), Api, api::calendar::move_session),
        route!(PUT "/api/v1/sessions/{id}/topic", Staff(Action::ManageCalendar), Api, api::calendar::set_topic),
        route!(GET "/api/v1/sites/{id}/closures", Staff(Action::ViewCalendar), Api, api::calendar::closures),
        route!(POST "/api/v1/sites/{id}/closures", Staff(Action::ManageCalendar), Api, api::calendar::add_closure),
        route!(POST "/api/v1/sites/{id}/closures/federal-holidays", Staff(Action::ManageCalendar), Api, api::calendar::federal_holidays),
        route!(POST "/api/v1/closures/{id}/void", Staff(Action::ManageCalendar), Api, api::calendar::void_closure),
        route!(PUT "/api/v1/tracks/{id}", Staff(Action::ManageCalendar), Api, api::calendar::set_track),
        route!(GET "/api/v1/programs/{id}/topics", Staff(Action::ViewCalendar), Api, api::calendar::topics),
        route!(POST "/api/v1/programs/{id}/topics", Staff(Action::ManageCalendar), Api, api::calendar::add_topic),
        route!(GET "/api/v1/inquiries", Staff(Action::ManageInquiries), Api, api::admissions::search),
        route!(POST "/api/v1/inquiries", Staff(Action::ManageInquiries), Api, api::admissions::create),
        route!(GET "/api/v1/inquiries/{id}", Staff(Action::ManageInquiries), Api, api::admissions::show),
        route!(POST "/api/v1/inquiries/{id}/status", Staff(Action::ManageInquiries), Api, api::admissions::set_status),
        route!(POST "/api/v1/inquiries/{id}/screening", Staff(Action::ManageInquiries), Api, api::admissions::screening),
        route!(PUT "/api/v1/inquiries/{id}/insurance", Staff(Action::ManageInquiries), Api, api::admissions::insurance),
        route!(POST "/api/v1/inquiries/{id}/intake", Staff(Action::ManageInquiries), Api, api::admissions::intake),
        route!(POST "/api/v1/inquiries/{id}/admit", Staff(Action::AdmitPatient), Api, api::admissions::admit),
        route!(POST "/api/v1/episodes/{id}/transfer", Staff(Action::ManageEpisodes), Api, api::admissions::transfer),
        route!(POST "/api/v1/episodes/{id}/discharge", Staff(Action::ManageEpisodes), Api, api::admissions::discharge),
        route!(POST "/api/v1/episodes/{id}/graduate", Staff(Action::ManageEpisodes), Api, api::admissions::graduate),
        route!(POST "/api/v1/episodes/{id}/extend", Staff(Action::ManageEpisodes), Api, api::admissions::extend),
        route!(GET "/api/v1/episodes/{id}/eligibility", Staff(Action::ViewCensus), Api, api::admissions::eligibility),
        route!(GET "/api/v1/sessions/{id}/roster", Staff(Action::ReadClinical), Api, api::clinical::record::roster),
        route!(PUT "/api/v1/sessions/{id}/attendance", Staff(Action::RecordAttendance), Api, api::clinical::record::attendance),
        route!(PUT "/api/v1/sessions/{id}/note", Staff(Action::RecordAttendance), Api, api::clinical::record::save_note),
        route!(POST "/api/v1/sessions/{id}/note/sign", Staff(Action::RecordAttendance), Api, api::clinical::record::sign),
        route!(POST "/api/v1/notes/{id}/addenda", Staff(Action::RecordAttendance), Api, api::clinical::record::addendum),
        route!(POST "/api/v1/patients/search", Staff(Action::ReadClinical), Api, api::clinical::search::search),
        route!(GET "/api/v1/patients/{id}/chart", Staff(Action::ReadClinical), Api, api::clinical::record::chart),
        route!(GET "/api/v1/patients/{id}/measures", Staff(Action::ReadClinical), Api, api::clinical::record::measures),
        route!(POST "/api/v1/patients/{id}/measures", Staff(Action::RecordAttendance), Api, api::clinical::record::add_measure),
        route!(GET "/api/v1/patients/{id}/drug-screens", Staff(Action::ReadClinical), Api, api::clinical::record::screens),
        route!(POST "/api/v1/patients/{id}/drug-screens", Staff(Action::RecordAttendance), Api, api::clinical::record::add_screen),
        route!(GET "/api/v1/patients/{id}/relapse-plans", Staff(Action::ReadClinical), Api, api::clinical::record::plans),
        route!(POST "/api/v1/patients/{id}/relapse-plans", Staff(Action::RecordAttendance), Api, api::clinical::record::save_plan),
        route!(POST "/api/v1/patients/{id}/relapse-plans/{version}/sign", Staff(Action::RecordAttendance), Api, api::clinical::record::sign_plan),
        route!(GET "/api/v1/patients/{id}/appointments", Staff(Action::ReadClinical), Api, api::clinical::care::appointments),
        route!(GET "/api/v1/patients/{id}/appointment-times", Staff(Action::RecordAttendance), Api, api::clinical::care::times),
        route!(POST "/api/v1/appointments", Staff(Action::RecordAttendance), Api, api::clinical::care::book),
        route!(POST "/api/v1/appointments/{id}/status", Staff(Action::RecordAttendance), Api, api::clinical::care::set_status),
        route!(PUT "/api/v1/appointments/{id}/note", Staff(Action::RecordAttendance), Api, api::clinical::care::note),
        route!(GET "/api/v1/patients/{id}/treatment-plans", Staff(Action::ReadClinical), Api, api::clinical::care::treatment_plans),
        route!(POST "/api/v1/patients/{id}/treatment-plans", Staff(Action::RecordAttendance), Api, api::clinical::care::save_treatment_plan),
        route!(POST "/api/v1/patients/{id}/treatment-plans/{version}/sign", Staff(Action::RecordAttendance), Api, api::clinical::care::sign_treatment_plan),
        route!(POST "/api/v1/sessions/{id}/makeups", Staff(Action::RecordAttendance), Api, api::clinical::care::add_makeup),
        route!(GET "/api/v1/cosign-queue", Staff(Action::CosignNotes), Api, api::clinical::care::cosign_queue),
        route!(POST "/api/v1/notes/{id}/cosign", Staff(Action::CosignNotes), Api, api::clinical::care::cosign),
        route!(GET "/api/v1/clinical-reminders", Staff(Action::ReadClinical), Api, api::clinical::care::reminders),
        route!(GET "/api/v1/reports/outcomes", Staff(Action::ViewOutcomes), Api, api::clinical::care::outcomes),
        route!(GET "/api/v1/patients/{id}/related-persons", Staff(Action::ManageConsents), Api, api::consent::related),
        route!(POST "/api/v1/patients/{id}/related-persons", Staff(Action::ManageConsents), Api, api::consent::add_related),
        route!(GET "/api/v1/patients/{id}/consents", Staff(Action::ManageConsents), Api, api::consent::consents),
        route!(POST "/api/v1/patients/{id}/consents", Staff(Action::ManageConsents), Api, api::consent::record),
        route!(POST "/api/v1/consent-recipients/{id}/revoke", Staff(Action::ManageConsents), Api, api::consent::revoke),
        route!(POST "/api/v1/patients/{id}/privacy-notices", Staff(Action::ManageConsents), Api, api::consent::give_privacy_notice),
        route!(PUT "/api/v1/patients/{id}/minor-self-consent", Staff(Action::ManageConsents), Api, api::consent::minor),
        route!(GET "/api/v1/patients/{id}/disclosures", Staff(Action::ManageConsents), Api, api::consent::disclosures),
        route!(POST "/api/v1/patients/{id}/releases", Staff(Action::DiscloseRecords), Api, api::consent::release),
        route!(PUT "/api/v1/sessions/{id}/family-attendance", Staff(Action::RecordAttendance), Api, api::consent::family_attendance),
        route!(PUT "/api/v1/patients/{id}/demographics", Staff(Action::ManageCoverage), Api, api::billing::setup::demographics),
        route!(PUT "/api/v1/sites/{id}/billing", Staff(Action::ManageBillingSetup), Api, api::billing::setup::site_billing),
        route!(GET "/api/v1/payers", Staff(Action::ViewBillingSetup), Api, api::billing::setup::payers),
        route!(POST "/api/v1/payers", Staff(Action::ManageBillingSetup), Api, api::billing::setup::add_payer),
        route!(GET "/api/v1/contracts", Staff(Action::ViewBillingSetup), Api, api::billing::setup::contracts),
        route!(POST "/api/v1/contracts", Staff(Action::ManageBillingSetup), Api, api::billing::setup::add_contract),
        route!(GET "/api/v1/patients/{id}/coverage", Staff(Action::ManageCoverage), Api, api::billing::setup::coverage),
        route!(POST "/api/v1/patients/{id}/coverage", Staff(Action::ManageCoverage), Api, api::billing::setup::add_coverage),
        route!(GET "/api/v1/authorizations", Staff(Action::ViewBilling), Api, api::billing::setup::authorizations),
        route!(POST "/api/v1/authorizations", Staff(Action::ManageBilling), Api, api::billing::setup::add_authorization),
        route!(POST "/api/v1/charges/generate", Staff(Action::ManageBilling), Api, api::billing::claims::generate),
        route!(GET "/api/v1/charges", Staff(Action::ViewBilling), Api, api::billing::claims::charges),
        route!(POST "/api/v1/claims/build", Staff(Action::ManageBilling), Api, api::billing::claims::build_claims),
        route!(GET "/api/v1/claims", Staff(Action::ViewBilling), Api, api::billing::claims::claims),
        route!(POST "/api/v1/claims/{id}/correct", Staff(Action::ManageBilling), Api, api::billing::claims::correct),
        route!(POST "/api/v1/claim-batches", Staff(Action::ManageBilling), Api, api::billing::claims::create_batch),
        route!(GET "/api/v1/claim-batches", Staff(Action::ViewBilling), Api, api::billing::claims::batches),
        route!(GET "/api/v1/claim-batches/{id}/837", Staff(Action::ViewBilling), Api, api::billing::claims::batch_file),
        route!(POST "/api/v1/remittances", Staff(Action::ManageBilling), Api, api::billing::claims::import_835),
        route!(GET "/api/v1/remittances/unmatched", Staff(Action::ViewBilling), Api, api::billing::claims::unmatched),
        route!(POST "/api/v1/remittances/unmatched/{id}/resolve", Staff(Action::ManageBilling), Api, api::billing::claims::resolve),
        route!(POST "/api/v1/remittances/unmatched/{id}/match", Staff(Action::ManageBilling), Api, api::billing::claims::match_unmatched),
        route!(GET "/api/v1/provider-ledger", Staff(Action::ViewBilling), Api, api::billing::claims::provider_ledger),
        route!(POST "/api/v1/patients/{id}/payments", Staff(Action::ManageBilling), Api, api::billing::claims::add_payment),
        route!(POST "/api/v1/payments/{id}/void", Staff(Action::ManageBilling), Api, api::billing::claims::void_payment),
        route!(GET "/api/v1/patients/{id}/statement", Staff(Action::ViewBilling), Api, api::billing::claims::statement),
        route!(GET "/api/v1/receivables", Staff(Action::ViewBilling), Api, api::billing::claims::receivables),
        route!(GET "/api/v1/alerts", Staff(Action::ReadClinical), Api, api::clinical::record::alerts),
        route!(POST "/api/v1/alerts/{id}/acknowledge", Staff(Action::ReadClinical), Api, api::clinical::record::acknowledge),
        route!(GET "/api/v1/census", Staff(Action::ViewCensus), Api, api::admissions::census),
        route!(GET "/api/v1/funnel", Staff(Action::ViewCensus), Api, api::admissions::funnel),
        route!(GET "/api/v1/staff", Staff(Action::ViewStaffing), Api, api::org::staffing::list),
        route!(POST "/api/v1/staff", Staff(Action::ManageStaffing), Api, api::org::staffing::add),
        route!(PUT "/api/v1/staff/{id}/billing-identity", Staff(Action::ManageStaffing), Api, api::org::staffing::set_billing_identity),
        route!(POST "/api/v1/sessions/{id}/facilitators", Staff(Action::ManageStaffing), Api, api::org::staffing::assign),
        route!(DELETE "/api/v1/sessions/{id}/facilitators/{staff_id}", Staff(Action::ManageStaffing), Api, api::org::staffing::unassign),
        route!(POST "/api/v1/staffing/bulk", Staff(Action::ManageStaffing), Api, api::org::staffing::bulk),
        route!(GET "/api/v1/calendar-feeds", Staff(Action::ManageCalendarFeeds), Api, api::org::staffing::feeds),
        route!(POST "/api/v1/calendar-feeds", Staff(Action::ManageCalendarFeeds), Api, api::org::staffing::create_feed),
        route!(DELETE "/api/v1/calendar-feeds/{id}", Staff(Action::ManageCalendarFeeds), Api, api::org::staffing::revoke_feed),
    ]
}

pub fn router(state: AppState) -> Router {
    let mut router = Router::new();
    for r in registry() {
        let door = from_fn_with_state((state.clone(), r.access, r.surface), guard);
        router = router.route(r.path, r.handler.route_layer(door));
    }
    let request_id = HeaderName::from_static("x-request-id");
    let clock = state.app.settings.clock;
    router
        .route(
            "/metrics",
            axum::routing::get(crate::metrics::on_main_listener),
        )
        .fallback(pages::health::not_found)
        .with_state(state)
        .layer(DefaultBodyLimit::max(crate::access::MAX_BODY))
        .layer(Extension(clock))
        .layer(from_fn(error_bodies))
        .layer(from_fn(log_requests))
        .layer(from_fn(security_headers))
        .layer(from_fn(request_scope))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
        .layer(from_fn(drop_odd_request_ids))
}
