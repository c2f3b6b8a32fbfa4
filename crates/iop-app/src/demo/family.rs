//! The demo's family program: relatives for most patients, family consents (one revoked
//! for one relative, one expired), and relatives at the family groups before last week,
//! each one a logged disclosure.

use crate::consent::consents::{NewConsent, NewRecipient, NewRelated};
use crate::ctx::Ctx;
use crate::error::Result;
use crate::App;
use iop_domain::calendar::SessionKind;
use iop_domain::calendar::SessionStatus;
use iop_domain::consent::Expiry;
use iop_domain::ids::*;
use iop_domain::time::Day;
use iop_store::{admissions::episodes, calendar as cal};
use jiff::civil::Date;
use jiff::Span;

const RELATIVES: [(&str, &str); 6] = [
    ("Maria", "mother"),
    ("Sam", "partner"),
    ("Lee", "brother"),
    ("Robin", "wife"),
    ("Chris", "father"),
    ("Alex", "sister"),
];

fn days(d: Date, n: i64) -> Date {
    d.checked_add(Span::new().days(n)).unwrap_or(d)
}

impl App {
    pub(crate) fn seed_demo_family(
        &self,
        ctx: &Ctx,
        program_id: ProgramId,
        today: Date,
    ) -> Result<()> {
        let active = self
            .store
            .read(|c| -> Result<_> { Ok(episodes::active_with_patients(c, &[program_id])?) })?;
        for (i, (e, p)) in active.iter().enumerate() {
            if i % 5 == 4 {
                continue; // Not every patient brings someone.
            }
            let admitted: Date = e.admit_date.0;
            if admitted > today {
                continue; // Starts in a few days: no consent signed yet.
            }
            let mut ids = Vec::new();
            for k in 0..(1 + i % 2) {
                let (first, rel) = RELATIVES[(i + k) % RELATIVES.len()];
                ids.push(self.add_related_person(
                    ctx,
                    p.id,
                    NewRelated {
                        name: format!("{first} {}", p.legal_last_name),
                        relationship: rel.into(),
                        phone: Some(format!("(502) 555-03{:02}", i * 2 + k)),
                        email: None,
                    },
                )?);
            }
            // The second patient's consent had a short term and has run out.
            let expiry = if i == 1 {
                Expiry::On(days(admitted, 1))
            } else {
                Expiry::EndOfTreatment
            };
            let consent = self.record_consent(
                ctx,
                p.id,
                NewConsent {
                    replaces: None,
                    information: vec!["enrollment".into(), "family_participation".into()],
                    recipients: ids.iter().map(|id| NewRecipient::Person(*id)).collect(),
                    purpose: "Family involvement in treatment (family group)".into(),
                    tpo: false,
                    expiry,
                    signature: "signed on paper".into(),
                    representative: None,
                    patient_signed_too: false,
                    signed_on: Some(admitted),
                },
            )?;
            if i == 3 && ids.len() > 1 {
                let recipients = self
                    .consents(ctx, p.id)?
                    .into_iter()
                    .find(|c| c.row.id == consent)
                    .map(|c| c.recipients)
                    .unwrap_or_default();
                if let Some(r) = recipients
                    .iter()
                    .find(|r| r.ref_id == ids.get(1).map(ToString::to_string))
                {
                    self.revoke_consent(
                        ctx,
                        r.id,
                        "in writing: the patient's letter to the program",
                    )?;
                }
            }
        }
        // Relatives who may come were there at the family groups before last week.
        let until = days(iop_domain::calendar::monday_of(today), -8);
        let sessions = self.store.read(|c| -> Result<_> {
            Ok(cal::sessions_between(
                c,
                Some(&[program_id]),
                Day(days(today, -60)),
                Day(until),
            )?)
        })?;
        for s in sessions
            .iter()
            .filter(|s| s.kind == SessionKind::Family && s.status == SessionStatus::Held)
        {
            let sid = s.id;
            let roster = self.roster(ctx, sid)?;
            let marks: Vec<(RelatedPersonId, bool)> = roster
                .relatives
                .iter()
                .filter(|f| f.allowed)
                .map(|f| (f.related_person_id, true))
                .collect();
            if !marks.is_empty() {
                self.record_family_attendance(ctx, sid, marks)?;
            }
        }
        Ok(())
    }
}
