//! The OpenAPI 3.1 document, generated from the handlers' annotations.

use axum::Json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(title = "iop API", description = "Intensive outpatient program: JSON API. Errors are application/problem+json."),
    paths(
        super::auth::create_token,
        super::auth::revoke_token,
        super::me::me,
        super::users::list,
        super::users::add,
        super::org::programs,
        super::org_admin::add_site,
        super::org_admin::update_site,
        super::org_admin::add_program,
        super::org_admin::update_program,
        super::org_admin::add_track,
        super::audit::list,
        super::calendar::sessions,
        super::calendar::staffing,
        super::calendar::generate,
        super::calendar::cancel,
        super::calendar::move_session,
        super::calendar::set_topic,
        super::calendar::add_closure,
        super::calendar::closures,
        super::calendar::federal_holidays,
        super::calendar::void_closure,
        super::calendar::set_track,
        super::calendar::topics,
        super::calendar::add_topic,
        super::staffing::list,
        super::staffing::add,
        super::staffing::assign,
        super::staffing::unassign,
        super::staffing::bulk,
        super::staffing::create_feed,
        super::staffing::feeds,
        super::staffing::revoke_feed,
        super::admissions::create,
        super::admissions::search,
        super::admissions::show,
        super::admissions::set_status,
        super::admissions::screening,
        super::admissions::insurance,
        super::admissions::intake,
        super::admissions::admit,
        super::admissions::transfer,
        super::admissions::discharge,
        super::admissions::graduate,
        super::admissions::extend,
        super::admissions::eligibility,
        super::admissions::census,
        super::admissions::funnel,
        super::clinical::roster,
        super::clinical::attendance,
        super::clinical::save_note,
        super::clinical::sign,
        super::clinical::addendum,
        super::clinical::chart,
        super::clinical::add_measure,
        super::clinical::measures,
        super::clinical::alerts,
        super::clinical::acknowledge,
        super::clinical::add_screen,
        super::clinical::screens,
        super::clinical::plans,
        super::clinical::save_plan,
        super::clinical::sign_plan,
        super::care::appointments,
        super::care::times,
        super::care::book,
        super::care::set_status,
        super::care::note,
        super::care::treatment_plans,
        super::care::save_treatment_plan,
        super::care::sign_treatment_plan,
        super::care::add_makeup,
        super::care::cosign_queue,
        super::care::cosign,
        super::care::reminders,
        super::care::outcomes,
        super::consents::related,
        super::consents::add_related,
        super::consents::consents,
        super::consents::record,
        super::consents::revoke,
        super::consents::minor,
        super::consents::disclosures,
        super::consents::release,
        super::consents::family_attendance,
        super::billing::site_billing,
        super::billing::payers,
        super::billing::add_payer,
        super::billing::contracts,
        super::billing::add_contract,
        super::billing::coverage,
        super::billing::add_coverage,
        super::billing::add_authorization,
        super::billing::authorizations,
        super::billing::generate,
        super::billing::charges,
        super::billing::build_claims,
        super::billing::claims,
        super::billing::create_batch,
        super::billing::batches,
        super::billing::batch_file,
        super::billing::import_835,
        super::billing::unmatched,
        super::billing::resolve,
        super::billing::add_payment,
        super::billing::statement,
        super::billing::receivables,
    ),
    modifiers(&BearerAuth, &ProblemResponses)
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// Every error is `application/problem+json` (RFC 9457): error responses are documented
/// with that media type, and each operation gets a `default` problem response for the
/// statuses the door and the extractors add to any route (401, 403, 413, 415, …).
struct ProblemResponses;

impl Modify for ProblemResponses {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, RefOr, ResponseBuilder};
        let problem = ContentBuilder::new()
            .schema(Some(RefOr::Ref(utoipa::openapi::Ref::from_schema_name(
                "Problem",
            ))))
            .build();
        for item in doc.paths.paths.values_mut() {
            let ops = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ];
            for op in ops.into_iter().flatten() {
                for (status, response) in op.responses.responses.iter_mut() {
                    if let RefOr::T(r) = response {
                        if !status.starts_with('2') {
                            if let Some(c) = r.content.shift_remove("application/json") {
                                r.content.insert("application/problem+json".into(), c);
                            }
                        }
                    }
                }
                op.responses
                    .responses
                    .entry("default".into())
                    .or_insert_with(|| {
                        RefOr::T(
                            ResponseBuilder::new()
                                .description(
                                    "The request was refused or failed; the body says why.",
                                )
                                .content("application/problem+json", problem.clone())
                                .build(),
                        )
                    });
            }
        }
    }
}

pub async fn spec() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
