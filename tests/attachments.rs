//! Attachments on a real encrypted clinic: PDFs and images kept inside the database,
//! type judged by content, size limited, opening audited, the relation rules of the
//! journal, and no way to change or remove what belongs to the record.

mod common;

use common::*;
use klinik::clients::ClientInput;
use klinik::policy::{AccessModel, Role};
use klinik::secret::Secret;
use klinik::staff::NewStaff;
use klinik::vault::{KeyStore, OsKeyring};
use klinik::Error;

/// A small but well-formed PDF carrying a marker that must never appear in plain text
/// in the data directory.
fn pdf(marker: &str) -> Vec<u8> {
    format!(
        "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n\
         % {marker}\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )
    .into_bytes()
}

#[test]
fn attachments_are_kept_encrypted_checked_by_content_and_opened_on_record() {
    let d = tmp();
    let (mut c, _) = setup(d.path());
    let owner = login(&mut c);
    let client =
        c.create_client(&owner, &ClientInput { name: "Ulla Vedhæft".into(), ..Default::default() }).expect("c").id;
    let marker = "Henvisning-fra-egen-læge-Qzx81";
    let letter = pdf(marker);

    let meta = c.add_attachment(&owner, &client, None, "C:\\Scan\\henvisning.pdf", &letter).expect("attach");
    assert_eq!(
        (meta.name.as_str(), meta.mime.as_str(), meta.size),
        ("henvisning.pdf", "application/pdf", letter.len() as i64)
    );
    let listed = c.list_attachments(&owner, &client).expect("list");
    assert_eq!(listed.len(), 1);
    let (opened, bytes) = c.open_attachment(&owner, &meta.id).expect("open");
    assert_eq!(bytes, letter);
    assert_eq!(opened.sha256, meta.sha256);

    // Opening is on record, naming the attachment and the client.
    let events = c.audit_page(&owner, &Default::default(), None, 10).expect("page");
    let open = events.iter().find(|e| e.action == "attachment_open").expect("attachment_open");
    assert_eq!(open.object.as_deref(), Some(format!("attachment {}", meta.id).as_str()));
    assert_eq!(open.client_id.as_deref(), Some(client.as_str()));

    // Bad files are refused with a clear error and change nothing.
    let before = c.list_attachments(&owner, &client).expect("list").len();
    for (name, bytes) in [
        ("henvisning.pdf", b"<script>alert('x')</script>".to_vec()),
        ("billede.png", b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>".to_vec()),
        ("tom.pdf", Vec::new()),
    ] {
        assert!(matches!(c.add_attachment(&owner, &client, None, name, &bytes), Err(Error::Invalid(_))), "{name}");
    }
    c.set_attachment_limit(&owner, 1).expect("limit 1 MB");
    let mut big = pdf("stor");
    big.resize(1024 * 1024 + 1, b' ');
    assert!(matches!(c.add_attachment(&owner, &client, None, "stor.pdf", &big), Err(Error::Invalid(_))));
    c.set_attachment_limit(&owner, 25).expect("back to 25 MB");
    c.add_attachment(&owner, &client, None, "stor.pdf", &big).expect("fits under 25 MB");
    assert_eq!(c.list_attachments(&owner, &client).expect("list").len(), before + 1);

    // Nothing of the file lies in plain text in the data directory.
    let id = c.id().clone();
    drop(c);
    for (file, content) in data_files(d.path()) {
        assert!(!content.windows(marker.len()).any(|w| w == marker.as_bytes()), "{file} holds the PDF in plain text");
    }
    let c = open_keyring(d.path()).expect("reopen");
    assert_eq!(c.id(), &id);
    drop(c);
    OsKeyring.delete(&id).expect("clean up");
}

#[test]
fn attachments_follow_the_entry_and_never_change_once_signed() {
    let d = tmp();
    let (mut c, _) = setup(d.path());
    let owner = login(&mut c);
    let client = c.create_client(&owner, &ClientInput { name: "Vagn Sår".into(), ..Default::default() }).expect("c").id;
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89".to_vec();
    let entry = c.create_entry(&owner, &client, None, "", "Sår på hælen, se billede").expect("entry");
    let draft_photo = c.add_attachment(&owner, &client, Some(&entry.id), "hæl.png", &png).expect("on draft");
    let removable = c.add_attachment(&owner, &client, Some(&entry.id), "forkert.png", &png).expect("on draft");
    c.remove_attachment(&owner, &removable.id).expect("a draft's attachment can go");
    c.sign_entry(&owner, &entry.id, &Secret::new(OWNER_PASSWORD)).expect("sign");

    assert!(matches!(c.add_attachment(&owner, &client, Some(&entry.id), "mere.png", &png), Err(Error::Invalid(_))));
    assert!(matches!(c.remove_attachment(&owner, &draft_photo.id), Err(Error::Invalid(_))));
    let on_client = c.add_attachment(&owner, &client, None, "samtykke.png", &png).expect("client");
    assert!(matches!(c.remove_attachment(&owner, &on_client.id), Err(Error::Invalid(_))));
    // An attachment of another client's entry is not found under this client.
    let other = c.create_client(&owner, &ClientInput { name: "Anden".into(), ..Default::default() }).expect("c").id;
    assert!(matches!(c.add_attachment(&owner, &other, Some(&entry.id), "x.png", &png), Err(Error::NotFound)));

    // Not by SQL either.
    let id = c.id().clone();
    drop(c);
    let raw = raw_connection(d.path(), &id);
    // Each refusal is the database's own rule (its trigger's message), not any error.
    let refused = |sql: &str, id: &klinik::AttachmentId| match raw.execute(sql, [id]) {
        Err(e) => e.to_string(),
        Ok(n) => panic!("{sql} changed {n} rows"),
    };
    let unchangeable = "an attachment cannot be changed";
    let kept = "an attachment of a client or a signed entry cannot be removed";
    assert_eq!(refused("UPDATE attachments SET name = 'x.png' WHERE id = ?1", &draft_photo.id), unchangeable);
    assert_eq!(refused("UPDATE attachments SET data = x'00' WHERE id = ?1", &on_client.id), unchangeable);
    assert_eq!(refused("DELETE FROM attachments WHERE id = ?1", &draft_photo.id), kept);
    assert_eq!(refused("DELETE FROM attachments WHERE id = ?1", &on_client.id), kept);
    let n: i64 = raw.query_row("SELECT count(*) FROM attachments", [], |r| r.get(0)).expect("count");
    assert_eq!(n, 2);
    OsKeyring.delete(&id).expect("clean up");
}

#[test]
fn attachments_follow_the_journal_access_rules() {
    let d = tmp();
    let (mut c, _) = setup(d.path());
    let owner = login(&mut c);
    c.set_access_model(&owner, AccessModel::Individual, &Secret::new(OWNER_PASSWORD)).expect("model");
    let client =
        c.create_client(&owner, &ClientInput { name: "Åse Adgang".into(), ..Default::default() }).expect("c").id;
    let meta = c.add_attachment(&owner, &client, None, "brev.pdf", &pdf("adgang")).expect("attach");
    let (mia_id, mia) = add_staff(
        &mut c,
        &owner,
        &NewStaff {
            name: "Mia".into(),
            email: "mia@example.dk".into(),
            role: Role::Practitioner,
            business_login: false,
        },
        "mias-egen-lange-adgangskode-42",
    );
    assert!(matches!(c.list_attachments(&mia, &client), Err(Error::Denied(_))));
    assert!(matches!(c.open_attachment(&mia, &meta.id), Err(Error::Denied(_))));
    c.assign_relation(&owner, &mia_id, &client).expect("relation");
    c.open_attachment(&mia, &meta.id).expect("with a relation");
    let events = c.audit_page(&owner, &Default::default(), None, 20).expect("page");
    let outcomes: Vec<&str> =
        events.iter().filter(|e| e.action == "attachment_open").map(|e| e.outcome.as_str()).collect();
    assert_eq!(outcomes, ["ok", "denied"], "the refused attempt is on record too");
    OsKeyring.delete(c.id()).expect("clean up");
}
