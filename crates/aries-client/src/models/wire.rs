//! Tolerant readers for response fields. The doc versions disagree on shapes
//! (docs/aries-api.md §13), so a field that arrives as a string where a number was
//! expected, or as `""` meaning "unset" (§8.6), is read rather than fatal.
//! Each reader goes through `serde_json::Value`: responses are JSON and the
//! lists are small, so clarity wins over a hand-written visitor.

use std::str::FromStr;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::de::{Deserializer, Error};
use serde::{Deserialize, de::DeserializeOwned};
use serde_json::Value;

/// Timestamps at or above this are milliseconds (seconds would be beyond the year 5000).
const MILLIS_THRESHOLD: i64 = 100_000_000_000;

fn value<'de, D: Deserializer<'de>>(d: D) -> Result<Value, D::Error> {
    Value::deserialize(d)
}

/// A decimal from a decimal string (`"175.50"`) or a JSON number; `""` and `null` are unset.
fn decimal_of(v: &Value) -> Result<Option<Decimal>, String> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) if s.trim().is_empty() => Ok(None),
        Value::String(s) => parse_decimal(s.trim()).map(Some),
        // A number's own text is exact; going through f64 would not be.
        Value::Number(n) => parse_decimal(&n.to_string()).map(Some),
        other => Err(format!("expected a decimal, got {other}")),
    }
}

fn parse_decimal(s: &str) -> Result<Decimal, String> {
    Decimal::from_str(s).or_else(|_| Decimal::from_scientific(s)).map_err(|_| format!("expected a decimal, got {s:?}"))
}

/// An optional amount or quantity. Use with `#[serde(default)]`.
pub fn opt_decimal<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
    decimal_of(&value(d)?).map_err(D::Error::custom)
}

/// An amount that is always sent but may be empty: unset reads as zero (`cumQty`, `avgPrice`).
pub fn decimal_or_zero<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
    Ok(opt_decimal(d)?.unwrap_or(Decimal::ZERO))
}

/// A required amount or quantity.
pub fn decimal<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
    opt_decimal(d)?.ok_or_else(|| D::Error::custom("expected a decimal, got an empty value"))
}

/// An optional market-data number (JSON numbers on the wire, §1; older feeds sent strings).
pub fn opt_f64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    match value(d)? {
        Value::Null => Ok(None),
        Value::Number(n) => Ok(n.as_f64()),
        Value::String(s) if s.trim().is_empty() => Ok(None),
        Value::String(s) => {
            s.trim().parse().map(Some).map_err(|_| D::Error::custom(format!("expected a number, got {s:?}")))
        }
        other => Err(D::Error::custom(format!("expected a number, got {other}"))),
    }
}

/// An optional integer count, as a number or a numeric string.
pub fn opt_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    match value(d)? {
        Value::Null => Ok(None),
        Value::Number(n) => {
            n.as_i64().map(Some).ok_or_else(|| D::Error::custom(format!("expected an integer, got {n}")))
        }
        Value::String(s) if s.trim().is_empty() => Ok(None),
        Value::String(s) => {
            s.trim().parse().map(Some).map_err(|_| D::Error::custom(format!("expected an integer, got {s:?}")))
        }
        other => Err(D::Error::custom(format!("expected an integer, got {other}"))),
    }
}

/// An optional text or identifier; `""` is unset and numbers are kept as their text
/// (account ids are integers in one doc version and strings in another, §5).
pub fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    match value(d)? {
        Value::Null => Ok(None),
        Value::String(s) if s.is_empty() => Ok(None),
        Value::String(s) => Ok(Some(s)),
        Value::Number(n) => Ok(Some(n.to_string())),
        other => Err(D::Error::custom(format!("expected a string, got {other}"))),
    }
}

/// An optional open enum (`Side`, `OrderStatus`, …); `""` is unset.
pub fn opt_enum<'de, D: Deserializer<'de>, T: for<'a> From<&'a str>>(d: D) -> Result<Option<T>, D::Error> {
    Ok(opt_string(d)?.map(|s| T::from(s.as_str())))
}

/// A required identifier, string or number.
pub fn string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    opt_string(d)?.ok_or_else(|| D::Error::custom("expected a non-empty string"))
}

/// An optional flag; `"true"`/`"false"` and `1`/`0` are read too.
pub fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    match value(d)? {
        Value::Null => Ok(None),
        Value::Bool(b) => Ok(Some(b)),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Ok(Some(true)),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Ok(Some(false)),
        Value::String(s) if s.is_empty() => Ok(None),
        Value::Number(n) if n.as_u64() == Some(1) => Ok(Some(true)),
        Value::Number(n) if n.as_u64() == Some(0) => Ok(Some(false)),
        other => Err(D::Error::custom(format!("expected a boolean, got {other}"))),
    }
}

/// An optional timestamp: RFC 3339 with any offset (user objects carry micro-seconds,
/// the market WS an exchange offset) or Unix seconds/milliseconds. A timestamp is
/// display data, so one this client cannot read is unset rather than fatal.
pub fn opt_time<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    Ok(match value(d)? {
        Value::String(s) => DateTime::parse_from_rfc3339(s.trim()).ok().map(|t| t.with_timezone(&Utc)),
        Value::Number(n) => n.as_i64().and_then(|t| {
            if t >= MILLIS_THRESHOLD { DateTime::from_timestamp_millis(t) } else { DateTime::from_timestamp(t, 0) }
        }),
        _ => None,
    })
}

/// A list that may be `null` (read as empty).
pub fn list<'de, D: Deserializer<'de>, T: DeserializeOwned>(d: D) -> Result<Vec<T>, D::Error> {
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

/// A list of texts; numbers are kept as their text (TradingView resolutions are
/// strings in the docs but numbers in some UDF servers).
pub fn string_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Option::<Vec<Value>>::deserialize(d)?
        .unwrap_or_default()
        .into_iter()
        .map(|v| match v {
            Value::String(s) => Ok(s),
            Value::Number(n) => Ok(n.to_string()),
            other => Err(D::Error::custom(format!("expected a string, got {other}"))),
        })
        .collect()
}

/// A list sent either wrapped, `{"<key>": [...], …}` (current), or as a bare array
/// (older doc versions). Returns the items and the rest of the object.
pub fn wrapped_or_bare<T: DeserializeOwned, E: Error>(
    v: Value,
    key: &str,
) -> Result<(Vec<T>, serde_json::Map<String, Value>), E> {
    let items =
        |v: Value| serde_json::from_value::<Option<Vec<T>>>(v).map(Option::unwrap_or_default).map_err(E::custom);
    match v {
        Value::Array(_) => Ok((items(v)?, Default::default())),
        Value::Object(mut map) => {
            let list = map.remove(key).unwrap_or(Value::Null);
            Ok((items(list)?, map))
        }
        other => Err(E::custom(format!("expected an object with `{key}` or an array, got {other}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Deserialize, Debug)]
    struct Probe {
        #[serde(default, deserialize_with = "opt_decimal")]
        d: Option<Decimal>,
        #[serde(default, deserialize_with = "opt_string")]
        s: Option<String>,
        #[serde(default, deserialize_with = "opt_time")]
        t: Option<DateTime<Utc>>,
        #[serde(default, deserialize_with = "opt_bool")]
        b: Option<bool>,
    }

    fn probe(v: Value) -> Result<Probe, serde_json::Error> {
        serde_json::from_value(v)
    }

    #[test]
    fn decimals_come_from_strings_or_numbers_exactly() {
        assert_eq!(probe(json!({"d": "175.50"})).unwrap().d.unwrap().to_string(), "175.50");
        assert_eq!(probe(json!({"d": 0.1})).unwrap().d.unwrap().to_string(), "0.1", "no binary noise");
        assert_eq!(probe(json!({"d": -250})).unwrap().d.unwrap().to_string(), "-250");
        assert_eq!(probe(json!({"d": "1e3"})).unwrap().d.unwrap().to_string(), "1000");
        assert_eq!(probe(json!({"d": ""})).unwrap().d, None);
        assert_eq!(probe(json!({"d": null})).unwrap().d, None);
        assert_eq!(probe(json!({})).unwrap().d, None);
        assert!(probe(json!({"d": "abc"})).is_err());
        assert!(probe(json!({"d": true})).is_err());
    }

    #[test]
    fn strings_ids_flags_and_times_are_read_tolerantly() {
        let p = probe(json!({"s": 10001, "b": "true", "t": "2026-01-13T11:07:05.157503Z"})).unwrap();
        assert_eq!(p.s.as_deref(), Some("10001"));
        assert_eq!(p.b, Some(true));
        assert_eq!(p.t.unwrap().timestamp_micros(), 1_768_302_425_157_503);
        let offset = probe(json!({"t": "2025-06-25T04:12:14.327-04:00"})).unwrap().t.unwrap();
        assert_eq!(offset.to_rfc3339(), "2025-06-25T08:12:14.327+00:00");
        assert_eq!(probe(json!({"t": 1_701_450_000_123i64})).unwrap().t.unwrap().timestamp_millis(), 1_701_450_000_123);
        assert_eq!(probe(json!({"t": 1_701_450_000})).unwrap().t.unwrap().timestamp(), 1_701_450_000);
        assert_eq!(probe(json!({"t": "yesterday", "s": ""})).unwrap().t, None);
        assert_eq!(probe(json!({"s": ""})).unwrap().s, None);
        assert!(probe(json!({"b": "maybe"})).is_err());
    }

    #[test]
    fn lists_may_be_wrapped_or_bare() {
        let (items, rest) =
            wrapped_or_bare::<u8, serde_json::Error>(json!({"xs": [1, 2], "more": true}), "xs").unwrap();
        assert_eq!((items, rest["more"].clone()), (vec![1, 2], json!(true)));
        let (items, rest) = wrapped_or_bare::<u8, serde_json::Error>(json!([3]), "xs").unwrap();
        assert_eq!((items, rest.len()), (vec![3], 0));
        let (items, _) = wrapped_or_bare::<u8, serde_json::Error>(json!({"xs": null}), "xs").unwrap();
        assert!(items.is_empty());
        assert!(wrapped_or_bare::<u8, serde_json::Error>(json!("x"), "xs").is_err());
    }
}
