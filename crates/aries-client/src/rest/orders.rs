//! Order calls (docs/aries-api.md §8): place, preview, replace and cancel, none of
//! them ever sent twice (see the module comment of `rest`), and
//! reconciliation by `clientId` when the answer to one was lost.

use chrono::{DateTime, TimeDelta, Utc};
use rand::Rng;

use super::{AccessTokens, AriesClient, Failure, HistoryQuery, Kind};
use crate::error::Result;
use crate::models::{self, Order, OrderAck, OrderPreview};
use crate::order::{CancelRequest, OrderError, OrderRequest, ReplaceRequest, WorkingOrder};

/// What became of an order submission.
#[derive(Clone, Debug, PartialEq)]
pub enum OrderOutcome<T = OrderAck> {
    /// Aries acknowledged it; fills and later states arrive on the account stream.
    Accepted(T),
    /// Aries answered and refused it (HTTP 200 with `success: false` / `REJECTED`).
    Rejected { reason: String, text: Option<String> },
    /// The request may have reached Aries but no answer came (timeout, lost
    /// connection, 5xx). It was not sent again. Look it up with
    /// [`AriesClient::reconcile`] or on the account stream before trying again.
    /// `client_id` is the order's `clientId`; for a replace or cancel, the
    /// `clOrdId` of the order it acted on.
    Unknown { client_id: String },
}

/// A fresh `clientId` for one user intent ("buy 10 AAPL at 189"): mint it once
/// when the ticket is confirmed, keep it with the intent, and never mint a new
/// one for the same intent, so the intent can be found again after a lost answer.
pub fn mint_client_id() -> String {
    let random: u128 = rand::rng().random();
    // 5 + 32 characters, inside the documented 50.
    format!("desk-{random:032x}")
}

fn rejection(ack: &OrderAck) -> (String, Option<String>) {
    let reason = ack.ord_rej_reason.clone().or_else(|| ack.text.clone()).unwrap_or_else(|| "REJECTED".into());
    (reason, ack.text.clone())
}

impl<T: AccessTokens> AriesClient<T> {
    /// `POST /v1/orders`. The request must carry a `clientId` (see [`mint_client_id`]).
    pub async fn place(&self, request: &OrderRequest) -> Result<OrderOutcome> {
        let client_id = request.client_id().ok_or(OrderError::Missing("a client order id"))?.to_string();
        self.submit(&["v1", "orders"], request, &client_id).await
    }

    /// `POST /v1/orders/preview`: cost and warnings without placing anything,
    /// so it is retried like a read.
    pub async fn preview(&self, request: &OrderRequest) -> Result<OrderPreview> {
        let body = self.post(&["v1", "orders", "preview"], request, Kind::Read).await.map_err(Failure::into_error)?;
        Ok(models::decode(&body)?)
    }

    /// `POST /v1/orders/replace` of `order`, whose `clOrdId` must be the newest
    /// of its chain. Accepted: the order under its new `clOrdId`, for the next
    /// replace or cancel.
    pub async fn replace(&self, order: &WorkingOrder, request: &ReplaceRequest) -> Result<OrderOutcome<WorkingOrder>> {
        let outcome = self.submit(&["v1", "orders", "replace"], request, request.orig_cl_ord_id()).await?;
        Ok(match outcome {
            OrderOutcome::Accepted(ack) => OrderOutcome::Accepted(order.replaced(request, &ack)?),
            OrderOutcome::Rejected { reason, text } => OrderOutcome::Rejected { reason, text },
            OrderOutcome::Unknown { client_id } => OrderOutcome::Unknown { client_id },
        })
    }

    /// `POST /v1/orders/cancel`, built from the newest link of the chain (`WorkingOrder::cancel`).
    pub async fn cancel(&self, request: &CancelRequest) -> Result<OrderOutcome> {
        self.submit(&["v1", "orders", "cancel"], request, request.orig_cl_ord_id()).await
    }

    /// Sends an order, replace or cancel once; `target` names the order it is about.
    async fn submit(&self, path: &[&str], body: &impl serde::Serialize, target: &str) -> Result<OrderOutcome> {
        match self.post(path, body, Kind::Order).await {
            Ok(body) => {
                // A 2xx means the server handled the request; an answer we cannot
                // read proves nothing about what it did (docs/reliability.md).
                let Ok(ack) = models::decode::<OrderAck>(&body) else {
                    tracing::warn!(target, "an order answer could not be read: its outcome is unknown");
                    return Ok(OrderOutcome::Unknown { client_id: target.to_string() });
                };
                if ack.is_rejected() {
                    let (reason, text) = rejection(&ack);
                    return Ok(OrderOutcome::Rejected { reason, text });
                }
                Ok(OrderOutcome::Accepted(ack))
            }
            Err(Failure::Ambiguous(e)) => {
                tracing::warn!(error = %e, target, "no answer to an order submission: its outcome is unknown");
                Ok(OrderOutcome::Unknown { client_id: target.to_string() })
            }
            Err(Failure::Known(e)) => Err(e),
        }
    }

    /// Looks for the order placed with `client_id`, sent at or after `since`:
    /// in the active list (working orders and today's finished ones), then in
    /// the history from `since` less [`LOOKUP_MARGIN`]. A miss alone does not
    /// prove the order was never placed (it may still be on its way, or the
    /// server may not echo `clientId`): the caller judges the [`Lookup`]
    /// (`aries_store::journal::verdict`, docs/reliability.md).
    pub async fn reconcile(&self, account: &str, client_id: &str, since: DateTime<Utc>) -> Result<Lookup> {
        let started_at = Utc::now();
        let mut orders = self.active_orders(account).await?;
        // The history span is capped at 90 days (docs/aries-api.md §8.6).
        let from = (since - LOOKUP_MARGIN).max(started_at - TimeDelta::days(89));
        // The server's default `to` is now truncated to the minute, which would
        // miss an order sent seconds ago; a minute ahead also absorbs clock skew.
        let query = HistoryQuery { to: Some(started_at + TimeDelta::minutes(1)), ..HistoryQuery::since(from) };
        for order in self.order_history(account, &query).await? {
            if !orders.iter().any(|o| o.cl_ord_id == order.cl_ord_id) {
                orders.push(order);
            }
        }
        let found = orders.iter().find(|o| o.client_id.as_deref() == Some(client_id)).cloned();
        Ok(Lookup { found, orders, started_at })
    }
}

/// How far before an intent's creation a lookup searches: the local clock may
/// be behind the server's.
pub const LOOKUP_MARGIN: TimeDelta = TimeDelta::minutes(15);

/// What one reconciliation lookup saw.
#[derive(Clone, Debug, PartialEq)]
pub struct Lookup {
    /// The order carrying the `clientId` looked for.
    pub found: Option<Order>,
    /// Every order the lookup saw (active and history), each `clOrdId` once.
    pub orders: Vec<Order>,
    /// When the lookup began: an order that reached Aries before this is in `orders`.
    pub started_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minted_client_ids_are_unique_and_fit_the_field() {
        let ids: std::collections::HashSet<String> = (0..1000).map(|_| mint_client_id()).collect();
        assert_eq!(ids.len(), 1000);
        assert!(ids.iter().all(|id| id.len() <= 50 && id.starts_with("desk-")));
        let order = OrderRequest::builder()
            .account_id("10001")
            .symbol("AAPL")
            .side(crate::models::Side::Buy)
            .order_type(crate::models::OrderType::Market)
            .qty("1")
            .time_in_force(crate::models::TimeInForce::Day)
            .client_id(mint_client_id())
            .build();
        assert!(order.is_ok(), "{order:?}");
    }
}
