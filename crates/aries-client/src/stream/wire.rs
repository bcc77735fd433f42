//! The shared message envelope of the Aries WebSockets (docs/aries-api.md §10.1):
//! `{"type", "id", "payload": {"action", "type", "id", "error", "data"}}`.
//! Incoming lines are read in one pass into borrowed fields, with `data`
//! typed by the socket, so a market tick costs no allocation.

use std::borrow::Cow;
use std::fmt;
use std::ops::Deref;

use serde::Deserialize;
use serde::de::{Deserializer, Visitor};
use serde_json::{Value, json};

use crate::secret::Secret;

/// A string borrowed from the line unless it has escapes. (serde borrows a
/// bare `Cow<str>` field but not one inside an `Option`.)
#[derive(Debug, PartialEq)]
pub(crate) struct Text<'a>(Cow<'a, str>);

impl Deref for Text<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl<'de> Visitor<'de> for TextVisitor {
            type Value = Cow<'de, str>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Cow::Borrowed(v))
            }
            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Cow::Owned(v.to_owned()))
            }
            fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
                Ok(Cow::Owned(v))
            }
        }
        deserializer.deserialize_str(TextVisitor).map(Text)
    }
}

/// One NDJSON line. `D` is the socket's `data` type.
#[derive(Deserialize)]
pub(crate) struct Line<'a, D> {
    #[serde(rename = "type", borrow)]
    pub kind: Text<'a>,
    #[serde(borrow, default = "none")]
    pub payload: Option<Payload<'a, D>>,
}

#[derive(Deserialize)]
pub(crate) struct Payload<'a, D> {
    #[serde(borrow, default)]
    pub action: Option<Text<'a>>,
    #[serde(rename = "type", borrow, default)]
    pub kind: Option<Text<'a>>,
    /// The request an event answers (`authSuccess`, `error`).
    #[serde(borrow, default)]
    pub id: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub error: Option<Text<'a>>,
    #[serde(default = "none")]
    pub data: Option<D>,
}

// Field-level `default` on a generic `Option` would otherwise require `D: Default`.
fn none<T>() -> Option<T> {
    None
}

/// Splits a text frame into its non-empty NDJSON lines.
pub(crate) fn lines(frame: &str) -> impl Iterator<Item = &str> {
    frame.split('\n').map(str::trim).filter(|l| !l.is_empty())
}

/// Unique request ids for one stream (`auth-1`, `sub-2`, `ping-3`, …).
#[derive(Default)]
pub(crate) struct Ids(u64);

impl Ids {
    pub fn next(&mut self, prefix: &str) -> String {
        self.0 += 1;
        format!("{prefix}-{}", self.0)
    }
}

/// The `/auth` request. The result holds the token: send it, never log it.
pub(crate) fn auth(id: &str, token: &Secret) -> String {
    json!({
        "type": "request",
        "id": id,
        "payload": { "method": "post", "path": "/auth", "body": { "action": "auth", "token": token.expose() } },
    })
    .to_string()
}

pub(crate) fn ping(id: &str) -> String {
    json!({ "type": "ping", "id": id }).to_string()
}

/// A `subscribe` or `unsubscribe` message.
pub(crate) fn request(kind: &str, id: &str, payload: Value) -> String {
    json!({ "type": kind, "id": id, "payload": payload }).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize, Debug, PartialEq)]
    struct Data {
        n: u32,
    }

    #[test]
    fn events_responses_and_pongs_parse_with_borrowed_fields() {
        let line = r#"{"type":"event","payload":{"action":"update","data":{"n":7,"extra":[1,2]},"timestamp":1,"type":"quote"}}"#;
        let l: Line<Data> = serde_json::from_str(line).unwrap();
        assert_eq!(&*l.kind, "event");
        let p = l.payload.unwrap();
        assert!(matches!(p.action, Some(Text(Cow::Borrowed("update")))), "borrowed, not copied");
        assert_eq!(p.kind.as_deref(), Some("quote"));
        assert_eq!(p.data, Some(Data { n: 7 }));

        let pong: Line<Data> = serde_json::from_str(r#"{"type":"pong","id":"ping-3"}"#).unwrap();
        assert_eq!(&*pong.kind, "pong");
        assert!(pong.payload.is_none());

        let err = r#"{"type":"event","payload":{"action":"error","error":"authentication failed","id":"auth-1"}}"#;
        let p = serde_json::from_str::<Line<Data>>(err).unwrap().payload.unwrap();
        assert_eq!((p.id.as_deref(), p.error.as_deref()), (Some("auth-1"), Some("authentication failed")));
        assert!(p.data.is_none());

        let ack = r#"{"type":"response","id":"sub-2","payload":{"action":"subscribe","symbols":["AAPL"]}}"#;
        assert_eq!(&*serde_json::from_str::<Line<Data>>(ack).unwrap().kind, "response");

        let escaped: Line<Data> = serde_json::from_str(r#"{"type":"ev\u0065nt"}"#).unwrap();
        assert_eq!(&*escaped.kind, "event");
    }

    #[test]
    fn broken_lines_are_errors() {
        for bad in [r#"{"type":"event","payload":{"action":"#, "[]", r#"{"payload":{}}"#, "not json"] {
            assert!(serde_json::from_str::<Line<Data>>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn frames_split_on_newlines_and_skip_blank_lines() {
        let frame = "{\"a\":1}\n\n{\"b\":2}\r\n  \n{\"c\":3}";
        assert_eq!(lines(frame).collect::<Vec<_>>(), ["{\"a\":1}", "{\"b\":2}", "{\"c\":3}"]);
    }

    #[test]
    fn the_auth_request_carries_the_token_in_the_body() {
        let v: Value = serde_json::from_str(&auth("auth-1", &Secret::new("tok"))).unwrap();
        assert_eq!(
            v,
            json!({"type":"request","id":"auth-1","payload":{"method":"post","path":"/auth","body":{"action":"auth","token":"tok"}}})
        );
        let mut ids = Ids::default();
        assert_eq!((ids.next("auth"), ids.next("ping")), ("auth-1".to_string(), "ping-2".to_string()));
        assert_eq!(serde_json::from_str::<Value>(&ping("ping-2")).unwrap(), json!({"type":"ping","id":"ping-2"}));
    }
}
