//! One account's money: cash, positions, realized P&L and the balances object
//! (docs/aries-api.md §6, §7). Margin follows Reg T in its simplest form: 50 %
//! initial requirement, 25 % maintenance on longs and 30 % on shorts; cash
//! accounts trade only with the cash they hold.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use serde_json::{Value, json};

use super::format::{money, price, qty, time};
use super::matching::Fill;
use super::types::Side;
use crate::registry::Account;

const INITIAL: Decimal = dec!(0.5);
const MAINT_LONG: Decimal = dec!(0.25);
const MAINT_SHORT: Decimal = dec!(0.30);

/// Current prices to mark positions to; a symbol without one is marked at its average price.
pub type Marks<'a> = &'a dyn Fn(&str) -> Option<Decimal>;

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Position {
    pub symbol: String,
    /// Negative for a short position.
    pub qty: Decimal,
    pub avg_price: Decimal,
    pub realized_today: Decimal,
    pub value_bought: Decimal,
    pub value_sold: Decimal,
    /// The price today's P&L is measured from: the mark at the start of the
    /// day for shares held overnight, the fill price for shares added today.
    pub day_basis: Decimal,
    pub created_at: DateTime<Utc>,
}

impl Position {
    fn new(symbol: &str, now: DateTime<Utc>) -> Self {
        Position {
            symbol: symbol.to_string(),
            qty: Decimal::ZERO,
            avg_price: Decimal::ZERO,
            realized_today: Decimal::ZERO,
            value_bought: Decimal::ZERO,
            value_sold: Decimal::ZERO,
            day_basis: Decimal::ZERO,
            created_at: now,
        }
    }

    /// Applies a fill; returns the P&L it realized.
    fn apply(&mut self, side: Side, fill: Fill, now: DateTime<Utc>) -> Decimal {
        let delta = if side.is_buy() { fill.qty } else { -fill.qty };
        let notional = fill.qty * fill.price;
        if side.is_buy() {
            self.value_bought += notional;
        } else {
            self.value_sold += notional;
        }
        let old = self.qty;
        let mut realized = Decimal::ZERO;
        if old.is_zero() || old.is_sign_positive() == delta.is_sign_positive() {
            if old.is_zero() {
                self.created_at = now;
            }
            let total = old.abs() + fill.qty;
            self.avg_price = (old.abs() * self.avg_price + notional) / total;
            self.day_basis = (old.abs() * self.day_basis + notional) / total;
        } else {
            let closed = fill.qty.min(old.abs());
            let per_share =
                if old.is_sign_positive() { fill.price - self.avg_price } else { self.avg_price - fill.price };
            realized = closed * per_share;
            if fill.qty > old.abs() {
                // Crossed through zero: the rest opens a new position at the fill price.
                self.avg_price = fill.price;
                self.day_basis = fill.price;
                self.created_at = now;
            }
        }
        self.qty = old + delta;
        if self.qty.is_zero() {
            self.avg_price = Decimal::ZERO;
            self.day_basis = Decimal::ZERO;
        }
        self.realized_today += realized;
        realized
    }

    pub fn to_json(&self, account_id: &str, mark: Decimal, margin: bool) -> Value {
        let market_value = self.qty * mark;
        let realized = money(self.realized_today);
        json!({
            "accountId": account_id,
            "symbol": self.symbol,
            "instrument": "EQUITY",
            "securityType": "EQUITY",
            "quantity": qty(self.qty),
            "averagePrice": price(self.avg_price),
            "realizedPl": realized,
            "todayRealizedPnL": realized,
            "unrealizedPl": money((mark - self.avg_price) * self.qty),
            "dailyPl": money(self.realized_today + (mark - self.day_basis) * self.qty),
            "valueBought": money(self.value_bought),
            "valueSold": money(self.value_sold),
            "creditUsed": money(if margin { market_value.abs() * INITIAL } else { Decimal::ZERO }),
            "marketValue": money(market_value),
            "createdAt": time(self.created_at),
        })
    }
}

/// Working orders that will consume buying power when they fill.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Pending {
    pub count: usize,
    pub notional: Decimal,
}

/// What the account is worth and can buy now.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Valuation {
    pub long_value: Decimal,
    pub short_value: Decimal,
    pub unrealized: Decimal,
    pub equity: Decimal,
    pub initial_req: Decimal,
    pub maint_req: Decimal,
    pub stock_buying_power: Decimal,
    pub day_trade_buying_power: Decimal,
    pub option_buying_power: Decimal,
    pub sma: Decimal,
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Ledger {
    /// Not saved: the registry is the source of accounts (see `Book::restore`).
    #[serde(skip)]
    pub account: Account,
    pub cash: Decimal,
    pub start_of_day_cash: Decimal,
    pub sod_positions_value: Decimal,
    pub sod_equity: Decimal,
    pub sod_at: DateTime<Utc>,
    pub value_bought: Decimal,
    pub value_sold: Decimal,
    pub realized_today: Decimal,
    /// Includes positions flattened today until the day rolls, for their realized P&L.
    pub positions: BTreeMap<String, Position>,
}

impl Ledger {
    pub fn new(account: &Account, now: DateTime<Utc>) -> Self {
        Ledger {
            account: account.clone(),
            cash: account.starting_cash,
            start_of_day_cash: account.starting_cash,
            sod_positions_value: Decimal::ZERO,
            sod_equity: account.starting_cash,
            sod_at: now,
            value_bought: Decimal::ZERO,
            value_sold: Decimal::ZERO,
            realized_today: Decimal::ZERO,
            positions: BTreeMap::new(),
        }
    }

    pub fn is_margin(&self) -> bool {
        self.account.account_class == "MARGIN"
    }

    pub fn position_qty(&self, symbol: &str) -> Decimal {
        self.positions.get(symbol).map_or(Decimal::ZERO, |p| p.qty)
    }

    /// Books a fill: cash moves by its notional, the position and realized P&L follow.
    pub fn apply_fill(&mut self, symbol: &str, side: Side, fill: Fill, now: DateTime<Utc>) -> &Position {
        let notional = fill.qty * fill.price;
        if side.is_buy() {
            self.cash -= notional;
            self.value_bought += notional;
        } else {
            self.cash += notional;
            self.value_sold += notional;
        }
        let position = self.positions.entry(symbol.to_string()).or_insert_with(|| Position::new(symbol, now));
        self.realized_today += position.apply(side, fill, now);
        position
    }

    /// Starts a new trading day: today's counters restart from the current state.
    pub fn roll_day(&mut self, marks: Marks, now: DateTime<Utc>) {
        self.positions.retain(|_, p| !p.qty.is_zero());
        for p in self.positions.values_mut() {
            p.day_basis = marks(&p.symbol).unwrap_or(p.avg_price);
            p.realized_today = Decimal::ZERO;
            p.value_bought = Decimal::ZERO;
            p.value_sold = Decimal::ZERO;
        }
        let v = self.valuation(marks);
        self.start_of_day_cash = self.cash;
        self.sod_positions_value = v.long_value - v.short_value;
        self.sod_equity = v.equity;
        self.sod_at = now;
        self.value_bought = Decimal::ZERO;
        self.value_sold = Decimal::ZERO;
        self.realized_today = Decimal::ZERO;
    }

    pub fn mark(&self, p: &Position, marks: Marks) -> Decimal {
        marks(&p.symbol).unwrap_or(p.avg_price)
    }

    pub fn valuation(&self, marks: Marks) -> Valuation {
        let (mut long_value, mut short_value, mut unrealized) = (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);
        for p in self.positions.values() {
            let mark = self.mark(p, marks);
            if p.qty.is_sign_positive() {
                long_value += p.qty * mark;
            } else {
                short_value -= p.qty * mark;
            }
            unrealized += (mark - p.avg_price) * p.qty;
        }
        let equity = self.cash + long_value - short_value;
        let zero = Decimal::ZERO;
        if self.is_margin() {
            let initial_req = INITIAL * (long_value + short_value);
            let maint_req = MAINT_LONG * long_value + MAINT_SHORT * short_value;
            let excess = (equity - initial_req).max(zero);
            Valuation {
                long_value,
                short_value,
                unrealized,
                equity,
                initial_req,
                maint_req,
                stock_buying_power: excess / INITIAL,
                day_trade_buying_power: (dec!(4) * (equity - maint_req)).max(zero),
                option_buying_power: excess,
                sma: excess,
            }
        } else {
            let cash = self.cash.max(zero);
            Valuation {
                long_value,
                short_value,
                unrealized,
                equity,
                initial_req: zero,
                maint_req: zero,
                stock_buying_power: cash,
                day_trade_buying_power: cash,
                option_buying_power: cash,
                sma: zero,
            }
        }
    }

    /// `netBuyingPower`: what is left to spend after the working orders.
    pub fn net_buying_power(&self, marks: Marks, pending: Pending) -> Decimal {
        (self.valuation(marks).stock_buying_power - pending.notional).max(Decimal::ZERO)
    }

    /// The 27-field balances object of §6.
    pub fn balance_json(&self, marks: Marks, pending: Pending) -> Value {
        let v = self.valuation(marks);
        let pending_req = if self.is_margin() { pending.notional * INITIAL } else { pending.notional };
        let zero = money(Decimal::ZERO);
        json!({
            "accountId": self.account.trading_id(),
            "dayTradeBuyingPower": money(v.day_trade_buying_power),
            "netBuyingPower": money(self.net_buying_power(marks, pending)),
            "optionBuyingPower": money(v.option_buying_power),
            "stockBuyingPower": money(v.stock_buying_power),
            "totalEquity": money(v.equity),
            "realizedPl": money(self.realized_today),
            "unrealizedPl": money(v.unrealized),
            // Trades settle after today: purchases draw on settled cash, sale proceeds are unsettled.
            "settledFunds": money(self.start_of_day_cash - self.value_bought),
            "unsettledFunds": money(self.value_sold),
            "startOfDayCash": money(self.start_of_day_cash),
            "maintReq": money(v.maint_req),
            "grossMargin": money(v.initial_req),
            "sma": money(v.sma),
            "credit": zero,
            "creditRemaining": zero,
            "pdt": zero,
            "pdtCreditRemaining": zero,
            "pendingOrdersCount": pending.count,
            "pendingOrdersMarginRequirements": money(pending_req),
            "valueBought": money(self.value_bought),
            "valueSold": money(self.value_sold),
            "dayTradeOvernightRegTBuyingPower": money(v.stock_buying_power),
            "heldBackFunds": zero,
            "sodPositionsMarketValue": money(self.sod_positions_value),
            "sodTtlEquity": money(self.sod_equity),
            "sodTtlEquityUpdatedAt": time(self.sod_at),
        })
    }

    pub fn position_json(&self, p: &Position, marks: Marks) -> Value {
        p.to_json(&self.account.trading_id(), self.mark(p, marks), self.is_margin())
    }

    /// Open positions (REST and snapshots leave out the ones flattened today).
    pub fn positions_json(&self, marks: Marks) -> Vec<Value> {
        self.positions.values().filter(|p| !p.qty.is_zero()).map(|p| self.position_json(p, marks)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::Registry;

    fn ledger(class: &str) -> Ledger {
        let reg = Registry::default();
        let account = reg.accounts.iter().find(|a| a.account_class == class).unwrap();
        Ledger::new(account, Utc::now())
    }

    fn fill(price: Decimal, qty: Decimal) -> Fill {
        Fill { price, qty }
    }

    #[test]
    fn average_price_realized_pl_and_cash_follow_the_fills() {
        let mut l = ledger("MARGIN");
        let start = l.cash;
        let now = Utc::now();
        l.apply_fill("AAPL", Side::Buy, fill(dec!(100), dec!(10)), now);
        l.apply_fill("AAPL", Side::Buy, fill(dec!(110), dec!(10)), now);
        let p = &l.positions["AAPL"];
        assert_eq!((p.qty, p.avg_price), (dec!(20), dec!(105)));
        assert_eq!(l.cash, start - dec!(2100));
        // Selling part realizes against the average, which stays.
        let p = l.apply_fill("AAPL", Side::Sell, fill(dec!(120), dec!(5)), now).clone();
        assert_eq!((p.qty, p.avg_price, p.realized_today), (dec!(15), dec!(105), dec!(75)));
        assert_eq!(l.realized_today, dec!(75));
        assert_eq!(l.cash, start - dec!(2100) + dec!(600));
        assert_eq!((l.value_bought, l.value_sold), (dec!(2100), dec!(600)));
    }

    #[test]
    fn shorts_are_negative_and_crossing_zero_reopens_at_the_fill_price() {
        let mut l = ledger("MARGIN");
        let now = Utc::now();
        l.apply_fill("TSLA", Side::SellShort, fill(dec!(200), dec!(10)), now);
        assert_eq!(l.position_qty("TSLA"), dec!(-10));
        // Covering below the short price is a gain.
        let p = l.apply_fill("TSLA", Side::BuyToCover, fill(dec!(190), dec!(4)), now).clone();
        assert_eq!((p.qty, p.avg_price, p.realized_today), (dec!(-6), dec!(200), dec!(40)));
        // Buying 10 more covers 6 (gain 60) and opens a 4-share long at 190.
        let p = l.apply_fill("TSLA", Side::Buy, fill(dec!(190), dec!(10)), now).clone();
        assert_eq!((p.qty, p.avg_price, p.realized_today), (dec!(4), dec!(190), dec!(100)));
        let p = l.apply_fill("TSLA", Side::Sell, fill(dec!(191), dec!(4)), now).clone();
        assert_eq!((p.qty, p.avg_price, p.realized_today), (Decimal::ZERO, Decimal::ZERO, dec!(104)));
        assert!(l.positions_json(&|_| Some(dec!(191))).is_empty(), "flat positions are not listed");
    }

    #[test]
    fn reg_t_margin_doubles_buying_power_and_marks_move_equity() {
        let mut l = ledger("MARGIN");
        let cash = l.cash;
        let flat = l.valuation(&|_| None);
        assert_eq!(flat.equity, cash);
        assert_eq!(flat.stock_buying_power, cash * dec!(2));
        l.apply_fill("AAPL", Side::Buy, fill(dec!(100), dec!(100)), Utc::now());
        let up = l.valuation(&|_| Some(dec!(110)));
        assert_eq!(up.equity, cash + dec!(1000));
        assert_eq!(up.unrealized, dec!(1000));
        assert_eq!(up.initial_req, dec!(5500));
        assert_eq!(up.maint_req, dec!(2750));
        assert_eq!(up.stock_buying_power, (cash + dec!(1000) - dec!(5500)) * dec!(2));
        let pending = Pending { count: 1, notional: dec!(1000) };
        assert_eq!(l.net_buying_power(&|_| Some(dec!(110)), pending), up.stock_buying_power - dec!(1000));
    }

    #[test]
    fn cash_accounts_spend_only_their_cash() {
        let mut l = ledger("CASH");
        let cash = l.cash;
        assert_eq!(l.valuation(&|_| None).stock_buying_power, cash);
        l.apply_fill("AAPL", Side::Buy, fill(dec!(100), dec!(10)), Utc::now());
        assert_eq!(l.valuation(&|_| Some(dec!(120))).stock_buying_power, cash - dec!(1000));
    }

    #[test]
    fn balances_have_all_27_documented_fields_as_decimal_strings() {
        let mut l = ledger("MARGIN");
        l.apply_fill("AAPL", Side::Buy, fill(dec!(100), dec!(10)), Utc::now());
        let b = l.balance_json(&|_| Some(dec!(101)), Pending { count: 2, notional: dec!(500) });
        let o = b.as_object().unwrap();
        assert_eq!(o.len(), 27);
        assert_eq!(b["pendingOrdersCount"], 2);
        assert_eq!(b["pendingOrdersMarginRequirements"], "250.00");
        assert_eq!(b["unrealizedPl"], "10.00");
        assert_eq!(b["valueBought"], "1000.00");
        for (k, v) in o {
            if k != "pendingOrdersCount" {
                assert!(v.is_string(), "{k} is a string");
            }
        }
    }

    #[test]
    fn rolling_the_day_restarts_todays_counters_from_the_marks() {
        let mut l = ledger("MARGIN");
        l.apply_fill("AAPL", Side::Buy, fill(dec!(100), dec!(10)), Utc::now());
        l.apply_fill("MSFT", Side::Buy, fill(dec!(50), dec!(1)), Utc::now());
        l.apply_fill("MSFT", Side::Sell, fill(dec!(60), dec!(1)), Utc::now());
        l.roll_day(&|_| Some(dec!(105)), Utc::now());
        assert!(!l.positions.contains_key("MSFT"));
        assert_eq!(l.realized_today, Decimal::ZERO);
        assert_eq!(l.sod_positions_value, dec!(1050));
        let p = l.position_json(&l.positions["AAPL"], &|_| Some(dec!(107)));
        assert_eq!(p["dailyPl"], "20.00", "measured from the start-of-day mark");
        assert_eq!(p["unrealizedPl"], "70.00");
    }
}
