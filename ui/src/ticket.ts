// Client-side checks of an order ticket, for feedback while typing. Rust
// validates again before anything is sent; this only catches the obvious.
import type { OrderKind, OrderTicket, Side, Tif } from "./bindings";
import { normalizeSymbol } from "./symbol";

/** The form's raw state: every field is the text the user typed. */
export type TicketDraft = {
  accountId: string;
  symbol: string;
  side: Side;
  kind: OrderKind;
  quantity: string;
  limitPrice: string;
  stopPrice: string;
  tif: Tif;
};

export type TicketField = "accountId" | "symbol" | "quantity" | "limitPrice" | "stopPrice";
export type TicketErrors = Partial<Record<TicketField, string>>;
export type TicketCheck = { ok: true; ticket: OrderTicket } | { ok: false; errors: TicketErrors };

export const ORDER_KINDS: readonly OrderKind[] = ["MARKET", "LIMIT", "STOP", "STOP_LIMIT"];

export const needsLimitPrice = (kind: OrderKind) => kind === "LIMIT" || kind === "STOP_LIMIT";
export const needsStopPrice = (kind: OrderKind) => kind === "STOP" || kind === "STOP_LIMIT";

// Plain decimal notation only: no sign, exponent, grouping or spaces, because
// the value travels as a string into rust_decimal on the other side.
const DECIMAL = /^\d+(\.\d+)?$/;
const MAX_DECIMAL_LENGTH = 20;

/** An error message for `text` as a positive decimal, or null when it is one. */
export function positiveDecimalError(text: string, what: string): string | null {
  const value = text.trim();
  if (value === "") return `Enter a ${what}.`;
  if (value.length > MAX_DECIMAL_LENGTH || !DECIMAL.test(value)) {
    return `Enter the ${what} as a plain number, like 10 or 12.50.`;
  }
  // Checked on the digits rather than with parseFloat so "0.000" is caught exactly.
  if (!/[1-9]/.test(value)) return `The ${what} must be more than zero.`;
  return null;
}

export function checkTicket(draft: TicketDraft): TicketCheck {
  const errors: TicketErrors = {};
  if (!draft.accountId) errors.accountId = "Choose an account.";
  const symbol = normalizeSymbol(draft.symbol);
  if (!symbol) errors.symbol = draft.symbol.trim() ? "That is not a ticker symbol." : "Enter a symbol.";

  const quantityError = positiveDecimalError(draft.quantity, "quantity");
  if (quantityError) errors.quantity = quantityError;
  const limit = needsLimitPrice(draft.kind);
  const stop = needsStopPrice(draft.kind);
  const limitError = limit ? positiveDecimalError(draft.limitPrice, "limit price") : null;
  if (limitError) errors.limitPrice = limitError;
  const stopError = stop ? positiveDecimalError(draft.stopPrice, "stop price") : null;
  if (stopError) errors.stopPrice = stopError;

  if (Object.keys(errors).length > 0 || !symbol) return { ok: false, errors };
  return {
    ok: true,
    ticket: {
      accountId: draft.accountId,
      symbol,
      side: draft.side,
      kind: draft.kind,
      quantity: draft.quantity.trim(),
      // A price the kind does not use is never sent, even if the hidden field still holds text.
      limitPrice: limit ? draft.limitPrice.trim() : null,
      stopPrice: stop ? draft.stopPrice.trim() : null,
      tif: draft.tif,
    },
  };
}
