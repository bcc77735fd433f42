//! The browser flow a system browser walks through: `GET /oauth2/authorize`,
//! then form posts for sign-in, MFA and consent, ending in a `303` to the
//! app's redirect URI.

use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::flow::{FlowError, Pending, Step};
use super::html;
use super::params::{self, present};
use super::request::{AuthorizeParams, Rejected, validate};
use crate::{SharedSim, Sim};

/// The fields of any of the three forms.
#[derive(Deserialize)]
struct StepForm {
    flow: Option<String>,
    email: Option<String>,
    password: Option<String>,
    code: Option<String>,
    decision: Option<String>,
}

pub async fn authorize(State(sim): State<SharedSim>, RawQuery(query): RawQuery) -> Response {
    let params: AuthorizeParams = match params::form(query.unwrap_or_default().as_bytes()) {
        Ok(params) => params,
        Err(why) => return html::error(&why),
    };
    match validate(&params, &sim.registry, sim.authorization_iss()) {
        Ok(request) => html::sign_in(&sim.oauth.flows.start(request, Instant::now()), "", None),
        Err(Rejected::Here(error)) => html::error(&error.description),
        Err(Rejected::ToClient { location, .. }) => Redirect::to(&location).into_response(),
    }
}

pub async fn sign_in(State(sim): State<SharedSim>, body: Bytes) -> Response {
    let form: StepForm = match params::form(&body) {
        Ok(form) => form,
        Err(why) => return html::error(&why),
    };
    let (id, email) = (present(&form.flow).unwrap_or_default(), present(&form.email).unwrap_or_default());
    let password = present(&form.password).unwrap_or_default();
    let now = Instant::now();
    match sim.oauth.flows.password(id, email, password, &sim.registry, now) {
        Ok(next) => show(&sim, &next),
        Err(error @ FlowError::BadCredentials) => match sim.oauth.flows.get(id, now) {
            Some(pending) => html::sign_in(&pending, email, Some(&error.to_string())),
            None => html::error(&FlowError::Unknown.to_string()),
        },
        Err(error) => html::error(&error.to_string()),
    }
}

pub async fn mfa(State(sim): State<SharedSim>, body: Bytes) -> Response {
    let form: StepForm = match params::form(&body) {
        Ok(form) => form,
        Err(why) => return html::error(&why),
    };
    let (id, code) = (present(&form.flow).unwrap_or_default(), present(&form.code).unwrap_or_default());
    let now = Instant::now();
    match sim.oauth.flows.mfa(id, code.trim(), &sim.registry, now) {
        Ok(next) => show(&sim, &next),
        Err(error @ (FlowError::BadCode | FlowError::MalformedCode)) => match sim.oauth.flows.get(id, now) {
            Some(pending) => html::mfa(&pending, Some(&error.to_string())),
            None => html::error(&FlowError::Unknown.to_string()),
        },
        Err(error) => html::error(&error.to_string()),
    }
}

/// Approve or Deny: either way the flow ends and the browser goes back to the app.
pub async fn consent(State(sim): State<SharedSim>, body: Bytes) -> Response {
    let form: StepForm = match params::form(&body) {
        Ok(form) => form,
        Err(why) => return html::error(&why),
    };
    let approved = match present(&form.decision) {
        Some("approve") => true,
        Some("deny") => false,
        _ => return html::error("Choose Approve or Deny."),
    };
    let (request, user_id) = match sim.oauth.flows.consent(present(&form.flow).unwrap_or_default(), Instant::now()) {
        Ok(done) => done,
        Err(error) => return html::error(&error.to_string()),
    };
    let location = if approved {
        let code = super::issue_code(&sim, request.clone(), user_id);
        request.callback(&[("code", &code)])
    } else {
        request.callback(&[("error", "access_denied"), ("error_description", "The user denied the request.")])
    };
    Redirect::to(&location).into_response()
}

/// The page for the step a flow waits for.
fn show(sim: &Sim, pending: &Pending) -> Response {
    match pending.step {
        Step::Password => html::sign_in(pending, "", None),
        Step::Mfa { .. } => html::mfa(pending, None),
        Step::Consent { user_id } => {
            html::consent(pending, sim.registry.user(user_id).map(|u| u.email).unwrap_or_default())
        }
    }
}
