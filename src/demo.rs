//! A demo clinic a newcomer can try at once: synthetic staff and clients with Nordic
//! names, created through the same gate as real work (so the audit trail is real too).

use crate::clients::ClientInput;
use crate::clinic::{Clinic, ClinicSetup, Country, JournalMode, Language};
use crate::clock::Clock;
use crate::secret::Secret;
use crate::vault::{KeyStorage, KeyStore};
use crate::{Error, Result};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::path::Path;
use std::sync::Arc;

pub const OWNER_NAME: &str = "Mette Lindgaard";
pub const OWNER_EMAIL: &str = "mette@fjordklinik.example";
/// Printed by `klinik demo` and listed in the README; a demo has nothing to protect.
pub const OWNER_PASSWORD: &str = "blå-hest-i-fjorden-42";
pub const DEMO_PASSPHRASE: &str = "kaffe-og-kanelsnegle-ved-vandet";

/// The reception desk's business login and the practitioners of the demo clinic:
/// (name, email, password, PIN). Printed by `klinik demo` and listed in the README.
pub const DESK: (&str, &str, &str) = ("Receptionen", "reception@fjordklinik.example", "skranken-åbner-klokken-otte");
pub const PRACTITIONERS: &[(&str, &str, &str, &str)] = &[
    ("Lars Holm", "lars@fjordklinik.example", "grå-måger-over-havnen", "583920"),
    ("Sofie Berg", "sofie@fjordklinik.example", "syv-røde-kaniner-i-haven", "794061"),
];
/// The demo's relative: a mother bound to her son, a client of Lars (name, email,
/// password, the child's name). Printed by `klinik demo` and listed in the README.
pub const RELATIVE: (&str, &str, &str, &str) =
    ("Hanne Vestergaard", "hanne@fjordklinik.example", "mor-henter-drengen-efter-skole", "Emil Vestergaard");
/// The owner's PIN (the owner also works at the desk).
pub const OWNER_PIN: &str = "461937";

mod family;
pub use family::FORMER_CLIENT;

const FIRST: &[&str] = &[
    "Anders", "Astrid", "Bjørn", "Birgitte", "Camilla", "Emil", "Freja", "Frida", "Gustav", "Hanne", "Ingrid", "Jens",
    "Johanna", "Karin", "Kasper", "Lars", "Linnea", "Magnus", "Maja", "Nils", "Oskar", "Pernille", "Rasmus", "Sigrid",
    "Siv", "Søren", "Tove", "Ulla", "Vilde", "Åse", "Øystein", "Elsa",
];
const LAST: &[&str] = &[
    "Andersen",
    "Berg",
    "Christensen",
    "Dahl",
    "Eriksson",
    "Fredriksen",
    "Gustafsson",
    "Halvorsen",
    "Hansen",
    "Holm",
    "Jensen",
    "Johansson",
    "Karlsson",
    "Larsen",
    "Lindqvist",
    "Lund",
    "Mikkelsen",
    "Nielsen",
    "Nilsson",
    "Olsen",
    "Pedersen",
    "Persson",
    "Rasmussen",
    "Sandberg",
    "Solberg",
    "Sørensen",
    "Strand",
    "Æbelø",
    "Østergaard",
    "Ågren",
];

/// What `klinik demo` prints.
pub struct DemoClinic {
    pub clinic: Clinic,
    pub recovery_code: String,
    pub clients: usize,
}

pub fn create(
    dir: &Path,
    clients: usize,
    key_storage: KeyStorage,
    passphrase: Option<Secret>,
    keystore: &dyn KeyStore,
    clock: Arc<dyn Clock>,
) -> Result<DemoClinic> {
    let passphrase = match key_storage {
        KeyStorage::Passphrase => Some(passphrase.unwrap_or_else(|| Secret::new(DEMO_PASSPHRASE))),
        KeyStorage::Keyring => None,
    };
    let setup = ClinicSetup {
        clinic_name: "Fjordklinikken (demo)".into(),
        country: Country::Dk,
        journal_mode: JournalMode::Journals,
        language: Language::Da,
        owner_name: OWNER_NAME.into(),
        owner_email: OWNER_EMAIL.into(),
        owner_password: Secret::new(OWNER_PASSWORD),
        key_storage,
        passphrase,
    };
    let (mut clinic, recovery) = Clinic::create(dir, setup, keystore, clock)?;
    // Before any synthetic person is added: the marker that lets `klinik bench` copy this
    // clinic out unencrypted. Written directly, never through a settings screen.
    crate::settings::set_i64(clinic.conn_for_crate(), crate::settings::DEMO_CLINIC, 1)?;
    let session = clinic.login(OWNER_EMAIL, &Secret::new(OWNER_PASSWORD))?;
    let bulk = clients > 1000;
    if bulk {
        clinic.set_bulk_load(true)?;
    }
    let mut rng = StdRng::seed_from_u64(2026);
    for i in 0..clients {
        let first = FIRST[rng.gen_range(0..FIRST.len())];
        let last = LAST[rng.gen_range(0..LAST.len())];
        let input = ClientInput {
            name: format!("{first} {last}"),
            phone: format!(
                "+45 {:02} {:02} {:02} {:02}",
                rng.gen_range(20..99),
                rng.gen_range(0..99),
                rng.gen_range(0..99),
                i % 100
            ),
            email: format!("{}.{}{}@example.dk", ascii(first), ascii(last), i),
            ..Default::default()
        };
        clinic.create_client(&session, &input)?;
    }
    if bulk {
        clinic.set_bulk_load(false)?;
    }
    reception_desk(&mut clinic, &session)?;
    demo_calendar(&mut clinic, &session)?;
    demo_invoices(&mut clinic, &session)?;
    family::demo_relative(&mut clinic, &session)?;
    family::demo_former_client(&mut clinic, &session)?;
    clinic.logout(&session)?;
    Ok(DemoClinic { clinic, recovery_code: recovery.display().to_owned(), clients })
}

fn ascii(s: &str) -> String {
    s.to_lowercase()
        .chars()
        .map(|c| match c {
            'æ' => 'e',
            'ø' => 'o',
            'å' => 'a',
            'ä' => 'a',
            'ö' => 'o',
            c => c,
        })
        .collect()
}

/// Appends `n` synthetic client-read events by the owner (for audit benchmarks on
/// millions of events). Each goes through the chain's own append, in batches.
pub fn synthetic_audit_events(clinic: &mut Clinic, n: u64) -> Result<()> {
    use crate::audit::{self, NewEvent, Outcome};
    let host = clinic.workstation_host();
    let now = clinic.now();
    clinic.set_bulk_load(true)?;
    let conn = clinic.conn_for_crate();
    let (owner, clients) = owner_and_clients(conn)?;
    let mut rng = StdRng::seed_from_u64(7);
    let mut left = n;
    while left > 0 {
        let batch = left.min(100_000);
        let tx = conn.transaction()?;
        for _ in 0..batch {
            let client = if clients.is_empty() { None } else { Some(&clients[rng.gen_range(0..clients.len())]) };
            audit::append(
                &tx,
                now,
                &NewEvent {
                    actor: Some(&owner),
                    via: None,
                    workstation: &host,
                    action: "client_read",
                    client,
                    object: None,
                    outcome: Outcome::Ok,
                    reason: None,
                },
            )?;
        }
        tx.commit()?;
        left -= batch;
    }
    clinic.set_bulk_load(false)
}

/// The owner and every client, for the bulk builders below.
fn owner_and_clients(conn: &rusqlite::Connection) -> Result<(crate::StaffId, Vec<crate::ClientId>)> {
    let owner = conn.query_row("SELECT id FROM staff WHERE role = 'owner'", [], |r| r.get(0))?;
    let mut stmt = conn.prepare("SELECT id FROM clients")?;
    let clients = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok((owner, clients))
}

/// Turns the demo into a reception-desk clinic: a business login, practitioners with
/// passwords and PINs, and the business-login + PIN access model — all through the
/// same calls an admin and the staff themselves would make.
fn reception_desk(clinic: &mut Clinic, owner: &crate::SessionId) -> Result<()> {
    use crate::policy::{AccessModel, Role};
    use crate::staff::NewStaff;
    let mut add =
        |name: &str, email: &str, role: Role, business: bool, password: &str, pin: Option<&str>| -> Result<()> {
            let (_, otp) = clinic.create_staff(
                owner,
                &NewStaff { name: name.into(), email: email.into(), role, business_login: business },
            )?;
            let s = clinic.login(email, &Secret::new(otp.clone()))?;
            clinic.change_password(&s, &Secret::new(otp), &Secret::new(password))?;
            if let Some(pin) = pin {
                clinic.set_pin(&s, &Secret::new(pin), None)?;
            }
            clinic.logout(&s)
        };
    for (name, email, password, pin) in PRACTITIONERS {
        add(name, email, Role::Practitioner, false, password, Some(pin))?;
    }
    add(DESK.0, DESK.1, Role::Reception, true, DESK.2, None)?;
    // Treatment relations: the practitioners share the clients, alternating by name.
    let staff: Vec<(crate::StaffId, String)> = clinic.staff_directory(owner)?;
    let ids: Vec<crate::StaffId> = PRACTITIONERS
        .iter()
        .filter_map(|(name, ..)| staff.iter().find(|(_, n)| n == name).map(|(id, _)| id.clone()))
        .collect();
    let clients = clinic.list_clients(owner, "")?;
    for (i, c) in clients.iter().enumerate() {
        if let Some(p) = ids.get(i % ids.len().max(1)) {
            clinic.assign_relation(owner, p, &c.id)?;
        }
    }
    clinic.set_pin(owner, &Secret::new(OWNER_PIN), None)?;
    clinic.set_access_model(owner, AccessModel::BusinessPin, &Secret::new(OWNER_PASSWORD))
}

/// Adds `per_client` appointments to every client, spread over five years (the last four
/// and the next one) across ten calendars, for benchmarks at the size of a busy clinic.
/// Written in bulk with the bulk-load settings (no audit event each): a benchmark dataset,
/// never a clinic's history. Past ones are done.
pub fn synthetic_appointments(clinic: &mut Clinic, per_client: usize) -> Result<u64> {
    use chrono::Duration;
    let session = clinic.login(OWNER_EMAIL, &Secret::new(OWNER_PASSWORD))?;
    let mut calendars: Vec<crate::CalendarId> = clinic.calendars(&session)?.into_iter().map(|c| c.id).collect();
    let mut n = calendars.len();
    while calendars.len() < 10 {
        n += 1;
        calendars.push(clinic.add_room(&session, &format!("Rum {n}"))?);
    }
    calendars.truncate(10);
    let service = clinic.services(&session)?.into_iter().next().map(|s| s.id);
    clinic.logout(&session)?;
    let now = clinic.now();
    let start = now - Duration::days(4 * 365);
    let span_slots = 5 * 365 * 24 * 4; // quarter hours in five years
    clinic.set_bulk_load(true)?;
    let conn = clinic.conn_for_crate();
    let (owner, clients) = owner_and_clients(conn)?;
    let mut rng = StdRng::seed_from_u64(21);
    let mut made = 0u64;
    let stamp = crate::clock::to_db(now);
    for chunk in clients.chunks(2000) {
        let tx = conn.transaction()?;
        {
            let mut put = tx.prepare_cached(
                "INSERT INTO appointments (id, calendar_id, client_id, service_id, starts_at, ends_at, busy_until,
                                           status, created_by, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7, ?8, ?9, ?9)",
            )?;
            for client in chunk {
                for _ in 0..per_client {
                    let at = start + Duration::minutes(15 * rng.gen_range(0..span_slots));
                    let end = at + Duration::minutes(45);
                    put.execute(rusqlite::params![
                        crate::AppointmentId::new(),
                        calendars[rng.gen_range(0..calendars.len())],
                        client,
                        service,
                        crate::clock::to_db(at),
                        crate::clock::to_db(end),
                        if at < now { "done" } else { "booked" },
                        owner,
                        stamp
                    ])?;
                    made += 1;
                }
            }
        }
        tx.commit()?;
    }
    clinic.set_bulk_load(false)?;
    Ok(made)
}

/// `n` issued invoices (one exempt line each) spread over five years for the benchmark,
/// numbered after the demo's own; six in seven paid in full, the rest outstanding (the
/// triggers keep the outstanding list as issuing and paying through the app would).
pub fn synthetic_invoices(clinic: &mut Clinic, n: usize) -> Result<u64> {
    use chrono::Duration;
    let now = clinic.now();
    clinic.set_bulk_load(true)?;
    let conn = clinic.conn_for_crate();
    let (owner, clients) = owner_and_clients(conn)?;
    if clients.is_empty() {
        return Ok(0);
    }
    let first: i64 = conn.query_row("SELECT coalesce(max(number), 0) + 1 FROM invoices", [], |r| r.get(0))?;
    let mut rng = StdRng::seed_from_u64(16);
    let stamp = crate::clock::to_db(now);
    let mut made = 0u64;
    for chunk in (0..n).collect::<Vec<_>>().chunks(5000) {
        let tx = conn.transaction()?;
        {
            // A draft with its line, then issued (lines are only added to drafts).
            let mut invoice = tx.prepare_cached(
                "INSERT INTO invoices (id, client_id, language, created_by, created_at, updated_at)
                 VALUES (?1, ?2, 'da', ?3, ?4, ?4)",
            )?;
            let mut issue = tx.prepare_cached(
                "UPDATE invoices SET status = 'issued', number = ?2, issued_on = ?3, due_on = ?4, total_minor = ?5,
                        vat_minor = 0 WHERE id = ?1",
            )?;
            let mut line = tx.prepare_cached(
                "INSERT INTO invoice_lines (id, invoice_id, position, description, quantity, unit_minor, vat,
                                            amount_minor, vat_minor)
                 VALUES (?1, ?2, 1, 'Behandling', 1, ?3, 'exempt', ?3, 0)",
            )?;
            let mut pay = tx.prepare_cached(
                "INSERT INTO payments (id, invoice_id, amount_minor, method, paid_on, created_by, created_at)
                 VALUES (?1, ?2, ?3, 'card', ?4, ?5, ?6)",
            )?;
            for i in chunk {
                // Issued in order over the five years up to today.
                let day = (now - Duration::days(5 * 365) + Duration::days((*i as i64 * 5 * 365) / n.max(1) as i64))
                    .date_naive();
                let due = day + Duration::days(14);
                let total = 100 * rng.gen_range(300..=900_i64);
                let id = crate::InvoiceId::new();
                let client = &clients[rng.gen_range(0..clients.len())];
                let (d, due_s) = (day.format("%Y-%m-%d").to_string(), due.format("%Y-%m-%d").to_string());
                invoice.execute(rusqlite::params![id, client, owner, stamp])?;
                line.execute(rusqlite::params![uuid::Uuid::now_v7().to_string(), id, total])?;
                issue.execute(rusqlite::params![id, first + *i as i64, d, due_s, total])?;
                if rng.gen_range(0..7) != 0 {
                    pay.execute(rusqlite::params![uuid::Uuid::now_v7().to_string(), id, total, due_s, owner, stamp])?;
                }
                made += 1;
            }
        }
        tx.commit()?;
    }
    clinic.set_bulk_load(false)?;
    Ok(made)
}

/// A lived-in calendar: the starter services, two rooms, and the past eight and next four
/// weeks of each practitioner's days — a weekly series for some clients, single visits
/// for others; past ones marked done (now and then a no-show or a late cancellation).
/// All booked through the gate as the owner would.
fn demo_calendar(clinic: &mut Clinic, owner: &crate::SessionId) -> Result<()> {
    use crate::calendar::appointments::{Booking, Status};
    use crate::calendar::recurrence::{End, Rule};
    use crate::calendar::services::{starters, ServiceInput};
    use chrono::{Datelike, Duration};
    let language = clinic.info()?.language;
    let mut services = Vec::new();
    for (name, minutes, buffer, kroner, standard, colour) in starters(language.as_str()) {
        let input = ServiceInput {
            name: name.into(),
            minutes,
            buffer_minutes: buffer,
            price_minor: kroner * 100,
            vat_standard: standard,
            colour: colour.into(),
            calendars: vec![],
        };
        services.push(clinic.save_service(owner, None, &input)?);
    }
    let room = clinic.add_room(owner, "Behandlingsrum 1")?;
    clinic.add_room(owner, "Træningssal")?;
    let tz = clinic.time_zone()?;
    let today = crate::calendar::zone::to_local(tz, clinic.now()).date();
    let monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
    let first_monday = monday - Duration::weeks(8);
    let calendars = clinic.calendars(owner)?;
    let clients = clinic.list_clients(owner, "")?;
    if clients.is_empty() {
        return Ok(());
    }
    let mut rng = StdRng::seed_from_u64(14);
    let staff_calendars: Vec<_> = calendars.iter().filter(|c| c.staff_id.is_some()).collect();
    for (n, cal) in staff_calendars.iter().enumerate() {
        // A weekly series on Tuesdays at 08:00 for one client per practitioner.
        let client = &clients[n % clients.len()];
        let tuesday = first_monday + Duration::days(1);
        let b = Booking {
            calendar: cal.id.clone(),
            room: None,
            client: Some(client.id.clone()),
            service: Some(services[1].id.clone()),
            title: String::new(),
            note: String::new(),
            start: tuesday.and_hms_opt(8, 0, 0).unwrap_or_default(),
            minutes: None,
            repeat: Some(Rule { every_weeks: 1, weekdays: vec![], end: End::Times(12) }),
        };
        clinic.book(owner, &b)?;
        // Single visits: two or three a day, Monday to Friday, between 09:00 and 15:00.
        for week in 0..12 {
            for weekday in 0..5 {
                let day = first_monday + Duration::weeks(week) + Duration::days(weekday);
                for _ in 0..rng.gen_range(2..4) {
                    let hour = rng.gen_range(9..15);
                    let service = &services[rng.gen_range(0..services.len())];
                    let client = &clients[rng.gen_range(0..clients.len())];
                    let b = Booking {
                        calendar: cal.id.clone(),
                        room: (n == 0 && hour % 2 == 0).then(|| room.clone()),
                        client: Some(client.id.clone()),
                        service: Some(service.id.clone()),
                        title: String::new(),
                        note: String::new(),
                        start: day.and_hms_opt(hour, 0, 0).unwrap_or_default(),
                        minutes: None,
                        repeat: None,
                    };
                    let booked = match clinic.book(owner, &b) {
                        Ok(list) => list,
                        // A taken slot or someone the practitioner is blocked from: skip it.
                        Err(Error::DoubleBooked { .. } | Error::Conflict(_)) => continue,
                        Err(e) => return Err(e),
                    };
                    if day < today {
                        let status = match rng.gen_range(0..20) {
                            0 => Status::NoShow,
                            1 => Status::Cancelled,
                            _ => Status::Done,
                        };
                        let reason = (status == Status::Cancelled).then_some("Meldt afbud");
                        clinic.set_appointment_status(owner, &booked[0].id, status, reason)?;
                    }
                }
            }
        }
        // A staff meeting without a client every Friday at 15:30 for the four weeks ahead.
        let friday = monday + Duration::days(4);
        let meeting = Booking {
            calendar: cal.id.clone(),
            room: None,
            client: None,
            service: None,
            title: "Personalemøde".into(),
            note: String::new(),
            start: friday.and_hms_opt(15, 30, 0).unwrap_or_default(),
            minutes: Some(45),
            repeat: Some(Rule { every_weeks: 1, weekdays: vec![], end: End::Times(4) }),
        };
        match clinic.book(owner, &meeting) {
            Ok(_) | Err(Error::DoubleBooked { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Invoices a newcomer sees at once: the clinic's details, issued invoices for done
/// appointments (exempt health services), one with a standard-rate product, one to an
/// insurer, a credit note, payments in full and in part, and a draft.
fn demo_invoices(clinic: &mut Clinic, owner: &crate::SessionId) -> Result<()> {
    use crate::invoices::{LineInput, Method, Payer, Profile};
    clinic.set_invoice_profile(
        owner,
        &Profile {
            legal_name: "Fjordklinikken ApS".into(),
            address: "Havnegade 12\n6700 Esbjerg".into(),
            org_number: "12345678".into(),
            vat_registered: true,
            bank_account: "Reg. 1234 konto 5678901234".into(),
            iban: "DK5012345678901234".into(),
            payment_days: 14,
            footer: "Tak for besøget. Spørgsmål til fakturaen: ring 75 12 34 56.".into(),
            provider_number: String::new(),
            pin_protection: true,
        },
    )?;
    // The oldest done appointments, one per client (ids only: the invoices go through the gate).
    let done: Vec<(crate::AppointmentId, crate::ClientId)> = clinic
        .conn_for_crate()
        .prepare(
            "SELECT id, client_id FROM appointments WHERE status = 'done' AND client_id IS NOT NULL
             GROUP BY client_id ORDER BY min(starts_at) LIMIT 6",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    if done.is_empty() {
        return Ok(());
    }
    let product = LineInput {
        appointment_id: None,
        description: "Træningselastik, medium".into(),
        treatment_on: None,
        quantity: 2,
        unit_minor: 12_500,
        discount_pct: 0,
        vat: crate::calendar::services::Vat::Standard,
    };
    let mut issued = Vec::new();
    let last = done.len() - 1;
    for (n, (appointment, client)) in done.iter().enumerate() {
        let payer = if n == 4 {
            Payer {
                third_party: true,
                name: "Sygeforsikringen danmark".into(),
                address: "Postboks 1\n2100 København Ø".into(),
                reference: "G-2026-10442".into(),
            }
        } else {
            Payer::default()
        };
        let extra = if n == 2 { vec![product.clone()] } else { vec![] };
        let draft = clinic.draft_invoice(owner, client, &payer, std::slice::from_ref(appointment), &extra)?;
        if n == 5 || (n == last && n > 0) {
            break; // the last one is left as a draft
        }
        issued.push(clinic.issue_invoice(owner, &draft.id)?.invoice);
    }
    if let Some(first) = issued.first() {
        clinic.register_payment(owner, &first.id, first.totals.total_minor, Method::Mobile, None)?;
    }
    if let Some(third) = issued.get(2) {
        clinic.register_payment(owner, &third.id, third.totals.total_minor / 2, Method::Card, None)?;
    }
    if let Some(second) = issued.get(1) {
        clinic.credit_invoice(owner, &second.id)?;
    }
    Ok(())
}

const PHRASES: &[&str] = &[
    "Klienten oplever smerter i venstre knæ efter løb, værst om morgenen.",
    "Undersøgelse: let hævelse medialt, fuld bevægelighed, ømhed ved palpation af pes anserinus.",
    "Plan: excentriske øvelser tre gange ugentligt og gradvis optrapning af løbemængden.",
    "Patienten upplever stelhet i nacken efter långa arbetsdagar vid datorn.",
    "Behandling: mobilisering av bröstrygg, instruktion i hemövningar och ergonomiska råd.",
    "Pasienten har hatt hælsmerter i seks uker, særlig ved første skritt om morgenen.",
    "Fotbehandling: fjernet hard hud, klipt negler, rådgivning om fottøy og fuktighetskrem.",
    "Kontrol om to uger. Klienten informeret om at kontakte klinikken ved forværring.",
];

/// A small, valid one-page PDF with one line of text (for demo attachments).
fn demo_pdf(line: &str) -> Vec<u8> {
    let text: String = line.chars().filter(|c| c.is_ascii_alphanumeric() || *c == ' ').collect();
    let content = format!("BT /F1 14 Tf 40 100 Td ({text}) Tj ET");
    let objects = [
        "<</Type/Catalog/Pages 2 0 R>>".to_string(),
        "<</Type/Pages/Kids[3 0 R]/Count 1>>".to_string(),
        "<</Type/Page/Parent 2 0 R/MediaBox[0 0 420 200]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>".to_string(),
        format!("<</Length {}>>stream\n{content}\nendstream", content.len()),
        "<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>".to_string(),
    ];
    let mut out = String::from("%PDF-1.4\n");
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.push_str(&format!("{} 0 obj{o}endobj\n", i + 1));
    }
    let xref = out.len();
    out.push_str(&format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1));
    for off in offsets {
        out.push_str(&format!("{off:010} 00000 n \n"));
    }
    out.push_str(&format!("trailer<</Size {}/Root 1 0 R>>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1));
    out.into_bytes()
}

/// Adds `per_client` signed journal entries (an addendum to every tenth, a small PDF
/// attachment on every twentieth) to every client, through the gate as the owner, for
/// benchmarks at the size of a real clinic.
pub fn synthetic_entries(clinic: &mut Clinic, per_client: usize) -> Result<u64> {
    let session = clinic.login(OWNER_EMAIL, &Secret::new(OWNER_PASSWORD))?;
    clinic.set_bulk_load(true)?;
    let ids = owner_and_clients(clinic.conn_for_crate())?.1;
    let mut rng = StdRng::seed_from_u64(11);
    let mut made = 0u64;
    for client in &ids {
        for i in 0..per_client {
            let paragraphs: Vec<&str> = (0..3).map(|_| PHRASES[rng.gen_range(0..PHRASES.len())]).collect();
            let e = clinic.create_entry(
                &session,
                client,
                None,
                &format!("Konsultation {}", i + 1),
                &paragraphs.join("\n\n"),
            )?;
            if i % 20 == 4 {
                // A scanned referral now and then, kept inside the database like a real one.
                let pdf = demo_pdf(&format!("Henvisning til konsultation {}", i + 1));
                clinic.add_attachment(&session, client, Some(&e.id), "henvisning.pdf", &pdf)?;
            }
            clinic.demo_sign_entry(&session, &e.id)?;
            made += 1;
            if i % 10 == 9 {
                let a = clinic.add_addendum(&session, &e.id, "Tillæg: opfølgning aftalt telefonisk.")?;
                clinic.demo_sign_entry(&session, &a.id)?;
                made += 1;
            }
        }
    }
    clinic.set_bulk_load(false)?;
    clinic.logout(&session)?;
    Ok(made)
}

#[cfg(test)]
mod pdf_tests {
    #[test]
    fn the_demo_referral_is_a_pdf_with_a_correct_cross_reference_table() {
        let pdf = super::demo_pdf("Henvisning til konsultation 5");
        assert_eq!(crate::attachments::sniff(&pdf), Some("application/pdf"));
        let text = String::from_utf8(pdf).expect("ascii");
        let xref: usize =
            text.rsplit("startxref\n").next().and_then(|t| t.lines().next()).expect("startxref").parse().expect("n");
        assert!(text[xref..].starts_with("xref\n0 6\n"));
        // Every object starts where the table says.
        for (i, line) in text[xref..].lines().skip(3).take(5).enumerate() {
            let off: usize = line[..10].parse().expect("offset");
            assert!(text[off..].starts_with(&format!("{} 0 obj", i + 1)), "object {}", i + 1);
        }
    }
}
