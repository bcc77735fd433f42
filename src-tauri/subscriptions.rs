//! The one registry of live subscriptions, keyed by window and panel. Each
//! panel (a watchlist, a chart, the blotter, the header's socket states) subscribes under its own id:
//! a quote panel gets a feed (its reading of the quote book), the others a
//! pump that pushes; the market stream is subscribed to the union of every
//! panel's symbols, so dropping one panel never drops a symbol another still
//! watches. A panel's feed or pump ends when the panel subscribes again, when
//! it unsubscribes, when its window closes, and at sign-out. The tray ticker
//! is a panel too, with no window and no feed: it reads the quote book.
//!
//! The page pulls quotes for its whole window, not per panel: one answer
//! holds what every quote panel of the window has news of, so one tick that
//! moves the chart and the watchlist is applied once and painted in one frame
//! (docs/design.md "Quote delivery").

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use aries_client::stream::{ConnectionState, MarketStream, QuoteFields};
use futures_util::future::select_all;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::error::AppResult;
use crate::session::{Connected, Desk};
use crate::stream::{IDLE_ANSWER, QuoteCursor, Update};
use crate::views::market::QuoteBatch;

/// One panel of one window.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PanelKey {
    pub window: String,
    pub panel: String,
}

impl PanelKey {
    pub fn new(window: &str, panel: &str) -> Self {
        PanelKey { window: window.to_string(), panel: panel.to_string() }
    }
}

/// How the union of watched symbols changed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Diff {
    pub added: BTreeSet<String>,
    pub removed: BTreeSet<String>,
}

/// The pure bookkeeping: which panel watches what, the handle of each
/// panel's pump (`H`; dropping it must stop the pump) and of each quote
/// panel's feed (`F`; dropping it must end the feed).
pub struct Registry<H, F = H> {
    quotes: HashMap<PanelKey, (BTreeSet<String>, F)>,
    accounts: HashMap<PanelKey, H>,
    streams: HashMap<PanelKey, H>,
}

impl<H, F> Default for Registry<H, F> {
    fn default() -> Self {
        Registry { quotes: HashMap::new(), accounts: HashMap::new(), streams: HashMap::new() }
    }
}

impl<H, F> Registry<H, F> {
    /// Every symbol some panel watches.
    pub fn symbols(&self) -> BTreeSet<String> {
        self.quotes.values().flat_map(|(symbols, _)| symbols.iter().cloned()).collect()
    }

    /// Sets the panel's symbols and feed, replacing (and so ending) its previous one.
    pub fn watch_quotes(&mut self, key: PanelKey, symbols: BTreeSet<String>, feed: F) -> Diff {
        self.changing(|r| {
            r.quotes.insert(key, (symbols, feed));
        })
    }

    /// The current feeds of the window's quote panels.
    pub fn window_feeds<'a>(&'a self, window: &'a str) -> impl Iterator<Item = &'a F> {
        self.quotes.iter().filter(move |(key, _)| key.window == window).map(|(_, (_, feed))| feed)
    }

    pub fn unwatch_quotes(&mut self, key: &PanelKey) -> Diff {
        self.changing(|r| {
            r.quotes.remove(key);
        })
    }

    /// Sets the panel's account pump, replacing (and so stopping) the previous
    /// one: switching accounts leaves no pump behind.
    pub fn watch_account(&mut self, key: PanelKey, pump: H) {
        self.accounts.insert(key, pump);
    }

    /// Sets the panel's pump of socket states, replacing (and so stopping) the previous one.
    pub fn watch_streams(&mut self, key: PanelKey, pump: H) {
        self.streams.insert(key, pump);
    }

    /// Everything a window had: it closed.
    pub fn close_window(&mut self, window: &str) -> Diff {
        self.changing(|r| {
            r.quotes.retain(|k, _| k.window != window);
            r.accounts.retain(|k, _| k.window != window);
            r.streams.retain(|k, _| k.window != window);
        })
    }

    /// Everything: the session ended.
    pub fn clear(&mut self) -> Diff {
        self.changing(|r| {
            r.quotes.clear();
            r.accounts.clear();
            r.streams.clear();
        })
    }

    fn changing(&mut self, change: impl FnOnce(&mut Self)) -> Diff {
        let before = self.symbols();
        change(self);
        let after = self.symbols();
        Diff {
            added: after.difference(&before).cloned().collect(),
            removed: before.difference(&after).cloned().collect(),
        }
    }
}

/// A spawned pump, aborted when dropped.
pub struct Pump(JoinHandle<()>);

impl Drop for Pump {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// One subscription of a quote panel: its reading of the quote book.
pub struct QuoteFeed {
    cursor: tokio::sync::Mutex<QuoteCursor>,
    /// Closed when the registry lets go of the feed.
    open: watch::Receiver<()>,
}

impl QuoteFeed {
    /// The panel's next reading; `None` once the subscription is over (the
    /// panel subscribed again or closed, its window closed, signed out).
    /// Cancel-safe, as the cursor is.
    pub async fn next(&self) -> Option<Update> {
        let mut open = self.open.clone();
        tokio::select! {
            biased;
            _ = open.changed() => None,
            update = async { self.cursor.lock().await.next().await } => update,
        }
    }

    /// What the panel has news of right now, without waiting for its frame:
    /// read beside another panel's answer, so both go in one. `None` when it
    /// has none, its subscription is over, or a pull holds it.
    pub fn now(&self) -> Option<Update> {
        if self.open.has_changed().unwrap_or(true) {
            return None;
        }
        self.cursor.try_lock().ok()?.now()
    }
}

/// The registry's hold on a feed: dropping it ends the feed's pulls, the waiting one included.
pub struct FeedHandle {
    feed: Arc<QuoteFeed>,
    _open: watch::Sender<()>,
}

impl FeedHandle {
    fn new(cursor: QuoteCursor) -> Self {
        let (open_tx, open) = watch::channel(());
        FeedHandle { feed: Arc::new(QuoteFeed { cursor: tokio::sync::Mutex::new(cursor), open }), _open: open_tx }
    }
}

/// The desk's registry, applied to the session's market stream.
pub struct Subscriptions {
    registry: Mutex<Registry<Pump, Option<FeedHandle>>>,
    /// The session's number, raised at sign-out; every change of a quote
    /// panel notifies too, so a waiting window pull reads its panels anew.
    changes: watch::Sender<u64>,
    /// Each window's page number, raised when the window closes or its page
    /// loads again: a pull of the old page still waiting ends, rather than
    /// take the new page's first batch to a page that is gone.
    pages: Mutex<HashMap<String, u64>>,
}

impl Default for Subscriptions {
    fn default() -> Self {
        Subscriptions { registry: Mutex::default(), changes: watch::Sender::new(0), pages: Mutex::default() }
    }
}

impl Subscriptions {
    /// Sets what a panel watches: REST quotes paint at once for symbols the
    /// stream has not delivered yet and the stream keeps them current; the
    /// window's next pull carries them.
    pub async fn watch_quotes(
        &self,
        desk: &Desk,
        connected: Arc<Connected>,
        key: PanelKey,
        symbols: BTreeSet<String>,
    ) -> AppResult<()> {
        let market = prime(desk, &connected, &symbols).await?;
        let feed = FeedHandle::new(QuoteCursor::new(market.book().clone(), market.state(), symbols.clone()));
        self.set(&connected, key, symbols, Some(feed));
        Ok(())
    }

    /// [`Self::watch_quotes`] for the tray ticker, which reads the quote book and needs no feed.
    pub async fn watch_ticker(
        &self,
        desk: &Desk,
        connected: Arc<Connected>,
        key: PanelKey,
        symbols: BTreeSet<String>,
    ) -> AppResult<()> {
        prime(desk, &connected, &symbols).await?;
        self.set(&connected, key, symbols, None);
        Ok(())
    }

    fn set(&self, connected: &Connected, key: PanelKey, symbols: BTreeSet<String>, feed: Option<FeedHandle>) {
        apply(connected, &self.register(key, symbols, feed));
    }

    /// Puts the panel's subscription in the registry, and has the window's waiting pull read its panels anew.
    fn register(&self, key: PanelKey, symbols: BTreeSet<String>, feed: Option<FeedHandle>) -> Diff {
        let diff = lock(&self.registry).watch_quotes(key, symbols, feed);
        self.changes.send_modify(|_| {});
        diff
    }

    /// The window's next batch: what its quote panels have news of, read at
    /// once from each, each symbol once. It waits for the first panel with
    /// news (a frame after its last answer at the earliest, `stream.rs`), and
    /// reads the panels anew whenever one subscribes, changes or ends. With
    /// no quote panel it answers the connection (`state`) alone after the
    /// idle time. `None` once the session has ended, or the window's page
    /// has gone (closed or loaded again).
    pub async fn next_quotes(&self, window: &str, state: &watch::Receiver<ConnectionState>) -> Option<QuoteBatch> {
        let mut changes = self.changes.subscribe();
        let session = *changes.borrow_and_update();
        let page = self.page(window);
        let idle = tokio::time::sleep(IDLE_ANSWER);
        tokio::pin!(idle);
        loop {
            if *changes.borrow_and_update() != session || self.page(window) != page {
                return None;
            }
            let feeds: Vec<Arc<QuoteFeed>> =
                lock(&self.registry).window_feeds(window).flatten().map(|f| f.feed.clone()).collect();
            if feeds.is_empty() {
                tokio::select! {
                    changed = changes.changed() => changed.ok()?,
                    _ = &mut idle => return Some(Update::connection(state).into_batch()),
                }
                continue;
            }
            let first = tokio::select! {
                biased;
                changed = changes.changed() => {
                    changed.ok()?;
                    continue;
                }
                (update, _, _) = select_all(feeds.iter().map(|f| Box::pin(f.next()))) => update,
            };
            // A feed that ended was replaced or closed: `changes` has noticed, and the panels are read anew.
            let Some(mut update) = first else { continue };
            for more in feeds.iter().filter_map(|feed| feed.now()) {
                update.merge(more);
            }
            return Some(update.into_batch());
        }
    }

    pub fn unwatch_quotes(&self, connected: Option<&Connected>, key: &PanelKey) {
        let diff = lock(&self.registry).unwatch_quotes(key);
        if let Some(c) = connected {
            apply(c, &diff);
        }
        self.changes.send_modify(|_| {});
    }

    pub fn watch_account(&self, key: PanelKey, pump: JoinHandle<()>) {
        lock(&self.registry).watch_account(key, Pump(pump));
    }

    pub fn watch_streams(&self, key: PanelKey, pump: JoinHandle<()>) {
        lock(&self.registry).watch_streams(key, Pump(pump));
    }

    /// Ends everything the window's page had: its panels, its pumps and its
    /// waiting pull. Called when the window closes and when its page loads again.
    pub fn close_window(&self, connected: Option<&Connected>, window: &str) {
        let diff = lock(&self.registry).close_window(window);
        if let Some(c) = connected {
            apply(c, &diff);
        }
        *lock(&self.pages).entry(window.to_string()).or_default() += 1;
        self.changes.send_modify(|_| {});
    }

    fn page(&self, window: &str) -> u64 {
        lock(&self.pages).get(window).copied().unwrap_or_default()
    }

    /// Ends every feed and pump (sign-out; the market stream goes with the session).
    pub fn clear(&self) {
        lock(&self.registry).clear();
        self.changes.send_modify(|session| *session += 1);
    }
}

/// Puts Aries's REST quote in the book for each of `symbols` the stream has not delivered yet.
async fn prime<'a>(desk: &Desk, connected: &'a Connected, symbols: &BTreeSet<String>) -> AppResult<&'a MarketStream> {
    let market = connected.market_stream()?;
    let missing: Vec<&str> = symbols.iter().filter(|s| market.book().get(s).is_none()).map(String::as_str).collect();
    if !missing.is_empty() {
        let response = crate::commands::checked(desk, connected.client.quotes(&missing).await).await?;
        for item in &response.items {
            if let Ok(v) = item.quote() {
                let fields = QuoteFields {
                    last: v.lp,
                    bid: v.bid,
                    ask: v.ask,
                    change: v.ch,
                    change_percent: v.chp,
                    volume: v.volume,
                    ..QuoteFields::default()
                };
                market.book().apply_rest(&item.symbol, &fields);
            }
        }
    }
    Ok(market)
}

fn apply(connected: &Connected, diff: &Diff) {
    // A session without a market stream registered no quotes to send it.
    if let Some(market) = &connected.market {
        market.unsubscribe(diff.removed.iter());
        market.subscribe(&diff.added);
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use aries_client::stream::QuoteBook;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    /// A pump handle that counts how many pumps were stopped.
    struct Counted(Arc<AtomicUsize>);

    impl Drop for Counted {
        fn drop(&mut self) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    fn set(symbols: &[&str]) -> BTreeSet<String> {
        symbols.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_union_grows_and_shrinks_only_by_what_no_other_panel_watches() {
        let mut r = Registry::<()>::default();
        let list = PanelKey::new("main", "watchlist");
        let chart = PanelKey::new("main", "chart");
        assert_eq!(r.watch_quotes(list.clone(), set(&["AAPL", "MSFT"]), ()).added, set(&["AAPL", "MSFT"]));
        // The chart overlaps the watchlist: only its new symbol is added.
        let diff = r.watch_quotes(chart.clone(), set(&["AAPL", "SPY"]), ());
        assert_eq!(diff, Diff { added: set(&["SPY"]), removed: set(&[]) });
        // The watchlist drops AAPL, which the chart still watches: nothing leaves the stream but MSFT.
        let diff = r.watch_quotes(list.clone(), set(&["AAPL"]), ());
        assert_eq!(diff, Diff { added: set(&[]), removed: set(&["MSFT"]) });
        assert_eq!(r.unwatch_quotes(&list), Diff::default());
        assert_eq!(r.unwatch_quotes(&chart).removed, set(&["AAPL", "SPY"]));
        assert!(r.symbols().is_empty());
    }

    #[test]
    fn a_closed_window_takes_its_panels_and_nothing_of_another_windows() {
        let mut r = Registry::<()>::default();
        r.watch_quotes(PanelKey::new("main", "watchlist"), set(&["AAPL", "MSFT"]), ());
        r.watch_quotes(PanelKey::new("chart-2", "chart"), set(&["MSFT", "NVDA"]), ());
        let diff = r.close_window("chart-2");
        assert_eq!(diff, Diff { added: set(&[]), removed: set(&["NVDA"]) });
        assert_eq!(r.symbols(), set(&["AAPL", "MSFT"]));
    }

    /// A pull left waiting on a feed ends (`None`) as soon as the registry
    /// lets go of the feed, so no reading outlives its subscription.
    #[tokio::test]
    async fn a_waiting_pull_ends_when_its_panel_subscribes_anew_or_its_window_closes() {
        let market = Market::new();
        let current = |r: &Registry<(), Option<FeedHandle>>| {
            r.window_feeds("main").next().and_then(|f| f.as_ref()).map(|f| f.feed.clone()).expect("a feed")
        };
        let waiting = |feed: Arc<QuoteFeed>| {
            tokio::spawn(async move {
                assert!(feed.next().await.is_some(), "first the connection");
                feed.next().await.map(|u| u.quotes.len())
            })
        };
        let ends = |pull: tokio::task::JoinHandle<Option<usize>>| async {
            tokio::time::timeout(Duration::from_secs(1), pull).await.expect("ends").unwrap()
        };
        let mut r = Registry::<(), Option<FeedHandle>>::default();
        let list = PanelKey::new("main", "watchlist");
        r.watch_quotes(list.clone(), set(&["AAPL"]), market.feed(&["AAPL"]));
        let first = current(&r);
        let pull = waiting(first.clone());
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert!(!pull.is_finished(), "nothing changed: the pull waits");
        r.watch_quotes(list.clone(), set(&["MSFT"]), market.feed(&["MSFT"]));
        assert_eq!(ends(pull).await, None, "the old subscription's pull is over");
        assert!(!Arc::ptr_eq(&current(&r), &first), "the new subscription has its own feed");
        let pull = waiting(current(&r));
        tokio::time::sleep(Duration::from_millis(100)).await;
        r.close_window("main");
        assert_eq!(ends(pull).await, None, "the window closed");
    }

    /// A quote book with three priced symbols and a live stream, as the panels' feeds read it.
    struct Market {
        book: Arc<QuoteBook>,
        state: watch::Receiver<ConnectionState>,
        _stream: watch::Sender<ConnectionState>,
    }

    impl Market {
        fn new() -> Self {
            let book = Arc::new(QuoteBook::default());
            for (symbol, last) in [("AAPL", 190.0), ("MSFT", 410.0), ("NVDA", 120.0)] {
                book.apply_rest(symbol, &QuoteFields { last: Some(last), ..QuoteFields::default() });
            }
            let (stream, state) = watch::channel(ConnectionState::Live);
            Market { book, state, _stream: stream }
        }

        /// A panel's feed over `symbols`.
        fn feed(&self, symbols: &[&str]) -> Option<FeedHandle> {
            Some(FeedHandle::new(QuoteCursor::new(self.book.clone(), self.state.clone(), set(symbols))))
        }

        /// `window`'s quote pull on `subs`, left to run.
        fn pull(&self, subs: &Arc<Subscriptions>, window: &'static str) -> tokio::task::JoinHandle<Option<QuoteBatch>> {
            let (subs, state) = (subs.clone(), self.state.clone());
            tokio::spawn(async move { subs.next_quotes(window, &state).await })
        }
    }

    fn symbols_of(batch: &QuoteBatch) -> Vec<&str> {
        let mut symbols: Vec<&str> = batch.quotes.symbol.iter().map(String::as_str).collect();
        symbols.sort();
        symbols
    }

    /// One tick that moves the chart's symbol and the watchlist's reaches the
    /// page as one answer, each symbol once, and never another window's.
    #[tokio::test]
    async fn a_window_pull_carries_every_panel_of_the_window_in_one_answer() {
        let market = Market::new();
        let (book, state) = (&market.book, &market.state);
        let subs = Subscriptions::default();
        subs.register(PanelKey::new("main", "watchlist"), set(&["AAPL", "MSFT"]), market.feed(&["AAPL", "MSFT"]));
        subs.register(PanelKey::new("main", "chart"), set(&["AAPL"]), market.feed(&["AAPL"]));
        subs.register(PanelKey::new("other", "chart"), set(&["NVDA"]), market.feed(&["NVDA"]));
        let first = subs.next_quotes("main", state).await.expect("signed in");
        assert_eq!(symbols_of(&first), ["AAPL", "MSFT"], "both panels' first readings, AAPL once");

        book.apply_rest("AAPL", &QuoteFields { last: Some(191.0), ..QuoteFields::default() });
        let tick = subs.next_quotes("main", state).await.expect("signed in");
        assert_eq!(symbols_of(&tick), ["AAPL"]);
        assert_eq!(tick.quotes.last, [Some(191.0)]);
        let quiet = tokio::time::timeout(Duration::from_millis(200), subs.next_quotes("main", state)).await;
        assert!(quiet.is_err(), "the chart's reading of the same tick came in that answer, not in a second one");
        assert_eq!(symbols_of(&subs.next_quotes("other", state).await.unwrap()), ["NVDA"]);
    }

    /// A page loaded again ends its window's old page: the old page's waiting
    /// pull ends at once, so the new page's first answer (every quote of its
    /// panels) goes to the new page, not to the one that is gone.
    #[tokio::test]
    async fn a_page_loaded_again_ends_the_old_pages_waiting_pull() {
        let market = Market::new();
        let state = &market.state;
        let subs = Arc::new(Subscriptions::default());
        subs.register(PanelKey::new("main", "chart"), set(&["AAPL"]), market.feed(&["AAPL"]));
        subs.register(PanelKey::new("other", "chart"), set(&["NVDA"]), market.feed(&["NVDA"]));
        subs.next_quotes("main", state).await.expect("the first reading");
        subs.next_quotes("other", state).await.expect("the first reading");
        let (old, other) = (market.pull(&subs, "main"), market.pull(&subs, "other"));
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert!(!old.is_finished(), "no news: the pull waits");
        subs.close_window(None, "main"); // the page starts loading again
        let old = tokio::time::timeout(Duration::from_secs(1), old).await.expect("the old pull ended").unwrap();
        assert_eq!(old, None);
        assert!(!other.is_finished(), "another window's pull is not touched");
        // The new page subscribes its panel and pulls: the whole first reading is its own.
        subs.register(PanelKey::new("main", "chart"), set(&["AAPL"]), market.feed(&["AAPL"]));
        assert_eq!(symbols_of(&subs.next_quotes("main", state).await.expect("signed in")), ["AAPL"]);
        other.abort();
    }

    /// A pull waiting with no panel, or on panels with no news, answers at
    /// once when a panel subscribes; sign-out ends it.
    #[tokio::test]
    async fn a_waiting_window_pull_takes_a_new_panel_at_once_and_ends_at_sign_out() {
        let market = Market::new();
        let subs = Arc::new(Subscriptions::default());
        let answered = |pull: tokio::task::JoinHandle<Option<QuoteBatch>>| async {
            tokio::time::timeout(Duration::from_secs(1), pull).await.expect("answered at once").unwrap()
        };
        let waiting = market.pull(&subs, "main");
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert!(!waiting.is_finished(), "no panel yet: the pull waits");
        subs.register(PanelKey::new("main", "chart"), set(&["AAPL"]), market.feed(&["AAPL"]));
        assert_eq!(symbols_of(&answered(waiting).await.expect("signed in")), ["AAPL"]);

        let waiting = market.pull(&subs, "main");
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert!(!waiting.is_finished(), "no news: the pull waits");
        subs.register(PanelKey::new("main", "watchlist"), set(&["MSFT"]), market.feed(&["MSFT"]));
        assert_eq!(symbols_of(&answered(waiting).await.expect("signed in")), ["MSFT"], "the new panel's first reading");

        let waiting = market.pull(&subs, "main");
        tokio::time::sleep(Duration::from_millis(100)).await;
        subs.clear();
        assert_eq!(answered(waiting).await, None, "signed out");
    }

    #[test]
    fn every_replaced_or_closed_pump_is_stopped() {
        let stopped = Arc::new(AtomicUsize::new(0));
        let pump = || Counted(stopped.clone());
        let mut r = Registry::default();
        let blotter = PanelKey::new("main", "blotter");
        // Switching accounts: the previous account's pump stops at once, not at sign-out.
        r.watch_account(blotter.clone(), pump());
        r.watch_account(blotter.clone(), pump());
        assert_eq!(stopped.load(Ordering::SeqCst), 1);
        r.watch_quotes(PanelKey::new("main", "watchlist"), set(&["AAPL"]), pump());
        r.watch_quotes(PanelKey::new("main", "watchlist"), set(&["MSFT"]), pump());
        assert_eq!(stopped.load(Ordering::SeqCst), 2, "a panel's new subscription stops its old pump");
        let header = PanelKey::new("main", "header");
        r.watch_streams(header.clone(), pump());
        r.watch_streams(header, pump());
        assert_eq!(stopped.load(Ordering::SeqCst), 3, "the header's new subscription stops its old pump");
        r.watch_quotes(PanelKey::new("other", "watchlist"), set(&["SPY"]), pump());
        r.watch_streams(PanelKey::new("other", "header"), pump());
        r.close_window("main");
        assert_eq!(stopped.load(Ordering::SeqCst), 6, "the window's quote, account and streams pumps");
        r.clear();
        assert_eq!(stopped.load(Ordering::SeqCst), 8);
        assert!(r.symbols().is_empty());
    }
}
