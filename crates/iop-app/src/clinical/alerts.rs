//! Raising an alert: to the clinical directors, to the patient's primary counselor, or
//! both, with its audit entry. The detail names dates and ids, never clinical text.

use crate::audit::{record, Event};
use crate::ctx::Ctx;
use crate::error::Result;
use iop_domain::ids::{AlertId, PatientId, UserId};
use iop_domain::roster::EpisodeStatus;
use iop_domain::scoring::AlertKind;
use iop_domain::time::Instant;
use iop_domain::Role;
use iop_store::admissions::episodes;
use iop_store::calendar as cal;
use iop_store::clinical::measures::{self as store, AlertRow};
use iop_store::DbConn;

/// Who an alert goes to.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Addressees {
    pub directors: bool,
    pub primary_counselor: bool,
}

/// The account of the patient's primary counselor in their active episode, if any.
fn primary_counselor_user(c: &mut DbConn, patient: PatientId) -> Result<Option<UserId>> {
    let staff = episodes::episodes_with_patient_id(c, patient)?
        .into_iter()
        .filter(|e| e.status == EpisodeStatus::Active)
        .find_map(|e| e.primary_counselor_id);
    Ok(match staff {
        Some(s) => cal::staff_by_id(c, s)?.and_then(|s| s.user_id),
        None => None,
    })
}

pub(crate) fn raise(
    c: &mut DbConn,
    ctx: &Ctx,
    patient: PatientId,
    kind: AlertKind,
    detail: &str,
    to: Addressees,
) -> Result<()> {
    let mut targets: Vec<(Option<UserId>, Option<Role>)> = Vec::new();
    if to.directors {
        targets.push((None, Some(Role::ClinicalDirector)));
    }
    if to.primary_counselor {
        match primary_counselor_user(c, patient)? {
            Some(u) => targets.push((Some(u), None)),
            // Nobody to tell by name: the directors hear of it instead.
            None if !to.directors => targets.push((None, Some(Role::ClinicalDirector))),
            None => {}
        }
    }
    let mut added_to = Vec::new();
    for (user, role) in targets {
        // A repeat while the first is still open adds to it: one alert to act on, with
        // every occasion in its detail, not a pile of duplicates.
        if let Some(open) = store::open_alert_like(c, patient, kind, user, role)? {
            store::set_alert_detail(c, open.id, &format!("{}; again: {detail}", open.detail))?;
            added_to.push(open.id.to_string());
            continue;
        }
        store::insert_alert(
            c,
            &AlertRow {
                id: AlertId::new_v7(),
                kind,
                patient_id: patient,
                for_user_id: user,
                for_role: role,
                detail: detail.into(),
                created_at: Instant(ctx.now()),
                acknowledged_at: None,
                acknowledged_by: None,
                action_taken: None,
            },
        )?;
    }
    let mut event = Event::ok("clinical.alert.raise")
        .detail(serde_json::json!({ "kind": kind, "added_to": added_to }));
    event.patient_id = Some(patient);
    record(c, ctx, event)
}

/// An alert as the chart shows it: open ones to act on, acknowledged ones with who
/// acknowledged, when, and what they did.
#[derive(Clone, Debug)]
pub struct ChartAlert {
    pub alert: crate::clinical::measures::SafetyAlert,
    /// Whom it went to: "Casey Counselor", "the clinical directors".
    pub addressed_to: String,
    pub acknowledged_by_name: Option<String>,
}

/// How long an acknowledged alert stays on the chart, so the team sees what was done.
const ACKNOWLEDGED_SHOWN_DAYS: i64 = 30;

impl crate::App {
    /// The patient's open safety alerts, whoever they were addressed to, and those
    /// acknowledged in the last 30 days; for a clinician whose caseload holds the patient.
    pub fn patient_alerts(&self, ctx: &Ctx, patient: PatientId) -> Result<Vec<ChartAlert>> {
        ctx.require(crate::policy::Action::ReadClinical)?;
        let since = Instant(
            ctx.now()
                .checked_sub(jiff::SignedDuration::from_hours(
                    24 * ACKNOWLEDGED_SHOWN_DAYS,
                ))
                .unwrap_or(ctx.now()),
        );
        self.store.read_audited(|c| {
            crate::scope::require_patient(c, ctx, patient)?;
            let rows = store::alerts_of_patient(c, patient, since)?;
            let mut out: Vec<ChartAlert> = Vec::with_capacity(rows.len());
            for r in rows {
                let to = addressee(c, &r)?;
                // Copies of one raised alert to several addressees read as one.
                if let Some(same) = out.iter_mut().find(|a| {
                    a.alert.kind == r.kind
                        && a.alert.created_at == r.created_at
                        && a.alert.acknowledged_at.is_some() == r.acknowledged_at.is_some()
                }) {
                    // People by name first, then the roles: "Casey Counselor and the
                    // clinical directors", whichever copy was read first.
                    same.addressed_to = if to.starts_with("the ") || to.starts_with("every ") {
                        format!("{} and {to}", same.addressed_to)
                    } else {
                        format!("{to} and {}", same.addressed_to)
                    };
                    continue;
                }
                let acknowledged_by_name = match r.acknowledged_by {
                    Some(u) => Some(crate::clinical::cosign::author_name(
                        c,
                        iop_domain::ids::ActorRef::User(u),
                    )?),
                    None => None,
                };
                out.push(ChartAlert {
                    alert: r.into(),
                    addressed_to: to,
                    acknowledged_by_name,
                });
            }
            crate::audit::record_list(c, ctx, "alerts.read", std::iter::once(patient))?;
            Ok(out)
        })
    }
}

/// Whom an alert went to, as the chart names them.
fn addressee(c: &mut DbConn, r: &AlertRow) -> Result<String> {
    Ok(match (r.for_user_id, r.for_role) {
        (Some(u), _) => {
            crate::clinical::cosign::author_name(c, iop_domain::ids::ActorRef::User(u))?
        }
        (None, Some(Role::ClinicalDirector)) => "the clinical directors".into(),
        (None, Some(role)) => format!("every {}", role.label().to_lowercase()),
        (None, None) => "the care team".into(),
    })
}
