//! Orders: preview, place, replace (with its preview), cancel (one or all
//! working) and the blotter's list. Each intent
//! has one client order id, minted at preview and journaled before sending;
//! the same id twice never sends twice.

use aries_client::models::Order;
use aries_client::order::{OrderError, OrderRequest, ReplaceRequest, WorkingOrder};
use aries_client::rest::mint_client_id;
use serde::Deserialize;
use ts_rs::TS;

use super::accounts::own;
use super::{DeskState, checked};
use crate::error::{AppError, AppResult};
use crate::session::{Connected, Desk};
use crate::views::orders::{CancelReport, OrderTicket, OrderView, PlaceResult, PreviewView, ReplacePreviewView};

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
    let active = active(&desk, &c, &account_id).await?;
    cancel_one(&desk, &c, working(&active, &cl_ord_id)?).await
}

/// *Cancel all working*: each listed order is canceled once, in order, and
/// each gets its own report; one failing does not stop the others.
#[tauri::command]
pub async fn cancel_orders(
    desk: DeskState<'_>,
    account_id: String,
    cl_ord_ids: Vec<String>,
) -> AppResult<Vec<CancelReport>> {
    let c = desk.connected().await?;
    c.require(&[EXECUTION], "place, change or cancel orders (this session is read-only)")?;
    let active = active(&desk, &c, &account_id).await?;
    let mut reports = Vec::with_capacity(cl_ord_ids.len());
    for cl_ord_id in cl_ord_ids {
        let outcome = match working(&active, &cl_ord_id) {
            Ok(order) => cancel_one(&desk, &c, order).await,
            Err(error) => Err(error),
        };
        let (result, error) = match outcome {
            Ok(result) => (Some(result), None),
            Err(error) => (None, Some(error)),
        };
        reports.push(CancelReport { cl_ord_id, result, error });
    }
    Ok(reports)
}

/// Sends one cancel of `order`, once.
async fn cancel_one(desk: &Desk, c: &Connected, order: &Order) -> AppResult<PlaceResult> {
    let mut view = OrderView::from(order);
    let request = WorkingOrder::from_order(order)?.cancel();
    let _sending = desk.journal.start_send()?;
    desk.journal.cancel_requested(view.client_id.as_deref(), order);
    let outcome = checked(desk, c.client.cancel(&request).await).await?;
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

impl OrderChanges {
    fn replace_request(&self, order: &WorkingOrder) -> Result<ReplaceRequest, OrderError> {
        let mut builder = order.replace();
        if let Some(qty) = &self.quantity {
            builder = builder.qty(qty.trim());
        }
        if let Some(price) = &self.limit_price {
            builder = builder.price(price.trim());
        }
        if let Some(stop) = &self.stop_price {
            builder = builder.stop_price(stop.trim());
        }
        builder.build()
    }
}

/// What the order would cost with `changes`: Aries's preview of the whole
/// order on its new terms (the replace is a cancel plus a new order,
/// docs/aries-api.md §8.4). Nothing is sent to the order itself.
#[tauri::command]
pub async fn preview_replace(
    desk: DeskState<'_>,
    account_id: String,
    cl_ord_id: String,
    changes: OrderChanges,
) -> AppResult<ReplacePreviewView> {
    let c = desk.connected().await?;
    c.require(&[EXECUTION], "place, change or cancel orders (this session is read-only)")?;
    let active = active(&desk, &c, &account_id).await?;
    let order = working(&active, &cl_ord_id)?;
    let terms = changes.replace_request(&WorkingOrder::from_order(order)?)?.terms();
    let pricing = terms.pricing();
    let side = order.side.clone().ok_or_else(|| AppError::validation("Aries did not report this order's side."))?;
    let mut builder = OrderRequest::builder()
        .account_id(account_id.as_str())
        .symbol(order.symbol.as_str())
        .side(side)
        .order_type(pricing.order_type())
        .qty(terms.qty().to_string())
        .time_in_force(terms.time_in_force())
        .client_id(mint_client_id());
    if let Some(price) = pricing.price() {
        builder = builder.price(price.to_string());
    }
    if let Some(stop) = pricing.stop_price() {
        builder = builder.stop_price(stop.to_string());
    }
    let preview = checked(&desk, c.client.preview(&builder.build()?).await).await?;
    Ok(ReplacePreviewView::new(&preview))
}

/// Sends the replace once, journaled first like a place (journal.rs). A lost
/// answer is UNKNOWN: the row says so, nothing is resent, and the account
/// stream, *Check now*, a lookup or the next start settle it from Aries's records.
#[tauri::command]
pub async fn replace_order(
    desk: DeskState<'_>,
    account_id: String,
    cl_ord_id: String,
    changes: OrderChanges,
) -> AppResult<PlaceResult> {
    let c = desk.connected().await?;
    c.require(&[EXECUTION], "place, change or cancel orders (this session is read-only)")?;
    let active = active(&desk, &c, &account_id).await?;
    let order = working(&active, &cl_ord_id)?;
    let mut view = OrderView::from(order);
    let working_order = WorkingOrder::from_order(order)?;
    let request = changes.replace_request(&working_order)?;
    let outcome = desk.journal.replace(&desk, &c, &account_id, order, &working_order, &request).await?;
    // The account stream brings the new terms; the new id is what the next action needs.
    let mut result = PlaceResult::from_outcome(outcome, |replaced| {
        let terms = replaced.terms();
        let mut view = view.clone();
        view.cl_ord_id = replaced.cl_ord_id().to_string();
        view.quantity = terms.qty();
        view.limit_price = terms.pricing().price();
        view.stop_price = terms.pricing().stop_price();
        view
    });
    if let PlaceResult::Unknown { message, order, .. } = &mut result {
        *message = "Aries did not answer the change in time. It was not sent again; the order may have the old \
                    or the new terms until Aries's list shows which. Do not change it again until then."
            .into();
        view.status = "UNKNOWN".into();
        view.reason = Some("The answer to a change was lost: old or new terms, not known yet.".into());
        *order = Some(Box::new(view));
    }
    Ok(result)
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

/// The account's active orders as Aries has them now, journaled on the way.
async fn active(desk: &Desk, c: &Connected, account_id: &str) -> AppResult<Vec<Order>> {
    own(c, account_id)?;
    let active = checked(desk, c.client.active_orders(account_id).await).await?;
    desk.journal.record_orders(&active);
    Ok(active)
}

/// The working order named by `cl_ord_id`, which must be the newest link of its replace chain.
fn working<'a>(active: &'a [Order], cl_ord_id: &str) -> AppResult<&'a Order> {
    active.iter().find(|o| o.cl_ord_id == cl_ord_id && o.is_working()).ok_or_else(|| {
        AppError::new(
            "order.not_working",
            "This order is no longer working (it was filled, canceled or replaced). Check the order list.",
            false,
        )
    })
}
