//! Which order events deserve an OS notification, each once: fills, partial
//! fills, rejections and cancels or expiries the user did not ask for. The
//! same state arrives more than once (the snapshot after every reconnect
//! repeats today's orders; lists and the stream overlap), so an order is
//! remembered by what was already told — its filled quantity and status —
//! and only progress past that is news. Pure: the account stream's task feeds
//! it and sends what it returns.

use std::collections::{HashMap, HashSet};

use aries_client::models::{Order, OrderStatus};
use rust_decimal::Decimal;

use crate::views::session::AccountView;

/// What happened to an order that the trader should hear of.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    Filled,
    PartiallyFilled,
    Rejected,
    /// Canceled by Aries, not on the user's request from this app.
    Canceled,
    Expired,
}

/// What the journal knows of an order.
#[derive(Clone, Copy, Debug, Default)]
pub struct Known {
    /// The user asked this app to cancel it.
    pub cancel_asked: bool,
    /// Placed from this app since the stream started: news even in the first snapshot.
    pub placed_since_start: bool,
}

/// What was already told about one order (a replace chain counts as one).
#[derive(Clone, Debug, Default)]
struct Told {
    cum_qty: Decimal,
    status: Option<OrderStatus>,
}

#[derive(Default)]
pub struct FillNotices {
    told: HashMap<String, Told>,
    /// `clOrdId`s and `ord:{ordId}`s to the key of their chain in `told`: a
    /// replace gets a new `clOrdId` but keeps Aries's `ordId`, and its fills so far.
    chain: HashMap<String, String>,
    /// Accounts whose first snapshot has been seen: it is what was there
    /// before, not news; later snapshots (after a reconnect) are compared.
    baselined: HashSet<String>,
}

impl FillNotices {
    /// A snapshot of one account. The first one only sets what is known,
    /// except for orders placed from this app since the stream started.
    pub fn snapshot(
        &mut self,
        account_id: &str,
        orders: &[Order],
        known: impl Fn(&Order) -> Known,
    ) -> Vec<(Change, Order)> {
        let first = self.baselined.insert(account_id.to_string());
        let mut changes = Vec::new();
        for order in orders {
            let known = known(order);
            let change = self.order(order, known.cancel_asked);
            if let Some(change) = change.filter(|_| !first || known.placed_since_start) {
                changes.push((change, order.clone()));
            }
        }
        changes
    }

    /// One order record: the change to tell, if it is news.
    pub fn order(&mut self, order: &Order, cancel_asked: bool) -> Option<Change> {
        let key = self.key(order);
        let told = self.told.entry(key).or_default();
        let status = order.ord_status.clone();
        let news = |s: &OrderStatus| status.as_ref() == Some(s) && told.status.as_ref() != Some(s);
        let change = if news(&OrderStatus::Rejected) {
            Some(Change::Rejected)
        } else if news(&OrderStatus::Canceled) && !cancel_asked {
            Some(Change::Canceled)
        } else if news(&OrderStatus::Expired) {
            Some(Change::Expired)
        } else if order.cum_qty > told.cum_qty {
            // leavesQty reads 0 when absent, so only the status (or, without one, the quantity) says done.
            let done = status == Some(OrderStatus::Filled) || (status.is_none() && order.cum_qty >= order.qty);
            Some(if done { Change::Filled } else { Change::PartiallyFilled })
        } else {
            None
        };
        told.cum_qty = told.cum_qty.max(order.cum_qty);
        // A late record of an earlier state never brings a terminal order back.
        if !told.status.as_ref().is_some_and(OrderStatus::is_terminal)
            || status.as_ref().is_some_and(|s| s.is_terminal())
        {
            told.status = status.or(told.status.take());
        }
        change
    }

    fn key(&mut self, order: &Order) -> String {
        let ord = order.ord_id.as_ref().map(|id| format!("ord:{id}"));
        let known = self.chain.get(&order.cl_ord_id).or_else(|| ord.as_ref().and_then(|o| self.chain.get(o)));
        let key = known.cloned().unwrap_or_else(|| order.cl_ord_id.clone());
        self.chain.insert(order.cl_ord_id.clone(), key.clone());
        if let Some(ord) = ord {
            self.chain.insert(ord, key.clone());
        }
        key
    }
}

/// The notification's text: the order's terms and the account, never a token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub title: String,
    pub body: String,
}

impl Notice {
    pub fn of(change: &Change, order: &Order, accounts: &[AccountView]) -> Notice {
        let side = order.side.as_ref().map_or("", |s| s.as_str());
        let symbol = clip(&order.symbol, 24);
        let filled = order.cum_qty.normalize();
        let qty = order.qty.normalize();
        let price = money(order.avg_price);
        let title = match change {
            Change::Filled => format!("Filled: {side} {filled} {symbol} at {price}"),
            Change::PartiallyFilled => format!("Partially filled: {side} {filled} of {qty} {symbol} at {price}"),
            Change::Rejected => format!("Rejected: {side} {qty} {symbol}"),
            Change::Canceled | Change::Expired => {
                let what = if *change == Change::Canceled { "Canceled by Aries" } else { "Expired" };
                match order.cum_qty.is_zero() {
                    true => format!("{what}: {side} {qty} {symbol}"),
                    false => format!("{what}: {side} {qty} {symbol}, {filled} filled at {price}"),
                }
            }
        };
        let account_id = order.account_id.as_deref().unwrap_or_default();
        let account = accounts.iter().find(|a| a.id == account_id);
        let mut body = match account {
            Some(a) => format!("{} account {}", if a.is_sim { "SIM" } else { "LIVE" }, a.name),
            None => format!("Account {}", clip(account_id, 40)),
        };
        if *change == Change::Rejected {
            let reason = order.ord_rej_reason.as_deref().filter(|r| !r.is_empty()).or(order.text.as_deref());
            if let Some(reason) = reason.filter(|r| !r.is_empty()) {
                body = format!("{body} — {}", clip(reason, 120));
            }
        }
        Notice { title, body }
    }
}

/// A price as a trader reads it: no trailing zeros past the cents (187.2300 → 187.23, 213.1 → 213.10).
fn money(price: Decimal) -> Decimal {
    let mut price = price.normalize();
    if price.scale() < 2 {
        price.rescale(2);
    }
    price
}

/// At most `max` characters of text from the network, control characters
/// escaped, so it cannot flood or garble the notification.
fn clip(text: &str, max: usize) -> String {
    let mut out: String = text.chars().take(max).flat_map(char::escape_debug).collect();
    if text.chars().nth(max).is_some() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(cl: &str, status: &str, cum: &str, leaves: &str) -> Order {
        serde_json::from_value(serde_json::json!({
            "clOrdId": cl, "ordId": format!("o-{cl}"), "accountId": "SIM-1", "symbol": "AAPL", "side": "BUY",
            "type": "LIMIT", "qty": "5", "price": "100", "ordStatus": status, "cumQty": cum,
            "leavesQty": leaves, "avgPrice": if cum == "0" { "0" } else { "187.2300" },
        }))
        .unwrap()
    }

    fn none(_: &Order) -> Known {
        Known::default()
    }

    #[test]
    fn a_fill_seen_twice_is_told_once_and_partial_fills_each_once() {
        let mut n = FillNotices::default();
        assert_eq!(n.order(&order("a", "NEW", "0", "5"), false), None);
        assert_eq!(n.order(&order("a", "PARTIALLY_FILLED", "2", "3"), false), Some(Change::PartiallyFilled));
        assert_eq!(n.order(&order("a", "PARTIALLY_FILLED", "2", "3"), false), None, "the same partial again");
        assert_eq!(n.order(&order("a", "FILLED", "5", "0"), false), Some(Change::Filled));
        // The list, then the snapshot after a reconnect, repeat it; a stale record comes late.
        assert_eq!(n.order(&order("a", "FILLED", "5", "0"), false), None);
        assert_eq!(n.order(&order("a", "PARTIALLY_FILLED", "2", "3"), false), None);
        assert!(n.snapshot("SIM-1", &[], none).is_empty(), "the first snapshot is a baseline");
        // A record without leavesQty (it reads 0) is still partial by its status.
        assert_eq!(n.order(&order("b", "PARTIALLY_FILLED", "1", "0"), false), Some(Change::PartiallyFilled));
        assert!(n.snapshot("SIM-1", &[order("a", "FILLED", "5", "0")], none).is_empty());
    }

    #[test]
    fn the_first_snapshot_is_what_was_there_and_a_later_one_tells_what_happened_meanwhile() {
        let mut n = FillNotices::default();
        let before = [order("old", "FILLED", "5", "0"), order("w", "NEW", "0", "5")];
        assert!(n.snapshot("SIM-1", &before, none).is_empty());
        // Reconnected: the working order filled while the stream was down.
        let after = [order("old", "FILLED", "5", "0"), order("w", "FILLED", "5", "0")];
        let told: Vec<_> = n.snapshot("SIM-1", &after, none).into_iter().map(|(c, o)| (c, o.cl_ord_id)).collect();
        assert_eq!(told, [(Change::Filled, "w".to_string())]);
    }

    #[test]
    fn an_order_placed_since_the_stream_started_is_news_even_in_the_first_snapshot() {
        let mut n = FillNotices::default();
        let ours = |o: &Order| Known { cancel_asked: false, placed_since_start: o.cl_ord_id == "new" };
        let first = [order("old", "FILLED", "5", "0"), order("new", "FILLED", "5", "0")];
        let told: Vec<_> = n.snapshot("SIM-1", &first, ours).into_iter().map(|(c, o)| (c, o.cl_ord_id)).collect();
        assert_eq!(told, [(Change::Filled, "new".to_string())]);
        assert_eq!(
            n.order(&order("new", "FILLED", "5", "0"), false),
            None,
            "and the stream's record is not told again"
        );
    }

    #[test]
    fn rejections_and_cancels_aries_made_are_told_and_the_users_own_cancels_are_not() {
        let mut n = FillNotices::default();
        assert_eq!(n.order(&order("r", "REJECTED", "0", "0"), false), Some(Change::Rejected));
        assert_eq!(n.order(&order("r", "REJECTED", "0", "0"), false), None);
        assert_eq!(n.order(&order("c", "CANCELED", "0", "0"), false), Some(Change::Canceled));
        assert_eq!(n.order(&order("mine", "CANCELED", "0", "0"), true), None);
        assert_eq!(n.order(&order("e", "EXPIRED", "1", "0"), false), Some(Change::Expired));
        assert_eq!(n.order(&order("e", "EXPIRED", "1", "0"), false), None);
    }

    #[test]
    fn a_replace_keeps_the_fills_told_under_its_old_id() {
        let mut n = FillNotices::default();
        assert_eq!(n.order(&order("a", "PARTIALLY_FILLED", "2", "3"), false), Some(Change::PartiallyFilled));
        let mut replaced = order("a2", "PARTIALLY_FILLED", "2", "5");
        replaced.ord_id = Some("o-a".into());
        assert_eq!(n.order(&replaced, false), None);
        replaced.cum_qty = 7.into();
        replaced.ord_status = Some(OrderStatus::Filled);
        assert_eq!(n.order(&replaced, false), Some(Change::Filled));
    }

    #[test]
    fn the_text_has_the_terms_and_the_account_and_nothing_else() {
        let accounts = [AccountView {
            id: "SIM-1".into(),
            name: "Sim ••M-1".into(),
            is_sim: true,
            status: "ACTIVE".into(),
            kind: None,
        }];
        let filled = Notice::of(&Change::Filled, &order("a", "FILLED", "5", "0"), &accounts);
        assert_eq!(filled.title, "Filled: BUY 5 AAPL at 187.23");
        assert_eq!(filled.body, "SIM account Sim ••M-1");
        let partial = Notice::of(&Change::PartiallyFilled, &order("a", "PARTIALLY_FILLED", "2", "3"), &accounts);
        assert_eq!(partial.title, "Partially filled: BUY 2 of 5 AAPL at 187.23");
        let mut rejected = order("r", "REJECTED", "0", "0");
        rejected.ord_rej_reason = Some("INSUFFICIENT_BUYING_POWER".into());
        let rejected = Notice::of(&Change::Rejected, &rejected, &[]);
        assert_eq!(
            (rejected.title.as_str(), rejected.body.as_str()),
            ("Rejected: BUY 5 AAPL", "Account SIM-1 — INSUFFICIENT_BUYING_POWER")
        );
        let canceled = Notice::of(&Change::Canceled, &order("c", "CANCELED", "1", "0"), &accounts);
        assert_eq!(canceled.title, "Canceled by Aries: BUY 5 AAPL, 1 filled at 187.23");
        assert_eq!(
            (money("213.1".parse().unwrap()).to_string(), money(175.into()).to_string()),
            ("213.10".into(), "175.00".into())
        );
    }
}
