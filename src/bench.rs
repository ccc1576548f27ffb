//! `klinik bench`: measures a clinic made by `klinik demo` on this machine and prints one
//! line per measurement, `NAME p50_ms=… p95_ms=…` (or a throughput). Numbers, not
//! assertions: BENCHMARKS.md records them with the dataset and the machine.

use crate::audit::{self, Filter};
use crate::clients::ClientInput;
use crate::clinic::Clinic;
use crate::ids::SessionId;
use crate::Result;
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

fn measure(name: &'static str, n: usize, mut f: impl FnMut(usize) -> Result<()>) -> Result<Measurement> {
    let mut samples = Vec::with_capacity(n);
    for i in 0..n {
        let t = Instant::now();
        f(i)?;
        samples.push(t.elapsed());
    }
    Ok(Measurement { name, samples })
}

/// Deletes the unencrypted benchmark copy however the run ends.
struct RemoveOnDrop(std::path::PathBuf);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Everything `klinik bench` prints, in order.
pub fn run(clinic: &mut Clinic, session: &SessionId, iterations: usize) -> Result<Vec<String>> {
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
        let _cleanup = RemoveOnDrop(plain.clone());
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
        clinic.conn_for_crate().execute_batch("DETACH DATABASE plain")?;
        let _ = std::fs::remove_file(&plain);
        let ratio = journal_gated.pct(0.95) / journal_raw.pct(0.95).max(1e-9);
        out.push(format!("gate_overhead_ratio={ratio:.2} (journal_open p95, gated encrypted / raw plain)"));
    }

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
