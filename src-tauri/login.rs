//! The pending sign-in and the two ways the browser hands it back: the
//! `dev.ariesdesk:` deep link (through the OS and the single-instance plugin)
//! and a loopback listener open only while a sign-in waits (RFC 8252 §7.3).
//! Both feed the same strict parser and state check.

use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};

use aries_client::Endpoints;
use aries_client::oauth::{Authorization, LoginError, PendingLogins, RedirectUri, parse_callback};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use url::Url;

use crate::config::{DEEP_LINK_REDIRECT, LOOPBACK_REDIRECT};
use crate::views::session::RedirectChoice;

/// A browser's request head is far below this; anything longer is not a callback.
const MAX_REQUEST_HEAD: usize = 8 * 1024;
/// A connection that sends nothing is dropped after this, so it cannot hold the listener.
const READ_TIMEOUT: Duration = Duration::from_secs(10);

pub struct LoginFlow {
    pending: PendingLogins,
    /// How long a sign-in waits for the browser before it is given up.
    wait: Duration,
    /// The pending sign-in: its number, deadline and redirect (callbacks are parsed against it).
    attempt: Mutex<Option<Attempt>>,
    /// Numbers the attempts, so a timer only gives up the one it was started for.
    started: std::sync::atomic::AtomicU64,
    loopback: Mutex<Option<Loopback>>,
}

struct Attempt {
    number: u64,
    until: DateTime<Utc>,
    redirect: RedirectUri,
}

/// The loopback listener of the pending sign-in.
struct Loopback {
    task: JoinHandle<()>,
    /// Dropped to stop accepting: a callback being answered is still answered.
    _close: oneshot::Sender<()>,
}

/// Handles a loopback callback (the request line) and resolves to the page the browser tab shows.
pub type CallbackSink = Box<dyn Fn(String) -> Pin<Box<dyn Future<Output = Page> + Send>> + Send + Sync>;

/// What the browser tab says after a loopback callback.
pub struct Page {
    pub ok: bool,
    pub message: String,
}

impl LoginFlow {
    /// Sign-ins give up after `wait` (at most the pending-login TTL of aries-client).
    pub fn new(wait: Duration) -> Self {
        LoginFlow {
            pending: PendingLogins::with_ttl(wait),
            wait,
            attempt: Mutex::new(None),
            started: Default::default(),
            loopback: Mutex::new(None),
        }
    }

    pub fn is_pending(&self) -> bool {
        self.pending.is_pending()
    }

    pub fn wait(&self) -> Duration {
        self.wait
    }

    /// When the pending sign-in is given up, if one waits.
    pub fn until(&self) -> Option<DateTime<Utc>> {
        lock(&self.attempt).as_ref().map(|a| a.until)
    }

    /// Starts a sign-in with `scopes` and returns the authorize URL to open
    /// and the attempt's number. A loopback sign-in first binds its listener,
    /// whose port is part of the redirect.
    pub async fn begin(
        &self,
        endpoints: &Endpoints,
        scopes: Vec<String>,
        choice: RedirectChoice,
        sink: CallbackSink,
    ) -> std::io::Result<(Url, u64)> {
        self.cancel();
        let endpoints = Endpoints { scopes, ..endpoints.clone() };
        let redirect = match choice {
            RedirectChoice::DeepLink => RedirectUri::parse(DEEP_LINK_REDIRECT).expect("built-in redirect"),
            RedirectChoice::Loopback => {
                let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
                let port = listener.local_addr()?.port();
                let redirect = RedirectUri::parse(LOOPBACK_REDIRECT)
                    .and_then(|r| r.with_port(port))
                    .expect("built-in loopback redirect");
                let (close, closed) = oneshot::channel();
                let serve = tokio::time::timeout(self.wait, serve_loopback(listener, closed, sink));
                let task = tokio::spawn(async move { serve.await.unwrap_or(()) });
                *lock(&self.loopback) = Some(Loopback { task, _close: close });
                redirect
            }
        };
        let url = self.pending.begin(&endpoints, redirect.clone());
        let number = self.started.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
        let until = Utc::now() + chrono::Duration::from_std(self.wait).unwrap_or(chrono::Duration::MAX);
        *lock(&self.attempt) = Some(Attempt { number, until, redirect });
        Ok((url, number))
    }

    /// Forgets the pending sign-in and closes its listener.
    pub fn cancel(&self) {
        self.pending.cancel();
        lock(&self.attempt).take();
        if let Some(loopback) = lock(&self.loopback).take() {
            loopback.task.abort();
        }
    }

    /// Gives attempt `number` up if it still waits; true if it did.
    pub fn give_up(&self, number: u64) -> bool {
        let waiting = lock(&self.attempt).as_ref().is_some_and(|a| a.number == number);
        if waiting {
            self.cancel();
        }
        waiting
    }

    /// Parses a callback (deep link or loopback request line) and matches it
    /// with the pending sign-in, which it consumes whatever the outcome.
    pub fn complete(&self, raw: &str) -> Result<Authorization, aries_client::Error> {
        let redirect = lock(&self.attempt).take().ok_or(LoginError::NoPendingLogin)?.redirect;
        // The attempt ends here, so its listener stops accepting now. Not
        // aborted: it may be the caller, still to answer its browser tab.
        lock(&self.loopback).take();
        match parse_callback(raw, &redirect) {
            Ok(callback) => self.pending.complete(callback),
            Err(error) => {
                // A malformed callback ends the attempt too (RFC 8252 §8.9): start again.
                self.pending.cancel();
                Err(LoginError::from(error).into())
            }
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Answers browser requests until one reaches the callback path or the
/// attempt ends (`closed`); other paths (a favicon, a stray probe) get a 404
/// and the listener keeps waiting. The port closes before the callback is
/// handled: nothing else is accepted for this attempt.
async fn serve_loopback(listener: TcpListener, mut closed: oneshot::Receiver<()>, sink: CallbackSink) {
    loop {
        let mut conn = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((conn, _)) => conn,
                Err(_) => return,
            },
            _ = &mut closed => return,
        };
        let Some(line) = read_request_line(&mut conn).await else { continue };
        let target = line.split(' ').nth(1).unwrap_or_default();
        if !target.starts_with("/oauth/callback") {
            let _ = respond(&mut conn, "404 Not Found", "Not found", "Nothing here.").await;
            continue;
        }
        drop(listener);
        let page = sink(line).await;
        let (status, title) = if page.ok { ("200 OK", "Signed in") } else { ("400 Bad Request", "Sign-in failed") };
        let _ = respond(&mut conn, status, title, &page.message).await;
        return;
    }
}

async fn read_request_line(conn: &mut TcpStream) -> Option<String> {
    let mut head = Vec::with_capacity(1024);
    let mut buf = [0u8; 1024];
    let read = async {
        while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < MAX_REQUEST_HEAD {
            let n = conn.read(&mut buf).await.ok()?;
            if n == 0 {
                break;
            }
            head.extend_from_slice(&buf[..n]);
        }
        Some(())
    };
    tokio::time::timeout(READ_TIMEOUT, read).await.ok()??;
    let end = head.windows(2).position(|w| w == b"\r\n")?;
    String::from_utf8(head[..end].to_vec()).ok()
}

async fn respond(conn: &mut TcpStream, status: &str, title: &str, message: &str) -> std::io::Result<()> {
    let body = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>Aries Desk — {title}</title></head>\
         <body><h1>{title}</h1><p>{}</p><p>You can close this tab and return to Aries Desk.</p></body></html>",
        html_escape(message)
    );
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nReferrer-Policy: no-referrer\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    conn.write_all(response.as_bytes()).await?;
    conn.shutdown().await
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}
