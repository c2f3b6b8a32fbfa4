//! Domain values in columns on both backends at once: the SQLite and PostgreSQL impls
//! come with the types (`iop_domain::sql`); the connection that runs on either needs
//! its own, which hand the value to whichever backend is in use.

use crate::db::MultiBackend;
use diesel::deserialize::{self, FromSql};
use diesel::serialize::{self, IsNull, Output, ToSql};
use diesel::sql_types::Text;

macro_rules! text_on_both {
    ($($t:ty),* $(,)?) => {$(
        impl ToSql<Text, MultiBackend> for $t {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, MultiBackend>) -> serialize::Result {
                out.set_value((Text, self));
                Ok(IsNull::No)
            }
        }

        impl FromSql<Text, MultiBackend> for $t {
            fn from_sql(
                bytes: <MultiBackend as diesel::backend::Backend>::RawValue<'_>,
            ) -> deserialize::Result<Self> {
                bytes.from_sql::<Self, Text>()
            }
        }
    )*};
}

iop_domain::with_column_types!(text_on_both);
