//! The API's string enums. The server may add values (newer TIFs arrived that
//! way, §13), so each enum keeps an unknown value as `Other` instead of failing
//! the whole response. Reading is case-insensitive and accepts the spellings of
//! older doc versions; writing always uses the canonical wire name.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal $(| $alias:literal)* ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this client does not know, kept as sent.
            Other(String),
        }

        impl $name {
            /// Every value this client knows, in documentation order.
            pub const KNOWN: &'static [$name] = &[$($name::$variant),+];

            /// The canonical wire name (or the unknown value as sent).
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $wire, )+
                    $name::Other(s) => s,
                }
            }

            /// Reads a wire value: canonical names and older spellings, any case.
            pub fn parse(s: &str) -> Self {
                let t = s.trim();
                $(
                    if t.eq_ignore_ascii_case($wire) $(|| t.eq_ignore_ascii_case($alias))* {
                        return $name::$variant;
                    }
                )+
                $name::Other(s.to_string())
            }

            pub fn is_known(&self) -> bool {
                !matches!(self, $name::Other(_))
            }

            /// The canonical wire name of a known value; `None` for `Other`.
            pub fn known_name(&self) -> Option<&'static str> {
                match self {
                    $( $name::$variant => Some($wire), )+
                    $name::Other(_) => None,
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                $name::parse(s)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                Ok($name::parse(&String::deserialize(d)?))
            }
        }
    };
}

open_enum!(
    /// Order side (§8.2). `B`/`S` are the leg spellings.
    Side {
        Buy = "BUY" | "B",
        Sell = "SELL" | "S",
        SellShort = "SELL_SHORT",
        BuyToCover = "BUY_TO_COVER",
    }
);

open_enum!(
    /// Order type (§8.1). The old tradesvc spellings are read too.
    OrderType {
        Market = "MARKET",
        Limit = "LIMIT",
        Stop = "STOP" | "STOPMARKET",
        StopLimit = "STOP_LIMIT" | "STOPLIMIT",
    }
);

open_enum!(
    /// Time in force: the 7-value set of the newest docs (§13); `OPG`/`EXT` are old names.
    TimeInForce {
        Day = "DAY",
        Gtc = "GTC",
        Ioc = "IOC",
        Fok = "FOK",
        ExtendedHours = "EXTENDED_HOURS" | "EXT",
        AtTheOpening = "AT_THE_OPENING" | "OPG",
        AtTheClose = "AT_THE_CLOSE",
    }
);

open_enum!(
    /// Order status (§8.7).
    OrderStatus {
        PendingNew = "PENDING_NEW",
        New = "NEW",
        PartiallyFilled = "PARTIALLY_FILLED",
        Filled = "FILLED",
        Canceled = "CANCELED" | "CANCELLED",
        Rejected = "REJECTED",
        Expired = "EXPIRED",
        /// The acknowledgement of a replace; the row lives on under the new `clOrdId`.
        Replaced = "REPLACED",
        /// v1 legacy lists: any order still working.
        Working = "WORKING",
        /// A history row a replace superseded (v2 history hides these).
        Superseded = "SUPERSEDED",
    }
);

open_enum!(
    /// What a position or order trades. `CS` and `EQUITY` both occur (§13); `E/I/O` are
    /// the short codes the docs say are normalised.
    InstrumentKind {
        Equity = "EQUITY" | "CS" | "E",
        Index = "INDEX" | "I",
        Option = "OPTION" | "OPT" | "O",
    }
);

open_enum!(
    /// Symbol search result type (§9.1). Only `stock` and `option` are documented.
    SymbolType {
        Stock = "stock",
        Option = "option",
        Index = "index",
        Future = "future" | "futures",
    }
);

impl OrderStatus {
    /// No further fills or changes can happen.
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            OrderStatus::Filled
                | OrderStatus::Canceled
                | OrderStatus::Rejected
                | OrderStatus::Expired
                | OrderStatus::Replaced
                | OrderStatus::Superseded
        )
    }

    /// May still fill, and may be replaced or canceled.
    pub fn is_working(&self) -> bool {
        matches!(self, OrderStatus::PendingNew | OrderStatus::New | OrderStatus::PartiallyFilled | OrderStatus::Working)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values_round_trip_and_unknown_ones_are_kept() {
        for tif in TimeInForce::KNOWN {
            let json = serde_json::to_string(tif).unwrap();
            assert_eq!(serde_json::from_str::<TimeInForce>(&json).unwrap(), *tif);
        }
        assert_eq!(TimeInForce::KNOWN.len(), 7);
        let odd: OrderStatus = serde_json::from_str("\"PENDING_CANCEL\"").unwrap();
        assert_eq!(odd, OrderStatus::Other("PENDING_CANCEL".into()));
        assert_eq!(serde_json::to_string(&odd).unwrap(), "\"PENDING_CANCEL\"");
        assert!(!odd.is_known() && !odd.is_terminal() && !odd.is_working());
    }

    #[test]
    fn older_spellings_and_cases_are_read_canonically() {
        assert_eq!(Side::parse("b"), Side::Buy);
        assert_eq!(OrderType::parse("STOPLIMIT"), OrderType::StopLimit);
        assert_eq!(TimeInForce::parse("opg"), TimeInForce::AtTheOpening);
        assert_eq!(OrderStatus::parse("CANCELLED").as_str(), "CANCELED");
        assert_eq!(InstrumentKind::parse("CS"), InstrumentKind::Equity);
        assert_eq!(SymbolType::parse("STOCK").as_str(), "stock");
        assert!(OrderStatus::Working.is_working() && OrderStatus::Expired.is_terminal());
    }
}
