//! The latest quote per symbol, merged from field-level updates and stamped
//! with where it came from and when it arrived, so freshness is judged per
//! symbol rather than by the socket's state.
//!
//! Numbers are `f64`: market data arrives as JSON numbers (docs/aries-api.md §1),
//! is only displayed and charted, and an `f64` holds every such price and any
//! share count below 2^53 exactly as sent. Money that is traded stays
//! `Decimal`: an order ticket pre-filled from a quote converts there.
//!
//! Updating is cheap: one uncontended lock, a hash lookup by `&str`, and a
//! copy of plain fields; a symbol's key is allocated once, on its first quote.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use tokio::sync::watch;

/// The quote fields; `None` means never received (an index has no bid or ask).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct QuoteFields {
    pub bid: Option<f64>,
    pub ask: Option<f64>,
    pub bid_size: Option<f64>,
    pub ask_size: Option<f64>,
    pub last: Option<f64>,
    /// Size of the last trade.
    pub last_size: Option<f64>,
    pub open: Option<f64>,
    pub high: Option<f64>,
    pub low: Option<f64>,
    /// Last price minus the previous close.
    pub change: Option<f64>,
    /// The server's own change in percent of the previous close: the REST
    /// quote's `chp` (docs/aries-api.md §9.4). The stream sends no percent
    /// (§10.2), so a streamed `change` replaces it with one derived from the
    /// new change, never one the server computed for an older price.
    pub change_percent: Option<f64>,
    /// Shares traded today.
    pub volume: Option<f64>,
    /// When the last trade happened by the exchange's clock (`tradeTimestamp`),
    /// in milliseconds since the Unix epoch: the chart puts a trade in the bar
    /// of its own time, not of when it reached this machine (docs/aries-api.md §10.2).
    pub traded_at_ms: Option<f64>,
}

impl QuoteFields {
    /// Overwrites the fields `update` carries and keeps the rest: updates are
    /// field-level (docs/aries-api.md §10.2).
    fn merge(&mut self, update: &QuoteFields) {
        let fields = [
            (&mut self.bid, update.bid),
            (&mut self.ask, update.ask),
            (&mut self.bid_size, update.bid_size),
            (&mut self.ask_size, update.ask_size),
            (&mut self.last, update.last),
            (&mut self.last_size, update.last_size),
            (&mut self.open, update.open),
            (&mut self.high, update.high),
            (&mut self.low, update.low),
            (&mut self.change, update.change),
            (&mut self.change_percent, update.change_percent),
            (&mut self.volume, update.volume),
            (&mut self.traded_at_ms, update.traded_at_ms),
        ];
        for (mine, theirs) in fields {
            if theirs.is_some() {
                *mine = theirs;
            }
        }
        if update.change.is_some() && update.change_percent.is_none() {
            self.change_percent = None;
        }
    }
}

/// Where a quote's latest values came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// The stream's last-known values sent on subscribe.
    Snapshot,
    /// A live update on the stream.
    Update,
    /// A REST quote (first paint, or while the socket is down).
    Rest,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Quote {
    pub fields: QuoteFields,
    /// The source of the most recent message merged in.
    pub source: Source,
    /// When that message arrived.
    pub received_at: Instant,
}

impl Quote {
    /// The change in percent of the previous close: the server's figure while
    /// it is current, else derived from the last price and the change.
    pub fn change_percent(&self) -> Option<f64> {
        if self.fields.change_percent.is_some() {
            return self.fields.change_percent;
        }
        let (last, change) = (self.fields.last?, self.fields.change?);
        let previous_close = last - change;
        (previous_close != 0.0).then(|| change / previous_close * 100.0)
    }

    pub fn is_stale(&self, threshold: Duration) -> bool {
        self.received_at.elapsed() > threshold
    }
}

struct Entry {
    quote: Quote,
    /// The book version this entry last changed in.
    version: u64,
}

#[derive(Default)]
struct Inner {
    quotes: HashMap<Box<str>, Entry>,
    /// The last published version.
    version: u64,
    /// Changed since the last publish.
    dirty: bool,
}

/// Shared between the stream that writes it and any number of readers.
pub struct QuoteBook {
    inner: Mutex<Inner>,
    version: watch::Sender<u64>,
}

impl Default for QuoteBook {
    fn default() -> Self {
        QuoteBook { inner: Mutex::default(), version: watch::Sender::new(0) }
    }
}

impl QuoteBook {
    pub fn get(&self, symbol: &str) -> Option<Quote> {
        self.lock().quotes.get(symbol).map(|e| e.quote)
    }

    /// Whether `symbol` has no quote, or none newer than `threshold`.
    pub fn is_stale(&self, symbol: &str, threshold: Duration) -> bool {
        self.get(symbol).is_none_or(|q| q.is_stale(threshold))
    }

    /// The book's version, bumped once per received frame that changed a
    /// quote. Await `changed()` on it, then read [`changed_since`](Self::changed_since).
    pub fn changes(&self) -> watch::Receiver<u64> {
        self.version.subscribe()
    }

    /// The quotes changed after `version`, and the version to pass next time.
    /// A quote may be reported twice if it changes while being read; never missed.
    pub fn changed_since(&self, version: u64) -> (u64, Vec<(String, Quote)>) {
        let inner = self.lock();
        let changed =
            inner.quotes.iter().filter(|(_, e)| e.version > version).map(|(s, e)| (s.to_string(), e.quote)).collect();
        (inner.version, changed)
    }

    /// Merges a REST quote and tells readers at once.
    pub fn apply_rest(&self, symbol: &str, fields: &QuoteFields) {
        self.apply(symbol, fields, Source::Rest, Instant::now());
        self.publish();
    }

    /// Merges one message; readers hear of it at the next [`publish`](Self::publish).
    pub(crate) fn apply(&self, symbol: &str, fields: &QuoteFields, source: Source, at: Instant) {
        let mut inner = self.lock();
        let version = inner.version + 1;
        inner.dirty = true;
        match inner.quotes.get_mut(symbol) {
            Some(entry) => {
                entry.quote.fields.merge(fields);
                entry.quote.source = source;
                entry.quote.received_at = at;
                entry.version = version;
            }
            None => {
                let quote = Quote { fields: *fields, source, received_at: at };
                inner.quotes.insert(symbol.into(), Entry { quote, version });
            }
        }
    }

    /// Announces the changes applied since the last call, if any.
    pub(crate) fn publish(&self) {
        let mut inner = self.lock();
        if inner.dirty {
            inner.dirty = false;
            inner.version += 1;
            self.version.send_replace(inner.version);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // The lock guards plain data that no panic can leave half-written.
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bid_ask(bid: f64, ask: f64) -> QuoteFields {
        QuoteFields { bid: Some(bid), ask: Some(ask), ..Default::default() }
    }

    #[test]
    fn updates_merge_into_the_cached_quote() {
        let book = QuoteBook::default();
        let t0 = Instant::now();
        let snapshot = QuoteFields { last: Some(100.0), volume: Some(5000.0), ..bid_ask(99.9, 100.1) };
        book.apply("AAPL", &snapshot, Source::Snapshot, t0);
        let trade = QuoteFields { last: Some(100.2), last_size: Some(30.0), change: Some(1.2), ..Default::default() };
        let t1 = t0 + Duration::from_millis(5);
        book.apply("AAPL", &trade, Source::Update, t1);

        let q = book.get("AAPL").unwrap();
        assert_eq!(q.fields.bid, Some(99.9), "a trade update keeps the quote side");
        assert_eq!(q.fields.ask, Some(100.1));
        assert_eq!(q.fields.last, Some(100.2));
        assert_eq!(q.fields.last_size, Some(30.0));
        assert_eq!(q.fields.volume, Some(5000.0));
        assert_eq!((q.source, q.received_at), (Source::Update, t1));
        assert!((q.change_percent().unwrap() - 1.2 / 99.0 * 100.0).abs() < 1e-9);
        assert!(book.get("MSFT").is_none());
    }

    #[test]
    fn the_servers_percent_is_shown_until_a_streamed_change_outdates_it() {
        let book = QuoteBook::default();
        // Aries rounds chp to two places; a derived figure would be 1.2345…
        let rest =
            QuoteFields { last: Some(101.0), change: Some(1.0), change_percent: Some(1.0), ..Default::default() };
        book.apply_rest("AAPL", &rest);
        assert_eq!(
            book.get("AAPL").unwrap().change_percent(),
            Some(1.0),
            "the server's figure, not (1/100)·100 recomputed"
        );
        let quote_only = bid_ask(100.9, 101.1);
        book.apply("AAPL", &quote_only, Source::Update, Instant::now());
        assert_eq!(book.get("AAPL").unwrap().change_percent(), Some(1.0), "an update without a change keeps it");
        let trade = QuoteFields { last: Some(102.0), change: Some(2.0), ..Default::default() };
        book.apply("AAPL", &trade, Source::Update, Instant::now());
        let q = book.get("AAPL").unwrap();
        assert_eq!(q.fields.change_percent, None, "the server's percent was for the older price");
        assert!((q.change_percent().unwrap() - 2.0).abs() < 1e-9, "derived from the streamed change: 2 / 100");
    }

    #[test]
    fn readers_see_each_change_once_per_publish() {
        let book = QuoteBook::default();
        let mut changes = book.changes();
        let now = Instant::now();
        book.apply("AAPL", &bid_ask(1.0, 1.1), Source::Update, now);
        book.apply("MSFT", &bid_ask(2.0, 2.1), Source::Update, now);
        assert!(!changes.has_changed().unwrap(), "nothing is announced before the frame ends");
        book.publish();
        book.publish();
        assert!(changes.has_changed().unwrap());
        let seen = *changes.borrow_and_update();
        assert_eq!(seen, 1, "one version per publish with changes");

        let (v, mut changed) = book.changed_since(0);
        changed.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!((v, changed.len()), (1, 2));
        assert_eq!(changed[0].0, "AAPL");

        book.apply("MSFT", &bid_ask(2.0, 2.2), Source::Update, now);
        book.publish();
        let (v2, changed) = book.changed_since(v);
        assert_eq!(v2, 2);
        assert_eq!(changed.iter().map(|(s, _)| s.as_str()).collect::<Vec<_>>(), ["MSFT"]);
        assert!(book.changed_since(v2).1.is_empty());
    }

    #[test]
    fn freshness_is_per_symbol() {
        let book = QuoteBook::default();
        let old = Instant::now() - Duration::from_secs(10);
        book.apply("OLD", &bid_ask(1.0, 1.1), Source::Update, old);
        book.apply_rest("NEW", &bid_ask(2.0, 2.1));
        assert!(book.is_stale("OLD", Duration::from_secs(5)));
        assert!(!book.is_stale("NEW", Duration::from_secs(5)));
        assert!(book.is_stale("NONE", Duration::from_secs(5)), "an unknown symbol has no fresh quote");
        assert_eq!(book.get("NEW").unwrap().source, Source::Rest);
        assert_eq!(*book.changes().borrow(), 1, "a REST quote is announced at once");
    }
}
