//! Orders: preview, place, replace, cancel and the blotter's list. Each intent
//! has one client order id, minted at preview and journaled before sending;
//! the same id twice never sends twice.

use aries_client::models::Order;
use aries_client::order::WorkingOrder;
use aries_client::rest::mint_client_id;
use serde::Deserialize;
use ts_rs::TS;

use super::accounts::own;
use super::{DeskState, checked};
use crate::error::{AppError, AppResult};
use crate::views::orders::{OrderTicket, OrderView, PlaceResult, PreviewView};

/// Every order action needs it (docs/aries-api.md §2); without it the session is read-only.
const EXECUTION: &str = "order:execution";

#[tauri::command]
pub async fn preview_order(desk: DeskState<'_>, ticket: OrderTicket) -> AppResult<PreviewView> {
    let c = desk.connected().await?;
    c.require(&[EXECUTION], "place, change or cancel orders (this session is read-only)")?;
    own(&c, &ticket.account_id)?;
    let client_id = mint_client_id();
    let request = ticket.request(&client_id)?;
    let preview = checked(&desk, c.client.preview(&request).await).await?;
    Ok(PreviewView::new(client_id, &preview))
}

/// Places the previewed intent `client_id`. Journaled first; a second call
/// with the same id reports the first one's fate instead of sending again.
#[tauri::command]
pub async fn place_order(desk: DeskState<'_>, ticket: OrderTicket, client_id: String) -> AppResult<PlaceResult> {
    let c = desk.connected().await?;
    c.require(&[EXECUTION], "place, change or cancel orders (this session is read-only)")?;
    own(&c, &ticket.account_id)?;
    let request = ticket.request(&client_id)?;
    desk.journal.place(&desk, &c, &request).await
}

/// *Check now*: looks an order whose answer was lost up at once; the row as the blotter shows it.
#[tauri::command]
pub async fn check_order(desk: DeskState<'_>, client_id: String) -> AppResult<OrderView> {
    let c = desk.connected().await?;
    desk.journal.check(&c, &client_id).await
}

#[tauri::command]
pub async fn cancel_order(desk: DeskState<'_>, account_id: String, cl_ord_id: String) -> AppResult<PlaceResult> {
    let c = desk.connected().await?;
    c.require(&[EXECUTION], "place, change or cancel orders (this session is read-only)")?;
    let (order, record) = working_order(&desk, &c, &account_id, &cl_ord_id).await?;
    let mut view = OrderView::from(&record);
    desk.journal.cancel_requested(view.client_id.as_deref(), &record);
    let outcome = checked(&desk, c.client.cancel(&order.cancel()).await).await?;
    Ok(PlaceResult::from_outcome(outcome, |ack| {
        if let Some(status) = ack.status {
            view.status = status.as_str().to_string();
            view.working = !status.is_terminal();
        }
        view
    }))
}

/// What may change in a working order; absent fields keep their value.
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct OrderChanges {
    pub quantity: Option<String>,
    pub limit_price: Option<String>,
    pub stop_price: Option<String>,
}

#[tauri::command]
pub async fn replace_order(
    desk: DeskState<'_>,
    account_id: String,
    cl_ord_id: String,
    changes: OrderChanges,
) -> AppResult<PlaceResult> {
    let c = desk.connected().await?;
    c.require(&[EXECUTION], "place, change or cancel orders (this session is read-only)")?;
    let (order, record) = working_order(&desk, &c, &account_id, &cl_ord_id).await?;
    let mut view = OrderView::from(&record);
    let mut builder = order.replace();
    if let Some(qty) = changes.quantity {
        builder = builder.qty(qty);
    }
    if let Some(price) = changes.limit_price {
        builder = builder.price(price);
    }
    if let Some(stop) = changes.stop_price {
        builder = builder.stop_price(stop);
    }
    let request = builder.build()?;
    let outcome = checked(&desk, c.client.replace(&order, &request).await).await?;
    // The account stream brings the new terms; the new id is what the next action needs.
    Ok(PlaceResult::from_outcome(outcome, |replaced| {
        view.cl_ord_id = replaced.cl_ord_id().to_string();
        view
    }))
}

/// The blotter: today's orders placed here (from the journal, brought up to
/// date with Aries's list) and the account's other working orders.
#[tauri::command]
pub async fn list_orders(desk: DeskState<'_>, account_id: String) -> AppResult<Vec<OrderView>> {
    let c = desk.connected().await?;
    c.require(&["order:information"], "list orders")?;
    own(&c, &account_id)?;
    let active = checked(&desk, c.client.active_orders(&account_id).await).await?;
    desk.journal.blotter(&account_id, &active)
}

/// The order as Aries has it now: the newest link of its replace chain.
async fn working_order(
    desk: &crate::session::Desk,
    c: &crate::session::Connected,
    account_id: &str,
    cl_ord_id: &str,
) -> AppResult<(WorkingOrder, Order)> {
    own(c, account_id)?;
    let active = checked(desk, c.client.active_orders(account_id).await).await?;
    desk.journal.record_orders(&active);
    let order = active.iter().find(|o| o.cl_ord_id == cl_ord_id).ok_or_else(|| {
        AppError::new(
            "order.not_working",
            "This order is no longer working (it was filled, canceled or replaced). Check the order list.",
            false,
        )
    })?;
    Ok((WorkingOrder::from_order(order)?, order.clone()))
}
