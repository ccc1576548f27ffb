//! Every schema migration, one step at a time, on a real SQLCipher file.
//!
//! For step k: a database is built at schema k-1 (the first k-1 migrations, applied as
//! `klinik::migrations::migrate` applies them) and filled with representative rows of
//! every table that schema has; then step k is applied the same way (its SQL and the new
//! `user_version` in one transaction). After the step, every row is still there with its
//! values, the database is sound (integrity and foreign keys), the immutability triggers
//! still refuse, and the step's own promises hold: new columns have their documented
//! defaults on old rows, new tables exist, and new constraints refuse bad values.
//!
//! (Opening the schema-1 fixture in tests/fixtures/clinic-v1, which migrates it to the
//! latest schema in one go, is covered in tests/vault.rs.)

use klinik::migrations::{self, MIGRATIONS};
use klinik::secret::MasterKey;
use klinik::vault::{open_connection, OpenMode};
use rusqlite::types::Value;
use rusqlite::{Connection, ErrorCode};

const T0: &str = "2026-03-04T08:00:00.000000Z";
const T1: &str = "2026-03-04T09:30:00.000000Z";
const CLINIC: &str = "clinic-1";
const OWNER: &str = "staff-1-owner";
const LARS: &str = "staff-2-lars";
const DESK: &str = "staff-3-desk";
const CLIENT: &str = "client-1";
const SIGNED: &str = "entry-1-signed";
const DRAFT: &str = "entry-2-draft";

/// A clinic database in a temp dir (dropped with it).
struct Db {
    conn: Connection,
    _dir: tempfile::TempDir,
}

fn empty_db() -> Db {
    let dir = tempfile::tempdir().expect("tempdir");
    let conn = open_connection(&dir.path().join("klinik.db"), &MasterKey::generate(), OpenMode::Create)
        .expect("a new SQLCipher database");
    assert_eq!(version(&conn), 0);
    Db { conn, _dir: dir }
}

fn version(conn: &Connection) -> i64 {
    migrations::schema_version(conn).expect("user_version")
}

/// Applies migration `k` (1-based) the way `migrate` does: its SQL and the new
/// `user_version` in one transaction.
fn apply_step(conn: &mut Connection, k: i64) {
    assert_eq!(version(conn), k - 1, "step {k} applies to schema {}", k - 1);
    let (name, sql) = MIGRATIONS[(k - 1) as usize];
    let tx = conn.transaction().expect("transaction");
    tx.execute_batch(sql).unwrap_or_else(|e| panic!("{name}: {e}"));
    tx.pragma_update(None, "user_version", k).expect("user_version");
    tx.commit().expect("commit");
    assert_eq!(version(conn), k);
}

/// A database at schema `k - 1` holding the representative rows, then step `k`; checks
/// what every step must keep (see the module comment) and returns the database.
fn migrated(k: i64) -> Db {
    let mut db = empty_db();
    for step in 1..k {
        apply_step(&mut db.conn, step);
    }
    seed(&db.conn, k - 1);
    apply_step(&mut db.conn, k);
    check_seed(&db.conn, k - 1);
    check_sound(&db.conn, k - 1);
    db
}

// ---- rows ------------------------------------------------------------------------

fn exec(conn: &Connection, sql: &str) {
    conn.execute_batch(sql).unwrap_or_else(|e| panic!("{e}\n{sql}"));
}

fn t(s: &str) -> Value {
    Value::Text(s.to_owned())
}

fn i(n: i64) -> Value {
    Value::Integer(n)
}

const NULL: Value = Value::Null;

/// Every row of a query, every column as a value.
fn rows(conn: &Connection, sql: &str) -> Vec<Vec<Value>> {
    let mut stmt = conn.prepare(sql).unwrap_or_else(|e| panic!("{e}\n{sql}"));
    let n = stmt.column_count();
    let out = stmt
        .query_map([], |r| (0..n).map(|c| r.get::<_, Value>(c)).collect::<rusqlite::Result<Vec<_>>>())
        .expect("query")
        .collect::<rusqlite::Result<Vec<_>>>()
        .expect("rows");
    out
}

/// The one row of a query.
fn row(conn: &Connection, sql: &str) -> Vec<Value> {
    let mut all = rows(conn, sql);
    assert_eq!(all.len(), 1, "one row expected from {sql}");
    all.remove(0)
}

fn exists(conn: &Connection, kind: &str, name: &str) -> bool {
    conn.query_row("SELECT count(*) FROM sqlite_master WHERE type = ?1 AND name = ?2", [kind, name], |r| {
        r.get::<_, i64>(0)
    })
    .expect("sqlite_master")
        == 1
}

/// `sql` is refused as a constraint violation whose message contains `why`.
fn refused(conn: &Connection, sql: &str, why: &str) {
    match conn.execute_batch(sql) {
        Ok(()) => panic!("accepted, but must be refused ({why}):\n{sql}"),
        Err(e) => {
            assert_eq!(e.sqlite_error_code(), Some(ErrorCode::ConstraintViolation), "{e}\n{sql}");
            assert!(e.to_string().contains(why), "refused for another reason than {why:?}: {e}\n{sql}");
        }
    }
}

/// Representative rows of every table schema `v` has, with values in the columns that
/// later steps must carry over.
fn seed(conn: &Connection, v: i64) {
    if v < 1 {
        return;
    }
    exec(
        conn,
        &format!(
            "INSERT INTO clinic (id, name, country, journal_mode, language, created_at)
                 VALUES ('{CLINIC}', 'Zorblax Fysioterapi', 'dk', 'journals', 'da', '{T0}');
             INSERT INTO settings (key, value) VALUES ('work_start_hour', '8');
             INSERT INTO staff (id, name, email, role, password_hash, active, created_at, updated_at) VALUES
                 ('{OWNER}', 'Quintessa Brøndum', 'quintessa@example.dk', 'owner', 'hash-owner', 1, '{T0}', '{T0}'),
                 ('{LARS}', 'Lars Holm', 'lars@example.dk', 'practitioner', 'hash-lars', 1, '{T0}', '{T1}'),
                 ('{DESK}', 'Skranken', 'skranke@example.dk', 'reception', 'hash-desk', 0, '{T0}', '{T0}');
             INSERT INTO sessions (id, staff_id, kind, workstation, os_user, started_at, last_active_at, locked)
                 VALUES ('session-1', '{DESK}', 'business', 'pc-reception', 'reception', '{T0}', '{T1}', 1);
             INSERT INTO clients (id, name, phone, email, created_by, created_at, updated_at)
                 VALUES ('{CLIENT}', 'Inge Krag', '20 30 40 50', 'inge@example.dk', '{OWNER}', '{T0}', '{T1}');
             INSERT INTO audit_events (seq, at, actor, via, workstation, action, client_id, object, outcome, reason,
                                       prev_hash, hash) VALUES
                 (1, '{T0}', '{OWNER}', NULL, 'pc-reception', 'clinic_created', NULL, NULL, 'ok', NULL,
                  '{h0}', '{h1}'),
                 (2, '{T1}', '{LARS}', '{DESK}', 'pc-reception', 'client_create', '{CLIENT}', 'x', 'denied', 'why',
                  '{h1}', '{h2}');",
            h0 = "0".repeat(64),
            h1 = "1".repeat(64),
            h2 = "2".repeat(64),
        ),
    );
    if v >= 2 {
        exec(
            conn,
            &format!(
                "INSERT INTO audit_reviews (id, period, reviewer, reviewed_at, comment, head_seq, head_hash)
                 VALUES ('review-1', '2026-02', '{OWNER}', '{T1}', 'Gennemgået, intet at bemærke.', 2, '{}');",
                "2".repeat(64)
            ),
        );
    }
    if v >= 3 {
        exec(
            conn,
            &format!(
                "INSERT INTO templates (id, key, version, language, name, body, created_at)
                     VALUES ('template-1', 'soap', 1, 'da', 'SOAP', 'S:\nO:\nA:\nP:', '{T0}');
                 INSERT INTO entries (id, client_id, author, care_at, template_id, title, body, status, addendum_to,
                                      created_at, updated_at, signed_at, signed_by) VALUES
                     ('{SIGNED}', '{CLIENT}', '{LARS}', '{T0}', 'template-1', 'Første konsultation',
                      'Knæ: hævelse, øvelser 3 × 10.', 'signed', NULL, '{T0}', '{T1}', '{T1}', '{LARS}'),
                     ('{DRAFT}', '{CLIENT}', '{LARS}', '{T1}', NULL, '', 'Tilføjelse: knæbind.', 'draft', '{SIGNED}',
                      '{T1}', '{T1}', NULL, NULL);
                 INSERT INTO entries_fts (entry_id, client_id, text)
                     VALUES ('{SIGNED}', '{CLIENT}', 'Første konsultation\nKnæ: hævelse, øvelser 3 × 10.');"
            ),
        );
    }
    if v >= 4 {
        exec(
            conn,
            &format!(
                "UPDATE staff SET can_business_login = 1 WHERE id = '{DESK}';
                 UPDATE staff SET pin_hash = 'pin-hash-lars', pin_failures = 2, birth_date = '1980-05-17' WHERE id = '{LARS}';
                 UPDATE sessions SET pin_staff = '{LARS}', pin_until = '{T1}' WHERE id = 'session-1';"
            ),
        );
    }
    if v >= 6 {
        exec(
            conn,
            &format!(
                "INSERT INTO relations (id, staff_id, client_id, kind, starts_at, ends_at, reason, created_by, created_at)
                 VALUES ('relation-1', '{LARS}', '{CLIENT}', 'assignment', '{T0}', NULL, NULL, '{OWNER}', '{T0}');"
            ),
        );
    }
    if v >= 7 {
        exec(
            conn,
            &format!(
                "UPDATE clients SET birth_date = '1961-07-07', address = 'Havnegade 1', status = 'inactive'
                 WHERE id = '{CLIENT}';"
            ),
        );
    }
    if v >= 8 {
        exec(
            conn,
            &format!(
                "UPDATE staff SET totp_secret = 'totp-secret-owner', totp_last_step = 41 WHERE id = '{OWNER}';
                 INSERT INTO totp_recovery_codes (id, staff_id, code_hash, used_at)
                     VALUES ('code-1', '{OWNER}', 'code-hash-1', NULL);"
            ),
        );
    }
    if v >= 9 {
        exec(
            conn,
            &format!(
                "UPDATE staff SET requires_pin = 1, can_edit = 0, client_scope = 'own' WHERE id = '{LARS}';
                 INSERT INTO calendar_rights (staff_id, calendar_of, level) VALUES ('{DESK}', '{LARS}', 'edit');"
            ),
        );
    }
    if v >= 10 {
        exec(
            conn,
            &format!(
                "INSERT INTO attachments (id, client_id, entry_id, name, mime, size, sha256, data, created_by, created_at)
                 VALUES ('attachment-1', '{CLIENT}', NULL, 'henvisning.pdf', 'application/pdf', 9, '{}',
                         CAST('%PDF-1.4\n' AS BLOB), '{OWNER}', '{T0}');",
                "a".repeat(64)
            ),
        );
    }
    if v >= 12 {
        exec(conn, &format!("UPDATE entries SET answers = '{{\"smerte\":3}}' WHERE id = '{DRAFT}';"));
    }
    if v >= 13 {
        exec(
            conn,
            &format!(
                "INSERT INTO workstation_throttle (workstation, failures, locked_until) VALUES ('pc-reception', 4, '{T1}');
                 UPDATE sessions SET strong = 1, opened_by = '{OWNER}' WHERE id = 'session-1';"
            ),
        );
    }
    if v >= 14 {
        seed_calendar(conn);
    }
}

/// Rows of the calendar (schema 14 on).
fn seed_calendar(conn: &Connection) {
    exec(
        conn,
        &format!(
            "INSERT INTO calendars (id, kind, staff_id, name, created_at) VALUES ('cal-lars', 'staff', '{LARS}', 'Lars', '{T0}');
             INSERT INTO calendars (id, kind, name, created_at) VALUES ('cal-room', 'resource', 'Behandlingsrum 1', '{T0}');
             INSERT INTO services (id, name, minutes, buffer_minutes, price_minor, created_at)
                 VALUES ('svc-1', 'Første konsultation', 60, 10, 75000, '{T0}');
             INSERT INTO appointments (id, calendar_id, room_id, client_id, service_id, starts_at, ends_at, busy_until,
                                       created_by, created_at, updated_at)
                 VALUES ('apt-1', 'cal-lars', 'cal-room', '{CLIENT}', 'svc-1', '{T0}', '{T1}', '{T1}', '{OWNER}', '{T0}', '{T0}');"
        ),
    );
}

/// The rows [`seed`] wrote at schema `v`, with the values it wrote.
fn check_seed(conn: &Connection, v: i64) {
    if v < 1 {
        return;
    }
    assert_eq!(
        rows(conn, "SELECT id, singleton, name, country, journal_mode, language, created_at FROM clinic"),
        [[t(CLINIC), i(1), t("Zorblax Fysioterapi"), t("dk"), t("journals"), t("da"), t(T0)]]
    );
    assert_eq!(
        rows(conn, "SELECT key, value FROM settings WHERE key NOT IN ('time_zone', 'appointment_relation')"),
        [[t("work_start_hour"), t("8")]],
        "(schema 14 adds the calendar's two settings: step_14 checks them)"
    );
    assert_eq!(
        rows(
            conn,
            "SELECT id, name, email, role, password_hash, active, created_at, updated_at FROM staff ORDER BY id"
        ),
        [
            [
                t(OWNER),
                t("Quintessa Brøndum"),
                t("quintessa@example.dk"),
                t("owner"),
                t("hash-owner"),
                i(1),
                t(T0),
                t(T0)
            ],
            [t(LARS), t("Lars Holm"), t("lars@example.dk"), t("practitioner"), t("hash-lars"), i(1), t(T0), t(T1)],
            [t(DESK), t("Skranken"), t("skranke@example.dk"), t("reception"), t("hash-desk"), i(0), t(T0), t(T0)],
        ]
    );
    assert_eq!(
        rows(conn, "SELECT id, staff_id, kind, workstation, os_user, started_at, last_active_at, locked, ended_at FROM sessions"),
        [[t("session-1"), t(DESK), t("business"), t("pc-reception"), t("reception"), t(T0), t(T1), i(1), NULL]]
    );
    assert_eq!(
        rows(conn, "SELECT id, name, phone, email, created_by, created_at, updated_at FROM clients"),
        [[t(CLIENT), t("Inge Krag"), t("20 30 40 50"), t("inge@example.dk"), t(OWNER), t(T0), t(T1)]]
    );
    assert_eq!(
        rows(
            conn,
            "SELECT seq, at, actor, via, workstation, action, client_id, object, outcome, reason, prev_hash, hash
             FROM audit_events ORDER BY seq"
        ),
        [
            [
                i(1),
                t(T0),
                t(OWNER),
                NULL,
                t("pc-reception"),
                t("clinic_created"),
                NULL,
                NULL,
                t("ok"),
                NULL,
                t(&"0".repeat(64)),
                t(&"1".repeat(64)),
            ],
            [
                i(2),
                t(T1),
                t(LARS),
                t(DESK),
                t("pc-reception"),
                t("client_create"),
                t(CLIENT),
                t("x"),
                t("denied"),
                t("why"),
                t(&"1".repeat(64)),
                t(&"2".repeat(64)),
            ],
        ]
    );
    if v >= 2 {
        assert_eq!(
            rows(conn, "SELECT id, period, reviewer, reviewed_at, comment, head_seq, head_hash FROM audit_reviews"),
            [[
                t("review-1"),
                t("2026-02"),
                t(OWNER),
                t(T1),
                t("Gennemgået, intet at bemærke."),
                i(2),
                t(&"2".repeat(64))
            ]]
        );
    }
    if v >= 3 {
        assert_eq!(
            rows(conn, "SELECT id, key, version, language, name, body, created_at FROM templates"),
            [[t("template-1"), t("soap"), i(1), t("da"), t("SOAP"), t("S:\nO:\nA:\nP:"), t(T0)]]
        );
        assert_eq!(
            rows(
                conn,
                "SELECT id, client_id, author, care_at, template_id, title, body, status, addendum_to, created_at,
                        updated_at, signed_at, signed_by FROM entries ORDER BY id"
            ),
            [
                [
                    t(SIGNED),
                    t(CLIENT),
                    t(LARS),
                    t(T0),
                    t("template-1"),
                    t("Første konsultation"),
                    t("Knæ: hævelse, øvelser 3 × 10."),
                    t("signed"),
                    NULL,
                    t(T0),
                    t(T1),
                    t(T1),
                    t(LARS),
                ],
                [
                    t(DRAFT),
                    t(CLIENT),
                    t(LARS),
                    t(T1),
                    NULL,
                    t(""),
                    t("Tilføjelse: knæbind."),
                    t("draft"),
                    t(SIGNED),
                    t(T1),
                    t(T1),
                    NULL,
                    NULL,
                ],
            ]
        );
        assert_eq!(
            rows(conn, "SELECT entry_id FROM entries_fts WHERE entries_fts MATCH 'hævelse'"),
            [[t(SIGNED)]],
            "the journal search index still finds the signed entry"
        );
    }
    if v >= 4 {
        assert_eq!(
            rows(conn, "SELECT id, can_business_login, pin_hash, pin_failures, birth_date FROM staff ORDER BY id"),
            [
                [t(OWNER), i(0), NULL, i(0), NULL],
                [t(LARS), i(0), t("pin-hash-lars"), i(2), t("1980-05-17")],
                [t(DESK), i(1), NULL, i(0), NULL],
            ]
        );
        assert_eq!(row(conn, "SELECT pin_staff, pin_until FROM sessions"), [t(LARS), t(T1)]);
    }
    if v >= 6 {
        assert_eq!(
            rows(conn, "SELECT id, staff_id, client_id, kind, starts_at, ends_at, reason, created_by FROM relations"),
            [[t("relation-1"), t(LARS), t(CLIENT), t("assignment"), t(T0), NULL, NULL, t(OWNER)]]
        );
    }
    if v >= 7 {
        assert_eq!(
            row(conn, "SELECT birth_date, address, reception_note, status, national_id FROM clients"),
            [t("1961-07-07"), t("Havnegade 1"), t(""), t("inactive"), NULL]
        );
    }
    if v >= 8 {
        assert_eq!(
            row(conn, &format!("SELECT totp_secret, totp_last_step FROM staff WHERE id = '{OWNER}'")),
            [t("totp-secret-owner"), i(41)]
        );
        assert_eq!(
            rows(conn, "SELECT id, staff_id, code_hash, used_at FROM totp_recovery_codes"),
            [[t("code-1"), t(OWNER), t("code-hash-1"), NULL]]
        );
    }
    if v >= 9 {
        assert_eq!(
            row(conn, &format!("SELECT requires_pin, can_edit, client_scope FROM staff WHERE id = '{LARS}'")),
            [i(1), i(0), t("own")]
        );
        assert_eq!(
            rows(conn, "SELECT staff_id, calendar_of, level FROM calendar_rights"),
            [[t(DESK), t(LARS), t("edit")]]
        );
    }
    if v >= 10 {
        assert_eq!(
            rows(conn, "SELECT id, client_id, entry_id, name, mime, size, sha256, data, created_by FROM attachments"),
            [[
                t("attachment-1"),
                t(CLIENT),
                NULL,
                t("henvisning.pdf"),
                t("application/pdf"),
                i(9),
                t(&"a".repeat(64)),
                Value::Blob(b"%PDF-1.4\n".to_vec()),
                t(OWNER)
            ]]
        );
    }
    if v >= 12 {
        assert_eq!(row(conn, &format!("SELECT answers FROM entries WHERE id = '{DRAFT}'")), [t("{\"smerte\":3}")]);
    }
    if v >= 13 {
        assert_eq!(
            rows(conn, "SELECT workstation, failures, locked_until FROM workstation_throttle"),
            [[t("pc-reception"), i(4), t(T1)]]
        );
        assert_eq!(row(conn, "SELECT strong, opened_by FROM sessions"), [i(1), t(OWNER)]);
    }
    if v >= 14 {
        assert_eq!(
            row(conn, "SELECT id, calendar_id, room_id, client_id, starts_at, busy_until, status FROM appointments"),
            [t("apt-1"), t("cal-lars"), t("cal-room"), t(CLIENT), t(T0), t(T1), t("booked")]
        );
    }
}

/// What holds after every step on a database seeded at schema `v`: the file is sound,
/// no reference dangles, and the audit chain and signed entries still refuse changes.
fn check_sound(conn: &Connection, v: i64) {
    assert_eq!(klinik::vault::integrity_problems(conn).expect("integrity check"), Vec::<String>::new());
    assert_eq!(rows(conn, "PRAGMA foreign_key_check"), Vec::<Vec<Value>>::new(), "no dangling references");
    if v >= 1 {
        refused(conn, "UPDATE audit_events SET action = 'edited' WHERE seq = 1", "audit events cannot be changed");
        refused(conn, "DELETE FROM audit_events", "audit events cannot be deleted");
        refused(
            conn,
            "INSERT INTO audit_events (seq, at, workstation, action, outcome, prev_hash, hash)
             VALUES (5, 'now', 'pc', 'gap', 'ok', 'x', 'y')",
            "audit seq must follow the last event without a gap",
        );
    }
    if v >= 3 {
        refused(
            conn,
            &format!("UPDATE entries SET body = 'rewritten' WHERE id = '{SIGNED}'"),
            "a signed journal entry cannot be changed",
        );
        refused(
            conn,
            &format!("DELETE FROM entries WHERE id = '{SIGNED}'"),
            "a signed journal entry cannot be deleted",
        );
    }
}

// ---- one test per step --------------------------------------------------------------

#[test]
fn there_is_a_step_test_for_every_migration() {
    // Adding migrations/0021_*.sql: add a step_21 test below (and its rows to `seed`).
    assert_eq!(migrations::latest(), 21, "a new migration needs its step test in tests/migrations.rs");
    assert_eq!(MIGRATIONS.len() as i64, migrations::latest());
}

#[test]
fn step_01_foundation_creates_the_core_tables_with_their_guards() {
    let db = migrated(1);
    let c = &db.conn;
    for table in ["clinic", "settings", "staff", "sessions", "clients", "audit_events"] {
        assert!(exists(c, "table", table), "{table}");
    }
    for trigger in ["audit_events_no_update", "audit_events_no_delete", "audit_events_gap_free"] {
        assert!(exists(c, "trigger", trigger), "{trigger}");
    }
    // The representative rows fit schema 1 exactly (every later step starts from them).
    seed(c, 1);
    check_seed(c, 1);
    check_sound(c, 1);
    refused(
        c,
        &format!("INSERT INTO clinic (id, name, country, journal_mode, language, created_at) VALUES ('clinic-2', 'B', 'dk', 'notes', 'da', '{T0}')"),
        "UNIQUE constraint failed: clinic.singleton",
    );
    refused(c, "UPDATE clinic SET country = 'fi'", "CHECK constraint failed");
    refused(c, "UPDATE clinic SET journal_mode = 'paper'", "CHECK constraint failed");
    refused(c, &format!("UPDATE staff SET role = 'boss' WHERE id = '{OWNER}'"), "CHECK constraint failed");
    refused(
        c,
        &format!(
            "INSERT INTO staff (id, name, email, role, password_hash, created_at, updated_at)
             VALUES ('staff-9', 'Twin', 'LARS@example.dk', 'admin', 'h', '{T0}', '{T0}')"
        ),
        "UNIQUE constraint failed: staff.email",
    );
    refused(c, "UPDATE sessions SET kind = 'guest'", "CHECK constraint failed");
    refused(
        c,
        &format!(
            "INSERT INTO clients (id, name, created_by, created_at, updated_at)
             VALUES ('client-9', 'Nobody', 'staff-unknown', '{T0}', '{T0}')"
        ),
        "FOREIGN KEY constraint failed",
    );
    refused(
        c,
        "INSERT INTO audit_events (seq, at, workstation, action, outcome, prev_hash, hash)
         VALUES (3, 'now', 'pc', 'x', 'maybe', 'a', 'b')",
        "CHECK constraint failed",
    );
}

#[test]
fn step_02_log_review_adds_review_marks() {
    let db = migrated(2);
    let c = &db.conn;
    assert!(exists(c, "table", "audit_reviews"));
    assert!(exists(c, "index", "audit_by_action"));
    let review = |period: &str, reviewer: &str| {
        format!(
            "INSERT INTO audit_reviews (id, period, reviewer, reviewed_at, comment, head_seq, head_hash)
             VALUES ('r-{period}', '{period}', '{reviewer}', '{T1}', '', 2, 'h')"
        )
    };
    exec(c, &review("2026-03", OWNER));
    refused(c, &review("2026-3", OWNER), "CHECK constraint failed");
    refused(c, &review("marts", OWNER), "CHECK constraint failed");
    refused(c, &review("2026-04", "staff-unknown"), "FOREIGN KEY constraint failed");
    refused(
        c,
        &format!("UPDATE audit_reviews SET comment = '{}' WHERE id = 'r-2026-03'", "x".repeat(4001)),
        "CHECK constraint failed",
    );
}

#[test]
fn step_03_journals_adds_entries_templates_and_search_with_signed_entries_frozen() {
    let db = migrated(3);
    let c = &db.conn;
    for table in ["templates", "entries", "entries_fts"] {
        assert!(exists(c, "table", table), "{table}");
    }
    for trigger in ["entries_signed_never_change", "entries_signed_never_deleted"] {
        assert!(exists(c, "trigger", trigger), "{trigger}");
    }
    let entry = |id: &str, status: &str, signed: &str| {
        format!(
            "INSERT INTO entries (id, client_id, author, care_at, body, status, created_at, updated_at, signed_at, signed_by)
             VALUES ('{id}', '{CLIENT}', '{LARS}', '{T0}', 'Ryg', '{status}', '{T0}', '{T0}', {signed})"
        )
    };
    // Signed means a time and a signer, and only then.
    refused(c, &entry("e-1", "signed", "NULL, NULL"), "CHECK constraint failed");
    refused(c, &entry("e-2", "draft", &format!("'{T1}', '{LARS}'")), "CHECK constraint failed");
    refused(c, &entry("e-3", "final", "NULL, NULL"), "CHECK constraint failed");
    // A draft changes until it is signed, then never again.
    exec(c, &entry("e-4", "draft", "NULL, NULL"));
    exec(c, "UPDATE entries SET body = 'Ryg: bedre' WHERE id = 'e-4'");
    exec(
        c,
        &format!("UPDATE entries SET status = 'signed', signed_at = '{T1}', signed_by = '{LARS}' WHERE id = 'e-4'"),
    );
    refused(
        c,
        "UPDATE entries SET body = 'Ryg: meget bedre' WHERE id = 'e-4'",
        "a signed journal entry cannot be changed",
    );
    refused(
        c,
        &format!("INSERT INTO entries (id, client_id, author, care_at, body, status, created_at, updated_at) VALUES ('e-5', 'client-unknown', '{LARS}', '{T0}', 'x', 'draft', '{T0}', '{T0}')"),
        "FOREIGN KEY constraint failed",
    );
    // One template version per key and language.
    let template = |id: &str, language: &str| {
        format!(
            "INSERT INTO templates (id, key, version, language, name, body, created_at)
             VALUES ('{id}', 'soap', 1, '{language}', 'SOAP', '', '{T0}')"
        )
    };
    exec(c, &template("template-da", "da"));
    exec(c, &template("template-sv", "sv"));
    refused(c, &template("template-da-2", "da"), "UNIQUE constraint failed");
    refused(c, &template("template-fi", "fi"), "CHECK constraint failed");
}

#[test]
fn step_04_staff_and_pins_adds_pin_columns_with_safe_defaults() {
    let db = migrated(4);
    let c = &db.conn;
    // Existing staff: no business login, no PIN, nothing counted, nothing to change.
    assert_eq!(
        rows(
            c,
            "SELECT can_business_login, must_change_password, birth_date, pin_hash, pin_failures, pin_locked_until,
                    pin_disabled FROM staff"
        ),
        vec![vec![i(0), i(0), NULL, NULL, i(0), NULL, i(0)]; 3]
    );
    // The existing session has no PIN unlock.
    assert_eq!(row(c, "SELECT pin_staff, pin_until FROM sessions"), [NULL, NULL]);
    refused(c, "UPDATE staff SET can_business_login = 2", "CHECK constraint failed");
    refused(c, "UPDATE staff SET must_change_password = -1", "CHECK constraint failed");
    refused(c, "UPDATE staff SET pin_failures = -1", "CHECK constraint failed");
    refused(c, "UPDATE staff SET pin_disabled = 7", "CHECK constraint failed");
    refused(c, "UPDATE sessions SET pin_staff = 'staff-unknown'", "FOREIGN KEY constraint failed");
    exec(c, &format!("UPDATE sessions SET pin_staff = '{LARS}', pin_until = '{T1}'"));
}

#[test]
fn step_05_client_search_indexes_the_existing_clients_and_follows_changes() {
    let db = migrated(5);
    let c = &db.conn;
    assert!(exists(c, "table", "clients_fts"));
    let find = |q: &str| -> Vec<Vec<Value>> {
        rows(
            c,
            &format!(
                "SELECT c.id FROM clients_fts f JOIN clients c ON c.rowid = f.rowid WHERE clients_fts MATCH '{q}'"
            ),
        )
    };
    // The rebuild took in the client that was there before the step, by word prefix.
    assert_eq!(find("Ing*"), [[t(CLIENT)]]);
    assert_eq!(find("krag"), [[t(CLIENT)]]);
    assert_eq!(find("example*"), [[t(CLIENT)]], "by email");
    assert_eq!(find("40"), [[t(CLIENT)]], "by phone");
    // The triggers keep it in step with inserts, updates and deletes.
    exec(
        c,
        &format!(
            "INSERT INTO clients (id, name, created_by, created_at, updated_at)
             VALUES ('client-2', 'Ole Østergaard', '{OWNER}', '{T0}', '{T0}')"
        ),
    );
    assert_eq!(find("Øst*"), [[t("client-2")]]);
    exec(c, "UPDATE clients SET name = 'Ole Vestergaard' WHERE id = 'client-2'");
    assert!(find("Øst*").is_empty(), "the old name left the index");
    assert_eq!(find("Vest*"), [[t("client-2")]]);
    exec(c, "DELETE FROM clients WHERE id = 'client-2'");
    assert!(find("Vest*").is_empty());
    assert_eq!(rows(c, "SELECT count(*) FROM clients"), [[i(1)]]);
}

#[test]
fn step_06_relations_adds_treatment_relations() {
    let db = migrated(6);
    let c = &db.conn;
    assert!(exists(c, "table", "relations"));
    assert!(exists(c, "index", "relations_by_pair"));
    let relation = |id: &str, client: &str, kind: &str, reason: &str| {
        format!(
            "INSERT INTO relations (id, staff_id, client_id, kind, starts_at, reason, created_by, created_at)
             VALUES ('{id}', '{LARS}', '{client}', '{kind}', '{T0}', {reason}, '{OWNER}', '{T0}')"
        )
    };
    exec(c, &relation("r-1", CLIENT, "assignment", "NULL"));
    exec(c, &relation("r-2", CLIENT, "emergency", "'Akut: klienten ringer med smerter'"));
    exec(c, &relation("r-3", CLIENT, "block", "NULL"));
    refused(c, &relation("r-4", CLIENT, "friend", "NULL"), "CHECK constraint failed");
    refused(c, &relation("r-5", "client-unknown", "assignment", "NULL"), "FOREIGN KEY constraint failed");
    refused(c, &relation("r-6", CLIENT, "emergency", &format!("'{}'", "x".repeat(1001))), "CHECK constraint failed");
}

#[test]
fn step_07_client_record_adds_the_full_record_to_existing_clients() {
    let db = migrated(7);
    let c = &db.conn;
    assert_eq!(
        row(c, "SELECT birth_date, address, reception_note, status, national_id FROM clients"),
        [NULL, t(""), t(""), t("active"), NULL],
        "an existing client is active with an empty record"
    );
    assert!(exists(c, "index", "clients_national_id"));
    refused(c, "UPDATE clients SET status = 'deleted'", "CHECK constraint failed");
    refused(c, &format!("UPDATE clients SET address = '{}'", "x".repeat(501)), "CHECK constraint failed");
    refused(c, &format!("UPDATE clients SET reception_note = '{}'", "x".repeat(2001)), "CHECK constraint failed");
    // No two clients share a national ID; any number have none.
    let client = |id: &str, nid: &str| {
        format!(
            "INSERT INTO clients (id, name, created_by, created_at, updated_at, national_id)
             VALUES ('{id}', 'Klient {id}', '{OWNER}', '{T0}', '{T0}', {nid})"
        )
    };
    exec(c, &client("client-2", "'0707614285'"));
    refused(c, &client("client-3", "'0707614285'"), "UNIQUE constraint failed: clients.national_id");
    exec(c, &client("client-4", "NULL"));
    exec(c, &client("client-5", "NULL"));
}

#[test]
fn step_08_totp_adds_two_factor_columns_off_for_everyone() {
    let db = migrated(8);
    let c = &db.conn;
    assert_eq!(
        rows(c, "SELECT totp_secret, totp_pending, totp_last_step, totp_failures, totp_locked_until FROM staff"),
        vec![vec![NULL, NULL, NULL, i(0), NULL]; 3]
    );
    assert!(exists(c, "table", "totp_recovery_codes"));
    assert!(exists(c, "index", "totp_recovery_by_staff"));
    exec(c, &format!("INSERT INTO totp_recovery_codes (id, staff_id, code_hash) VALUES ('code-1', '{OWNER}', 'h')"));
    refused(
        c,
        "INSERT INTO totp_recovery_codes (id, staff_id, code_hash) VALUES ('code-2', 'staff-unknown', 'h')",
        "FOREIGN KEY constraint failed",
    );
}

#[test]
fn step_09_rights_gives_existing_staff_their_roles_former_rights() {
    let db = migrated(9);
    let c = &db.conn;
    assert_eq!(
        rows(c, "SELECT id, client_scope, features, can_edit, requires_pin, photo, photo_type FROM staff ORDER BY id"),
        [
            [t(OWNER), t("all"), t("clients,journal,calendar,reports,audit,settings"), i(1), i(0), NULL, NULL],
            [t(LARS), t("own"), t("clients,journal,calendar"), i(1), i(0), NULL, NULL],
            [t(DESK), t("all"), t("clients,calendar"), i(1), i(0), NULL, NULL],
        ]
    );
    assert_eq!(row(c, "SELECT staff_access FROM clients"), [t("edit")], "existing clients keep what they had");
    assert!(exists(c, "table", "calendar_rights"));
    let right = |staff: &str, of: &str, level: &str| {
        format!("INSERT INTO calendar_rights (staff_id, calendar_of, level) VALUES ('{staff}', '{of}', '{level}')")
    };
    exec(c, &right(DESK, LARS, "view"));
    refused(c, &right(DESK, LARS, "edit"), "UNIQUE constraint failed");
    refused(c, &right(LARS, LARS, "edit"), "CHECK constraint failed");
    refused(c, &right(OWNER, LARS, "admin"), "CHECK constraint failed");
    refused(c, "UPDATE staff SET client_scope = 'some'", "CHECK constraint failed");
    refused(c, "UPDATE staff SET photo_type = 'image/gif'", "CHECK constraint failed");
    refused(c, &format!("UPDATE staff SET features = '{}'", "x".repeat(201)), "CHECK constraint failed");
    refused(c, "UPDATE clients SET staff_access = 'all'", "CHECK constraint failed");
}

#[test]
fn step_10_attachments_are_part_of_the_record() {
    let db = migrated(10);
    let c = &db.conn;
    assert!(exists(c, "table", "attachments"));
    let pdf = "CAST('%PDF-1.4\n' AS BLOB)";
    let attach = |id: &str, entry: &str, mime: &str, size: i64| {
        format!(
            "INSERT INTO attachments (id, client_id, entry_id, name, mime, size, sha256, data, created_by, created_at)
             VALUES ('{id}', '{CLIENT}', {entry}, 'bilag.pdf', '{mime}', {size}, '{}', {pdf}, '{OWNER}', '{T0}')",
            "b".repeat(64)
        )
    };
    // On a client and on a draft entry; never on a signed one.
    exec(c, &attach("a-client", "NULL", "application/pdf", 9));
    exec(c, &attach("a-draft", &format!("'{DRAFT}'"), "application/pdf", 9));
    refused(
        c,
        &attach("a-signed", &format!("'{SIGNED}'"), "application/pdf", 9),
        "a signed journal entry cannot be changed",
    );
    // The size is the content's, the type one of four.
    refused(c, &attach("a-size", "NULL", "application/pdf", 10), "CHECK constraint failed");
    refused(c, &attach("a-type", "NULL", "text/html", 9), "CHECK constraint failed");
    // Never changed; removed only from a draft.
    refused(c, "UPDATE attachments SET name = 'andet.pdf' WHERE id = 'a-client'", "an attachment cannot be changed");
    refused(c, "DELETE FROM attachments WHERE id = 'a-client'", "cannot be removed");
    exec(c, "DELETE FROM attachments WHERE id = 'a-draft'");
    assert_eq!(rows(c, "SELECT id FROM attachments"), [[t("a-client")]]);
}

#[test]
fn step_11_auto_sign_marks_existing_entries_as_signed_by_hand() {
    let db = migrated(11);
    let c = &db.conn;
    assert_eq!(rows(c, "SELECT id, auto_signed FROM entries ORDER BY id"), [[t(SIGNED), i(0)], [t(DRAFT), i(0)]]);
    assert!(exists(c, "index", "entries_drafts"));
    refused(c, &format!("UPDATE entries SET auto_signed = 2 WHERE id = '{DRAFT}'"), "CHECK constraint failed");
    // The signed entry's new column is as frozen as the rest of it.
    refused(
        c,
        &format!("UPDATE entries SET auto_signed = 1 WHERE id = '{SIGNED}'"),
        "a signed journal entry cannot be changed",
    );
}

#[test]
fn step_12_template_fields_leaves_existing_templates_and_entries_plain() {
    let db = migrated(12);
    let c = &db.conn;
    assert_eq!(row(c, "SELECT fields, retired, created_by FROM templates"), [NULL, i(0), NULL]);
    assert_eq!(rows(c, "SELECT answers FROM entries"), [[NULL], [NULL]]);
    refused(c, "UPDATE templates SET fields = 'not json'", "CHECK constraint failed");
    refused(c, "UPDATE templates SET retired = 2", "CHECK constraint failed");
    refused(c, "UPDATE templates SET created_by = 'staff-unknown'", "FOREIGN KEY constraint failed");
    refused(c, &format!("UPDATE entries SET answers = '{{broken' WHERE id = '{DRAFT}'"), "CHECK constraint failed");
    exec(c, &format!("UPDATE templates SET fields = '[{{\"key\":\"smerte\"}}]', created_by = '{OWNER}'"));
    exec(c, &format!("UPDATE entries SET answers = '{{\"smerte\":3}}' WHERE id = '{DRAFT}'"));
    refused(
        c,
        &format!("UPDATE entries SET answers = '{{\"smerte\":9}}' WHERE id = '{SIGNED}'"),
        "a signed journal entry cannot be changed",
    );
}

#[test]
fn step_13_hardening_starts_every_counter_at_zero() {
    let db = migrated(13);
    let c = &db.conn;
    assert_eq!(
        rows(c, "SELECT password_failures, password_locked_until, password_expires_at, totp_disabled FROM staff"),
        vec![vec![i(0), NULL, NULL, i(0)]; 3]
    );
    assert_eq!(
        row(c, "SELECT strong, opened_by, opened_by_session FROM sessions"),
        [i(0), NULL, NULL],
        "an existing session is not a strong login"
    );
    assert!(exists(c, "table", "workstation_throttle"));
    exec(c, "INSERT INTO workstation_throttle (workstation) VALUES ('pc-reception')");
    assert_eq!(row(c, "SELECT failures, locked_until FROM workstation_throttle"), [i(0), NULL]);
    refused(c, "UPDATE workstation_throttle SET failures = -1", "CHECK constraint failed");
    refused(c, "UPDATE staff SET password_failures = -1", "CHECK constraint failed");
    refused(c, "UPDATE staff SET totp_disabled = 2", "CHECK constraint failed");
    refused(c, "UPDATE sessions SET strong = 2", "CHECK constraint failed");
    refused(c, "UPDATE sessions SET opened_by = 'staff-unknown'", "FOREIGN KEY constraint failed");
    refused(c, "UPDATE sessions SET opened_by_session = 'session-unknown'", "FOREIGN KEY constraint failed");
}

#[test]
fn step_14_calendar_adds_calendars_and_keeps_every_relation_while_allowing_appointment_relations() {
    let db = migrated(14);
    let c = &db.conn;
    for table in
        ["calendars", "working_hours", "absences", "services", "service_calendars", "appointments", "audit_seen"]
    {
        assert!(exists(c, "table", table), "{table}");
    }
    assert!(exists(c, "index", "appointments_by_calendar"));
    assert!(exists(c, "index", "relations_by_pair"), "the rebuilt relations table has its indexes");
    // The relations table was rebuilt for its new kind: its rows are the same (checked by
    // check_seed) and the new kind is accepted, an unknown one still refused.
    exec(
        c,
        &format!(
            "INSERT INTO relations (id, staff_id, client_id, kind, starts_at, created_by, created_at)
             VALUES ('rel-apt', '{LARS}', '{CLIENT}', 'appointment', '{T1}', '{OWNER}', '{T1}')"
        ),
    );
    refused(
        c,
        &format!(
            "INSERT INTO relations (id, staff_id, client_id, kind, starts_at, created_by, created_at)
             VALUES ('rel-x', '{LARS}', '{CLIENT}', 'friendship', '{T1}', '{OWNER}', '{T1}')"
        ),
        "CHECK constraint failed",
    );
    assert_eq!(
        rows(c, "SELECT key, value FROM settings WHERE key IN ('time_zone', 'appointment_relation') ORDER BY key"),
        [[t("appointment_relation"), t("1")], [t("time_zone"), t("Europe/Copenhagen")]],
        "the Danish clinic's zone"
    );
    seed_calendar(c);
    assert_eq!(row(c, "SELECT status, late_cancel FROM appointments"), [t("booked"), i(0)]);
    refused(c, &format!("UPDATE appointments SET ends_at = '{T0}'"), "CHECK constraint failed");
    refused(c, "UPDATE appointments SET status = 'cancelled'", "CHECK constraint failed");
    refused(c, "UPDATE appointments SET room_id = 'cal-lars'", "CHECK constraint failed");
    refused(c, "UPDATE appointments SET calendar_id = 'cal-none'", "FOREIGN KEY constraint failed");
    refused(c, "UPDATE services SET colour = 'red'", "CHECK constraint failed");
    refused(c, "UPDATE services SET minutes = 0", "CHECK constraint failed");
    refused(
        c,
        &format!("INSERT INTO calendars (id, kind, name, created_at) VALUES ('cal-x', 'staff', 'Nobody', '{T0}')"),
        "CHECK constraint failed",
    );
    refused(
        c,
        &format!("INSERT INTO calendars (id, kind, staff_id, name, created_at) VALUES ('cal-y', 'staff', '{LARS}', 'Lars 2', '{T0}')"),
        "UNIQUE constraint failed",
    );
    // A view's clients: one document per event, found by each client's id.
    exec(c, "INSERT INTO audit_seen (rowid, clients) VALUES (1, 'aaaa0001 bbbb0002'), (2, 'bbbb0002')");
    assert_eq!(
        rows(c, "SELECT rowid FROM audit_seen WHERE audit_seen MATCH '\"bbbb0002\"' ORDER BY rowid"),
        [[i(1)], [i(2)]]
    );
    assert_eq!(rows(c, "SELECT rowid FROM audit_seen WHERE audit_seen MATCH '\"aaaa0001\"'"), [[i(1)]]);
}

#[test]
fn step_15_appointments_by_calendar_clusters_appointments_and_keeps_every_row_and_rule() {
    let db = migrated(15);
    let c = &db.conn;
    // The seeded appointment came through (check_seed); the table is now kept in
    // (calendar, start) order, and a calendar's week is a range of its key.
    let sql: String = c
        .query_row("SELECT sql FROM sqlite_master WHERE name = 'appointments'", [], |r| r.get(0))
        .expect("appointments");
    assert!(sql.contains("WITHOUT ROWID") && sql.contains("PRIMARY KEY (calendar_id, starts_at, id)"), "{sql}");
    for index in ["appointments_by_id", "appointments_by_room", "appointments_by_client", "appointments_by_series"] {
        assert!(exists(c, "index", index), "{index}");
    }
    assert!(!exists(c, "index", "appointments_by_calendar"), "the key replaces the old index");
    let plan: Vec<String> = c
        .prepare(
            "EXPLAIN QUERY PLAN SELECT id FROM appointments
             WHERE calendar_id = 'cal-lars' AND starts_at > '2026' AND starts_at < '2027'",
        )
        .and_then(|mut s| s.query_map([], |r| r.get::<_, String>(3))?.collect())
        .expect("plan");
    assert!(plan.iter().any(|p| p.contains("USING PRIMARY KEY")), "{plan:?}");
    // The rules of schema 14 hold on the rebuilt table.
    refused(
        c,
        &format!(
            "INSERT INTO appointments (id, calendar_id, starts_at, ends_at, busy_until, created_by, created_at, updated_at)
             VALUES ('apt-1', 'cal-room', '{T0}', '{T1}', '{T1}', '{OWNER}', '{T0}', '{T0}')"
        ),
        "UNIQUE constraint failed: appointments.id",
    );
    refused(c, &format!("UPDATE appointments SET ends_at = '{T0}'"), "CHECK constraint failed");
    refused(c, "UPDATE appointments SET status = 'cancelled'", "CHECK constraint failed");
    refused(c, "UPDATE appointments SET room_id = 'cal-lars'", "CHECK constraint failed");
    refused(c, "UPDATE appointments SET calendar_id = 'cal-none'", "FOREIGN KEY constraint failed");
    // Moving an appointment moves its row within the key.
    exec(c, "UPDATE appointments SET starts_at = '2020-01-01T08:00:00.000000Z' WHERE id = 'apt-1'");
    assert_eq!(row(c, "SELECT starts_at FROM appointments WHERE id = 'apt-1'"), [t("2020-01-01T08:00:00.000000Z")]);
}

#[test]
fn step_16_invoices_adds_invoicing_with_issued_invoices_frozen_and_the_right_for_admins_and_the_desk() {
    let db = migrated(16);
    let c = &db.conn;
    for table in ["invoice_profile", "client_invoice_pins", "invoices", "invoice_lines", "payments"] {
        assert!(exists(c, "table", table), "{table}");
    }
    // The clinic's name starts its invoice details; protection is on by default.
    assert_eq!(
        row(c, "SELECT legal_name, pin_protection, payment_days FROM invoice_profile"),
        [t("Zorblax Fysioterapi"), i(1), i(14)]
    );
    // The owner and the desk got the invoices right; the practitioner did not.
    assert_eq!(
        rows(c, "SELECT role, features LIKE '%invoices%' FROM staff ORDER BY id"),
        [[t("owner"), i(1)], [t("practitioner"), i(0)], [t("reception"), i(1)]]
    );
    exec(
        c,
        &format!(
            "INSERT INTO invoices (id, client_id, language, created_by, created_at, updated_at)
                 VALUES ('inv-1', '{CLIENT}', 'da', '{OWNER}', '{T0}', '{T0}');
             INSERT INTO invoice_lines (id, invoice_id, position, description, quantity, unit_minor, vat, amount_minor, vat_minor)
                 VALUES ('line-1', 'inv-1', 1, 'Behandling', 1, 60000, 'exempt', 60000, 0);"
        ),
    );
    refused(
        c,
        "INSERT INTO payments (id, invoice_id, amount_minor, method, paid_on, created_by, created_at)
                VALUES ('p-0', 'inv-1', 100, 'cash', '2026-03-04', 'x', 'y')",
        "payments are registered on issued invoices",
    );
    refused(c, "UPDATE invoices SET status = 'issued' WHERE id = 'inv-1'", "CHECK constraint failed");
    exec(c, "UPDATE invoices SET status = 'issued', number = 1, issued_on = '2026-03-04', due_on = '2026-03-18', total_minor = 60000, vat_minor = 0 WHERE id = 'inv-1'");
    refused(c, "UPDATE invoices SET total_minor = 1", "an issued invoice cannot be changed");
    refused(c, "DELETE FROM invoices", "an issued invoice cannot be deleted");
    refused(c, "UPDATE invoice_lines SET amount_minor = 1", "an issued invoice cannot be changed");
    refused(c, "DELETE FROM invoice_lines", "an issued invoice cannot be changed");
    exec(
        c,
        &format!(
            "INSERT INTO payments (id, invoice_id, amount_minor, method, paid_on, created_by, created_at)
             VALUES ('p-1', 'inv-1', 20000, 'mobile', '2026-03-04', '{OWNER}', '{T0}')"
        ),
    );
    assert_eq!(
        row(c, "SELECT invoice_id, outstanding_minor FROM invoices_open"),
        [t("inv-1"), i(40000)],
        "issuing opened 600,00; the payment left 400,00"
    );
    refused(c, "UPDATE payments SET amount_minor = 1", "a payment cannot be changed");
    refused(c, "DELETE FROM payments", "a payment cannot be deleted");
    refused(
        c,
        &format!(
            "INSERT INTO invoices (id, number, client_id, language, created_by, created_at, updated_at)
             VALUES ('inv-2', 1, '{CLIENT}', 'da', '{OWNER}', '{T0}', '{T0}')"
        ),
        "CHECK constraint failed",
    );
    refused(
        c,
        &format!("INSERT INTO client_invoice_pins (client_id, pin, issued_at, issued_by) VALUES ('{CLIENT}', '12a456', '{T0}', '{OWNER}')"),
        "CHECK constraint failed",
    );
}

#[test]
fn step_17_reports_adds_report_definitions_and_the_reports_right_for_practitioners_and_the_desk() {
    let db = migrated(17);
    let c = &db.conn;
    assert!(exists(c, "table", "report_definitions"));
    assert!(exists(c, "index", "clients_by_created"));
    assert_eq!(
        rows(c, "SELECT role, ',' || features || ',' LIKE '%,reports,%' FROM staff ORDER BY id"),
        [[t("owner"), i(1)], [t("practitioner"), i(1)], [t("reception"), i(1)]],
        "everyone has the reports right now (the owner had it)"
    );
    exec(
        c,
        &format!(
            "INSERT INTO report_definitions (id, name, preset, columns, period, visible_to, created_at, updated_at)
             VALUES ('r-1', 'Marts', 'appointments', 'date,client', 'this_month', 'owner', '{T0}', '{T0}')"
        ),
    );
    refused(
        c,
        &format!(
            "INSERT INTO report_definitions (id, name, preset, columns, period, visible_to, created_at, updated_at)
             VALUES ('r-2', 'X', 'gossip', 'date', 'this_month', 'owner', '{T0}', '{T0}')"
        ),
        "CHECK constraint failed",
    );
    refused(
        c,
        &format!(
            "INSERT INTO report_definitions (id, name, preset, columns, period, visible_to, created_at, updated_at)
             VALUES ('r-3', 'X', 'appointments', 'date', 'fixed', 'owner', '{T0}', '{T0}')"
        ),
        "CHECK constraint failed",
    );
}

#[test]
fn step_18_relatives_marks_everyone_as_staff_and_binds_relatives_only_by_ending() {
    let db = migrated(18);
    let c = &db.conn;
    assert!(exists(c, "table", "relative_bindings"));
    assert_eq!(rows(c, "SELECT DISTINCT kind FROM staff"), [[t("staff")]], "every existing login is a staff member");
    exec(
        c,
        &format!(
            "INSERT INTO staff (id, name, email, role, password_hash, kind, client_scope, can_edit, features,
                                created_at, updated_at)
             VALUES ('rel-1', 'Mor Krag', 'mor@example.dk', 'reception', 'h', 'relative', 'none', 0, '', '{T0}', '{T0}')"
        ),
    );
    refused(
        c,
        &format!(
            "INSERT INTO staff (id, name, email, role, password_hash, kind, created_at, updated_at)
             VALUES ('rel-2', 'Far', 'far@example.dk', 'reception', 'h', 'relative', '{T0}', '{T0}')"
        ),
        "a relative has no staff rights",
    );
    refused(c, "UPDATE staff SET kind = 'relative' WHERE id = 'rel-1' OR kind = 'staff'", "kind cannot change");
    let bind = |id: &str, who: &str, reason: &str, consent: &str| {
        format!(
            "INSERT INTO relative_bindings (id, relative_id, client_id, reason, consent, appointments, schedule,
                                            reports, valid_from, created_by, created_at)
             VALUES ('{id}', '{who}', '{CLIENT}', '{reason}', {consent}, 1, 1, 0, '2026-03-04', '{OWNER}', '{T0}')"
        )
    };
    exec(c, &bind("b-1", "rel-1", "parent", "NULL"));
    refused(c, &bind("b-2", LARS, "parent", "NULL"), "only a relative can be bound");
    refused(c, &bind("b-3", "rel-1", "next_of_kin", "NULL"), "CHECK constraint failed");
    refused(c, &bind("b-4", "rel-1", "parent", "'oral'"), "CHECK constraint failed");
    exec(c, &bind("b-5", "rel-1", "next_of_kin", "'written'"));
    refused(c, "UPDATE relative_bindings SET reports = 1 WHERE id = 'b-1'", "only ended");
    exec(c, &format!("UPDATE relative_bindings SET ended_at = '{T0}', ended_by = '{OWNER}' WHERE id = 'b-1'"));
    refused(c, "UPDATE relative_bindings SET ended_at = NULL WHERE id = 'b-1'", "only ended");
    refused(c, "DELETE FROM relative_bindings WHERE id = 'b-5'", "bindings are kept");
}

#[test]
fn step_19_lifecycle_lets_only_a_running_erasure_remove_a_signed_entry() {
    let db = migrated(19);
    let c = &db.conn;
    assert!(exists(c, "table", "erasures"));
    exec(
        c,
        &format!(
            "INSERT INTO entries (id, client_id, author, care_at, body, status, created_at, updated_at, signed_at, signed_by)
             VALUES ('e-19', '{CLIENT}', '{OWNER}', '{T0}', 'Tekst', 'signed', '{T0}', '{T0}', '{T0}', '{OWNER}')"
        ),
    );
    refused(c, "DELETE FROM entries WHERE id = 'e-19'", "a signed journal entry cannot be deleted");
    let erasure = |state: &str| {
        format!(
            "INSERT INTO erasures (id, client_id, kind, state, decided_by, decided_at)
             VALUES ('x-{state}', '{CLIENT}', 'cleanup', '{state}', '{OWNER}', '{T0}')"
        )
    };
    exec(c, &erasure("done"));
    refused(c, "DELETE FROM entries WHERE id = 'e-19'", "a signed journal entry cannot be deleted");
    exec(c, &erasure("running"));
    exec(c, "DELETE FROM entries WHERE id = 'e-19'");
    exec(c, "UPDATE erasures SET state = 'done', removed = 'entries=1' WHERE id = 'x-running'");
    refused(c, "UPDATE erasures SET state = 'running' WHERE id = 'x-running'", "an erasure is recorded once");
    refused(c, "DELETE FROM erasures", "an erasure is recorded once");
    refused(
        c,
        &format!(
            "INSERT INTO erasures (id, client_id, kind, state, kept_rule, decided_by, decided_at)
             VALUES ('x-3', '{CLIENT}', 'request', 'done', 'journal', '{OWNER}', '{T0}')"
        ),
        "CHECK constraint failed",
    );
}

#[test]
fn step_20_consents_keeps_texts_and_consents_as_recorded() {
    let db = migrated(20);
    let c = &db.conn;
    assert!(exists(c, "table", "consent_texts") && exists(c, "table", "consents"));
    exec(
        c,
        &format!(
            "INSERT INTO consent_texts (id, key, version, title, body, required, created_at)
             VALUES ('t-1', 'personal_data', 1, 'Persondata', 'Jeg giver samtykke.', 1, '{T0}')"
        ),
    );
    refused(c, "UPDATE consent_texts SET body = 'Andet' WHERE id = 't-1'", "never changed");
    exec(c, "UPDATE consent_texts SET active = 0 WHERE id = 't-1'");
    refused(c, "DELETE FROM consent_texts", "consent texts are kept");
    let sha = "a".repeat(64);
    let consent = |id: &str, method: &str, typed: &str| {
        format!(
            "INSERT INTO consents (id, client_id, text_id, text_sha256, decision, method, typed_name, recorded_by, given_at)
             VALUES ('{id}', '{CLIENT}', 't-1', '{sha}', 'given', '{method}', {typed}, '{OWNER}', '{T0}')"
        )
    };
    exec(c, &consent("c-1", "typed", "'Inge Krag'"));
    refused(c, &consent("c-2", "typed", "NULL"), "CHECK constraint failed");
    refused(c, &consent("c-3", "drawn", "NULL"), "CHECK constraint failed");
    exec(c, &consent("c-4", "oral", "NULL"));
    refused(c, "UPDATE consents SET decision = 'refused' WHERE id = 'c-1'", "only withdrawn");
    exec(c, &format!("UPDATE consents SET withdrawn_at = '{T0}', withdrawn_by = '{OWNER}' WHERE id = 'c-1'"));
    refused(c, "UPDATE consents SET withdrawn_at = NULL, withdrawn_by = NULL WHERE id = 'c-1'", "only withdrawn");
    refused(c, "DELETE FROM consents WHERE id = 'c-4'", "consents are kept");
}

#[test]
fn step_21_own_language_is_one_of_the_four_or_none() {
    let db = migrated(21);
    let c = &db.conn;
    let lang = || -> Option<String> {
        c.query_row(&format!("SELECT language FROM staff WHERE id = '{OWNER}'"), [], |r| r.get(0)).expect("language")
    };
    assert_eq!(lang(), None, "everyone starts with the clinic's language");
    exec(c, &format!("UPDATE staff SET language = 'sv' WHERE id = '{OWNER}'"));
    assert_eq!(lang().as_deref(), Some("sv"));
    refused(c, &format!("UPDATE staff SET language = 'de' WHERE id = '{OWNER}'"), "CHECK constraint failed");
    exec(c, &format!("UPDATE staff SET language = NULL WHERE id = '{OWNER}'"));
    assert_eq!(lang(), None);
}

// ---- the steps together -------------------------------------------------------------

/// The schema, as SQLite keeps it (tables, indexes, triggers, with their SQL).
fn schema(conn: &Connection) -> Vec<Vec<Value>> {
    rows(conn, "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name")
}

#[test]
fn migrate_takes_every_older_schema_to_the_latest_with_its_rows() {
    let mut reference = empty_db();
    for step in 1..=migrations::latest() {
        apply_step(&mut reference.conn, step);
    }
    for from in 0..migrations::latest() {
        let mut db = empty_db();
        for step in 1..=from {
            apply_step(&mut db.conn, step);
        }
        seed(&db.conn, from);
        migrations::migrate(&mut db.conn).unwrap_or_else(|e| panic!("migrate from {from}: {e:?}"));
        assert_eq!(version(&db.conn), migrations::latest(), "from {from}");
        assert_eq!(schema(&db.conn), schema(&reference.conn), "from {from}: the same schema as step by step");
        check_seed(&db.conn, from);
        check_sound(&db.conn, from);
        // Already at the latest: nothing more to do.
        migrations::migrate(&mut db.conn).expect("migrate again");
        assert_eq!(version(&db.conn), migrations::latest());
    }
}

#[test]
fn a_database_from_a_newer_build_is_refused_and_left_alone() {
    let mut db = empty_db();
    migrations::migrate(&mut db.conn).expect("migrate");
    let newer = migrations::latest() + 1;
    db.conn.pragma_update(None, "user_version", newer).expect("pretend a newer build wrote it");
    let before = schema(&db.conn);
    let r = migrations::migrate(&mut db.conn);
    assert!(
        matches!(r, Err(klinik::Error::NewerVersion { found, known }) if found == newer && known == migrations::latest()),
        "{r:?}"
    );
    assert_eq!(version(&db.conn), newer);
    assert_eq!(schema(&db.conn), before);
}
