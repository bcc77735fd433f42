//! The models decode what a real simulator sends: the market endpoints over
//! real HTTP on loopback (accounts and orders follow once the broker lands).

use std::time::{SystemTime, UNIX_EPOCH};

use aries_client::models::{self, DecodeError, History, QuoteResponse, SearchHit, SymbolInfo, SymbolType};
use aries_sim::scope::{Scope, ScopeSet};
use aries_sim::{FaultConfig, RunningSim, SimConfig};
use reqwest::StatusCode;

struct Sim {
    sim: RunningSim,
    token: String,
    http: reqwest::Client,
}

impl Sim {
    async fn start() -> Sim {
        let sim = RunningSim::start(0, SimConfig::default(), FaultConfig::default()).await.expect("simulator starts");
        let token = sim.sim.tokens.issue(1, "aries-desk", &ScopeSet(Scope::ALL.into_iter().collect())).access_token;
        Sim { sim, token, http: reqwest::Client::new() }
    }

    /// The body of a 200 answer to `path`.
    async fn get(&self, path: &str) -> Vec<u8> {
        let r = self.http.get(format!("{}{path}", self.sim.urls.rest)).bearer_auth(&self.token).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        r.bytes().await.unwrap().to_vec()
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
