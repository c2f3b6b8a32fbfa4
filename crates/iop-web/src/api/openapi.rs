//! The OpenAPI 3.1 document, generated from the handlers' annotations.

use axum::Json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(title = "iop API", description = "Intensive outpatient program: JSON API. Errors are application/problem+json."),
    paths(
        crate::api::accounts::auth::create_token,
        crate::api::accounts::auth::revoke_token,
        crate::api::accounts::me::me,
        crate::api::accounts::users::list,
        crate::api::accounts::users::add,
        crate::api::org::read::programs,
        crate::api::org::setup::add_site,
        crate::api::org::setup::update_site,
        crate::api::org::setup::add_program,
        crate::api::org::setup::update_program,
        crate::api::org::setup::update_privacy,
        crate::api::org::setup::rules,
        crate::api::org::setup::update_rules,
        crate::api::org::setup::add_track,
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
        crate::api::org::staffing::list,
        crate::api::org::staffing::add,
        crate::api::org::staffing::set_billing_identity,
        crate::api::org::staffing::assign,
        crate::api::org::staffing::unassign,
        crate::api::org::staffing::bulk,
        crate::api::org::staffing::create_feed,
        crate::api::org::staffing::feeds,
        crate::api::org::staffing::revoke_feed,
        super::admissions::create,
        super::admissions::search,
        crate::api::clinical::search::search,
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
        crate::api::clinical::record::roster,
        crate::api::clinical::record::attendance,
        crate::api::clinical::record::save_note,
        crate::api::clinical::record::sign,
        crate::api::clinical::record::addendum,
        crate::api::clinical::record::chart,
        crate::api::clinical::record::add_measure,
        crate::api::clinical::record::measures,
        crate::api::clinical::record::alerts,
        crate::api::clinical::record::acknowledge,
        crate::api::clinical::record::add_screen,
        crate::api::clinical::record::screens,
        crate::api::clinical::record::plans,
        crate::api::clinical::record::save_plan,
        crate::api::clinical::record::sign_plan,
        crate::api::clinical::care::appointments,
        crate::api::clinical::care::times,
        crate::api::clinical::care::book,
        crate::api::clinical::care::set_status,
        crate::api::clinical::care::note,
        crate::api::clinical::care::treatment_plans,
        crate::api::clinical::care::save_treatment_plan,
        crate::api::clinical::care::sign_treatment_plan,
        crate::api::clinical::care::add_makeup,
        crate::api::clinical::care::cosign_queue,
        crate::api::clinical::care::cosign,
        crate::api::clinical::care::reminders,
        crate::api::clinical::care::outcomes,
        crate::api::consent::related,
        crate::api::consent::add_related,
        crate::api::consent::consents,
        crate::api::consent::record,
        crate::api::consent::revoke,
        crate::api::consent::minor,
        crate::api::accounts::me::change_password,
        crate::api::consent::give_privacy_notice,
        crate::api::consent::disclosures,
        crate::api::consent::release,
        crate::api::consent::family_attendance,
        super::billing::setup::site_billing,
        super::billing::setup::demographics,
        super::billing::setup::payers,
        super::billing::setup::add_payer,
        super::billing::setup::contracts,
        super::billing::setup::add_contract,
        super::billing::setup::coverage,
        super::billing::setup::add_coverage,
        super::billing::setup::add_authorization,
        super::billing::setup::authorizations,
        super::billing::claims::generate,
        super::billing::claims::charges,
        super::billing::claims::build_claims,
        super::billing::claims::claims,
        super::billing::claims::create_batch,
        super::billing::claims::batches,
        super::billing::claims::batch_file,
        super::billing::claims::import_835,
        super::billing::claims::unmatched,
        super::billing::claims::resolve,
        super::billing::claims::match_unmatched,
        super::billing::claims::provider_ledger,
        super::billing::claims::void_payment,
        super::billing::claims::correct,
        super::billing::claims::add_payment,
        super::billing::claims::statement,
        super::billing::claims::receivables,
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
