//! Who is acting and what they may do: passwords, sessions and the desk's PINs
//! ([`password`], [`auth`], [`pin`], [`totp`], [`attempts`]), the pure decision ([`policy`]) over the
//! facts of treatment [`relations`], and the one door to client data that asks it and
//! writes the audit event ([`gate`]).

pub mod attempts;
pub mod auth;
pub mod gate;
pub mod password;
pub mod pin;
pub mod policy;
pub mod relations;
pub mod totp;
