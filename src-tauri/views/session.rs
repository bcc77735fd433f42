//! The session as the window sees it: who is signed in, where, with which
//! accounts and scopes — never a token.

use aries_client::models::{Account, User};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::AppError;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum Mode {
    Sandbox,
    Live,
}

/// Where sign-ins are kept between runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum VaultState {
    /// Encrypted with a key from the OS keychain.
    Keychain,
    /// Encrypted with the passphrase the user typed.
    Passphrase,
    /// A sign-in is saved under a passphrase: it opens when the user types it.
    Locked,
    /// No keychain and nothing saved yet: the user may choose a passphrase to
    /// keep sign-ins on this computer, or keep them in memory only.
    NeedsPassphrase,
    /// Nothing is saved: the next start needs a new sign-in.
    MemoryOnly,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum Phase {
    SignedOut,
    Pending,
    SignedIn,
}

/// How the browser hands the sign-in back to the app.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum RedirectChoice {
    /// `dev.ariesdesk:/oauth/callback` through the OS.
    DeepLink,
    /// `http://127.0.0.1:{port}/oauth/callback`, a listener open during the sign-in.
    Loopback,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct UserView {
    pub id: String,
    pub email: Option<String>,
}

impl From<&User> for UserView {
    fn from(user: &User) -> Self {
        UserView { id: user.id.clone().unwrap_or_default(), email: user.email.clone() }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AccountView {
    /// The trading account id every account call takes.
    pub id: String,
    pub name: String,
    pub is_sim: bool,
    pub status: String,
    pub kind: Option<String>,
}

impl AccountView {
    /// Accounts without any id cannot trade or be queried yet.
    pub fn from_account(account: &Account) -> Option<Self> {
        let id = account.trading_id()?.to_string();
        let is_sim = account.is_sim.unwrap_or(false);
        let kind = account.account_type.clone();
        let tail: String = id.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect();
        let label = kind.as_deref().unwrap_or("Account");
        Some(AccountView {
            name: format!("{label} ••{tail}"),
            is_sim,
            status: account.status.clone().unwrap_or_else(|| "UNKNOWN".into()),
            kind,
            id,
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SessionView {
    pub mode: Mode,
    /// The sandbox simulator's address, shown beside the SANDBOX marker.
    pub simulator: Option<String>,
    pub phase: Phase,
    pub redirect: RedirectChoice,
    /// Why the `dev.ariesdesk:` link could not be registered and sign-in uses
    /// the loopback redirect; shown once, until dismissed.
    pub scheme_note: Option<String>,
    /// While a sign-in waits for the browser: when it is given up (RFC 3339).
    pub pending_until: Option<String>,
    pub vault: VaultState,
    pub user: Option<UserView>,
    pub accounts: Vec<AccountView>,
    /// Granted scopes: what the session may do (docs/aries-api.md §2).
    pub scopes: Vec<String>,
    /// When the current access token expires (RFC 3339); it is renewed before then.
    pub expires_at: Option<String>,
    /// Whether fills, rejections and cancels Aries made show OS notifications.
    pub notifications: bool,
    /// The last sign-in failure, for the sign-in screen.
    pub error: Option<AppError>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_live_account_is_named_and_marked() {
        let account: Account = serde_json::from_value(serde_json::json!({
            "trading_account_id": "LIVE00012345", "status": "ACTIVE", "is_sim": false, "account_type": "Individual"
        }))
        .unwrap();
        let view = AccountView::from_account(&account).unwrap();
        assert_eq!(view.name, "Individual ••2345");
        assert!(!view.is_sim);
        assert_eq!(
            serde_json::to_value(&view).unwrap(),
            serde_json::json!({"id": "LIVE00012345", "name": "Individual ••2345", "isSim": false,
                               "status": "ACTIVE", "kind": "Individual"})
        );
    }

    #[test]
    fn an_account_without_any_id_is_left_out() {
        let account: Account = serde_json::from_value(serde_json::json!({ "is_sim": true })).unwrap();
        assert!(AccountView::from_account(&account).is_none());
    }
}
