//! Property tests of the callback parser: it never panics, every valid
//! authorization response round-trips, and every kind of tampering is refused.

use aries_client::oauth::{Callback, CallbackError, MAX_CALLBACK_LEN, RedirectUri, parse_callback};
use proptest::prelude::*;
use url::form_urlencoded::byte_serialize;

fn deep() -> RedirectUri {
    RedirectUri::parse("dev.ariesdesk:/oauth/callback").unwrap()
}

fn loopback() -> RedirectUri {
    RedirectUri::parse("http://127.0.0.1:53123/oauth/callback").unwrap()
}

fn encode(value: &str) -> String {
    byte_serialize(value.as_bytes()).collect()
}

/// The same query delivered as a deep link, a loopback URL or a loopback request line.
fn carry(query: &str, carrier: u8) -> (String, RedirectUri) {
    match carrier % 3 {
        0 => (format!("dev.ariesdesk:/oauth/callback?{query}"), deep()),
        1 => (format!("http://127.0.0.1:53123/oauth/callback?{query}"), loopback()),
        _ => (format!("GET /oauth/callback?{query} HTTP/1.1"), loopback()),
    }
}

fn query_of(pairs: &[(&str, String)]) -> String {
    pairs.iter().map(|(name, value)| format!("{name}={}", encode(value))).collect::<Vec<_>>().join("&")
}

/// RFC 6749 VSCHAR strings, the alphabet of `code` and `state`.
fn vschar() -> impl Strategy<Value = String> {
    "[ -~]{1,64}"
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn never_panics_on_any_string(input in any::<String>()) {
        let _ = parse_callback(&input, &deep());
        let _ = parse_callback(&input, &loopback());
    }

    #[test]
    fn never_panics_on_callback_shaped_input(
        prefix in prop::sample::select(vec![
            "dev.ariesdesk:/oauth/callback?", "http://127.0.0.1:53123/oauth/callback?",
            "GET /oauth/callback?", "dev.ariesdesk:", "GET ", "",
        ]),
        tail in "[a-z0-9=&%+#?/:. _\\-\\[\\]é\\x00-\\x1f]{0,200}",
    ) {
        let input = format!("{prefix}{tail}");
        let _ = parse_callback(&input, &deep());
        let _ = parse_callback(&input, &loopback());
    }

    #[test]
    fn code_callbacks_round_trip(
        code in vschar(),
        state in vschar(),
        carrier in any::<u8>(),
        pairs in Just(()).prop_flat_map(|_| Just(vec!["code", "state"]).prop_shuffle()),
    ) {
        let values: Vec<(&str, String)> =
            pairs.iter().map(|name| (*name, if *name == "code" { code.clone() } else { state.clone() })).collect();
        let (input, redirect) = carry(&query_of(&values), carrier);
        match parse_callback(&input, &redirect) {
            Ok(Callback::Code { code: c, state: s }) => {
                prop_assert_eq!(c.expose(), code.as_str());
                prop_assert_eq!(s.expose(), state.as_str());
            }
            other => prop_assert!(false, "{input:?} gave {other:?}"),
        }
    }

    #[test]
    fn denials_round_trip(
        error in "[ !#-\\[\\]-~]{1,40}",
        description in proptest::option::of("[^\\p{Cc}]{0,80}"),
        state in vschar(),
        carrier in any::<u8>(),
    ) {
        let mut pairs = vec![("error", error.clone()), ("state", state.clone())];
        if let Some(d) = &description {
            pairs.push(("error_description", d.clone()));
        }
        let (input, redirect) = carry(&query_of(&pairs), carrier);
        match parse_callback(&input, &redirect) {
            Ok(Callback::Denied { error: e, description: d, state: s }) => {
                prop_assert_eq!(e, error);
                prop_assert_eq!(d, description);
                prop_assert_eq!(s.expose(), state.as_str());
            }
            other => prop_assert!(false, "{input:?} gave {other:?}"),
        }
    }

    #[test]
    fn an_unknown_parameter_is_refused(
        name in "[a-z_]{1,12}".prop_filter("not a known name", |n| {
            !["code", "state", "error", "error_description", "error_uri"].contains(&n.as_str())
        }),
        value in vschar(),
        position in 0usize..3,
        carrier in any::<u8>(),
    ) {
        let mut pairs = vec![("code", "c".to_string()), ("state", "s".to_string())];
        pairs.insert(position, (name.as_str(), value));
        let (input, redirect) = carry(&query_of(&pairs), carrier);
        prop_assert_eq!(parse_callback(&input, &redirect).unwrap_err(), CallbackError::UnknownParameter(name));
    }

    #[test]
    fn a_repeated_parameter_is_refused(repeat_code in any::<bool>(), carrier in any::<u8>(), same in any::<bool>()) {
        let name = if repeat_code { "code" } else { "state" };
        let second = if same { "c".to_string() } else { "other".to_string() };
        let pairs = vec![("code", "c".to_string()), ("state", "c".to_string()), (name, second)];
        let (input, redirect) = carry(&query_of(&pairs), carrier);
        prop_assert_eq!(parse_callback(&input, &redirect).unwrap_err(), CallbackError::RepeatedParameter(name));
    }

    #[test]
    fn a_missing_state_is_refused(code in vschar(), carrier in any::<u8>()) {
        let (input, redirect) = carry(&query_of(&[("code", code)]), carrier);
        prop_assert_eq!(parse_callback(&input, &redirect).unwrap_err(), CallbackError::MissingState);
    }

    #[test]
    fn oversized_input_is_refused(extra in 1usize..2048, carrier in any::<u8>()) {
        let (head, redirect) = carry("state=s&code=", carrier);
        let code = "a".repeat(MAX_CALLBACK_LEN - head.len() + extra);
        let (input, _) = carry(&format!("state=s&code={code}"), carrier);
        prop_assert_eq!(parse_callback(&input, &redirect).unwrap_err(), CallbackError::TooLong);
    }

    #[test]
    fn another_scheme_host_or_path_is_refused(
        scheme in "[a-z][a-z0-9.+-]{0,15}",
        path in "/[a-z/]{0,20}",
    ) {
        let input = format!("{scheme}:{path}?code=c&state=s");
        let result = parse_callback(&input, &deep());
        if scheme == "dev.ariesdesk" && path == "/oauth/callback" {
            prop_assert!(result.is_ok());
        } else {
            prop_assert!(matches!(
                result,
                Err(CallbackError::WrongScheme | CallbackError::WrongHost | CallbackError::WrongPath)
            ), "{input:?} gave {result:?}");
        }
    }
}
