//! Pure types and rules of an intensive outpatient program.
//!
//! Nothing here does I/O or reads the clock: time is always a parameter, so every
//! rule can be tested with any instant, including both sides of a DST change.

pub mod account;
pub mod admissions;
pub mod appointments;
pub mod audit;
pub mod bam;
pub mod billing;
pub mod billing_codes;
pub mod calendar;
pub mod consent;
mod consent_codes;
mod consent_notice;
pub mod curriculum;
pub mod display;
pub mod export;
pub mod graduation;
pub mod holidays;
pub mod hours;
pub mod icd10;
pub mod icd10_code_set;
pub mod ids;
pub mod instruments;
pub mod metrics;
pub mod money;
pub mod notes;
pub mod npi;
pub mod outcomes;
pub mod portal;
pub mod program;
pub mod ratio;
pub mod reminders;
pub mod role;
pub mod roster;
pub mod scoring;
pub mod search;
pub mod security;
#[cfg(feature = "diesel")]
pub mod sql;
pub mod text;
pub mod time;

/// For a type written as its `Display` text: serde writes that text, and (feature
/// `diesel`) the column holds it.
#[macro_export]
macro_rules! display_text {
    ($($t:ty),* $(,)?) => {$(
        impl serde::Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }

        #[cfg(feature = "diesel")]
        $crate::sql::text_column!($t);
    )*};
}

/// A closed set of values stored and sent as snake_case codes: the derives every such
/// enum needs (serde, strum, OpenAPI) and, for the store, its text column.
#[macro_export]
macro_rules! code_enum {
    ($(#[$meta:meta])* pub enum $name:ident { $($body:tt)* }) => {
        $(#[$meta])*
        #[derive(
            Clone,
            Copy,
            Debug,
            PartialEq,
            Eq,
            Hash,
            PartialOrd,
            Ord,
            serde::Serialize,
            serde::Deserialize,
            strum::Display,
            strum::EnumString,
            strum::EnumIter,
            strum::IntoStaticStr,
            utoipa::ToSchema,
        )]
        #[cfg_attr(feature = "diesel", derive(diesel::AsExpression, diesel::FromSqlRow))]
        #[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
        #[serde(rename_all = "snake_case")]
        #[strum(serialize_all = "snake_case")]
        pub enum $name { $($body)* }

        #[cfg(feature = "diesel")]
        $crate::sql::text_column!($name);
    };
}

pub use account::{Email, Password};
pub use ids::*;
pub use money::Cents;
pub use role::Role;
