// The only module that talks to Rust: one typed wrapper per command of the IPC
// contract (ui/src/bindings). Every rejection is an AppError.
import { Channel, invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import type {
  AccountEventView,
  AccountView,
  BalancesView,
  BarColumns,
  CancelReport,
  Command,
  Drill,
  OrderChainView,
  OrderChanges,
  OrderPageView,
  OrderTicket,
  OrderView,
  PlaceResult,
  PositionView,
  PreviewView,
  QuoteBatch,
  ReplacePreviewView,
  RedirectChoice,
  SessionView,
  StreamsView,
  SymbolHit,
  WatchlistEdit,
  WatchlistsView,
  UpdateView,
} from "./bindings";
import { decodeBarColumns } from "./chart/columns";
import { toAppError } from "./errors";
import { decodeQuoteBatch, type QuoteRows } from "./quotes/columns";

/** The one invoke: `command` must be one of Rust's (bindings/commands.ts, generated from the list it registers). */
async function call<T>(command: Command, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (err) {
    throw toAppError(err);
  }
}

export const sessionStatus = () => call<SessionView>("session_status");
export const login = (scopes: string[]) => call<SessionView>("login", { scopes });
export const cancelLogin = () => call<SessionView>("cancel_login");
export const logout = () => call<SessionView>("logout");
export const unlock = (passphrase: string) => call<SessionView>("unlock", { passphrase });
export const keepInMemory = () => call<SessionView>("keep_in_memory");
export const setRedirect = (redirect: RedirectChoice) => call<SessionView>("set_redirect", { redirect });
/** OS notifications for fills, rejections and cancels Aries made; Rust sends them and keeps the choice. */
export const setNotifications = (enabled: boolean) => call<SessionView>("set_notifications", { enabled });
/** The registration note was read: Rust stops carrying it for this run. */
export const dismissSchemeNote = () => call<SessionView>("dismiss_scheme_note");
/** Sandbox only (refused in live mode): switches a practice fault on; the answer is the drills now on. */
export const drill = (which: Drill) => call<Drill[]>("drill", { drill: which });
/** Opens TradingView's site in the system browser (lightweight-charts' licence asks for the link). */
export const openChartCredits = () => call<void>("open_chart_credits");
export const accounts = () => call<AccountView[]>("accounts");
export const searchSymbols = (query: string) => call<SymbolHit[]>("search_symbols", { query });
/**
 * Bars starting in [from, to) (Unix seconds), oldest first, as columns over the
 * answer's bytes (Rust answers binary: chart/columns.ts); none when there are none (UDF no_data).
 */
export async function chartHistory(symbol: string, resolution: string, from: number, to: number): Promise<BarColumns> {
  const answer = await call<ArrayBuffer>("chart_history", { symbol, resolution, from, to });
  try {
    return decodeBarColumns(answer);
  } catch (err) {
    throw toAppError(err);
  }
}
export const previewOrder = (ticket: OrderTicket) => call<PreviewView>("preview_order", { ticket });
export const placeOrder = (ticket: OrderTicket, clientId: string) =>
  call<PlaceResult>("place_order", { ticket, clientId });
/** Looks an order whose answer was lost up at once; the row as the blotter shows it. */
export const checkOrder = (clientId: string) => call<OrderView>("check_order", { clientId });
export const cancelOrder = (accountId: string, clOrdId: string) =>
  call<PlaceResult>("cancel_order", { accountId, clOrdId });
export const listOrders = (accountId: string) => call<OrderView[]>("list_orders", { accountId });
/** *Cancel all working*: each order canceled once, one report per order, in the order given. */
export const cancelOrders = (accountId: string, clOrdIds: string[]) =>
  call<CancelReport[]>("cancel_orders", { accountId, clOrdIds });
/** Aries's preview of the order on the changed terms; nothing is sent to the order. */
export const previewReplace = (accountId: string, clOrdId: string, changes: OrderChanges) =>
  call<ReplacePreviewView>("preview_replace", { accountId, clOrdId, changes });
/** Sends the change once; a lost answer comes back as `unknown` and is never resent. */
export const replaceOrder = (accountId: string, clOrdId: string, changes: OrderChanges) =>
  call<PlaceResult>("replace_order", { accountId, clOrdId, changes });
/** One page of the last 90 days' orders, newest first; `cursor` is the previous page's `nextCursor`. */
export const orderHistory = (accountId: string, cursor: number | null, limit: number) =>
  call<OrderPageView>("order_history", { accountId, cursor, limit });
/** The ids an order has had across replaces, oldest first (the journal knows only orders placed here). */
export const orderChain = (accountId: string, clOrdId: string) =>
  call<OrderChainView>("order_chain", { accountId, clOrdId });
/** The account's open positions; quantities and money are decimal strings, a short has a negative quantity. */
export const positions = (accountId: string) => call<PositionView[]>("positions", { accountId });
/** The account's balances; every field may be absent (null). */
export const balances = (accountId: string) => call<BalancesView>("balances", { accountId });
/** The signed-in user's saved watchlists for this backend (a first sign-in gets the default list). */
export const watchlists = () => call<WatchlistsView>("watchlists");
/** Saves one change to the watchlists; the answer is the lists as saved (or why the change was refused). */
export const editWatchlist = (edit: WatchlistEdit) => call<WatchlistsView>("edit_watchlist", { edit });

/** In-app updates: Rust checks, downloads (verifying the signature) and installs; see updates/. */
export const updateStatus = () => call<UpdateView>("update_status");
export const checkUpdate = () => call<UpdateView>("check_update");
/** Resolves once downloaded and verified; progress comes through `onUpdateChanged`. */
export const downloadUpdate = () => call<UpdateView>("download_update");
/** Installs and restarts; it only returns when refused (an order's outcome is unknown) or failed. */
export const installUpdate = () => call<UpdateView>("install_update");

/**
 * Sets what one panel of this window watches; the window's `nextQuotes`
 * carries its quotes. Other panels' subscriptions stay.
 */
export const watchQuotes = (panel: string, symbols: string[]) => call<void>("watch_quotes", { panel, symbols });

/**
 * The window's next batch of quotes, every quote panel's news in one, as
 * rows: Rust answers when some panel's symbols or the connection changed (at
 * most once a frame), or with the connection alone after a quiet spell. Null
 * once the session has ended.
 */
export async function nextQuotes(): Promise<QuoteRows | null> {
  const batch = await call<QuoteBatch | null>("next_quotes");
  return batch && decodeQuoteBatch(batch);
}

/** Ends one panel's quote subscription. */
export const unwatchQuotes = (panel: string) => call<void>("unwatch_quotes", { panel });

/**
 * Follows both sockets (market and account): their states and reconnect
 * counts arrive on `onState` now and on every change, until the panel's next call.
 */
export function watchStreams(panel: string, onState: (streams: StreamsView) => void): Promise<void> {
  const channel = new Channel<StreamsView>();
  channel.onmessage = onState;
  return call<void>("watch_streams", { panel, onState: channel });
}

/** Follows one account's events for a panel: a snapshot first, then order/position/balance events. */
export function watchAccount(
  panel: string,
  accountId: string,
  onEvent: (event: AccountEventView) => void,
): Promise<void> {
  const channel = new Channel<AccountEventView>();
  channel.onmessage = onEvent;
  return call<void>("watch_account", { panel, accountId, onEvent: channel });
}

/** Rust emits "session-changed" with the whole SessionView on every change. */
export async function onSessionChanged(handler: (session: SessionView) => void): Promise<() => void> {
  try {
    return await listen<SessionView>("session-changed", (event) => handler(event.payload));
  } catch (err) {
    throw toAppError(err);
  }
}

/** Rust emits "update-changed" with the whole UpdateView on every change (download progress included). */
export async function onUpdateChanged(handler: (update: UpdateView) => void): Promise<() => void> {
  try {
    return await listen<UpdateView>("update-changed", (event) => handler(event.payload));
  } catch (err) {
    throw toAppError(err);
  }
}

/** The tray's *Check for updates…*: the window opens its Updates dialog. */
export async function onOpenUpdates(handler: () => void): Promise<() => void> {
  try {
    return await listen<null>("open-updates", () => handler());
  } catch (err) {
    throw toAppError(err);
  }
}
