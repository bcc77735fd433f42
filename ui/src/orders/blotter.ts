// The selected account's orders: loaded with list_orders, then kept current by
// the account stream. Switching accounts drops everything from the old one.
import { createEffect, createSignal, on, onCleanup } from "solid-js";
import type { AppError, OrderView } from "../bindings";
import { toAppError } from "../errors";
import * as ipc from "../ipc";
import { applyAccountEvent, mergeOrder } from "./merge";

export type Blotter = ReturnType<typeof createBlotter>;

export function createBlotter(accountId: () => string | null) {
  const [orders, setOrders] = createSignal<readonly OrderView[]>([]);
  const [error, setError] = createSignal<AppError | null>(null);
  const [loading, setLoading] = createSignal(false);
  let generation = 0; // bumps on every account switch; older responses are ignored

  async function load(id: string) {
    const mine = ++generation;
    setOrders([]);
    setError(null);
    setLoading(true);
    try {
      const list = await ipc.listOrders(id);
      if (mine !== generation) return;
      setOrders(list);
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
      setError(null);
    }),
  );

  onCleanup(() => generation++);

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
