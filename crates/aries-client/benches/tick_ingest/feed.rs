//! The stream the bench replays: snapshots for 50 symbols, then seeded
//! field-level `quote` and `trade` updates shaped as the simulator sends them
//! to a client that asked for the fields `MarketStream` asks for. Every frame
//! is serialized and WebSocket-encoded up front, so the server only copies
//! bytes, and the final state of every symbol is tracked on the side so the
//! client's book can be checked against it.

use std::collections::HashMap;

use aries_client::stream::QuoteFields;
use aries_sim::ws_session::event;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Map, Value, json};
use tokio_tungstenite::tungstenite::protocol::frame::Frame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::{Data, OpCode};

/// A watchlist-sized set of tickers.
pub const SYMBOLS: [&str; 50] = [
    "AAPL", "MSFT", "NVDA", "AMZN", "GOOGL", "META", "TSLA", "AVGO", "BRK.B", "JPM", "LLY", "V", "UNH", "XOM", "MA",
    "JNJ", "PG", "HD", "COST", "MRK", "ABBV", "CVX", "CRM", "BAC", "NFLX", "KO", "PEP", "AMD", "TMO", "WMT", "ADBE",
    "MCD", "CSCO", "ACN", "ABT", "LIN", "DHR", "ORCL", "INTC", "DIS", "WFC", "VZ", "CMCSA", "TXN", "PFE", "NKE",
    "QCOM", "IBM", "SPY", "QQQ",
];

/// The last event of the stream sets this bid size on `SYMBOLS[0]`; no other
/// event carries a size this large, so seeing it means the stream was read to its end.
pub const MARKER_BID_SIZE: u64 = 9_999_999;

/// Share of updates that are trades; the rest are quote changes.
const TRADE_SHARE: f64 = 0.2;

/// One symbol's state in the generator: prices in cents, as the exchange quotes them.
struct Book {
    bid: i64,
    ask: i64,
    bid_size: u64,
    ask_size: u64,
    last: i64,
    last_size: u64,
    open: i64,
    high: i64,
    low: i64,
    prev_close: i64,
    volume: u64,
    /// The last trade's time, milliseconds since the Unix epoch.
    traded_at_ms: i64,
}

fn price(cents: i64) -> Value {
    json!(cents as f64 / 100.0)
}

fn dollars(cents: i64) -> Option<f64> {
    Some(cents as f64 / 100.0)
}

/// 2025-06-25 09:30 in New York: the generated trades' first time.
const OPEN_MS: i64 = 1_750_858_200_000;

/// A trade time as the simulator writes it: New York's offset (EDT in June), milliseconds.
fn exchange_time(ms: i64) -> Value {
    let edt = chrono::FixedOffset::west_opt(4 * 3600).expect("a valid offset");
    let t = chrono::DateTime::from_timestamp_millis(ms).expect("a time in range").with_timezone(&edt);
    json!(t.format("%Y-%m-%dT%H:%M:%S%.3f%:z").to_string())
}

impl Book {
    fn new(rng: &mut StdRng) -> Self {
        let mid = rng.random_range(2_000..60_000);
        let spread = rng.random_range(1..6);
        let last = mid + rng.random_range(-spread..=spread);
        Book {
            bid: mid - spread,
            ask: mid + spread,
            bid_size: round_lot(rng),
            ask_size: round_lot(rng),
            last,
            last_size: rng.random_range(1..=20) * 100,
            open: mid + rng.random_range(-300..300),
            high: mid + rng.random_range(300..600),
            low: mid - rng.random_range(300..600),
            prev_close: mid + rng.random_range(-500..500),
            volume: rng.random_range(100_000..5_000_000),
            traded_at_ms: OPEN_MS + rng.random_range(0..60_000),
        }
    }

    /// What a book fed this symbol's events must hold.
    fn fields(&self) -> QuoteFields {
        QuoteFields {
            bid: dollars(self.bid),
            ask: dollars(self.ask),
            bid_size: Some(self.bid_size as f64),
            ask_size: Some(self.ask_size as f64),
            last: dollars(self.last),
            last_size: Some(self.last_size as f64),
            open: dollars(self.open),
            high: dollars(self.high),
            low: dollars(self.low),
            change: dollars(self.last - self.prev_close),
            change_percent: None,
            volume: Some(self.volume as f64),
            traded_at_ms: Some(self.traded_at_ms as f64),
        }
    }

    /// The two snapshot events the simulator sends on subscribe.
    fn snapshot(&self, symbol: &str) -> [Value; 2] {
        let quote = json!({
            "symbol": symbol,
            "bidPrice": price(self.bid), "askPrice": price(self.ask),
            "bidSize": self.bid_size, "askSize": self.ask_size,
        });
        let trade = json!({
            "symbol": symbol,
            "lastPrice": price(self.last), "size": self.last_size,
            "openPrice": price(self.open), "highPrice": price(self.high), "lowPrice": price(self.low),
            "netChange": price(self.last - self.prev_close), "totalVolume": self.volume,
            "tradeTimestamp": exchange_time(self.traded_at_ms),
        });
        [event("snapshot", Some("quote"), quote), event("snapshot", Some("trade"), trade)]
    }

    /// A quote change: the prices move, or one side's size changes, or both
    /// on the bid. Only the changed fields are sent, as the simulator does.
    fn quote_update(&mut self, symbol: &str, rng: &mut StdRng) -> Value {
        let mut data = Map::new();
        data.insert("symbol".into(), json!(symbol));
        match rng.random_range(0..4) {
            0 | 1 => {
                let step = if rng.random_bool(0.5) { rng.random_range(1..=3) } else { -rng.random_range(1..=3) };
                // Never at or below zero: a price walk over a few hundred thousand steps could get there.
                let step = if self.bid + step < 100 { step.abs() } else { step };
                self.bid += step;
                self.ask += step;
                data.insert("bidPrice".into(), price(self.bid));
                data.insert("askPrice".into(), price(self.ask));
            }
            2 => {
                self.ask_size = other_lot(self.ask_size, rng);
                data.insert("askSize".into(), json!(self.ask_size));
            }
            _ => {
                // A cent either way, never crossing the ask nor reaching zero.
                let up = self.bid + 1 < self.ask && (self.bid <= 100 || rng.random_bool(0.5));
                self.bid += if up { 1 } else { -1 };
                self.bid_size = other_lot(self.bid_size, rng);
                data.insert("bidPrice".into(), price(self.bid));
                data.insert("bidSize".into(), json!(self.bid_size));
            }
        }
        event("update", Some("quote"), Value::Object(data))
    }

    /// A trade at the bid or the ask. `size`, `totalVolume` and `tradeTimestamp` always change;
    /// the price fields only when they did, as the simulator sends them.
    fn trade_update(&mut self, symbol: &str, rng: &mut StdRng) -> Value {
        let mut data = Map::new();
        data.insert("symbol".into(), json!(symbol));
        let at = if rng.random_bool(0.5) { self.bid } else { self.ask };
        if at != self.last {
            self.last = at;
            data.insert("lastPrice".into(), price(at));
            data.insert("netChange".into(), price(at - self.prev_close));
        }
        if at > self.high {
            self.high = at;
            data.insert("highPrice".into(), price(at));
        }
        if at < self.low {
            self.low = at;
            data.insert("lowPrice".into(), price(at));
        }
        self.last_size = rng.random_range(1..=20) * 100;
        self.volume += self.last_size;
        data.insert("size".into(), json!(self.last_size));
        data.insert("totalVolume".into(), json!(self.volume));
        self.traded_at_ms += rng.random_range(1..=500);
        data.insert("tradeTimestamp".into(), exchange_time(self.traded_at_ms));
        event("update", Some("trade"), Value::Object(data))
    }
}

fn round_lot(rng: &mut StdRng) -> u64 {
    rng.random_range(1..=50) * 100
}

/// A round lot different from `size`, so the update is a change.
fn other_lot(size: u64, rng: &mut StdRng) -> u64 {
    let next = round_lot(rng);
    if next == size { next % 5_000 + 100 } else { next }
}

/// One NDJSON text frame, as the simulator joins a batch of events.
pub fn ndjson(events: &[Value]) -> String {
    events.iter().map(Value::to_string).collect::<Vec<_>>().join("\n")
}

/// Appends `text` as one unmasked server-to-client text frame.
fn encode(text: String, wire: &mut Vec<u8>) {
    Frame::message(text, OpCode::Data(Data::Text), true).format(wire).expect("writing to a Vec cannot fail");
}

pub struct Feed {
    pub ticks: usize,
    pub frames: usize,
    /// The events sent with the answer to the subscription, one per symbol and kind.
    pub snapshots: Vec<Value>,
    /// Every update frame, WebSocket-encoded back to back.
    pub wire: Vec<u8>,
    /// The text of the last frame, whose last event is the marker.
    pub last_frame: String,
    /// What each symbol's quote must be once every frame is applied.
    pub expected: HashMap<&'static str, QuoteFields>,
}

impl Feed {
    /// `ticks` update events, `per_frame` to a frame (it must divide `ticks`).
    pub fn new(ticks: usize, per_frame: usize) -> Feed {
        assert!(ticks > 0 && ticks.is_multiple_of(per_frame), "{ticks} ticks do not fill frames of {per_frame}");
        let mut rng = StdRng::seed_from_u64(0x7ac1);
        let mut books: Vec<Book> = SYMBOLS.iter().map(|_| Book::new(&mut rng)).collect();
        let snapshots = SYMBOLS.iter().zip(&books).flat_map(|(s, b)| b.snapshot(s)).collect();

        let mut wire = Vec::new();
        let mut last_frame = String::new();
        let mut batch = Vec::with_capacity(per_frame);
        for n in 1..=ticks {
            batch.push(if n == ticks {
                books[0].bid_size = MARKER_BID_SIZE;
                event("update", Some("quote"), json!({ "symbol": SYMBOLS[0], "bidSize": MARKER_BID_SIZE }))
            } else {
                let i = rng.random_range(0..SYMBOLS.len());
                if rng.random_bool(TRADE_SHARE) {
                    books[i].trade_update(SYMBOLS[i], &mut rng)
                } else {
                    books[i].quote_update(SYMBOLS[i], &mut rng)
                }
            });
            if batch.len() == per_frame {
                last_frame = ndjson(&batch);
                encode(last_frame.clone(), &mut wire);
                batch.clear();
            }
        }
        let expected = SYMBOLS.iter().copied().zip(books.iter().map(Book::fields)).collect();
        Feed { ticks, frames: ticks / per_frame, snapshots, wire, last_frame, expected }
    }
}
