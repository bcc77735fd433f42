//! The models decode what a real simulator sends over real HTTP on loopback:
//! users, accounts, balances, positions, the order lists and the market endpoints.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aries_client::models::{
    self, AccountList, Balances, DecodeError, History, InstrumentKind, LegacyOrderList, Order, OrderAck, OrderPage,
    OrderStatus, OrderType, PositionList, QuoteResponse, SearchHit, Side, SymbolInfo, SymbolType, TimeInForce, User,
};
use aries_client::order::OrderRequest;
use aries_sim::scope::{Scope, ScopeSet};
use aries_sim::{FaultConfig, RunningSim, SimConfig};
use reqwest::StatusCode;
use rust_decimal_macros::dec;
use serde::de::DeserializeOwned;

const ACCOUNT: &str = "10001";

struct Sim {
    sim: RunningSim,
    token: String,
    http: reqwest::Client,
}

impl Sim {
    async fn start() -> Sim {
        // Polling below would exceed the per-minute limits; the limits have their own tests.
        let config = SimConfig { rate_limits: false, tick: Duration::from_millis(50), ..SimConfig::default() };
        let sim = RunningSim::start(0, config, FaultConfig::default()).await.expect("simulator starts");
        let token = sim.sim.tokens.issue(1, "aries-desk", &ScopeSet(Scope::ALL.into_iter().collect())).access_token;
        Sim { sim, token, http: reqwest::Client::new() }
    }

    /// The body of a 200 answer to `path`.
    async fn get(&self, path: &str) -> Vec<u8> {
        let r = self.http.get(format!("{}{path}", self.sim.urls.rest)).bearer_auth(&self.token).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        r.bytes().await.unwrap().to_vec()
    }

    async fn get_as<T: DeserializeOwned>(&self, path: &str) -> T {
        models::decode(&self.get(path).await).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    /// Places a validated order; the acknowledgement must be an acceptance.
    async fn place(&self, symbol: &str, order_type: OrderType, price: Option<&str>) -> OrderAck {
        let mut b = OrderRequest::builder()
            .account_id(ACCOUNT)
            .symbol(symbol)
            .side(Side::Buy)
            .order_type(order_type)
            .qty("10")
            .time_in_force(TimeInForce::Gtc);
        if let Some(p) = price {
            b = b.price(p);
        }
        let url = format!("{}/v1/orders", self.sim.urls.rest);
        let r = self.http.post(url).bearer_auth(&self.token).json(&b.build().unwrap()).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let ack: OrderAck = models::decode(&r.bytes().await.unwrap()).unwrap();
        assert!(!ack.is_rejected(), "{ack:?}");
        ack
    }
}

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
}

#[tokio::test]
async fn search_results_decode_with_their_types() {
    let s = Sim::start().await;
    let hits: Vec<SearchHit> = models::decode(&s.get("/v1/marketdata/search?query=ms").await).unwrap();
    assert_eq!((hits[0].symbol.as_str(), hits[0].kind.clone()), ("MS", Some(SymbolType::Stock)));
    assert_eq!(hits[0].tag.as_deref(), Some("XNYS"));
    let index: Vec<SearchHit> = models::decode(&s.get("/v1/marketdata/search?query=spx").await).unwrap();
    assert_eq!(index[0].kind, Some(SymbolType::Index));
    let options: Vec<SearchHit> = models::decode(&s.get("/v1/marketdata/search?query=.AAPL&limit=4").await).unwrap();
    assert_eq!(options.len(), 4);
    assert!(options.iter().all(|h| h.kind == Some(SymbolType::Option) && h.symbol.starts_with("AAPL")), "{options:?}");
}

#[tokio::test]
async fn quotes_decode_per_symbol_with_failures_kept_apart() {
    let s = Sim::start().await;
    let r: QuoteResponse = models::decode(&s.get("/v1/marketdata/quotes?symbols=AAPL,SPX,NOPE").await).unwrap();
    assert_eq!(r.status.as_deref(), Some("ok"));
    let symbols: Vec<&str> = r.items.iter().map(|i| i.symbol.as_str()).collect();
    assert_eq!(symbols, ["AAPL", "SPX", "NOPE"], "request order");
    let aapl = r.items[0].quote().unwrap();
    let (bid, ask, last) = (aapl.bid.unwrap(), aapl.ask.unwrap(), aapl.lp.unwrap());
    assert!(bid > 0.0 && bid <= ask, "{aapl:?}");
    assert!(aapl.volume.is_some() && aapl.chp.is_some() && last > 0.0, "{aapl:?}");
    let spx = r.items[1].quote().unwrap();
    assert_eq!((spx.bid, spx.ask), (None, None), "indices have no bid/ask");
    assert!(r.items[2].quote().unwrap_err().contains("NOPE"));
}

#[tokio::test]
async fn history_decodes_into_bars_no_data_and_in_band_errors() {
    let s = Sim::start().await;
    let (from, to) = (now() - 5 * 86_400, now());
    let h = History::decode(&s.get(&format!("/v1/chart/history?symbol=AAPL&resolution=60&from={from}&to={to}")).await)
        .unwrap();
    assert!(!h.bars.is_empty());
    assert!(h.bars.windows(2).all(|w| w[0].time < w[1].time), "ascending times");
    assert!(h.bars.iter().all(|b| b.low <= b.open.min(b.close) && b.high >= b.open.max(b.close) && b.volume.is_some()));
    assert!(h.bars.iter().all(|b| (from as i64..=to as i64).contains(&b.time)));

    let future =
        format!("/v1/chart/history?symbol=AAPL&resolution=D&from={}&to={}", now() + 3 * 86_400, now() + 9 * 86_400);
    let none = History::decode(&s.get(&future).await).unwrap();
    assert!(none.bars.is_empty());
    assert!(none.next_time.is_some_and(|t| t <= now() as i64), "{none:?}");
    let before =
        History::decode(&s.get("/v1/chart/history?symbol=AAPL&resolution=D&from=1500000000&to=1510000000").await);
    assert_eq!(before.unwrap(), History { bars: vec![], next_time: None });

    let bad = History::decode(&s.get(&format!("/v1/chart/history?symbol=AAPL&resolution=7&from={from}&to={to}")).await);
    assert!(matches!(bad, Err(DecodeError::InBand(ref m)) if m.contains("resolution")), "{bad:?}");
}

#[tokio::test]
async fn symbol_info_decodes_and_unknown_symbols_are_in_band_errors() {
    let s = Sim::start().await;
    let info = SymbolInfo::decode(&s.get("/v1/chart/symbols?symbol=AAPL").await).unwrap();
    assert_eq!((info.name.as_deref(), info.kind.clone()), (Some("AAPL"), Some(SymbolType::Stock)));
    assert_eq!(
        (info.pricescale, info.minmov, info.timezone.as_deref()),
        (Some(100), Some(1), Some("America/New_York"))
    );
    assert!(info.supported_resolutions.iter().any(|r| r == "1D"));
    assert_eq!(info.has_intraday, Some(true));
    let missing = SymbolInfo::decode(&s.get("/v1/chart/symbols?symbol=ZZZZ").await);
    assert!(matches!(missing, Err(DecodeError::InBand(ref m)) if m.contains("ZZZZ")), "{missing:?}");
}

#[tokio::test]
async fn the_user_and_accounts_decode_with_the_trading_id() {
    let s = Sim::start().await;
    let me: User = s.get_as("/v1/users/me").await;
    assert_eq!(
        (me.id.as_deref(), me.email.as_deref(), me.email_verified),
        (Some("1"), Some("demo@ariesdesk.dev"), Some(true))
    );
    assert_eq!(me.avatar_url, None, "empty strings are unset");
    assert_eq!(me.account_application.unwrap().status.as_deref(), Some("APPROVED"));
    assert!(me.created_at.is_some());

    let list: AccountList = s.get_as("/v1/users/me/accounts").await;
    let ids: Vec<_> = list.accounts.iter().map(|a| (a.trading_id(), a.is_sim, a.is_open())).collect();
    assert_eq!(ids, [(Some("10001"), Some(true), true), (Some("10002"), Some(false), true)]);
    assert_eq!(list.accounts[0].account_class.as_deref(), Some("MARGIN"));
}

#[tokio::test]
async fn balances_and_positions_decode_after_a_fill() {
    let s = Sim::start().await;
    let before: Balances = s.get_as(&format!("/v1/accounts/{ACCOUNT}/balances")).await;
    assert_eq!(before.account_id.as_deref(), Some(ACCOUNT));
    assert_eq!(before.value_bought, Some(dec!(0.00)));
    let all = [before.net_buying_power, before.total_equity, before.maint_req, before.sma, before.sod_ttl_equity];
    assert!(all.iter().all(Option::is_some), "{before:?}");

    s.place("INTC", OrderType::Market, None).await;
    let mut positions = PositionList::default();
    for _ in 0..200 {
        positions = s.get_as(&format!("/v1/accounts/{ACCOUNT}/positions")).await;
        if !positions.positions.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let p = positions.positions.first().expect("the market order filled");
    assert_eq!((p.symbol.as_str(), p.quantity, p.instrument.clone()), ("INTC", dec!(10), Some(InstrumentKind::Equity)));
    assert!(p.average_price.unwrap() > dec!(0) && p.market_value.is_some() && p.realized_pl.is_some(), "{p:?}");
    assert_eq!(positions.availability.unwrap().available, Some(true));

    let after: Balances = s.get_as(&format!("/v1/accounts/{ACCOUNT}/balances")).await;
    assert_eq!(after.value_bought, Some((p.average_price.unwrap() * dec!(10)).round_dp(2)));
}

#[tokio::test]
async fn order_lists_decode_in_v2_pages_v1_records_and_history() {
    let s = Sim::start().await;
    let first = s.place("AAPL", OrderType::Limit, Some("1.00")).await.cl_ord_id.unwrap();
    let second = s.place("MSFT", OrderType::Limit, Some("1.00")).await.cl_ord_id.unwrap();

    let page: OrderPage = s.get_as(&format!("/v2/accounts/{ACCOUNT}/orders?limit=1")).await;
    assert_eq!(page.orders.len(), 1);
    let cursor = page.next_cursor.expect("a second page");
    let rest: OrderPage = s.get_as(&format!("/v2/accounts/{ACCOUNT}/orders?limit=1&cursor={cursor}")).await;
    assert_eq!(rest.next_cursor, None, "the last page");
    let mut ids = [page.orders[0].cl_ord_id.clone(), rest.orders[0].cl_ord_id.clone()];
    ids.sort();
    let mut expected = [first.clone(), second];
    expected.sort();
    assert_eq!(ids, expected);
    let aapl = page.orders.iter().chain(&rest.orders).find(|o| o.cl_ord_id == first).unwrap();
    assert_eq!(
        (aapl.price, aapl.stop_price, aapl.ord_status.clone()),
        (Some(dec!(1.00)), None, Some(OrderStatus::New))
    );
    assert_eq!((aapl.order_type.clone(), aapl.time_in_force.clone()), (Some(OrderType::Limit), Some(TimeInForce::Gtc)));

    let legacy: LegacyOrderList = s.get_as(&format!("/v1/accounts/{ACCOUNT}/orders")).await;
    let v1 = Order::from(legacy.orders.into_iter().find(|o| o.cl_ord_id.as_deref() == Some(&*first)).unwrap());
    assert_eq!((v1.ord_status.clone(), v1.qty, v1.leaves_qty), (Some(OrderStatus::Working), dec!(10), dec!(10)));
    assert!(v1.is_working());

    // The default `to` is now truncated to the minute, which may exclude orders just placed.
    let rfc3339 = |t: chrono::DateTime<chrono::Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let (from, to) = (
        rfc3339(chrono::Utc::now() - chrono::Duration::hours(1)),
        rfc3339(chrono::Utc::now() + chrono::Duration::hours(1)),
    );
    let history: OrderPage = s.get_as(&format!("/v2/accounts/{ACCOUNT}/orders/history?from={from}&to={to}")).await;
    assert!(history.orders.iter().any(|o| o.cl_ord_id == first), "{history:?}");
}
