//! Typed reads: the user, accounts, balances, positions, the order lists and
//! market data (docs/aries-api.md §4–§9).

use chrono::{DateTime, Utc};

use super::{AccessTokens, AriesClient};
use crate::error::{Error, Result};
use crate::models::{
    self, Account, AccountList, Balances, History, LegacyOrderList, Order, OrderPage, PositionList, QuoteResponse,
    SearchHit, SymbolInfo, User,
};

/// Largest page the v2 order lists serve.
const MAX_PAGE: u32 = 500;

/// The filter of `GET /v2/accounts/{id}/orders/history`; `from` is required by the server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistoryQuery {
    pub from: DateTime<Utc>,
    /// Inclusive; the server defaults to now.
    pub to: Option<DateTime<Utc>>,
    /// Oldest first instead of the default newest first.
    pub ascending: bool,
    /// Leave out today's orders (they are in the active list).
    pub exclude_today: bool,
}

impl HistoryQuery {
    pub fn since(from: DateTime<Utc>) -> Self {
        HistoryQuery { from, to: None, ascending: false, exclude_today: false }
    }

    fn params(&self) -> Vec<(&'static str, String)> {
        let mut p = vec![("from", self.from.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))];
        if let Some(to) = self.to {
            p.push(("to", to.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)));
        }
        p.push(("order_by", if self.ascending { "asc" } else { "desc" }.to_string()));
        if self.exclude_today {
            p.push(("exclude_today", "true".to_string()));
        }
        p
    }
}

fn paging(cursor: Option<i64>, limit: u32) -> [(&'static str, String); 2] {
    [("limit", limit.clamp(1, MAX_PAGE).to_string()), ("cursor", cursor.unwrap_or(0).to_string())]
}

impl<T: AccessTokens> AriesClient<T> {
    /// `GET /v1/users/me`.
    pub async fn me(&self) -> Result<User> {
        Ok(models::decode(&self.get(&["v1", "users", "me"], &[]).await?)?)
    }

    /// `GET /v1/users/me/accounts`.
    pub async fn accounts(&self) -> Result<Vec<Account>> {
        let list: AccountList = models::decode(&self.get(&["v1", "users", "me", "accounts"], &[]).await?)?;
        Ok(list.accounts)
    }

    /// `GET /v1/accounts/{id}/balances`.
    pub async fn balances(&self, account: &str) -> Result<Balances> {
        Ok(models::decode(&self.get(&["v1", "accounts", account, "balances"], &[]).await?)?)
    }

    /// `GET /v1/accounts/{id}/positions`.
    pub async fn positions(&self, account: &str) -> Result<PositionList> {
        Ok(models::decode(&self.get(&["v1", "accounts", account, "positions"], &[]).await?)?)
    }

    /// One page of `GET /v2/accounts/{id}/orders` (working orders plus today's finished ones).
    pub async fn active_orders_page(&self, account: &str, cursor: Option<i64>, limit: u32) -> Result<OrderPage> {
        let body = self.get(&["v2", "accounts", account, "orders"], &paging(cursor, limit)).await?;
        Ok(models::decode(&body)?)
    }

    /// Every active order: all v2 pages, or the v1 list where v2 is not served (404).
    pub async fn active_orders(&self, account: &str) -> Result<Vec<Order>> {
        let mut orders = Vec::new();
        let mut cursor = None;
        loop {
            let page = match self.active_orders_page(account, cursor, MAX_PAGE).await {
                Err(Error::Refused { status: 404, .. }) if cursor.is_none() => {
                    return self.legacy_orders(account).await;
                }
                page => page?,
            };
            orders.extend(page.orders);
            match page.next_cursor {
                // A server repeating a cursor would otherwise keep us here forever.
                Some(next) if Some(next) != cursor => cursor = Some(next),
                _ => return Ok(orders),
            }
        }
    }

    /// `GET /v1/accounts/{id}/orders`, the legacy list, in the v2 shape.
    pub async fn legacy_orders(&self, account: &str) -> Result<Vec<Order>> {
        let list: LegacyOrderList = models::decode(&self.get(&["v1", "accounts", account, "orders"], &[]).await?)?;
        Ok(list.orders.into_iter().map(Order::from).collect())
    }

    /// One page of `GET /v2/accounts/{id}/orders/history`.
    pub async fn order_history_page(
        &self,
        account: &str,
        query: &HistoryQuery,
        cursor: Option<i64>,
        limit: u32,
    ) -> Result<OrderPage> {
        let mut params = query.params();
        params.extend(paging(cursor, limit));
        let body = self.get(&["v2", "accounts", account, "orders", "history"], &params).await?;
        Ok(models::decode(&body)?)
    }

    /// Every page of the order history matching `query`.
    pub async fn order_history(&self, account: &str, query: &HistoryQuery) -> Result<Vec<Order>> {
        let mut orders = Vec::new();
        let mut cursor = None;
        loop {
            let page = self.order_history_page(account, query, cursor, MAX_PAGE).await?;
            orders.extend(page.orders);
            match page.next_cursor {
                Some(next) if Some(next) != cursor => cursor = Some(next),
                _ => return Ok(orders),
            }
        }
    }

    /// `GET /v1/marketdata/search`: stocks and indices; `.AAPL` for options, `/ES` for futures.
    pub async fn search(&self, query: &str, limit: Option<u32>) -> Result<Vec<SearchHit>> {
        let mut params = vec![("query", query.to_string())];
        if let Some(limit) = limit {
            params.push(("limit", limit.clamp(1, 100).to_string()));
        }
        Ok(models::decode(&self.get(&["v1", "marketdata", "search"], &params).await?)?)
    }

    /// `GET /v1/marketdata/quotes?symbols=…`: per-symbol failures are items with an error.
    pub async fn quotes(&self, symbols: &[&str]) -> Result<QuoteResponse> {
        if symbols.is_empty() {
            return Err(Error::Validation("Choose at least one symbol to quote.".into()));
        }
        let params = [("symbols", symbols.join(","))];
        Ok(models::decode(&self.get(&["v1", "marketdata", "quotes"], &params).await?)?)
    }

    /// `GET /v1/chart/history` (UDF) between two Unix times in seconds. An
    /// in-band `s: "error"` is an error; `no_data` is an empty history.
    pub async fn chart_history(&self, symbol: &str, resolution: &str, from: i64, to: i64) -> Result<History> {
        let params = [
            ("symbol", symbol.to_string()),
            ("resolution", resolution.to_string()),
            ("from", from.to_string()),
            ("to", to.to_string()),
        ];
        Ok(History::decode(&self.get(&["v1", "chart", "history"], &params).await?)?)
    }

    /// `GET /v1/chart/symbols?symbol=…`: the TradingView symbol info.
    pub async fn chart_symbol(&self, symbol: &str) -> Result<SymbolInfo> {
        let params = [("symbol", symbol.to_string())];
        Ok(SymbolInfo::decode(&self.get(&["v1", "chart", "symbols"], &params).await?)?)
    }
}
