//! One connection task per socket: connect, authenticate, resubscribe, ping,
//! re-authenticate on `refreshAuth`, detect silence, and reconnect with
//! backoff, publishing a [`ConnectionState`]. What differs between the market
//! and account sockets is a [`Topic`].

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde::Deserialize;
use tokio::net::TcpStream;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tokio::time::{Instant, MissedTickBehavior, interval_at, sleep, sleep_until, timeout, timeout_at};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};
use url::Url;

use super::backoff::Backoff;
use super::wire::{self, Ids, Line};
use crate::error::{Error, printable};
use crate::secret::Secret;
use crate::tokens::AccessTokens;

/// How a stream's connection behaves. The defaults suit the real service.
#[derive(Clone, Debug)]
pub struct StreamConfig {
    /// Connecting plus the answer to `/auth` must take no longer.
    pub connect_timeout: Duration,
    /// The server closes sockets silent for 90 s, so ping well inside that.
    pub ping_interval: Duration,
    /// No frame for this long means the socket is dead even if TCP has not
    /// noticed. Longer than the ping interval, so a pong always fits.
    pub silence_timeout: Duration,
    pub backoff_initial: Duration,
    pub backoff_max: Duration,
    /// A connection live this long counts as healthy: the next reconnect
    /// starts from `backoff_initial` again.
    pub healthy_after: Duration,
}

impl Default for StreamConfig {
    fn default() -> Self {
        StreamConfig {
            connect_timeout: Duration::from_secs(10),
            ping_interval: Duration::from_secs(30),
            silence_timeout: Duration::from_secs(45),
            backoff_initial: Duration::from_millis(500),
            backoff_max: Duration::from_secs(30),
            healthy_after: Duration::from_secs(60),
        }
    }
}

/// Where a stream's connection is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConnectionState {
    /// The first connection is being made.
    Connecting,
    /// Authenticated and subscribed.
    Live,
    /// The connection was lost or refused; `attempt` counts the failures since
    /// the last healthy connection and the next try starts in `next_in`.
    Reconnecting { attempt: u32, next_in: Duration },
    /// The session has ended: only a new sign-in (and a new stream) helps.
    SignedOut,
}

/// How many times a connection was lost (or refused) and a reconnect began;
/// unlike `Reconnecting::attempt` it never resets. Read it when the state
/// changes: each loss is counted before it is published there.
#[derive(Clone, Debug)]
pub struct ReconnectCount(Arc<AtomicU32>);

impl ReconnectCount {
    pub fn get(&self) -> u32 {
        self.0.load(Ordering::SeqCst)
    }
}

/// Consecutive refusals of freshly fetched tokens before giving up: a token
/// source that keeps handing out tokens the server refuses cannot recover.
const MAX_AUTH_REFUSALS: u32 = 3;

/// What one socket does beyond the shared protocol.
pub(crate) trait Topic: Send + 'static {
    /// A consumer's request, e.g. subscribe to more symbols.
    type Command: Send + 'static;
    /// The `payload.data` of this socket's events.
    type Data<'a>: Deserialize<'a>;
    /// For logs.
    const NAME: &'static str;

    /// The messages that establish the whole subscription set on a new socket.
    fn resubscribe(&self, ids: &mut Ids) -> Vec<String>;
    /// Applies a command to the subscription set; returns what to send if the
    /// socket is live (after a reconnect the whole set is sent anyway).
    fn command(&mut self, command: Self::Command, ids: &mut Ids) -> Vec<String>;
    /// One event, from a frame received at `at`.
    fn event(&mut self, action: &str, kind: Option<&str>, data: Option<Self::Data<'_>>, at: std::time::Instant);
    /// Called after the last event of each frame.
    fn frame_done(&mut self) {}
}

/// The consumer's side of a connection task. Dropping it stops the task.
pub(crate) struct Connection<C> {
    commands: mpsc::UnboundedSender<C>,
    state: watch::Receiver<ConnectionState>,
    lost: Arc<AtomicU32>,
    task: JoinHandle<()>,
}

impl<C: Send + 'static> Connection<C> {
    /// Spawns the task on the current tokio runtime.
    pub fn spawn<T, S>(url: Url, tokens: S, topic: T, config: StreamConfig) -> Self
    where
        T: Topic<Command = C>,
        S: AccessTokens,
    {
        let (commands, receiver) = mpsc::unbounded_channel();
        let (state_tx, state) = watch::channel(ConnectionState::Connecting);
        let subs = Subscriptions { topic, commands: receiver, ids: Ids::default() };
        let lost = Arc::new(AtomicU32::new(0));
        let task = Task { url, tokens, config, state: state_tx, lost: lost.clone(), subs };
        Connection { commands, state, lost, task: tokio::spawn(task.run()) }
    }

    /// Queues a command; ignored once the task has ended (signed out).
    pub fn send(&self, command: C) {
        let _ = self.commands.send(command);
    }

    pub fn state(&self) -> watch::Receiver<ConnectionState> {
        self.state.clone()
    }

    pub fn reconnects(&self) -> ReconnectCount {
        ReconnectCount(self.lost.clone())
    }

    /// Closes the socket and waits for the task to end.
    pub async fn shutdown(self) {
        drop(self.commands);
        let _ = self.task.await;
    }
}

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// How one connection attempt ended.
enum Outcome {
    /// The consumer dropped the stream.
    Stopped,
    SignedOut,
    /// Try again; `live_for` is how long it was live, if it got that far.
    Lost {
        live_for: Option<Duration>,
    },
}

/// What a frame told the connection.
#[derive(Default)]
struct Signals {
    authenticated: bool,
    auth_refused: bool,
    refresh_auth: bool,
    auth_expired: bool,
}

/// The topic and everything that changes it, kept apart from the socket so a
/// wait on anything else can keep applying commands.
struct Subscriptions<T: Topic> {
    topic: T,
    commands: mpsc::UnboundedReceiver<T::Command>,
    ids: Ids,
}

impl<T: Topic> Subscriptions<T> {
    /// Runs `fut` while applying commands to the subscription set (they are
    /// sent with the next resubscribe). `None` when the stream was dropped.
    async fn during<F: Future>(&mut self, fut: F) -> Option<F::Output> {
        tokio::pin!(fut);
        loop {
            tokio::select! {
                out = &mut fut => return Some(out),
                command = self.commands.recv() => {
                    let command = command?;
                    self.topic.command(command, &mut self.ids);
                }
            }
        }
    }

    /// Reads one text frame: protocol messages become signals, the rest goes
    /// to the topic. Malformed lines are skipped and logged without content.
    fn ingest(&mut self, frame: &str, pending_auth: &mut Option<String>) -> Signals {
        let at = std::time::Instant::now();
        let mut signals = Signals::default();
        for line in wire::lines(frame) {
            let parsed = match serde_json::from_str::<Line<'_, T::Data<'_>>>(line) {
                Ok(parsed) => parsed,
                Err(e) => {
                    // The error's position and class only: its text could quote the line.
                    tracing::debug!(stream = T::NAME, class = ?e.classify(), column = e.column(), len = line.len(), "skipping a malformed message");
                    continue;
                }
            };
            let Some(payload) = parsed.payload.filter(|_| &*parsed.kind == "event") else {
                tracing::trace!(stream = T::NAME, kind = %printable(&parsed.kind, 20), "protocol message");
                continue;
            };
            let answers_auth = pending_auth.is_some() && payload.id.as_deref() == pending_auth.as_deref();
            match payload.action.as_deref().unwrap_or_default() {
                "authSuccess" if answers_auth || payload.id.is_none() => {
                    *pending_auth = None;
                    signals.authenticated = true;
                }
                "error" if answers_auth => {
                    *pending_auth = None;
                    signals.auth_refused = true;
                    let error = printable(payload.error.as_deref().unwrap_or_default(), 200);
                    tracing::warn!(stream = T::NAME, %error, "the server refused the access token");
                }
                "error" => {
                    let error = printable(payload.error.as_deref().unwrap_or_default(), 200);
                    tracing::warn!(stream = T::NAME, %error, "the server reported an error");
                }
                "refreshAuth" => signals.refresh_auth = true,
                "authExpired" => signals.auth_expired = true,
                "authRequired" | "authSuccess" => {}
                action => self.topic.event(action, payload.kind.as_deref(), payload.data, at),
            }
        }
        self.topic.frame_done();
        signals
    }
}

struct Task<T: Topic, S> {
    url: Url,
    tokens: S,
    config: StreamConfig,
    state: watch::Sender<ConnectionState>,
    /// Losses so far, shared with [`Connection::reconnects`].
    lost: Arc<AtomicU32>,
    subs: Subscriptions<T>,
}

impl<T: Topic, S: AccessTokens> Task<T, S> {
    async fn run(mut self) {
        let mut backoff = Backoff::new(self.config.backoff_initial, self.config.backoff_max);
        let mut refusals = 0;
        loop {
            match self.attempt(&mut refusals).await {
                Outcome::Stopped => return,
                Outcome::SignedOut => {
                    tracing::info!(stream = T::NAME, "signed out; the stream has stopped");
                    self.state.send_replace(ConnectionState::SignedOut);
                    return;
                }
                Outcome::Lost { live_for } => {
                    if live_for.is_some_and(|d| d >= self.config.healthy_after) {
                        backoff.reset();
                    }
                    let next_in = backoff.next_delay();
                    let attempt = backoff.attempt();
                    // Counted before the state is published, so a reader woken by it sees the new count.
                    self.lost.fetch_add(1, Ordering::SeqCst);
                    tracing::info!(stream = T::NAME, attempt, next_in_ms = next_in.as_millis() as u64, "reconnecting");
                    self.state.send_replace(ConnectionState::Reconnecting { attempt, next_in });
                    if self.subs.during(sleep(next_in)).await.is_none() {
                        return;
                    }
                }
            }
        }
    }

    /// Fetches a token while still taking commands, or says why not.
    async fn token(&mut self) -> Result<Secret, Outcome> {
        match self.subs.during(self.tokens.access_token()).await {
            None => Err(Outcome::Stopped),
            Some(result) => token_outcome::<T>(result),
        }
    }

    /// One connection, from the token fetch until it is lost.
    async fn attempt(&mut self, refusals: &mut u32) -> Outcome {
        let token = match self.token().await {
            Ok(token) => token,
            Err(outcome) => return outcome,
        };
        let deadline = Instant::now() + self.config.connect_timeout;
        let connect = timeout_at(deadline, tokio_tungstenite::connect_async(self.url.as_str()));
        let mut ws = match self.subs.during(connect).await {
            None => return Outcome::Stopped,
            Some(Ok(Ok((ws, _)))) => ws,
            Some(Ok(Err(e))) => {
                tracing::info!(stream = T::NAME, error = %e, "could not connect");
                return Outcome::Lost { live_for: None };
            }
            Some(Err(_)) => {
                tracing::info!(stream = T::NAME, "connecting timed out");
                return Outcome::Lost { live_for: None };
            }
        };

        let id = self.subs.ids.next("auth");
        if send(&mut ws, wire::auth(&id, &token), self.config.silence_timeout).await.is_err() {
            return Outcome::Lost { live_for: None };
        }
        let mut pending_auth = Some(id);
        loop {
            let frame = match self.subs.during(timeout_at(deadline, ws.next())).await {
                None => return Outcome::Stopped,
                Some(Ok(Some(Ok(Message::Text(text))))) => text,
                Some(Ok(Some(Ok(Message::Close(_)) | Err(_)) | None) | Err(_)) => {
                    tracing::info!(stream = T::NAME, "no answer to the authentication request");
                    return Outcome::Lost { live_for: None };
                }
                Some(Ok(Some(Ok(_)))) => continue,
            };
            let signals = self.subs.ingest(&frame, &mut pending_auth);
            if signals.auth_refused {
                self.tokens.rejected(&token).await;
                *refusals += 1;
                if *refusals >= MAX_AUTH_REFUSALS {
                    return Outcome::SignedOut;
                }
                return Outcome::Lost { live_for: None };
            }
            if signals.authenticated {
                break;
            }
        }
        *refusals = 0;
        drop(token); // wiped now: a re-auth fetches its own
        tracing::info!(stream = T::NAME, "live");
        self.state.send_replace(ConnectionState::Live);
        self.live(ws).await
    }

    /// The live session: until the socket is lost, the stream is dropped or the session ends.
    async fn live(&mut self, mut ws: Socket) -> Outcome {
        let live_since = Instant::now();
        let lost = || Outcome::Lost { live_for: Some(live_since.elapsed()) };
        let patience = self.config.silence_timeout;
        for message in self.subs.topic.resubscribe(&mut self.subs.ids) {
            if send(&mut ws, message, patience).await.is_err() {
                return lost();
            }
        }
        let mut ping = interval_at(live_since + self.config.ping_interval, self.config.ping_interval);
        ping.set_missed_tick_behavior(MissedTickBehavior::Delay);
        let mut last_frame = Instant::now();
        // One timer for the whole session, moved on only when it fires: a timer
        // made and dropped per frame cost about 6% of ingest (docs/benchmarks.md, "Tick ingest").
        let silence = sleep_until(last_frame + self.config.silence_timeout);
        tokio::pin!(silence);
        // A re-authentication in flight: its request id, and the token to
        // report if the server refuses it.
        let mut pending_auth: Option<String> = None;
        let mut reauth_token: Option<Secret> = None;
        loop {
            let outgoing: Vec<String> = tokio::select! {
                frame = ws.next() => {
                    last_frame = Instant::now();
                    let text = match frame {
                        Some(Ok(Message::Text(text))) => text,
                        Some(Ok(Message::Close(close))) => {
                            let code = close.map(|c| u16::from(c.code));
                            tracing::info!(stream = T::NAME, ?code, "the server closed the socket");
                            return lost();
                        }
                        Some(Ok(_)) => continue,
                        Some(Err(e)) => {
                            tracing::info!(stream = T::NAME, error = %e, "the socket failed");
                            return lost();
                        }
                        None => return lost(),
                    };
                    let signals = self.subs.ingest(&text, &mut pending_auth);
                    if signals.auth_expired {
                        tracing::info!(stream = T::NAME, "the server ended the session");
                        return lost();
                    }
                    if signals.auth_refused {
                        // The session still runs on the old token until it expires;
                        // a new connection sorts out which token works.
                        if let Some(token) = reauth_token.take() {
                            self.tokens.rejected(&token).await;
                        }
                        return lost();
                    }
                    if signals.authenticated {
                        reauth_token = None;
                        tracing::debug!(stream = T::NAME, "re-authenticated");
                    }
                    if !signals.refresh_auth {
                        continue;
                    }
                    // Commands wait meanwhile: what they send must go on this socket.
                    let token = match token_outcome::<T>(self.tokens.access_token().await) {
                        Ok(token) => token,
                        Err(Outcome::Lost { .. }) => continue, // authExpired will follow; reconnect then
                        Err(outcome) => {
                            let _ = timeout(patience, ws.close(None)).await;
                            return outcome;
                        }
                    };
                    let id = self.subs.ids.next("auth");
                    let message = wire::auth(&id, &token);
                    pending_auth = Some(id);
                    reauth_token = Some(token);
                    vec![message]
                }
                command = self.subs.commands.recv() => match command {
                    Some(command) => self.subs.topic.command(command, &mut self.subs.ids),
                    None => {
                        let _ = timeout(patience, ws.close(None)).await;
                        return Outcome::Stopped;
                    }
                },
                _ = ping.tick() => vec![wire::ping(&self.subs.ids.next("ping"))],
                _ = &mut silence => {
                    let deadline = last_frame + self.config.silence_timeout;
                    if deadline > Instant::now() {
                        silence.as_mut().reset(deadline);
                        continue;
                    }
                    tracing::info!(stream = T::NAME, silent_s = patience.as_secs(), "the socket went silent");
                    return lost();
                }
            };
            for message in outgoing {
                if send(&mut ws, message, patience).await.is_err() {
                    return lost();
                }
            }
        }
    }
}

/// A token, or what its absence means for the stream.
fn token_outcome<T: Topic>(result: crate::Result<Secret>) -> Result<Secret, Outcome> {
    match result {
        Ok(token) => Ok(token),
        Err(Error::SessionExpired) => Err(Outcome::SignedOut),
        Err(e) => {
            tracing::warn!(stream = T::NAME, error = %e, "no access token for the stream");
            Err(Outcome::Lost { live_for: None })
        }
    }
}

/// Sends one message; a send that cannot finish within `patience` means a dead socket.
async fn send(ws: &mut Socket, message: String, patience: Duration) -> Result<(), ()> {
    match timeout(patience, ws.send(Message::Text(message.into()))).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => {
            tracing::info!(error = %e, "sending on the socket failed");
            Err(())
        }
        Err(_) => {
            tracing::info!("sending on the socket timed out");
            Err(())
        }
    }
}
