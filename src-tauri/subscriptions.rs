//! The one registry of live subscriptions, keyed by window and panel. Each
//! panel (a watchlist, a chart, the blotter, the header's socket states) subscribes under its own id:
//! a quote panel gets a feed it pulls its batches from, the others a pump
//! that pushes; the market stream is subscribed to the union of every
//! panel's symbols, so dropping one panel never drops a symbol another still
//! watches. A panel's feed or pump ends when the panel subscribes again, when
//! it unsubscribes, when its window closes, and at sign-out. The tray ticker
//! is a panel too, with no window and no feed: it reads the quote book.

use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use aries_client::stream::{MarketStream, QuoteFields};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::error::AppResult;
use crate::session::{Connected, Desk};
use crate::stream::QuoteCursor;
use crate::views::market::{QuoteBatch, WatchId};

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

    /// The panel's current feed.
    pub fn feed(&self, key: &PanelKey) -> Option<&F> {
        self.quotes.get(key).map(|(_, feed)| feed)
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

/// One subscription of a quote panel: the page pulls its batches from it
/// (`next_quotes`), naming the subscription, so a panel that subscribed
/// anew cannot be handed batches by its old loop.
pub struct QuoteFeed {
    pub id: WatchId,
    cursor: tokio::sync::Mutex<QuoteCursor>,
    /// Closed when the registry lets go of the feed.
    open: watch::Receiver<()>,
}

impl QuoteFeed {
    /// The panel's next batch; `None` once the subscription is over (the
    /// panel subscribed again or closed, its window closed, signed out).
    pub async fn next(&self) -> Option<QuoteBatch> {
        let mut open = self.open.clone();
        tokio::select! {
            biased;
            _ = open.changed() => None,
            batch = async { self.cursor.lock().await.next().await } => batch,
        }
    }
}

/// The registry's hold on a feed: dropping it ends the feed's pulls, the waiting one included.
pub struct FeedHandle {
    feed: Arc<QuoteFeed>,
    _open: watch::Sender<()>,
}

impl FeedHandle {
    fn new(cursor: QuoteCursor) -> Self {
        static NEXT: AtomicU32 = AtomicU32::new(1);
        let (open_tx, open) = watch::channel(());
        let id = WatchId(NEXT.fetch_add(1, Ordering::Relaxed));
        FeedHandle { feed: Arc::new(QuoteFeed { id, cursor: tokio::sync::Mutex::new(cursor), open }), _open: open_tx }
    }
}

/// The desk's registry, applied to the session's market stream.
#[derive(Default)]
pub struct Subscriptions {
    registry: Mutex<Registry<Pump, Option<FeedHandle>>>,
}

impl Subscriptions {
    /// Sets what a panel watches: REST quotes paint at once for symbols the
    /// stream has not delivered yet and the stream keeps them current. The
    /// answer is the id of the panel's new feed, to pull its batches with.
    pub async fn watch_quotes(
        &self,
        desk: &Desk,
        connected: Arc<Connected>,
        key: PanelKey,
        symbols: BTreeSet<String>,
    ) -> AppResult<WatchId> {
        let market = prime(desk, &connected, &symbols).await?;
        let feed = FeedHandle::new(QuoteCursor::new(market.book().clone(), market.state(), symbols.clone()));
        let id = feed.feed.id;
        self.set(&connected, key, symbols, Some(feed));
        Ok(id)
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
        let diff = lock(&self.registry).watch_quotes(key, symbols, feed);
        apply(connected, &diff);
    }

    /// The panel's feed, if `id` is still its subscription.
    pub fn feed(&self, key: &PanelKey, id: WatchId) -> Option<Arc<QuoteFeed>> {
        let registry = lock(&self.registry);
        registry.feed(key)?.as_ref().filter(|f| f.feed.id == id).map(|f| f.feed.clone())
    }

    pub fn unwatch_quotes(&self, connected: Option<&Connected>, key: &PanelKey) {
        let diff = lock(&self.registry).unwatch_quotes(key);
        if let Some(c) = connected {
            apply(c, &diff);
        }
    }

    pub fn watch_account(&self, key: PanelKey, pump: JoinHandle<()>) {
        lock(&self.registry).watch_account(key, Pump(pump));
    }

    pub fn watch_streams(&self, key: PanelKey, pump: JoinHandle<()>) {
        lock(&self.registry).watch_streams(key, Pump(pump));
    }

    pub fn close_window(&self, connected: Option<&Connected>, window: &str) {
        let diff = lock(&self.registry).close_window(window);
        if let Some(c) = connected {
            apply(c, &diff);
        }
    }

    /// Ends every feed and pump (sign-out; the market stream goes with the session).
    pub fn clear(&self) {
        lock(&self.registry).clear();
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
    use std::sync::atomic::{AtomicUsize, Ordering};

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

    /// A pull the page left waiting on a feed ends (`None`) as soon as the
    /// registry lets go of the feed, so the page's loop never outlives its subscription.
    #[tokio::test]
    async fn a_waiting_pull_ends_when_its_panel_subscribes_anew_or_its_window_closes() {
        use aries_client::stream::{ConnectionState, QuoteBook};
        use std::time::Duration;
        let book = Arc::new(QuoteBook::default());
        let (_state_tx, state) = watch::channel(ConnectionState::Live);
        let feed = |s: &[&str]| Some(FeedHandle::new(QuoteCursor::new(book.clone(), state.clone(), set(s))));
        let waiting = |f: &Option<FeedHandle>| {
            let feed = f.as_ref().unwrap().feed.clone();
            tokio::spawn(async move {
                assert!(feed.next().await.is_some(), "first the connection");
                feed.next().await
            })
        };
        let ends = |pull: tokio::task::JoinHandle<Option<QuoteBatch>>| async {
            tokio::time::timeout(Duration::from_secs(1), pull).await.expect("ends").unwrap()
        };
        let mut r = Registry::<(), Option<FeedHandle>>::default();
        let list = PanelKey::new("main", "watchlist");
        r.watch_quotes(list.clone(), set(&["AAPL"]), feed(&["AAPL"]));
        let first = r.feed(&list).unwrap().as_ref().unwrap().feed.id;
        let pull = waiting(r.feed(&list).unwrap());
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert!(!pull.is_finished(), "nothing changed: the pull waits");
        r.watch_quotes(list.clone(), set(&["MSFT"]), feed(&["MSFT"]));
        assert_eq!(ends(pull).await, None, "the old subscription's pull is over");
        assert_ne!(r.feed(&list).unwrap().as_ref().unwrap().feed.id, first, "the new one has its own id");
        let pull = waiting(r.feed(&list).unwrap());
        tokio::time::sleep(Duration::from_millis(100)).await;
        r.close_window("main");
        assert_eq!(ends(pull).await, None, "the window closed");
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
