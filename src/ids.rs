//! Newtype ids, UUIDv7 stored as text: sortable by creation time, never confused.

use std::fmt;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "specta", derive(specta::Type))]
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
id_type!(
    /// A journal entry (a draft, a signed note or an addendum).
    EntryId
);
id_type!(
    /// A file attached to a client's record or to one entry.
    AttachmentId
);
id_type!(
    /// One version of a journal template (a template's stable key is text).
    TemplateId
);
id_type!(
    /// A calendar: a staff member's or a resource's (a room).
    CalendarId
);
id_type!(
    /// A service the clinic offers (a treatment with its length and price).
    ServiceId
);
id_type!(
    /// One appointment (or a block of time without a client).
    AppointmentId
);
id_type!(
    /// A recurring series of appointments.
    SeriesId
);
id_type!(
    /// An invoice or a credit note (its number is given when it is issued).
    InvoiceId
);
id_type!(
    /// A report definition (a preset with its columns, period and readers).
    ReportId
);

/// A template's stable key across its versions: a UUID for a template built in the
/// clinic, a short name (`pain_follow_up`) for one shipped with Klinik.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct TemplateKey(String);

impl TemplateKey {
    /// 1–64 ASCII letters, digits, `_` or `-`: both kinds of key, nothing else.
    pub fn parse(s: &str) -> crate::Result<Self> {
        let s = s.trim();
        let ok = !s.is_empty() && s.len() <= 64 && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        ok.then(|| Self(s.to_owned())).ok_or_else(|| crate::Error::invalid("not a valid template key"))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl rusqlite::ToSql for TemplateKey {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        self.0.to_sql()
    }
}

impl rusqlite::types::FromSql for TemplateKey {
    fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        String::column_result(v).map(Self)
    }
}

impl fmt::Display for TemplateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_refuse_what_is_not_theirs() {
        assert!(EntryId::parse(&EntryId::new().to_string()).is_ok());
        assert_eq!(EntryId::parse("pain_follow_up").err().map(|e| e.code()), Some(crate::ErrorCode::Invalid));
        // A shipped template's key and a clinic's own are both template keys.
        assert!(TemplateKey::parse("pain_follow_up").is_ok());
        assert!(TemplateKey::parse(&TemplateId::new().to_string()).is_ok());
        for bad in ["", "a b", "x'; DROP", &"k".repeat(65)] {
            assert_eq!(TemplateKey::parse(bad).err().map(|e| e.code()), Some(crate::ErrorCode::Invalid), "{bad}");
        }
    }
}
id_type!(
    /// One binding of a relative to one client.
    BindingId
);
