//! The shell's side of the order journal (`aries_store::Journal`): it runs
//! the journal's protocol around each place and each change (replace), feeds
//! it the account stream, reconciles what was left unresolved, and reads the
//! blotter from it.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Instant;

use aries_client::OrderOutcome;
use aries_client::models::{Order, OrderStatus};
use aries_client::order::{OrderRequest, ReplaceRequest, WorkingOrder};
use aries_client::rest::mint_client_id;
use aries_client::stream::AccountEvent;
use aries_store::journal::verdict::{Doubt, Evidence, Verdict, judge};
use aries_store::journal::{Journal, JournalEntry, JournalError, NewReplace, Outcome, Recorded, ReplaceEntry};
use chrono::{DateTime, Duration, TimeDelta, Utc};

use crate::error::{AppError, AppResult};
use crate::fill_notices::{FillNotices, Known, Notice};
use crate::order_gate::{OrderGate, RestartHold, Sending};
use crate::session::{Connected, Desk};
use crate::views::orders::{OrderChainView, OrderView, PlaceResult};

impl From<JournalError> for AppError {
    fn from(error: JournalError) -> Self {
        AppError::new("journal", error.to_string(), true)
    }
}

/// A journal failure before the order went out: nothing was sent.
fn not_sent(error: JournalError) -> AppError {
    AppError::new("journal", format!("Nothing was sent. {error}"), true)
}

/// After an order's request has gone out, a miss by client id proves nothing
/// until this long after the send (longer than the client's 30-s timeout and
/// any server-side queue; docs/reliability.md).
pub const SETTLE: TimeDelta = TimeDelta::minutes(2);
/// How often unresolved intents are looked up again while any remain.
const RECHECK: std::time::Duration = std::time::Duration::from_secs(15);

#[derive(Clone)]
pub struct OrderJournal {
    db: Arc<Journal>,
    /// Intents whose send is under way in this process: never judged meanwhile.
    in_flight: Arc<Mutex<HashSet<String>>>,
    /// When this process sent each intent still unresolved, on the monotonic
    /// clock: a wall clock that jumps (a day off, then corrected) cannot make a
    /// miss look older or younger than it is. After a restart only the
    /// journal's wall-clock times remain.
    sent_here: Arc<Mutex<HashMap<String, Instant>>>,
    /// Why each intent still unresolved was not settled by its last lookup.
    doubts: Arc<Mutex<HashMap<String, Doubt>>>,
    /// The session whose accounts are reconciled, and whether a loop runs.
    session: Arc<Mutex<Weak<Connected>>>,
    settling: Arc<AtomicBool>,
    settle: TimeDelta,
    /// `clOrdId`s and `ord:{ordId}`s of orders placed elsewhere that the user
    /// asked this app to cancel (ours are in the journal): their cancel is no news.
    cancels_asked: Arc<Mutex<HashSet<String>>>,
    /// Order requests on the wire, and whether a restart holds them back.
    gate: OrderGate,
}

/// Where the account stream's task sends what the trader should hear of.
pub type NoticeSink = Arc<dyn Fn(Notice) + Send + Sync>;

impl OrderJournal {
    pub fn open(path: &Path) -> Result<Self, JournalError> {
        Ok(Self::over(Journal::open(path)?, SETTLE))
    }

    fn over(db: Journal, settle: TimeDelta) -> Self {
        OrderJournal {
            db: Arc::new(db),
            in_flight: Arc::default(),
            sent_here: Arc::default(),
            doubts: Arc::default(),
            session: Arc::new(Mutex::new(Weak::new())),
            settling: Arc::default(),
            settle,
            cancels_asked: Arc::default(),
            gate: OrderGate::default(),
        }
    }

    /// The journal file at `path`, whose misses count as proof `settle` after the send.
    #[cfg(test)]
    pub fn open_settling(path: &Path, settle: TimeDelta) -> Result<Self, JournalError> {
        Ok(Self::over(Journal::open(path)?, settle))
    }

    /// The journal itself, for tests that read what it holds.
    #[cfg(test)]
    pub fn store(&self) -> &Journal {
        &self.db
    }

    /// An in-memory journal whose misses count as proof `settle` after the send.
    #[cfg(test)]
    pub fn in_memory(settle: TimeDelta) -> Self {
        Self::over(Journal::in_memory().expect("an in-memory journal"), settle)
    }

    /// Journals the intent, sends it once, journals the answer. An intent
    /// journaled before is reported as it stands and never sent again. Once
    /// the request may have left, what the trader is told is Aries's answer
    /// (or UNKNOWN), whatever happens to the journal afterwards.
    pub async fn place(&self, desk: &Desk, c: &Arc<Connected>, request: &OrderRequest) -> AppResult<PlaceResult> {
        let client_id = request.client_id().ok_or_else(|| AppError::validation("The order has no client id."))?;
        let _sending = self.start_send()?;
        let flight = {
            // The intent and its sent mark are one commit, one fsync (docs/benchmarks.md, "Order round
            // trip"). It is in flight from that commit on, under the lock a lookup checks first, so a
            // lookup never takes it for an order whose answer was lost.
            let mut in_flight = lock(&self.in_flight);
            let recorded = self.db.record_intent_sent(request, Utc::now()).map_err(not_sent)?;
            if let Recorded::AlreadyRecorded(entry) = recorded {
                drop(in_flight);
                return Ok(self.replay(&entry));
            }
            InFlight::under(&mut in_flight, &self.in_flight, client_id)
        };
        lock(&self.sent_here).insert(client_id.to_string(), Instant::now());
        let outcome = match crate::commands::checked(desk, c.client.place(request).await).await {
            Ok(outcome) => outcome,
            Err(error) => {
                // The client refused before sending, or Aries answered with an error: no order exists.
                if after_send(self.db.record_rejected(client_id, &error.message)) {
                    lock(&self.sent_here).remove(client_id);
                } else {
                    drop(flight);
                    self.keep_settling(c);
                }
                return Err(error);
            }
        };
        let settled = match &outcome {
            OrderOutcome::Accepted(ack) => {
                let status = ack.status.clone().unwrap_or(OrderStatus::PendingNew);
                after_send(self.db.record_ack(client_id, ack.cl_ord_id.as_deref().unwrap_or(client_id), &status))
            }
            OrderOutcome::Rejected { reason, .. } => after_send(self.db.record_rejected(client_id, reason)),
            OrderOutcome::Unknown { .. } => {
                after_send(self.db.record_unknown(client_id));
                false
            }
        };
        if settled {
            lock(&self.sent_here).remove(client_id);
        } else {
            // Unknown, or the journal still says "sent": look it up until it is settled.
            drop(flight);
            self.keep_settling(c);
        }
        let mut result = PlaceResult::from_outcome(outcome, |ack| OrderView::acknowledged(request, &ack));
        if let PlaceResult::Unknown { order, .. } = &mut result {
            *order = self.db.entry(client_id).ok().flatten().map(|e| Box::new(self.entry_view(&e)));
        }
        Ok(result)
    }

    /// Journals the change of `order`, sends it once, journals the answer
    /// (docs/reliability.md). Refused before anything leaves while an earlier
    /// change of the order is unresolved. A lost answer is UNKNOWN and looked
    /// up like a place: old or new terms, settled by Aries's records, never resent.
    pub async fn replace(
        &self,
        desk: &Desk,
        c: &Arc<Connected>,
        account_id: &str,
        order: &Order,
        working: &WorkingOrder,
        request: &ReplaceRequest,
    ) -> AppResult<OrderOutcome<WorkingOrder>> {
        let _sending = self.start_send()?;
        let replace_id = mint_client_id();
        let intent = self.db.replace_chain(&order.cl_ord_id).map_err(not_sent)?.map(|(client_id, _)| client_id);
        let new = NewReplace {
            replace_id: &replace_id,
            account_id,
            client_id: intent.as_deref(),
            order,
            request: serde_json::to_value(request).expect("a replace request always serialises"),
            created_at: Utc::now(),
        };
        let flight = {
            // One commit for the change and its sent mark, in flight from it on (as in `place`).
            let mut in_flight = lock(&self.in_flight);
            self.db.record_replace_as_sent(&new).map_err(|error| match error {
                JournalError::ChangePending(_) => {
                    AppError::new("order.change_pending", format!("Nothing was sent: {error}."), false)
                }
                error => not_sent(error),
            })?;
            InFlight::under(&mut in_flight, &self.in_flight, &replace_id)
        };
        lock(&self.sent_here).insert(replace_id.clone(), Instant::now());
        let answer = crate::commands::checked(desk, c.client.replace(working, request).await).await;
        let settled = match &answer {
            // The client refused before sending, or Aries answered with an error: nothing changed.
            Err(error) => after_send(self.db.record_replace_refused(&replace_id, &error.message)),
            Ok(OrderOutcome::Accepted(replaced)) => {
                after_send(self.db.record_replace_ack(&replace_id, replaced.cl_ord_id()))
            }
            Ok(OrderOutcome::Rejected { reason, .. }) => {
                after_send(self.db.record_replace_refused(&replace_id, reason))
            }
            Ok(OrderOutcome::Unknown { .. }) => {
                after_send(self.db.record_replace_unknown(&replace_id));
                false
            }
        };
        if settled {
            lock(&self.sent_here).remove(&replace_id);
        } else {
            drop(flight);
            self.keep_settling(c);
        }
        answer
    }

    /// An order request (place, replace, cancel) is about to go out: counted
    /// until dropped, refused while a restart to update holds the gate.
    pub fn start_send(&self) -> AppResult<Sending> {
        self.gate.start_send()
    }

    /// Holds every order request back for a restart, but only when none is
    /// on the wire and no order or change in any account waits for its lost
    /// answer (docs/reliability.md); if the journal cannot be read, that is
    /// not known: refused.
    pub fn hold_for_restart(&self) -> AppResult<RestartHold> {
        let unresolved = self.db.unresolved()?.len() + self.db.unresolved_replaces()?.len();
        self.gate.hold_for_restart(unresolved)
    }

    /// *Check now*: looks one unresolved intent up at once and returns it as the blotter shows it.
    pub async fn check(&self, c: &Arc<Connected>, client_id: &str) -> AppResult<OrderView> {
        let entry = self.db.entry(client_id)?.filter(|e| c.has_account(&e.account_id)).ok_or_else(|| {
            AppError::new("order.unknown_intent", "No order placed from Aries Desk has this id.", false)
        })?;
        if is_unresolved(&entry) && !self.is_in_flight(client_id) {
            self.look_up(c, &entry).await?;
        }
        for change in self.unresolved_replaces(c) {
            if change.client_id.as_deref() == Some(client_id) {
                self.look_up_replace(c, &change).await?;
            }
        }
        let entry = self.db.entry(client_id)?.unwrap_or(entry);
        let mut view = self.entry_view(&entry);
        self.mark_changes_in_doubt(std::slice::from_mut(&mut view), &entry.account_id)?;
        Ok(view)
    }

    /// Notes a cancel the user asked for: in the journal when the order is
    /// one of ours, for this run otherwise.
    pub fn cancel_requested(&self, client_id: Option<&str>, order: &Order) {
        let journaled = client_id.map(|id| self.db.record_cancel_requested(id));
        match journaled {
            Some(Ok(())) => {}
            None | Some(Err(JournalError::UnknownIntent(_))) => {
                let mut asked = lock(&self.cancels_asked);
                asked.insert(order.cl_ord_id.clone());
                asked.extend(order.ord_id.as_ref().map(|id| format!("ord:{id}")));
            }
            Some(Err(error)) => tracing::warn!(%error, "a cancel request could not be journaled"),
        }
    }

    /// Records order records from a list or the stream (ours only; others are not journaled).
    pub fn record_orders(&self, orders: &[Order]) {
        for order in orders {
            self.journal_event(order);
        }
    }

    /// Records one order record; answers what the journal knows of it.
    fn record(&self, order: &Order, since: DateTime<Utc>) -> Known {
        let entry = self.journal_event(order).and_then(|id| self.db.entry(&id).ok().flatten());
        let asked = lock(&self.cancels_asked);
        let asked_here = asked.contains(&order.cl_ord_id)
            || order.ord_id.as_ref().is_some_and(|id| asked.contains(&format!("ord:{id}")));
        Known {
            cancel_asked: asked_here || entry.as_ref().is_some_and(|e| e.state.cancel_requested_at.is_some()),
            placed_since_start: entry.is_some_and(|e| e.created_at >= since),
        }
    }

    /// Journals an order record of ours; returns its intent's client id.
    fn journal_event(&self, order: &Order) -> Option<String> {
        self.db.record_event(order).unwrap_or_else(|error| {
            tracing::warn!(%error, "an order event could not be journaled");
            None
        })
    }

    /// The blotter: today's orders placed from this app, from the journal,
    /// plus the account's working orders that were placed elsewhere. Newest first.
    pub fn blotter(&self, account_id: &str, active: &[Order]) -> AppResult<Vec<OrderView>> {
        self.record_orders(active);
        let mut ours = self.db.orders(account_id, Utc::now() - Duration::hours(24))?;
        // An intent in doubt stays on screen however old its wall-clock time makes it look.
        for entry in self.db.unresolved()? {
            if entry.account_id == account_id && !ours.iter().any(|e| e.client_id == entry.client_id) {
                ours.push(entry);
            }
        }
        let mut views: Vec<OrderView> = ours.iter().map(|e| self.entry_view(e)).collect();
        // Ours by the client id Aries echoed, or by the clOrdId the journal linked (a server may not echo).
        let is_ours = |o: &&Order| {
            ours.iter().any(|e| {
                o.client_id.as_deref() == Some(e.client_id.as_str())
                    || e.state.cl_ord_id.as_deref() == Some(o.cl_ord_id.as_str())
            })
        };
        views.extend(active.iter().filter(|o| !is_ours(o)).map(OrderView::from));
        self.mark_changes_in_doubt(&mut views, account_id)?;
        views.sort_by(|a, b| b.updated_at.cmp(&a.updated_at));
        Ok(views)
    }

    /// A row whose change was sent and not answered is UNKNOWN: old or new
    /// terms, whichever its record shows, until Aries's records say which.
    fn mark_changes_in_doubt(&self, views: &mut [OrderView], account_id: &str) -> AppResult<()> {
        for change in self.db.unresolved_replaces()? {
            if change.account_id != account_id || self.is_in_flight(&change.replace_id) {
                continue;
            }
            for view in views.iter_mut().filter(|v| v.cl_ord_id == change.state.orig_cl_ord_id) {
                view.status = "UNKNOWN".into();
                view.reason = Some(CHANGE_IN_DOUBT.into());
            }
        }
        Ok(())
    }

    /// The replace chain of `cl_ord_id` in `account_id`; an order the journal
    /// does not know (placed elsewhere) is its own one-link chain.
    pub fn chain(&self, account_id: &str, cl_ord_id: &str) -> AppResult<OrderChainView> {
        if let Some((client_id, cl_ord_ids)) = self.db.replace_chain(cl_ord_id)?
            && self.db.entry(&client_id)?.is_some_and(|e| e.account_id == account_id)
        {
            return Ok(OrderChainView { client_id: Some(client_id), cl_ord_ids });
        }
        Ok(OrderChainView { client_id: None, cl_ord_ids: vec![cl_ord_id.to_string()] })
    }

    /// Journals the session's account events from now on, after reconciling
    /// what an earlier run left unresolved, and sends `notices` each fill,
    /// rejection and cancel the user did not ask for, once.
    pub fn follow(&self, connected: Arc<Connected>, notices: NoticeSink) {
        let journal = self.clone();
        self.keep_settling(&connected);
        // Without `account:information` there is no stream: lost answers are still looked up over REST.
        let Some(stream) = &connected.account else { return };
        let mut events = stream.events();
        // Not the session itself: the task ends when its stream closes, which dropping the session does.
        let accounts = connected.accounts.clone();
        let started = Utc::now();
        tokio::spawn(async move {
            use tokio::sync::broadcast::error::RecvError;
            let mut fills = FillNotices::default();
            loop {
                match events.recv().await {
                    Ok(AccountEvent::Order(order)) => {
                        let known = journal.record(&order, started);
                        if let Some(change) = fills.order(&order, known.cancel_asked) {
                            notices(Notice::of(&change, &order, &accounts));
                        }
                    }
                    Ok(AccountEvent::Snapshot(snapshot)) => {
                        let known: HashMap<&str, Known> = snapshot
                            .orders
                            .iter()
                            .map(|o| (o.cl_ord_id.as_str(), journal.record(o, started)))
                            .collect();
                        let known = |o: &Order| known.get(o.cl_ord_id.as_str()).copied().unwrap_or_default();
                        for (change, order) in fills.snapshot(&snapshot.account_id, &snapshot.orders, known) {
                            notices(Notice::of(&change, &order, &accounts));
                        }
                    }
                    Ok(_) | Err(RecvError::Lagged(_)) => {}
                    Err(RecvError::Closed) => return,
                }
            }
        });
    }

    /// Looks unresolved intents up every [`RECHECK`] until none is left or the
    /// session ends. One loop at a time, always for the current session.
    fn keep_settling(&self, connected: &Arc<Connected>) {
        *lock(&self.session) = Arc::downgrade(connected);
        if self.settling.swap(true, Ordering::SeqCst) {
            return;
        }
        let journal = self.clone();
        tokio::spawn(async move {
            loop {
                let session = lock(&journal.session).upgrade();
                let open = match &session {
                    Some(c) => journal.reconcile(c).await,
                    None => 0,
                };
                drop(session);
                if open == 0 {
                    journal.settling.store(false, Ordering::SeqCst);
                    // An intent turned unknown while this pass finished: go on for it.
                    let again = lock(&journal.session).upgrade().is_some_and(|c| journal.open_count(&c) > 0);
                    if !again || journal.settling.swap(true, Ordering::SeqCst) {
                        return;
                    }
                }
                tokio::time::sleep(RECHECK).await;
            }
        });
    }

    /// One pass over the session's unresolved intents and changes; returns how many remain open.
    async fn reconcile(&self, c: &Arc<Connected>) -> usize {
        for entry in self.unresolved(c) {
            if let Err(error) = self.look_up(c, &entry).await {
                tracing::warn!(%error, "an order with a lost answer could not be looked up yet");
                lock(&self.doubts).remove(&entry.client_id);
            }
        }
        for change in self.unresolved_replaces(c) {
            if let Err(error) = self.look_up_replace(c, &change).await {
                tracing::warn!(%error, "an order change with a lost answer could not be looked up yet");
            }
        }
        self.open_count(c)
    }

    /// The session's changes sent with no answer known, but for one this process is sending.
    fn unresolved_replaces(&self, c: &Connected) -> Vec<ReplaceEntry> {
        read_for_reconciliation(self.db.unresolved_replaces())
            .into_iter()
            .filter(|r| c.has_account(&r.account_id) && !self.is_in_flight(&r.replace_id))
            .collect()
    }

    /// Looks a change up in Aries's lists: the order's new link or the named
    /// link's end settle it (the journal's rules, `journal/replace.rs`). The
    /// named link still working proves the change was not made only once it
    /// could no longer arrive (the settle time after the send, as for a place).
    async fn look_up_replace(&self, c: &Connected, change: &ReplaceEntry) -> AppResult<()> {
        let sent_here = lock(&self.sent_here).get(&change.replace_id).copied();
        // The lists a place lookup reads: active orders and the history since
        // the change; the change's own id is on no order, so nothing is `found`.
        let lookup = c.client.reconcile(&change.account_id, &change.replace_id, change.created_at).await?;
        self.record_orders(&lookup.orders);
        let Some(change) = self.db.replace_entry(&change.replace_id)?.filter(|r| r.state.outcome.is_unresolved())
        else {
            lock(&self.sent_here).remove(&change.replace_id);
            return Ok(());
        };
        // Sent by this process: the monotonic clock's word; after a restart, the journal's time.
        let ago = match sent_here {
            Some(sent) => TimeDelta::from_std(sent.elapsed()).unwrap_or(TimeDelta::MAX),
            None => lookup.started_at - change.created_at,
        };
        let orig = &change.state.orig_cl_ord_id;
        let old_terms_working = lookup.orders.iter().any(|o| &o.cl_ord_id == orig && o.is_working());
        if old_terms_working && ago >= self.settle {
            let why =
                format!("Aries still lists order {orig} on its old terms after the change could no longer arrive");
            match self.db.record_replace_kept(&change.replace_id, &why) {
                // The stream settled it while we looked: nothing left to do.
                Ok(()) | Err(JournalError::Refused { .. }) => {}
                Err(error) => return Err(error.into()),
            }
            lock(&self.sent_here).remove(&change.replace_id);
        }
        Ok(())
    }

    fn unresolved(&self, c: &Connected) -> Vec<JournalEntry> {
        read_for_reconciliation(self.db.unresolved())
            .into_iter()
            .filter(|e| c.has_account(&e.account_id) && !self.is_in_flight(&e.client_id))
            .collect()
    }

    /// Unresolved intents that time may settle: not yet looked up, a failed
    /// lookup, or a miss too soon after the send. A doubt time cannot lift (no
    /// echo, a look-alike) waits for the stream, *Check now* or the next start.
    fn open_count(&self, c: &Connected) -> usize {
        let doubts = lock(&self.doubts);
        let waits = |e: &JournalEntry| matches!(doubts.get(&e.client_id), None | Some(Doubt::TooSoon { .. }));
        // A change in doubt is settled by a lookup in time (a new link, or the old one still working).
        self.unresolved(c).iter().filter(|e| waits(e)).count() + self.unresolved_replaces(c).len()
    }

    /// Looks one intent up by its client id and settles it only if the lookup proves its fate.
    async fn look_up(&self, c: &Connected, entry: &JournalEntry) -> AppResult<()> {
        let sent_here = lock(&self.sent_here).get(&entry.client_id).copied();
        let began = Instant::now();
        // Sent by this process: how long ago is the monotonic clock's word, whatever the wall clock says.
        let ago =
            sent_here.map(|sent| TimeDelta::from_std(began.saturating_duration_since(sent)).unwrap_or(TimeDelta::MAX));
        let since = ago.map_or(entry.created_at, |ago| entry.created_at.min(Utc::now() - ago));
        let lookup = c.client.reconcile(&entry.account_id, &entry.client_id, since).await?;
        // Our other orders in the lists: their records also show whether Aries echoes client ids.
        self.record_orders(&lookup.orders);
        let sent_at = match ago {
            Some(ago) => Some(lookup.started_at - ago),
            None => self.db.sent_at(&entry.client_id)?,
        };
        let evidence = Evidence {
            intent: entry,
            sent_at,
            found: lookup.found.as_ref(),
            orders: &lookup.orders,
            looked_at: lookup.started_at,
            echo_seen: self.db.echo_seen()?,
        };
        let verdict = judge(&evidence, self.settle);
        tracing::info!(verdict = ?std::mem::discriminant(&verdict), "an order with a lost answer was looked up");
        let settled = match verdict {
            Verdict::Placed(order) => Some(Some(order)),
            Verdict::NotPlaced => Some(None),
            Verdict::Undecided(doubt) => {
                lock(&self.doubts).insert(entry.client_id.clone(), doubt);
                None
            }
        };
        if let Some(order) = settled {
            lock(&self.doubts).remove(&entry.client_id);
            lock(&self.sent_here).remove(&entry.client_id);
            match self.db.resolve(&entry.client_id, order) {
                // The stream settled it while we looked: nothing left to do.
                Ok(()) | Err(JournalError::Refused { .. }) => {}
                Err(error) => return Err(error.into()),
            }
        }
        Ok(())
    }

    fn is_in_flight(&self, client_id: &str) -> bool {
        lock(&self.in_flight).contains(client_id)
    }

    /// What a second Confirm of an intent gets: its fate so far, never a second send.
    fn replay(&self, entry: &JournalEntry) -> PlaceResult {
        match &entry.state.outcome {
            Outcome::Accepted => PlaceResult::Accepted { order: Box::new(self.entry_view(entry)) },
            Outcome::Rejected { reason } => PlaceResult::Rejected { reason: reason.clone() },
            Outcome::NotPlaced => PlaceResult::Rejected {
                reason: "NOT_PLACED: Aries never received this order (looked up by its id after it could no longer \
                         arrive). Preview it again to send it."
                    .into(),
            },
            _ => PlaceResult::Unknown {
                client_id: entry.client_id.clone(),
                message: "This order was already submitted once and was not sent again. Its state is in the order \
                          list."
                    .into(),
                order: Some(Box::new(self.entry_view(entry))),
            },
        }
    }

    /// An intent as the blotter shows it: Aries's latest record of the order if
    /// one was seen, else the terms as sent with the journal's status. One whose
    /// fate is not known is UNKNOWN, with why.
    fn entry_view(&self, entry: &JournalEntry) -> OrderView {
        let state = &entry.state;
        if let Some(order) = &state.order {
            let mut view = OrderView::from(order);
            // The intent's own id, whatever the server put in that field: the window keys rows by it.
            view.client_id = Some(entry.client_id.clone());
            return view;
        }
        let request: Option<OrderRequest> = serde_json::from_value(entry.request.clone()).ok();
        let in_doubt = is_unresolved(entry) && !self.is_in_flight(&entry.client_id);
        let status = match (&state.status, &state.outcome) {
            _ if in_doubt => "UNKNOWN".to_string(),
            (Some(status), _) => status.as_str().to_string(),
            (None, Outcome::NotPlaced) => "NOT_PLACED".into(),
            (None, Outcome::Rejected { .. }) => "REJECTED".into(),
            (None, _) => "PENDING_NEW".into(),
        };
        let mut view = OrderView::intended(entry, request.as_ref(), status);
        if in_doubt {
            view.reason = Some(doubt_text(lock(&self.doubts).get(&entry.client_id)));
        }
        view
    }
}

/// What the trader reads on a row whose change's answer was lost.
const CHANGE_IN_DOUBT: &str = "The answer to a change was lost: old or new terms, not known yet. It was not sent \
                               again; Check now looks it up.";

/// Sent, and Aries's answer is not known.
fn is_unresolved(entry: &JournalEntry) -> bool {
    matches!(entry.state.outcome, Outcome::Sent | Outcome::Unknown)
}

/// What the trader reads on an UNKNOWN row.
fn doubt_text(doubt: Option<&Doubt>) -> String {
    let why = match doubt {
        None => "Looking it up…".to_string(),
        Some(Doubt::TooSoon { until }) => {
            format!("Not in Aries's lists yet; it could still arrive until {} UTC.", until.format("%H:%M:%S"))
        }
        Some(Doubt::NoEcho) => {
            "Aries's lists do not show our order ids, so a miss proves nothing: check the order list and positions \
             before entering it again."
                .into()
        }
        Some(Doubt::LookAlike { cl_ord_id }) => {
            format!("Order {cl_ord_id} has the same terms and may be this one: check it before entering it again.")
        }
        Some(Doubt::NoSendTime) => "The journal has no send time for it: check the order list.".into(),
    };
    format!("The answer was lost. {why}")
}

/// A journal write after the request went out failed. The trader still gets
/// Aries's answer; the account stream and reconciliation record it later.
/// Returns whether it was written.
fn after_send(result: Result<(), JournalError>) -> bool {
    match result {
        Ok(()) => true,
        Err(error) => {
            tracing::warn!(%error, "an order's answer could not be journaled; it will be reconciled");
            false
        }
    }
}

/// Marks an intent as being sent by this process until dropped.
struct InFlight {
    set: Arc<Mutex<HashSet<String>>>,
    client_id: String,
}

impl InFlight {
    /// Marks `client_id` in flight in `set`, whose lock the caller has `held`
    /// since before the journal's commit, so a lookup never sees one without the other.
    fn under(held: &mut HashSet<String>, set: &Arc<Mutex<HashSet<String>>>, client_id: &str) -> Self {
        held.insert(client_id.to_string());
        InFlight { set: set.clone(), client_id: client_id.to_string() }
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        lock(&self.set).remove(&self.client_id);
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A journal read for reconciliation: a failed read is logged and leaves
/// nothing to reconcile this round (the next round reads again).
fn read_for_reconciliation<T>(read: Result<Vec<T>, JournalError>) -> Vec<T> {
    read.unwrap_or_else(|error| {
        tracing::warn!(%error, "the order journal could not be read for reconciliation");
        Vec::new()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::views::orders::{OrderKind, OrderTicket, TicketSide, Tif};

    fn request(client_id: &str) -> OrderRequest {
        OrderTicket {
            account_id: "SIM-1".into(),
            symbol: "AAPL".into(),
            side: TicketSide::Buy,
            kind: OrderKind::Limit,
            quantity: "1".into(),
            limit_price: Some("100".into()),
            stop_price: None,
            tif: Tif::Day,
        }
        .request(client_id)
        .unwrap()
    }

    fn order(cl: &str, client_id: Option<&str>, status: &str, updated: &str) -> Order {
        serde_json::from_value(serde_json::json!({
            "clOrdId": cl, "clientId": client_id, "accountId": "SIM-1", "symbol": "AAPL", "side": "BUY",
            "type": "LIMIT", "qty": "1", "price": "100", "ordStatus": status, "cumQty": "0", "leavesQty": "1",
            "updatedAt": updated,
        }))
        .unwrap()
    }

    #[test]
    fn every_doubt_reads_as_one_plain_sentence_pair() {
        let doubts = [
            None,
            Some(Doubt::NoEcho),
            Some(Doubt::TooSoon { until: Utc::now() }),
            Some(Doubt::LookAlike { cl_ord_id: "A-1".into() }),
            Some(Doubt::NoSendTime),
        ];
        for doubt in doubts {
            let text = doubt_text(doubt.as_ref());
            assert!(text.starts_with("The answer was lost. "), "{text}");
            assert!(!text.contains("  ") && !text.contains('\n'), "stray whitespace in {text:?}");
        }
    }

    #[test]
    fn a_second_confirm_reports_the_first_and_is_not_sent() {
        let journal = OrderJournal::in_memory(SETTLE);
        assert_eq!(journal.db.record_intent(&request("desk-1"), Utc::now()).unwrap(), Recorded::New);
        journal.db.record_sent("desk-1").unwrap();
        let Recorded::AlreadyRecorded(entry) = journal.db.record_intent(&request("desk-1"), Utc::now()).unwrap() else {
            panic!("the same intent twice must be refused");
        };
        assert!(matches!(journal.replay(&entry), PlaceResult::Unknown { .. }), "sent, no answer yet");

        journal.db.record_rejected("desk-1", "ORDER_EXCEEDS_LIMIT").unwrap();
        let entry = journal.db.entry("desk-1").unwrap().unwrap();
        assert_eq!(journal.replay(&entry), PlaceResult::Rejected { reason: "ORDER_EXCEEDS_LIMIT".into() });
    }

    #[test]
    fn the_blotter_shows_our_intents_as_aries_last_reported_them_and_others_working_orders() {
        let journal = OrderJournal::in_memory(SETTLE);
        journal.db.record_intent(&request("desk-7"), Utc::now()).unwrap();
        journal.db.record_sent("desk-7").unwrap();
        journal.db.record_ack("desk-7", "a-1", &OrderStatus::New).unwrap();
        // Replaced then canceled: one row, the newest link, not one per clOrdId.
        journal.record_orders(&[order("a-2", Some("desk-7"), "NEW", "2026-11-23T15:00:00Z")]);
        journal.record_orders(&[order("a-2", Some("desk-7"), "CANCELED", "2026-11-23T15:01:00Z")]);
        let elsewhere = order("web-1", None, "NEW", "2026-11-23T14:00:00Z");

        let blotter = journal.blotter("SIM-1", std::slice::from_ref(&elsewhere)).unwrap();
        let rows: Vec<_> = blotter.iter().map(|v| (v.cl_ord_id.as_str(), v.status.as_str(), v.working)).collect();
        assert_eq!(rows, [("a-2", "CANCELED", false), ("web-1", "NEW", true)]);
        assert!(journal.blotter("OTHER", &[]).unwrap().is_empty());
    }

    #[test]
    fn an_intent_whose_answer_was_lost_shows_its_terms_as_unknown() {
        let journal = OrderJournal::in_memory(SETTLE);
        journal.db.record_intent(&request("desk-9"), Utc::now()).unwrap();
        journal.db.record_sent("desk-9").unwrap();
        journal.db.record_unknown("desk-9").unwrap();
        let blotter = journal.blotter("SIM-1", &[]).unwrap();
        assert_eq!(blotter.len(), 1);
        let row = &blotter[0];
        assert_eq!(
            (row.symbol.as_str(), row.status.as_str(), row.client_id.as_deref()),
            ("AAPL", "UNKNOWN", Some("desk-9"))
        );
        assert_eq!(row.limit_price, Some(100.into()));
        assert!(row.reason.as_deref().is_some_and(|r| r.starts_with("The answer was lost.")), "{row:?}");
        // While its send is still under way in this process it is pending, not in doubt.
        let _flight = InFlight::under(&mut lock(&journal.in_flight), &journal.in_flight, "desk-9");
        assert_eq!(journal.blotter("SIM-1", &[]).unwrap()[0].status, "PENDING_NEW");
    }

    #[test]
    fn the_journal_survives_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data").join("journal.sqlite");
        OrderJournal::open(&path).unwrap().db.record_intent(&request("desk-2"), Utc::now()).unwrap();
        let reopened = OrderJournal::open(&path).unwrap();
        assert!(matches!(
            reopened.db.record_intent(&request("desk-2"), Utc::now()).unwrap(),
            Recorded::AlreadyRecorded(_)
        ));
    }
}
