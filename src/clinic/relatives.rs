//! Relatives through the gate (src/relatives/): administrators bind a relative to a client
//! and end bindings; a relative sees their page, the bound client's appointments and the
//! printable schedule.

use super::*;
use crate::ids::BindingId;
use crate::relatives::view::{self, BoundClient, RelativeAppointment, Schedule};
use crate::relatives::{self, Binding, BindingInput, NewBinding};
use chrono::NaiveDate;

impl Clinic {
    /// A client's relatives: every binding, ended ones too (administrators).
    pub fn relatives_of(&mut self, session: &SessionId, client: &ClientId) -> Result<Vec<Binding>> {
        self.gated(session, Action::RelativeList, Some(client), |ctx| {
            relatives::list(ctx.conn(), Some(client), None, ctx.now())
        })
    }

    /// Binds a relative to `client` (a new relative gets a one-time password, shown once).
    /// Administrators signed in personally.
    pub fn bind_relative(
        &mut self,
        session: &SessionId,
        client: &ClientId,
        input: &BindingInput,
    ) -> Result<NewBinding> {
        self.gated(session, Action::RelativeManage, Some(client), |ctx| relatives::bind(ctx, client, input))
    }

    /// Ends a binding now; the relative's open sessions end with it.
    pub fn end_relative_binding(&mut self, session: &SessionId, client: &ClientId, binding: &BindingId) -> Result<()> {
        self.gated(session, Action::RelativeManage, Some(client), |ctx| relatives::end(ctx, client, binding))
    }

    /// A relative's own page: the clients they are bound to.
    pub fn relative_home(&mut self, session: &SessionId) -> Result<Vec<BoundClient>> {
        self.gated(session, Action::RelativeHome, None, view::home)
    }

    /// The bound client's appointments on `from..=to` (a relative, with a binding that
    /// reaches appointments).
    pub fn relative_appointments(
        &mut self,
        session: &SessionId,
        client: &ClientId,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<RelativeAppointment>> {
        self.gated(session, Action::RelativeAppointments, Some(client), |ctx| view::appointments(ctx, client, from, to))
    }

    /// The bound client's schedule for the coming `weeks` weeks, to print.
    pub fn relative_schedule(&mut self, session: &SessionId, client: &ClientId, weeks: u32) -> Result<Schedule> {
        self.gated(session, Action::RelativeSchedule, Some(client), |ctx| view::schedule(ctx, client, weeks))
    }
}
