//! One source of truth for who sees what: the client list shows exactly the clients the
//! policy lets a person open, for every scope, relation and "access for everyone", and
//! journal search exactly those whose journal the policy would open.

mod common;

use common::*;
use klinik::clients::ClientInput;
use klinik::policy::{AccessModel, Level, Role, Scope};
use klinik::secret::Secret;
use klinik::staff::NewStaff;
use klinik::vault::{KeyStore, OsKeyring};
use klinik::{ClientId, Clinic, Error, SessionId, StaffId};

const PW: &str = "syv-lange-ord-om-hvem-der-ser-hvad";

fn person(c: &mut Clinic, owner: &SessionId, name: &str, role: Role, scope: Scope, edit: bool) -> (StaffId, SessionId) {
    let email = format!("{}@example.dk", name.to_lowercase());
    let new = NewStaff { name: name.into(), email, role, business_login: false };
    let (id, s) = add_staff(c, owner, &new, PW);
    set_rights(c, owner, &id, name, role, scope, edit);
    (id, s)
}

#[test]
fn the_client_list_and_search_show_exactly_what_the_policy_opens() {
    let d = tmp();
    let (mut c, _) = setup(d.path());
    let owner = login(&mut c);
    c.set_access_model(&owner, AccessModel::Individual, &Secret::new(OWNER_PASSWORD)).expect("individual");
    // Clients open to everyone for editing, for viewing, and not at all.
    let mut clients = Vec::new();
    for (name, level) in [("Åbne Edel", Level::Edit), ("Kigge Karen", Level::View), ("Lukket Lars", Level::None)] {
        c.set_new_client_access(&owner, level, &Secret::new(OWNER_PASSWORD)).expect("access");
        let id = c.create_client(&owner, &ClientInput { name: name.into(), ..Default::default() }).expect("c").id;
        let e = c.create_entry(&owner, &id, None, "", "Fælles søgeord synlighedstest").expect("entry");
        c.sign_entry(&owner, &e.id, &Secret::new(OWNER_PASSWORD)).expect("sign");
        clients.push(id);
    }
    let people = [
        person(&mut c, &owner, "Adam", Role::Admin, Scope::Own, true),
        person(&mut c, &owner, "Pia", Role::Practitioner, Scope::Own, true),
        person(&mut c, &owner, "Palle", Role::Practitioner, Scope::All, true),
        person(&mut c, &owner, "Vera", Role::Practitioner, Scope::Own, false),
        person(&mut c, &owner, "Rita", Role::Reception, Scope::All, true),
        person(&mut c, &owner, "Nul", Role::Practitioner, Scope::None, true),
    ];
    // Relations and blocks vary per person: Pia cares for the closed client, Palle is
    // blocked from the open one, Vera cares for the viewable one.
    c.assign_relation(&owner, &people[1].0, &clients[2]).expect("Pia");
    c.block_relation(&owner, &people[2].0, &clients[0]).expect("Palle blocked");
    c.assign_relation(&owner, &people[3].0, &clients[1]).expect("Vera");
    for (_, s) in &people {
        let listed: Vec<_> = match c.list_clients(s, "") {
            Ok(list) => list.into_iter().map(|x| x.id).collect(),
            Err(Error::Denied(_)) => vec![],
            Err(e) => panic!("{e:?}"),
        };
        let hits: Vec<ClientId> = match c.search_journals(s, "synlighedstest") {
            Ok(h) => h.into_iter().map(|x| x.client_id).collect(),
            Err(Error::Denied(_)) => vec![],
            Err(e) => panic!("{e:?}"),
        };
        for id in &clients {
            let opens = c.get_client(s, id).is_ok();
            assert_eq!(listed.contains(id), opens, "{:?}: list vs open for {id}", c.me(s).expect("me").name);
            let reads = c.journal(s, id).is_ok();
            assert_eq!(hits.contains(id), reads, "{:?}: search vs journal for {id}", c.me(s).map(|m| m.name));
        }
    }
    OsKeyring.delete(c.id()).expect("clean up");
}
