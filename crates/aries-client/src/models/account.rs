//! `GET /v1/users/me/accounts` (docs/aries-api.md §5, §0). Snake_case, unlike the
//! trading endpoints. Which id trades is decided in one place: [`Account::trading_id`].

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};

use super::user::{AccountApplication, User};
use super::wire;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Account {
    /// An integer in the docs; kept as text so a string id reads the same.
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub id: Option<String>,
    /// The id to trade with, per the product brief (§0).
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub trading_account_id: Option<String>,
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub fdid: Option<String>,
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub apex_id: Option<String>,
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub apex_account_id: Option<String>,
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub apex_status: Option<String>,
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub sterling_account_id: Option<String>,
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub status: Option<String>,
    /// A simulated (paper) account rather than a real one.
    #[serde(default, deserialize_with = "wire::opt_bool")]
    pub is_sim: Option<bool>,
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub account_type: Option<String>,
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub account_class: Option<String>,
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub primary_user_id: Option<String>,
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub joint_user_id: Option<String>,
    #[serde(default)]
    pub primary_user: Option<User>,
    #[serde(default)]
    pub joint_user: Option<User>,
    #[serde(default)]
    pub account_application: Option<AccountApplication>,
    #[serde(default, deserialize_with = "wire::opt_time")]
    pub created_at: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "wire::opt_time")]
    pub updated_at: Option<DateTime<Utc>>,
}

impl Account {
    /// The id for orders, balances and subscriptions: `trading_account_id` (§0),
    /// else the Sterling id (the orders backend), else the plain id (§5).
    pub fn trading_id(&self) -> Option<&str> {
        self.trading_account_id.as_deref().or(self.sterling_account_id.as_deref()).or(self.id.as_deref())
    }

    /// `status` is `OPEN` for a usable account; older records say `Active`.
    pub fn is_open(&self) -> bool {
        let open = |s: &str| s.eq_ignore_ascii_case("OPEN") || s.eq_ignore_ascii_case("ACTIVE");
        self.status.as_deref().or(self.apex_status.as_deref()).is_some_and(open)
    }
}

/// `{"accounts": [...]}`; a bare array is read too.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct AccountList {
    pub accounts: Vec<Account>,
}

impl<'de> Deserialize<'de> for AccountList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let (accounts, _) = wire::wrapped_or_bare(serde_json::Value::deserialize(d)?, "accounts")?;
        Ok(AccountList { accounts })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CURRENT: &str = r#"{ "accounts": [ {
  "id": 1, "fdid": "FDID-EXAMPLE", "apex_id": "", "apex_account_id": "APEX-EXAMPLE",
  "sterling_account_id": "STERLING-EXAMPLE", "status": "OPEN", "is_sim": false,
  "account_type": "INDIVIDUAL", "account_class": "MARGIN",
  "primary_user_id": 1, "joint_user_id": 0, "primary_user": null, "joint_user": null,
  "account_application": null,
  "created_at": "2026-01-13T11:07:05.157503Z", "updated_at": "2026-02-17T12:11:47.106076Z" } ] }"#;

    #[test]
    fn decodes_the_current_documented_sample() {
        let list: AccountList = serde_json::from_str(CURRENT).unwrap();
        let a = &list.accounts[0];
        assert_eq!(a.id.as_deref(), Some("1"));
        assert_eq!(a.apex_id, None, "empty means unset");
        assert_eq!(a.is_sim, Some(false));
        assert!(a.is_open());
        assert_eq!(a.trading_id(), Some("STERLING-EXAMPLE"), "no trading_account_id: the Sterling id");
        assert_eq!(a.updated_at.unwrap().timestamp_subsec_micros(), 106_076);
    }

    #[test]
    fn trading_account_id_wins_when_present() {
        let a: Account =
            serde_json::from_str(r#"{"id":10001,"trading_account_id":"10001-T","sterling_account_id":"S"}"#).unwrap();
        assert_eq!(a.trading_id(), Some("10001-T"));
        let bare: Account = serde_json::from_str(r#"{"id":42}"#).unwrap();
        assert_eq!(bare.trading_id(), Some("42"));
        assert!(!bare.is_open());
    }

    #[test]
    fn decodes_the_old_version_with_populated_user_and_application() {
        let old = r#"[{ "id": 5, "apex_status": "Active", "status": "", "is_sim": true,
            "primary_user": {"id": 9, "email": "a@b.c", "country": "US", "plaid_status": "PENDING",
                             "created_at": "2024-01-01T00:00:00Z", "updated_at": "2024-01-01T00:00:00Z"},
            "account_application": {"submitted": true, "missing_fields": [],
                                    "created_at": "2024-01-01T00:00:00Z", "updated_at": "2024-01-02T00:00:00Z"} }]"#;
        let list: AccountList = serde_json::from_str(old).unwrap();
        let a = &list.accounts[0];
        assert!(a.is_open(), "apex_status Active");
        assert_eq!(a.primary_user.as_ref().unwrap().email.as_deref(), Some("a@b.c"));
        assert_eq!(a.account_application.as_ref().unwrap().submitted, Some(true));
        assert_eq!(a.account_type, None);
    }
}
