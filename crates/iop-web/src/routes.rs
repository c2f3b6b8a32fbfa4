//! The route registry: every route with its method, path, access rule and surface.
//! The router is built from this list, and tests walk the same list, so a route
//! cannot exist without a declared policy action.

use crate::access::{guard, Access, Surface};
use crate::layers::{error_bodies, log_errors, request_scope, security_headers};
use crate::{api, pages, AppState};
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, Method};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{on, MethodFilter, MethodRouter};
use axum::Router;
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
        route!(GET "/login", Public, Page, pages::login::form),
        route!(GET "/programs/{slug}", Public, Page, pages::public::show),
        route!(POST "/programs/{slug}/callback", Public, Page, pages::public::callback),
        route!(POST "/login", Public, Page, pages::login::submit),
        route!(POST "/logout", Staff(Action::ViewDashboard), Page, pages::login::logout),
        route!(GET "/", Staff(Action::ViewDashboard), Page, pages::dashboard::home),
        route!(GET "/dashboard", Staff(Action::ViewDashboard), Page, pages::dashboard::show),
        route!(GET "/organisation", Staff(Action::ViewOrganisation), Page, pages::org::show),
        route!(POST "/organisation/sites", Staff(Action::ManageCalendar), Page, pages::org::add_site),
        route!(POST "/organisation/sites/{id}", Staff(Action::ManageCalendar), Page, pages::org::update_site),
        route!(POST "/organisation/programs", Staff(Action::ManageCalendar), Page, pages::org::add_program),
        route!(POST "/organisation/programs/{id}", Staff(Action::ManageCalendar), Page, pages::org::update_program),
        route!(POST "/organisation/programs/{id}/tracks", Staff(Action::ManageCalendar), Page, pages::org::add_track),
        route!(POST "/organisation/tracks/{id}", Staff(Action::ManageCalendar), Page, pages::org::set_track),
        route!(GET "/admin/users", Staff(Action::ViewUsers), Page, pages::users::list),
        route!(POST "/admin/users", Staff(Action::ManageUsers), Page, pages::users::add),
        route!(POST "/admin/users/status", Staff(Action::ManageUsers), Page, pages::users::set_status),
        route!(GET "/admin/audit", Staff(Action::ViewAuditLog), Page, pages::audit::list),
        route!(GET "/calendar", Staff(Action::ViewCalendar), Page, pages::calendar::week),
        route!(POST "/calendar/topic", Staff(Action::ManageCalendar), Page, pages::calendar::set_topic),
        route!(GET "/tonight", Staff(Action::ViewCalendar), Page, pages::calendar::tonight),
        route!(GET "/staffing", Staff(Action::ViewStaffing), Page, pages::calendar::staffing),
        route!(POST "/staffing/assign", Staff(Action::ManageStaffing), Page, pages::staff::assign_one),
        route!(POST "/staffing/unassign", Staff(Action::ManageStaffing), Page, pages::staff::unassign_one),
        route!(GET "/staff", Staff(Action::ViewStaffing), Page, pages::staff::list),
        route!(POST "/staff", Staff(Action::ManageStaffing), Page, pages::staff::add),
        route!(POST "/staff/bulk", Staff(Action::ManageStaffing), Page, pages::staff::bulk),
        route!(GET "/admissions", Staff(Action::ManageInquiries), Page, pages::admissions::list),
        route!(POST "/admissions", Staff(Action::ManageInquiries), Page, pages::admissions::create),
        route!(GET "/admissions/{id}", Staff(Action::ManageInquiries), Page, pages::admissions::show),
        route!(POST "/admissions/{id}/status", Staff(Action::ManageInquiries), Page, pages::admissions::set_status),
        route!(POST "/admissions/{id}/screening", Staff(Action::ManageInquiries), Page, pages::admissions::screening),
        route!(POST "/admissions/{id}/insurance", Staff(Action::ManageInquiries), Page, pages::admissions::insurance),
        route!(POST "/admissions/{id}/intake", Staff(Action::ManageInquiries), Page, pages::admissions::intake),
        route!(POST "/admissions/{id}/admit", Staff(Action::AdmitPatient), Page, pages::admissions::admit),
        route!(GET "/sessions/{id}", Staff(Action::ReadClinical), Page, pages::clinical::show),
        route!(POST "/sessions/{id}", Staff(Action::RecordAttendance), Page, pages::clinical::save),
        route!(POST "/notes/{id}/addenda", Staff(Action::RecordAttendance), Page, pages::clinical::addendum),
        route!(GET "/patients/{id}", Staff(Action::ReadClinical), Page, pages::clinical::chart),
        route!(POST "/patients/{id}/measures", Staff(Action::RecordAttendance), Page, pages::clinical::add_measure),
        route!(GET "/patients/{id}/relapse-plan", Staff(Action::ReadClinical), Page, pages::clinical::plan_print),
        route!(GET "/patients/{id}/measures.svg", Staff(Action::ReadClinical), Page, pages::clinical::trend_svg),
        route!(POST "/patients/{id}/appointments", Staff(Action::RecordAttendance), Page, pages::care::book),
        route!(POST "/appointments/{id}/status", Staff(Action::RecordAttendance), Page, pages::care::set_status),
        route!(POST "/appointments/{id}/note", Staff(Action::RecordAttendance), Page, pages::care::note),
        route!(POST "/patients/{id}/treatment-plan", Staff(Action::RecordAttendance), Page, pages::care::save_plan),
        route!(POST "/patients/{id}/treatment-plan/sign", Staff(Action::RecordAttendance), Page, pages::care::sign_plan),
        route!(POST "/sessions/{id}/makeups", Staff(Action::RecordAttendance), Page, pages::care::add_makeup),
        route!(POST "/notes/{id}/cosign", Staff(Action::CosignNotes), Page, pages::care::cosign),
        route!(GET "/reports/outcomes", Staff(Action::ViewOutcomes), Page, pages::care::outcomes),
        route!(GET "/patients/{id}/consents", Staff(Action::ManageConsents), Page, pages::consents::show),
        route!(POST "/patients/{id}/related-persons", Staff(Action::ManageConsents), Page, pages::consents::add_related),
        route!(POST "/patients/{id}/consents", Staff(Action::ManageConsents), Page, pages::consents::record),
        route!(POST "/patients/{id}/minor-self-consent", Staff(Action::ManageConsents), Page, pages::consents::minor),
        route!(POST "/consent-recipients/{id}/revoke", Staff(Action::ManageConsents), Page, pages::consents::revoke),
        route!(GET "/patients/{id}/consents/{consent}/print", Staff(Action::ManageConsents), Page, pages::consents::print),
        route!(POST "/patients/{id}/releases", Staff(Action::DiscloseRecords), Page, pages::consents::release),
        route!(GET "/patients/{id}/disclosures", Staff(Action::ManageConsents), Page, pages::consents::accounting),
        route!(GET "/billing", Staff(Action::ViewBilling), Page, pages::billing::show),
        route!(POST "/billing/charges", Staff(Action::ManageBilling), Page, pages::billing::generate),
        route!(POST "/billing/claims", Staff(Action::ManageBilling), Page, pages::billing::build),
        route!(POST "/billing/batches", Staff(Action::ManageBilling), Page, pages::billing::batch),
        route!(GET "/billing/batches/{id}/837", Staff(Action::ViewBilling), Page, pages::billing::batch_file),
        route!(POST "/billing/remittances", Staff(Action::ManageBilling), Page, pages::billing::import),
        route!(POST "/billing/unmatched/{id}/resolve", Staff(Action::ManageBilling), Page, pages::billing::resolve),
        route!(GET "/patients/{id}/statement", Staff(Action::ViewBilling), Page, pages::billing::statement),
        route!(POST "/patients/{id}/payments", Staff(Action::ManageBilling), Page, pages::billing::payment),
        route!(GET "/patients/{id}/coverage", Staff(Action::ManageCoverage), Page, pages::billing::coverage),
        route!(POST "/patients/{id}/coverage", Staff(Action::ManageCoverage), Page, pages::billing::add_coverage),
        route!(GET "/census", Staff(Action::ViewCensus), Page, pages::admissions::census),
        route!(GET "/closures", Staff(Action::ViewCalendar), Page, pages::closures::list),
        route!(POST "/closures", Staff(Action::ManageCalendar), Page, pages::closures::add),
        route!(POST "/closures/void", Staff(Action::ManageCalendar), Page, pages::closures::void),
        route!(POST "/closures/federal-holidays", Staff(Action::ManageCalendar), Page, pages::closures::federal),
        route!(GET "/calendar/{file}", Public, Api, pages::calendar::feed),
        route!(GET "/api/openapi.json", Public, Api, api::openapi::spec),
        route!(POST "/api/v1/auth/token", Public, Api, api::auth::create_token),
        route!(DELETE "/api/v1/auth/token/{id}", Staff(Action::ManageOwnTokens), Api, api::auth::revoke_token),
        route!(GET "/api/v1/me", Staff(Action::ViewDashboard), Api, api::me::me),
        route!(GET "/api/v1/users", Staff(Action::ViewUsers), Api, api::users::list),
        route!(POST "/api/v1/users", Staff(Action::ManageUsers), Api, api::users::add),
        route!(GET "/api/v1/programs", Staff(Action::ViewOrganisation), Api, api::org::programs),
        route!(POST "/api/v1/programs", Staff(Action::ManageCalendar), Api, api::org_admin::add_program),
        route!(PUT "/api/v1/programs/{id}", Staff(Action::ManageCalendar), Api, api::org_admin::update_program),
        route!(POST "/api/v1/programs/{id}/tracks", Staff(Action::ManageCalendar), Api, api::org_admin::add_track),
        route!(POST "/api/v1/sites", Staff(Action::ManageCalendar), Api, api::org_admin::add_site),
        route!(PUT "/api/v1/sites/{id}", Staff(Action::ManageCalendar), Api, api::org_admin::update_site),
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
        route!(GET "/api/v1/sessions/{id}/roster", Staff(Action::ReadClinical), Api, api::clinical::roster),
        route!(PUT "/api/v1/sessions/{id}/attendance", Staff(Action::RecordAttendance), Api, api::clinical::attendance),
        route!(PUT "/api/v1/sessions/{id}/note", Staff(Action::RecordAttendance), Api, api::clinical::save_note),
        route!(POST "/api/v1/sessions/{id}/note/sign", Staff(Action::RecordAttendance), Api, api::clinical::sign),
        route!(POST "/api/v1/notes/{id}/addenda", Staff(Action::RecordAttendance), Api, api::clinical::addendum),
        route!(GET "/api/v1/patients/{id}/chart", Staff(Action::ReadClinical), Api, api::clinical::chart),
        route!(GET "/api/v1/patients/{id}/measures", Staff(Action::ReadClinical), Api, api::clinical::measures),
        route!(POST "/api/v1/patients/{id}/measures", Staff(Action::RecordAttendance), Api, api::clinical::add_measure),
        route!(GET "/api/v1/patients/{id}/drug-screens", Staff(Action::ReadClinical), Api, api::clinical::screens),
        route!(POST "/api/v1/patients/{id}/drug-screens", Staff(Action::RecordAttendance), Api, api::clinical::add_screen),
        route!(GET "/api/v1/patients/{id}/relapse-plans", Staff(Action::ReadClinical), Api, api::clinical::plans),
        route!(POST "/api/v1/patients/{id}/relapse-plans", Staff(Action::RecordAttendance), Api, api::clinical::save_plan),
        route!(POST "/api/v1/patients/{id}/relapse-plans/{version}/sign", Staff(Action::RecordAttendance), Api, api::clinical::sign_plan),
        route!(GET "/api/v1/patients/{id}/appointments", Staff(Action::ReadClinical), Api, api::care::appointments),
        route!(GET "/api/v1/patients/{id}/appointment-times", Staff(Action::RecordAttendance), Api, api::care::times),
        route!(POST "/api/v1/appointments", Staff(Action::RecordAttendance), Api, api::care::book),
        route!(POST "/api/v1/appointments/{id}/status", Staff(Action::RecordAttendance), Api, api::care::set_status),
        route!(PUT "/api/v1/appointments/{id}/note", Staff(Action::RecordAttendance), Api, api::care::note),
        route!(GET "/api/v1/patients/{id}/treatment-plans", Staff(Action::ReadClinical), Api, api::care::treatment_plans),
        route!(POST "/api/v1/patients/{id}/treatment-plans", Staff(Action::RecordAttendance), Api, api::care::save_treatment_plan),
        route!(POST "/api/v1/patients/{id}/treatment-plans/{version}/sign", Staff(Action::RecordAttendance), Api, api::care::sign_treatment_plan),
        route!(POST "/api/v1/sessions/{id}/makeups", Staff(Action::RecordAttendance), Api, api::care::add_makeup),
        route!(GET "/api/v1/cosign-queue", Staff(Action::CosignNotes), Api, api::care::cosign_queue),
        route!(POST "/api/v1/notes/{id}/cosign", Staff(Action::CosignNotes), Api, api::care::cosign),
        route!(GET "/api/v1/clinical-reminders", Staff(Action::ReadClinical), Api, api::care::reminders),
        route!(GET "/api/v1/reports/outcomes", Staff(Action::ViewOutcomes), Api, api::care::outcomes),
        route!(GET "/api/v1/patients/{id}/related-persons", Staff(Action::ManageConsents), Api, api::consents::related),
        route!(POST "/api/v1/patients/{id}/related-persons", Staff(Action::ManageConsents), Api, api::consents::add_related),
        route!(GET "/api/v1/patients/{id}/consents", Staff(Action::ManageConsents), Api, api::consents::consents),
        route!(POST "/api/v1/patients/{id}/consents", Staff(Action::ManageConsents), Api, api::consents::record),
        route!(POST "/api/v1/consent-recipients/{id}/revoke", Staff(Action::ManageConsents), Api, api::consents::revoke),
        route!(PUT "/api/v1/patients/{id}/minor-self-consent", Staff(Action::ManageConsents), Api, api::consents::minor),
        route!(GET "/api/v1/patients/{id}/disclosures", Staff(Action::ManageConsents), Api, api::consents::disclosures),
        route!(POST "/api/v1/patients/{id}/releases", Staff(Action::DiscloseRecords), Api, api::consents::release),
        route!(PUT "/api/v1/sessions/{id}/family-attendance", Staff(Action::RecordAttendance), Api, api::consents::family_attendance),
        route!(PUT "/api/v1/sites/{id}/billing", Staff(Action::ManageBillingSetup), Api, api::billing::site_billing),
        route!(GET "/api/v1/payers", Staff(Action::ViewBilling), Api, api::billing::payers),
        route!(POST "/api/v1/payers", Staff(Action::ManageBillingSetup), Api, api::billing::add_payer),
        route!(GET "/api/v1/contracts", Staff(Action::ViewBilling), Api, api::billing::contracts),
        route!(POST "/api/v1/contracts", Staff(Action::ManageBillingSetup), Api, api::billing::add_contract),
        route!(GET "/api/v1/patients/{id}/coverage", Staff(Action::ManageCoverage), Api, api::billing::coverage),
        route!(POST "/api/v1/patients/{id}/coverage", Staff(Action::ManageCoverage), Api, api::billing::add_coverage),
        route!(GET "/api/v1/authorizations", Staff(Action::ViewBilling), Api, api::billing::authorizations),
        route!(POST "/api/v1/authorizations", Staff(Action::ManageBilling), Api, api::billing::add_authorization),
        route!(POST "/api/v1/charges/generate", Staff(Action::ManageBilling), Api, api::billing::generate),
        route!(GET "/api/v1/charges", Staff(Action::ViewBilling), Api, api::billing::charges),
        route!(POST "/api/v1/claims/build", Staff(Action::ManageBilling), Api, api::billing::build_claims),
        route!(GET "/api/v1/claims", Staff(Action::ViewBilling), Api, api::billing::claims),
        route!(POST "/api/v1/claim-batches", Staff(Action::ManageBilling), Api, api::billing::create_batch),
        route!(GET "/api/v1/claim-batches", Staff(Action::ViewBilling), Api, api::billing::batches),
        route!(GET "/api/v1/claim-batches/{id}/837", Staff(Action::ViewBilling), Api, api::billing::batch_file),
        route!(POST "/api/v1/remittances", Staff(Action::ManageBilling), Api, api::billing::import_835),
        route!(GET "/api/v1/remittances/unmatched", Staff(Action::ViewBilling), Api, api::billing::unmatched),
        route!(POST "/api/v1/remittances/unmatched/{id}/resolve", Staff(Action::ManageBilling), Api, api::billing::resolve),
        route!(POST "/api/v1/patients/{id}/payments", Staff(Action::ManageBilling), Api, api::billing::add_payment),
        route!(GET "/api/v1/patients/{id}/statement", Staff(Action::ViewBilling), Api, api::billing::statement),
        route!(GET "/api/v1/receivables", Staff(Action::ViewBilling), Api, api::billing::receivables),
        route!(GET "/api/v1/alerts", Staff(Action::ReadClinical), Api, api::clinical::alerts),
        route!(POST "/api/v1/alerts/{id}/acknowledge", Staff(Action::ReadClinical), Api, api::clinical::acknowledge),
        route!(GET "/api/v1/census", Staff(Action::ViewCensus), Api, api::admissions::census),
        route!(GET "/api/v1/funnel", Staff(Action::ViewCensus), Api, api::admissions::funnel),
        route!(GET "/api/v1/staff", Staff(Action::ViewStaffing), Api, api::staffing::list),
        route!(POST "/api/v1/staff", Staff(Action::ManageStaffing), Api, api::staffing::add),
        route!(POST "/api/v1/sessions/{id}/facilitators", Staff(Action::ManageStaffing), Api, api::staffing::assign),
        route!(DELETE "/api/v1/sessions/{id}/facilitators/{staff_id}", Staff(Action::ManageStaffing), Api, api::staffing::unassign),
        route!(POST "/api/v1/staffing/bulk", Staff(Action::ManageStaffing), Api, api::staffing::bulk),
        route!(GET "/api/v1/calendar-feeds", Staff(Action::ManageCalendarFeeds), Api, api::staffing::feeds),
        route!(POST "/api/v1/calendar-feeds", Staff(Action::ManageCalendarFeeds), Api, api::staffing::create_feed),
        route!(DELETE "/api/v1/calendar-feeds/{id}", Staff(Action::ManageCalendarFeeds), Api, api::staffing::revoke_feed),
    ]
}

pub fn router(state: AppState) -> Router {
    let mut router = Router::new();
    for r in registry() {
        let door = from_fn_with_state((state.clone(), r.access, r.surface), guard);
        router = router.route(r.path, r.handler.route_layer(door));
    }
    let request_id = HeaderName::from_static("x-request-id");
    router
        .fallback(pages::health::not_found)
        .with_state(state)
        .layer(DefaultBodyLimit::max(crate::access::MAX_BODY))
        .layer(from_fn(error_bodies))
        .layer(from_fn(log_errors))
        .layer(from_fn(security_headers))
        .layer(from_fn(request_scope))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
}
