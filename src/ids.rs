//! Newtype ids, UUIDv7 stored as text: sortable by creation time, never confused.

use std::fmt;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// A fresh time-ordered id.
            pub fn new() -> Self {
                Self(uuid::Uuid::now_v7().to_string())
            }
            /// Parses an id from text (as it comes from the UI or the CLI).
            pub fn parse(s: &str) -> crate::Result<Self> {
                uuid::Uuid::parse_str(s.trim())
                    .map(|u| Self(u.to_string()))
                    .map_err(|_| crate::Error::invalid(concat!("not a valid ", stringify!($name))))
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl rusqlite::ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                self.0.to_sql()
            }
        }

        impl rusqlite::types::FromSql for $name {
            fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
                String::column_result(v).map(Self)
            }
        }
    };
}

id_type!(
    /// The clinic; also the keyring account name.
    ClinicId
);
id_type!(
    /// A staff member.
    StaffId
);
id_type!(
    /// A client (patient/customer).
    ClientId
);
id_type!(
    /// A login session of one window.
    SessionId
);
