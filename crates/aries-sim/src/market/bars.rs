//! Historical bars for `GET /v1/chart/history` (TradingView UDF, docs/aries-api.md §9.2),
//! aggregated from the model's minute paths so every resolution agrees with
//! the live quotes.
//!
//! A bar is returned when its start time `t` is in `[from, to)` and it has at
//! least one traded minute at or before the market clock. Intraday bars are
//! aligned to the session start (04:00 with extended hours, 09:30 without;
//! midnight when always open) and never span two days. Daily and longer bars
//! are stamped at 00:00 UTC of their first calendar day.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};

use super::calendar::{self, DayLayout, Filter};
use super::model::{Bar, Model, merge};

/// Intraday requests cover at most this many days (the latest ones); a chart
/// asks again for the earlier part.
pub const MAX_INTRADAY_DAYS: i64 = 400;
/// How far back `nextTime` looks for an earlier bar.
const NEXT_TIME_LOOKBACK_DAYS: i64 = 31;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resolution {
    Minutes(u32),
    Day,
    Week,
    Months(u32),
}

impl Resolution {
    /// Every documented spelling; note that lower-case `1m` is one month.
    pub fn parse(s: &str) -> Option<Resolution> {
        Some(match s {
            "1" | "3" | "5" | "15" | "30" | "45" | "60" | "120" | "180" | "240" => {
                Resolution::Minutes(s.parse().expect("listed minute counts parse"))
            }
            "D" | "1D" | "1d" => Resolution::Day,
            "W" | "1W" | "1w" => Resolution::Week,
            "M" | "1M" | "1m" => Resolution::Months(1),
            "3M" | "3m" => Resolution::Months(3),
            "6M" | "6m" => Resolution::Months(6),
            "12M" | "12m" => Resolution::Months(12),
            _ => return None,
        })
    }

    /// The first day of the period that contains `date`.
    fn period_start(self, date: NaiveDate) -> NaiveDate {
        match self {
            Resolution::Minutes(_) | Resolution::Day => date,
            Resolution::Week => date - Duration::days(date.weekday().num_days_from_monday() as i64),
            Resolution::Months(n) => {
                let month0 = (date.month0() / n) * n;
                NaiveDate::from_ymd_opt(date.year(), month0 + 1, 1).expect("valid month start")
            }
        }
    }

    fn next_period(self, start: NaiveDate) -> NaiveDate {
        match self {
            Resolution::Minutes(_) | Resolution::Day => start + Duration::days(1),
            Resolution::Week => start + Duration::days(7),
            Resolution::Months(n) => start.checked_add_months(chrono::Months::new(n)).expect("date in range"),
        }
    }
}

/// What a history request asks for.
#[derive(Clone, Copy, Debug)]
pub struct Request {
    pub instrument: usize,
    pub resolution: Resolution,
    /// Unix seconds, `from` inclusive, `to` exclusive.
    pub from: i64,
    pub to: i64,
    pub filter: Filter,
    /// No data after this instant (the market clock).
    pub clock: DateTime<Utc>,
}

/// Bars in ascending time, or none with the time of the latest earlier bar.
#[derive(Debug, PartialEq)]
pub enum History {
    Bars(Vec<(i64, Bar)>),
    NoData { next_time: Option<i64> },
}

pub fn history(model: &Model, req: &Request) -> History {
    let bars = match req.resolution {
        Resolution::Minutes(n) => intraday(model, req, n as usize),
        _ => periodic(model, req),
    };
    if bars.is_empty() { History::NoData { next_time: next_time(model, req) } } else { History::Bars(bars) }
}

/// The minute index a bar containing minute `i` starts at.
fn bucket(layout: &DayLayout, filter: Filter, n: usize, i: usize) -> usize {
    let origin = match filter {
        Filter::All => 0,
        Filter::Regular => layout.open,
        Filter::RegularExtended => layout.pre,
    };
    origin + (i - origin) / n * n
}

fn midnight_utc(date: NaiveDate) -> i64 {
    date.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc().timestamp()
}

fn utc_date(ts: i64) -> NaiveDate {
    DateTime::from_timestamp(ts, 0).map(|t| t.date_naive()).unwrap_or(calendar::first_day())
}

/// The bar of one day's minute `i`, cut at the clock; `None` after the clock.
fn minute_bar(model_day: &super::model::DayPath, i: usize, clock: DateTime<Utc>) -> Option<Bar> {
    let start = model_day.layout.minute_start(i);
    if start > clock {
        return None;
    }
    let elapsed = (clock - start).num_seconds();
    Some(if elapsed >= 59 { model_day.bar(i) } else { model_day.partial(i, elapsed as u32) })
}

fn intraday(model: &Model, req: &Request, n: usize) -> Vec<(i64, Bar)> {
    let newest = req.to.min(req.clock.timestamp() + 1);
    let from = req.from.max(newest - MAX_INTRADAY_DAYS * 86_400);
    let mut out = Vec::new();
    if from >= newest {
        return out;
    }
    let Some(first) = DateTime::from_timestamp(from, 0) else { return out };
    let mut date = calendar::ny_date(first).max(calendar::first_day());
    let last = calendar::ny_date(req.clock);
    while date <= last {
        let day = model.day(req.instrument, date);
        let layout = &day.layout;
        let mut current: Option<(i64, Bar)> = None;
        for i in (0..day.layout.minutes).filter(|i| layout.includes(*i, req.filter)) {
            let t = layout.minute_start(bucket(layout, req.filter, n, i)).timestamp();
            if t < from {
                continue;
            }
            if t >= req.to {
                break;
            }
            let Some(bar) = minute_bar(&day, i, req.clock) else { break };
            match &mut current {
                Some((bt, acc)) if *bt == t => *acc = acc.merge(bar),
                _ => out.extend(current.replace((t, bar))),
            }
        }
        out.extend(current);
        date += Duration::days(1);
    }
    out
}

/// One day's aggregate up to the clock.
fn day_bar(model: &Model, req: &Request, date: NaiveDate) -> Option<Bar> {
    let clock_date = calendar::ny_date(req.clock);
    if date < calendar::first_day() || date > clock_date {
        None
    } else if date < clock_date {
        model.day_summary(req.instrument, date, req.filter)
    } else {
        let day = model.day(req.instrument, date);
        let (i, s) = day.layout.locate(req.clock);
        day.until(req.filter, i, s)
    }
}

fn periodic(model: &Model, req: &Request) -> Vec<(i64, Bar)> {
    let res = req.resolution;
    let mut start = res.period_start(utc_date(req.from).max(calendar::first_day()));
    if midnight_utc(start) < req.from {
        start = res.next_period(start);
    }
    let clock_date = calendar::ny_date(req.clock);
    let mut out = Vec::new();
    while midnight_utc(start) < req.to && start <= clock_date {
        let end = res.next_period(start);
        let mut acc = None;
        let mut date = start;
        while date < end && date <= clock_date {
            if let Some(bar) = day_bar(model, req, date) {
                acc = merge(acc, bar);
            }
            date += Duration::days(1);
        }
        out.extend(acc.map(|bar| (midnight_utc(start), bar)));
        start = end;
    }
    out
}

/// The start of the latest bar before `from`, if there is one.
fn next_time(model: &Model, req: &Request) -> Option<i64> {
    let before = (req.from - 1).min(req.clock.timestamp());
    let before_t = DateTime::from_timestamp(before, 0)?;
    let newest = match req.resolution {
        Resolution::Minutes(_) => calendar::ny_date(before_t),
        // Periodic bars are stamped at UTC midnight of their first day.
        _ => utc_date(before).min(calendar::ny_date(req.clock)),
    };
    let oldest = (newest - Duration::days(NEXT_TIME_LOOKBACK_DAYS)).max(calendar::first_day());
    let mut date = newest;
    while date >= oldest {
        match req.resolution {
            Resolution::Minutes(n) => {
                let day = model.day(req.instrument, date);
                let layout = &day.layout;
                let latest = (0..day.layout.minutes)
                    .rev()
                    .filter(|i| layout.includes(*i, req.filter))
                    .find(|i| layout.minute_start(*i) <= before_t);
                if let Some(i) = latest {
                    return Some(layout.minute_start(bucket(layout, req.filter, n as usize, i)).timestamp());
                }
            }
            res => {
                if day_bar(model, req, date).is_some() {
                    return Some(midnight_utc(res.period_start(date)));
                }
            }
        }
        date -= Duration::days(1);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::market::instruments::position;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn req(res: Resolution, from: &str, to: &str, filter: Filter, clock: &str) -> Request {
        Request {
            instrument: position("AAPL").unwrap(),
            resolution: res,
            from: at(from).timestamp(),
            to: at(to).timestamp(),
            filter,
            clock: at(clock),
        }
    }

    fn bars(h: History) -> Vec<(i64, Bar)> {
        match h {
            History::Bars(b) => b,
            other => panic!("expected bars, got {other:?}"),
        }
    }

    #[test]
    fn every_documented_resolution_parses() {
        for r in ["1", "3", "5", "15", "30", "45", "60", "120", "180", "240", "D", "1D", "1d", "W", "1W", "1w"] {
            assert!(Resolution::parse(r).is_some(), "{r}");
        }
        assert_eq!(Resolution::parse("1m"), Some(Resolution::Months(1)));
        assert_eq!(Resolution::parse("12m"), Some(Resolution::Months(12)));
        for bad in ["2", "0", "1H", "D1", "", "13M"] {
            assert_eq!(Resolution::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn coarser_bars_aggregate_the_minutes_they_contain() {
        let model = Model::new(9);
        let clock = "2026-11-23T20:00:00Z";
        let (from, to) = ("2026-11-16T00:00:00Z", "2026-11-21T00:00:00Z");
        let minutes = bars(history(&model, &req(Resolution::Minutes(1), from, to, Filter::Regular, clock)));
        assert_eq!(minutes.len(), 5 * 390, "five regular sessions");
        let hours = bars(history(&model, &req(Resolution::Minutes(60), from, to, Filter::Regular, clock)));
        assert_eq!(hours.len(), 5 * 7, "09:30, 10:30 … 15:30");
        let days = bars(history(&model, &req(Resolution::Day, from, to, Filter::Regular, clock)));
        assert_eq!(days.len(), 5);
        for (day_t, day) in &days {
            let inside: Vec<Bar> =
                minutes.iter().filter(|(t, _)| utc_date(*t) == utc_date(*day_t)).map(|b| b.1).collect();
            let agg = inside.iter().copied().reduce(Bar::merge).unwrap();
            assert_eq!(*day, agg);
        }
        let week = bars(history(&model, &req(Resolution::Week, from, to, Filter::Regular, clock)));
        assert_eq!(week.len(), 1);
        assert_eq!(week[0].1, days.iter().map(|d| d.1).reduce(Bar::merge).unwrap());
        assert_eq!(week[0].0, at("2026-11-16T00:00:00Z").timestamp(), "weeks start on Monday");
    }

    #[test]
    fn the_first_period_is_kept_when_the_range_starts_earlier() {
        let model = Model::new(9);
        let first_week = req(
            Resolution::Week,
            "2019-06-01T00:00:00Z",
            "2020-01-13T00:00:00Z",
            Filter::Regular,
            "2026-11-23T20:00:00Z",
        );
        let weeks = bars(history(&model, &first_week));
        assert_eq!(weeks.len(), 2);
        assert_eq!(weeks[0].0, at("2019-12-30T00:00:00Z").timestamp(), "the week of 2020-01-01");
        let days = req(
            Resolution::Day,
            "2019-12-30T00:00:00Z",
            "2020-01-06T00:00:00Z",
            Filter::Regular,
            "2026-11-23T20:00:00Z",
        );
        let days = bars(history(&model, &days));
        assert_eq!(weeks[0].1, days.iter().map(|d| d.1).reduce(Bar::merge).unwrap(), "2 and 3 January");
        assert_eq!(days.len(), 2, "1 January is a holiday");
    }

    #[test]
    fn an_empty_range_reports_the_previous_bar() {
        let model = Model::new(9);
        let weekend = req(
            Resolution::Minutes(5),
            "2026-11-21T12:00:00Z",
            "2026-11-22T12:00:00Z",
            Filter::Regular,
            "2026-11-23T20:00:00Z",
        );
        let friday_last = at("2026-11-20T20:55:00Z").timestamp(); // 15:55 New York
        assert_eq!(history(&model, &weekend), History::NoData { next_time: Some(friday_last) });
        let before_start = req(
            Resolution::Day,
            "2019-01-01T00:00:00Z",
            "2019-06-01T00:00:00Z",
            Filter::Regular,
            "2026-11-23T20:00:00Z",
        );
        assert_eq!(history(&model, &before_start), History::NoData { next_time: None });
    }
}
