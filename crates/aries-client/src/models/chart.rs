//! The TradingView UDF chart endpoints (docs/aries-api.md §9.2, §9.3). They answer
//! HTTP 200 even on failure and report it in-band (`s: "error"`, `errmsg`).
//! Bars are `f64`: JSON numbers on the wire, used only for charting.

use serde::{Deserialize, Serialize};

use super::DecodeError;
use super::enums::SymbolType;
use super::wire;

/// One OHLCV bar; `time` is Unix seconds (the bar's start).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Bar {
    pub time: i64,
    pub open: f64,
    pub high: f64,
    pub low: f64,
    pub close: f64,
    /// UDF allows history without volume (indices).
    pub volume: Option<f64>,
}

/// A decoded `GET /v1/chart/history`: `no_data` is an empty `bars`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct History {
    pub bars: Vec<Bar>,
    /// Unix seconds of the next earlier bar when this range had none (UDF `nextTime`).
    pub next_time: Option<i64>,
}

/// The column-wise UDF body as sent.
#[derive(Deserialize)]
struct UdfHistory {
    s: String,
    #[serde(default)]
    errmsg: Option<String>,
    #[serde(default, deserialize_with = "wire::list")]
    t: Vec<i64>,
    #[serde(default, deserialize_with = "wire::list")]
    o: Vec<f64>,
    #[serde(default, deserialize_with = "wire::list")]
    h: Vec<f64>,
    #[serde(default, deserialize_with = "wire::list")]
    l: Vec<f64>,
    #[serde(default, deserialize_with = "wire::list")]
    c: Vec<f64>,
    #[serde(default)]
    v: Option<Vec<f64>>,
    #[serde(rename = "nextTime", default, deserialize_with = "wire::opt_i64")]
    next_time: Option<i64>,
}

/// The in-band status every UDF answer carries.
#[derive(Deserialize)]
struct UdfStatus {
    #[serde(default)]
    s: Option<String>,
    #[serde(default)]
    errmsg: Option<String>,
}

fn in_band_error(errmsg: Option<String>) -> DecodeError {
    DecodeError::InBand(errmsg.unwrap_or_else(|| "the chart server reported an error".into()))
}

impl History {
    /// Decodes a history body into bars, checking that the columns line up.
    pub fn decode(body: &[u8]) -> Result<History, DecodeError> {
        let udf: UdfHistory = serde_json::from_slice(body)?;
        match udf.s.as_str() {
            "ok" => {}
            "no_data" => return Ok(History { bars: Vec::new(), next_time: udf.next_time }),
            "error" => return Err(in_band_error(udf.errmsg)),
            other => return Err(DecodeError::UnknownStatus(other.to_string())),
        }
        let n = udf.t.len();
        let columns = [("o", udf.o.len()), ("h", udf.h.len()), ("l", udf.l.len()), ("c", udf.c.len())];
        let volume_len = udf.v.as_ref().map(|v| ("v", v.len()));
        if let Some((column, len)) = columns.into_iter().chain(volume_len).find(|(_, len)| *len != n) {
            return Err(DecodeError::RaggedHistory { column, len, times: n });
        }
        let bars = (0..n)
            .map(|i| Bar {
                time: udf.t[i],
                open: udf.o[i],
                high: udf.h[i],
                low: udf.l[i],
                close: udf.c[i],
                volume: udf.v.as_ref().map(|v| v[i]),
            })
            .collect();
        Ok(History { bars, next_time: udf.next_time })
    }
}

/// `GET /v1/chart/symbols?symbol=…`: a TradingView symbol-info object.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SymbolInfo {
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub ticker: Option<String>,
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub description: Option<String>,
    #[serde(rename = "type", default, deserialize_with = "wire::opt_enum")]
    pub kind: Option<SymbolType>,
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub exchange: Option<String>,
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub listed_exchange: Option<String>,
    /// Trading hours, e.g. `0930-1600`.
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub session: Option<String>,
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub timezone: Option<String>,
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub format: Option<String>,
    /// Price ticks are `minmov / pricescale` (TradingView convention).
    #[serde(default, deserialize_with = "wire::opt_i64")]
    pub minmov: Option<i64>,
    #[serde(default, deserialize_with = "wire::opt_i64")]
    pub pricescale: Option<i64>,
    #[serde(default, deserialize_with = "wire::opt_bool")]
    pub has_intraday: Option<bool>,
    #[serde(default, deserialize_with = "wire::opt_bool")]
    pub has_seconds: Option<bool>,
    #[serde(default, deserialize_with = "wire::opt_bool")]
    pub has_daily: Option<bool>,
    #[serde(default, deserialize_with = "wire::opt_bool")]
    pub has_weekly_and_monthly: Option<bool>,
    #[serde(default, deserialize_with = "wire::string_list")]
    pub intraday_multipliers: Vec<String>,
    #[serde(default, deserialize_with = "wire::string_list")]
    pub supported_resolutions: Vec<String>,
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub visible_plots_set: Option<String>,
    #[serde(default, deserialize_with = "wire::opt_i64")]
    pub volume_precision: Option<i64>,
}

impl SymbolInfo {
    /// Decodes a symbol-info body; `{"s":"error","errmsg":…}` is an error.
    pub fn decode(body: &[u8]) -> Result<SymbolInfo, DecodeError> {
        let status: UdfStatus = serde_json::from_slice(body)?;
        match status.s.as_deref() {
            None | Some("ok") => Ok(serde_json::from_slice(body)?),
            Some("error") => Err(in_band_error(status.errmsg)),
            Some(other) => Err(DecodeError::UnknownStatus(other.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_the_documented_history_sample_into_bars() {
        let json = br#"{ "s": "ok", "t": [1672531200,1672534800,1672538400],
  "o": [129.93,130.15,130.89], "h": [130.28,131.05,131.37],
  "l": [129.88,130.09,130.81], "c": [130.15,130.89,131.24],
  "v": [1234567,1345678,1456789], "nextTime": 1672542000 }"#;
        let h = History::decode(json).unwrap();
        assert_eq!(h.bars.len(), 3);
        assert_eq!(
            h.bars[1],
            Bar { time: 1672534800, open: 130.15, high: 131.05, low: 130.09, close: 130.89, volume: Some(1345678.0) }
        );
        assert_eq!(h.next_time, Some(1672542000));
    }

    #[test]
    fn no_data_error_and_unknown_statuses() {
        let none = History::decode(br#"{"s":"no_data","nextTime":1672000000}"#).unwrap();
        assert_eq!((none.bars.len(), none.next_time), (0, Some(1672000000)));
        let err = History::decode(br#"{"s":"error","errmsg":"unsupported resolution 7"}"#).unwrap_err();
        assert!(matches!(err, DecodeError::InBand(ref m) if m == "unsupported resolution 7"), "{err}");
        assert!(matches!(History::decode(br#"{"s":"busy"}"#), Err(DecodeError::UnknownStatus(s)) if s == "busy"));
        assert!(matches!(History::decode(b"<html>"), Err(DecodeError::Json(_))));
    }

    #[test]
    fn columns_of_different_lengths_are_rejected() {
        let ragged = br#"{"s":"ok","t":[1,2],"o":[1,2],"h":[1,2],"l":[1],"c":[1,2],"v":[1,2]}"#;
        let err = History::decode(ragged).unwrap_err();
        assert!(matches!(err, DecodeError::RaggedHistory { column: "l", len: 1, times: 2 }), "{err}");
        let short_volume = br#"{"s":"ok","t":[1,2],"o":[1,2],"h":[1,2],"l":[1,2],"c":[1,2],"v":[1]}"#;
        assert!(matches!(History::decode(short_volume), Err(DecodeError::RaggedHistory { column: "v", .. })));
        let no_volume = History::decode(br#"{"s":"ok","t":[1],"o":[1],"h":[2],"l":[0.5],"c":[1.5]}"#).unwrap();
        assert_eq!(no_volume.bars[0].volume, None);
    }

    #[test]
    fn decodes_the_documented_symbol_info_and_its_error() {
        let json = br#"{"description":"Apple Inc.", "exchange":"NASDAQ", "format":"price", "has_intraday":true, "has_seconds":false,
            "has_weekly_and_monthly":true, "intraday_multipliers":["1","5","15","30","60"], "listed_exchange":"XNAS", "minmov":1,
            "name":"AAPL", "pricescale":100, "session":"0930-1600", "supported_resolutions":["1","5","15","30","60","1D","1W","1M"],
            "ticker":"AAPL", "timezone":"America/New_York", "type":"stock", "visible_plots_set":"ohlcv", "volume_precision":0}"#;
        let info = SymbolInfo::decode(json).unwrap();
        assert_eq!(
            (info.kind, info.pricescale, info.session.as_deref()),
            (Some(SymbolType::Stock), Some(100), Some("0930-1600"))
        );
        assert_eq!(info.supported_resolutions.len(), 8);
        let numeric = SymbolInfo::decode(br#"{"name":"X","intraday_multipliers":[1,5]}"#).unwrap();
        assert_eq!(numeric.intraday_multipliers, ["1", "5"]);
        let err = SymbolInfo::decode(br#"{"s":"error","errmsg":"unknown symbol ZZZZ"}"#).unwrap_err();
        assert!(matches!(err, DecodeError::InBand(m) if m == "unknown symbol ZZZZ"));
    }
}
