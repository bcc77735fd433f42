//! Chart history as packed columns: `chart_history`'s answer is binary, not
//! JSON (docs/benchmarks.md, "Chart: 100,000 one-minute bars": an array of
//! bar objects cost most of a deep load in serialising and parsing).
//!
//! Layout, little-endian: a 16-byte header — the magic `BARS`, the layout
//! version (u32), the bar count `n` (u32), the column count (u32) — then the
//! columns in [`COLUMNS`] order, each `n` f64. Every column starts on an
//! 8-byte boundary, so the webview reads them as `Float64Array`s without a
//! copy (ui/src/chart/columns.ts). `time` is Unix seconds, exact in an f64;
//! a bar without volume (an index) has NaN there.

use aries_client::models::Bar;
use ts_rs::TS;

/// The first four bytes of every answer.
pub const MAGIC: [u8; 4] = *b"BARS";
/// Bumped when the layout changes; the decoder refuses any other.
pub const VERSION: u32 = 1;
/// The columns, in the order they follow the header.
pub const COLUMNS: [&str; 6] = ["time", "open", "high", "low", "close", "volume"];
/// Bytes before the first column.
pub const HEADER_BYTES: usize = 16;

/// Bars as columns, oldest first: what ui/src/chart/columns.ts decodes an
/// answer into (each column a view of the answer's bytes).
#[derive(Clone, Debug, Default, PartialEq, TS)]
#[ts(export)]
pub struct BarColumns {
    /// Unix seconds of each bar's start.
    #[ts(type = "Float64Array")]
    pub time: Vec<f64>,
    #[ts(type = "Float64Array")]
    pub open: Vec<f64>,
    #[ts(type = "Float64Array")]
    pub high: Vec<f64>,
    #[ts(type = "Float64Array")]
    pub low: Vec<f64>,
    #[ts(type = "Float64Array")]
    pub close: Vec<f64>,
    /// NaN where the bar has no volume.
    #[ts(type = "Float64Array")]
    pub volume: Vec<f64>,
}

impl From<&[Bar]> for BarColumns {
    fn from(bars: &[Bar]) -> Self {
        let column = |field: fn(&Bar) -> f64| bars.iter().map(field).collect();
        BarColumns {
            // Unix seconds stay below 2^53 for another 285 million years: exact in an f64.
            time: column(|b| b.time as f64),
            open: column(|b| b.open),
            high: column(|b| b.high),
            low: column(|b| b.low),
            close: column(|b| b.close),
            volume: column(|b| b.volume.unwrap_or(f64::NAN)),
        }
    }
}

impl BarColumns {
    fn columns(&self) -> [&[f64]; 6] {
        [&self.time, &self.open, &self.high, &self.low, &self.close, &self.volume]
    }

    /// The answer's bytes, in the layout above.
    pub fn encode(&self) -> Vec<u8> {
        let n = self.time.len();
        let columns = self.columns();
        debug_assert!(columns.iter().all(|c| c.len() == n), "every column holds one value per bar");
        let count = u32::try_from(n).expect("fewer than 2^32 bars: Aries caps a history request far below that");
        let mut out = Vec::with_capacity(HEADER_BYTES + COLUMNS.len() * n * 8);
        out.extend_from_slice(&MAGIC);
        out.extend_from_slice(&VERSION.to_le_bytes());
        out.extend_from_slice(&count.to_le_bytes());
        out.extend_from_slice(&(COLUMNS.len() as u32).to_le_bytes());
        for column in columns {
            for value in column {
                out.extend_from_slice(&value.to_le_bytes());
            }
        }
        out
    }

    /// The columns back from an answer's bytes (the tests read the command's answer with it).
    #[cfg(test)]
    pub fn decode(bytes: &[u8]) -> Result<BarColumns, String> {
        let word = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap());
        if bytes.len() < HEADER_BYTES || bytes[..4] != MAGIC {
            return Err("not a bar-columns answer".into());
        }
        if word(4) != VERSION || word(12) as usize != COLUMNS.len() {
            return Err(format!("layout {} with {} columns", word(4), word(12)));
        }
        let n = word(8) as usize;
        if bytes.len() != HEADER_BYTES + COLUMNS.len() * n * 8 {
            return Err(format!("{} bytes for {n} bars", bytes.len()));
        }
        let column = |k: usize| {
            let start = HEADER_BYTES + k * n * 8;
            bytes[start..start + n * 8].chunks_exact(8).map(|b| f64::from_le_bytes(b.try_into().unwrap())).collect()
        };
        Ok(BarColumns {
            time: column(0),
            open: column(1),
            high: column(2),
            low: column(3),
            close: column(4),
            volume: column(5),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar(time: i64, ohlc: [f64; 4], volume: Option<f64>) -> Bar {
        let [open, high, low, close] = ohlc;
        Bar { time, open, high, low, close, volume }
    }

    /// The two bars ui/src/chart/columns.test.ts decodes from the same bytes.
    fn sample() -> Vec<Bar> {
        vec![
            bar(1_700_000_040, [189.5, 190.25, 189.0, 190.0], Some(1200.0)),
            bar(1_700_000_100, [190.0, 190.5, 189.75, 189.8], None),
        ]
    }

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn encodes_the_layout_both_sides_share() {
        // One fixture for both languages: this test pins Rust's bytes to it, the
        // UI's decoder test reads the same file, so neither side can drift alone.
        let golden = include_str!("../../ui/src/chart/bar-columns.golden.hex");
        assert_eq!(hex(&BarColumns::from(sample().as_slice()).encode()), golden.trim());
    }

    #[test]
    fn header_then_aligned_columns_and_nan_for_no_volume() {
        let bytes = BarColumns::from(sample().as_slice()).encode();
        assert_eq!(&bytes[..4], b"BARS");
        assert_eq!(bytes[4..8], 1u32.to_le_bytes(), "version");
        assert_eq!(bytes[8..12], 2u32.to_le_bytes(), "bar count");
        assert_eq!(bytes[12..16], 6u32.to_le_bytes(), "column count");
        assert_eq!(bytes.len(), 16 + 6 * 2 * 8);
        let decoded = BarColumns::decode(&bytes).unwrap();
        assert_eq!(decoded.time, [1_700_000_040.0, 1_700_000_100.0]);
        assert_eq!(decoded.close, [190.0, 189.8]);
        assert_eq!(decoded.volume[0], 1200.0);
        assert!(decoded.volume[1].is_nan(), "no volume is NaN, not 0");
    }

    #[test]
    fn no_bars_is_a_header_alone() {
        let bytes = BarColumns::from(&[][..]).encode();
        assert_eq!(bytes.len(), HEADER_BYTES);
        assert_eq!(BarColumns::decode(&bytes).unwrap(), BarColumns::default());
    }

    #[test]
    fn decode_refuses_a_short_or_foreign_answer() {
        let bytes = BarColumns::from(sample().as_slice()).encode();
        assert!(BarColumns::decode(&bytes[..bytes.len() - 8]).is_err(), "a truncated column");
        assert!(BarColumns::decode(b"[{\"time\":1}]").is_err(), "JSON");
    }
}
