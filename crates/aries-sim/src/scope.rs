//! OAuth scopes (docs/aries-api.md §0, §2). Case-sensitive, space-separated.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    UserInformation,
    AccountInformation,
    OrderExecution,
    OrderInformation,
    PositionInformation,
    MarketInformation,
    CalendarInformation,
    OptionsInformation,
    AnalyticsInformation,
    MarketSupplemental,
}

impl Scope {
    pub const ALL: [Scope; 10] = [
        Scope::UserInformation,
        Scope::AccountInformation,
        Scope::OrderExecution,
        Scope::OrderInformation,
        Scope::PositionInformation,
        Scope::MarketInformation,
        Scope::CalendarInformation,
        Scope::OptionsInformation,
        Scope::AnalyticsInformation,
        Scope::MarketSupplemental,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::UserInformation => "user:information",
            Scope::AccountInformation => "account:information",
            Scope::OrderExecution => "order:execution",
            Scope::OrderInformation => "order:information",
            Scope::PositionInformation => "position:information",
            Scope::MarketInformation => "market:information",
            Scope::CalendarInformation => "calendar:information",
            Scope::OptionsInformation => "options:information",
            Scope::AnalyticsInformation => "analytics:information",
            Scope::MarketSupplemental => "market:supplemental",
        }
    }

    /// What the consent page says the scope allows.
    pub fn describe(self) -> &'static str {
        match self {
            Scope::UserInformation => "See your profile",
            Scope::AccountInformation => "See your accounts and balances",
            Scope::OrderExecution => "Place, change and cancel orders",
            Scope::OrderInformation => "See your orders",
            Scope::PositionInformation => "See your positions",
            Scope::MarketInformation => "Receive market data",
            Scope::CalendarInformation => "Read market calendars",
            Scope::OptionsInformation => "Read options data",
            Scope::AnalyticsInformation => "Read analytics",
            Scope::MarketSupplemental => "Read news, company and financial data",
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Scope {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Scope::ALL.into_iter().find(|scope| scope.as_str() == s).ok_or_else(|| s.to_string())
    }
}

/// A set of granted scopes; saved as the space-separated list OAuth uses.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct ScopeSet(pub BTreeSet<Scope>);

impl From<ScopeSet> for String {
    fn from(scopes: ScopeSet) -> String {
        scopes.to_string()
    }
}

impl TryFrom<String> for ScopeSet {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        ScopeSet::parse(&s)
    }
}

impl ScopeSet {
    /// Parses a space-separated list; the error names the first unknown scope.
    pub fn parse(s: &str) -> Result<Self, String> {
        s.split(' ').filter(|p| !p.is_empty()).map(Scope::from_str).collect::<Result<_, _>>().map(ScopeSet)
    }
    pub fn contains(&self, scope: Scope) -> bool {
        self.0.contains(&scope)
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn iter(&self) -> impl Iterator<Item = Scope> + '_ {
        self.0.iter().copied()
    }
}

impl fmt::Display for ScopeSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.0.iter().map(|s| s.as_str()).collect();
        f.write_str(&names.join(" "))
    }
}
