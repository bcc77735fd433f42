//! `POST /v1/orders` and `/preview`, `/replace`, `/cancel` (docs/aries-api.md
//! §8.2–§8.5), and the `PUT`/`DELETE /v1/orders/{id}` aliases of §13.
//! Schema problems are 400s; business rejections are acknowledgements with
//! `success: false`.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use chrono::Utc;
use serde_json::{Value, json};

use super::owned;
use super::request::{self, Cancel};
use crate::SharedSim;
use crate::error::ApiError;
use crate::scope::Scope;
use crate::tokens::Principal;

pub async fn place(State(sim): State<SharedSim>, principal: Principal, body: Bytes) -> Result<Json<Value>, ApiError> {
    principal.require(Scope::OrderExecution)?;
    let mut ticket = request::ticket(&request::object(&body)?)?;
    owned(&sim, &principal, &ticket.account_id)?;
    if sim.faults.get().ignore_client_ids {
        // One documented order record carries the OAuth client's name here (docs/aries-api.md §8.6).
        ticket.client_id = None;
    }
    let ack = sim.broker.with_book(|b| b.place(&ticket, &principal.client_id, &sim.market, Utc::now()));
    // Match now: a market order should not wait for the next tick.
    sim.broker.wake.notify_one();
    Ok(Json(ack))
}

pub async fn preview(State(sim): State<SharedSim>, principal: Principal, body: Bytes) -> Result<Json<Value>, ApiError> {
    principal.require(Scope::OrderExecution)?;
    let ticket = request::ticket(&request::object(&body)?)?;
    owned(&sim, &principal, &ticket.account_id)?;
    Ok(Json(sim.broker.with_book(|b| b.preview(&ticket, &sim.market))))
}

pub async fn replace(State(sim): State<SharedSim>, principal: Principal, body: Bytes) -> Result<Json<Value>, ApiError> {
    principal.require(Scope::OrderExecution)?;
    let req = request::replace(&request::object(&body)?)?;
    owned(&sim, &principal, &req.account_id)?;
    let ack = sim.broker.with_book(|b| b.replace(&req, &sim.market, Utc::now()))?;
    sim.broker.wake.notify_one();
    Ok(Json(ack))
}

pub async fn cancel(State(sim): State<SharedSim>, principal: Principal, body: Bytes) -> Result<Json<Value>, ApiError> {
    principal.require(Scope::OrderExecution)?;
    let req = request::cancel(&request::object(&body)?)?;
    owned(&sim, &principal, &req.account_id)?;
    Ok(Json(sim.broker.with_book(|b| b.cancel(&req, &sim.market, Utc::now()))?))
}

/// `PUT /v1/orders/{clOrdId}`: the replace body without `origClOrdId`.
pub async fn replace_by_id(
    State(sim): State<SharedSim>,
    principal: Principal,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    principal.require(Scope::OrderExecution)?;
    let mut body = request::object(&body)?;
    body.insert("origClOrdId".into(), json!(id));
    let req = request::replace(&body)?;
    owned(&sim, &principal, &req.account_id)?;
    let ack = sim.broker.with_book(|b| b.replace(&req, &sim.market, Utc::now()))?;
    sim.broker.wake.notify_one();
    Ok(Json(ack))
}

/// `DELETE /v1/orders/{clOrdId}`: the order itself names its account and symbol.
pub async fn cancel_by_id(
    State(sim): State<SharedSim>,
    principal: Principal,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    principal.require(Scope::OrderExecution)?;
    let not_found = || ApiError::NotFound(format!("no order `{id}`"));
    let (account_id, symbol) = sim.broker.with_book(|b| b.locate(&id)).ok_or_else(not_found)?;
    owned(&sim, &principal, &account_id).map_err(|_| not_found())?;
    let req = Cancel { orig_cl_ord_id: id.clone(), account_id, symbol, side: None };
    Ok(Json(sim.broker.with_book(|b| b.cancel(&req, &sim.market, Utc::now()))?))
}
