//! How domain values sit in a text column, for `iop-store` (feature `diesel`): a typed id
//! as its UUID, a closed set of values as its snake_case code. The impls live here
//! because Rust lets only the crate of a type implement a foreign trait for it; the
//! store adds the same for its two-backend connection (`iop_store::columns`).
//!
//! A value read back that does not parse is an error naming its type and the stored
//! text, never a silent default.

/// Implements `ToSql`/`FromSql` for text on SQLite and PostgreSQL through `Display`
/// and `FromStr`; the type derives `AsExpression` and `FromSqlRow` itself.
macro_rules! text_column {
    ($($t:ty),* $(,)?) => {
        $crate::sql::text_column!(diesel::sql_types::Text; $($t),*);
    };
    ($st:ty; $($t:ty),* $(,)?) => {$(
        impl diesel::serialize::ToSql<$st, diesel::sqlite::Sqlite> for $t {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, diesel::sqlite::Sqlite>,
            ) -> diesel::serialize::Result {
                out.set_value(self.to_string());
                Ok(diesel::serialize::IsNull::No)
            }
        }

        impl diesel::serialize::ToSql<$st, diesel::pg::Pg> for $t {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, diesel::pg::Pg>,
            ) -> diesel::serialize::Result {
                use std::io::Write;
                out.write_all(self.to_string().as_bytes())?;
                Ok(diesel::serialize::IsNull::No)
            }
        }

        impl diesel::deserialize::FromSql<$st, diesel::sqlite::Sqlite> for $t {
            fn from_sql(
                value: <diesel::sqlite::Sqlite as diesel::backend::Backend>::RawValue<'_>,
            ) -> diesel::deserialize::Result<Self> {
                let text = <String as diesel::deserialize::FromSql<
                    diesel::sql_types::Text,
                    diesel::sqlite::Sqlite,
                >>::from_sql(value)?;
                $crate::sql::parse_stored::<Self>(&text, stringify!($t))
            }
        }

        impl diesel::deserialize::FromSql<$st, diesel::pg::Pg> for $t {
            fn from_sql(
                value: <diesel::pg::Pg as diesel::backend::Backend>::RawValue<'_>,
            ) -> diesel::deserialize::Result<Self> {
                let text = <String as diesel::deserialize::FromSql<
                    diesel::sql_types::Text,
                    diesel::pg::Pg,
                >>::from_sql(value)?;
                $crate::sql::parse_stored::<Self>(&text, stringify!($t))
            }
        }
    )*};
}

pub(crate) use text_column;

/// Column types of instants and days: text on both backends, but distinct from
/// `Text` so that a query cannot compare such a column with a bare string.
pub mod types {
    #[derive(
        Debug, Clone, Copy, Default, diesel::sql_types::SqlType, diesel::query_builder::QueryId,
    )]
    #[diesel(sqlite_type(name = "Text"))]
    #[diesel(postgres_type(oid = 25, array_oid = 1009))]
    pub struct InstantText;

    #[derive(
        Debug, Clone, Copy, Default, diesel::sql_types::SqlType, diesel::query_builder::QueryId,
    )]
    #[diesel(sqlite_type(name = "Text"))]
    #[diesel(postgres_type(oid = 25, array_oid = 1009))]
    pub struct DayText;

    impl diesel::sql_types::SqlOrd for InstantText {}
    impl diesel::sql_types::SqlOrd for DayText {}
}

/// Calls `$m!(…)` with every type that has a text column impl here, so the store's
/// two-backend impls cover the same list.
#[macro_export]
macro_rules! with_column_types {
    ($m:ident) => {
        $m!(
            $crate::ids::UserId,
            $crate::ids::SiteId,
            $crate::ids::ProgramId,
            $crate::ids::TrackId,
            $crate::ids::TokenId,
            $crate::ids::PatientId,
            $crate::ids::SessionId,
            $crate::ids::AttendanceId,
            $crate::ids::NoteId,
            $crate::ids::NoteEntryId,
            $crate::ids::AddendumId,
            $crate::ids::MakeupId,
            $crate::ids::StaffId,
            $crate::ids::ClosureId,
            $crate::ids::TopicId,
            $crate::ids::AssignmentId,
            $crate::ids::FeedId,
            $crate::ids::EpisodeId,
            $crate::ids::EpisodeTrackId,
            $crate::ids::InquiryId,
            $crate::ids::InquiryEventId,
            $crate::ids::AppointmentId,
            $crate::ids::IndividualNoteId,
            $crate::ids::MeasureId,
            $crate::ids::AlertId,
            $crate::ids::DrugScreenId,
            $crate::ids::RelapsePlanId,
            $crate::ids::TreatmentPlanId,
            $crate::ids::RelatedPersonId,
            $crate::ids::ConsentId,
            $crate::ids::ConsentSeriesId,
            $crate::ids::RecipientId,
            $crate::ids::FamilyAttendanceId,
            $crate::ids::PayerId,
            $crate::ids::ContractId,
            $crate::ids::CoverageId,
            $crate::ids::AuthorizationId,
            $crate::ids::ClaimId,
            $crate::ids::ChargeId,
            $crate::ids::BatchId,
            $crate::ids::RemittanceId,
            $crate::ids::PaymentId,
            $crate::ids::AdjustmentId,
            $crate::ids::UnmatchedId,
            $crate::ids::ProviderLedgerId,
            $crate::ids::PrivacyNoticeId,
            $crate::ids::ExportId,
            $crate::ids::ActorRef,
            $crate::hours::Mark,
            $crate::notes::NoteStatus,
            $crate::calendar::SessionKind,
            $crate::calendar::SessionStatus,
            $crate::roster::EpisodeStatus,
            $crate::billing::PaymentMethod,
            $crate::account::Credentials,
            $crate::account::Credential,
            $crate::consent::InfoKinds,
            $crate::billing::Modifiers,
            $crate::billing::PlaceOfService,
            $crate::billing::ClaimForm,
            $crate::billing::ClaimUsage,
            $crate::admissions::LevelOfCare,
            $crate::graduation::ExcusedAbsences,
            $crate::calendar::Weekdays,
            $crate::calendar::WeekdayCode,
            $crate::time::ZoneName,
            $crate::time::ClockTime,
            $crate::billing::SubscriberRelationship,
            $crate::admissions::Sex,
            $crate::scoring::ScreenMethod,
            $crate::scoring::Specimen,
            $crate::scoring::Occasion,
            $crate::scoring::Instrument,
            $crate::icd10::Diagnoses,
            $crate::export::ExportStatus,
            $crate::billing::Code,
            $crate::npi::Npi,
            $crate::scoring::AlertKind,
            $crate::calendar::CancelSource,
            $crate::appointments::AppointmentStatus,
            $crate::appointments::AppointmentMode,
            $crate::appointments::AppointmentKind,
            $crate::appointments::PatientLocation,
            $crate::billing::ClaimFrequency,
            $crate::billing::ClaimFilingIndicator,
            $crate::consent::SignerKind,
            $crate::consent::ExpiryKind,
            $crate::consent::DisclosureChannel,
            $crate::consent::RecipientKind,
            $crate::billing::CodingMode,
            $crate::billing::CoveragePriority,
            $crate::billing::PaymentSource,
            $crate::billing::ChargeSource,
            $crate::billing::ChargePayer,
            $crate::billing::ChargeStatus,
            $crate::billing::ClaimStatus,
            $crate::admissions::DischargeReason,
            $crate::admissions::InsuranceStatus,
            $crate::admissions::InquiryChannel,
            $crate::admissions::InquiryStatus,
            $crate::audit::Outcome,
            $crate::audit::ActorRole,
            $crate::role::Role,
            $crate::ids::MailId,
            $crate::ids::ConsentDraftId,
            $crate::portal::PortalRole,
            $crate::portal::MailKind,
            $crate::portal::MailStatus,
        );
    };
}

/// A stored value that is not one of the type's values.
#[derive(Debug, thiserror::Error)]
#[error("the database holds {text:?}, which is not a {type_name}")]
pub struct UnknownStoredValue {
    pub type_name: &'static str,
    pub text: String,
}

pub fn parse_stored<T: std::str::FromStr>(
    text: &str,
    type_name: &'static str,
) -> diesel::deserialize::Result<T> {
    text.parse().map_err(|_| {
        Box::new(UnknownStoredValue {
            type_name,
            text: text.chars().take(64).collect(),
        }) as Box<dyn std::error::Error + Send + Sync>
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hours::Mark;

    #[test]
    fn an_unknown_stored_code_is_an_error_naming_the_type_and_the_text() {
        let err = parse_stored::<Mark>("absent-ish", "Mark")
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some("the database holds \"absent-ish\", which is not a Mark")
        );
        assert!(parse_stored::<Mark>("absent_excused", "Mark").is_ok());
    }
}
