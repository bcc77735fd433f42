//! `GET /v1/users/me` (docs/aries-api.md §4). Every field is optional: the docs mark
//! none as required and the PATCH response omits some.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::wire;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct User {
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub email: Option<String>,
    #[serde(default, deserialize_with = "wire::opt_bool")]
    pub email_verified: Option<bool>,
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub country: Option<String>,
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub avatar_url: Option<String>,
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub plaid_status: Option<String>,
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub primary_phone_number: Option<String>,
    #[serde(default, deserialize_with = "wire::opt_time")]
    pub created_at: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "wire::opt_time")]
    pub updated_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub account_application: Option<AccountApplication>,
}

/// The brokerage-account application. Its fields differ between the user object
/// and the (older) account object, so this is their union.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AccountApplication {
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub status: Option<String>,
    #[serde(default, deserialize_with = "wire::opt_bool")]
    pub can_submit: Option<bool>,
    #[serde(default, deserialize_with = "wire::opt_bool")]
    pub submitted: Option<bool>,
    #[serde(default, deserialize_with = "wire::list")]
    pub missing_fields: Vec<String>,
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub plaid_link_token: Option<String>,
    #[serde(default, deserialize_with = "wire::opt_time")]
    pub created_at: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "wire::opt_time")]
    pub updated_at: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_the_documented_sample() {
        let json = r#"{ "id": 123, "email": "…", "email_verified": true, "country": "…",
  "avatar_url": "…", "plaid_status": "…", "primary_phone_number": "…",
  "created_at": "2023-11-07T05:31:56Z", "updated_at": "2023-11-07T05:31:56Z",
  "account_application": { "id": 123, "status": "CREATED", "can_submit": true,
                            "missing_fields": ["…"], "plaid_link_token": "…" } }"#;
        let u: User = serde_json::from_str(json).unwrap();
        assert_eq!(u.id.as_deref(), Some("123"));
        assert_eq!(u.email_verified, Some(true));
        assert_eq!(u.created_at.unwrap().to_rfc3339(), "2023-11-07T05:31:56+00:00");
        let app = u.account_application.unwrap();
        assert_eq!((app.status.as_deref(), app.can_submit, app.missing_fields.len()), (Some("CREATED"), Some(true), 1));
    }

    #[test]
    fn the_patch_response_without_contact_fields_and_an_empty_object_decode() {
        let u: User = serde_json::from_str(r#"{"id":7,"plaid_status":"PENDING","account_application":null}"#).unwrap();
        assert_eq!((u.email, u.plaid_status.as_deref(), u.account_application), (None, Some("PENDING"), None));
        assert_eq!(serde_json::from_str::<User>("{}").unwrap(), User::default());
    }
}
