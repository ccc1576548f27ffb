//! The demo's family and its former client: a child with his mother bound as a relative
//! (and her typed consent for him), and a client not seen for six years for the cleanup.

use super::{PRACTITIONERS, RELATIVE};
use crate::clients::ClientInput;
use crate::secret::Secret;
use crate::{Clinic, Error, Result};

/// A child client with appointments with Lars (every other week for seven weeks back, so
/// that last month always holds some, and three ahead) and his mother,
/// bound as a parent to see them, print the schedule and read My page's visit lists.
pub(super) fn demo_relative(clinic: &mut Clinic, owner: &crate::SessionId) -> Result<()> {
    use crate::calendar::appointments::{Booking, Status};
    use crate::relatives::{BindingInput, Reason};
    use chrono::Duration;
    let (name, email, password, child) = RELATIVE;
    let input = ClientInput { name: child.into(), phone: "+45 20 11 22 33".into(), ..Default::default() };
    let emil = clinic.create_client(owner, &input)?.id;
    let calendars = clinic.calendars(owner)?;
    let Some(lars) = calendars.iter().find(|c| c.name == PRACTITIONERS[0].0) else { return Ok(()) };
    let service = clinic.services(owner)?.into_iter().next().map(|s| s.id);
    let tz = clinic.time_zone()?;
    let today = crate::calendar::zone::to_local(tz, clinic.now()).date();
    for weeks in [-7i64, -5, -3, -1, 1, 2, 4] {
        let b = Booking {
            calendar: lars.id.clone(),
            room: None,
            client: Some(emil.clone()),
            service: service.clone(),
            title: String::new(),
            note: String::new(),
            start: (today + Duration::weeks(weeks)).and_hms_opt(16, 30, 0).unwrap_or_default(),
            minutes: None,
            repeat: None,
        };
        match clinic.book(owner, &b) {
            Ok(booked) if weeks < 0 => {
                clinic.set_appointment_status(owner, &booked[0].id, Status::Done, None)?;
            }
            Ok(_) | Err(Error::DoubleBooked { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    let bound = clinic.bind_relative(
        owner,
        &emil,
        &BindingInput {
            email: email.into(),
            name: name.into(),
            reason: Reason::Parent,
            consent: None,
            appointments: true,
            schedule: true,
            reports: true,
            valid_from: None,
            valid_until: None,
        },
    )?;
    // His mother signed the required consent for him with her typed name.
    if let Some(text) = clinic.consent_texts(owner)?.into_iter().find(|t| t.required) {
        let input = crate::records::consents::ConsentInput {
            text_id: text.id,
            given: true,
            method: crate::records::consents::ConsentMethod::Typed,
            signature_png: None,
            typed_name: Some(name.into()),
            attachment_id: None,
        };
        clinic.record_consent(owner, &emil, &input)?;
    }
    if let Some(otp) = bound.one_time_password {
        let s = clinic.login(email, &Secret::new(otp.clone()))?;
        clinic.change_password(&s, &Secret::new(otp), &Secret::new(password))?;
        clinic.logout(&s)?;
    }
    Ok(())
}

/// The demo's former client: registered six years ago and not seen since, so the
/// cleanup proposes her (inactive clients go after five years by default).
pub const FORMER_CLIENT: &str = "Karla Gammelgaard";

/// A client from before (her registration is dated six years back: synthetic history,
/// written directly), for trying the cleanup.
pub(super) fn demo_former_client(clinic: &mut Clinic, owner: &crate::SessionId) -> Result<()> {
    let input = ClientInput {
        name: FORMER_CLIENT.into(),
        phone: "+45 31 41 59 26".into(),
        email: "karla.gammelgaard@example.dk".into(),
        ..Default::default()
    };
    let id = clinic.create_client(owner, &input)?.id;
    let then = crate::clock::to_db(clinic.now() - chrono::Duration::days(6 * 365 + 2));
    clinic
        .conn_for_crate()
        .execute("UPDATE clients SET created_at = ?2, updated_at = ?2 WHERE id = ?1", rusqlite::params![id, then])?;
    Ok(())
}
