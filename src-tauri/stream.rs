//! Live data to the window. Quotes: the stream writes a per-symbol book; a
//! pump reads what changed at most once per frame and sends one batch over a
//! Channel, so a burst of ticks costs one IPC message. Freshness is re-checked
//! every second so a symbol that goes quiet turns stale on screen even with
//! no new message. Account events are forwarded as they come, and both
//! sockets' states whenever one changes. Which pumps run is the subscription
//! registry's business (`subscriptions`).

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Duration;

use aries_client::stream::{AccountEvent, ConnectionState, QuoteBook, ReconnectCount};
use tokio::sync::{broadcast, watch};
use tokio::time::{Instant, sleep, sleep_until};

use crate::views::market::{
    ConnectionView, QUOTES_PER_BATCH, QuoteBatch, QuoteView, SocketView, StreamsView, wall_clock_ms,
};
use crate::views::orders::{AccountEventView, OrderView};

/// One display frame at 60 Hz: the most often a batch is sent.
pub const FRAME: Duration = Duration::from_millis(16);
/// How often freshness is re-checked when nothing arrives.
const STALE_CHECK: Duration = Duration::from_secs(1);

/// Sends quote batches for `symbols` to `send` until it returns false (the window went away).
pub async fn pump_quotes(
    book: Arc<QuoteBook>,
    mut state: watch::Receiver<ConnectionState>,
    symbols: BTreeSet<String>,
    mut send: impl FnMut(QuoteBatch) -> bool,
) {
    let mut changes = book.changes();
    let mut version = 0;
    let mut stale_sent: HashMap<String, bool> = HashMap::new();
    let mut connection_sent = None;
    let mut last_send = Instant::now() - FRAME;
    loop {
        sleep_until(last_send + FRAME).await;
        let (next, changed) = book.changed_since(version);
        version = next;
        let mut quotes: Vec<QuoteView> =
            changed.iter().filter(|(s, _)| symbols.contains(s)).map(|(s, q)| QuoteView::new(s, q)).collect();
        // Symbols that went stale (or fresh) without a message in between.
        for symbol in &symbols {
            if quotes.iter().any(|q| &q.symbol == symbol) {
                continue;
            }
            if let Some(quote) = book.get(symbol) {
                let view = QuoteView::new(symbol, &quote);
                if stale_sent.get(symbol) != Some(&view.stale) {
                    quotes.push(view);
                }
            }
        }
        let connection = ConnectionView::from(&*state.borrow_and_update());
        if !quotes.is_empty() || connection_sent != Some(connection) {
            for q in &quotes {
                stale_sent.insert(q.symbol.clone(), q.stale);
            }
            connection_sent = Some(connection);
            last_send = Instant::now();
            // A connection change alone is news too: then one batch without quotes.
            let chunks: Vec<&[QuoteView]> =
                if quotes.is_empty() { vec![&[]] } else { quotes.chunks(QUOTES_PER_BATCH).collect() };
            for chunk in chunks {
                if !send(QuoteBatch { quotes: chunk.iter().collect(), connection, sent_at_ms: wall_clock_ms() }) {
                    return;
                }
            }
        }
        tokio::select! {
            changed = changes.changed() => if changed.is_err() { return },
            changed = state.changed() => if changed.is_err() { return },
            _ = sleep(STALE_CHECK) => {}
        }
    }
}

/// One socket as the streams pump reads it.
pub struct Socket {
    pub state: watch::Receiver<ConnectionState>,
    pub reconnects: ReconnectCount,
}

impl Socket {
    fn view(&mut self) -> SocketView {
        SocketView { state: ConnectionView::from(&*self.state.borrow_and_update()), reconnects: self.reconnects.get() }
    }
}

/// A socket's view; `None` is one the sign-in's scopes do not allow, never connected.
fn view_of(socket: &mut Option<Socket>) -> SocketView {
    socket.as_mut().map_or(SocketView { state: ConnectionView::NotPermitted, reconnects: 0 }, Socket::view)
}

/// Resolves when the socket's state changes: `false` once its task is gone. A
/// socket that was never connected never changes.
async fn changed(socket: &mut Option<Socket>) -> bool {
    match socket {
        Some(s) => s.state.changed().await.is_ok(),
        None => std::future::pending().await,
    }
}

/// Sends both sockets' states and reconnect counts now and whenever either
/// changes, until `send` returns false or a socket's task is gone (signed out).
pub async fn pump_streams(
    mut market: Option<Socket>,
    mut account: Option<Socket>,
    mut send: impl FnMut(StreamsView) -> bool,
) {
    loop {
        if !send(StreamsView { market: view_of(&mut market), account: view_of(&mut account) }) {
            return;
        }
        let alive = tokio::select! {
            alive = changed(&mut market) => alive,
            alive = changed(&mut account) => alive,
        };
        if !alive {
            return;
        }
    }
}

/// Forwards the events of one account to `send` until it returns false or the stream ends.
pub async fn pump_account(
    account_id: String,
    mut events: broadcast::Receiver<AccountEvent>,
    mut send: impl FnMut(AccountEventView) -> bool,
) {
    loop {
        let event = match events.recv().await {
            Ok(event) => event,
            // Missed events: the next snapshot (or a reload) repairs the window's state.
            Err(broadcast::error::RecvError::Lagged(missed)) => {
                tracing::warn!(missed, "the window fell behind the account stream");
                continue;
            }
            Err(broadcast::error::RecvError::Closed) => return,
        };
        let Some(view) = account_view(&account_id, &event) else { continue };
        if !send(view) {
            return;
        }
    }
}

/// The event as the window sees it, if it belongs to `account_id`.
fn account_view(account_id: &str, event: &AccountEvent) -> Option<AccountEventView> {
    let mine = |id: Option<&String>| id.is_none_or(|id| id == account_id);
    match event {
        AccountEvent::Snapshot(s) if s.account_id == account_id => {
            Some(AccountEventView::Snapshot { orders: s.orders.iter().map(OrderView::from).collect() })
        }
        AccountEvent::Order(o) if mine(o.account_id.as_ref()) => Some(AccountEventView::Order { order: o.into() }),
        AccountEvent::Position(p) if mine(p.account_id.as_ref()) => {
            Some(AccountEventView::Position { position: p.into() })
        }
        AccountEvent::Balance(b) if mine(b.account_id.as_ref()) => {
            Some(AccountEventView::Balance { balances: b.into() })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aries_client::stream::QuoteFields;
    use std::sync::Mutex;

    fn last(price: f64) -> QuoteFields {
        QuoteFields { last: Some(price), ..QuoteFields::default() }
    }

    /// A burst of a thousand ticks reaches the window as a handful of batches
    /// carrying the latest price, and unwatched symbols never cross.
    #[tokio::test]
    async fn a_burst_is_coalesced_into_few_batches_with_the_latest_values() {
        let book = Arc::new(QuoteBook::default());
        let (_state_tx, state) = watch::channel(ConnectionState::Live);
        let batches = Arc::new(Mutex::new(Vec::<QuoteBatch>::new()));
        let sink = batches.clone();
        let symbols = BTreeSet::from(["AAPL".to_string()]);
        let pump = tokio::spawn(pump_quotes(book.clone(), state, symbols, move |b| {
            sink.lock().unwrap().push(b);
            true
        }));
        for i in 1..=1000 {
            book.apply_rest("AAPL", &last(100.0 + f64::from(i) / 100.0));
            book.apply_rest("MSFT", &last(400.0));
        }
        sleep(Duration::from_millis(200)).await;
        pump.abort();
        let batches = batches.lock().unwrap();
        let symbols: Vec<&String> = batches.iter().flat_map(|b| &b.quotes.symbol).collect();
        assert!(batches.len() <= 1 + 200 / 16 + 1, "one batch per frame at most, got {}", batches.len());
        assert!(symbols.iter().all(|s| *s == "AAPL"), "only the watched symbol crosses");
        let lasts: Vec<Option<f64>> = batches.iter().flat_map(|b| b.quotes.last.clone()).collect();
        assert_eq!(lasts.last(), Some(&Some(110.0)), "the latest price arrives");
        assert_eq!(batches[0].connection, ConnectionView::Live);
        // Each batch is stamped when it leaves, for the UI's tick-to-paint measurement.
        let now = wall_clock_ms();
        assert!(
            batches.iter().all(|b| b.sent_at_ms > now - 5_000.0 && b.sent_at_ms <= now),
            "stamped with the wall clock"
        );
        assert!(batches.windows(2).all(|w| w[1].sent_at_ms >= w[0].sent_at_ms + 15.0), "one frame apart at least");
    }

    /// A frame in which more symbols moved than one batch holds is sent as
    /// several batches, back to back, each small enough for one trip.
    #[tokio::test]
    async fn a_frame_of_many_changes_is_split_into_batches_that_together_carry_every_symbol() {
        let book = Arc::new(QuoteBook::default());
        let (_state_tx, state) = watch::channel(ConnectionState::Live);
        let symbols: BTreeSet<String> = (0..120).map(|i| format!("S{i:03}")).collect();
        for symbol in &symbols {
            book.apply_rest(symbol, &last(10.0));
        }
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let pump = tokio::spawn(pump_quotes(book, state, symbols.clone(), move |b| tx.send(b).is_ok()));
        let mut seen = BTreeSet::new();
        let mut sizes = Vec::new();
        while seen.len() < symbols.len() {
            let batch = tokio::time::timeout(Duration::from_secs(2), rx.recv()).await.expect("a batch").unwrap();
            sizes.push(batch.quotes.symbol.len());
            seen.extend(batch.quotes.symbol);
        }
        pump.abort();
        assert_eq!(seen, symbols);
        assert_eq!(sizes, [QUOTES_PER_BATCH, QUOTES_PER_BATCH, 120 - 2 * QUOTES_PER_BATCH]);
    }

    #[tokio::test]
    async fn a_connection_change_is_sent_even_without_quotes() {
        let book = Arc::new(QuoteBook::default());
        let (state_tx, state) = watch::channel(ConnectionState::Live);
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let pump = tokio::spawn(pump_quotes(book, state, BTreeSet::new(), move |b| tx.send(b).is_ok()));
        assert_eq!(rx.recv().await.unwrap().connection, ConnectionView::Live);
        state_tx.send(ConnectionState::Reconnecting { attempt: 1, next_in: Duration::from_secs(1) }).unwrap();
        let batch = rx.recv().await.unwrap();
        assert_eq!(batch.connection, ConnectionView::Reconnecting);
        assert!(batch.quotes.symbol.is_empty());
        pump.abort();
    }

    struct AnyToken;

    impl aries_client::AccessTokens for AnyToken {
        async fn access_token(&self) -> aries_client::Result<aries_client::Secret> {
            Ok(aries_client::Secret::new("t"))
        }
        async fn rejected(&self, _token: &aries_client::Secret) {}
    }

    /// The header shows each socket: a change on either is sent, with its count of losses.
    #[tokio::test]
    async fn both_sockets_states_are_sent_as_either_changes() {
        use aries_client::stream::StreamConfig;
        // Real streams (their counts come from their tasks) pointed at a port nobody listens on.
        let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url: url::Url = format!("ws://{}/", closed.local_addr().unwrap()).parse().unwrap();
        drop(closed);
        let config = StreamConfig {
            backoff_initial: Duration::from_millis(20),
            backoff_max: Duration::from_millis(40),
            ..StreamConfig::default()
        };
        let market = aries_client::stream::MarketStream::connect(url.clone(), AnyToken, config.clone());
        let (account_tx, account_state) = watch::channel(ConnectionState::Live);
        let idle = aries_client::stream::AccountStream::connect(url, AnyToken, config);
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let pump = tokio::spawn(pump_streams(
            Some(Socket { state: market.state(), reconnects: market.reconnects() }),
            Some(Socket { state: account_state, reconnects: idle.reconnects() }),
            move |v| tx.send(v).is_ok(),
        ));
        let first = rx.recv().await.unwrap();
        assert_eq!(first.account.state, ConnectionView::Live);
        // The market socket is refused again and again: each loss is counted and sent.
        let mut seen = first;
        while seen.market.reconnects < 3 {
            seen = tokio::time::timeout(Duration::from_secs(5), rx.recv()).await.expect("a change").unwrap();
            if seen.market.reconnects > 0 {
                assert_eq!(seen.market.state, ConnectionView::Reconnecting);
            }
        }
        account_tx.send(ConnectionState::SignedOut).unwrap();
        let signed_out = loop {
            let v = tokio::time::timeout(Duration::from_secs(5), rx.recv()).await.expect("a change").unwrap();
            if v.account.state == ConnectionView::SignedOut {
                break v;
            }
        };
        assert!(signed_out.market.reconnects >= 3, "the market's count is kept beside the account's change");
        drop(account_tx);
        tokio::time::timeout(Duration::from_secs(2), pump).await.expect("the pump ends with a socket's task").unwrap();
    }

    /// A socket the scopes do not allow reads "not permitted" and never ends the pump.
    #[tokio::test]
    async fn a_socket_never_connected_is_sent_as_not_permitted() {
        let (account_tx, account_state) = watch::channel(ConnectionState::Connecting);
        let count = aries_client::stream::AccountStream::connect(
            "ws://127.0.0.1:9/".parse().unwrap(),
            AnyToken,
            aries_client::stream::StreamConfig::default(),
        )
        .reconnects();
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let pump =
            tokio::spawn(pump_streams(None, Some(Socket { state: account_state, reconnects: count }), move |v| {
                tx.send(v).is_ok()
            }));
        let first = rx.recv().await.unwrap();
        assert_eq!(first.market, SocketView { state: ConnectionView::NotPermitted, reconnects: 0 });
        account_tx.send(ConnectionState::Live).unwrap();
        let next = tokio::time::timeout(Duration::from_secs(5), rx.recv()).await.expect("a change").unwrap();
        assert_eq!((next.market.state, next.account.state), (ConnectionView::NotPermitted, ConnectionView::Live));
        drop(account_tx);
        tokio::time::timeout(Duration::from_secs(2), pump)
            .await
            .expect("the pump ends with the account's task")
            .unwrap();
    }

    #[tokio::test]
    async fn the_pump_stops_when_the_window_is_gone() {
        let book = Arc::new(QuoteBook::default());
        let (_state_tx, state) = watch::channel(ConnectionState::Live);
        let pump = tokio::spawn(pump_quotes(book, state, BTreeSet::new(), |_| false));
        tokio::time::timeout(Duration::from_secs(2), pump).await.expect("ended").unwrap();
    }
}
