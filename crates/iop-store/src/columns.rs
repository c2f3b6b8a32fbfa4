//! Domain values in columns on both backends at once: the SQLite and PostgreSQL impls
//! come with the types (`iop_domain::sql`); the connection that runs on either needs
//! its own, which hand the value to whichever backend is in use.

use crate::db::MultiBackend;
use diesel::deserialize::{self, FromSql};
use diesel::serialize::{self, IsNull, Output, ToSql};
use diesel::sql_types::Text;
use iop_domain::sql::types::{DayText, InstantText};

macro_rules! text_on_both {
    ($($t:ty),* $(,)?) => {
        text_on_both!(Text; $($t),*);
    };
    ($st:ty; $($t:ty),* $(,)?) => {$(
        impl ToSql<$st, MultiBackend> for $t {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, MultiBackend>) -> serialize::Result {
                out.set_value((<$st>::default(), self));
                Ok(IsNull::No)
            }
        }

        impl FromSql<$st, MultiBackend> for $t {
            fn from_sql(
                bytes: <MultiBackend as diesel::backend::Backend>::RawValue<'_>,
            ) -> deserialize::Result<Self> {
                bytes.from_sql::<Self, $st>()
            }
        }
    )*};
}

iop_domain::with_column_types!(text_on_both);
text_on_both!(InstantText; iop_domain::time::Instant);
text_on_both!(DayText; iop_domain::time::Day);

macro_rules! has_sql_type {
    ($($st:ty),*) => {$(
        impl diesel::sql_types::HasSqlType<$st> for MultiBackend {
            fn metadata(lookup: &mut Self::MetadataLookup) -> Self::TypeMetadata {
                MultiBackend::lookup_sql_type::<$st>(lookup)
            }
        }
    )*};
}

has_sql_type!(InstantText, DayText);
