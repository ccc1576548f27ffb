//! The client's own copy (GDPR art. 15 and 20): everything Klinik holds about one client,
//! as a PDF a person reads (details, appointments, journal entries with their addenda, the
//! attachments, the access log) and as a FHIR R4 Bundle a system reads (Patient,
//! Appointment, DocumentReference for entries and attachments, AuditEvent for the access
//! log). The PDF may be encrypted with a password the client is told (AES-256, as the
//! invoices). Read through the gate as one audited export.

use crate::audit::{self, EventView};
use crate::gate::GateCtx;
use crate::ids::ClientId;
use crate::pdf::{self, Page};
use crate::{clock, Error, Result};
use base64::Engine;
use serde_json::{json, Value};

/// The two files of a client's copy.
#[derive(Debug, Clone)]
pub struct ClientCopy {
    pub pdf: Vec<u8>,
    /// The FHIR R4 Bundle (type `collection`), as JSON text.
    pub fhir: String,
}

struct Appointment {
    starts: String,
    ends: String,
    status: String,
    service: Option<String>,
    practitioner: String,
}

struct Attachment {
    name: String,
    mime: String,
    size: i64,
    created: String,
    data: Vec<u8>,
    entry: Option<String>,
}

/// An issued invoice of the client: number, kind, day issued, total in øre.
type IssuedInvoice = (Option<i64>, String, Option<String>, Option<i64>);

/// Identifier systems of the Nordic national IDs.
fn id_system(country: &str) -> &'static str {
    match country {
        "se" => "urn:oid:1.2.752.129.2.1.3.1",
        "no" => "urn:oid:2.16.578.1.12.4.1.4.1",
        _ => "urn:oid:1.2.208.176.1.2",
    }
}

/// The Appointment.status of a Klinik status.
fn fhir_status(status: &str) -> &'static str {
    match status {
        "arrived" => "arrived",
        "done" => "fulfilled",
        "cancelled" => "cancelled",
        "no_show" => "noshow",
        _ => "booked",
    }
}

/// The labels of the PDF, in the clinic's language.
fn labels(language: &str) -> [&'static str; 15] {
    match language {
        "sv" => [
            "Allt vi har om dig",
            "Uppgifter",
            "Namn",
            "Telefon",
            "E-post",
            "Adress",
            "Födelsedag",
            "Personnummer",
            "Bokningar",
            "Journalanteckningar",
            "Bilagor",
            "Vem har sett journalen",
            "Anteckning",
            "Samtycken",
            "Fakturor",
        ],
        "nb" => [
            "Alt vi har om deg",
            "Opplysninger",
            "Navn",
            "Telefon",
            "E-post",
            "Adresse",
            "Fødselsdato",
            "Fødselsnummer",
            "Timeavtaler",
            "Journalnotater",
            "Vedlegg",
            "Hvem har sett journalen",
            "Merknad",
            "Samtykker",
            "Fakturaer",
        ],
        "en" => [
            "Everything we hold about you",
            "Details",
            "Name",
            "Phone",
            "Email",
            "Address",
            "Birth date",
            "National ID",
            "Appointments",
            "Journal entries",
            "Attachments",
            "Who has seen the record",
            "Note",
            "Consents",
            "Invoices",
        ],
        _ => [
            "Alt, vi har om dig",
            "Oplysninger",
            "Navn",
            "Telefon",
            "E-mail",
            "Adresse",
            "Fødselsdato",
            "CPR-nummer",
            "Aftaler",
            "Journalnotater",
            "Bilag",
            "Hvem har set journalen",
            "Bemærkning",
            "Samtykker",
            "Fakturaer",
        ],
    }
}

/// A page-filling writer: lines from the top, a new page when one is full.
struct Writer {
    pages: Vec<Page>,
    page: Page,
    y: f32,
}

const LEFT: f32 = 50.0;
const WIDTH: f32 = 495.0;

impl Writer {
    fn new() -> Self {
        Self { pages: Vec::new(), page: Page::default(), y: 790.0 }
    }
    fn room(&mut self, needed: f32) {
        if self.y - needed < 50.0 {
            self.pages.push(std::mem::take(&mut self.page));
            self.y = 790.0;
        }
    }
    fn heading(&mut self, s: &str, size: f32) {
        self.room(size + 24.0);
        self.y -= 10.0;
        self.page.text(LEFT, self.y, size, true, &pdf::fit(s, WIDTH, size));
        self.y -= size + 6.0;
    }
    fn line(&mut self, s: &str, bold: bool) {
        for l in pdf::wrap(s, WIDTH, 9.5) {
            self.room(13.0);
            self.page.text(LEFT, self.y, 9.5, bold, &l);
            self.y -= 13.0;
        }
    }
    fn finish(mut self) -> Vec<Page> {
        self.pages.push(self.page);
        self.pages
    }
}

/// Makes the client's copy (`pdf_password`: encrypts the PDF with it).
pub(crate) fn copy(ctx: &mut GateCtx<'_>, client: &ClientId, pdf_password: Option<&str>) -> Result<ClientCopy> {
    if let Some(p) = pdf_password {
        if p.chars().count() < 8 || p.len() > 128 {
            return Err(Error::invalid("a password for the copy has 8 to 128 characters"));
        }
    }
    let conn = ctx.conn();
    let (clinic_name, country, language): (String, String, String) =
        conn.query_row("SELECT name, country, language FROM clinic", [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    let details = crate::clients::get(ctx, client)?;
    let national_id: Option<String> =
        ctx.conn().query_row("SELECT national_id FROM clients WHERE id = ?1", [client], |r| r.get(0))?;
    let appointments: Vec<Appointment> = ctx
        .conn()
        .prepare(
            "SELECT a.starts_at, a.ends_at, a.status, s.name, c.name FROM appointments a
             JOIN calendars c ON c.id = a.calendar_id LEFT JOIN services s ON s.id = a.service_id
             WHERE a.client_id = ?1 ORDER BY a.starts_at",
        )?
        .query_map([client], |r| {
            Ok(Appointment {
                starts: r.get(0)?,
                ends: r.get(1)?,
                status: r.get(2)?,
                service: r.get(3)?,
                practitioner: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut entries = crate::journal::list(ctx, client, 100_000)?;
    entries.sort_by(|a, b| a.care_at.cmp(&b.care_at));
    let attachments: Vec<Attachment> = ctx
        .conn()
        .prepare(
            "SELECT name, mime, size, created_at, data, entry_id FROM attachments WHERE client_id = ?1 ORDER BY created_at",
        )?
        .query_map([client], |r| {
            Ok(Attachment {
                name: r.get(0)?,
                mime: r.get(1)?,
                size: r.get(2)?,
                created: r.get(3)?,
                data: r.get(4)?,
                entry: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let consents = crate::records::consents::of_client(ctx, client)?;
    let invoices: Vec<IssuedInvoice> = ctx
        .conn()
        .prepare(
            "SELECT number, kind, issued_on, total_minor FROM invoices WHERE client_id = ?1 AND status = 'issued'
             ORDER BY number",
        )?
        .query_map([client], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let log: Vec<EventView> = audit::all(ctx.conn(), &audit::Filter::for_client(client.clone()))?;
    ctx.record_object(format!(
        "client copy: {} appointments, {} entries, {} attachments{}",
        appointments.len(),
        entries.len(),
        attachments.len(),
        if pdf_password.is_some() { ", PDF encrypted" } else { "" }
    ));

    // ---- the PDF ---------------------------------------------------------------------
    let tz = crate::calendar::zone::clinic_zone(ctx.conn())?;
    let local = |at: &str| -> String {
        clock::from_db(at)
            .map(|t| crate::calendar::zone::to_local(tz, t).format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_else(|_| at.to_owned())
    };
    let l = labels(&language);
    let mut w = Writer::new();
    w.line(&clinic_name, true);
    w.heading(&format!("{} — {}", l[0], details.name), 15.0);
    w.line(clock::to_db(ctx.now()).get(..10).unwrap_or_default(), false);
    w.heading(l[1], 12.0);
    for (label, value) in [
        (l[2], Some(details.name.clone())),
        (l[3], Some(details.phone.clone())),
        (l[4], Some(details.email.clone())),
        (l[5], Some(details.address.clone())),
        (l[6], details.birth_date.clone()),
        (l[7], national_id.clone()),
        (l[12], Some(details.reception_note.clone())),
    ] {
        if let Some(v) = value.filter(|v| !v.is_empty()) {
            w.line(&format!("{label}: {v}"), false);
        }
    }
    w.heading(l[8], 12.0);
    for a in &appointments {
        let service = a.service.as_deref().unwrap_or("");
        let ends = local(&a.ends);
        w.line(
            &format!(
                "{} – {}  {}  {}  ({})",
                local(&a.starts),
                ends.get(11..).unwrap_or(""),
                service,
                a.practitioner,
                a.status
            ),
            false,
        );
    }
    w.heading(l[9], 12.0);
    for e in &entries {
        let title = if e.title.is_empty() { e.template_name.clone().unwrap_or_default() } else { e.title.clone() };
        let head = match &e.addendum_to {
            Some(_) => format!("{} · {} · + {}", e.care_at.get(..10).unwrap_or(""), e.author_name, title),
            None => format!("{} · {} · {}", e.care_at.get(..10).unwrap_or(""), e.author_name, title),
        };
        w.line(&head, true);
        w.line(&e.body, false);
    }
    w.heading(l[13], 12.0);
    for c in &consents {
        let state = match (c.given, &c.withdrawn_at) {
            (true, None) => "given",
            (true, Some(_)) => "withdrawn",
            (false, _) => "refused",
        };
        w.line(
            &format!(
                "{} (v{}) — {state}, {} {}, {}",
                c.title,
                c.version,
                c.method.as_str(),
                local(&c.given_at),
                c.recorded_by
            ),
            false,
        );
    }
    w.heading(l[14], 12.0);
    for (number, kind, issued, total) in &invoices {
        let kroner = crate::invoices::money::kroner(total.unwrap_or(0));
        w.line(&format!("{} {} · {} · {kroner}", kind, number.unwrap_or(0), issued.as_deref().unwrap_or("")), false);
    }
    w.heading(l[10], 12.0);
    for a in &attachments {
        w.line(&format!("{} ({}, {} bytes, {})", a.name, a.mime, a.size, a.created.get(..10).unwrap_or("")), false);
    }
    w.heading(l[11], 12.0);
    for e in &log {
        w.line(
            &format!("{}  {}  {}  {}", local(&e.at), e.actor_name.as_deref().unwrap_or("system"), e.action, e.outcome),
            false,
        );
    }
    let pdf = pdf::build(w.finish(), [0.0, 0.0, 595.0, 842.0], pdf_password)?;

    // ---- the FHIR Bundle ---------------------------------------------------------------
    let patient_ref = format!("Patient/{client}");
    let mut patient = json!({
        "resourceType": "Patient",
        "id": client.as_str(),
        "active": details.active,
        "name": [{ "text": details.name }],
    });
    let mut telecom = Vec::new();
    if !details.phone.is_empty() {
        telecom.push(json!({ "system": "phone", "value": details.phone }));
    }
    if !details.email.is_empty() {
        telecom.push(json!({ "system": "email", "value": details.email }));
    }
    if !telecom.is_empty() {
        patient["telecom"] = Value::Array(telecom);
    }
    if !details.address.is_empty() {
        patient["address"] = json!([{ "text": details.address }]);
    }
    if let Some(b) = &details.birth_date {
        patient["birthDate"] = json!(b);
    }
    if let Some(n) = &national_id {
        patient["identifier"] = json!([{ "system": id_system(&country), "value": n }]);
    }
    let mut resources = vec![patient];
    for (i, a) in appointments.iter().enumerate() {
        let mut r = json!({
            "resourceType": "Appointment",
            "id": format!("{client}-appointment-{i}"),
            "status": fhir_status(&a.status),
            "start": a.starts,
            "end": a.ends,
            "participant": [
                { "actor": { "reference": patient_ref }, "status": "accepted" },
                { "actor": { "display": a.practitioner }, "status": "accepted" }
            ]
        });
        if let Some(s) = &a.service {
            r["serviceType"] = json!([{ "text": s }]);
        }
        resources.push(r);
    }
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
    for e in &entries {
        let mut r = json!({
            "resourceType": "DocumentReference",
            "id": e.id.as_str(),
            "status": "current",
            "docStatus": if e.signed { "final" } else { "preliminary" },
            "type": { "text": e.template_name.clone().unwrap_or_else(|| "journal entry".into()) },
            "subject": { "reference": patient_ref },
            "date": e.updated_at,
            "author": [{ "display": e.author_name }],
            "description": e.title,
            "content": [{ "attachment": {
                "contentType": "text/plain; charset=utf-8",
                "data": b64(e.body.as_bytes()),
                "title": e.title,
                "creation": e.care_at
            } }]
        });
        if let Some(original) = &e.addendum_to {
            r["relatesTo"] =
                json!([{ "code": "appends", "target": { "reference": format!("DocumentReference/{original}") } }]);
        }
        resources.push(r);
    }
    for (i, a) in attachments.iter().enumerate() {
        let mut r = json!({
            "resourceType": "DocumentReference",
            "id": format!("{client}-attachment-{i}"),
            "status": "current",
            "subject": { "reference": patient_ref },
            "date": a.created,
            "content": [{ "attachment": {
                "contentType": a.mime,
                "data": b64(&a.data),
                "title": a.name,
                "size": a.size,
                "creation": a.created
            } }]
        });
        if let Some(entry) = &a.entry {
            r["context"] = json!({ "related": [{ "reference": format!("DocumentReference/{entry}") }] });
        }
        resources.push(r);
    }
    for c in &consents {
        let status = match (c.given, &c.withdrawn_at) {
            (true, None) => "active",
            (true, Some(_)) => "inactive",
            (false, _) => "rejected",
        };
        resources.push(json!({
            "resourceType": "Consent",
            "id": c.id,
            "status": status,
            "scope": { "coding": [{ "system": "http://terminology.hl7.org/CodeSystem/consentscope", "code": "patient-privacy" }] },
            "category": [{ "coding": [{ "system": "http://loinc.org", "code": "59284-0", "display": "Patient Consent" }] }],
            "patient": { "reference": patient_ref },
            "dateTime": c.given_at,
            "policyRule": { "text": format!("{} (v{}), text SHA-256 {}", c.title, c.version, c.text_sha256) }
        }));
    }
    let log_bundle = audit::to_fhir(&log, ctx.now());
    if let Some(events) = log_bundle["entry"].as_array() {
        resources.extend(events.iter().map(|e| e["resource"].clone()));
    }
    let bundle = json!({
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": clock::to_db(ctx.now()),
        "entry": resources.into_iter().map(|r| {
            let url = format!("urn:klinik:{}:{}", r["resourceType"].as_str().unwrap_or(""), r["id"].as_str().unwrap_or(""));
            json!({ "fullUrl": url, "resource": r })
        }).collect::<Vec<_>>()
    });
    let fhir = serde_json::to_string_pretty(&bundle).map_err(|e| Error::Storage(e.to_string()))?;
    Ok(ClientCopy { pdf, fhir })
}
