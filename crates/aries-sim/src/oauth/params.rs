//! Reading OAuth parameters from a query string, a form body or a JSON body
//! into one typed struct.

use axum::http::HeaderMap;
use axum::http::header::CONTENT_TYPE;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// Parses `application/x-www-form-urlencoded` text. A parameter sent twice is
/// refused (RFC 6749 §3.1, §3.2): which copy counts would be a guess.
pub fn form<T: DeserializeOwned>(text: &[u8]) -> Result<T, String> {
    let mut map = Map::new();
    for (key, value) in url::form_urlencoded::parse(text) {
        if map.insert(key.to_string(), Value::String(value.into_owned())).is_some() {
            return Err(format!("parameter `{key}` was sent more than once"));
        }
    }
    typed(Value::Object(map))
}

/// Parses a JSON object body.
pub fn json<T: DeserializeOwned>(body: &[u8]) -> Result<T, String> {
    let value: Value = serde_json::from_slice(body).map_err(|e| format!("the body is not valid JSON: {e}"))?;
    if !value.is_object() {
        return Err("the body must be a JSON object".into());
    }
    typed(value)
}

/// Parses a body as JSON or as a form, whichever its `Content-Type` says; the
/// docs send JSON, RFC 6749 clients send forms.
pub fn body<T: DeserializeOwned>(headers: &HeaderMap, body: &[u8]) -> Result<T, String> {
    let content_type = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let essence = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    match essence.as_str() {
        "application/json" => json(body),
        "application/x-www-form-urlencoded" => form(body),
        _ => Err("Content-Type must be application/json or application/x-www-form-urlencoded".into()),
    }
}

fn typed<T: DeserializeOwned>(value: Value) -> Result<T, String> {
    serde_json::from_value(value).map_err(|e| format!("invalid parameters: {e}"))
}

/// Treats an empty parameter as absent, as form-posting clients send
/// `client_secret=` for "none".
pub fn present(value: &Option<String>) -> Option<&str> {
    value.as_deref().filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize, Debug)]
    struct P {
        a: Option<String>,
        b: Option<String>,
    }

    #[test]
    fn form_decodes_and_refuses_duplicates() {
        let p: P = form(b"a=x%20y&b=%2B+z").unwrap();
        assert_eq!(p.a.as_deref(), Some("x y"));
        assert_eq!(p.b.as_deref(), Some("+ z"));
        assert!(form::<P>(b"a=1&a=2").unwrap_err().contains("more than once"));
    }

    #[test]
    fn json_needs_an_object_of_strings() {
        let p: P = json(br#"{"a":"1","extra":true}"#).unwrap();
        assert_eq!(p.a.as_deref(), Some("1"));
        assert!(p.b.is_none());
        assert!(json::<P>(b"[1]").is_err());
        assert!(json::<P>(br#"{"a":1}"#).is_err());
        assert!(json::<P>(b"{").is_err());
    }

    #[test]
    fn body_follows_the_content_type() {
        let mut headers = HeaderMap::new();
        assert!(body::<P>(&headers, b"a=1").is_err());
        headers.insert(CONTENT_TYPE, "application/x-www-form-urlencoded; charset=UTF-8".parse().unwrap());
        assert_eq!(body::<P>(&headers, b"a=1").unwrap().a.as_deref(), Some("1"));
        headers.insert(CONTENT_TYPE, "Application/JSON".parse().unwrap());
        assert_eq!(body::<P>(&headers, br#"{"a":"1"}"#).unwrap().a.as_deref(), Some("1"));
    }
}
