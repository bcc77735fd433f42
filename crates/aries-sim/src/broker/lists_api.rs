//! The order lists (docs/aries-api.md §8.6): v2 active orders, v2 history and the
//! v1 legacy list. All need `order:information` and an account the caller owns.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use chrono::{DateTime, DurationRound, TimeDelta, Utc};
use serde_json::{Value, json};

use super::accounts_api::availability;
use super::book::{HistoryFilter, Page};
use super::owned;
use crate::SharedSim;
use crate::error::ApiError;
use crate::scope::Scope;
use crate::tokens::Principal;

type Params = Query<HashMap<String, String>>;

const DEFAULT_LIMIT: usize = 50;
const MAX_LIMIT: usize = 500;
const MAX_HISTORY_DAYS: i64 = 90;

fn bad(message: impl Into<String>) -> ApiError {
    ApiError::BadRequest(message.into())
}

fn limit(p: &HashMap<String, String>) -> Result<usize, ApiError> {
    match p.get("limit") {
        None => Ok(DEFAULT_LIMIT),
        Some(l) => l
            .parse()
            .ok()
            .filter(|n| (1..=MAX_LIMIT).contains(n))
            .ok_or_else(|| bad(format!("`limit` must be an integer from 1 to {MAX_LIMIT}"))),
    }
}

fn cursor(p: &HashMap<String, String>) -> Result<u64, ApiError> {
    match p.get("cursor") {
        None => Ok(0),
        Some(c) => c.parse().map_err(|_| bad("`cursor` must be a cursor returned as `nextCursor`, or 0")),
    }
}

fn rfc3339(p: &HashMap<String, String>, field: &str) -> Result<Option<DateTime<Utc>>, ApiError> {
    p.get(field)
        .map(|s| {
            DateTime::parse_from_rfc3339(s)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|_| bad(format!("`{field}` must be an RFC 3339 time with a zone, e.g. 2026-04-01T00:00:00Z")))
        })
        .transpose()
}

fn page_json(page: Page) -> Json<Value> {
    Json(json!({ "orders": page.orders, "nextCursor": page.next_cursor }))
}

/// `GET /v2/accounts/{id}/orders`: working orders plus today's finished ones, newest first.
pub async fn active(
    State(sim): State<SharedSim>,
    principal: Principal,
    Path(id): Path<String>,
    Query(p): Params,
) -> Result<Json<Value>, ApiError> {
    principal.require(Scope::OrderInformation)?;
    let account = owned(&sim, &principal, &id)?.trading_id();
    // Both sources read the same in-memory book; the value is only validated.
    if let Some(source) = p.get("source").filter(|s| !matches!(s.as_str(), "cache" | "db")) {
        return Err(bad(format!("`source` must be cache or db, got `{source}`")));
    }
    let (limit, cursor) = (limit(&p)?, cursor(&p)?);
    Ok(page_json(sim.broker.with_book(|b| b.active(&account, limit, cursor))))
}

/// `GET /v2/accounts/{id}/orders/history`.
pub async fn history(
    State(sim): State<SharedSim>,
    principal: Principal,
    Path(id): Path<String>,
    Query(p): Params,
) -> Result<Json<Value>, ApiError> {
    principal.require(Scope::OrderInformation)?;
    let account = owned(&sim, &principal, &id)?.trading_id();
    let from = rfc3339(&p, "from")?.ok_or_else(|| bad("`from` is required (RFC 3339, e.g. 2026-04-01T00:00:00Z)"))?;
    let to = match rfc3339(&p, "to")? {
        Some(to) => to,
        None => Utc::now().duration_trunc(TimeDelta::minutes(1)).expect("a minute divides any time"),
    };
    if to < from {
        return Err(bad("`to` must not be before `from`"));
    }
    if to - from > TimeDelta::days(MAX_HISTORY_DAYS) {
        return Err(bad(format!("`from` to `to` may span at most {MAX_HISTORY_DAYS} days")));
    }
    let descending = match p.get("order_by").map(String::as_str) {
        None | Some("desc") => true,
        Some("asc") => false,
        Some(other) => return Err(bad(format!("`order_by` must be asc or desc, got `{other}`"))),
    };
    let exclude_today = match p.get("exclude_today").map(String::as_str) {
        None | Some("false") => false,
        Some("true") => true,
        Some(other) => return Err(bad(format!("`exclude_today` must be true or false, got `{other}`"))),
    };
    let filter = HistoryFilter { from, to, descending, exclude_today, limit: limit(&p)?, cursor: cursor(&p)? };
    Ok(page_json(sim.broker.with_book(|b| b.history(&account, &filter))))
}

/// `GET /v1/accounts/{id}/orders`: the legacy list; `limit` 0 (the default) means all.
pub async fn legacy(
    State(sim): State<SharedSim>,
    principal: Principal,
    Path(id): Path<String>,
    Query(p): Params,
) -> Result<Json<Value>, ApiError> {
    principal.require(Scope::OrderInformation)?;
    let account = owned(&sim, &principal, &id)?.trading_id();
    let limit = match p.get("limit") {
        None => 0,
        Some(l) => l.parse().map_err(|_| bad("`limit` must be a non-negative integer (0 means no limit)"))?,
    };
    let orders = sim.broker.with_book(|b| b.legacy(&account, limit));
    Ok(Json(json!({ "orders": orders, "availability": availability() })))
}
