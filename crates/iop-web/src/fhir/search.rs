//! FHIR search: the parameters a type takes (as `CAPABILITIES` lists them), one page of
//! the matches as a searchset Bundle with `self` and `next` links, and `_include`.

use super::{fhir_json, outcome, CAPABILITIES};
use crate::error::WebError;
use crate::AppState;
use axum::http::StatusCode;
use axum::response::Response;
use iop_app::fhir::DateParam;
use iop_app::AppError;
use iop_domain::ids::PatientId;
use serde_json::Value;

/// Most resources one page of a search holds, and how many when `_count` is not sent.
const MAX_COUNT: usize = 200;
const DEFAULT_COUNT: usize = 50;

/// What a search found: its matches, and what `_include` asked for beside them.
#[derive(Default)]
pub struct Found {
    pub matches: Vec<Value>,
    pub included: Vec<Value>,
}

impl From<Vec<Value>> for Found {
    fn from(matches: Vec<Value>) -> Self {
        Found {
            matches,
            included: Vec::new(),
        }
    }
}

/// A search as sent, with what this server understood of it.
#[derive(Debug, Default)]
pub struct Search {
    /// The patient of a per-patient search (every type but Patient).
    pub patient: Option<PatientId>,
    /// `code` (Observation) or `status` (EpisodeOfCare): a token, commas for "or".
    pub token: Option<(&'static str, String)>,
    pub identifier: Option<String>,
    pub name: Option<String>,
    /// `date` or `birthdate` comparisons, all of which must hold.
    pub dates: Vec<DateParam>,
    /// `_include` values this type supports that were asked for.
    pub includes: Vec<String>,
    pub count: usize,
    pub offset: usize,
}

impl Search {
    /// The parameters `kind` takes; others are ignored, as FHIR asks of a lenient
    /// server, and left out of the links.
    pub fn parse(kind: &str, params: &[(String, String)]) -> Result<Search, String> {
        let cap = CAPABILITIES.iter().find(|c| c.kind == kind);
        let takes = |name: &str| {
            matches!(name, "_offset" | "_include")
                || cap.is_some_and(|c| {
                    c.params
                        .iter()
                        .any(|(p, _)| *p == name || (name == "subject" && *p == "patient"))
                })
        };
        let mut s = Search {
            count: DEFAULT_COUNT,
            ..Search::default()
        };
        for (k, v) in params.iter().filter(|(k, _)| takes(k)) {
            match k.as_str() {
                "patient" | "subject" => {
                    let id = v.trim_start_matches("Patient/");
                    s.patient = Some(id.parse::<PatientId>().map_err(|_| {
                        format!("patient: {v:?} is not a patient's id (Patient/{{id}} or {{id}})")
                    })?);
                }
                "code" => s.token = Some(("code", v.clone())),
                "status" => s.token = Some(("status", v.clone())),
                "identifier" => s.identifier = Some(v.clone()),
                "name" => s.name = Some(v.clone()),
                "date" | "birthdate" => s.dates.push(DateParam::parse(v).ok_or_else(|| {
                    format!("{k}: {v:?} is not a day with an optional prefix (ge2026-11-01)")
                })?),
                "_include" => {
                    let known = cap.is_some_and(|c| c.includes.contains(&v.as_str()))
                        || (kind == "Encounter" && v == "Encounter:subject");
                    if !known {
                        return Err(format!("_include: {v:?} is not supported on {kind}"));
                    }
                    s.includes.push(v.clone());
                }
                "_count" => {
                    s.count = v
                        .parse::<usize>()
                        .ok()
                        .filter(|n| (1..=MAX_COUNT).contains(n))
                        .ok_or_else(|| format!("_count: give a number from 1 to {MAX_COUNT}"))?;
                }
                "_offset" => {
                    s.offset = v
                        .parse::<usize>()
                        .map_err(|_| "_offset: give a whole number".to_string())?;
                }
                _ => {}
            }
        }
        if kind != "Patient" && s.patient.is_none() {
            return Err("search with patient=Patient/{id}: results are per patient".into());
        }
        Ok(s)
    }

    /// The patient of a per-patient search (`parse` made sure there is one).
    pub fn patient(&self) -> Result<PatientId, AppError> {
        self.patient
            .ok_or_else(|| AppError::Invalid("search with patient=Patient/{id}".into()))
    }

    /// This search's URL at another page.
    fn url(&self, base: &str, kind: &str, offset: usize) -> String {
        let mut q: Vec<(&str, String)> = Vec::new();
        if let Some(p) = self.patient {
            q.push(("patient", format!("Patient/{p}")));
        }
        if let Some((name, value)) = &self.token {
            q.push((name, value.clone()));
        }
        if let Some(v) = &self.identifier {
            q.push(("identifier", v.clone()));
        }
        if let Some(v) = &self.name {
            q.push(("name", v.clone()));
        }
        let date_name = if kind == "Patient" {
            "birthdate"
        } else {
            "date"
        };
        q.extend(self.dates.iter().map(|d| (date_name, d.to_string())));
        q.extend(self.includes.iter().map(|i| ("_include", i.clone())));
        q.push(("_count", self.count.to_string()));
        if offset > 0 {
            q.push(("_offset", offset.to_string()));
        }
        let query = serde_urlencoded::to_string(&q).unwrap_or_default();
        format!("{base}/{kind}?{query}")
    }
}

/// Runs a search and answers one page of it as a searchset Bundle.
pub async fn search(
    state: AppState,
    caller: crate::access::Caller,
    params: &[(String, String)],
    kind: &'static str,
    f: impl FnOnce(&iop_app::App, &iop_app::Ctx, &Search) -> Result<Found, AppError> + Send + 'static,
) -> Response {
    let base = super::base_url(&state);
    let search = match Search::parse(kind, params) {
        Ok(s) => std::sync::Arc::new(s),
        Err(e) => return outcome(WebError::BadRequest(e)),
    };
    let s = search.clone();
    let found = match state
        .run(caller.ctx.clone(), move |app, ctx| f(app, ctx, &s))
        .await
    {
        Ok(f) => f,
        // A search the use case could not run as asked is a bad request (FHIR: 400).
        Err(AppError::Invalid(e)) => return outcome(WebError::BadRequest(e)),
        Err(e) => return outcome(e.into()),
    };
    let total = found.matches.len();
    let page: Vec<Value> = found
        .matches
        .into_iter()
        .skip(search.offset)
        .take(search.count)
        .collect();
    let url = |offset: usize| search.url(&base, kind, offset);
    let next = search
        .offset
        .checked_add(search.count)
        .filter(|&n| n < total)
        .map(url);
    let self_url = url(search.offset);
    let body = iop_app::fhir::searchset(
        &iop_app::fhir::SearchPage {
            base: &base,
            self_url: &self_url,
            next_url: next.as_deref(),
            total,
        },
        page,
        found.included,
    );
    fhir_json(StatusCode::OK, &body)
}
