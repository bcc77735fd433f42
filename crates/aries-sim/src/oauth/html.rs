//! The sign-in, MFA, consent and error pages. Every value that came from a
//! request or the registry is HTML-escaped; the pages need no JavaScript.

use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::{HeaderName, StatusCode};
use axum::response::{IntoResponse, Response};
use html_escape::{encode_double_quoted_attribute as attr, encode_text as text};

use super::flow::Pending;

const STYLE: &str = "body{font:16px/1.5 system-ui,sans-serif;background:#f4f5f7;margin:0;color:#1d2330}\
main{max-width:26rem;margin:4rem auto;background:#fff;padding:2rem;border-radius:8px;box-shadow:0 1px 4px #0002}\
h1{font-size:1.4rem;margin-top:0}label{display:block;margin:.8rem 0 .2rem}\
input{width:100%;box-sizing:border-box;padding:.5rem;font-size:1rem}\
button{margin-top:1.2rem;padding:.6rem 1.2rem;font-size:1rem;border-radius:4px;border:1px solid #2456c7}\
.primary{background:#2456c7;color:#fff}.secondary{background:#fff;color:#2456c7}\
.error{background:#fdecea;color:#8a1c12;padding:.6rem;border-radius:4px}\
code{font-size:.85rem;color:#555}small{color:#555}";

/// A page that must never be cached, framed (clickjacking on the consent
/// buttons) or leak its URL, with its flow id, in a `Referer`.
fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{} · Aries</title><style>{STYLE}</style></head><body><main>{body}</main></body></html>",
        text(title)
    );
    let headers = [
        (CONTENT_TYPE, "text/html; charset=utf-8"),
        (CACHE_CONTROL, "no-store"),
        (HeaderName::from_static("x-frame-options"), "DENY"),
        (HeaderName::from_static("referrer-policy"), "no-referrer"),
        (
            HeaderName::from_static("content-security-policy"),
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
        ),
    ];
    (status, headers, html).into_response()
}

fn error_box(error: Option<&str>) -> String {
    error.map(|e| format!("<p class=\"error\" role=\"alert\">{}</p>", text(e))).unwrap_or_default()
}

fn flow_field(pending: &Pending) -> String {
    format!("<input type=\"hidden\" name=\"flow\" value=\"{}\">", attr(&pending.id))
}

/// The request cannot be served and nothing may be sent to the app (400).
pub fn error(message: &str) -> Response {
    let body = format!(
        "<h1>Sign-in cannot continue</h1>{}<p>Return to the app and start signing in again. \
         If this keeps happening, the app is misconfigured.</p>",
        error_box(Some(message))
    );
    page(StatusCode::BAD_REQUEST, "Sign-in error", &body)
}

pub fn sign_in(pending: &Pending, email: &str, error: Option<&str>) -> Response {
    let body = format!(
        "<h1>Sign in to Aries</h1><p><strong>{client}</strong> wants to access your Aries account.</p>{error}\
         <form method=\"post\" action=\"/oauth2/authorize/sign-in\">{flow}\
         <label for=\"email\">Email</label>\
         <input id=\"email\" name=\"email\" type=\"email\" autocomplete=\"username\" required value=\"{email}\">\
         <label for=\"password\">Password</label>\
         <input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required>\
         <button class=\"primary\" type=\"submit\">Sign in</button></form>",
        client = text(pending.request.client_name),
        error = error_box(error),
        flow = flow_field(pending),
        email = attr(email),
    );
    page(StatusCode::OK, "Sign in", &body)
}

pub fn mfa(pending: &Pending, error: Option<&str>) -> Response {
    let body = format!(
        "<h1>Two-step verification</h1><p>Enter the 6-digit code sent to your phone to continue to \
         <strong>{client}</strong>.</p>{error}\
         <form method=\"post\" action=\"/oauth2/authorize/mfa\">{flow}\
         <label for=\"code\">Verification code</label>\
         <input id=\"code\" name=\"code\" inputmode=\"numeric\" pattern=\"[0-9]{{6}}\" maxlength=\"6\" \
         autocomplete=\"one-time-code\" required>\
         <button class=\"primary\" type=\"submit\">Verify</button></form>",
        client = text(pending.request.client_name),
        error = error_box(error),
        flow = flow_field(pending),
    );
    page(StatusCode::OK, "Verification", &body)
}

pub fn consent(pending: &Pending, user_email: &str) -> Response {
    let scopes: String = pending
        .request
        .scopes
        .iter()
        .map(|s| format!("<li>{} <code>{}</code></li>", text(s.describe()), text(s.as_str())))
        .collect();
    let body = format!(
        "<h1>Allow access?</h1><p><strong>{client}</strong> wants to:</p><ul>{scopes}</ul>\
         <p><small>Signed in as {email}. You will return to <code>{redirect}</code>.</small></p>\
         <form method=\"post\" action=\"/oauth2/authorize/consent\">{flow}\
         <button class=\"primary\" type=\"submit\" name=\"decision\" value=\"approve\">Approve</button> \
         <button class=\"secondary\" type=\"submit\" name=\"decision\" value=\"deny\">Deny</button></form>",
        client = text(pending.request.client_name),
        email = text(user_email),
        redirect = text(&pending.request.redirect_uri),
        flow = flow_field(pending),
    );
    page(StatusCode::OK, "Allow access", &body)
}
