//! Relatives and consents of a patient, the printable consent, releases of records with
//! the §2.32 notice, and the accounting of disclosures.

use crate::access::Caller;
use crate::error::PageError;
use crate::extract::PageForm;
use crate::extract::PathId;
use crate::pages::refusal;
use crate::pages::shell::{render, render_refusable, Shell};
use crate::{blocking, AppState};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use iop_app::consent::consents::{
    ConsentOverview, ConsentView, NewConsent, NewRecipient, NewRelated,
};
use iop_app::consent::release::{ReleaseRequest, ReleasedDocument};
use iop_app::AppError;
use iop_domain::consent::{InfoKind, RecipientClass, NOTICE};
use strum::IntoEnumIterator;

#[derive(Template)]
#[template(path = "consents.html")]
struct ConsentsPage {
    fmt: iop_domain::display::Style,
    shell: Shell,
    patient_id: String,
    o: ConsentOverview,
    kinds: Vec<(&'static str, &'static str)>,
    classes: Vec<(&'static str, &'static str)>,
    tpo_recipients: &'static str,
    can_release: bool,
    error: Option<String>,
    notice: Option<String>,
    /// The refused form (a consent, a relative) as sent: repeated fields repeat.
    typed: Vec<(String, String)>,
}

impl ConsentsPage {
    /// A field of the refused form as it was sent, else `default`.
    fn typed(&self, key: &str, default: &str) -> String {
        if self.typed.is_empty() {
            return default.to_string();
        }
        self.typed
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    /// Whether a box (`key` = `value`) was ticked in the refused form.
    fn ticked(&self, key: &str, value: &str) -> bool {
        self.typed.iter().any(|(k, v)| k == key && v == value)
    }
}

async fn page(
    state: &AppState,
    caller: Caller,
    id: String,
    error: Option<String>,
    notice: Option<String>,
) -> Result<Response, PageError> {
    page_typed(state, caller, id, error, notice, Vec::new()).await
}

async fn page_typed(
    state: &AppState,
    caller: Caller,
    id: String,
    error: Option<String>,
    notice: Option<String>,
    typed: Vec<(String, String)>,
) -> Result<Response, PageError> {
    let shell = Shell::new(&caller, "/census");
    let can_release =
        iop_app::policy::allows(caller.authed.actor.role, iop_app::Action::DiscloseRecords);
    let pid = id.clone();
    let o = state
        .run(caller.ctx.clone(), move |app, ctx| {
            app.consent_overview(ctx, crate::extract::form_id(&pid, "patient")?)
        })
        .await?;
    let refused = error.is_some();
    let kinds = InfoKind::ALL
        .iter()
        .map(|k| (k.as_str(), k.describe()))
        .collect();
    let fmt = crate::pages::shell::organisation_style(state, &caller).await?;
    render_refusable(
        &ConsentsPage {
            fmt,
            shell,
            patient_id: id,
            o,
            kinds,
            classes: RecipientClass::iter()
                .map(|k| (k.into(), k.describe()))
                .collect(),
            tpo_recipients: iop_domain::consent::TPO_RECIPIENTS,
            can_release,
            error,
            notice,
            typed,
        },
        refused,
    )
}

async fn back(
    state: &AppState,
    caller: Caller,
    id: String,
    r: Result<(), AppError>,
    typed: Vec<(String, String)>,
) -> Result<Response, PageError> {
    match r {
        Ok(()) => Ok(Redirect::to(&format!("/patients/{id}/consents?done=saved")).into_response()),
        Err(e) if refusal(&e) => {
            page_typed(state, caller, id, Some(e.to_string()), None, typed).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(serde::Deserialize)]
pub struct Flash {
    done: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    axum::extract::Query(f): axum::extract::Query<Flash>,
) -> Result<Response, PageError> {
    let notice = f.done.map(|_| "Saved.".to_string());
    page(&state, caller, id, None, notice).await
}

#[derive(serde::Deserialize, serde::Serialize)]
pub struct RelatedForm {
    name: String,
    relationship: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    email: String,
}

pub async fn add_related(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    PageForm(f): PageForm<RelatedForm>,
) -> Result<Response, PageError> {
    let pid = id.clone();
    let typed: Vec<(String, String)> = crate::extract::as_typed(&f)
        .into_iter()
        .map(|(k, v)| (format!("related_{k}"), v))
        .collect();
    let n = NewRelated {
        name: f.name,
        relationship: f.relationship,
        phone: Some(f.phone),
        email: Some(f.email),
    };
    let r = state
        .run(caller.ctx.clone(), move |app, ctx| {
            app.add_related_person(ctx, crate::extract::form_id(&pid, "patient")?, n)
                .map(|_| ())
        })
        .await;
    back(&state, caller, id, r, typed).await
}

/// The consent form: repeated fields (`recipient`, `information`) come as pairs.
pub async fn record(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    PageForm(fields): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let get = |k: &str| {
        fields
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    let all = |k: &str| {
        fields
            .iter()
            .filter(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .collect::<Vec<_>>()
    };
    let people = all("recipient");
    let classes = all("class");
    let expiry = match get("expiry_kind").as_str() {
        "date" => get("expiry_date"),
        other => other.to_string(),
    };
    let rep = get("representative_name");
    let signed_on = get("signed_on");
    let information = all("information");
    let purpose = get("purpose");
    let tpo = !get("tpo").is_empty();
    let signature = get("signature");
    let authority = get("representative_authority");
    let patient_signed_too = !get("patient_signed_too").is_empty();
    let replaces = get("replaces");
    let draft = !get("draft").is_empty();
    let typed: Vec<(String, String)> = fields
        .iter()
        .filter(|(k, _)| k != "csrf")
        .cloned()
        .collect();
    let pid = id.clone();
    let r = state
        .run(caller.ctx.clone(), move |app, ctx| {
            let mut recipients = people
                .iter()
                .map(|p| crate::extract::form_id(p, "related person").map(NewRecipient::Person))
                .collect::<Result<Vec<_>, _>>()?;
            for class in &classes {
                let class = class.parse().map_err(|_| {
                    iop_app::error::AppError::Invalid(format!(
                        "{class:?} is no class of recipients"
                    ))
                })?;
                recipients.push(NewRecipient::Class(class));
            }
            let expiry = iop_app::consent::consents::parse_expiry(&expiry)?;
            let n = NewConsent {
                // A new version of a consent in force replaces it from its signing.
                replaces: (!replaces.is_empty())
                    .then(|| crate::extract::form_id(&replaces, "consent"))
                    .transpose()?,
                information,
                recipients,
                purpose,
                tpo,
                expiry,
                signature,
                representative: (!rep.is_empty()).then_some((rep, authority)),
                patient_signed_too,
                signed_on: (!signed_on.is_empty())
                    .then(|| iop_app::calendar::sessions::parse_date(&signed_on, "the date signed"))
                    .transpose()?,
            };
            let patient = crate::extract::form_id(&pid, "patient")?;
            if draft {
                app.draft_consent(ctx, patient, n).map(|_| ())
            } else {
                app.record_consent(ctx, patient, n).map(|_| ())
            }
        })
        .await;
    back(&state, caller, id, r, typed).await
}

/// Records that the patient was given the notice of privacy practices now.
pub async fn give_privacy_notice(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    PageForm(_): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let pid = id.clone();
    let r = state
        .run(caller.ctx.clone(), move |app, ctx| {
            app.give_privacy_notice(ctx, crate::extract::form_id(&pid, "patient")?)
                .map(|_| ())
        })
        .await;
    back(&state, caller, id, r, Vec::new()).await
}

#[derive(serde::Deserialize)]
pub struct RevokeForm {
    patient_id: String,
    note: String,
}

pub async fn revoke(
    State(state): State<AppState>,
    caller: Caller,
    PathId(rid): PathId<iop_domain::ids::RecipientId>,
    PageForm(f): PageForm<RevokeForm>,
) -> Result<Response, PageError> {
    let r = state
        .run(caller.ctx.clone(), move |app, ctx| {
            app.revoke_consent(ctx, rid, &f.note)
        })
        .await;
    back(&state, caller, f.patient_id, r, Vec::new()).await
}

#[derive(serde::Deserialize)]
pub struct MinorForm {
    value: String,
}

pub async fn minor(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    PageForm(f): PageForm<MinorForm>,
) -> Result<Response, PageError> {
    let pid = id.clone();
    let r = state
        .run(caller.ctx.clone(), move |app, ctx| {
            app.set_minor_self_consent(
                ctx,
                crate::extract::form_id(&pid, "patient")?,
                f.value == "yes",
            )
        })
        .await;
    back(&state, caller, id, r, Vec::new()).await
}

#[derive(Template)]
#[template(path = "consent_print.html")]
struct ConsentPrint {
    fmt: iop_domain::display::Style,
    name: String,
    mrn: String,
    date_of_birth: String,
    c: ConsentView,
}

pub async fn print(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, consent)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let fmt = crate::pages::shell::organisation_style(&state, &caller).await?;
    let o = state
        .run(caller.ctx, move |app, ctx| {
            app.consent_overview(ctx, crate::extract::form_id(&id, "patient")?)
        })
        .await?;
    let c = o
        .consents
        .into_iter()
        .find(|c| c.row.id.to_string() == consent)
        .ok_or_else(|| PageError::from(AppError::NotFound(format!("consent {consent}"))))?;
    render(&ConsentPrint {
        date_of_birth: fmt.date(o.date_of_birth),
        fmt,
        name: o.name,
        mrn: o.mrn,
        c,
    })
}

#[derive(Template)]
#[template(path = "release.html")]
struct ReleasePage {
    d: ReleasedDocument,
    fmt: iop_domain::display::Style,
}

pub async fn release(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    PageForm(fields): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let get = |k: &str| {
        fields
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    let recipient_id = get("recipient_id");
    let req = ReleaseRequest {
        recipient_id: crate::extract::body_id(&recipient_id, "recipient_id")?,
        recipient_name: Some(get("recipient_name")).filter(|n| !n.is_empty()),
        information: fields
            .iter()
            .filter(|(n, _)| n == "information")
            .map(|(_, v)| v.clone())
            .collect(),
        purpose: get("purpose"),
        channel: iop_domain::consent::DisclosureChannel::Print,
    };
    let pid = id.clone();
    let fmt = crate::pages::shell::organisation_style(&state, &caller).await?;
    match state
        .run(caller.ctx.clone(), move |app, ctx| {
            app.release_records(ctx, crate::extract::form_id(&pid, "patient")?, req)
        })
        .await
    {
        Ok(d) => render(&ReleasePage { d, fmt }),
        Err(e) if refusal(&e) => page(&state, caller, id, Some(e.to_string()), None).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "disclosures.html")]
struct AccountingPage {
    patient_id: String,
    name: String,
    mrn: String,
    rows: Vec<iop_app::consent::disclosures::DisclosureListed>,
    notice: &'static str,
    fmt: iop_domain::display::Style,
}

pub async fn accounting(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let fmt = crate::pages::shell::organisation_style(&state, &caller).await?;
    let app = state.app.clone();
    let pid = id.clone();
    let (o, rows) = blocking(move || {
        Ok((
            app.consent_overview(&caller.ctx, crate::extract::form_id(&pid, "patient")?)?,
            app.accounting_of_disclosures(&caller.ctx, crate::extract::form_id(&pid, "patient")?)?,
        ))
    })
    .await?;
    render(&AccountingPage {
        patient_id: id,
        name: o.name,
        mrn: o.mrn,
        rows,
        notice: NOTICE,
        fmt,
    })
}
