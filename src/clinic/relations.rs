//! Treatment relations: assignments, blocks, their end, and emergency access.

use super::*;
use crate::relations::RelationKind;

impl Clinic {
    /// Opens a client's journal without a relation, for a few hours, with a stated
    /// reason ("break the glass"): allowed, audited as emergency access, flagged in the
    /// log review.
    pub fn emergency_access(&mut self, session: &SessionId, client: &ClientId, reason: &str) -> Result<()> {
        let reason = crate::relations::check_reason(reason)?;
        self.gated(session, Action::EmergencyAccess, Some(client), |ctx| {
            clients::get(ctx, client)?;
            let me = ctx.actor().staff_id.clone();
            let now = ctx.now();
            let ends = now + chrono::Duration::hours(crate::relations::EMERGENCY_HOURS);
            // The stated reason may carry health data: it stays in the (encrypted)
            // relation, and the audit event only points to it.
            let relation = crate::relations::add(
                ctx.conn(),
                &me,
                client,
                RelationKind::Emergency,
                now,
                Some(ends),
                Some(&reason),
                &me,
                now,
            )?;
            ctx.record_object(format!("{}{relation}", audit::RELATION_REF));
            Ok(())
        })
    }

    /// An admin assigns `staff` to `client` (from now on, until ended).
    pub fn assign_relation(&mut self, session: &SessionId, staff: &StaffId, client: &ClientId) -> Result<()> {
        self.change_relation(session, staff, client, Some(RelationKind::Assignment))
    }

    /// Assigns a client to a staff member for a period (local days, both included; no
    /// start = today, no end = until ended). Administrators; audited with the period.
    pub fn assign_relation_period(
        &mut self,
        session: &SessionId,
        staff: &StaffId,
        client: &ClientId,
        first_day: Option<chrono::NaiveDate>,
        last_day: Option<chrono::NaiveDate>,
    ) -> Result<()> {
        let now = self.clock.now();
        let starts = first_day.map(crate::relations::local_day_start).unwrap_or(now);
        let ends = last_day.map(|d| crate::relations::local_day_start(d + chrono::Duration::days(1)));
        if let Some(e) = ends {
            if e <= starts || e <= now {
                return Err(Error::invalid("the last day must be today or later, and not before the first day"));
            }
        }
        self.gated(session, Action::RelationChange, Some(client), |ctx| {
            clients::get(ctx, client)?;
            let exists: i64 =
                ctx.conn().query_row("SELECT count(*) FROM staff WHERE id = ?1", [staff], |r| r.get(0))?;
            if exists == 0 {
                return Err(Error::NotFound);
            }
            let by = ctx.actor().staff_id.clone();
            crate::relations::add(ctx.conn(), staff, client, RelationKind::Assignment, starts, ends, None, &by, now)?;
            ctx.record_object(format!(
                "assignment staff {staff} from {} until {}",
                first_day.map(|d| d.to_string()).unwrap_or_else(|| "now".into()),
                last_day.map(|d| d.to_string()).unwrap_or_else(|| "ended".into())
            ));
            Ok(())
        })
    }

    /// A client's treatment relations, ended ones included (administrators).
    pub fn client_relations(
        &mut self,
        session: &SessionId,
        client: &ClientId,
    ) -> Result<Vec<crate::relations::RelationView>> {
        self.gated(session, Action::RelationList, Some(client), |ctx| {
            crate::relations::list_for_client(ctx.conn(), client, ctx.now())
        })
    }

    /// An admin blocks `staff` from `client`'s journal, whatever else they may.
    pub fn block_relation(&mut self, session: &SessionId, staff: &StaffId, client: &ClientId) -> Result<()> {
        self.change_relation(session, staff, client, Some(RelationKind::Block))
    }

    /// An admin ends every relation and block between `staff` and `client`.
    pub fn end_relation(&mut self, session: &SessionId, staff: &StaffId, client: &ClientId) -> Result<()> {
        self.change_relation(session, staff, client, None)
    }

    pub(super) fn change_relation(
        &mut self,
        session: &SessionId,
        staff: &StaffId,
        client: &ClientId,
        kind: Option<RelationKind>,
    ) -> Result<()> {
        self.gated(session, Action::RelationChange, Some(client), |ctx| {
            clients::get(ctx, client)?;
            let exists: i64 =
                ctx.conn().query_row("SELECT count(*) FROM staff WHERE id = ?1", [staff], |r| r.get(0))?;
            if exists == 0 {
                return Err(Error::NotFound);
            }
            let by = ctx.actor().staff_id.clone();
            match kind {
                None => {
                    crate::relations::end(ctx.conn(), staff, client, ctx.now())?;
                }
                Some(k) => {
                    crate::relations::add(ctx.conn(), staff, client, k, ctx.now(), None, None, &by, ctx.now())?;
                }
            }
            // The same words as before the kinds were typed: the audit log's details.
            let what = kind.map(RelationKind::as_str).unwrap_or("end");
            ctx.record_object(format!("{what} staff {staff}"));
            Ok(())
        })
    }
}
