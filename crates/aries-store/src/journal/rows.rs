//! The journal's rows: events in and out of the log, the derived latest
//! state of each intent, and the `clOrdId` chain that maps stream records to
//! intents.

use aries_client::models::{Order, OrderStatus};
use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::state::{Event, IntentState, Outcome};
use super::{JournalEntry, JournalError};

/// Fixed-width UTC text, so that text order is time order in SQL.
pub fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

pub fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text).ok().map(|t| t.with_timezone(&Utc))
}

fn order_json(order: &Order) -> String {
    serde_json::to_string(order).expect("an order always serialises")
}

/// Appends `event` to the log of `client_id`.
pub fn insert_event(db: &Connection, client_id: &str, event: &Event, at: DateTime<Utc>) -> rusqlite::Result<()> {
    let (cl_ord_id, status, body): (Option<&str>, Option<&str>, Option<String>) = match event {
        Event::Sent | Event::Unknown | Event::CancelRequested | Event::Resolved(None) => (None, None, None),
        Event::Ack { cl_ord_id, status } => (Some(cl_ord_id), Some(status.as_str()), None),
        Event::Rejected { reason } => (None, None, Some(reason.clone())),
        Event::Order(o) | Event::Resolved(Some(o)) => {
            (Some(&o.cl_ord_id), o.ord_status.as_ref().map(OrderStatus::as_str), Some(order_json(o)))
        }
    };
    db.prepare_cached(
        "INSERT INTO events (client_id, kind, cl_ord_id, status, body, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![client_id, event.kind(), cl_ord_id, status, body, time(at)])?;
    Ok(())
}

/// The log of `client_id`, oldest first.
pub fn events(db: &Connection, client_id: &str) -> Result<Vec<(Event, DateTime<Utc>)>, JournalError> {
    let mut stmt =
        db.prepare_cached("SELECT kind, cl_ord_id, status, body, at FROM events WHERE client_id = ?1 ORDER BY seq")?;
    let rows = stmt.query_map([client_id], |row| {
        Ok((row.get::<_, String>(0)?, row.get(1)?, row.get::<_, Option<String>>(2)?, row.get(3)?, row.get(4)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (kind, cl_ord_id, status, body, at): (String, Option<String>, _, Option<String>, String) = row?;
        let bad = |what: &str| JournalError::BadRecord { client_id: client_id.into(), what: what.into() };
        let order = || -> Result<Box<Order>, JournalError> {
            serde_json::from_str(body.as_deref().unwrap_or_default())
                .map_err(|_| bad("an order record does not decode"))
        };
        let event = match kind.as_str() {
            "sent" => Event::Sent,
            "unknown" => Event::Unknown,
            "cancel_requested" => Event::CancelRequested,
            "ack" => Event::Ack {
                cl_ord_id: cl_ord_id.ok_or_else(|| bad("an acknowledgement has no clOrdId"))?,
                status: OrderStatus::parse(status.as_deref().unwrap_or_default()),
            },
            "rejected" => Event::Rejected { reason: body.clone().unwrap_or_default() },
            "order" => Event::Order(order()?),
            "resolved" if body.is_none() => Event::Resolved(None),
            "resolved" => Event::Resolved(Some(order()?)),
            _ => return Err(bad("an event of an unknown kind")),
        };
        out.push((event, parse_time(&at).ok_or_else(|| bad("an event time does not parse"))?));
    }
    Ok(out)
}

/// Stores the latest state of `client_id` and links its `clOrdId`s to it.
pub fn save(db: &Connection, client_id: &str, p: &IntentState) -> rusqlite::Result<()> {
    db.prepare_cached(
        "INSERT INTO orders (client_id, outcome, reason, cl_ord_id, ord_id, status, order_json, cancel_requested_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT (client_id) DO UPDATE SET outcome = excluded.outcome, reason = excluded.reason,
           cl_ord_id = excluded.cl_ord_id, ord_id = excluded.ord_id, status = excluded.status,
           order_json = excluded.order_json, cancel_requested_at = excluded.cancel_requested_at,
           updated_at = excluded.updated_at",
    )?
    .execute(params![
        client_id,
        p.outcome.name(),
        p.outcome.reason(),
        p.cl_ord_id,
        p.ord_id,
        p.status.as_ref().map(OrderStatus::as_str),
        p.order.as_ref().map(order_json),
        p.cancel_requested_at.map(time),
        time(p.updated_at),
    ])?;
    Ok(())
}

/// Records that `cl_ord_id` (a link of a replace chain) belongs to `client_id`.
pub fn link(db: &Connection, cl_ord_id: &str, client_id: &str) -> rusqlite::Result<()> {
    db.prepare_cached("INSERT OR IGNORE INTO cl_ord_ids (cl_ord_id, client_id) VALUES (?1, ?2)")?
        .execute([cl_ord_id, client_id])?;
    Ok(())
}

/// The intent an order record belongs to: by a `clOrdId` seen before (replace
/// chains), by its `clientId`, or by Aries's `ordId`, which a replace keeps.
pub fn intent_of(db: &Connection, order: &Order) -> rusqlite::Result<Option<String>> {
    let lookup = |sql: &str, key: &str| db.prepare_cached(sql)?.query_row([key], |r| r.get(0)).optional();
    if let Some(id) = lookup("SELECT client_id FROM cl_ord_ids WHERE cl_ord_id = ?1", &order.cl_ord_id)? {
        return Ok(Some(id));
    }
    if let Some(client_id) = order.client_id.as_deref()
        && let Some(id) = lookup("SELECT client_id FROM intents WHERE client_id = ?1", client_id)?
    {
        return Ok(Some(id));
    }
    match order.ord_id.as_deref() {
        Some(ord_id) => lookup("SELECT client_id FROM orders WHERE ord_id = ?1", ord_id),
        None => Ok(None),
    }
}

/// Selects [`RawEntry`] columns: intents joined with their latest state.
pub const ENTRIES: &str = "SELECT i.client_id, i.account_id, i.request, i.created_at, o.outcome, o.reason, \
     o.cl_ord_id, o.ord_id, o.status, o.order_json, o.cancel_requested_at, o.updated_at \
     FROM intents i JOIN orders o ON o.client_id = i.client_id";

/// One row of [`ENTRIES`], as stored.
pub struct RawEntry([Option<String>; 12]);

impl RawEntry {
    pub fn read(row: &Row<'_>) -> rusqlite::Result<RawEntry> {
        let mut columns: [Option<String>; 12] = Default::default();
        for (i, column) in columns.iter_mut().enumerate() {
            *column = row.get(i)?;
        }
        Ok(RawEntry(columns))
    }

    pub fn decode(self) -> Result<JournalEntry, JournalError> {
        let [
            client_id,
            account_id,
            request,
            created_at,
            outcome,
            reason,
            cl_ord_id,
            ord_id,
            status,
            order,
            cancel,
            updated,
        ] = self.0;
        let client_id = client_id.unwrap_or_default();
        let bad = |what: &str| JournalError::BadRecord { client_id: client_id.clone(), what: what.into() };
        let time_of = |text: Option<String>, what| text.as_deref().and_then(parse_time).ok_or_else(|| bad(what));
        let state = IntentState {
            outcome: Outcome::from_parts(outcome.as_deref().unwrap_or_default(), reason)
                .ok_or_else(|| bad("an unknown outcome"))?,
            cl_ord_id,
            ord_id,
            status: status.as_deref().map(OrderStatus::parse),
            order: order
                .map(|o| serde_json::from_str(&o))
                .transpose()
                .map_err(|_| bad("the order record does not decode"))?,
            cancel_requested_at: cancel.map(|c| time_of(Some(c), "the cancel time does not parse")).transpose()?,
            updated_at: time_of(updated, "the update time does not parse")?,
        };
        Ok(JournalEntry {
            account_id: account_id.unwrap_or_default(),
            request: serde_json::from_str(request.as_deref().unwrap_or_default())
                .map_err(|_| bad("the request does not decode"))?,
            created_at: time_of(created_at, "the creation time does not parse")?,
            state,
            client_id,
        })
    }
}
