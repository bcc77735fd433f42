//! Market-data REST (docs/aries-api.md §9.1, §9.4): symbol search and quote
//! snapshots. Prices here are JSON numbers on the wire (§1) and are only shown
//! or charted, never used for order arithmetic, so they are `f64`.

use serde::{Deserialize, Serialize};

use super::enums::SymbolType;
use super::wire;

/// One result of `GET /v1/marketdata/search` (a bare JSON array of these).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SearchHit {
    #[serde(deserialize_with = "wire::string")]
    pub symbol: String,
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub description: Option<String>,
    /// The exchange or data-source code (a MIC such as `XNAS`, or `OPRA`).
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub tag: Option<String>,
    #[serde(rename = "type", default, deserialize_with = "wire::opt_enum")]
    pub kind: Option<SymbolType>,
}

/// `GET /v1/marketdata/quotes?symbols=…`: `{"s":"ok","d":[item, …]}` in request order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QuoteResponse {
    #[serde(rename = "s", default, deserialize_with = "wire::opt_string")]
    pub status: Option<String>,
    #[serde(rename = "errmsg", default, deserialize_with = "wire::opt_string")]
    pub error: Option<String>,
    #[serde(rename = "d", default, deserialize_with = "wire::list")]
    pub items: Vec<QuoteItem>,
}

/// One symbol's quote, TradingView-UDF style: `n` is the symbol and `s` the
/// item's own status, so one unknown symbol does not fail the whole request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QuoteItem {
    #[serde(rename = "n", deserialize_with = "wire::string")]
    pub symbol: String,
    #[serde(rename = "s", default, deserialize_with = "wire::opt_string")]
    pub status: Option<String>,
    #[serde(rename = "errmsg", default, deserialize_with = "wire::opt_string")]
    pub error: Option<String>,
    #[serde(rename = "v", default)]
    pub values: Option<QuoteValues>,
}

impl QuoteItem {
    /// The values, unless the server reported an error for this symbol.
    pub fn quote(&self) -> Result<&QuoteValues, &str> {
        let failed = self.status.as_deref().is_some_and(|s| s.eq_ignore_ascii_case("error"));
        match &self.values {
            Some(v) if !failed => Ok(v),
            _ => Err(self.error.as_deref().unwrap_or("no quote for this symbol")),
        }
    }
}

/// TradingView quote keys. Indices have no bid/ask (§10.2).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct QuoteValues {
    /// Last traded price.
    #[serde(default, deserialize_with = "wire::opt_f64")]
    pub lp: Option<f64>,
    #[serde(default, deserialize_with = "wire::opt_f64")]
    pub bid: Option<f64>,
    #[serde(default, deserialize_with = "wire::opt_f64")]
    pub ask: Option<f64>,
    /// Change from the previous close.
    #[serde(default, deserialize_with = "wire::opt_f64")]
    pub ch: Option<f64>,
    /// Change in percent.
    #[serde(default, deserialize_with = "wire::opt_f64")]
    pub chp: Option<f64>,
    #[serde(default, deserialize_with = "wire::opt_f64")]
    pub volume: Option<f64>,
    #[serde(default, deserialize_with = "wire::opt_f64")]
    pub open_price: Option<f64>,
    #[serde(default, deserialize_with = "wire::opt_f64")]
    pub high_price: Option<f64>,
    #[serde(default, deserialize_with = "wire::opt_f64")]
    pub low_price: Option<f64>,
    #[serde(default, deserialize_with = "wire::opt_f64")]
    pub prev_close_price: Option<f64>,
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub description: Option<String>,
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub exchange: Option<String>,
    /// Time of the last trade, Unix seconds.
    #[serde(default, deserialize_with = "wire::opt_i64")]
    pub tt: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_the_documented_search_sample_and_keeps_unknown_types() {
        let json = r#"[ {"symbol":"AAPL","description":"Apple Inc.","tag":"XNAS","type":"stock"},
  {"symbol":"AAPL240119C00190000","description":"AAPL Jan 19 2024 190 Call","tag":"OPRA","type":"option"},
  {"symbol":"BTCUSD","description":"Bitcoin","type":"crypto"} ]"#;
        let hits: Vec<SearchHit> = serde_json::from_str(json).unwrap();
        assert_eq!(hits[0].kind, Some(SymbolType::Stock));
        assert_eq!(hits[1].kind, Some(SymbolType::Option));
        assert_eq!((hits[2].kind.clone(), hits[2].tag.clone()), (Some(SymbolType::Other("crypto".into())), None));
    }

    #[test]
    fn decodes_quotes_with_a_failed_item() {
        let json = r#"{"s":"ok","d":[
            {"n":"AAPL","s":"ok","v":{"lp":189.5,"bid":189.49,"ask":189.51,"ch":1.25,"chp":0.66,"volume":51234567}},
            {"n":"SPX","s":"ok","v":{"lp":5000.12,"ch":-3.5,"chp":-0.07,"volume":0}},
            {"n":"NOPE","s":"error","errmsg":"unknown symbol NOPE"}]}"#;
        let r: QuoteResponse = serde_json::from_str(json).unwrap();
        let aapl = r.items[0].quote().unwrap();
        assert_eq!((aapl.lp, aapl.bid, aapl.volume), (Some(189.5), Some(189.49), Some(51_234_567.0)));
        assert_eq!(r.items[1].quote().unwrap().bid, None, "indices have no bid");
        assert_eq!(r.items[2].quote(), Err("unknown symbol NOPE"));
    }

    #[test]
    fn quote_prices_sent_as_strings_are_read() {
        let item: QuoteItem = serde_json::from_str(r#"{"n":"X","v":{"lp":"12.5","bid":""}}"#).unwrap();
        let q = item.quote().unwrap();
        assert_eq!((q.lp, q.bid), (Some(12.5), None));
    }
}
