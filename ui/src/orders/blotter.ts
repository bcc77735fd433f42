// The selected account's orders: loaded with list_orders, then kept current by
// the account stream, and older ones from Aries's history, a page at a time as
// the trader scrolls. Switching accounts drops everything from the old one.
import { createEffect, createSignal, on, onCleanup } from "solid-js";
import type { AppError, OrderView } from "../bindings";
import { toAppError } from "../errors";
import * as ipc from "../ipc";
import { appendPage, applyAccountEvent, mergeOrder, withHistory } from "./merge";

/** History rows per page. */
export const HISTORY_PAGE = 25;

export type Blotter = ReturnType<typeof createBlotter>;

export function createBlotter(accountId: () => string | null) {
  const [orders, setOrders] = createSignal<readonly OrderView[]>([]);
  const [error, setError] = createSignal<AppError | null>(null);
  const [loading, setLoading] = createSignal(false);
  const [history, setHistory] = createSignal<readonly OrderView[]>([]);
  /** The next page's cursor; null once the last page came (or before the first). */
  const [cursor, setCursor] = createSignal<number | null>(null);
  const [historyDone, setHistoryDone] = createSignal(false);
  const [historyLoading, setHistoryLoading] = createSignal(false);
  const [historyError, setHistoryError] = createSignal<AppError | null>(null);
  let generation = 0; // bumps on every account switch; older responses are ignored

  async function load(id: string) {
    const mine = ++generation;
    setOrders([]);
    resetHistory();
    setError(null);
    setLoading(true);
    try {
      const list = await ipc.listOrders(id);
      if (mine !== generation) return;
      setOrders(list);
      void loadOlder();
      await ipc.watchAccount("blotter", id, (event) => {
        if (mine === generation) setOrders((current) => applyAccountEvent(current, event));
      });
    } catch (err) {
      if (mine === generation) setError(toAppError(err));
    } finally {
      if (mine === generation) setLoading(false);
    }
  }

  createEffect(
    on(accountId, (id) => {
      if (id) return void load(id);
      generation++;
      setOrders([]);
      resetHistory();
      setError(null);
    }),
  );

  onCleanup(() => generation++);

  function resetHistory() {
    setHistory([]);
    setCursor(null);
    setHistoryDone(false);
    setHistoryLoading(false);
    setHistoryError(null);
  }

  /** Loads the next older page of history; one request at a time, none after the last page. */
  async function loadOlder() {
    const id = accountId();
    if (!id || historyLoading() || historyDone()) return;
    const mine = generation;
    setHistoryLoading(true);
    setHistoryError(null);
    try {
      const page = await ipc.orderHistory(id, cursor(), HISTORY_PAGE);
      if (mine !== generation) return;
      setHistory((held) => appendPage(held, page.orders));
      setCursor(page.nextCursor);
      setHistoryDone(page.nextCursor === null);
    } catch (err) {
      if (mine === generation) setHistoryError(toAppError(err));
    } finally {
      if (mine === generation) setHistoryLoading(false);
    }
  }

  /** Reads the list again (after an order whose outcome is unknown); rejects with an AppError. */
  async function reload(): Promise<readonly OrderView[]> {
    const id = accountId();
    if (!id) return [];
    const mine = generation;
    const list = await ipc.listOrders(id);
    if (mine === generation) setOrders(list);
    return list;
  }

  return {
    orders,
    /** Today's rows, then the history rows not already shown. */
    rows: () => withHistory(orders(), history()),
    history: { loading: historyLoading, error: historyError, done: historyDone, pages: () => history().length },
    loadOlder,
    error,
    loading,
    retry: () => {
      const id = accountId();
      if (id) void load(id);
    },
    merge: (order: OrderView) => setOrders((current) => mergeOrder(current, order)),
    reload,
  };
}
