//! Whether the app may restart now (to install an update) without leaving an
//! order's fate unknown. Every order request (place, replace, cancel) passes
//! through the gate while it is on the wire; a restart closes the gate only
//! when none is, and only if the journal holds no order whose answer was lost
//! (docs/reliability.md). A closed gate refuses new sends before anything
//! leaves, so nothing can start between the check and the restart.

use std::sync::{Arc, Mutex};

use crate::error::{AppError, AppResult};

#[derive(Default)]
struct Gate {
    sending: usize,
    closed: bool,
}

#[derive(Clone, Default)]
pub struct OrderGate(Arc<Mutex<Gate>>);

/// An order request on the wire; the gate counts it until dropped.
pub struct Sending(OrderGate);

/// The gate stays closed for a restart while this lives; dropped (the
/// install failed), orders may be sent again.
pub struct RestartHold(OrderGate);

impl OrderGate {
    /// Lets one order request out, unless a restart holds the gate.
    pub fn start_send(&self) -> AppResult<Sending> {
        let mut gate = self.lock();
        if gate.closed {
            return Err(AppError::new(
                "update.restarting",
                "Aries Desk is restarting to install an update, so nothing was sent. Send it again after the restart.",
                true,
            ));
        }
        gate.sending += 1;
        Ok(Sending(self.clone()))
    }

    /// Closes the gate for a restart when no request is on the wire and
    /// `unresolved` (orders whose answer was lost) is zero.
    pub fn hold_for_restart(&self, unresolved: usize) -> AppResult<RestartHold> {
        let mut gate = self.lock();
        let open = gate.sending + unresolved;
        if open > 0 {
            return Err(AppError::new(
                "update.orders_unknown",
                format!(
                    "Not now: {open} order{s} still {verb} an answer from Aries. The update installs once every order's \
                     outcome is known (see the order list); nothing was installed.",
                    s = if open == 1 { "" } else { "s" },
                    verb = if open == 1 { "waits for" } else { "wait for" },
                ),
                true,
            ));
        }
        gate.closed = true;
        Ok(RestartHold(self.clone()))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Gate> {
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Drop for Sending {
    fn drop(&mut self) {
        self.0.lock().sending -= 1;
    }
}

impl Drop for RestartHold {
    fn drop(&mut self) {
        self.0.lock().closed = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_restart_waits_for_requests_on_the_wire_and_lost_answers() {
        let gate = OrderGate::default();
        let sending = gate.start_send().unwrap();
        assert_eq!(gate.hold_for_restart(0).err().unwrap().code, "update.orders_unknown");
        drop(sending);
        assert_eq!(gate.hold_for_restart(2).err().unwrap().code, "update.orders_unknown");
        let hold = gate.hold_for_restart(0).expect("nothing open");
        assert_eq!(gate.start_send().err().unwrap().code, "update.restarting", "closed: nothing leaves");
        drop(hold);
        assert!(gate.start_send().is_ok(), "a failed install opens the gate again");
    }
}
