//! The seeded price model. A price is a pure function of (seed, symbol, time),
//! so history bars, live quotes and two simulators with the same seed agree.
//!
//! Three layers, each drawn from its own ChaCha stream keyed by the seed and
//! the symbol (never by list position, so adding instruments changes nothing):
//! 1. Daily levels: an Ornstein–Uhlenbeck walk of the log price around the
//!    instrument's reference level at each New York midnight from 2020 on,
//!    with a common market factor so that the market moves together.
//! 2. Minutes: a Brownian bridge between one midnight level and the next whose
//!    variance is concentrated in the regular session; each minute also draws
//!    a high and a low excursion and their order.
//! 3. Seconds: within a minute the price runs open → first extreme → second
//!    extreme → next open (at 0, 20, 40 and 60 s) plus jitter clamped to the
//!    minute's range, so a minute bar's high and low are exactly the extremes
//!    any live quote in that minute can show.
//!
//! Prices are whole cents (`i32`, enough for index levels); they become
//! `Decimal`s only at the edge.

use std::collections::{HashMap, VecDeque};
use std::hash::Hash;
use std::sync::{Arc, Mutex, OnceLock};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rand::{Rng, RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;
use rust_decimal::Decimal;

use super::Quote;
use super::calendar::{self, DayLayout, Filter, Session};
use super::instruments::{INSTRUMENTS, Instrument};
use crate::MarketHours;

/// Day paths kept in memory (~40 KB each): a year of one symbol plus today for all.
const DAY_CACHE: usize = 512;
/// Daily aggregates kept in memory (small): years of daily bars for many symbols.
const SUMMARY_CACHE: usize = 100_000;
/// Within a minute the price visits its extremes at these seconds.
const FIRST_EXTREME: f64 = 20.0;
const SECOND_EXTREME: f64 = 40.0;
/// The bid–ask spread is twice this share of the price (1 bp), at least a cent.
const SPREAD: f64 = 0.5e-4;

/// Independent random streams.
#[derive(Clone, Copy)]
enum Stream {
    Levels = 1,
    MarketFactor = 2,
    Minutes = 3,
    Seconds = 4,
}

/// One complete or partial bar in cents.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bar {
    pub open: i32,
    pub high: i32,
    pub low: i32,
    pub close: i32,
    pub volume: u64,
}

impl Bar {
    /// Extends `self` (earlier) with `later`.
    pub fn merge(self, later: Bar) -> Bar {
        Bar {
            open: self.open,
            high: self.high.max(later.high),
            low: self.low.min(later.low),
            close: later.close,
            volume: self.volume + later.volume,
        }
    }
}

/// Merges an optional running bar with the next one.
pub fn merge(acc: Option<Bar>, next: Bar) -> Option<Bar> {
    Some(match acc {
        Some(a) => a.merge(next),
        None => next,
    })
}

#[derive(Clone, Copy, Debug)]
struct Minute {
    open: i32,
    high: i32,
    low: i32,
    close: i32,
    /// The next minute's open, where this minute's path ends.
    next: i32,
    volume: u32,
    high_first: bool,
}

/// Every minute of one symbol on one New York day.
pub struct DayPath {
    pub layout: DayLayout,
    minutes: Vec<Minute>,
    second_key: [u8; 32],
}

impl DayPath {
    /// Price in cents at second `s` (0–59) of minute `i`.
    pub fn price(&self, i: usize, s: u32) -> i32 {
        let m = &self.minutes[i];
        let (first, second) = if m.high_first { (m.high, m.low) } else { (m.low, m.high) };
        let t = s as f64;
        let lerp = |a: i32, b: i32, f: f64| a as f64 + (b - a) as f64 * f;
        let line = if t <= FIRST_EXTREME {
            lerp(m.open, first, t / FIRST_EXTREME)
        } else if t <= SECOND_EXTREME {
            lerp(first, second, (t - FIRST_EXTREME) / (SECOND_EXTREME - FIRST_EXTREME))
        } else {
            lerp(second, m.next, (t - SECOND_EXTREME) / (60.0 - SECOND_EXTREME))
        };
        // Zero at the vertices so the open and both extremes are always hit.
        let from_vertex =
            [0.0, FIRST_EXTREME, SECOND_EXTREME, 60.0].iter().map(|v| (t - v).abs()).fold(f64::MAX, f64::min);
        let tent = (from_vertex / 6.0).min(1.0);
        let u = self.draws(i, s)[0] as f64 / u64::MAX as f64 * 2.0 - 1.0;
        let jitter = u * 0.25 * (m.high - m.low) as f64 * tent;
        ((line + jitter).round() as i32).clamp(m.low, m.high)
    }

    /// Two random words for second `s` of minute `i` (random access into the stream).
    fn draws(&self, i: usize, s: u32) -> [u64; 2] {
        let mut rng = ChaCha8Rng::from_seed(self.second_key);
        rng.set_word_pos(((i as u128) * 60 + s as u128) * 4);
        [rng.next_u64(), rng.next_u64()]
    }

    /// The complete bar of minute `i`.
    pub fn bar(&self, i: usize) -> Bar {
        let m = &self.minutes[i];
        Bar { open: m.open, high: m.high, low: m.low, close: m.close, volume: m.volume as u64 }
    }

    /// Minute `i` up to and including second `s`.
    pub fn partial(&self, i: usize, s: u32) -> Bar {
        if s >= 59 {
            return self.bar(i);
        }
        let prices: Vec<i32> = (0..=s).map(|x| self.price(i, x)).collect();
        Bar {
            open: prices[0],
            high: *prices.iter().max().expect("at least one second"),
            low: *prices.iter().min().expect("at least one second"),
            close: prices[s as usize],
            volume: self.minutes[i].volume as u64 * (s as u64 + 1) / 60,
        }
    }

    /// The aggregate of the included minutes before minute `i`, then minute
    /// `i` up to second `s` if it is included.
    pub fn until(&self, filter: Filter, i: usize, s: u32) -> Option<Bar> {
        let mut acc = None;
        for j in (0..i).filter(|j| self.layout.includes(*j, filter)) {
            acc = merge(acc, self.bar(j));
        }
        if self.layout.includes(i, filter) {
            acc = merge(acc, self.partial(i, s));
        }
        acc
    }

    /// The aggregate of the whole day's included minutes.
    pub fn summary(&self, filter: Filter) -> Option<Bar> {
        self.until(filter, self.minutes.len() - 1, 59)
    }
}

/// A map that forgets its oldest entries beyond a bound.
struct Bounded<K, V> {
    map: HashMap<K, V>,
    order: VecDeque<K>,
    cap: usize,
}

impl<K: Hash + Eq + Clone, V: Clone> Bounded<K, V> {
    fn new(cap: usize) -> Self {
        Bounded { map: HashMap::new(), order: VecDeque::new(), cap }
    }

    fn get(&self, key: &K) -> Option<V> {
        self.map.get(key).cloned()
    }

    fn insert(&mut self, key: K, value: V) {
        if self.map.insert(key.clone(), value).is_none() {
            self.order.push_back(key);
            while self.order.len() > self.cap {
                if let Some(old) = self.order.pop_front() {
                    self.map.remove(&old);
                }
            }
        }
    }
}

/// FNV-1a: a stable hash of the symbol (std's hasher may change between releases).
fn symbol_hash(symbol: &str) -> u64 {
    symbol.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ b as u64).wrapping_mul(0x0100_0000_01b3))
}

fn key(seed: u64, stream: Stream, a: u64, b: u64) -> [u8; 32] {
    let mut k = [0u8; 32];
    for (chunk, word) in k.chunks_mut(8).zip([seed, stream as u64, a, b]) {
        chunk.copy_from_slice(&word.to_le_bytes());
    }
    k
}

fn cents(log_price: f64) -> i32 {
    ((log_price.exp() * 100.0).round() as i32).max(1)
}

pub fn decimal(cents: i32) -> Decimal {
    Decimal::new(cents as i64, 2)
}

fn day_number(date: NaiveDate) -> u64 {
    (date - calendar::first_day()).num_days().max(0) as u64
}

const YEAR_DAYS: f64 = 365.0;

pub struct Model {
    seed: u64,
    /// Per instrument: the log deviation from the reference at each midnight.
    levels: Vec<OnceLock<Vec<f64>>>,
    market_factor: OnceLock<Vec<f64>>,
    days: Mutex<Bounded<(usize, NaiveDate), Arc<DayPath>>>,
    summaries: Mutex<Bounded<(usize, NaiveDate, Filter), Option<Bar>>>,
}

impl Model {
    pub fn new(seed: u64) -> Self {
        Model {
            seed,
            levels: INSTRUMENTS.iter().map(|_| OnceLock::new()).collect(),
            market_factor: OnceLock::new(),
            days: Mutex::new(Bounded::new(DAY_CACHE)),
            summaries: Mutex::new(Bounded::new(SUMMARY_CACHE)),
        }
    }

    fn level_count() -> usize {
        day_number(calendar::last_day()) as usize + 2
    }

    fn market_factor(&self) -> &[f64] {
        self.market_factor.get_or_init(|| {
            let mut rng = ChaCha8Rng::from_seed(key(self.seed, Stream::MarketFactor, 0, 0));
            (0..Self::level_count()).map(|_| rng.sample(StandardNormal)).collect()
        })
    }

    /// Log deviations at each midnight: x' = a·x + b·(β·market + √(1-β²)·own).
    fn levels(&self, idx: usize) -> &[f64] {
        self.levels[idx].get_or_init(|| {
            let inst = &INSTRUMENTS[idx];
            let market = self.market_factor();
            let mut rng = ChaCha8Rng::from_seed(key(self.seed, Stream::Levels, symbol_hash(inst.symbol), 0));
            let kappa = inst.reversion();
            let a = (-kappa / YEAR_DAYS).exp();
            let b = inst.volatility * ((1.0 - a * a) / (2.0 * kappa)).sqrt();
            let own = (1.0 - inst.beta * inst.beta).sqrt();
            let start: f64 = rng.sample::<f64, _>(StandardNormal) * inst.volatility / (2.0 * kappa).sqrt();
            let mut x = start;
            let mut out = Vec::with_capacity(market.len());
            for m in market {
                out.push(x);
                let z: f64 = rng.sample(StandardNormal);
                x = a * x + b * (inst.beta * m + own * z);
            }
            out
        })
    }

    fn log_level(&self, inst: &Instrument, idx: usize, day: u64) -> f64 {
        let levels = self.levels(idx);
        inst.reference.ln() + levels[(day as usize).min(levels.len() - 1)]
    }

    /// The minute path of one symbol on one New York day (cached).
    pub fn day(&self, idx: usize, date: NaiveDate) -> Arc<DayPath> {
        let date = date.clamp(calendar::first_day(), calendar::last_day());
        if let Some(day) = self.days.lock().unwrap().get(&(idx, date)) {
            return day;
        }
        // Generate outside the lock: the tick task must not wait for a long history request.
        let day = Arc::new(self.generate(idx, date));
        self.days.lock().unwrap().insert((idx, date), day.clone());
        day
    }

    /// The aggregate of one whole day's included minutes (cached), for daily and longer bars.
    pub fn day_summary(&self, idx: usize, date: NaiveDate, filter: Filter) -> Option<Bar> {
        if let Some(bar) = self.summaries.lock().unwrap().get(&(idx, date, filter)) {
            return bar;
        }
        let bar = self.day(idx, date).summary(filter);
        self.summaries.lock().unwrap().insert((idx, date, filter), bar);
        bar
    }

    fn generate(&self, idx: usize, date: NaiveDate) -> DayPath {
        let inst = &INSTRUMENTS[idx];
        let layout = DayLayout::new(date);
        let n = layout.minutes;
        let day = day_number(date);
        let sym = symbol_hash(inst.symbol);
        let (x0, x1) = (self.log_level(inst, idx, day), self.log_level(inst, idx, day + 1));
        let mut rng = ChaCha8Rng::from_seed(key(self.seed, Stream::Minutes, sym, day));

        // Most of a day's variance falls in the regular session, little overnight.
        let weight = |i| match layout.session(i) {
            Session::Regular => 1.0,
            Session::Extended => 0.25,
            Session::Overnight => 0.04,
        };
        let weights: Vec<f64> = (0..n).map(weight).collect();
        let total: f64 = weights.iter().sum();
        let day_sd = inst.volatility / YEAR_DAYS.sqrt();
        let sd: Vec<f64> = weights.iter().map(|w| day_sd * (w / total).sqrt()).collect();

        // Brownian bridge from x0 to x1 on the variance clock.
        let mut walk = vec![0.0; n + 1];
        let mut clock = vec![0.0; n + 1];
        for i in 0..n {
            let z: f64 = rng.sample(StandardNormal);
            walk[i + 1] = walk[i] + sd[i] * z;
            clock[i + 1] = clock[i] + weights[i];
        }
        let gap = walk[n] - (x1 - x0);
        let path: Vec<f64> = (0..=n).map(|i| x0 + walk[i] - clock[i] / clock[n] * gap).collect();

        // Volume: U-shaped over the regular session, thin outside it.
        let session_len = (layout.close - layout.open) as f64;
        let profile = |i: usize| match layout.session(i) {
            Session::Regular => {
                let t = (i - layout.open) as f64 / session_len * 2.0 - 1.0;
                1.0 + 2.0 * t * t
            }
            Session::Extended => 0.1,
            Session::Overnight => 0.01,
        };
        let per_unit = inst.daily_volume as f64 / (session_len * 5.0 / 3.0 + 57.0);

        let mut minutes = Vec::with_capacity(n);
        for i in 0..n {
            let (a, b) = (path[i], path[i + 1]);
            let up: f64 = rng.sample::<f64, _>(StandardNormal).abs() * sd[i] * 0.5;
            let down: f64 = rng.sample::<f64, _>(StandardNormal).abs() * sd[i] * 0.5;
            let high_first = rng.random_bool(0.5);
            let noise: f64 = rng.sample(StandardNormal);
            let volume = (per_unit * profile(i) * (0.5 * noise - 0.125).exp()).round() as u32;
            minutes.push(Minute {
                open: cents(a),
                high: cents(a.max(b) + up),
                low: cents(a.min(b) - down),
                close: 0,
                next: cents(b),
                volume,
                high_first,
            });
        }
        let mut day = DayPath { layout, minutes, second_key: key(self.seed, Stream::Seconds, sym, day) };
        for i in 0..n {
            day.minutes[i].close = day.price(i, 59);
        }
        day
    }

    /// The quote of instrument `idx` at `clock` (a whole second at which the market trades).
    pub fn quote_at(&self, idx: usize, clock: DateTime<Utc>, hours: MarketHours) -> Quote {
        let inst = &INSTRUMENTS[idx];
        let date = calendar::ny_date(clock);
        let day = self.day(idx, date);
        let (i, s) = day.layout.locate(clock);
        let today = day.until(Filter::trading(hours), i, s).unwrap_or_else(|| day.partial(i, s));
        let last = today.close;
        let prev_close = match hours {
            MarketHours::AlwaysOpen => {
                let prev = self.day(idx, date - Duration::days(1));
                prev.bar(prev.layout.minutes - 1).close
            }
            MarketHours::Real | MarketHours::AlwaysClosed => {
                let prev = self.day(idx, calendar::previous_trading_day(date));
                prev.bar(prev.layout.close - 1).close
            }
        };
        let [_, sizes] = day.draws(i, s);
        let (bid, ask, bid_size, ask_size, last_size, volume) = if inst.is_index() {
            (last, last, 0, 0, 0, 0)
        } else {
            let spread = ((last as f64 * SPREAD * 2.0).round() as i32).max(1);
            let bid = (last - spread / 2).max(1);
            const LOTS: [u64; 12] = [1, 5, 10, 25, 50, 100, 100, 100, 200, 300, 500, 1000];
            (
                bid,
                bid + spread,
                100 * (1 + sizes % 30),
                100 * (1 + (sizes >> 8) % 30),
                LOTS[((sizes >> 16) % 12) as usize],
                today.volume,
            )
        };
        Quote {
            symbol: inst.symbol.to_string(),
            bid: decimal(bid),
            ask: decimal(ask),
            bid_size,
            ask_size,
            last: decimal(last),
            last_size,
            open: decimal(today.open),
            high: decimal(today.high),
            low: decimal(today.low),
            prev_close: decimal(prev_close),
            volume,
            time: clock,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::market::instruments::position;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn minute_bars_bound_every_second_and_chain_into_the_next_open() {
        let model = Model::new(7);
        let day = model.day(position("AAPL").unwrap(), date(2026, 3, 9));
        for i in 0..day.layout.minutes {
            let bar = day.bar(i);
            let prices: Vec<i32> = (0..60).map(|s| day.price(i, s)).collect();
            assert_eq!(bar.open, prices[0]);
            assert_eq!(bar.close, prices[59]);
            assert_eq!(bar.high, *prices.iter().max().unwrap(), "minute {i}");
            assert_eq!(bar.low, *prices.iter().min().unwrap(), "minute {i}");
            if i + 1 < day.layout.minutes {
                assert_eq!(day.minutes[i].next, day.bar(i + 1).open);
            }
        }
        let next_day = model.day(position("AAPL").unwrap(), date(2026, 3, 10));
        assert_eq!(day.minutes[day.layout.minutes - 1].next, next_day.bar(0).open, "days chain too");
    }

    #[test]
    fn prices_stay_plausible_over_the_whole_range() {
        let model = Model::new(42);
        for (idx, inst) in INSTRUMENTS.iter().enumerate() {
            let spread = inst.volatility / (2.0 * inst.reversion()).sqrt();
            let worst = model.levels(idx).iter().fold(0.0f64, |w, x| w.max(x.abs()));
            assert!(worst < 5.0 * spread && worst < 4f64.ln(), "{}: log deviation {worst}", inst.symbol);
        }
    }

    #[test]
    fn quotes_are_pure_and_consistent_with_the_day() {
        let (a, b) = (Model::new(1), Model::new(1));
        let idx = position("MSFT").unwrap();
        let t = DateTime::parse_from_rfc3339("2026-11-23T15:00:17Z").unwrap().with_timezone(&Utc);
        let q = a.quote_at(idx, t, MarketHours::AlwaysOpen);
        assert_eq!(q, b.quote_at(idx, t, MarketHours::AlwaysOpen));
        assert_ne!(q, Model::new(2).quote_at(idx, t, MarketHours::AlwaysOpen));
        assert!(q.bid < q.ask && q.bid <= q.last && q.last <= q.ask, "{q:?}");
        assert!(q.low <= q.last && q.last <= q.high);
        let day = a.day(idx, date(2026, 11, 23));
        let (i, s) = day.layout.locate(t);
        assert_eq!(q.last, decimal(day.price(i, s)));
        let index = a.quote_at(position("SPX").unwrap(), t, MarketHours::AlwaysOpen);
        assert_eq!((index.bid, index.ask, index.volume), (index.last, index.last, 0));
    }

    #[test]
    fn a_year_of_minutes_is_generated_and_timed() {
        let model = Model::new(3);
        let idx = position("NVDA").unwrap();
        let started = std::time::Instant::now();
        let mut bars = 0;
        for d in 0..365 {
            let day = model.day(idx, date(2025, 11, 1) + Duration::days(d));
            bars += (0..day.layout.minutes).map(|i| day.bar(i)).filter(|b| b.volume > 0).count();
        }
        eprintln!("a year of 1-minute paths: {bars} bars in {:?}", started.elapsed());
        assert!(bars > 500_000);
    }
}
