//! Running the clinic: staff and their rights, the clinic's settings, and backups.

pub mod backup;
pub mod settings;
pub mod staff;
