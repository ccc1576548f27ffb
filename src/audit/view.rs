//! Reading the trail for people: the viewer's pages and filters, a client's access log,
//! and the CSV and FHIR exports.

use super::*;

/// One line of the audit viewer, with names resolved for display.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EventView {
    pub seq: i64,
    pub at: String,
    pub actor_name: Option<String>,
    pub via: Option<String>,
    pub workstation: String,
    pub action: String,
    pub client_id: Option<String>,
    pub client_name: Option<String>,
    pub outcome: String,
    /// What inside the client's data or the clinic was touched (an entry id, a setting).
    pub object: Option<String>,
    /// Why: a stated reason (emergency access) or why it was refused or failed.
    pub reason: Option<String>,
}

/// What the viewer narrows the trail to. Every field is optional; all given ones apply.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub actor: Option<StaffId>,
    pub client: Option<ClientId>,
    pub action: Option<String>,
    pub outcome: Option<Outcome>,
    /// Inclusive lower bound on the event time.
    pub from: Option<DateTime<Utc>>,
    /// Exclusive upper bound on the event time.
    pub to: Option<DateTime<Utc>>,
}

impl Filter {
    pub fn for_client(client: ClientId) -> Self {
        Self { client: Some(client), ..Self::default() }
    }

    /// Limits the filter to whole days `first..=last` (UTC), either end open.
    pub fn days(self, first: Option<chrono::NaiveDate>, last: Option<chrono::NaiveDate>) -> Self {
        let start = |d: chrono::NaiveDate| d.and_time(chrono::NaiveTime::MIN).and_utc();
        Self { from: first.map(start), to: last.and_then(|d| d.succ_opt()).map(start), ..self }
    }
}

pub const MAX_PAGE: u32 = 500;

/// Newest first, at most `limit` events older than `before_seq` that match `filter`
/// (keyset pagination: the cost does not grow with how far back the person pages).
pub(crate) fn page(conn: &Connection, filter: &Filter, before_seq: Option<i64>, limit: u32) -> Result<Vec<EventView>> {
    if limit == 0 || limit > MAX_PAGE {
        return Err(Error::invalid(format!("page size must be between 1 and {MAX_PAGE}")));
    }
    select(conn, filter, before_seq, Some(limit))
}

/// Every matching event, oldest first (exports and reports).
pub(crate) fn all(conn: &Connection, filter: &Filter) -> Result<Vec<EventView>> {
    let mut v = select(conn, filter, None, None)?;
    v.reverse();
    Ok(v)
}

/// How an event points to the relation that holds its stated reason (emergency access):
/// the event's `object` is this prefix and the relation's id. The reason itself stays in
/// the encrypted relations table and is never part of the hashed event.
pub const RELATION_REF: &str = "relation ";

fn select(conn: &Connection, filter: &Filter, before_seq: Option<i64>, limit: Option<u32>) -> Result<Vec<EventView>> {
    use rusqlite::types::Value;
    // Built from fixed fragments only; every value is a bound parameter. Each filter
    // becomes an equality on an indexed column so SQLite can seek instead of scan.
    let mut sql = String::from(
        "SELECT a.seq, a.at, s.name, v.name, a.workstation, a.action, a.client_id, c.name, a.outcome, a.object,
                CASE WHEN a.reason IS NULL AND a.object LIKE 'relation %'
                     THEN (SELECT r.reason FROM relations r WHERE r.id = substr(a.object, 10)) ELSE a.reason END
         FROM audit_events a
         LEFT JOIN staff s ON s.id = a.actor
         LEFT JOIN staff v ON v.id = a.via
         LEFT JOIN clients c ON c.id = a.client_id
         WHERE 1 = 1",
    );
    let mut args: Vec<Value> = Vec::new();
    // `clause` names the bound value as `?`; it becomes the value's own number.
    let mut add = |clause: &str, v: Value| {
        args.push(v);
        sql.push_str(&format!(" AND {}", clause.replace('?', &format!("?{}", args.len()))));
    };
    if let Some(b) = before_seq {
        add("a.seq < ?", Value::Integer(b));
    }
    if let Some(a) = &filter.actor {
        add("a.actor = ?", Value::Text(a.as_str().to_owned()));
    }
    if let Some(c) = &filter.client {
        // The client's own events, and the views that showed the client among others
        // (a calendar week: one event, its clients in audit_seen as one document).
        add(
            "(a.client_id = ? OR a.seq IN (SELECT rowid FROM audit_seen
                                            WHERE audit_seen MATCH '\"' || replace(?, '-', '') || '\"'))",
            Value::Text(c.as_str().to_owned()),
        );
    }
    if let Some(a) = &filter.action {
        add("a.action = ?", Value::Text(a.clone()));
    }
    if let Some(o) = filter.outcome {
        add("a.outcome = ?", Value::Text(o.as_str().to_owned()));
    }
    if let Some(f) = filter.from {
        add("a.at >= ?", Value::Text(clock::to_db(f)));
    }
    if let Some(t) = filter.to {
        add("a.at < ?", Value::Text(clock::to_db(t)));
    }
    sql.push_str(" ORDER BY a.seq DESC");
    if let Some(l) = limit {
        sql.push_str(&format!(" LIMIT {l}"));
    }
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(args), |r| {
        Ok(EventView {
            seq: r.get(0)?,
            at: r.get(1)?,
            actor_name: r.get(2)?,
            via: r.get(3)?,
            workstation: r.get(4)?,
            action: r.get(5)?,
            client_id: r.get(6)?,
            client_name: r.get(7)?,
            outcome: r.get(8)?,
            object: r.get(9)?,
            reason: r.get(10)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// RFC 4180 CSV of events, one row each. Cells that a spreadsheet would run as a
/// formula are prefixed with a quote, so an exported name can never execute.
pub fn to_csv(events: &[EventView]) -> String {
    fn cell(out: &mut String, v: &str) {
        crate::text::csv_cell(out, v, ',', false);
    }
    let mut out =
        String::from("seq,time_utc,actor,via,workstation,action,client_id,client_name,outcome,object,reason\r\n");
    for e in events {
        let cells = [
            e.seq.to_string(),
            e.at.clone(),
            e.actor_name.clone().unwrap_or_default(),
            e.via.clone().unwrap_or_default(),
            e.workstation.clone(),
            e.action.clone(),
            e.client_id.clone().unwrap_or_default(),
            e.client_name.clone().unwrap_or_default(),
            e.outcome.clone(),
            e.object.clone().unwrap_or_default(),
            e.reason.clone().unwrap_or_default(),
        ];
        for (i, c) in cells.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            cell(&mut out, c);
        }
        out.push_str("\r\n");
    }
    out
}

/// One FHIR R4 Bundle (type `collection`) of AuditEvent resources.
pub fn to_fhir(events: &[EventView], now: DateTime<Utc>) -> serde_json::Value {
    use serde_json::json;
    let entries: Vec<serde_json::Value> = events
        .iter()
        .map(|e| {
            // R4 AuditEvent.action: C create, R read, U update, D delete, E execute.
            let action = match e.action.as_str() {
                a if a.ends_with("_create") || a == "clinic_created" => "C",
                a if a.ends_with("_update") || a.ends_with("_mark") => "U",
                a if a.ends_with("_read") || a.ends_with("_list") || a.ends_with("_log") => "R",
                _ => "E",
            };
            // R4 AuditEvent.outcome: 0 success, 4 minor failure, 8 serious failure.
            let outcome = match e.outcome.as_str() {
                "ok" => "0",
                "denied" => "4",
                _ => "8",
            };
            let mut agent = json!({ "requestor": true });
            if let Some(name) = &e.actor_name {
                agent["who"] = json!({ "display": name });
            } else {
                agent["who"] = json!({ "display": "system" });
            }
            let mut resource = json!({
                "resourceType": "AuditEvent",
                "id": format!("klinik-audit-{}", e.seq),
                "type": {
                    "system": "http://terminology.hl7.org/CodeSystem/audit-event-type",
                    "code": "rest",
                    "display": "RESTful Operation"
                },
                "subtype": [{ "system": "urn:klinik:audit-action", "code": e.action }],
                "action": action,
                "recorded": e.at,
                "outcome": outcome,
                "agent": [agent],
                "source": { "site": e.workstation, "observer": { "display": "Klinik" } }
            });
            if let Some(c) = &e.client_id {
                resource["entity"] =
                    json!([{ "what": { "identifier": { "system": "urn:klinik:client", "value": c } } }]);
            }
            json!({ "resource": resource })
        })
        .collect();
    json!({
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": clock::to_db(now),
        "entry": entries
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_cover_whole_days_inclusive_of_the_last() {
        let day = |d| chrono::NaiveDate::from_ymd_opt(2026, 3, d).expect("a day");
        let f = Filter::default().days(Some(day(29)), Some(day(29)));
        assert_eq!(f.from.map(|t| t.to_rfc3339()), Some("2026-03-29T00:00:00+00:00".into()));
        assert_eq!(f.to.map(|t| t.to_rfc3339()), Some("2026-03-30T00:00:00+00:00".into()));
        let open = Filter::default().days(None, Some(day(31)));
        assert_eq!((open.from, open.to.map(|t| t.to_rfc3339())), (None, Some("2026-04-01T00:00:00+00:00".into())));
    }
}
