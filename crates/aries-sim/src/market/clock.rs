//! The market's clock: wall time, or faster once a speed is set through
//! `PUT /__sim/clock`, so a benchmark can replay an hour of market data in a
//! minute (docs/benchmarks.md). Prices are a pure function of this clock.

use std::sync::RwLock;

use chrono::{DateTime, Utc};

/// The highest speed accepted: an hour of market time per wall second.
pub const MAX_SPEED: u32 = 3600;

pub struct MarketClock {
    /// (wall time, market time) when the speed was last set, and the speed.
    anchor: RwLock<(DateTime<Utc>, DateTime<Utc>, u32)>,
}

impl Default for MarketClock {
    fn default() -> Self {
        let now = Utc::now();
        MarketClock { anchor: RwLock::new((now, now, 1)) }
    }
}

impl MarketClock {
    pub fn now(&self) -> DateTime<Utc> {
        self.at(Utc::now())
    }

    fn at(&self, wall: DateTime<Utc>) -> DateTime<Utc> {
        let (wall0, market0, speed) = *self.anchor.read().unwrap();
        market0 + (wall - wall0) * speed as i32
    }

    pub fn speed(&self) -> u32 {
        self.anchor.read().unwrap().2
    }

    /// From now on market time runs `speed` times as fast as wall time,
    /// continuing from where it is (it never jumps or runs backwards).
    pub fn set_speed(&self, speed: u32) -> Result<(), String> {
        if !(1..=MAX_SPEED).contains(&speed) {
            return Err(format!("speed must be 1 to {MAX_SPEED}, not {speed}"));
        }
        let wall = Utc::now();
        let market = self.at(wall);
        *self.anchor.write().unwrap() = (wall, market, speed);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn a_faster_clock_continues_from_where_it_was_and_runs_faster() {
        let clock = MarketClock::default();
        let before = clock.now();
        clock.set_speed(60).unwrap();
        let (wall0, market0, _) = *clock.anchor.read().unwrap();
        assert!(market0 >= before, "setting the speed never moves the clock back");
        assert_eq!(clock.at(wall0 + Duration::seconds(2)), market0 + Duration::seconds(120));
        clock.set_speed(1).unwrap();
        let (wall1, market1, _) = *clock.anchor.read().unwrap();
        assert!(market1 >= market0 + (wall1 - wall0) * 60 - Duration::milliseconds(1));
        assert_eq!(clock.at(wall1 + Duration::seconds(2)), market1 + Duration::seconds(2));
    }

    #[test]
    fn speeds_out_of_range_are_refused_and_change_nothing() {
        let clock = MarketClock::default();
        assert!(clock.set_speed(0).is_err());
        assert!(clock.set_speed(MAX_SPEED + 1).is_err());
        assert_eq!(clock.speed(), 1);
    }
}
