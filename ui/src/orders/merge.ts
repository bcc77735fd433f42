// Pure merge of account events into the blotter's order list.
import type { AccountEventView, OrderView } from "../bindings";

function sameIntent(a: OrderView, b: OrderView): boolean {
  // A replace mints a new clOrdId but keeps the clientId of the user's intent.
  // Symbol and account must agree too, in case another app tags every order alike.
  return a.clientId !== null && a.clientId === b.clientId && a.symbol === b.symbol && a.accountId === b.accountId;
}

function isOlder(incoming: OrderView, existing: OrderView): boolean {
  const a = incoming.updatedAt ? Date.parse(incoming.updatedAt) : NaN;
  const b = existing.updatedAt ? Date.parse(existing.updatedAt) : NaN;
  return a < b; // false when either time is missing or unreadable: the newer event wins by arrival
}

/** The same order (clOrdId) reported with fewer shares filled than shown: an older view of it. */
function fillsShrink(incoming: OrderView, existing: OrderView): boolean {
  const same = incoming.clOrdId !== "" && incoming.clOrdId === existing.clOrdId;
  return same && Number(incoming.filled) < Number(existing.filled);
}

/** The list with `order` merged in: by clOrdId, else by clientId across a replace chain, else added first. */
export function mergeOrder(orders: readonly OrderView[], order: OrderView): readonly OrderView[] {
  let index = orders.findIndex((o) => o.clOrdId === order.clOrdId);
  if (index < 0) index = orders.findIndex((o) => sameIntent(o, order));
  if (index < 0) return [order, ...orders];
  // Aries's first record of an intent replaces the journal's row (no clOrdId) whatever the times:
  // the journal stamps with this machine's clock, and an order booked before its answer was lost
  // is stamped by Aries before the journal noted the doubt.
  const settlesJournalRow = orders[index].clOrdId === "" && order.clOrdId !== "";
  // An event that arrives late (older than what is shown) must not roll the row back; nor
  // must an answer without a time (a place acknowledgement) once a fill of it was streamed.
  if (!settlesJournalRow && (isOlder(order, orders[index]) || fillsShrink(order, orders[index]))) return orders;
  // Aries's own record of an intent settles it: the journal's doubt about a place
  // whose answer was lost (no clOrdId yet) comes too late once the stream showed the order.
  if (order.status === "UNKNOWN" && order.clOrdId === "" && orders[index].clOrdId !== "") return orders;
  const next = [...orders];
  next[index] = order;
  return next;
}

/** A row only the local journal knows: Aries has not (yet) shown it, so no snapshot lists it. */
const localOnly = (o: OrderView) => o.clOrdId === "" || o.status === "UNKNOWN";

/**
 * A snapshot (after a reconnect) is what Aries has today: it replaces the rows
 * Aries reported, but never drops one only the journal knows; an order whose
 * outcome is unknown stays visible until Aries's own records settle it.
 */
export function mergeSnapshot(orders: readonly OrderView[], snapshot: readonly OrderView[]): readonly OrderView[] {
  const kept = orders.filter((o) => localOnly(o) && !snapshot.some((s) => sameIntent(s, o)));
  return kept.length ? [...kept, ...snapshot] : snapshot;
}

/** Applies one event from the account stream; position and balance events leave orders as they are. */
export function applyAccountEvent(orders: readonly OrderView[], event: AccountEventView): readonly OrderView[] {
  switch (event.kind) {
    case "snapshot":
      return mergeSnapshot(orders, event.orders);
    case "order":
      return mergeOrder(orders, event.order);
    default:
      return orders;
  }
}

/** The same order in two lists: by clOrdId, else by intent across a replace. */
const sameOrder = (a: OrderView, b: OrderView) => a.clOrdId === b.clOrdId || sameIntent(a, b);

/** History pages appended in order; a row already held (a page boundary that moved) is not added twice. */
export function appendPage(history: readonly OrderView[], page: readonly OrderView[]): readonly OrderView[] {
  const fresh = page.filter((o) => !history.some((h) => h.clOrdId === o.clOrdId));
  return fresh.length ? [...history, ...fresh] : history;
}

/**
 * The panel's rows: today's blotter (live, so it wins) and then the history
 * rows it does not already show. The history has today's orders too, and a
 * replaced order's older link: neither is shown twice.
 */
export function withHistory(today: readonly OrderView[], history: readonly OrderView[]): readonly OrderView[] {
  const older = history.filter((h) => !today.some((t) => sameOrder(t, h)));
  return older.length ? [...today, ...older] : today;
}
