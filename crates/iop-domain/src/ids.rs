//! Typed identifiers: a `PatientId` cannot be passed where a `UserId` is expected.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

macro_rules! typed_id {
    ($($name:ident),* $(,)?) => {$(
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
        #[cfg_attr(feature = "diesel", derive(diesel::AsExpression, diesel::FromSqlRow))]
        #[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
        #[serde(transparent)]
        #[schema(value_type = String, format = Uuid)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A new time-ordered id (UUIDv7), so inserts stay close to the end of an index.
            pub fn new_v7() -> Self {
                Self(Uuid::now_v7())
            }
        }

        impl From<Uuid> for $name {
            fn from(u: Uuid) -> Self {
                Self(u)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        #[cfg(feature = "diesel")]
        crate::sql::text_column!($name);

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    )*};
}

typed_id!(
    UserId,
    MailId,
    ConsentDraftId,
    SiteId,
    ProgramId,
    TrackId,
    TokenId,
    PatientId,
    SessionId,
    AttendanceId,
    NoteId,
    NoteEntryId,
    AddendumId,
    MakeupId,
    StaffId,
    ClosureId,
    TopicId,
    AssignmentId,
    FeedId,
    EpisodeId,
    EpisodeTrackId,
    InquiryId,
    InquiryEventId,
    AppointmentId,
    IndividualNoteId,
    MeasureId,
    AlertId,
    DrugScreenId,
    RelapsePlanId,
    TreatmentPlanId,
    RelatedPersonId,
    ConsentId,
    ConsentSeriesId,
    RecipientId,
    FamilyAttendanceId,
    PayerId,
    ContractId,
    CoverageId,
    AuthorizationId,
    ClaimId,
    ChargeId,
    BatchId,
    RemittanceId,
    PaymentId,
    AdjustmentId,
    UnmatchedId,
    ProviderLedgerId,
    PrivacyNoticeId,
    ExportId,
);

/// Who did something recorded in a row: a staff account, or the system itself (the
/// demo, a scheduled job). Stored as the account's id or `system`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "diesel", derive(diesel::AsExpression, diesel::FromSqlRow))]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
#[serde(into = "String", try_from = "String")]
pub enum ActorRef {
    User(UserId),
    System,
}

/// In the API an actor is a string: an account id or `system`.
impl utoipa::PartialSchema for ActorRef {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        String::schema()
    }
}

impl utoipa::ToSchema for ActorRef {}

impl ActorRef {
    pub fn user(self) -> Option<UserId> {
        match self {
            ActorRef::User(u) => Some(u),
            ActorRef::System => None,
        }
    }
}

impl fmt::Display for ActorRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ActorRef::User(u) => u.fmt(f),
            ActorRef::System => f.write_str("system"),
        }
    }
}

impl FromStr for ActorRef {
    type Err = uuid::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "system" => Ok(ActorRef::System),
            id => id.parse().map(ActorRef::User),
        }
    }
}

impl From<ActorRef> for String {
    fn from(a: ActorRef) -> String {
        a.to_string()
    }
}

impl TryFrom<String> for ActorRef {
    type Error = uuid::Error;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

#[cfg(feature = "diesel")]
crate::sql::text_column!(ActorRef);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_actor_is_stored_as_the_account_id_or_system_and_read_back() {
        let user = ActorRef::User(UserId::new_v7());
        for a in [user, ActorRef::System] {
            assert_eq!(a.to_string().parse::<ActorRef>().ok(), Some(a));
        }
        assert_eq!(ActorRef::System.to_string(), "system");
        assert!("root".parse::<ActorRef>().is_err());
    }
}
