//! The program's rules that are settings: level of care, graduation's attendance
//! threshold and excused-absence rule, the weekly hours floor and group break, when
//! individual sessions are offered, and the per-diem minimum without a contract.

use crate::audit::{record, Event};
use crate::ctx::Ctx;
use crate::error::{AppError, Result};
use crate::policy::Action;
use crate::App;
use iop_domain::admissions::LevelOfCare;
use iop_domain::calendar::parse_weekdays;
use iop_domain::graduation::ExcusedAbsences;
use iop_domain::ids::ProgramId;
use iop_domain::time::ClockTime;
use iop_store::org::{self, ProgramRules};

/// A program's rules as read and written by the API.
#[derive(Clone, Debug, serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RulesInput {
    /// ASAM level of care of new episodes ("2.1" intensive outpatient).
    #[schema(value_type = String, example = "2.1")]
    pub level_of_care: LevelOfCare,
    /// Graduation needs this share of expected sessions attended (50–100).
    pub min_attendance_percent: i32,
    /// How an excused absence counts: count_as_attended, leave_denominator, count_as_absent.
    #[schema(value_type = String, example = "leave_denominator")]
    pub excused_absences: ExcusedAbsences,
    /// Skilled treatment minutes a patient needs a week (540 = 9 hours, ASAM 2.1).
    pub weekly_floor_minutes: i32,
    /// Minutes of break inside each group, not treatment time (0–60).
    pub break_minutes: i32,
    /// Days individual sessions are offered, like mon,tue,wed,thu,fri.
    pub individual_weekdays: String,
    /// First and last start time offered for an individual session, like 09:00 and 16:00.
    pub individual_first_start: String,
    pub individual_last_start: String,
    /// A per-diem day needs this many attended minutes when the contract does not say.
    pub per_diem_minimum_minutes: i32,
}

impl RulesInput {
    fn check(&self) -> Result<ProgramRules> {
        let bad = |m: &str| Err(AppError::Invalid(m.into()));
        if !(50..=100).contains(&self.min_attendance_percent) {
            return bad("the attendance threshold must be between 50 and 100 percent");
        }
        if !(60..=40 * 60).contains(&self.weekly_floor_minutes) {
            return bad("the weekly hours floor must be between 60 and 2,400 minutes");
        }
        if !(0..=60).contains(&self.break_minutes) {
            return bad("the break must be between 0 and 60 minutes");
        }
        if !(15..=600).contains(&self.per_diem_minimum_minutes) {
            return bad("the per-diem minimum must be between 15 and 600 minutes");
        }
        let days = parse_weekdays(&self.individual_weekdays).ok_or_else(|| {
            AppError::Invalid("give the individual-session days like mon,tue,wed,thu,fri".into())
        })?;
        let time = |s: &str, what: &str| -> Result<ClockTime> {
            s.parse::<ClockTime>()
                .map_err(|_| AppError::Invalid(format!("the {what} must be a time like 09:00")))
        };
        let first = time(&self.individual_first_start, "first individual start")?;
        let last = time(&self.individual_last_start, "last individual start")?;
        if last.0 < first.0 {
            return bad("the last individual start must not be before the first");
        }
        Ok(ProgramRules {
            min_attendance_percent: self.min_attendance_percent,
            excused_absences: self.excused_absences,
            weekly_floor_minutes: self.weekly_floor_minutes,
            break_minutes: self.break_minutes,
            individual_weekdays: iop_domain::calendar::Weekdays(days),
            individual_first_start: first,
            individual_last_start: last,
            per_diem_minimum_minutes: self.per_diem_minimum_minutes,
        })
    }
}

impl App {
    pub fn program_rules(&self, ctx: &Ctx, program_id: ProgramId) -> Result<RulesInput> {
        ctx.require(Action::ViewCalendar)?;
        let p = self
            .store
            .read(|c| org::program_by_id(c, program_id))?
            .ok_or_else(|| AppError::NotFound(format!("program {program_id}")))?;
        let r = p.rules;
        Ok(RulesInput {
            level_of_care: p.level_of_care,
            min_attendance_percent: r.min_attendance_percent,
            excused_absences: r.excused_absences,
            weekly_floor_minutes: r.weekly_floor_minutes,
            break_minutes: r.break_minutes,
            individual_weekdays: r.individual_weekdays.to_string(),
            individual_first_start: r.individual_first_start.to_string(),
            individual_last_start: r.individual_last_start.to_string(),
            per_diem_minimum_minutes: r.per_diem_minimum_minutes,
        })
    }

    /// Changes the rules; they apply from now on (eligibility, hours and charges are
    /// judged with the rules in force when they are read or generated).
    pub fn set_program_rules(
        &self,
        ctx: &Ctx,
        program_id: ProgramId,
        input: RulesInput,
    ) -> Result<()> {
        ctx.require(Action::ManageProgramRules)?;
        let rules = input.check()?;
        self.store.write(|c| {
            if !org::update_rules(c, program_id, &rules)? {
                return Err(AppError::NotFound(format!("program {program_id}")));
            }
            org::set_level_of_care(c, program_id, input.level_of_care)?;
            let subject = format!("program:{program_id}");
            record(
                c,
                ctx,
                Event::ok("program.rules.update")
                    .subject(&subject)
                    .detail(serde_json::to_value(&input).unwrap_or_default()),
            )
        })
    }
}
