//! The simulator's instrument list: real US large caps, ETFs and the indices
//! the market WebSocket documents (docs/aries-api.md §10.2). Reference prices are
//! plausible late-2025 levels; the price model wanders around them.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Stock,
    Etf,
    /// No bid/ask, no volume, not tradable.
    Index,
}

impl Kind {
    /// The search/symbol-info `type` (§9.1 lists `stock`; ETFs are reported as stocks).
    pub fn api_type(self) -> &'static str {
        match self {
            Kind::Stock | Kind::Etf => "stock",
            Kind::Index => "index",
        }
    }
}

#[derive(Debug)]
pub struct Instrument {
    pub symbol: &'static str,
    pub name: &'static str,
    /// Listing exchange MIC (`INDEX` for indices).
    pub mic: &'static str,
    pub kind: Kind,
    /// The level the model reverts to (dollars or index points).
    pub reference: f64,
    /// Annualised volatility.
    pub volatility: f64,
    /// Sensitivity to the common market factor (negative for VIX).
    pub beta: f64,
    /// Typical shares traded per day (0 for indices).
    pub daily_volume: u64,
}

impl Instrument {
    pub fn is_index(&self) -> bool {
        self.kind == Kind::Index
    }

    /// The exchange name for TradingView symbol info.
    pub fn exchange_name(&self) -> &'static str {
        match self.mic {
            "XNAS" => "NASDAQ",
            "XNYS" => "NYSE",
            "ARCX" => "NYSE Arca",
            _ => "INDEX",
        }
    }

    /// How fast the log price reverts to the reference, per year: fast for
    /// VIX, and fast enough for volatile names that the stationary spread of
    /// the log price, σ/√(2κ), stays at most 0.25 (prices within ~2× of the reference).
    pub fn reversion(&self) -> f64 {
        if self.symbol == "VIX" { 12.0 } else { (8.0 * self.volatility * self.volatility).max(1.5) }
    }
}

const fn stock(
    symbol: &'static str,
    name: &'static str,
    mic: &'static str,
    price: f64,
    vol: f64,
    mshares: u64,
) -> Instrument {
    Instrument {
        symbol,
        name,
        mic,
        kind: Kind::Stock,
        reference: price,
        volatility: vol,
        beta: 0.6,
        daily_volume: mshares * 100_000,
    }
}

const fn etf(
    symbol: &'static str,
    name: &'static str,
    mic: &'static str,
    price: f64,
    vol: f64,
    mshares: u64,
) -> Instrument {
    Instrument {
        symbol,
        name,
        mic,
        kind: Kind::Etf,
        reference: price,
        volatility: vol,
        beta: 0.85,
        daily_volume: mshares * 100_000,
    }
}

const fn index(symbol: &'static str, name: &'static str, level: f64, vol: f64, beta: f64) -> Instrument {
    Instrument {
        symbol,
        name,
        mic: "INDEX",
        kind: Kind::Index,
        reference: level,
        volatility: vol,
        beta,
        daily_volume: 0,
    }
}

/// Daily volumes are given in units of 100 000 shares to keep the table short.
pub static INSTRUMENTS: &[Instrument] = &[
    stock("AAPL", "Apple Inc.", "XNAS", 270.0, 0.28, 500),
    stock("MSFT", "Microsoft Corporation", "XNAS", 480.0, 0.24, 200),
    stock("NVDA", "NVIDIA Corporation", "XNAS", 180.0, 0.50, 1800),
    stock("AMZN", "Amazon.com, Inc.", "XNAS", 225.0, 0.32, 450),
    stock("GOOGL", "Alphabet Inc. Class A", "XNAS", 290.0, 0.30, 350),
    stock("GOOG", "Alphabet Inc. Class C", "XNAS", 291.0, 0.30, 250),
    stock("META", "Meta Platforms, Inc.", "XNAS", 600.0, 0.38, 150),
    stock("TSLA", "Tesla, Inc.", "XNAS", 400.0, 0.60, 1000),
    stock("AVGO", "Broadcom Inc.", "XNAS", 340.0, 0.45, 250),
    stock("JPM", "JPMorgan Chase & Co.", "XNYS", 300.0, 0.22, 90),
    stock("V", "Visa Inc.", "XNYS", 330.0, 0.20, 70),
    stock("MA", "Mastercard Incorporated", "XNYS", 550.0, 0.21, 30),
    stock("UNH", "UnitedHealth Group Incorporated", "XNYS", 330.0, 0.35, 100),
    stock("XOM", "Exxon Mobil Corporation", "XNYS", 115.0, 0.22, 150),
    stock("JNJ", "Johnson & Johnson", "XNYS", 200.0, 0.16, 80),
    stock("WMT", "Walmart Inc.", "XNAS", 105.0, 0.20, 180),
    stock("PG", "The Procter & Gamble Company", "XNYS", 150.0, 0.15, 70),
    stock("HD", "The Home Depot, Inc.", "XNYS", 360.0, 0.22, 40),
    stock("COST", "Costco Wholesale Corporation", "XNAS", 900.0, 0.22, 20),
    stock("ORCL", "Oracle Corporation", "XNYS", 220.0, 0.45, 200),
    stock("NFLX", "Netflix, Inc.", "XNAS", 110.0, 0.35, 400),
    stock("AMD", "Advanced Micro Devices, Inc.", "XNAS", 220.0, 0.50, 500),
    stock("INTC", "Intel Corporation", "XNAS", 35.0, 0.50, 800),
    stock("CSCO", "Cisco Systems, Inc.", "XNAS", 75.0, 0.22, 200),
    stock("ADBE", "Adobe Inc.", "XNAS", 330.0, 0.32, 40),
    stock("CRM", "Salesforce, Inc.", "XNYS", 240.0, 0.32, 70),
    stock("PEP", "PepsiCo, Inc.", "XNAS", 145.0, 0.18, 70),
    stock("KO", "The Coca-Cola Company", "XNYS", 70.0, 0.15, 140),
    stock("BAC", "Bank of America Corporation", "XNYS", 52.0, 0.25, 350),
    stock("WFC", "Wells Fargo & Company", "XNYS", 85.0, 0.27, 150),
    stock("GS", "The Goldman Sachs Group, Inc.", "XNYS", 780.0, 0.28, 25),
    stock("MS", "Morgan Stanley", "XNYS", 160.0, 0.28, 60),
    stock("DIS", "The Walt Disney Company", "XNYS", 110.0, 0.26, 90),
    stock("NKE", "NIKE, Inc.", "XNYS", 65.0, 0.32, 120),
    stock("MCD", "McDonald's Corporation", "XNYS", 300.0, 0.16, 30),
    stock("BA", "The Boeing Company", "XNYS", 200.0, 0.35, 80),
    stock("CAT", "Caterpillar Inc.", "XNYS", 550.0, 0.30, 30),
    stock("IBM", "International Business Machines Corporation", "XNYS", 300.0, 0.25, 50),
    stock("QCOM", "QUALCOMM Incorporated", "XNAS", 170.0, 0.32, 80),
    stock("TXN", "Texas Instruments Incorporated", "XNAS", 160.0, 0.30, 60),
    stock("PFE", "Pfizer Inc.", "XNYS", 25.0, 0.22, 400),
    stock("MRK", "Merck & Co., Inc.", "XNYS", 95.0, 0.22, 120),
    stock("ABBV", "AbbVie Inc.", "XNYS", 225.0, 0.24, 60),
    stock("LLY", "Eli Lilly and Company", "XNYS", 1000.0, 0.32, 40),
    stock("CVX", "Chevron Corporation", "XNYS", 155.0, 0.22, 80),
    stock("T", "AT&T Inc.", "XNYS", 25.0, 0.20, 350),
    stock("VZ", "Verizon Communications Inc.", "XNYS", 40.0, 0.18, 180),
    stock("PYPL", "PayPal Holdings, Inc.", "XNAS", 62.0, 0.38, 150),
    stock("UBER", "Uber Technologies, Inc.", "XNYS", 90.0, 0.40, 180),
    stock("PLTR", "Palantir Technologies Inc.", "XNAS", 170.0, 0.65, 700),
    stock("COIN", "Coinbase Global, Inc.", "XNAS", 270.0, 0.75, 100),
    stock("SBUX", "Starbucks Corporation", "XNAS", 85.0, 0.30, 100),
    etf("SPY", "SPDR S&P 500 ETF Trust", "ARCX", 660.0, 0.16, 700),
    etf("QQQ", "Invesco QQQ Trust, Series 1", "XNAS", 600.0, 0.20, 450),
    etf("IWM", "iShares Russell 2000 ETF", "ARCX", 240.0, 0.22, 350),
    etf("DIA", "SPDR Dow Jones Industrial Average ETF Trust", "ARCX", 460.0, 0.15, 40),
    etf("VTI", "Vanguard Total Stock Market ETF", "ARCX", 330.0, 0.16, 40),
    etf("VOO", "Vanguard S&P 500 ETF", "ARCX", 610.0, 0.16, 70),
    etf("GLD", "SPDR Gold Shares", "ARCX", 370.0, 0.16, 100),
    etf("TLT", "iShares 20+ Year Treasury Bond ETF", "XNAS", 90.0, 0.14, 350),
    etf("XLF", "Financial Select Sector SPDR Fund", "ARCX", 53.0, 0.20, 400),
    etf("XLK", "Technology Select Sector SPDR Fund", "ARCX", 290.0, 0.24, 70),
    etf("XLE", "Energy Select Sector SPDR Fund", "ARCX", 90.0, 0.22, 150),
    etf("EEM", "iShares MSCI Emerging Markets ETF", "ARCX", 54.0, 0.18, 250),
    index("SPX", "S&P 500 Index", 6700.0, 0.16, 0.95),
    index("NDX", "Nasdaq-100 Index", 24500.0, 0.20, 0.9),
    index("DJI", "Dow Jones Industrial Average", 47000.0, 0.15, 0.9),
    index("VIX", "Cboe Volatility Index", 18.0, 0.9, -0.7),
    index("RUT", "Russell 2000 Index", 2400.0, 0.22, 0.85),
    index("COMP", "Nasdaq Composite Index", 22500.0, 0.20, 0.9),
    index("NYA", "NYSE Composite Index", 21000.0, 0.15, 0.9),
    index("OEX", "S&P 100 Index", 3300.0, 0.16, 0.95),
    index("MID", "S&P MidCap 400 Index", 3200.0, 0.18, 0.85),
    index("SML", "S&P SmallCap 600 Index", 1400.0, 0.20, 0.8),
];

/// Position of `symbol` in [`INSTRUMENTS`] (exact, upper-case match).
pub fn position(symbol: &str) -> Option<usize> {
    INSTRUMENTS.iter().position(|i| i.symbol == symbol)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_large_unique_and_has_the_documented_indices() {
        let tradable = INSTRUMENTS.iter().filter(|i| !i.is_index()).count();
        assert!(tradable >= 50, "{tradable} tradable instruments");
        let mut symbols: Vec<_> = INSTRUMENTS.iter().map(|i| i.symbol).collect();
        symbols.sort();
        symbols.dedup();
        assert_eq!(symbols.len(), INSTRUMENTS.len(), "duplicate symbol");
        for idx in ["SPX", "NDX", "DJI", "VIX", "RUT", "COMP", "NYA", "OEX", "MID", "SML"] {
            assert!(INSTRUMENTS[position(idx).unwrap()].is_index(), "{idx}");
        }
        assert!(INSTRUMENTS.iter().all(|i| i.is_index() || ["XNAS", "XNYS", "ARCX"].contains(&i.mic)));
    }
}
