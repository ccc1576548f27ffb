//! Consent declarations: the texts a clinic asks its clients to consent to (processing of
//! personal data, contact by SMS or email, sharing with a GP or insurer — starters in the
//! four languages), versioned (a version never changes), and each client's consents:
//! which version was shown, with its text hashed into the record, given or refused, how
//! (a signature drawn on the screen, a typed name, a paper form scanned onto the record,
//! or orally — recorded by the person who heard it), when, and a withdrawal later.
//! A required declaration a client has not given shows as a notice on the client and in
//! the calendar. The paper form is a PDF.

use crate::clock;
use crate::gate::GateCtx;
use crate::ids::{AttachmentId, ClientId};
use crate::pdf::{self, Page};
use crate::{Error, Result};
use base64::Engine;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The most a drawn signature (PNG) may weigh.
pub const MAX_SIGNATURE_BYTES: usize = 200 * 1024;

/// One version of a consent declaration.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ConsentText {
    pub id: String,
    pub key: String,
    pub version: u32,
    pub title: String,
    pub body: String,
    pub required: bool,
    pub active: bool,
}

/// What an administrator types for a declaration (a new one, or a new version of `key`).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ConsentTextInput {
    /// The declaration to give a new version; `None` for a new declaration.
    pub key: Option<String>,
    pub title: String,
    pub body: String,
    pub required: bool,
}

/// How a consent was given.
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum ConsentMethod {
    /// Signed on this screen with a drawn signature.
    Drawn,
    /// Signed on this screen by typing the name.
    Typed,
    /// Signed on paper, scanned onto the client's record.
    Paper,
    /// Said aloud; recorded by the person who heard it.
    Oral,
}

stored_text!(ConsentMethod);

/// A client's consent as recorded.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ConsentInput {
    pub text_id: String,
    pub given: bool,
    pub method: ConsentMethod,
    /// Drawn: the signature as a base64 PNG.
    pub signature_png: Option<String>,
    /// Typed: the name as typed.
    pub typed_name: Option<String>,
    /// Paper: the scanned form, an attachment on the client's record.
    pub attachment_id: Option<String>,
}

/// A client's consent as shown on the client's page.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Consent {
    pub id: String,
    pub text_id: String,
    pub key: String,
    pub title: String,
    pub version: u32,
    pub text_sha256: String,
    pub given: bool,
    pub method: ConsentMethod,
    pub typed_name: Option<String>,
    /// The drawn signature, as a base64 PNG.
    pub signature_png: Option<String>,
    pub attachment_id: Option<String>,
    pub recorded_by: String,
    pub given_at: String,
    pub withdrawn_at: Option<String>,
}

/// The hash recorded with a consent: of exactly the text shown.
pub fn text_hash(title: &str, body: &str) -> String {
    hex::encode(Sha256::digest(format!("{title}\n\n{body}").as_bytes()))
}

fn starters(language: &str) -> [(&'static str, &'static str, &'static str, bool); 3] {
    match language {
        "sv" => [
            ("personal_data", "Behandling av personuppgifter", "Jag samtycker till att kliniken behandlar mina personuppgifter och uppgifter om min hälsa för att ge mig vård och behandling, föra journal enligt lag och boka tider. Jag har fått information om mina rättigheter: att få tillgång till mina uppgifter, att få dem rättade och att klaga till Integritetsskyddsmyndigheten.", true),
            ("contact", "Kontakt via SMS och e-post", "Jag samtycker till att kliniken påminner mig om bokade tider och kontaktar mig via SMS och e-post. Jag kan när som helst återkalla samtycket.", false),
            ("sharing", "Delning med läkare eller försäkringsbolag", "Jag samtycker till att kliniken delar nödvändiga uppgifter om min behandling med min läkare eller mitt försäkringsbolag när det behövs för min vård eller ersättning. Jag kan när som helst återkalla samtycket.", false),
        ],
        "nb" => [
            ("personal_data", "Behandling av personopplysninger", "Jeg samtykker til at klinikken behandler mine personopplysninger og opplysninger om min helse for å gi meg behandling, føre journal etter loven og bestille timer. Jeg er informert om mine rettigheter: innsyn, retting og å klage til Datatilsynet.", true),
            ("contact", "Kontakt på SMS og e-post", "Jeg samtykker til at klinikken minner meg om timer og kontakter meg på SMS og e-post. Jeg kan når som helst trekke samtykket tilbake.", false),
            ("sharing", "Deling med fastlege eller forsikringsselskap", "Jeg samtykker til at klinikken deler nødvendige opplysninger om behandlingen min med fastlegen min eller forsikringsselskapet mitt når det trengs for behandlingen eller refusjonen. Jeg kan når som helst trekke samtykket tilbake.", false),
        ],
        "en" => [
            ("personal_data", "Processing of personal data", "I consent to the clinic processing my personal data and data about my health to treat me, keep my health record as the law requires and book my appointments. I have been told of my rights: access, rectification, and complaint to the data protection authority.", true),
            ("contact", "Contact by SMS and email", "I consent to the clinic reminding me of appointments and contacting me by SMS and email. I may withdraw this consent at any time.", false),
            ("sharing", "Sharing with my GP or insurer", "I consent to the clinic sharing what is needed about my treatment with my GP or my insurer when my care or reimbursement requires it. I may withdraw this consent at any time.", false),
        ],
        _ => [
            ("personal_data", "Behandling af personoplysninger", "Jeg giver samtykke til, at klinikken behandler mine personoplysninger og oplysninger om mit helbred for at behandle mig, føre journal efter loven og booke aftaler. Jeg er oplyst om mine rettigheder: indsigt, berigtigelse og klage til Datatilsynet.", true),
            ("contact", "Kontakt via SMS og e-mail", "Jeg giver samtykke til, at klinikken minder mig om aftaler og kontakter mig via SMS og e-mail. Jeg kan til enhver tid trække samtykket tilbage.", false),
            ("sharing", "Deling med egen læge eller forsikringsselskab", "Jeg giver samtykke til, at klinikken deler de nødvendige oplysninger om min behandling med min egen læge eller mit forsikringsselskab, når min behandling eller refusion kræver det. Jeg kan til enhver tid trække samtykket tilbage.", false),
        ],
    }
}

/// Adds the starter declarations once per clinic, in its language.
fn ensure_starters(conn: &Connection, now: chrono::DateTime<chrono::Utc>) -> Result<()> {
    if crate::settings::get_i64(conn, crate::settings::CONSENTS_STARTED, 0)? == 1 {
        return Ok(());
    }
    let language: String = conn.query_row("SELECT language FROM clinic", [], |r| r.get(0))?;
    for (key, title, body, required) in starters(&language) {
        conn.execute(
            "INSERT INTO consent_texts (id, key, version, title, body, required, created_at) VALUES (?1, ?2, 1, ?3, ?4, ?5, ?6)",
            params![uuid::Uuid::now_v7().to_string(), key, title, body, required, clock::to_db(now)],
        )?;
    }
    crate::settings::set_i64(conn, crate::settings::CONSENTS_STARTED, 1)?;
    Ok(())
}

const TEXT_SELECT: &str = "SELECT id, key, version, title, body, required, active FROM consent_texts";

fn text_from(r: &rusqlite::Row<'_>) -> rusqlite::Result<ConsentText> {
    Ok(ConsentText {
        id: r.get(0)?,
        key: r.get(1)?,
        version: r.get(2)?,
        title: r.get(3)?,
        body: r.get(4)?,
        required: r.get::<_, i64>(5)? == 1,
        active: r.get::<_, i64>(6)? == 1,
    })
}

/// The declarations in use (the newest version of each), starters added on first use.
pub(crate) fn texts(ctx: &GateCtx<'_>) -> Result<Vec<ConsentText>> {
    ensure_starters(ctx.conn(), ctx.now())?;
    let mut stmt = ctx.conn().prepare(&format!("{TEXT_SELECT} WHERE active = 1 ORDER BY required DESC, title"))?;
    let rows = stmt.query_map([], text_from)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A new declaration, or a new version of one (the older version is retired, and stays
/// with the consents given to it).
pub(crate) fn save_text(ctx: &mut GateCtx<'_>, input: &ConsentTextInput) -> Result<ConsentText> {
    ensure_starters(ctx.conn(), ctx.now())?;
    let title = crate::clinic::check_text(&input.title, "title", 200)?;
    let body = crate::text::clean(&input.body, crate::text::Rule::text("text", 20_000).at_least(1))?;
    if title.is_empty() || body.trim().is_empty() {
        return Err(Error::invalid("a consent needs a title and a text"));
    }
    let conn = ctx.conn();
    let (key, version) = match &input.key {
        Some(k) => {
            let newest: Option<u32> =
                conn.query_row("SELECT max(version) FROM consent_texts WHERE key = ?1", [k], |r| r.get(0))?;
            let Some(v) = newest else { return Err(Error::NotFound) };
            conn.execute("UPDATE consent_texts SET active = 0 WHERE key = ?1", [k])?;
            (k.clone(), v + 1)
        }
        None => (format!("custom-{}", uuid::Uuid::now_v7()), 1),
    };
    let id = uuid::Uuid::now_v7().to_string();
    conn.execute(
        "INSERT INTO consent_texts (id, key, version, title, body, required, created_by, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![id, key, version, title, body, input.required, ctx.actor().staff_id, clock::to_db(ctx.now())],
    )?;
    ctx.record_object(format!("consent text {key} v{version}"));
    Ok(conn.query_row(&format!("{TEXT_SELECT} WHERE id = ?1"), [&id], text_from)?)
}

/// Retires a declaration (no longer asked; the consents given to it stay).
pub(crate) fn retire_text(ctx: &mut GateCtx<'_>, key: &str) -> Result<()> {
    let n = ctx.conn().execute("UPDATE consent_texts SET active = 0 WHERE key = ?1 AND active = 1", [key])?;
    if n == 0 {
        return Err(Error::NotFound);
    }
    ctx.record_object(format!("consent text {key} retired"));
    Ok(())
}

/// The client's consents, newest first.
pub(crate) fn of_client(ctx: &GateCtx<'_>, client: &ClientId) -> Result<Vec<Consent>> {
    let mut stmt = ctx.conn().prepare(
        "SELECT c.id, c.text_id, t.key, t.title, t.version, c.text_sha256, c.decision, c.method, c.typed_name,
                c.signature, c.attachment_id, s.name, c.given_at, c.withdrawn_at
         FROM consents c JOIN consent_texts t ON t.id = c.text_id JOIN staff s ON s.id = c.recorded_by
         WHERE c.client_id = ?1 ORDER BY c.given_at DESC",
    )?;
    let rows = stmt.query_map([client], |r| {
        let method: String = r.get(7)?;
        let signature: Option<Vec<u8>> = r.get(9)?;
        Ok(Consent {
            id: r.get(0)?,
            text_id: r.get(1)?,
            key: r.get(2)?,
            title: r.get(3)?,
            version: r.get(4)?,
            text_sha256: r.get(5)?,
            given: r.get::<_, String>(6)? == "given",
            method: ConsentMethod::parse(&method).unwrap_or(ConsentMethod::Oral),
            typed_name: r.get(8)?,
            signature_png: signature.map(|s| base64::engine::general_purpose::STANDARD.encode(s)),
            attachment_id: r.get(10)?,
            recorded_by: r.get(11)?,
            given_at: r.get(12)?,
            withdrawn_at: r.get(13)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Records a client's consent (or refusal) to one version of a declaration.
pub(crate) fn record(ctx: &mut GateCtx<'_>, client: &ClientId, input: &ConsentInput) -> Result<Consent> {
    let conn = ctx.conn();
    let text: ConsentText = conn
        .query_row(&format!("{TEXT_SELECT} WHERE id = ?1"), [&input.text_id], text_from)
        .optional()?
        .ok_or(Error::NotFound)?;
    if !text.active {
        return Err(Error::Conflict("this version of the declaration has been replaced or retired".into()));
    }
    let (mut signature, mut typed, mut attachment) = (None, None, None);
    match input.method {
        ConsentMethod::Drawn => {
            let png = base64::engine::general_purpose::STANDARD
                .decode(input.signature_png.as_deref().unwrap_or(""))
                .map_err(|_| Error::invalid("the signature could not be read"))?;
            if png.len() > MAX_SIGNATURE_BYTES || crate::attachments::sniff(&png) != Some("image/png") {
                return Err(Error::invalid("the signature must be a PNG image of at most 200 KB"));
            }
            signature = Some(png);
        }
        ConsentMethod::Typed => {
            let name = crate::clinic::check_text(input.typed_name.as_deref().unwrap_or(""), "name", 200)?;
            if name.is_empty() {
                return Err(Error::invalid("type the name to sign with"));
            }
            typed = Some(name);
        }
        ConsentMethod::Paper => {
            let id = AttachmentId::parse(input.attachment_id.as_deref().unwrap_or(""))?;
            let owner: Option<ClientId> =
                conn.query_row("SELECT client_id FROM attachments WHERE id = ?1", [&id], |r| r.get(0)).optional()?;
            if owner.as_ref() != Some(client) {
                return Err(Error::invalid("the scanned form must be on this client's record"));
            }
            attachment = Some(id);
        }
        ConsentMethod::Oral => {}
    }
    let id = uuid::Uuid::now_v7().to_string();
    conn.execute(
        "INSERT INTO consents (id, client_id, text_id, text_sha256, decision, method, signature, typed_name,
                               attachment_id, recorded_by, given_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            id,
            client,
            text.id,
            text_hash(&text.title, &text.body),
            if input.given { "given" } else { "refused" },
            input.method.as_str(),
            signature,
            typed,
            attachment,
            ctx.actor().staff_id,
            clock::to_db(ctx.now())
        ],
    )?;
    ctx.record_object(format!(
        "consent {} v{} {}",
        text.key,
        text.version,
        if input.given { "given" } else { "refused" }
    ));
    of_client(ctx, client)?.into_iter().find(|c| c.id == id).ok_or(Error::NotFound)
}

/// Withdraws a given consent (from now on).
pub(crate) fn withdraw(ctx: &mut GateCtx<'_>, client: &ClientId, consent: &str) -> Result<()> {
    let n = ctx.conn().execute(
        "UPDATE consents SET withdrawn_at = ?3, withdrawn_by = ?4
         WHERE id = ?1 AND client_id = ?2 AND decision = 'given' AND withdrawn_at IS NULL",
        params![consent, client, clock::to_db(ctx.now()), ctx.actor().staff_id],
    )?;
    if n == 0 {
        return Err(Error::NotFound);
    }
    ctx.record_object(format!("consent {consent} withdrawn"));
    Ok(())
}

/// Of `clients`, those missing a required declaration (no given, unwithdrawn consent to any
/// version of it). Empty when the clinic requires none.
pub(crate) fn missing_required(conn: &Connection, clients: &[ClientId]) -> Result<std::collections::HashSet<ClientId>> {
    let required: Vec<String> = conn
        .prepare_cached("SELECT DISTINCT key FROM consent_texts WHERE required = 1 AND active = 1")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = std::collections::HashSet::new();
    if required.is_empty() {
        return Ok(out);
    }
    let mut stmt = conn.prepare_cached(
        "SELECT count(DISTINCT t.key) FROM consents c JOIN consent_texts t ON t.id = c.text_id
         WHERE c.client_id = ?1 AND c.decision = 'given' AND c.withdrawn_at IS NULL
           AND t.key IN (SELECT key FROM consent_texts WHERE required = 1 AND active = 1)",
    )?;
    for client in clients {
        let given: i64 = stmt.query_row([client], |r| r.get(0))?;
        if (given as usize) < required.len() {
            out.insert(client.clone());
        }
    }
    Ok(out)
}

/// The declaration as a form to sign on paper (A4 PDF): the clinic, the title and version,
/// the text, the client's name when given, lines for date and signature, and the text's hash.
pub(crate) fn form(ctx: &GateCtx<'_>, text_id: &str, client: Option<&ClientId>) -> Result<Vec<u8>> {
    let conn = ctx.conn();
    let text: ConsentText = conn
        .query_row(&format!("{TEXT_SELECT} WHERE id = ?1"), [text_id], text_from)
        .optional()?
        .ok_or(Error::NotFound)?;
    let (clinic, language): (String, String) =
        conn.query_row("SELECT name, language FROM clinic", [], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let name: Option<String> = match client {
        Some(c) => Some(conn.query_row("SELECT name FROM clients WHERE id = ?1", [c], |r| r.get(0))?),
        None => None,
    };
    let (client_label, date_label, sign_label) = match language.as_str() {
        "sv" => ("Namn", "Datum", "Underskrift"),
        "nb" => ("Navn", "Dato", "Underskrift"),
        "en" => ("Name", "Date", "Signature"),
        _ => ("Navn", "Dato", "Underskrift"),
    };
    let hash = format!("SHA-256 {}", text_hash(&text.title, &text.body));
    let mut pages = Vec::new();
    let mut page = Page::default();
    let mut y = 790.0;
    page.text(50.0, y, 10.0, true, &clinic);
    y -= 34.0;
    page.text(50.0, y, 15.0, true, &pdf::fit(&format!("{} (v{})", text.title, text.version), 495.0, 15.0));
    y -= 26.0;
    // A long declaration runs over several pages; each names the text's fingerprint.
    for line in pdf::wrap(&text.body, 495.0, 10.5) {
        if y < 70.0 {
            page.text(50.0, 40.0, 7.0, false, &hash);
            pages.push(std::mem::take(&mut page));
            y = 790.0;
        }
        page.text(50.0, y, 10.5, false, &line);
        y -= 15.0;
    }
    if y < 170.0 {
        page.text(50.0, 40.0, 7.0, false, &hash);
        pages.push(std::mem::take(&mut page));
        y = 790.0;
    }
    y -= 30.0;
    page.text(50.0, y, 10.5, false, &format!("{client_label}: {}", name.unwrap_or_default()));
    page.rule(100.0, 545.0, y - 3.0);
    y -= 40.0;
    page.text(50.0, y, 10.5, false, &format!("{date_label}:"));
    page.rule(100.0, 250.0, y - 3.0);
    page.text(280.0, y, 10.5, false, &format!("{sign_label}:"));
    page.rule(350.0, 545.0, y - 3.0);
    page.text(50.0, 40.0, 7.0, false, &hash);
    pages.push(page);
    pdf::build(pages, [0.0, 0.0, 595.0, 842.0], None)
}
