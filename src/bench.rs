//! `klinik bench`: measures a clinic made by `klinik demo` on this machine and prints one
//! line per measurement, `NAME p50_ms=… p95_ms=…` (or a throughput). Numbers, not
//! assertions: BENCHMARKS.md records them with the dataset and the machine.
//!
//! The gate's overhead is reported against two baselines on an unencrypted copy: a bare
//! cached read (how much the whole door costs) and the same read plus one audit row
//! committed with the same durability (how much the gate costs beyond what any durable
//! audit costs). The copy lies in clear in the temp folder while the run lasts, so only a
//! clinic marked as a demo by `klinik demo` is ever measured.

use crate::audit::{self, Filter};
use crate::clients::ClientInput;
use crate::clinic::Clinic;
use crate::ids::SessionId;
use crate::{Error, Result};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::time::{Duration, Instant};

/// One measured operation.
#[derive(Debug, Clone)]
pub struct Measurement {
    pub name: &'static str,
    pub samples: Vec<Duration>,
}

impl Measurement {
    fn pct(&self, p: f64) -> f64 {
        let mut v: Vec<f64> = self.samples.iter().map(|d| d.as_secs_f64() * 1000.0).collect();
        v.sort_by(|a, b| a.total_cmp(b));
        if v.is_empty() {
            return 0.0;
        }
        let idx = ((v.len() as f64 - 1.0) * p).round() as usize;
        v[idx.min(v.len() - 1)]
    }
    pub fn line(&self) -> String {
        format!("{} p50_ms={:.3} p95_ms={:.3} n={}", self.name, self.pct(0.5), self.pct(0.95), self.samples.len())
    }
}

/// `plan NAME: …` — the query plan SQLite chose for `sql` (with `params`), one line.
fn plan(clinic: &mut Clinic, name: &str, sql: &str, params: impl rusqlite::Params) -> Result<String> {
    let conn = clinic.conn_for_crate();
    let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))?;
    let steps: Vec<String> = stmt.query_map(params, |r| r.get::<_, String>(3))?.collect::<rusqlite::Result<_>>()?;
    Ok(format!("plan {name}: {}", steps.join(" | ")))
}

fn measure(name: &'static str, n: usize, mut f: impl FnMut(usize) -> Result<()>) -> Result<Measurement> {
    let mut samples = Vec::with_capacity(n);
    for i in 0..n {
        let t = Instant::now();
        f(i)?;
        samples.push(t.elapsed());
    }
    Ok(Measurement { name, samples })
}

/// Deletes the unencrypted benchmark copy (and its WAL files) however the run ends.
struct RemoveOnDrop(std::path::PathBuf);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
        for suffix in ["-wal", "-shm", "-journal"] {
            let mut p = self.0.clone().into_os_string();
            p.push(suffix);
            let _ = std::fs::remove_file(p);
        }
    }
}

/// Refuses every clinic that `klinik demo` did not make: the benchmark writes an
/// unencrypted copy of the clinic to the temp folder, which for a real clinic would put
/// its clients' journals there in clear. Call before anything else touches the clinic.
pub fn ensure_demo(clinic: &mut Clinic) -> Result<()> {
    if crate::settings::is_demo_clinic(clinic.conn_for_crate())? {
        Ok(())
    } else {
        Err(Error::Denied(
            "`klinik bench` runs only on a demo clinic made by `klinik demo`: it copies the clinic \
             unencrypted into the temp folder, and this clinic is not a demo"
                .into(),
        ))
    }
}

/// `journal_mode` and `synchronous` of one schema of the connection, as SQLite reports them.
fn durability(conn: &rusqlite::Connection, schema: &str) -> Result<(String, i64)> {
    let mode: String = conn.pragma_query_value(Some(schema), "journal_mode", |r| r.get(0))?;
    let sync: i64 = conn.pragma_query_value(Some(schema), "synchronous", |r| r.get(0))?;
    Ok((mode, sync))
}

/// Everything `klinik bench` prints, in order.
pub fn run(clinic: &mut Clinic, session: &SessionId, iterations: usize) -> Result<Vec<String>> {
    ensure_demo(clinic)?;
    let mut out = Vec::new();
    let mut rng = StdRng::seed_from_u64(42);
    let (clients, events): (i64, i64) = {
        let conn = clinic.conn_for_crate();
        (
            conn.query_row("SELECT count(*) FROM clients", [], |r| r.get(0))?,
            conn.query_row("SELECT count(*) FROM audit_events", [], |r| r.get(0))?,
        )
    };
    out.push(format!("dataset clients={clients} audit_events={events}"));
    let sample_ids: Vec<crate::ClientId> = {
        let conn = clinic.conn_for_crate();
        let mut stmt = conn.prepare("SELECT id FROM clients ORDER BY random() LIMIT 200")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let prefixes = ["An", "Bj", "Ka", "Ma", "Ol", "Si", "Ø", "Å", "Jen", "Lar", "Han", "Per"];

    let search = measure("client_search", iterations, |i| {
        clinic.list_clients(session, prefixes[i % prefixes.len()]).map(|_| ())
    })?;
    out.push(search.line());
    if !sample_ids.is_empty() {
        let open = measure("client_open_gated", iterations, |_| {
            let id = &sample_ids[rng.gen_range(0..sample_ids.len())];
            clinic.get_client(session, id).map(|_| ())
        })?;
        out.push(open.line());
    }
    let create = measure("client_create_gated", iterations.min(200), |i| {
        clinic
            .create_client(session, &ClientInput { name: format!("Bench Klient {i}"), ..Default::default() })
            .map(|_| ())
    })?;
    out.push(create.line());

    // The audit append alone, inside an open transaction (the gate adds it to every op).
    let host = clinic.workstation_host();
    let now = clinic.now();
    let append = {
        let conn = clinic.conn_for_crate();
        let tx = conn.transaction()?;
        let m = measure("audit_append", iterations, |_| {
            audit::append(
                &tx,
                now,
                &audit::NewEvent {
                    actor: None,
                    via: None,
                    workstation: &host,
                    action: "bench",
                    client: None,
                    object: None,
                    outcome: audit::Outcome::Ok,
                    reason: None,
                },
            )
            .map(|_| ())
        })?;
        drop(tx); // rolled back: the benchmark leaves no events behind
        m
    };
    out.push(append.line());

    let first_page = measure("audit_first_page", iterations, |_| {
        clinic.audit_page(session, &Filter::default(), None, 50).map(|_| ())
    })?;
    out.push(first_page.line());
    if !sample_ids.is_empty() {
        let client_page = measure("audit_client_page", iterations, |_| {
            let id = sample_ids[rng.gen_range(0..sample_ids.len())].clone();
            clinic.audit_page(session, &Filter::for_client(id), None, 50).map(|_| ())
        })?;
        out.push(client_page.line());
    }

    // Journals, if the dataset has them (`klinik demo --entries-per-client M`).
    let entry_count: i64 = clinic.conn_for_crate().query_row("SELECT count(*) FROM entries", [], |r| r.get(0))?;
    out.push(format!("dataset entries={entry_count}"));
    if entry_count > 0 && !sample_ids.is_empty() {
        let journal_gated = measure("journal_open_gated", iterations, |_| {
            let id = &sample_ids[rng.gen_range(0..sample_ids.len())];
            clinic.journal(session, id).map(|_| ())
        })?;
        out.push(journal_gated.line());
        let words = ["knæ", "achillessene", "nacken", "hælsmerter", "mobilisering", "fotbehandling", "opfølgning"];
        let fts = measure("fulltext_search_gated", iterations, |i| {
            clinic.search_journals(session, words[i % words.len()]).map(|_| ())
        })?;
        out.push(fts.line());
        let target = sample_ids[0].clone();
        let sign = measure("entry_create_and_sign_gated", iterations.min(100), |i| {
            let e =
                clinic.create_entry(session, &target, None, "", &format!("Bench-notat {i}: kontrol, ingen gener."))?;
            clinic.demo_sign_entry(session, &e.id).map(|_| ())
        })?;
        out.push(sign.line());

        // The same journal read on an unencrypted copy, raw, without the gate: the copy is
        // attached to this connection with an empty key (never a second connection),
        // made with sqlcipher_export, and deleted afterwards.
        let plain = std::env::temp_dir().join(format!("klinik-bench-plain-{}.db", std::process::id()));
        let _ = std::fs::remove_file(&plain);
        let cleanup = RemoveOnDrop(plain.clone());
        // The clinic's connection may not create files; an empty file is an empty database.
        std::fs::File::create(&plain)?;
        {
            let conn = clinic.conn_for_crate();
            conn.execute("ATTACH DATABASE ?1 AS plain KEY ''", [plain.to_string_lossy()])?;
            conn.query_row("SELECT sqlcipher_export('plain')", [], |_| Ok(()))?;
        }
        let journal_raw = {
            let conn = clinic.conn_for_crate();
            let mut stmt = conn.prepare(
                "SELECT e.id, e.body, a.name FROM plain.entries e JOIN plain.staff a ON a.id = e.author
                 WHERE e.client_id = ?1 ORDER BY e.care_at DESC, e.id DESC LIMIT 50",
            )?;
            measure("journal_open_raw_plain", iterations, |_| {
                let id = &sample_ids[rng.gen_range(0..sample_ids.len())];
                let rows = stmt.query_map([id], |r| r.get::<_, String>(1))?;
                for r in rows {
                    r?;
                }
                Ok(())
            })?
        };
        out.push(journal_raw.line());

        // The durable baseline: the same raw read plus one audit event appended to the
        // copy's own chain (head read, hash, insert under the copy's triggers and indexes)
        // and committed in WAL with synchronous=FULL, so every iteration ends in an fsync
        // like the gated read's audit commit. Rows go into the copy only, which is deleted.
        let host = clinic.workstation_host();
        let journal_durable = {
            let conn = clinic.conn_for_crate();
            let (attached_mode, attached_sync) = durability(conn, "plain")?;
            conn.pragma_update(Some("plain"), "journal_mode", "WAL")?;
            conn.pragma_update(Some("plain"), "synchronous", "FULL")?;
            let (main_mode, main_sync) = durability(conn, "main")?;
            let (plain_mode, plain_sync) = durability(conn, "plain")?;
            out.push(format!(
                "durability main journal_mode={main_mode} synchronous={main_sync} \
                 plain journal_mode={plain_mode} synchronous={plain_sync} (2 = FULL; as attached: \
                 journal_mode={attached_mode} synchronous={attached_sync})"
            ));
            if plain_mode != "wal" || plain_sync != 2 {
                return Err(Error::Internal(format!(
                    "the plain copy runs journal_mode={plain_mode} synchronous={plain_sync}, not wal/FULL"
                )));
            }
            let owner: String = conn.query_row("SELECT id FROM plain.staff WHERE role = 'owner'", [], |r| r.get(0))?;
            let mut read = conn.prepare(
                "SELECT e.id, e.body, a.name FROM plain.entries e JOIN plain.staff a ON a.id = e.author
                 WHERE e.client_id = ?1 ORDER BY e.care_at DESC, e.id DESC LIMIT 50",
            )?;
            let mut head = conn.prepare("SELECT seq, hash FROM plain.audit_events ORDER BY seq DESC LIMIT 1")?;
            let mut insert = conn.prepare(
                "INSERT INTO plain.audit_events
                 (seq, at, actor, via, workstation, action, client_id, object, outcome, reason, prev_hash, hash)
                 VALUES (?1, ?2, ?3, NULL, ?4, 'journal_read', ?5, NULL, 'ok', NULL, ?6, ?7)",
            )?;
            measure("journal_open_raw_plain_durable", iterations, |_| {
                let id = &sample_ids[rng.gen_range(0..sample_ids.len())];
                let tx = conn.unchecked_transaction()?;
                let rows = read.query_map([id], |r| r.get::<_, String>(1))?;
                for r in rows {
                    r?;
                }
                let (last, prev): (i64, String) = head.query_row([], |r| Ok((r.get(0)?, r.get(1)?)))?;
                let at = crate::clock::to_db(chrono::Utc::now());
                let hash = audit::row_hash(
                    &prev,
                    last + 1,
                    &at,
                    Some(&owner),
                    None,
                    &host,
                    "journal_read",
                    Some(id.as_str()),
                    None,
                    "ok",
                    None,
                );
                insert.execute(rusqlite::params![last + 1, at, owner, host, id, prev, hash])?;
                tx.commit()?;
                Ok(())
            })?
        };
        out.push(journal_durable.line());
        clinic.conn_for_crate().execute_batch("DETACH DATABASE plain")?;
        drop(cleanup);
        let ratio = journal_gated.pct(0.95) / journal_raw.pct(0.95).max(1e-9);
        out.push(format!(
            "gate_overhead_ratio={ratio:.2} (journal_open p95, gated encrypted / raw plain, cached read)"
        ));
        let durable = journal_gated.pct(0.95) / journal_durable.pct(0.95).max(1e-9);
        out.push(format!(
            "gate_overhead_ratio_durable={durable:.2} (journal_open p95, gated encrypted / raw plain + audit row, fsynced)"
        ));
    }

    calendar(clinic, session, iterations, &sample_ids, &mut out)?;
    invoices(clinic, session, iterations, &sample_ids, &mut out)?;
    reports(clinic, session, iterations, &mut out)?;

    let t = Instant::now();
    let v = clinic.verify_audit()?;
    let secs = t.elapsed().as_secs_f64();
    out.push(format!(
        "audit_verify events={} seconds={:.2} events_per_s={:.0} intact={}",
        v.events,
        secs,
        v.events as f64 / secs.max(1e-9),
        v.intact
    ));
    Ok(out)
}

/// A month of a ten-calendar clinic's appointments as a report through the gate (every
/// row's client decided by the policy, one audit event with the clients covered).
fn reports(clinic: &mut Clinic, session: &SessionId, iterations: usize, out: &mut Vec<String>) -> Result<()> {
    use crate::reports::{Period, Preset};
    use chrono::{Datelike, Months};
    let Some(def) = clinic
        .my_reports(session)?
        .into_iter()
        .find(|r| r.preset == Preset::Appointments && r.period == Period::ThisMonth)
    else {
        return Ok(());
    };
    out.push(plan(clinic, "report_appointments", crate::reports::APPOINTMENTS_SQL, ["a", "b"])?);
    let tz = clinic.time_zone()?;
    let today = crate::calendar::zone::to_local(tz, clinic.now()).date();
    let first = today.with_day(1).unwrap_or(today);
    let mut rows = 0usize;
    let mut rng = StdRng::seed_from_u64(17);
    let month = measure("report_month_gated", iterations.min(100), |_| {
        // One of the twelve months before this one.
        let from = first - Months::new(rng.gen_range(1..=12));
        let to = from + Months::new(1) - chrono::Duration::days(1);
        rows = clinic.run_report(session, &def.id, Some(from), Some(to))?.rows.len();
        Ok(())
    })?;
    out.push(format!("{} rows_last={rows}", month.line()));
    Ok(())
}

/// Invoicing: issuing one (the next number, the totals, the PDF encrypted with the
/// client's PIN, the audit events) and the outstanding list over every invoice issued.
fn invoices(
    clinic: &mut Clinic,
    session: &SessionId,
    iterations: usize,
    sample_ids: &[crate::ClientId],
    out: &mut Vec<String>,
) -> Result<()> {
    use crate::invoices::{LineInput, Payer, Show};
    let (count, open): (i64, i64) = clinic.conn_for_crate().query_row(
        "SELECT (SELECT count(*) FROM invoices), (SELECT count(*) FROM invoices_open)",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    out.push(format!("dataset invoices={count} outstanding={open}"));
    out.push(plan(
        clinic,
        "invoice_outstanding",
        &crate::invoices::list_sql(Show::Outstanding),
        [Option::<String>::None],
    )?);
    if sample_ids.is_empty() {
        return Ok(());
    }
    let n = iterations.min(200);
    let line = LineInput {
        appointment_id: None,
        description: "Benchmark".into(),
        treatment_on: None,
        quantity: 1,
        unit_minor: 60_000,
        discount_pct: 0,
        vat: crate::calendar::services::Vat::Exempt,
    };
    let mut drafts = Vec::with_capacity(n);
    for i in 0..n {
        let client = &sample_ids[i % sample_ids.len()];
        drafts.push(clinic.draft_invoice(session, client, &Payer::default(), &[], std::slice::from_ref(&line))?.id);
    }
    let issue = measure("invoice_issue_gated", n, |i| {
        clinic.issue_invoice(session, &drafts[i])?;
        clinic.invoice_pdf(session, &drafts[i]).map(|_| ())
    })?;
    out.push(issue.line());
    let mut shown = 0usize;
    let list = measure("invoice_outstanding_gated", iterations, |_| {
        shown = clinic.invoices(session, Show::Outstanding, None)?.len();
        Ok(())
    })?;
    out.push(format!("{} rows={shown}", list.line()));
    Ok(())
}

/// The calendar: a week of (up to) ten calendars side by side through the gate with its
/// audit event; booking (conflict check, relation, audit); a client's appointment list.
fn calendar(
    clinic: &mut Clinic,
    session: &SessionId,
    iterations: usize,
    sample_ids: &[crate::ClientId],
    out: &mut Vec<String>,
) -> Result<()> {
    use crate::calendar::appointments::Booking;
    use chrono::{Datelike, Duration};
    // The weeks measured are the demo's; the bookings this benchmark adds (far after them,
    // titled "Benchmark") are left out, so that a second run measures the same weeks.
    let (appointments, first, last, booked_until): (i64, Option<String>, Option<String>, Option<String>) =
        clinic.conn_for_crate().query_row(
            "SELECT count(*), min(starts_at), max(CASE WHEN title != 'Benchmark' THEN starts_at END), max(starts_at)
             FROM appointments",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )?;
    let calendars: Vec<crate::CalendarId> = clinic.calendars(session)?.into_iter().map(|c| c.id).take(10).collect();
    out.push(format!("dataset appointments={appointments} calendars={}", calendars.len()));
    let (Some(first), Some(last)) = (first, last) else { return Ok(()) };
    // The plans the calendar's speed relies on: index seeks, never a scan of appointments.
    for (name, sql) in [
        ("calendar_view", crate::calendar::appointments::view_sql()),
        ("conflict_check", crate::calendar::appointments::conflict_sql()),
    ] {
        out.push(plan(clinic, name, &sql, ["x", "a", "b", "c"])?);
    }
    let tz = clinic.time_zone()?;
    let day = |s: &str| crate::clock::from_db(s).map(|t| crate::calendar::zone::to_local(tz, t).date());
    let (first, last) = (day(&first)?, day(&last)?);
    let booked_until = match booked_until.as_deref() {
        Some(s) => day(s)?,
        None => last,
    };
    let weeks = ((last - first).num_days() / 7).max(1);
    let mut rng = StdRng::seed_from_u64(43);
    let mut shown = 0usize;
    let week = measure("calendar_week_gated", iterations, |_| {
        let d = first + Duration::weeks(rng.gen_range(0..weeks));
        let monday = d - Duration::days(i64::from(d.weekday().num_days_from_monday()));
        shown += clinic.calendar_view(session, &calendars, monday, 7)?.appointments.len();
        Ok(())
    })?;
    out.push(format!("{} appointments_per_week={}", week.line(), shown / iterations.max(1)));
    if let Some(cal) = calendars.first() {
        // Free slots far ahead: one a day at 07:00 local, from two years after the data
        // (or after an earlier run's bookings).
        let base = (last + Duration::days(730)).max(booked_until + Duration::days(1));
        let book = measure("appointment_book_gated", iterations.min(200), |i| {
            let b = Booking {
                calendar: cal.clone(),
                room: None,
                client: sample_ids.get(i % sample_ids.len().max(1)).cloned(),
                service: None,
                title: "Benchmark".into(),
                note: String::new(),
                start: (base + Duration::days(i as i64)).and_hms_opt(7, 0, 0).unwrap_or_default(),
                minutes: Some(30),
                repeat: None,
            };
            clinic.book(session, &b).map(|_| ())
        })?;
        out.push(book.line());
    }
    if !sample_ids.is_empty() {
        let list = measure("client_appointments_gated", iterations, |i| {
            clinic.client_appointments(session, &sample_ids[i % sample_ids.len()]).map(|_| ())
        })?;
        out.push(list.line());
    }
    Ok(())
}
