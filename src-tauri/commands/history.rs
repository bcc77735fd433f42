//! The order panel's reads beyond today's blotter: older orders from Aries's
//! history, page by page, and one order's replace chain from the journal.

use aries_client::rest::HistoryQuery;
use chrono::{TimeDelta, Utc};

use super::accounts::own;
use super::{DeskState, checked};
use crate::error::AppResult;
use crate::views::orders::{OrderChainView, OrderPageView, OrderView};

/// Aries serves at most 90 days of history per query (docs/aries-api.md §8.6).
const HISTORY_SPAN: TimeDelta = TimeDelta::days(90);
/// Rows per page: a few screens of the panel.
const MAX_PAGE: u32 = 200;

/// One page of the account's orders from the last 90 days, newest first
/// (today's included: the window merges them with the blotter by `clOrdId`).
/// `cursor` is the previous page's `nextCursor`; none for the first page.
/// Aries's history leaves out rejected and superseded rows.
#[tauri::command]
pub async fn order_history(
    desk: DeskState<'_>,
    account_id: String,
    cursor: Option<i64>,
    limit: u32,
) -> AppResult<OrderPageView> {
    let c = desk.connected().await?;
    own(&c, &account_id)?;
    // Aries reads `to` to the second, inclusive: a second ahead keeps an order placed just now.
    let to = Utc::now() + TimeDelta::seconds(1);
    let query = HistoryQuery { to: Some(to), ..HistoryQuery::since(to - HISTORY_SPAN) };
    let page = checked(&desk, c.client.order_history_page(&account_id, &query, cursor, limit.clamp(1, MAX_PAGE)).await)
        .await?;
    desk.journal.record_orders(&page.orders);
    Ok(OrderPageView { orders: page.orders.iter().map(OrderView::from).collect(), next_cursor: page.next_cursor })
}

/// The ids `cl_ord_id`'s order has had across replaces, oldest first.
#[tauri::command]
pub async fn order_chain(desk: DeskState<'_>, account_id: String, cl_ord_id: String) -> AppResult<OrderChainView> {
    let c = desk.connected().await?;
    own(&c, &account_id)?;
    desk.journal.chain(&account_id, &cl_ord_id)
}
