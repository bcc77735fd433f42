//! Sign-ins in progress. Each flow is bound to one validated authorization
//! request and moves password → (MFA) → consent; no step can be skipped. Its
//! id is a random 128-bit value that changes at every step, so a page or API
//! response that leaks cannot be replayed, and the whole flow lives at most
//! ten minutes.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::request::AuthRequest;
use crate::registry::Registry;
use crate::tokens::random_hex;

pub const FLOW_TTL: Duration = Duration::from_secs(600);
/// Wrong passwords or codes before the flow is thrown away.
const MAX_FAILURES: u32 = 5;

/// What a flow waits for next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Password,
    Mfa { user_id: u64 },
    Consent { user_id: u64 },
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum FlowError {
    #[error("This sign-in is unknown or has expired. Start again from the app.")]
    Unknown,
    #[error("This sign-in is not waiting for that step. Start again from the app.")]
    WrongStep,
    #[error("The email or password is incorrect.")]
    BadCredentials,
    #[error("Enter the 6-digit verification code.")]
    MalformedCode,
    #[error("The verification code is incorrect.")]
    BadCode,
    #[error("Too many failed attempts. Start again from the app.")]
    TooManyAttempts,
}

/// A flow after a step: its new id and what it waits for.
#[derive(Clone, Debug)]
pub struct Pending {
    pub id: String,
    pub step: Step,
    pub request: AuthRequest,
}

struct Flow {
    request: AuthRequest,
    step: Step,
    failures: u32,
    expires: Instant,
}

#[derive(Default)]
pub struct Flows {
    inner: Mutex<HashMap<String, Flow>>,
}

impl Flows {
    /// A new flow waiting for the password (the browser pages).
    pub fn start(&self, request: AuthRequest, now: Instant) -> Pending {
        self.insert(request, Step::Password, now + FLOW_TTL)
    }

    /// A new flow for a user who already gave the password (the headless API).
    pub fn start_signed_in(
        &self,
        request: AuthRequest,
        email: &str,
        password: &str,
        registry: &Registry,
        now: Instant,
    ) -> Result<Pending, FlowError> {
        let next = after_password(registry, email, password)?;
        Ok(self.insert(request, next, now + FLOW_TTL))
    }

    /// The flow with this id, if it is still alive.
    pub fn get(&self, id: &str, now: Instant) -> Option<Pending> {
        let flows = self.inner.lock().unwrap();
        let flow = flows.get(id).filter(|f| f.expires > now)?;
        Some(Pending { id: id.to_string(), step: flow.step, request: flow.request.clone() })
    }

    pub fn password(
        &self,
        id: &str,
        email: &str,
        password: &str,
        registry: &Registry,
        now: Instant,
    ) -> Result<Pending, FlowError> {
        let (flow, next) = self.take(id, now, |flow| match flow.step {
            Step::Password => after_password(registry, email, password),
            _ => Err(FlowError::WrongStep),
        })?;
        Ok(self.insert(flow.request, next, flow.expires))
    }

    pub fn mfa(&self, id: &str, code: &str, registry: &Registry, now: Instant) -> Result<Pending, FlowError> {
        let (flow, user_id) = self.take(id, now, |flow| match flow.step {
            Step::Mfa { user_id } => {
                if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(FlowError::MalformedCode);
                }
                match registry.user(user_id).and_then(|u| u.mfa_code) {
                    Some(expected) if expected == code => Ok(user_id),
                    _ => Err(FlowError::BadCode),
                }
            }
            _ => Err(FlowError::WrongStep),
        })?;
        Ok(self.insert(flow.request, Step::Consent { user_id }, flow.expires))
    }

    /// Ends the flow at the consent step (approved or denied): the request and the user.
    pub fn consent(&self, id: &str, now: Instant) -> Result<(AuthRequest, u64), FlowError> {
        let (flow, user_id) = self.take(id, now, |flow| match flow.step {
            Step::Consent { user_id } => Ok(user_id),
            _ => Err(FlowError::WrongStep),
        })?;
        Ok((flow.request, user_id))
    }

    fn insert(&self, request: AuthRequest, step: Step, expires: Instant) -> Pending {
        let id = format!("auth_{}", random_hex(16));
        let pending = Pending { id: id.clone(), step, request: request.clone() };
        self.inner.lock().unwrap().insert(id, Flow { request, step, failures: 0, expires });
        pending
    }

    /// Removes and returns the flow if `check` passes. A wrong password or
    /// code counts against the flow, which dies after `MAX_FAILURES`.
    fn take<T>(
        &self,
        id: &str,
        now: Instant,
        check: impl FnOnce(&Flow) -> Result<T, FlowError>,
    ) -> Result<(Flow, T), FlowError> {
        let mut flows = self.inner.lock().unwrap();
        flows.retain(|_, flow| flow.expires > now);
        let flow = flows.get_mut(id).ok_or(FlowError::Unknown)?;
        match check(flow) {
            Ok(value) => Ok((flows.remove(id).expect("the flow was just found"), value)),
            Err(e @ (FlowError::BadCredentials | FlowError::BadCode)) => {
                flow.failures += 1;
                if flow.failures < MAX_FAILURES {
                    return Err(e);
                }
                flows.remove(id);
                Err(FlowError::TooManyAttempts)
            }
            Err(e) => Err(e),
        }
    }
}

/// The step after a correct password: MFA for users who have it on.
fn after_password(registry: &Registry, email: &str, password: &str) -> Result<Step, FlowError> {
    let user = registry.user_by_email(email).filter(|u| u.password == password).ok_or(FlowError::BadCredentials)?;
    Ok(match user.mfa_code {
        Some(_) => Step::Mfa { user_id: user.id },
        None => Step::Consent { user_id: user.id },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oauth::request::{AuthorizeParams, validate};

    fn request(registry: &Registry) -> AuthRequest {
        let params = AuthorizeParams {
            response_type: Some("code".into()),
            client_id: Some("aries-desk".into()),
            redirect_uri: Some("dev.ariesdesk:/oauth/callback".into()),
            scope: Some("user:information".into()),
            state: None,
            code_challenge: Some("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM".into()),
            code_challenge_method: Some("S256".into()),
        };
        validate(&params, registry, None).unwrap()
    }

    #[test]
    fn steps_run_in_order_and_each_rotates_the_id() {
        let (registry, flows, now) = (Registry::default(), Flows::default(), Instant::now());
        let start = flows.start(request(&registry), now);
        assert_eq!(flows.consent(&start.id, now).unwrap_err(), FlowError::WrongStep);
        assert_eq!(flows.mfa(&start.id, "123456", &registry, now).unwrap_err(), FlowError::WrongStep);
        let mfa = flows.password(&start.id, "mfa@ariesdesk.dev", "sandbox", &registry, now).unwrap();
        assert_eq!(mfa.step, Step::Mfa { user_id: 2 });
        assert_eq!(
            flows.password(&start.id, "mfa@ariesdesk.dev", "sandbox", &registry, now).unwrap_err(),
            FlowError::Unknown
        );
        assert_eq!(flows.consent(&mfa.id, now).unwrap_err(), FlowError::WrongStep);
        let consent = flows.mfa(&mfa.id, "123456", &registry, now).unwrap();
        assert_eq!(flows.consent(&consent.id, now).unwrap().1, 2);
        assert_eq!(flows.consent(&consent.id, now).unwrap_err(), FlowError::Unknown);
    }

    #[test]
    fn a_flow_expires_after_ten_minutes_from_its_start() {
        let (registry, flows, now) = (Registry::default(), Flows::default(), Instant::now());
        let start = flows.start(request(&registry), now);
        let later = now + Duration::from_secs(400);
        let consent = flows.password(&start.id, "demo@ariesdesk.dev", "sandbox", &registry, later).unwrap();
        assert!(flows.get(&consent.id, now + Duration::from_secs(599)).is_some());
        assert_eq!(flows.consent(&consent.id, now + FLOW_TTL).unwrap_err(), FlowError::Unknown);
    }

    #[test]
    fn five_failures_end_the_flow() {
        let (registry, flows, now) = (Registry::default(), Flows::default(), Instant::now());
        let mfa = flows.start_signed_in(request(&registry), "MFA@ariesdesk.dev", "sandbox", &registry, now).unwrap();
        assert_eq!(flows.mfa(&mfa.id, "12345", &registry, now).unwrap_err(), FlowError::MalformedCode);
        for _ in 0..4 {
            assert_eq!(flows.mfa(&mfa.id, "000000", &registry, now).unwrap_err(), FlowError::BadCode);
        }
        assert_eq!(flows.mfa(&mfa.id, "000000", &registry, now).unwrap_err(), FlowError::TooManyAttempts);
        assert_eq!(flows.mfa(&mfa.id, "123456", &registry, now).unwrap_err(), FlowError::Unknown);
    }
}
