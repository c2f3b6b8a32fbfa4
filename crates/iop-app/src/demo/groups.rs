//! The demo's group record: attendance and a signed note for every held core and family
//! group from before the earliest active admission to the week before last, each
//! documented by its first facilitator's own account. Jordan Reyes is supervised: the
//! clinical director co-signs his notes except the latest two, which wait in the queue.
//! The patient eligible to graduate attended every group; the one awaiting review
//! missed their first group unexcused and their second excused.

use super::calendar::{ELIGIBLE_MRN, REVIEW_MRN};
use super::clinical::{days, internal, PARTICIPATION, PROGRESS};
use crate::accounts::auth::actor_of;
use crate::clinical::attendance::MarkInput;
use crate::clinical::cosign::CosignNote;
use crate::clinical::notes::NoteInput;
use crate::ctx::{Ctx, RequestMeta};
use crate::error::Result;
use crate::App;
use iop_domain::calendar::{SessionKind, SessionStatus};
use iop_domain::hours::Mark;
use iop_domain::ids::*;
use iop_domain::time::Day;
use iop_store::{accounts::users, calendar as cal};
use jiff::civil::Date;
use std::collections::HashMap;

impl App {
    pub(super) fn seed_demo_groups(
        &self,
        system: &Ctx,
        program_id: ProgramId,
        today: Date,
    ) -> Result<()> {
        let meta = RequestMeta::cli(system.now());
        // Each facilitator with an account documents their own groups; the director
        // the rest.
        let (writers, director, (eligible, review)) = self.store.read(|c| -> Result<_> {
            let mut writers: HashMap<StaffId, Ctx> = HashMap::new();
            for s in cal::all_staff(c)? {
                let Some(uid) = s.user_id else { continue };
                if let Some(u) = users::by_id(c, uid)? {
                    writers.insert(s.id, Ctx::staff(actor_of(&u)?, meta.clone()));
                }
            }
            let d = users::by_email(c, "director@demo.test")?
                .ok_or_else(|| internal("no demo director"))?;
            let by_mrn = |c: &mut iop_store::DbConn, mrn| -> Result<Option<PatientId>> {
                Ok(iop_store::admissions::episodes::patient_by_mrn(c, mrn)?.map(|p| p.id))
            };
            let eligible = by_mrn(c, ELIGIBLE_MRN)?;
            let review = by_mrn(c, REVIEW_MRN)?;
            Ok((
                writers,
                Ctx::staff(actor_of(&d)?, meta.clone()),
                (eligible, review),
            ))
        })?;
        // Last week and this week stay open ("notes to write").
        let until = days(iop_domain::calendar::monday_of(today), -8);
        let sessions = self.store.read(|c| -> Result<_> {
            Ok(cal::sessions_between(
                c,
                Some(&[program_id]),
                Day(days(today, -70)),
                Day(until),
            )?)
        })?;
        let mut supervised: Vec<NoteId> = Vec::new();
        let mut review_seen = 0;
        for (si, s) in sessions.iter().enumerate() {
            if s.status != SessionStatus::Held || s.kind == SessionKind::Alumni {
                continue;
            }
            let first = self.store.read(|c| -> Result<_> {
                Ok(cal::current_assignments(c, std::slice::from_ref(&s.id))?
                    .first()
                    .map(|a| a.staff_id))
            })?;
            let ctx = first.and_then(|f| writers.get(&f)).unwrap_or(&director);
            let roster = self.roster(ctx, s.id)?;
            if roster.lines.is_empty() {
                continue;
            }
            let mut marks = Vec::new();
            let mut entries = Vec::new();
            for (li, l) in roster.lines.iter().enumerate() {
                let n = si * 7 + li * 3;
                if Some(l.patient_id) == review {
                    review_seen += 1;
                }
                let (mark, minutes) = match n % 17 {
                    _ if Some(l.patient_id) == eligible => (Mark::Present, None),
                    _ if Some(l.patient_id) == review && review_seen == 1 => {
                        (Mark::AbsentUnexcused, None)
                    }
                    _ if Some(l.patient_id) == review && review_seen == 2 => {
                        (Mark::AbsentExcused, None)
                    }
                    0 => (Mark::AbsentExcused, None),
                    5 => (Mark::AbsentUnexcused, None),
                    9 => (Mark::Late, Some(roster.session_minutes - 20)),
                    13 => (Mark::LeftEarly, Some(roster.session_minutes - 45)),
                    _ => (Mark::Present, None),
                };
                marks.push(MarkInput {
                    patient_id: l.patient_id,
                    mark,
                    minutes,
                });
                if !mark.is_absent() {
                    entries.push((
                        l.patient_id,
                        PARTICIPATION[(si + li) % 10].into(),
                        PROGRESS[(si + 3 * li) % 10].into(),
                    ));
                }
            }
            self.record_attendance(ctx, s.id, marks)?;
            let topic = roster
                .session
                .topic
                .clone()
                .unwrap_or_else(|| "Relapse prevention".into());
            self.save_group_note(
                ctx,
                s.id,
                NoteInput {
                    topic,
                    interventions: "Psychoeducation on the topic, guided discussion, skills practice in pairs, and a check-out with one commitment each.".into(),
                    group_process: "Members engaged after a slow start; peers offered each other concrete feedback and the group stayed on task.".into(),
                    entries,
                },
            )?;
            self.sign_group_note(ctx, s.id, true)?;
            let note = self.store.read(|c| -> Result<_> {
                Ok(iop_store::clinical::record::note_of_session(c, s.id)?)
            })?;
            if let Some(n) = note.filter(|n| n.cosign_required) {
                supervised.push(n.id);
            }
        }
        let keep = supervised.len().saturating_sub(2);
        for id in supervised.into_iter().take(keep) {
            self.cosign_note(&director, CosignNote::Group(id))?;
        }
        Ok(())
    }
}
