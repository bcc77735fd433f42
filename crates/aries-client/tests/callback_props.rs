//! Property tests of the callback parser: it never panics, every valid
//! authorization response round-trips, unknown parameters are ignored, and
//! every kind of tampering is refused.

use aries_client::oauth::{
    Callback, CallbackError, MAX_CALLBACK_LEN, MAX_CALLBACK_PARAMS, RedirectUri, parse_callback,
};
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

/// The parameters the parser reads; every other one is ignored.
const KNOWN: [&str; 6] = ["code", "state", "error", "error_description", "error_uri", "iss"];

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
            Ok(Callback::Code { code: c, state: s, iss: None }) => {
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
            Ok(Callback::Denied { error: e, description: d, state: s, iss: None }) => {
                prop_assert_eq!(e, error);
                prop_assert_eq!(d, description);
                prop_assert_eq!(s.expose(), state.as_str());
            }
            other => prop_assert!(false, "{input:?} gave {other:?}"),
        }
    }

    /// RFC 6749 §4.1.2: unrecognized parameters are ignored wherever they
    /// stand, whatever their value; `iss` (RFC 9207) is kept.
    #[test]
    fn unknown_parameters_are_ignored(
        extras in prop::collection::vec(
            (
                "[a-z_]{1,14}".prop_filter("not a known name", |n| !KNOWN.contains(&n.as_str())),
                "[!-~]{0,40}",
            ),
            1..8,
        ),
        iss in proptest::option::of("https://[a-z.]{1,20}(:[0-9]{1,5})?"),
        shuffle_seed in any::<u64>(),
        carrier in any::<u8>(),
    ) {
        let mut pairs: Vec<String> = vec!["code=c".into(), "state=s".into()];
        if let Some(iss) = &iss {
            pairs.push(format!("iss={}", encode(iss)));
        }
        // Unknown values are never decoded, so any visible character may stand
        // there, even a stray `%`, except the query's own `&` and `#`.
        pairs.extend(
            extras.iter().map(|(name, value)| format!("{name}={}", value.replace('&', "%26").replace('#', "%23"))),
        );
        let len = pairs.len();
        pairs.rotate_left((shuffle_seed % len as u64) as usize);
        let (input, redirect) = carry(&pairs.join("&"), carrier);
        match parse_callback(&input, &redirect) {
            Ok(callback @ Callback::Code { .. }) => prop_assert_eq!(callback.iss(), iss.as_deref()),
            other => prop_assert!(false, "{input:?} gave {other:?}"),
        }
    }

    #[test]
    fn too_many_parameters_are_refused(extra in 1usize..64, carrier in any::<u8>()) {
        let padding: Vec<String> = (0..MAX_CALLBACK_PARAMS - 2 + extra).map(|i| format!("x{i}=1")).collect();
        let (input, redirect) = carry(&format!("code=c&state=s&{}", padding.join("&")), carrier);
        prop_assert_eq!(parse_callback(&input, &redirect).unwrap_err(), CallbackError::TooManyParameters);
    }

    #[test]
    fn a_repeated_parameter_is_refused(
        name in prop::sample::select(vec!["code", "state", "error", "iss"]),
        same in any::<bool>(),
        position in 0usize..4,
        carrier in any::<u8>(),
    ) {
        let second = if same { "c".to_string() } else { "other".to_string() };
        let first = if name == "error" { vec![("error", "c".to_string())] } else { vec![("code", "c".to_string())] };
        let mut pairs = first;
        pairs.push(("state", "c".to_string()));
        if name == "iss" {
            pairs.push(("iss", "c".to_string()));
        }
        pairs.insert(position.min(pairs.len()), (name, second));
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
