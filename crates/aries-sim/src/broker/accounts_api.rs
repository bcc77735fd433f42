//! `GET /v1/users/me`, `/v1/users/me/accounts`, `/v1/accounts/{id}/balances`
//! and `/positions` (docs/aries-api.md §4–§7).

use axum::Json;
use axum::extract::{Path, State};
use serde_json::{Value, json};

use super::owned;
use crate::SharedSim;
use crate::error::ApiError;
use crate::registry::{Account, User};
use crate::scope::Scope;
use crate::tokens::Principal;

fn user_json(user: &User) -> Value {
    json!({
        "id": user.id,
        "email": user.email,
        "email_verified": true,
        "country": user.country,
        "avatar_url": "",
        "plaid_status": "",
        "primary_phone_number": "",
        "created_at": user.created_at,
        "updated_at": user.created_at,
        "account_application": {
            "id": user.id,
            "status": "APPROVED",
            "can_submit": false,
            "missing_fields": [],
            "plaid_link_token": "",
        },
    })
}

fn account_json(account: &Account, owner: &User) -> Value {
    let id = account.trading_id();
    json!({
        "id": account.id,
        "fdid": format!("FDID-{id}"),
        "apex_id": "",
        "apex_account_id": format!("APEX-{id}"),
        "sterling_account_id": id,
        "trading_account_id": id,
        "status": "OPEN",
        "is_sim": account.is_sim,
        "account_type": account.account_type,
        "account_class": account.account_class,
        "primary_user_id": owner.id,
        "joint_user_id": 0,
        "primary_user": null,
        "joint_user": null,
        "account_application": null,
        "created_at": owner.created_at,
        "updated_at": owner.created_at,
    })
}

fn caller<'a>(sim: &'a SharedSim, principal: &Principal) -> Result<&'a User, ApiError> {
    sim.registry
        .user(principal.user_id)
        .ok_or_else(|| ApiError::Unauthorized("the token's user no longer exists".into()))
}

pub async fn me(State(sim): State<SharedSim>, principal: Principal) -> Result<Json<Value>, ApiError> {
    principal.require(Scope::UserInformation)?;
    Ok(Json(user_json(caller(&sim, &principal)?)))
}

pub async fn accounts(State(sim): State<SharedSim>, principal: Principal) -> Result<Json<Value>, ApiError> {
    principal.require_any(&[Scope::AccountInformation, Scope::UserInformation])?;
    let user = caller(&sim, &principal)?;
    let accounts: Vec<Value> = sim.registry.accounts_of(user.id).map(|a| account_json(a, user)).collect();
    Ok(Json(json!({ "accounts": accounts })))
}

pub async fn balances(
    State(sim): State<SharedSim>,
    principal: Principal,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    principal.require(Scope::AccountInformation)?;
    let account = owned(&sim, &principal, &id)?.trading_id();
    Ok(Json(sim.broker.with_book(|b| b.balance(&account, &sim.market))))
}

pub async fn positions(
    State(sim): State<SharedSim>,
    principal: Principal,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    principal.require_any(&[Scope::PositionInformation, Scope::AccountInformation])?;
    let account = owned(&sim, &principal, &id)?.trading_id();
    let positions = sim.broker.with_book(|b| b.positions(&account, &sim.market));
    Ok(Json(json!({ "positions": positions, "availability": availability() })))
}

/// The positions and v1 orders envelopes report where the data came from.
pub fn availability() -> Value {
    json!({ "available": true, "source": "cache" })
}
