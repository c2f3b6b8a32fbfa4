//! The admission form of an inquiry: the patient's details with the address in parts
//! and the sex for claims, the placement, and the first episode.

use crate::access::Caller;
use crate::error::PageError;
use crate::extract::{form_id, PageForm, PathId};
use crate::pages::admissions::{opt, step_typed, Typed, TypedForm};
use crate::AppState;
use axum::extract::State;
use axum::response::Response;
use iop_app::admissions::admit::AdmitInput;
use iop_app::AppError;
use iop_domain::admissions::{Screening, WithdrawalRisk};
use serde::Deserialize;

#[derive(Deserialize, serde::Serialize)]
pub struct AdmitForm {
    legal_first_name: String,
    legal_last_name: String,
    #[serde(default)]
    preferred_name: String,
    date_of_birth: String,
    phone: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    address_line: String,
    #[serde(default)]
    city: String,
    #[serde(default)]
    state: String,
    #[serde(default)]
    zip: String,
    /// F, M or U.
    #[serde(default)]
    sex: String,
    emergency_contact_name: String,
    emergency_contact_phone: String,
    /// `program_id/track_id`.
    placement: String,
    admit_date: String,
    primary_counselor_id: String,
    diagnoses: String,
    #[serde(default)]
    ratio_override_reason: String,
    /// A ticked box: the notice of privacy practices was given now.
    #[serde(default)]
    privacy_notice_given: String,
}

/// The address when any part was typed (the use case names what is missing).
fn address_of(
    line: &str,
    city: &str,
    state: &str,
    zip: &str,
) -> Option<iop_app::billing::setup::AddressInput> {
    let parts = [line, city, state, zip];
    parts
        .iter()
        .any(|p| !p.trim().is_empty())
        .then(|| iop_app::billing::setup::AddressInput {
            line: line.into(),
            city: city.into(),
            state: state.into(),
            zip: zip.into(),
        })
}

fn sex_of(s: &str) -> Result<iop_domain::admissions::Sex, AppError> {
    match s.trim() {
        "" => Ok(iop_domain::admissions::Sex::Unknown),
        s => s
            .parse()
            .map_err(|_| AppError::Invalid("the sex for claims is F, M or U (unknown)".into())),
    }
}

pub async fn admit(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId<iop_domain::ids::InquiryId>,
    PageForm(f): PageForm<AdmitForm>,
) -> Result<Response, PageError> {
    // Kept to show the form again, as typed, if the admission is refused.
    let typed = Typed {
        form: TypedForm::Admit,
        fields: crate::extract::as_typed(&f),
    };
    step_typed(
        state,
        caller,
        id,
        "admitted",
        Some(typed),
        move |app, ctx, id| {
            let (program_id, track_id) = f
                .placement
                .split_once('/')
                .ok_or_else(|| AppError::Invalid("choose a program and track".into()))?;
            let a = AdmitInput {
                legal_first_name: f.legal_first_name,
                legal_last_name: f.legal_last_name,
                preferred_name: opt(f.preferred_name),
                date_of_birth: iop_app::calendar::sessions::parse_date(
                    &f.date_of_birth,
                    "the date of birth",
                )?,
                phone: f.phone,
                email: opt(f.email),
                address: address_of(&f.address_line, &f.city, &f.state, &f.zip),
                sex: sex_of(&f.sex)?,
                emergency_contact_name: f.emergency_contact_name,
                emergency_contact_phone: f.emergency_contact_phone,
                program_id: form_id(program_id, "program")?,
                track_id: form_id(track_id, "track")?,
                admit_date: iop_app::calendar::sessions::parse_date(
                    &f.admit_date,
                    "the admit date",
                )?,
                primary_counselor_id: form_id(&f.primary_counselor_id, "primary_counselor_id")?,
                diagnoses: f
                    .diagnoses
                    .split([',', ' '])
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect(),
                ratio_override_reason: opt(f.ratio_override_reason),
                privacy_notice_given: !f.privacy_notice_given.is_empty(),
            };
            app.admit(&ctx, id, a).map(|_| ())
        },
    )
    .await
}

/// `POST /admissions/{id}/screening`: the answers, kept as typed when refused.
#[derive(serde::Deserialize, serde::Serialize)]
pub struct ScreeningForm {
    #[serde(default)]
    substances: String,
    #[serde(default)]
    last_use: String,
    withdrawal_risk: String,
    complicated_withdrawal_history: Option<String>,
    danger_to_self: Option<String>,
    danger_to_others: Option<String>,
    prior_treatment: Option<String>,
    stepping_down: Option<String>,
}

pub async fn screening(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId<iop_domain::ids::InquiryId>,
    PageForm(f): PageForm<ScreeningForm>,
) -> Result<Response, PageError> {
    let typed = Typed {
        form: TypedForm::Screening,
        fields: crate::extract::as_typed(&f),
    };
    step_typed(
        state,
        caller,
        id,
        "screened",
        Some(typed),
        move |app, ctx, id| {
            let risk: WithdrawalRisk = f
                .withdrawal_risk
                .parse()
                .map_err(|_| AppError::Invalid("choose a withdrawal risk".into()))?;
            let s = Screening {
                substances: f
                    .substances
                    .split(',')
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect(),
                last_use: opt(f.last_use),
                withdrawal_risk: risk,
                complicated_withdrawal_history: f.complicated_withdrawal_history.is_some(),
                danger_to_self: f.danger_to_self.is_some(),
                danger_to_others: f.danger_to_others.is_some(),
                prior_treatment: f.prior_treatment.is_some(),
                stepping_down: f.stepping_down.is_some(),
            };
            app.record_screening(&ctx, id, s).map(|_| ())
        },
    )
    .await
}
