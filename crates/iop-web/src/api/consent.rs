//! Relatives, 42 CFR Part 2 consents, family-group attendance, releases of records and
//! the accounting of disclosures over the API.

use super::{ApiResult, Problem};
use crate::access::Caller;
use crate::api::accounts::users::Created;
use crate::error::WebError;
use crate::extract::body_code;
use crate::extract::body_id;
use crate::extract::{ApiJson, PathId};
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use iop_app::consent::consents::{NewConsent, NewRecipient, NewRelated};
use iop_app::consent::release::ReleaseRequest;
use serde::Deserialize;
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RelatedRequest {
    name: String,
    /// Such as mother, partner, friend.
    relationship: String,
    phone: Option<String>,
    email: Option<String>,
}

/// A patient's relatives and other related persons.
#[utoipa::path(get, path = "/api/v1/patients/{id}/related-persons", tag = "consent", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, description = "related persons", body = Vec<iop_app::consent::consents::RelatedPerson>), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn related(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<iop_app::consent::consents::RelatedPerson>>> {
    Ok(Json(
        state
            .run(caller.ctx, move |app, ctx| {
                app.related_persons(ctx, crate::extract::form_id(&id, "patient")?)
            })
            .await?,
    ))
}

/// Add a related person (invited to the family group once a consent names them).
#[utoipa::path(post, path = "/api/v1/patients/{id}/related-persons", tag = "consent", params(("id" = String, Path)), request_body = RelatedRequest, security(("bearer" = [])),
    responses((status = 201, body = Created), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn add_related(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(r): ApiJson<RelatedRequest>,
) -> ApiResult<(StatusCode, Json<Created>)> {
    let n = NewRelated {
        name: r.name,
        relationship: r.relationship,
        phone: r.phone,
        email: r.email,
    };
    let id = state
        .run(caller.ctx, move |app, ctx| {
            app.add_related_person(ctx, crate::extract::form_id(&id, "patient")?, n)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(Created::new(id))))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecipientRequest {
    /// person, payer or class (a TPO consent only).
    kind: String,
    /// The related person's or payer's id.
    ref_id: Option<String>,
    /// With kind class: treating_providers, payers or program_operations
    /// (42 CFR §2.31(a)(4)(i)).
    class: Option<iop_domain::consent::RecipientClass>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsentRequest {
    /// The consent this version replaces.
    replaces: Option<String>,
    /// enrollment, family_participation, treatment_progress, billing, counseling_notes (alone).
    information: Vec<String>,
    recipients: Vec<RecipientRequest>,
    purpose: String,
    /// The single consent for treatment, payment and health-care operations.
    #[serde(default)]
    tpo: bool,
    /// A date (YYYY-MM-DD), end_of_treatment, or never (TPO only).
    expiry: String,
    /// The patient's typed name, or "signed on paper".
    signature: String,
    /// When a representative signs.
    representative_name: Option<String>,
    representative_authority: Option<String>,
    /// With a representative: the patient signed too (a minor and a parent, §2.14(b)).
    #[serde(default)]
    patient_signed_too: bool,
    /// The date on the signed form (default today).
    signed_on: Option<String>,
}

/// Every version of every consent, with recipients and their revocations.
#[utoipa::path(get, path = "/api/v1/patients/{id}/consents", tag = "consent", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, description = "consents, newest first", body = Vec<iop_app::consent::consents::ConsentView>), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn consents(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<iop_app::consent::consents::ConsentView>>> {
    Ok(Json(
        state
            .run(caller.ctx, move |app, ctx| {
                app.consents(ctx, crate::extract::form_id(&id, "patient")?)
            })
            .await?,
    ))
}

/// Record a signed consent (all nine §2.31 elements), or a new version of one.
#[utoipa::path(post, path = "/api/v1/patients/{id}/consents", tag = "consent", params(("id" = String, Path)), request_body = ConsentRequest, security(("bearer" = [])),
    responses((status = 201, body = Created), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn record(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(r): ApiJson<ConsentRequest>,
) -> ApiResult<(StatusCode, Json<Created>)> {
    let signed_on = r
        .signed_on
        .as_deref()
        .map(|d| iop_app::calendar::sessions::parse_date(d, "signed_on"))
        .transpose()?;
    let representative = match (r.representative_name, r.representative_authority) {
        (None, None) => None,
        (n, a) => Some((n.unwrap_or_default(), a.unwrap_or_default())),
    };
    let n = NewConsent {
        replaces: r.replaces.as_deref().map(|v| body_id(v, "replaces")).transpose()?,
        information: r.information,
        recipients: r
            .recipients
            .into_iter()
            .map(|x| match (x.kind.as_str(), x.ref_id.as_deref()) {
                ("person", Some(id)) => Ok(NewRecipient::Person(body_id(id, "ref_id")?)),
                ("payer", Some(id)) => Ok(NewRecipient::Payer(body_id(id, "ref_id")?)),
                ("class", _) => x.class.map(NewRecipient::Class).ok_or_else(|| {
                    WebError::Unprocessable(
                        "a class recipient names its class: treating_providers, payers or program_operations".into(),
                    )
                }),
                _ => Err(WebError::Unprocessable(
                    "each recipient is a person or a payer (with its ref_id) or a class (with its class)".into(),
                )),
            })
            .collect::<Result<_, WebError>>()?,
        purpose: r.purpose,
        tpo: r.tpo,
        expiry: iop_app::consent::consents::parse_expiry(&r.expiry)?,
        signature: r.signature,
        representative,
        patient_signed_too: r.patient_signed_too,
        signed_on,
    };
    let id = state
        .run(caller.ctx, move |app, ctx| {
            app.record_consent(ctx, crate::extract::form_id(&id, "patient")?, n)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(Created::new(id))))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevokeRequest {
    /// How the patient revoked, such as "in writing, letter of 2026-11-20".
    note: String,
}

/// Revoke a consent for one recipient; the rest of the consent stays in effect.
#[utoipa::path(post, path = "/api/v1/consent-recipients/{id}/revoke", tag = "consent", params(("id" = String, Path)), request_body = RevokeRequest, security(("bearer" = [])),
    responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn revoke(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId<iop_domain::ids::RecipientId>,
    ApiJson(r): ApiJson<RevokeRequest>,
) -> ApiResult<StatusCode> {
    state
        .run(caller.ctx, move |app, ctx| {
            app.revoke_consent(ctx, id, &r.note)
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MinorRequest {
    /// The patient is a minor who consented to their own treatment.
    value: bool,
}

/// Mark a minor who consented to their own treatment (only they may consent to disclosure).
#[utoipa::path(put, path = "/api/v1/patients/{id}/minor-self-consent", tag = "consent", params(("id" = String, Path)), request_body = MinorRequest, security(("bearer" = [])),
    responses((status = 204), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn minor(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(r): ApiJson<MinorRequest>,
) -> ApiResult<StatusCode> {
    state
        .run(caller.ctx, move |app, ctx| {
            app.set_minor_self_consent(ctx, crate::extract::form_id(&id, "patient")?, r.value)
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Record that the patient was given the program's notice of privacy practices now (42 CFR §2.22).
#[utoipa::path(post, path = "/api/v1/patients/{id}/privacy-notices", tag = "consent", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 201, body = Created), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn give_privacy_notice(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId<iop_domain::ids::PatientId>,
) -> ApiResult<(StatusCode, Json<Created>)> {
    let notice = state
        .run(caller.ctx, move |app, ctx| app.give_privacy_notice(ctx, id))
        .await?;
    Ok((StatusCode::CREATED, Json(Created::new(notice))))
}

/// The accounting of disclosures under consent for the last three years.
#[utoipa::path(get, path = "/api/v1/patients/{id}/disclosures", tag = "consent", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, description = "disclosures, newest first", body = Vec<iop_app::consent::disclosures::DisclosureListed>), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn disclosures(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<iop_app::consent::disclosures::DisclosureListed>>> {
    Ok(Json(
        state
            .run(caller.ctx, move |app, ctx| {
                app.accounting_of_disclosures(ctx, crate::extract::form_id(&id, "patient")?)
            })
            .await?,
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReleaseBody {
    /// A recipient line of one of the patient's consents.
    recipient_id: String,
    /// Who receives, when the line names a class (for example "Mercy Hospital,
    /// emergency department"); the accounting of disclosures names them.
    recipient_name: Option<String>,
    /// enrollment, treatment_progress, billing.
    information: Vec<String>,
    purpose: String,
    /// print or export.
    channel: String,
}

/// Release records to a recipient a consent names: the document, the §2.32 notice and the consent.
#[utoipa::path(post, path = "/api/v1/patients/{id}/releases", tag = "consent", params(("id" = String, Path)), request_body = ReleaseBody, security(("bearer" = [])),
    responses((status = 200, description = "the released document with notice and consent", body = iop_app::consent::release::ReleasedDocument), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn release(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(r): ApiJson<ReleaseBody>,
) -> ApiResult<Json<iop_app::consent::release::ReleasedDocument>> {
    let req = ReleaseRequest {
        recipient_id: body_id(&r.recipient_id, "recipient_id")?,
        recipient_name: r.recipient_name,
        information: r.information,
        purpose: r.purpose,
        channel: body_code(&r.channel, "channel")?,
    };
    Ok(Json(
        state
            .run(caller.ctx, move |app, ctx| {
                app.release_records(ctx, crate::extract::form_id(&id, "patient")?, req)
            })
            .await?,
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FamilyMark {
    related_person_id: String,
    present: bool,
}

/// Record relatives' attendance at a family group (refused, with the reason, without a valid consent).
#[utoipa::path(put, path = "/api/v1/sessions/{id}/family-attendance", tag = "consent", params(("id" = String, Path)), request_body = Vec<FamilyMark>, security(("bearer" = [])),
    responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn family_attendance(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId<iop_domain::ids::SessionId>,
    ApiJson(r): ApiJson<Vec<FamilyMark>>,
) -> ApiResult<StatusCode> {
    let marks = r
        .into_iter()
        .map(|m| {
            Ok((
                body_id(&m.related_person_id, "related_person_id")?,
                m.present,
            ))
        })
        .collect::<Result<_, WebError>>()?;
    state
        .run(caller.ctx, move |app, ctx| {
            app.record_family_attendance(ctx, id, marks)
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
