//! Every journal operation in every access situation, through the real gate on a real
//! encrypted clinic: the owner and an admin ("all clients"), practitioners with an
//! active, ended, no or blocked relation, one with emergency access, the reception role,
//! and a business-login desk with and without a PIN. Each attempt either works or is
//! refused — and is on record with that outcome either way.

mod common;

use common::*;
use klinik::clients::ClientInput;
use klinik::policy::{AccessModel, Role, Scope};
use klinik::secret::Secret;
use klinik::staff::NewStaff;
use klinik::vault::{KeyStore, OsKeyring};
use klinik::{ClientId, Clinic, Error, SessionId, StaffId};

const PW: &str = "syv-lange-ord-om-journaler-og-adgang";
const PDF: &[u8] = b"%PDF-1.4\n%%EOF\n";

fn add(c: &mut Clinic, owner: &SessionId, name: &str, role: Role, business: bool) -> (StaffId, SessionId) {
    let email = format!("{}@example.dk", name.to_lowercase());
    add_staff(c, owner, &NewStaff { name: name.into(), email, role, business_login: business }, PW)
}

/// Runs every journal operation as `who` on `client` and returns, per operation,
/// whether it was allowed. Refusals must be `Denied` (or `PinRequired` at a desk).
/// The records every situation is tried on: a client, a signed entry, someone else's draft
/// and an attachment, all made by the owner.
struct Records {
    client: ClientId,
    signed: klinik::EntryId,
    foreign_draft: klinik::EntryId,
    attachment: klinik::AttachmentId,
}

fn attempt_all(c: &mut Clinic, who: &SessionId, r: &Records) -> Vec<(&'static str, bool)> {
    let (client, signed, foreign_draft) = (&r.client, &r.signed, &r.foreign_draft);
    fn ok<T>(r: klinik::Result<T>, op: &str) -> bool {
        match r {
            Ok(_) => true,
            Err(Error::Denied(_) | Error::PinRequired) => false,
            Err(e) => panic!("{op}: unexpected {e:?}"),
        }
    }
    let mut out = Vec::new();
    out.push(("journal_read", ok(c.journal(who, client), "read")));
    let created = c.create_entry(who, client, None, "", "Notat skrevet i adgangstesten");
    let own_draft = created.as_ref().ok().map(|e| e.id.clone());
    out.push(("entry_create", ok(created, "create")));
    let draft = own_draft.clone().unwrap_or_else(|| foreign_draft.clone());
    out.push(("entry_update", ok(c.save_draft(who, &draft, "", "Rettet notat i adgangstesten"), "save")));
    if let Some(d) = &own_draft {
        out.push((
            "entry_sign",
            ok(
                c.sign_entry(who, d, &Secret::new(PW)).or_else(|_| c.sign_entry(who, d, &Secret::new(OWNER_PASSWORD))),
                "sign",
            ),
        ));
    } else {
        out.push(("entry_sign", ok(c.sign_entry(who, foreign_draft, &Secret::new(PW)), "sign")));
    }
    out.push(("entry_addendum", ok(c.add_addendum(who, signed, "Tillæg i adgangstesten"), "addendum")));
    out.push(("client_print", ok(c.record_print(who, client, "journal"), "print")));
    out.push(("attachment_add", ok(c.add_attachment(who, client, None, "bilag.pdf", PDF), "attach")));
    out.push(("attachment_list", ok(c.list_attachments(who, client), "list")));
    out.push(("attachment_open", ok(c.open_attachment(who, &r.attachment), "open")));
    // Search is allowed to everyone with journal access; what it finds follows the rule.
    let hits = c.search_journals(who, "adgangstesten");
    if let Ok(h) = &hits {
        out.push(("journal_search_finds", h.iter().any(|x| &x.client_id == client)));
    } else {
        out.push(("journal_search_finds", ok(hits, "search")));
    }
    out
}

fn all_allowed(results: &[(&'static str, bool)]) -> bool {
    results.iter().all(|(_, allowed)| *allowed)
}

fn none_allowed(results: &[(&'static str, bool)]) -> bool {
    results.iter().all(|(_, allowed)| !*allowed)
}

#[test]
fn every_journal_operation_in_every_access_situation() {
    let d = tmp();
    let (mut c, _) = setup(d.path());
    let owner = login(&mut c);
    c.set_access_model(&owner, AccessModel::Individual, &Secret::new(OWNER_PASSWORD)).expect("individual");
    let client =
        c.create_client(&owner, &ClientInput { name: "Adam Adgang".into(), ..Default::default() }).expect("c").id;
    let signed = c.create_entry(&owner, &client, None, "", "Første notat i adgangstesten").expect("entry");
    c.sign_entry(&owner, &signed.id, &Secret::new(OWNER_PASSWORD)).expect("sign");
    let foreign = c.create_entry(&owner, &client, None, "", "Ejerens kladde").expect("draft").id;
    let attachment = c.add_attachment(&owner, &client, None, "henvisning.pdf", PDF).expect("attachment").id;
    let records = Records { client: client.clone(), signed: signed.id.clone(), foreign_draft: foreign, attachment };

    let (_, anna) = add(&mut c, &owner, "Anna", Role::Admin, false);
    let (rel_id, rel) = add(&mut c, &owner, "Rasmus", Role::Practitioner, false);
    let (ended_id, ended) = add(&mut c, &owner, "Erik", Role::Practitioner, false);
    let (_, none) = add(&mut c, &owner, "Nanna", Role::Practitioner, false);
    let (blocked_id, blocked) = add(&mut c, &owner, "Bo", Role::Practitioner, false);
    let (_, emerg) = add(&mut c, &owner, "Emma", Role::Practitioner, false);
    let (_, rita) = add(&mut c, &owner, "Rita", Role::Reception, false);
    c.assign_relation(&owner, &rel_id, &client).expect("active");
    c.assign_relation(&owner, &ended_id, &client).expect("then ended");
    c.end_relation(&owner, &ended_id, &client).expect("ended");
    c.assign_relation(&owner, &blocked_id, &client).expect("a relation …");
    c.block_relation(&owner, &blocked_id, &client).expect("… and a block, which wins");
    c.emergency_access(&emerg, &client, "Akut: klienten ringer, behandler er syg").expect("break the glass");

    let expect = [
        ("owner (all clients)", &owner, true),
        ("admin (all clients)", &anna, true),
        ("active relation", &rel, true),
        ("emergency access", &emerg, true),
        ("ended relation", &ended, false),
        ("no relation", &none, false),
        ("blocked", &blocked, false),
        ("reception role", &rita, false),
    ];
    for (situation, who, allowed) in expect {
        let results = attempt_all(&mut c, who, &records);
        if allowed {
            assert!(all_allowed(&results), "{situation}: {results:?}");
        } else {
            // Refused everywhere, search included: it finds nothing of this client.
            assert!(none_allowed(&results), "{situation}: {results:?}");
        }
    }

    // Non-default scopes: what the admin set decides, not the role. An admin narrowed to
    // "own clients" sees no journal (search included) without a relation; a practitioner
    // widened to "all clients" sees every journal (outside national-ID mode).
    let (olga_id, olga) = add(&mut c, &owner, "Olga", Role::Admin, false);
    let (pia_id, pia) = add(&mut c, &owner, "Pia", Role::Practitioner, false);
    set_rights(&mut c, &owner, &olga_id, "Olga", Role::Admin, Scope::Own, true);
    set_rights(&mut c, &owner, &pia_id, "Pia", Role::Practitioner, Scope::All, true);
    let results = attempt_all(&mut c, &olga, &records);
    assert!(none_allowed(&results), "admin with scope own, no relation: {results:?}");
    let results = attempt_all(&mut c, &pia, &records);
    assert!(all_allowed(&results), "practitioner with scope all: {results:?}");
    // A search hit is an access to that client: it is in the client's own access log.
    let seen = c.client_access_log(&owner, &client).expect("access log");
    assert!(
        seen.iter().any(|e| e.action == "journal_search" && e.actor_name.as_deref() == Some("Pia")),
        "Pia's search showed this client's text"
    );
    assert!(!seen.iter().any(|e| e.action == "journal_search" && e.actor_name.as_deref() == Some("Olga")));

    // The reception desk: a business login opens no journal without a PIN (individual
    // model: not even with one); with the business-login model, a PIN owner's relation
    // decides.
    let (_, desk) = add(&mut c, &owner, "Skranken", Role::Reception, true);
    c.set_pin(&rel, &Secret::new("583920"), None).expect("PIN");
    c.set_pin(&none, &Secret::new("794061"), None).expect("PIN");
    assert!(none_allowed(&attempt_all(&mut c, &desk, &records)), "business login, individual model");
    c.set_access_model(&owner, AccessModel::BusinessPin, &Secret::new(OWNER_PASSWORD)).expect("business PIN");
    assert!(none_allowed(&attempt_all(&mut c, &desk, &records)), "desk without a PIN");
    let none_id = c.staff_directory(&owner).expect("staff").into_iter().find(|(_, n)| n == "Nanna").expect("Nanna").0;
    c.unlock_with_pin(&desk, &none_id, &Secret::new("794061")).expect("Nanna's PIN");
    assert!(none_allowed(&attempt_all(&mut c, &desk, &records)), "PIN of someone without a relation");
    c.unlock_with_pin(&desk, &rel_id, &Secret::new("583920")).expect("Rasmus' PIN");
    let results = attempt_all(&mut c, &desk, &records);
    assert!(all_allowed(&results), "PIN of someone with a relation: {results:?}");

    // Every attempt is on record with its outcome; refusals are never silent.
    let owner = login(&mut c);
    let of = |c: &mut Clinic, action: &str| {
        let filter = klinik::audit::Filter { action: Some(action.into()), ..Default::default() };
        c.audit_page(&owner, &filter, None, 500).expect("page")
    };
    for action in
        ["journal_read", "entry_create", "entry_addendum", "client_print", "attachment_add", "attachment_open"]
    {
        let outcomes: Vec<String> = of(&mut c, action).into_iter().map(|e| e.outcome).collect();
        assert!(outcomes.iter().any(|o| o == "ok") && outcomes.iter().any(|o| o == "denied"), "{action}: {outcomes:?}");
    }
    let creates = of(&mut c, "entry_create");
    let by_rasmus_at_desk = creates
        .iter()
        .find(|e| e.action == "entry_create" && e.actor_name.as_deref() == Some("Rasmus") && e.via.is_some())
        .expect("desk work attributed to the PIN owner");
    assert_eq!(by_rasmus_at_desk.via.as_deref(), Some("Skranken"));
    OsKeyring.delete(c.id()).expect("clean up");
}
