//! Moving in from the previous system, on a real encrypted clinic: a Danish spreadsheet's
//! CSV (Windows-1252, semicolons, dd-mm-yyyy dates, æ ø å) is read with its columns
//! guessed; a dry run lists every row it would refuse and why (a date that is not one, a
//! missing name, the same client twice, one the clinic already has, a bad CPR number) and
//! imports nothing; the import refuses as a whole while any row is refused, and imports
//! every row in one go once the file is right — one audit event with the counts, in each
//! imported client's access log. The command line prints `row N: reason`.

mod common;

use common::*;
use klinik::clients::ClientInput;
use klinik::lifecycle::import::{ImportField as Field, Mapping};
use klinik::secret::Secret;
use klinik::ErrorCode;

/// Windows-1252 bytes of `s` (as Excel in a Nordic locale saves "CSV (semicolon)").
fn cp1252(s: &str) -> Vec<u8> {
    encoding_rs::WINDOWS_1252.encode(s).0.into_owned()
}

const GOOD: &str = "Fornavn;Efternavn;Telefon;E-mail;Fødselsdato;Adresse;Bemærkning\r\n\
Søren;Ærø;20 30 40 50;soeren@example.dk;31-12-1980;Åboulevarden 3, 8000 Aarhus;Foretrækker morgentider\r\n\
Birgitte;Øster;+45 31 41 59 26;;05.03.1975;;\r\n\
\"Anne Marie\";\"Holm; Jensen\";;anne@example.dk;1990-07-01;\"Vestergade 1\r\n5000 Odense\";\r\n";

#[test]
fn a_danish_spreadsheet_imports_after_a_dry_run_all_or_nothing() {
    let d = tmp();
    let (mut c, _) = setup(d.path());
    let s = login(&mut c);
    c.create_client(&s, &ClientInput { name: "Karen Lund".into(), phone: "40 50 60 70".into(), ..Default::default() })
        .expect("an existing client");
    let bad = format!(
        "{GOOD}Ib;Lund;22 33 44 55;;31-02-1990;;\r\n;;;ingen@example.dk;;;\r\nSøren;Ærø;20 30 40 50;;;;\r\nKaren;Lund;40 50 60 70;;;;\r\n"
    );
    let file = cp1252(&bad);
    let preview = c.import_preview(&s, &file).expect("preview");
    assert_eq!(preview.encoding, "windows-1252");
    assert_eq!(preview.separator, ";");
    assert_eq!(preview.total_rows, 7);
    assert_eq!(preview.columns[4], "Fødselsdato", "decoded from Windows-1252");
    assert_eq!(preview.rows[2][3], "anne@example.dk");
    assert_eq!(preview.rows[2][1], "Holm; Jensen", "a quoted separator stays in its cell");
    let fields: Vec<Field> = preview.suggested.iter().map(|m| m.field).collect();
    assert_eq!(
        fields,
        [Field::FirstName, Field::LastName, Field::Phone, Field::Email, Field::BirthDate, Field::Address, Field::Note]
    );
    let dry = c.import_clients(&s, &file, &preview.suggested, true).expect("dry run");
    let refused: Vec<(u32, String)> = dry.refused.iter().map(|r| (r.row, r.reason.clone())).collect();
    assert_eq!(
        refused.iter().map(|r| r.0).collect::<Vec<_>>(),
        [6, 7, 8, 9],
        "the lines a spreadsheet shows: {refused:?}"
    );
    assert!(refused[0].1.contains("31-02-1990"), "{}", refused[0].1);
    assert!(refused[1].1.contains("name"), "{}", refused[1].1);
    assert!(refused[2].1.contains("earlier row"), "{}", refused[2].1);
    assert!(refused[3].1.contains("already has"), "{}", refused[3].1);
    assert_eq!(dry.imported, 0);
    assert_eq!(c.list_clients(&s, "").expect("list").len(), 1, "a dry run imports nothing");
    let whole = c.import_clients(&s, &file, &preview.suggested, false).expect("refused as a whole");
    assert_eq!((whole.imported, whole.refused.len()), (0, 4));
    assert_eq!(c.list_clients(&s, "").expect("list").len(), 1, "all or nothing");

    let report = c.import_clients(&s, &cp1252(GOOD), &preview.suggested, false).expect("import");
    assert_eq!((report.rows, report.imported), (3, 3));
    let all = c.list_clients(&s, "").expect("list");
    let soeren = all.iter().find(|k| k.name == "Søren Ærø").expect("Søren, with his letters");
    assert_eq!(soeren.birth_date.as_deref(), Some("1980-12-31"));
    assert_eq!(soeren.reception_note, "Foretrækker morgentider");
    let anne = all.iter().find(|k| k.name == "Anne Marie Holm; Jensen").expect("Anne Marie");
    assert_eq!(anne.address, "Vestergade 1, 5000 Odense", "a line break inside an address becomes a comma");
    let log = c.client_access_log(&s, &soeren.id).expect("log");
    let import = log.iter().find(|e| e.action == "client_import").expect("the import is in her log");
    assert!(import.object.as_deref().unwrap_or("").contains("imported=3"), "{:?}", import.object);
    // Importing the same file again: every row is a client the clinic already has.
    let again = c.import_clients(&s, &cp1252(GOOD), &preview.suggested, true).expect("dry run");
    assert_eq!(again.refused.len(), 3);
}

#[test]
fn national_ids_are_checked_and_mappings_must_make_sense() {
    let d = tmp();
    let (mut c, _) = setup(d.path());
    let s = login(&mut c);
    let csv = "Navn;CPR\nInge Krag;070761-4285\nOle Bak;310299-1234\n".as_bytes();
    let map = |pairs: &[(Field, &str)]| -> Vec<Mapping> {
        pairs.iter().map(|(f, col)| Mapping { field: *f, column: (*col).into() }).collect()
    };
    let (_, lars, _) = practitioner(&mut c, &s, "Lars Holm", "lars@example.dk");
    assert_eq!(c.import_preview(&lars, csv).expect_err("admins").code(), ErrorCode::Denied);
    let with_id = map(&[(Field::Name, "Navn"), (Field::NationalId, "CPR")]);
    assert_eq!(
        c.import_clients(&s, csv, &with_id, true).expect_err("not in this mode").code(),
        ErrorCode::Invalid,
        "national IDs only in the journals-with-national-ID mode"
    );
    c.set_journal_mode(&s, klinik::clinic::JournalMode::JournalsWithId, &Secret::new(OWNER_PASSWORD)).expect("mode");
    // Two-factor login first (everyone who reaches client data in this mode).
    let e = c.begin_totp(&s, None).expect("begin");
    c.confirm_totp(&s, &code_at(&e.secret_base32, chrono::Utc::now())).expect("confirm");
    let dry = c.import_clients(&s, csv, &with_id, true).expect("dry run");
    assert_eq!(dry.refused.iter().map(|r| r.row).collect::<Vec<_>>(), [3], "{:?}", dry.refused);
    for bad in [
        map(&[(Field::Phone, "Navn")]),
        map(&[(Field::Name, "Fornavn")]),
        map(&[(Field::Name, "Navn"), (Field::Name, "CPR")]),
    ] {
        assert_eq!(c.import_clients(&s, csv, &bad, true).expect_err("refused").code(), ErrorCode::Invalid, "{bad:?}");
    }
    assert_eq!(c.import_preview(&s, b"").expect_err("empty").code(), ErrorCode::Invalid);
}
