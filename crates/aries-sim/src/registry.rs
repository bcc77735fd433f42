//! Built-in OAuth clients, users and accounts. They are documented in the README
//! so a person can sign in to the sandbox.

use crate::scope::{Scope, ScopeSet};
use url::Url;

/// The desktop app: a public client, PKCE only.
pub const DESKTOP_CLIENT_ID: &str = "aries-desk";
/// A confidential (server-side) client, for the client-secret flow.
pub const WEB_CLIENT_ID: &str = "aries-web-demo";
pub const WEB_CLIENT_SECRET: &str = "sim-web-secret-not-for-production";

#[derive(Clone, Debug)]
pub struct Client {
    pub id: &'static str,
    pub name: &'static str,
    /// `None` for a public client.
    pub secret: Option<&'static str>,
    pub redirect_uris: Vec<&'static str>,
    pub allowed_scopes: ScopeSet,
}

impl Client {
    pub fn is_public(&self) -> bool {
        self.secret.is_none()
    }

    /// Exact string match (RFC 9700 §2.1), except that the port of a loopback
    /// `http://127.0.0.1` or `http://[::1]` redirect may be any (RFC 8252 §7.3).
    pub fn redirect_allowed(&self, uri: &str) -> bool {
        self.redirect_uris.iter().any(|registered| *registered == uri || loopback_match(registered, uri))
    }
}

fn loopback_match(registered: &str, uri: &str) -> bool {
    let (Ok(reg), Ok(got)) = (Url::parse(registered), Url::parse(uri)) else {
        return false;
    };
    let is_loopback = |u: &Url| u.scheme() == "http" && matches!(u.host_str(), Some("127.0.0.1") | Some("[::1]"));
    // Compare everything but the port, on the raw strings so that no
    // normalisation (case, trailing slash, query) can widen the match.
    let strip_port = |u: &Url| {
        let mut u = u.clone();
        let _ = u.set_port(None);
        u.to_string()
    };
    is_loopback(&reg)
        && is_loopback(&got)
        && reg.host_str() == got.host_str()
        && got.to_string() == uri
        && strip_port(&reg) == strip_port(&got)
}

#[derive(Clone, Debug)]
pub struct User {
    pub id: u64,
    pub email: &'static str,
    pub password: &'static str,
    /// The 6-digit code this user must enter, if MFA is on.
    pub mfa_code: Option<&'static str>,
    pub country: &'static str,
    pub created_at: &'static str,
}

#[derive(Clone, Debug, Default)]
pub struct Account {
    /// Also the string `trading_account_id` and `sterling_account_id` (as `id.to_string()`),
    /// so any of the candidate ids of docs/aries-api.md §5 works.
    pub id: u64,
    pub owner: u64,
    pub is_sim: bool,
    pub account_type: &'static str,
    pub account_class: &'static str,
    pub starting_cash: rust_decimal::Decimal,
}

impl Account {
    pub fn trading_id(&self) -> String {
        self.id.to_string()
    }
}

#[derive(Clone, Debug)]
pub struct Registry {
    pub clients: Vec<Client>,
    pub users: Vec<User>,
    pub accounts: Vec<Account>,
}

impl Default for Registry {
    fn default() -> Self {
        use rust_decimal_macros::dec;
        let all = ScopeSet(Scope::ALL.into_iter().collect());
        Registry {
            clients: vec![
                Client {
                    id: DESKTOP_CLIENT_ID,
                    name: "Aries Desk",
                    secret: None,
                    redirect_uris: vec!["dev.ariesdesk:/oauth/callback", "http://127.0.0.1/oauth/callback"],
                    allowed_scopes: all.clone(),
                },
                Client {
                    id: WEB_CLIENT_ID,
                    name: "Aries Web Demo",
                    secret: Some(WEB_CLIENT_SECRET),
                    redirect_uris: vec!["http://127.0.0.1/callback"],
                    allowed_scopes: all,
                },
            ],
            users: vec![
                User {
                    id: 1,
                    email: "demo@ariesdesk.dev",
                    password: "sandbox",
                    mfa_code: None,
                    country: "US",
                    created_at: "2025-01-02T15:04:05.123456Z",
                },
                User {
                    id: 2,
                    email: "mfa@ariesdesk.dev",
                    password: "sandbox",
                    mfa_code: Some("123456"),
                    country: "US",
                    created_at: "2025-03-04T10:20:30.654321Z",
                },
            ],
            accounts: vec![
                Account {
                    id: 10001,
                    owner: 1,
                    is_sim: true,
                    account_type: "INDIVIDUAL",
                    account_class: "MARGIN",
                    starting_cash: dec!(100000.00),
                },
                Account {
                    id: 10002,
                    owner: 1,
                    is_sim: false,
                    account_type: "INDIVIDUAL",
                    account_class: "CASH",
                    starting_cash: dec!(25000.00),
                },
                Account {
                    id: 20001,
                    owner: 2,
                    is_sim: true,
                    account_type: "INDIVIDUAL",
                    account_class: "MARGIN",
                    starting_cash: dec!(50000.00),
                },
            ],
        }
    }
}

impl Registry {
    pub fn client(&self, id: &str) -> Option<&Client> {
        self.clients.iter().find(|c| c.id == id)
    }
    pub fn user(&self, id: u64) -> Option<&User> {
        self.users.iter().find(|u| u.id == id)
    }
    pub fn user_by_email(&self, email: &str) -> Option<&User> {
        self.users.iter().find(|u| u.email.eq_ignore_ascii_case(email))
    }
    pub fn accounts_of(&self, user: u64) -> impl Iterator<Item = &Account> {
        self.accounts.iter().filter(move |a| a.owner == user)
    }
    /// The account with this trading id, if `user` owns it.
    pub fn owned_account(&self, user: u64, trading_id: &str) -> Option<&Account> {
        self.accounts_of(user).find(|a| a.trading_id() == trading_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_redirect_accepts_any_port_but_nothing_else() {
        let reg = Registry::default();
        let desk = reg.client(DESKTOP_CLIENT_ID).unwrap();
        assert!(desk.redirect_allowed("dev.ariesdesk:/oauth/callback"));
        assert!(desk.redirect_allowed("http://127.0.0.1/oauth/callback"));
        assert!(desk.redirect_allowed("http://127.0.0.1:53123/oauth/callback"));
        for bad in [
            "dev.ariesdesk:/oauth/callback/",
            "dev.ariesdesk://oauth/callback",
            "DEV.ARIESDESK:/oauth/callback",
            "http://localhost:53123/oauth/callback",
            "http://127.0.0.1:53123/oauth/callback/",
            "http://127.0.0.1:53123/oauth/callback?x=1",
            "http://127.0.0.1:53123/oauth/Callback",
            "https://127.0.0.1:53123/oauth/callback",
            "http://127.0.0.2:53123/oauth/callback",
            "http://evil.example/oauth/callback",
        ] {
            assert!(!desk.redirect_allowed(bad), "{bad} must be refused");
        }
    }
}
