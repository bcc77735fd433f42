//! The response decoders take whatever a server sends: any bytes, and above
//! all any JSON (wrong types, missing or extra fields, odd numbers), must give
//! a model or a `DecodeError`, never a panic.

use aries_client::models::{
    AccountList, Balances, History, LegacyOrderList, Order, OrderAck, OrderPage, OrderPreview, PositionList,
    QuoteResponse, SearchHit, SymbolInfo, User, decode,
};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

/// Every decoder the REST client uses.
fn decode_all(body: &[u8]) {
    let _ = decode::<User>(body);
    let _ = decode::<AccountList>(body);
    let _ = decode::<Balances>(body);
    let _ = decode::<PositionList>(body);
    let _ = decode::<Order>(body);
    let _ = decode::<OrderPage>(body);
    let _ = decode::<LegacyOrderList>(body);
    let _ = decode::<OrderAck>(body);
    let _ = decode::<OrderPreview>(body);
    let _ = decode::<Vec<SearchHit>>(body);
    let _ = decode::<QuoteResponse>(body);
    let _ = History::decode(body);
    let _ = SymbolInfo::decode(body);
}

/// Field names the decoders look for, so generated objects hit real code paths.
const KEYS: &[&str] = &[
    "s",
    "t",
    "o",
    "h",
    "l",
    "c",
    "v",
    "d",
    "n",
    "lp",
    "errmsg",
    "nextTime",
    "orders",
    "nextCursor",
    "accounts",
    "positions",
    "availability",
    "id",
    "trading_account_id",
    "is_sim",
    "status",
    "quantity",
    "averagePrice",
    "realizedPl",
    "todayRealizedPnL",
    "instrument",
    "securityType",
    "clOrdId",
    "ordStatus",
    "qty",
    "price",
    "stopPrice",
    "cumQty",
    "leavesQty",
    "side",
    "type",
    "timeInForce",
    "createdAt",
    "success",
    "ordRejReason",
    "netBuyingPower",
    "pendingOrdersCount",
    "estimatedCost",
    "warnRuleId",
    "symbol",
    "legs",
    "created_at",
];

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| json!(f)),
        "[0-9.eE+-]{0,30}".prop_map(Value::from),
        ".{0,20}".prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(KEYS), inner), 0..10)
                .prop_map(|kv| Value::Object(kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect::<Map<_, _>>())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn any_bytes_decode_or_fail_cleanly(body in prop::collection::vec(any::<u8>(), 0..512)) {
        decode_all(&body);
    }

    #[test]
    fn any_json_decodes_or_fails_cleanly(value in json_value()) {
        decode_all(value.to_string().as_bytes());
    }
}
