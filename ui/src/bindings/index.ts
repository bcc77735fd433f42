// IPC CONTRACT (draft, hand-written by the lead). The lead generates the real
// file from Rust with ts-rs into ui/src/bindings/ with these exact names and
// shapes; until then the UI imports them from ui/src/bindings/index.ts.
// All JSON is camelCase. Decimals (money, quantities, order prices) are strings.

export type AppError = { code: string; message: string; retryable: boolean };
// codes: auth.expired auth.denied auth.state auth.callback auth.pending (no login pending)
//        rate_limited network server order.rejected order.unknown validation vault.locked
//        vault.corrupt vault.passphrase not_signed_in config unexpected

export type Mode = "sandbox" | "live";
/** "keychain": key from the OS keychain; "passphrase": unlocked with the user's passphrase;
 *  "locked": a snapshot exists / no keychain: ask for a passphrase (unlock dialog);
 *  "memoryOnly": no keychain and the user chose not to set a passphrase: tokens are not saved. */
export type VaultState = "keychain" | "passphrase" | "locked" | "memoryOnly";
export type Phase = "signedOut" | "pending" | "signedIn";
/** How the browser comes back to the app. */
export type RedirectChoice = "deepLink" | "loopback";

export type UserView = { id: string; email: string | null; name: string | null };
export type AccountView = {
  id: string; // trading_account_id
  name: string; // e.g. "Individual ••1234"
  isSim: boolean;
  status: string; // e.g. "ACTIVE"
  kind: string | null; // account type
};
export type SessionView = {
  mode: Mode;
  simulator: string | null; // sandbox REST base, shown next to the SANDBOX marker
  phase: Phase;
  redirect: RedirectChoice; // what the next login will use
  vault: VaultState;
  user: UserView | null;
  accounts: AccountView[];
  scopes: string[]; // granted
  expiresAt: string | null; // RFC 3339, when the current access token expires
  error: AppError | null; // the last sign-in failure, shown on the sign-in screen with a retry
};
// Emitted as the Tauri event "session-changed" (payload SessionView) on every change.

export type ConnectionView = "connecting" | "live" | "reconnecting" | "offline" | "signedOut";
export type QuoteView = {
  symbol: string;
  last: number | null;
  bid: number | null;
  ask: number | null;
  change: number | null;
  changePercent: number | null;
  volume: number | null;
  ageMs: number; // time since the last message for this symbol
  stale: boolean; // older than the freshness threshold
  source: "snapshot" | "update" | "rest";
};
/** Sent over a Channel at most once per frame with only the symbols that changed. */
export type QuoteBatch = { quotes: QuoteView[]; connection: ConnectionView };

export type Side = "BUY" | "SELL";
export type OrderKind = "MARKET" | "LIMIT" | "STOP" | "STOP_LIMIT";
export type Tif = "DAY" | "GTC";
export type OrderTicket = {
  accountId: string;
  symbol: string;
  side: Side;
  kind: OrderKind;
  quantity: string;
  limitPrice: string | null;
  stopPrice: string | null;
  tif: Tif;
};
export type PreviewView = {
  clientId: string; // minted for this intent; pass it to place_order
  estimatedCost: string | null;
  commission: string | null;
  buyingPowerImpact: string | null;
  warnings: string[];
};
export type OrderView = {
  clOrdId: string; // newest id in the replace chain: use it to cancel/replace
  clientId: string | null;
  accountId: string | null;
  symbol: string;
  side: Side | null;
  kind: OrderKind | null;
  quantity: string;
  filled: string;
  limitPrice: string | null;
  stopPrice: string | null;
  tif: Tif | null;
  status: string; // PENDING_NEW NEW PARTIALLY_FILLED FILLED CANCELED REJECTED EXPIRED ...
  working: boolean; // can still be canceled/replaced
  reason: string | null; // reject reason / text
  updatedAt: string | null;
};
export type PlaceResult =
  | { outcome: "accepted"; order: OrderView }
  | { outcome: "rejected"; reason: string }
  | { outcome: "unknown"; clientId: string; message: string };
export type AccountEventView =
  | { kind: "snapshot"; orders: OrderView[] }
  | { kind: "order"; order: OrderView }
  | { kind: "position"; symbol: string }
  | { kind: "balance" };

// Commands (invoke name, args object → result). Errors reject with AppError.
// session_status()                                   → SessionView
// login({ scopes: string[] })                        → SessionView (phase "pending"; browser opened)
// cancel_login()                                     → SessionView
// logout()                                           → SessionView
// unlock({ passphrase: string })                     → SessionView
// set_redirect({ redirect: RedirectChoice })         → SessionView
// accounts()                                         → AccountView[]
// search_symbols({ query: string })                  → { symbol: string; description: string | null }[]
// watch_quotes({ symbols: string[], onBatch: Channel<QuoteBatch> }) → void  (replaces the watched set)
// watch_account({ accountId: string, onEvent: Channel<AccountEventView> }) → void
// preview_order({ ticket: OrderTicket })             → PreviewView
// place_order({ ticket: OrderTicket, clientId: string }) → PlaceResult (same clientId twice never sends twice)
// cancel_order({ accountId: string, clOrdId: string }) → PlaceResult
// list_orders({ accountId: string })                 → OrderView[]  (working and today's, journal-backed)
