//! Market REST against a real simulator: search, quotes, UDF history, symbol
//! info, authorisation, the market-data rate limit and the hours override.

mod common;

use std::time::{Duration, Instant};

use aries_sim::scope::Scope;
use aries_sim::{MarketHours, RunningSim, SimConfig};
use common::*;
use reqwest::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

fn market_token(sim: &RunningSim) -> String {
    token(sim, &scopes(&[Scope::MarketInformation]))
}

async fn get(sim: &RunningSim, path: &str, token: &str) -> (StatusCode, Value) {
    let r = http().get(format!("{}{path}", sim.urls.rest)).bearer_auth(token).send().await.unwrap();
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn symbols(hits: &Value) -> Vec<&str> {
    hits.as_array().unwrap().iter().map(|h| h["symbol"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn search_ranks_exact_symbol_then_prefixes_then_names() {
    let sim = start().await;
    let t = market_token(&sim);
    let (status, hits) = get(&sim, "/v1/marketdata/search?query=ms", &t).await;
    assert_eq!(status, StatusCode::OK);
    let found = symbols(&hits);
    assert_eq!(&found[..2], ["MS", "MSFT"], "{found:?}");
    assert!(found.contains(&"CSCO"), "Cisco Systems matches by name: {found:?}");
    assert_eq!(hits[0], json!({"symbol": "MS", "description": "Morgan Stanley", "tag": "XNYS", "type": "stock"}));

    let (_, hits) = get(&sim, "/v1/marketdata/search?query=goo", &t).await;
    assert_eq!(symbols(&hits), ["GOOG", "GOOGL"]);
    let (_, hits) = get(&sim, "/v1/marketdata/search?query=Apple", &t).await;
    assert_eq!(symbols(&hits), ["AAPL"]);
    let (_, hits) = get(&sim, "/v1/marketdata/search?query=spx", &t).await;
    assert_eq!(hits[0], json!({"symbol": "SPX", "description": "S&P 500 Index", "tag": "INDEX", "type": "index"}));
}

#[tokio::test]
async fn search_limits_and_validates_its_parameters() {
    let sim = start().await;
    let t = market_token(&sim);
    let (_, hits) = get(&sim, "/v1/marketdata/search?query=a", &t).await;
    assert_eq!(hits.as_array().unwrap().len(), 20, "the default limit");
    let (_, hits) = get(&sim, "/v1/marketdata/search?query=a&limit=3", &t).await;
    assert_eq!(hits.as_array().unwrap().len(), 3);
    let (_, hits) = get(&sim, "/v1/marketdata/search?query=a&limit=100", &t).await;
    assert!(hits.as_array().unwrap().len() > 20);
    for bad in ["query=a&limit=0", "query=a&limit=101", "query=a&limit=ten", "limit=5", "query=", "query=%20"] {
        let (status, body) = get(&sim, &format!("/v1/marketdata/search?{bad}"), &t).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(body["error"], "bad_request", "{bad}");
    }
}

#[tokio::test]
async fn search_prefixes_select_options_and_futures() {
    let sim = start().await;
    let t = market_token(&sim);
    let (status, hits) = get(&sim, "/v1/marketdata/search?query=.AAPL&limit=100", &t).await;
    assert_eq!(status, StatusCode::OK);
    let hits = hits.as_array().unwrap();
    assert!(!hits.is_empty());
    for h in hits {
        assert_eq!((h["type"].as_str(), h["tag"].as_str()), (Some("option"), Some("OPRA")));
        let s = h["symbol"].as_str().unwrap();
        assert!(s.starts_with("AAPL") && s.len() == 19, "{s}");
    }
    let (_, hits) = get(&sim, "/v1/marketdata/search?query=.AAPL&limit=4", &t).await;
    assert_eq!(hits.as_array().unwrap().len(), 4);
    for none in ["/ES", ".SPX", ".NOPE"] {
        let (status, hits) = get(&sim, &format!("/v1/marketdata/search?query={none}"), &t).await;
        assert_eq!((status, hits), (StatusCode::OK, json!([])), "{none}");
    }
}

#[tokio::test]
async fn quotes_have_the_documented_shape_and_flag_unknown_symbols() {
    let sim = start().await;
    let t = market_token(&sim);
    let (status, body) = get(&sim, "/v1/marketdata/quotes?symbols=AAPL,nope,SPX", &t).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["s"], "ok");
    let d = body["d"].as_array().unwrap();
    assert_eq!(d.len(), 3);

    assert_eq!((d[0]["n"].as_str(), d[0]["s"].as_str()), (Some("AAPL"), Some("ok")));
    let v = &d[0]["v"];
    for field in ["lp", "bid", "ask", "ch", "chp", "volume"] {
        assert!(v[field].is_number(), "{field} is a JSON number: {v}");
    }
    let (lp, bid, ask) = (v["lp"].as_f64().unwrap(), v["bid"].as_f64().unwrap(), v["ask"].as_f64().unwrap());
    assert!(bid < ask && bid <= lp && lp <= ask, "{v}");
    let prev = v["prev_close_price"].as_f64().unwrap();
    assert!((v["ch"].as_f64().unwrap() - (lp - prev)).abs() < 0.005, "{v}");
    assert!((v["chp"].as_f64().unwrap() - (lp - prev) / prev * 100.0).abs() < 0.006, "{v}");
    assert_eq!(v["description"], "Apple Inc.");

    assert_eq!((d[1]["n"].as_str(), d[1]["s"].as_str()), (Some("NOPE"), Some("error")));
    assert!(d[1]["errmsg"].as_str().unwrap().contains("NOPE"));

    assert_eq!(d[2]["s"], "ok");
    assert!(d[2]["v"]["lp"].as_f64().unwrap() > 1000.0, "S&P 500 level");
    assert!(d[2]["v"].get("bid").is_none() && d[2]["v"].get("ask").is_none(), "indices have no bid/ask");

    let (status, _) = get(&sim, "/v1/marketdata/quotes", &t).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let many = vec!["AAPL"; 101].join(",");
    let (status, _) = get(&sim, &format!("/v1/marketdata/quotes?symbols={many}"), &t).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[derive(Debug, Deserialize, PartialEq)]
struct Bars {
    s: String,
    t: Vec<i64>,
    o: Vec<f64>,
    h: Vec<f64>,
    l: Vec<f64>,
    c: Vec<f64>,
    v: Vec<u64>,
}

async fn bars(sim: &RunningSim, query: &str) -> Bars {
    let t = market_token(sim);
    let url = format!("{}/v1/chart/history?{query}", sim.urls.rest);
    let r = http().get(url).bearer_auth(t).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let text = r.text().await.unwrap();
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{query}: {e}: {}", &text[..text.len().min(200)]))
}

fn assert_well_formed(b: &Bars, what: &str) {
    assert_eq!(b.s, "ok", "{what}");
    let n = b.t.len();
    assert!(n > 0, "{what}: no bars");
    assert!([b.o.len(), b.h.len(), b.l.len(), b.c.len(), b.v.len()].iter().all(|len| *len == n), "{what}");
    assert!(b.t.windows(2).all(|w| w[0] < w[1]), "{what}: t ascending");
    assert!(*b.t.last().unwrap() <= now(), "{what}: no bars after now");
    for i in 0..n {
        assert!(b.h[i] >= b.o[i].max(b.c[i]), "{what}: bar {i} high");
        assert!(b.l[i] <= b.o[i].min(b.c[i]), "{what}: bar {i} low");
        assert!(b.l[i] > 0.0, "{what}: bar {i} positive");
    }
}

#[tokio::test]
async fn history_serves_every_documented_resolution() {
    let sim = start().await;
    let day = 86_400;
    let cases: &[(&str, i64)] = &[
        ("1", 2 * day),
        ("3", 2 * day),
        ("5", 2 * day),
        ("15", 3 * day),
        ("30", 3 * day),
        ("45", 3 * day),
        ("60", 5 * day),
        ("120", 5 * day),
        ("180", 5 * day),
        ("240", 5 * day),
        ("D", 30 * day),
        ("1D", 30 * day),
        ("1d", 30 * day),
        ("W", 200 * day),
        ("1W", 200 * day),
        ("1w", 200 * day),
        ("M", 400 * day),
        ("1M", 400 * day),
        ("1m", 400 * day),
        ("3M", 1000 * day),
        ("3m", 1000 * day),
        ("6M", 1500 * day),
        ("6m", 1500 * day),
        ("12M", 2000 * day),
        ("12m", 2000 * day),
    ];
    for (res, span) in cases {
        let to = now();
        let b = bars(&sim, &format!("symbol=MSFT&resolution={res}&from={}&to={to}", to - span)).await;
        assert_well_formed(&b, res);
        // The median step: a DST day ends with one shorter intraday bucket.
        let mut steps: Vec<i64> = b.t.windows(2).map(|w| w[1] - w[0]).collect();
        steps.sort();
        let step = steps[steps.len() / 2];
        match *res {
            "1" | "3" | "5" | "15" | "30" | "45" | "60" | "120" | "180" | "240" => {
                assert_eq!(step, res.parse::<i64>().unwrap() * 60, "{res}: always open, so bars are contiguous")
            }
            "D" | "1D" | "1d" => assert_eq!(step, day, "{res}"),
            "W" | "1W" | "1w" => assert_eq!(step, 7 * day, "{res}"),
            _ => assert!(step >= 28 * day, "{res}: {step}"),
        }
    }
}

#[tokio::test]
async fn history_accepts_milliseconds() {
    let sim = start().await;
    let (from, to) = (now() - 7200, now() - 3600);
    let seconds = bars(&sim, &format!("symbol=AAPL&resolution=5&from={from}&to={to}")).await;
    let millis = bars(&sim, &format!("symbol=AAPL&resolution=5&from={}&to={}", from * 1000, to * 1000)).await;
    assert_well_formed(&seconds, "seconds");
    assert_eq!(seconds, millis);
}

#[tokio::test]
async fn history_reports_bad_requests_in_band_with_http_200() {
    let sim = start().await;
    let t = market_token(&sim);
    let n = now();
    let cases = [
        format!("symbol=AAPL&resolution=5&from={n}&to={n}"),
        format!("symbol=AAPL&resolution=5&from={n}&to={}", n - 60),
        format!("symbol=AAPL&resolution=2&from={}&to={n}", n - 600),
        format!("symbol=AAPL&resolution=1H&from={}&to={n}", n - 600),
        format!("symbol=NOPE&resolution=5&from={}&to={n}", n - 600),
        format!("symbol=AAPL&resolution=5&to={n}"),
        format!("symbol=AAPL&resolution=5&from=soon&to={n}"),
        format!("symbol=AAPL&resolution=5&from=0&to={n}"),
        format!("resolution=5&from={}&to={n}", n - 600),
        format!("symbol=AAPL&resolution=5&from={}&to={n}&includeExtended=maybe", n - 600),
    ];
    for q in cases {
        let (status, body) = get(&sim, &format!("/v1/chart/history?{q}"), &t).await;
        assert_eq!(status, StatusCode::OK, "{q}");
        assert_eq!(body["s"], "error", "{q}: {body}");
        assert!(!body["errmsg"].as_str().unwrap_or("").is_empty(), "{q}: {body}");
    }
}

fn ny(s: &str) -> i64 {
    use chrono::TimeZone;
    let local = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
    chrono_tz::America::New_York.from_local_datetime(&local).unwrap().timestamp()
}

#[tokio::test]
async fn real_hours_serve_sessions_only_and_no_data_points_back() {
    let sim = start_with(SimConfig { market_hours: MarketHours::Real, ..SimConfig::default() }).await;
    let t = market_token(&sim);
    // Friday 2026-11-20 is a full trading day.
    let (from, to) = (ny("2026-11-20 00:00"), ny("2026-11-21 00:00"));
    let regular = bars(&sim, &format!("symbol=AAPL&resolution=1&from={from}&to={to}")).await;
    assert_well_formed(&regular, "regular");
    assert_eq!(regular.t.len(), 390);
    assert_eq!((regular.t[0], *regular.t.last().unwrap()), (ny("2026-11-20 09:30"), ny("2026-11-20 15:59")));
    let extended = bars(&sim, &format!("symbol=AAPL&resolution=1&from={from}&to={to}&includeExtended=true")).await;
    assert_eq!(extended.t.len(), 16 * 60, "04:00 to 20:00");
    let hourly = bars(&sim, &format!("symbol=AAPL&resolution=60&from={from}&to={to}")).await;
    assert_eq!(hourly.t[0], ny("2026-11-20 09:30"), "intraday bars align to the session open");

    // The weekend has no bars; nextTime is Friday's last bar.
    let (sat, sun) = (ny("2026-11-21 00:00"), ny("2026-11-22 23:00"));
    let (_, body) = get(&sim, &format!("/v1/chart/history?symbol=AAPL&resolution=1&from={sat}&to={sun}"), &t).await;
    assert_eq!(body, json!({"s": "no_data", "nextTime": ny("2026-11-20 15:59")}));
    // Daily bars are stamped at 00:00 UTC, so stop before Monday's.
    let sun_noon = ny("2026-11-22 12:00");
    let (_, body) =
        get(&sim, &format!("/v1/chart/history?symbol=AAPL&resolution=D&from={sat}&to={sun_noon}"), &t).await;
    assert_eq!(
        body["nextTime"],
        chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap().and_hms_opt(0, 0, 0).unwrap().and_utc().timestamp()
    );
    // Thanksgiving 2025 is a holiday.
    let (thu, fri) = (ny("2025-11-27 00:00"), ny("2025-11-28 00:00"));
    let (_, body) = get(&sim, &format!("/v1/chart/history?symbol=AAPL&resolution=1&from={thu}&to={fri}"), &t).await;
    assert_eq!(body["s"], "no_data");
    // Before the first day there is nothing earlier.
    let (_, body) = get(&sim, "/v1/chart/history?symbol=AAPL&resolution=D&from=1500000000&to=1510000000", &t).await;
    assert_eq!(body, json!({"s": "no_data"}));
    // Ranges in the future have no bars either.
    let (_, body) = get(
        &sim,
        &format!("/v1/chart/history?symbol=AAPL&resolution=D&from={}&to={}", now() + 86_400 * 3, now() + 86_400 * 9),
        &t,
    )
    .await;
    assert_eq!(body["s"], "no_data");
    assert!(body["nextTime"].as_i64().unwrap() <= now());
}

#[tokio::test]
async fn the_same_seed_gives_the_same_bars_and_another_seed_does_not() {
    let a = start_with(SimConfig { seed: 7, ..SimConfig::default() }).await;
    let b = start_with(SimConfig { seed: 7, ..SimConfig::default() }).await;
    let c = start_with(SimConfig { seed: 8, ..SimConfig::default() }).await;
    let minutes = format!("symbol=NVDA&resolution=1&from={}&to={}", ny("2026-11-20 09:30"), ny("2026-11-20 11:00"));
    let days = format!("symbol=NVDA&resolution=D&from={}&to={}", ny("2025-11-01 00:00"), ny("2026-11-01 00:00"));
    for q in [minutes, days] {
        let (ba, bb, bc) = (bars(&a, &q).await, bars(&b, &q).await, bars(&c, &q).await);
        assert_well_formed(&ba, &q);
        assert_eq!(ba, bb, "same seed");
        assert_eq!(ba.t, bc.t);
        assert_ne!(ba.c, bc.c, "different seed");
    }
}

#[tokio::test]
async fn the_latest_minute_bar_and_todays_bar_agree_with_the_live_quote() {
    let sim = start().await;
    let t = market_token(&sim);
    // Prices move once a second: retry until both quotes bracket the bars within one second.
    for _ in 0..10 {
        let (_, before) = get(&sim, "/v1/marketdata/quotes?symbols=TSLA", &t).await;
        let to = now() + 60;
        let minute = bars(&sim, &format!("symbol=TSLA&resolution=1&from={}&to={to}", to - 900)).await;
        let day = bars(&sim, &format!("symbol=TSLA&resolution=D&from={}&to={to}", to - 5 * 86_400)).await;
        let (_, after) = get(&sim, "/v1/marketdata/quotes?symbols=TSLA", &t).await;
        if before["d"][0]["v"] != after["d"][0]["v"] {
            continue;
        }
        let v = &after["d"][0]["v"];
        let last = minute.t.len() - 1;
        assert_eq!(minute.c[last], v["lp"].as_f64().unwrap());
        assert_eq!(minute.t[last], v["tt"].as_i64().unwrap() / 60 * 60, "the bar of the quote's minute");
        let today = day.t.len() - 1;
        assert_eq!(day.c[today], v["lp"].as_f64().unwrap());
        assert_eq!(day.o[today], v["open_price"].as_f64().unwrap());
        assert_eq!(day.h[today], v["high_price"].as_f64().unwrap());
        assert_eq!(day.l[today], v["low_price"].as_f64().unwrap());
        assert_eq!(day.v[today], v["volume"].as_u64().unwrap());
        return;
    }
    panic!("quotes never stood still for a whole request");
}

#[tokio::test]
async fn a_closed_market_freezes_quotes_at_the_last_regular_close() {
    let sim = start_with(SimConfig { market_hours: MarketHours::AlwaysClosed, ..SimConfig::default() }).await;
    let t = market_token(&sim);
    let (_, first) = get(&sim, "/v1/marketdata/quotes?symbols=AAPL", &t).await;
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let (_, second) = get(&sim, "/v1/marketdata/quotes?symbols=AAPL", &t).await;
    assert_eq!(first, second, "no live movement");
    let v = &first["d"][0]["v"];
    let tt = v["tt"].as_i64().unwrap();
    let close = chrono::DateTime::from_timestamp(tt + 1, 0).unwrap().with_timezone(&chrono_tz::America::New_York);
    assert_eq!(close.format("%H:%M:%S").to_string(), "16:00:00", "the last regular close");
    let minute = bars(&sim, &format!("symbol=AAPL&resolution=1&from={}&to={}", now() - 10 * 86_400, now())).await;
    assert_eq!(*minute.t.last().unwrap(), tt / 60 * 60);
    assert_eq!(*minute.c.last().unwrap(), v["lp"].as_f64().unwrap());
}

#[tokio::test]
async fn a_year_of_minute_bars_is_available() {
    let sim = start_with(SimConfig { market_hours: MarketHours::Real, ..SimConfig::default() }).await;
    let to = now();
    let from = to - 365 * 86_400;
    let started = Instant::now();
    let year = bars(&sim, &format!("symbol=AAPL&resolution=1&from={from}&to={to}")).await;
    eprintln!("a year of regular-session 1-minute bars: {} bars in {:?}", year.t.len(), started.elapsed());
    assert_well_formed(&year, "year");
    // About 250 sessions of 390 minutes.
    assert!((245 * 390..=254 * 390).contains(&year.t.len()), "{} bars", year.t.len());
    assert!(year.t[0] < from + 5 * 86_400, "the year starts at its beginning");

    let open = start().await;
    let started = Instant::now();
    let all = bars(&open, &format!("symbol=AAPL&resolution=1&from={from}&to={to}")).await;
    eprintln!("a year of round-the-clock 1-minute bars: {} bars in {:?}", all.t.len(), started.elapsed());
    assert!(all.t.len() >= 365 * 1440 - 1, "{} bars", all.t.len());
}

#[tokio::test]
async fn symbol_info_describes_the_instrument() {
    let sim = start().await;
    let t = market_token(&sim);
    let (status, info) = get(&sim, "/v1/chart/symbols?symbol=AAPL", &t).await;
    assert_eq!(status, StatusCode::OK);
    for (k, v) in [
        ("name", json!("AAPL")),
        ("ticker", json!("AAPL")),
        ("description", json!("Apple Inc.")),
        ("exchange", json!("NASDAQ")),
        ("type", json!("stock")),
        ("timezone", json!("America/New_York")),
        ("pricescale", json!(100)),
        ("minmov", json!(1)),
        ("has_intraday", json!(true)),
        ("session", json!("24x7")),
    ] {
        assert_eq!(info[k], v, "{k}");
    }
    assert!(info["supported_resolutions"].as_array().unwrap().contains(&json!("1D")));
    let (_, info) = get(&sim, "/v1/chart/symbols?symbol=vix", &t).await;
    assert_eq!((info["type"].as_str(), info["visible_plots_set"].as_str()), (Some("index"), Some("ohlc")));
    let (status, info) = get(&sim, "/v1/chart/symbols?symbol=NOPE", &t).await;
    assert_eq!((status, info["s"].as_str()), (StatusCode::OK, Some("error")));
}

#[tokio::test]
async fn market_routes_need_a_token_and_the_market_scope() {
    let sim = start().await;
    let wrong = token(&sim, &scopes(&[Scope::AccountInformation, Scope::OrderExecution]));
    let n = now();
    for path in [
        "/v1/marketdata/search?query=AAPL".to_string(),
        "/v1/marketdata/quotes?symbols=AAPL".to_string(),
        format!("/v1/chart/history?symbol=AAPL&resolution=D&from={}&to={n}", n - 864_000),
        "/v1/chart/symbols?symbol=AAPL".to_string(),
    ] {
        let r = http().get(format!("{}{path}", sim.urls.rest)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{path}");
        let (status, body) = get(&sim, &path, "not-a-token").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}");
        assert_eq!(body["error"], "unauthorized");
        let (status, body) = get(&sim, &path, &wrong).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
        assert_eq!(body["scope"], "market:information", "{path}: {body}");
        assert!(body["message"].as_str().unwrap().contains("market:information"));
    }
}

#[tokio::test]
async fn market_data_allows_1000_requests_a_minute() {
    let sim = start_with(SimConfig { rate_limits: true, ..SimConfig::default() }).await;
    let t = market_token(&sim);
    // The window is a fixed minute: start early in one so the burst fits.
    let into_window = now() % 60;
    if into_window > 40 {
        tokio::time::sleep(Duration::from_secs((61 - into_window) as u64)).await;
    }
    let client = http();
    let url = format!("{}/v1/marketdata/search?query=AAPL&limit=1", sim.urls.rest);
    for i in 0..1000 {
        let r = client.get(&url).bearer_auth(&t).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "request {i}");
        assert_eq!(r.headers()["x-ratelimit-remaining"], (999 - i).to_string().as_str());
    }
    // The chart endpoints share the market-data budget.
    let r = client.get(format!("{}/v1/chart/symbols?symbol=AAPL", sim.urls.rest)).bearer_auth(&t).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let h = r.headers();
    assert_eq!(h["x-ratelimit-limit"], "1000");
    assert_eq!(h["x-ratelimit-remaining"], "0");
    let reset: i64 = h["x-ratelimit-reset"].to_str().unwrap().parse().unwrap();
    assert!(reset > now() - 1 && reset <= now() + 60);
    assert!(h.contains_key("retry-after"));
    // Another token has its own budget.
    let other = market_token(&sim);
    assert_eq!(client.get(&url).bearer_auth(&other).send().await.unwrap().status(), StatusCode::OK);
}

#[tokio::test]
async fn the_admin_route_overrides_market_hours() {
    let sim = start().await;
    assert!(sim.sim.market.is_open());
    let admin = format!("{}/market", sim.urls.admin);
    let r = http().put(&admin).json(&json!({"hours": "always_closed"})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.unwrap(), json!({"hours": "always_closed", "open": false}));
    assert!(!sim.sim.market.is_open());
    let before = sim.sim.market.quote("AAPL").unwrap();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(sim.sim.market.quote("AAPL").unwrap(), before, "frozen while closed");

    let r = http().put(&admin).json(&json!({"hours": "sometimes"})).send().await.unwrap();
    assert!(r.status().is_client_error());
    let r = http().put(&admin).json(&json!({"hours": "always_open"})).send().await.unwrap();
    assert_eq!(r.json::<Value>().await.unwrap()["open"], true);
    let got: Value = http().get(&admin).send().await.unwrap().json().await.unwrap();
    assert_eq!(got, json!({"hours": "always_open", "open": true}));
    assert!(sim.sim.market.is_open());
}

/// Batches with at least one changed quote during `wait`.
async fn moving_batches(sim: &RunningSim, wait: Duration) -> usize {
    let mut batches = sim.sim.market.subscribe();
    let deadline = tokio::time::Instant::now() + wait;
    let mut moving = 0;
    while let Ok(Ok(batch)) = tokio::time::timeout_at(deadline, batches.recv()).await {
        moving += usize::from(!batch.is_empty());
    }
    moving
}

#[tokio::test]
async fn the_admin_route_speeds_the_market_clock_and_quotes_follow_it() {
    let sim = start().await;
    let admin = format!("{}/clock", sim.urls.admin);
    let slow = moving_batches(&sim, Duration::from_secs(2)).await;
    assert!(slow <= 3, "prices move at most once a market second: {slow} batches in 2 s");

    for bad in [json!({"speed": 0}), json!({"speed": 3601}), json!({"speed": "fast"})] {
        let r = http().put(&admin).json(&bad).send().await.unwrap();
        assert!(r.status().is_client_error(), "{bad}");
    }
    let r = http().put(&admin).json(&json!({"speed": 60})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.unwrap()["speed"], 60);
    let fast = moving_batches(&sim, Duration::from_secs(2)).await;
    assert!(fast >= 60, "every market second gets its batch: {fast} in 2 s at 60×");
    let ahead = sim.sim.market.now() - chrono::Utc::now();
    assert!(ahead >= chrono::Duration::seconds(90), "market time ran ahead: {ahead}");
    assert!(sim.sim.market.quote("AAPL").unwrap().time > chrono::Utc::now() + chrono::Duration::seconds(60));

    let r = http().put(&admin).json(&json!({"speed": 1})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let got: Value = http().get(&admin).send().await.unwrap().json().await.unwrap();
    assert_eq!(got["speed"], 1);
    assert!(sim.sim.market.now() >= chrono::Utc::now() + ahead, "slowing down never moves market time back");
}
