import { For, Show } from "solid-js";
import { createStore } from "solid-js/store";
import type { AppError, OrderView } from "../bindings";
import { toAppError } from "../errors";
import * as fmt from "../format";
import * as ipc from "../ipc";
import { ErrorNote } from "../ui/ErrorNote";
import type { Blotter as BlotterState } from "./blotter";
import { kindLabel, priceLabel, statusClass } from "./describe";

/** What a Cancel click left behind on its row, keyed by the clOrdId it was sent for. */
type CancelState = { pending?: boolean; note?: string; error?: AppError };

export function Blotter(props: { blotter: BlotterState; accountId: string | null }) {
  const [cancels, setCancels] = createStore<Record<string, CancelState>>({});
  // Store setters merge objects, so every field is written to drop the previous state's.
  const put = (key: string, state: CancelState) =>
    setCancels(key, { pending: undefined, note: undefined, error: undefined, ...state });

  async function cancel(order: OrderView) {
    const key = order.clOrdId;
    if (!props.accountId || cancels[key]?.pending) return;
    put(key, { pending: true });
    try {
      const result = await ipc.cancelOrder(props.accountId, key);
      if (result.outcome === "accepted") {
        props.blotter.merge(result.order);
        put(key, {});
      } else if (result.outcome === "rejected") {
        put(key, { note: `Cancel refused: ${result.reason}` });
      } else {
        put(key, { note: "We could not confirm the cancel; checking…" });
        await props.blotter.reload();
        put(key, { note: "Checked: the list now shows the order as Aries reports it." });
      }
    } catch (err) {
      put(key, { error: toAppError(err) });
    }
  }

  return (
    <section class="panel blotter" aria-label="Orders">
      <h2>Orders</h2>
      <ErrorNote error={props.blotter.error()} onRetry={props.blotter.retry} testId="orders-error" />
      <table class="grid orders">
        <thead>
          <tr>
            <th class="left">Symbol</th>
            <th class="left">Side</th>
            <th class="left">Type</th>
            <th>Qty</th>
            <th>Filled</th>
            <th>Price</th>
            <th class="left">Status</th>
            <th>Time</th>
            <th />
          </tr>
        </thead>
        <tbody>
          <For each={props.blotter.orders()}>
            {(order) => {
              const state = () => cancels[order.clOrdId] ?? {};
              return (
                <>
                  <tr data-testid="order-row" data-status={order.status} data-client-id={order.clientId ?? ""}>
                    <td class="left sym">{order.symbol}</td>
                    <td class="left" classList={{ buy: order.side === "BUY", sell: order.side === "SELL" }}>
                      {order.side ?? fmt.DASH}
                    </td>
                    <td class="left">{kindLabel(order.kind)}</td>
                    <td>{order.quantity}</td>
                    <td>{order.filled}</td>
                    <td>{priceLabel(order)}</td>
                    <td class={`left ${statusClass(order.status)}`} title={order.reason ?? undefined}>
                      {order.status}
                    </td>
                    <td>{fmt.clock(order.updatedAt)}</td>
                    <td class="actions-cell">
                      <Show when={order.working}>
                        <button
                          type="button"
                          class="small"
                          data-testid="cancel-order"
                          disabled={state().pending}
                          onClick={() => void cancel(order)}
                        >
                          {state().pending ? "Canceling…" : "Cancel"}
                        </button>
                      </Show>
                    </td>
                  </tr>
                  <Show when={state().note || state().error || (order.status === "REJECTED" && order.reason)}>
                    <tr class="row-note">
                      <td colSpan={9}>
                        <Show when={order.status === "REJECTED" && order.reason}>
                          <span class="st-rejected">{order.reason}</span>{" "}
                        </Show>
                        <Show when={state().note}>
                          <span class="muted">{state().note}</span>
                        </Show>
                        <ErrorNote error={state().error ?? null} onRetry={() => void cancel(order)} />
                      </td>
                    </tr>
                  </Show>
                </>
              );
            }}
          </For>
        </tbody>
      </table>
      <Show when={!props.blotter.loading() && props.blotter.orders().length === 0 && !props.blotter.error()}>
        <p class="empty">No orders today.</p>
      </Show>
      <Show when={props.blotter.loading()}>
        <p class="empty">Loading orders…</p>
      </Show>
    </section>
  );
}
