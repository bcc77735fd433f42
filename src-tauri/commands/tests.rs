//! The commands through Tauri's IPC on the mock runtime, with the app's real
//! context (capability and per-command permissions) and a real desk against
//! the sandbox simulator over loopback sockets. The browser is played by the
//! test: it takes the authorize URL the desk opens, approves it through the
//! simulator's authorize API, and hands the redirect back the way the OS (a
//! deep link) or the browser (a loopback request) would.

use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{INVOKE_KEY, MockRuntime, get_ipc_response, mock_builder};
use tauri::webview::InvokeRequest;
use tauri::{App, WebviewWindow, WebviewWindowBuilder};
use url::Url;

use aries_client::Endpoints;

use crate::config;
use crate::error::AppError;
use crate::fill_notices::Notice;
use crate::journal::OrderJournal;
use crate::sandbox::Sandbox;
use crate::session::{Desk, DeskParts};
use crate::settings::Settings;
use crate::updates::Updates;
use crate::vault::Vault;
use crate::views::session::Mode;
use crate::watchlists::DeskWatchlists;
use aries_store::WatchlistStore;

/// The bundled UI's origin on Linux.
const LOCAL: &str = "tauri://localhost";
/// How long after a send a miss counts as proof in these tests (2 minutes in the app).
const SETTLE: chrono::TimeDelta = chrono::TimeDelta::seconds(2);

struct Harness {
    desk: Arc<Desk>,
    webview: WebviewWindow<MockRuntime>,
    /// What the desk asked the system browser to open.
    opened: Arc<Mutex<Vec<Url>>>,
    /// The OS notifications the desk showed.
    notices: Arc<Mutex<Vec<Notice>>>,
    /// Every IPC answer, to look for secrets in.
    answers: Mutex<Vec<String>>,
    /// Where the calls come from: the app's own bundled page unless a test says otherwise.
    origin: &'static str,
    _app: App<MockRuntime>,
}

impl Harness {
    /// The app in sandbox mode.
    fn new() -> Harness {
        Harness::sandbox(|_| {})
    }

    /// The app in sandbox mode, built from parts `tweak` may change (a failed
    /// scheme registration, a shorter sign-in wait).
    fn sandbox(tweak: impl FnOnce(&mut DeskParts)) -> Harness {
        Harness::sandbox_with(aries_sim::SimConfig::default(), tweak)
    }

    /// [`Self::sandbox`], with the simulator's state kept in `state_dir`.
    fn sandbox_in(state_dir: &std::path::Path, tweak: impl FnOnce(&mut DeskParts)) -> Harness {
        let config = aries_sim::SimConfig { state_dir: Some(state_dir.to_path_buf()), ..Default::default() };
        Harness::sandbox_with(config, tweak)
    }

    /// [`Self::sandbox`] over a simulator with `config` (shorter token lifetimes).
    fn sandbox_with(config: aries_sim::SimConfig, tweak: impl FnOnce(&mut DeskParts)) -> Harness {
        let sandbox = tauri::async_runtime::block_on(Sandbox::start_with(config)).expect("the simulator starts");
        let endpoints = Ok(config::sandbox_endpoints(sandbox.urls()));
        Harness::build(Mode::Sandbox, Some(sandbox), endpoints, tweak)
    }

    fn with(mode: Mode, sandbox: Option<Sandbox>, endpoints: Result<Endpoints, AppError>) -> Harness {
        Harness::build(mode, sandbox, endpoints, |_| {})
    }

    fn build(
        mode: Mode,
        sandbox: Option<Sandbox>,
        endpoints: Result<Endpoints, AppError>,
        tweak: impl FnOnce(&mut DeskParts),
    ) -> Harness {
        Harness::build_with(mode, sandbox, endpoints, tweak, None, None)
    }

    /// The app in sandbox mode whose updater asks `updater` (the plugin's
    /// configuration: a loopback endpoint and a test key) instead of the release's.
    /// An install writes `install_into` (a file the test made) in place of the running app.
    fn updating(updater: Value, install_into: std::path::PathBuf) -> Harness {
        let sandbox = tauri::async_runtime::block_on(Sandbox::start(None)).expect("the simulator starts");
        let endpoints = Ok(config::sandbox_endpoints(sandbox.urls()));
        Harness::build_with(Mode::Sandbox, Some(sandbox), endpoints, |_| {}, Some(updater), Some(install_into))
    }

    fn build_with(
        mode: Mode,
        sandbox: Option<Sandbox>,
        endpoints: Result<Endpoints, AppError>,
        tweak: impl FnOnce(&mut DeskParts),
        updater: Option<Value>,
        install_into: Option<std::path::PathBuf>,
    ) -> Harness {
        let opened = Arc::new(Mutex::new(Vec::new()));
        let browser = opened.clone();
        let notices = Arc::new(Mutex::new(Vec::new()));
        let shown = notices.clone();
        let mut parts = DeskParts {
            mode,
            endpoints,
            sandbox,
            vault: Vault::in_memory(),
            journal: OrderJournal::in_memory(SETTLE),
            watchlists: DeskWatchlists::new(WatchlistStore::in_memory().expect("an in-memory store")),
            settings: Settings::in_memory(),
            show_notice: Arc::new(move |notice| shown.lock().unwrap().push(notice)),
            scheme_registration: Ok(()),
            sign_in_wait: aries_client::oauth::LOGIN_TTL,
            rest: aries_client::RestConfig::default(),
            streams: aries_client::stream::StreamConfig::default(),
            notify: Box::new(|_| {}),
            open_browser: Box::new(move |url| {
                browser.lock().unwrap().push(url.clone());
                Ok(())
            }),
        };
        tweak(&mut parts);
        let desk = Desk::new(parts);
        let mut context = tauri::generate_context!();
        if let Some(updater) = updater {
            context.config_mut().plugins.0.insert("updater".into(), updater);
        }
        let version = context.package_info().version.to_string();
        let app = mock_builder()
            .plugin(tauri_plugin_updater::Builder::new().build())
            .invoke_handler(super::handler())
            .manage(desk.clone())
            .manage(Arc::new(match install_into {
                Some(path) => Updates::new(version, None).installing_into(path),
                None => Updates::new(version, None),
            }))
            .build(context)
            .expect("the app builds on the mock runtime");
        let webview = WebviewWindowBuilder::new(&app, "main", Default::default()).build().expect("main window");
        Harness { desk, webview, opened, notices, answers: Mutex::new(Vec::new()), origin: LOCAL, _app: app }
    }

    /// Invokes `cmd` as the window would; `Err` is the serialized `AppError`.
    fn invoke(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        let request = InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: self.origin.parse().unwrap(),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        };
        let answer = get_ipc_response(&self.webview, request).map(|body| body.deserialize::<Value>().unwrap());
        let text = match &answer {
            Ok(v) | Err(v) => v.to_string(),
        };
        self.answers.lock().unwrap().push(text);
        answer
    }

    fn ok(&self, cmd: &str, args: Value) -> Value {
        self.invoke(cmd, args).unwrap_or_else(|e| panic!("{cmd} failed: {e}"))
    }

    fn error_code(&self, cmd: &str, args: Value) -> String {
        let error = self.invoke(cmd, args).expect_err(cmd);
        assert!(error["message"].as_str().is_some_and(|m| m.len() > 10), "{cmd}: a message a person can read: {error}");
        error["code"].as_str().unwrap().to_string()
    }

    /// Starts a sign-in through the `login` command and approves it in "the
    /// browser" as the demo user. Returns the redirect URL with the code, and the code.
    fn sign_in_in_browser(&self) -> (Url, String) {
        self.sign_in_with(&SCOPES)
    }

    /// [`Self::sign_in_in_browser`], asking for `scopes`.
    fn sign_in_with(&self, scopes: &[&str]) -> (Url, String) {
        self.sign_in_as(DEMO, scopes)
    }

    /// [`Self::sign_in_with`], as the simulator's user `email` (the MFA user's code is typed too).
    fn sign_in_as(&self, email: &str, scopes: &[&str]) -> (Url, String) {
        let pending = self.ok("login", json!({ "scopes": scopes }));
        assert_eq!(pending["phase"], "pending");
        let authorize = self.opened.lock().unwrap().last().cloned().expect("the system browser was opened");
        let (code, redirect_uri) = tauri::async_runtime::block_on(approve(&authorize, email));
        let state = authorize.query_pairs().find(|(k, _)| k == "state").unwrap().1.into_owned();
        let mut callback = Url::parse(&redirect_uri).unwrap();
        callback.query_pairs_mut().append_pair("code", &code).append_pair("state", &state);
        (callback, code)
    }

    /// Signs in by deep link; returns the sim account's id.
    fn signed_in(&self) -> String {
        let (callback, _) = self.sign_in_in_browser();
        self.deep_link(callback.as_str()).expect("signs in");
        sim_account(&self.ok("session_status", json!({})))
    }

    /// Switches the sandbox simulator's faults through its admin API.
    fn faults(&self, config: Value) {
        self.admin(reqwest::Method::PUT, "/__sim/faults", config);
    }

    /// Calls the sandbox simulator's admin API (`/__sim/…`, docs/simulator.md).
    fn admin(&self, method: reqwest::Method, path: &str, body: Value) -> Value {
        let base = self.ok("session_status", json!({}))["simulator"].as_str().unwrap().to_string();
        tauri::async_runtime::block_on(async {
            let answer = reqwest::Client::new().request(method, format!("{base}{path}")).json(&body).send().await;
            let answer = answer.unwrap();
            let status = answer.status();
            let text = answer.text().await.unwrap();
            assert!(status.is_success(), "{path}: {status} {text} (sent {body})");
            serde_json::from_str(&text).unwrap()
        })
    }

    /// Previews a resting limit buy, switches the simulator's faults to
    /// `faults` (so they hit the place, not the preview), then confirms.
    /// Returns the intent's client id and what Confirm answered.
    fn place_under(&self, account: &str, faults: Value) -> (String, Value) {
        let ticket = limit_ticket(account, "3");
        let client_id = self.ok("preview_order", json!({ "ticket": ticket }))["clientId"].as_str().unwrap().to_string();
        self.faults(faults);
        let placed = self.ok("place_order", json!({ "ticket": ticket, "clientId": client_id }));
        (client_id, placed)
    }

    /// Confirm pressed again for the same intent.
    fn confirm_again(&self, account: &str, client_id: &str) -> Value {
        self.ok("place_order", json!({ "ticket": limit_ticket(account, "3"), "clientId": client_id }))
    }

    /// How many orders Aries holds for the intent, asked over a fresh call.
    fn held_at_aries(&self, account: &str, client_id: &str) -> usize {
        let live = tauri::async_runtime::block_on(self.desk.connected()).unwrap();
        let orders = tauri::async_runtime::block_on(live.client.active_orders(account)).unwrap();
        orders.iter().filter(|o| o.client_id.as_deref() == Some(client_id)).count()
    }

    /// All orders Aries holds for the account.
    fn orders_at_aries(&self, account: &str) -> usize {
        let live = tauri::async_runtime::block_on(self.desk.connected()).unwrap();
        tauri::async_runtime::block_on(live.client.active_orders(account)).unwrap().len()
    }

    /// The blotter's row for the intent.
    fn row(&self, account: &str, client_id: &str) -> Value {
        let orders = self.ok("list_orders", json!({ "accountId": account }));
        let rows: Vec<&Value> = orders.as_array().unwrap().iter().filter(|o| o["clientId"] == client_id).collect();
        assert_eq!(rows.len(), 1, "one row for the intent: {orders}");
        rows[0].clone()
    }

    /// What the deep-link listener does with a URL the OS handed over.
    fn deep_link(&self, url: &str) -> Result<(), AppError> {
        tauri::async_runtime::block_on(self.desk.callback(url))
    }
}

/// The simulator's demo user; its MFA user is `mfa@ariesdesk.dev` (code 123456).
const DEMO: &str = "demo@ariesdesk.dev";

/// The simulator's authorize API with the authorize URL's own parameters:
/// sign in as `email` and consent. Returns the code and the redirect URI.
async fn approve(authorize: &Url, email: &str) -> (String, String) {
    let base = authorize.origin().ascii_serialization();
    let mut body: serde_json::Map<String, Value> =
        authorize.query_pairs().map(|(k, v)| (k.into_owned(), Value::String(v.into_owned()))).collect();
    body.insert("email".into(), json!(email));
    body.insert("password".into(), json!("sandbox"));
    let http = reqwest::Client::new();
    let mut step: Value =
        http.post(format!("{base}/v1/oauth2/authorize")).json(&body).send().await.unwrap().json().await.unwrap();
    if step["is_mfa"] == true {
        let mfa = json!({ "next_step_auth_id": step["next_step_auth_id"], "verification_code": "123456" });
        step =
            http.post(format!("{base}/v1/oauth2/authorize/mfa")).json(&mfa).send().await.unwrap().json().await.unwrap();
    }
    let id = step["next_step_auth_id"].as_str().unwrap_or_else(|| panic!("sign-in refused: {step}"));
    let done: Value = http
        .post(format!("{base}/v1/oauth2/authorize/confirm"))
        .json(&json!({ "next_step_auth_id": id }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    (done["code"].as_str().unwrap().to_string(), done["redirect_uri"].as_str().unwrap().to_string())
}

const SCOPES: [&str; 5] =
    ["user:information", "account:information", "order:execution", "order:information", "market:information"];

fn limit_ticket(account_id: &str, quantity: &str) -> Value {
    json!({
        "accountId": account_id, "symbol": "aapl", "side": "BUY", "kind": "LIMIT",
        "quantity": quantity, "limitPrice": "1.00", "stopPrice": null, "tif": "DAY"
    })
}

fn sim_account(session: &Value) -> String {
    let accounts = session["accounts"].as_array().unwrap();
    let sim = accounts.iter().find(|a| a["isSim"] == true).expect("the demo user has a sim account");
    sim["id"].as_str().unwrap().to_string()
}

#[test]
fn signed_out_commands_refuse_with_a_message_and_the_status_says_sandbox() {
    let h = Harness::new();
    let status = h.ok("session_status", json!({}));
    assert_eq!(
        (&status["mode"], &status["phase"], &status["vault"]),
        (&json!("sandbox"), &json!("signedOut"), &json!("memoryOnly"))
    );
    assert!(status["simulator"].as_str().unwrap().starts_with("http://127.0.0.1:"));
    assert_eq!(h.error_code("accounts", json!({})), "not_signed_in");
    assert_eq!(h.error_code("list_orders", json!({ "accountId": "x" })), "not_signed_in");
    assert_eq!(h.error_code("login", json!({ "scopes": [] })), "validation");
    assert_eq!(h.error_code("login", json!({ "scopes": ["admin:everything"] })), "validation");
    assert!(h.opened.lock().unwrap().is_empty(), "no browser for a refused login");
}

#[test]
fn a_broken_live_configuration_is_shown_and_no_sign_in_starts() {
    let broken = AppError::config("ARIES_TOKEN_URL must use https (or a loopback address)");
    let h = Harness::with(Mode::Live, None, Err(broken.clone()));
    let status = h.ok("session_status", json!({}));
    assert_eq!(
        (&status["mode"], &status["phase"], &status["simulator"]),
        (&json!("live"), &json!("signedOut"), &Value::Null)
    );
    assert_eq!(status["error"], serde_json::to_value(&broken).unwrap());
    assert!(broken.message.contains("restart Aries Desk"), "{}", broken.message);
    assert_eq!(h.error_code("login", json!({ "scopes": SCOPES })), "config");
    assert!(h.opened.lock().unwrap().is_empty(), "no browser opened for a configuration that cannot work");
}

#[test]
fn deep_link_sign_in_then_preview_place_once_list_and_cancel() {
    let h = Harness::new();
    let (callback, code) = h.sign_in_in_browser();
    assert_eq!(callback.scheme(), "dev.ariesdesk");
    h.deep_link(callback.as_str()).expect("the callback signs in");

    let session = h.ok("session_status", json!({}));
    assert_eq!(session["phase"], "signedIn");
    let mut granted: Vec<String> = serde_json::from_value(session["scopes"].clone()).unwrap();
    granted.sort();
    assert_eq!(granted, {
        let mut s = SCOPES.map(String::from).to_vec();
        s.sort();
        s
    });
    let account = sim_account(&session);
    assert_eq!(h.ok("accounts", json!({})), session["accounts"]);

    // The ticket is checked in Rust: a zero quantity never reaches Aries.
    assert_eq!(h.error_code("preview_order", json!({ "ticket": limit_ticket(&account, "0") })), "validation");
    assert_eq!(h.error_code("preview_order", json!({ "ticket": limit_ticket("someone-else", "1") })), "validation");

    let preview = h.ok("preview_order", json!({ "ticket": limit_ticket(&account, "3") }));
    let client_id = preview["clientId"].as_str().unwrap().to_string();
    assert!(preview["estimatedCost"].as_str().is_some(), "{preview}");

    let args = json!({ "ticket": limit_ticket(&account, "3"), "clientId": client_id });
    let placed = h.ok("place_order", args.clone());
    assert_eq!(placed["outcome"], "accepted", "{placed}");
    let cl_ord_id = placed["order"]["clOrdId"].as_str().unwrap().to_string();
    // A second Confirm of the same intent reports the first and sends nothing.
    let again = h.ok("place_order", args);
    assert_eq!((&again["outcome"], &again["order"]["clOrdId"]), (&json!("accepted"), &json!(cl_ord_id)));

    let orders = h.ok("list_orders", json!({ "accountId": account }));
    let ours: Vec<&Value> = orders.as_array().unwrap().iter().filter(|o| o["clientId"] == json!(client_id)).collect();
    assert_eq!(ours.len(), 1, "exactly one order for the intent: {orders}");
    assert_eq!((&ours[0]["symbol"], &ours[0]["working"]), (&json!("AAPL"), &json!(true)));
    let live = tauri::async_runtime::block_on(h.desk.connected()).unwrap();
    let at_aries = tauri::async_runtime::block_on(live.client.active_orders(&account)).unwrap();
    assert_eq!(at_aries.iter().filter(|o| o.client_id.as_deref() == Some(client_id.as_str())).count(), 1);

    let canceled = h.ok("cancel_order", json!({ "accountId": account, "clOrdId": cl_ord_id }));
    assert_eq!(canceled["outcome"], "accepted", "{canceled}");
    assert_eq!(
        h.error_code("cancel_order", json!({ "accountId": account, "clOrdId": "no-such-order" })),
        "order.not_working"
    );

    // Nothing the window was told holds the code (and so nothing it bought).
    assert!(h.answers.lock().unwrap().iter().all(|a| !a.contains(&code)));
    let out = h.ok("logout", json!({}));
    assert_eq!(out["phase"], "signedOut");
    assert_eq!(h.error_code("accounts", json!({})), "not_signed_in");
}

#[test]
fn replace_gives_a_working_order_new_terms_and_the_blotter_follows_the_chain() {
    let h = Harness::new();
    let (callback, _) = h.sign_in_in_browser();
    h.deep_link(callback.as_str()).expect("signs in");
    let account = sim_account(&h.ok("session_status", json!({})));
    let client_id = h.ok("preview_order", json!({ "ticket": limit_ticket(&account, "3") }))["clientId"].clone();
    let placed = h.ok("place_order", json!({ "ticket": limit_ticket(&account, "3"), "clientId": client_id }));
    let first = placed["order"]["clOrdId"].as_str().unwrap().to_string();

    let changes = json!({ "quantity": "5", "limitPrice": "2.00", "stopPrice": null });
    let replaced = h.ok("replace_order", json!({ "accountId": account, "clOrdId": first, "changes": changes }));
    assert_eq!(replaced["outcome"], "accepted", "{replaced}");
    let second = replaced["order"]["clOrdId"].as_str().unwrap().to_string();
    assert_ne!(second, first, "a replace gives the order a new id");
    // The old id no longer names a working order.
    assert_eq!(
        h.error_code("replace_order", json!({ "accountId": account, "clOrdId": first, "changes": changes })),
        "order.not_working"
    );

    let orders = h.ok("list_orders", json!({ "accountId": account }));
    let rows: Vec<&Value> = orders.as_array().unwrap().iter().filter(|o| o["clientId"] == client_id).collect();
    assert_eq!(rows.len(), 1, "one row for the intent, at its newest link: {orders}");
    let row = rows[0];
    assert_eq!((&row["clOrdId"], &row["quantity"], &row["limitPrice"]), (&json!(second), &json!("5"), &json!("2.00")));
    assert_eq!(row["working"], true);
}

/// Places a market buy of `quantity` AAPL and returns its clOrdId.
fn market_buy(h: &Harness, account: &str, quantity: &str) -> String {
    let ticket = json!({
        "accountId": account, "symbol": "AAPL", "side": "BUY", "kind": "MARKET",
        "quantity": quantity, "limitPrice": null, "stopPrice": null, "tif": "DAY"
    });
    let client_id = h.ok("preview_order", json!({ "ticket": ticket }))["clientId"].clone();
    let placed = h.ok("place_order", json!({ "ticket": ticket, "clientId": client_id }));
    assert_eq!(placed["outcome"], "accepted", "{placed}");
    placed["order"]["clOrdId"].as_str().unwrap().to_string()
}

/// Waits up to 10 s for `n` notices.
fn notices_after(h: &Harness, n: usize) -> Vec<Notice> {
    for _ in 0..100 {
        if h.notices.lock().unwrap().len() >= n {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    h.notices.lock().unwrap().clone()
}

#[test]
fn a_fill_notifies_once_the_users_own_cancel_does_not_and_switched_off_nothing_does() {
    let h = Harness::new();
    let account = h.signed_in();
    assert_eq!(h.ok("session_status", json!({}))["notifications"], true, "on by default");

    market_buy(&h, &account, "5");
    let told = notices_after(&h, 1);
    assert_eq!(told.len(), 1, "{told:?}");
    assert!(told[0].title.starts_with("Filled: BUY 5 AAPL at "), "{told:?}");
    assert!(told[0].body.starts_with("SIM account "), "{told:?}");
    // A list of the same orders repeats the fill; it is not told again.
    h.ok("list_orders", json!({ "accountId": account }));

    // The user's own cancel is not news.
    let placed = h.ok(
        "place_order",
        json!({
            "ticket": limit_ticket(&account, "3"),
            "clientId": h.ok("preview_order", json!({ "ticket": limit_ticket(&account, "3") }))["clientId"],
        }),
    );
    let resting = placed["order"]["clOrdId"].as_str().unwrap();
    assert_eq!(h.ok("cancel_order", json!({ "accountId": account, "clOrdId": resting }))["outcome"], "accepted");
    std::thread::sleep(std::time::Duration::from_secs(2));
    assert_eq!(
        h.notices.lock().unwrap().len(),
        1,
        "the user's own cancel is not told: {:?}",
        h.notices.lock().unwrap()
    );

    assert_eq!(h.ok("set_notifications", json!({ "enabled": false }))["notifications"], false);
    market_buy(&h, &account, "2");
    std::thread::sleep(std::time::Duration::from_secs(3));
    assert_eq!(h.notices.lock().unwrap().len(), 1, "nothing while off");
    assert_eq!(h.ok("session_status", json!({}))["notifications"], false);
}

#[test]
fn loopback_sign_in_answers_the_browser_and_closes_its_port() {
    let h = Harness::new();
    assert_eq!(h.ok("set_redirect", json!({ "redirect": "loopback" }))["redirect"], "loopback");
    let (callback, _) = h.sign_in_in_browser();
    assert_eq!((callback.scheme(), callback.host_str()), ("http", Some("127.0.0.1")));
    assert_eq!(callback.path(), "/oauth/callback");

    let page =
        tauri::async_runtime::block_on(async { reqwest::get(callback.clone()).await.unwrap().text().await.unwrap() });
    assert!(page.contains("You are signed in to Aries Desk"), "{page}");
    assert_eq!(h.ok("session_status", json!({}))["phase"], "signedIn");

    let again = tauri::async_runtime::block_on(reqwest::get(callback));
    assert!(again.is_err(), "the loopback receiver is closed once the sign-in is done");
}

#[test]
fn a_forged_or_replayed_callback_is_refused_with_a_reason_and_never_disturbs_a_session() {
    let h = Harness::new();
    let (callback, _) = h.sign_in_in_browser();
    let state = callback.query_pairs().find(|(k, _)| k == "state").unwrap().1.into_owned();
    let forged = callback.as_str().replace(&format!("state={state}"), "state=not-the-state");
    // Any answer ends the attempt (RFC 8252 §8.9): the forged one, and so the genuine one after it.
    let error = h.deep_link(&forged).expect_err("a wrong state is refused");
    assert!(error.message.contains("does not belong to the sign-in in progress"), "{}", error.message);
    let status = h.ok("session_status", json!({}));
    assert_eq!((&status["phase"], &status["error"]["message"]), (&json!("signedOut"), &json!(error.message)));
    assert!(h.deep_link(callback.as_str()).is_err(), "the attempt is over");

    let (callback, _) = h.sign_in_in_browser();
    h.deep_link(callback.as_str()).expect("a fresh attempt signs in");
    let signed_in = h.ok("session_status", json!({}));
    assert_eq!(signed_in["phase"], "signedIn");
    for bad in [callback.as_str(), forged.as_str(), "dev.ariesdesk:/oauth/callback?code=x&state=y&code=z"] {
        let refused = h.deep_link(bad).expect_err(bad);
        let after = h.ok("session_status", json!({}));
        assert_eq!(
            (&after["phase"], &after["user"], &after["accounts"]),
            (&json!("signedIn"), &signed_in["user"], &signed_in["accounts"])
        );
        assert_eq!(after["error"]["code"], json!(refused.code), "the refusal is shown beside the session");
    }
    assert_eq!(h.ok("accounts", json!({})), signed_in["accounts"], "the session still works");
}

#[test]
fn a_denial_or_a_spent_code_gets_a_message_that_says_what_to_do() {
    let h = Harness::new();
    let (first, _) = h.sign_in_in_browser();
    let state = |url: &Url| url.query_pairs().find(|(k, _)| k == "state").unwrap().1.into_owned();
    // The user clicked Deny: Aries redirects with an error instead of a code.
    let denied = h.deep_link(&format!("dev.ariesdesk:/oauth/callback?error=access_denied&state={}", state(&first)));
    let denied = denied.expect_err("a denial signs nobody in");
    assert_eq!(denied.code, "auth.denied");
    assert!(denied.message.contains("declined access"), "{}", denied.message);
    let status = h.ok("session_status", json!({}));
    assert_eq!((&status["phase"], &status["error"]["code"]), (&json!("signedOut"), &json!("auth.denied")));

    // A code that was already exchanged, delivered with a fresh attempt's state.
    let (second, _) = h.sign_in_in_browser();
    h.deep_link(second.as_str()).expect("signs in");
    h.ok("logout", json!({}));
    let (third, _) = h.sign_in_in_browser();
    let code = second.query_pairs().find(|(k, _)| k == "code").unwrap().1.into_owned();
    let spent = format!("dev.ariesdesk:/oauth/callback?code={code}&state={}", state(&third));
    let error = h.deep_link(&spent).expect_err("a spent code is refused by Aries");
    assert!(error.message.contains("expired or was already used. Sign in again"), "{}", error.message);
    assert_eq!(h.ok("session_status", json!({}))["phase"], "signedOut");
}

#[test]
fn a_page_from_anywhere_else_gets_no_command() {
    let mut h = Harness::new();
    h.origin = "https://aries.example.com";
    let refused = h.invoke("session_status", json!({})).expect_err("a remote page is refused");
    assert!(refused.to_string().contains("not allowed"), "{refused}");
    h.origin = LOCAL;
    h.ok("session_status", json!({}));
}

mod chart;
mod clock_off;
mod drill;
mod journal_write_fault;
mod market_closed;
mod quote_feed;
mod read_and_rate_faults;
mod refresh_faults;
mod restart;
mod round_trip;
mod scopes;
mod sign_in_edges;
mod silent_socket;
mod slow_answers;
mod updates;
mod watchlists;

/// Faults on the order path, through the commands: each asserts what the
/// trader is told and what Aries holds (docs/reliability.md).
mod order_faults {
    use super::*;

    fn wait_past_settle() {
        std::thread::sleep((SETTLE + chrono::TimeDelta::milliseconds(300)).to_std().unwrap());
    }

    #[test]
    fn a_lost_answer_is_unknown_then_found_and_never_sent_twice() {
        let h = Harness::new();
        let account = h.signed_in();
        let (client_id, placed) = h.place_under(&account, json!({ "drop_response_to": "/v1/orders" }));
        assert_eq!(placed["outcome"], "unknown", "{placed}");
        assert!(placed["message"].as_str().unwrap().contains("not sent again"));
        h.confirm_again(&account, &client_id);
        assert_eq!(h.held_at_aries(&account, &client_id), 1, "Aries took it once, and only once");

        let row = h.ok("check_order", json!({ "clientId": client_id }));
        assert_eq!((&row["status"], &row["working"]), (&json!("NEW"), &json!(true)), "{row}");
        assert_eq!(h.row(&account, &client_id)["status"], "NEW");
        assert_eq!(h.confirm_again(&account, &client_id)["outcome"], "accepted");
        assert_eq!(h.held_at_aries(&account, &client_id), 1);
    }

    /// Before the fix, a 2xx whose body did not decode was journaled as Rejected.
    #[test]
    fn an_unreadable_acknowledgement_is_unknown_not_rejected() {
        let h = Harness::new();
        let account = h.signed_in();
        let (client_id, placed) = h.place_under(&account, json!({ "garble_response_to": "/v1/orders" }));
        assert_eq!(placed["outcome"], "unknown", "{placed}");
        assert_eq!(h.ok("check_order", json!({ "clientId": client_id }))["status"], "NEW");
        assert_eq!(h.held_at_aries(&account, &client_id), 1);
    }

    /// A 5xx before Aries handled the order: UNKNOWN while the request could
    /// still arrive, NOT_PLACED only after that, and never resent meanwhile.
    #[test]
    fn a_server_error_on_place_is_unknown_until_it_can_no_longer_arrive() {
        let h = Harness::new();
        let account = h.signed_in();
        let (first, _) = h.place_under(&account, json!({}));
        assert_eq!(h.row(&account, &first)["status"], "NEW", "an order whose record echoes our id");

        let (client_id, placed) = h.place_under(&account, json!({ "error_rate": 1.0 }));
        assert_eq!(placed["outcome"], "unknown", "{placed}");
        assert_eq!((&placed["order"]["status"], &placed["order"]["symbol"]), (&json!("UNKNOWN"), &json!("AAPL")));
        h.faults(json!({}));
        let row = h.ok("check_order", json!({ "clientId": client_id }));
        assert_eq!(row["status"], "UNKNOWN", "{row}");
        assert!(row["reason"].as_str().unwrap().contains("could still arrive"), "{row}");
        assert_eq!(h.confirm_again(&account, &client_id)["outcome"], "unknown", "not resent while in doubt");
        assert_eq!(h.held_at_aries(&account, &client_id), 0);

        wait_past_settle();
        let row = h.ok("check_order", json!({ "clientId": client_id }));
        assert_eq!((&row["status"], &row["working"]), (&json!("NOT_PLACED"), &json!(false)), "{row}");
        let again = h.confirm_again(&account, &client_id);
        assert_eq!(again["outcome"], "rejected", "{again}");
        assert!(again["reason"].as_str().unwrap().contains("Preview it again"), "{again}");
        assert_eq!(h.held_at_aries(&account, &client_id), 0, "the intent was never sent twice");
    }

    /// Before the fix, a lookup that missed by client id concluded "not placed"
    /// even on a server that does not echo client ids, where the order was there.
    #[test]
    fn a_server_that_does_not_echo_client_ids_never_gets_a_not_placed() {
        let h = Harness::new();
        let account = h.signed_in();
        let (first, placed) = h.place_under(&account, json!({ "ignore_client_ids": true }));
        assert_eq!(placed["outcome"], "accepted", "{placed}");
        assert_eq!(h.row(&account, &first)["status"], "NEW", "one row, under our intent's id");
        let before = h.orders_at_aries(&account);

        let faults = json!({ "ignore_client_ids": true, "drop_response_to": "/v1/orders" });
        let (client_id, placed) = h.place_under(&account, faults);
        assert_eq!(placed["outcome"], "unknown", "{placed}");
        wait_past_settle();
        let row = h.ok("check_order", json!({ "clientId": client_id }));
        assert_eq!(row["status"], "UNKNOWN", "the order is at Aries, so no lookup may say otherwise: {row}");
        assert!(row["reason"].as_str().unwrap().contains("order ids"), "{row}");
        assert_eq!(h.orders_at_aries(&account), before + 1, "and it is there, once");
        assert_eq!(h.confirm_again(&account, &client_id)["outcome"], "unknown");
        assert_eq!(h.orders_at_aries(&account), before + 1, "a second Confirm sent nothing");
    }
}

/// RFC 9207 through the commands: the sandbox simulator names itself in its
/// sign-in answers, and an answer naming another server is refused.
mod issuer {
    use super::*;

    fn with_iss(callback: &Url, iss: &str) -> String {
        let mut url = callback.clone();
        url.query_pairs_mut().append_pair("iss", iss);
        url.to_string()
    }

    #[test]
    fn an_answer_from_another_sign_in_server_is_refused_as_a_possible_mix_up() {
        let h = Harness::new();
        let (callback, _) = h.sign_in_in_browser();
        let error = h.deep_link(&with_iss(&callback, "https://attacker.example")).expect_err("another issuer");
        assert_eq!(error.code, "auth.failed");
        assert!(error.message.contains("different sign-in server"), "{}", error.message);
        assert!(error.message.contains("mix-up attack"), "{}", error.message);
        let status = h.ok("session_status", json!({}));
        assert_eq!((&status["phase"], &status["error"]["message"]), (&json!("signedOut"), &json!(error.message)));
        assert!(h.deep_link(callback.as_str()).is_err(), "the attempt is over");

        // The sandbox's issuer is its simulator: its own `iss` signs in.
        let simulator = status["simulator"].as_str().unwrap().to_string();
        let (callback, _) = h.sign_in_in_browser();
        h.deep_link(&with_iss(&callback, &simulator)).expect("the simulator's own iss signs in");
        assert_eq!(h.ok("session_status", json!({}))["phase"], "signedIn");
    }
}

mod order_panel {
    use super::*;

    /// Places a resting limit buy of `quantity` through preview and Confirm; its clOrdId.
    fn place(h: &Harness, account: &str, quantity: &str) -> String {
        let ticket = limit_ticket(account, quantity);
        let client_id = h.ok("preview_order", json!({ "ticket": ticket }))["clientId"].clone();
        let placed = h.ok("place_order", json!({ "ticket": ticket, "clientId": client_id }));
        assert_eq!(placed["outcome"], "accepted", "{placed}");
        placed["order"]["clOrdId"].as_str().unwrap().to_string()
    }

    fn ids(page: &Value) -> Vec<String> {
        page["orders"].as_array().unwrap().iter().map(|o| o["clOrdId"].as_str().unwrap().to_string()).collect()
    }

    fn active_row(h: &Harness, account: &str, cl_ord_id: &str) -> Option<aries_client::models::Order> {
        let live = tauri::async_runtime::block_on(h.desk.connected()).unwrap();
        let orders = tauri::async_runtime::block_on(live.client.active_orders(account)).unwrap();
        orders.into_iter().find(|o| o.cl_ord_id == cl_ord_id)
    }

    #[test]
    fn history_pages_by_cursor_and_each_page_holds_other_orders() {
        let h = Harness::new();
        let account = h.signed_in();
        let placed: Vec<String> = (1..=5).map(|q| place(&h, &account, &q.to_string())).collect();

        let first = h.ok("order_history", json!({ "accountId": account, "cursor": null, "limit": 2 }));
        let cursor = first["nextCursor"].as_i64().expect("more pages");
        let second = h.ok("order_history", json!({ "accountId": account, "cursor": cursor, "limit": 2 }));
        let third = h.ok("order_history", json!({ "accountId": account, "cursor": second["nextCursor"], "limit": 2 }));
        assert_eq!((ids(&first).len(), ids(&second).len(), ids(&third).len()), (2, 2, 1));
        assert!(third["nextCursor"].is_null(), "the last page says so: {third}");
        // Newest first, and page 2 holds the next-older orders, none of page 1's.
        let all: Vec<String> = [ids(&first), ids(&second), ids(&third)].concat();
        let newest_first: Vec<String> = placed.iter().rev().cloned().collect();
        assert_eq!(all, newest_first);
        assert_eq!(second["orders"][0]["quantity"], "3");

        let other = h.error_code("order_history", json!({ "accountId": "99999", "cursor": null, "limit": 2 }));
        assert_ne!(other, "", "another user's account is refused");
    }

    #[test]
    fn modify_previews_the_new_terms_then_replaces_once_and_the_old_id_is_dead() {
        let h = Harness::new();
        let account = h.signed_in();
        let first = place(&h, &account, "3");
        let changes = json!({ "quantity": "4", "limitPrice": "1.50", "stopPrice": null });

        let preview = h.ok("preview_replace", json!({ "accountId": account, "clOrdId": first, "changes": changes }));
        assert_eq!(preview["estimatedCost"], "6.00", "4 × 1.50: {preview}");
        assert_eq!(active_row(&h, &account, &first).unwrap().qty, 3.into(), "a preview changes nothing");

        let replaced = h.ok("replace_order", json!({ "accountId": account, "clOrdId": first, "changes": changes }));
        assert_eq!(replaced["outcome"], "accepted", "{replaced}");
        let second = replaced["order"]["clOrdId"].as_str().unwrap().to_string();
        let at_aries = active_row(&h, &account, &second).expect("the order lives on under its new id");
        assert_eq!((at_aries.qty, at_aries.price), (4.into(), Some("1.50".parse().unwrap())));
        assert!(active_row(&h, &account, &first).is_none_or(|o| !o.is_working()), "the old id is dead");
        assert_eq!(
            h.error_code("cancel_order", json!({ "accountId": account, "clOrdId": first })),
            "order.not_working"
        );

        h.ok("list_orders", json!({ "accountId": account }));
        let chain = h.ok("order_chain", json!({ "accountId": account, "clOrdId": second }));
        assert_eq!(chain["clOrdIds"], json!([first, second]), "{chain}");
        assert!(chain["clientId"].is_string());
    }

    #[test]
    fn a_modify_whose_answer_is_lost_is_unknown_and_never_resent() {
        let h = Harness::new();
        let account = h.signed_in();
        let first = place(&h, &account, "3");
        h.faults(json!({ "drop_response_to": "/v1/orders/replace" }));
        let changes = json!({ "quantity": "6", "limitPrice": null, "stopPrice": null });
        let lost = h.ok("replace_order", json!({ "accountId": account, "clOrdId": first, "changes": changes }));
        assert_eq!(lost["outcome"], "unknown", "{lost}");
        assert_eq!(lost["order"]["status"], "UNKNOWN");
        assert!(lost["message"].as_str().unwrap().contains("not sent again"));
        // Aries took the change once: one working order, on the new terms.
        let live = tauri::async_runtime::block_on(h.desk.connected()).unwrap();
        let orders = tauri::async_runtime::block_on(live.client.active_orders(&account)).unwrap();
        let working: Vec<_> = orders.iter().filter(|o| o.is_working()).collect();
        assert_eq!(working.len(), 1, "{orders:?}");
        assert_eq!(working[0].qty, 6.into());
        let second = working[0].cl_ord_id.clone();

        // The change was journaled before it left, and Aries's records settle it: the new link, once.
        let journal = h.desk.journal.store();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while !journal.unresolved_replaces().unwrap().is_empty() {
            assert!(std::time::Instant::now() < deadline, "the lost change was never settled");
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        let rows = h.ok("list_orders", json!({ "accountId": account }));
        let row = rows.as_array().unwrap().iter().find(|o| o["clOrdId"] == second.as_str()).expect("the new link");
        assert_eq!((row["status"].as_str(), row["quantity"].as_str()), (Some("NEW"), Some("6")), "{row}");
        assert!(h.desk.journal.hold_for_restart().is_ok(), "settled: the update gate opens");
    }

    #[test]
    fn cancel_all_cancels_each_working_order_once_and_reports_each() {
        let h = Harness::new();
        let account = h.signed_in();
        let placed: Vec<String> = (1..=3).map(|q| place(&h, &account, &q.to_string())).collect();
        let mut asked = placed.clone();
        asked.push("not-an-order".into());

        let reports = h.ok("cancel_orders", json!({ "accountId": account, "clOrdIds": asked }));
        let reports = reports.as_array().unwrap();
        assert_eq!(reports.len(), 4, "one report per order asked for");
        for (report, id) in reports.iter().zip(&placed) {
            assert_eq!(report["clOrdId"], json!(id));
            assert_eq!(report["result"]["outcome"], "accepted", "{report}");
            assert_eq!(report["result"]["order"]["status"], "CANCELED");
        }
        assert_eq!(reports[3]["error"]["code"], "order.not_working");
        for id in &placed {
            let order = active_row(&h, &account, id).expect("today's canceled order is listed");
            assert_eq!(order.ord_status.map(|s| s.as_str().to_string()).as_deref(), Some("CANCELED"));
        }
        // Asked again, nothing is sent: none of them works any more.
        let again = h.ok("cancel_orders", json!({ "accountId": account, "clOrdIds": placed }));
        assert!(again.as_array().unwrap().iter().all(|r| r["error"]["code"] == "order.not_working"), "{again}");
    }
}
