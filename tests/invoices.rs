//! Invoicing on a real encrypted clinic: the desk invoices Lars's done appointment and
//! issues it (number 1, then 2, never a gap — also when the process dies mid-issue); the
//! PDF opens only with the client's PIN (checked by qpdf and poppler, independent PDF
//! implementations); an issued invoice never changes; a credit note reverses it; a part
//! payment leaves the rest outstanding; bad input is refused and writes nothing; the
//! bookkeeping export is a spreadsheet-safe CSV; the invoices right and the client's
//! access decide who reaches an invoice.

mod common;

use chrono::{NaiveDateTime, TimeZone};
use common::*;
use klinik::calendar::appointments::{Booking, Status};
use klinik::calendar::services::{ServiceInput, Vat};
use klinik::clients::ClientInput;
use klinik::invoices::{Kind, LineInput, Method, Payer, Profile, Show};
use klinik::policy::{AccessModel, Feature, Features, Role, Scope};
use klinik::secret::Secret;
use klinik::staff::{NewStaff, StaffChanges};
use klinik::{AppointmentId, ClientId, Clinic, ErrorCode, FixedClock, SessionId, StaffId};
use std::process::Command;
use std::sync::Arc;

const LARS_PW: &str = "grå-måger-over-havnen-i-skagen";

struct Desk {
    c: Clinic,
    clock: Arc<FixedClock>,
    owner: SessionId,
    desk: SessionId,
    lars: StaffId,
    lars_session: SessionId,
    client: ClientId,
    done: AppointmentId,
}

fn local(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("a local time")
}

/// Monday 23 March 2026, 12:00 in Copenhagen.
fn noon() -> Arc<FixedClock> {
    let t = chrono_tz::Europe::Copenhagen.with_ymd_and_hms(2026, 3, 23, 12, 0, 0).single().expect("a time");
    Arc::new(FixedClock::new(t.with_timezone(&chrono::Utc)))
}

fn profile() -> Profile {
    Profile {
        legal_name: "Fysio Zorblax ApS".into(),
        address: "Havnegade 1\n6700 Esbjerg".into(),
        org_number: "12345678".into(),
        vat_registered: true,
        bank_account: "1234 5678901234".into(),
        iban: String::new(),
        payment_days: 14,
        footer: "Tak for besøget.".into(),
        provider_number: String::new(),
        pin_protection: true,
    }
}

/// A desk (business login), Lars with a done 08:00 appointment of Inge Krag's for the
/// exempt service (600,00 kr), the clinic's invoice details set.
fn desk(dir: &std::path::Path, clock: Arc<FixedClock>) -> Desk {
    let (mut c, _) = setup_at(dir, clock.clone());
    let owner = login(&mut c);
    let lars_new = NewStaff {
        name: "Lars Holm".into(),
        email: "lars@example.dk".into(),
        role: Role::Practitioner,
        business_login: false,
    };
    let (lars, lars_session) = add_staff(&mut c, &owner, &lars_new, LARS_PW);
    let desk_new = NewStaff {
        name: "Skranken".into(),
        email: "skranke@example.dk".into(),
        role: Role::Reception,
        business_login: true,
    };
    let (desk_view, _) = c.create_staff(&owner, &desk_new).expect("desk account");
    c.set_access_model(&owner, AccessModel::BusinessPin, &Secret::new(OWNER_PASSWORD)).expect("desk model");
    c.set_invoice_profile(&owner, &profile()).expect("invoice details");
    let service = c
        .save_service(
            &owner,
            None,
            &ServiceInput { name: "Behandling".into(), minutes: 45, price_minor: 60_000, ..Default::default() },
        )
        .expect("a service")
        .id;
    let cals = c.calendars(&owner).expect("calendars");
    let lars_cal = cals.iter().find(|k| k.staff_id.as_ref() == Some(&lars)).expect("Lars' calendar").id.clone();
    let owner_again = login(&mut c);
    let desk = c.open_desk(&owner, &desk_view.id).expect("the owner opens the desk");
    let owner = owner_again;
    let client = c
        .create_client(
            &desk,
            &ClientInput { name: "Inge Krag".into(), birth_date: "1961-05-04".into(), ..Default::default() },
        )
        .expect("a client")
        .id;
    let b = Booking {
        calendar: lars_cal,
        room: None,
        client: Some(client.clone()),
        service: Some(service),
        title: String::new(),
        note: String::new(),
        start: local("2026-03-23 08:00"),
        minutes: None,
        repeat: None,
    };
    let done = c.book(&desk, &b).expect("booked")[0].id.clone();
    c.set_appointment_status(&desk, &done, Status::Done, None).expect("done");
    Desk { c, clock, owner, desk, lars, lars_session, client, done }
}

fn code<T: std::fmt::Debug>(r: klinik::Result<T>) -> ErrorCode {
    r.expect_err("refused").code()
}

fn hand_line(text: &str, unit_minor: i64, vat: Vat) -> LineInput {
    LineInput {
        appointment_id: None,
        description: text.into(),
        treatment_on: None,
        quantity: 1,
        unit_minor,
        discount_pct: 0,
        vat,
    }
}

fn run(cmd: &mut Command) -> (bool, String) {
    let out = cmd.output().expect("qpdf and pdftotext are installed by ./dev (apt: qpdf poppler-utils)");
    (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

#[test]
fn the_desk_invoices_lars_done_appointment_numbers_without_gaps_and_the_pdf_needs_the_pin() {
    let d = tmp();
    let mut k = desk(d.path(), noon());
    let draft =
        k.c.draft_invoice(&k.desk, &k.client, &Payer::default(), std::slice::from_ref(&k.done), &[])
            .expect("the desk drafts an invoice from the done appointment");
    assert_eq!((draft.number, draft.issued), (None, false));
    assert_eq!(draft.lines.len(), 1);
    assert_eq!(draft.lines[0].description, "Behandling");
    assert_eq!(draft.lines[0].treatment_on.as_deref(), Some("2026-03-23"));
    assert_eq!(draft.lines[0].amount_minor, 60_000);
    let issued = k.c.issue_invoice(&k.desk, &draft.id).expect("issued");
    assert_eq!(issued.invoice.number, Some(1));
    assert_eq!(issued.invoice.issued_on.as_deref(), Some("2026-03-23"));
    assert_eq!(issued.invoice.due_on.as_deref(), Some("2026-04-06"), "14 days' terms");
    let pin = issued.new_pin.clone().expect("the client's first PIN, to hand over");
    assert!(pin.len() == 6 && pin.chars().all(|c| c.is_ascii_digit()), "{pin}");

    // A second invoice (a product at the standard rate): number 2, the same PIN.
    let second =
        k.c.draft_invoice(
            &k.desk,
            &k.client,
            &Payer::default(),
            &[],
            &[hand_line("Træningselastik", 12_500, Vat::Standard)],
        )
        .expect("a hand-made draft");
    let second = k.c.issue_invoice(&k.desk, &second.id).expect("issued");
    assert_eq!(second.invoice.number, Some(2));
    assert_eq!(second.new_pin, None, "the client keeps the PIN they were given");
    assert_eq!((second.invoice.totals.total_minor, second.invoice.totals.vat_minor), (12_500, 2_500));

    // The PDF, checked by two independent PDF implementations.
    let pdf = k.c.invoice_pdf(&k.desk, &issued.invoice.id).expect("the PDF");
    assert!(pdf.protected);
    assert_eq!(pdf.file_name, "invoice-1.pdf");
    let file = d.path().join(&pdf.file_name);
    std::fs::write(&file, &pdf.bytes).expect("saved");
    let (needs, _) = run(Command::new("qpdf").arg("--requires-password").arg(&file));
    assert!(needs, "qpdf: the PDF needs a password");
    let (opened, enc) = run(Command::new("qpdf").arg(format!("--password={pin}")).arg("--show-encryption").arg(&file));
    assert!(opened, "{enc}");
    assert!(enc.contains("R = 6"), "revision 6: {enc}");
    assert!(enc.contains("AESv3"), "AES-256: {enc}");
    let (wrong, _) = run(Command::new("qpdf").arg("--password=000000").arg("--check").arg(&file));
    assert!(!wrong || pin == "000000", "a wrong PIN does not open it");
    let (no_text, _) = run(Command::new("pdftotext").arg(&file).arg("-"));
    assert!(!no_text, "pdftotext cannot read it without the PIN");
    let (ok, text) = run(Command::new("pdftotext").arg("-upw").arg(&pin).arg(&file).arg("-"));
    assert!(ok, "{text}");
    for expected in ["FAKTURA", "Fakturanr.: 1", "Inge Krag", "Behandling", "600,00", "I alt DKK", "momslovens § 13"] {
        assert!(text.contains(expected), "{expected:?} in:\n{text}");
    }
    // Everything was through the gate and is in the audit trail, attributed to the desk.
    let events = k.c.audit_page(&k.owner, &klinik::audit::Filter::default(), None, 500).expect("audit");
    for action in ["invoice_edit", "invoice_read"] {
        assert!(
            events.iter().any(|e| e.action == action && e.client_id.as_deref() == Some(k.client.as_str())),
            "{action}"
        );
    }
}

#[test]
fn issued_is_final_a_credit_note_reverses_and_a_part_payment_leaves_the_rest() {
    let d = tmp();
    let mut k = desk(d.path(), noon());
    let draft =
        k.c.draft_invoice(&k.desk, &k.client, &Payer::default(), std::slice::from_ref(&k.done), &[]).expect("draft");
    let inv = k.c.issue_invoice(&k.desk, &draft.id).expect("issued").invoice;
    assert_eq!(code(k.c.update_invoice_draft(&k.desk, &inv.id, &Payer::default(), &[])), ErrorCode::Invalid);
    assert_eq!(code(k.c.delete_invoice_draft(&k.desk, &inv.id)), ErrorCode::Invalid);
    // Not even the key holder's SQL changes an issued invoice.
    let raw = raw_connection(d.path(), k.c.id());
    let e = raw.execute("UPDATE invoices SET total_minor = 1 WHERE number = 1", []).expect_err("frozen");
    assert!(e.to_string().contains("an issued invoice cannot be changed"), "{e}");
    let e = raw.execute("DELETE FROM invoice_lines", []).expect_err("frozen");
    assert!(e.to_string().contains("an issued invoice cannot be changed"), "{e}");
    drop(raw);

    // A part payment: 200,00 of 600,00 paid, 400,00 outstanding; more than that is refused.
    let paid = k.c.register_payment(&k.desk, &inv.id, 20_000, Method::Mobile, None).expect("part payment");
    assert_eq!((paid.paid_minor, paid.outstanding_minor), (20_000, 40_000));
    assert_eq!(code(k.c.register_payment(&k.desk, &inv.id, 40_001, Method::Cash, None)), ErrorCode::Invalid);
    let outstanding = k.c.invoices(&k.desk, Show::Outstanding, None).expect("outstanding");
    assert_eq!(outstanding.len(), 1);
    assert_eq!(
        (outstanding[0].number, outstanding[0].outstanding_minor, outstanding[0].days_overdue),
        (Some(1), 40_000, 0)
    );

    // Sixteen days later it is two days overdue.
    k.clock.advance(chrono::Duration::days(16));
    k.desk = login(&mut k.c);
    let late = k.c.invoices(&k.desk, Show::Outstanding, None).expect("outstanding");
    assert_eq!(late[0].days_overdue, 2);

    // The credit note reverses the invoice: the next number, negative, nothing outstanding.
    let note = k.c.credit_invoice(&k.desk, &inv.id).expect("credit note");
    assert_eq!((note.kind, note.number, note.credits_number), (Kind::CreditNote, Some(2), Some(1)));
    assert_eq!(note.totals.total_minor, -60_000);
    assert_eq!(note.lines[0].quantity, -1);
    let original = k.c.invoice(&k.desk, &inv.id).expect("the original");
    assert_eq!((original.credited_by, original.outstanding_minor), (Some(2), 0));
    assert_eq!(code(k.c.credit_invoice(&k.desk, &inv.id)), ErrorCode::Invalid, "credited once");
    assert!(k.c.invoices(&k.desk, Show::Outstanding, None).expect("outstanding").is_empty());
    // The appointment is free to be invoiced again once its invoice was credited.
    let again = k.c.draft_invoice(&k.desk, &k.client, &Payer::default(), std::slice::from_ref(&k.done), &[]);
    assert!(again.is_ok(), "{again:?}");
    let pdf = k.c.invoice_pdf(&k.desk, &note.id).expect("the credit note's PDF");
    assert_eq!(pdf.file_name, "credit-note-2.pdf");
}

#[test]
fn bad_input_is_refused_with_a_code_and_writes_nothing() {
    let d = tmp();
    let mut k = desk(d.path(), noon());
    let before = k.c.invoices(&k.owner, Show::All, None).expect("list").len();
    let mut bad = hand_line("Behandling", 60_000, Vat::Exempt);
    let cases: Vec<(&str, Payer, Vec<LineInput>)> = vec![
        ("no lines", Payer::default(), vec![]),
        ("quantity 0", Payer::default(), vec![LineInput { quantity: 0, ..bad.clone() }]),
        ("discount over 100", Payer::default(), vec![LineInput { discount_pct: 101, ..bad.clone() }]),
        ("negative price", Payer::default(), vec![LineInput { unit_minor: -1, ..bad.clone() }]),
        ("empty text", Payer::default(), vec![LineInput { description: "  ".into(), ..bad.clone() }]),
        ("control characters", Payer::default(), vec![LineInput { description: "a\u{7}b".into(), ..bad.clone() }]),
        (
            "a day that is not",
            Payer::default(),
            vec![LineInput { treatment_on: Some("2026-02-30".into()), ..bad.clone() }],
        ),
        ("an insurer without a name", Payer { third_party: true, ..Default::default() }, vec![bad.clone()]),
    ];
    for (what, payer, lines) in cases {
        let r = k.c.draft_invoice(&k.desk, &k.client, &payer, &[], &lines);
        assert_eq!(code(r), ErrorCode::Invalid, "{what}");
    }
    // An appointment that is not done, or not this client's, or already on an invoice.
    let other =
        k.c.create_client(&k.desk, &ClientInput { name: "Ole Bak".into(), ..Default::default() }).expect("client").id;
    assert_eq!(
        code(k.c.draft_invoice(&k.desk, &other, &Payer::default(), std::slice::from_ref(&k.done), &[])),
        ErrorCode::Invalid,
        "another client's appointment"
    );
    assert_eq!(k.c.invoices(&k.owner, Show::All, None).expect("list").len(), before, "nothing was written");
    k.c.draft_invoice(&k.desk, &k.client, &Payer::default(), std::slice::from_ref(&k.done), &[]).expect("the first");
    assert_eq!(
        code(k.c.draft_invoice(&k.desk, &k.client, &Payer::default(), std::slice::from_ref(&k.done), &[])),
        ErrorCode::Invalid,
        "the same appointment twice"
    );
    bad.quantity = 2;
    let draft = k.c.draft_invoice(&k.desk, &k.client, &Payer::default(), &[], &[bad]).expect("by hand");
    assert_eq!(draft.totals.total_minor, 120_000);
    // An insurer that wants the patient and a reference gets them on its invoice.
    let insurer = Payer {
        third_party: true,
        name: "Sygeforsikringen danmark".into(),
        address: "Postboks 1\n2100 København Ø".into(),
        reference: "G-2026-4711".into(),
    };
    let inv =
        k.c.update_invoice_draft(
            &k.desk,
            &draft.id,
            &insurer,
            &draft
                .lines
                .iter()
                .map(|l| LineInput {
                    appointment_id: None,
                    description: l.description.clone(),
                    treatment_on: Some("2026-03-23".into()),
                    quantity: l.quantity,
                    unit_minor: l.unit_minor,
                    discount_pct: 10,
                    vat: l.vat,
                })
                .collect::<Vec<_>>(),
        )
        .expect("the insurer pays");
    assert_eq!(inv.totals.total_minor, 108_000);
    let issued = k.c.issue_invoice(&k.desk, &inv.id).expect("issued");
    let pdf = k.c.invoice_pdf(&k.desk, &issued.invoice.id).expect("pdf");
    let file = d.path().join("insurer.pdf");
    std::fs::write(&file, &pdf.bytes).expect("saved");
    let pin = k.c.show_invoice_pin(&k.desk, &k.client).expect("shown").expect("a PIN");
    let (ok, text) = run(Command::new("pdftotext").arg("-upw").arg(&pin).arg(&file).arg("-"));
    assert!(ok, "{text}");
    for expected in
        ["Sygeforsikringen danmark", "G-2026-4711", "Patient: Inge Krag, født 1961-05-04", "2026-03-23", "10 %"]
    {
        assert!(text.contains(expected), "{expected:?} in:\n{text}");
    }
}

/// The child half of the crash test: issues the draft named in the environment while a
/// trigger (put there by the parent) keeps the issuing transaction busy, so the parent
/// can kill this process in the middle of it.
#[test]
fn crash_child() {
    let Ok(dir) = std::env::var("KLINIK_TEST_CRASH_DIR") else { return };
    let id = klinik::InvoiceId::parse(&std::env::var("KLINIK_TEST_CRASH_INVOICE").expect("invoice")).expect("id");
    let mut c = open_keyring(std::path::Path::new(&dir)).expect("open");
    let s = login(&mut c);
    println!("issuing");
    use std::io::Write;
    std::io::stdout().flush().expect("flush");
    let _ = c.issue_invoice(&s, &id);
    println!("issued (the parent should have killed this process)");
}

#[test]
fn a_crash_in_the_middle_of_issuing_takes_no_number() {
    let d = tmp();
    let mut k = desk(d.path(), noon());
    let draft =
        k.c.draft_invoice(&k.desk, &k.client, &Payer::default(), std::slice::from_ref(&k.done), &[]).expect("draft");
    let clinic_id = k.c.id().clone();
    drop(k);
    // A slow trigger after the number is written: the issuing transaction holds the
    // number, uncommitted, for seconds — long enough to pull the plug.
    let raw = raw_connection(d.path(), &clinic_id);
    raw.execute_batch(
        "CREATE TRIGGER slow_issue AFTER UPDATE OF number ON invoices WHEN NEW.number IS NOT NULL BEGIN
             SELECT count(*) FROM (WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 300000000)
                                   SELECT x FROM n);
         END;",
    )
    .expect("slow trigger");
    drop(raw);
    let mut child = Command::new(std::env::current_exe().expect("this test binary"))
        .args(["crash_child", "--exact", "--nocapture", "--test-threads=1"])
        .env("KLINIK_TEST_CRASH_DIR", d.path())
        .env("KLINIK_TEST_CRASH_INVOICE", draft.id.as_str())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("child");
    {
        use std::io::BufRead;
        let out = child.stdout.take().expect("stdout");
        let mut lines = std::io::BufReader::new(out).lines();
        loop {
            let line = lines.next().expect("the child says when it issues").expect("a line");
            if line.contains("issuing") {
                break;
            }
        }
        std::thread::sleep(std::time::Duration::from_millis(1500));
        child.kill().expect("pull the plug");
        child.wait().expect("gone");
    }
    let raw = raw_connection(d.path(), &clinic_id);
    raw.execute_batch("DROP TRIGGER slow_issue").expect("the trigger goes");
    let numbered: i64 =
        raw.query_row("SELECT count(*) FROM invoices WHERE number IS NOT NULL", [], |r| r.get(0)).expect("count");
    assert_eq!(numbered, 0, "the killed issue left no number behind");
    drop(raw);
    let mut c = open_keyring(d.path()).expect("the clinic opens after the crash");
    let s = login(&mut c);
    let issued = c.issue_invoice(&s, &draft.id).expect("issued after the crash");
    assert_eq!(issued.invoice.number, Some(1), "no gap: the crash took no number");
}

#[test]
fn the_invoices_right_and_the_clients_access_decide_who_reaches_an_invoice() {
    let d = tmp();
    let mut k = desk(d.path(), noon());
    let draft =
        k.c.draft_invoice(&k.desk, &k.client, &Payer::default(), std::slice::from_ref(&k.done), &[]).expect("draft");
    // Lars (practitioner) has no invoices right by default: refused in the core.
    assert_eq!(code(k.c.invoice(&k.lars_session, &draft.id)), ErrorCode::Denied);
    assert_eq!(code(k.c.invoices(&k.lars_session, Show::All, None)), ErrorCode::Denied);
    // Given the right, view only, his own clients (Inge is open to everyone): he reads
    // but does not issue, and the whole clinic's bookkeeping export is not his.
    let changes = StaffChanges {
        name: "Lars Holm".into(),
        email: "lars@example.dk".into(),
        role: Role::Practitioner,
        business_login: false,
        scope: Scope::Own,
        edit: false,
        features: Features::of(&[Feature::Clients, Feature::Invoices]),
        requires_pin: false,
        calendars: vec![],
    };
    k.c.update_staff(&k.owner, &k.lars, &changes, &Secret::new(OWNER_PASSWORD)).expect("rights");
    let s = k.c.login("lars@example.dk", &Secret::new(LARS_PW)).expect("Lars");
    assert!(k.c.invoice(&s, &draft.id).is_ok());
    assert_eq!(code(k.c.issue_invoice(&s, &draft.id)), ErrorCode::Denied);
    let (jan, dec) = ("2026-01-01".parse().expect("day"), "2026-12-31".parse().expect("day"));
    assert_eq!(code(k.c.export_invoices(&s, jan, dec)), ErrorCode::Denied);
    // The desk issues; the owner exports.
    k.c.issue_invoice(&k.desk, &draft.id).expect("the desk issues");
    assert!(k.c.export_invoices(&k.owner, jan, dec).is_ok());
}

#[test]
fn the_bookkeeping_export_is_a_nordic_spreadsheet_csv_with_formulas_disarmed() {
    let d = tmp();
    let mut k = desk(d.path(), noon());
    let sly =
        k.c.create_client(&k.desk, &ClientInput { name: "=HYPERLINK(\"x\")".into(), ..Default::default() })
            .expect("a client with a formula for a name")
            .id;
    let a = k.c.draft_invoice(&k.desk, &k.client, &Payer::default(), std::slice::from_ref(&k.done), &[]).expect("a");
    let a = k.c.issue_invoice(&k.desk, &a.id).expect("a issued").invoice;
    let b =
        k.c.draft_invoice(&k.desk, &sly, &Payer::default(), &[], &[hand_line("Creme; 50 ml", 12_500, Vat::Standard)])
            .expect("b");
    k.c.issue_invoice(&k.desk, &b.id).expect("b issued");
    k.c.register_payment(&k.desk, &a.id, 60_000, Method::Card, None).expect("paid");
    let (csv, count) =
        k.c.export_invoices(&k.owner, "2026-03-01".parse().expect("day"), "2026-03-31".parse().expect("day"))
            .expect("export");
    assert_eq!(count, 2);
    assert!(csv.starts_with('\u{feff}'), "a byte-order mark for Excel");
    let rows: Vec<&str> = csv.trim_start_matches('\u{feff}').split("\r\n").filter(|r| !r.is_empty()).collect();
    assert_eq!(rows.len(), 4, "header, two lines, one payment:\n{csv}");
    assert!(rows[0].starts_with("type;number;date;due_date;client_id;payer;line;description"));
    assert!(rows[1].starts_with("invoice;1;2026-03-23;2026-04-06;"), "{}", rows[1]);
    assert!(
        rows[1].contains(";Inge Krag;1;Behandling;2026-03-23;1;600,00;0;600,00;exempt;0,00;sales_exempt;"),
        "{}",
        rows[1]
    );
    assert!(rows[2].contains(";\"'=HYPERLINK(\"\"x\"\")\";"), "the formula is disarmed: {}", rows[2]);
    assert!(rows[2].contains(";\"Creme; 50 ml\";"), "a semicolon in text is quoted: {}", rows[2]);
    assert!(rows[2].contains(";125,00;standard25;25,00;sales_standard;"), "{}", rows[2]);
    assert!(rows[3].starts_with("payment;1;2026-03-23;;"), "{}", rows[3]);
    assert!(rows[3].ends_with(";600,00;;;receivable;card"), "{}", rows[3]);
}
