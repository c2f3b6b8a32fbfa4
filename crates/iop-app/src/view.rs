//! What the use cases hand to the web and the CLI instead of store rows: a view type
//! per row that leaves the app, made from the row field by field, so a change of the
//! schema stops here unless the view changes too.

/// `view!(/// doc  Name from RowType { field: Type, … })`: the struct (serialisable,
/// documented in the OpenAPI schema) and its `From<RowType>`.
macro_rules! view {
    ($(#[$meta:meta])* $view:ident from $row:ty { $($field:ident : $ty:ty),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
        pub struct $view {
            $(pub $field: $ty),*
        }

        impl From<$row> for $view {
            fn from(r: $row) -> Self {
                Self { $($field: r.$field),* }
            }
        }
    };
}

pub(crate) use view;
