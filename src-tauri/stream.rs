//! Live data to the window. Quotes: the stream writes a per-symbol book, and
//! each panel reads it through a [`QuoteCursor`]: what changed for the
//! panel's symbols since its last reading, at most once per frame. The page
//! asks (`next_quotes`) for its window, and the answer is every panel's
//! reading in one batch (`subscriptions`), so a burst of ticks costs one IPC
//! answer and a busy page gets one fuller batch, never a queue.
//! An answer is data for the page's own request, which costs the web process
//! far less than a script Rust has it evaluate (docs/design.md "Quote delivery").
//! Freshness is re-checked every second so a symbol that goes quiet turns
//! stale on screen even with no new message. Account events are forwarded as
//! they come, and both sockets' states whenever one changes. Which panels
//! watch what is the subscription registry's business (`subscriptions`).

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Duration;

use aries_client::stream::{AccountEvent, ConnectionState, QuoteBook, ReconnectCount};
use tokio::sync::{broadcast, watch};
use tokio::time::{Instant, sleep, sleep_until};

use crate::views::market::{ConnectionView, QuoteBatch, QuoteView, SocketView, StreamsView, wall_clock_ms};
use crate::views::orders::{AccountEventView, OrderView};

/// One display frame at 60 Hz: the most often a panel gets a batch.
pub const FRAME: Duration = Duration::from_millis(16);
/// How often freshness is re-checked when nothing arrives.
const STALE_CHECK: Duration = Duration::from_secs(1);
/// The longest a pull waits without news: it is then answered with the
/// connection alone, so no request of the page's stays open for long.
pub const IDLE_ANSWER: Duration = Duration::from_secs(10);

/// One panel's reading of the quote book.
pub struct QuoteCursor {
    book: Arc<QuoteBook>,
    state: watch::Receiver<ConnectionState>,
    symbols: BTreeSet<String>,
    changes: watch::Receiver<u64>,
    version: u64,
    stale_sent: HashMap<String, bool>,
    connection_sent: Option<ConnectionView>,
    last_send: Instant,
    idle: Duration,
}

impl QuoteCursor {
    pub fn new(book: Arc<QuoteBook>, state: watch::Receiver<ConnectionState>, symbols: BTreeSet<String>) -> Self {
        let changes = book.changes();
        QuoteCursor {
            book,
            state,
            symbols,
            changes,
            version: 0,
            stale_sent: HashMap::new(),
            connection_sent: None,
            last_send: Instant::now() - FRAME,
            idle: IDLE_ANSWER,
        }
    }

    /// The panel's next reading, a frame after the previous one at the
    /// earliest: the first holds every watched quote the book has and the
    /// connection, later ones only what changed (a quote, its freshness, the
    /// connection), or the connection alone after [`IDLE_ANSWER`]. `None`
    /// once the stream is gone (signed out). Cancel-safe: what it read is
    /// only marked sent in the step that returns it.
    pub async fn next(&mut self) -> Option<Update> {
        loop {
            sleep_until(self.last_send + FRAME).await;
            if let Some(batch) = self.now() {
                return Some(batch);
            }
            tokio::select! {
                changed = self.changes.changed() => changed.ok()?,
                changed = self.state.changed() => changed.ok()?,
                _ = sleep(STALE_CHECK) => {}
                _ = sleep_until(self.last_send + self.idle) => {}
            }
        }
    }

    /// What is news since the last reading, as one; `None` when nothing is.
    pub fn now(&mut self) -> Option<Update> {
        let (next, changed) = self.book.changed_since(self.version);
        self.version = next;
        let mut quotes: Vec<QuoteView> =
            changed.iter().filter(|(s, _)| self.symbols.contains(s)).map(|(s, q)| QuoteView::new(s, q)).collect();
        // Symbols that went stale (or fresh) without a message in between.
        for symbol in &self.symbols {
            if quotes.iter().any(|q| &q.symbol == symbol) {
                continue;
            }
            if let Some(quote) = self.book.get(symbol) {
                let view = QuoteView::new(symbol, &quote);
                if self.stale_sent.get(symbol) != Some(&view.stale) {
                    quotes.push(view);
                }
            }
        }
        let connection = ConnectionView::from(&*self.state.borrow_and_update());
        let idle = self.last_send.elapsed() >= self.idle;
        if quotes.is_empty() && self.connection_sent == Some(connection) && !idle {
            return None;
        }
        for q in &quotes {
            self.stale_sent.insert(q.symbol.clone(), q.stale);
        }
        self.connection_sent = Some(connection);
        self.last_send = Instant::now();
        Some(Update { quotes, connection })
    }
}

/// One reading of the quote book: the quotes that changed and the connection.
#[derive(Debug)]
pub struct Update {
    pub quotes: Vec<QuoteView>,
    pub connection: ConnectionView,
}

impl Update {
    /// The connection alone.
    pub fn connection(state: &watch::Receiver<ConnectionState>) -> Self {
        Update { quotes: Vec::new(), connection: ConnectionView::from(&*state.borrow()) }
    }

    /// Adds a reading taken after this one: each symbol once, at its later value.
    pub fn merge(&mut self, later: Update) {
        for quote in later.quotes {
            match self.quotes.iter_mut().find(|q| q.symbol == quote.symbol) {
                Some(earlier) => *earlier = quote,
                None => self.quotes.push(quote),
            }
        }
        self.connection = later.connection;
    }

    /// The answer to the page, stamped as it leaves (the start of tick-to-paint).
    pub fn into_batch(self) -> QuoteBatch {
        QuoteBatch { quotes: self.quotes.iter().collect(), connection: self.connection, sent_at_ms: wall_clock_ms() }
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

    /// One reading as the page gets it.
    async fn pull(cursor: &mut QuoteCursor) -> Option<QuoteBatch> {
        cursor.next().await.map(Update::into_batch)
    }

    /// The page's loop: pulls batch after batch into `sink` until the cursor ends.
    fn pull_into(mut cursor: QuoteCursor, sink: Arc<Mutex<Vec<QuoteBatch>>>) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            while let Some(batch) = pull(&mut cursor).await {
                sink.lock().unwrap().push(batch);
            }
        })
    }

    /// A burst of a thousand ticks reaches the page as a handful of batches
    /// carrying the latest price, and unwatched symbols never cross.
    #[tokio::test]
    async fn a_burst_is_coalesced_into_few_batches_with_the_latest_values() {
        let book = Arc::new(QuoteBook::default());
        let (_state_tx, state) = watch::channel(ConnectionState::Live);
        let batches = Arc::new(Mutex::new(Vec::<QuoteBatch>::new()));
        let symbols = BTreeSet::from(["AAPL".to_string()]);
        let page = pull_into(QuoteCursor::new(book.clone(), state, symbols), batches.clone());
        for i in 1..=1000 {
            book.apply_rest("AAPL", &last(100.0 + f64::from(i) / 100.0));
            book.apply_rest("MSFT", &last(400.0));
        }
        sleep(Duration::from_millis(200)).await;
        page.abort();
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

    /// A page that was busy for a while gets one batch with each quote's
    /// latest value, not a queue of what it missed.
    #[tokio::test]
    async fn a_page_that_pulls_late_gets_one_batch_with_the_latest_values() {
        let book = Arc::new(QuoteBook::default());
        let (_state_tx, state) = watch::channel(ConnectionState::Live);
        let symbols: BTreeSet<String> = (0..120).map(|i| format!("S{i:03}")).collect();
        let mut cursor = QuoteCursor::new(book.clone(), state, symbols.clone());
        assert!(pull(&mut cursor).await.unwrap().quotes.symbol.is_empty(), "first, the connection: the book is empty");
        for round in 1..=50 {
            for symbol in &symbols {
                book.apply_rest(symbol, &last(f64::from(round)));
            }
            sleep(Duration::from_millis(2)).await;
        }
        let batch = pull(&mut cursor).await.unwrap();
        assert_eq!(batch.quotes.symbol.iter().cloned().collect::<BTreeSet<_>>(), symbols, "every symbol");
        assert_eq!(batch.quotes.symbol.len(), symbols.len(), "each once");
        assert!(batch.quotes.last.iter().all(|l| *l == Some(50.0)), "at its latest price");
        let quiet = tokio::time::timeout(Duration::from_millis(300), pull(&mut cursor)).await;
        assert!(quiet.is_err(), "and nothing more until something changes: {quiet:?}");
    }

    #[tokio::test]
    async fn a_connection_change_is_sent_even_without_quotes() {
        let book = Arc::new(QuoteBook::default());
        let (state_tx, state) = watch::channel(ConnectionState::Live);
        let mut cursor = QuoteCursor::new(book, state, BTreeSet::new());
        assert_eq!(pull(&mut cursor).await.unwrap().connection, ConnectionView::Live);
        state_tx.send(ConnectionState::Reconnecting { attempt: 1, next_in: Duration::from_secs(1) }).unwrap();
        let batch = pull(&mut cursor).await.unwrap();
        assert_eq!(batch.connection, ConnectionView::Reconnecting);
        assert!(batch.quotes.symbol.is_empty());
    }

    /// A quiet market still answers the page's request, with the connection,
    /// so no request waits without end; a quote that moves is sent at once.
    #[tokio::test]
    async fn a_quiet_pull_is_answered_with_the_connection_after_the_idle_time() {
        let book = Arc::new(QuoteBook::default());
        book.apply_rest("AAPL", &last(1.0));
        let (_state_tx, state) = watch::channel(ConnectionState::Live);
        let symbols = BTreeSet::from(["AAPL".to_string()]);
        let mut cursor =
            QuoteCursor { idle: Duration::from_millis(300), ..QuoteCursor::new(book.clone(), state, symbols) };
        assert_eq!(pull(&mut cursor).await.unwrap().quotes.symbol, ["AAPL"]);
        let asked = Instant::now();
        let idle = tokio::time::timeout(Duration::from_secs(2), pull(&mut cursor)).await.expect("answered").unwrap();
        assert!(asked.elapsed() >= Duration::from_millis(280), "not before the idle time: {:?}", asked.elapsed());
        assert!(idle.quotes.symbol.is_empty());
        assert_eq!(idle.connection, ConnectionView::Live);
        let asked = Instant::now();
        book.apply_rest("AAPL", &last(2.0));
        assert_eq!(pull(&mut cursor).await.unwrap().quotes.last, [Some(2.0)]);
        assert!(asked.elapsed() < Duration::from_millis(200), "a change does not wait: {:?}", asked.elapsed());
    }

    #[tokio::test]
    async fn the_cursor_ends_with_the_stream() {
        let book = Arc::new(QuoteBook::default());
        let (state_tx, state) = watch::channel(ConnectionState::Live);
        let mut cursor = QuoteCursor::new(book, state, BTreeSet::new());
        assert!(pull(&mut cursor).await.is_some());
        drop(state_tx);
        let end = tokio::time::timeout(Duration::from_secs(2), pull(&mut cursor)).await.expect("ended");
        assert!(end.is_none());
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
}
