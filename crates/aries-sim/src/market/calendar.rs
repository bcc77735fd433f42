//! New York trading calendar: sessions, NYSE holidays, and the "market clock"
//! (the latest instant at which prices could move under the current hours).
//!
//! Sessions on trading days: extended 04:00–09:30, regular 09:30–16:00,
//! extended 16:00–20:00. Holidays follow the NYSE rules (observed dates,
//! Juneteenth from 2022); unscheduled closures and 13:00 early closes are not
//! modelled.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Timelike, Utc, Weekday};
use chrono_tz::America::New_York;

use crate::MarketHours;

/// The first day with prices. History before it is `no_data`.
pub fn first_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2020, 1, 1).expect("valid date")
}

/// The last day the model covers.
pub fn last_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2045, 12, 31).expect("valid date")
}

/// The New York calendar date of an instant.
pub fn ny_date(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&New_York).date_naive()
}

/// The instant of a New York wall-clock time. Only used for times at or after
/// 04:00 and for midnight, which exist exactly once on every day (DST switches at 02:00).
fn ny_instant(date: NaiveDate, hour: u32, minute: u32) -> DateTime<Utc> {
    let local = date.and_time(NaiveTime::from_hms_opt(hour, minute, 0).expect("valid time"));
    New_York.from_local_datetime(&local).earliest().expect("time exists in New York").with_timezone(&Utc)
}

/// Whole seconds (drops the fraction).
pub fn floor_second(t: DateTime<Utc>) -> DateTime<Utc> {
    t.with_nanosecond(0).unwrap_or(t)
}

fn nth_weekday(year: i32, month: u32, weekday: Weekday, n: u8) -> NaiveDate {
    NaiveDate::from_weekday_of_month_opt(year, month, weekday, n).expect("valid nth weekday")
}

/// The last `weekday` of a 31-day month.
fn last_weekday(year: i32, month: u32, weekday: Weekday) -> NaiveDate {
    let mut date = NaiveDate::from_ymd_opt(year, month, 31).expect("31-day month");
    while date.weekday() != weekday {
        date -= Duration::days(1);
    }
    date
}

/// Western Easter Sunday (anonymous Gregorian algorithm).
fn easter(year: i32) -> NaiveDate {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, month as u32, day as u32).expect("valid Easter date")
}

/// A fixed-date holiday moved off the weekend (Saturday → Friday, Sunday → Monday).
fn observed(date: NaiveDate) -> NaiveDate {
    match date.weekday() {
        Weekday::Sat => date - Duration::days(1),
        Weekday::Sun => date + Duration::days(1),
        _ => date,
    }
}

/// NYSE full-day holidays.
pub fn is_holiday(date: NaiveDate) -> bool {
    let year = date.year();
    let fixed = |month, day| NaiveDate::from_ymd_opt(year, month, day).expect("valid date");
    // New Year's Day on a Saturday is not moved back into the old year (NYSE rule).
    let new_year = fixed(1, 1);
    let new_year_observed = if new_year.weekday() == Weekday::Sun { new_year + Duration::days(1) } else { new_year };
    let mut holidays = vec![
        new_year_observed,
        nth_weekday(year, 1, Weekday::Mon, 3),
        nth_weekday(year, 2, Weekday::Mon, 3),
        easter(year) - Duration::days(2),
        last_weekday(year, 5, Weekday::Mon),
        observed(fixed(7, 4)),
        nth_weekday(year, 9, Weekday::Mon, 1),
        nth_weekday(year, 11, Weekday::Thu, 4),
        observed(fixed(12, 25)),
    ];
    if year >= 2022 {
        holidays.push(observed(fixed(6, 19)));
    }
    holidays.contains(&date)
}

pub fn is_trading_day(date: NaiveDate) -> bool {
    !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) && !is_holiday(date)
}

/// The trading day strictly before `date`.
pub fn previous_trading_day(date: NaiveDate) -> NaiveDate {
    let mut d = date - Duration::days(1);
    while !is_trading_day(d) {
        d -= Duration::days(1);
    }
    d
}

/// What part of the trading day a minute falls in (ignoring whether the day trades).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Session {
    Overnight,
    Extended,
    Regular,
}

/// Which minutes count: bars, day statistics and live movement use one of these.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Filter {
    /// Every minute of every day (`MarketHours::AlwaysOpen`).
    All,
    /// Regular session of trading days.
    Regular,
    /// Regular and extended sessions of trading days.
    RegularExtended,
}

impl Filter {
    /// Minutes that produce bars.
    pub fn bars(hours: MarketHours, include_extended: bool) -> Filter {
        match (hours, include_extended) {
            (MarketHours::AlwaysOpen, _) => Filter::All,
            (_, true) => Filter::RegularExtended,
            (_, false) => Filter::Regular,
        }
    }

    /// Minutes in which prices move and that count towards a quote's day statistics.
    pub fn trading(hours: MarketHours) -> Filter {
        Filter::bars(hours, true)
    }
}

/// The minute grid of one New York calendar day. Days have 1380, 1440 or
/// 1500 minutes (DST changes).
#[derive(Clone, Debug)]
pub struct DayLayout {
    pub date: NaiveDate,
    pub start: DateTime<Utc>,
    pub minutes: usize,
    pub trading: bool,
    /// Minute indices of 04:00, 09:30, 16:00 and 20:00.
    pub pre: usize,
    pub open: usize,
    pub close: usize,
    pub post: usize,
}

impl DayLayout {
    pub fn new(date: NaiveDate) -> Self {
        let start = ny_instant(date, 0, 0);
        let next = ny_instant(date + Duration::days(1), 0, 0);
        let index = |h, m| ((ny_instant(date, h, m) - start).num_minutes()) as usize;
        DayLayout {
            date,
            start,
            minutes: (next - start).num_minutes() as usize,
            trading: is_trading_day(date),
            pre: index(4, 0),
            open: index(9, 30),
            close: index(16, 0),
            post: index(20, 0),
        }
    }

    /// The session shape of minute `i`, the same on every day.
    pub fn session(&self, i: usize) -> Session {
        if (self.open..self.close).contains(&i) {
            Session::Regular
        } else if (self.pre..self.post).contains(&i) {
            Session::Extended
        } else {
            Session::Overnight
        }
    }

    pub fn includes(&self, i: usize, filter: Filter) -> bool {
        match filter {
            Filter::All => true,
            Filter::Regular => self.trading && self.session(i) == Session::Regular,
            Filter::RegularExtended => self.trading && self.session(i) != Session::Overnight,
        }
    }

    /// The start of minute `i`.
    pub fn minute_start(&self, i: usize) -> DateTime<Utc> {
        self.start + Duration::minutes(i as i64)
    }

    /// (minute, second) of an instant inside this day.
    pub fn locate(&self, t: DateTime<Utc>) -> (usize, u32) {
        let secs = (t - self.start).num_seconds().max(0);
        (((secs / 60) as usize).min(self.minutes - 1), (secs % 60) as u32)
    }
}

/// The latest whole second at or before `now` at which prices could move:
/// `now` when always open; the end of the last regular or extended session
/// on real hours; the last regular close when always closed.
pub fn clock(hours: MarketHours, now: DateTime<Utc>) -> DateTime<Utc> {
    let now = floor_second(now);
    // When trading starts and ends on a trading day; always closed never starts.
    let (start, end) = match hours {
        MarketHours::AlwaysOpen => return now,
        MarketHours::Real => (Some((4, 0)), (20, 0)),
        MarketHours::AlwaysClosed => (None, (16, 0)),
    };
    let mut date = ny_date(now);
    while date > first_day() {
        if is_trading_day(date) {
            let end = ny_instant(date, end.0, end.1);
            if now >= end {
                return end - Duration::seconds(1);
            }
            if let Some((h, m)) = start
                && now >= ny_instant(date, h, m)
            {
                return now;
            }
        }
        date -= Duration::days(1);
    }
    ny_instant(first_day(), 0, 0)
}

/// The market's state for `marketStatus` and `is_open`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    PreMarket,
    Open,
    AfterHours,
    Closed,
}

pub fn phase(hours: MarketHours, now: DateTime<Utc>) -> Phase {
    match hours {
        MarketHours::AlwaysOpen => Phase::Open,
        MarketHours::AlwaysClosed => Phase::Closed,
        MarketHours::Real => {
            let layout = DayLayout::new(ny_date(now));
            if !layout.trading {
                return Phase::Closed;
            }
            let (i, _) = layout.locate(now);
            match layout.session(i) {
                Session::Regular => Phase::Open,
                Session::Extended if i < layout.open => Phase::PreMarket,
                Session::Extended => Phase::AfterHours,
                Session::Overnight => Phase::Closed,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn ny(y: i32, m: u32, day: u32, h: u32, min: u32) -> DateTime<Utc> {
        ny_instant(d(y, m, day), h, min)
    }

    #[test]
    fn nyse_holidays_follow_the_published_2025_and_2026_calendars() {
        let published = [
            d(2025, 1, 1),
            d(2025, 1, 20),
            d(2025, 2, 17),
            d(2025, 4, 18),
            d(2025, 5, 26),
            d(2025, 6, 19),
            d(2025, 7, 4),
            d(2025, 9, 1),
            d(2025, 11, 27),
            d(2025, 12, 25),
            d(2026, 1, 1),
            d(2026, 1, 19),
            d(2026, 2, 16),
            d(2026, 4, 3),
            d(2026, 5, 25),
            d(2026, 6, 19),
            d(2026, 7, 3),
            d(2026, 9, 7),
            d(2026, 11, 26),
            d(2026, 12, 25),
        ];
        for h in published {
            assert!(is_holiday(h), "{h} is a holiday");
        }
        let holidays_2026 = (0..365).map(|i| d(2026, 1, 1) + Duration::days(i)).filter(|x| is_holiday(*x)).count();
        assert_eq!(holidays_2026, 10);
        // 2022-01-01 was a Saturday: no observed holiday on Friday 2021-12-31.
        assert!(is_trading_day(d(2021, 12, 31)));
        assert!(!is_trading_day(d(2026, 11, 28)), "Saturday");
        assert_eq!(previous_trading_day(d(2026, 11, 30)), d(2026, 11, 27));
    }

    #[test]
    fn days_have_dst_aware_minute_grids() {
        assert_eq!(DayLayout::new(d(2026, 3, 8)).minutes, 1380);
        assert_eq!(DayLayout::new(d(2026, 11, 1)).minutes, 1500);
        let day = DayLayout::new(d(2026, 11, 23));
        assert_eq!((day.minutes, day.pre, day.open, day.close, day.post), (1440, 240, 570, 960, 1200));
        let fall_back = DayLayout::new(d(2026, 11, 1));
        assert_eq!(fall_back.open, 630, "an extra hour before 09:30 on the fall-back day");
        assert_eq!(fall_back.minute_start(fall_back.open), ny(2026, 11, 1, 9, 30));
    }

    #[test]
    fn the_clock_freezes_outside_sessions() {
        let monday_noon = ny(2026, 11, 23, 12, 0);
        assert_eq!(clock(MarketHours::AlwaysOpen, monday_noon), monday_noon);
        assert_eq!(clock(MarketHours::Real, monday_noon), monday_noon);
        let friday_post_end = ny(2026, 11, 20, 20, 0) - Duration::seconds(1);
        assert_eq!(clock(MarketHours::Real, ny(2026, 11, 22, 12, 0)), friday_post_end, "Sunday");
        assert_eq!(clock(MarketHours::Real, ny(2026, 11, 23, 3, 0)), friday_post_end, "before pre-market");
        let pre = ny(2026, 11, 23, 4, 30);
        assert_eq!(clock(MarketHours::Real, pre), pre);
        let friday_close = ny(2026, 11, 20, 16, 0) - Duration::seconds(1);
        assert_eq!(clock(MarketHours::AlwaysClosed, monday_noon), friday_close);
        assert_eq!(
            clock(MarketHours::AlwaysClosed, ny(2026, 11, 23, 17, 0)),
            ny(2026, 11, 23, 16, 0) - Duration::seconds(1)
        );
    }

    #[test]
    fn phases_follow_the_sessions() {
        assert_eq!(phase(MarketHours::Real, ny(2026, 11, 23, 5, 0)), Phase::PreMarket);
        assert_eq!(phase(MarketHours::Real, ny(2026, 11, 23, 9, 30)), Phase::Open);
        assert_eq!(phase(MarketHours::Real, ny(2026, 11, 23, 16, 0)), Phase::AfterHours);
        assert_eq!(phase(MarketHours::Real, ny(2026, 11, 23, 21, 0)), Phase::Closed);
        assert_eq!(phase(MarketHours::Real, ny(2026, 11, 26, 12, 0)), Phase::Closed, "Thanksgiving");
        assert_eq!(phase(MarketHours::AlwaysOpen, ny(2026, 11, 26, 12, 0)), Phase::Open);
        assert_eq!(phase(MarketHours::AlwaysClosed, ny(2026, 11, 23, 12, 0)), Phase::Closed);
    }
}
