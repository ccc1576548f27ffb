//! One whole clinic day on a real encrypted clinic with the real keyring, told as a
//! story through the public API: the owner sets up the reception desk, a practitioner
//! writes, signs and corrects a journal entry at the desk with a PIN, the owner reviews
//! the month's log and the client's access log and finds the work attributed to the
//! practitioner via the desk, makes a backup, closes and reopens the clinic, and the
//! audit chain, the signed entry and the backup's chain head are all still there.
//!
//! Each step asserts what would break if the feature broke; the separate tests of each
//! feature go deeper, this one checks that they fit together in the order a day uses them.

mod common;

use chrono::TimeZone;
use common::*;
use klinik::audit::Anchor;
use klinik::clients::ClientInput;
use klinik::policy::{AccessModel, Role};
use klinik::review::Period;
use klinik::secret::Secret;
use klinik::staff::NewStaff;
use klinik::vault::{KeyStore, OsKeyring};
use klinik::{ClinicId, Error, FixedClock, OpenedWith};
use std::sync::Arc;

const LARS: &str = "Lars Holm";
const LARS_EMAIL: &str = "lars@example.dk";
const LARS_PW: &str = "grå-måger-over-havnen-i-skagen";
const LARS_PIN: &str = "583920";
const OWNER_PIN: &str = "739164";
const DESK: &str = "Skranken";
const CLIENT: &str = "Inge Krag";
const TITLE: &str = "Kontrol af knæ";
/// Non-ASCII on purpose: the body must come back byte for byte after a reopen.
const NOTE: &str = "Hævelsen er aftaget. Øvelser: 3 × 10 squats, balancebræt 5 min.\nNæste gang: let løb på bånd.";
const ADDENDUM: &str = "Tilføjelse: klienten bruger knæbind ved løb.";

/// Forgets the clinic's key in the keyring even when an assertion fails midway.
struct ForgetKey(ClinicId);

impl Drop for ForgetKey {
    fn drop(&mut self) {
        let _ = OsKeyring.delete(&self.0);
    }
}

fn minutes(n: i64) -> chrono::Duration {
    chrono::Duration::minutes(n)
}

#[test]
fn a_clinic_day_at_the_reception_desk_from_opening_to_backup_and_reopen() {
    // A Wednesday in March, 07:30 in the clinic's own time zone: the whole day stays
    // inside the default working hours (07-18), so nothing lands in "outside hours".
    let opening = chrono::Local
        .with_ymd_and_hms(2026, 3, 4, 7, 30, 0)
        .earliest()
        .expect("a local time that exists")
        .with_timezone(&chrono::Utc);
    let clock = Arc::new(FixedClock::new(opening));
    let root = tmp();
    let dir = root.path().join("klinik");
    let (mut c, _recovery) = setup_at(&dir, clock.clone());
    let id = c.id().clone();
    let _forget = ForgetKey(id.clone());

    // ---- 07:30 the owner opens the clinic and sets up the reception desk ----------
    let owner = login(&mut c);
    let lars_new =
        NewStaff { name: LARS.into(), email: LARS_EMAIL.into(), role: Role::Practitioner, business_login: false };
    let (lars, lars_s) = add_staff(&mut c, &owner, &lars_new, LARS_PW);
    c.set_pin(&lars_s, &Secret::new(LARS_PIN), None).expect("Lars chooses his PIN");
    c.logout(&lars_s).expect("Lars logs out");
    let desk_new =
        NewStaff { name: DESK.into(), email: "skranke@example.dk".into(), role: Role::Reception, business_login: true };
    let (desk_view, _) = c.create_staff(&owner, &desk_new).expect("the desk account");
    let desk_id = desk_view.id;
    let r = c.set_access_model(&owner, AccessModel::BusinessPin, &Secret::new("forkert"));
    assert!(matches!(r, Err(Error::WrongCredentials)), "{r:?}");
    assert_eq!(c.access_model().expect("model"), AccessModel::Solo, "a refused change changes nothing");
    c.set_access_model(&owner, AccessModel::BusinessPin, &Secret::new(OWNER_PASSWORD)).expect("desk model");
    assert_eq!(c.access_model().expect("model"), AccessModel::BusinessPin);
    let client = c
        .create_client(&owner, &ClientInput { name: CLIENT.into(), phone: "20 30 40 50".into(), ..Default::default() })
        .expect("client")
        .id;
    c.assign_relation(&owner, &lars, &client).expect("Lars treats Inge");
    assert_eq!(c.desk_accounts(&owner).expect("desk accounts"), vec![(desk_id.clone(), DESK.to_owned())]);

    // ---- 08:00 the owner switches the workstation to the desk -----------------------
    clock.advance(minutes(30));
    let desk = c.open_desk(&owner, &desk_id).expect("the owner opens the desk");
    assert!(matches!(c.me(&owner), Err(Error::NotLoggedIn)), "the owner's own session ended with the switch");
    let me = c.me(&desk).expect("me at the desk");
    assert!(me.business_login);
    assert_eq!(me.desk_opened_by.as_deref(), Some(OWNER_NAME));
    assert_eq!(me.pin_name, None);
    // Reception work runs as the desk itself.
    let found = c.list_clients(&desk, "Inge").expect("reception finds the client");
    assert_eq!(found.iter().map(|x| x.id.clone()).collect::<Vec<_>>(), vec![client.clone()]);
    // Book an appointment for Inge with Lars here, once the calendar exists.
    // The journal is closed at the desk until someone unlocks it with a PIN.
    assert!(matches!(c.journal(&desk, &client), Err(Error::PinRequired)));
    assert_eq!(c.pin_candidates(&desk).expect("candidates"), vec![(lars.clone(), LARS.to_owned())]);

    // ---- 09:00 Lars unlocks the desk with his PIN and writes ------------------------
    clock.advance(minutes(60));
    assert!(matches!(c.unlock_with_pin(&desk, &lars, &Secret::new("000000")), Err(Error::WrongPin)));
    assert_eq!(c.unlock_with_pin(&desk, &lars, &Secret::new(LARS_PIN)).expect("PIN unlock"), LARS);
    assert_eq!(c.me(&desk).expect("me").pin_name.as_deref(), Some(LARS));
    clock.advance(minutes(1));
    let draft = c.create_entry(&desk, &client, None, TITLE, NOTE).expect("Lars writes");
    assert_eq!((draft.author_name.as_str(), draft.signed, draft.body.as_str()), (LARS, false, NOTE));
    assert!(c.search_journals(&desk, "hævelsen").expect("search").is_empty(), "a draft is not searchable");

    // Signing with the PIN (a wrong one is refused and the draft stays a draft).
    clock.advance(minutes(1));
    assert!(matches!(c.sign_entry(&desk, &draft.id, &Secret::new("000000")), Err(Error::WrongPin)));
    let signed = c.sign_entry(&desk, &draft.id, &Secret::new(LARS_PIN)).expect("Lars signs with his PIN");
    assert!(signed.signed && !signed.auto_signed);
    assert_eq!(signed.signed_by_name.as_deref(), Some(LARS));
    assert_eq!((signed.title.as_str(), signed.body.as_str()), (TITLE, NOTE));
    let signed_at = signed.signed_at.clone().expect("signed at");
    // A signed entry is final: a correction is an addendum.
    let r = c.save_draft(&desk, &signed.id, TITLE, "Hævelsen er væk.");
    assert!(matches!(r, Err(Error::Conflict(_))), "{r:?}");
    clock.advance(minutes(1));
    let addendum = c.add_addendum(&desk, &signed.id, ADDENDUM).expect("Lars adds an addendum");
    assert_eq!(addendum.addendum_to.as_ref(), Some(&signed.id));
    assert_eq!((addendum.author_name.as_str(), addendum.signed, addendum.body.as_str()), (LARS, false, ADDENDUM));

    // Full-text search finds the signed entry, and only it (the addendum is a draft).
    clock.advance(minutes(1));
    let hits = c.search_journals(&desk, "hævelsen aftaget").expect("search");
    assert_eq!(hits.iter().map(|h| h.entry_id.as_str()).collect::<Vec<_>>(), vec![signed.id.as_str()]);
    assert_eq!((hits[0].client_id.as_str(), hits[0].client_name.as_str()), (client.as_str(), CLIENT));
    assert!(c.search_journals(&desk, "knæbind").expect("search").is_empty());

    // Lars closes the journal: the desk is reception only again.
    c.end_pin(&desk).expect("end the PIN unlock");
    assert_eq!(c.me(&desk).expect("me").pin_name, None);
    assert!(matches!(c.journal(&desk, &client), Err(Error::PinRequired)));
    assert!(matches!(c.search_journals(&desk, "hævelsen"), Err(Error::PinRequired)));

    // ---- 12:00 the owner logs in personally and reviews the log ---------------------
    clock.advance(minutes(176));
    let owner = login(&mut c);
    let review = c.log_review(&owner, Period { year: 2026, month: 3 }).expect("the month's log review");
    assert_eq!(review.period, "2026-03");
    assert_eq!(review.anchor.clinic_id, id.as_str());
    // Lars' accesses to Inge's record are all in the sample (fewer than its size per
    // person), each one his via the desk; the search that found her entry is one of them.
    let lars_sample: Vec<(&str, Option<&str>, Option<&str>)> = review
        .sample
        .iter()
        .filter(|e| e.actor_name.as_deref() == Some(LARS))
        .map(|e| (e.action.as_str(), e.via.as_deref(), e.client_id.as_deref()))
        .collect();
    assert_eq!(
        lars_sample,
        vec![
            ("entry_create", Some(DESK), Some(client.as_str())),
            ("entry_sign", Some(DESK), Some(client.as_str())),
            ("entry_addendum", Some(DESK), Some(client.as_str())),
            ("journal_search", Some(DESK), Some(client.as_str())),
        ]
    );
    // He had a treatment relation, worked in working hours, and there was no emergency.
    assert!(
        !review.without_relation.iter().any(|e| e.actor_name.as_deref() == Some(LARS)),
        "{:?}",
        review.without_relation
    );
    assert!(review.outside_hours.is_empty(), "{:?}", review.outside_hours);
    assert!(review.emergency.is_empty());
    // The morning's set-up is listed under security: the model change and the relation.
    let security: Vec<(&str, Option<&str>)> =
        review.security.iter().map(|e| (e.action.as_str(), e.actor_name.as_deref())).collect();
    assert!(security.contains(&("settings_change", Some(OWNER_NAME))), "{security:?}");
    assert!(security.contains(&("relation_change", Some(OWNER_NAME))), "{security:?}");

    // Inge's access log: who has seen her record, oldest first, including the refused
    // edit of the signed entry and the search that showed her.
    let log = c.client_access_log(&owner, &client).expect("the client's access log");
    assert_eq!(
        log.first().map(|e| (e.action.as_str(), e.actor_name.as_deref())),
        Some(("client_create", Some(OWNER_NAME)))
    );
    assert!(log.iter().all(|e| e.client_id.as_deref() == Some(client.as_str())));
    let lars_work: Vec<(&str, &str, Option<&str>, Option<&str>)> = log
        .iter()
        .filter(|e| e.actor_name.as_deref() == Some(LARS))
        .map(|e| (e.action.as_str(), e.outcome.as_str(), e.via.as_deref(), e.object.as_deref()))
        .collect();
    assert_eq!(
        lars_work,
        vec![
            ("entry_create", "ok", Some(DESK), Some(signed.id.as_str())),
            ("entry_sign", "ok", Some(DESK), Some(signed.id.as_str())),
            ("entry_update", "failed", Some(DESK), Some(signed.id.as_str())),
            ("entry_addendum", "ok", Some(DESK), Some(addendum.id.as_str())),
            ("journal_search", "ok", Some(DESK), Some("journal_search hit")),
        ]
    );

    // ---- 16:00 backup, close, reopen ------------------------------------------------
    clock.advance(minutes(240));
    let dest = root.path().join("backup");
    assert!(matches!(c.backup(&owner, &dest, &Secret::new("forkert")), Err(Error::WrongCredentials)));
    let manifest = c.backup(&owner, &dest, &Secret::new(OWNER_PASSWORD)).expect("backup");
    assert_eq!(klinik::backup::check_backup(&dest).expect("the backup matches its manifest"), manifest);
    assert_eq!(manifest.clinic_id, id.as_str());
    assert_eq!(manifest.schema_version, klinik::migrations::latest());
    let before_close = c.verify_audit().expect("verify before close");
    assert!(before_close.intact, "{before_close:?}");
    assert_eq!(
        (before_close.head_seq, before_close.head_hash.as_str()),
        (manifest.audit_seq, manifest.audit_hash.as_str())
    );
    drop(c);

    let mut c = open_keyring(&dir).expect("the clinic reopens from the keyring");
    assert_eq!(c.opened_with(), OpenedWith::Keyring);
    assert_eq!(c.id(), &id);
    let v = c.verify_audit().expect("verify after reopen");
    assert!(v.intact && v.first_bad_seq.is_none(), "{v:?}");
    assert!(v.head_seq >= manifest.audit_seq);
    let anchor = Anchor {
        clinic_id: manifest.clinic_id.clone(),
        seq: manifest.audit_seq,
        hash: manifest.audit_hash.clone(),
        written_at: manifest.created_at.clone(),
    };
    let held = c.verify_audit_with_anchor(&anchor).expect("verify against the backup's head");
    assert!(held.intact, "the chain still holds the backup's head: {held:?}");
    // The check is not vacuous: a head the chain never had is reported at its seq.
    let forged = Anchor { hash: "0".repeat(64), ..anchor };
    let refused = c.verify_audit_with_anchor(&forged).expect("verify against a forged head");
    assert!(!refused.intact && refused.first_bad_seq == Some(manifest.audit_seq), "{refused:?}");

    // The owner reads the signed entry back: in the desk model journals need one's own
    // PIN first, even on a personal login.
    let owner = login(&mut c);
    assert!(matches!(c.journal(&owner, &client), Err(Error::PinSetupRequired)));
    c.set_pin(&owner, &Secret::new(OWNER_PIN), None).expect("the owner's PIN");
    let journal = c.journal(&owner, &client).expect("the journal");
    let back = journal.iter().find(|e| e.id == signed.id).expect("the signed entry is there");
    assert_eq!(back.body.as_bytes(), NOTE.as_bytes(), "the signed body is byte-identical");
    assert_eq!(back.title, TITLE);
    assert!(back.signed && !back.auto_signed);
    assert_eq!(back.signed_at.as_deref(), Some(signed_at.as_str()));
    assert_eq!(back.signed_by_name.as_deref(), Some(LARS));
    let back_addendum = journal.iter().find(|e| e.id == addendum.id).expect("the addendum is there");
    assert_eq!(back_addendum.addendum_to.as_ref(), Some(&signed.id));
    assert!(!back_addendum.signed, "the addendum is still Lars' draft");
    assert_eq!(c.search_journals(&owner, "hævelsen").expect("search").len(), 1, "the search index survived");

    drop(c);
    OsKeyring.delete(&id).expect("clean up the keyring");
    assert!(matches!(OsKeyring.load(&id), Err(Error::KeyringEntryMissing)));
}
