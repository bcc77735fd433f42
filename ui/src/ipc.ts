// The only module that talks to Rust: one typed wrapper per command of the IPC
// contract (ui/src/bindings). Every rejection is an AppError.
import { Channel, invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import type {
  AccountEventView,
  AccountView,
  OrderTicket,
  OrderView,
  PlaceResult,
  PreviewView,
  QuoteBatch,
  RedirectChoice,
  SessionView,
  SymbolHit,
} from "./bindings";
import { toAppError } from "./errors";

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
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
export const accounts = () => call<AccountView[]>("accounts");
export const searchSymbols = (query: string) => call<SymbolHit[]>("search_symbols", { query });
export const previewOrder = (ticket: OrderTicket) => call<PreviewView>("preview_order", { ticket });
export const placeOrder = (ticket: OrderTicket, clientId: string) =>
  call<PlaceResult>("place_order", { ticket, clientId });
export const cancelOrder = (accountId: string, clOrdId: string) =>
  call<PlaceResult>("cancel_order", { accountId, clOrdId });
export const listOrders = (accountId: string) => call<OrderView[]>("list_orders", { accountId });

/** Replaces the watched set; batches for it arrive on `onBatch` until the next call. */
export function watchQuotes(symbols: string[], onBatch: (batch: QuoteBatch) => void): Promise<void> {
  const channel = new Channel<QuoteBatch>();
  channel.onmessage = onBatch;
  return call<void>("watch_quotes", { symbols, onBatch: channel });
}

/** Follows one account's orders: a snapshot first, then order/position/balance events. */
export function watchAccount(accountId: string, onEvent: (event: AccountEventView) => void): Promise<void> {
  const channel = new Channel<AccountEventView>();
  channel.onmessage = onEvent;
  return call<void>("watch_account", { accountId, onEvent: channel });
}

/** Rust emits "session-changed" with the whole SessionView on every change. */
export async function onSessionChanged(handler: (session: SessionView) => void): Promise<() => void> {
  try {
    return await listen<SessionView>("session-changed", (event) => handler(event.payload));
  } catch (err) {
    throw toAppError(err);
  }
}
