//! What the demo and benchmark builders need and a real clinic must never have: signing
//! without the password, bulk loading without durability, and the raw connection. Only
//! in builds with the `devtools` feature (the developer's CLI); the desktop app and the
//! packaged program are built without it.

use super::*;

impl Clinic {
    /// Signs a synthetic demo entry through the gate without asking for the password
    /// (generating a million entries would otherwise spend hours in Argon2).
    pub(crate) fn demo_sign_entry(
        &mut self,
        session: &SessionId,
        entry: &crate::EntryId,
    ) -> Result<crate::journal::Entry> {
        let client = crate::journal::entry_client(&self.conn, entry)?;
        self.gated(session, Action::EntrySign, client.as_ref(), |ctx| crate::journal::sign(ctx, entry))
    }

    /// Bulk loading for synthetic demo and benchmark clinics only: trades durability
    /// for speed (`synchronous = OFF`) until switched back. Never used for real work.
    pub(crate) fn set_bulk_load(&self, on: bool) -> Result<()> {
        self.conn.pragma_update(None, "synchronous", if on { "OFF" } else { "FULL" })?;
        Ok(())
    }

    pub(crate) fn conn_for_crate(&mut self) -> &mut Connection {
        &mut self.conn
    }

    pub(crate) fn workstation_host(&self) -> String {
        self.ws.host.clone()
    }

    pub(crate) fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }
}
