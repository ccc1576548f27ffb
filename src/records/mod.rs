//! The clinical record, reachable only through the gate: clients and their national IDs,
//! journals and notes, templates, and attachments. The calendar will join them here.

pub mod attachments;
pub mod clients;
pub mod consents;
pub mod journal;
pub mod national_id;
pub mod starters;
pub mod templates;
