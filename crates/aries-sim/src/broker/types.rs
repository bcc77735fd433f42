//! The order enums of docs/aries-api.md §8.2 and §8.7, as the wire spells them.

/// Declares a wire enum with `as_str` and `parse`; `ALL` lists the wire names for error messages.
macro_rules! wire_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $wire:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name { $(#[serde(rename = $wire)] $variant),+ }

        impl $name {
            pub const ALL: &'static [&'static str] = &[$($wire),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $wire),+ }
            }

            pub fn parse(s: &str) -> Option<Self> {
                match s { $($wire => Some($name::$variant),)+ _ => None }
            }
        }
    };
}

wire_enum!(Side { Buy = "BUY", Sell = "SELL", SellShort = "SELL_SHORT", BuyToCover = "BUY_TO_COVER" });

wire_enum!(OrdType { Market = "MARKET", Limit = "LIMIT", Stop = "STOP", StopLimit = "STOP_LIMIT" });

wire_enum!(
    /// The newest 7-value set (docs/aries-api.md §13).
    Tif {
        Day = "DAY",
        Gtc = "GTC",
        Ioc = "IOC",
        Fok = "FOK",
        ExtendedHours = "EXTENDED_HOURS",
        AtTheOpening = "AT_THE_OPENING",
        AtTheClose = "AT_THE_CLOSE",
    }
);

wire_enum!(
    /// `Replaced` marks a row superseded by a replace: it is what v2 history
    /// calls `SUPERSEDED` and hides; its last event says `REPLACED`.
    OrdStatus {
        PendingNew = "PENDING_NEW",
        New = "NEW",
        PartiallyFilled = "PARTIALLY_FILLED",
        Filled = "FILLED",
        Canceled = "CANCELED",
        Rejected = "REJECTED",
        Expired = "EXPIRED",
        Replaced = "REPLACED",
    }
);

impl Side {
    /// Buys add to the position, sells take from it.
    pub fn is_buy(self) -> bool {
        matches!(self, Side::Buy | Side::BuyToCover)
    }

    /// Sides that open or add exposure and so consume buying power.
    pub fn uses_buying_power(self) -> bool {
        matches!(self, Side::Buy | Side::SellShort)
    }
}

impl Tif {
    /// Orders with these lifetimes end with the session they trade in.
    pub fn ends_with_session(self) -> bool {
        matches!(self, Tif::Day | Tif::ExtendedHours | Tif::AtTheOpening | Tif::AtTheClose)
    }

    /// One match attempt, then the remainder is canceled.
    pub fn is_immediate(self) -> bool {
        matches!(self, Tif::Ioc | Tif::Fok)
    }
}

impl OrdStatus {
    /// Still able to fill, be replaced or be canceled.
    pub fn is_working(self) -> bool {
        matches!(self, OrdStatus::PendingNew | OrdStatus::New | OrdStatus::PartiallyFilled)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_round_trip_and_are_case_sensitive() {
        for name in Tif::ALL {
            assert_eq!(Tif::parse(name).unwrap().as_str(), *name);
        }
        assert_eq!(Tif::ALL.len(), 7);
        assert_eq!(Side::parse("SELL_SHORT"), Some(Side::SellShort));
        assert_eq!(Side::parse("buy"), None);
        assert_eq!(OrdType::parse("STOP_LIMIT"), Some(OrdType::StopLimit));
    }
}
