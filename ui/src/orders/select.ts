// The order panel's tabs and keyboard selection, as pure functions of the rows.
import type { OrderView } from "../bindings";

export type OrderTab = "working" | "filled" | "closed" | "all";

export const TABS: readonly { id: OrderTab; label: string }[] = [
  { id: "working", label: "Working" },
  { id: "filled", label: "Filled" },
  { id: "closed", label: "Canceled/Rejected" },
  { id: "all", label: "All" },
];

const CLOSED = new Set(["CANCELED", "REJECTED", "EXPIRED", "NOT_PLACED"]);

/**
 * Which tab shows `order`. An UNKNOWN row counts as working: it may be, and
 * hiding it there would hide an order the trader must settle first.
 */
export function inTab(order: OrderView, tab: OrderTab): boolean {
  switch (tab) {
    case "working":
      return order.working || order.status === "UNKNOWN";
    case "filled":
      return order.status === "FILLED";
    case "closed":
      return CLOSED.has(order.status);
    case "all":
      return true;
  }
}

/** The orders a *Cancel all working* may name: working at Aries, with an id to cancel by. */
export const cancelable = (rows: readonly OrderView[]) =>
  rows.filter((o) => o.working && o.status !== "UNKNOWN" && o.clOrdId !== "");

/** A row's key for selection: the clOrdId, or the intent for a row Aries has not named yet. */
export const rowKey = (o: OrderView) => o.clOrdId || `intent:${o.clientId ?? ""}`;

/**
 * The key selected after an arrow key: one row up or down, staying at the
 * ends; from no selection (or one no longer shown) Down picks the first row
 * and Up the last.
 */
export function moveSelection(rows: readonly OrderView[], selected: string | null, delta: 1 | -1): string | null {
  if (rows.length === 0) return null;
  const at = selected === null ? -1 : rows.findIndex((o) => rowKey(o) === selected);
  if (at < 0) return rowKey(rows[delta > 0 ? 0 : rows.length - 1]);
  return rowKey(rows[Math.min(rows.length - 1, Math.max(0, at + delta))]);
}

/**
 * The selection after the rows changed: kept if its row is still shown, else
 * moved to the row that took its intent's place (a replace gave it a new
 * clOrdId), else dropped.
 */
export function keepSelection(
  rows: readonly OrderView[],
  selected: string | null,
  before: OrderView | undefined,
): string | null {
  if (selected === null) return null;
  if (rows.some((o) => rowKey(o) === selected)) return selected;
  if (!before?.clientId) return null;
  const successor = rows.find(
    (o) => o.clientId === before.clientId && o.symbol === before.symbol && o.accountId === before.accountId,
  );
  return successor ? rowKey(successor) : null;
}
