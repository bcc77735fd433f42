//! The journal's record of order changes (replaces): each change is written
//! before it is sent and marked sent just before it leaves, like a place
//! (docs/reliability.md). Its log is `replaces` and `replace_events`, its
//! latest state `replace_states`, derived by the rules in `replace`.

use aries_client::models::Order;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::replace::{ReplaceEvent, ReplaceOutcome, ReplaceState};
use super::rows::{parse_time, time};
use super::{Durability, Journal, JournalError, begin};

/// One change and its latest state.
#[derive(Clone, Debug, PartialEq)]
pub struct ReplaceEntry {
    /// The change's own id (minted here; Aries never sees it).
    pub replace_id: String,
    pub account_id: String,
    /// The place intent the order belongs to, when it was placed from this journal.
    pub client_id: Option<String>,
    /// The replace request as sent.
    pub request: serde_json::Value,
    pub created_at: DateTime<Utc>,
    pub state: ReplaceState,
}

/// A change about to be sent.
pub struct NewReplace<'a> {
    pub replace_id: &'a str,
    pub account_id: &'a str,
    pub client_id: Option<&'a str>,
    /// The order as Aries listed it when the change was asked for.
    pub order: &'a Order,
    pub request: serde_json::Value,
    pub created_at: DateTime<Utc>,
}

const ENTRIES: &str = "SELECT r.replace_id, r.account_id, r.client_id, r.orig_cl_ord_id, r.ord_id, r.request, \
     r.created_at, s.outcome, s.detail, s.updated_at FROM replaces r JOIN replace_states s ON s.replace_id = r.replace_id";

impl Journal {
    /// Writes a change of `order` before it is sent. Refused while an earlier
    /// change of the same order is unresolved: which terms it has is not known.
    pub fn record_replace(&self, new: &NewReplace<'_>) -> Result<(), JournalError> {
        self.replace(new, false)
    }

    /// [`Self::record_replace`] and [`Self::record_replace_sent`] in one
    /// commit, one fsync: on disk there is either nothing, and nothing was
    /// sent, or a change that may have reached Aries (docs/reliability.md, rule 1).
    pub fn record_replace_as_sent(&self, new: &NewReplace<'_>) -> Result<(), JournalError> {
        self.replace(new, true)
    }

    fn replace(&self, new: &NewReplace<'_>, sent: bool) -> Result<(), JournalError> {
        let mut db = self.db();
        let tx = begin(&mut db, Durability::Full)?;
        let pending: Option<String> = tx
            .prepare_cached(
                "SELECT r.replace_id FROM replaces r JOIN replace_states s ON s.replace_id = r.replace_id
                 WHERE s.outcome IN ('sent', 'unknown') AND (r.orig_cl_ord_id = ?1 OR (r.ord_id IS NOT NULL AND r.ord_id = ?2))",
            )?
            .query_row(params![new.order.cl_ord_id, new.order.ord_id], |r| r.get(0))
            .optional()?;
        if pending.is_some() {
            return Err(JournalError::ChangePending(new.order.cl_ord_id.clone()));
        }
        tx.prepare_cached(
            "INSERT INTO replaces (replace_id, account_id, client_id, orig_cl_ord_id, ord_id, request, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?
        .execute(params![
            new.replace_id,
            new.account_id,
            new.client_id,
            new.order.cl_ord_id,
            new.order.ord_id,
            new.request.to_string(),
            time(new.created_at),
        ])?;
        let state = ReplaceState::new(new.order.cl_ord_id.clone(), new.order.ord_id.clone(), new.created_at);
        save(&tx, new.replace_id, &state)?;
        if sent {
            apply_in(&tx, new.replace_id, &ReplaceEvent::Sent)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Call just before sending the change; refused a second time.
    pub fn record_replace_sent(&self, replace_id: &str) -> Result<(), JournalError> {
        self.apply_replace(replace_id, &ReplaceEvent::Sent)
    }

    /// Aries made the change; `cl_ord_id` is the new link.
    pub fn record_replace_ack(&self, replace_id: &str, cl_ord_id: &str) -> Result<(), JournalError> {
        self.apply_replace(replace_id, &ReplaceEvent::Ack { cl_ord_id: cl_ord_id.into() })
    }

    /// Aries (or the client, before sending) refused the change.
    pub fn record_replace_refused(&self, replace_id: &str, reason: &str) -> Result<(), JournalError> {
        self.apply_replace(replace_id, &ReplaceEvent::Refused { reason: reason.into() })
    }

    /// No answer came: old or new terms, not known.
    pub fn record_replace_unknown(&self, replace_id: &str) -> Result<(), JournalError> {
        self.apply_replace(replace_id, &ReplaceEvent::Unknown)
    }

    /// Reconciliation's word that the change did not happen.
    pub fn record_replace_kept(&self, replace_id: &str, why: &str) -> Result<(), JournalError> {
        self.apply_replace(replace_id, &ReplaceEvent::Kept { why: why.into() })
    }

    /// The changes to reconcile, oldest first: sent with no answer yet, or whose answer was lost.
    pub fn unresolved_replaces(&self) -> Result<Vec<ReplaceEntry>, JournalError> {
        let sql = format!("{ENTRIES} WHERE s.outcome IN ('sent', 'unknown') ORDER BY r.created_at, r.rowid");
        let db = self.db();
        let raw: Vec<Raw> = db.prepare_cached(&sql)?.query_map([], Raw::read)?.collect::<Result<_, _>>()?;
        raw.into_iter().map(Raw::decode).collect()
    }

    pub fn replace_entry(&self, replace_id: &str) -> Result<Option<ReplaceEntry>, JournalError> {
        entry(&self.db(), replace_id)
    }

    fn apply_replace(&self, replace_id: &str, event: &ReplaceEvent) -> Result<(), JournalError> {
        let mut db = self.db();
        let tx = begin(&mut db, Durability::Full)?;
        apply_in(&tx, replace_id, event)?;
        tx.commit()?;
        Ok(())
    }
}

/// Offers an order record to every unresolved change it may settle (the
/// named link, or another link of the same order); logs only what it settled.
pub(super) fn seen(tx: &Transaction<'_>, order: &Order) -> Result<(), JournalError> {
    let ids: Vec<String> = tx
        .prepare_cached(
            "SELECT r.replace_id FROM replaces r JOIN replace_states s ON s.replace_id = r.replace_id
             WHERE s.outcome IN ('sent', 'unknown', 'replaced')
               AND (r.orig_cl_ord_id = ?1 OR (r.ord_id IS NOT NULL AND r.ord_id = ?2))",
        )?
        .query_map(params![order.cl_ord_id, order.ord_id], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let event = ReplaceEvent::Seen(Box::new(order.clone()));
    for id in ids {
        let Some(before) = entry(tx, &id)?.map(|e| e.state) else { continue };
        let mut after = before.clone();
        if after.apply(&event, Utc::now()).is_ok() && after.outcome != before.outcome {
            apply_in(tx, &id, &event)?;
        }
    }
    Ok(())
}

fn apply_in(tx: &Transaction<'_>, replace_id: &str, event: &ReplaceEvent) -> Result<(), JournalError> {
    let mut state = entry(tx, replace_id)?.ok_or_else(|| JournalError::UnknownIntent(replace_id.into()))?.state;
    let now = Utc::now();
    state.apply(event, now).map_err(|r| JournalError::Refused {
        client_id: replace_id.into(),
        state: r.state,
        event: r.event,
    })?;
    let (cl_ord_id, body) = match event {
        ReplaceEvent::Ack { cl_ord_id } => (Some(cl_ord_id.as_str()), None),
        ReplaceEvent::Refused { reason } => (None, Some(reason.clone())),
        ReplaceEvent::Kept { why } => (None, Some(why.clone())),
        ReplaceEvent::Seen(o) => (Some(o.cl_ord_id.as_str()), serde_json::to_string(o).ok()),
        ReplaceEvent::Sent | ReplaceEvent::Unknown => (None, None),
    };
    tx.prepare_cached(
        "INSERT INTO replace_events (replace_id, kind, cl_ord_id, body, at) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![replace_id, event.kind(), cl_ord_id, body, time(now)])?;
    save(tx, replace_id, &state)?;
    Ok(())
}

fn save(db: &Connection, replace_id: &str, state: &ReplaceState) -> rusqlite::Result<()> {
    db.prepare_cached(
        "INSERT INTO replace_states (replace_id, outcome, detail, updated_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (replace_id) DO UPDATE SET outcome = excluded.outcome, detail = excluded.detail,
           updated_at = excluded.updated_at",
    )?
    .execute(params![replace_id, state.outcome.name(), state.outcome.detail(), time(state.updated_at)])?;
    Ok(())
}

fn entry(db: &Connection, replace_id: &str) -> Result<Option<ReplaceEntry>, JournalError> {
    let sql = format!("{ENTRIES} WHERE r.replace_id = ?1");
    let raw = db.prepare_cached(&sql)?.query_row([replace_id], Raw::read).optional()?;
    raw.map(Raw::decode).transpose()
}

struct Raw([Option<String>; 10]);

impl Raw {
    fn read(row: &rusqlite::Row<'_>) -> rusqlite::Result<Raw> {
        let mut columns: [Option<String>; 10] = Default::default();
        for (i, column) in columns.iter_mut().enumerate() {
            *column = row.get(i)?;
        }
        Ok(Raw(columns))
    }

    fn decode(self) -> Result<ReplaceEntry, JournalError> {
        let [replace_id, account_id, client_id, orig, ord_id, request, created_at, outcome, detail, updated] = self.0;
        let replace_id = replace_id.unwrap_or_default();
        let bad = |what: &str| JournalError::BadRecord { client_id: replace_id.clone(), what: what.into() };
        let time_of = |text: Option<String>, what| text.as_deref().and_then(parse_time).ok_or_else(|| bad(what));
        let state = ReplaceState {
            orig_cl_ord_id: orig.unwrap_or_default(),
            ord_id,
            outcome: ReplaceOutcome::from_parts(outcome.as_deref().unwrap_or_default(), detail)
                .ok_or_else(|| bad("an unknown change outcome"))?,
            updated_at: time_of(updated, "the update time does not parse")?,
        };
        Ok(ReplaceEntry {
            account_id: account_id.unwrap_or_default(),
            client_id,
            request: serde_json::from_str(request.as_deref().unwrap_or_default())
                .map_err(|_| bad("the change request does not decode"))?,
            created_at: time_of(created_at, "the creation time does not parse")?,
            state,
            replace_id,
        })
    }
}
